"""Policy defaults with fixed dates and the Norwegian holiday calendar."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from agent.analysis.calendar import BusinessCalendar
from agent.errors import RulesError
from agent.policy import (
    COMPETING_OFFER,
    FEEDBACK_REQUEST,
    FOLLOWUP_AFTER_PROMISE,
    NEXT_STEPS,
    NUDGE,
    CancelDraft,
    CreateDraft,
    DraftsCapped,
    FlagDraft,
    MarkGhosted,
    Policy,
    followup_id,
    load_policy,
    outlook,
    plan,
)
from agent.records import (
    DRAFT_APPENDED,
    DRAFT_SENT,
    DRAFT_USER_DELETED,
    DRAFT_USER_EDITED,
    INBOUND,
    OUTBOUND,
    CompetingOffer,
    DraftRecord,
    ProcessOverride,
    TrackedMessage,
)
from agent.rules import Rules, shipped_parties, shipped_rules
from agent.tracker import Process, build_processes

OSLO = ZoneInfo("Europe/Oslo")
ME = "ola.nordmann@gmail.com"
PARTIES = shipped_parties()
CALENDAR = BusinessCalendar("NO")
POLICY = Policy()


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


def nine(year: int, month: int, day: int) -> datetime:
    return at(year, month, day, 9)


def msg(mid: str, when: datetime, kind: str = "not_job", **kw: object) -> TrackedMessage:
    direction = kw.pop("direction", INBOUND)
    company = kw.pop("company", "Acme")
    defaults: dict[str, object] = {
        "account": "me",
        "direction": direction,
        "folder_role": "inbox" if direction == INBOUND else "sent",
        "subject": "Interview",
        "from_name": "Kari Nordmann" if direction == INBOUND else "Ola Nordmann",
        "from_addr": f"kari@{str(company).lower()}.no" if direction == INBOUND else ME,
        "to": (ME,) if direction == INBOUND else (f"kari@{str(company).lower()}.no",),
        "company": company if direction == INBOUND else None,
    }
    defaults.update(kw)
    return TrackedMessage(message_id=f"<{mid}>", date=when, kind=kind, **defaults)  # type: ignore[arg-type]


def processes(messages: list[TrackedMessage], now: datetime, **kw: object) -> list[Process]:
    return build_processes(messages, own_addresses={ME}, parties=PARTIES, now=now, **kw)  # type: ignore[arg-type]


def run(
    messages: list[TrackedMessage],
    now: datetime,
    drafts: list[DraftRecord] | None = None,
    **kw: object,
):  # type: ignore[no-untyped-def]
    offers = kw.pop("offers", ())
    policy = kw.pop("policy", POLICY)
    procs = processes(messages, now, **kw)
    return plan(
        procs, drafts or [], now=now, policy=policy, calendar=CALENDAR, tz=OSLO, offers=offers
    )  # type: ignore[arg-type]


def creates(actions: list[object]) -> list[CreateDraft]:
    return [a for a in actions if isinstance(a, CreateDraft)]


def promise_thread(promised: date, *, sent: datetime | None = None) -> list[TrackedMessage]:
    """An invitation, the interview the same morning as the update that promises a date."""
    sent = sent or at(2026, 11, 24, 15)
    interview = sent.replace(hour=10)
    return [
        msg(
            "i1@acme.no",
            interview - timedelta(days=8),
            "interview_invitation",
            interview_at=interview,
        ),
        msg("s1@acme.no", sent, "status_update", promised_by=promised, in_reply_to="<i1@acme.no>"),
    ]


def record(action: CreateDraft, state: str = DRAFT_APPENDED, **kw: object) -> DraftRecord:
    created = kw.pop("created_at", action.due_at)
    return DraftRecord(
        followup_id=action.followup_id,
        account=action.account,
        process_id=action.process_id,
        action=action.action,
        state=state,
        due_at=action.due_at,
        message_id=f"<followup.{action.followup_id}@gmail.com>",
        in_reply_to=action.anchor_message_id,
        created_at=created,
        updated_at=kw.pop("updated_at", created),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def sent_copy(draft: DraftRecord, when: datetime) -> TrackedMessage:
    return msg(
        f"sent-{draft.followup_id}@gmail.com",
        when,
        direction=OUTBOUND,
        followup_id=draft.followup_id,
        in_reply_to=draft.in_reply_to,
    )


# -- the first follow-up ---------------------------------------------------------------


def test_promise_follow_up_is_due_one_business_day_later_at_nine() -> None:
    thread = promise_thread(date(2026, 12, 4))  # a Friday
    assert creates(run(thread, at(2026, 12, 7, 8, 59))) == []
    [draft] = creates(run(thread, nine(2026, 12, 7)))
    assert draft.action == FOLLOWUP_AFTER_PROMISE
    assert draft.due_at == nine(2026, 12, 7) and draft.due_at.tzinfo == OSLO
    assert draft.anchor_message_id == "<s1@acme.no>" and draft.nudge == 0
    assert draft.followup_id == followup_id("me", FOLLOWUP_AFTER_PROMISE, "<s1@acme.no>", 0)


@pytest.mark.parametrize(
    ("promised", "due"),
    [
        (date(2026, 12, 23), date(2026, 12, 24)),  # Christmas Eve is not a public holiday
        (date(2026, 12, 24), date(2026, 12, 28)),  # 25th (Fri) and 26th are; then a Sunday
        (date(2027, 3, 24), date(2027, 3, 30)),  # Maundy Thursday to Easter Monday
        (date(2026, 5, 13), date(2026, 5, 15)),  # Ascension Day, Thursday 14 May
        (date(2026, 12, 5), date(2026, 12, 7)),  # a Saturday promise: Monday
    ],
)
def test_promise_follow_up_skips_weekends_and_norwegian_holidays(promised: date, due: date) -> None:
    thread = promise_thread(
        promised, sent=datetime.combine(promised, time(15), OSLO) - timedelta(days=10)
    )
    now = datetime.combine(due, time(9), OSLO)
    [draft] = creates(run(thread, now))
    assert draft.due_at == now


def test_interview_held_without_promise_asks_for_next_steps_after_five_business_days() -> None:
    invite = msg(
        "i1@acme.no", at(2026, 5, 4), "interview_invitation", interview_at=at(2026, 5, 12, 13)
    )
    # Tue 12 May + 5 business days, with Ascension Day (Thu 14 May) in the window: Wed 20 May.
    assert creates(run([invite], at(2026, 5, 19, 12))) == []
    [draft] = creates(run([invite], nine(2026, 5, 20)))
    assert (draft.action, draft.due_at) == (NEXT_STEPS, nine(2026, 5, 20))


def test_next_steps_counts_from_a_later_employer_message() -> None:
    invite = msg(
        "i1@acme.no", at(2026, 11, 16), "interview_invitation", interview_at=at(2026, 11, 24)
    )
    thanks = msg("t1@acme.no", at(2026, 11, 26, 16), "status_update", in_reply_to="<i1@acme.no>")
    [draft] = creates(run([invite, thanks], nine(2026, 12, 3)))
    assert (draft.action, draft.due_at) == (NEXT_STEPS, nine(2026, 12, 3))
    assert draft.anchor_message_id == "<t1@acme.no>"


def test_nothing_before_the_interview_or_for_a_bare_application() -> None:
    invite = msg(
        "i1@acme.no", at(2026, 11, 16), "interview_invitation", interview_at=at(2026, 12, 20)
    )
    assert run([invite], at(2026, 12, 18)) == []
    applied = msg("a1@acme.no", at(2026, 10, 1), "application_received")
    assert run([applied], at(2026, 12, 18)) == []


def test_a_promise_due_before_the_anchor_falls_back_to_next_steps() -> None:
    thread = promise_thread(date(2026, 12, 4))
    chat = msg("c1@acme.no", at(2026, 12, 10, 11), "not_job", in_reply_to="<s1@acme.no>")
    acts = run([*thread, chat], nine(2026, 12, 17))
    [draft] = creates(acts)
    assert (draft.action, draft.due_at) == (NEXT_STEPS, nine(2026, 12, 17))


# -- nudges and ghosting ------------------------------------------------------------------


def _first_sent(when: datetime) -> tuple[list[TrackedMessage], DraftRecord]:
    thread = promise_thread(date(2026, 12, 4))
    [first] = creates(run(thread, nine(2026, 12, 7)))
    draft = record(first, DRAFT_SENT, updated_at=when)
    return [*thread, sent_copy(draft, when)], [draft]  # type: ignore[return-value]


def test_no_answer_to_a_follow_up_gives_one_nudge_after_five_business_days() -> None:
    thread, drafts = _first_sent(at(2026, 12, 7, 10, 15))
    assert creates(run(thread, at(2026, 12, 14, 8), drafts)) == []
    [nudge] = creates(run(thread, nine(2026, 12, 14), drafts))
    assert (nudge.action, nudge.nudge, nudge.due_at) == (NUDGE, 1, nine(2026, 12, 14))
    assert nudge.followup_id not in {d.followup_id for d in drafts}


def test_after_two_follow_ups_the_process_is_ghosted_not_nudged_again() -> None:
    thread, drafts = _first_sent(at(2026, 12, 7, 10, 15))
    [nudge] = creates(run(thread, nine(2026, 12, 14), drafts))
    second = record(nudge, DRAFT_SENT, updated_at=at(2026, 12, 14, 9, 30))
    thread, drafts = [*thread, sent_copy(second, at(2026, 12, 14, 9, 30))], [*drafts, second]
    assert run(thread, at(2026, 12, 21, 8), drafts) == []
    acts = run(thread, nine(2026, 12, 21), drafts)
    assert acts == [
        MarkGhosted(acts[0].process_id, "no answer to 2 follow-ups", at(2026, 12, 14, 9, 30))
    ]
    [proc] = processes(thread, nine(2026, 12, 21))
    view = outlook(proc, drafts, now=nine(2026, 12, 21), policy=POLICY, calendar=CALENDAR, tz=OSLO)
    assert (view.state, view.followups_sent) == ("ghosted", 2)


def test_the_users_own_mail_after_the_due_day_counts_as_a_follow_up() -> None:
    thread = promise_thread(date(2026, 12, 4))
    own = msg(
        "o1@gmail.com", at(2026, 12, 7, 8, 30), direction=OUTBOUND, in_reply_to="<s1@acme.no>"
    )
    assert creates(run([*thread, own], nine(2026, 12, 7))) == []
    [nudge] = creates(run([*thread, own], nine(2026, 12, 14)))
    assert (nudge.action, nudge.nudge) == (NUDGE, 1)


def test_a_thank_you_note_before_the_due_day_is_not_a_follow_up() -> None:
    thread = promise_thread(date(2026, 12, 4))
    thanks = msg(
        "o1@gmail.com", at(2026, 11, 25, 8), direction=OUTBOUND, in_reply_to="<s1@acme.no>"
    )
    [draft] = creates(run([*thread, thanks], nine(2026, 12, 7)))
    assert draft.action == FOLLOWUP_AFTER_PROMISE


def test_our_draft_seen_in_sent_counts_before_its_record_is_updated() -> None:
    thread = promise_thread(date(2026, 12, 4))
    [first] = creates(run(thread, nine(2026, 12, 7)))
    draft = record(first, DRAFT_APPENDED)
    acts = run([*thread, sent_copy(draft, at(2026, 12, 7, 12))], nine(2026, 12, 14), [draft])
    assert creates(acts) == []  # the draft record is still open: one open draft per process
    draft.state = DRAFT_SENT
    [nudge] = creates(
        run([*thread, sent_copy(draft, at(2026, 12, 7, 12))], nine(2026, 12, 14), [draft])
    )
    assert nudge.action == NUDGE


# -- duplicates, deletion, cancellation ----------------------------------------------------


def test_no_duplicate_when_the_draft_exists_and_deleted_is_never_recreated() -> None:
    thread = promise_thread(date(2026, 12, 4))
    [first] = creates(run(thread, nine(2026, 12, 7)))
    assert run(thread, nine(2026, 12, 8), [record(first)]) == []
    deleted = record(first, DRAFT_USER_DELETED)
    for later in (nine(2026, 12, 8), nine(2026, 12, 21), nine(2027, 1, 4)):
        assert run(thread, later, [deleted]) == []


def test_an_open_draft_blocks_any_other_new_draft_for_the_process() -> None:
    thread = promise_thread(date(2026, 12, 4))
    [first] = creates(run(thread, nine(2026, 12, 7)))
    other = replace(record(first), followup_id="0" * 16, action=NEXT_STEPS)
    assert creates(run(thread, nine(2026, 12, 7), [other])) == []


def test_an_inbound_message_cancels_our_untouched_draft_and_flags_an_edited_one() -> None:
    thread = promise_thread(date(2026, 12, 4))
    [first] = creates(run(thread, nine(2026, 12, 7)))
    reply = msg("r1@acme.no", at(2026, 12, 7, 11), "status_update", in_reply_to="<s1@acme.no>")
    acts = run(
        [*thread, reply], at(2026, 12, 7, 12), [record(first, created_at=at(2026, 12, 7, 9, 1))]
    )
    assert acts == [
        CancelDraft(first.followup_id, first.process_id, "Kari Nordmann wrote on 2026-12-07")
    ]
    edited = record(first, DRAFT_USER_EDITED, created_at=at(2026, 12, 7, 9, 1))
    acts = run([*thread, reply], at(2026, 12, 7, 12), [edited])
    assert [type(a) for a in acts] == [FlagDraft]
    edited.note = acts[0].reason  # type: ignore[union-attr]
    assert run([*thread, reply], at(2026, 12, 7, 12), [edited]) == []


def test_an_older_inbound_message_does_not_cancel() -> None:
    thread = promise_thread(date(2026, 12, 4))
    [first] = creates(run(thread, nine(2026, 12, 7)))
    assert run(thread, at(2026, 12, 8), [record(first)]) == []


# -- rejection, offers, snooze, close --------------------------------------------------------


def test_rejection_gets_one_feedback_request_the_next_business_day() -> None:
    thread = [
        msg("i1@acme.no", at(2026, 12, 1), "interview_invitation", interview_at=at(2026, 12, 8)),
        msg("n1@acme.no", at(2026, 12, 24, 14), "rejection", in_reply_to="<i1@acme.no>"),
    ]
    assert run(thread, at(2026, 12, 27, 12)) == []
    [draft] = creates(run(thread, nine(2026, 12, 28)))
    assert (draft.action, draft.due_at) == (FEEDBACK_REQUEST, nine(2026, 12, 28))
    assert run(thread, nine(2026, 12, 28), policy=Policy(feedback_request=False)) == []
    sent = record(draft, DRAFT_SENT, updated_at=at(2026, 12, 28, 10))
    answer = msg(
        "f1@acme.no",
        at(2026, 12, 30),
        "not_job",
        in_reply_to=f"<sent-{draft.followup_id}@gmail.com>",
    )
    later = [*thread, sent_copy(sent, at(2026, 12, 28, 10)), answer]
    assert run(later, nine(2027, 1, 15), [sent]) == []


def test_competing_offer_drafts_go_to_every_other_active_process() -> None:
    mail = [
        msg("a1@acme.no", at(2026, 12, 1), "interview_invitation", interview_at=at(2026, 12, 3)),
        msg(
            "b1@beta.no",
            at(2026, 12, 2),
            "interview_invitation",
            company="Beta",
            interview_at=at(2026, 12, 20),
        ),
        msg("c1@gamma.no", at(2026, 12, 2), "rejection", company="Gamma"),
        msg("d1@delta.no", at(2026, 12, 2), "offer", company="Delta"),
    ]
    now = at(2026, 12, 4, 15)
    procs = {p.company: p for p in processes(mail, now)}
    offer = CompetingOffer(
        created_at=at(2026, 12, 4, 14), deadline=date(2026, 12, 11), process_id=procs["Delta"].id
    )
    offer_drafts = [
        c for c in creates(run(mail, now, offers=[offer])) if c.action == COMPETING_OFFER
    ]
    assert {c.process_id for c in offer_drafts} == {procs["Acme"].id, procs["Beta"].id}
    assert all(
        c.due_at == offer.created_at and c.offer_deadline == date(2026, 12, 11)
        for c in offer_drafts
    )
    existing = [record(c) for c in offer_drafts]

    def offer_creates(acts: list[object]) -> list[CreateDraft]:
        return [c for c in creates(acts) if c.action == COMPETING_OFFER]

    assert offer_creates(run(mail, now, existing, offers=[offer])) == []
    assert offer_creates(run(mail, at(2026, 12, 12), offers=[offer])) == []  # past the deadline


def test_competing_offer_replaces_an_untouched_pending_draft() -> None:
    thread = promise_thread(date(2026, 12, 4))
    [first] = creates(run(thread, nine(2026, 12, 7)))
    offer = CompetingOffer(created_at=at(2026, 12, 7, 12), deadline=date(2026, 12, 14))
    acts = run(thread, at(2026, 12, 7, 13), [record(first)], offers=[offer])
    assert [type(a) for a in acts] == [CancelDraft, CreateDraft]
    assert acts[1].action == COMPETING_OFFER  # type: ignore[union-attr]


def test_snoozed_and_closed_processes_get_no_drafts() -> None:
    thread = promise_thread(date(2026, 12, 4))
    [proc] = processes(thread, nine(2026, 12, 7))
    snoozed = {proc.id: ProcessOverride(proc.id, snoozed_until=date(2026, 12, 10))}
    assert run(thread, nine(2026, 12, 7), overrides=snoozed) == []
    assert creates(run(thread, nine(2026, 12, 10), overrides=snoozed))
    [first] = creates(run(thread, nine(2026, 12, 7)))
    closed = {proc.id: ProcessOverride(proc.id, closed_reason="withdrawn")}
    acts = run(thread, nine(2026, 12, 8), [record(first)], overrides=closed)
    assert acts == [CancelDraft(first.followup_id, proc.id, "process closed (withdrawn)")]


# -- safety ---------------------------------------------------------------------------------


def test_storm_breaker_caps_new_drafts_per_pass() -> None:
    mail = []
    for n in range(25):
        company = f"Firm{n:02d}"
        mail.append(
            msg(
                f"i{n}@x",
                at(2026, 11, 16),
                "interview_invitation",
                company=company,
                interview_at=at(2026, 11, 24),
            )
        )
        mail.append(
            msg(
                f"s{n}@x",
                at(2026, 11, 24, 15),
                "status_update",
                company=company,
                promised_by=date(2026, 12, 4),
                in_reply_to=f"<i{n}@x>",
            )
        )
    acts = run(mail, nine(2026, 12, 7))
    assert len(creates(acts)) == 20
    capped = acts[-1]
    assert isinstance(capped, DraftsCapped) and capped.limit == 20 and len(capped.deferred) == 5
    assert len(creates(run(mail, nine(2026, 12, 7), policy=Policy(max_drafts_per_pass=3)))) == 3


def test_a_long_lapsed_follow_up_is_not_drafted_and_the_process_is_ghosted() -> None:
    thread = promise_thread(date(2026, 9, 4), sent=at(2026, 8, 20, 15))
    acts = run(thread, at(2026, 12, 7))
    assert creates(acts) == [] and isinstance(acts[0], MarkGhosted)


def test_policy_numbers_come_from_rules(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert load_policy(shipped_rules()) == Policy()
    (tmp_path / "policy.toml").write_text(
        'followup_time = "08:30"\nmax_followups = 3\nfeedback_request = false\n'
    )
    custom = load_policy(Rules.load(tmp_path))
    assert (custom.followup_time, custom.max_followups, custom.feedback_request) == (
        time(8, 30),
        3,
        False,
    )
    with pytest.raises(RulesError, match="policy.toml:max_follow_ups"):
        Policy.from_mapping({"max_follow_ups": 3})
    with pytest.raises(RulesError, match="policy.toml:feedback_request"):
        Policy.from_mapping({"feedback_request": "yes"})
    with pytest.raises(RulesError, match="policy.toml:followup_time"):
        Policy.from_mapping({"followup_time": "nine"})


def test_followup_ids_are_deterministic_and_distinct() -> None:
    a = followup_id("me", NUDGE, "<s1@acme.no>", 1)
    assert a == followup_id("me", NUDGE, "<s1@acme.no>", 1) and len(a) == 16
    assert (
        len(
            {
                a,
                followup_id("me", NUDGE, "<s1@acme.no>", 2),
                followup_id("you", NUDGE, "<s1@acme.no>", 1),
                followup_id("me", NEXT_STEPS, "<s1@acme.no>", 1),
            }
        )
        == 4
    )
