"""Push benchmark: from a new mail's APPEND on the server to its record and its draft.

    .venv/bin/python bench/idle.py                    # 20 deliveries, scan_interval = 600
    .venv/bin/python bench/idle.py --deliveries 5 --no-idle --scan-interval 30

Starts a private Dovecot (tests/dovecot.py) and ``followup run`` as a service
manager would (a subprocess, IMAPS, ``scan_interval = 600``), waits until the
daemon reports its IDLE session, then delivers hiring mail one message at a
time through a second IMAP session (APPEND to INBOX), each an application
acknowledgement whose promised reply lapsed weeks ago, so every one is recorded
and gets a follow-up draft at once. For each delivery it prints the seconds from
the moment the APPEND was sent to

* the message's row in the state database (``messages``), and
* its draft's row in state ``appended`` (the draft is in the Drafts folder).

The database is read through a read-only SQLite connection every 10 ms.
Deliveries are 0.5-1.5 s apart (seeded), so every one finds the daemon idle.
Target: the worst record latency <= 5 s (a poll would take up to
``scan_interval``). The daemon's own passes are counted: with IDLE there is one
per delivery (plus the two at start), not one per poll.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from dovecot import HOST, Dovecot, MailUser  # noqa: E402

TARGET = 5.0


def hiring_mail(n: int, *, days_ago: int) -> tuple[bytes, str]:
    """An acknowledgement whose promise ("within two weeks") lapsed: a draft is due now."""
    tag = f"{os.getpid()}b{n}"
    domain = f"firm{tag}.example"
    sent = datetime.now(UTC) - timedelta(days=days_ago)
    message_id = f"<bench-{tag}@{domain}>"
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


def write_config(
    directory: Path, dovecot: Dovecot, user: MailUser, args: argparse.Namespace
) -> Path:
    config = directory / "config.toml"
    config.write_text(
        f'state_dir = "{directory / "state"}"\n'
        'timezone = "Europe/Oslo"\n'
        'languages = ["en"]\n'
        f"scan_interval = {args.scan_interval}\n"
        f"idle = {'true' if args.idle else 'false'}\n"
        "\n[[accounts]]\n"
        'name = "work"\n'
        f'host = "{HOST}"\n'
        f"port = {dovecot.imaps_port}\n"
        'security = "tls"\n'
        f'ca_file = "{dovecot.ca_file}"\n'
        f'username = "{user.name}"\n'
        'address = "kari@example.org"\n'
        'display_name = "Kari Nordmann"\n'
        f'password_command = "printf %s {user.password}"\n',
        encoding="utf-8",
    )
    return config


class StateReader:
    """Read-only looks into the daemon's database (WAL: never blocks the writer)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection | None:
        if self._conn is None and self.path.exists():
            self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=1)
        return self._conn

    def _one(self, sql: str, *params: object) -> tuple | None:
        db = self._db()
        if db is None:
            return None
        try:
            return db.execute(sql, params).fetchone()
        except sqlite3.OperationalError:  # schema not there yet, or busy
            return None

    def recorded(self, message_id: str) -> bool:
        return self._one("SELECT 1 FROM messages WHERE message_id = ?", message_id) is not None

    def drafted(self, message_id: str) -> bool:
        return (
            self._one(
                "SELECT 1 FROM drafts WHERE in_reply_to = ? AND state = 'appended'", message_id
            )
            is not None
        )

    def daemon(self) -> dict:
        row = self._one("SELECT value FROM meta WHERE key = 'daemon'")
        return json.loads(row[0]) if row and row[0] else {}


def wait_until(predicate, timeout: float, what: str, interval: float = 0.01) -> float:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)
    return time.monotonic()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=20)
    parser.add_argument("--scan-interval", type=int, default=600)
    parser.add_argument("--idle", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    work = Path(tempfile.mkdtemp(prefix="fu-bench-idle-", dir="/tmp"))
    dovecot = Dovecot().start()  # its own directory under /tmp, traversable by the mail user
    daemon = None
    try:
        user = dovecot.add_user()
        config = write_config(work, dovecot, user, args)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTIFY_", "WATCHDOG_"))}
        env["PYTHONUNBUFFERED"] = "1"
        log = open(work / "daemon.log", "ab")  # noqa: SIM115 - closed below
        daemon = subprocess.Popen(
            [sys.executable, "-m", "agent.cli", "run", "--config", str(config)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        state = StateReader(work / "state" / "followup.db")

        def settled() -> bool:
            record = state.daemon()
            push = record.get("accounts", {}).get("work", {}).get("push", {})
            wanted = "idle" if args.idle else "polling"
            return record.get("passes", 0) >= (2 if args.idle else 1) and push.get("mode") == wanted

        wait_until(settled, 60, "the daemon to settle", interval=0.1)
        passes_before = state.daemon().get("passes", 0)
        client = dovecot.admin_client(user)
        records: list[float] = []
        drafts: list[float] = []
        print(f"{'#':>3} {'record s':>9} {'draft s':>8}")
        for n in range(1, args.deliveries + 1):
            raw, message_id = hiring_mail(n, days_ago=20 + n % 20)
            sent = time.monotonic()
            client.append("INBOX", raw)
            limit = max(60.0, args.scan_interval * 1.5)
            recorded = wait_until(lambda: state.recorded(message_id), limit, f"record {n}")  # noqa: B023
            drafted = wait_until(lambda: state.drafted(message_id), limit, f"draft {n}")  # noqa: B023
            records.append(recorded - sent)
            drafts.append(drafted - sent)
            print(f"{n:>3} {records[-1]:>9.3f} {drafts[-1]:>8.3f}", flush=True)
            time.sleep(rng.uniform(0.5, 1.5))
        client.logout()
        passes = state.daemon().get("passes", 0) - passes_before
    finally:
        if daemon is not None:
            daemon.terminate()
            try:
                daemon.wait(15)
            except subprocess.TimeoutExpired:
                daemon.kill()
        dovecot.stop()
        if not args.keep:
            dovecot.remove()
    mode = "IDLE" if args.idle else "polling"
    print()
    print(
        f"{mode}, scan_interval = {args.scan_interval} s, {args.deliveries} deliveries, "
        f"{passes} passes"
    )
    print(
        f"APPEND -> record in the store: median {statistics.median(records):.3f} s, "
        f"worst {max(records):.3f} s (target <= {TARGET:g} s)"
    )
    print(
        f"APPEND -> draft appended:      median {statistics.median(drafts):.3f} s, "
        f"worst {max(drafts):.3f} s"
    )
    if args.keep:
        print(f"work directory: {work}")
    else:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return 0 if max(records) <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
