"""Passwords from commands and keyrings, and their redaction from every log line.

Keyring cases run in a child process configured through ``PYTHON_KEYRING_BACKEND``
with real backends: keyring's own ``fail.Keyring`` and the small backends below.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked
from locations import TESTS

from agent.config import AccountConfig
from agent.errors import SecretError
from agent.logging_setup import setup_logging
from agent.redaction import REDACTED, redact, register_secret
from agent.secrets import get_password

CANARY = 'S3cr3t-canary-Ω{}"x'


class DictKeyring(KeyringBackend):
    """Keeps passwords in memory for the life of the process."""

    priority = 1  # type: ignore[assignment]
    _store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._store.pop((service, username), None)


class HangingKeyring(DictKeyring):
    """A Secret Service that never answers (a locked collection waiting on a prompt)."""

    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(3600)
        return None


class LockedKeyring(DictKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("collection is locked")


def account(**changes: object) -> AccountConfig:
    values: dict[str, object] = {
        "name": "work",
        "host": "imap.example.no",
        "port": 993,
        "username": "ingrid",
        "address": "ingrid@example.no",
    }
    values.update(changes)
    return AccountConfig(**values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# password_command


def script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "pw.py"
    path.write_text(body, encoding="utf-8")
    return f"{sys.executable} {path}"


def test_password_command_first_line_without_shell(tmp_path: Path) -> None:
    command = script(tmp_path, f"print({CANARY!r}); print('second line')")
    assert get_password(account(password_command=command)) == CANARY


def test_password_command_with_shell_syntax(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("from-a-pipe\n")
    assert (
        get_password(account(password_command=f"cat {tmp_path}/secret.txt | cat")) == "from-a-pipe"
    )


def test_failing_command_names_account_and_exit_code_not_its_output(tmp_path: Path) -> None:
    command = script(
        tmp_path,
        f"import sys; print({CANARY!r}); print({CANARY!r}, file=sys.stderr); sys.exit(3)",
    )
    with pytest.raises(SecretError) as info:
        get_password(account(password_command=command))
    text = f"{info.value} {info.value.hint}"
    assert "account work" in text and "exit code 3" in text
    assert "S3cr3t" not in text


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/nonexistent/followup-pass show x", "program 'followup-pass' not found"),
        ("true", "printed nothing"),
    ],
)
def test_command_problems(command: str, expected: str) -> None:
    with pytest.raises(SecretError, match=expected):
        get_password(account(password_command=command))


def test_command_timeout_is_bounded() -> None:
    started = time.monotonic()
    with pytest.raises(SecretError, match="did not finish within 0.3 s"):
        get_password(account(password_command="sleep 30"), timeout=0.3)
    assert time.monotonic() - started < 3


# --------------------------------------------------------------------------
# keyring, in a child process with a real backend


KEYRING_CHILD = """
import json, sys, time
from agent.config import AccountConfig
from agent.errors import SecretError
from agent import secrets

account = AccountConfig(name="work", host="h", port=993, username="u", address="a@b.no")
out = {}
action = sys.argv[1]
if action == "set-get":
    secrets.set_password("work", sys.argv[2])
    out["password"] = secrets.get_password(account)
for attempt in ("first", "second"):
    started = time.monotonic()
    try:
        out[attempt] = secrets.get_password(account, timeout=0.5)
    except SecretError as exc:
        out[attempt] = "SecretError: " + str(exc) + " | " + str(exc.hint)
    out[attempt + "_seconds"] = time.monotonic() - started
    if action == "set-get":
        break
print(json.dumps(out))
"""


def run_keyring_child(tmp_path: Path, backend: str, *args: str) -> dict[str, object]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "PYTHON_KEYRING_BACKEND": backend,
        # test_secrets.*Keyring, and the helpers it imports
        "PYTHONPATH": os.pathsep.join((str(Path(__file__).resolve().parent), str(TESTS))),
    }
    result = subprocess.run(
        [sys.executable, "-c", KEYRING_CHILD, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_keyring_round_trip(tmp_path: Path) -> None:
    out = run_keyring_child(tmp_path, "test_secrets.DictKeyring", "set-get", CANARY)
    assert out["password"] == CANARY
    assert out["first"] == CANARY


def test_no_keyring_backend(tmp_path: Path) -> None:
    out = run_keyring_child(tmp_path, "keyring.backends.fail.Keyring", "get")
    assert str(out["first"]).startswith(
        "SecretError: credentials unavailable for account work: no keyring backend is available"
    )
    assert "followup init" in str(out["first"]) and "password_command" in str(out["first"])
    # Never a plaintext fallback: nothing was written anywhere under HOME.
    assert [p for p in (tmp_path / "home").rglob("*") if p.is_file()] == []


def test_locked_keyring(tmp_path: Path) -> None:
    out = run_keyring_child(tmp_path, "test_secrets.LockedKeyring", "get")
    assert "keyring is locked" in str(out["first"])


def test_empty_keyring_says_what_to_do(tmp_path: Path) -> None:
    out = run_keyring_child(tmp_path, "test_secrets.DictKeyring", "get")
    assert "no password stored in the keyring" in str(out["first"])


def test_hanging_keyring_times_out_and_does_not_pile_up(tmp_path: Path) -> None:
    out = run_keyring_child(tmp_path, "test_secrets.HangingKeyring", "get")
    assert "keyring is locked or not available (no answer within 0.5 s)" in str(out["first"])
    assert 0.4 < float(out["first_seconds"]) < 3  # type: ignore[arg-type]
    # The hung request is still pending: the second call answers at once.
    assert "an earlier request has not returned" in str(out["second"])
    assert float(out["second_seconds"]) < 0.2  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# redaction


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = setup_logging("DEBUG", journald=False, stream=stream, protocol_debug=True)
    yield stream
    logging.getLogger().removeHandler(handler)
    logging.getLogger().setLevel(logging.WARNING)


def test_registered_secret_is_redacted_everywhere(log_stream: io.StringIO) -> None:
    register_secret(CANARY)
    logger = logging.getLogger("agent.test")
    logger.info("password is %s", CANARY)
    logger.debug("repr %r and bytes %r", CANARY, CANARY.encode())
    logger.warning("json %s", json.dumps({"pw": CANARY}))
    import base64

    logger.warning("b64 %s", base64.b64encode(CANARY.encode()).decode())
    try:
        raise RuntimeError(f"login failed for {CANARY}")
    except RuntimeError:
        logger.exception("boom")
    logger.info("stack", stack_info=True)
    text = log_stream.getvalue()
    assert "S3cr3t" not in text
    assert "UzNjcjN0" not in text  # base64 of the canary's start
    assert text.count(REDACTED) >= 6
    assert "RuntimeError: login failed for **REDACTED**" in text


def test_imap_protocol_lines_are_redacted(log_stream: io.StringIO) -> None:
    logger = logging.getLogger("imapclient.imaplib")
    logger.debug("> b'ABCD1 LOGIN ingrid \"never-registered pw\"'")
    logger.debug("> b'ABCD2 AUTHENTICATE PLAIN AGluZ3JpZABzZWNyZXQ='")
    logger.debug("> b'ABCD3 SELECT INBOX'")
    text = log_stream.getvalue()
    assert "never-registered" not in text and "AGluZ3JpZABzZWNyZXQ" not in text
    assert "LOGIN ingrid **REDACTED**" in text and "AUTHENTICATE PLAIN **REDACTED**" in text
    assert "SELECT INBOX" in text


def test_imapclient_stays_quiet_unless_protocol_debug() -> None:
    stream = io.StringIO()
    handler = setup_logging("DEBUG", journald=False, stream=stream, protocol_debug=False)
    try:
        logging.getLogger("imapclient.imaplib").debug("> b'A1 NOOP'")
        logging.getLogger("agent.x").debug("ours")
    finally:
        logging.getLogger().removeHandler(handler)
    assert "NOOP" not in stream.getvalue() and "ours" in stream.getvalue()


def test_journald_format_has_priority_and_no_timestamp() -> None:
    stream = io.StringIO()
    handler = setup_logging("INFO", journald=True, stream=stream)
    try:
        logging.getLogger("agent.scan").warning("two\nlines")
    finally:
        logging.getLogger().removeHandler(handler)
    assert stream.getvalue() == "<4>agent.scan: two\n<4>lines\n"


def test_redact_is_harmless_on_plain_text() -> None:
    register_secret("")  # ignored
    register_secret("ab")  # too short to redact safely
    assert redact("Logged in as ingrid; LOGIN completed") == "Logged in as ingrid; LOGIN completed"
