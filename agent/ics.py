"""The job search as an iCalendar file: interviews and the days follow-ups fall due.

Pure: :func:`build_calendar` turns the board (process views), the texts of
``rules/calendar.toml`` and ``now`` into the bytes of a VCALENDAR (RFC 5545, made with
the icalendar library). Times are written in UTC, follow-ups as all-day events that do
not block time, and every event has a stable UID, so a calendar app that subscribes to
the file updates events rather than duplicating them.

Interviews: every interview time a process's mail has given, except one moved by a
later message before it took place, and none still ahead in a process that has ended.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from agent.board import ProcessView, action_label
from agent.errors import RulesError
from agent.records import ACTIVE_STATES, INBOUND
from agent.rules import Rules
from agent.tracker import Process
from agent.views import company_label

PRODID = "-//followup//followup-agent//EN"
UID_DOMAIN = "followup.invalid"
FOLLOWUP_STATUSES = ("due", "scheduled", "draft_ready")
INTERVIEW_KINDS = ("interview_invitation", "assessment_request")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_STAMP_LINE = re.compile(rb"^DTSTAMP[:;][^\r\n]*\r?\n", re.M)


@dataclass(frozen=True)
class CalendarTexts:
    name: str
    interview_minutes: int
    interview_summary: str
    interview_summary_with_role: str
    interview_description: tuple[str, ...]
    followup_summary: str
    followup_description: tuple[str, ...]

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "calendar.toml") -> CalendarTexts:
        def text(key: str) -> str:
            value = data.get(key)
            if not isinstance(value, str) or not value.strip():
                raise RulesError(f"{where}:{key}: expected a non-empty string")
            return value.strip()

        def lines(key: str) -> tuple[str, ...]:
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise RulesError(f"{where}:{key}: expected a list of strings")
            return tuple(value)

        minutes = data.get("interview_minutes", 60)
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 5 <= minutes <= 1440:
            raise RulesError(f"{where}:interview_minutes: expected 5-1440, got {minutes!r}")
        return cls(
            name=text("name"),
            interview_minutes=minutes,
            interview_summary=text("interview_summary"),
            interview_summary_with_role=text("interview_summary_with_role"),
            interview_description=lines("interview_description"),
            followup_summary=text("followup_summary"),
            followup_description=lines("followup_description"),
        )


def calendar_texts(rules: Rules) -> CalendarTexts:
    return CalendarTexts.from_mapping(rules.toml("calendar.toml"))


@dataclass(frozen=True)
class Interview:
    process_id: str
    start: datetime
    round: int
    place: str | None = None
    link: str | None = None


def interviews_of(process: Process, now: datetime) -> list[Interview]:
    """The interviews of a process, oldest first, each with the place its invitation gave."""
    found: list[Interview] = []
    for m in process.messages:
        if m.direction != INBOUND or m.kind not in INTERVIEW_KINDS or m.interview_at is None:
            continue
        # A time still ahead when this message came has been moved (or repeated) by it.
        kept = [i for i in found if i.start < m.date and i.start != m.interview_at]
        moved = [i for i in found if i not in kept]
        place = m.interview_place or next((i.place for i in moved if i.place), None)
        link = m.interview_link or next((i.link for i in moved if i.link), None)
        found = [*kept, Interview(process.id, m.interview_at, 0, place, link)]
    if process.interview_at is not None and all(i.start != process.interview_at for i in found):
        found.append(Interview(process.id, process.interview_at, 0))
    found.sort(key=lambda i: i.start)
    if process.state not in ACTIVE_STATES:
        ended = process.events[-1].at if process.events else now
        found = [i for i in found if i.start <= ended]
    return [
        Interview(i.process_id, i.start, n, i.place, i.link) for n, i in enumerate(found, start=1)
    ]


def _fill(template: str, values: Mapping[str, str]) -> str | None:
    """The template with its placeholders filled; None when every placeholder is empty."""
    names = _PLACEHOLDER.findall(template)
    if names and not any(values.get(n) for n in names):
        return None
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), template).strip()


def _description(lines: Sequence[str], values: Mapping[str, str]) -> str:
    return "\n".join(line for t in lines if (line := _fill(t, values)))


def _values(process: Process) -> dict[str, str]:
    contact = ""
    if process.contact:
        name = process.contact.name
        contact = f"{name} <{process.contact.address}>" if name else process.contact.address
    return {
        "employer": company_label(process),
        "role": process.role or "",
        "id": process.id,
        "contact": contact,
    }


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo("UTC"))


def calendar_events(
    views: Sequence[ProcessView], *, now: datetime, tz: ZoneInfo, texts: CalendarTexts
) -> list[dict[str, Any]]:
    """The events, as plain data: uid, kind, summary, description, start, end, place, link."""
    events: list[dict[str, Any]] = []
    for view in views:
        p = view.process
        base = _values(p)
        for interview in interviews_of(p, now):
            values = {
                **base,
                "round": str(interview.round),
                "place": interview.place or "",
                "link": interview.link or "",
            }
            summary = texts.interview_summary_with_role if p.role else texts.interview_summary
            events.append(
                {
                    "uid": f"interview-{p.id}-{_utc(interview.start):%Y%m%dT%H%MZ}@{UID_DOMAIN}",
                    "kind": "interview",
                    "summary": _fill(summary, values) or summary,
                    "description": _description(texts.interview_description, values),
                    "start": _utc(interview.start),
                    "end": _utc(interview.start + timedelta(minutes=texts.interview_minutes)),
                    "place": interview.place or interview.link,
                    "link": interview.link,
                }
            )
        if view.next_status in FOLLOWUP_STATUSES and view.next_due_at and view.next_action:
            day = view.next_due_at.astimezone(tz).date()
            values = {
                **base,
                "action": action_label(view.next_action),
                "reason": view.next_reason or "",
            }
            events.append(
                {
                    "uid": f"followup-{p.id}-{view.next_action}@{UID_DOMAIN}",
                    "kind": "followup",
                    "summary": _fill(texts.followup_summary, values) or texts.followup_summary,
                    "description": _description(texts.followup_description, values),
                    "start": day,
                    "end": day + timedelta(days=1),
                    "place": None,
                    "link": None,
                }
            )
    events.sort(key=lambda e: (str(e["start"]), e["uid"]))
    return events


def build_calendar(
    views: Sequence[ProcessView], *, now: datetime, tz: ZoneInfo, texts: CalendarTexts
) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", texts.name)
    cal.add("x-wr-timezone", str(tz))
    stamp = _utc(now).replace(microsecond=0)
    for e in calendar_events(views, now=now, tz=tz, texts=texts):
        event = Event()
        event.add("uid", e["uid"])
        event.add("dtstamp", stamp)
        event.add("dtstart", e["start"])
        event.add("dtend", e["end"])
        event.add("summary", e["summary"])
        if e["description"]:
            event.add("description", e["description"])
        if e["place"]:
            event.add("location", e["place"])
        if e["link"]:
            event.add("url", e["link"])
        if e["kind"] == "followup":
            event.add("transp", "TRANSPARENT")
            event.add("categories", ["Job search", "Follow-up"])
        else:
            event.add("transp", "OPAQUE")
            event.add("categories", ["Job search", "Interview"])
        cal.add_component(event)
    return bytes(cal.to_ical())


def same_calendar(old: bytes, new: bytes) -> bool:
    """Equal but for the time stamps: the file need not be written again."""
    return _STAMP_LINE.sub(b"", old) == _STAMP_LINE.sub(b"", new)
