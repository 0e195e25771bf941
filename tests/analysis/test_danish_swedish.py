"""Danish and Swedish hiring mail: kinds, promised dates, interview times, conditions,
business days across Danish and Swedish holidays, and telling nb, nn, da and sv apart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from hashlib import sha1

import pytest
from short_mail import rules_only_kind

from agent.analysis import Analyzer
from agent.analysis.calendar import BusinessCalendar
from agent.analysis.dates.grammar import DateGrammar
from agent.message import parse_message
from agent.rules import Rules

CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(Rules.load(None))


def mail(sender: str, subject: str, date_header: str, body: str, *, extra: str = "") -> bytes:
    """An RFC 5322 message as a mail client sends it: UTF-8, quoted-printable body."""
    import quopri

    encoded = quopri.encodestring(body.replace("\n", "\r\n").encode("utf-8")).decode("ascii")
    from email.header import Header

    return (
        f"From: {Header(sender, 'utf-8').encode()}\r\n"
        "To: kandidat@example.org\r\n"
        f"Subject: {Header(subject, 'utf-8').encode()}\r\n"
        f"Date: {date_header}\r\n"
        f"Message-ID: <{sha1((subject + date_header + body).encode()).hexdigest()}@mail.example>\r\n"
        f"{extra}"
        "MIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "\r\n"
        f"{encoded}"
    ).encode("ascii")


def analyze(analyzer: Analyzer, raw: bytes):  # noqa: ANN201 - the Analysis
    return analyzer.analyze(parse_message(raw))


# -- Danish ---------------------------------------------------------------------------------
DANISH_PROMISES = [
    # (Date header, the promise sentence, the day it resolves to)
    (
        "Mon, 2 Mar 2026 10:00:00 +0100",
        "Vi vender tilbage til dig inden for to uger.",
        date(2026, 3, 16),
    ),
    (
        "Tue, 24 Mar 2026 09:30:00 +0100",
        "Vi forventer at kunne give dig en tilbagemelding i uge 14.",
        date(2026, 4, 1),  # Friday 3 April is Good Friday and Thursday 2 April Maundy Thursday
    ),
    (
        "Wed, 4 Mar 2026 14:00:00 +0100",
        "Vi forventer at træffe en beslutning inden udgangen af måneden.",
        date(2026, 3, 31),
    ),
    (
        "Tue, 31 Mar 2026 09:18:00 +0200",
        "Du hører fra os inden for 5 hverdage.",
        date(2026, 4, 10),  # Easter in Denmark: 2, 3 and 6 April are no business days
    ),
    (
        "Wed, 20 May 2026 10:00:00 +0200",
        "Processen har trukket ud, men du vil høre fra os i næste uge.",
        date(2026, 5, 29),
    ),
    (
        "Wed, 4 Mar 2026 10:00:00 +0100",
        "Vi har et par samtaler tilbage, og du hører fra os senest fredag.",
        date(2026, 3, 6),
    ),
    (
        "Tue, 3 Mar 2026 16:00:00 +0100",
        "Vi vender tilbage med et svar først i næste uge.",
        date(2026, 3, 10),
    ),
    (
        "Mon, 2 Mar 2026 10:00:00 +0100",
        "Vi giver alle ansøgere besked senest d. 27. marts.",
        date(2026, 3, 27),
    ),
    (  # before next week begins: by the end of this one
        "Tue, 3 Mar 2026 09:30:00 +0100",
        "Vi vurderer nu alle kandidater og vender retur inden næste uge.",
        date(2026, 3, 6),
    ),
    (
        "Tue, 3 Mar 2026 09:30:00 +0100",
        "Du hører fra os inden næste måned.",
        date(2026, 3, 31),
    ),
]


@pytest.mark.parametrize(("date_header", "sentence", "expected"), DANISH_PROMISES)
def test_danish_receipt_promises(
    analyzer: Analyzer, date_header: str, sentence: str, expected: date
) -> None:
    raw = mail(
        "Nordhavn Logistik A/S <rekruttering@nordhavnlogistik.dk>",
        "Vi har modtaget din ansøgning – Lagerkoordinator",
        date_header,
        "Kære Mette\n\nTak for din ansøgning til stillingen som lagerkoordinator hos Nordhavn "
        f"Logistik A/S. Vi har modtaget din ansøgning og dit CV.\n\n{sentence}\n\n"
        "Med venlig hilsen\nSofie Holm\nHR-afdelingen",
    )
    result = analyze(analyzer, raw)
    assert result.language == "da"
    assert result.kind in ("application_received", "status_update")
    assert result.promised_by == expected
    assert result.promise_condition is None


def test_danish_vague_receipt_promises_no_day(analyzer: Analyzer) -> None:
    raw = mail(
        "Rekrutteringsteamet <job@vejlebolig.dk>",
        "Tak for din ansøgning",
        "Mon, 2 Mar 2026 10:00:00 +0100",
        "Hej Camilla\n\nTak fordi du søgte stillingen som kundeservicemedarbejder. Vi har "
        "modtaget din ansøgning og vender tilbage til dig hurtigst muligt.\n\n"
        "Med venlig hilsen\nRekrutteringsteamet",
    )
    result = analyze(analyzer, raw)
    assert result.kind == "application_received"
    assert result.promised_by is None


def test_danish_invitation_with_a_time_is_no_promise(analyzer: Analyzer) -> None:
    raw = mail(
        "Grønbech Revision <job@gronbech-revision.dk>",
        "Invitation til jobsamtale",
        "Wed, 11 Dec 2024 10:45:00 +0100",
        "Kære Kasper Olsen\n\nVi har med glæde gennemgået din ansøgning og vil gerne invitere dig "
        "til en jobsamtale vedrørende stillingen som revisorassistent.\n\n"
        "Samtaledetaljer:\nDato: torsdag den 19. december 2024\nTidspunkt: kl. 9.30\n"
        "Sted: Vestergade 12, 8000 Aarhus C\n\n"
        "Bekræft venligst din deltagelse senest mandag.\n\n"
        "Vi ser frem til at møde dig.\n\nMed venlig hilsen\nGrønbech Revision",
    )
    result = analyze(analyzer, raw)
    assert result.kind == "interview_invitation"
    assert result.interview_at == datetime(2024, 12, 19, 9, 30, tzinfo=CET)
    assert result.promised_by is None  # "bekræft senest mandag" is the candidate's deadline


def test_danish_invitation_in_utc(analyzer: Analyzer) -> None:
    raw = mail(
        "Sofie Holm <sh@greenway-logistics.dk>",
        "Invitation til jobsamtale",
        "Fri, 27 Mar 2026 13:10:00 +0100",
        "Hej Mikkel\n\nVi vil gerne invitere dig til jobsamtale den 10. april 2026 kl. 10.00 "
        "UTC.\n\nSamtalen foregår på Teams; link følger.\n\nVenlig hilsen\nSofie Holm\n"
        "GreenWay Logistics",
    )
    result = analyze(analyzer, raw)
    assert result.kind == "interview_invitation"
    assert result.interview_at == datetime(2026, 4, 10, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "body",
    [
        "Tak for din interesse for stillingen som projektleder og for den tid, du har brugt på "
        "din ansøgning.\n\nVi har gennemgået alle ansøgninger grundigt, og vi har desværre valgt at "
        "gå videre med andre kandidater denne gang.\n\nVi ønsker dig held og lykke med din videre "
        "jobsøgning.",
        # implicit: no "nej", only that the post is taken and good wishes
        "Tak for din ansøgning til stillingen som projektleder.\n\nStillingen er nu besat. Vi "
        "gemmer gerne dine oplysninger i vores kandidatbank, og vi ønsker dig alt det bedste "
        "fremover.",
    ],
    ids=["explicit", "implicit"],
)
def test_danish_rejections(analyzer: Analyzer, body: str) -> None:
    raw = mail(
        "Trustworks <hr@trustworks.dk>",
        "Vedrørende din ansøgning – Projektleder",
        "Mon, 3 Nov 2025 10:30:00 +0100",
        f"Kære Mikkel\n\n{body}\n\nMed venlig hilsen\nTrustworks",
    )
    result = analyze(analyzer, raw)
    assert result.language == "da"
    assert result.kind == "rejection"
    assert result.promised_by is None


def test_danish_offer(analyzer: Analyzer) -> None:
    raw = mail(
        "HR-afdelingen, Vejle Medicoteknik ApS <hr@vejlemedico.dk>",
        "Tilbud om ansættelse – Kvalitetsingeniør",
        "Tue, 23 Jun 2026 10:20:00 +0200",
        "Kære Camilla\n\nVi er glade for at kunne tilbyde dig stillingen som kvalitetsingeniør hos "
        "Vejle Medicoteknik ApS.\n\nLøn: 46.500 kr. pr. måned\nTiltrædelse: 1. september 2026\n\n"
        "Giv os venligst besked senest fredag den 3. juli.\n\nMed venlig hilsen\nHR-afdelingen",
    )
    result = analyze(analyzer, raw)
    assert result.kind == "offer"
    assert result.promised_by is None  # the answer is asked of the candidate


def test_danish_silence_means_no(analyzer: Analyzer) -> None:
    raw = mail(
        "Aarhus Kommune <job@aarhus.dk>",
        "Tak for din ansøgning",
        "Mon, 2 Mar 2026 10:00:00 +0100",
        "Kære Anna\n\nTak for din ansøgning til stillingen som sagsbehandler. Vi har modtaget din "
        "ansøgning.\n\nHvis du ikke har hørt fra os inden den 1. april, er du desværre ikke gået "
        "videre.\n\nMed venlig hilsen\nAarhus Kommune",
    )
    result = analyze(analyzer, raw)
    assert result.kind == "application_received"  # the window is still open
    assert result.promised_by == date(2026, 4, 1)
    assert result.promise_condition == "silence_means_no"


def test_danish_shortlisted(analyzer: Analyzer) -> None:
    raw = mail(
        "Aarhus Kommune <job@aarhus.dk>",
        "Tak for din ansøgning",
        "Mon, 2 Mar 2026 10:00:00 +0100",
        "Kære Anna\n\nTak for din ansøgning til stillingen som sagsbehandler.\n\nKun udvalgte "
        "kandidater vil blive kontaktet, hvilket sker i løbet af uge 12.\n\n"
        "Med venlig hilsen\nAarhus Kommune",
    )
    result = analyze(analyzer, raw)
    assert result.promised_by == date(2026, 3, 20)
    assert result.promise_condition == "shortlisted"


def test_danish_booking_reply_is_not_a_job(analyzer: Analyzer) -> None:
    raw = mail(
        "Castillo del Alma <booking@castillodelalma.com>",
        "Tak for din reservation",
        "Thu, 19 Feb 2026 21:12:00 +0100",
        "Kære Ida,\n\nVi har modtaget din reservation og er glade for at byde dig velkommen. Vi "
        "vender tilbage inden for 24 timer for at bekræfte din plads.\n\nDIN RESERVATION\n"
        "Retreat: Yoga & stilhed, 12.–19. april 2026",
    )
    result = analyze(analyzer, raw)
    assert result.kind == "not_job"
    assert result.promised_by is None


# -- Swedish --------------------------------------------------------------------------------
SWEDISH_PROMISES = [
    (
        "Mon, 2 Mar 2026 10:00:00 +0100",
        "Vi återkommer till dig inom två veckor.",
        date(2026, 3, 16),
    ),
    (
        "Mon, 12 Jan 2026 10:00:00 +0100",
        "Du får besked i slutet av januari.",
        date(2026, 1, 30),
    ),
    (
        "Wed, 10 Jun 2026 09:00:00 +0200",
        "Vanligtvis hör du från oss inom 5-7 arbetsdagar.",
        date(2026, 6, 22),  # Midsummer Eve, Friday 19 June, is a day off in Sweden
    ),
    (
        "Tue, 24 Mar 2026 10:00:00 +0100",
        "Vi räknar med att kunna ge dig besked under vecka 14.",
        date(2026, 4, 2),  # Good Friday, 3 April, is a Swedish holiday
    ),
    (
        "Tue, 9 Jun 2026 15:00:00 +0200",
        "Du hör av oss innan midsommar.",
        date(2026, 6, 18),
    ),
    (
        "Wed, 20 May 2026 10:00:00 +0200",
        "Rekryteringen har blivit försenad, så vi meddelar dig vårt beslut nästa vecka.",
        date(2026, 5, 29),
    ),
    (
        "Wed, 10 Jun 2026 10:00:00 +0200",
        "Vi kommer att meddela dig vårt beslut nästa vecka.",
        date(2026, 6, 18),  # Friday of next week is Midsummer Eve
    ),
    (
        "Wed, 4 Mar 2026 10:00:00 +0100",
        "Vi har några intervjuer kvar och du får besked senast fredag.",
        date(2026, 3, 6),
    ),
    (
        "Mon, 4 May 2026 10:00:00 +0200",
        "Vi kontaktar dig senast den 20 maj.",
        date(2026, 5, 20),
    ),
]


@pytest.mark.parametrize(("date_header", "sentence", "expected"), SWEDISH_PROMISES)
def test_swedish_receipt_promises(
    analyzer: Analyzer, date_header: str, sentence: str, expected: date
) -> None:
    raw = mail(
        "Västkustens Fastigheter AB <rekrytering@vkfastigheter.se>",
        "Tack för din ansökan – Fastighetsförvaltare",
        date_header,
        "Hej Emma,\n\nTack för din ansökan till tjänsten som fastighetsförvaltare hos Västkustens "
        f"Fastigheter AB. Vi har tagit emot din ansökan och ditt CV.\n\n{sentence}\n\n"
        "Med vänliga hälsningar\nLars Eriksson\nHR-teamet",
    )
    result = analyze(analyzer, raw)
    assert result.language == "sv"
    assert result.kind in ("application_received", "status_update")
    assert result.promised_by == expected
    assert result.promise_condition is None


def test_swedish_invitation_with_labelled_date_and_time(analyzer: Analyzer) -> None:
    raw = mail(
        "Bygg & Montage i Umeå AB <jobb@byggmontageumea.se>",
        "Din intervju för Platschef är bokad",
        "Wed, 12 Nov 2025 14:50:00 +0100",
        "Hej Lars,\n\nDin intervju för Platschef hos Bygg & Montage i Umeå AB är nu bokad.\n"
        "Datum: 2025-11-20\nTid: 08:00\nTyp: På plats\nPlats: Västra Esplanaden 9, Umeå\n\n"
        "Fråga efter Per i receptionen.\n\nVänliga hälsningar,\nBygg & Montage i Umeå AB",
    )
    result = analyze(analyzer, raw)
    assert result.kind == "interview_invitation"
    assert result.interview_at == datetime(2025, 11, 20, 8, 0, tzinfo=CET)
    assert result.promised_by is None


def test_swedish_invitation_in_one_line(analyzer: Analyzer) -> None:
    raw = mail(
        "Trygghetsgruppen Öst AB via CQrityjob <noreply@cqrityjob.se>",
        "Inbjudan till intervju – Väktare, Linköping",
        "Tue, 15 Oct 2024 13:00:00 +0200",
        "Hej Fredrik,\n\nTack för din ansökan till tjänsten Väktare, Linköping. Vi vill gärna "
        "träffa dig för en intervju.\n\nNär: fredag 18 oktober 2024 kl. 09:00–09:45\n"
        "Du träffar: Nils Ekström\n\nBekräfta eller avböj tiden under Mina ansökningar.\n\n"
        "Vänliga hälsningar\nTrygghetsgruppen Öst AB",
    )
    result = analyze(analyzer, raw)
    assert result.kind == "interview_invitation"
    assert result.interview_at == datetime(2024, 10, 18, 9, 0, tzinfo=CEST)


def test_swedish_cancelled_interview_is_a_status_update(analyzer: Analyzer) -> None:
    raw = mail(
        "Skärgårdshotellet Sandhamn <rekrytering@skargardshotellet.se>",
        "Din intervju för Kock är avbokad",
        "Mon, 9 Mar 2026 17:45:00 +0100",
        "Hej Viktor,\n\nDin intervju för Kock hos Skärgårdshotellet Sandhamn den 2026-03-11 "
        "kl. 10:00 är tyvärr avbokad.\n\nVi återkommer om en ny tid.\n\n"
        "Vänliga hälsningar,\nSkärgårdshotellet Sandhamn",
    )
    result = analyze(analyzer, raw)
    assert result.kind == "status_update"
    assert result.interview_at is None


@pytest.mark.parametrize(
    "body",
    [
        "Tack för ditt intresse för tjänsten och för tiden du lade på din ansökan.\n\nEfter "
        "noggrann genomgång av alla ansökningar har vi tyvärr valt att gå vidare med andra "
        "kandidater.",
        # implicit: only that the post is filled, and good wishes
        "Vi vill meddela att tjänsten nu är tillsatt. Tack för ditt intresse, och lycka till i "
        "ditt fortsatta jobbsökande!",
        # implicit: thanks and good wishes only
        "Vi vill tacka dig för ditt intresse och din tid.\n\nVi önskar dig all lycka i dina "
        "framtida strävanden.",
    ],
    ids=["explicit", "filled", "wishes"],
)
def test_swedish_rejections(analyzer: Analyzer, body: str) -> None:
    raw = mail(
        "Maria Berg <maria.berg@gotakanalrederi.se>",
        "Angående din ansökan – Däcksman",
        "Tue, 11 Aug 2026 09:15:00 +0200",
        f"Hej Viktor!\n\n{body}\n\nMed vänliga hälsningar\nMaria Berg\nGöta Kanal Rederi AB",
    )
    result = analyze(analyzer, raw)
    assert result.language == "sv"
    assert result.kind == "rejection"


def test_swedish_offer(analyzer: Analyzer) -> None:
    raw = mail(
        "Nordvakt Säkerhet AB via CQrityjob <noreply@cqrityjob.se>",
        "Erbjudande – Larmoperatör, Stockholm",
        "Tue, 3 Mar 2026 09:12:00 +0100",
        "Hej Sara,\n\nVi är glada att kunna erbjuda dig tjänsten Larmoperatör, Stockholm.\n\n"
        "Tjänsten är en tillsvidareanställning på heltid med tillträde 1 april 2026. Avtal och "
        "villkor finns bifogade. Vänligen svara senast fredag.\n\nVänliga hälsningar\n"
        "Nordvakt Säkerhet AB",
    )
    result = analyze(analyzer, raw)
    assert result.kind == "offer"
    assert result.promised_by is None


def test_swedish_shortlisted_and_silence(analyzer: Analyzer) -> None:
    shortlisted = mail(
        "Region Västerdal <rekrytering@regionvasterdal.se>",
        "Tack för din ansökan",
        "Mon, 2 Mar 2026 10:00:00 +0100",
        "Hej,\n\nTack för din ansökan. Endast de kandidater som går vidare kommer att kontaktas, "
        "vilket sker under vecka 12.\n\nVänliga hälsningar\nRegion Västerdal",
    )
    result = analyze(analyzer, shortlisted)
    assert (result.promised_by, result.promise_condition) == (date(2026, 3, 20), "shortlisted")
    silence = mail(
        "Region Västerdal <rekrytering@regionvasterdal.se>",
        "Tack för din ansökan",
        "Mon, 2 Mar 2026 10:00:00 +0100",
        "Hej,\n\nTack för din ansökan. Om du inte har hört något från oss inom tre veckor har du "
        "tyvärr inte gått vidare i processen.\n\nVänliga hälsningar\nRegion Västerdal",
    )
    result = analyze(analyzer, silence)
    assert result.kind == "application_received"
    assert (result.promised_by, result.promise_condition) == (
        date(2026, 3, 23),
        "silence_means_no",
    )


def test_swedish_candidate_deadline_is_no_promise(analyzer: Analyzer) -> None:
    raw = mail(
        "Mälardalens IT-partner <noreply@mdit.se>",
        "Skriftlig intervju – Supporttekniker",
        "Tue, 26 Nov 2024 08:30:00 +0100",
        "Hej Hanna\n\nDu har gått vidare i rekryteringsprocessen och vi vill att du svarar på "
        "några frågor.\n\nVänligen svara före 3 december 2024.\n\nVi önskar dig lycka till!",
    )
    result = analyze(analyzer, raw)
    assert result.kind == "assessment_request"
    assert result.promised_by is None


def test_quoted_swedish_promise_is_not_read(analyzer: Analyzer) -> None:
    raw = mail(
        "Anna Lind <anna.lind@example.se>",
        "Sv: Tack för din ansökan",
        "Mon, 16 Mar 2026 10:00:00 +0100",
        "Hej,\n\nTack, jag ser fram emot att höra från er.\n\nAnna\n\n"
        "Den 2 mars 2026 skrev Rekrytering <rekrytering@firma.se>:\n"
        "> Tack för din ansökan. Vi återkommer till dig inom två veckor.\n",
    )
    result = analyze(analyzer, raw)
    assert result.promised_by is None


# -- date vocabulary --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "phrase", "ref", "expected"),
    [
        ("da", "inden for 14 dage", date(2026, 3, 2), date(2026, 3, 16)),
        ("da", "om et par dage", date(2026, 3, 31), date(2026, 4, 8)),
        ("da", "i uge 16 eller 17", date(2026, 3, 31), date(2026, 4, 24)),
        ("da", "inden jul", date(2026, 11, 2), date(2026, 12, 23)),
        ("da", "senest den 3. juli kl. 12", date(2026, 6, 1), date(2026, 7, 3)),
        ("da", "sidst på ugen", date(2026, 3, 31), date(2026, 4, 1)),
        ("sv", "inom de närmaste dagarna", date(2026, 6, 10), date(2026, 6, 15)),
        ("sv", "v. 26", date(2026, 6, 10), date(2026, 6, 26)),
        ("sv", "den 3:e juli", date(2026, 6, 10), date(2026, 7, 3)),
        ("sv", "i mitten av augusti", date(2026, 6, 10), date(2026, 8, 20)),
        ("sv", "innan jul", date(2026, 11, 2), date(2026, 12, 23)),
        ("sv", "inom ett par veckor", date(2026, 6, 10), date(2026, 7, 1)),
    ],
)
def test_date_phrases(lang: str, phrase: str, ref: date, expected: date) -> None:
    grammar = DateGrammar(lang)
    country = {"da": "DK", "sv": "SE"}[lang]
    at = datetime(ref.year, ref.month, ref.day, 10, 0, tzinfo=CET)
    found = grammar.find(phrase, at, BusinessCalendar(country))
    assert [m.resolved for m in found] == [expected]


@pytest.mark.parametrize(
    "text", ["i mån av tid", "under vår rekrytering", "i vår ansökningsportal"]
)
def test_swedish_words_that_are_no_dates(text: str) -> None:
    at = datetime(2026, 3, 2, 10, 0, tzinfo=CET)
    assert DateGrammar("sv").find(text, at, BusinessCalendar("SE")) == []


def test_both_grammars_compile() -> None:
    for lang in ("da", "sv"):
        DateGrammar(lang).check()


# -- business days -----------------------------------------------------------------------------
def test_store_bededag_is_a_holiday_until_2023_only() -> None:
    denmark = BusinessCalendar("DK")
    assert not denmark.is_business_day(date(2023, 5, 5))  # Store Bededag 2023
    assert denmark.is_business_day(date(2024, 4, 26))  # abolished from 2024
    assert denmark.is_business_day(date(2025, 5, 16))


def test_danish_easter_and_christmas() -> None:
    denmark = BusinessCalendar("DK")
    assert denmark.add_business_days(date(2026, 4, 1), 1) == date(2026, 4, 7)
    assert denmark.add_business_days(date(2025, 12, 23), 2) == date(2025, 12, 29)


def test_swedish_eves_are_days_off() -> None:
    sweden = BusinessCalendar("SE")
    for eve in (date(2026, 6, 19), date(2026, 12, 24), date(2026, 12, 31), date(2025, 6, 20)):
        assert not sweden.is_business_day(eve), eve
    assert not sweden.is_business_day(date(2025, 6, 6))  # National Day, a Friday
    assert sweden.add_business_days(date(2026, 6, 18), 1) == date(2026, 6, 22)
    assert sweden.add_business_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
    assert sweden.add_business_days(date(2026, 12, 30), 1) == date(2027, 1, 4)


def test_norway_keeps_christmas_eve_a_business_day() -> None:
    # The Swedish days off are Sweden's: Norway's calendar is its public holidays alone.
    assert BusinessCalendar("NO").is_business_day(date(2026, 12, 24))
    assert BusinessCalendar("DK").is_business_day(date(2026, 12, 24))


def test_language_implies_its_country(analyzer: Analyzer) -> None:
    assert analyzer.calendar_for("da").country == "DK"
    assert analyzer.calendar_for("sv").country == "SE"


# -- language identification -------------------------------------------------------------------
LANGUAGE_SAMPLES = [
    (
        "nb",
        "Takk for søknaden din på stillingen som rådgiver. Vi har mottatt søknaden og vil gå "
        "gjennom alle søknadene etter søknadsfristen. Du vil høre fra oss innen to uker.",
    ),
    (
        "nb",
        "Hei! Dessverre har vi ikke plass til deg denne gangen. Lykke til videre!",
    ),
    (
        "nn",
        "Takk for søknaden din. Vi stadfestar at vi har fått søknaden, og du vil få skriftleg svar "
        "innan to veker. Ta gjerne kontakt om du lurer på noko.",
    ),
    (
        "nn",
        "Eg vil gjerne høyre kva du tenkjer om stillinga. Me har ikkje bestemt oss enno.",
    ),
    (
        "da",
        "Tak for din ansøgning til stillingen som rådgiver. Vi har modtaget din ansøgning og vender "
        "tilbage til dig inden for to uger. Du er velkommen til at kontakte mig, hvis du har "
        "spørgsmål.",
    ),
    (
        "da",
        "Desværre må vi meddele, at vi har valgt at gå videre med andre kandidater. Held og lykke.",
    ),
    (
        "sv",
        "Tack för din ansökan till tjänsten som rådgivare. Vi har tagit emot din ansökan och "
        "återkommer till dig inom två veckor. Du är välkommen att kontakta mig om du har frågor.",
    ),
    (
        "sv",
        "Tyvärr har vi valt att gå vidare med andra kandidater. Lycka till!",
    ),
]


@pytest.mark.parametrize(("lang", "text"), LANGUAGE_SAMPLES)
def test_language_identification_tells_neighbours_apart(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    assert analyzer.identifier.identify(text) == lang


def test_a_link_is_no_language(analyzer: Analyzer) -> None:
    text = "Ny stilling som matcher søket ditt. Les mer: https://jobbtorget.no/stillinger/8812"
    assert analyzer.identifier.identify(text) == "nb"


def test_nynorsk_is_read_with_the_bokmal_rules(analyzer: Analyzer) -> None:
    identifier = analyzer.identifier
    assert identifier.rules_language("nn", analyzer.lang_data) == "nb"
    assert identifier.rules_language("da", analyzer.lang_data) == "da"
    assert identifier.rules_language("de", analyzer.lang_data) is None


@pytest.mark.parametrize(
    ("sender", "body", "phrase"),
    [
        (
            "Trustworks <hr@trustworks.dk>",
            "Tak for din interesse.\n\nDesværre matcher din profil ikke det, vi søger lige nu.",
            "desværre matcher din profil ikke",
        ),
        (
            "Göta Kanal Rederi <hr@gotakanal.se>",
            "Tack för ditt intresse.\n\nTyvärr matchar din profil inte det vi söker just nu.",
            "tyvärr matchar din profil inte",
        ),
        (
            "Växjö Byggtjänst <jobb@vaxjobygg.se>",
            "Tack för din ansökan till Lagerarbetare. Den här gången går vi vidare med andra "
            "kandidater.",
            "går vi vidare med andra kandidater",
        ),
        (
            "Lageret <jobb@lageret.dk>",
            "Tak for din ansøgning. Denne gang går vi videre med andre kandidater.",
            "går vi videre med andre kandidater",
        ),
    ],
)
def test_a_rejection_with_the_verb_before_the_subject(
    analyzer: Analyzer, sender: str, body: str, phrase: str
) -> None:
    """After an opening adverb the verb comes first ("Desværre matcher din profil ikke"):
    the same rejection as "din profil matcher desværre ikke"."""
    raw = mail(sender, "Din ansøgning", "Mon, 3 Nov 2025 10:30:00 +0100", f"Hej Mikkel\n\n{body}")
    result = analyze(analyzer, raw)
    assert result.kind == "rejection"
    assert phrase in [cue.lower() for cue in result.cues]


# -- Phrasings of each kind in the three Nordic languages ------------------------------------
NORDIC_KINDS = [
    # a post filled, with its title between
    (
        "da",
        "Vi skal hermed meddele, at stillingen som overlæge ved Herlev Hospital nu er besat.",
        "rejection",
    ),
    (
        "nb",
        "Vi må dessverre meddele at stillingen som rådgiver i Bergen nå er besatt.",
        "rejection",
    ),
    # another candidate chosen, and described
    (
        "da",
        "Tak fordi du søgte. Vi har valgt en kandidat, hvis profil matchede vores behov en "
        "anelse bedre.",
        "rejection",
    ),
    (
        "nb",
        "Takk for at du søkte. Vi har valgt en kandidat som passet litt bedre til behovene våre.",
        "rejection",
    ),
    (
        "sv",
        "Tack för att du sökte. Vi har valt en kandidat vars profil matchade våra behov lite "
        "bättre.",
        "rejection",
    ),
    # the team would have the reader
    (
        "da",
        "Vi vil rigtig gerne have dig med på holdet: jobbet som marketingchef er dit!",
        "offer",
    ),
    (
        "nb",
        "Vi vil veldig gjerne ha deg med på laget: jobben som markedssjef er din!",
        "offer",
    ),
    (
        "sv",
        "Vi vill väldigt gärna ha dig med i teamet: jobbet som marknadschef är ditt!",
        "offer",
    ),
    # the application passed on to the one who hires
    (
        "sv",
        "Din ansökan har nu skickats vidare till rekryterande chef, som går igenom "
        "ansökningarna under veckan.",
        "status_update",
    ),
    # the employer would take the application further
    (
        "sv",
        "Vi tycker att din profil verkar intressant för tjänsten som marknadschef och vill "
        "gärna ta det vidare.",
        "status_update",
    ),
    (
        "nb",
        "Vi synes profilen din er interessant for stillingen som markedssjef, og vil gjerne "
        "ta deg videre.",
        "status_update",
    ),
    (
        "da",
        "Vi synes, at din profil er interessant til stillingen som marketingchef, og vil gerne "
        "tage dig videre.",
        "status_update",
    ),
    # a flat let to another tenant
    (
        "nb",
        "Utleier har valgt en annen leietaker, og vi kan dessverre ikke tilby deg leiligheten.",
        "not_job",
    ),
]


@pytest.mark.parametrize(("lang", "body", "kind"), NORDIC_KINDS)
def test_nordic_phrasings_of_each_kind(analyzer: Analyzer, lang: str, body: str, kind: str) -> None:
    greeting = {"da": "Hej Karen", "nb": "Hei Kari", "sv": "Hej Karin"}[lang]
    raw = mail(
        "Line Holm <line.holm@vinkompagniet.example>",
        {
            "da": "Svar på din ansøgning",
            "nb": "Svar på søknaden din",
            "sv": "Besked om din ansökan",
        }[lang],
        "Tue, 7 Oct 2025 10:25:00 +0200",
        f"{greeting},\n\n{body}\n\nMed venlig hilsen\nLine",
    )
    result = analyze(analyzer, raw)
    assert result.language == lang
    assert result.kind == kind


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        # "tjänsten" as a service names no job: a study place stays a study place ...
        (
            "Din ansökan har mottagits. Du kan ändra din ansökan i tjänsten Min Studieinfo "
            "under ansökningstiden. Där ser du också ditt antagningsresultat.",
            "not_job",
        ),
        # ... "tjänsten som" is the post applied for.
        (
            "Tack för ditt intresse för tjänsten som ekonomiassistent. Din ansökan har mottagits.",
            "application_received",
        ),
    ],
)
def test_a_swedish_service_is_no_post(body: str, kind: str) -> None:
    body = f"Hej Anna,\n\n{body}\n\nMed vänliga hälsningar\nLina"
    sender = "Studieinfo <noreply@studieinfo.example>"
    assert rules_only_kind("Din ansökan har mottagits", body, sender=sender) == kind


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Deltag i samtalen: Ansøgerskema – Lagermedarbejder",
            "Hej Rasmus,\n\nDu er rykket videre, og vi vil gerne bede dig om at besvare nogle "
            "spørgsmål. Start den skriftlige samtale nu.\n\nHjortshøj VVS",
        ),
        (
            "Nästa steg: Lagermedarbetare",
            "Hej Anna,\n\nDu har gått vidare och vi ber dig svara på några frågor i en "
            "skriftlig intervju.\n\nMed vänliga hälsningar\nLina",
        ),
    ],
)
def test_a_written_interview_is_a_test(subject: str, body: str) -> None:
    sender = "Rekruttering <job@firma.example>"
    assert rules_only_kind(subject, body, sender=sender) == "assessment_request"
