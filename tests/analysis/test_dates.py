"""The temporal-expression grammar: promise phrases in English and Bokmål, resolved
against a fixed message Date, with Norwegian business days.

Readings chosen where English or Norwegian is ambiguous (documented here and in
rules/dates/<lang>.toml):
- "by Friday" / "innen fredag" is the next Friday strictly after the message's day:
  said on a Friday it means the following Friday ("today" / "i dag" says today).
- "next Friday" / "neste fredag" is the Friday of the next calendar week (Duckling's
  English reading; settings.next_weekday), so on a Tuesday it is 10 days ahead.
- "early December" is the 10th, "mid-December" the 20th, the end of a month, week or
  year its last business day; "early next week" is Tuesday, "mid next week" Wednesday.
- "after the summer holidays" is 15 August; "before Christmas" the last business day
  on or before 23 December; "before Easter" the last business day on or before the
  Wednesday before Easter; "after Easter" the Friday of the week after Easter Monday;
  "after New Year" / "in the new year" the 10th of January.
- A clock time without a day is today if it is still ahead of the message, else tomorrow.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from agent.analysis.calendar import BusinessCalendar
from agent.analysis.dates.grammar import DateGrammar, TemporalMatch, resolve_phrase
from agent.errors import RulesError
from agent.rules import Rules

CET = timezone(timedelta(hours=1))
TUE = datetime(2026, 11, 24, 10, 0, tzinfo=CET)  # a Tuesday
FRI = datetime(2026, 11, 27, 16, 30, tzinfo=CET)  # a Friday afternoon
NO = BusinessCalendar("NO")
WEEKENDS = BusinessCalendar(None)


@pytest.fixture(scope="module")
def grammars() -> dict[str, DateGrammar]:
    return {lang: DateGrammar(lang) for lang in ("en", "nb", "da", "sv")}


def longest(grammar: DateGrammar, text: str, ref: datetime, cal: BusinessCalendar) -> TemporalMatch:
    matches = grammar.find(text, ref, cal)
    assert matches, f"nothing found in {text!r}"
    return max(matches, key=lambda m: m.end - m.start)


EN_TUESDAY = [
    ("We will decide within two weeks.", date(2026, 12, 8)),
    ("You will hear from us within 10 days.", date(2026, 12, 4)),
    ("We respond within 5 business days.", date(2026, 12, 1)),
    ("The course lasts two or three days.", None),  # no lead word: a length, not a promise
    ("We will reply within two or three days.", date(2026, 11, 27)),
    ("Expect an answer in 2-3 days.", date(2026, 11, 27)),
    ("We'll get back to you in a couple of days.", date(2026, 11, 26)),
    ("We will be in touch in a few days.", date(2026, 11, 27)),
    ("We will decide next week.", date(2026, 12, 4)),
    ("We expect to decide early next week.", date(2026, 12, 1)),
    ("A decision is due mid next week.", date(2026, 12, 2)),
    ("You will hear from us by the end of next week.", date(2026, 12, 4)),
    ("We'll let you know this week.", date(2026, 11, 27)),
    ("We will get back to you by the end of the week.", date(2026, 11, 27)),
    ("We'll let you know by Friday.", date(2026, 11, 27)),
    ("We will call you on Monday.", date(2026, 11, 30)),
    ("We will decide next Friday.", date(2026, 12, 4)),
    ("We will decide this Friday.", date(2026, 11, 27)),
    ("Reply by Tuesday, please.", date(2026, 12, 1)),
    ("I will send it today.", date(2026, 11, 24)),
    ("I will send it tomorrow.", date(2026, 11, 25)),
    ("We meet the day after tomorrow.", date(2026, 11, 26)),
    ("We decide by the end of the month.", date(2026, 11, 30)),
    ("We decide by the end of November.", date(2026, 11, 30)),
    ("We will decide next month.", date(2026, 12, 31)),
    ("We hope to finish by early December.", date(2026, 12, 10)),
    ("We hope to have an update by mid-December.", date(2026, 12, 20)),
    ("We decide in late December.", date(2026, 12, 31)),
    ("We will decide in December.", date(2026, 12, 31)),
    ("The decision will be made in week 50.", date(2026, 12, 11)),
    ("Interviews take place in week 12.", date(2027, 3, 26)),
    ("We will contact you no later than December 4th.", date(2026, 12, 4)),
    ("We decide on 4 December.", date(2026, 12, 4)),
    ("We decide by Dec 4.", date(2026, 12, 4)),
    ("We decide by 12/4.", date(2026, 12, 4)),
    ("We decide by 4/12.", date(2027, 4, 12)),  # month first in English (settings.date_order)
    ("The deadline is 04.12.2026.", date(2026, 12, 4)),
    ("The deadline is 2026-12-04.", date(2026, 12, 4)),
    ("We'll respond within 24 hours.", date(2026, 11, 25)),
    ("You will hear back in three days.", date(2026, 11, 27)),
    ("I will call you this afternoon.", date(2026, 11, 24)),
    ("We will reach out before Christmas.", date(2026, 12, 23)),
    ("We continue after the summer holidays.", date(2027, 8, 15)),
    ("We will be done before Easter.", date(2027, 3, 24)),
    ("We will hire in Q1.", date(2027, 3, 31)),
    ("We decide next quarter.", date(2027, 3, 31)),
    ("We decide this quarter.", date(2026, 12, 31)),
    ("We decide by the end of the year.", date(2026, 12, 31)),
    ("We will hire next year.", date(2027, 12, 31)),
    ("We will hire in 2027.", date(2027, 12, 31)),
    ("We meet the week after next.", date(2026, 12, 11)),
    ("We meet Friday after next.", date(2026, 12, 4)),
    ("We will update you within a week or two.", date(2026, 12, 8)),
    ("We'll respond within the next 24-48 hours.", date(2026, 11, 26)),
    ("We will reach out a week from today.", date(2026, 12, 1)),
    # seven days, not the calendar week after ("next week" ends on its Friday)
    ("We will contact you within the next week.", date(2026, 12, 1)),
    ("We will contact you next week.", date(2026, 12, 4)),
    ("We'll have news for you by the 30th.", date(2026, 11, 30)),
    ("The panel meets on the 1st.", date(2026, 12, 1)),
    ("We'll be in touch in the new year.", date(2027, 1, 10)),
    ("We will be in touch over the coming weeks.", date(2026, 12, 15)),
    ("We will be in touch over the next few days.", date(2026, 11, 27)),
    ("I'll call you first thing Monday.", date(2026, 11, 30)),
    ("We will decide by COB Friday.", date(2026, 11, 27)),
    ("Feedback will follow later this week.", date(2026, 11, 27)),
    ("We'll confirm in the first week of January.", date(2027, 1, 8)),
    ("Offers go out on the last Friday of January.", date(2027, 1, 29)),
    ("Interviews will take place Dec 7-9.", date(2026, 12, 9)),
    ("Interviews run from 7 to 9 December.", date(2026, 12, 9)),
    ("We'll update you by mid-January.", date(2027, 1, 20)),
    ("We'll call you this weekend.", date(2026, 11, 29)),
    ("We'll decide by the weekend.", date(2026, 11, 27)),
    ("We'll get back to you after the weekend.", date(2026, 12, 1)),
    ("We may take up to three weeks to review.", date(2026, 12, 15)),
    ("You can expect an answer in about a week.", date(2026, 12, 1)),
    ("We will decide in two weeks' time.", date(2026, 12, 8)),
    ("We will be in touch within a fortnight.", date(2026, 12, 8)),
    ("We will make a decision in early 2027.", date(2027, 3, 31)),
    ("We will decide before December.", date(2026, 11, 30)),  # the days up to it
    ("We'll get back to you before next week.", date(2026, 11, 27)),
    ("We'll get back to you before the end of next week.", date(2026, 12, 4)),
    ("Application Date: 2026 Nov 09", date(2026, 11, 9)),
    ("We will be in touch towards the end of the month.", date(2026, 11, 30)),
    ("We will be in touch around the turn of the month.", date(2026, 12, 1)),
    ("We will decide by month-end.", date(2026, 11, 30)),
    ("Please allow 2-3 weeks for us to review.", date(2026, 12, 15)),
    ("We will be in contact during the first half of December.", date(2026, 12, 20)),
    ("We'll be in touch in the next ~2 weeks with an update.", date(2026, 12, 8)),
    ("You will be contacted within three (3) weeks.", date(2026, 12, 15)),
    ("We will reply within 10 (ten) working days.", date(2026, 12, 8)),
]


@pytest.mark.parametrize(("text", "expected"), EN_TUESDAY)
def test_english_on_a_tuesday(
    grammars: dict[str, DateGrammar], text: str, expected: date | None
) -> None:
    matches = grammars["en"].find(text, TUE, WEEKENDS)
    if expected is None:
        assert matches == []
    else:
        assert longest(grammars["en"], text, TUE, WEEKENDS).resolved == expected


NB_TUESDAY = [
    ("Du vil høre fra oss innen to uker.", date(2026, 12, 8)),
    ("Vi gir svar i løpet av 14 dager.", date(2026, 12, 8)),
    ("Vi svarer innen 3 virkedager.", date(2026, 11, 27)),
    ("Du får svar senest to uker etter intervjuet.", date(2026, 12, 8)),  # "at the latest N weeks"
    ("Svar kommer i løpet av to eller tre dager.", date(2026, 11, 27)),
    ("Svar kommer innen to–tre dager.", date(2026, 11, 27)),
    ("Vi kommer tilbake til deg om et par dager.", date(2026, 11, 26)),
    ("Du hører fra oss i løpet av de neste par dagene.", date(2026, 11, 26)),  # "par" alone
    ("Vi kommer tilbake til deg om noen dager.", date(2026, 11, 27)),
    ("Vi tar kontakt neste uke.", date(2026, 12, 4)),
    ("Vi tar kontakt i løpet av neste uke.", date(2026, 12, 4)),
    ("Vi gir beskjed i starten av neste uke.", date(2026, 12, 1)),
    ("Vi gir svar tidlig neste uke.", date(2026, 12, 1)),
    ("Vi tar kontakt midt i neste uke.", date(2026, 12, 2)),
    ("Svar kommer i slutten av neste uke.", date(2026, 12, 4)),
    ("Vi gir deg svar denne uka.", date(2026, 11, 27)),
    ("Vi gir deg svar denne uken.", date(2026, 11, 27)),
    ("Vi gir beskjed i løpet av uka.", date(2026, 11, 27)),
    ("Vi gir beskjed innen helgen.", date(2026, 11, 27)),
    ("Vi gir deg svar innen fredag.", date(2026, 11, 27)),
    ("Vi ringer deg på fredag.", date(2026, 11, 27)),
    ("Vi gir svar neste fredag.", date(2026, 12, 4)),
    ("Vi regner med en avklaring innen utgangen av måneden.", date(2026, 11, 30)),
    # around the turn of the month: the next month's first working day
    ("Du hører fra oss rundt månedsskiftet.", date(2026, 12, 1)),
    ("Du hører fra oss innen månedsskiftet.", date(2026, 11, 30)),
    ("Vi gir svar i løpet av måneden.", date(2026, 11, 30)),
    ("Vi gir svar innen utgangen av november.", date(2026, 11, 30)),
    ("Vi tar kontakt neste måned.", date(2026, 12, 31)),
    ("Vi gir en tilbakemelding i begynnelsen av desember.", date(2026, 12, 10)),
    ("Prosessen avsluttes i midten av desember.", date(2026, 12, 20)),
    ("Vi tar en beslutning i uke 50.", date(2026, 12, 11)),
    ("Vi tar en beslutning i uke 12.", date(2027, 3, 24)),  # Maundy Thursday, Good Friday
    ("Vi kommer tilbake til deg innen 14. mars.", date(2027, 3, 14)),
    ("Svarfrist er 04.12.2026.", date(2026, 12, 4)),
    ("Vi tar kontakt innen 4.12.", date(2026, 12, 4)),
    ("Vi tar kontakt innen 4/12.", date(2026, 12, 4)),  # day first in Norwegian
    ("Du får svar i dag.", date(2026, 11, 24)),
    ("Du får svar i morgen.", date(2026, 11, 25)),
    ("Vi ringer deg i overmorgen.", date(2026, 11, 26)),
    ("Vi ringer i ettermiddag.", date(2026, 11, 24)),
    ("Vi gir beskjed om to uker.", date(2026, 12, 8)),
    ("Vi håper å være ferdige før jul.", date(2026, 12, 23)),
    ("Vi tar kontakt etter sommerferien.", date(2027, 8, 15)),
    ("Du får svar før påske.", date(2027, 3, 24)),
    ("Vi tar kontakt etter påske.", date(2027, 4, 9)),
    ("Svar kommer innen 1. desember.", date(2026, 12, 1)),
    ("Beslutningen tas i løpet av januar.", date(2027, 1, 29)),
    ("Vi tar en avgjørelse dette kvartalet.", date(2026, 12, 31)),
    ("Vi ansetter neste år.", date(2027, 12, 31)),
    ("Vi tar kontakt etter helgen.", date(2026, 12, 1)),
    ("Vi tar kontakt over nyttår.", date(2027, 1, 10)),
    ("Du får svar innen utgangen av uke 50.", date(2026, 12, 11)),
    ("Vi gir beskjed i løpet av uke 49 eller 50.", date(2026, 12, 11)),
    ("Du hører fra oss i løpet av de neste to ukene.", date(2026, 12, 8)),
    ("Du får svar i løpet av en ukes tid.", date(2026, 12, 1)),
    ("Vi tar kontakt om en uke eller to.", date(2026, 12, 8)),
    ("Vi gir beskjed om cirka to uker.", date(2026, 12, 8)),
    ("Vi tar kontakt førstkommende mandag.", date(2026, 11, 30)),
    ("Vi gir svar tidlig i januar.", date(2027, 1, 10)),
    ("Beslutning tas medio januar.", date(2027, 1, 20)),
    ("Vi er ferdige innen nyttår.", date(2026, 12, 31)),
    ("Vi gir deg svar i løpet av de nærmeste dagene.", date(2026, 11, 27)),
    ("Vi gir svar før neste uke.", date(2026, 11, 27)),
    ("Vi tar kontakt før desember.", date(2026, 11, 30)),
    ("Du hører fra oss i løpet av de to neste ukene.", date(2026, 12, 8)),
    ("Vi avklarer dette i løpet av dagen i morgen.", date(2026, 11, 25)),
    ("Det tar normalt 2-3 uker.", date(2026, 12, 15)),
]


@pytest.mark.parametrize(("text", "expected"), NB_TUESDAY)
def test_norwegian_on_a_tuesday(
    grammars: dict[str, DateGrammar], text: str, expected: date
) -> None:
    assert longest(grammars["nb"], text, TUE, NO).resolved == expected


FRIDAY = [
    ("en", "We'll let you know by Friday.", date(2026, 12, 4)),  # not today: see the module doc
    ("en", "We'll let you know today.", date(2026, 11, 27)),
    ("en", "We will decide next week.", date(2026, 12, 4)),
    ("en", "We expect to decide early next week.", date(2026, 12, 1)),
    ("en", "We will call you on Monday.", date(2026, 11, 30)),
    ("en", "We will call you next Monday.", date(2026, 11, 30)),
    ("en", "We'll let you know this week.", date(2026, 11, 27)),
    ("en", "We respond within 3 business days.", date(2026, 12, 2)),
    ("en", "We will be in touch in a few days.", date(2026, 12, 2)),
    ("en", "We decide by the end of the month.", date(2026, 11, 30)),
    ("nb", "Vi gir deg svar innen fredag.", date(2026, 12, 4)),
    ("nb", "Vi gir beskjed i løpet av uka.", date(2026, 11, 27)),
    ("nb", "Vi svarer innen 3 virkedager.", date(2026, 12, 2)),
    ("nb", "Vi kommer tilbake til deg om noen dager.", date(2026, 12, 2)),
]


# "senest"/"senast" before a count of days or weeks is the window's end, as "within".
NORDIC_LATEST = [
    ("da", "Du får svar senest 2 uger efter ansøgningsfristen.", date(2026, 12, 8)),
    ("da", "Vi vender tilbage senest 5 arbejdsdage efter samtalen.", date(2026, 12, 1)),
    ("sv", "Vi återkommer senast två veckor efter intervjun.", date(2026, 12, 8)),
    ("da", "Du hører fra os i løbet af de næste par dage.", date(2026, 11, 27)),  # as "et par"
]


# A number said twice, in words and digits, as formal letters do.
NORDIC_TWICE = [
    ("nb", "Du vil få svar innen tre (3) uker.", date(2026, 12, 15)),
    ("da", "Du hører fra os inden for to (2) uger.", date(2026, 12, 8)),
    ("sv", "Vi återkommer inom två (2) veckor.", date(2026, 12, 8)),
]


# A compound number in words is one number, not its first word: "twenty-one days" is 21.
COMPOUNDS = [
    ("en", "We will reply within twenty-one days.", date(2026, 12, 15)),
    ("en", "Successful applicants hear within twenty four hours.", date(2026, 11, 25)),
    ("en", "You will hear from us within forty-eight hours.", date(2026, 11, 26)),
    ("en", "We aim to respond within seventy two hours.", date(2026, 11, 27)),
    ("nb", "Du får svar innen førtiåtte timer.", date(2026, 11, 26)),
    ("da", "Du hører fra os inden for otteogfyrre timer.", date(2026, 11, 26)),
    ("sv", "Vi återkommer inom tjugoen dagar.", date(2026, 12, 15)),
    # Composed from tens and units, none of them listed whole: read whole, never as the tens.
    ("en", "We will get back to you within thirty-seven days.", date(2026, 12, 31)),
    ("en", "We will get back to you within thirty seven days.", date(2026, 12, 31)),
    ("en", "Expect an answer within twenty-two days.", date(2026, 12, 16)),
    ("nb", "Vi gir svar innen tjueto dager.", date(2026, 12, 16)),
    ("nb", "Du får svar innen fireogtyve timer.", date(2026, 11, 25)),
    ("da", "Vi vender tilbage inden for toogtyve dage.", date(2026, 12, 16)),
    ("sv", "Vi återkommer inom tjugotvå dagar.", date(2026, 12, 16)),
]


# "Calendar" days, weeks and months are the plain ones: every day counts.
CALENDAR_UNITS = [
    ("en", "We will respond within 30 calendar days.", date(2026, 12, 24)),
    ("en", "We aim to respond within one calendar month.", date(2026, 12, 24)),
    ("en", "You will hear from us within two calendar weeks.", date(2026, 12, 8)),
    ("nb", "Vi gir deg svar innen 14 kalenderdager.", date(2026, 12, 8)),
    ("da", "Vi vender tilbage inden for 14 kalenderdage.", date(2026, 12, 8)),
    ("sv", "Vi återkommer inom 14 kalenderdagar.", date(2026, 12, 8)),
]


COUNTRY = {"en": None, "nb": "NO", "da": "DK", "sv": "SE"}


def _on_tuesday(lang: str, text: str) -> date | None:
    """The day ``text`` resolves to, said on TUE in the country of ``lang``."""
    return longest(DateGrammar(lang), text, TUE, BusinessCalendar(COUNTRY[lang])).resolved


# "The week after 2 December" is the week that follows the one the day is in (Wed 2 Dec
# 2026: the week of 7-11 December), read to its last working day; and Nordic mail writes
# a year after a dash ("d. 4/12-26").
WEEK_AFTER = [
    ("en", "We will get back to you in the week after 2 December.", date(2026, 12, 11)),
    ("en", "You will hear from us the week following December 2nd.", date(2026, 12, 11)),
    ("nb", "Du hører fra oss i uka etter 2. desember.", date(2026, 12, 11)),
    ("nb", "Du får svar uken etter 2.12.", date(2026, 12, 11)),
    ("da", "Vi reviewer din løsning i ugen efter d. 2/12-26.", date(2026, 12, 11)),
    ("da", "Du hører fra os senest d. 4/12-26.", date(2026, 12, 4)),
    ("sv", "Du får besked veckan efter den 2 december.", date(2026, 12, 11)),
    ("sv", "Besked kommer senast 4/12-26.", date(2026, 12, 4)),
]


@pytest.mark.parametrize(("lang", "text", "expected"), WEEK_AFTER)
def test_the_week_after_a_day(lang: str, text: str, expected: date) -> None:
    assert _on_tuesday(lang, text) == expected


# "The end of week 51" is week 51's last working day, not the end of this week; "early in
# week 51" its Tuesday; "before week 51" the Friday before it; "Tuesday of week 51" that
# Tuesday (week 51 of 2026 is 14-18 December).
PART_OF_A_NUMBERED_WEEK = [
    ("en", "You will hear from us by the end of week 51.", date(2026, 12, 18)),
    ("en", "We expect to decide early in week 51.", date(2026, 12, 15)),
    ("nb", "Du får svar i slutten av uke 51.", date(2026, 12, 18)),
    ("nb", "Vi gir deg beskjed innen utgangen av uke 51.", date(2026, 12, 18)),
    ("da", "Du får svar i slutningen af uge 51.", date(2026, 12, 18)),
    ("da", "Vi vender tilbage i starten af uge 51.", date(2026, 12, 15)),
    ("sv", "Du får besked i slutet av vecka 51.", date(2026, 12, 18)),
    ("sv", "Vi återkommer i början av vecka 51.", date(2026, 12, 15)),
    # before week 51: the last working day before it
    ("en", "You will hear from us before week 51.", date(2026, 12, 11)),
    ("nb", "Du får svar før uke 51.", date(2026, 12, 11)),
    ("da", "Du får svar før uge 51.", date(2026, 12, 11)),
    ("sv", "Du får besked innan vecka 51.", date(2026, 12, 11)),
    # a weekday of week 51: that day
    ("en", "We will get back to you on Tuesday of week 51.", date(2026, 12, 15)),
    ("nb", "Du får svar tirsdag i uke 51.", date(2026, 12, 15)),
    ("da", "Du får svar tirsdag i uge 51.", date(2026, 12, 15)),
    ("sv", "Du får besked tisdag v.51.", date(2026, 12, 15)),
]


@pytest.mark.parametrize(("lang", "text", "expected"), PART_OF_A_NUMBERED_WEEK)
def test_part_of_a_numbered_week(lang: str, text: str, expected: date) -> None:
    assert _on_tuesday(lang, text) == expected


# "Friday week", "fredag om en uke": the coming Friday (27 November) and a week, not the
# coming Friday, and not a week from today.
A_WEEKDAY_AND_A_WEEK = [
    ("en", "We will get back to you by Friday week.", date(2026, 12, 4)),
    ("en", "We will get back to you a week on Friday.", date(2026, 12, 4)),
    ("nb", "Du får svar fredag om en uke.", date(2026, 12, 4)),
    ("nb", "Vi gir deg beskjed om en uke på fredag.", date(2026, 12, 4)),
    ("da", "Du får svar på fredag om otte dage.", date(2026, 12, 4)),
    ("da", "Du får svar fredag om en uge.", date(2026, 12, 4)),
    ("sv", "Du får besked fredag om en vecka.", date(2026, 12, 4)),
    ("sv", "Vi hör av oss om en vecka på fredag.", date(2026, 12, 4)),
]


@pytest.mark.parametrize(("lang", "text", "expected"), A_WEEKDAY_AND_A_WEEK)
def test_a_weekday_and_a_week(lang: str, text: str, expected: date) -> None:
    assert _on_tuesday(lang, text) == expected


# A window whose two ends have units of their own reaches to the later end: "a week to ten
# days" is ten days (4 December), not ten weeks; "10 days to two weeks" is two weeks.
TWO_UNITS = [
    ("en", "We will be in touch within a week to ten days.", date(2026, 12, 4)),
    ("en", "We will be in touch within 10 days to two weeks.", date(2026, 12, 8)),
    ("nb", "Du får svar innen 10 dager til to uker.", date(2026, 12, 8)),
    ("da", "Du får svar inden for 10 dage til to uger.", date(2026, 12, 8)),
    ("sv", "Du får besked inom 10 dagar till två veckor.", date(2026, 12, 8)),
]


@pytest.mark.parametrize(("lang", "text", "expected"), TWO_UNITS)
def test_a_window_with_two_units(lang: str, text: str, expected: date) -> None:
    assert _on_tuesday(lang, text) == expected


@pytest.mark.parametrize(("lang", "text", "expected"), CALENDAR_UNITS)
def test_calendar_days_are_plain_days(lang: str, text: str, expected: date) -> None:
    assert _on_tuesday(lang, text) == expected


@pytest.mark.parametrize(("lang", "text", "expected"), COMPOUNDS)
def test_a_compound_number_in_words(lang: str, text: str, expected: date) -> None:
    assert _on_tuesday(lang, text) == expected


@pytest.mark.parametrize(("lang", "text", "expected"), NORDIC_TWICE)
def test_a_number_in_words_and_digits(lang: str, text: str, expected: date) -> None:
    assert _on_tuesday(lang, text) == expected


@pytest.mark.parametrize(("lang", "text", "expected"), NORDIC_LATEST)
def test_at_the_latest_a_count_of_days(lang: str, text: str, expected: date) -> None:
    assert _on_tuesday(lang, text) == expected


@pytest.mark.parametrize(("lang", "text", "expected"), FRIDAY)
def test_said_on_a_friday(
    grammars: dict[str, DateGrammar], lang: str, text: str, expected: date
) -> None:
    assert longest(grammars[lang], text, FRI, NO).resolved == expected


HOLIDAYS = [
    # (message Date, text, expected) with Norwegian public holidays
    (
        datetime(2027, 5, 14, 9, tzinfo=CET),
        "Vi svarer innen 3 virkedager.",
        date(2027, 5, 20),
    ),  # 17 May
    (datetime(2026, 12, 22, 9, tzinfo=CET), "Vi svarer innen 3 virkedager.", date(2026, 12, 28)),
    (
        datetime(2027, 3, 22, 9, tzinfo=CET),
        "Vi svarer innen 3 virkedager.",
        date(2027, 3, 30),
    ),  # Easter
    (datetime(2027, 3, 17, 9, tzinfo=CET), "Vi gir svar neste uke.", date(2027, 3, 24)),
    (datetime(2026, 3, 23, 9, tzinfo=CET), "We will decide next week.", date(2026, 4, 1)),
    (datetime(2026, 5, 4, 9, tzinfo=CET), "Svar kommer i slutten av mai.", date(2026, 5, 29)),
    (datetime(2027, 5, 12, 9, tzinfo=CET), "Vi tar kontakt i løpet av uka.", date(2027, 5, 14)),
]


@pytest.mark.parametrize(("ref", "text", "expected"), HOLIDAYS)
def test_norwegian_holidays_move_deadlines(ref: datetime, text: str, expected: date) -> None:
    lang = "en" if text.startswith("We") else "nb"
    assert longest(DateGrammar(lang), text, ref, NO).resolved == expected


def test_the_same_week_without_holidays_ends_on_friday(grammars: dict[str, DateGrammar]) -> None:
    ref = datetime(2027, 3, 17, 9, tzinfo=CET)
    assert longest(grammars["en"], "We will decide next week.", ref, WEEKENDS).resolved == date(
        2027, 3, 26
    )


CLOCK = [
    ("nb", TUE, "Intervjuet blir fredag 14. mars kl. 16.", None, None),
    (
        "nb",
        datetime(2025, 3, 10, 9, tzinfo=CET),
        "Intervjuet blir fredag 14. mars kl. 16.",
        date(2025, 3, 14),
        "2025-03-14T16:00:00+01:00",
    ),
    (
        "nb",
        TUE,
        "Vi ses mandag 7. desember kl. 10.00.",
        date(2026, 12, 7),
        "2026-12-07T10:00:00+01:00",
    ),
    (
        "nb",
        TUE,
        "Intervju tirsdag den 1.12. kl 14.",
        date(2026, 12, 1),
        "2026-12-01T14:00:00+01:00",
    ),
    ("nb", TUE, "Intervjuet er i dag kl 14:30.", date(2026, 11, 24), "2026-11-24T14:30:00+01:00"),
    ("nb", TUE, "Vi ringer kl. 16.", date(2026, 11, 24), "2026-11-24T16:00:00+01:00"),
    ("nb", TUE, "Vi ringer i kveld kl. 8.", date(2026, 11, 24), "2026-11-24T20:00:00+01:00"),
    (
        "en",
        TUE,
        "Can you make it on Friday at 10am?",
        date(2026, 11, 27),
        "2026-11-27T10:00:00+01:00",
    ),
    (
        "en",
        TUE,
        "Your interview is Tuesday, December 1 at 10:00 CET.",
        date(2026, 12, 1),
        "2026-12-01T10:00:00+01:00",
    ),
    (
        "en",
        TUE,
        "The call is at 9:00 EST on Thursday.",
        date(2026, 11, 26),
        "2026-11-26T09:00:00-05:00",
    ),
    ("en", TUE, "Let's talk at 3pm tomorrow.", date(2026, 11, 25), "2026-11-25T15:00:00+01:00"),
    (
        "en",
        TUE,
        "Can we meet Thursday from 9:30 to 11:00?",
        date(2026, 11, 26),
        "2026-11-26T09:30:00+01:00",
    ),
    (
        "en",
        TUE,
        "Let's speak tomorrow afternoon at 5.",
        date(2026, 11, 25),
        "2026-11-25T17:00:00+01:00",
    ),
    (
        "en",
        FRI,
        "I can call at 10:00.",
        date(2026, 11, 28),
        "2026-11-28T10:00:00+01:00",
    ),  # already past today
    ("en", FRI, "I can call at 18:00.", date(2026, 11, 27), "2026-11-27T18:00:00+01:00"),
]


@pytest.mark.parametrize(("lang", "ref", "text", "day", "at"), CLOCK)
def test_clock_times_fill_at(
    grammars: dict[str, DateGrammar],
    lang: str,
    ref: datetime,
    text: str,
    day: date | None,
    at: str | None,
) -> None:
    match = longest(grammars[lang], text, ref, NO)
    if day is None:
        # 14 March 2027 is a Sunday: the date wins over the weekday, the time is kept.
        assert match.resolved == date(2027, 3, 14)
        assert match.at is not None and match.at.hour == 16
        return
    assert match.resolved == day
    assert match.at is not None
    assert match.at.isoformat() == at


def test_a_date_takes_the_weekday_year_when_given() -> None:
    # Saturday 20 September is in 2014, not 2013.
    ref = datetime(2013, 2, 12, 4, 30, tzinfo=timezone(timedelta(hours=-2)))
    assert resolve_phrase("kl. 19:30, Lør, 20 sep", "nb", ref) == date(2014, 9, 20)


def test_resolution_uses_the_messages_own_time_zone(grammars: dict[str, DateGrammar]) -> None:
    late = datetime(2026, 11, 24, 23, 30, tzinfo=timezone(timedelta(hours=-5)))  # Nov 25 in UTC
    assert longest(grammars["en"], "I will reply tomorrow.", late, WEEKENDS).resolved == date(
        2026, 11, 25
    )
    assert longest(grammars["en"], "I will reply today.", late, WEEKENDS).resolved == date(
        2026, 11, 24
    )
    match = longest(grammars["en"], "Let's talk at 9am tomorrow.", late, WEEKENDS)
    assert match.at is not None and match.at.isoformat() == "2026-11-25T09:00:00-05:00"


def test_match_offsets_phrase_and_kind(grammars: dict[str, DateGrammar]) -> None:
    text = "Takk! Vi gir deg svar innen fredag 14. mars kl. 16, og ringer deg i morgen."
    ref = datetime(2025, 3, 10, 9, tzinfo=CET)
    matches = grammars["nb"].find(text, ref, NO)
    assert [m.phrase for m in matches] == ["innen fredag 14. mars kl. 16", "i morgen"]
    for m in matches:
        assert text[m.start : m.end] == m.phrase
    first, second = matches
    assert (first.kind, first.resolved, first.first_day) == (
        "date",
        date(2025, 3, 14),
        date(2025, 3, 14),
    )
    assert second.kind == "relative_day"


@pytest.mark.parametrize(
    ("lang", "text", "kind", "upper"),
    [
        ("en", "within two weeks", "window", False),
        ("en", "within 3 business days", "business_days", False),
        ("en", "in 2-3 weeks", "window", True),
        ("en", "in a few days", "vague", False),
        ("en", "next week", "period", False),
        ("en", "week 50", "week_number", False),
        ("en", "on Friday", "weekday", False),
        ("en", "tomorrow", "relative_day", False),
        ("en", "December 4th", "date", False),
        ("en", "Dec 7-9", "date", True),
        ("nb", "uke 12-13", "week_number", True),
        ("nb", "i løpet av to eller tre dager", "window", True),
        ("nb", "kl. 15", "time", False),
    ],
)
def test_kinds_and_ranges(
    grammars: dict[str, DateGrammar], lang: str, text: str, kind: str, upper: bool
) -> None:
    match = longest(grammars[lang], text, TUE, NO)
    assert (match.kind, match.upper_bound_of_range) == (kind, upper)
    assert match.first_day <= match.resolved


def test_window_first_day_is_the_message_day(grammars: dict[str, DateGrammar]) -> None:
    match = longest(grammars["en"], "within two weeks", TUE, WEEKENDS)
    assert match.first_day == date(2026, 11, 24)
    month = longest(grammars["nb"], "i begynnelsen av desember", TUE, NO)
    assert (month.first_day, month.resolved) == (date(2026, 12, 1), date(2026, 12, 10))


MUST_NOT_MATCH = [
    ("en", "We will call you."),
    ("en", "We would like to invite you."),
    ("en", "We may contact your references."),
    ("en", "You may apply again later."),
    ("en", "We march on with the process."),
    ("en", "The sun is shining."),
    ("en", "I sat down with the team."),
    ("en", "The role needs 2 years experience."),
    ("en", "The role requires 5 years of experience."),
    ("en", "Call me at +47 22 33 44 55."),
    ("en", "Please use version 3.10.2 of the tool."),
    ("en", "Support is available 24/7."),
    ("en", "Office Hours: Monday-Friday"),
    ("en", "Lines are open Mon to Fri."),
    ("en", "We meet on Mondays."),
    ("en", "We will decide soon."),
    ("en", "About 2/3 of candidates pass."),
    ("en", "The first candidate did well."),
    ("en", "This may take a while."),
    ("en", "Ages 10-12 are welcome."),
    ("en", "The role was posted 3 weeks ago."),
    ("en", "Our market is growing."),
    ("en", "Thanks for meeting us last Friday."),
    ("nb", "Man kan søke på flere stillinger."),
    ("nb", "Tor tar kontakt med deg."),
    ("nb", "Stillingen krever 2 års erfaring."),
    ("nb", "Vi har tre kandidater igjen i vår prosess."),
    ("nb", "Vi bruker versjon 3.10 av systemet."),
    ("nb", "Ring meg på 22 33 44 55."),
    ("nb", "Vi tar kontakt snart."),
    ("nb", "Vi tar kontakt i løpet av kort tid."),
    ("nb", "Vi har møter på mandager."),
    ("nb", "Om lag 2/3 av kandidatene går videre."),
    ("nb", "Vi ansatte to for tre uker siden."),
    ("nb", "Takk for praten forrige fredag."),
    ("nb", "Åpningstid: mandag–fredag"),
    ("da", "Åbningstid: mandag-fredag"),
    ("sv", "Öppettider: måndag–fredag"),
]


@pytest.mark.parametrize(("lang", "text"), MUST_NOT_MATCH)
def test_must_not_match(grammars: dict[str, DateGrammar], lang: str, text: str) -> None:
    assert grammars[lang].find(text, TUE, NO) == []


def test_ambiguous_words_match_in_context(grammars: dict[str, DateGrammar]) -> None:
    en = grammars["en"]
    assert longest(en, "We decide in May.", TUE, WEEKENDS).resolved == date(2027, 5, 31)
    assert longest(en, "We decide by March 3.", TUE, WEEKENDS).resolved == date(2027, 3, 3)
    assert longest(en, "Sat, Dec 5 works.", TUE, WEEKENDS).resolved == date(2026, 12, 5)
    assert longest(grammars["nb"], "Man. 30. november passer.", TUE, NO).resolved == date(
        2026, 11, 30
    )


def test_resolve_phrase_picks_the_longest_expression() -> None:
    assert resolve_phrase(
        "innen fredag 14. mars kl. 16", "nb", datetime(2025, 3, 10, 9, tzinfo=CET)
    ) == date(2025, 3, 14)
    assert resolve_phrase("within two weeks", "en", TUE) == date(2026, 12, 8)
    assert resolve_phrase("no date here", "en", TUE) is None
    assert resolve_phrase("neste uke", "no", TUE) == date(2026, 12, 4)  # an alias of nb
    assert resolve_phrase("innan to veker", "nn", TUE) == date(2026, 12, 8)  # Nynorsk words too


def test_find_never_reads_the_clock(grammars: dict[str, DateGrammar]) -> None:
    old = datetime(2013, 2, 12, 4, 30, tzinfo=timezone(timedelta(hours=-2)))
    assert longest(grammars["en"], "next week", old, WEEKENDS).resolved == date(2013, 2, 22)


# -- rules are data: a language is a rules file --------------------------------------------


def _write_language(root: Path, lang: str, body: str) -> Rules:
    folder = root / "dates"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{lang}.toml").write_text(body, encoding="utf-8")
    return Rules.load(root)


def test_a_new_language_is_a_rules_file(tmp_path: Path) -> None:
    rules = _write_language(
        tmp_path,
        "sv",
        """
[settings]
country = "SE"
[vocab.weekday]
"måndag" = 0
fredag = 4
[vocab.unit]
veckor = "week"
dagar = "day"
[vocab.number]
"två" = 2
[macros]
pre = '(?:(?:senast|på|till) )?'
[[pattern]]
reading = "weekday"
regex = '{pre}{weekday}'
[[pattern]]
reading = "offset"
regex = 'inom (?P<n>\\d+|{=number}) {unit}'
""",
    )
    grammar = DateGrammar("sv", rules)
    calendar = BusinessCalendar("SE")
    found = grammar.find("Vi återkommer inom två veckor, senast fredag.", TUE, calendar)
    assert [(m.phrase, m.resolved) for m in found] == [
        ("inom två veckor", date(2026, 12, 8)),
        ("senast fredag", date(2026, 11, 27)),
    ]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("'{nowhere}'", "unknown placeholder"),
        ("'Friday'", "lower case"),
        ("'(unclosed'", r"zz\.toml:pattern\[0\]"),
        ("'soon'", "no anchoring"),
    ],
)
def test_bad_rules_name_the_file_and_rule(tmp_path: Path, pattern: str, message: str) -> None:
    rules = _write_language(
        tmp_path,
        "zz",
        f"""
[vocab.weekday]
friday = 4
[[pattern]]
reading = "weekday"
regex = {pattern}
""",
    )
    with pytest.raises(RulesError, match=message):
        DateGrammar("zz", rules).check()


def test_shipped_rules_compile() -> None:
    for lang in ("en", "nb"):
        DateGrammar(lang).check()


def test_unknown_reading_is_a_rules_error(tmp_path: Path) -> None:
    rules = _write_language(
        tmp_path,
        "zz",
        """
[vocab.weekday]
friday = 4
[[pattern]]
reading = "guess"
regex = '{weekday}'
""",
    )
    with pytest.raises(RulesError, match="unknown reading"):
        DateGrammar("zz", rules)


@pytest.mark.parametrize(
    "compose",
    [
        'tens = { twenty = 20 }\nunits = { one = 1 }\nforms = ["{tens}"]',
        'tens = { twenty = 20 }\nforms = ["{tens}-{units}"]',
    ],
)
def test_a_bad_compose_table_is_a_rules_error(tmp_path: Path, compose: str) -> None:
    rules = _write_language(
        tmp_path,
        "zz",
        f"""
[vocab.weekday]
friday = 4
[compose.number]
{compose}
[[pattern]]
reading = "weekday"
regex = '{{weekday}}'
""",
    )
    with pytest.raises(RulesError, match=r"zz\.toml:compose\.number"):
        DateGrammar("zz", rules).check()
