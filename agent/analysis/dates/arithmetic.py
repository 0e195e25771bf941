"""Calendar arithmetic for the date readings: weeks, months, periods and their parts.

A promise names a window; the deadline is its end. These helpers turn a period
(a week, a month, a quarter, a year, a season) and an optional part of it ("early",
"mid", "end") into the window's first day and its deadline, honouring business days.
"""

from __future__ import annotations

import calendar as _stdcal
from dataclasses import dataclass
from datetime import date, timedelta

from agent.analysis.calendar import BusinessCalendar

REL_OFFSET = {"this": 0, "coming": 1, "next": 1, "after_next": 2}


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_end(year: int, month: int) -> date:
    return date(year, month, _stdcal.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _stdcal.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def month_start(day: date) -> date:
    return day.replace(day=1)


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class Span:
    first: date
    last: date
    grain: str  # week | month | quarter | year | season


def grain_span(grain: str, today: date, offset: int) -> Span:
    """The ``offset``-th ``grain`` from the one containing ``today`` (0 = this one)."""
    if grain == "week":
        monday = week_monday(today) + timedelta(days=7 * offset)
        return Span(monday, monday + timedelta(days=6), grain)
    if grain == "month":
        first = add_months(month_start(today), offset)
        return Span(first, month_end(first.year, first.month), grain)
    if grain == "quarter":
        index = today.year * 4 + (today.month - 1) // 3 + offset
        year, quarter = divmod(index, 4)
        return quarter_span(year, quarter + 1)
    if grain == "year":
        year = today.year + offset
        return Span(date(year, 1, 1), date(year, 12, 31), grain)
    raise ValueError(f"unknown grain {grain}")


def quarter_span(year: int, quarter: int) -> Span:
    first_month = 3 * (quarter - 1) + 1
    return Span(date(year, first_month, 1), month_end(year, first_month + 2), "quarter")


def month_span(year: int, month: int) -> Span:
    return Span(date(year, month, 1), month_end(year, month), "month")


def months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


@dataclass(frozen=True)
class Part:
    first: date
    deadline: date
    window_end: date  # the last day the part covers (before business-day adjustment)


def part_of(
    span: Span,
    part: str | None,
    cal: BusinessCalendar,
    *,
    early_day: int = 10,
    mid_day: int = 20,
) -> Part:
    """The window and deadline of ``part`` (early, mid, end; None = whole) of ``span``.

    ``first_day`` is the period's first business day: "around the turn of the month"
    reaches into the next month's first working day.
    """
    part = part or "end"
    if part == "first_day":
        day = cal.next_business_day_on_or_after(span.first)
        return Part(span.first, day, day)
    if span.grain == "week":
        if part == "early":
            day = span.first + timedelta(days=1)
            return Part(span.first, day, day)
        if part == "mid":
            day = span.first + timedelta(days=2)
            return Part(span.first + timedelta(days=1), day, day)
        return Part(span.first, cal.last_business_day_in(span.first, span.last), span.last)
    if span.grain == "month":
        year, month = span.first.year, span.first.month
        if part == "early":
            day = date(year, month, early_day)
            return Part(span.first, day, day)
        if part == "mid":
            day = date(year, month, mid_day)
            return Part(date(year, month, early_day + 1), day, day)
        start = date(year, month, mid_day + 1) if part == "late" else span.first
        return Part(start, cal.last_business_day_in(span.first, span.last), span.last)
    count = months_between(span.first, span.last)
    if part in ("early", "mid"):
        months = max(1, count // 4) if part == "early" else -(-count // 2)
        end_month = add_months(span.first, months - 1)
        window_end = month_end(end_month.year, end_month.month)
        return Part(span.first, cal.last_business_day_in(span.first, window_end), window_end)
    return Part(span.first, cal.last_business_day_in(span.first, span.last), span.last)


def clamp(deadline: date, today: date, window_end: date) -> date:
    """A deadline already behind us inside a window that is still open is today."""
    if deadline < today <= window_end:
        return today
    return deadline
