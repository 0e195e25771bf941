"""Corrections (add, close, snooze, edit, offer): visible in ``processes --json`` and in
what the next scan plans (``scan --dry-run --json``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_review_cli import LATER, as_json, by_company, failure, invoke, ok, scanned_mailbox

DAY_AFTER = "2026-12-10T10:00:00+01:00"


@pytest.fixture
def config(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return scanned_mailbox(tmp_path_factory, tmp_path / "box")


def processes(config: Path, now: str = LATER, *flags: str) -> list[dict]:
    rows = as_json(config, "processes", "--now", now, *flags)
    assert isinstance(rows, list)
    return rows


def planned(config: Path, now: str) -> list[dict]:
    report = as_json(config, "scan", "--dry-run", "--now", now)
    assert isinstance(report, dict) and report["dry_run"] is True
    return report["accounts"][0]["planned"]


def planned_for(config: Path, now: str, process_id: str) -> list[str]:
    return [p["action"] for p in planned(config, now) if p["process"] == process_id]


def test_add_a_process_the_mail_missed(config: Path) -> None:
    out = ok(
        config, "add", "--company", "Fjordkraft", "--role", "Analyst", "--contact", "hr@fjordkraft.no",
        "--interview-at", "2026-12-01T10:00", "--language", "en", "--now", LATER,
    )  # fmt: skip
    assert out.startswith("Added process ") and "Fjordkraft (Analyst)" in out
    process_id = out.split()[2].rstrip(":")
    row = by_company(processes(config), "Fjordkraft")
    assert row["id"] == process_id and row["manual"] is True
    assert row["role"] == "Analyst" and row["contact"] == {
        "name": "",
        "address": "hr@fjordkraft.no",
        "phone": None,
    }
    assert (
        row["interview_at"] == "2026-12-01T10:00:00+01:00" and row["state"] == "awaiting_decision"
    )
    # Five business days after the interview the next scan asks about next steps.
    assert row["next_status"] == "due" and row["next_action"] == "next_steps"
    assert planned_for(config, LATER, process_id) == ["next_steps"]
    assert planned_for(config, "2026-12-07T10:00:00+01:00", process_id) == []


def test_add_checks_its_input(config: Path) -> None:
    assert "--contact" in failure(
        invoke(config, "add", "--company", "X", "--contact", "not-an-address")
    )
    assert "--interview-at" in failure(
        invoke(config, "add", "--company", "X", "--interview-at", "2026-12-01")
    )
    assert "--promised-by" in failure(
        invoke(config, "add", "--company", "X", "--promised-by", "Friday")
    )
    assert "--language" in failure(invoke(config, "add", "--company", "X", "--language", "sv"))
    assert "--company" in failure(invoke(config, "add", "--company", " "))
    assert len(processes(config, LATER, "--all")) == 5  # nothing was added


def test_close_stops_follow_ups_and_withdraws_pending_drafts(config: Path) -> None:
    rows = processes(config)
    bright, grey = by_company(rows, "Brightwater"), by_company(rows, "Greyhaven")
    assert planned_for(config, DAY_AFTER, bright["id"]) == ["followup_after_promise"]

    out = ok(config, "close", bright["id"][:5], "--reason", "withdrawn", "--now", LATER)
    assert out.startswith(f"Closed {bright['id']}") and "withdrawn" in out
    ok(config, "close", grey["id"], "--reason", "hired", "--now", LATER)

    active_ids = {r["id"] for r in processes(config)}
    assert bright["id"] not in active_ids and grey["id"] not in active_ids
    closed = {r["id"]: r for r in processes(config, LATER, "--all")}
    assert (closed[bright["id"]]["state"], closed[bright["id"]]["closed_reason"]) == (
        "withdrawn",
        "withdrawn",
    )
    assert closed[grey["id"]]["state"] == "hired"
    assert closed[grey["id"]]["next_status"] == "none"  # its draft is about to be withdrawn
    (draft,) = [d for d in as_json(config, "drafts", "--now", LATER) if d["process"] == grey["id"]]
    assert "closed" in draft["pending_cancel"]

    plan = planned(config, DAY_AFTER)
    assert [p["action"] for p in plan if p["process"] == bright["id"]] == []
    # Greyhaven's draft is withdrawn by the next scan.
    assert [(p["action"], p["followup_id"]) for p in plan if p["process"] == grey["id"]] == [
        ("cancel", grey["draft_ids"][0])
    ]


def test_snooze_holds_follow_ups_until_the_date(config: Path) -> None:
    bright = by_company(processes(config), "Brightwater")
    out = ok(config, "snooze", bright["id"], "--until", "2026-12-14", "--now", LATER)
    assert "until 2026-12-14" in out
    row = by_company(processes(config, DAY_AFTER), "Brightwater")
    assert row["snoozed_until"] == "2026-12-14" and row["next_status"] == "snoozed"
    assert planned_for(config, DAY_AFTER, bright["id"]) == []
    assert planned_for(config, "2026-12-14T10:00:00+01:00", bright["id"]) == [
        "followup_after_promise"
    ]
    assert "not in the future" in failure(
        invoke(config, "snooze", bright["id"], "--until", "2026-12-08", "--now", LATER)
    )


def test_edit_corrects_company_role_and_promise(config: Path) -> None:
    bright = by_company(processes(config), "Brightwater")
    out = ok(
        config, "edit", bright["id"], "--company", "Brightwater Analytics AS", "--role", "Data Scientist",
        "--promised-by", "2026-12-11", "--now", LATER,
    )  # fmt: skip
    assert out.startswith(f"Updated {bright['id']}") and "2026-12-11" in out
    row = by_company(processes(config), "Brightwater")
    assert (row["company"], row["role"]) == ("Brightwater Analytics AS", "Data Scientist")
    assert (row["promised_by"], row["promise_source"]) == ("2026-12-11", "user")
    assert row["next_due_at"] == "2026-12-14T09:00:00+01:00"  # one business day after Friday
    assert planned_for(config, DAY_AFTER, bright["id"]) == []
    assert planned_for(config, "2026-12-14T10:00:00+01:00", bright["id"]) == [
        "followup_after_promise"
    ]
    # Corrections add up: a later snooze keeps the edited promise.
    ok(config, "snooze", bright["id"], "--until", "2026-12-16", "--now", LATER)
    row = by_company(processes(config), "Brightwater")
    assert (row["promised_by"], row["snoozed_until"], row["role"]) == (
        "2026-12-11",
        "2026-12-16",
        "Data Scientist",
    )
    assert "nothing to change" in failure(invoke(config, "edit", bright["id"]))


def test_offer_drafts_a_note_to_every_other_active_process(config: Path) -> None:
    rows = processes(config)
    kvarts = by_company(rows, "Kvarts")
    others = {r["id"] for r in rows} - {kvarts["id"]}
    out = ok(config, "offer", "--deadline", "2026-12-15", "--from", kvarts["id"], "--now", LATER)
    assert (
        "you answer by 2026-12-15" in out and f"The next scan drafts a note to {len(others)}" in out
    )
    for process_id in others:
        assert process_id in out
    assert kvarts["id"] not in out.split("other process(es):")[1]

    plan = planned(config, LATER)
    notes = {p["process"] for p in plan if p["action"] == "competing_offer"}
    assert notes == others
    # Our untouched drafts to those employers give way to the note.
    replaced = {p["followup_id"] for p in plan if p["action"] == "cancel"}
    assert replaced == {d for r in rows if r["id"] in others for d in r["draft_ids"]}
    assert "--deadline" in failure(
        invoke(config, "offer", "--deadline", "2026-12-01", "--now", LATER)
    )


def test_unknown_ids_get_close_matches(config: Path) -> None:
    rows = processes(config, LATER, "--all")
    grey = by_company(rows, "Greyhaven")
    message = failure(invoke(config, "close", "greyhaven", "--reason", "other"))
    assert "no process with id 'greyhaven'" in message and grey["id"] in message
    typo = grey["id"][:3] + ("0" if grey["id"][3] != "0" else "1") + grey["id"][4:]
    assert grey["id"] in failure(
        invoke(config, "snooze", typo, "--until", "2026-12-20", "--now", LATER)
    )
    assert "--until" in failure(
        invoke(config, "snooze", grey["id"], "--until", "20.12.2026", "--now", LATER)
    )
    result = invoke(config, "close", grey["id"], "--reason", "bored")
    assert result.exit_code == 2 and "bored" in result.output  # click rejects the choice
