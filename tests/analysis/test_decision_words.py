"""Words of a decision that decide nothing about the application, and decisions in few
words: regret of something else (parking beside an offer, an interview moved), an offer
refused or taken back, an interview offered."""

from __future__ import annotations

import pytest
from short_mail import rules_only_analyzer
from test_implicit_rejections import mail

from agent.analysis import Analyzer
from agent.message import parse_message


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return rules_only_analyzer()


# An offer may regret something else; a refusal may name the offer it does not make.
@pytest.mark.parametrize(
    ("subject", "body", "kind"),
    [
        (
            "Job offer",
            "Hi Sam, we are delighted to offer you the position of warehouse operative. "
            "Unfortunately we cannot offer parking on site. Please reply by Friday.",
            "offer",
        ),
        (
            "Tilbud om stilling",
            "Hei Sam, vi er glade for å kunne tilby deg stillingen som lagermedarbeider. "
            "Dessverre har vi ikke parkeringsplass til alle ansatte.",
            "offer",
        ),
        (
            "Jobtilbud",
            "Hej Sam, vi er glade for at kunne tilbyde dig stillingen som lagermedarbejder. "
            "Desværre kan vi ikke tilbyde parkering.",
            "offer",
        ),
        (
            "Jobberbjudande",
            "Hej Sam, vi är glada att kunna erbjuda dig tjänsten som lagerarbetare. "
            "Tyvärr kan vi inte erbjuda parkering.",
            "offer",
        ),
        (
            "Your application",
            "Dear Sam, unfortunately we are not in a position to offer you the role.",
            "rejection",
        ),
        (
            "Your application",
            "Dear Sam, unfortunately, the position has been offered to another candidate.",
            "rejection",
        ),
        (
            "Re: Interview",
            "Thanks for taking the time to interview. I'm sorry, but we won't be able to offer "
            "you the position.",
            "rejection",
        ),
        (
            "Your application",
            "Dear Sam, while your experience is impressive, we believe you are not the "
            "appropriate candidate for this position.",
            "rejection",
        ),
        ("Din søknad", "Hei Sam, dessverre kan vi ikke tilby deg stillingen.", "rejection"),
        ("Din ansøgning", "Hej Sam, desværre kan vi ikke tilbyde dig stillingen.", "rejection"),
        ("Din ansökan", "Hej Sam, tyvärr kan vi inte erbjuda dig tjänsten.", "rejection"),
        # Regret alone, with nothing offered, is still a refusal.
        (
            "Din søknad",
            "Hei Sam, takk for søknaden. Dessverre nådde du ikke helt opp.",
            "rejection",
        ),
        (
            "Your application",
            "Dear Sam, unfortunately we have decided not to proceed.",
            "rejection",
        ),
    ],
)
def test_regret_beside_an_offer_made_regrets_something_else(
    analyzer: Analyzer, subject: str, body: str, kind: str
) -> None:
    assert analyzer.analyze(parse_message(mail(subject, body))).kind == kind


@pytest.mark.parametrize(
    ("subject", "body", "kind"),
    [
        (
            "Your application",
            "Hi Sam, we would like to offer you a second interview next week.",
            "interview_invitation",
        ),
        (
            "Your application",
            "Hi Sam, we are pleased to offer you a video interview on Monday.",
            "interview_invitation",
        ),
        (
            "Your application",
            "Hi Sam, we would like to offer you the position of Data Analyst.",
            "offer",
        ),
        (
            "Din søknad",
            "Hei Sam, vi er glade for å kunne tilby deg et intervju.",
            "interview_invitation",
        ),
        ("Din søknad", "Hei Sam, vi er glade for å kunne tilby deg stillingen.", "offer"),
        (
            "Din ansøgning",
            "Hej Sam, vi er glade for at kunne tilbyde dig en jobsamtale.",
            "interview_invitation",
        ),
        ("Din ansøgning", "Hej Sam, vi er glade for at kunne tilbyde dig stillingen.", "offer"),
        (
            "Din ansökan",
            "Hej Sam, vi är glada att kunna erbjuda dig en intervju.",
            "interview_invitation",
        ),
        ("Din ansökan", "Hej Sam, vi är glada att kunna erbjuda dig tjänsten.", "offer"),
    ],
)
def test_an_interview_offered_is_no_job_offer(
    analyzer: Analyzer, subject: str, body: str, kind: str
) -> None:
    assert analyzer.analyze(parse_message(mail(subject, body))).kind == kind


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Your offer",
            "Hi Sam, after further review we have decided to withdraw our offer of employment.",
        ),
        (
            "Your offer",
            "Hi Sam, I am sorry to say that the job offer has been rescinded due to a hiring freeze.",
        ),
        (
            "Jobbtilbud",
            "Hei Sam, vi har dessverre trukket tilbake jobbtilbudet på grunn av ansettelsesstopp.",
        ),
        ("Jobtilbud", "Hej Sam, vi må desværre trække jobtilbuddet tilbage."),
        ("Jobberbjudande", "Hej Sam, tyvärr måste vi dra tillbaka jobberbjudandet."),
        (
            "Your application",
            "Hi Sam, thanks for applying. While we won't be moving forward, we'd like to invite you to apply for future roles.",
        ),
    ],
)
def test_an_offer_taken_back_is_a_rejection(analyzer: Analyzer, subject: str, body: str) -> None:
    assert analyzer.analyze(parse_message(mail(subject, body))).kind == "rejection"


@pytest.mark.parametrize(
    ("subject", "body", "kind"),
    [
        (
            "Intervju",
            "Hei Sam, vi må dessverre flytte intervjuet ditt. Passer det torsdag kl. 14?",
            "interview_invitation",
        ),
        (
            "Intervju",
            "Hei Sam, intervjuet ditt er dessverre avlyst. Vi kommer tilbake med nytt tidspunkt.",
            "status_update",
        ),
        (
            "Interview",
            "Hi Sam, unfortunately we need to reschedule your interview. Could you do Thursday at 2pm?",
            "interview_invitation",
        ),
        (
            "Interview",
            "Hi Sam, unfortunately we need to postpone your interview until the new year.",
            "status_update",
        ),
        (
            "Interview",
            "Hi Sam, I've cancelled your phone interview for Friday; sorry for the trouble.",
            "status_update",
        ),
        (
            "Interview",
            "Hi Sam, unfortunately we postponed the interview until further notice.",
            "status_update",
        ),
        (
            "Samtale",
            "Hej Sam, vi må desværre flytte din samtale. Passer torsdag kl. 14?",
            "interview_invitation",
        ),
        (
            "Intervju",
            "Hej Sam, tyvärr måste vi flytta din intervju. Passar torsdag kl. 14?",
            "interview_invitation",
        ),
    ],
)
def test_regret_of_an_interview_moved_or_called_off_is_no_rejection(
    analyzer: Analyzer, subject: str, body: str, kind: str
) -> None:
    assert analyzer.analyze(parse_message(mail(subject, body))).kind == kind


# Decisions said plainly, as English says them: another direction, hiring the reader, an
# offer of the position in its definite form.
@pytest.mark.parametrize(
    ("subject", "body", "kind"),
    [
        (
            "Stillingen",
            "Hei Sam, takk for søknaden din. Vi har besluttet å gå i en annen retning med "
            "denne stillingen, og ønsker deg lykke til videre.",
            "rejection",
        ),
        (
            "Stillingen",
            "Hej Sam, tak for din ansøgning. Vi har besluttet at gå i en anden retning med "
            "stillingen, og vi ønsker dig held og lykke.",
            "rejection",
        ),
        (
            "Tjänsten",
            "Hej Sam, tack för din ansökan. Vi har beslutat att gå i en annan riktning med den "
            "här tjänsten. Lycka till i ditt fortsatta jobbsökande.",
            "rejection",
        ),
        (
            "Tack för ditt intresse",
            "Hej Sam, tack för att du sökte tjänsten. Tyvärr går vi redan vidare med andra "
            "sökande och kan inte ta med dig i urvalet.",
            "rejection",
        ),
        # The verb first after an adverb, and the chosen one as the subject.
        (
            "Stillingen",
            "Hei Sam, takk for søknaden din. Dessverre er stillingen nå besatt, men vi tar vare "
            "på CV-en din.",
            "rejection",
        ),
        (
            "Stillingen",
            "Hej Sam, tak for din ansøgning. Desværre er stillingen blevet lukket, og vi går "
            "ikke videre med rekrutteringen.",
            "rejection",
        ),
        (
            "Stillingen som leder",
            "Hei Sam, takk for at du er interessert i stillingen. Etter en samlet vurdering vil "
            "vi informere deg om at en annen kandidat er valgt til stillingen.",
            "rejection",
        ),
        (
            "Din ansøgning",
            "Hej Sam, tak for din ansøgning. Selvom din erfaring er imponerende, vurderer vi "
            "ikke, at du er den rette kandidat til denne stilling.",
            "rejection",
        ),
        (
            "Din ansökan",
            "Hej Sam, tack för din ansökan. Efter noggrant övervägande har en annan kandidat "
            "valts till tjänsten.",
            "rejection",
        ),
        (
            "Stillingen som planlegger",
            "Hei Sam, jobbtilbudet ditt for stillingen som planlegger er nå klart. Se gjennom "
            "detaljene og gi oss svar.",
            "offer",
        ),
        (
            "Stillingen som analytiker",
            "Hej Sam, tak for din ansøgning. Vi er glade for at kunne gå videre med et tilbud "
            "om stillingen som analytiker. En fra vores team kontakter dig.",
            "offer",
        ),
        (
            "Butikschef",
            "Hej Sam, tack för att du kom på intervju hos oss. Du stack ut bland de sökande och "
            "vi vill gärna anställa dig som biträdande butikschef.",
            "offer",
        ),
        # Refusals with a word between ("väljer vi att inte", "inte längre aktuell", "ikke
        # har udvalgt dig"), and others who suit better.
        (
            "Din ansökan",
            "Hej Sam, tack för din ansökan. Trots din intressanta utbildning väljer vi att "
            "inte gå vidare med dig den här gången.",
            "rejection",
        ),
        (
            "Din ansökan",
            "Hej Sam, vi har tagit emot din ansökan. Du är inte längre aktuell för den här "
            "tjänsten, men vi uppmuntrar dig att söka igen.",
            "rejection",
        ),
        (
            "Stillingen",
            "Hei Sam, takk for søknaden. Etter nøye vurdering har vi kommet frem til at andre "
            "kandidaters kompetanse passer bedre til stillingen.",
            "rejection",
        ),
        (
            "Din ansøgning",
            "Hej Sam, tak for din ansøgning. Selvom vi ikke har udvalgt dig til samtale denne "
            "gang, håber vi, at du søger igen.",
            "rejection",
        ),
        # An apprenticeship or a summer job offered, a new employee registered.
        (
            "Læreplass",
            "Hei Sam, etter samtalen i går kan vi tilby deg en læreplass i elektrofaget fra august.",
            "offer",
        ),
        (
            "Sommerjob",
            "Hej Sam, vi vil gerne tilbyde dig et sommerjob i vores butik i juli.",
            "offer",
        ),
        (
            "Sommarjobb",
            "Hej Sam, vi kan nu erbjuda dig ett sommarjobb på lagret i Borås från juni.",
            "offer",
        ),
        (
            "Alarmoperatør",
            "Hei Sam, gratulerer! Nordvern Sikkerhet AS har registrert deg som ansatt i "
            "stillingen som alarmoperatør. Din nye arbeidsgiver kontakter deg snart om neste "
            "steg.\n\nVennlig hilsen Jobbnorge",
            "offer",
        ),
        (
            "Ett erbjudande",
            "Hej Sam, tack för samtalet i går. Vi vill gärna erbjuda dig att bli en del av "
            "Nordkonsult Partners, och avtalet skickas digitalt för underskrift.",
            "offer",
        ),
    ],
)
def test_a_decision_said_plainly(analyzer: Analyzer, subject: str, body: str, kind: str) -> None:
    assert analyzer.analyze(parse_message(mail(subject, body))).kind == kind


def test_an_offer_disclaimed_is_none(analyzer: Analyzer) -> None:
    """Fee-based placement programmes say what they are not, and then promise job offers."""
    body = (
        "DISCLAIMER: (THIS IS NOT AN OFFER FOR A JOB) - it is a proposal for a fee-based job "
        "placement program.\n\nGreetings, my name is Manav, a Talent Development Recruiter. "
        "Our graduates secure a job offer as soon as they graduate. Reply by May 10 to join."
    )
    analysis = analyzer.analyze(parse_message(mail("Full-Time Placement Program", body)))
    assert (analysis.kind, analysis.promised_by) == ("not_job", None)


NO_REPLY_OR_NO_INVITATION = [
    # Regret that no one will answer each applicant is part of a receipt.
    (
        "Thank you for applying",
        "Thank you for applying to Brightfield Labs. We read every application, but we "
        "regret that we cannot respond individually to each applicant. This email confirms "
        "that your application for the Data Engineer role has been received.",
        "application_received",
    ),
    (
        "Your application",
        "Dear Sam, we regret that we are unable to reply personally to every application "
        "we receive. Your application for the Nurse position has been received, and we "
        "will contact you if your profile matches our needs.",
        "application_received",
    ),
    # ... and an invitation that is not made is a refusal.
    (
        "Your application to Harbourline",
        "Hello Sam, thank you for your application for the Analyst position at "
        "Harbourline. At this time we are unable to invite you to the next step in the "
        "process. We wish you every success in your search.",
        "rejection",
    ),
    (
        "Graduate programme",
        "Hi Sam, thanks for the time you put into your application. We will not be "
        "inviting you to an interview for the graduate programme this year.",
        "rejection",
    ),
]


# A post given to someone else or cancelled, references collected, a test sent.
POST_GIVEN_AWAY = [
    (
        "An update on your application",
        "Hi Sam,\n\nThis time the position “Barista, weekend shifts” was given to someone "
        "else. Keep applying: next time it could be you!",
        "rejection",
    ),
    (
        "A job you applied for",
        "The job Kitchen porter, Harbour Hotel (3 days) has unfortunately been cancelled. "
        "Find more jobs in the app.",
        "rejection",
    ),
    (
        "Mulighet hos Nordhandel",
        "Hei Fredrik, så bra! Jeg har nå sendt deg den innledende nettbaserte testen.\n\n"
        "Hilsen Kari",
        "assessment_request",
    ),
    (
        "Lærerassistent ved Bakken skole",
        "Hei Sam,\n\nBakken skole vil nå innhente referansene dine til stillingen som "
        "lærerassistent.\n\nVennlig hilsen\nRekruttering",
        "reference_request",
    ),
    # Nynorsk, read by the Bokmål rules.
    (
        "Vidare prosess",
        "Hei Sam,\n\nTakk for samtalen i går. No kontaktar vi referansane dine før vi "
        "gjer ei innstilling.\n\nHelsing\nRekruttering",
        "reference_request",
    ),
    (
        "Lærerassistent på Bakkeskolen",
        "Hej Sam,\n\nBakkeskolen vil nu indhente dine referencer til stillingen som "
        "lærerassistent.\n\nVenlig hilsen\nRekruttering",
        "reference_request",
    ),
    (
        "Lärarassistent på Backaskolan",
        "Hej Sam,\n\nBackaskolan kommer nu att ta dina referenser inför tjänsten som "
        "lärarassistent.\n\nVänliga hälsningar\nRekrytering",
        "reference_request",
    ),
    (
        "Update on your proposal: React developer for a booking app",
        'Hello Sam,\n\nWe\'re sorry, but the gig "React developer for a booking app" has '
        "been awarded to another developer.\n\nThe Gigster team",
        "rejection",
    ),
    (
        "Librarian II position",
        "Dear Sam,\n\nThe Library Services Department has advised us that they have made a "
        "decision, and the individual they have selected will be made a job offer.\n\n"
        "Human Resources",
        "rejection",
    ),
    (
        "Your application for Site Engineer",
        "Hi Sam,\n\nThank you for interviewing with us. We have now extended an offer to "
        "another candidate, who has accepted.\n\nBest,\nRecruiting",
        "rejection",
    ),
    (
        "Teaching Assistant at Oakfield Primary",
        "Dear Sam,\n\nOakfield Primary School will be collecting your references for the "
        "Teaching Assistant role.\n\nKind regards,\nRecruitment team",
        "reference_request",
    ),
]


# An interview to be arranged later by someone who will get in touch is news of the
# process, not yet an invitation; asking the reader to book one now is one.
INTERVIEW_TO_BE_ARRANGED = [
    (
        "Congratulations! You have been shortlisted",
        "Dear Sam,\n\nYou have been shortlisted for the position of Support Worker. Our HR "
        "team will contact you within 3-5 business days to schedule an interview.\n\n"
        "Kind regards,\nHarbour Care",
        "status_update",
    ),
    (
        "Application update",
        "Hi Sam,\n\nStatus: Shortlisted. The employer may reach out to arrange an interview."
        "\n\nJobsPlus",
        "status_update",
    ),
    (
        "Interview for the Support Worker role",
        "Dear Sam,\n\nThank you for your application. We would like to schedule an interview "
        "with you. Please use the link below to book a time.\n\nHarbour Care",
        "interview_invitation",
    ),
]


# A receipt that says everyone will hear once the post is filled announces a decision to
# come; a post filled now is a refusal, in either word order.
POST_TO_BE_FILLED = [
    (
        "Application received",
        "Dear Sam,\n\nThank you for your application for the Analyst position. We will "
        "notify all applicants once the position has been filled.\n\nHR",
        "application_received",
    ),
    (
        "Søknad mottatt",
        "Hei Sam,\n\nTakk for søknaden din på stillingen som analytiker. Alle søkere får "
        "beskjed når stillingen er besatt.\n\nHR",
        "application_received",
    ),
    (
        "Ansøgning modtaget",
        "Kære Sam,\n\nTak for din ansøgning til stillingen som analytiker. Vi giver besked "
        "til alle ansøgere, når stillingen er besat.\n\nHR",
        "application_received",
    ),
    (
        "Din ansökan är mottagen",
        "Hej Sam,\n\nTack för din ansökan till tjänsten som utredare. När vi har tillsatt "
        "tjänsten meddelar vi alla sökande. Du får ett mejl med besked om att tjänsten är "
        "tillsatt.\n\nHR",
        "application_received",
    ),
    (
        "Din ansökan",
        "Hej Sam,\n\nTack för din ansökan till tjänsten som utredare. Tyvärr är tjänsten "
        "nu tillsatt.\n\nHR",
        "rejection",
    ),
    # The news to come named by what it will say: "e-post om at stillingen er besatt".
    (
        "Søknaden din er mottatt",
        "Hei Sam,\n\nVi bekrefter at søknaden din på stillingen som analytiker er mottatt. "
        "Når prosessen er ferdig, sender vi alle søkere en e-post om at stillingen er "
        "besatt.\n\nHR",
        "application_received",
    ),
    (
        "Ansøgning modtaget",
        "Kære Sam,\n\nVi bekræfter, at din ansøgning til stillingen som analytiker er "
        "modtaget. Til sidst får alle ansøgere en mail om at stillingen er besat.\n\nHR",
        "application_received",
    ),
    # Swedish leaves "har" out after "att"; and a post filled with someone else.
    (
        "Angående din ansökan",
        "Hej Sam,\n\nTack för din ansökan till tjänsten som utredare. Vi vill meddela att "
        "tjänsten redan tillsatts.\n\nHR",
        "rejection",
    ),
    (
        "Tjänsten som utredare",
        "Hej Sam,\n\nTack för ditt intresse för tjänsten som utredare. Vi har valt att "
        "tillsätta tjänsten med annan sökande.\n\nHR",
        "rejection",
    ),
    (
        "Din ansökan",
        "Hej Sam,\n\nTack för ditt intresse. Tjänsten som utredare har under våren "
        "tillsatts av en annan sökande.\n\nHR",
        "rejection",
    ),
]


# A test vendor's name that is also a person's or an employer's ("Alva", "Mercer", "Aon")
# names a test only beside one; the vendor's product still asks for one.
VENDOR_NAMES = [
    (
        "Søknad",
        "Hei Alva,\n\nTakk for søknaden din. Vi ser på søknadene fortløpende.\n\nHilsen Kari",
        "application_received",
    ),
    (
        "Interview with the Research Group",
        "Dear Sam,\n\nNice talking to you this morning! Your interview is on Monday 30 "
        "October at 10:00 with Molly Mercer.\n\nShirley",
        "interview_invitation",
    ),
    (
        "Next step",
        "Hi Sam,\n\nAs the next step please complete the Alva Labs test for the Analyst "
        "position within five days.\n\nKari",
        "assessment_request",
    ),
]


# A test to start now, beside the news of a shortlist, is what the mail is for.
TEST_TO_START = [
    (
        "You've been shortlisted!",
        "Hi Daniela.\n\nCongrats! You've been shortlisted for our junior full stack developer "
        "job opening.\n\nTo help us with the selection process we've created an assessment "
        "tool. To start the assessment simply go to our site and click the link.\n\nThe Team",
        "assessment_request",
    ),
]


# An interview that lapsed and a start date put off are news of the process.
LAPSED_OR_PUT_OFF = [
    (
        "Your interview invitation is expired",
        "Your interview has expired\n\nInterview Invitation Expired: 30 minutes tech "
        "interview for Data Engineer. The interview has become unavailable because you "
        "didn't select a time before it expired.\n\nThe Talent Team",
        "status_update",
    ),
    (
        "Joining Date Postponed",
        "Dear Sam,\n\nYour joining date has been postponed. HR will communicate the "
        "revised date shortly.\n\nTeam HR",
        "status_update",
    ),
    # An interview called off closes no position, whatever position it names ...
    (
        "Interview cancelled",
        "Hi Callum,\n\nYour interview for the Bar Manager position at The Old Ropewalk has "
        "been cancelled. We will be in touch about a new time.\n\nAna",
        "status_update",
    ),
    # ... and one moved to a new time at once is an invitation to it.
    (
        "Interview rescheduled",
        "Hi Callum,\n\nYour interview for the Bar Manager position at The Old Ropewalk has "
        "been cancelled and replaced with a new slot on Friday 13 March at 10:00.\n\nAna",
        "interview_invitation",
    ),
    (
        "Samtale aflyst",
        "Hej Karin,\n\nDin samtale om stillingen som lagerchef er desværre aflyst. Vi vender "
        "tilbage med et nyt tidspunkt.\n\nHilsen Lise",
        "status_update",
    ),
    (
        "Intervju inställd",
        "Hej Karin,\n\nDin intervju för tjänsten som lagerchef är tyvärr inställd. Vi "
        "återkommer med en ny tid.\n\nHälsningar Lise",
        "status_update",
    ),
]


# Hired, shortlisted and set a work trial in the words of staffing software.
HIRED_SHORTLISTED_OR_TRIED = [
    (
        "Congratulations on your new job!",
        "Dear Rhea,\n\nCongrats on being hired by Saffron Grill for the position of Barista "
        "that you applied for!\n\nThe Hungry For Jobs team",
        "offer",
    ),
    (
        "You have been shortlisted",
        "Dear Joseph,\n\nSaffron Grill has shortlisted you for a potential interview for the "
        "position of Line Cook that you have applied for.\n\nThe Hungry For Jobs team",
        "status_update",
    ),
    (
        "Work trial – Clinical Officer",
        "Hi Wanjiru, you've moved forward to the work trial stage for the Clinical Officer role "
        "at Penda Health! Please select your preferred branch and date here.\n\nPenda Health",
        "assessment_request",
    ),
    (
        "Great news",
        "Hi Alex,\n\nThe team unanimously wants you to join Ledgerly as our Product Designer! "
        "I'll send the paperwork later today.\n\nPriya",
        "offer",
    ),
    (
        "Your application for Credit Controller",
        "Hi Aoife,\n\nThank you for applying for the Credit Controller role. I won't be taking "
        "your application forward this time.\n\nFiona",
        "rejection",
    ),
    (
        "Merck 2018 Data Scientist Intern",
        "Dear Priya,\n\nWe have reviewed your qualifications. While you possess many favorable "
        "qualifications, we have decided to consider other applicants whose background is "
        "closer to our present needs.\n\nMerck Human Resources",
        "rejection",
    ),
    (
        "Professional Blogger position",
        "Thank you for applying for the Professional Blogger position. We could choose only two, "
        "and have selected two outstanding candidates to fill the positions.\n\nSunridge",
        "rejection",
    ),
    (  # after the interview: news of the process, not an invitation
        "Interview Completed – Category Manager",
        "Hi Rohit,\n\nThank you for attending the interview for Category Manager at Meridian "
        "Retail. Our team will review your performance and get back to you soon.\n\nMeridian",
        "status_update",
    ),
    (  # the trial period of a contract is no test
        "Your offer",
        "Dear Sam,\n\nWe are pleased to offer you the position of Clinical Officer. The first "
        "three months are a trial period.\n\nPenda Health",
        "offer",
    ),
]


RECRUITMENT_EXAM = [
    (
        "Examination Notification – Senior Manager",
        "Dear Sam,\n\nWe would like to inform you that an online examination will be "
        "conducted for the following position as part of the recruitment process.\n\n"
        "Position: Senior Manager (Information Security)\n\nRecruitment Cell",
        "assessment_request",
    ),
    (  # a student's exam is no test of a candidate
        "Your exam results",
        "Dear Sam,\n\nYour exam results for the spring semester are now available in the "
        "student portal.\n\nRegistry",
        "not_job",
    ),
]


# Asked to come to an interview, in the words of a formal invitation; the same words inside
# a condition invite no one, and "not to be invited" refuses.
INVITED_TO_ATTEND = [
    (
        "Research Fellow - invitation to interview",
        "Dear Dr Okafor,\n\nThank you for your recent application for the above vacancy. I am "
        "pleased to inform you that you have been shortlisted and you are invited to attend an "
        "interview on Tuesday 10 March at 10:30.\n\nHelen Marsh",
        "interview_invitation",
    ),
    (
        "Your application",
        "Thank you for your application. Please attend an interview on 12 March at 10:00 at "
        "our head office.",
        "interview_invitation",
    ),
    (
        "Your application",
        "Thank you for your application. We would like you to come in for an interview on "
        "Thursday at 2pm.",
        "interview_invitation",
    ),
    (
        "Din søknad",
        "Takk for søknaden din. Vi vil med dette invitere deg til å komme på intervju torsdag "
        "12. mars kl. 10.00.",
        "interview_invitation",
    ),
    (
        "Din søknad",
        "Takk for søknaden. Du innkalles herved til intervju 12. mars kl. 10.",
        "interview_invitation",
    ),
    (
        "Din ansøgning",
        "Tak for din ansøgning. Vi vil gerne have dig ind til en samtale torsdag den 12. marts "
        "kl. 14.",
        "interview_invitation",
    ),
    (
        "Din ansökan",
        "Tack för din ansökan. Vi vill gärna att du kommer på intervju hos oss torsdag den 12 "
        "mars.",
        "interview_invitation",
    ),
    (
        "Data Engineer",
        "Dear Ola,\n\nThe closing date has now passed. If you are invited to attend an "
        "interview, we will contact you by 20 March.\n\nAcme HR",
        "status_update",
    ),
    (
        "Dataingeniør",
        "Hej Ole,\n\nAnsøgningsfristen er nu udløbet. Hvis du bliver indkaldt til samtale, "
        "hører du fra os inden 20. marts.\n\nVenlig hilsen",
        "status_update",
    ),
    (
        "Dataingeniør",
        "Hei Ola,\n\nSøknadsfristen har nå gått ut. Dersom du blir innkalt til intervju, får "
        "du beskjed innen 20. mars.\n\nHilsen",
        "status_update",
    ),
    (
        "Nurse position",
        "Hi Siri,\n\nWe received many strong applications. After careful review, you will not "
        "be invited to interview for this role.",
        "rejection",
    ),
    (
        "Stilling som sykepleier",
        "Hei Siri,\n\nVi har mottatt mange kvalifiserte søknader. Etter en helhetsvurdering "
        "har vi kommet frem til at du ikke vil bli innkalt til intervju.",
        "rejection",
    ),
]

# An interview for the press is no job interview.
PRESS_INTERVIEW = [
    (
        "Intervju med avisen",
        "Hei Ola,\n\nJeg er journalist i Lokalavisa og lurte på om du har tid til et kort "
        "intervju om prosjektet ditt neste uke?",
        "not_job",
    ),
    (
        "Interview",
        "Hej Ola,\n\nJeg er journalist på Politiken og vil gerne lave et kort interview med "
        "dig om din forskning. Har du tid på torsdag?",
        "not_job",
    ),
    (
        "Intervju",
        "Hej Ola,\n\nJag är journalist på Dagens Nyheter och undrar om du har tid för en kort "
        "intervju om ditt projekt nästa vecka?",
        "not_job",
    ),
    (
        "Intervju – journalist",
        "Hei Ola,\n\nTakk for søknaden på stillingen som journalist i Lokalavisa. Vi vil "
        "gjerne invitere deg til intervju torsdag 12. mars kl. 10.",
        "interview_invitation",
    ),
]


# A card applied for, a customer's interview paid in gift cards, someone else's application.
NOT_THE_READERS_JOB = [
    (
        "Your application for a library card",
        "Hi Dana,\n\nThank you for applying for a library card. Your application has been "
        "approved and your card will be posted within 5 working days.\n\nCity Library",
        "not_job",
    ),
    (
        "Invitation to interview - Customer research",
        "Hi Priya,\n\nWe're talking to customers about how they use our app. Would you be up "
        "for a 30-minute interview next week? We'll send a $50 gift card as thanks.\n\nThe "
        "Product Team",
        "not_job",
    ),
    (
        "New candidate for Backend Engineer",
        "Hi Maria,\n\nA new candidate, Sam Lee, has applied for Backend Engineer. Review the "
        "application in your dashboard.\n\nFabrikam Hiring",
        "not_job",
    ),
    (
        "Your application",
        "Hi Sam,\n\nThank you for your application for Backend Engineer. Everyone who has "
        "applied for the role will hear from us by 20 March.\n\nFabrikam Hiring",
        "application_received",
    ),
]


# Chosen for the post itself is an offer; an interview called off after a long name is
# called off all the same; a student's progress told to the parents is theirs to read.
CHOSEN_CALLED_OFF_OR_TOLD_TO_PARENTS = [
    (
        "You've been accepted to join Orbis Analytics",
        "Congratulations! We're thrilled to inform you that you've been accepted to join Orbis "
        "Analytics as a Graduate Data Analyst.",
        "offer",
    ),
    (
        "Inventory Control Analyst",
        "Dear Lakshmi,\n\nWe are pleased to inform you that you have been selected for the "
        "Inventory Control Analyst position.\n\nHR",
        "offer",
    ),
    (
        "Good news",
        "Hi Sam,\n\nYou have been chosen for the role of Barista at our Leeds café. Welcome!",
        "offer",
    ),
    (
        "Your application",
        "Thank you for applying. If you are selected for the position, we will contact you to "
        "arrange the next steps.",
        "application_received",
    ),
    (
        "Interview cancelled",
        "Dear Suresh,\n\nYour interview for the Warehouse Operations Lead position, previously "
        "scheduled for 11 September 2026 at 10:30 AM, has been cancelled.\n\nWe will reach out "
        "if the interview needs to be rescheduled.",
        "status_update",
    ),
    (  # the candidate's own thanks, in the candidate's words
        "Thank you - Data Engineer interview",
        "Hi Priyanka,\n\nThank you for taking the time to speak with me today. Our conversation "
        "reinforced my enthusiasm for the role. I look forward to hearing about next steps.\n\n"
        "Best regards,\nSofia",
        "not_job",
    ),
    (  # a recruiter's pleasure in the talk is no candidate's
        "Great to speak today",
        "Hi Sam,\n\nI really enjoyed our chat today. I'll share your details with the hiring "
        "manager and get back to you by Friday.\n\nBest,\nJo",
        "status_update",
    ),
    (
        "Application update",
        "Dear Parent / Guardian,\n\nWe wanted to let you know that Ishita Negi has submitted a "
        "placement application through PlaceRise for the Software Intern role at Himalaya "
        "Infotech.",
        "not_job",
    ),
    (
        "Interview",
        "Dear Parents,\n\nYour son has been invited to an interview for the apprenticeship at "
        "Acme on 12 March.",
        "not_job",
    ),
]


# The post offered to another, in the infinitive; the reader had on the team, verb first.
OFFERED_TO_ANOTHER_OR_TO_THE_READER = [
    (
        "Tilbakemelding",
        "Hei Mona,\n\nTakk for at du tok deg tid til å møte oss til intervju. Det var mange "
        "gode søkere, og vi har endt opp med å tilby stillingen til en annen kandidat.",
        "rejection",
    ),
    (
        "Tilbagemelding",
        "Hej Mona,\n\nTak fordi du tog dig tid til at møde os til samtale. Der var mange gode "
        "ansøgere, og vi har endt med at tilbyde stillingen til en anden kandidat.",
        "rejection",
    ),
    (
        "Tjänsten som konsult",
        "Hej Erik,\n\nTack för att du kom på intervju. Vi har valt att erbjuda tjänsten till en "
        "annan kandidat.",
        "rejection",
    ),
    (
        "Välkommen",
        "Hej Erik,\n\nGrattis! Vi vill gärna ha med dig i teamet som lagerarbetare.",
        "offer",
    ),
]


# Volunteers, teams, tenancies and talks choose people too.
CHOSEN_FOR_NO_JOB = [
    (
        "Your host application",
        "Hi Sam,\n\nThanks for applying to become a host. We've reviewed your listing and it "
        "has been approved! You can now accept bookings.\n\nThe Stays Team",
        "not_job",
    ),
    (
        "Interview request: Podcast",
        "Hi Tom,\n\nI host the Builders podcast and would love to interview you about your "
        "startup. Would next Tuesday work?\n\nJess",
        "not_job",
    ),
    (
        "Frivillig i festivalen",
        "Hei Ola,\n\nTakk for at du vil være frivillig på Øyafestivalen! Vi har dessverre fått "
        "flere søkere enn vi har plass til, og kan ikke tilby deg en vakt i år.",
        "not_job",
    ),
    (
        "Uttak til landslaget",
        "Hei Ola,\n\nTakk for at du stilte på uttakssamlingen. Du er dessverre ikke tatt ut til "
        "troppen denne gangen.\n\nTrenerteamet",
        "not_job",
    ),
    (
        "Foredrag på konferansen",
        "Hei Ola,\n\nTakk for ditt forslag til foredrag på JavaZone. Programkomiteen har "
        "dessverre ikke plass til det i år.",
        "not_job",
    ),
    (
        "Bostadsansökan",
        "Hej Olle,\n\nTack för din intresseanmälan för lägenheten på Storgatan 12. Hyresvärden "
        "har valt en annan sökande.\n\nMed vänlig hälsning",
        "not_job",
    ),
    (
        "Uttagning",
        "Hej Olle,\n\nTack för att du kom på uttagningen. Du är tyvärr inte uttagen till laget "
        "den här gången.",
        "not_job",
    ),
]

# The process put on hold.
ON_HOLD = [
    (
        "Position on hold",
        "Hi Tom,\n\nI wanted to let you know that the Data Analyst role has been put on hold "
        "due to a budget review. We'll reach out if it reopens.\n\nBest,\nKim",
        "status_update",
    ),
    (
        "Update",
        "Hi Tom,\n\nThe hiring for the Data Analyst position has been paused for now. We will "
        "keep your application on file.\n\nKim",
        "status_update",
    ),
    (
        "Timeline",
        "Hi Alex,\n\nWanted to give you a heads up that we're pausing interviews over the "
        "holidays and will resume the week of January 5.\n\nMaria",
        "status_update",
    ),
    (  # the deliberation after an interview
        "Feedback",
        "Hi Alex,\n\nThe team met today to discuss your interview. We're leaning towards "
        "moving ahead but need sign-off from the director, which should come early next "
        "week.\n\nMaria",
        "status_update",
    ),
    (
        "Rekrytering pausad",
        "Hej Tom,\n\nRekryteringen till tjänsten som analytiker är pausad tills vidare. Vi hör "
        "av oss om den återupptas.\n\nAnna",
        "status_update",
    ),
    (
        "Rekruttering sat på pause",
        "Hej Tom,\n\nRekrutteringen til stillingen som analytiker er sat på pause. Vi vender "
        "tilbage, hvis den genoptages.\n\nMette",
        "status_update",
    ),
    (
        "Stillingen er satt på vent",
        "Hei Tom,\n\nTakk for søknaden. Rekrutteringen til stillingen som analytiker er satt på "
        "vent på grunn av budsjettet.\n\nKari",
        "status_update",
    ),
]

# An applicant system's status set to a refusal.
STATUS_SET_TO_A_REFUSAL = [
    (
        "Søknadsstatus oppdatert",
        'Hei Henrik,\n\nStatusen på din søknad til stillingen "Labassistent i IKT-programmering" '
        "har blitt oppdatert til: avslått.\n\nSe mer informasjon på Min side.",
        "rejection",
    ),
    (
        "Application status updated",
        'Hi Henry,\n\nThe status of your application for "Lab Assistant" has been updated to: '
        "Rejected.\n\nLog in to see more.",
        "rejection",
    ),
    (
        "Status på ansøgning",
        "Hej Henrik,\n\nStatus på din ansøgning til stillingen som laborant er opdateret til: "
        "Afslået.",
        "rejection",
    ),
    (
        "Status för ansökan",
        "Hej Henrik,\n\nStatusen för din ansökan till tjänsten som labbassistent har ändrats "
        "till: Avslagen.",
        "rejection",
    ),
]

# A test named as the next stage, a reasoning test the reader is invited to, answers to record.
TESTS_IN_OTHER_WORDS = [
    (
        "Next step",
        "Hi Sam,\n\nThe next stage of our process is a short written exercise. I've attached "
        "the brief; please return it by Thursday 5pm.\n\nJo",
        "assessment_request",
    ),
    (
        "Online assessment",
        "Dear Priya,\n\nThank you for your application. You are now invited to complete our "
        "online numerical reasoning test. The link will expire in 72 hours.\n\nRecruitment",
        "assessment_request",
    ),
    (
        "Video screening",
        "Hi Dana,\n\nPlease record short video answers to three questions using the link "
        "below. This replaces the phone screen.\n\nLeah",
        "assessment_request",
    ),
    (
        "Arbeidsprøve",
        "Hei Per,\n\nTakk for intervjuet. Neste steg i prosessen er en arbeidsprøve som du "
        "løser hjemme.\n\nHilsen Kari",
        "assessment_request",
    ),
    (
        "Arbejdsprøve",
        "Hej Per,\n\nNæste skridt er en arbejdsprøve, som du løser hjemme.\n\nMette",
        "assessment_request",
    ),
    (
        "Arbetsprov",
        "Hej Per,\n\nNästa steg i processen är ett kodtest på en timme.\n\nAnna",
        "assessment_request",
    ),
]

# Chosen to be interviewed; a check of health before the start is a step of the hire, not a
# test; thanks for the interview in other words; the writer's own interview elsewhere.
INTERVIEWED_SCREENED_OR_THE_WRITERS_OWN = [
    (
        "Trading Assistant Interviews",
        "Geir,\n\nThanks for your interest in the Assistant Trader positions. Based on the "
        "criteria below, you have been selected to be interviewed for this role.\n\nKaren",
        "interview_invitation",
    ),
    (
        "Your application",
        "Hi Sam,\n\nYou have been shortlisted to be interviewed for the Data Analyst role."
        "\n\nBest, Kari",
        "interview_invitation",
    ),
    (
        "Drug test",
        "All,\n\nPlease take your drug test by Tuesday. You cannot start employment until "
        "the results are in.\n\nRegards, HR",
        "status_update",
    ),
    (
        "Before your start",
        "Hi Sam,\n\nAs part of your onboarding, please complete your pre-employment drug "
        "screen by Friday.\n\nBest, HR",
        "status_update",
    ),
    (
        "Interview Process Completed",
        "Dear Aman,\n\nWe appreciate your time for the Area Sales Manager interview. Results "
        "will be announced after evaluation.\n\nBest regards, HR",
        "status_update",
    ),
    (
        "Interview #2",
        "Hi Larry,\n\nJust a quick note: John asked me to come back for a second interview "
        "with their VP of Trading. Thanks again for the recommendation! I'll keep you posted."
        "\n\nBest, Tara",
        "not_job",
    ),
    (
        "Reference",
        "Liz,\n\nI'm interviewing at Constellation tomorrow and was planning to use your name "
        "as a reference. I will keep you posted on the interview.\n\nRegards, Mark",
        "not_job",
    ),
    (
        "Student worker position",
        "Hi Ben,\n\nThank you for the meeting last week. I have chosen to offer the positions to "
        "two other applicants which fitted the needs we have better.\n\nGood luck, Anne",
        "rejection",
    ),
    (
        "Update",
        "Hi Kristine,\n\nYou have been selected as the top candidate and found as most fitting "
        "for the job. We would like to congratulate you.\n\nCarlo",
        "offer",
    ),
    (
        "Interview with Zebra",
        "Dear Priya,\n\nZebra Technologies would like you to participate in a digital "
        "interview.\n\nPOSITION: Mobile Software Engineer\n\nRecruiting",
        "assessment_request",
    ),
    (
        "Interview Scheduled: Ana Ribeiro for Chef",
        "Hi Captain Erik,\n\nAn interview has been scheduled for the Chef position on M/Y "
        "Northern Star.\n\nCandidate: Ana Ribeiro\nDate: Friday 13 February 2026\nTime: 15:00"
        "\n\nThe candidate has been notified and will be prepared for the interview.\n\nLighthouse",
        "not_job",
    ),
    (
        "Reschedule Request Declined",
        "Hi Meghna,\n\nWe have reviewed your request to reschedule the interview. "
        "Unfortunately, we are unable to accommodate your rescheduling request at this time. "
        "We kindly request you to attend the interview as originally scheduled: Monday 10 "
        "March, 11:00.\n\nHR Team",
        "interview_invitation",
    ),
    (
        "Interview Date Declined",
        "Hi Kessler GmbH,\n\nThe candidate Jonas Weber has declined the interview date you "
        "suggested on June 20. You can suggest a new date for the interview.\n\nThanks, Heiner",
        "not_job",
    ),
    (
        "Application Proceed",
        "Dear Maria,\n\nCongratulations! Thank you for applying. We would like to inform you "
        "that you passed the pre-screening for applicants. Please upload the following "
        "documents as soon as possible.\n\nHR",
        "status_update",
    ),
]

# A post offered in British words, and a post filled that is named by what the reader did
# for it; a filling announced for later refuses no one.
POST_OFFERED_OR_FILLED = [
    (
        "Offer of appointment – Associate Director",
        "Dear Mr Okafor,\n\nI am delighted to offer you a post as an Associate Director "
        "with Halden Consulting.\n\nYours sincerely,\nStephen Chadwick",
        "offer",
    ),
    (
        "Ward Sister",
        "Dear Ms Berg,\n\nFollowing your interview I am pleased to offer you the post of "
        "Ward Sister at St Olav's.\n\nYours sincerely,\nHR",
        "offer",
    ),
    (
        "Summer law clerk position",
        "Dear Mike,\n\nThe position which you interviewed for has been filled.\n\n"
        "Pemberton Shaw LLP",
        "rejection",
    ),
    (
        "Your application",
        "Dear Ana,\n\nThe post you applied for has now been filled. Thank you for your "
        "interest.\n\nHR Team",
        "rejection",
    ),
    (
        "Your application",
        "Dear Anna,\n\nThank you for applying for the Nurse position. We will let you know "
        "once the position you applied for has been filled.\n\nHR",
        "application_received",
    ),
]

# An offer taken back, named as a heading; and the right to take it back that an offer
# letter reserves, which takes nothing back.
OFFER_TAKEN_BACK_OR_RESERVED = [
    (
        "Offer of Employment – Withdrawal",
        "Dear Mrs Fletcher,\n\nOffer of Employment – Withdrawal\n\nFollowing your recent "
        "interview, we made you an offer of employment as a Bus Driver. Since we made that "
        "offer to you, our business circumstances have unfortunately changed.\n\nYours "
        "sincerely,\nHR",
        "rejection",
    ),
    (
        "Your conditional offer",
        "Dear Sam,\n\nI am writing regarding the withdrawal of your conditional offer of "
        "employment as Warehouse Operative.\n\nRegards, HR",
        "rejection",
    ),
    (
        "Offer of employment",
        "Dear Sam,\n\nWe are pleased to offer you the position of Warehouse Operative. This "
        "offer is conditional on satisfactory references; failing that, we reserve the "
        "right to withdraw the offer.\n\nRegards, HR",
        "offer",
    ),
    (
        "Offer of employment",
        "Dear Sam,\n\nWe are pleased to offer you the position of Warehouse Operative. The "
        "Company may withdraw this offer should your references prove unsatisfactory."
        "\n\nRegards, HR",
        "offer",
    ),
    (
        "Tilbud om stilling",
        "Hei Sam,\n\nVi er glade for å kunne tilby deg stillingen som lagermedarbeider. "
        "Tilbudet forutsetter tilfredsstillende referanser, og vi forbeholder oss retten "
        "til å trekke tilbudet tilbake.\n\nHilsen HR",
        "offer",
    ),
    (
        "Jobtilbud",
        "Hej Sam,\n\nVi er glade for at kunne tilbyde dig stillingen som lagermedarbejder. "
        "Vi forbeholder os ret til at trække tilbuddet tilbage, hvis referencerne ikke er "
        "tilfredsstillende.\n\nHilsen HR",
        "offer",
    ),
    (
        "Jobtilbud",
        "Hej Sam,\n\nVi er desværre nødt til at trække tilbuddet om stillingen tilbage."
        "\n\nHilsen HR",
        "rejection",
    ),
    (
        "Erbjudande om anställning",
        "Hej Sam,\n\nVi är glada att kunna erbjuda dig tjänsten som lagerarbetare. Vi "
        "förbehåller oss rätten att dra tillbaka erbjudandet om referenserna inte är "
        "tillfredsställande.\n\nHälsningar HR",
        "offer",
    ),
]

# An offer of a post named by its title, or reported by an applicant system; not the chance
# to interview for it.
OFFER_OF_A_TITLED_POST = [
    (
        "Your offer",
        "Hi Fatema,\n\nIt's our pleasure to offer you the Senior Data Scientist role at "
        "Lumofy.\n\nBest, Sara",
        "offer",
    ),
    (
        "Interview",
        "Hi Fatema,\n\nWe would like to offer you the opportunity to interview for the "
        "Senior Data Scientist role at Lumofy on Monday 9 March at 10:00.\n\nBest, Sara",
        "interview_invitation",
    ),
    (
        "Application Update - Store Supervisor",
        "Hello Tolu,\n\nWe have an update on your application:\n\nStore Supervisor\n"
        "Status: Offer Made\n\nPlease check your email for details from the hiring team."
        "\n\nThe JobBoard Team",
        "offer",
    ),
    (
        "Application Update - Store Supervisor",
        "Hello Tolu,\n\nCongratulations! You've received an offer for Store Supervisor at "
        "ShopRite Lekki. Log in to your dashboard to read it.\n\nThe JobBoard Team",
        "offer",
    ),
    (
        "Application Update",
        "Hello Tolu,\n\nThe status of your application for Store Supervisor has been "
        "updated to: Hired.\n\nThe JobBoard Team",
        "offer",
    ),
]

# Mail to those who hire: an employee told of the one they referred, an interviewer named
# as one or asked for a verdict, a named candidate's answer, candidates to decide on. The
# reader is no candidate; a refusal that mentions the successful candidate's answer is
# still the reader's.
FOR_THOSE_WHO_HIRE = [
    (
        "Referral Status Update - Congratulations!",
        "Hello Patrice,\n\nThank you for the recent referral of Gregory Altidor for the "
        "Dietary Aide position. We are excited to inform you that Gregory was offered a "
        "position with Oakview Health!\n\nHR",
        "not_job",
    ),
    (
        "Referral Status Update for Data Analyst",
        "Hi Tyler,\n\nThe status of your referral for Nadia Petrova to the position of Data "
        "Analyst has been updated.\n\nNew Status: Hired\n\nCongratulations! You are "
        "eligible for a referral reward.\n\nReferHub",
        "not_job",
    ),
    (
        "Invitation to Conduct Interviews",
        "Dear Kavitha,\n\nYou have been selected as an interviewer for the recruitment "
        "process for the position of Relationship Manager.\n\nInterview date: 12 March "
        "2026, 10:00\n\nHR",
        "not_job",
    ),
    (
        "Offer Declined - Priyanka Shah",
        "Priyanka Shah has declined the offer for Clinical Pharmacist.\n\nDecision: "
        "Rejected\n\nConsider reaching out to alternative candidates from the shortlist."
        "\n\nRecruitment System",
        "not_job",
    ),
    (
        "Chloe Marsh — Declined by Hiring Manager",
        "A hiring manager has made a decision on a candidate:\n\nCandidate: Chloe Marsh\n"
        "Job: Receptionist\nDecision: Declined\n\nRecruitment System",
        "not_job",
    ),
    (
        "Your application",
        "Dear Sam,\n\nThank you for your application for the Receptionist role. "
        "Unfortunately we have decided not to progress your application; the successful "
        "candidate has accepted the offer.\n\nHR",
        "rejection",
    ),
]

# The same in Norwegian, Danish and Swedish: someone named has applied, the reader sits on
# the panel; the reader's own application, and the many who applied, stay the reader's.
NORDIC_FOR_THOSE_WHO_HIRE = [
    (
        "Ny søknad: Lagermedarbeider",
        "Hei,\n\nKari Nordmann har søkt på stillingen Lagermedarbeider.\n\nSe søknaden i portalen.",
        "not_job",
    ),
    (
        "Intervju",
        "Hei Per,\n\nDu er satt opp som intervjuer for stillingen som rådgiver torsdag 12. "
        "mars kl. 10.\n\nHilsen HR",
        "not_job",
    ),
    (
        "Ny ansökan: Servitör",
        "Hej,\n\nSara Johansson har sökt tjänsten Servitör.\n\nSe alla ansökningar i portalen.",
        "not_job",
    ),
    (
        "Intervjuschema",
        "Hej Per,\n\nDu är tillagd som intervjuare för tjänsten som lagerarbetare. Intervjun "
        "med Sara Johansson är torsdag 12 mars kl. 10.\n\nHälsningar HR",
        "not_job",
    ),
    (
        "Samtaleplan",
        "Hej Per,\n\nDu er tilføjet som interviewer til stillingen som lagermedarbejder. "
        "Samtalen med Mette Hansen er torsdag den 12. marts kl. 10.\n\nHilsen HR",
        "not_job",
    ),
    (
        "Stillingen som rådgiver",
        "Hei Kari,\n\nMange har søkt på stillingen, og vi har dessverre valgt en annen "
        "kandidat.\n\nHilsen Anne",
        "rejection",
    ),
    (
        "Stillingen",
        "Hej Mette,\n\nTak fordi du har søgt stillingen. Vi har desværre valgt en anden "
        "kandidat.\n\nHilsen HR",
        "rejection",
    ),
    (
        "Stillingen",
        "Hej Mette,\n\nMange har søgt stillingen, og vi har desværre valgt en anden "
        "kandidat.\n\nHilsen HR",
        "rejection",
    ),
    (
        "Tjänsten",
        "Hej Sara,\n\nMånga har sökt tjänsten, och vi har tyvärr valt en annan kandidat."
        "\n\nHälsningar HR",
        "rejection",
    ),
]

# A buyer's decision on the reader's quote, and access to a product applied for, are no
# job; a refusal for an estimator's post still is one.
QUOTE_OR_ACCESS = [
    (
        "Your quote",
        "Hi Sam,\n\nThanks for sending your quote for the kitchen renovation. We'll make a "
        "decision by the end of the month and let you know.\n\nBest, Anna",
        "not_job",
    ),
    (
        "Your API access application",
        "Hi Sam,\n\nThanks for applying for access to the Acme API. We review applications "
        "within 5 business days and will email you the decision.\n\nAcme Developer Team",
        "not_job",
    ),
    (
        "Your application",
        "Dear Sam,\n\nThank you for applying for the Estimator position. Unfortunately we "
        "have decided to move forward with other candidates.\n\nHR",
        "rejection",
    ),
]


# An offer declared void is a refusal; an offer letter's terms are not ("This offer is void if
# not accepted"). Another applicant named as chosen, to all who applied. An appointment a board
# approved, and the appointment letter, are offers; "Welcome to Pathway!" is none.
VOID_CHOSEN_APPOINTED_OR_WELCOMED = [
    (
        "Status of your offer letter",
        "Dear Sneha,\n\nWe've determined that you don't meet our academic qualifying "
        "requirements. Your offer is therefore invalid.\n\nRegards,\nCampus Recruitment Team",
        "rejection",
    ),
    (
        "Offer letter - Graduate Engineer",
        "Dear Tom,\n\nWe regret to inform you that the offer letter issued to you stands "
        "cancelled with immediate effect.\n\nRegards,\nHR",
        "rejection",
    ),
    (
        "Offer of employment - Analyst",
        "Dear Tom,\n\nWe are pleased to offer you the position of Analyst at a salary of "
        "40,000. This offer is void if you do not accept it within seven days.\n\nHR",
        "offer",
    ),
    (
        "Selection outcome - Senior Project Officer",
        "To: ALL APPLICANTS\n\nThank you for your interest in this position. The applicant "
        "selected as most suitable is Ms Karen Whitlock.\n\nRecruitment",
        "rejection",
    ),
    (
        "Selection outcome - Accounts Officer",
        "Dear Applicant,\n\nThank you for applying. The successful applicant for this "
        "position was Mr John Smith, who has accepted the offer.\n\nHR",
        "rejection",
    ),
    (
        "History Teacher - Brazos Bend High School",
        "Dear Applicant:\n\nThank you for your interest in the position of history teacher. "
        "An applicant has been chosen and will fill the position as an employee after Board "
        "approval.\n\nBrazos Bend ISD",
        "rejection",
    ),
    (
        "Your application - Accountant",
        "Dear Ann,\n\nThank you for applying for the Accountant position. Once an applicant "
        "has been selected for interview, we will contact them directly.\n\nHR",
        "application_received",
    ),
    (
        "Your application - Accounts Officer",
        "Dear Ann,\n\nThank you for applying. The successful candidate will be asked to "
        "provide two references. We will contact shortlisted applicants by 20 March.\n\nHR",
        "application_received",
    ),
    (
        "Temporary Appointment - Data Entry Officer",
        "Dear Esther,\n\nI am pleased to advise that the Commission has approved your "
        "temporary appointment to the position of Data Entry Officer on the following "
        "terms.\n\nSalary: Grade D2",
        "offer",
    ),
    (
        "Appointment - Senior Research Officer",
        "Dear Esther,\n\nI am pleased to inform you that your appointment as Senior Research Officer "
        "has been approved by the Council, effective 1 May.\n\nRegistrar",
        "offer",
    ),
    (
        "Your appointment letter - Front Office Executive",
        "Dear Ravi,\n\nWelcome to Hotel Pallav. Your appointment letter is attached to this "
        "email. Please sign and return a copy.\n\nHR",
        "offer",
    ),
    (
        "Welcome to Pathway - Let's Get Started!",
        "Hi Sofia,\n\nWelcome to Pathway! We're excited to help you land your first job.\n\n"
        "1. Complete your profile\n2. Get matched with employers\n\nThe Pathway Team",
        "not_job",
    ),
    (
        "Welcome to the team - Analyst",
        "Hi Sofia,\n\nWelcome to the team! We're thrilled you accepted our offer for the "
        "Analyst position.\n\nHR",
        "offer",
    ),
    (
        "Congratulations - Internship",
        "Hi Sofia,\n\nCongratulations! We are thrilled to welcome you to the Job Jockey "
        "internship program.\n\nHR",
        "offer",
    ),
]

# Asked for a time for a call, an interview moved to a new slot: invitations. An application
# in its interview phase, a test done, an interview cancelled at the candidate's request, a
# message waiting in a candidate portal: news of the process. A referee's former employee,
# a new application and a candidate's test told to the recruiter: someone else's search.
CALL_SLOT_PHASE_OR_PORTAL = [
    (
        "Shortlisted for Payroll Administrator",
        "Hi Lerato,\n\nWe are pleased to inform you that you have been shortlisted for the "
        "Payroll Administrator role. Please let us know a convenient time for a call.\n\n"
        "Recruitment Team",
        "interview_invitation",
    ),
    (
        "Demo",
        "Hi Ben,\n\nThanks for your interest in Acme CRM. Please let us know a convenient time "
        "for a demo call with our sales team.\n\nMaria",
        "not_job",
    ),
    (
        "Booking Update - Early Childhood Educator",
        "Dear candidate, Brightside Early Learning has rescheduled your slot for the position "
        "of Early Childhood Educator.\n\nYour new slot will be from 9:15 AM To 9:45 AM on "
        "23/05/2023\n\nThe Talent Tube Team",
        "interview_invitation",
    ),
    (
        "Your application - Member Services Officer",
        "Dear Kristine,\n\nYour application for Member Services Officer is now in the "
        "interview phase.\n\nWe'll contact you soon with more details.\n\nHR Office",
        "status_update",
    ),
    (
        "Exam - Clerk",
        "Dear Jerome,\n\nThank you for completing the examination for the post of Clerk. "
        "The results will be announced after evaluation.\n\nHR",
        "status_update",
    ),
    (
        "Interview Booking Deleted",
        "Dear Priya,\n\nPlease be advised that we have received your cancelation request for "
        "your interview on the 29/09/2022 at 1:00 PM for the position of Medical "
        "Receptionist.\n\nThe Talent Tube Team",
        "status_update",
    ),
    (
        "Interview - Data Analyst",
        "Dear Priya,\n\nWe would like to invite you to an interview on Monday 9 March at "
        "10:00. Please note our interview cancellation policy: let us know 24 hours "
        "ahead.\n\nHR",
        "interview_invitation",
    ),
    (
        "New message from Northbridge Staffing",
        "Hi Gurpreet,\n\nYou have a new message regarding your application.\n\nRead in "
        "Applicant Portal\n\nTeam Northbridge Staffing",
        "status_update",
    ),
    (
        "Reference Check - Ankit Verma",
        "Dear Sir/Madam,\n\nWe are intended to recruit Ankit Verma who has applied for "
        "employment with our Company and we learnt that you are his/her former employer. "
        "Kindly click on the link below to see the Reference check form.\n\nRecruitment",
        "not_job",
    ),
    (
        "New Application for Backend Developer",
        "Dear Tran,\n\nA new application has been submitted for the Backend Developer "
        "position at Compass Job.\n\nApplicant Information\nName: Lan Anh\n\nPlease "
        "review the application materials at your earliest convenience.\n\nCompass Job",
        "not_job",
    ),
    (
        "Assessment results: Jonas Meyer - Support Engineer",
        "Hi Sabine,\n\nJonas Meyer has completed the assessment for Support Engineer.\n\n"
        "Score: 82%\n\nResult: PASSED",
        "not_job",
    ),
]


@pytest.mark.parametrize(
    ("subject", "body", "kind"),
    NO_REPLY_OR_NO_INVITATION
    + POST_GIVEN_AWAY
    + INTERVIEW_TO_BE_ARRANGED
    + POST_TO_BE_FILLED
    + VENDOR_NAMES
    + TEST_TO_START
    + LAPSED_OR_PUT_OFF
    + HIRED_SHORTLISTED_OR_TRIED
    + RECRUITMENT_EXAM
    + INVITED_TO_ATTEND
    + PRESS_INTERVIEW
    + NOT_THE_READERS_JOB
    + CHOSEN_CALLED_OFF_OR_TOLD_TO_PARENTS
    + OFFERED_TO_ANOTHER_OR_TO_THE_READER
    + TESTS_IN_OTHER_WORDS
    + STATUS_SET_TO_A_REFUSAL
    + ON_HOLD
    + CHOSEN_FOR_NO_JOB
    + INTERVIEWED_SCREENED_OR_THE_WRITERS_OWN
    + POST_OFFERED_OR_FILLED
    + OFFER_TAKEN_BACK_OR_RESERVED
    + OFFER_OF_A_TITLED_POST
    + FOR_THOSE_WHO_HIRE
    + NORDIC_FOR_THOSE_WHO_HIRE
    + QUOTE_OR_ACCESS
    + VOID_CHOSEN_APPOINTED_OR_WELCOMED
    + CALL_SLOT_PHASE_OR_PORTAL,
)
def test_news_refusals_and_tests_in_other_words(
    analyzer: Analyzer, subject: str, body: str, kind: str
) -> None:
    assert analyzer.analyze(parse_message(mail(subject, body))).kind == kind


# A day that is not the sender's promise: an appointment's effective date, the reader's
# time to finish a test.
@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Appointment - Senior Research Officer",
            "Dear Esther,\n\nI am pleased to inform you that your appointment as Senior Research "
            "Officer has been approved by the Council, effective 1 May.\n\nRegistrar",
        ),
        (
            "Test - Logistics Coordinator",
            "Dear Candidate,\n\nYour access to the aptitude assessment has been reinstated. "
            "Please ensure you complete the test within 48 hours of the original invitation "
            "time.\n\nHR",
        ),
    ],
)
def test_a_day_that_is_no_promise(analyzer: Analyzer, subject: str, body: str) -> None:
    assert analyzer.analyze(parse_message(mail(subject, body))).promised_by is None
