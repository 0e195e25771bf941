"""Promise sentences in whole messages: which clause commits the sender, and to which day.

Real-style sentences of recruiting mail; the message is sent Tue 3 March 2026, 10:00 CET.
"""

from __future__ import annotations

import pytest
from short_mail import rules_only_analyzer

from agent.analysis import Analyzer
from agent.message import parse_message
from agent.rules import Rules

OPENINGS = {
    "en": ("Dear Ola,", "Thank you for applying for the Data Engineer position.", "Kind regards"),
    "nb": ("Hei Ola,", "Takk for søknaden din på stillingen som dataingeniør.", "Vennlig hilsen"),
    "da": ("Kære Ole,", "Tak for din ansøgning til stillingen som dataingeniør.", "Venlig hilsen"),
    "sv": (
        "Hej Olle,",
        "Tack för din ansökan till tjänsten som dataingenjör.",
        "Vänliga hälsningar",
    ),
}


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(Rules.load(None))


def _analyze(analyzer: Analyzer, lang: str, body: str):  # type: ignore[no-untyped-def]
    greeting, thanks, closing = OPENINGS[lang]
    raw = (
        "From: Acme Recruitment <jobs@acme-robotics.com>\r\nTo: ola@example.org\r\n"
        "Subject: Data Engineer\r\nDate: Tue, 3 Mar 2026 10:00:00 +0100\r\n"
        "Message-ID: <p1@acme-robotics.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{greeting}\r\n\r\n{thanks}\r\n{body}\r\n\r\n{closing}\r\nAcme Robotics\r\n"
    )
    return analyzer.analyze(parse_message(raw.encode()))


# A window "of the closing date" runs from the deadline the mail names.
FROM_THE_DEADLINE = [
    (
        "en",
        "The post closes on 16 March 2026.\n\nWe aim to contact shortlisted applicants within "
        "two weeks of the closing date.",
        "2026-03-30",
    ),
    (
        "en",
        "Applications close on 13 March 2026. If you have not heard from us within 3-4 weeks "
        "after the closing date, please assume your application has been unsuccessful.",
        "2026-04-10",
    ),
    (
        "nb",
        "Søknadsfristen er 10. mars. Vi gir svar innen tre uker etter søknadsfristen.",
        "2026-03-31",
    ),
    (
        "da",
        "Ansøgningsfristen er den 9. marts. Du hører fra os senest 2 uger efter ansøgningsfristen.",
        "2026-03-23",
    ),
    (
        "sv",
        "Sista ansökningsdag är 12 mars. Vi återkommer inom 10 arbetsdagar efter sista "
        "ansökningsdagen.",
        "2026-03-26",
    ),
]


@pytest.mark.parametrize(("lang", "body", "promised_by"), FROM_THE_DEADLINE)
def test_a_window_after_the_closing_date_runs_from_it(
    analyzer: Analyzer, lang: str, body: str, promised_by: str
) -> None:
    assert str(_analyze(analyzer, lang, body).promised_by) == promised_by


def test_a_window_after_a_deadline_the_mail_does_not_name_promises_no_day(
    analyzer: Analyzer,
) -> None:
    body = "We will contact successful candidates within 10 days of the closing date."
    assert _analyze(analyzer, "en", body).promised_by is None


# "Interviews in week 12, and we will answer everyone by …": the second clause promises.
COORDINATED = [
    (
        "en",
        "We plan to conduct interviews during the week of 16 March and will inform all "
        "applicants by Friday 20 March.",
        "2026-03-20",
    ),
    (
        "en",
        "Interviews are expected to take place in week 14 and we will notify all applicants "
        "by 27 March.",
        "2026-03-27",
    ),
    (
        "nb",
        "Vi planlegger å gjennomføre intervjuer i uke 12 og vil gi alle søkere svar innen "
        "fredag 27. mars.",
        "2026-03-27",
    ),
    (
        "sv",
        "Intervjuer planeras till vecka 13 och vi lämnar besked till alla senast 27 mars.",
        "2026-03-27",
    ),
    # "… og gir beskjed": the sender's verb with the subject left out, not "gi beskjed",
    # the reader's task
    ("nb", "Vi regner med å holde intervjuer i uke 13 og gir beskjed senest fredag.", "2026-03-06"),
    ("da", "Vi forventer at holde samtaler i uge 13 og giver besked senest fredag.", "2026-03-06"),
    (
        "sv",
        "Vi räknar med att hålla intervjuer vecka 13 och ger besked senast fredag.",
        "2026-03-06",
    ),
]


# The process said to be finished by a day, and the answer given "by week 14", in the
# passive: the sender's own time. What the reader must finish by a day stays none.
IN_THE_PASSIVE = [
    ("en", "The recruitment process is expected to be completed by mid-April.", "2026-04-20"),
    ("nb", "Rekrutteringsprosessen forventes å være avsluttet i midten av april.", "2026-04-20"),
    ("da", "Rekrutteringsprocessen forventes afsluttet medio april.", "2026-04-20"),
    ("sv", "Rekryteringsprocessen beräknas vara klar i mitten av april.", "2026-04-20"),
    ("nb", "Tilbakemelding gis senest i uke 14.", "2026-04-01"),
    ("da", "Tilbagemelding sker senest i uge 14.", "2026-04-01"),
    ("sv", "Återkoppling sker senast vecka 14.", "2026-04-02"),
    ("en", "An appointment is expected to be made by the end of April.", "2026-04-30"),
    ("sv", "Tillsättning beräknas ske i maj.", "2026-05-29"),
    ("en", "Your assessment must be completed by Friday.", "None"),
    ("sv", "Testet ska vara klart senast fredag.", "None"),
]


@pytest.mark.parametrize(("lang", "body", "promised_by"), COORDINATED + IN_THE_PASSIVE)
def test_the_senders_own_time_beside_interview_weeks_and_in_the_passive(
    analyzer: Analyzer, lang: str, body: str, promised_by: str
) -> None:
    assert str(_analyze(analyzer, lang, body).promised_by) == promised_by


def test_the_start_of_interview_scheduling_is_no_promise(analyzer: Analyzer) -> None:
    body = (
        "We expect to begin scheduling interviews starting from 23 March. If selected for an "
        "interview, we will reach out to you by Friday 20 March."
    )
    analysis = _analyze(analyzer, "en", body)
    assert str(analysis.promised_by) == "2026-03-20"
    assert analysis.promise_condition == "shortlisted"


def test_the_time_it_takes_to_receive_an_update_is_a_promise(analyzer: Analyzer) -> None:
    body = "Please be aware that it can take up to two weeks to receive an update from our team."
    assert str(_analyze(analyzer, "en", body).promised_by) == "2026-03-17"


def test_candidates_told_in_the_passive_is_a_promise(analyzer: Analyzer) -> None:
    body = "All applicants will be notified of the outcome by mid-March."
    assert str(_analyze(analyzer, "en", body).promised_by) == "2026-03-20"


@pytest.mark.parametrize(
    "body",
    [
        "Please review the attached contract and respond within 5 business days.",
        "To move forward, please send us:\n- your CV\n- your availability within the next few "
        "days for a video interview",
        "If you could give me some times during the week of 22 March, I will set up the call.",
        "You will meet Kari Lund, Head of Data (will be out of the office until the end of "
        "March, hence the dates).",
        "This offer will remain open until 25 March. To accept it, please sign both copies.",
        "We'd love to hear back from you by Wednesday 25 March if possible.",
        "Timeline: we'd appreciate receiving the contact details of your referees by Friday, "
        "20 March.",
        "If you're still interested in this position, reply to this email within two (2) "
        "business days with three blocks of time you are available.",
        "They will call me and I will meet you in the lobby on the 28th floor.",
        "Offer details\nPosition: Data Engineer\nStart Date: 1 April 2026\n"
        "Response By: 13 March 2026",
        "I would ask you to get back to me today or tomorrow about the next steps.",
        "Starting Monday 9 March you will have 5 days to complete the online assessment.",
    ],
)
def test_what_the_candidate_is_asked_to_do_is_no_promise(analyzer: Analyzer, body: str) -> None:
    assert _analyze(analyzer, "en", body).promised_by is None


@pytest.mark.parametrize(
    "body",
    [
        "Next steps: we will get back to you by Friday 13 March.",
        "Timeline: a decision by Friday 13 March.",
        "Decision by: Friday 13 March",
    ],
)
def test_a_label_before_the_senders_own_time_keeps_the_promise(
    analyzer: Analyzer, body: str
) -> None:
    assert str(_analyze(analyzer, "en", body).promised_by) == "2026-03-13"


# Phrasings of the sender's own time that read as something else: a plural subject, a
# noun put first, a window given as "a week or two", a sentence ending in "uke 11."
SENDERS_OWN_TIME = [
    ("en", "Decisions will be communicated to all candidates by 20 March.", "2026-03-20"),
    ("en", "Expect a response from us in the next week or two.", "2026-03-17"),
    ("en", "It may take up to 4 weeks before you hear from us.", "2026-03-31"),
    ("nb", "Vi gir beskjed om utfallet innen 20. mars.", "2026-03-20"),
    ("nb", "Svar på søknaden vil du få innen 20. mars.", "2026-03-20"),
    (
        "nb",
        "Intervjuene gjennomføres i uke 11. Vi gir svar innen utgangen av uke 12.",
        "2026-03-20",
    ),
    ("da", "Vi giver besked om resultatet senest den 20. marts.", "2026-03-20"),
    ("da", "Svar på din ansøgning får du inden den 20. marts.", "2026-03-20"),
    ("sv", "Vi ger besked om resultatet senast den 20 mars.", "2026-03-20"),
    ("nb", "Svar vil du få innen fredag.", "2026-03-06"),
    ("sv", "Du bör få besked inom tre veckor.", "2026-03-24"),
    ("en", "The hiring team will review applications and respond by 20 March.", "2026-03-20"),
    # the answer sent, in the passive
    ("sv", "Under april skickas svar ut till alla som har sökt via mejl.", "2026-04-30"),
    ("nb", "Svar sendes ut til alle søkere innen 20. mars.", "2026-03-20"),
    ("da", "Svar sendes til alle ansøgere senest den 20. marts.", "2026-03-20"),
    ("nb", "I løpet av mars sendes det ut svar til alle søkere.", "2026-03-31"),
    # … and in the active, the subject said once before
    (
        "sv",
        "Under april matchar vi dig med en arbetsplats och skickar ut erbjudande via mejl.",
        "2026-04-30",
    ),
    ("nb", "I april vurderer vi søknadene og sender ut svar.", "2026-04-30"),
    ("da", "I april vurderer vi ansøgningerne og sender svar ud.", "2026-04-30"),
    # what the reader will receive names the sender's time
    ("sv", "Under vecka 20 eller 21 får du ett erbjudande om en arbetsplats.", "2026-05-22"),
    ("nb", "I uke 12 får du en innkalling til intervju.", "2026-03-20"),
    # the news named with what it is about, and what those who go on will get
    (
        "en",
        "The outcome of your application will be communicated to you by 20 March.",
        "2026-03-20",
    ),
    ("en", "Details of the next steps will be shared with you by Friday.", "2026-03-06"),
    ("en", "Interview invitations will be sent out by 20 March.", "2026-03-20"),
    (
        "en",
        "Candidates who progress will receive an invitation to interview by 20 March.",
        "2026-03-20",
    ),
    ("da", "Resultatet af din ansøgning vil blive meddelt senest den 20. marts.", "2026-03-20"),
    ("da", "Invitationer til samtale sendes ud inden den 20. marts.", "2026-03-20"),
    ("sv", "Inbjudningar till intervju skickas ut senast den 20 mars.", "2026-03-20"),
    ("sv", "Beskedet ska skickas senast den 20 mars.", "2026-03-20"),
    # the verb before its subject, after a time
    ("da", "Inden den 20. marts giver vi dig besked.", "2026-03-20"),
    ("sv", "Senast den 20 mars meddelar vi dig.", "2026-03-20"),
    # how long the step before the answer takes
    ("en", "What happens next?\n- The review process typically takes 1-2 weeks", "2026-03-17"),
    # ... in a list of what comes next
    ("en", "Next steps\nInitial review: up to 5 business days\nPhone screen", "2026-03-10"),
    (
        "en",
        "We have initiated your background verification. This typically takes up to 7 "
        "business days.",
        "2026-03-12",
    ),
    # the aim is the sender's
    ("en", "Our goal is to have an answer for you by Friday.", "2026-03-06"),
    (
        "da",
        "Vi satser på at kunne have ansættelsesprocessen færdig inden udgangen af marts.",
        "2026-03-31",
    ),
    # the last week of a month is no week gone by (the last full week: Mon 23 – Fri 27)
    ("en", "We will contact you by the last week of March.", "2026-03-27"),
    ("da", "Du hører fra os i sidste uge af marts.", "2026-03-27"),
    ("sv", "Du hör av oss senaste veckan i mars.", "2026-03-27"),
]


@pytest.mark.parametrize(("lang", "body", "promised_by"), SENDERS_OWN_TIME)
def test_the_senders_own_time_in_other_word_orders(
    analyzer: Analyzer, lang: str, body: str, promised_by: str
) -> None:
    assert str(_analyze(analyzer, lang, body).promised_by) == promised_by


@pytest.mark.parametrize(
    ("lang", "body"),
    [
        ("nb", "Gi beskjed innen fredag om tidspunktet passer."),
        ("nb", "Kan du gi oss beskjed innen fredag?"),
        ("nb", "Svar på denne e-posten innen fredag."),
        ("da", "Giv besked senest fredag, om tidspunktet passer."),
        ("sv", "Ge besked senast fredag om tiden passar."),
        ("en", "You will receive the contract two weeks before you start."),
        # the referees are the ones to hear
        (
            "en",
            "Please give your referees a heads-up that we will be in touch within the next "
            "few days.",
        ),
        # the days the reader is free are the reader's to give
        (
            "en",
            "Please give me some dates and times that would be convenient to, sometime within "
            "the next 2-3 weeks and I will coordinate an interview schedule.",
        ),
        (
            "en",
            "Could you please share your availability for 3/24, 3/25, 3/31, and 4/1 so we can "
            "arrange a convenient time?",
        ),
        # the answer the offer waits for is the reader's
        ("en", "Please note this offer requires a response within 2–3 working days."),
        # the referees are the ones to be called
        (
            "en",
            "We will contact your references within the next few days and will keep you "
            "informed of the progress.",
        ),
        # an appeal is the reader's to make
        ("en", "If you believe there has been an error, you may submit an appeal within 14 days."),
        ("nb", "Klagen må sendes innen tre uker etter at du fikk svaret."),
        ("da", "Du kan klage inden for fire uger."),
        ("sv", "Skrivelsen ska ha kommit in inom tre veckor från den dag beslutet anslogs."),
        # the referees are the ones to be called
        ("nb", "Vi kommer til å ringe referansene dine i løpet av denne uken."),
        ("da", "Vi ringer til dine referencer i løbet af denne uge."),
        ("sv", "Vi kommer att ringa dina referenser under veckan."),
        # the work the reader hands in
        (
            "en",
            "Attached is the case study. We would need your completed solution no later "
            "than Monday 9 March.",
        ),
        ("en", "Please complete the attached assignment. We ask for your submission by Monday."),
        ("nb", "Oppgaven finner du vedlagt, og vi ber om besvarelse innen mandag kl. 12."),
        ("da", "Opgaven er vedhæftet, og vi beder om din besvarelse senest mandag kl. 12."),
        ("sv", "Uppgiften finns bifogad, och vi ber om din lösning senast måndag kl. 12."),
        ("nb", "Minner om at en zippet fil med koden må sendes til oss innen fredag kl. 12."),
        ("da", "Husk at besvarelsen skal sendes til os senest fredag kl. 12."),
        ("sv", "Kom ihåg att lösningen ska skickas till oss senast fredag kl. 12."),
        ("sv", "Uppgiften ska lämnas in senast fredag kl. 12."),
        (
            "en",
            "The next step is an automated video interview that you can complete at a time "
            "that suits you within five days.",
        ),
    ],
)
def test_the_candidates_own_time_stays_no_promise(analyzer: Analyzer, lang: str, body: str) -> None:
    assert _analyze(analyzer, lang, body).promised_by is None


@pytest.mark.parametrize(
    "body",
    [
        "Successful candidates will be notified within three weeks.",
        # the interview those chosen go to is no interview time
        "Candidates invited to attend an interview will be notified within three weeks.",
        "Candidates invited to interview will be notified within three weeks.",
    ],
)
def test_only_successful_candidates_told_is_a_condition(analyzer: Analyzer, body: str) -> None:
    analysis = _analyze(analyzer, "en", body)
    assert str(analysis.promised_by) == "2026-03-24"
    assert analysis.promise_condition == "shortlisted"


# "If you go on" makes the promise one to those who go on; "om" may also be "whether",
# a promise to all ("Vi gir deg beskjed innen 20. mars om du går videre").
IF_YOU_GO_ON = [
    ("en", "If you progress to the next stage, we will contact you by 20 March.", "shortlisted"),
    ("nb", "Du vil bli kontaktet innen 20. mars dersom du går videre.", "shortlisted"),
    ("nb", "Om du går videre i prosessen, kontakter vi deg innen 20. mars.", "shortlisted"),
    ("nb", "Vi gir deg beskjed innen 20. mars om du går videre.", None),
    ("da", "Hvis du går videre i processen, kontakter vi dig inden den 20. marts.", "shortlisted"),
    ("da", "Vi giver dig besked inden den 20. marts, hvis du går videre eller ej.", None),
    ("sv", "Om du går vidare i processen kontaktar vi dig senast den 20 mars.", "shortlisted"),
    ("sv", "Vi kontaktar dig senast den 20 mars, om du går vidare.", "shortlisted"),
    ("sv", "Vi meddelar dig senast den 20 mars om du går vidare.", None),
]


@pytest.mark.parametrize(("lang", "body", "condition"), IF_YOU_GO_ON)
def test_if_you_go_on_is_a_condition_and_whether_is_none(
    analyzer: Analyzer, lang: str, body: str, condition: str | None
) -> None:
    analysis = _analyze(analyzer, lang, body)
    assert str(analysis.promised_by) == "2026-03-20"
    assert analysis.promise_condition == condition


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Intervjuene er i uke 42. Vi gir svar.", ["Intervjuene er i uke 42.", "Vi gir svar."]),
        (
            "Møtet er fredag 11. Desember kl. 16. Vi sees.",
            ["Møtet er fredag 11. Desember kl. 16.", "Vi sees."],
        ),
    ],
)
def test_a_day_number_ends_a_sentence_unless_a_month_of_the_language_follows(
    analyzer: Analyzer, text: str, sentences: list[str]
) -> None:
    assert analyzer._finder("nb").sentences(text) == sentences


@pytest.mark.parametrize(
    ("lang", "body", "promised_by"),
    [
        # "The coming weeks" names no day: a follow-up after it would be a guess ...
        ("en", "You will be hearing from us in the coming weeks.", None),
        ("nb", "Du hører fra oss i løpet av de kommende ukene.", None),
        ("sv", "Du hör av oss under de kommande veckorna.", None),
        # ... "a few weeks" and "the coming days" name a few of them.
        ("en", "You will be hearing from us in the next few weeks.", "2026-03-24"),
        ("en", "You will be hearing from us in the coming days.", "2026-03-06"),
    ],
)
def test_the_coming_weeks_promise_no_day(
    analyzer: Analyzer, lang: str, body: str, promised_by: str | None
) -> None:
    found = _analyze(analyzer, lang, body).promised_by
    assert (found.isoformat() if found else None) == promised_by


# Business days count in the sender's country where its domain names one, else in the
# user's: Canada Day (Wed 1 July 2026) is no business day for a Canadian employer.
@pytest.mark.parametrize(
    ("domain", "promised_by"),
    [("maple-analytics.ca", "2026-07-07"), ("maple-analytics.com", "2026-07-06")],
)
def test_business_days_of_the_senders_country(
    analyzer: Analyzer, domain: str, promised_by: str
) -> None:
    raw = (
        f"From: Maple Analytics <talent@{domain}>\r\nTo: ola@example.org\r\n"
        "Subject: Your application\r\nDate: Mon, 29 Jun 2026 10:00:00 -0400\r\n"
        "Message-ID: <ca1@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Dear Ola,\r\n\r\nThank you for applying for the Data Analyst position. We will get "
        "back to you within 5 business days.\r\n\r\nKind regards\r\nMaple Analytics\r\n"
    )
    assert str(analyzer.analyze(parse_message(raw.encode())).promised_by) == promised_by


def test_the_length_of_the_whole_process_is_no_promise(analyzer: Analyzer) -> None:
    body = "While nothing is set in stone, the interview process will take 2-3 weeks."
    assert _analyze(analyzer, "en", body).promised_by is None


def test_the_group_to_be_told_later_is_no_rejection() -> None:
    # The cue rules' reading: the kind model alone would hide a cue that refuses.
    body = "We will notify unsuccessful applicants by 20 March."
    analysis = _analyze(rules_only_analyzer(), "en", body)
    assert analysis.kind == "application_received"
    assert str(analysis.promised_by) == "2026-03-20"


def test_a_response_time_the_sender_names_is_a_promise(analyzer: Analyzer) -> None:
    body = "Our typical response time is 3 business days."
    assert str(_analyze(analyzer, "en", body).promised_by) == "2026-03-06"
