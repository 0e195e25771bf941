"""What comes next for every process: the one place that decides what
``followup processes``, ``show``, ``status``, the calendar and the daemon's wake-up
say is next.

Pure: computed from the processes, their plans (``agent.policy``), the drafts and
``now``. How it is shown is ``agent.views``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from agent.records import (
    ACTIVE_STATES,
    DRAFT_APPENDED,
    DRAFT_DISCARDED,
    DRAFT_INTENT,
    DRAFT_USER_DELETED,
    DRAFT_USER_EDITED,
    GHOSTED,
    CompetingOffer,
    DraftRecord,
)

if TYPE_CHECKING:  # loaded when a process is derived, not to show what is kept
    from agent.policy import BusinessCalendar, Outlook, Policy, ProcessPlan
    from agent.tracker import Process

OPEN_OR_YOURS = (DRAFT_INTENT, DRAFT_APPENDED, DRAFT_USER_EDITED)


ACTION_LABELS = {
    "followup_after_promise": "follow-up",
    "next_steps": "next steps",
    "nudge": "reminder",
    "feedback_request": "feedback request",
    "competing_offer": "offer note",
}


def action_label(action: str | None) -> str:
    return ACTION_LABELS.get(action or "", (action or "").replace("_", " "))


@dataclass
class ProcessView:
    process: Process
    state: str  # the tracker's state, or "ghosted"
    outlook: Outlook
    next_action: str | None
    next_due_at: datetime | None
    next_status: str
    next_reason: str
    drafts: list[DraftRecord] = field(default_factory=list)
    pending_cancels: dict[str, str] = field(
        default_factory=dict
    )  # draft id -> why the next scan withdraws it
    plan: ProcessPlan | None = None  # what the next pass does for it
    changes_at: datetime | None = None  # when time alone may change this view (None: never)

    @property
    def id(self) -> str:
        return self.process.id

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES


def _current_draft(
    view_action: str | None, process: Process, drafts: Sequence[DraftRecord]
) -> DraftRecord | None:
    """A draft of this silence (written after the employer last wrote) still in Drafts."""
    since = process.last_inbound.date if process.last_inbound else None
    candidates = [
        d
        for d in drafts
        if d.state in OPEN_OR_YOURS and (since is None or (d.created_at or d.due_at) >= since)
    ]
    preferred = [d for d in candidates if d.action == view_action]
    pool = preferred or candidates
    return max(pool, key=lambda d: (d.created_at or d.due_at, d.followup_id)) if pool else None


def board(
    processes: Sequence[Process],
    drafts: Sequence[DraftRecord],
    *,
    now: datetime,
    policy: Policy,
    calendar: BusinessCalendar,
    tz: ZoneInfo,
    offers: Sequence[CompetingOffer] = (),
) -> list[ProcessView]:
    """Every process of one account with its next step, as the next scan would see it."""
    from agent.policy import drafts_by_process, plan_all

    grouped = drafts_by_process(processes, drafts)
    plans = plan_all(
        processes, drafts, now=now, policy=policy, calendar=calendar, tz=tz, offers=offers
    )
    return [
        process_view(p, plan, grouped.get(p.id, []), now=now, policy=policy, tz=tz)
        for p, plan in zip(processes, plans, strict=True)
    ]


def process_view(
    p: Process,
    plan: ProcessPlan,
    mine: Sequence[DraftRecord],
    *,
    now: datetime,
    policy: Policy,
    tz: ZoneInfo,
) -> ProcessView:
    """One process with its next step, from its plan (``mine``: its drafts)."""
    look = plan.outlook
    cancels = {c.followup_id: c.reason for c in (*plan.cancels, *plan.offer_cancels)}
    today = now.astimezone(tz).date()
    state = GHOSTED if (look.state == GHOSTED or plan.ghost is not None) else p.state
    action, due, reason = look.action, look.due_at, look.reason
    if plan.create is not None:
        c = plan.create
        action, due, reason, status = c.action, c.due_at, c.reason, "due"
    elif state == GHOSTED:
        action, due, status = None, None, "none"
        reason = plan.ghost.reason if plan.ghost is not None else look.reason
    elif p.snoozed_until is not None and p.snoozed_until > today and p.active:
        status = "snoozed"
        reason = f"snoozed until {p.snoozed_until.isoformat()}"
    elif (
        current := _current_draft(action, p, [d for d in mine if d.followup_id not in cancels])
    ) is not None:
        action, due, status = current.action, current.due_at, "draft_ready"
        reason = (
            "draft waiting in Drafts"
            if current.state != DRAFT_USER_EDITED
            else "your edited draft is in Drafts"
        )
    elif action is not None and due is not None and due > now:
        status = "scheduled"
    else:
        if action is not None and due is not None:
            reason = _why_no_draft(p, mine, action, due, now, policy)
        action, due, status = None, None, "none"
    ordered = sorted(mine, key=_draft_order)
    withdrawn = {d.followup_id: cancels[d.followup_id] for d in ordered if d.followup_id in cancels}
    moments = [m for m in (p.changes_at, plan.changes_at) if m is not None]
    return ProcessView(
        p,
        state,
        look,
        action,
        due,
        status,
        reason,
        ordered,
        withdrawn,
        plan,
        min(moments, default=None),
    )


def _why_no_draft(
    process: Process,
    drafts: Sequence[DraftRecord],
    action: str,
    due: datetime,
    now: datetime,
    policy: Policy,
) -> str:
    since = process.last_inbound.date if process.last_inbound else None
    for d in sorted(drafts, key=_draft_order, reverse=True):
        if d.action == action and (since is None or (d.created_at or d.due_at) >= since):
            if d.state == DRAFT_USER_DELETED:
                return f"you deleted the {action_label(action)} draft"
            if d.state == DRAFT_DISCARDED:
                return f"you discarded the {action_label(action)} draft"
    if now - due > timedelta(days=policy.max_overdue_days):
        return f"too late for a {action_label(action)} (it was due {due.date().isoformat()})"
    return f"no {action_label(action)} will be written"


def _draft_order(d: DraftRecord) -> tuple[datetime, str]:
    return (d.created_at or d.due_at, d.followup_id)


def next_due(views: Iterable[Any]) -> Any:
    """The process whose next follow-up comes first (due now or scheduled)."""
    waiting = [v for v in views if v.next_status in ("due", "scheduled") and v.next_due_at]
    return min(waiting, key=lambda v: (v.next_due_at, v.id)) if waiting else None


def state_counts(views: Iterable[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in views:
        counts[v.state] = counts.get(v.state, 0) + 1
    return dict(sorted(counts.items()))
