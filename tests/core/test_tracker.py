"""Grouping mail into hiring processes, the state machine, overrides and contacts."""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from agent.analysis.types import Evidence
from agent.records import INBOUND, OUTBOUND, ManualProcess, ProcessOverride, TrackedMessage
from agent.rules import shipped_parties
from agent.tracker import (
    APPLIED,
    AWAITING_DECISION,
    CLOSED,
    HIRED,
    INTERVIEWING,
    OFFER,
    REJECTED,
    WITHDRAWN,
    build_processes,
    roles_compatible,
)

OSLO = ZoneInfo("Europe/Oslo")
ME = "ola.nordmann@gmail.com"
PARTIES = shipped_parties()
NOW = datetime(2026, 12, 14, 12, 0, tzinfo=OSLO)


def at(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=OSLO)


def msg(mid: str, when: datetime, kind: str = "not_job", **kw: object) -> TrackedMessage:
    direction = kw.pop("direction", INBOUND)
    defaults: dict[str, object] = {
        "account": "me",
        "direction": direction,
        "folder_role": "inbox" if direction == INBOUND else "sent",
        "subject": kw.pop("subject", "Your application"),
        "from_addr": ME if direction == OUTBOUND else "someone@example.org",
        "to": (ME,) if direction == INBOUND else ("jobs@example.org",),
        "confidence": 0.9 if kind != "not_job" else 0.1,
    }
    defaults.update(kw)
    return TrackedMessage(message_id=f"<{mid}>", date=when, kind=kind, **defaults)  # type: ignore[arg-type]


def build(messages: list[TrackedMessage], **kw: object):  # type: ignore[no-untyped-def]
    now = kw.pop("now", NOW)
    return build_processes(messages, own_addresses={ME}, parties=PARTIES, now=now, **kw)  # type: ignore[arg-type]


def only(processes):  # type: ignore[no-untyped-def]
    assert len(processes) == 1, [(p.company, [m.message_id for m in p.messages]) for p in processes]
    return processes[0]


# -- grouping -----------------------------------------------------------------------


def test_thread_joins_messages_without_any_employer_signal() -> None:
    first = msg(
        "r1@gmail.com", at(11, 2), "interview_invitation", from_addr="recruiter.per@gmail.com"
    )
    reply = msg(
        "o1@gmail.com",
        at(11, 2, 12),
        direction=OUTBOUND,
        in_reply_to="<r1@gmail.com>",
        to=("recruiter.per@gmail.com",),
    )
    third = msg(
        "r2@gmail.com",
        at(11, 3),
        "status_update",
        from_addr="recruiter.per@gmail.com",
        in_reply_to="<o1@gmail.com>",
        references=("<r1@gmail.com>", "<o1@gmail.com>"),
    )
    stranger = msg(
        "x1@gmail.com", at(11, 4), "interview_invitation", from_addr="another.person@gmail.com"
    )
    processes = build([first, reply, third, stranger])
    assert len(processes) == 2
    ids = {m.message_id for m in processes[0].messages}
    assert ids == {"<r1@gmail.com>", "<o1@gmail.com>", "<r2@gmail.com>"}


def test_a_missing_middle_message_still_links_the_thread() -> None:
    a = msg("a@x.org", at(11, 2), "interview_invitation", from_addr="hr@gmail.com")
    c = msg(
        "c@x.org",
        at(11, 5),
        "status_update",
        from_addr="hr@gmail.com",
        references=("<a@x.org>", "<b@x.org>"),
    )
    assert len(only(build([a, c])).messages) == 2


def test_teamtailor_and_direct_mail_from_the_same_company_join() -> None:
    ats = msg(
        "tt1@teamtailor.com",
        at(11, 3),
        "application_received",
        from_name="Acme via Teamtailor",
        from_addr="no-reply@teamtailor.com",
        company="Acme AS",
        ats="Teamtailor",
        role="Backend Developer",
    )
    direct = msg(
        "k1@acme.no",
        at(11, 16),
        "interview_invitation",
        from_name="Kari Nordmann",
        from_addr="kari.nordmann@acme.no",
        interview_at=at(11, 24),
    )
    p = only(build([ats, direct]))
    assert p.company == "Acme AS" and p.company_short == "Acme"
    assert p.ats == "Teamtailor"
    assert p.contact is not None and p.contact.address == "kari.nordmann@acme.no"


def test_company_names_are_normalised_before_comparing() -> None:
    a = msg(
        "a@acme.no",
        at(11, 3),
        "application_received",
        from_addr="no-reply@webcruiter.no",
        company="ACME Norge AS",
    )
    b = msg(
        "b@x.com",
        at(11, 9),
        "interview_invitation",
        from_addr="no-reply@teamtailor.com",
        company="Acme, Inc.",
    )
    c = msg(
        "c@beta.no", at(11, 9), "interview_invitation", from_addr="per@beta.no", company="Beta ASA"
    )
    processes = build([a, b, c])
    assert len(processes) == 2
    assert {p.company for p in processes} == {"Acme, Inc.", "Beta ASA"}


def test_free_mail_and_ats_domains_never_name_an_employer() -> None:
    a = msg(
        "a@x",
        at(11, 3),
        "application_received",
        from_addr="no-reply@teamtailor.com",
        company="Acme",
    )
    b = msg(
        "b@x",
        at(11, 4),
        "application_received",
        from_addr="no-reply@teamtailor.com",
        company="Beta",
    )
    c = msg("c@x", at(11, 5), "interview_invitation", from_addr="one.person@gmail.com")
    d = msg("d@x", at(11, 6), "interview_invitation", from_addr="other.person@gmail.com")
    assert len(build([a, b, c, d])) == 4


def test_two_roles_at_one_employer_are_two_processes() -> None:
    dev = msg(
        "d1@acme.no",
        at(11, 3),
        "application_received",
        from_addr="jobs@acme.no",
        company="Acme",
        role="Backend Developer",
    )
    design = msg(
        "g1@acme.no",
        at(11, 5),
        "application_received",
        from_addr="jobs@acme.no",
        company="Acme",
        role="Product Designer",
    )
    later = msg("x1@acme.no", at(11, 20), "rejection", from_addr="jobs@acme.no", company="Acme")
    processes = build([dev, design, later])
    assert len(processes) == 2
    by_role = {p.role: p for p in processes}
    # A message naming no role joins the employer's most recently active process.
    assert by_role["Product Designer"].state == REJECTED
    assert by_role["Backend Developer"].state == APPLIED
    assert roles_compatible({"senior backend developer"}, "Backend Developer (m/f/d)")


def test_agency_mail_is_grouped_by_agency_and_client() -> None:
    one = msg(
        "a1@adecco.no",
        at(11, 3),
        "interview_invitation",
        from_name="Line Berg",
        from_addr="line.berg@adecco.no",
        agency="Adecco",
        company="Acme",
        role="Project Manager",
    )
    two = msg(
        "a2@adecco.no",
        at(11, 10),
        "status_update",
        from_name="Line Berg",
        from_addr="line.berg@adecco.no",
        agency="Adecco",
        company="Acme",
    )
    other_client = msg(
        "a3@adecco.no",
        at(11, 11),
        "interview_invitation",
        from_name="Line Berg",
        from_addr="line.berg@adecco.no",
        agency="Adecco",
        role="Controller",
    )
    direct = msg(
        "k1@acme.no", at(11, 12), "application_received", from_addr="jobs@acme.no", company="Acme"
    )
    processes = build([one, two, other_client, direct])
    assert len(processes) == 3
    via_agency = next(p for p in processes if p.role == "Project Manager")
    assert {m.message_id for m in via_agency.messages} == {"<a1@adecco.no>", "<a2@adecco.no>"}
    assert via_agency.agency == "Adecco" and via_agency.company == "Acme"
    assert via_agency.contact is not None and via_agency.greeting_name == "Line"


def test_agency_domain_alone_does_not_join_different_jobs() -> None:
    a = msg(
        "m1@manpower.no",
        at(11, 3),
        "interview_invitation",
        from_addr="kim@manpower.no",
        role="Warehouse Lead",
    )
    b = msg(
        "m2@manpower.no",
        at(11, 4),
        "interview_invitation",
        from_addr="kim@manpower.no",
        role="Forklift Driver",
    )
    assert len(build([a, b])) == 2


def test_outbound_application_starts_a_process_that_later_mail_joins() -> None:
    application = msg(
        "o1@gmail.com",
        at(11, 2),
        "application_received",
        direction=OUTBOUND,
        to=("jobb@beta.no",),
        subject="Søknad: Controller",
        language="nb",
    )
    answer = msg(
        "b1@beta.no",
        at(11, 9),
        "interview_invitation",
        from_name="Per Hansen",
        from_addr="per.hansen@beta.no",
        language="nb",
    )
    lonely = msg(
        "o2@gmail.com", at(11, 3), "application_received", direction=OUTBOUND, to=("post@gamma.no",)
    )
    processes = build([application, answer, lonely])
    assert len(processes) == 2
    beta = processes[0]
    assert beta.events[0].kind == "application_sent" and beta.events[0].state_to == APPLIED
    assert beta.state == INTERVIEWING
    assert processes[1].state == APPLIED and processes[1].last_inbound is None
    assert processes[1].anchor is not None and processes[1].anchor.message_id == "<o2@gmail.com>"


def test_unclassified_sent_mail_joins_only_when_it_goes_to_someone_in_the_process() -> None:
    invite = msg(
        "k1@acme.no", at(11, 16), "interview_invitation", from_addr="kari@acme.no", company="Acme"
    )
    to_kari = msg(
        "o1@gmail.com", at(11, 20), direction=OUTBOUND, to=("kari@acme.no",), subject="Spørsmål"
    )
    to_friend = msg(
        "o2@gmail.com", at(11, 21), direction=OUTBOUND, to=("friend@acme.no",), subject="Lunsj?"
    )
    p = only(build([invite, to_kari, to_friend]))
    assert [m.message_id for m in p.outbound] == ["<o1@gmail.com>"]


def test_own_drafts_count_only_once_seen_in_sent_and_duplicates_once() -> None:
    invite = msg(
        "k1@acme.no", at(11, 16), "interview_invitation", from_addr="kari@acme.no", company="Acme"
    )
    in_drafts = msg(
        "f1@gmail.com",
        at(11, 30),
        direction=OUTBOUND,
        folder_role="other",
        followup_id="abc",
        in_reply_to="<k1@acme.no>",
    )
    in_sent = msg(
        "f2@gmail.com", at(12, 1), direction=OUTBOUND, followup_id="def", in_reply_to="<k1@acme.no>"
    )
    copy = msg(
        "k1@acme.no",
        at(11, 16),
        "interview_invitation",
        from_addr="kari@acme.no",
        company="Acme",
        folder_role="other",
    )
    p = only(build([invite, in_drafts, in_sent, copy]))
    assert [m.message_id for m in p.messages] == ["<k1@acme.no>", "<f2@gmail.com>"]


# -- states ----------------------------------------------------------------------------


def test_second_invitation_after_an_interview_is_round_two() -> None:
    first = msg(
        "i1@acme.no",
        at(11, 16),
        "interview_invitation",
        from_addr="kari@acme.no",
        company="Acme",
        interview_at=at(11, 24),
    )
    moved = msg(
        "i2@acme.no",
        at(11, 18),
        "interview_invitation",
        from_addr="kari@acme.no",
        company="Acme",
        interview_at=at(11, 25),
    )
    second = msg(
        "i3@acme.no",
        at(11, 30),
        "interview_invitation",
        from_addr="kari@acme.no",
        company="Acme",
        interview_at=at(12, 8),
    )
    before = only(build([first, moved], now=at(11, 20)))
    assert (before.round, before.state, before.interview_held) == (1, INTERVIEWING, False)
    assert before.interview_at == at(11, 25)
    p = only(build([first, moved, second], now=at(12, 2)))
    assert (p.round, p.state, p.interview_at, p.interview_held) == (
        2,
        INTERVIEWING,
        at(12, 8),
        False,
    )
    assert [e.kind for e in p.events] == [
        "interview_invitation",
        "interview_invitation",
        "interview_held",
        "interview_invitation",
    ]
    assert p.events[-1].summary == "interview invitation (round 2)"
    held = only(build([first, moved, second], now=at(12, 9)))
    assert (held.state, held.interview_held) == (AWAITING_DECISION, True)
    assert held.events[-1].kind == "interview_held" and held.events[-1].at == at(12, 8)


def test_rejection_and_offer_are_final_states() -> None:
    invite = msg(
        "i1@acme.no",
        at(11, 16),
        "interview_invitation",
        from_addr="kari@acme.no",
        company="Acme",
        interview_at=at(11, 24),
    )
    no = msg("n1@acme.no", at(12, 1), "rejection", from_addr="kari@acme.no", company="Acme")
    p = only(build([invite, no]))
    assert p.state == REJECTED
    assert (
        p.events[-1].state_from == AWAITING_DECISION and p.events[-1].message_id == "<n1@acme.no>"
    )
    yes = msg("y1@acme.no", at(12, 1), "offer", from_addr="kari@acme.no", company="Acme")
    assert only(build([invite, yes])).state == OFFER


def test_status_updates_assessments_and_references() -> None:
    invite = msg(
        "i1@acme.no",
        at(11, 16),
        "interview_invitation",
        from_addr="kari@acme.no",
        company="Acme",
        interview_at=at(11, 24),
    )
    early = msg("s1@acme.no", at(11, 20), "status_update", from_addr="kari@acme.no", company="Acme")
    case = msg(
        "c1@acme.no", at(11, 26), "assessment_request", from_addr="kari@acme.no", company="Acme"
    )
    refs = msg(
        "r1@acme.no", at(12, 3), "reference_request", from_addr="kari@acme.no", company="Acme"
    )
    assert only(build([invite, early], now=at(11, 21))).state == INTERVIEWING
    p = only(build([invite, early, case], now=at(11, 27)))
    assert (p.state, p.stage) == (INTERVIEWING, "assessment")
    p = only(build([invite, early, case, refs]))
    assert (p.state, p.stage) == (AWAITING_DECISION, "references")
    assert p.events[-1].summary == "references requested (late stage)"


def test_an_interview_in_the_past_means_it_was_held() -> None:
    invite = msg(
        "i1@acme.no",
        at(11, 16),
        "interview_invitation",
        from_addr="kari@acme.no",
        company="Acme",
        interview_at=at(11, 24, 10),
    )
    assert only(build([invite], now=at(11, 24, 9))).state == INTERVIEWING
    p = only(build([invite], now=at(11, 24, 11)))
    assert (p.state, p.interview_held) == (AWAITING_DECISION, True)


def test_the_latest_promise_counts_and_a_later_answer_settles_it() -> None:
    evidence = Evidence(
        "We expect to decide by Friday 4 December.", "by Friday 4 December", date(2026, 12, 4)
    )
    invite = msg(
        "i1@acme.no",
        at(11, 16),
        "interview_invitation",
        from_addr="kari@acme.no",
        company="Acme",
        interview_at=at(11, 24),
        promised_by=date(2026, 11, 27),
    )
    update = msg(
        "s1@acme.no",
        at(11, 24, 15),
        "status_update",
        from_addr="kari@acme.no",
        company="Acme",
        promised_by=date(2026, 12, 4),
        evidence=(evidence,),
    )
    thanks = msg("t1@acme.no", at(11, 25), "not_job", from_addr="kari@acme.no")
    p = only(build([invite, update, thanks]))
    assert p.promised_by == date(2026, 12, 4) and p.promise_evidence == evidence
    assert p.promise_source == "<s1@acme.no>"
    rejection = msg("n1@acme.no", at(12, 1), "rejection", from_addr="kari@acme.no", company="Acme")
    assert only(build([invite, update, rejection])).promised_by is None


# -- overrides and manual processes ---------------------------------------------------------


def _acme() -> list[TrackedMessage]:
    return [
        msg(
            "i1@acme.no",
            at(11, 16),
            "interview_invitation",
            from_addr="kari@acme.no",
            company="Acme",
            interview_at=at(11, 24),
        ),
        msg(
            "s1@acme.no",
            at(11, 25),
            "status_update",
            from_addr="kari@acme.no",
            company="Acme",
            promised_by=date(2026, 12, 4),
        ),
    ]


@pytest.mark.parametrize(
    ("reason", "state"), [("withdrawn", WITHDRAWN), ("hired", HIRED), ("other", CLOSED)]
)
def test_closing_a_process(reason: str, state: str) -> None:
    pid = only(build(_acme())).id
    override = ProcessOverride(pid, closed_reason=reason, updated_at=at(12, 10))
    p = only(build(_acme(), overrides={pid: override}))
    assert p.state == state and p.closed_reason == reason
    assert p.events[-1].kind == "override" and p.events[-1].state_to == state


def test_snooze_and_edit_overrides() -> None:
    pid = only(build(_acme())).id
    override = ProcessOverride(
        pid,
        snoozed_until=date(2027, 1, 5),
        company="Acme Robotics",
        role="Tech Lead",
        promised_by=date(2026, 12, 18),
        updated_at=at(12, 1),
    )
    p = only(build(_acme(), overrides={pid: override}))
    assert (p.snoozed_until, p.company, p.role) == (date(2027, 1, 5), "Acme Robotics", "Tech Lead")
    assert (p.promised_by, p.promise_source, p.promise_evidence) == (
        date(2026, 12, 18),
        "user",
        None,
    )
    newer = msg(
        "s2@acme.no",
        at(12, 5),
        "status_update",
        from_addr="kari@acme.no",
        company="Acme",
        promised_by=date(2026, 12, 11),
    )
    assert only(build([*_acme(), newer], overrides={pid: override})).promised_by == date(
        2026, 12, 11
    )


def test_an_override_survives_older_mail_turning_up() -> None:
    pid = only(build(_acme())).id
    application = msg(
        "o0@gmail.com", at(11, 1), "application_received", direction=OUTBOUND, to=("jobs@acme.no",)
    )
    override = ProcessOverride(pid, closed_reason="withdrawn")
    p = only(build([application, *_acme()], overrides={pid: override}))
    assert p.id != pid and p.answers_to(pid)
    assert p.state == WITHDRAWN


def test_manual_process_without_mail() -> None:
    manual = ManualProcess(
        "m-1",
        "Gamma AS",
        created_at=at(12, 1),
        role="Analyst",
        contact="Siri@Gamma.no",
        interview_at=at(12, 3, 13),
        language="nb",
    )
    before = only(build([], manual=[manual], now=at(12, 2)))
    assert (before.id, before.state, before.round, before.language) == (
        "m-1",
        INTERVIEWING,
        1,
        "nb",
    )
    assert before.contact is not None and before.contact.address == "siri@gamma.no"
    assert before.manual and before.anchor is None
    after = only(build([], manual=[manual], now=at(12, 4)))
    assert (after.state, after.interview_held) == (AWAITING_DECISION, True)


def test_mail_from_the_employer_joins_a_manual_process() -> None:
    manual = ManualProcess("m-1", "Gamma AS", created_at=at(12, 1), interview_at=at(12, 3, 13))
    update = msg(
        "g1@gamma.no",
        at(12, 5),
        "status_update",
        from_addr="siri@gamma.no",
        company="Gamma",
        promised_by=date(2026, 12, 11),
    )
    p = only(build([update], manual=[manual]))
    assert p.id == "m-1" and p.account == "me"
    assert (p.state, p.promised_by) == (AWAITING_DECISION, date(2026, 12, 11))


# -- identity and contacts -----------------------------------------------------------------


def test_process_ids_are_stable_and_derived_from_the_earliest_message() -> None:
    messages = [
        *_acme(),
        msg(
            "b1@beta.no", at(11, 9), "interview_invitation", from_addr="per@beta.no", company="Beta"
        ),
        msg(
            "o1@gmail.com",
            at(11, 10),
            direction=OUTBOUND,
            to=("per@beta.no",),
            in_reply_to="<b1@beta.no>",
        ),
    ]
    first = [(p.id, p.company) for p in build(messages)]
    for seed in range(5):
        shuffled = list(messages)
        random.Random(seed).shuffle(shuffled)
        assert [(p.id, p.company) for p in build(shuffled)] == first
    expected = hashlib.sha256(b"<b1@beta.no>").hexdigest()[:10]
    assert first[0] == (expected, "Beta")
    assert all(len(pid) == 10 for pid, _ in first)


def test_the_process_takes_its_contact_and_anchor_from_the_parties() -> None:
    """Who to write to is decided in agent.parties (tests/core/test_parties.py); the process
    keeps it and anchors its drafts on the message the contact wrote."""
    human = msg(
        "k1@acme.no",
        at(11, 16),
        "interview_invitation",
        from_name="Nordmann, Kari",
        from_addr="kari.nordmann@acme.no",
        company="Acme",
    )
    robot = msg(
        "tt@teamtailor.com",
        at(12, 1),
        "rejection",
        from_name="Acme via Teamtailor",
        from_addr="no-reply@teamtailor.com",
        company="Acme AS",
    )
    p = only(build([human, robot]))
    assert p.contact is not None and p.contact.address == "kari.nordmann@acme.no"
    assert p.greeting_name == "Kari"
    assert p.anchor is not None and p.anchor.message_id == "<k1@acme.no>"
    assert p.last_inbound is not None and p.last_inbound.message_id == "<tt@teamtailor.com>"
    alone = only(build([replace(robot, contact_name="Kari Nordmann")]))
    assert alone.contact is None and alone.greeting_name == "Kari"
    assert alone.anchor is not None and alone.anchor.message_id == "<tt@teamtailor.com>"


def test_an_employer_known_only_by_its_domain_is_kept_but_not_said() -> None:
    p = only(
        build([msg("k1@acme.no", at(11, 16), "interview_invitation", from_addr="kari@acme.no")])
    )
    assert p.company == "acme.no" and p.company_short is None


def test_language_is_the_latest_inbound_job_message() -> None:
    en = msg(
        "e1@acme.no",
        at(11, 3),
        "application_received",
        from_addr="jobs@acme.no",
        company="Acme",
        language="en",
    )
    nb = msg(
        "n1@acme.no",
        at(11, 16),
        "interview_invitation",
        from_addr="kari@acme.no",
        company="Acme",
        language="nb",
    )
    chat = msg(
        "c1@acme.no",
        at(11, 17),
        "not_job",
        from_addr="kari@acme.no",
        language="en",
        in_reply_to="<n1@acme.no>",
    )
    assert only(build([en, nb, chat])).language == "nb"


def test_thanks_for_an_interview_counts_the_interview_whose_invitation_is_missing() -> None:
    receipt = msg("r1@havbris.no", at(10, 12), "application_received", company="Havbris")
    update = msg(
        "s1@havbris.no",
        at(11, 5),
        "status_update",
        company="Havbris",
        in_reply_to="<r1@havbris.no>",
        after_interview=True,
    )
    process = only(build([receipt, update]))
    assert process.state == "awaiting_decision"
    assert process.interview_held
    assert [e.kind for e in process.events][-2:] == ["interview_held", "status_update"]
    plain = only(build([receipt, replace(update, after_interview=False)]))
    assert plain.state == "applied" and not plain.interview_held
