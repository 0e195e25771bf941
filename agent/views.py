"""What the review commands show: processes and drafts as rows and JSON.

Pure: everything is computed from the processes, the drafts, the policy and ``now``
given by the caller; times are shown in the user's time zone. The ``--json``
objects built here are a stable contract (keys below); new keys may be added,
existing keys keep their name and meaning.

``followup processes --json`` — a list of :data:`PROCESS_KEYS` objects.
``followup show ID --json`` — one process object plus :data:`DETAIL_KEYS`.
``followup drafts --json`` — a list of :data:`DRAFT_KEYS` objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from agent.board import ProcessView, action_label
from agent.records import (
    ACTIVE_STATES,
    DraftRecord,
)

if TYPE_CHECKING:
    from agent.tracker import Process

PROCESS_KEYS = (
    "id",  # short hash; `followup show` accepts any unique prefix
    "account",
    "company",  # str | null
    "role",  # str | null
    "state",  # applied | interviewing | awaiting_decision | offer | rejected | withdrawn | hired | closed | ghosted
    "active",  # bool: still waiting for the employer
    "round",  # interview rounds invited to
    "language",  # language of the thread (drafts are written in it)
    "started_at",  # ISO time, user's zone
    "last_message_at",  # ISO time | null
    "last_message_kind",  # a message kind, or "outbound" for your own mail | null
    "promised_by",  # ISO date | null: the day the employer promised an answer by
    "promise_source",  # "mail" | "user" | null
    "interview_at",  # ISO time | null
    "interview_held",  # bool
    "contact",  # {"name", "address", "phone"} | null: who a follow-up goes to
    "next_action",  # followup_after_promise | next_steps | nudge | feedback_request | competing_offer | null
    "next_due_at",  # ISO time | null
    "next_status",  # see NEXT_STATUSES
    "next_reason",  # str: why (e.g. "promised by 2026-12-04")
    "followups_sent",  # int: follow-ups sent since the employer last wrote
    "snoozed_until",  # ISO date | null
    "closed_reason",  # withdrawn | hired | other | null
    "manual",  # bool: added with `followup add`
    "agency",  # str | null: the recruitment agency in between
    "draft_ids",  # list of this process's draft ids (every state)
)

# next_status: due — the next scan writes the draft; scheduled — due later;
# draft_ready — a draft is waiting in your Drafts folder; snoozed — paused by you;
# none — nothing to do (closed, ghosted, or waiting on a draft you discarded).
NEXT_STATUSES = ("due", "scheduled", "draft_ready", "snoozed", "none")

DETAIL_KEYS = (
    "promise",  # {"date", "source", "sentence", "phrase"} | null
    "contact_note",  # str | null (e.g. why a contact was chosen or is missing)
    "events",  # [{"at", "kind", "summary", "sentence", "message_id", "from", "subject", "state_from", "state_to"}]
    "drafts",  # [draft objects, DRAFT_KEYS]
    "interview_place",  # str | null: where the interview is, as the invitation says
    "interview_link",  # str | null: its video meeting link
    "checklist",  # {"language", "round", "title", "sections": [{"key", "title", "items"}]} | null
    "reflections",  # [{"process", "round", "language", "interview_at", "created_at", "updated_at",
    #                   "answers": [{"key", "question", "answer"}], "interest", "answer_by"}]
    "reflect_suggested",  # bool: the interview has passed and you have not looked back on it
)

DRAFT_KEYS = (
    "id",  # the X-Followup-Id of the draft; commands accept any unique prefix
    "account",
    "process",  # process id
    "company",  # str | null
    "action",  # followup_after_promise | next_steps | nudge | feedback_request | competing_offer
    "state",  # intent | appended | user_edited | user_deleted | sent | cancelled | discarded
    "due_at",  # ISO time
    "created_at",  # ISO time | null
    "updated_at",  # ISO time | null
    "to",  # "Name <address>" or "" when no recipient is known
    "subject",
    "language",
    "note",  # str | null, e.g. "no recipient: ..."
    "pending_cancel",  # str | null: the next scan withdraws this draft, and why
    "folder",  # str | null
    "uid",  # int | null
    "message_id",  # the draft's own Message-ID
)

# -- formatting -------------------------------------------------------------------


def iso(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return None if moment is None else moment.astimezone(tz).isoformat()


def iso_day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def when(moment: datetime | None, tz: ZoneInfo, now: datetime | None = None) -> str:
    """``Mon 07 Dec 09:00`` in the user's zone (with the year when it is not this year)."""
    if moment is None:
        return ""
    local = moment.astimezone(tz)
    this_year = (now.astimezone(tz).year if now else local.year) == local.year
    return local.strftime("%a %d %b %H:%M" if this_year else "%a %d %b %Y %H:%M")


def day_text(day: date | None, now: datetime | None = None) -> str:
    if day is None:
        return ""
    this_year = now is None or now.year == day.year
    return day.strftime("%a %d %b" if this_year else "%a %d %b %Y")


def company_label(process: Process | None) -> str:
    if process is None:
        return "?"
    return process.company or process.agency or "?"


# -- JSON --------------------------------------------------------------------------


def process_json(view: ProcessView, tz: ZoneInfo) -> dict[str, Any]:
    p = view.process
    last = p.messages[-1] if p.messages else None
    source = None
    if p.promised_by:
        source = "user" if p.promise_source == "user" else "mail"
    data: dict[str, Any] = {
        "id": p.id,
        "account": p.account,
        "company": p.company,
        "role": p.role,
        "state": view.state,
        "active": view.active,
        "round": p.round,
        "language": p.language,
        "started_at": iso(p.started_at, tz),
        "last_message_at": iso(last.date, tz) if last else None,
        "last_message_kind": last.kind if last else None,
        "promised_by": iso_day(p.promised_by),
        "promise_source": source,
        "interview_at": iso(p.interview_at, tz),
        "interview_held": p.interview_held,
        "contact": (
            {"name": p.contact.name, "address": p.contact.address, "phone": p.contact.phone}
            if p.contact
            else None
        ),
        "next_action": view.next_action,
        "next_due_at": iso(view.next_due_at, tz),
        "next_status": view.next_status,
        "next_reason": view.next_reason,
        "followups_sent": view.outlook.followups_sent,
        "snoozed_until": iso_day(p.snoozed_until),
        "closed_reason": p.closed_reason,
        "manual": p.manual,
        "agency": p.agency,
        "draft_ids": [d.followup_id for d in view.drafts],
    }
    assert tuple(data) == PROCESS_KEYS
    return data


def process_detail_json(
    view: ProcessView, tz: ZoneInfo, pending: Mapping[str, str] | None = None
) -> dict[str, Any]:
    p = view.process
    data = process_json(view, tz)
    by_id = {m.message_id: m for m in p.messages}
    events = []
    for e in p.events:
        m = by_id.get(e.message_id) if e.message_id else None
        sender = (m.from_name or m.from_addr) if m else None
        events.append(
            {
                "at": iso(e.at, tz),
                "kind": e.kind,
                "summary": e.summary,
                "sentence": e.sentence,
                "message_id": e.message_id,
                "from": sender,
                "subject": m.subject if m else None,
                "state_from": e.state_from,
                "state_to": e.state_to,
            }
        )
    promise = None
    if p.promised_by:
        ev = p.promise_evidence
        promise = {
            "date": p.promised_by.isoformat(),
            "source": data["promise_source"],
            "sentence": ev.sentence if ev else None,
            "phrase": ev.phrase if ev else None,
        }
    data["promise"] = promise
    data["contact_note"] = p.contact_note
    data["events"] = events
    data["drafts"] = [draft_json(d, p, tz, pending) for d in view.drafts]
    return data


def draft_json(
    d: DraftRecord, process: Process | None, tz: ZoneInfo, pending: Mapping[str, str] | None = None
) -> dict[str, Any]:
    data = {
        "id": d.followup_id,
        "account": d.account,
        "process": process.id if process else d.process_id,
        "company": (process.company or process.agency) if process else None,
        "action": d.action,
        "state": d.state,
        "due_at": iso(d.due_at, tz),
        "created_at": iso(d.created_at, tz),
        "updated_at": iso(d.updated_at, tz),
        "to": d.to,
        "subject": d.subject,
        "language": d.language,
        "note": d.note,
        "pending_cancel": (pending or {}).get(d.followup_id),
        "folder": d.folder,
        "uid": d.uid,
        "message_id": d.message_id,
    }
    assert tuple(data) == DRAFT_KEYS
    return data


# -- table rows ---------------------------------------------------------------------


def short_when(moment: datetime | None, tz: ZoneInfo, now: datetime) -> str:
    """``07 Dec 09:00`` (``07 Dec 2027 09:00`` in another year)."""
    if moment is None:
        return ""
    local = moment.astimezone(tz)
    return local.strftime(
        "%d %b %H:%M" if local.year == now.astimezone(tz).year else "%d %b %Y %H:%M"
    )


def short_day(day: date | None, now: datetime) -> str:
    if day is None:
        return ""
    return day.strftime("%d %b" if day.year == now.year else "%d %b %Y")


def process_row(view: ProcessView, tz: ZoneInfo, now: datetime) -> tuple[str, ...]:
    """id, company, role, state, round, last message, promised by, next."""
    return row_from_json(process_json(view, tz), tz, now)


def row_from_json(data: Mapping[str, Any], tz: ZoneInfo, now: datetime) -> tuple[str, ...]:
    """:func:`process_row` from a process's JSON (``followup processes --json``)."""
    last = datetime.fromisoformat(data["last_message_at"] or data["started_at"])
    state = data["state"].replace("_", " ")
    closed = data["closed_reason"]
    if closed and data["state"] not in ACTIVE_STATES and closed != data["state"]:
        state = f"{state} ({closed})"
    promised = date.fromisoformat(data["promised_by"]) if data["promised_by"] else None
    due = datetime.fromisoformat(data["next_due_at"]) if data["next_due_at"] else None
    snoozed = date.fromisoformat(data["snoozed_until"]) if data["snoozed_until"] else None
    return (
        data["id"],
        data["company"] or data["agency"] or "?",
        data["role"] or "",
        state,
        str(data["round"]) if data["round"] else "",
        short_day(last.astimezone(tz).date(), now),
        short_day(promised, now),
        _next_text(data["next_action"], data["next_status"], due, snoozed, tz, now),
    )


def next_text(view: ProcessView, tz: ZoneInfo, now: datetime) -> str:
    return _next_text(
        view.next_action, view.next_status, view.next_due_at, view.process.snoozed_until, tz, now
    )


def next_sentence(view: ProcessView, tz: ZoneInfo, now: datetime) -> str:
    """The next step as a sentence (``followup show``); :func:`next_text` is its short form."""
    label = action_label(view.next_action)
    due = when(view.next_due_at, tz, now)
    if view.next_status == "due":
        return f"{label} due {due}; the next scan writes the draft ({view.next_reason})"
    if view.next_status == "scheduled":
        return f"{label} on {due} ({view.next_reason})"
    if view.next_status == "draft_ready":
        return f"{label}: {view.next_reason}"
    return view.next_reason or "nothing"


def _next_text(
    action: str | None,
    status: str,
    due: datetime | None,
    snoozed_until: date | None,
    tz: ZoneInfo,
    now: datetime,
) -> str:
    label = action_label(action)
    if status == "due":
        return f"{label}: next scan"
    if status == "scheduled":
        return f"{label} {short_when(due, tz, now)}"
    if status == "draft_ready":
        return f"{label}: draft ready"
    if status == "snoozed":
        return f"snoozed to {short_day(snoozed_until, now)}"
    return "—"


def draft_row(
    d: DraftRecord, process: Process | None, tz: ZoneInfo, now: datetime
) -> tuple[str, ...]:
    """id, process, company, action, state, due, to, subject."""
    return (
        d.followup_id,
        process.id if process else d.process_id,
        company_label(process) if process else "?",
        action_label(d.action),
        d.state.replace("_", " "),
        short_when(d.due_at, tz, now),
        d.to or "(no recipient)",
        d.subject,
    )


# -- status -------------------------------------------------------------------------


def age_text(moment: datetime | None, now: datetime) -> str:
    """``3 min ago``, ``2 h ago``, ``4 days ago``."""
    if moment is None:
        return "never"
    delta = now - moment
    if delta < timedelta(0):
        return "in the future"
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{delta.days} days ago"
