"""A receipt is a receipt, whatever it says of the review ahead and the reply to come;
a status update is a message that says the process has moved on or stalled since."""

from __future__ import annotations

import pytest
from short_mail import rules_only_analyzer, rules_only_kind, short_mail

from agent.analysis import Analyzer
from agent.message import parse_message


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return rules_only_analyzer()


def mail(subject: str, body: str) -> bytes:
    return short_mail(subject, body)


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Your application: Payroll Assistant",
            "Thank you for applying for the Payroll Assistant position. We are currently "
            "reviewing all applications and will get back to you within two weeks.",
        ),
        (
            "Application for Warehouse Lead",
            "We have received your application. Our team will review it carefully, and you "
            "will hear from us as soon as we have made a decision.",
        ),
        (
            "Søknad på stilling som lærer",
            "Takk for søknaden din! Vi går nå gjennom søknadene og gir deg svar innen to uker.",
        ),
        (
            "Ansøgning modtaget",
            "Tak for din ansøgning. Vi gennemgår ansøgningerne løbende og vender tilbage "
            "inden for to uger.",
        ),
        (
            "Din ansökan",
            "Tack för din ansökan! Vi går igenom ansökningarna och återkommer inom två veckor.",
        ),
    ],
)
def test_a_receipt_that_promises_a_reply_is_a_receipt(
    analyzer: Analyzer, subject: str, body: str
) -> None:
    result = analyzer.analyze(parse_message(mail(subject, body)))
    assert result.kind == "application_received"
    assert result.promised_by is not None or "decision" in body


# Hiring mail in the plain words a recruiter uses, and mail that speaks of an application
# for something other than a job.
HIRING_IN_PLAIN_WORDS = [
    (
        "Registration confirmation",
        "Thank you for your interest in Korvo Partners.\n\nYour details have been "
        "registered and passed to our talent acquisition team for review.",
        "application_received",
    ),
    (
        "Acknowledgement - J0925-0822",
        "Dear Thomas, thank you for your interest in a career with Acme. We are pleased to "
        "confirm the receipt of your resume in response to the job opportunity J0925-0822.",
        "application_received",
    ),
    (
        "Delta Support",
        "Hi Liam,\n\nGreat news: you've been shortlisted for a position at Delta Support! We "
        "were impressed by your background and will send you the next steps by email.",
        "status_update",
    ),
    # each kind in the plain words a recruiter uses, without its usual keyword
    ("bad news", "Hi Alex, the client went with an internal candidate. Sorry!", "rejection"),
    (
        "Data Scientist position",
        "Hi Alex, the role has been put on hold indefinitely, and we're closing all open "
        "applications.",
        "rejection",
    ),
    (
        "Your application",
        "Dear Alex, we won't be progressing your application at this time.",
        "rejection",
    ),
    (
        "Operations Manager",
        "Dear Alex, we would like to appoint you to the position of Operations Manager at a "
        "salary of £62,000.",
        "offer",
    ),
    (
        "Civil Engineer II",
        "Dear Alex, we are pleased to extend to you a conditional appointment, contingent upon "
        "a background check.",
        "offer",
    ),
    (
        "we're in!",
        "Alex! We want to bring you on as our first Growth Marketer. Let's talk comp.",
        "offer",
    ),
    (
        "client's keen!",
        "Hi Alex, they just need two references before they sign off.",
        "reference_request",
    ),
    (
        "one more thing",
        "Could you share contact details for a couple of people who've managed you?",
        "reference_request",
    ),
    (
        "we got it!",
        "Hi Alex, just to confirm your application made it to us safely. We'll be in touch.",
        "application_received",
    ),
    # The application period over, the applications to be read: news of the process.
    (
        "Ansökningstiden har gått ut",
        "Hej Noah,\n\nAnsökningstiden för årets feriejobb har gått ut. Nu ska alla "
        "ansökningar gås igenom.\n\nFeriejobbssamordnarna",
        "status_update",
    ),
    (
        "Søknadsfristen er ute",
        "Hei Noah,\n\nSøknadsfristen for sommerjobbene har gått ut. Alle søknadene skal nå "
        "gjennomgås.\n\nHR",
        "status_update",
    ),
    (
        "Ansøgningsfristen er udløbet",
        "Hej Noah,\n\nAnsøgningsfristen for sommerjob er nu udløbet. Alle ansøgninger skal "
        "nu gennemgås.\n\nHR",
        "status_update",
    ),
    # A receipt acknowledged in other words is a receipt, though the review goes on.
    (
        "Your application: Assistant Professor of Forestry",
        "Dear Dr. Okafor:\n\nThis letter is to acknowledge receipt of your application "
        "materials for the position of Assistant Professor of Forestry. We will keep you "
        "informed of our progress as we go through the review.\n\nSearch Committee",
        "application_received",
    ),
    (
        "Application complete",
        "Hello Maria,\n\nThank you for your interest in Westside Pharmacy. We have received "
        "both parts of your application, making the process complete. We are reviewing "
        "applications now.\n\nHuman Resources",
        "application_received",
    ),
]
NOT_ABOUT_A_JOB = [
    (
        "Speaker Application Received",
        "Hi Ishaan,\n\nThank you for applying to speak at Young Leaders Summit! We have "
        "received your application and will be in touch within two weeks.",
        "not_job",
    ),
    (
        "Invitation to review",
        "Hi Sam, on behalf of the SciPy 2026 committee, we would like to invite you to review "
        "proceedings papers. Please reply by Friday.",
        "not_job",
    ),
    (
        "Your financial assistance application",
        "Hi Sam, thank you for your financial assistance application for PyNorth 2026. We "
        "will let all applicants know our decision by 1 May.",
        "not_job",
    ),
    (
        "Seller application status",
        "Hi Sam, thank you for applying to sell on Harbourmart. Your seller application is "
        "under review, and we will get back to you within 5 business days.",
        "not_job",
    ),
    (
        "Interview request",
        "Hi Sam, I'm a reporter with the Harbour Gazette, and I'd love to talk to you for a "
        "story I'm writing about open data. Could we set up a short call this week?",
        "not_job",
    ),
    (
        "Riverside Film Festival - notification",
        "Dear Filmmaker,\n\nWe received a record number of entries this year. We are sorry to "
        "say that your film has not been selected for screening.\n\nRiverside Film Festival",
        "not_job",
    ),
    (
        "Søknad mottatt",
        "Hei Sam, takk for søknaden til ambassadørprogrammet vårt! Vi har mottatt søknaden "
        "din og gir deg svar innen to uker.",
        "not_job",
    ),
    (
        "Vi har modtaget din ansøgning",
        "Hej Sam, tak for din partneransøgning. Vi har modtaget din ansøgning og vender "
        "tilbage inden for 5 hverdage.",
        "not_job",
    ),
    (
        "Tack för din ansökan",
        "Hej Sam, tack för din ansökan till vårt återförsäljarprogram. Vi har tagit emot din "
        "ansökan och återkommer inom två veckor.",
        "not_job",
    ),
    (
        "Regarding your adoption application",
        "Hi Sam,\n\nThank you for your application to adopt Biscuit. We have received your "
        "adoption application and will be in touch within a week about a home visit.",
        "not_job",
    ),
    (
        "Permit application received",
        "Dear Sam, thank you for applying for a parking permit. Your permit application has "
        "been received and will be reviewed within 10 working days.",
        "not_job",
    ),
    (
        "Your Brightloop Affiliate Application",
        "Hi Sam,\n\nThank you for your interest in joining our affiliate program. After "
        "reviewing your application, we've decided not to move forward at this time.",
        "not_job",
    ),
    (
        "Søknaden din er mottatt",
        "Takk for din søknad om boliglån. Vi har mottatt søknaden og gir deg svar innen fem virkedager.",
        "not_job",
    ),
    (
        "Financial aid decision",
        "Thank you for applying for the conference financial aid programme. Unfortunately "
        "we regret to inform you that you have not been selected this year.",
        "not_job",
    ),
    (
        "Your talk proposal",
        "Thank you for your submission. Unfortunately your talk was not selected for the "
        "programme; we had many strong proposals.",
        "not_job",
    ),
    (  # the same words, about a job: the object does not decide it
        "Søknaden din er mottatt",
        "Takk for din søknad på stillingen som rådgiver for boliglån. Vi har mottatt "
        "søknaden og gir deg svar innen fem virkedager.",
        "application_received",
    ),
    (
        "Your application",
        "Thank you for applying for the Loan Officer position. Unfortunately we regret to "
        "inform you that you have not been selected for an interview.",
        "rejection",
    ),
    (
        "Your application to the School of Medicine",
        "Thank you for your application to the School of Medicine. We have received it and "
        "will notify you of our decision by 1 March.",
        "not_job",
    ),
    (  # a job at a school of medicine is a job
        "Your application to the School of Medicine",
        "Thank you for your application to the School of Medicine for the position of lab "
        "technician. We have received it and will notify you of our decision by 1 March.",
        "application_received",
    ),
    (  # leaving a job: an employee's interview, not a candidate's
        "Exit Interview Scheduled",
        "Dear Rebecca, your exit interview is scheduled for 12 December at 10:00. We "
        "would like to invite you to share your experience.",
        "not_job",
    ),
    (
        "Tell us about your application experience",
        "Thank you for applying. Please take two minutes to tell us about your application "
        "experience; your answers help us improve our process.",
        "not_job",
    ),
    # The subject names what the application is for; words of employment in the text
    # (a resume, a position) do not make it a job's.
    (
        "Update on your Volunteer Application - Harbour Foundation",
        "Hello Sam, thank you for applying to volunteer with us. We have reviewed your resume "
        "and availability. Status: Declined.",
        "not_job",
    ),
    (
        "Your REU application",
        "Dear Sam, we are impressed with your application to join our REU team this summer. "
        "You are on our short list; we will decide on the position by 1 April.",
        "not_job",
    ),
    (
        "Your application for Financial Aid Counselor",
        "Dear Sam, thank you for applying for the position. Unfortunately we have decided to "
        "move forward with other candidates.",
        "rejection",
    ),
    # A customer's case: a complaint, an insurance claim, a support ticket.
    (
        "Update on your complaint — NQ-2026-0001",
        "Dear Ms Okonkwo, we are writing to update you on your complaint about the "
        "affordability assessment at the time of your application. We expect to give you our "
        "full response by 29 March.",
        "not_job",
    ),
    (
        "Support Request Received",
        "Hi Sam, thank you for your application form. Your support ticket has been logged and "
        "our team will get back to you within 2 business days.",
        "not_job",
    ),
    (
        "Innkalling til sluttsamtale",
        "Hei Kari, vi vil gjerne invitere deg til en sluttsamtale før din siste arbeidsdag "
        "fredag 13. mars klokken 10.",
        "not_job",
    ),
]


@pytest.mark.parametrize(("subject", "body", "kind"), HIRING_IN_PLAIN_WORDS + NOT_ABOUT_A_JOB)
def test_the_kind_of_a_short_mail(analyzer: Analyzer, subject: str, body: str, kind: str) -> None:
    assert analyzer.analyze(parse_message(mail(subject, body))).kind == kind


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "An update on your application",
            "Thank you again for your application. We are still reviewing candidates and the "
            "process is taking longer than we expected; we will be in touch by the end of the month.",
        ),
        (
            "Status for søknaden din",
            "Takk for søknaden din. Prosessen er dessverre forsinket, og vi er ikke ferdige "
            "ennå. Du hører fra oss innen utgangen av måneden.",
        ),
        (
            "Application Update",
            "Thank you for applying for the Marketing Executive position. We're pleased to "
            "inform you that you have been shortlisted for the next stage of the selection "
            "process.",
        ),
    ],
)
def test_a_receipt_with_news_of_the_process_is_a_status_update(
    analyzer: Analyzer, subject: str, body: str
) -> None:
    result = analyzer.analyze(parse_message(mail(subject, body)))
    assert result.kind == "status_update"


def test_an_employer_moving_forward_with_the_application_is_news_not_a_receipt() -> None:
    body = (
        "Hi Alex,\n\nThe team would like to move forward with your application. A member of our "
        "HR team will be reaching out to you shortly.\n\nBest,\nSam"
    )
    subject = "Great news regarding your application"
    assert rules_only_kind(subject, body, sender="Sam <sam@corvid.example>") == "status_update"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (
            "Hi Alex – Wonderful, I have now sent you the online preliminary assessment; you "
            "should see it come through in the next couple of hours.",
            "assessment_request",
        ),
        # the test behind the candidate is news of the process, not a request
        (
            "Thanks for completing the Quantcast Software Engineer Code Challenge on HackerRank. "
            "We've sent your submission to Quantcast.",
            "status_update",
        ),
        (
            "Please complete the HackerRank coding assessment within 5 days.",
            "assessment_request",
        ),
        (
            "Thank you for your interest in our position. I'd like to chat with you for 30 "
            "minutes: please give me some time slots this week.",
            "interview_invitation",
        ),
        ("After review, your application for this position has been declined.", "rejection"),
        # an interview recorded alone, when the candidate likes, is a test; a live one is not
        (
            "It's time to complete your video interview: record your answers whenever it suits "
            "you. The link is valid for 5 days.",
            "assessment_request",
        ),
        (
            "We would like to invite you to a video interview on Tuesday at 10:00 via Zoom.",
            "interview_invitation",
        ),
        # a test by another name: a screening test, an AI screening the reader books alone
        (
            "As the next step, we would like to invite you to participate in an AI-driven "
            "screening. Please use the link to schedule it at your convenience.",
            "assessment_request",
        ),
        (
            "Attached you will find the screening test, which will serve as your initial "
            "interview. We look forward to reviewing your submission.",
            "assessment_request",
        ),
        ("The specs for the job changed and it is unfortunately no longer a fit.", "rejection"),
        ("While it's not a fit for this particular role, we think you're fantastic.", "rejection"),
        # a background check on the reader is a step of their process
        (
            "As part of our pre-employment process we require your consent to proceed with "
            "background verification checks. Please review the form linked below.",
            "status_update",
        ),
        (
            "We have initiated your background verification. It typically takes a week.",
            "status_update",
        ),
    ],
)
def test_a_recruiters_next_step_in_plain_words(body: str, kind: str) -> None:
    sender = "Jessica Tran <jtran@example.com>"
    assert (
        rules_only_kind("Re: Your application", f"{body}\n\nBest,\nJessica", sender=sender) == kind
    )


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        # an offer said not to be made is a refusal
        (
            "Etter en samlet vurdering har vi kommet frem til at vi ikke kan tilby deg stillingen.",
            "rejection",
        ),
        # ... but what else an offer cannot give leaves it an offer
        (
            "Vi har gleden av å tilby deg stillingen som controller. Vi kan ikke tilby deg "
            "parkeringsplass.",
            "offer",
        ),
        # a phone call spoken of is no invitation to one
        (
            "Som nevnt i telefonsamtale i går er søknaden din nå sendt videre til lederen.",
            "status_update",
        ),
        ("Vedlagt finner du arbeidskontrakten. Vennligst signer og returner den.", "offer"),
        ("Kan du sende oss kontaktinformasjon til to referanser?", "reference_request"),
        (
            "Som en del av prosessen vil vi gjerne at du gjennomfører en kartleggingstest.",
            "assessment_request",
        ),
        ("Vi ønsker å ta deg med videre til et andre intervju.", "interview_invitation"),
        # a task named as a task to solve and show
        (
            "Som nevnt ønsker vi at du skal presentere din løsning i intervjuet neste uke.",
            "assessment_request",
        ),
        (
            "Det er ikke meningen at du skal bruke mer enn 2-3 timer på oppgaven.",
            "assessment_request",
        ),
        ("Her kommer intervjuoppgaven du skal løse før vi møtes.", "assessment_request"),
        # a background check on the reader, a shortlist, a phone call to arrange
        (
            "Som en del av ansettelsesprosessen gjennomfører vi en standard bakgrunnssjekk. "
            "Vennligst fyll ut samtykkeskjemaet.",
            "status_update",
        ),
        ("Gratulerer! Du er nå kortlistet for videre vurdering.", "status_update"),
        (
            "Den tekniske kodetesten din er nå aktiv. Fullfør den innen fem dager.",
            "assessment_request",
        ),
        # an interview booked, or asked to join
        (
            "Intervjuet ditt for stillingen som anleggsleder er nå booket. Dato: 20.11.2025 "
            "Tid: 08.00 Sted: Storgata 9, Bodø.",
            "interview_invitation",
        ),
        (
            "Takk for at du søkte! Har du mulighet til å bli med på et intervju torsdag kl. 13?",
            "interview_invitation",
        ),
        (
            "Vi har gått gjennom søknaden din og vil gjerne avtale en telefonsamtale på 20 "
            "minutter for å snakke mer om stillingen.",
            "interview_invitation",
        ),
        ("Har du mulighet til en kort telefonprat i morgen?", "interview_invitation"),
        ("Søknaden din er nå sendt videre til avdelingslederen for vurdering.", "status_update"),
        (
            "Vi ønsker å informere om at søknadsfristen er forlenget, og at vi derfor trenger "
            "litt mer tid.",
            "status_update",
        ),
        # a delay said with regret is no refusal
        (
            "Prosessen har dessverre tatt lengre tid enn planlagt, men du er fortsatt med i "
            "vurderingen.",
            "status_update",
        ),
        (
            "Vi har nå gjennomført første intervjurunde, og du er blant kandidatene vi ønsker "
            "å gå videre med.",
            "status_update",
        ),
    ],
)
def test_a_norwegian_employers_words_in_their_inflected_forms(body: str, kind: str) -> None:
    sender = "Kari Berg <kari.berg@fjordtech.example>"
    assert (
        rules_only_kind("Søknad", f"Hei Sam,\n\n{body}\n\nMed vennlig hilsen\nKari", sender=sender)
        == kind
    )


@pytest.mark.parametrize(
    ("lang", "body", "kind"),
    [
        ("da", "Efter en samlet vurdering kan vi ikke tilbyde dig stillingen.", "rejection"),
        ("sv", "Vi har kommit fram till att vi inte kan erbjuda dig tjänsten.", "rejection"),
        ("da", "Kan du sende os kontaktoplysninger på to referencer?", "reference_request"),
        ("sv", "Kan du skicka oss kontaktuppgifter till två referenser?", "reference_request"),
        ("da", "Har du mulighed for en kort telefonsamtale i morgen?", "interview_invitation"),
        ("sv", "Har du möjlighet till ett kort telefonsamtal i morgon?", "interview_invitation"),
        ("da", "Din ansøgning er nu sendt videre til afdelingslederen.", "status_update"),
        ("sv", "Din ansökan har nu skickats vidare till avdelningschefen.", "status_update"),
        ("da", "Vi vil gerne oplyse, at ansøgningsfristen er forlænget.", "status_update"),
        ("sv", "Vi vill informera om att ansökningstiden har förlängts.", "status_update"),
        (
            "da",
            "Stillingen er desværre trukket tilbage, og processen er afsluttet.",
            "rejection",
        ),
        ("sv", "Tjänsten har tyvärr dragits tillbaka och processen är avslutad.", "rejection"),
        (
            "da",
            "Som en del af ansættelsesprocessen gennemfører vi et standard baggrundstjek. "
            "Udfyld venligst samtykkeerklæringen.",
            "status_update",
        ),
        (
            "sv",
            "Som ett led i anställningsprocessen genomför vi en bakgrundskontroll. Vänligen "
            "fyll i samtyckesformuläret.",
            "status_update",
        ),
        (
            "da",
            "Som næste trin i vurderingsprocessen inviterer vi dig til en adfærdstest. Linket "
            "udløber om fem dage.",
            "assessment_request",
        ),
        (
            "sv",
            "Bifogat hittar du ett urvalstest och en tjänstebeskrivning inför nästa steg.",
            "assessment_request",
        ),
        ("sv", "Jag behöver boka in dig på en telefonintervju med Petra.", "interview_invitation"),
        (
            "da",
            "På baggrund af vores snak vil vi gerne invitere dig til en teknisk samtale som "
            "næste skridt.",
            "interview_invitation",
        ),
    ],
)
def test_a_danish_or_swedish_employers_plain_words(lang: str, body: str, kind: str) -> None:
    greeting, closing = ("Hej", "Med venlig hilsen") if lang == "da" else ("Hej", "Hälsningar")
    subject = "Ansøgning" if lang == "da" else "Ansökan"
    text = f"{greeting} Sam,\n\n{body}\n\n{closing}\nKari"
    assert rules_only_kind(subject, text, sender="Kari Berg <kari@fjordtech.example>") == kind


@pytest.mark.parametrize(
    ("subject", "body", "kind"),
    [
        (
            "Your application",
            "Thank you for your application. We would like to invite you to an interview next "
            "week.",
            "interview_invitation",
        ),
        (
            "Your application",
            "Thank you for your application. We would like to invite you to an interview if "
            "your profile matches the role.",
            "application_received",
        ),
        (
            "Din søknad",
            "Takk for søknaden din. Vi vil gjerne invitere deg til et intervju neste uke.",
            "interview_invitation",
        ),
        (
            "Din ansøgning",
            "Tak for din ansøgning. Vi vil meget gerne invitere dig til en kort samtale.",
            "interview_invitation",
        ),
        (
            "Din ansökan",
            "Tack för din ansökan. Vi vill gärna bjuda in dig till en intervju nästa vecka.",
            "interview_invitation",
        ),
    ],
)
def test_an_invitation_beside_the_thanks_for_an_application_is_what_the_mail_is_for(
    subject: str, body: str, kind: str
) -> None:
    assert rules_only_kind(subject, body, sender="Kari Lund <kari@nordlager.example>") == kind


@pytest.mark.parametrize(
    ("subject", "body", "kind"),
    [
        (
            "Your application",
            "Thank you for applying. Please complete the coding assessment within 5 days.",
            "assessment_request",
        ),
        (
            "Your application",
            "Your application has been received. As the next step, we invite you to complete a "
            "brief behavioral assessment.",
            "assessment_request",
        ),
        (
            "Din søknad",
            "Takk for søknaden din. Vi ber deg om å gjennomføre en kort personlighetstest.",
            "assessment_request",
        ),
        (
            "Din ansøgning",
            "Tak for din ansøgning. Vi beder dig om at udfylde et kort spørgeskema.",
            "assessment_request",
        ),
        (
            "Din ansökan",
            "Tack för din ansökan. Vi ber dig att genomföra ett kort test.",
            "assessment_request",
        ),
    ],
)
def test_a_test_asked_for_beside_the_thanks_for_an_application_is_what_the_mail_is_for(
    subject: str, body: str, kind: str
) -> None:
    assert rules_only_kind(subject, body, sender="Kari Lund <kari@nordlager.example>") == kind


def test_a_background_check_with_a_word_between_is_a_step_of_the_process() -> None:
    body = (
        "Hi Sam,\n\nAs part of our pre-employment process at Corvel, we conduct a standard "
        "background verification. Please complete the consent form linked below.\n\nBest,\nPriya"
    )
    sender = "Priya Nair <priya.nair@corvel.example>"
    assert rules_only_kind("Consent form", body, sender=sender) == "status_update"


@pytest.mark.parametrize(
    ("lang", "text", "receipt"),
    [
        ("da", "Vi har modtaget din uopfordrede ansøgning.", True),
        ("nb", "Takk for din åpne søknad.", True),
        ("nb", "Takk for søknaden.", True),
        ("nb", "Takk for søknaden om barnehageplass.", False),
        ("sv", "Tack för din öppna ansökan.", True),
        ("sv", "Tack för din ansökan om sommarjobb.", True),
        ("da", "Tak for din ansøgning om sommerjob hos os.", True),
        # an application for something else stays out
        ("sv", "Tack för din ansökan om bostad.", False),
        ("da", "Vi har modtaget din ansøgning om boliglån.", False),
    ],
)
def test_a_receipt_in_words_with_an_adjective_or_a_job_named(
    analyzer: Analyzer, lang: str, text: str, receipt: bool
) -> None:
    """A receipt's strong words take an adjective ("din uopfordrede ansøgning") and an
    application for a job named ("ansökan om sommarjobb"), not one for a loan or a home."""
    cues = analyzer.classifiers[lang].cues["application_received"].strong
    assert cues.found(text) is receipt


# A job board's receipt of an application it passed on to an employer is the receipt of
# that application; the board's own suggestions stay its own.
@pytest.mark.parametrize(
    ("sender", "subject", "body", "kind"),
    [
        (
            "FINN.no <noreply@finn.no>",
            "Takk for søknaden din",
            "Hei Marius,\n\nDin søknad på stillingen Lagermedarbeider er nå sendt til Asko "
            "Oslofjord AS.",
            "application_received",
        ),
        (
            "Jobindex <noreply@jobindex.dk>",
            "Tak for din ansøgning",
            "Hej Mads,\n\nDin ansøgning til stillingen som lagermedarbejder er sendt til "
            "Nordlager A/S.",
            "application_received",
        ),
        (
            "Indeed <indeedapply@indeed.com>",
            "Thank you for your application",
            "Hi Sam,\n\nYour application for Warehouse Associate has been sent to Northwind.",
            "application_received",
        ),
        (
            "FINN.no <noreply@finn.no>",
            "Stillinger som kan passe for deg",
            "Hei Marius,\n\nVi har funnet 12 nye stillinger som lagermedarbeider i Oslo.",
            "not_job",
        ),
    ],
)
def test_a_job_boards_receipt_of_an_application_it_passed_on(
    sender: str, subject: str, body: str, kind: str
) -> None:
    assert rules_only_kind(subject, body, sender=sender) == kind
