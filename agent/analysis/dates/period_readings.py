"""Readings of periods and counted windows: months, weeks, quarters, years, seasons,
"within N days", "a few weeks", the nth weekday of a month, holidays.

Registered in :data:`agent.analysis.dates.readings.READINGS`; the groups they read are
listed there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from dateutil.easter import easter

from agent.analysis.dates.arithmetic import (
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
from agent.analysis.dates.readings import (
    Context,
    Groups,
    Reading,
    read_date,
    read_numeric_date,
    read_year,
    reading,
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
    year = read_year(g)
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
    year = read_year(g)
    if year is not None:
        return _period_reading(ctx, quarter_span(year, quarter), part)
    this_year = ctx.today.year
    return _first_open(
        ctx, [quarter_span(this_year, quarter), quarter_span(this_year + 1, quarter)], part
    )


@reading("year_period")
def _year_period(g: Groups, ctx: Context) -> Reading | None:
    year = read_year(g)
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
    year = read_year(g)
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
        weekday = g.get("weekday")
        if isinstance(weekday, int) and not upper:
            day = monday + timedelta(days=weekday)  # "tirsdag i uke 12", "Tuesday of week 12"
            return Reading(day, day, "date")
        # "early in week 12" is its Tuesday; "by the end of week 12", as "week 12", its
        # last working day.
        piece = _piece(ctx, Span(monday, sunday, "week"), _part(g))
        return Reading(
            start, clamp(piece.deadline, ctx.today, piece.window_end), "week_number", upper=upper
        )
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
    other_unit = g.get("unit2")
    if isinstance(top, int | float) and isinstance(other_unit, str) and other_unit != unit:
        # "a week to ten days", "10 days to two weeks": the later of the two ends
        if max(count, top) > 1000:
            return None
        first, last = shift(ctx, count, unit), shift(ctx, top, other_unit)
        if first is None or last is None:
            return None
        return Reading(ctx.today, max(first, last), "window", upper=True)
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


@reading("open_span")
def _open_span(g: Groups, ctx: Context) -> Reading | None:
    """ "In the coming weeks": read as a few of them, but no day is named. In the coming
    days is as near as "in a few days"."""
    found = _vague(g, ctx)
    if found is None or g.get("unit") in ("day", "bday", "hour"):
        return found
    return Reading(found.first, found.last, "open_span")


def _month_year(g: Groups, ctx: Context, pick: Callable[[int, int], date | None]) -> Reading | None:
    month = g.get("month")
    if not isinstance(month, int) or not 1 <= month <= 12:
        return None
    year = read_year(g)
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

    def sunday(y: int, m: int) -> date | None:
        # Sundays that end a week lying wholly inside the month.
        sundays = [d for d in _month_days(y, m) if d.weekday() == 6 and d.day >= 7]
        return _nth_in_month(sundays, nth)

    found = _month_year(g, ctx, sunday)
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
    found = read_date(g, ctx) if g.get("a") is None else read_numeric_date(g, ctx)
    if found is None or found.last is None:
        return None
    later = g.get("weeks_later")  # "the week after 22 June"
    monday = week_monday(found.last) + timedelta(weeks=later if isinstance(later, int) else 0)
    sunday = monday + timedelta(days=6)
    return Reading(monday, ctx.cal.last_business_day_in(monday, sunday), "period")


@reading("weekend")
def _weekend(g: Groups, ctx: Context) -> Reading | None:
    offset = REL_OFFSET.get(str(g.get("rel")), 0)
    saturday = week_monday(ctx.today) + timedelta(days=5 + 7 * offset)
    return Reading(saturday, saturday + timedelta(days=1), "period")


@reading("fixed_day")
def _fixed_day(g: Groups, ctx: Context) -> Reading | None:
    """A day fixed by the calendar year ("before Christmas" -> 23 December); with a
    ``weekday``, the first such weekday on or after it ("before Midsummer" -> the
    Thursday on or after 18 June, the eve of Midsummer Eve)."""
    month, day = g.get("month"), g.get("day")
    weekday = g.get("weekday")
    if not isinstance(month, int) or not isinstance(day, int):
        return None
    for year in (ctx.today.year, ctx.today.year + 1):
        found = safe_date(year, month, day)
        if found is None:
            return None
        if isinstance(weekday, int):
            found += timedelta(days=(weekday - found.weekday()) % 7)
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


# What this module adds to READINGS (importing it registers them).
PERIOD_READINGS = frozenset(
    {
        "month_period",
        "rel_period",
        "quarter",
        "year_period",
        "season",
        "week_number",
        "offset",
        "vague",
        "open_span",
        "nth_weekday",
        "nth_day",
        "nth_week",
        "nth_weekend",
        "week_of",
        "weekend",
        "fixed_day",
        "easter",
    }
)
