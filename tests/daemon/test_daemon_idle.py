"""Push: the daemon waits in IMAP IDLE and scans an account the moment mail arrives.

Live tests run ``followup run`` against the suite's Dovecot with
``scan_interval = 600``: a draft that appears within seconds can only come from
the IDLE session (or from the catch-up pass after a reconnect). Faults come
from Dovecot itself (``doveadm kick``, a restart), from ``netproxy`` (a FIN, a
RST, a silent stall) and from ``imapproxy`` (a server without IDLE, one that
kills every IDLE session). The rules behind the modes are tested without a
server below, and the daemon's timing on a simulated day at the end.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dovecot import Dovecot, dovecot_available
from imapproxy import ImapProxy
from netproxy import NetProxy
from test_daemon import (
    _SCRUBBED_ENV,
    ROOT,
    DaemonProcess,
    NotifyListener,
    draft_ids,
    job_mail,
    status_of,
    wait_for,
    workdir,  # noqa: F401 - fixture
    write_config,
)

from agent.daemon.push import (
    IDLE,
    POLLING,
    RECONNECTING,
    PushPolicy,
    PushState,
    push_folder,
)

PUSHED = "scan_interval = 600\n"  # a draft within seconds cannot come from the periodic pass


def _push(workdir: Path) -> dict:  # noqa: F811
    return status_of(workdir)["accounts"].get("work", {}).get("push") or {}


def _idling(workdir: Path, sessions: int = 1) -> bool:  # noqa: F811
    push = _push(workdir)
    return push.get("mode") == IDLE and push.get("sessions", 0) >= sessions


def _sessions_of(dovecot, user) -> list[str]:  # type: ignore[no-untyped-def]
    """The user's IMAP connections to Dovecot now (``doveadm who -1``: one a line)."""
    lines = dovecot.doveadm("who", "-1", user.name).splitlines()[1:]
    return [line for line in lines if line.strip()]


def _cli_status(config: Path, *extra: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "agent.cli", "status", "--config", str(config), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _settle(workdir: Path, sessions: int = 1) -> None:  # noqa: F811
    """Wait until the daemon idles and its catch-up pass after opening the session is done."""
    wait_for(lambda: _idling(workdir, sessions), 30, f"IDLE session {sessions}")

    def caught_up() -> bool:
        status = status_of(workdir)
        push = status["accounts"].get("work", {}).get("push") or {}
        scanned, since = status.get("last_scan_at"), push.get("since")
        return bool(scanned and since) and datetime.fromisoformat(
            scanned
        ) >= datetime.fromisoformat(since)

    wait_for(caught_up, 15, "the catch-up pass")
    time.sleep(0.3)


# -- against Dovecot ---------------------------------------------------------------------


@pytest.mark.dovecot
def test_new_mail_is_drafted_within_seconds_while_idling(dovecot, workdir):  # noqa: F811
    user = dovecot.add_user()
    config = write_config(workdir, dovecot, user, settings=PUSHED)
    listener = NotifyListener(workdir / "notify.sock")
    daemon = DaemonProcess(
        config,
        workdir / "daemon.log",
        once_per=None,
        env={"NOTIFY_SOCKET": str(listener.path), "WATCHDOG_USEC": "2000000"},
    )
    try:
        wait_for(lambda: listener.lines("READY=1"), 15, "READY=1")
        _settle(workdir)
        passes = status_of(workdir)["passes"]
        for count in (1, 2):
            dovecot.deliver(user, job_mail(days_ago=20 + count)[0])
            wait_for(lambda: len(draft_ids(dovecot, user)) == count, 15, f"draft {count}")  # noqa: B023
            time.sleep(0.5)
        quiet = time.monotonic()
        time.sleep(3.0)
        # One pass per delivery, none from polling.
        assert status_of(workdir)["passes"] - passes <= 3
        pings = [t for t, _ in listener.lines("WATCHDOG=1") if t >= quiet]
        gaps = [b - a for a, b in zip(pings, pings[1:], strict=False)]
        assert len(pings) >= 3 and max(gaps) <= 1.0, gaps  # WatchdogSec/2 while idling

        text = _cli_status(config)
        assert "new mail: announced by the server (IMAP IDLE)" in text
        assert "Sent and Drafts are read every 10 min" in text
        data = json.loads(_cli_status(config, "--json"))
        push = data["accounts"][0]["push"]
        assert push["mode"] == "idle" and push["refresh_at"] and push["poll_every"] == 600

        elapsed = daemon.stop()  # SIGTERM while idling
    finally:
        daemon.kill()
        listener.close()
    assert elapsed < 5, elapsed
    assert len(set(draft_ids(dovecot, user))) == 2
    log = daemon.text()
    assert "waiting for new mail in INBOX (IMAP IDLE, re-issued every 25 min)" in log
    assert log.count("new mail announced; scanning now") >= 2
    assert "Traceback" not in log
    assert status_of(workdir)["state"] == "stopped"


@pytest.mark.dovecot
def test_idle_session_the_server_drops_is_replaced_and_no_mail_is_missed(dovecot, workdir):  # noqa: F811
    user = dovecot.add_user()
    config = write_config(workdir, dovecot, user, settings=PUSHED)
    daemon = DaemonProcess(config, workdir / "daemon.log", once_per=None)
    try:
        _settle(workdir)
        dovecot.kick(user)  # BYE to every session of the user, the IDLE one included
        dovecot.deliver(user, job_mail(days_ago=22)[0])  # while no session watches
        wait_for(lambda: len(draft_ids(dovecot, user)) == 1, 20, "the draft after the kick")
        _settle(workdir, sessions=2)
        dovecot.deliver(user, job_mail(days_ago=24)[0])
        wait_for(lambda: len(draft_ids(dovecot, user)) == 2, 15, "the draft on the new session")
        time.sleep(1.0)
        assert _push(workdir)["sessions"] == 2  # replaced once, no reconnect loop
        daemon.stop()
    finally:
        daemon.kill()
    log = daemon.text()
    assert "ended the IDLE session: BYE" in log
    assert "catching up after opening the IDLE session" in log
    assert len(set(draft_ids(dovecot, user))) == 2


@pytest.mark.dovecot
def test_idle_survives_a_server_restart(workdir):  # noqa: F811
    if not dovecot_available():
        pytest.skip("dovecot is not installed")
    server = Dovecot().start()
    daemon = None
    try:
        user = server.add_user()
        config = write_config(workdir, server, user, settings=PUSHED)
        daemon = DaemonProcess(config, workdir / "daemon.log", once_per=None)
        _settle(workdir)

        def while_down() -> None:
            # No IDLE session can announce this one: only the catch-up pass finds it.
            server.drop_into_maildir(user, job_mail(days_ago=21)[0])
            wait_for(lambda: _push(workdir).get("mode") == RECONNECTING, 15, "the lost session")

        server.restart(while_down)
        wait_for(lambda: len(draft_ids(server, user)) == 1, 30, "the draft of the mail left")
        wait_for(lambda: _idling(workdir, sessions=2), 15, "IDLE again after the restart")
        server.deliver(user, job_mail(days_ago=23)[0])
        wait_for(lambda: len(draft_ids(server, user)) == 2, 15, "the draft after the restart")
        assert status_of(workdir)["accounts"]["work"]["state"] == "ok"
        daemon.stop()
    finally:
        if daemon is not None:
            daemon.kill()
        server.stop()
        server.remove()
    assert "Traceback" not in daemon.text()


@pytest.mark.dovecot
def test_idle_turned_off_by_a_reload_closes_the_session(dovecot, workdir):  # noqa: F811
    user = dovecot.add_user()
    config = write_config(workdir, dovecot, user, settings=PUSHED)
    daemon = DaemonProcess(config, workdir / "daemon.log", once_per=None)
    try:
        _settle(workdir)
        write_config(workdir, dovecot, user, settings=PUSHED + "idle = false\n")
        daemon.signal(signal.SIGHUP)
        wait_for(lambda: _push(workdir).get("mode") == POLLING, 15, "polling after the reload")
        assert _push(workdir)["reason"] == "idle = false in the config"
        time.sleep(1.0)
        assert "waiting for new mail" not in daemon.text().split("configuration reloaded")[1]
        wait_for(lambda: not _sessions_of(dovecot, user), 10, "the IDLE session logged out")
        daemon.stop()
    finally:
        daemon.kill()


@pytest.mark.dovecot
def test_a_server_without_idle_is_polled_and_status_says_why(dovecot, workdir):  # noqa: F811
    user = dovecot.add_user()
    with ImapProxy(("127.0.0.1", dovecot.imap_port), workdir, strip_idle=True) as proxy:
        config = write_config(workdir, dovecot, user, port=proxy.port, ca_file=proxy.ca_file)
        daemon = DaemonProcess(config, workdir / "daemon.log", once_per=1)
        try:
            wait_for(lambda: _push(workdir).get("mode") == POLLING, 20, "polling")
            dovecot.deliver(user, job_mail(days_ago=25)[0])
            wait_for(lambda: len(draft_ids(dovecot, user)) == 1, 20, "the draft by polling")
            # The reason is written after the pass that wrote the draft has ended.
            wait_for(
                lambda: "does not offer IDLE" in _push(workdir).get("reason", ""), 20, "the reason"
            )
            text = _cli_status(config)
            daemon.stop()
        finally:
            daemon.kill()
        assert "IDLE" not in proxy.commands
    push = _push(workdir)
    assert push["mode"] == POLLING and "does not offer IDLE" in push["reason"]
    assert "new mail: read every 1 s (polling):" in text and "does not offer IDLE" in text
    assert "trying IDLE again" in text
    assert "does not offer IDLE; new mail is found by the scan every 1 s" in daemon.text()


@pytest.mark.dovecot
def test_repeated_idle_failures_fall_back_to_polling(dovecot, workdir):  # noqa: F811
    user = dovecot.add_user()
    with ImapProxy(("127.0.0.1", dovecot.imap_port), workdir, drop_on_idle=True) as proxy:
        config = write_config(workdir, dovecot, user, port=proxy.port, ca_file=proxy.ca_file)
        daemon = DaemonProcess(config, workdir / "daemon.log", once_per=1)
        try:
            wait_for(lambda: _push(workdir).get("mode") == POLLING, 30, "the fallback")
            dovecot.deliver(user, job_mail(days_ago=26)[0])
            wait_for(lambda: len(draft_ids(dovecot, user)) == 1, 20, "the draft by polling")
            time.sleep(2.0)  # several polls: IDLE is not tried again for an hour
            text = _cli_status(config)
            daemon.stop()
        finally:
            daemon.kill()
        assert proxy.commands.count("IDLE") == 3
    push = _push(workdir)
    assert push["mode"] == POLLING and push["reason"].startswith("IDLE failed 3 times in a row")
    assert "(polling): IDLE failed 3 times in a row" in text
    assert daemon.text().count("IDLE failed 3 times in a row") == 1


@pytest.mark.dovecot
def test_dropped_and_stalled_idle_connections_are_noticed_and_replaced(dovecot, workdir):  # noqa: F811
    user = dovecot.add_user()
    with NetProxy(("127.0.0.1", dovecot.imaps_port)) as proxy:
        config = write_config(
            workdir,
            dovecot,
            user,
            port=proxy.port,
            timeout=2,
            settings=PUSHED + "idle_refresh = 2\n",
        )
        daemon = DaemonProcess(config, workdir / "daemon.log", once_per=None)

        def proved(sessions: int) -> None:
            # A session that survived a re-issue of IDLE has proved itself: losing it
            # is no IDLE failure (three young ones in a row would mean polling).
            _settle(workdir, sessions=sessions)
            wait_for(lambda: _push(workdir).get("failures") == 0, 10, "a re-issued IDLE")

        try:
            proved(1)
            # A FIN, then a RST, with no BYE: imapclient reports neither by itself.
            for sessions, reset in ((2, False), (3, True)):
                proxy.set_mode("drop", reset=reset)
                time.sleep(0.3)
                proxy.set_mode("none")
                dovecot.deliver(user, job_mail(days_ago=20 + sessions)[0])
                wait_for(
                    lambda: len(draft_ids(dovecot, user)) == sessions - 1,  # noqa: B023
                    20,
                    f"the draft after drop {sessions - 1}",
                )
                proved(sessions)

            # Mail that arrives while no session can be opened is announced to nobody:
            # the pass that follows every new session finds it.
            proxy.set_mode("drop")
            proxy.set_mode("refuse")
            wait_for(lambda: _push(workdir).get("mode") == RECONNECTING, 15, "the lost session")
            dovecot.deliver(user, job_mail(days_ago=27)[0])  # straight to the server
            time.sleep(1.5)
            assert len(draft_ids(dovecot, user)) == 2
            proxy.set_mode("none")
            wait_for(lambda: len(draft_ids(dovecot, user)) == 3, 20, "the draft after catching up")
            proved(4)

            # A silent stall: noticed by the next re-issue of IDLE (DONE times out).
            proxy.set_mode("stall")
            dovecot.deliver(user, job_mail(days_ago=29)[0])
            wait_for(lambda: _push(workdir).get("mode") == RECONNECTING, 20, "the stall noticed")
            assert len(draft_ids(dovecot, user)) == 3
            proxy.set_mode("none")
            wait_for(lambda: len(draft_ids(dovecot, user)) == 4, 30, "the draft after the stall")
            wait_for(lambda: _idling(workdir, sessions=5), 20, "IDLE after the stall")
            assert status_of(workdir)["state"] == "running"
            daemon.stop()
        finally:
            daemon.kill()
    log = daemon.text()
    assert log.count("the IDLE connection ended") >= 4
    assert "closed the connection; reconnecting" in log  # the FIN and the RST
    assert "IDLE refresh: the connection to" in log and "timed out" in log
    assert "IDLE failed" not in log
    assert "Traceback" not in log
    assert len(set(draft_ids(dovecot, user))) == 4


@pytest.mark.dovecot
@pytest.mark.parametrize(
    "refresh",
    [
        1,  # stopped in the middle of re-issuing IDLE: DONE waits for its answer
        1500,  # stopped while idling: the goodbye (DONE, LOGOUT) goes unanswered
    ],
)
def test_sigterm_on_a_stalled_idle_connection_exits_at_once(dovecot, workdir, refresh):  # noqa: F811
    user = dovecot.add_user()
    with NetProxy(("127.0.0.1", dovecot.imaps_port)) as proxy:
        config = write_config(
            workdir,
            dovecot,
            user,
            port=proxy.port,
            timeout=30,  # the read timeout: far beyond the 10 s a stop may take
            settings=PUSHED + f"idle_refresh = {refresh}\n",
        )
        daemon = DaemonProcess(config, workdir / "daemon.log", once_per=None)
        try:
            _settle(workdir)
            proxy.set_mode("stall")
            time.sleep(2.5)
            elapsed = daemon.stop()
        finally:
            daemon.kill()
    assert elapsed < 3, elapsed
    assert "SIGTERM received: stopping" in daemon.text()
    assert "not stopped within" not in daemon.text()


# -- the rules behind the modes (no server) ------------------------------------------------

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
POLICY = PushPolicy()


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_idle_is_reissued_well_within_the_rfc_limit():
    state = PushState("work")
    assert state.wants_session(T0, account_ok=True)
    state.started(T0, POLICY)
    assert state.mode == IDLE and state.live
    assert state.refresh_at == _at(25 * 60) < _at(29 * 60)
    assert not state.refresh_due(_at(25 * 60 - 1)) and state.refresh_due(_at(25 * 60))
    assert state.next_event(account_ok=True) == state.refresh_at
    state.refreshed(_at(25 * 60), POLICY)
    assert state.refresh_at == _at(50 * 60) and state.proved


def test_young_sessions_that_fail_back_off_then_poll_with_one_strike_left():
    state = PushState("work")
    waits = []

    def backoff(failures: int) -> float:
        waits.append(failures)
        return 30.0 * failures

    clock = 0.0
    for attempt in (1, 2):
        state.started(_at(clock), POLICY)
        assert not state.session_ended(_at(clock + 5), "EOF", POLICY, backoff)
        assert state.mode == RECONNECTING and state.failures == attempt
        assert state.retry_at == _at(clock + 5 + 30 * attempt)
        assert not state.wants_session(_at(clock + 6), account_ok=True)
        clock += 5 + 30 * attempt
        assert state.wants_session(_at(clock), account_ok=True)
    state.started(_at(clock), POLICY)
    assert state.session_ended(_at(clock + 5), "EOF", POLICY, backoff)
    assert state.mode == POLLING and state.reason == "IDLE failed 3 times in a row (last: EOF)"
    assert state.retry_at == _at(clock + 5 + 3600)
    assert waits == [1, 2]
    # After the hour, one more young failure is enough to poll again.
    state.started(_at(clock + 3605), POLICY)
    assert state.session_ended(_at(clock + 3606), "EOF", POLICY, backoff)


def test_a_session_that_proved_itself_is_replaced_at_once():
    state = PushState("work")
    for lived, refreshed in ((POLICY.settle, False), (10.0, True)):
        state.started(T0, POLICY)
        if refreshed:
            state.refreshed(_at(lived / 2), POLICY)
        state.failures = 2  # an earlier streak does not count against a working session
        assert not state.session_ended(_at(lived), "BYE", POLICY, lambda n: 99.0)
        assert state.mode == RECONNECTING and state.failures == 1
        assert state.retry_at == _at(lived)
        assert state.reason == "the IDLE connection ended: BYE"


def test_a_server_without_idle_is_polled_and_asked_again_later():
    state = PushState("work")
    state.unsupported(T0, "imap.example.com:993 does not offer IDLE", POLICY)
    assert state.mode == POLLING and "does not offer IDLE" in state.reason
    assert not state.wants_session(_at(3600), account_ok=True)
    assert state.wants_session(_at(POLICY.recheck), account_ok=True)
    # Failing to connect for the re-check keeps the reason and the mode.
    state.connect_failed(_at(POLICY.recheck), "timed out", 60)
    assert state.mode == POLLING and "does not offer IDLE" in state.reason


def test_sessions_wait_for_a_healthy_account_and_reconnect_when_it_recovers():
    state = PushState("work")
    state.connect_failed(T0, "nothing accepts connections", 600)
    assert state.mode == RECONNECTING and state.reason.startswith("cannot open the IDLE connection")
    assert not state.wants_session(_at(700), account_ok=False)
    assert state.next_event(account_ok=False) is None
    assert not state.wants_session(_at(10), account_ok=True)
    state.account_recovered()
    assert state.wants_session(_at(10), account_ok=True)
    state.started(_at(10), POLICY)
    assert state.connect_failures == 0
    off = PushState("local")
    off.disabled(T0, "a local Maildir has no push; it is read every scan")
    assert not off.wants_session(_at(10**6), account_ok=True)
    assert off.to_json(poll_every=300)["mode"] == POLLING


def test_the_inbox_is_watched_unless_the_account_scans_other_folders_only():
    assert push_folder(()) == "INBOX"
    assert push_folder(["[Gmail]/Sendt e-post", "inbox"]) == "INBOX"
    assert push_folder(["Jobs", "Sent"]) == "Jobs"


def test_idle_is_the_default_and_its_refresh_is_bounded(tmp_path):
    from agent.config import load_config
    from agent.errors import ConfigError

    path = tmp_path / "config.toml"
    path.write_text('timezone = "Europe/Oslo"\n', encoding="utf-8")
    config = load_config(path)
    assert config.idle is True and config.idle_refresh == 1500
    path.write_text("idle_refresh = 1800\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="idle_refresh: expected a number of seconds 1-1740"):
        load_config(path)


# -- the daemon's timing on a simulated day ------------------------------------------------


class _TwinSession:
    """A push session whose server forgets it unless IDLE is re-issued within ``limit``."""

    def __init__(self, clock, limit: float, log: list) -> None:  # type: ignore[no-untyped-def]
        self.clock, self.limit, self.log = clock, limit, log
        self.folder = "INBOX"
        self._since: float | None = None

    def connect(self) -> None:
        self.log.append(("connect", self.clock.monotonic()))

    def begin(self) -> None:
        self._since = self.clock.monotonic()

    def fileno(self) -> int:
        return 10_000

    def read(self) -> bool:
        return False

    def refresh(self) -> bool:
        from agent.errors import TransientMailboxError

        assert self._since is not None
        if self.clock.monotonic() - self._since > self.limit:
            raise TransientMailboxError("IDLE refresh: the server closed the connection")
        self.log.append(("refresh", self.clock.monotonic()))
        self._since = self.clock.monotonic()
        return False

    def close(self, timeout: float = 2.0) -> None:
        self.log.append(("close", self.clock.monotonic()))

    def abandon(self) -> None:
        self.log.append(("abandon", self.clock.monotonic()))


@pytest.mark.parametrize(("refresh", "server_limit"), [(1500, 29 * 60), (300, 8 * 60)])
def test_a_simulated_day_reissues_idle_before_the_server_limit(workdir, refresh, server_limit):  # noqa: F811
    from agent.daemon.loop import SimulatedClock
    from agent.notify import ServiceNotifier
    from agent.sources.maildir import MaildirSource

    clock = SimulatedClock(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
    events: list = []
    pings: list[float] = []

    class PushingMaildir(MaildirSource):
        def push_session(self, folder):  # type: ignore[no-untyped-def]
            return _TwinSession(clock, server_limit, events)

    def ping(message: str) -> bool:
        if message == "WATCHDOG=1":
            pings.append(clock.monotonic())
        return True

    daemon, store = _simulated_daemon(
        workdir, clock, lambda path, name: PushingMaildir(path, name=name), refresh=refresh
    )
    with store:
        daemon.notifier = ServiceNotifier(send=ping, monotonic=clock.monotonic, watchdog=120)
        daemon.run(until=clock.now() + timedelta(days=1))
    connects = [t for kind, t in events if kind == "connect"]
    refreshes = [t for kind, t in events if kind == "refresh"]
    assert len(connects) == 1, events[:10]  # never dropped by the server
    assert len(refreshes) >= 86_400 / refresh - 2
    gaps = [b - a for a, b in zip([connects[0], *refreshes], refreshes, strict=False)]
    assert max(gaps) <= refresh + 2 < server_limit
    ping_gaps = [b - a for a, b in zip(pings, pings[1:], strict=False)]
    assert max(ping_gaps) <= 60
    assert events[-1][0] == "close"  # the session is ended politely when the loop ends


def test_announcements_do_not_override_the_back_off_of_a_failing_account(workdir):  # noqa: F811
    from agent.daemon.loop import SimulatedClock
    from agent.errors import TransientMailboxError
    from agent.sources.maildir import MaildirSource

    clock = SimulatedClock(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
    events: list = []
    broken: list[float] = []  # pass attempts after the server began refusing them

    class Announcing(_TwinSession):
        def begin(self) -> None:
            super().begin()
            broken.append(clock.monotonic())  # from now on every pass fails

        def refresh(self) -> bool:
            super().refresh()
            return True  # "new mail!" at every re-issue

    class ThrottledMaildir(MaildirSource):
        def push_session(self, folder):  # type: ignore[no-untyped-def]
            return Announcing(clock, 10**9, events)

        def folders(self):  # type: ignore[no-untyped-def]
            if broken:
                broken.append(clock.monotonic())
                raise TransientMailboxError("NO [UNAVAILABLE] try again later")
            return super().folders()

    daemon, store = _simulated_daemon(
        workdir, clock, lambda path, name: ThrottledMaildir(path, name=name), refresh=300
    )
    with store:
        daemon.run(until=clock.now() + timedelta(hours=6))
    attempts = len(broken) - 1
    refreshes = sum(1 for kind, _ in events if kind == "refresh")
    assert refreshes >= 70  # 6 h of announcements every 5 min
    # Back-off from 30 s doubling to the 30 min cap: about 15 attempts, not one per announcement.
    assert 5 <= attempts <= 25, attempts


def test_a_local_maildir_account_is_read_every_scan(workdir):  # noqa: F811
    from test_daemon import maildir_config

    from agent.config import load_config
    from agent.daemon.loop import Daemon
    from agent.daemon.push import REASON_LOCAL
    from agent.store import Store

    config = load_config(maildir_config(workdir))
    with Store.open(config.db_path) as store:
        daemon = Daemon(config, store)
        state = daemon.idle.states["local"]
    assert state.mode == POLLING and state.reason == REASON_LOCAL and not state.enabled


def _simulated_daemon(workdir, clock, source_factory, *, refresh=300, extra=""):  # type: ignore[no-untyped-def]  # noqa: F811
    from agent.config import load_config
    from agent.daemon.loop import Daemon, DaemonSettings
    from agent.store import Store

    maildir = workdir / "Maildir"
    for folder in ("", ".Drafts", ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (maildir / folder / sub).mkdir(parents=True, exist_ok=True)
    path = workdir / "config.toml"
    path.write_text(
        f'state_dir = "{workdir / "state"}"\ntimezone = "Europe/Oslo"\nlanguages = ["en"]\n'
        f"scan_interval = 3600\nidle_refresh = {refresh}\n{extra}"
        '[[accounts]]\nname = "work"\nhost = "imap.example.invalid"\nusername = "kari"\n'
        'address = "kari@example.org"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    store = Store.open(config.db_path)
    daemon = Daemon(
        config,
        store,
        settings=DaemonSettings.from_config(config),
        clock=clock,
        source_factory=lambda account: source_factory(str(maildir), account.name),
        rng=random.Random(3),
    )
    return daemon, store
