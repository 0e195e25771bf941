"""Which follow-up is due, which draft to withdraw, when a process is ghosted.

``plan`` is a pure function of the processes, the drafts already made, ``now`` and the
policy numbers in ``rules/policy.toml``. It returns actions; an executor applies them
in list order (cancellations first, then flags, ghosting, new drafts).

The rules, per process and per silence (the time since the employer last wrote):

* the first follow-up: 1 business day after a promised date (``followup_after_promise``),
  or, after an interview with nothing promised, 5 business days after the interview or
  the employer's last message, whichever is later (``next_steps``); after a rejection,
  a feedback request 1 business day later (``feedback_request``, once per process);
* a follow-up is one of our drafts seen as sent, or the user's own mail in the process
  written after the employer's last message, on or after the day the first follow-up
  fell due (earlier mail is a thank-you, not a follow-up);
* after a follow-up: one more (``nudge``) 5 business days later; at most 2 in all;
  5 business days after the last one the process is ghosted. Ghosting lives here only:
  the tracker never sets it, and ``MarkGhosted`` is repeated on every pass while it holds;
* an employer message newer than an open draft withdraws it (an edited one is flagged);
* a follow-up id is never created twice, so a deleted or sent draft never comes back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from agent.errors import RulesError
from agent.records import (
    ACTIVE_STATES,
    AWAITING_DECISION,
    CLOSED,
    DRAFT_SENT,
    DRAFT_USER_EDITED,
    HIRED,
    OPEN_DRAFT_STATES,
    REJECTED,
    REJECTED_BY_SILENCE,
    SILENCE_MEANS_NO,
    WITHDRAWN,
    CompetingOffer,
    DraftRecord,
)
from agent.rules import Rules
from agent.tracker import Process

FOLLOWUP_AFTER_PROMISE = "followup_after_promise"
NEXT_STEPS = "next_steps"
NUDGE = "nudge"
FEEDBACK_REQUEST = "feedback_request"
COMPETING_OFFER = "competing_offer"
ACTIONS = (FOLLOWUP_AFTER_PROMISE, NEXT_STEPS, NUDGE, FEEDBACK_REQUEST, COMPETING_OFFER)


class BusinessCalendar(Protocol):
    """What policy needs from ``agent.analysis.calendar.BusinessCalendar``."""

    def is_business_day(self, day: date) -> bool: ...

    def add_business_days(self, day: date, n: int) -> date: ...

    def last_business_day_on_or_before(self, day: date) -> date: ...

    def next_business_day_on_or_after(self, day: date) -> date: ...


@dataclass(frozen=True)
class Policy:
    followup_time: time = time(9, 0)
    after_promise_business_days: int = 1
    next_steps_business_days: int = 5
    nudge_business_days: int = 5
    max_followups: int = 2
    ghost_after_business_days: int = 5
    feedback_request: bool = True
    feedback_business_days: int = 1
    competing_offer: bool = True
    max_overdue_days: int = 30
    max_drafts_per_pass: int = 20
    followup_when_silence_means_no: bool = False
    feedback_after_silence: bool = False
    feedback_after_application_rejection: bool = False

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "policy.toml") -> Policy:
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise RulesError(f"{source}:{key} is not a policy setting")
            default = getattr(cls, key)
            if isinstance(default, bool):
                if not isinstance(value, bool):
                    raise RulesError(f"{source}:{key} must be true or false")
            elif isinstance(default, int):
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise RulesError(f"{source}:{key} must be a whole number ≥ 0")
            elif isinstance(default, time):
                value = _parse_time(value, f"{source}:{key}")
            values[key] = value
        policy = cls(**values)
        if policy.max_followups < 1:
            raise RulesError(f"{source}:max_followups must be at least 1")
        return policy


def _parse_time(value: Any, where: str) -> time:
    if isinstance(value, time):
        return value
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise RulesError(f'{where} must be a time of day like "09:00"') from None


def load_policy(rules: Rules) -> Policy:
    return Policy.from_mapping(rules.toml("policy.toml", required=False))


# -- actions -------------------------------------------------------------------


@dataclass(frozen=True)
class CreateDraft:
    process_id: str
    account: str
    action: str  # one of ACTIONS
    followup_id: str
    due_at: datetime
    language: str
    reason: str
    anchor_message_id: str | None = None  # the message the draft replies to
    nudge: int = 0  # follow-ups already sent in this silence
    offer_deadline: date | None = None  # competing_offer only

    def summary(self) -> dict[str, Any] | None:
        """What a pass report says of this action (``None``: nothing)."""
        return {
            "action": self.action,
            "process": self.process_id,
            "followup_id": self.followup_id,
            "due_at": self.due_at.isoformat(),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class CancelDraft:
    followup_id: str
    process_id: str
    reason: str

    def summary(self) -> dict[str, Any] | None:
        return {
            "action": "cancel",
            "followup_id": self.followup_id,
            "process": self.process_id,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class FlagDraft:
    """The user's edited draft is left alone, but something happened they should know."""

    followup_id: str
    process_id: str
    reason: str

    def summary(self) -> dict[str, Any] | None:
        return {
            "action": "flag",
            "followup_id": self.followup_id,
            "process": self.process_id,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class MarkGhosted:
    process_id: str
    reason: str
    since: datetime  # the last follow-up (or the lapsed due time) the silence runs from

    def summary(self) -> dict[str, Any] | None:
        return {"action": "ghosted", "process": self.process_id, "reason": self.reason}


@dataclass(frozen=True)
class DraftsCapped:
    """The draft-storm breaker tripped: ``deferred`` waits for a later pass."""

    limit: int
    deferred: tuple[str, ...]  # follow-up ids

    def summary(self) -> dict[str, Any] | None:
        return None  # counted in the report's "capped" and "drafts_held"


Action = CreateDraft | CancelDraft | FlagDraft | MarkGhosted | DraftsCapped


@dataclass(frozen=True)
class Outlook:
    """What a process is waiting for (for ``followup status``)."""

    process_id: str
    state: str  # the tracker's state, or "ghosted"
    action: str | None
    due_at: datetime | None
    followups_sent: int
    reason: str


def followup_id(account: str, action: str, anchor: str, nudge: int, extra: str = "") -> str:
    """Deterministic id of one follow-up. The anchor (the employer's last message) pins the
    process, so the id survives a process id that changes when older mail turns up."""
    key = "\0".join((account, action, anchor, str(nudge), extra))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


# -- the rules -----------------------------------------------------------------


@dataclass(frozen=True)
class _Due:
    action: str | None
    due_at: datetime | None
    nudge: int
    reason: str
    ghost_since: datetime | None = None  # set when the process is ghosted


class _Clock:
    def __init__(self, policy: Policy, calendar: BusinessCalendar, tz: ZoneInfo) -> None:
        self.policy, self.calendar, self.tz = policy, calendar, tz

    def day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def at(self, day: date) -> datetime:
        return datetime.combine(day, self.policy.followup_time, tzinfo=self.tz)

    def after(self, day: date, business_days: int) -> datetime:
        return self.at(self.calendar.add_business_days(day, business_days))


def _silence_start(process: Process) -> datetime | None:
    return process.last_inbound.date if process.last_inbound else None


def _anchor_key(process: Process) -> str:
    if process.last_inbound:
        return process.last_inbound.message_id
    if process.anchor:
        return process.anchor.message_id
    return process.id


def _first_followup(process: Process, drafts: Sequence[DraftRecord], clock: _Clock) -> _Due | None:
    policy = clock.policy
    since = _silence_start(process)
    if process.state == REJECTED:
        if not policy.feedback_request or any(d.action == FEEDBACK_REQUEST for d in drafts):
            return None
        rejection = next((e for e in reversed(process.events) if e.state_to == REJECTED), None)
        if rejection is not None and rejection.kind == REJECTED_BY_SILENCE:
            if not policy.feedback_after_silence:
                return None
        elif not process.interview_held and not policy.feedback_after_application_rejection:
            return None  # a rejection of the application alone: a short request, if asked for
        rejected_at = rejection.at if rejection is not None else since
        if rejected_at is None or any(m.date > rejected_at for m in process.outbound):
            return None
        due = clock.after(clock.day(rejected_at), policy.feedback_business_days)
        return _Due(FEEDBACK_REQUEST, due, 0, "rejection: ask for feedback")
    if process.state not in ACTIVE_STATES:
        return None
    silence = (
        process.promise_evidence is not None
        and process.promise_evidence.condition == SILENCE_MEANS_NO
    )
    if process.promised_by and (not silence or policy.followup_when_silence_means_no):
        due = clock.after(process.promised_by, policy.after_promise_business_days)
        before_interview = (
            process.interview_at is not None
            and not process.interview_held
            and due < process.interview_at
        )
        if (since is None or due >= since) and not before_interview:
            return _Due(
                FOLLOWUP_AFTER_PROMISE, due, 0, f"promised by {process.promised_by.isoformat()}"
            )
    if process.interview_held and process.interview_at and process.state == AWAITING_DECISION:
        base = clock.day(process.interview_at)
        if since is not None:
            base = max(base, clock.day(since))
        due = clock.after(base, policy.next_steps_business_days)
        return _Due(NEXT_STEPS, due, 0, f"interview held {clock.day(process.interview_at)}")
    return None


def _sent_followups(
    process: Process, drafts: Sequence[DraftRecord], count_from: datetime
) -> list[datetime]:
    """When each follow-up in the current silence went out."""
    since = _silence_start(process)
    seen_in_sent = {m.followup_id: m.date for m in process.outbound if m.followup_id}
    times: list[datetime] = []
    counted: set[str] = set()
    for d in drafts:
        if d.state != DRAFT_SENT:
            continue
        at = seen_in_sent.get(d.followup_id) or d.updated_at or d.created_at or d.due_at
        counted.add(d.followup_id)
        if since is None or at > since:
            times.append(at)
    for m in process.outbound:
        if m.followup_id in counted or (since is not None and m.date <= since):
            continue
        if m.followup_id or m.date >= count_from:
            times.append(m.date)
    return sorted(times)


def _decide(process: Process, drafts: Sequence[DraftRecord], clock: _Clock) -> _Due:
    policy = clock.policy
    first = _first_followup(process, drafts, clock)
    if first is None or first.due_at is None:
        return _Due(None, None, 0, "nothing to follow up")
    count_from = datetime.combine(clock.day(first.due_at), time(0), tzinfo=clock.tz)
    sent = _sent_followups(process, drafts, count_from)
    if not sent:
        return first
    if first.action == FEEDBACK_REQUEST or process.state == REJECTED:
        return _Due(None, None, len(sent), "feedback requested")
    last = sent[-1]
    if len(sent) < policy.max_followups:
        due = clock.after(clock.day(last), policy.nudge_business_days)
        return _Due(NUDGE, due, len(sent), f"no answer since {clock.day(last).isoformat()}")
    ghost_at = clock.after(clock.day(last), policy.ghost_after_business_days)
    reason = f"no answer to {len(sent)} follow-ups"
    return _Due(None, ghost_at, len(sent), reason, ghost_since=last)


def drafts_by_process(
    processes: Iterable[Process], drafts: Iterable[DraftRecord]
) -> dict[str, list[DraftRecord]]:
    """Drafts grouped under their process's current id (a draft may name an older alias)."""
    owner: dict[str, str] = {}
    for p in processes:
        for alias in p.aliases:
            owner.setdefault(alias, p.id)
        owner[p.id] = p.id
    grouped: dict[str, list[DraftRecord]] = {}
    for d in drafts:
        grouped.setdefault(owner.get(d.process_id, d.process_id), []).append(d)
    return grouped


def _snoozed(process: Process, today: date) -> bool:
    return process.snoozed_until is not None and process.snoozed_until > today


def outlook(
    process: Process,
    drafts: Sequence[DraftRecord],
    *,
    now: datetime,
    policy: Policy,
    calendar: BusinessCalendar,
    tz: ZoneInfo,
) -> Outlook:
    """The next thing that will happen to ``process`` (drafts: this process's drafts)."""
    clock = _Clock(policy, calendar, tz)
    return _outlook(process, _decide(process, drafts, clock), now, clock)


def _outlook(process: Process, due: _Due, now: datetime, clock: _Clock) -> Outlook:
    if _snoozed(process, clock.day(now)) and process.snoozed_until is not None:
        reason = f"snoozed until {process.snoozed_until.isoformat()}"
        return Outlook(process.id, process.state, due.action, due.due_at, due.nudge, reason)
    if due.ghost_since is not None and due.due_at is not None and now >= due.due_at:
        return Outlook(process.id, "ghosted", None, None, due.nudge, due.reason)
    if due.ghost_since is not None:
        return Outlook(
            process.id, process.state, None, due.due_at, due.nudge, "ghosted at due time"
        )
    return Outlook(process.id, process.state, due.action, due.due_at, due.nudge, due.reason)


@dataclass(frozen=True)
class ProcessPlan:
    """What one pass would do for one process, and until when that holds.

    :func:`plan` is :func:`combine` over the plans of every process: one process's
    plan reads only that process, its drafts, the ids of every draft (a follow-up is
    never created twice) and the competing offers."""

    process_id: str
    outlook: Outlook
    cancels: tuple[CancelDraft, ...] = ()
    flags: tuple[FlagDraft, ...] = ()
    ghost: MarkGhosted | None = None
    create: CreateDraft | None = None
    offer_cancels: tuple[CancelDraft, ...] = ()  # open drafts a competing-offer note replaces
    offer_rank: int = 0  # which offer (in offer order) the note is about
    # The first moment after ``now`` at which time alone may change this plan or the
    # outlook (a due time, a snooze ending, an offer's deadline); None: never.
    changes_at: datetime | None = None


_INSTANT = timedelta(microseconds=1)


def plan_process(
    p: Process,
    mine: Sequence[DraftRecord],
    *,
    known_ids: set[str] | frozenset[str],
    now: datetime,
    policy: Policy,
    calendar: BusinessCalendar,
    tz: ZoneInfo,
    offers: Sequence[CompetingOffer] = (),
) -> ProcessPlan:
    """The plan for ``p`` (``mine``: its drafts; ``known_ids``: every draft's id)."""
    clock = _Clock(policy, calendar, tz)
    today = clock.day(now)
    offers = sorted(offers, key=lambda o: (o.created_at, o.deadline))
    cancels: list[CancelDraft] = []
    flags: list[FlagDraft] = []
    open_ids: set[str] = set()
    for d in mine:
        created = d.created_at or d.due_at
        newer = [m for m in p.inbound if m.date > created]
        if d.state in OPEN_DRAFT_STATES:
            if newer:
                who = newer[-1].from_name or newer[-1].from_addr
                cancels.append(
                    CancelDraft(d.followup_id, p.id, f"{who} wrote on {clock.day(newer[-1].date)}")
                )
            elif p.state in (WITHDRAWN, HIRED, CLOSED):
                cancels.append(CancelDraft(d.followup_id, p.id, f"process closed ({p.state})"))
            else:
                open_ids.add(d.followup_id)
        elif d.state == DRAFT_USER_EDITED and newer:
            reason = f"a newer message arrived on {clock.day(newer[-1].date)}: check before sending"
            if d.note != reason:
                flags.append(FlagDraft(d.followup_id, p.id, reason))
    due = _decide(p, mine, clock)
    look = _outlook(p, due, now, clock)
    moments: list[datetime] = []
    if due.due_at is not None:  # it falls due; it is overdue beyond following up
        overdue = due.due_at + timedelta(days=policy.max_overdue_days) + _INSTANT
        moments += [due.due_at, overdue]
    if p.snoozed_until is not None:
        moments.append(_start_of(p.snoozed_until, tz))
    plan = ProcessPlan(p.id, look, tuple(cancels), tuple(flags))
    ghost, create = _due_action(p, due, open_ids, known_ids, now, today, clock)
    if p.state in ACTIVE_STATES:
        for offer in offers:
            moments += [offer.created_at, _start_of(offer.deadline + timedelta(days=1), tz)]
    offer_cancels: tuple[CancelDraft, ...] = ()
    rank = 0
    if create is None:
        note = _offer_note(p, mine, offers, {c.followup_id for c in cancels}, known_ids, now, clock)
        if note is not None:
            rank, create, offer_cancels = note
    return replace(
        plan,
        ghost=ghost,
        create=create,
        offer_cancels=offer_cancels,
        offer_rank=rank,
        changes_at=min((m for m in moments if m > now), default=None),
    )


def _start_of(day: date, tz: ZoneInfo) -> datetime:
    """The first moment of ``day`` in ``tz``."""
    return datetime.combine(day, time(0), tzinfo=tz)


def _due_action(
    p: Process,
    due: _Due,
    open_ids: set[str],
    known_ids: set[str] | frozenset[str],
    now: datetime,
    today: date,
    clock: _Clock,
) -> tuple[MarkGhosted | None, CreateDraft | None]:
    """The process's own follow-up or ghosting, if one is due now."""
    policy = clock.policy
    if _snoozed(p, today) or p.state not in (*ACTIVE_STATES, REJECTED):
        return None, None
    since = _silence_start(p)
    if due.ghost_since is not None:
        if due.due_at is not None and now >= due.due_at and p.state in ACTIVE_STATES:
            return MarkGhosted(p.id, due.reason, due.ghost_since), None
        return None, None
    if due.action is None or due.due_at is None or now < due.due_at:
        return None, None
    if since is not None and due.due_at < since:
        return None, None
    if now - due.due_at > timedelta(days=policy.max_overdue_days):
        if p.state in ACTIVE_STATES:
            reason = f"{due.reason}; too late to follow up"
            return MarkGhosted(p.id, reason, due.due_at), None
        return None, None
    fid = followup_id(p.account, due.action, _anchor_key(p), due.nudge)
    if fid in known_ids or open_ids:
        return None, None
    create = CreateDraft(
        p.id,
        p.account,
        due.action,
        fid,
        due.due_at,
        p.language,
        due.reason,
        _anchor_message_id(p),
        due.nudge,
    )
    return None, create


def combine(plans: Sequence[ProcessPlan], policy: Policy) -> list[Action]:
    """The actions of a pass, in the order the executor applies them: cancellations,
    flags, ghosting, then new drafts by due time up to ``max_drafts_per_pass``."""
    cancels: list[CancelDraft] = [c for pl in plans for c in pl.cancels]
    noted = sorted(
        (pl.offer_rank, n) for n, pl in enumerate(plans) if pl.offer_cancels or pl.create
    )
    cancels += [c for _, n in noted for c in plans[n].offer_cancels]
    creates = [pl.create for pl in plans if pl.create is not None]
    creates.sort(key=lambda c: (c.due_at, c.process_id, c.followup_id))
    actions: list[Action] = [*cancels]
    actions += [f for pl in plans for f in pl.flags]
    actions += [pl.ghost for pl in plans if pl.ghost is not None]
    limit = policy.max_drafts_per_pass
    actions.extend(creates[:limit])
    if len(creates) > limit:
        actions.append(DraftsCapped(limit, tuple(c.followup_id for c in creates[limit:])))
    return actions


def plan_all(
    processes: Sequence[Process],
    drafts: Sequence[DraftRecord],
    *,
    now: datetime,
    policy: Policy,
    calendar: BusinessCalendar,
    tz: ZoneInfo,
    offers: Sequence[CompetingOffer] = (),
) -> list[ProcessPlan]:
    """The plan of every process, in the order of ``processes``."""
    known_ids = {d.followup_id for d in drafts}
    by_process = drafts_by_process(processes, drafts)
    return [
        plan_process(
            p,
            by_process.get(p.id, []),
            known_ids=known_ids,
            now=now,
            policy=policy,
            calendar=calendar,
            tz=tz,
            offers=offers,
        )
        for p in processes
    ]


def plan(
    processes: list[Process],
    drafts: list[DraftRecord],
    *,
    now: datetime,
    policy: Policy,
    calendar: BusinessCalendar,
    tz: ZoneInfo,
    offers: Sequence[CompetingOffer] = (),
) -> list[Action]:
    plans = plan_all(
        processes, drafts, now=now, policy=policy, calendar=calendar, tz=tz, offers=offers
    )
    return combine(plans, policy)


def _anchor_message_id(process: Process) -> str | None:
    return process.anchor.message_id if process.anchor else None


def _offer_note(
    p: Process,
    mine: Sequence[DraftRecord],
    offers: Sequence[CompetingOffer],
    cancelled: set[str],
    known_ids: set[str] | frozenset[str],
    now: datetime,
    clock: _Clock,
) -> tuple[int, CreateDraft, tuple[CancelDraft, ...]] | None:
    """A note about a competing offer to an active process without a follow-up due of
    its own (offers in their order: the first that applies); it replaces an untouched
    pending draft of ours, since it asks the same question with a reason. Returns the
    offer's rank, the note and the drafts it replaces."""
    if not clock.policy.competing_offer:
        return None
    today = clock.day(now)
    if p.state not in ACTIVE_STATES or _snoozed(p, today):
        return None
    since = _silence_start(p)
    for rank, offer in enumerate(offers):
        if offer.deadline < today or offer.created_at > now:
            continue
        if offer.process_id and p.answers_to(offer.process_id):
            continue
        if since is not None and offer.created_at < since:
            continue
        extra = f"offer:{offer.created_at.isoformat()}:{offer.deadline.isoformat()}"
        fid = followup_id(p.account, COMPETING_OFFER, _anchor_key(p), 0, extra)
        if fid in known_ids:
            continue
        replaced = tuple(
            CancelDraft(d.followup_id, p.id, "replaced by the competing-offer note")
            for d in mine
            if d.state in OPEN_DRAFT_STATES and d.followup_id not in cancelled
        )
        note = CreateDraft(
            p.id,
            p.account,
            COMPETING_OFFER,
            fid,
            offer.created_at,
            p.language,
            f"competing offer, answer due {offer.deadline.isoformat()}",
            _anchor_message_id(p),
            0,
            offer.deadline,
        )
        return rank, note, replaced
    return None
