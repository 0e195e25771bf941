"""The real-world set's rows keep the shape its README promises: every bench and the
kind model's training read them by these fields."""

from __future__ import annotations

import json
from datetime import date, datetime

from locations import REALWORLD

FIELDS = {
    "id", "lang", "source", "license", "from", "subject", "sent", "body", "label",
    "promised_by", "promise_condition", "interview_at", "lookalike", "class", "notes",
}  # fmt: skip
KINDS = {
    "application_received", "interview_invitation", "assessment_request", "reference_request",
    "status_update", "offer", "rejection", "not_job",
}  # fmt: skip


def _rows() -> list[dict]:
    rows = []
    for path in sorted(REALWORLD.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def test_every_row_has_the_fields_and_a_unique_id() -> None:
    rows = _rows()
    assert len(rows) > 2000
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), "an id is used twice"
    for row in rows:
        assert set(row) == FIELDS, row["id"]
        assert row["lang"] in ("en", "nb", "nn", "da", "sv"), row["id"]
        assert row["label"] in KINDS, row["id"]
        assert row["promise_condition"] in (None, "shortlisted", "silence_means_no"), row["id"]
        assert datetime.fromisoformat(row["sent"]).tzinfo is not None, row["id"]
        assert row["source"].strip() and row["body"].strip(), row["id"]


def test_a_look_alike_is_no_hiring_mail_and_promises_nothing() -> None:
    for row in _rows():
        if row["lookalike"]:
            assert row["label"] == "not_job", row["id"]
            assert row["promised_by"] is None and row["promise_condition"] is None, row["id"]
        if row["promised_by"] is not None:
            promised = date.fromisoformat(row["promised_by"])
            assert promised >= datetime.fromisoformat(row["sent"]).date(), row["id"]
        elif row["promise_condition"] is not None:
            raise AssertionError(f"{row['id']}: a condition without a promised day")
