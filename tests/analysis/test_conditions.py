"""Conditional promises: read from the promise's sentence, kept through the tracker, obeyed
by the policy ("only shortlisted candidates will hear …", "if you have not heard from us
by …, consider your application unsuccessful")."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from test_policy import POLICY, at, creates, msg, nine, processes, run

from agent.analysis import Analyzer
from agent.analysis.model import KindModel
from agent.analysis.types import Evidence
from agent.message import parse_message
from agent.policy import FEEDBACK_REQUEST, FOLLOWUP_AFTER_PROMISE
from agent.rules import Rules
from agent.tracker import REJECTED, REJECTED_BY_SILENCE


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    # The conditions are read by the rules; the kind model's veto is tested on its own.
    analyzer = Analyzer(Rules.load(None))
    analyzer.model = KindModel(None)
    return analyzer


def _mail(body: str, subject: str = "Your application for Data Engineer") -> bytes:
    return (
        "From: Acme Recruitment <jobs@acme-robotics.com>\r\nTo: ola@example.org\r\n"
        f"Subject: {subject}\r\nDate: Tue, 3 Mar 2026 10:00:00 +0100\r\n"
        "Message-ID: <c1@acme-robotics.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("body", "promised_by", "condition"),
    [
        (
            "Dear Ola,\n\nThank you for applying. Due to the number of applications, only "
            "shortlisted candidates will be contacted within two weeks.\n\nKind regards,\nAcme",
            "2026-03-17",
            "shortlisted",
        ),
        (
            "Dear Ola,\n\nThank you for applying. If you have not heard from us within four "
            "weeks, please consider your application unsuccessful.\n\nKind regards,\nAcme",
            "2026-03-31",
            "silence_means_no",
        ),
        (
            "Hei Ola,\n\nTakk for søknaden. Vi kontakter kun aktuelle kandidater innen 20. mars.\n\n"
            "Med vennlig hilsen\nAcme",
            "2026-03-20",
            "shortlisted",
        ),
        (
            "Hei Ola,\n\nTakk for søknaden. Hvis du ikke har hørt fra oss innen 20. mars, har du "
            "dessverre ikke nådd opp denne gangen.\n\nMed vennlig hilsen\nAcme",
            "2026-03-20",
            "silence_means_no",
        ),
        (
            "Dear Ola,\n\nThank you for applying. We will get back to you within two weeks.\n\n"
            "Kind regards,\nAcme",
            "2026-03-17",
            None,
        ),
        (
            "Dear Ola,\n\nThank you for applying. If selected for a first interview, we will "
            "reach out to you by Friday 13 March.\n\nKind regards,\nAcme",
            "2026-03-13",
            "shortlisted",
        ),
        # The condition in the next sentence, pointing back at the promised time.
        (
            "Dear Ola,\n\nWe have received your application and will make our decision within "
            "three weeks. We will contact you at that time if an interview is to be arranged."
            "\n\nKind regards,\nAcme",
            "2026-03-24",
            "shortlisted",
        ),
        (
            "Dear Ola,\n\nThank you for applying. We aim to contact candidates for interview "
            "within 10 working days. If you have not heard from us by then, please assume that "
            "you have not been shortlisted on this occasion.\n\nKind regards,\nAcme",
            "2026-03-17",
            "silence_means_no",
        ),
        (
            "Hei Ola,\n\nTakk for søknaden. Vi gir svar til de som går videre innen tre uker. "
            "Har du ikke hørt fra oss innen den tid, har du dessverre ikke nådd opp denne gangen."
            "\n\nMed vennlig hilsen\nAcme",
            "2026-03-24",
            "silence_means_no",
        ),
        # Silence said with what does not arrive, whatever words follow the verb.
        (
            "Dear Ola,\n\nThank you for applying. If you don't receive any information "
            "regarding your application within four weeks, please consider it unsuccessful."
            "\n\nKind regards,\nAcme",
            "2026-03-31",
            "silence_means_no",
        ),
        (
            "Hei Ola,\n\nTakk for søknaden. Hvis du ikke har hørt noe innen 20. mars, har du "
            "dessverre ikke nådd opp denne gangen.\n\nMed vennlig hilsen\nAcme",
            "2026-03-20",
            "silence_means_no",
        ),
        # The condition said of the candidate's profile, or of whom the sender answers.
        (
            "Dear Ola,\n\nThank you for applying. If your profile matches our requirements, we "
            "will contact you within the next 5 business days.\n\nKind regards,\nAcme",
            "2026-03-10",
            "shortlisted",
        ),
        (
            "Dear Ola,\n\nThank you for applying. We work hard to get back to qualified "
            "applicants within two weeks.\n\nKind regards,\nAcme",
            "2026-03-17",
            "shortlisted",
        ),
        (
            "Hej Ola,\n\nTak for din ansøgning. Hvis din profil matcher stillingen, kontakter vi "
            "dig inden for to uger.\n\nVenlig hilsen\nAcme",
            "2026-03-17",
            "shortlisted",
        ),
        # Silence that invites the candidate to ask is a plain promise: the follow-up the
        # sender asks for is drafted.
        (
            "Dear Ola,\n\nThank you for applying. We aim to respond within 5 business days. "
            "If you don't hear from us within this time, please feel free to follow up."
            "\n\nKind regards,\nAcme",
            "2026-03-10",
            None,
        ),
        (
            "Hei Ola,\n\nTakk for søknaden. Hører du ikke noe fra oss innen fredag 13. mars, ta "
            "gjerne kontakt.\n\nMed vennlig hilsen\nAcme",
            "2026-03-13",
            None,
        ),
        (
            "Hej Ola,\n\nTack för din ansökan. Har du inte hört av oss inom två veckor får du "
            "gärna kontakta oss.\n\nVänliga hälsningar\nAcme",
            "2026-03-17",
            None,
        ),
        (
            "Dear Ola,\n\nThank you for applying. If your experience is a good match, we will "
            "reach out within two weeks with next steps.\n\nKind regards,\nAcme",
            "2026-03-17",
            "shortlisted",
        ),
        (
            "Hei Ola,\n\nTakk for søknaden din. Hvis din erfaring passer, kontakter vi deg innen to "
            "uker.\n\nMed vennlig hilsen\nAcme",
            "2026-03-17",
            "shortlisted",
        ),
        (
            "Hej Ola,\n\nTack för din ansökan. Om din erfarenhet matchar kontaktar vi dig inom "
            "två veckor.\n\nVänliga hälsningar\nAcme",
            "2026-03-17",
            "shortlisted",
        ),
        (
            "Hej Ola,\n\nTack för din ansökan. Vi återkommer inom två veckor. Har du inte hört "
            "något inom den tiden kan du anse att du inte gått vidare.\n\nVänliga hälsningar\nAcme",
            "2026-03-17",
            "silence_means_no",
        ),
        (
            "Hej Ola,\n\nTak for din ansøgning. Hvis din erfaring matcher, kontakter vi dig "
            "inden for to uger.\n\nMed venlig hilsen\nAcme",
            "2026-03-17",
            "shortlisted",
        ),
        # Those chosen named as the subject, or asked about with the verb first.
        (
            "Hei Ola,\n\nTakk for søknaden. Aktuelle kandidater blir innkalt til intervju i "
            "løpet av uke 12.\n\nMed vennlig hilsen\nAcme",
            "2026-03-20",
            "shortlisted",
        ),
        (
            "Hei Ola,\n\nTakk for søknaden. Er du aktuell, tar vi kontakt innen 20. mars.\n\n"
            "Med vennlig hilsen\nAcme",
            "2026-03-20",
            "shortlisted",
        ),
        (
            "Hej Ola,\n\nTak for din ansøgning. Er du blandt de udvalgte, kontakter vi dig i "
            "uge 12.\n\nMed venlig hilsen\nAcme",
            "2026-03-20",
            "shortlisted",
        ),
        (
            "Hej Ola,\n\nTack för din ansökan. Är du aktuell för en intervju hör vi av oss "
            "under vecka 12.\n\nMed vänliga hälsningar\nAcme",
            "2026-03-20",
            "shortlisted",
        ),
        (
            "Hej Ola,\n\nTack för din ansökan. Aktuella kandidater kallas till intervju under "
            "vecka 12.\n\nMed vänliga hälsningar\nAcme",
            "2026-03-20",
            "shortlisted",
        ),
        (
            "Dear Ola,\n\nThank you for applying. We will be contacting successful applicants "
            "by phone before 20 March.\n\nKind regards,\nAcme",
            "2026-03-20",
            "shortlisted",
        ),
        # The silence said in the next sentence, which refers back to the window.
        (
            "Dear Ola,\n\nThank you for applying. If you have been shortlisted you will be "
            "contacted within three weeks. Applicants who are not contacted in the period "
            "mentioned should consider the application as unsuccessful.\n\nKind regards,\nAcme",
            "2026-03-24",
            "silence_means_no",
        ),
    ],
)
def test_the_condition_of_a_promise_is_read_from_its_sentence(
    analyzer: Analyzer, body: str, promised_by: str, condition: str | None
) -> None:
    analysis = analyzer.analyze(parse_message(_mail(body)))
    result = analysis.to_json()
    assert analysis.kind in ("application_received", "status_update")  # no rejection
    assert result["promised_by"] == promised_by
    assert result["promise_condition"] == condition
    assert list(result)[:8] == [
        "message_id", "language", "kind", "confidence", "promised_by", "interview_at",
        "company", "promise_condition",
    ]  # fmt: skip


def test_of_two_sentences_promising_the_same_day_the_one_about_silence_decides(
    analyzer: Analyzer,
) -> None:
    body = (
        "Dear Ola,\n\nThank you for your application. Applicants selected for interviews will "
        "normally be notified within two weeks. Applicants not notified during the two weeks should "
        "assume that they were not selected.\n\nKind regards,\nAcme"
    )
    analysis = analyzer.analyze(parse_message(_mail(body)))
    assert analysis.kind == "application_received"  # no rejection either
    assert analysis.promised_by == date(2026, 3, 17)
    assert analysis.promise_condition == "silence_means_no"


SILENCE = Evidence(
    "If you have not heard from us by 20 March, please consider your application unsuccessful.",
    "by 20 March",
    date(2026, 3, 20),
    "silence_means_no",
)


def _receipt(evidence: Evidence) -> list:  # type: ignore[type-arg]
    return [
        msg("app@me", at(2026, 3, 2), "outbound", direction="outbound", subject="Application"),
        msg(
            "r1@acme.no",
            at(2026, 3, 3),
            "application_received",
            promised_by=evidence.resolved,
            evidence=(evidence,),
        ),
    ]


def test_a_lapsed_silence_window_closes_the_process_as_rejected_by_silence() -> None:
    [before] = processes(_receipt(SILENCE), at(2026, 3, 20, 23))
    assert before.active and before.promised_by == date(2026, 3, 20)
    [after] = processes(_receipt(SILENCE), at(2026, 3, 21, 8))
    assert after.state == REJECTED
    event = after.events[-1]
    assert event.kind == REJECTED_BY_SILENCE and event.sentence == SILENCE.sentence


def test_no_follow_up_and_no_feedback_request_after_silence_by_default() -> None:
    thread = _receipt(SILENCE)
    for now in (nine(2026, 3, 23), nine(2026, 3, 30)):
        assert creates(run(thread, now)) == []
    both = replace(POLICY, followup_when_silence_means_no=True, feedback_after_silence=True)
    actions = {a.action for a in creates(run(thread, nine(2026, 3, 23), policy=both))}
    assert actions == {FEEDBACK_REQUEST}  # closed by silence: the feedback request is allowed


def test_a_shortlisted_window_still_gets_its_follow_up() -> None:
    shortlisted = replace(SILENCE, condition="shortlisted", sentence="Only shortlisted …")
    [draft] = creates(run(_receipt(shortlisted), nine(2026, 3, 23)))
    assert draft.action == FOLLOWUP_AFTER_PROMISE


def test_a_plain_window_is_not_closed_when_it_lapses() -> None:
    plain = replace(SILENCE, condition=None)
    [process] = processes(_receipt(plain), at(2026, 3, 23) + timedelta(hours=1))
    assert process.active


def test_a_rejection_of_the_application_alone_gets_a_short_request_only_when_asked() -> None:
    from test_policy import OSLO

    from agent.drafts import TemplateSet, render_draft
    from agent.rules import shipped_rules

    thread = [
        msg("app@me", at(2026, 3, 2), "outbound", direction="outbound", subject="Application"),
        msg("r1@acme.no", at(2026, 3, 5), "rejection", subject="Your application"),
    ]
    assert creates(run(thread, nine(2026, 3, 9))) == []
    asked = replace(POLICY, feedback_after_application_rejection=True)
    [draft] = creates(run(thread, nine(2026, 3, 9), policy=asked))
    assert draft.action == FEEDBACK_REQUEST
    [process] = processes(thread, nine(2026, 3, 9))
    rendered = render_draft(
        process, draft, account_address="ola@example.org", account_name="Ola",
        templates=TemplateSet.from_rules(shipped_rules()), now=nine(2026, 3, 9), tz=OSLO,
    )  # fmt: skip
    assert "what would have made my application stronger" in rendered.body
    assert "strengths and weaknesses" not in rendered.body


@pytest.mark.parametrize(
    "body",
    [
        "Hei Kari,\n\nTakk for søknaden din på stillingen som rådgiver. Hører du ikke fra oss "
        "innen tre uker, har vi dessverre gått videre med andre kandidater.\n\nMvh\nAcme AS",
        "Kære Mette,\n\nTak for din ansøgning til stillingen som konsulent. Hører du ikke fra os "
        "inden for tre uger, er vi desværre gået videre med andre kandidater.\n\nHilsen\nAcme",
        "Hej Anna,\n\nTack för din ansökan till tjänsten som ekonom. Hör du inte av oss inom tre "
        "veckor har vi tyvärr gått vidare med andra kandidater.\n\nHälsningar\nAcme AB",
    ],
)
def test_silence_said_with_the_verb_first_is_a_window_not_a_rejection(
    analyzer: Analyzer, body: str
) -> None:
    """'Hører du ikke fra oss innen …' is 'hvis du ikke hører fra oss innen …'."""
    analysis = analyzer.analyze(parse_message(_mail(body, subject="Søknad")))
    assert analysis.kind == "application_received"
    assert analysis.promised_by == date(2026, 3, 24)
    assert analysis.promise_condition == "silence_means_no"


@pytest.mark.parametrize(
    "allow",
    [
        "Please allow up to three weeks for us to review your application.",
        "Please allow 2-3 weeks for this process.",  # the process of the application
        "Please allow three weeks for the review process.",
        "Please allow our recruiters 2-3 weeks to follow up on your application.",
        "Please allow 3 weeks to be contacted or to see a change in your application status.",
    ],
)
def test_please_allow_weeks_for_a_reply_is_a_promise(analyzer: Analyzer, allow: str) -> None:
    body = f"Thank you for applying. {allow}"
    assert analyzer.analyze(parse_message(_mail(body))).promised_by == date(2026, 3, 24)


def test_meeting_the_minimum_qualifications_is_the_condition_of_a_reply(
    analyzer: Analyzer,
) -> None:
    body = (
        "Thank you for applying. You can expect to hear from Human Resources within three "
        "weeks if you meet the minimum qualifications."
    )
    analysis = analyzer.analyze(parse_message(_mail(body)))
    assert analysis.promised_by == date(2026, 3, 24)
    assert analysis.promise_condition == "shortlisted"


@pytest.mark.parametrize(
    "sentence",
    [
        "We are still progressing with your application and expect to have an update for you "
        "by Friday 20 March.",
        "The panel hopes to give you an answer by Friday 20 March.",
    ],
)
def test_expecting_to_have_news_by_a_day_is_a_promise(analyzer: Analyzer, sentence: str) -> None:
    body = f"Dear Ola,\n\nThank you for your patience. {sentence}\n\nAcme"
    assert analyzer.analyze(parse_message(_mail(body))).promised_by == date(2026, 3, 20)


@pytest.mark.parametrize(
    ("plan", "by"),
    [
        ("We expect to schedule phone interviews by the end of next week.", date(2026, 3, 13)),
        ("We anticipate interviewing applicants in late March.", date(2026, 3, 31)),
        ("We will begin scheduling interviews by Friday 20 March.", date(2026, 3, 20)),
    ],
)
def test_a_plan_to_schedule_interviews_is_a_promise_to_those_chosen(
    analyzer: Analyzer, plan: str, by: date
) -> None:
    body = f"Dear Ola,\n\nThank you for applying for the Data Engineer position. {plan}\n\nAcme"
    analysis = analyzer.analyze(parse_message(_mail(body)))
    assert analysis.promised_by == by
    assert analysis.promise_condition == "shortlisted"


@pytest.mark.parametrize(
    "sentence",
    [
        "Interviews will take place on 20 March at our office.",
        "We are currently scheduling interviews for this week and next week.",
        "We will hold interviews on 20 March.",
    ],
)
def test_the_time_of_interviews_the_reader_is_invited_to_is_no_promise(
    analyzer: Analyzer, sentence: str
) -> None:
    body = f"Dear Ola,\n\nWe would like to invite you to an interview. {sentence}\n\nAcme"
    assert analyzer.analyze(parse_message(_mail(body, "Interview"))).promised_by is None


@pytest.mark.parametrize(
    ("sentence", "promised_by", "condition"),
    [
        # those invited, or relevant, are the ones who hear
        (
            "Candidates selected for an interview will be contacted by 20 March.",
            "2026-03-20",
            "shortlisted",
        ),
        (
            "Takk for søknaden din. Kandidater som blir innkalt til intervju, vil få beskjed "
            "innen 20. mars.",
            "2026-03-20",
            "shortlisted",
        ),
        (
            "Tak for din ansøgning. Kandidater, der inviteres til samtale, får besked senest "
            "den 20. marts.",
            "2026-03-20",
            "shortlisted",
        ),
        (
            "Tack för din ansökan. Vi planerar att kontakta aktuella kandidater under vecka 12.",
            "2026-03-20",
            "shortlisted",
        ),
        # both those invited and those not hear: no condition
        (
            "Tak for din ansøgning. Både ansøgere, der inviteres til en samtale, og ansøgere, der "
            "ikke inviteres, får besked senest den 20. marts.",
            "2026-03-20",
            None,
        ),
        # a bare "if shortlisted", and the qualified or top candidates
        ("If shortlisted, you will be contacted within 2 weeks.", "2026-03-17", "shortlisted"),
        (
            "Qualified applicants will be contacted within 3-5 business days.",
            "2026-03-10",
            "shortlisted",
        ),
        (
            "Top candidates receive an interview invitation within 7 days.",
            "2026-03-10",
            "shortlisted",
        ),
        # silence that asks to be chased is a plain window
        (
            "We respond within 5 business days. If you haven't heard from us within this "
            "timeframe, please check your spam folder or contact us.",
            "2026-03-10",
            None,
        ),
        # a task for the reader, then the sender's own promise
        (
            "Fill out the form and our HR team will get back to you within 48 hours.",
            "2026-03-05",
            None,
        ),
        # silence, with the condition first
        (
            "Should you not hear from us by 20 March, please assume that we will not be taking "
            "your application further.",
            "2026-03-20",
            "silence_means_no",
        ),
    ],
)
def test_who_will_hear_is_read_in_more_words(
    analyzer: Analyzer, sentence: str, promised_by: str, condition: str | None
) -> None:
    result = analyzer.analyze(parse_message(_mail(f"Ola,\n\n{sentence}\n\nAcme"))).to_json()
    assert (result["promised_by"], result["promise_condition"]) == (promised_by, condition)
