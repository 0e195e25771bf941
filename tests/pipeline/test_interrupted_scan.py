"""A scan that dies mid-pass (killed, crashed) is shown as interrupted, not as "scan
running" forever: a run records its process (pid and start time), and ``followup
status`` checks that this very process is alive and holds the writer lock."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from cli_process import followup
from rebuilt import assert_kept_equals_rebuild

from agent.config import load_config
from agent.store import RUN_INTERRUPTED, Store

NOW = "2026-12-07T09:30:00+01:00"


def job_mail(n: int) -> bytes:
    return (
        f"From: Recruiter {n} <hr{n}@acme{n}.no>\r\nTo: me@example.org\r\n"
        f"Subject: Your application for Engineer {n}\r\nDate: Tue, 24 Nov 2026 10:00:00 +0100\r\n"
        f"Message-ID: <job-{n}@acme{n}.no>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Thank you for your application. We will get back to you within two weeks.\r\n"
    ).encode()


def write_config(root: Path) -> Path:
    mail = root / "mail"
    for folder in ("", ".Sent", ".Drafts"):
        for sub in ("cur", "new", "tmp"):
            (mail / folder / sub).mkdir(parents=True, exist_ok=True)
    for n in range(1, 4):
        (mail / "cur" / f"17000000{n}.M{n}.test:2,S").write_bytes(job_mail(n))
    path = root / "config.toml"
    path.write_text(
        f'state_dir = "{root / "state"}"\ntimezone = "Europe/Oslo"\n'
        f'[[accounts]]\nname = "local"\nmaildir = "{mail}"\naddress = "me@example.org"\n',
        encoding="utf-8",
    )
    return path


def last_scan(config: Path) -> dict:
    result = followup(config, "status", "--now", NOW, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["accounts"][0]["last_scan"]


def test_a_scan_that_died_mid_pass_is_shown_as_interrupted_and_the_next_one_finishes(
    tmp_path: Path,
) -> None:
    config = write_config(tmp_path)
    crashed = followup(config, "scan", "--now", NOW, "--json", crash_at=1)
    assert crashed.returncode == 100, crashed.stderr  # died after its first durable step

    assert_kept_equals_rebuild(config, NOW)  # what the review commands read after the crash
    scan = last_scan(config)
    assert scan["state"] == "interrupted" and scan["finished_at"] is None
    assert scan["ok"] is False and scan["error"] == RUN_INTERRUPTED
    text = followup(config, "status", "--now", NOW).stdout
    assert "last scan interrupted" in text and "scan running" not in text

    assert followup(config, "scan", "--now", NOW, "--json").returncode == 0
    assert last_scan(config)["state"] == "ok"
    assert_kept_equals_rebuild(config, NOW)
    with Store.open(load_config(config).db_path) as store:
        runs = store.last_runs()
    assert [r["error"] for r in runs] == [None, RUN_INTERRUPTED]  # the dead run is closed


HOLDER = """
import sys
from datetime import datetime, UTC
from agent.store import Store

store = Store.open(sys.argv[1])
store.acquire_writer_lock()
store.start_run("local", datetime.now(UTC))
print("scanning", flush=True)
sys.stdin.read()
"""


def test_status_tells_a_live_scan_from_one_killed_with_sigkill(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    db_path = load_config(config).db_path
    Store.open(db_path).close()
    scanner = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert scanner.stdout is not None and scanner.stdout.readline().strip() == "scanning"
        live = last_scan(config)
        assert live["state"] == "running" and live["pid"] == scanner.pid
        assert "scan running since" in followup(config, "status", "--now", NOW).stdout
    finally:
        scanner.send_signal(signal.SIGKILL)
        scanner.wait(timeout=10)
    dead = last_scan(config)
    assert dead["state"] == "interrupted" and dead["pid"] is None
    assert "scan running" not in followup(config, "status", "--now", NOW).stdout


def test_a_reused_pid_does_not_make_a_dead_scan_look_alive(tmp_path: Path) -> None:
    """The run names a process that is alive and holds the lock, but started at another
    time than the one that began the run: that is another process with the same pid."""
    config = write_config(tmp_path)
    with Store.open(load_config(config).db_path) as store:
        store.acquire_writer_lock()
        run_id = store.start_run("local", datetime.fromisoformat(NOW))
        assert store.run_is_live(store.last_runs()[0])
        with store.transaction():
            store._conn.execute("UPDATE runs SET pid_started = '1' WHERE id = ?", (run_id,))
        assert not store.run_is_live(store.last_runs()[0])


def test_a_pass_that_raises_still_closes_its_run(tmp_path: Path) -> None:
    """A fault that ends a pass early (here a broken rules file) leaves no run open, so a
    daemon that lives on after it is not shown scanning forever."""
    from test_sync import broken_rules_mailbox

    from agent.errors import RulesError
    from agent.pipeline.engine import Engine
    from agent.pipeline.passes import run_pass

    config, _ = broken_rules_mailbox(tmp_path)
    with Store.open(config.db_path) as store:
        with pytest.raises(RulesError):
            run_pass(Engine(config), store, now=datetime.fromisoformat(NOW))
        run = store.last_runs()[0]
    assert run["finished_at"] is not None
    assert run["error"] == "ended early: RulesError"
