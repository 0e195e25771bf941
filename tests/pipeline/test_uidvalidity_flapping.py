"""T9 and the draft-storm breaker, against the suite's Dovecot.

A server that reports a new UIDVALIDITY on every SELECT (a proxy rewrites it) is
re-baselined once, as a genuine reset is (T8); the second change soon after holds
the folder: nothing read, nothing reset, no draft written for the account, an error
in ``followup status``; once the server keeps one value the folder is read again
and every due draft is written, once. The breaker writes at most
``max_drafts_per_pass`` drafts and then holds the rest until the user releases them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cli_process import followup
from dovecot import HOST, Dovecot, MailUser
from imapproxy import ImapProxy

from agent.config import load_config
from agent.pipeline.engine import Engine
from agent.pipeline.passes import run_pass
from agent.store import Store
from agent.store.mail import STEADY_PASSES

pytestmark = pytest.mark.dovecot

BEFORE_DUE = datetime.fromisoformat("2026-12-07T09:30:00+01:00")
DUE = datetime.fromisoformat("2026-12-10T10:00:00+01:00")  # "within two weeks" of 24 Nov lapsed


def job_mail(n: int) -> bytes:
    return (
        f"From: Recruiter {n} <hr{n}@acme{n}.no>\r\nTo: me@example.org\r\n"
        f"Subject: Your application for Engineer {n}\r\nDate: Tue, 24 Nov 2026 10:00:00 +0100\r\n"
        f"Message-ID: <job-{n}@acme{n}.no>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Hi,\r\n\r\nThank you for your application. We are currently reviewing applications "
        "and will get back to you within two weeks.\r\n\r\nRegards,\r\nHR\r\n"
    ).encode()


def write_config(tmp_path: Path, user: MailUser, *, port: int, ca_file: str) -> Path:
    secret = tmp_path / "password"
    secret.write_text(user.password)
    path = tmp_path / "config.toml"
    path.write_text(
        f"""state_dir = "{tmp_path / "state"}"
timezone = "Europe/Oslo"
[[accounts]]
name = "work"
host = "{HOST}"
port = {port}
username = "{user.name}"
address = "me@example.org"
ca_file = "{ca_file}"
password_command = "cat {secret}"
timeout = 10
folders = ["INBOX"]
""",
        encoding="utf-8",
    )
    return path


def status(config: Path, now: datetime) -> tuple[dict, str]:
    data = followup(config, "status", "--now", now.isoformat(), "--json")
    text = followup(config, "status", "--now", now.isoformat())
    assert data.returncode == 0 and text.returncode == 0, data.stderr + text.stderr
    return json.loads(data.stdout)["accounts"][0], text.stdout


def test_a_server_whose_uidvalidity_flaps_is_held_then_resumed_without_loss_or_duplicates(
    tmp_path: Path, dovecot: Dovecot, make_user: Callable[..., MailUser]
) -> None:
    user = make_user("english")
    for n in range(1, 4):
        dovecot.deliver(user, job_mail(n))
    with ImapProxy((HOST, dovecot.imap_port), tmp_path) as proxy:
        config_path = write_config(tmp_path, user, port=proxy.port, ca_file=proxy.ca_file)
        config = load_config(config_path)
        engine = Engine(config)

        def scan(now: datetime):  # type: ignore[no-untyped-def]
            with Store.open(config.db_path) as store:
                report = run_pass(engine, store, now=now).accounts[0]
                assert report.error is None
                return (
                    report,
                    store.folder_checkpoint("work", "INBOX"),
                    len(store.tracked_messages("work")),
                )

        first, baseline, known = scan(BEFORE_DUE)
        assert first.stats.analyzed == 3 and known == 3 and first.created == []

        proxy.mode = "flapping"  # from now on every EXAMINE says a new UIDVALIDITY
        reset, checkpoint, _ = scan(BEFORE_DUE)  # the first change: a genuine reset (T8)
        assert reset.stats.rebaselined == ["INBOX"] and not reset.stats.held
        assert reset.stats.seen == 3 and reset.stats.known == 3 and reset.stats.analyzed == 0
        assert checkpoint is not None and checkpoint[0] != baseline[0]

        for _ in range(3):  # it changes again: held, however often the scan runs
            held, still, known = scan(DUE)
            assert held.stats.held == {"INBOX": "UIDVALIDITY keeps changing"}
            assert held.stats.seen == 0 and held.created == []  # nothing read, nothing drafted
            assert held.held == 3  # the three due follow-ups wait
            assert still == checkpoint and known == 3  # the state is kept, not wiped
        dovecot.deliver(user, job_mail(4))  # mail arriving meanwhile is not lost

        account, text = status(config_path, DUE)
        [hold] = account["held_folders"]
        assert hold["folder"] == "INBOX" and hold["uidvalidity_changes"] >= 3
        assert "error: folder INBOX is not read and no drafts are written" in text

        proxy.mode = "steady"  # the server keeps its numbers again
        for _ in range(STEADY_PASSES):
            waiting, _, _ = scan(DUE)
            assert waiting.stats.held and waiting.created == []
        resumed, after, known = scan(DUE)
        assert not resumed.stats.held and resumed.stats.rebaselined == ["INBOX"]
        assert resumed.stats.known == 3 and resumed.stats.analyzed == 1 and known == 4
        assert len(resumed.created) == 4  # each due follow-up once, the late mail's too
        assert after is not None and after[0] == dovecot.status(user, "INBOX")["uidvalidity"]
        again, _, _ = scan(DUE)
        assert again.created == [] and not again.stats.held

        account, text = status(config_path, DUE)
        assert account["held_folders"] == [] and "is not read" not in text
    assert len(dovecot.search(user, "Drafts", "all")) == 4


def test_the_draft_storm_breaker_writes_the_limit_then_waits_for_the_user(
    tmp_path: Path, dovecot: Dovecot, make_user: Callable[..., MailUser]
) -> None:
    user = make_user("english")
    for n in range(1, 26):
        dovecot.deliver(user, job_mail(n))
    config_path = write_config(tmp_path, user, port=dovecot.imaps_port, ca_file=dovecot.ca_file)
    config = load_config(config_path)
    engine = Engine(config)
    assert engine.policy.max_drafts_per_pass == 20  # rules/policy.toml

    with Store.open(config.db_path) as store:
        first = run_pass(engine, store, now=DUE).accounts[0]
        assert len(first.created) == 20 and first.capped == 5
        assert store.draft_breaker("work") == {
            "tripped_at": DUE.isoformat(),
            "limit": 20,
            "held": 5,
        }
        for _ in range(2):  # later passes do not go beyond it on their own
            later = run_pass(engine, store, now=DUE).accounts[0]
            assert later.created == [] and later.held == 5
    assert len(dovecot.search(user, "Drafts", "all")) == 20

    account, text = status(config_path, DUE)
    assert account["draft_breaker"]["held"] == 5
    assert "draft limit reached: 5 due draft(s) held back" in text
    assert "followup scan --release-drafts" in text

    preview = followup(
        config_path, "scan", "--now", DUE.isoformat(), "--dry-run", "--release-drafts", "--json"
    )
    assert preview.returncode == 0, preview.stderr
    assert len(json.loads(preview.stdout)["accounts"][0]["planned"]) == 5
    assert len(dovecot.search(user, "Drafts", "all")) == 20  # a dry run writes nothing

    released = followup(config_path, "scan", "--now", DUE.isoformat(), "--release-drafts", "--json")
    assert released.returncode == 0, released.stderr
    assert len(json.loads(released.stdout)["accounts"][0]["drafts_created"]) == 5
    assert len(dovecot.search(user, "Drafts", "all")) == 25

    account, text = status(config_path, DUE)
    assert account["draft_breaker"] is None and "draft limit" not in text


def test_the_release_is_left_for_a_running_service(
    tmp_path: Path, dovecot: Dovecot, make_user: Callable[..., MailUser]
) -> None:
    """With the service holding the database, the override is recorded for its next scan."""
    user = make_user("english")
    config_path = write_config(tmp_path, user, port=dovecot.imaps_port, ca_file=dovecot.ca_file)
    config = load_config(config_path)
    with Store.open(config.db_path) as service:
        service.acquire_writer_lock()
        result = followup(config_path, "scan", "--release-drafts")
        assert result.returncode == 0, result.stderr
        assert "its next scan writes the held drafts" in result.stdout
        assert service.draft_release_requested("work")


def test_the_service_status_line_says_what_is_held_back() -> None:
    from agent.daemon.faults import AccountHealth
    from agent.daemon.loop import held_back
    from agent.daemon.status import status_line
    from agent.pipeline.report import AccountReport

    report = AccountReport("work")
    report.stats.held["INBOX"] = "UIDVALIDITY keeps changing"
    health = AccountHealth("work", notice=held_back(report))
    line = status_line(
        [health], now=DUE, tz=ZoneInfo("Europe/Oslo"),
        last_scan=DUE, next_due=None,
    )  # fmt: skip
    assert line.startswith("error: folder INBOX held, its UIDVALIDITY keeps changing")
    report = AccountReport("work", breaker={"held": 5, "limit": 20, "tripped_at": "x"})
    assert "5 draft(s) held back" in (held_back(report) or "")
