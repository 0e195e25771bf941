"""`followup demo` on the bundled mailbox: the README's first command."""

from __future__ import annotations

import email
import json
import subprocess
import sys
from pathlib import Path

import pytest
from locations import ROOT

pytestmark = pytest.mark.slow


def _demo(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", "demo", "--keep", str(tmp_path / "demo"), *args],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def _drafts(tmp_path: Path) -> list[email.message.Message]:
    folder = tmp_path / "demo" / "mailbox" / ".Drafts" / "cur"
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.iterdir())]


def test_demo_writes_the_four_expected_drafts(tmp_path: Path) -> None:
    result = _demo(tmp_path, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    account = report["accounts"][0]
    assert account["error"] is None
    actions = sorted(p["action"] for p in account["planned"])
    assert actions == [
        "feedback_request",
        "followup_after_promise",
        "followup_after_promise",
        "next_steps",
    ]
    drafts = _drafts(tmp_path)
    assert len(drafts) == 4
    recipients = sorted(d["To"] for d in drafts)
    assert any("bergvikmedia.no" in r for r in recipients)  # the rejection: a feedback request
    assert any("havbris.no" in r for r in recipients)  # "neste uke" lapsed
    for draft in drafts:
        assert draft["In-Reply-To"] and draft["References"]
        assert draft["X-Followup-Id"]
        assert draft["Subject"].startswith("Re: ")
    bodies = {d["To"]: d.get_payload(decode=True).decode("utf-8") for d in drafts}
    havbris = next(body for to, body in bodies.items() if "havbris.no" in to)
    assert havbris.startswith("Hei ") and "Med vennlig hilsen" in havbris
    nordhavn = next(body for to, body in bodies.items() if "nordhavn" in to)
    assert "20 November" in nordhavn and "Best regards" in nordhavn


def test_demo_twice_in_the_same_place_writes_nothing_new(tmp_path: Path) -> None:
    assert _demo(tmp_path, "--json").returncode == 0
    first = {d["X-Followup-Id"] for d in _drafts(tmp_path)}
    # A second scan of the same state (not a fresh copy) finds nothing new to do.
    config = tmp_path / "demo" / "config.toml"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "agent.cli",
            "scan",
            "--config",
            str(config),
            "--now",
            "2026-11-27T09:30:00+01:00",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    account = json.loads(result.stdout)["accounts"][0]
    assert account["drafts_created"] == [] and account["analyzed"] == 0
    assert {d["X-Followup-Id"] for d in _drafts(tmp_path)} == first


def test_demo_prints_processes_and_drafts(tmp_path: Path) -> None:
    result = _demo(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Hiring processes" in result.stdout
    assert "Nordhavn Analytics" in result.stdout
    assert "draft ready" in result.stdout


def test_the_thanks_for_an_interview_in_the_demo_counts_the_interview() -> None:
    from agent.analysis import Analyzer
    from agent.message import parse_message
    from agent.rules import Rules

    mailbox = ROOT / "examples" / "mailbox"
    [raw] = [
        p.read_bytes()
        for p in sorted(mailbox.glob("*/*"))
        if p.is_file() and b"Takk for intervjuet" in p.read_bytes()
    ]
    analysis = Analyzer(Rules.load(None)).analyze(parse_message(raw))
    assert analysis.kind == "status_update" and analysis.after_interview
