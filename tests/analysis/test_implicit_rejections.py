"""Rejections that never say "unfortunately": the cue rules still read them."""

from __future__ import annotations

from datetime import date

import pytest
from short_mail import rules_only_analyzer, rules_only_kind, short_mail

from agent.analysis import Analyzer
from agent.message import parse_message


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return rules_only_analyzer()


def mail(subject: str, body: str) -> bytes:
    return short_mail(
        subject,
        body,
        sender="Talent Team <jobs@example.com>",
        date="Tue, 3 Mar 2026 09:00:00 +0100",
    )


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Your application to Northwind",
            "Thank you for your interest in joining the team. Our hiring team reviewed your "
            "application and did not select it for further consideration. We wish you all the best.",
        ),
        (
            "Thank you for applying",
            "Thank you for applying for the Analyst role. While we enjoyed reading your CV, we "
            "don't see a strong fit for the position at this time. All the best for your future!",
        ),
        (
            "Your application - Assistant Professor",
            "Dear Dr. Lund, the search committee has completed its review, and I am sorry to "
            "report that your application is no longer under consideration for this position.",
        ),
        (
            "Thank you for applying!",
            "Thank you for submitting your resume. After careful consideration, we have "
            "determined that the credentials of other candidates may better fit our needs.",
        ),
        (
            "Svar på søknaden din",
            "Hei! Vi har gått videre med andre kandidater til stillingen som lagerleder. "
            "Takk for at du søkte hos oss.",
        ),
        (
            "Re: Application - Marketing Assistant",
            "Thank you for your interest, but your qualifications did not match those needed "
            "for this position.",
        ),
        (
            "Editorial Assistant vacancy",
            "Many thanks for your application. We have reviewed your CV and have on this "
            "occasion decided not to call you for interview.",
        ),
        (
            "Assistant professor position",
            "Dear Dr. Lund, thank you for visiting us regarding our assistant professor position. "
            "Our committee has selected a candidate whose research interests are most closely "
            "aligned with the department's direction.",
        ),
        (
            "RE: Senior Program Manager",
            "I reviewed your resume with the manager against the job description, and we decided "
            "to not move forward.",
        ),
        (
            "Notice of results: IT Specialist",
            "This refers to the application you recently submitted for the position of IT "
            "Specialist.\n\nYou were found: Ineligible for the following position.",
        ),
        (
            "Your application for Data Analyst",
            "Thank you for your application. We wanted to let you know that we have recently "
            "filled the Data Analyst position you applied to.",
        ),
        (
            "Your application for Marketing Intern",
            "We appreciate your interest in the Marketing Intern position, however this role was "
            "recently filled.",
        ),
        (
            "Application Update",
            "Thank you for your interest. Your application has been received for the Data "
            "Scientist position. At this time we are pursuing other applicants.",
        ),
        (
            "Your application",
            "Thank you again for your time. Although it was not an easy decision, we decided to "
            "go in another direction.",
        ),
    ],
)
def test_implicit_rejection(analyzer: Analyzer, subject: str, body: str) -> None:
    assert analyzer.analyze(parse_message(mail(subject, body))).kind == "rejection"


@pytest.mark.parametrize(
    ("sender", "subject", "body", "kind"),
    [
        # A job board passes on the employer's answer to the reader's own application ...
        (
            "LinkedIn <jobs-noreply@linkedin.com>",
            "Your application to Junior Developer at Northwind",
            "Thank you for applying to the Junior Developer position at Northwind. "
            "Unfortunately, Northwind has moved to the next step in their hiring process, and "
            "your application was not selected at this time.",
            "rejection",
        ),
        (
            "NAV <ikke-svar@nav.no>",
            "Svar om stillingen som lagermedarbeider",
            "Hei,\n\nVi har sett nærmere på CV-en din. Dessverre passer ikke kompetansen din med "
            "behovene til arbeidsgiveren, og vi deler ikke CV-en din denne gangen.",
            "rejection",
        ),
        # ... but its alerts, with the same words, are no process.
        (
            "LinkedIn <jobs-noreply@linkedin.com>",
            "Jobs similar to Junior Developer at Northwind",
            "Unfortunately, the position you viewed is closed. These 12 new jobs match your "
            "search: Junior Developer at Contoso, Developer at Fabrikam.",
            "not_job",
        ),
    ],
)
def test_a_job_board_relays_the_employers_answer_only_about_the_readers_application(
    analyzer: Analyzer, sender: str, subject: str, body: str, kind: str
) -> None:
    raw = short_mail(subject, body, sender=sender, date="Tue, 3 Mar 2026 09:00:00 +0100")
    assert analyzer.analyze(parse_message(raw)).kind == kind


def test_a_strong_rejection_outranks_the_thanks_for_applying_around_it(analyzer: Analyzer) -> None:
    raw = mail(
        "Thank you for your application - Data Analyst",
        "Dear Ola,\n\nThank you for applying for the Data Analyst position. We received many "
        "applications for this position and reviewed your application carefully. Your "
        "application was not selected for the next stage.\n\nKind regards,\nTalent Team",
    )
    assert analyzer.analyze(parse_message(raw)).kind == "rejection"


@pytest.mark.parametrize(
    "sentence",
    [
        "If you are not shortlisted, you will receive an email confirming this outcome.",
        "Unfortunately, we do not have the resources to reply individually to every applicant.",
    ],
)
def test_conditional_and_disclaimer_sentences_in_a_receipt_are_no_rejection(
    analyzer: Analyzer, sentence: str
) -> None:
    raw = mail(
        "Application received",
        f"Dear Ola,\n\nThank you for applying for the Data Analyst position. We have received "
        f"your application and will review it carefully. {sentence}\n\nKind regards,\nTalent Team",
    )
    assert analyzer.analyze(parse_message(raw)).kind == "application_received"


@pytest.mark.parametrize(
    "sentence",
    [
        "Please don't be discouraged if you are not selected to move forward.",
        "We will keep your CV on file even if you have not been shortlisted for this role.",
    ],
)
def test_a_condition_inside_a_sentence_states_no_rejection_either(sentence: str) -> None:
    rules_alone = rules_only_analyzer()  # the cue rules' reading, which the model weighs
    raw = mail(
        "We have your application!",
        "Dear Ola,\n\nThank you for your application for the Data Analyst role. We look forward "
        f"to reviewing it. {sentence}\n\nKind regards,\nTalent Team",
    )
    assert rules_alone.analyze(parse_message(raw)).kind == "application_received"


def test_a_condition_states_no_rejection(analyzer: Analyzer) -> None:
    raw = mail(
        "Application received",
        "Dear Ola,\n\nThank you for your application. If you are not selected for an "
        "interview, we will notify you by email.\n\nKind regards,\nTalent Team",
    )
    assert analyzer.analyze(parse_message(raw)).kind == "application_received"


@pytest.mark.parametrize("greeting", ["Dear Ola,\n\n", "Hi Ola,\n", "Dear Ola:\n\n"])
def test_a_condition_right_after_the_greeting_states_no_rejection(
    analyzer: Analyzer, greeting: str
) -> None:
    """The greeting ends a sentence of its own, so the condition opens the next."""
    raw = mail(
        "Your application",
        f"{greeting}If we are not moving forward with your application, we will let you know "
        "within two weeks.\n\nKind regards,\nTalent Team",
    )
    analysis = analyzer.analyze(parse_message(raw))
    assert analysis.kind != "rejection"
    assert analysis.promised_by == date(2026, 3, 17)


@pytest.mark.parametrize(
    "sentence",
    [
        "We will not be moving you forward for the Field Coordinator role.",
        "Unfortunately we won't be taking you further in the process.",
    ],
)
def test_not_moving_you_forward_is_a_rejection(analyzer: Analyzer, sentence: str) -> None:
    raw = mail("Your application", f"Hi Ola,\n\nThank you for interviewing. {sentence}\n\nBest")
    assert analyzer.analyze(parse_message(raw)).kind == "rejection"


def test_a_request_for_referees_contact_details_is_a_reference_request(
    analyzer: Analyzer,
) -> None:
    body = (
        "Hi Ben,\n\nWe're excited about your potential fit and want to continue checking your "
        "references. Could you please provide contact details for three professional "
        "references?\n\nThanks, Marisol"
    )
    assert analyzer.analyze(parse_message(mail("Next step", body))).kind == "reference_request"


@pytest.mark.parametrize(
    "sentence",
    [
        "If you get a job offer, you will receive an email and a text message.",
        "In the meantime, you're welcome to try our app for yourself.",
    ],
)
def test_a_condition_or_a_welcome_to_do_something_is_no_offer(
    analyzer: Analyzer, sentence: str
) -> None:
    raw = mail("Thanks!", f"Hi Ola,\n\nThanks for applying. {sentence}\n\nThe Team")
    assert analyzer.analyze(parse_message(raw)).kind != "offer"


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Velkommen!",
            "Hei Ola,\n\nVelkommen til teamet! Vi gleder oss til å se deg.\n\nHilsen Acme",
        ),
        ("Velkommen!", "Hej Ole,\n\nVelkommen til teamet! Vi glæder os til at se dig.\n\nAcme"),
        ("Välkommen!", "Hej Olle,\n\nVälkommen till laget! Vi ser fram emot att ses.\n\nAcme"),
    ],
)
def test_a_welcome_to_the_team_is_an_offer(analyzer: Analyzer, subject: str, body: str) -> None:
    assert analyzer.analyze(parse_message(mail(subject, body))).kind == "offer"


@pytest.mark.parametrize(
    "sentence",
    [
        "The Research Group would like to conduct a telephone interview with you next week.",
        "Your interviews will be held in room 1938 on the 13th.",
        "You have been offered an interview for the Warehouse Team Leader job.",
    ],
)
def test_interviews_arranged_for_the_reader_are_an_invitation(
    analyzer: Analyzer, sentence: str
) -> None:
    raw = mail("Research Group", f"Dear Ola:\n\n{sentence}\n\nRegards,\nSharon")
    assert analyzer.analyze(parse_message(raw)).kind == "interview_invitation"


def test_a_match_found_for_the_role_is_a_rejection() -> None:
    raw = mail(
        "Update on the Data Scientist role at Acme",
        "Hi Ola,\n\nThanks so much for applying to the Data Scientist role at Acme. We've recently "
        "found our match for this role and are no longer reviewing applications, but we truly "
        "appreciate your interest.\n\nWarmly,\nThe Acme Talent Team",
    )
    assert rules_only_analyzer().analyze(parse_message(raw)).kind == "rejection"


def test_reference_checks_for_a_range_of_referees_are_a_reference_request(
    analyzer: Analyzer,
) -> None:
    body = (
        "Dear Daniel,\n\nThank you for taking the time to meet with us. We're moving forward "
        "with your application and would like to conduct reference checks. Please provide us "
        "with contact information for 2-3 professional references.\n\nBest regards, Megan"
    )
    analysis = analyzer.analyze(parse_message(mail("Next steps after our conversation", body)))
    assert analysis.kind == "reference_request"


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Din søknad", "Hei Sam, vi har valgt å ikke gå videre med deg i denne prosessen."),
        ("Din ansøgning", "Hej Sam, vi vælger ikke at gå videre med dig i denne omgang."),
    ],
)
def test_the_decision_not_to_go_on_in_the_infinitive_is_a_rejection(
    subject: str, body: str
) -> None:
    assert (
        rules_only_kind(subject, body, sender="Kari Lund <kari@nordlager.example>") == "rejection"
    )


@pytest.mark.parametrize(
    ("lang", "subject", "body"),
    [
        ("en", "Your application", "Applicants who are not selected will be notified by 20 March."),
        ("en", "Your application", "Those who are not shortlisted will be notified by email."),
        ("da", "Din ansøgning", "Ansøgere, der ikke er gået videre, får besked senest fredag."),
        # the day's stop ("20.") ends no sentence before a month in lower case
        (
            "da",
            "Din ansøgning",
            "Alle ansøgere får svar senest 20. marts, også dem der ikke er gået videre.",
        ),
    ],
)
def test_the_other_applicants_as_the_subject_state_no_rejection(
    lang: str, subject: str, body: str
) -> None:
    thanks = {"en": "Thank you for applying.", "da": "Tak for din ansøgning."}[lang]
    kind = rules_only_kind(subject, f"{thanks} {body}", sender="Acme <jobs@acme.example>")
    assert kind == "application_received"


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Din søknad",
            "Takk for søknaden. Du vil få beskjed om hvem som har fått stillingen innen "
            "utgangen av april.",
        ),
        (
            "Din ansøgning",
            "Tak for din ansøgning. Du får besked om, hvem der har fået stillingen, senest "
            "30. april.",
        ),
        (
            "Din ansökan",
            "Tack för din ansökan. Besked om vem som fått tjänsten lämnas via e-post i slutet "
            "av april.",
        ),
    ],
)
def test_who_was_given_the_post_is_no_offer_to_the_reader(subject: str, body: str) -> None:
    kind = rules_only_kind(subject, body, sender="Acme <jobb@acme.example>")
    assert kind == "application_received"
