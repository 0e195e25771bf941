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
``tz`` (``hour2``... for a range's end); ``span``/``clock`` mark a spoken time range.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.easter import easter

from agent.analysis.calendar import BusinessCalendar
from agent.analysis.dates_periods import (
    REL_OFFSET,
    Part,
    Span,
    add_months,
    clamp,
    grain_span,
    month_end,
    month_span,
    part_of,
    quarter_span,
    safe_date,
    week_monday,
)
from agent.analysis.dates_rules import CompiledDateRules


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

    def __init__(self, match: Any, rules: CompiledDateRules, attrs: dict[str, Any]) -> None:
        self.match = match
        self.rules = rules
        self.attrs = attrs

    def text(self, name: str) -> str | None:
        if name in self.match.re.groupindex:
            return self.match.group(name)
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


def _year(g: Groups) -> int | None:
    year = g.get("year")
    if year is None:
        yy = g.get("yy")
        if yy is None:
            return None
        return 2000 + int(yy) if int(yy) < 100 else int(yy)
    year = int(year)
    return 2000 + year if year < 100 else year


def _day(g: Groups, suffix: str = "") -> int | None:
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
def _date(g: Groups, ctx: Context) -> Reading | None:
    day = _day(g)
    if day is None or not 1 <= day <= 31:
        return None
    weekday = g.get("weekday")
    weekday = weekday if isinstance(weekday, int) else None
    month = g.get("month")
    year = _year(g)
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
def _numeric_date(g: Groups, ctx: Context) -> Reading | None:
    a, b = g.get("a"), g.get("b")
    if not isinstance(a, int) or not isinstance(b, int):
        return None
    year = _year(g)
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


def _part(g: Groups) -> Any:
    """The part of a period a phrase names; "before December" is the time up to it."""
    part = g.get("part")
    if part is None and g.has("before"):
        return "before"
    return part


def _piece(ctx: Context, span: Span, part: Any) -> Part:
    if part == "before":
        eve = span.first - timedelta(days=1)
        return Part(ctx.today, ctx.cal.last_business_day_on_or_before(eve), eve)
    return part_of(
        span,
        part if isinstance(part, str) else None,
        ctx.cal,
        early_day=int(ctx.setting("early_day", 10)),
        mid_day=int(ctx.setting("mid_day", 20)),
    )


def _period_reading(ctx: Context, span: Span, part: Any) -> Reading:
    piece = _piece(ctx, span, part)
    return Reading(piece.first, clamp(piece.deadline, ctx.today, piece.window_end), "period")


def _first_open(ctx: Context, spans: list[Span], part: Any) -> Reading | None:
    """The first of ``spans`` whose (part of the) window has not closed before today."""
    for span in spans:
        piece = _piece(ctx, span, part)
        if piece.window_end >= ctx.today:
            return Reading(
                piece.first, clamp(piece.deadline, ctx.today, piece.window_end), "period"
            )
    return None


@reading("month_period")
def _month_period(g: Groups, ctx: Context) -> Reading | None:
    month = g.get("month")
    if not isinstance(month, int) or not 1 <= month <= 12:
        return None
    part = _part(g)
    year = _year(g)
    if year is not None:
        return _period_reading(ctx, month_span(year, month), part)
    rel = g.get("rel")
    this_year = ctx.today.year
    if rel == "this":
        return _period_reading(ctx, month_span(this_year, month), part)
    if rel in ("next", "coming") and month <= ctx.today.month:
        return _period_reading(ctx, month_span(this_year + 1, month), part)
    return _first_open(ctx, [month_span(this_year, month), month_span(this_year + 1, month)], part)


@reading("rel_period")
def _rel_period(g: Groups, ctx: Context) -> Reading | None:
    grain = g.get("grain")
    if grain not in ("week", "month", "quarter", "year"):
        return None
    part = _part(g)
    rel = g.get("rel")
    if rel in REL_OFFSET:
        return _period_reading(ctx, grain_span(grain, ctx.today, REL_OFFSET[rel]), part)
    spans = [grain_span(grain, ctx.today, 0), grain_span(grain, ctx.today, 1)]
    return _first_open(ctx, spans, part)


@reading("quarter")
def _quarter(g: Groups, ctx: Context) -> Reading | None:
    quarter = g.get("q", "qw")
    if not isinstance(quarter, int) or not 1 <= quarter <= 4:
        return None
    part = _part(g)
    year = _year(g)
    if year is not None:
        return _period_reading(ctx, quarter_span(year, quarter), part)
    this_year = ctx.today.year
    return _first_open(
        ctx, [quarter_span(this_year, quarter), quarter_span(this_year + 1, quarter)], part
    )


@reading("year_period")
def _year_period(g: Groups, ctx: Context) -> Reading | None:
    year = _year(g)
    if year is None:
        return None
    return _period_reading(ctx, Span(date(year, 1, 1), date(year, 12, 31), "year"), _part(g))


@reading("season")
def _season(g: Groups, ctx: Context) -> Reading | None:
    months = ctx.rules.seasons.get(str(g.get("season")))
    if months is None:
        return None
    start_month, end_month = months
    spans = []
    for year in (ctx.today.year - 1, ctx.today.year, ctx.today.year + 1):
        end_year = year if end_month >= start_month else year + 1
        spans.append(Span(date(year, start_month, 1), month_end(end_year, end_month), "season"))
    if g.get("rel") in ("next", "coming"):
        spans = [s for s in spans if s.first > ctx.today]
    return _first_open(ctx, spans, _part(g))


@reading("week_number")
def _week_number(g: Groups, ctx: Context) -> Reading | None:
    week = g.get("week")
    last_week = g.get("week2")
    if not isinstance(week, int):
        return None
    upper = isinstance(last_week, int) and last_week > week
    target = last_week if upper else week
    year = _year(g)
    years = [year] if year is not None else [ctx.today.year, ctx.today.year + 1]
    for candidate in years:
        try:
            monday = date.fromisocalendar(candidate, target, 1)
            start = date.fromisocalendar(candidate, week, 1)
        except ValueError:
            continue
        sunday = monday + timedelta(days=6)
        if year is None and sunday < ctx.today:
            continue
        deadline = ctx.cal.last_business_day_in(monday, sunday)
        return Reading(start, clamp(deadline, ctx.today, sunday), "week_number", upper=upper)
    return None


def shift(ctx: Context, count: float, unit: str) -> date | None:
    """``today`` moved forward by ``count`` units (business days counted on the calendar)."""
    today = ctx.today
    if unit == "day":
        return today + timedelta(days=math.ceil(count))
    if unit in ("week", "fortnight"):
        return today + timedelta(days=math.ceil(count * (14 if unit == "fortnight" else 7)))
    if unit in ("month", "quarter", "year"):
        months = count * {"month": 1, "quarter": 3, "year": 12}[unit]
        whole = int(months)
        return add_months(today, whole) + timedelta(days=round((months - whole) * 30))
    if unit == "hour":
        return (ctx.ref + timedelta(hours=count)).date()
    if unit == "bday":
        return ctx.cal.add_business_days(today, math.ceil(count))
    return None


@reading("offset")
def _offset(g: Groups, ctx: Context) -> Reading | None:
    count = g.get("n")
    top = g.get("n2")
    unit = g.get("unit")
    if count is None:
        count = 1
    if not isinstance(count, int | float) or not isinstance(unit, str) or count <= 0:
        return None
    upper = isinstance(top, int | float) and top > count
    if upper:
        count = top
    if count > 1000:
        return None
    day = shift(ctx, count, unit)
    if day is None:
        return None
    kind = "business_days" if unit == "bday" else "window"
    return Reading(ctx.today, day, kind, upper=upper)


@reading("vague")
def _vague(g: Groups, ctx: Context) -> Reading | None:
    unit = g.get("unit")
    few = int(ctx.setting("few", 3))
    if unit in ("day", "bday"):
        return Reading(ctx.today, ctx.cal.add_business_days(ctx.today, few), "vague")
    if unit == "hour":
        return Reading(ctx.today, ctx.today, "vague")
    if not isinstance(unit, str):
        return None
    day = shift(ctx, few, unit)
    return Reading(ctx.today, day, "vague") if day else None


def _month_year(g: Groups, ctx: Context, pick: Callable[[int, int], date | None]) -> Reading | None:
    month = g.get("month")
    if not isinstance(month, int) or not 1 <= month <= 12:
        return None
    year = _year(g)
    for candidate in [year] if year is not None else [ctx.today.year, ctx.today.year + 1]:
        found = pick(candidate, month)
        if found is not None and (year is not None or found >= ctx.today):
            return Reading(found, found, "date")
    return None


def _nth_in_month(days: list[date], nth: Any) -> date | None:
    if not isinstance(nth, int) or not days:
        return None
    if nth < 0:
        return days[nth] if -nth <= len(days) else None
    return days[nth - 1] if nth <= len(days) else None


def _month_days(year: int, month: int) -> list[date]:
    last = month_end(year, month).day
    return [date(year, month, d) for d in range(1, last + 1)]


@reading("nth_weekday")
def _nth_weekday(g: Groups, ctx: Context) -> Reading | None:
    weekday = g.get("weekday")
    nth = g.get("nth")
    if not isinstance(weekday, int):
        return None
    return _month_year(
        g,
        ctx,
        lambda y, m: _nth_in_month([d for d in _month_days(y, m) if d.weekday() == weekday], nth),
    )


@reading("nth_day")
def _nth_day(g: Groups, ctx: Context) -> Reading | None:
    nth = g.get("nth")
    return _month_year(g, ctx, lambda y, m: _nth_in_month(_month_days(y, m), nth))


@reading("nth_week")
def _nth_week(g: Groups, ctx: Context) -> Reading | None:
    """The nth full Monday-Sunday week inside a month; its last business day."""
    nth = g.get("nth")

    def monday(y: int, m: int) -> date | None:
        mondays = [
            d for d in _month_days(y, m) if d.weekday() == 0 and (d + timedelta(days=6)).month == m
        ]
        return _nth_in_month(mondays, nth)

    found = _month_year(
        g, ctx, lambda y, m: (lambda d: d + timedelta(days=6) if d else None)(monday(y, m))
    )
    if found is None or found.last is None:
        return None
    start = found.last - timedelta(days=6)
    return Reading(start, ctx.cal.last_business_day_in(start, found.last), "period")


@reading("nth_weekend")
def _nth_weekend(g: Groups, ctx: Context) -> Reading | None:
    nth = g.get("nth")

    def sunday(y: int, m: int) -> date | None:
        sundays = [d for d in _month_days(y, m) if d.weekday() == 6 and d.day >= 2]
        return _nth_in_month(sundays, nth)

    found = _month_year(g, ctx, sunday)
    if found is None or found.last is None:
        return None
    return Reading(found.last - timedelta(days=1), found.last, "period")


@reading("week_of")
def _week_of(g: Groups, ctx: Context) -> Reading | None:
    found = _date(g, ctx)
    if found is None or found.last is None:
        return None
    monday = week_monday(found.last)
    sunday = monday + timedelta(days=6)
    return Reading(monday, ctx.cal.last_business_day_in(monday, sunday), "period")


@reading("weekend")
def _weekend(g: Groups, ctx: Context) -> Reading | None:
    offset = REL_OFFSET.get(str(g.get("rel")), 0)
    saturday = week_monday(ctx.today) + timedelta(days=5 + 7 * offset)
    return Reading(saturday, saturday + timedelta(days=1), "period")


@reading("date_range")
def _date_range(g: Groups, ctx: Context) -> Reading | None:
    month = g.get("month")
    end_month = g.get("month2")
    start_day, end_day = _day(g), _day(g, "2")
    if not isinstance(month, int) or start_day is None or end_day is None:
        return None
    end_month = end_month if isinstance(end_month, int) else month
    year = _year(g)
    first = infer_date(ctx, month, start_day, year, None)
    if first is None:
        return None
    last = safe_date(first.year, end_month, end_day)
    if last is not None and last < first:
        last = safe_date(first.year + 1, end_month, end_day)
    if last is None:
        return None
    return Reading(first, last, "date", upper=True)


@reading("fixed_day")
def _fixed_day(g: Groups, ctx: Context) -> Reading | None:
    """A day fixed by the calendar year ("before Christmas" -> 23 December)."""
    month, day = g.get("month"), g.get("day")
    if not isinstance(month, int) or not isinstance(day, int):
        return None
    for year in (ctx.today.year, ctx.today.year + 1):
        found = safe_date(year, month, day)
        if found is None:
            return None
        deadline = _adjust(ctx, found, g.get("adjust"))
        if deadline >= ctx.today:
            return Reading(deadline, deadline, "date")
    return None


@reading("easter")
def _easter(g: Groups, ctx: Context) -> Reading | None:
    """A day counted from Easter Sunday ("before Easter" -> the Wednesday before)."""
    offset = g.get("offset")
    if not isinstance(offset, int):
        return None
    for year in (ctx.today.year, ctx.today.year + 1):
        deadline = _adjust(ctx, easter(year) + timedelta(days=offset), g.get("adjust"))
        if deadline >= ctx.today:
            return Reading(deadline, deadline, "date")
    return None


def _adjust(ctx: Context, day: date, adjust: Any) -> date:
    if adjust == "business_day_before":
        return ctx.cal.last_business_day_on_or_before(day)
    if adjust == "business_day_after":
        return ctx.cal.next_business_day_on_or_after(day)
    return day


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
