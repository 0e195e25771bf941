"""Rendering follow-ups: threading headers, hostile input, and text a person would send."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agent.drafts import TemplateSet, draft_message_id, references_for, render_draft, reply_subject
from agent.errors import RulesError
from agent.policy import (
    ACTIONS,
    COMPETING_OFFER,
    FEEDBACK_REQUEST,
    FOLLOWUP_AFTER_PROMISE,
    NEXT_STEPS,
    NUDGE,
    CreateDraft,
)
from agent.records import DRAFT_INTENT, INBOUND, OUTBOUND, ManualProcess, TrackedMessage
from agent.rules import Rules, shipped_parties, shipped_rules
from agent.tracker import Process, build_processes

OSLO = ZoneInfo("Europe/Oslo")
ME = "ola.nordmann@gmail.com"
PARTIES = shipped_parties()
TEMPLATES = TemplateSet.from_rules(shipped_rules())
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=OSLO)
EXPECTED_HEADERS = {
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "x-followup-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
}


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=OSLO)


def inbound(mid: str, when: datetime, kind: str, **kw: object) -> TrackedMessage:
    defaults: dict[str, object] = {
        "account": "me",
        "direction": INBOUND,
        "folder_role": "inbox",
        "subject": "Interview",
        "from_name": "Kari Nordmann",
        "from_addr": "kari.nordmann@acme.no",
        "to": (ME,),
        "company": "Acme AS",
        "role": "Backend Developer",
    }
    defaults.update(kw)
    return TrackedMessage(message_id=mid, date=when, kind=kind, **defaults)  # type: ignore[arg-type]


def acme(language: str = "en", **kw: object) -> Process:
    subject = kw.pop(
        "subject", "Invitation to interview" if language == "en" else "Invitasjon til intervju"
    )
    mail = [
        inbound(
            "<i1@acme.no>",
            at(11, 16),
            "interview_invitation",
            interview_at=at(11, 24),
            language=language,
            subject=subject,
            **kw,
        ),
        inbound(
            "<s1@acme.no>",
            at(11, 24, 15),
            "status_update",
            promised_by=date(2026, 12, 4),
            language=language,
            subject=f"Re: {subject}",
            in_reply_to="<o1@gmail.com>",
            references=("<i1@acme.no>", "<o1@gmail.com>"),
            **kw,
        ),
    ]
    [process] = build_processes(mail, own_addresses={ME}, parties=PARTIES, now=NOW)
    return process


def action(process: Process, kind: str = FOLLOWUP_AFTER_PROMISE, **kw: object) -> CreateDraft:
    values: dict[str, object] = {
        "process_id": process.id,
        "account": "me",
        "action": kind,
        "followup_id": "0123456789abcdef",
        "due_at": NOW,
        "language": process.language,
        "reason": "test",
        "anchor_message_id": process.anchor.message_id if process.anchor else None,
    }
    values.update(kw)
    return CreateDraft(**values)  # type: ignore[arg-type]


def render(process: Process, act: CreateDraft | None = None, now: datetime = NOW):  # type: ignore[no-untyped-def]
    return render_draft(
        process,
        act or action(process),
        account_address=ME,
        account_name="Ola Nordmann",
        templates=TEMPLATES,
        now=now,
        tz=OSLO,
    )


def reparse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


# -- headers ----------------------------------------------------------------------------


def test_threading_headers_and_deterministic_ids() -> None:
    draft = render(acme())
    raw = draft.to_bytes()
    assert b"\r\n" in raw and all(len(line) <= 998 for line in raw.split(b"\r\n"))
    msg = reparse(raw)
    assert {k.lower() for k in msg.keys()} == EXPECTED_HEADERS
    assert msg["From"] == "Ola Nordmann <ola.nordmann@gmail.com>"
    assert msg["To"] == "Kari Nordmann <kari.nordmann@acme.no>"
    assert msg["Subject"] == "Re: Invitation to interview"
    assert msg["In-Reply-To"] == "<s1@acme.no>"
    assert msg["References"].split() == ["<i1@acme.no>", "<o1@gmail.com>", "<s1@acme.no>"]
    assert msg["X-Followup-Id"] == "0123456789abcdef"
    assert msg["Message-ID"] == "<followup.0123456789abcdef@gmail.com>"
    assert email.utils.parsedate_to_datetime(msg["Date"]) == NOW
    assert msg.get_content_type() == "text/plain" and msg.get_content_charset() == "utf-8"
    later = render(acme(), now=NOW + timedelta(hours=5))
    assert later.message_id == draft.message_id == draft_message_id("0123456789abcdef", ME)
    record = draft.to_record()
    assert (record.state, record.message_id, record.to, record.in_reply_to) == (
        DRAFT_INTENT,
        draft.message_id,
        "Kari Nordmann <kari.nordmann@acme.no>",
        "<s1@acme.no>",
    )


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("SV: Re: AW: Invitation", "Re: Invitation"),
        ("Re[2]: Next steps", "Re: Next steps"),
        ("Sv: Intervju", "Re: Intervju"),
        ("RE:RE: Case", "Re: Case"),
        ("VS: Tilbud", "Re: VS: Tilbud"),
        ("Invitation", "Re: Invitation"),
    ],
)
def test_reply_prefixes_are_not_stacked(original: str, expected: str) -> None:
    assert reply_subject(original) == expected


def test_references_are_bounded_and_keep_the_root() -> None:
    refs = tuple(f"<r{n}@x.org>" for n in range(50))
    bounded = references_for(refs, "<anchor@x.org>")
    assert len(bounded) == 20 and bounded[0] == "<r0@x.org>" and bounded[-1] == "<anchor@x.org>"


@pytest.mark.parametrize(
    "hostile",
    [
        {"subject": "Hi\r\nBcc: evil@x"},
        {"subject": "Hi\n"},
        {"subject": "=?UTF-8?Q?Hi=0ABcc:_evil@x?="},
        {"subject": "Ansøkning " + "æøå " * 500},
        {"from_name": "Kari\r\nBcc: evil@x"},
        {"from_name": "=?UTF-8?Q?Kari=0D=0ACc:_evil@x?="},
        {"company": "Acme\r\nX-Evil: 1", "role": "Dev\nBcc: evil@x"},
    ],
)
def test_hostile_values_never_add_headers(hostile: dict[str, str]) -> None:
    process = acme(**hostile)
    draft = render(process)
    msg = reparse(draft.to_bytes())
    assert {k.lower() for k in msg.keys()} == EXPECTED_HEADERS
    assert msg["To"].addresses[0].addr_spec == "kari.nordmann@acme.no"
    assert "\n" not in str(msg["Subject"]) and len(str(msg["Subject"])) <= 210
    assert len(msg["To"].addresses) == 1
    raw = draft.to_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert not re.search(rb"^(bcc|cc|x-evil):", head, re.I | re.M)
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    body = msg.get_content()
    assert not re.search(r"^(Bcc|Cc|X-Evil):", body, re.M)


def test_hostile_message_ids_are_dropped_from_threading() -> None:
    process = acme()
    process.anchor = type(process.anchor)(
        "<id@x>\r\nBcc: evil@x", "Interview", ("<ok@x>", "bad id"), at(11, 24)
    )  # type: ignore[misc]
    msg = reparse(render(process).to_bytes())
    assert {k.lower() for k in msg.keys()} == EXPECTED_HEADERS - {"in-reply-to"}
    assert msg["References"] == "<ok@x>"


def test_a_no_reply_sender_gives_an_empty_to_and_a_note() -> None:
    robot = inbound(
        "<tt@teamtailor.com>",
        at(12, 1),
        "rejection",
        from_name="Acme via Teamtailor",
        from_addr="no-reply@teamtailor.com",
        subject="Your application",
    )
    [process] = build_processes([robot], own_addresses={ME}, parties=PARTIES, now=NOW)
    draft = render(process, action(process, FEEDBACK_REQUEST))
    assert draft.to == "" and draft.note is not None and "no recipient" in draft.note
    msg = reparse(draft.to_bytes())
    assert msg["To"] is None and msg["In-Reply-To"] == "<tt@teamtailor.com>"
    assert draft.body.startswith("Hi,\n")
    assert draft.to_record().note == draft.note


def test_an_invalid_contact_address_is_not_used() -> None:
    process = acme(from_addr="kari@acme.no>, evil@x.org")
    draft = render(process)
    assert draft.to_address is None and "no recipient" in (draft.note or "")


# -- text ----------------------------------------------------------------------------------


def test_english_follow_up_after_a_promise() -> None:
    body = render(acme()).body
    assert body.startswith("Hi Kari,\n\nThank you again for the interview on Tuesday 24 November.")
    assert "You mentioned that you expected to decide by Friday 4 December" in body
    assert "the Backend Developer role at Acme," in body
    assert body.rstrip().endswith("Best regards,\nOla Nordmann")


def test_norwegian_follow_up_after_a_promise() -> None:
    body = render(acme("nb", role="Backend-utvikler")).body
    assert body.startswith("Hei Kari,\n\nTakk igjen for intervjuet tirsdag 24. november.")
    assert "Dere nevnte at dere ville gi svar innen fredag 4. desember" in body
    assert "stillingen som Backend-utvikler hos Acme" in body
    assert body.rstrip().endswith("Med vennlig hilsen\nOla Nordmann")


@pytest.mark.parametrize("language", ["en", "nb"])
@pytest.mark.parametrize("kind", ACTIONS)
def test_every_draft_asks_a_real_question_and_resolves_every_placeholder(
    language: str, kind: str
) -> None:
    process = acme(language)
    draft = render(process, action(process, kind, offer_deadline=date(2026, 12, 11)))
    assert draft.language == language
    assert "$" not in draft.body and "?" in draft.body
    assert "checking in" not in draft.body.lower() and "sjekke inn" not in draft.body.lower()
    assert len(draft.body) < 1200
    assert draft.body.rstrip().endswith("Ola Nordmann")


def test_feedback_request_asks_what_went_well_and_to_be_kept_on_file() -> None:
    process = acme("nb")
    body = render(process, action(process, FEEDBACK_REQUEST)).body
    for phrase in (
        "Hva gikk bra",
        "hva kunne jeg gjort bedre",
        "styrker og svakheter",
        "fremtidige stillinger",
    ):
        assert phrase in body
    body = render(acme(), action(acme(), FEEDBACK_REQUEST)).body
    for phrase in (
        "What went well",
        "what could I have done better",
        "strengths and weaknesses",
        "on file",
    ):
        assert phrase in body


def test_competing_offer_and_nudge_texts() -> None:
    process = acme()
    body = render(process, action(process, COMPETING_OFFER, offer_deadline=date(2027, 1, 8))).body
    assert "another job offer" in body and "Friday 8 January 2027" in body
    assert "when you expect to make a decision?" in body
    nb = acme("nb")
    body = render(nb, action(nb, NUDGE)).body
    assert body.startswith(
        "Hei Kari,\n\nJeg følger opp min forrige melding om stillingen som Backend Developer hos Acme."
    )


def test_next_steps_mentions_a_second_interview_and_unnamed_greeting() -> None:
    process = acme(from_name="Acme Recruiting")
    process.round = 2
    body = render(process, action(process, NEXT_STEPS)).body
    assert body.startswith(
        "Hi,\n\nThank you again for the second interview on Tuesday 24 November."
    )
    assert "what the next steps in the process are" in body


def test_unknown_language_falls_back_to_english_and_no_anchor_uses_the_template_subject() -> None:
    manual = ManualProcess(
        "m-1",
        "Gamma AS",
        created_at=at(12, 1),
        role="Analyst",
        contact="siri@gamma.no",
        interview_at=at(12, 3, 13),
        language="de",
    )
    [process] = build_processes([], own_addresses={ME}, parties=PARTIES, manual=[manual], now=NOW)
    draft = render(process, action(process, NEXT_STEPS))
    assert draft.language == "en" and draft.subject == "Application for Analyst"
    msg = reparse(draft.to_bytes())
    assert msg["In-Reply-To"] is None and msg["References"] is None and msg["To"] == "siri@gamma.no"


def test_nudge_names_the_date_of_the_previous_follow_up() -> None:
    mail = [
        inbound("<s1@acme.no>", at(11, 24, 15), "status_update", promised_by=date(2026, 12, 4)),
        TrackedMessage(
            "<f1@gmail.com>",
            "me",
            OUTBOUND,
            "sent",
            at(12, 7, 11),
            "Re: Interview",
            from_addr=ME,
            to=("kari.nordmann@acme.no",),
            in_reply_to="<s1@acme.no>",
            followup_id="abc",
        ),
    ]
    [process] = build_processes(mail, own_addresses={ME}, parties=PARTIES, now=NOW)
    body = render(process, action(process, NUDGE)).body
    assert (
        "I'm following up on my message of Monday 7 December about the Backend Developer role at Acme."
        in body
    )


def test_a_template_with_an_unknown_placeholder_names_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "templates" / "en").mkdir(parents=True)
    (tmp_path / "templates" / "en" / "nudge.txt").write_text("Hi $nobody\n")
    templates = TemplateSet.from_rules(Rules.load(tmp_path))
    process = acme()
    with pytest.raises(RulesError, match=r"templates/en/nudge.txt: unknown placeholder \$nobody"):
        render_draft(
            process,
            action(process, NUDGE),
            account_address=ME,
            account_name="Ola",
            templates=templates,
            now=NOW,
            tz=OSLO,
        )
