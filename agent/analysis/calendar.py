"""Business days: weekends plus the public holidays (and customary days off) of one country.

Pure: the holiday tables come from the ``holidays`` package, computed per year on
first use and kept in memory. No clock is read; every question names its day.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

from agent.rules import Rules, shipped_rules

# Saturday and Sunday; ``date.weekday()`` numbering.
WEEKEND = frozenset({5, 6})
# Guards against a calendar where no business day can ever be found.
_MAX_SCAN_DAYS = 366
# Days a country treats as days off beyond its public holidays, as categories of the
# ``holidays`` package: Swedes do not work on Midsummer Eve, Christmas Eve or New
# Year's Eve (``de_facto``), though none of them is a public holiday by law.
DAYS_OFF = {"SE": ("public", "de_facto")}


@cache
def _categories(country: str) -> tuple[str, ...]:
    """The holiday categories that are days off in ``country``, as far as ``holidays`` knows them."""
    wanted = DAYS_OFF.get(country, ("public",))
    supported = getattr(holidays.country_holidays(country), "supported_categories", wanted)
    return tuple(c for c in wanted if c in supported) or ("public",)


class BusinessCalendar:
    """Which days are business days in ``country`` (ISO 3166 code); ``None`` = weekends only."""

    def __init__(
        self,
        country: str | None = "NO",
        subdivision: str | None = None,
        *,
        language: str | None = None,
    ) -> None:
        self.country = country.upper() if country else None
        self.subdivision = subdivision
        self._language = language
        self._years: dict[int, dict[date, str]] = {}

    def __repr__(self) -> str:
        return f"BusinessCalendar(country={self.country!r}, subdivision={self.subdivision!r})"

    def _holidays(self, year: int) -> dict[date, str]:
        table = self._years.get(year)
        if table is None:
            if self.country is None:
                table = {}
            else:
                found = holidays.country_holidays(
                    self.country,
                    subdiv=self.subdivision,
                    years=year,
                    language=self._language,
                    categories=_categories(self.country),
                )
                table = dict(found.items())
            self._years[year] = table
        return table

    def holiday_name(self, day: date) -> str | None:
        return self._holidays(day.year).get(day)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() not in WEEKEND and day not in self._holidays(day.year)

    def add_business_days(self, day: date, n: int) -> date:
        """The day ``n`` business days after ``day`` (``n == 0`` gives ``day`` itself)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        current = day
        remaining = n
        while remaining:
            current += timedelta(days=1)
            if self.is_business_day(current):
                remaining -= 1
        return current

    def last_business_day_on_or_before(self, day: date) -> date:
        current = day
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_business_day(current):
                return current
            current -= timedelta(days=1)
        return day

    def next_business_day_on_or_after(self, day: date) -> date:
        current = day
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_business_day(current):
                return current
            current += timedelta(days=1)
        return day

    def last_business_day_in(self, first: date, last: date) -> date:
        """The last business day of ``first..last``; ``last`` when the span has none."""
        found = self.last_business_day_on_or_before(last)
        return found if found >= first else last


def country_for_language(lang: str, rules: Rules | None = None) -> str | None:
    """The holiday country a language implies (``settings.country`` of its date rules)."""
    from agent.analysis.dates.rules import date_rules_for

    data = date_rules_for(lang, rules or shipped_rules())
    if data is None:
        return None
    country = data.get("settings", {}).get("country")
    return str(country).upper() if country else None


@cache
def calendar_for_language(lang: str) -> BusinessCalendar:
    """A shared calendar for the shipped rules of ``lang`` (weekends only when unknown)."""
    return BusinessCalendar(country_for_language(lang))
