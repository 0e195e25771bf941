"""The daemon rides out network, server and credential faults by itself.

Faults come from a TCP proxy between the daemon and Dovecot (``netproxy``):
refused connections, dropped connections in the middle of passes, stalls.
Retry waits are shortened through FOLLOWUP_BACKOFF_BASE/CAP. After each fault
clears, every delivered message must have exactly one draft.
"""

from __future__ import annotations

import signal
import sys
import threading
import time

import pytest
from netproxy import NetProxy
from test_daemon import (
    DaemonProcess,
    NotifyListener,
    draft_ids,
    job_mail,
    status_of,
    wait_for,
    workdir,  # noqa: F401 - fixture
    write_config,
)

pytestmark = pytest.mark.dovecot


def _announced(log: str, text: str) -> int:
    """Lines above DEBUG that mention ``text`` (the test configs log at DEBUG)."""
    return sum(1 for line in log.splitlines() if text in line and " DEBUG " not in line)


def _assert_exactly_once(ids: list[str], expected: int) -> None:
    assert len(ids) == expected, ids
    assert len(set(ids)) == expected, f"duplicate drafts: {ids}"


def test_daemon_recovers_from_refused_dropped_and_stalled_connections(dovecot, workdir):  # noqa: F811
    user = dovecot.add_user()
    with NetProxy(("127.0.0.1", dovecot.imaps_port)) as proxy:
        proxy.set_mode("refuse")  # nothing listens on the port (ECONNREFUSED)
        config = write_config(workdir, dovecot, user, port=proxy.port, timeout=2)
        listener = NotifyListener(workdir / "notify.sock")
        daemon = DaemonProcess(
            config, workdir / "daemon.log", env={"NOTIFY_SOCKET": str(listener.path)}
        )
        try:
            # Boot without network: READY anyway, then "offline" while retrying.
            wait_for(lambda: listener.lines("READY=1"), 15, "READY=1 without network")
            dovecot.deliver(user, job_mail(days_ago=30)[0])
            wait_for(
                lambda: any("offline:" in line for _, line in listener.lines("STATUS=")),
                10,
                "an offline STATUS",
            )
            status = status_of(workdir)
            assert status["running"] and status["state"] == "offline"
            assert status["accounts"]["work"]["kind"] == "offline"
            proxy.set_mode("none")
            wait_for(
                lambda: len(draft_ids(dovecot, user)) == 1,
                25,
                "the draft after the network returns",
            )

            # Connections dropped again and again while passes run and mail arrives.
            flapping = threading.Event()

            def flap() -> None:
                while not flapping.is_set():
                    proxy.set_mode("drop", reset=True)
                    time.sleep(0.15)
                    proxy.set_mode("none")
                    time.sleep(0.35)

            flapper = threading.Thread(target=flap, daemon=True)
            flapper.start()
            for days in (21, 23, 26):
                dovecot.deliver(user, job_mail(days_ago=days)[0])
                time.sleep(0.7)
            time.sleep(2.0)
            flapping.set()
            flapper.join(5)
            proxy.set_mode("none")
            wait_for(lambda: len(draft_ids(dovecot, user)) >= 4, 25, "drafts after the drops")

            # A server that stops answering: each pass times out, none blocks the loop.
            proxy.set_mode("stall")
            dovecot.deliver(user, job_mail(days_ago=28)[0])
            time.sleep(3.5)
            assert daemon.proc.poll() is None
            proxy.set_mode("none")
            wait_for(lambda: len(draft_ids(dovecot, user)) >= 5, 25, "the draft after the stall")
            time.sleep(1.5)  # more passes: nothing more may appear
            daemon.stop()
        finally:
            daemon.kill()
            listener.close()
    _assert_exactly_once(draft_ids(dovecot, user), 5)
    log = daemon.text()
    assert "Traceback" not in log
    # Each fault streak is announced once when it starts and once when it ends.
    assert log.count("working again") >= 2
    assert status_of(workdir)["last_error"]["kind"] == "offline"


def test_sigterm_during_a_stalled_pass_exits_at_once(dovecot, workdir):  # noqa: F811
    user = dovecot.add_user()
    with NetProxy(("127.0.0.1", dovecot.imaps_port), mode="stall") as proxy:
        config = write_config(workdir, dovecot, user, port=proxy.port, timeout=30)
        listener = NotifyListener(workdir / "notify.sock")
        daemon = DaemonProcess(
            config, workdir / "daemon.log", env={"NOTIFY_SOCKET": str(listener.path)}
        )
        try:
            wait_for(lambda: listener.lines("READY=1"), 15, "READY=1")
            wait_for(lambda: proxy.accepted >= 1, 10, "the daemon's connection attempt")
            time.sleep(0.5)  # now blocked in the TLS handshake (timeout 30 s)
            elapsed = daemon.stop()
        finally:
            daemon.kill()
            listener.close()
    assert elapsed < 3, elapsed
    assert listener.lines("STOPPING=1")
    assert "stopped during a pass" in daemon.text()
    assert status_of(workdir)["state"] == "stopped"


def test_refused_login_is_reported_once_and_not_retried_soon(dovecot, workdir):  # noqa: F811
    user = dovecot.add_user()
    config = write_config(workdir, dovecot, user, password_command="printf %s wrong-password")
    daemon = DaemonProcess(config, workdir / "daemon.log", once_per=0.2)
    try:
        wait_for(lambda: "refused the login" in daemon.text(), 15, "the refused login")
        time.sleep(2.0)  # back-off base is 0.2 s; a refused login waits the hourly minimum
        assert daemon.proc.poll() is None
        status = status_of(workdir)
        daemon.stop()
    finally:
        daemon.kill()
    log = daemon.text()
    assert _announced(log, "refused the login") == 1
    assert log.count("connected to") == 0
    account = status["accounts"]["work"]
    assert account["kind"] == "auth" and account["failures"] == 1
    assert "app password" in account["hint"]
    wait = time.mktime(time.strptime(account["retry_at"][:19], "%Y-%m-%dT%H:%M:%S")) - time.mktime(
        time.strptime(account["since"][:19], "%Y-%m-%dT%H:%M:%S")
    )
    assert wait >= 3600
    assert "wrong-password" not in log


def test_locked_credentials_degrade_then_recover_without_restart(dovecot, workdir):  # noqa: F811
    user = dovecot.add_user()
    secret_file = workdir / "password"
    attempts = workdir / "attempts"
    helper = workdir / "password.py"
    helper.write_text(
        "import sys\n"
        f"open({str(attempts)!r}, 'a').write('x\\n')\n"
        f"try:\n    print(open({str(secret_file)!r}).read())\n"
        "except OSError:\n    sys.exit(1)\n",
        encoding="utf-8",
    )
    config = write_config(workdir, dovecot, user, password_command=f"{sys.executable} {helper}")
    dovecot.deliver(user, job_mail(days_ago=30)[0])
    daemon = DaemonProcess(config, workdir / "daemon.log")
    try:
        wait_for(
            lambda: attempts.exists() and len(attempts.read_text().split()) >= 3, 20, "retries"
        )
        status = status_of(workdir)
        assert status["running"] and status["accounts"]["work"]["kind"] == "credentials"
        assert status["status"].startswith("degraded: credentials unavailable")
        secret_file.write_text(user.password, encoding="utf-8")
        wait_for(
            lambda: len(draft_ids(dovecot, user)) == 1, 25, "the draft once the password is back"
        )
        # The draft is on the server before the pass ends and is counted: stopping now
        # could cut that pass short.
        wait_for(lambda: "working again" in daemon.text(), 25, "the pass to end")
        daemon.stop()
    finally:
        daemon.kill()
    log = daemon.text()
    assert _announced(log, "credentials unavailable") == 1
    assert "working again" in log
    assert user.password not in log


def test_second_signal_while_stopping_is_harmless(dovecot, workdir):  # noqa: F811
    user = dovecot.add_user()
    config = write_config(workdir, dovecot, user)
    daemon = DaemonProcess(config, workdir / "daemon.log")
    try:
        wait_for(lambda: "daemon started" in daemon.text(), 15, "the start")
        daemon.signal(signal.SIGINT)
        daemon.signal(signal.SIGTERM)
        assert daemon.wait(10) == 0
    finally:
        daemon.kill()
    # Either signal's handler may run first; one of them stops the daemon, once.
    assert daemon.text().count("received: stopping") == 1


# -- the rules behind it (no server needed) ----------------------------------------------


def test_a_stop_signal_inside_another_leaves_the_stop_to_the_first(workdir, caplog):  # noqa: F811
    """SIGTERM's handler may run inside SIGINT's, between any two of its steps. The first
    handler still logs the stop, arms the hard exit and ends the pass, once."""
    from test_daemon import maildir_config

    from agent.config import load_config
    from agent.daemon.loop import Daemon
    from agent.daemon.source import StopRequested
    from agent.store import Store

    config = load_config(maildir_config(workdir))
    with Store.open(config.db_path) as store:
        daemon = Daemon(config, store)
        armed: list[bool] = []
        daemon._arm_hard_exit = lambda: armed.append(True)  # type: ignore[method-assign]
        # The second signal arrives while the first handler tells the service manager.
        daemon.notifier.stopping = lambda: daemon._on_stop_signal(signal.SIGTERM, None)  # type: ignore[method-assign]
        daemon._in_pass = True
        with caplog.at_level("INFO", logger="agent.daemon.loop"), pytest.raises(StopRequested):
            daemon._on_stop_signal(signal.SIGINT, None)
    assert armed == [True]
    assert [r.getMessage() for r in caplog.records if "received" in r.getMessage()] == [
        "SIGINT received: stopping"
    ]


def test_failures_are_classified_by_what_helps():
    from agent.daemon.faults import classify
    from agent.errors import (
        AuthError,
        FolderError,
        MailboxError,
        SecretError,
        StateError,
        TLSError,
        TransientMailboxError,
    )

    assert classify(TransientMailboxError("timed out")) == "offline"
    assert classify(ConnectionResetError()) == "offline"
    assert classify(AuthError("refused")) == "auth"
    assert classify(SecretError("keyring locked")) == "credentials"
    assert classify(TLSError("bad certificate")) == "tls"
    assert classify(FolderError("no Drafts")) == "config"
    assert classify(MailboxError("NO [LIMIT]")) == "server"
    assert classify(StateError("database is locked")) == "state"
    assert classify(KeyError("a bug")) == "bug"


def test_backoff_doubles_with_jitter_up_to_the_cap_and_logins_wait_an_hour():
    import random

    from agent.daemon.faults import RetryPolicy

    policy = RetryPolicy(base=30, cap=1800, auth_retry=3600)
    rng = random.Random(5)
    for failures, ceiling in ((1, 30), (2, 60), (3, 120), (6, 960), (7, 1800), (40, 1800)):
        waits = [policy.backoff(failures, rng) for _ in range(200)]
        assert ceiling / 2 <= min(waits) and max(waits) <= ceiling
        assert max(waits) - min(waits) > ceiling / 4  # jittered, not in step
    assert all(3600 <= policy.delay("auth", 1, rng, 300) <= 3960 for _ in range(50))
    assert policy.delay("config", 3, rng, 300) == 300


def test_backoff_settings_come_from_the_environment():
    from agent.daemon.faults import RetryPolicy
    from agent.errors import ConfigError

    policy = RetryPolicy.from_env({"FOLLOWUP_BACKOFF_BASE": "0.5", "FOLLOWUP_BACKOFF_CAP": "4"})
    assert (policy.base, policy.cap, policy.auth_retry) == (0.5, 4.0, 3600.0)
    for bad in (
        {"FOLLOWUP_BACKOFF_BASE": "soon"},
        {"FOLLOWUP_BACKOFF_BASE": "9", "FOLLOWUP_BACKOFF_CAP": "2"},
    ):
        with pytest.raises(ConfigError):
            RetryPolicy.from_env(bad)


def test_a_streak_is_announced_once_per_kind_and_its_end_is_reported():
    from datetime import UTC, datetime, timedelta

    from agent.daemon.faults import AccountHealth
    from agent.errors import TLSError, TransientMailboxError

    t0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    health = AccountHealth("work")
    announced = []
    for minute, exc in enumerate(
        [
            TransientMailboxError("down"),
            TransientMailboxError("down"),
            TLSError("eof"),
            TransientMailboxError("down"),
        ]
    ):
        kind = "tls" if isinstance(exc, TLSError) else "offline"
        fault, announce = health.failed(exc, kind, t0 + timedelta(minutes=minute), 30)
        announced.append(announce)
    assert announced == ["start", None, "change", None]
    assert fault.failures == 4 and fault.since == t0 and fault.kinds == ("offline", "tls")
    assert health.next_attempt == t0 + timedelta(minutes=3, seconds=30)
    ended = health.succeeded(t0 + timedelta(minutes=5))
    assert ended is fault and health.fault is None


def test_status_lines_say_what_is_going_on():
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from agent.daemon.faults import AccountHealth
    from agent.daemon.status import status_line
    from agent.errors import AuthError, TransientMailboxError

    oslo = ZoneInfo("Europe/Oslo")
    now = datetime(2026, 11, 23, 8, 5, tzinfo=UTC)  # Monday 09:05 in Oslo
    ok = AccountHealth("work", processes=3)
    line = status_line(
        [ok], now=now, tz=oslo, last_scan=now, next_due=now + timedelta(days=3, minutes=55)
    )
    assert line == "last scan 09:05, 3 processes, next draft due Thu 10:00"
    ok.failed(
        TransientMailboxError("nothing accepts connections on imap.example.com:993"),
        "offline",
        now,
        120,
    )
    line = status_line([ok], now=now, tz=oslo, last_scan=now - timedelta(minutes=5), next_due=None)
    assert line.startswith(
        "offline: nothing accepts connections on imap.example.com:993, retrying in 2 min"
    )
    other = AccountHealth("private")
    other.failed(AuthError("login refused"), "auth", now, 3600)
    line = status_line([ok, other], now=now, tz=oslo, last_scan=None, next_due=None)
    assert (
        "work: offline:" in line
        and "private: login refused: login refused; next try in 60 min" in line
    )
