"""Conversions between the plain records and SQLite rows.

Datetimes are stored as ISO 8601 text in UTC (so text order is time order) and
must be aware; dates as ISO dates; tuples and evidence as JSON.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from typing import Any

from agent.records import (
    CompetingOffer,
    DraftRecord,
    ManualProcess,
    ProcessOverride,
    Reflection,
    TrackedMessage,
)


def ts(value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"naive datetime {value.isoformat()} given to the store; pass an aware datetime"
        )
    return value.astimezone(UTC).isoformat()


def opt_ts(value: datetime | None) -> str | None:
    return None if value is None else ts(value)


def parse_ts(text: str | None) -> datetime | None:
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def day(value: date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        raise ValueError("a date was expected, got a datetime")
    return value.isoformat()


def parse_day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def message_row(
    msg: TrackedMessage,
    *,
    folder: str,
    uid: int | None,
    uidvalidity: int | None,
    first_seen_at: datetime,
) -> dict[str, Any]:
    return {
        "account": msg.account,
        "message_id": msg.message_id,
        "folder": folder,
        "uid": uid,
        "uidvalidity": uidvalidity,
        "direction": msg.direction,
        "folder_role": msg.folder_role,
        "date": ts(msg.date),
        "subject": msg.subject,
        "from_name": msg.from_name,
        "from_addr": msg.from_addr,
        "reply_to_json": dump(list(msg.reply_to)),
        "to_json": dump(list(msg.to)),
        "to_names_json": dump(list(msg.to_names)),
        "in_reply_to": msg.in_reply_to,
        "references_json": dump(list(msg.references)),
        "language": msg.language,
        "kind": msg.kind,
        "confidence": float(msg.confidence),
        "promised_by": day(msg.promised_by),
        "interview_at": opt_ts(msg.interview_at),
        "company": msg.company,
        "role": msg.role,
        "ats": msg.ats,
        "agency": msg.agency,
        "contact_name": msg.contact_name,
        "evidence_json": dump([e.to_json() for e in msg.evidence]),
        "followup_id": msg.followup_id,
        "after_interview": int(msg.after_interview),
        "contact_phone": msg.contact_phone,
        "interview_place": msg.interview_place,
        "interview_link": msg.interview_link,
        "first_seen_at": ts(first_seen_at),
        "updated_at": ts(first_seen_at),
    }


def tracked_message(row: sqlite3.Row) -> TrackedMessage:
    from agent.analysis.types import Evidence

    date_value = parse_ts(row["date"])
    assert date_value is not None  # job rows always carry a date
    return TrackedMessage(
        message_id=row["message_id"],
        account=row["account"],
        direction=row["direction"],
        folder_role=row["folder_role"],
        date=date_value,
        subject=row["subject"] or "",
        from_name=row["from_name"] or "",
        from_addr=row["from_addr"] or "",
        reply_to=tuple(json.loads(row["reply_to_json"] or "[]")),
        to=tuple(json.loads(row["to_json"] or "[]")),
        to_names=tuple(json.loads(row["to_names_json"] or "[]")),
        in_reply_to=row["in_reply_to"],
        references=tuple(json.loads(row["references_json"] or "[]")),
        language=row["language"] or "en",
        kind=row["kind"],
        confidence=row["confidence"] or 0.0,
        promised_by=parse_day(row["promised_by"]),
        interview_at=parse_ts(row["interview_at"]),
        company=row["company"],
        role=row["role"],
        ats=row["ats"],
        agency=row["agency"],
        contact_name=row["contact_name"],
        evidence=tuple(
            Evidence(
                sentence=e["sentence"],
                phrase=e["phrase"],
                resolved=date.fromisoformat(e["resolved"]),
                condition=e.get("condition"),
            )
            for e in json.loads(row["evidence_json"] or "[]")
        ),
        followup_id=row["followup_id"],
        after_interview=bool(row["after_interview"]),
        contact_phone=row["contact_phone"],
        interview_place=row["interview_place"],
        interview_link=row["interview_link"],
    )


def draft_row(record: DraftRecord, now: datetime) -> dict[str, Any]:
    return {
        "followup_id": record.followup_id,
        "account": record.account,
        "process_id": record.process_id,
        "action": record.action,
        "state": record.state,
        "due_at": ts(record.due_at),
        "message_id": record.message_id,
        "language": record.language,
        "subject": record.subject,
        "to_addr": record.to,
        "body": record.body,
        "in_reply_to": record.in_reply_to,
        "folder": record.folder,
        "uid": record.uid,
        "created_at": ts(record.created_at or now),
        "updated_at": ts(record.updated_at or record.created_at or now),
        "note": record.note,
    }


def draft_record(row: sqlite3.Row) -> DraftRecord:
    due_at = parse_ts(row["due_at"])
    assert due_at is not None
    return DraftRecord(
        followup_id=row["followup_id"],
        account=row["account"],
        process_id=row["process_id"],
        action=row["action"],
        state=row["state"],
        due_at=due_at,
        message_id=row["message_id"],
        language=row["language"],
        subject=row["subject"],
        to=row["to_addr"],
        body=row["body"],
        in_reply_to=row["in_reply_to"],
        folder=row["folder"],
        uid=row["uid"],
        created_at=parse_ts(row["created_at"]),
        updated_at=parse_ts(row["updated_at"]),
        note=row["note"],
    )


def override_record(row: sqlite3.Row) -> ProcessOverride:
    return ProcessOverride(
        process_id=row["process_id"],
        closed_reason=row["closed_reason"],
        snoozed_until=parse_day(row["snoozed_until"]),
        company=row["company"],
        role=row["role"],
        promised_by=parse_day(row["promised_by"]),
        updated_at=parse_ts(row["updated_at"]),
    )


def manual_record(row: sqlite3.Row) -> ManualProcess:
    created_at = parse_ts(row["created_at"])
    assert created_at is not None
    return ManualProcess(
        process_id=row["process_id"],
        company=row["company"],
        created_at=created_at,
        role=row["role"],
        contact=row["contact"],
        interview_at=parse_ts(row["interview_at"]),
        promised_by=parse_day(row["promised_by"]),
        language=row["language"],
        note=row["note"],
    )


def offer_record(row: sqlite3.Row) -> CompetingOffer:
    created_at = parse_ts(row["created_at"])
    deadline = parse_day(row["deadline"])
    assert created_at is not None and deadline is not None
    return CompetingOffer(
        created_at=created_at,
        deadline=deadline,
        process_id=row["process_id"],
        extra=dict(json.loads(row["extra_json"] or "{}")),
    )


def reflection_record(row: sqlite3.Row) -> Reflection:
    created = parse_ts(row["created_at"])
    updated = parse_ts(row["updated_at"])
    assert created is not None and updated is not None
    answers = json.loads(row["answers_json"] or "{}")
    return Reflection(
        process_id=row["process_id"],
        round=row["round"],
        created_at=created,
        updated_at=updated,
        language=row["language"] or "en",
        interview_at=parse_ts(row["interview_at"]),
        answers={str(k): str(v) for k, v in answers.items()} if isinstance(answers, dict) else {},
        interest=row["interest"],
        answer_by=parse_day(row["answer_by"]),
    )
