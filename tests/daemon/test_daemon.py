"""`followup run` as a real process against a private Dovecot.

The daemon is started the way a service manager starts it (``python -m agent.cli
run``), with NOTIFY_SOCKET pointing at a datagram socket the test reads. The
helpers here (mail, config, process, Drafts folder) are shared with
``test_daemon_faults.py``.
"""

from __future__ import annotations

import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from dovecot import HOST, Dovecot, MailUser
from locations import ROOT

from agent.daemon.status import daemon_status
from agent.store import Store

pytestmark = pytest.mark.dovecot

ROOT = ROOT
_serial = itertools.count(1)
_SCRUBBED_ENV = (
    "NOTIFY_SOCKET",
    "WATCHDOG_USEC",
    "WATCHDOG_PID",
    "JOURNAL_STREAM",
    "FOLLOWUP_CRASH_AT_STEP",
)


# -- mail ------------------------------------------------------------------------------


def job_mail(*, days_ago: int = 30, sent: datetime | None = None) -> tuple[bytes, str]:
    """An application acknowledgement from a company of its own, whose promise ("within
    two weeks") lapsed weeks ago by the real clock: a follow-up is due now. (The policy
    stops drafting follow-ups more than 30 days overdue, so ``days_ago`` stays below 44.)"""
    n = next(_serial)
    tag = f"{os.getpid()}x{n}"
    domain = f"firm{tag}.example"
    sent = sent or datetime.now(UTC) - timedelta(days=days_ago)
    message_id = f"<application-{tag}@{domain}>"
    raw = (
        f"From: Hiring Team <jobs@{domain}>\r\n"
        "To: Kari Nordmann <kari@example.org>\r\n"
        "Subject: Application received: Backend Developer\r\n"
        f"Date: {format_datetime(sent)}\r\n"
        f"Message-ID: {message_id}\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "Dear Kari,\r\n\r\n"
        f"Thank you for applying for the Backend Developer position at Firm {tag} AS.\r\n"
        "We review every application and will get back to you within two weeks.\r\n\r\n"
        f"Best regards,\r\nAnne Hansen\r\nFirm {tag} AS\r\n"
    )
    return raw.encode(), message_id


def draft_ids(dovecot: Dovecot, user: MailUser, folder: str = "Drafts") -> list[str]:
    """X-Followup-Id of every message in Drafts (duplicates kept, so they can be counted)."""
    client = dovecot.admin_client(user)
    try:
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        if not uids:
            return []
        section = b"BODY[HEADER.FIELDS (X-FOLLOWUP-ID)]"
        response = client.fetch(uids, [b"BODY.PEEK[HEADER.FIELDS (X-FOLLOWUP-ID)]"])
    finally:
        client.logout()
    ids = []
    for item in response.values():
        found = re.search(rb"X-Followup-Id:\s*(\S+)", item.get(section) or b"", re.IGNORECASE)
        if found:
            ids.append(found.group(1).decode())
    return sorted(ids)


# -- config and process ----------------------------------------------------------------


def write_config(
    directory: Path,
    dovecot: Dovecot,
    user: MailUser,
    *,
    port: int | None = None,
    password_command: str | None = None,
    timeout: float = 5,
    settings: str = "",
    ca_file: str | None = None,
) -> Path:
    command = password_command or f"printf %s {user.password}"
    config = directory / "config.toml"
    config.write_text(
        f'state_dir = "{directory / "state"}"\n'
        'timezone = "Europe/Oslo"\n'
        'languages = ["en"]\n'
        'log_level = "DEBUG"\n'
        f"{settings}"
        "\n[[accounts]]\n"
        'name = "work"\n'
        f'host = "{HOST}"\n'
        f"port = {port or dovecot.imaps_port}\n"
        'security = "tls"\n'
        f'ca_file = "{ca_file or dovecot.ca_file}"\n'
        f'username = "{user.name}"\n'
        'address = "kari@example.org"\n'
        'display_name = "Kari Nordmann"\n'
        f'password_command = "{command}"\n'
        f"timeout = {timeout}\n",
        encoding="utf-8",
    )
    return config


def wait_for(
    predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.1
) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


class DaemonProcess:
    """``python -m agent.cli run`` with its stderr in a file."""

    def __init__(
        self,
        config: Path,
        log: Path,
        *,
        once_per: float | None = 1.0,
        env: dict[str, str] | None = None,
    ) -> None:
        self.config = config
        self.log = log
        base = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
        base.update(
            {
                "PYTHONUNBUFFERED": "1",
                "FOLLOWUP_BACKOFF_BASE": "0.2",
                "FOLLOWUP_BACKOFF_CAP": "1",
            }
        )
        base.update(env or {})
        self._stderr = open(log, "ab")  # noqa: SIM115 - closed in wait()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "agent.cli",
                "run",
                "--config",
                str(config),
                *(["--once-per", str(once_per)] if once_per is not None else []),
            ],
            cwd=ROOT,
            env=base,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"daemon still running after {timeout:g} s; its log ends:\n{self.text()[-3000:]}"
            ) from None
        finally:
            if self.proc.poll() is not None:
                self._stderr.close()

    def stop(self) -> float:
        """SIGTERM; the seconds until the process was gone (asserting exit code 0)."""
        start = time.monotonic()
        self.signal(signal.SIGTERM)
        code = self.wait(15)
        elapsed = time.monotonic() - start
        assert code == 0, f"exit code {code}\n{self.text()[-3000:]}"
        return elapsed

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._stderr.close()


def status_of(config_dir: Path) -> dict:
    with Store.open(config_dir / "state" / "followup.db") as store:
        return daemon_status(store)


class NotifyListener:
    """A datagram socket standing in for systemd's notification socket."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.2)
        self.messages: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            now = time.monotonic()
            for line in data.decode().splitlines():
                self.messages.append((now, line))

    def lines(self, prefix: str) -> list[tuple[float, str]]:
        return [(t, line) for t, line in list(self.messages) if line.startswith(prefix)]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def workdir() -> Path:
    """A short path (AF_UNIX names are limited to 108 bytes) that Dovecot's user can read."""
    import shutil
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="fu-daemon-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


# -- tests -----------------------------------------------------------------------------


def test_daemon_drafts_by_itself_talks_to_systemd_and_stops_on_sigterm(dovecot, workdir):
    user = dovecot.add_user()
    raw, _ = job_mail()
    dovecot.deliver(user, raw)
    config = write_config(workdir, dovecot, user)
    listener = NotifyListener(workdir / "notify.sock")
    daemon = DaemonProcess(
        config,
        workdir / "daemon.log",
        env={"NOTIFY_SOCKET": str(listener.path), "WATCHDOG_USEC": "2000000"},
    )
    try:
        wait_for(lambda: listener.lines("READY=1"), 15, "READY=1")
        wait_for(lambda: len(draft_ids(dovecot, user)) == 1, 25, "the first draft")

        # A second daemon on the same state refuses to start.
        second = subprocess.run(
            [sys.executable, "-m", "agent.cli", "run", "--config", str(config)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            env={k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV},
        )
        assert second.returncode != 0
        assert "already running" in second.stderr

        status = wait_for(
            lambda: (s := status_of(workdir))["passes"] >= 1 and s, 5, "a recorded pass"
        )
        assert status["running"] and status["pid"] == daemon.pid
        assert status["state"] == "running" and status["last_error"] is None
        assert status["last_scan_at"] and status["next_scan_at"]

        # Steady state: new mail is drafted without any command, the watchdog is fed.
        mark = time.monotonic()
        raw2, _ = job_mail(days_ago=33)
        dovecot.deliver(user, raw2)
        wait_for(lambda: len(draft_ids(dovecot, user)) == 2, 20, "the second draft")
        time.sleep(max(0.0, 3.0 - (time.monotonic() - mark)))
        pings = [t for t, _ in listener.lines("WATCHDOG=1") if t >= mark]
        assert len(pings) >= 3
        gaps = [b - a for a, b in zip(pings, pings[1:], strict=False)]
        assert max(gaps) <= 1.0, gaps  # WatchdogSec/2
        statuses = [line for _, line in listener.lines("STATUS=")]
        assert any("last scan" in s and "2 processes" in s for s in statuses), statuses

        elapsed = daemon.stop()
        assert elapsed < 10
        assert listener.lines("STOPPING=1")
    finally:
        daemon.kill()
        listener.close()
    ids = draft_ids(dovecot, user)
    assert len(ids) == len(set(ids)) == 2
    assert status_of(workdir)["state"] == "stopped"


def test_killed_daemon_restarts_without_duplicating_drafts(dovecot, workdir):
    user = dovecot.add_user()
    for days in (30, 34):
        dovecot.deliver(user, job_mail(days_ago=days)[0])
    config = write_config(workdir, dovecot, user)

    # Hard exit right after the first APPEND, before it is recorded. Durable steps of
    # a fresh account: INBOX checkpoint (1), draft intent (2), APPEND sent (3).
    crashing = DaemonProcess(config, workdir / "crash.log", env={"FOLLOWUP_CRASH_AT_STEP": "3"})
    try:
        assert crashing.wait(30) == 100, crashing.text()[-3000:]
    finally:
        crashing.kill()
    assert "crash injected at step 3 (append sent)" in crashing.text()
    assert len(draft_ids(dovecot, user)) == 1

    restarted = DaemonProcess(config, workdir / "restart.log", once_per=0.2)
    try:
        wait_for(lambda: len(draft_ids(dovecot, user)) == 2, 25, "both drafts after the restart")
        # kill -9 while passes run back to back, right after new mail arrives.
        dovecot.deliver(user, job_mail(days_ago=25)[0])
        time.sleep(0.5)
        restarted.proc.send_signal(signal.SIGKILL)
        assert restarted.wait(10) == -signal.SIGKILL
    finally:
        restarted.kill()

    final = DaemonProcess(config, workdir / "final.log")
    try:
        wait_for(lambda: len(draft_ids(dovecot, user)) >= 3, 25, "the third draft")
        time.sleep(2.5)  # a few more passes: nothing more may appear
        final.stop()
    finally:
        final.kill()
    ids = draft_ids(dovecot, user)
    assert len(ids) == 3, ids
    assert len(set(ids)) == 3, f"duplicate drafts: {ids}"


# -- without Dovecot: a local Maildir account ------------------------------------------


def maildir_config(directory: Path, *, extra: str = "") -> Path:
    maildir = directory / "Maildir"
    for folder in ("", ".Drafts", ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (maildir / folder / sub).mkdir(parents=True, exist_ok=True)
    config = directory / "config.toml"
    config.write_text(
        f'state_dir = "{directory / "state"}"\ntimezone = "Europe/Oslo"\nlanguages = ["en"]\n{extra}\n'
        f'[[accounts]]\nname = "local"\nmaildir = "{maildir}"\naddress = "kari@example.org"\n',
        encoding="utf-8",
    )
    return config


def test_sighup_reloads_the_config_and_survives_a_broken_one(workdir):
    config = maildir_config(workdir)
    listener = NotifyListener(workdir / "notify.sock")
    daemon = DaemonProcess(
        config, workdir / "daemon.log", env={"NOTIFY_SOCKET": str(listener.path)}
    )
    try:
        wait_for(lambda: listener.lines("READY=1"), 15, "READY=1")
        maildir_config(workdir, extra='log_level = "WARNING"\nscan_interval = 60')
        daemon.signal(signal.SIGHUP)
        wait_for(lambda: listener.lines("RELOADING=1"), 10, "RELOADING=1")
        wait_for(lambda: len(listener.lines("READY=1")) >= 2, 10, "READY=1 after the reload")
        wait_for(lambda: "configuration reloaded" in daemon.text(), 5, "the reload")
        config.write_text("this is [ not toml", encoding="utf-8")
        daemon.signal(signal.SIGHUP)
        wait_for(lambda: "reload failed" in daemon.text(), 10, "the failed reload")
        assert daemon.proc.poll() is None
        daemon.stop()
    finally:
        daemon.kill()
        listener.close()
    log = daemon.text()
    assert "keeping the running configuration" in log and "invalid TOML" in log
    after = log.split("configuration reloaded", 1)[1]
    assert " INFO " not in after and "SIGTERM" not in after  # the new level (WARNING) applies


def test_a_draft_is_written_at_its_due_time_not_at_the_next_scan(workdir):
    from zoneinfo import ZoneInfo

    from agent.config import load_config
    from agent.daemon.loop import Daemon, DaemonSettings, SimulatedClock
    from agent.notify import ServiceNotifier
    from agent.sources.maildir import MaildirSource

    oslo = ZoneInfo("Europe/Oslo")
    config = load_config(maildir_config(workdir))
    maildir = Path(config.accounts[0].maildir or "")
    # Promise: "within two weeks" of Wed 4 March -> 18 March; due Thu 19 March 09:00.
    raw, _ = job_mail(sent=datetime(2026, 3, 4, 10, 15, tzinfo=oslo))
    (maildir / "new" / "1772615700.M1P1.test").write_bytes(raw.replace(b"\r\n", b"\n"))
    clock = SimulatedClock(datetime(2026, 3, 19, 5, 10, tzinfo=oslo))
    opened: list[datetime] = []
    pings: list[float] = []

    def source(account):  # type: ignore[no-untyped-def]
        opened.append(clock.now().astimezone(oslo))
        return MaildirSource(account.maildir, name=account.name)

    def record(message: str) -> bool:
        if message == "WATCHDOG=1":
            pings.append(clock.monotonic())
        return True

    with Store.open(config.db_path) as store:
        daemon = Daemon(
            config,
            store,
            settings=DaemonSettings(scan_interval=3 * 3600, tick=3600),
            clock=clock,
            notifier=ServiceNotifier(send=record, monotonic=clock.monotonic, watchdog=120),
            source_factory=source,
        )
        daemon.run(until=datetime(2026, 3, 19, 8, 59, tzinfo=oslo))
        assert [t.strftime("%H:%M") for t in opened] == ["05:10", "08:10"]
        assert store.drafts("local") == []
        daemon.run(until=datetime(2026, 3, 19, 12, 0, tzinfo=oslo))
        drafts = store.drafts("local")
    # 09:00 sharp (the due time), then the regular 3-hour rhythm from there.
    assert [t.strftime("%H:%M:%S") for t in opened] == ["05:10:00", "08:10:00", "09:00:00"]
    assert len(drafts) == 1 and drafts[0].state == "appended"
    assert len(list((maildir / ".Drafts" / "cur").iterdir())) == 1
    gaps = [b - a for a, b in zip(pings, pings[1:], strict=False)]
    assert gaps and max(gaps) <= 60  # WatchdogSec/2 of simulated time


def test_a_bug_in_one_account_neither_stops_the_daemon_nor_the_other_account(workdir):
    from zoneinfo import ZoneInfo

    from agent.config import load_config
    from agent.daemon.loop import Daemon, DaemonSettings, SimulatedClock
    from agent.daemon.status import daemon_status
    from agent.sources.maildir import MaildirSource

    oslo = ZoneInfo("Europe/Oslo")
    second = workdir / "Other"
    for sub in ("cur", "new", "tmp"):
        (second / sub).mkdir(parents=True)
    config = load_config(
        maildir_config(
            workdir,
            extra=f'\n[[accounts]]\nname = "other"\nmaildir = "{second}"\naddress = "kari@example.net"\n',
        )
    )
    maildir = Path(config.account("local").maildir or "")
    raw, _ = job_mail(sent=datetime(2026, 3, 4, 10, 15, tzinfo=oslo))
    (maildir / "new" / "1772615700.M1P1.test").write_bytes(raw.replace(b"\r\n", b"\n"))
    clock = SimulatedClock(datetime(2026, 3, 20, 8, 0, tzinfo=oslo))
    attempts: list[datetime] = []

    def source(account):  # type: ignore[no-untyped-def]
        if account.name == "other":
            attempts.append(clock.now())
            raise KeyError("a bug in the source")
        return MaildirSource(account.maildir, name=account.name)

    with Store.open(config.db_path) as store:
        daemon = Daemon(
            config,
            store,
            settings=DaemonSettings(scan_interval=300),
            clock=clock,
            source_factory=source,
            rng=__import__("random").Random(1),
        )
        daemon.run(until=clock.now() + timedelta(hours=2))
        drafts = store.drafts("local")
        status = daemon_status(store)
    assert len(drafts) == 1
    # Back-off (30 s doubling to the 30 min cap), not a retry every scan or a hot loop.
    gaps = [(b - a).total_seconds() for a, b in zip(attempts, attempts[1:], strict=False)]
    assert 6 <= len(attempts) <= 14, gaps
    assert gaps[0] < 30 and max(gaps) >= 900  # from about 30 s up to the 30 min cap
    assert all(later >= earlier * 0.5 for earlier, later in zip(gaps, gaps[1:], strict=False)), gaps
    assert status["accounts"]["other"]["kind"] == "bug"
    assert status["accounts"]["local"]["state"] == "ok"


def test_housekeeping_prunes_old_run_records_but_keeps_the_latest(tmp_path):
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    with Store.open(tmp_path / "followup.db") as store:
        for hour in range(0, 24 * 40, 6):  # 40 days, a run every 6 hours
            at = t0 + timedelta(hours=hour)
            store.finish_run(store.start_run("work", at), at, {"ok": True})
        removed = store.prune_runs(before=t0 + timedelta(days=26), keep_last=10)
        left = store.last_runs(limit=1000)
        store.prune_runs(before=t0 + timedelta(days=400), keep_last=10)
        latest = store.last_runs(limit=1000)
        store.wal_checkpoint()
    assert removed == 26 * 4
    assert len(left) == 14 * 4
    assert min(r["started_at"] for r in left) == t0 + timedelta(days=26)
    assert [r["id"] for r in latest] == [r["id"] for r in left[:10]]
