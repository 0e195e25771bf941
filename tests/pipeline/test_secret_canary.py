"""T24: a canary password never reaches any output of the product.

The real command line, with DEBUG logging for the app, imapclient and imaplib
(protocol lines included): a full scan against the suite's Dovecot that writes a
draft, a login forced to fail at a server that echoes the credentials it was sent
back in its refusal (a buggy or hostile server: only the product's own redaction
stands between that echo and the output), ``followup doctor``, ``followup status``
and the background service writing its log to a file as launchd does. The canary is
looked for raw, escaped, and base64-encoded (alone and inside the AUTHENTICATE PLAIN
blob) in stdout, stderr, the log file, every file of the state directory (the SQLite
database and its WAL) and the status output.
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import trustme
from dovecot import HOST, Dovecot, MailUser

pytestmark = pytest.mark.dovecot

# Non-ASCII: AUTHENTICATE PLAIN; ASCII with "{}" and '"': LOGIN with a quoted string.
CANARIES = ['S3cr3t-canary-Ω{}"', 'S3cr3t-canary-{}"x']
DUE = "2026-12-10T10:00:00+01:00"


def needles(canary: str, username: str) -> list[bytes]:
    raw = canary.encode()
    found = [
        raw,
        b"S3cr3t",
        canary.encode("unicode_escape"),
        json.dumps(canary)[1:-1].encode(),
        json.dumps(canary, ensure_ascii=False)[1:-1].encode(),
        base64.b64encode(raw),
        base64.b64encode(raw).rstrip(b"="),
        base64.b64encode(f"\0{username}\0{canary}".encode()),
    ]
    for offset in range(3):  # the canary inside any longer base64 blob
        encoded = base64.b64encode(b"\0" * offset + raw)
        found.append(encoded[4 if offset else 0 : 16])
    return found


def job_mail() -> bytes:
    return (
        b"From: Kari Lund <kari@acme-robotics.no>\r\nTo: me@example.org\r\n"
        b"Subject: Your application for Engineer\r\nDate: Tue, 24 Nov 2026 10:00:00 +0100\r\n"
        b"Message-ID: <job-1@acme-robotics.no>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Thank you for your application. We will get back to you within two weeks.\r\n"
    )


class EchoingServer:
    """An IMAPS server that refuses every login, quoting what it was sent."""

    def __init__(self, workdir: Path) -> None:
        ca = trustme.CA(organization_name="echoing server CA")
        self.ca_file = str(workdir / "echo-ca.pem")
        ca.cert_pem.write_to_path(self.ca_file)
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(HOST).configure_cert(self._context)
        self._listener = socket.create_server((HOST, 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.logins = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> EchoingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=3)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                raw, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._session, args=(raw,), daemon=True).start()

    def _session(self, raw: socket.socket) -> None:
        try:
            raw.settimeout(10)
            conn = self._context.wrap_socket(raw, server_side=True)
            stream = conn.makefile("rwb")
            caps = b"IMAP4rev1 AUTH=PLAIN"
            stream.write(b"* OK [CAPABILITY " + caps + b"] echo ready\r\n")
            stream.flush()
            for line in stream:
                tag, _, rest = line.rstrip(b"\r\n").partition(b" ")
                command, _, args = rest.partition(b" ")
                verb = command.upper()
                if verb == b"CAPABILITY":
                    stream.write(b"* CAPABILITY " + caps + b"\r\n" + tag + b" OK done\r\n")
                elif verb == b"LOGIN":
                    self.logins += 1
                    quoted = re.findall(rb'"((?:[^"\\]|\\.)*)"', args)
                    plain = b" ".join(re.sub(rb"\\(.)", rb"\1", q) for q in quoted)
                    stream.write(
                        tag
                        + b" NO [AUTHENTICATIONFAILED] refused "
                        + args
                        + b" = "
                        + plain
                        + b"\r\n"
                    )
                elif verb == b"AUTHENTICATE":
                    self.logins += 1
                    stream.write(b"+ \r\n")
                    stream.flush()
                    blob = stream.readline().strip()
                    try:
                        decoded = base64.b64decode(blob).replace(b"\0", b" ")
                    except ValueError:
                        decoded = b"?"
                    stream.write(
                        tag
                        + b" NO [AUTHENTICATIONFAILED] refused "
                        + blob
                        + b" = "
                        + decoded
                        + b"\r\n"
                    )
                elif verb == b"LOGOUT":
                    stream.write(b"* BYE bye\r\n" + tag + b" OK bye\r\n")
                    stream.flush()
                    break
                else:
                    stream.write(tag + b" BAD not here\r\n")
                stream.flush()
            conn.close()
        except OSError:
            raw.close()


def write_config(
    tmp_path: Path, dovecot: Dovecot, user: MailUser, canary: str, echo: EchoingServer
) -> Path:
    secrets = tmp_path / "secrets"  # outside everything searched
    secrets.mkdir()
    (secrets / "pw").write_text(canary + "\n", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    path = work / "config.toml"
    path.write_text(
        f"""state_dir = "{work / "state"}"
timezone = "Europe/Oslo"
log_level = "DEBUG"

[[accounts]]
name = "work"
host = "{HOST}"
port = {dovecot.imaps_port}
username = "{user.name}"
address = "me@example.org"
ca_file = "{dovecot.ca_file}"
password_command = "cat {secrets / "pw"}"
timeout = 10
folders = ["INBOX"]

[[accounts]]
name = "echo"
host = "{HOST}"
port = {echo.port}
username = "{user.name}"
address = "me@example.org"
ca_file = "{echo.ca_file}"
password_command = "cat {secrets / "pw"}"
timeout = 10
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def run_cli() -> Iterator[Callable[..., subprocess.CompletedProcess[bytes]]]:
    def run(config: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
        env = {k: v for k, v in os.environ.items() if k != "FOLLOWUP_CRASH_AT_STEP"}
        env.pop("JOURNAL_STREAM", None)
        return subprocess.run(
            [sys.executable, "-m", "agent.cli", "-vv", *args, "--config", str(config)],
            capture_output=True,
            timeout=180,
            env=env,
            check=False,
        )

    yield run


def run_service(config: Path, log_file: Path) -> None:
    """The background service for a few passes, its output going to a log file (launchd)."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("FOLLOWUP_CRASH_AT_STEP", "NOTIFY_SOCKET")
    }
    with open(log_file, "wb") as log:
        service = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "agent.cli",
                "-vv",
                "run",
                "--once-per",
                "1",
                "--config",
                str(config),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                text = log_file.read_bytes()
                if b"refused" in text and text.count(b"scan") >= 2:
                    break
                time.sleep(0.3)
            time.sleep(1.5)
        finally:
            service.send_signal(signal.SIGTERM)
            service.wait(timeout=30)


@pytest.mark.parametrize("canary", CANARIES, ids=["authenticate-plain", "login-quoted"])
def test_the_password_reaches_no_output_log_database_or_status(
    canary: str,
    tmp_path: Path,
    dovecot: Dovecot,
    make_user: Callable[..., MailUser],
    run_cli: Callable[..., subprocess.CompletedProcess[bytes]],
) -> None:
    user = make_user("english", password=canary)
    dovecot.doveadm("save", "-u", user.name, "-m", "INBOX", input=job_mail())  # no IMAP login
    outputs: dict[str, bytes] = {}
    with EchoingServer(tmp_path) as echo:
        config = write_config(tmp_path, dovecot, user, canary, echo)
        scan = run_cli(config, "scan", "--now", DUE)
        assert scan.returncode == 1  # the echoing account fails, the other one works
        outputs |= {"scan stdout": scan.stdout, "scan stderr": scan.stderr}
        assert b"refused the login" in scan.stdout + scan.stderr
        assert len(dovecot.search(user, "Drafts", "all")) == 1  # a full session, draft written
        assert b"FETCH" in scan.stderr and b"APPEND" in scan.stderr  # protocol lines logged
        assert b"NO [AUTHENTICATIONFAILED] refused" in scan.stderr  # the echo was logged ...

        doctor = run_cli(config, "doctor")
        outputs |= {"doctor stdout": doctor.stdout, "doctor stderr": doctor.stderr}
        run_service(config, tmp_path / "work" / "followup.log")
        assert echo.logins >= 3

    for args in (("status",), ("status", "--json")):
        status = run_cli(config, *args, "--now", DUE)
        assert status.returncode == 0, status.stderr
        outputs |= {
            f"{' '.join(args)} stdout": status.stdout,
            f"{' '.join(args)} stderr": status.stderr,
        }
    assert b"echo" in outputs["status --json stdout"]
    for path in sorted((tmp_path / "work").rglob("*")):
        if path.is_file():
            outputs[str(path.relative_to(tmp_path))] = path.read_bytes()
    assert any(name.endswith("followup.db") for name in outputs)
    assert b"refused" in outputs["work/followup.log"]

    leaks = {
        name: needle
        for name, data in outputs.items()
        for needle in needles(canary, user.name)
        if needle in data
    }
    assert not leaks, f"... but the password leaked: {leaks}"
