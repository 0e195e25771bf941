"""Stateful properties of tracker + policy over random mail, user actions and time.

The machine plays a mailbox over weeks: employers write, the user sends, edits or
deletes drafts, writes mail of their own or registers a competing offer, and the
agent runs a pass (build processes, plan, apply). After every pass the invariants
below must hold.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from agent.analysis.calendar import BusinessCalendar
from agent.policy import (
    COMPETING_OFFER,
    FEEDBACK_REQUEST,
    CancelDraft,
    CreateDraft,
    DraftsCapped,
    FlagDraft,
    MarkGhosted,
    Policy,
    plan,
)
from agent.records import (
    DRAFT_APPENDED,
    DRAFT_CANCELLED,
    DRAFT_SENT,
    DRAFT_USER_DELETED,
    DRAFT_USER_EDITED,
    INBOUND,
    OPEN_DRAFT_STATES,
    OUTBOUND,
    CompetingOffer,
    DraftRecord,
    TrackedMessage,
)
from agent.rules import shipped_parties
from agent.tracker import Process, build_processes

OSLO = ZoneInfo("Europe/Oslo")
ME = "ola@gmail.com"
PARTIES = shipped_parties()
CALENDAR = BusinessCalendar("NO")
POLICY = Policy(max_drafts_per_pass=2)
EMPLOYERS = ("acme", "beta", "gamma")
KINDS = (
    "application_received",
    "interview_invitation",
    "status_update",
    "assessment_request",
    "reference_request",
    "rejection",
    "offer",
    "not_job",
)


class FollowupMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = datetime(2026, 11, 2, 8, 0, tzinfo=OSLO)
        self.messages: list[TrackedMessage] = []
        self.drafts: list[DraftRecord] = []
        self.offers: list[CompetingOffer] = []
        self.created: set[str] = set()
        self.serial = 0
        self.processes: list[Process] = []

    # -- the world ---------------------------------------------------------------

    def _next_id(self, domain: str) -> str:
        self.serial += 1
        return f"<m{self.serial}@{domain}>"

    def _thread_tail(self, employer: str) -> str | None:
        mine = [m for m in self.messages if employer in m.message_id or employer in ",".join(m.to)]
        return mine[-1].message_id if mine else None

    @rule(hours=st.integers(1, 60))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)
        self.agent_pass()

    @rule(days=st.integers(2, 9))
    def days_pass(self, days: int) -> None:
        for _ in range(days):
            self.now += timedelta(days=1)
            self.agent_pass()

    @precondition(lambda self: len(self.messages) < 8)
    @rule(
        employer=st.sampled_from(EMPLOYERS),
        kind=st.sampled_from(KINDS),
        promise_in=st.one_of(st.none(), st.integers(-3, 20)),
        interview_in=st.integers(0, 10),
    )
    def employer_writes(
        self, employer: str, kind: str, promise_in: int | None, interview_in: int
    ) -> None:
        self.now += timedelta(minutes=1)
        tail = self._thread_tail(employer)
        interview_at = None
        if kind == "interview_invitation":
            day = self.now.date() + timedelta(days=interview_in)
            interview_at = datetime(day.year, day.month, day.day, 10, tzinfo=OSLO)
        promised = self.now.date() + timedelta(days=promise_in) if promise_in is not None else None
        self.messages.append(
            TrackedMessage(
                message_id=self._next_id(f"{employer}.no"),
                account="me",
                direction=INBOUND,
                folder_role="inbox",
                date=self.now,
                subject=f"Your application at {employer}",
                from_name="Kari Nordmann",
                from_addr=f"kari@{employer}.no",
                to=(ME,),
                in_reply_to=tail,
                references=(tail,) if tail else (),
                kind=kind,
                promised_by=promised if kind != "not_job" else None,
                interview_at=interview_at,
                company=employer.capitalize(),
            )
        )

    @precondition(lambda self: len(self.messages) < 8)
    @rule(employer=st.sampled_from(EMPLOYERS))
    def user_writes(self, employer: str) -> None:
        self.now += timedelta(minutes=1)
        tail = self._thread_tail(employer)
        self.messages.append(
            TrackedMessage(
                message_id=self._next_id("gmail.com"),
                account="me",
                direction=OUTBOUND,
                folder_role="sent",
                date=self.now,
                subject="Re: application",
                from_addr=ME,
                to=(f"kari@{employer}.no",),
                in_reply_to=tail,
                references=(tail,) if tail else (),
                kind="application_received" if tail is None else "not_job",
            )
        )

    def _open(self) -> list[DraftRecord]:
        return [d for d in self.drafts if d.state in OPEN_DRAFT_STATES]

    @precondition(lambda self: any(d.state in OPEN_DRAFT_STATES for d in self.drafts))
    @rule(pick=st.integers(0, 10), what=st.sampled_from(("send", "send", "send", "delete", "edit")))
    def user_handles_a_draft(self, pick: int, what: str) -> None:
        self.now += timedelta(minutes=5)
        draft = self._open()[pick % len(self._open())]
        if what == "send":
            draft.state = DRAFT_SENT
            draft.updated_at = self.now
            self.messages.append(
                TrackedMessage(
                    message_id=draft.message_id,
                    account="me",
                    direction=OUTBOUND,
                    folder_role="sent",
                    date=self.now,
                    subject=draft.subject,
                    from_addr=ME,
                    to=("kari@example.no",),
                    in_reply_to=draft.in_reply_to,
                    references=(draft.in_reply_to,) if draft.in_reply_to else (),
                    followup_id=draft.followup_id,
                )
            )
        else:
            draft.state = DRAFT_USER_DELETED if what == "delete" else DRAFT_USER_EDITED

    @precondition(lambda self: not self.offers and len(self.messages) > 3)
    @rule(deadline_in=st.integers(-1, 10))
    def competing_offer(self, deadline_in: int) -> None:
        self.offers.append(
            CompetingOffer(
                created_at=self.now, deadline=self.now.date() + timedelta(days=deadline_in)
            )
        )

    # -- the agent ---------------------------------------------------------------

    @rule()
    def agent_pass(self) -> None:
        processes = build_processes(
            self.messages, own_addresses={ME}, parties=PARTIES, now=self.now
        )
        actions = plan(
            processes,
            list(self.drafts),
            now=self.now,
            policy=POLICY,
            calendar=CALENDAR,
            tz=OSLO,
            offers=self.offers,
        )
        by_id = {d.followup_id: d for d in self.drafts}
        latest_inbound = {p.id: p.last_inbound.date for p in processes if p.last_inbound}
        new_ids: list[str] = []
        for action in actions:
            if isinstance(action, CancelDraft):
                draft = by_id[action.followup_id]
                assert draft.state in OPEN_DRAFT_STATES, "only our untouched drafts are cancelled"
                draft.state = DRAFT_CANCELLED
            elif isinstance(action, FlagDraft):
                assert by_id[action.followup_id].state == DRAFT_USER_EDITED
                by_id[action.followup_id].note = action.reason
            elif isinstance(action, CreateDraft):
                # Nothing before its due time, nothing due before the message it answers.
                assert action.due_at <= self.now
                if action.process_id in latest_inbound:
                    assert action.due_at >= latest_inbound[action.process_id]
                # Never the same follow-up twice (deleted, sent and cancelled ones included).
                assert action.followup_id not in self.created
                assert action.nudge < POLICY.max_followups
                self.created.add(action.followup_id)
                new_ids.append(action.followup_id)
                draft = DraftRecord(
                    followup_id=action.followup_id,
                    account=action.account,
                    process_id=action.process_id,
                    action=action.action,
                    state=DRAFT_APPENDED,
                    due_at=action.due_at,
                    message_id=f"<followup.{action.followup_id}@gmail.com>",
                    subject="Re: application",
                    in_reply_to=action.anchor_message_id,
                    created_at=self.now,
                    updated_at=self.now,
                )
                self.drafts.append(draft)
                by_id[draft.followup_id] = draft
            elif isinstance(action, DraftsCapped):
                assert len(new_ids) == POLICY.max_drafts_per_pass
            else:
                assert isinstance(action, MarkGhosted)
        self.processes = processes

    # -- invariants ----------------------------------------------------------------

    @invariant()
    def at_most_one_open_draft_per_process(self) -> None:
        for p in self.processes:
            open_drafts = [
                d
                for d in self.drafts
                if p.answers_to(d.process_id) and d.state in OPEN_DRAFT_STATES
            ]
            assert len(open_drafts) <= 1, open_drafts

    @invariant()
    def no_open_draft_older_than_a_later_employer_message(self) -> None:
        for p in self.processes:
            if p.last_inbound is None:
                continue
            for d in self.drafts:
                if p.answers_to(d.process_id) and d.state in OPEN_DRAFT_STATES:
                    assert d.created_at is not None and d.created_at >= p.last_inbound.date

    @invariant()
    def never_more_follow_ups_than_allowed_per_silence(self) -> None:
        per_anchor: dict[tuple[str, str | None], int] = {}
        for d in self.drafts:
            if d.action in (FEEDBACK_REQUEST, COMPETING_OFFER):
                continue
            key = (d.process_id, d.in_reply_to)
            per_anchor[key] = per_anchor.get(key, 0) + 1
        assert all(n <= POLICY.max_followups for n in per_anchor.values()), per_anchor

    @invariant()
    def ids_are_unique(self) -> None:
        ids = [d.followup_id for d in self.drafts]
        assert len(ids) == len(set(ids))


FollowupMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestFollowupMachine = FollowupMachine.TestCase
