"""Business days: weekends and Norwegian public holidays from the holidays package."""

from __future__ import annotations

from datetime import date

import pytest

from agent.analysis.calendar import BusinessCalendar, calendar_for_language, country_for_language

NO = BusinessCalendar("NO")
WEEKENDS = BusinessCalendar(None)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 24), True),  # an ordinary Tuesday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
        (date(2026, 5, 17), False),  # Constitution Day (a Sunday in 2026 anyway)
        (date(2027, 5, 17), False),  # Constitution Day and Whit Monday, a Monday
        (date(2026, 12, 25), False),  # Christmas Day
        (date(2026, 12, 24), True),  # Christmas Eve is no public holiday
        (date(2027, 3, 25), False),  # Maundy Thursday
        (date(2027, 3, 26), False),  # Good Friday
        (date(2027, 3, 29), False),  # Easter Monday
        (date(2027, 5, 6), False),  # Ascension Day
        (date(2027, 1, 1), False),  # New Year's Day
        (date(2026, 5, 1), False),  # Labour Day
    ],
)
def test_norwegian_business_days(day: date, expected: bool) -> None:
    assert NO.is_business_day(day) is expected


def test_weekends_only_calendar_knows_no_holidays() -> None:
    assert WEEKENDS.is_business_day(date(2026, 12, 25))
    assert not WEEKENDS.is_business_day(date(2026, 12, 26))
    assert WEEKENDS.holiday_name(date(2026, 12, 25)) is None


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 11, 24), 0, date(2026, 11, 24)),
        (date(2026, 11, 24), 3, date(2026, 11, 27)),
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday + 1 = Monday
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # from a Saturday
        (date(2027, 5, 14), 1, date(2027, 5, 18)),  # over 17 May / Whit Monday
        (date(2026, 12, 23), 2, date(2026, 12, 28)),  # over Christmas
        (date(2027, 3, 24), 1, date(2027, 3, 30)),  # over Easter
        (date(2026, 11, 24), 10, date(2026, 12, 8)),
    ],
)
def test_add_business_days(start: date, n: int, expected: date) -> None:
    assert NO.add_business_days(start, n) == expected


def test_add_business_days_rejects_negative() -> None:
    with pytest.raises(ValueError):
        NO.add_business_days(date(2026, 11, 24), -1)


def test_last_and_next_business_day() -> None:
    assert NO.last_business_day_on_or_before(date(2027, 3, 29)) == date(2027, 3, 24)
    assert NO.next_business_day_on_or_after(date(2027, 3, 25)) == date(2027, 3, 30)
    assert NO.last_business_day_on_or_before(date(2026, 11, 24)) == date(2026, 11, 24)
    assert WEEKENDS.last_business_day_on_or_before(date(2026, 10, 31)) == date(2026, 10, 30)
    assert NO.last_business_day_in(date(2027, 3, 22), date(2027, 3, 28)) == date(2027, 3, 24)
    # A span without a single business day ends on its last day.
    assert NO.last_business_day_in(date(2026, 12, 26), date(2026, 12, 27)) == date(2026, 12, 27)


def test_holiday_names() -> None:
    assert NO.holiday_name(date(2027, 3, 26)) is not None
    assert BusinessCalendar("NO", language="en_US").holiday_name(date(2027, 3, 26)) == "Good Friday"
    assert NO.holiday_name(date(2026, 11, 24)) is None


def test_subdivision_holidays() -> None:
    germany = BusinessCalendar("DE")
    bavaria = BusinessCalendar("DE", "BY")
    epiphany = date(2027, 1, 6)
    assert germany.is_business_day(epiphany)
    assert not bavaria.is_business_day(epiphany)


def test_country_for_language_comes_from_the_rules() -> None:
    assert country_for_language("nb") == "NO"
    assert country_for_language("no") == "NO"
    assert country_for_language("nn") == "NO"
    assert country_for_language("en") is None
    assert country_for_language("xx") is None
    assert calendar_for_language("nb").country == "NO"
    assert calendar_for_language("en").country is None
