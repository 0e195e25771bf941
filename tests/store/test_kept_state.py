"""What the passes keep equals a full derivation from the records, always.

A hypothesis state machine plays a job search against a real state database:
employers write (now and then mail dated before what is already there turns up,
or a message is analysed again), the user writes, sends, edits or deletes drafts and
corrects processes (``close``, ``snooze``, ``edit``, ``add``, ``offer``), time passes,
passes run (and sometimes die before keeping what they derived), the rules change,
the agent restarts, and a command asks in another time zone. After every step the
kept processes, read as ``followup status``, ``processes``, ``show`` and the next
pass read them, equal a derivation from scratch at that moment.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from agent.analysis.types import Evidence
from agent.kept import rebuild, refresh
from agent.pipeline.engine import Engine
from agent.policy import CancelDraft, CreateDraft, combine
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
    ManualProcess,
    ProcessOverride,
    TrackedMessage,
)
from agent.store import Store
from agent.views import process_detail_json

OSLO = ZoneInfo("Europe/Oslo")
ME = "ola@gmail.com"
EMPLOYERS = ("acme", "beta", "gamma")
KINDS = (
    "application_received",
    "interview_invitation",
    "status_update",
    "assessment_request",
    "reference_request",
    "rejection",
    "offer",
)
CONDITIONS = (None, None, "silence_means_no", "shortlisted")
STRICTER = "after_promise_business_days = 3\nnext_steps_business_days = 2\nmax_overdue_days = 9\n"


def make_config(root: Path, rules_dir: Path | None) -> SimpleNamespace:
    account = SimpleNamespace(name="me", address=ME, aliases=["ola@work.no"])
    return SimpleNamespace(
        state_dir=root,
        db_path=root / "followup.db",
        timezone="Europe/Oslo",
        country="NO",
        languages=("nb", "en"),
        max_drafts_per_pass=2,
        accounts=[account],
        rules_dir=rules_dir,
    )


class KeptMachine(RuleBasedStateMachine):
    """Random passes and corrections; the kept state must equal a full rebuild."""

    root: Path

    @initialize()
    def start(self) -> None:
        self.now = datetime(2026, 11, 2, 8, 0, tzinfo=OSLO)
        self.serial = 0
        self.rules_dir: Path | None = None
        self.config = make_config(self.root, None)
        self.engine = Engine(self.config)
        self.store = Store.open(self.config.db_path)
        self.threads: dict[str, str] = {}

    def teardown(self) -> None:
        store = getattr(self, "store", None)
        if store is not None:
            store.close()

    @property
    def account(self) -> SimpleNamespace:
        return self.config.accounts[0]

    def _id(self, domain: str) -> str:
        self.serial += 1
        return f"<m{self.serial}@{domain}>"

    def _kept_ids(self) -> list[str]:
        return [pid for pid, _ in refresh(self.store, self.engine, self.account, self.now,
                                          save=False).ids_and_aliases()]  # fmt: skip

    # -- the world ----------------------------------------------------------------------

    @rule(hours=st.integers(1, 80))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @precondition(lambda self: self.serial < 14)
    @rule(
        employer=st.sampled_from(EMPLOYERS),
        kind=st.sampled_from(KINDS),
        promise_in=st.one_of(st.none(), st.integers(-2, 12)),
        condition=st.sampled_from(CONDITIONS),
        interview_in=st.integers(0, 6),
        earlier=st.booleans(),
        thread=st.booleans(),
    )
    def employer_writes(
        self,
        employer: str,
        kind: str,
        promise_in: int | None,
        condition: str | None,
        interview_in: int,
        earlier: bool,
        thread: bool,
    ) -> None:
        """Mail from an employer: new, or (``earlier``) older mail turning up late."""
        when = self.now - timedelta(days=20) if earlier else self.now
        self.now += timedelta(minutes=1)
        tail = self.threads.get(employer) if thread and not earlier else None
        promised = when.date() + timedelta(days=promise_in) if promise_in is not None else None
        evidence = ()
        if promised is not None:
            evidence = (Evidence("We will answer soon.", "soon", promised, condition),)
        interview_at = None
        if kind == "interview_invitation":
            day = when.date() + timedelta(days=interview_in)
            interview_at = datetime(day.year, day.month, day.day, 10, tzinfo=OSLO)
        mid = self._id(f"{employer}.no")
        message = TrackedMessage(
            message_id=mid, account="me", direction=INBOUND, folder_role="inbox", date=when,
            subject=f"Your application at {employer}", from_name="Kari Nordmann",
            from_addr=f"kari@{employer}.no", to=(ME,), in_reply_to=tail,
            references=(tail,) if tail else (), kind=kind, promised_by=promised,
            interview_at=interview_at, company=employer.capitalize(), evidence=evidence,
        )  # fmt: skip
        self.store.record_message(message, folder="INBOX", uid=None, uidvalidity=None,
                                  first_seen_at=self.now)  # fmt: skip
        if not earlier:
            self.threads[employer] = mid

    @precondition(lambda self: self.serial < 14)
    @rule(employer=st.sampled_from(EMPLOYERS))
    def user_writes(self, employer: str) -> None:
        self.now += timedelta(minutes=1)
        tail = self.threads.get(employer)
        mid = self._id("gmail.com")
        message = TrackedMessage(
            message_id=mid, account="me", direction=OUTBOUND, folder_role="sent", date=self.now,
            subject="Application", from_addr=ME, to=(f"kari@{employer}.no",), in_reply_to=tail,
            references=(tail,) if tail else (), kind="outbound", company=employer.capitalize(),
        )  # fmt: skip
        self.store.record_message(message, folder="Sent", uid=None, uidvalidity=None,
                                  first_seen_at=self.now)  # fmt: skip
        self.threads[employer] = mid

    @precondition(lambda self: self.serial > 0)
    @rule(pick=st.integers(0, 20), kind=st.sampled_from(KINDS))
    def mail_analysed_again(self, pick: int, kind: str) -> None:
        """A message read again says something else (another kind, no promise)."""
        messages = self.store.tracked_messages("me")
        inbound = [m for m in messages if m.direction == INBOUND]
        if inbound:
            m = inbound[pick % len(inbound)]
            again = replace(m, kind=kind, promised_by=None, evidence=())
            self.store.record_message(again, folder="INBOX", uid=None, uidvalidity=None,
                                      first_seen_at=self.now)  # fmt: skip

    def _open_drafts(self) -> list[DraftRecord]:
        return self.store.drafts("me", states=OPEN_DRAFT_STATES)

    @precondition(lambda self: bool(self._open_drafts()))
    @rule(pick=st.integers(0, 10), what=st.sampled_from(("send", "send", "delete", "edit")))
    def user_handles_a_draft(self, pick: int, what: str) -> None:
        self.now += timedelta(minutes=5)
        drafts = self._open_drafts()
        draft = drafts[pick % len(drafts)]
        state = {"send": DRAFT_SENT, "delete": DRAFT_USER_DELETED, "edit": DRAFT_USER_EDITED}[what]
        self.store.set_draft_state(draft.followup_id, state, at=self.now, reason=what)

    # -- corrections ----------------------------------------------------------------------

    @rule(pick=st.integers(0, 10), reason=st.sampled_from(("withdrawn", "hired", "other")))
    def close(self, pick: int, reason: str) -> None:
        self._override(pick, closed_reason=reason)

    @rule(pick=st.integers(0, 10), days=st.integers(1, 12))
    def snooze(self, pick: int, days: int) -> None:
        self._override(pick, snoozed_until=self.now.date() + timedelta(days=days))

    @rule(pick=st.integers(0, 10), days=st.integers(-3, 8), company=st.sampled_from((None, "Zeta")))
    def edit(self, pick: int, days: int, company: str | None) -> None:
        self._override(pick, promised_by=self.now.date() + timedelta(days=days), company=company)

    def _override(self, pick: int, **changes: object) -> None:
        ids = self._kept_ids()
        if not ids:
            return
        pid = ids[pick % len(ids)]
        self.now += timedelta(minutes=1)
        current = self.store.overrides().get(pid) or ProcessOverride(process_id=pid)
        self.store.put_override(replace(current, updated_at=self.now, **changes))  # type: ignore[arg-type]

    @precondition(lambda self: len(self.store.manual_processes()) < 2)
    @rule(
        company=st.sampled_from(("Acme", "Delta")),
        interview_in=st.one_of(st.none(), st.integers(-2, 4)),
    )
    def add(self, company: str, interview_in: int | None) -> None:
        """A process the mail missed; the employer's mail joins it."""
        self.now += timedelta(minutes=1)
        interview_at = self.now + timedelta(days=interview_in) if interview_in is not None else None
        self.store.add_manual_process(
            ManualProcess(
                process_id=f"manual{self.serial}{len(self.store.manual_processes())}",
                company=company,
                created_at=self.now,
                contact=f"hr@{company.lower()}.no",
                interview_at=interview_at,
            )
        )

    @precondition(lambda self: len(self.store.offers()) < 2)
    @rule(deadline_in=st.integers(-1, 8))
    def offer(self, deadline_in: int) -> None:
        self.store.add_offer(
            CompetingOffer(
                created_at=self.now, deadline=self.now.date() + timedelta(days=deadline_in)
            )
        )

    # -- the agent --------------------------------------------------------------------------

    @rule(keep=st.booleans())
    def agent_pass(self, keep: bool) -> None:
        """A pass: refresh, plan, write drafts and cancel them; keep what it derived after
        (unless it dies first: then the next refresh takes the drafts in)."""
        board = refresh(self.store, self.engine, self.account, self.now, save=True)
        actions = combine(board.plans(), self.engine.policy)
        for action in actions:
            if isinstance(action, CreateDraft):
                self.store.put_draft(
                    DraftRecord(
                        followup_id=action.followup_id, account="me",
                        process_id=action.process_id, action=action.action,
                        state=DRAFT_APPENDED, due_at=action.due_at,
                        message_id=f"<followup.{action.followup_id}@gmail.com>",
                        subject="Re: application", in_reply_to=action.anchor_message_id,
                        created_at=self.now, updated_at=self.now,
                    )
                )  # fmt: skip
            elif isinstance(action, CancelDraft):
                self.store.set_draft_state(
                    action.followup_id, DRAFT_CANCELLED, at=self.now, reason=action.reason
                )
        if keep:
            refresh(self.store, self.engine, self.account, self.now, save=True)

    @rule(stricter=st.booleans())
    def rules_change(self, stricter: bool) -> None:
        """The user's policy.toml changes: everything is derived again."""
        if stricter:
            self.rules_dir = self.root / "rules"
            self.rules_dir.mkdir(exist_ok=True)
            (self.rules_dir / "policy.toml").write_text(STRICTER, encoding="utf-8")
        else:
            self.rules_dir = None
        self.config = make_config(self.root, self.rules_dir)
        self.engine = Engine(self.config)

    @rule()
    def restart(self) -> None:
        self.store.close()
        self.store = Store.open(self.config.db_path)
        self.engine = Engine(self.config)

    # -- what is kept equals a rebuild ----------------------------------------------------------

    def _same(self, now: datetime, *, save: bool = False) -> None:
        kept = refresh(self.store, self.engine, self.account, now, save=save)
        full = rebuild(self.store, self.engine, self.account, now, save=False)
        assert kept.json_rows() == full.json_rows()  # followup processes --json
        assert kept.rows() == full.rows()  # followup status
        for days in (0, 3, 14):  # followup status: interviews to look back on
            since = now - timedelta(days=days)
            held = [
                d
                for d in full.json_rows()
                if d["interview_held"] and datetime.fromisoformat(d["interview_at"]) >= since
            ]
            assert kept.json_rows(interviewed_since=since) == held
            assert full.json_rows(interviewed_since=since) == held
        assert len(kept) == len(full)
        assert kept.ids_and_aliases() == full.ids_and_aliases()  # finding one by id
        policy = self.engine.policy
        assert combine(kept.plans(), policy) == combine(full.plans(), policy)  # the next pass
        assert kept.next_wake() == full.next_wake()  # when the daemon wakes
        tz = self.engine.tz
        for a, b in zip(kept.views(), full.views(), strict=True):  # followup show
            assert process_detail_json(a, tz, a.pending_cancels) == process_detail_json(
                b, tz, b.pending_cancels
            )
            assert a.changes_at == b.changes_at

    @invariant()
    def kept_equals_a_rebuild(self) -> None:
        if hasattr(self, "store"):
            self._same(self.now)

    @rule(hours=st.integers(0, 200), utc=st.booleans())
    def a_command_looks_ahead(self, hours: int, utc: bool) -> None:
        """``followup status --now LATER``, perhaps in another zone, without saving."""
        later = self.now + timedelta(hours=hours)
        self._same(later.astimezone(ZoneInfo("UTC")) if utc else later)

    @rule(hours=st.integers(1, 100))
    def a_command_looks_back(self, hours: int) -> None:
        """A ``now`` before what is kept was derived: derived afresh, equal all the same."""
        self._same(self.now - timedelta(hours=hours))


def test_kept_state_equals_a_full_rebuild_after_random_passes_and_corrections(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    class Machine(KeptMachine):
        def __init__(self) -> None:
            super().__init__()
            self.root = tmp_path_factory.mktemp("kept")

    Machine.TestCase.settings = settings(
        max_examples=60,
        stateful_step_count=35,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    Machine.TestCase("runTest").runTest()


def test_a_due_time_passing_is_derived_again_without_new_mail(tmp_path: Path) -> None:
    """Nothing new but the clock: the process whose follow-up falls due is derived again."""
    config = make_config(tmp_path, None)
    engine = Engine(config)
    account = config.accounts[0]
    sent = datetime(2026, 11, 2, 10, tzinfo=OSLO)
    with Store.open(config.db_path) as store:
        store.record_message(
            TrackedMessage(
                message_id="<a@acme.no>", account="me", direction=INBOUND, folder_role="inbox",
                date=sent, subject="Application", from_name="Kari Nordmann",
                from_addr="kari@acme.no", to=(ME,), kind="application_received",
                promised_by=date(2026, 11, 6), company="Acme",
                evidence=(Evidence("By Friday.", "by Friday", date(2026, 11, 6)),),
            ),
            folder="INBOX", uid=None, uidvalidity=None, first_seen_at=sent,
        )  # fmt: skip
        before = datetime(2026, 11, 9, 8, 0, tzinfo=OSLO)
        board = refresh(store, engine, account, before, save=True)
        assert [r.next_status for r in board.rows()] == ["scheduled"]
        due = board.rows()[0].next_due_at
        assert due == datetime(2026, 11, 9, 9, 0, tzinfo=OSLO)
        later = refresh(store, engine, account, due, save=False)
        assert list(later.fresh) == [board.rows()[0].process_id]  # only that one again
        assert [r.next_status for r in later.rows()] == ["due"]
        assert [type(a).__name__ for a in combine(later.plans(), engine.policy)] == ["CreateDraft"]


def test_a_rules_change_derives_everything_again(tmp_path: Path) -> None:
    config = make_config(tmp_path, None)
    account = config.accounts[0]
    now = datetime(2026, 11, 20, 8, tzinfo=OSLO)
    with Store.open(config.db_path) as store:
        store.add_manual_process(
            ManualProcess(
                "m1", "Acme", now - timedelta(days=10), interview_at=now - timedelta(days=9)
            )
        )
        first = refresh(store, Engine(config), account, now, save=True)
        assert first.rebuilt
        assert not refresh(store, Engine(config), account, now, save=True).rebuilt
        rules = tmp_path / "rules"
        rules.mkdir()
        (rules / "policy.toml").write_text(STRICTER, encoding="utf-8")
        changed = make_config(tmp_path, rules)
        again = refresh(store, Engine(changed), account, now, save=True)
        assert again.rebuilt  # another fingerprint
        assert not refresh(store, Engine(changed), account, now, save=False).rebuilt


def test_interviews_to_look_back_on_are_chosen_from_the_kept_rows(tmp_path: Path) -> None:
    """`followup status` decodes only the kept processes whose interview was held since a
    moment (an interview on that very day included), not every process."""
    config = make_config(tmp_path, None)
    account = config.accounts[0]
    now = datetime(2026, 11, 20, 12, tzinfo=OSLO)
    since = now - timedelta(days=7)
    ahead = {"future": 2, "edge": -7 + 1 / 24, "recent": -1, "old": -20, "never": None}
    with Store.open(config.db_path) as store:
        for name, days in ahead.items():
            at = now + timedelta(days=days) if days is not None else None
            store.add_manual_process(
                ManualProcess(name, name.capitalize(), now - timedelta(days=30), interview_at=at)
            )
        refresh(store, Engine(config), account, now, save=True)
        kept = refresh(store, Engine(config), account, now, save=False)
        assert not kept.rebuilt and not kept.fresh  # read from what was kept
        chosen = [d["company"] for d in kept.json_rows(interviewed_since=since)]
        assert sorted(chosen) == ["Edge", "Recent"]
        full = rebuild(store, Engine(config), account, now, save=False)
        assert full.json_rows(interviewed_since=since) == kept.json_rows(interviewed_since=since)


def test_interviews_held_since_the_last_pass_keep_the_process_order(tmp_path: Path) -> None:
    """Processes whose interview was held after the last pass are derived again, and the
    kept interview filter never chose them; they still come in the order of the board."""
    config = make_config(tmp_path, None)
    account = config.accounts[0]
    now = datetime(2026, 11, 20, 12, tzinfo=OSLO)
    with Store.open(config.db_path) as store:
        for n, hours in enumerate((20, 22, 21, 23)):
            store.add_manual_process(
                ManualProcess(
                    f"m{n}",
                    f"Firm {n}",
                    now - timedelta(days=n + 1),
                    interview_at=now + timedelta(hours=hours),
                )
            )
        refresh(store, Engine(config), account, now, save=True)
        later = now + timedelta(days=3)
        kept = refresh(store, Engine(config), account, later, save=False)
        assert not kept.rebuilt and kept.fresh  # the interviews were held since
        full = rebuild(store, Engine(config), account, later, save=False)
        held = full.json_rows(interviewed_since=now)
        assert len(held) == 4
        assert kept.json_rows(interviewed_since=now) == held
