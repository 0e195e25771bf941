"""The job search in numbers (``followup stats``): the funnel, how long answers take, and
whether employers kept the dates they promised.

Pure: a function of the process views (the board ``followup processes`` shows), the
user's own promised dates, when tracking began and ``now``.

- Funnel: every process counts as applied; those invited to an interview as interview;
  each ends in one outcome: offer (hired included), rejected (by silence included),
  ghosted (no answer to follow-ups), quiet before tracking (an old process found on the
  first scan whose employer fell silent before followup watched it), withdrawn (or
  closed by you), or open.
- Days to first answer: from the application (your first message, else the first
  message of the process) to the employer's first real answer (an invitation, a status
  update, a test, a reference check, an offer or a rejection; a receipt is no answer).
  Days to decision: to the first offer or rejection. Medians over the processes that
  have one.
- Promises: every date an employer promised (and every date you entered as theirs),
  beside the actual answer: the employer's next message after the promise. Kept when
  it came by the promised day. A conditional promise ("only shortlisted candidates
  will hear", "if you have not heard by …") that lapses in silence was not broken.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from agent.board import ProcessView
from agent.records import (
    GHOSTED,
    HIRED,
    INBOUND,
    OFFER,
    OUTBOUND,
    REJECTED,
    REJECTED_BY_SILENCE,
    TrackedMessage,
)
from agent.tracker import Process

ANSWER_KINDS = frozenset(
    {
        "interview_invitation",
        "status_update",
        "assessment_request",
        "reference_request",
        "offer",
        "rejection",
    }
)
DECISION_KINDS = frozenset({"offer", "rejection"})
INTERVIEW_EVENTS = frozenset({"interview_invitation", "interview_held"})

OUTCOMES = ("offer", "rejected", "ghosted", "quiet_before_tracking", "withdrawn", "open")

# promise status
KEPT = "kept"  # the employer's next message came by the promised day
LATE = "late"  # it came, after the promised day
BROKEN = "broken"  # the day has passed and nothing came
SILENT_AS_SAID = "silent_as_said"  # a conditional promise lapsed in silence: not broken
PENDING = "pending"  # the day has not come yet


@dataclass(frozen=True)
class UserPromise:
    """A date the user entered as the employer's (``followup edit --promised-by``, ``reflect``)."""

    process_id: str
    made_at: datetime
    promised_by: date


@dataclass(frozen=True)
class PromiseRecord:
    process_id: str
    company: str
    made_at: datetime  # the promising message (or when the user entered it)
    promised_by: date
    source: str  # "mail" | "user"
    condition: str | None
    answered_at: datetime | None
    status: str

    def to_json(self, tz: ZoneInfo) -> dict[str, Any]:
        return {
            "process": self.process_id,
            "company": self.company,
            "made_at": self.made_at.astimezone(tz).isoformat(),
            "promised_by": self.promised_by.isoformat(),
            "source": self.source,
            "condition": self.condition,
            "answered_at": self.answered_at.astimezone(tz).isoformat()
            if self.answered_at
            else None,
            "answered_on": self.answered_at.astimezone(tz).date().isoformat()
            if self.answered_at
            else None,
            "status": self.status,
            "days_late": _days_late(self, tz),
        }


def _days_late(p: PromiseRecord, tz: ZoneInfo) -> int | None:
    if p.answered_at is None:
        return None
    return (p.answered_at.astimezone(tz).date() - p.promised_by).days


@dataclass(frozen=True)
class Durations:
    count: int
    median: float | None
    shortest: float | None
    longest: float | None

    @classmethod
    def of(cls, days: Sequence[float]) -> Durations:
        if not days:
            return cls(0, None, None, None)
        return cls(
            len(days), round(statistics.median(days), 1), round(min(days), 1), round(max(days), 1)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "median_days": self.median,
            "min_days": self.shortest,
            "max_days": self.longest,
        }


@dataclass(frozen=True)
class EmployerPromises:
    company: str
    promises: int
    kept: int
    settled: int  # kept + late + broken

    def to_json(self) -> dict[str, Any]:
        return {
            "company": self.company,
            "promises": self.promises,
            "kept": self.kept,
            "settled": self.settled,
        }


@dataclass(frozen=True)
class Stats:
    now: datetime
    tracking_started: datetime | None
    applied: int
    interview: int
    outcomes: dict[str, int]
    outcomes_after_interview: dict[str, int]
    rejected_by_silence: int
    first_answer: Durations
    decision: Durations
    promises: tuple[PromiseRecord, ...]
    by_employer: tuple[EmployerPromises, ...] = field(default_factory=tuple)

    @property
    def promises_settled(self) -> int:
        return sum(1 for p in self.promises if p.status in (KEPT, LATE, BROKEN))

    @property
    def promises_kept(self) -> int:
        return sum(1 for p in self.promises if p.status == KEPT)

    def to_json(self, tz: ZoneInfo) -> dict[str, Any]:
        return {
            "now": self.now.astimezone(tz).isoformat(),
            "tracking_started_at": self.tracking_started.astimezone(tz).isoformat()
            if self.tracking_started
            else None,
            "funnel": {
                "applied": self.applied,
                "interview": self.interview,
                "outcomes": dict(self.outcomes),
                "outcomes_after_interview": dict(self.outcomes_after_interview),
                "rejected_by_silence": self.rejected_by_silence,
            },
            "days_to_first_answer": self.first_answer.to_json(),
            "days_to_decision": self.decision.to_json(),
            "promises": {
                "total": len(self.promises),
                "settled": self.promises_settled,
                "kept": self.promises_kept,
                "by_employer": [e.to_json() for e in self.by_employer],
                "list": [p.to_json(tz) for p in self.promises],
            },
        }


# -- the parts ---------------------------------------------------------------------------


def reached_interview(process: Process) -> bool:
    return (
        process.round >= 1
        or process.interview_at is not None
        or any(e.kind in INTERVIEW_EVENTS for e in process.events)
    )


def _quiet_before_tracking(
    process: Process, tracking_started: datetime | None, quiet_days: int
) -> bool:
    """Found on the first scan, silent since well before it, nothing since."""
    if tracking_started is None or not process.messages:
        return False
    last = process.messages[-1].date
    return last < tracking_started - timedelta(days=quiet_days)


def outcome(view: ProcessView, tracking_started: datetime | None, quiet_days: int) -> str:
    p = view.process
    if view.state in (OFFER, HIRED):
        return "offer"
    if view.state == REJECTED:
        return "rejected"
    if view.state == GHOSTED:
        if view.outlook.followups_sent == 0 and _quiet_before_tracking(
            p, tracking_started, quiet_days
        ):
            return "quiet_before_tracking"
        return "ghosted"
    if view.active:
        if _quiet_before_tracking(p, tracking_started, quiet_days):
            return "quiet_before_tracking"
        return "open"
    return "withdrawn"  # withdrawn, or closed by the user


def applied_at(process: Process) -> datetime:
    """Your application: your first message in the process, else its first message."""
    first_out = next((m for m in process.messages if m.direction == OUTBOUND), None)
    if first_out is not None and first_out.date <= process.started_at + timedelta(days=1):
        return first_out.date
    return process.started_at


def _first(messages: Iterable[TrackedMessage], kinds: frozenset[str]) -> TrackedMessage | None:
    return next((m for m in messages if m.direction == INBOUND and m.kind in kinds), None)


def _days(start: datetime, end: datetime) -> float:
    return max((end - start).total_seconds() / 86_400, 0.0)


def _condition(m: TrackedMessage) -> str | None:
    for ev in m.evidence:
        if ev.resolved == m.promised_by:
            return ev.condition
    return None


def _next_answer(process: Process, after: datetime) -> TrackedMessage | None:
    return next(
        (
            m
            for m in process.messages
            if m.direction == INBOUND and m.kind != "not_job" and m.date > after
        ),
        None,
    )


def _status(
    promised_by: date, answer: datetime | None, conditional: bool, today: date, tz: ZoneInfo
) -> str:
    if answer is not None:
        return KEPT if answer.astimezone(tz).date() <= promised_by else LATE
    if today <= promised_by:
        return PENDING
    return SILENT_AS_SAID if conditional else BROKEN


def promises_of(
    process: Process,
    user_promises: Iterable[UserPromise],
    *,
    today: date,
    tz: ZoneInfo,
    company: str,
) -> list[PromiseRecord]:
    out = []
    for m in process.messages:
        if m.direction != INBOUND or m.kind == "not_job" or m.promised_by is None:
            continue
        condition = _condition(m)
        answer = _next_answer(process, m.date)
        out.append(
            PromiseRecord(
                process.id,
                company,
                m.date,
                m.promised_by,
                "mail",
                condition,
                answer.date if answer else None,
                _status(m.promised_by, answer.date if answer else None, bool(condition), today, tz),
            )
        )
    for u in user_promises:
        if not process.answers_to(u.process_id):
            continue
        answer = _next_answer(process, u.made_at)
        answered_at = answer.date if answer else None
        out.append(
            PromiseRecord(
                process.id,
                company,
                u.made_at,
                u.promised_by,
                "user",
                None,
                answered_at,
                _status(u.promised_by, answered_at, False, today, tz),
            )
        )
    return sorted(out, key=lambda p: p.made_at)


# -- the whole -------------------------------------------------------------------------


def job_search_stats(
    views: Sequence[ProcessView],
    *,
    now: datetime,
    tz: ZoneInfo,
    tracking_started: datetime | None,
    quiet_days: int,
    user_promises: Sequence[UserPromise] = (),
) -> Stats:
    today = now.astimezone(tz).date()
    outcomes = dict.fromkeys(OUTCOMES, 0)
    after_interview = dict.fromkeys(OUTCOMES, 0)
    interviewed = 0
    by_silence = 0
    first_answer: list[float] = []
    decision: list[float] = []
    promises: list[PromiseRecord] = []
    for view in views:
        p = view.process
        result = outcome(view, tracking_started, quiet_days)
        outcomes[result] += 1
        if reached_interview(p):
            interviewed += 1
            after_interview[result] += 1
        if result == "rejected" and any(e.kind == REJECTED_BY_SILENCE for e in p.events):
            by_silence += 1
        start = applied_at(p)
        # Only what came after a known application: a process that begins with the
        # employer's answer says nothing about how long the answer took.
        later = [m for m in p.messages if m.date > start]
        answer = _first(later, ANSWER_KINDS)
        if answer is not None:
            first_answer.append(_days(start, answer.date))
        decided = _first(later, DECISION_KINDS)
        if decided is not None:
            decision.append(_days(start, decided.date))
        company = p.company or p.agency or "?"
        promises += promises_of(p, user_promises, today=today, tz=tz, company=company)
    promises.sort(key=lambda r: (r.made_at, r.process_id))
    employers: dict[str, list[PromiseRecord]] = {}
    for r in promises:
        employers.setdefault(r.company, []).append(r)
    by_employer = tuple(
        EmployerPromises(
            company,
            len(rows),
            sum(1 for r in rows if r.status == KEPT),
            sum(1 for r in rows if r.status in (KEPT, LATE, BROKEN)),
        )
        for company, rows in sorted(employers.items(), key=lambda kv: kv[0].casefold())
    )
    return Stats(
        now=now,
        tracking_started=tracking_started,
        applied=len(views),
        interview=interviewed,
        outcomes=outcomes,
        outcomes_after_interview=after_interview,
        rejected_by_silence=by_silence,
        first_answer=Durations.of(first_answer),
        decision=Durations.of(decision),
        promises=tuple(promises),
        by_employer=by_employer,
    )
