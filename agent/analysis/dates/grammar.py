"""Temporal expressions in text, resolved to the last day of the window they promise.

:class:`DateGrammar` compiles ``rules/dates/<lang>.toml`` once. :meth:`DateGrammar.find`
looks only near words that can start or anchor a date (weekday and month names,
units, "today", digits...), runs the grammar's patterns there, keeps the longest
non-overlapping matches, joins a clock time to the day beside it ("fredag 14. mars
kl. 16") and two days joined by "-"/"to" into a range, and resolves everything
against ``ref`` in ``ref``'s own time zone. It never reads the clock.

Conventions (DESIGN.md): a deadline is the end of the promised window. "within two
weeks" is ref + 14 days; "next week" the last business day of next week; "end of the
month" its last business day; "by Friday" the next Friday after ref's day (a Friday
said on a Friday means the following one; "today" says today); "next Friday" the
Friday of next calendar week (``settings.next_weekday``). Readings: readings.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from agent.analysis.calendar import BusinessCalendar, calendar_for_language
from agent.analysis.dates.period_readings import PERIOD_READINGS  # registers its readings
from agent.analysis.dates.readings import READINGS, Clock, Context, Groups, Reading
from agent.analysis.dates.regex import DIGIT
from agent.analysis.dates.rules import CompiledDateRules, Pattern, load_date_rules
from agent.errors import RulesError
from agent.rules import Rules, shipped_rules

__all__ = ["KINDS", "PERIOD_READINGS", "DateGrammar", "TemporalMatch", "resolve_phrase"]

KINDS = (
    "date",
    "weekday",
    "window",
    "period",
    "week_number",
    "relative_day",
    "business_days",
    "vague",
    "open_span",
    "time",
)
_TOKEN = re.compile(r"[^\W\d_]+|\d+")  # letters and digits apart: "feb13"
_DIGIT = re.compile(r"\d")
_BLOB = re.compile(r"\S{60,}")  # encoded data, long links: no dates in there
_WINDOW_CHARS = 80
# Kinds that name one day, so that a clock time beside them is that day's time.
_DAY_KINDS = frozenset({"date", "weekday", "relative_day", "window", "business_days"})


def _lower(text: str) -> str:
    """Lower case with every offset kept (patterns are written for lower-cased text);
    long runs without spaces (encoded data, links) become spaces."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(low if len(low := char.lower()) == 1 else char for char in text)
    return _BLOB.sub(lambda m: " " * len(m.group()), lowered)


@dataclass(frozen=True)
class TemporalMatch:
    """One temporal expression of a text.

    ``resolved`` is the deadline reading: the last day the expression covers (for a range
    "2-3 weeks" its upper bound, with ``upper_bound_of_range``); ``first_day`` where the
    window starts. ``kind`` is one of :data:`KINDS`; "time" is a clock time without a day,
    resolved to today if still ahead of ``ref``, else tomorrow. ``at`` is set whenever a
    clock time was given, in the zone the text names or else ``ref``'s.
    """

    start: int
    end: int
    phrase: str
    resolved: date
    first_day: date
    kind: str
    at: datetime | None = None
    upper_bound_of_range: bool = False


@dataclass
class _Candidate:
    start: int
    end: int
    order: int
    reading: Reading

    @property
    def dated(self) -> bool:
        return self.reading.last is not None

    @property
    def takes_clock(self) -> bool:
        return self.dated and self.reading.clock is None and self.reading.kind in _DAY_KINDS


class DateGrammar:
    """The date grammar of one language, compiled once from its rules file."""

    def __init__(self, lang: str, rules: Rules | None = None) -> None:
        self.lang = lang
        self.rules: CompiledDateRules = load_date_rules(lang, rules or shipped_rules())
        for pattern in self.rules.patterns:
            if pattern.reading not in READINGS:
                raise RulesError(
                    f"dates/{lang}.toml:pattern[{pattern.ident}]: unknown reading {pattern.reading!r}"
                )
        self._anchor_words = frozenset(self.rules.anchors)
        self._by_anchor: dict[str, tuple[Pattern, ...]] = {}
        for pattern in self.rules.patterns:
            for need in pattern.needs:
                self._by_anchor[need] = (*self._by_anchor.get(need, ()), pattern)
        self._twelve_hour = bool(self.rules.settings.get("twelve_hour_clock", False))

    def check(self) -> None:
        """Compile every rule now (patterns compile lazily): a broken one raises RulesError."""
        for pattern in self.rules.patterns:
            _ = pattern.regex

    # -- where to look -------------------------------------------------------------------
    def _windows(self, lowered: str) -> list[tuple[int, int, frozenset[str]]]:
        anchors = self.rules.anchors
        hits = self._anchor_words.intersection(_TOKEN.findall(lowered))
        if not hits and _DIGIT.search(lowered) is None:
            return []
        spans: list[tuple[int, int, set[str]]] = []
        for token in _TOKEN.finditer(lowered):
            word = token.group()
            if word in hits:
                needs = set(anchors[word])
                if _DIGIT.search(word):
                    needs.add(DIGIT)
            elif _DIGIT.search(word):
                needs = {DIGIT}
            else:
                continue
            start = max(0, token.start() - _WINDOW_CHARS)
            end = min(len(lowered), token.end() + _WINDOW_CHARS)
            if spans and start <= spans[-1][1]:
                last = spans[-1]
                spans[-1] = (last[0], max(last[1], end), last[2] | needs)
            else:
                spans.append((start, end, needs))
        windows = []
        for start, end, needs in spans:
            while start > 0 and not lowered[start - 1].isspace():
                start -= 1
            while end < len(lowered) and not lowered[end].isspace():
                end += 1
            windows.append((start, end, frozenset(needs)))
        return windows

    def _candidates(self, text: str, ctx: Context) -> list[_Candidate]:
        lowered = _lower(text)
        windows = self._windows(lowered)
        if not windows:
            return []
        stop = self.rules.stop
        stops = [m.span() for s, e, _ in windows for m in stop.finditer(text, s, e)] if stop else []
        past = self.rules.past_before
        found: list[_Candidate] = []
        for start, end, present in windows:
            for pattern in self._patterns_for(present):
                for m in pattern.regex.finditer(lowered, start, end):
                    if m.end() <= m.start() or any(s < m.end() and m.start() < e for s, e in stops):
                        continue
                    if past is not None and past.search(text, max(0, m.start() - 30), m.start()):
                        continue  # "last Friday" is behind us
                    result = READINGS[pattern.reading](Groups(m, self.rules, pattern.attrs), ctx)
                    if result is None:
                        continue
                    if pattern.kind:
                        result = Reading(
                            result.first, result.last, pattern.kind, result.clock, result.upper
                        )
                    found.append(_Candidate(m.start(), m.end(), pattern.order, result))
        return found

    def _patterns_for(self, present: frozenset[str]) -> list[Pattern]:
        """The rules whose anchors occur in a window, in rule order."""
        chosen = {p.order: p for need in present for p in self._by_anchor.get(need, ())}
        return [chosen[order] for order in sorted(chosen)]

    # -- choosing and joining ------------------------------------------------------------
    @staticmethod
    def _select(candidates: list[_Candidate]) -> list[_Candidate]:
        chosen: list[_Candidate] = []
        for cand in sorted(candidates, key=lambda c: (c.start - c.end, c.order, c.start)):
            if all(cand.end <= other.start or other.end <= cand.start for other in chosen):
                chosen.append(cand)
        return sorted(chosen, key=lambda c: c.start)

    def _join_times(self, text: str, items: list[_Candidate]) -> list[_Candidate]:
        """A clock time beside a single day becomes that day's ``at``."""
        out: list[_Candidate] = []
        index = 0
        while index < len(items):
            item = items[index]
            if item.reading.clock is not None and not item.dated:
                if out and out[-1].takes_clock and self._joins(text, out[-1], item):
                    out[-1] = self._with_clock(out[-1], item)
                    index += 1
                    continue
                nxt = items[index + 1] if index + 1 < len(items) else None
                if nxt is not None and nxt.takes_clock and self._joins(text, item, nxt):
                    out.append(self._with_clock(nxt, item))
                    index += 2
                    continue
            out.append(item)
            index += 1
        return out

    def _joins(self, text: str, left: _Candidate, right: _Candidate) -> bool:
        gap = text[left.end : right.start]
        return self.rules.time_connector.fullmatch(gap) is not None

    @staticmethod
    def _with_clock(day: _Candidate, clock: _Candidate) -> _Candidate:
        r = day.reading
        return _Candidate(
            min(day.start, clock.start),
            max(day.end, clock.end),
            day.order,
            Reading(r.first, r.last, r.kind, clock.reading.clock, r.upper),
        )

    def _join_ranges(self, text: str, items: list[_Candidate]) -> list[_Candidate]:
        out: list[_Candidate] = []
        for item in items:
            prev = out[-1] if out else None
            if (
                prev is not None
                and prev.dated
                and item.dated
                and prev.reading.kind in ("date", "weekday")
                and item.reading.kind in ("date", "weekday")
                and item.reading.last is not None
                and prev.reading.last is not None
                and item.reading.last > prev.reading.last
                and self.rules.range_connector.fullmatch(text[prev.end : item.start])
            ):
                r = item.reading
                out[-1] = _Candidate(
                    prev.start,
                    item.end,
                    prev.order,
                    Reading(
                        prev.reading.first, r.last, r.kind, r.clock or prev.reading.clock, True
                    ),
                )
                continue
            out.append(item)
        return out

    # -- the public entry ----------------------------------------------------------------
    def find(self, text: str, ref: datetime, calendar: BusinessCalendar) -> list[TemporalMatch]:
        """Temporal expressions of ``text`` in text order, resolved against ``ref``."""
        if not text:
            return []
        ctx = Context(ref=ref, today=ref.date(), cal=calendar, rules=self.rules)
        candidates = self._candidates(text, ctx)
        if not candidates:
            return []
        items = self._join_ranges(text, self._join_times(text, self._select(candidates)))
        return [self._to_match(text, item, ctx) for item in items]

    def _to_match(self, text: str, item: _Candidate, ctx: Context) -> TemporalMatch:
        phrase = text[item.start : item.end]
        r = item.reading
        at = None
        if r.clock is not None:
            hour = self._hour(r.clock, phrase)
            clock_time = time(hour, r.clock.minute)
            zone = r.clock.tz or ctx.ref.tzinfo
            at = datetime.combine(r.last or ctx.today, clock_time, tzinfo=zone)
            if r.last is None and _not_after(at, ctx.ref):
                at += timedelta(days=1)  # a bare clock time already past today means tomorrow
        resolved = r.last if r.last is not None else (at.date() if at else ctx.today)
        return TemporalMatch(
            start=item.start,
            end=item.end,
            phrase=phrase,
            resolved=resolved,
            first_day=r.first or resolved,
            kind=r.kind,
            at=at,
            upper_bound_of_range=r.upper,
        )

    def _hour(self, clock: Clock, phrase: str) -> int:
        hour = clock.hour
        if clock.ampm == "pm":
            return hour + 12 if hour < 12 else hour
        if clock.ampm == "am":
            return 0 if hour == 12 else hour
        if hour < 12 and self.rules.pm_words is not None and self.rules.pm_words.search(phrase):
            return hour + 12
        if self._twelve_hour and 1 <= hour <= 6 and not clock.zero_padded:
            return hour + 12
        return hour


def _not_after(at: datetime, ref: datetime) -> bool:
    if (at.tzinfo is None) != (ref.tzinfo is None):
        return at.replace(tzinfo=None) <= ref.replace(tzinfo=None)
    return at <= ref


@cache
def _shipped_grammar(lang: str) -> DateGrammar:
    return DateGrammar(lang)


def resolve_phrase(
    phrase: str, lang: str, ref: datetime, calendar: BusinessCalendar | None = None
) -> date | None:
    """The deadline of the longest expression found in ``phrase`` (for benchmarks and tools)."""
    grammar = _shipped_grammar(lang)
    matches = grammar.find(phrase, ref, calendar or calendar_for_language(lang))
    if not matches:
        return None
    best = max(matches, key=lambda m: (m.end - m.start, -m.start))
    return best.resolved
