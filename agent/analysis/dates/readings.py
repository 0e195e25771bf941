"""Readings: what a matched pattern means, as a window of days (and maybe a clock time).

Each pattern of ``rules/dates/<lang>.toml`` names a reading; the reading reads the
pattern's named groups (their words turned into values by the vocabulary) and the
pattern's ``set`` constants, and returns a :class:`Reading`, or ``None`` when the
words do not make a real date. Groups a reading may use:

``relday`` offset in days; ``weekday`` 0-6; ``rel``/``wrel``/``mrel`` this|coming|next|after_next;
``day``/``ordinal`` day of month (``day2``/``ordinal2`` range end); ``month`` 1-12 (``month2``);
``year`` four digits, ``yy`` two; ``a``/``b`` numeric day and month in the language's order;
``part`` early|mid|late|end; ``grain`` week|month|quarter|year; ``q``/``qw`` quarter;
``week``/``week2`` ISO week; ``n``/``n2`` count (range); ``unit`` day|week|fortnight|month|
quarter|year|hour|bday; ``nth`` 1..5 or -1 (last); ``season``; ``hour``/``minute``/``ampm``/
``tz`` (``hour2``... for a range's end); ``span``/``clock`` mark a spoken time range;
``before`` ("before December": the days up to the period). Constants a pattern may ``set``:
``offset`` (days, or from Easter), ``month``/``day``/``adjust`` (a fixed day and
business_day_before|business_day_after), ``order`` (DMY|MDY), and any group above.
Period and window readings live in ``period_readings.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agent.analysis.calendar import BusinessCalendar
from agent.analysis.dates.arithmetic import (
    REL_OFFSET,
    add_months,
    safe_date,
    week_monday,
)
from agent.analysis.dates.rules import CompiledDateRules


@dataclass(frozen=True)
class Clock:
    hour: int
    minute: int
    tz: tzinfo | None
    ampm: str | None
    zero_padded: bool


@dataclass(frozen=True)
class Reading:
    first: date | None  # None: a clock time without a day
    last: date | None
    kind: str
    clock: Clock | None = None
    upper: bool = False


@dataclass
class Context:
    ref: datetime
    today: date
    cal: BusinessCalendar
    rules: CompiledDateRules

    def setting(self, key: str, default: Any) -> Any:
        return self.rules.settings.get(key, default)


class Groups:
    """The named groups of one match, read through the vocabulary."""

    def __init__(self, match: Any, rules: CompiledDateRules, attrs: Mapping[str, Any]) -> None:
        self.match = match
        self.rules = rules
        self.attrs = attrs

    def text(self, name: str) -> str | None:
        if name in self.match.re.groupindex:
            value: str | None = self.match.group(name)
            return value
        return None

    def get(self, *names: str) -> Any:
        """The value of the first of ``names`` that matched, else a ``set`` constant."""
        for name in names:
            raw = self.text(name)
            if raw is not None:
                return self.rules.value(name, raw)
        for name in names:
            if name in self.attrs:
                return self.attrs[name]
        return None

    def has(self, name: str) -> bool:
        return self.text(name) is not None


Handler = Callable[[Groups, Context], Reading | None]
READINGS: dict[str, Handler] = {}


def reading(name: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        READINGS[name] = func
        return func

    return register


def day_reading(day: date | None, kind: str, first: date | None = None) -> Reading | None:
    if day is None:
        return None
    return Reading(first or day, day, kind)


def read_year(g: Groups) -> int | None:
    year = g.get("year")
    if year is None:
        yy = g.get("yy")
        if yy is None:
            return None
        return 2000 + int(yy) if int(yy) < 100 else int(yy)
    year = int(year)
    return 2000 + year if year < 100 else year


def read_day(g: Groups, suffix: str = "") -> int | None:
    value = g.get("day" + suffix, "ordinal" + suffix)
    return int(value) if isinstance(value, int | float) else None


def infer_date(
    ctx: Context, month: int, day: int, year: int | None, weekday: int | None
) -> date | None:
    """An explicit day and month; without a year, the next occurrence on or after today."""
    if year is not None:
        return safe_date(year, month, day)
    found = safe_date(ctx.today.year, month, day)
    if found is None or found < ctx.today:
        found = safe_date(ctx.today.year + 1, month, day) or found
    if found is not None and weekday is not None and found.weekday() != weekday:
        # "Sat, Sep 20": the weekday may point at the following year.
        later = safe_date(found.year + 1, month, day)
        if later is not None and later.weekday() == weekday:
            return later
    return found


@reading("relative_day")
def _relative_day(g: Groups, ctx: Context) -> Reading | None:
    offset = g.get("relday", "offset")
    if not isinstance(offset, int):
        return None
    return day_reading(ctx.today + timedelta(days=offset), "relative_day")


@reading("weekday")
def _weekday(g: Groups, ctx: Context) -> Reading | None:
    weekday = g.get("weekday")
    if not isinstance(weekday, int):
        return None
    today = ctx.today
    week_rel = g.get("wrel")
    if week_rel in REL_OFFSET:
        day = week_monday(today) + timedelta(days=7 * REL_OFFSET[week_rel] + weekday)
        return day_reading(day, "weekday")
    rel = g.get("rel")
    ahead = (weekday - today.weekday()) % 7
    if rel == "this":
        return day_reading(today + timedelta(days=ahead), "weekday")
    strictly = today + timedelta(days=ahead or 7)
    if rel == "next" and ctx.setting("next_weekday", "next_week") == "next_week":
        return day_reading(week_monday(today) + timedelta(days=7 + weekday), "weekday")
    if rel == "after_next":
        return day_reading(strictly + timedelta(days=7), "weekday")
    return day_reading(strictly, "weekday")


def _month_offset(ctx: Context, rel: Any) -> tuple[int, int] | None:
    if rel not in REL_OFFSET:
        return None
    start = add_months(ctx.today.replace(day=1), REL_OFFSET[rel])
    return start.year, start.month


@reading("date")
def read_date(g: Groups, ctx: Context) -> Reading | None:
    day = read_day(g)
    if day is None or not 1 <= day <= 31:
        return None
    weekday = g.get("weekday")
    weekday = weekday if isinstance(weekday, int) else None
    month = g.get("month")
    year = read_year(g)
    month_rel = _month_offset(ctx, g.get("mrel"))
    if month_rel is not None:
        return day_reading(safe_date(month_rel[0], month_rel[1], day), "date")
    if isinstance(month, int):
        return day_reading(infer_date(ctx, month, day, year, weekday), "date")
    # A day of the month alone ("the 15th", "fredag den 14."): the next one to come.
    start = ctx.today.replace(day=1)
    for step in range(25):
        first = add_months(start, step)
        found = safe_date(first.year, first.month, day)
        if found is None or found < ctx.today:
            continue
        if weekday is None or found.weekday() == weekday:
            return day_reading(found, "date")
    return None


@reading("numeric_date")
def read_numeric_date(g: Groups, ctx: Context) -> Reading | None:
    """A date in digits ("22/6", "22.06.2026", "22/6-25"), day or month first."""
    a, b = g.get("a"), g.get("b")
    if not isinstance(a, int) or not isinstance(b, int):
        return None
    year = read_year(g)
    order = str(g.get("order") or ctx.setting("date_order", "DMY")).upper()
    day, month = (b, a) if order.startswith("M") else (a, b)
    if not 1 <= month <= 12:
        day, month = month, day
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    weekday = g.get("weekday")
    return day_reading(
        infer_date(ctx, month, day, year, weekday if isinstance(weekday, int) else None), "date"
    )


@reading("date_range")
def _date_range(g: Groups, ctx: Context) -> Reading | None:
    month = g.get("month")
    end_month = g.get("month2")
    start_day, end_day = read_day(g), read_day(g, "2")
    if not isinstance(month, int) or start_day is None or end_day is None:
        return None
    end_month = end_month if isinstance(end_month, int) else month
    year = read_year(g)
    first = infer_date(ctx, month, start_day, year, None)
    if first is None:
        return None
    last = safe_date(first.year, end_month, end_day)
    if last is not None and last < first:
        last = safe_date(first.year + 1, end_month, end_day)
    if last is None:
        return None
    return Reading(first, last, "date", upper=True)


def _tz(value: Any) -> tzinfo | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text[:1] in "+-" and ":" in text:
        sign = -1 if text[0] == "-" else 1
        hours, minutes = text[1:].split(":", 1)
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@reading("time")
def _time(g: Groups, ctx: Context) -> Reading | None:
    hour = g.get("hour", "clockword")
    if not isinstance(hour, int) or not 0 <= hour <= 23:
        return None
    minute = g.get("minute")
    minute = minute if isinstance(minute, int) else 0
    ampm = g.get("ampm") or g.get("ampm2")
    if g.has("hour2"):
        spoken = g.has("span") or g.has("clock") or g.has("ampm") or g.has("ampm2")
        if not spoken and not (g.has("minute") or g.has("minute2")):
            return None  # "2-3" is a range of numbers, not of hours
        end = g.get("hour2")
        if not isinstance(end, int) or not 0 <= end <= 23:
            return None
    raw = g.text("hour") or ""
    clock = Clock(
        hour, minute, _tz(g.get("tz")), ampm if isinstance(ampm, str) else None, raw.startswith("0")
    )
    return Reading(None, None, "time", clock=clock)
