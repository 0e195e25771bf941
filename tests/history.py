"""A synthetic job search with known answers, for ``followup stats`` and the calendar.

Seven applications from one account (Oslo time); followup's first scan ran on
1 October 2026 at 08:00, and the numbers are taken on 1 December 2026 at 12:00.

=======  ===========================================================  ===================
process  what happened                                                outcome
=======  ===========================================================  ===================
Acme     applied 1 Oct; receipt "answer within two weeks" (15 Oct);   offer
         invited 8 Oct (interview 13 Oct); status 14 Oct "by 21 Oct";
         offer 20 Oct
Birch    applied 2 Oct; rejection 12 Oct                              rejected
Cedar    applied 3 Oct; receipt "by 10 Oct"; status 17 Oct "by 24     ghosted after two
         Oct"; two follow-ups sent (27 Oct, 3 Nov), no answer         follow-ups
Dune     applied 1 Aug; invited 10 Aug (interview 15 Aug); silent     went quiet before
         since, long before the first scan                            tracking
Elm      applied 20 Nov; receipt "by 4 Dec"                           open
Fjord    invited 25 Nov (interview 3 Dec; no application on file);    open
         you entered "answer by 10 Dec" on 26 Nov
Gran     applied 1 Nov; receipt "if you have not heard by 15 Nov,     rejected by silence
         consider it unsuccessful"; nothing since
=======  ===========================================================  ===================

Known answers: 7 applied, 3 reached an interview (Acme, Dune, Fjord); days to the first
answer 7 (Acme), 10 (Birch), 14 (Cedar), 9 (Dune): median 9.5; days to a decision 19
(Acme) and 10 (Birch): median 14.5. Promises: Acme 15 Oct kept (8 Oct), Acme 21 Oct
kept (20 Oct), Cedar 10 Oct late (17 Oct), Cedar 24 Oct broken, Elm 4 Dec not due, Gran
15 Nov silent as said, Fjord 10 Dec (yours) not due: 2 kept of 4 settled.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from agent.analysis.types import Evidence
from agent.records import INBOUND, OUTBOUND, ProcessOverride, TrackedMessage

OSLO = ZoneInfo("Europe/Oslo")
ME = "kari.nordmann@gmail.com"
FIRST_SCAN = datetime(2026, 10, 1, 8, 0, tzinfo=OSLO)
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=OSLO)
FJORD_PROMISE = ProcessOverride(
    process_id="",  # filled in with Fjord's id by the tests
    promised_by=date(2026, 12, 10),
    updated_at=datetime(2026, 11, 26, 18, 0, tzinfo=OSLO),
)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=OSLO)


def _promise(
    sentence: str, phrase: str, day: date, condition: str | None = None
) -> dict[str, object]:
    return {"promised_by": day, "evidence": (Evidence(sentence, phrase, day, condition),)}


def _in(
    mid: str,
    when: datetime,
    kind: str,
    company: str,
    domain: str,
    subject: str,
    *,
    sender: str = "recruiting",
    reply: str | None = None,
    **kw: object,
) -> TrackedMessage:
    return TrackedMessage(
        message_id=f"<{mid}@{domain}>",
        account="main",
        direction=INBOUND,
        folder_role="inbox",
        date=when,
        subject=subject,
        from_name=f"{company} Recruiting",
        from_addr=f"{sender}@{domain}",
        to=(ME,),
        in_reply_to=reply,
        references=(reply,) if reply else (),
        language=str(kw.pop("language", "en")),
        kind=kind,
        confidence=0.9,
        company=company,
        **kw,  # type: ignore[arg-type]
    )


def _out(
    mid: str, when: datetime, domain: str, subject: str, reply: str | None = None
) -> TrackedMessage:
    return TrackedMessage(
        message_id=f"<{mid}@gmail.com>",
        account="main",
        direction=OUTBOUND,
        folder_role="sent",
        date=when,
        subject=subject,
        from_name="Kari Nordmann",
        from_addr=ME,
        to=(f"recruiting@{domain}",),
        in_reply_to=reply,
        references=(reply,) if reply else (),
        kind="not_job" if reply else "application_received",
    )


def messages() -> list[TrackedMessage]:
    acme, birch, cedar, dune = "acme.example", "birch.example", "cedar.example", "dune.example"
    elm, fjord, gran = "elm.example", "fjord.example", "gran.example"
    return [
        # Acme: offer after one interview, both promises kept
        _out("a0", at(10, 1), acme, "Application: Backend Developer"),
        _in("a1", at(10, 1, 9, 5), "application_received", "Acme AS", acme,
            "We have received your application",
            **_promise("You will hear from us within two weeks.", "within two weeks", date(2026, 10, 15))),
        _in("a2", at(10, 8), "interview_invitation", "Acme AS", acme, "Interview invitation",
            interview_at=at(10, 13, 10), reply="<a1@acme.example>"),
        _in("a3", at(10, 14), "status_update", "Acme AS", acme, "Thank you for the interview",
            reply="<a2@acme.example>",
            **_promise("We will decide by 21 October.", "by 21 October", date(2026, 10, 21))),
        _in("a4", at(10, 20), "offer", "Acme AS", acme, "Offer: Backend Developer",
            reply="<a3@acme.example>"),
        # Birch: rejected on the application
        _out("b0", at(10, 2), birch, "Application: Data Analyst"),
        _in("b1", at(10, 12), "rejection", "Birch Bank", birch, "Your application",
            reply="<b0@gmail.com>"),
        # Cedar: one promise late, the next one broken; two follow-ups unanswered
        _out("c0", at(10, 3), cedar, "Application: QA Engineer"),
        _in("c1", at(10, 3, 9, 30), "application_received", "Cedar Health", cedar,
            "Application received",
            **_promise("We will get back to you by 10 October.", "by 10 October", date(2026, 10, 10))),
        _in("c2", at(10, 17), "status_update", "Cedar Health", cedar, "Status of your application",
            reply="<c1@cedar.example>",
            **_promise("We expect to decide by 24 October.", "by 24 October", date(2026, 10, 24))),
        _out("c3", at(10, 27), cedar, "Re: Status of your application", reply="<c2@cedar.example>"),
        _out("c4", at(11, 3), cedar, "Re: Status of your application", reply="<c2@cedar.example>"),
        # Dune: found on the first scan, silent since August
        _out("d0", at(8, 1), dune, "Application: Designer"),
        _in("d1", at(8, 10), "interview_invitation", "Dune Studio", dune, "Interview",
            interview_at=at(8, 15, 13), reply="<d0@gmail.com>"),
        # Elm: waiting, promise not due yet
        _out("e0", at(11, 20), elm, "Application: Support Lead"),
        _in("e1", at(11, 20, 10), "application_received", "Elm Energi", elm, "Takk for søknaden",
            language="nb",
            **_promise("Du hører fra oss innen 4. desember.", "innen 4. desember", date(2026, 12, 4))),
        # Fjord: an invitation out of the blue, interview ahead
        _in("f1", at(11, 25), "interview_invitation", "Fjord Kraft", fjord, "Invitasjon til intervju",
            language="nb", interview_at=at(12, 3, 10), sender="hanne.lie"),
        # Gran: silence is the answer
        _out("g0", at(11, 1), gran, "Application: Controller"),
        _in("g1", at(11, 1, 9, 10), "application_received", "Gran Logistikk", gran,
            "Application received",
            **_promise("If you have not heard from us by 15 November, please consider your "
                       "application unsuccessful.", "by 15 November", date(2026, 11, 15),
                       "silence_means_no")),
    ]  # fmt: skip


def first_seen(message: TrackedMessage) -> datetime:
    """When followup first saw the message: the first scan, or its arrival after that."""
    return max(message.date, FIRST_SCAN)


EXPECTED = {
    "applied": 7,
    "interview": 3,
    "outcomes": {
        "offer": 1,
        "rejected": 2,
        "ghosted": 1,
        "quiet_before_tracking": 1,
        "withdrawn": 0,
        "open": 2,
    },
    "outcomes_after_interview": {
        "offer": 1,
        "rejected": 0,
        "ghosted": 0,
        "quiet_before_tracking": 1,
        "withdrawn": 0,
        "open": 1,
    },
    "rejected_by_silence": 1,
    "first_answer": {"count": 4, "median_days": 9.5, "min_days": 7.0, "max_days": 14.0},
    "decision": {"count": 2, "median_days": 14.5, "min_days": 10.0, "max_days": 19.0},
}
# (company, promised_by, answered_on, status), in the order the promises were made
PROMISES = [
    ("Acme AS", "2026-10-15", "2026-10-08", "kept"),
    ("Cedar Health", "2026-10-10", "2026-10-17", "late"),
    ("Acme AS", "2026-10-21", "2026-10-20", "kept"),
    ("Cedar Health", "2026-10-24", None, "broken"),
    ("Gran Logistikk", "2026-11-15", None, "silent_as_said"),
    ("Elm Energi", "2026-12-04", None, "pending"),
    ("Fjord Kraft", "2026-12-10", None, "pending"),
]
