"""``followup init`` and ``followup doctor`` on a Maildir, a closed port, a hostile
server that echoes credentials back, and a real Dovecot."""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import re
import socket
import ssl
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
import trustme
from click.testing import CliRunner
from keyring.backends.fail import Keyring as FailKeyring

from agent.commands.setup import doctor_command, init_command
from agent.config import load_config
from agent.errors import AuthError, SecretError, TransientMailboxError, UsageError
from agent.logging_setup import setup_logging

CANARIES = ['S3cr3t-canary-Ω{}"x', 'S3cr3t-canary-{}"x']  # AUTHENTICATE PLAIN and LOGIN paths
ADDRESS = "ingrid@example.no"


def make_maildir(root: Path, *folders: str) -> Path:
    for folder in ("", *folders):
        for sub in ("cur", "new", "tmp"):
            (root / folder / sub).mkdir(parents=True, exist_ok=True)
    return root


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def leaked(canary: str, text: str | bytes) -> bool:
    """The canary raw, escaped, or base64 (alone or inside a longer blob)."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "replace")
    raw = canary.encode()
    needles = [raw, canary.encode("unicode_escape"), json.dumps(canary)[1:-1].encode(), b"S3cr3t"]
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw)
        needles.append(encoded[4 if offset else 0 : 16])
    return any(needle in data for needle in needles)


def everything_under(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file())


@pytest.fixture
def log_text() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = setup_logging("DEBUG", journald=False, stream=stream, protocol_debug=True)
    yield stream
    logging.getLogger().removeHandler(handler)
    logging.getLogger().setLevel(logging.WARNING)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Platform dirs pointed into the test's own directory."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("FOLLOWUP_CONFIG", raising=False)
    return tmp_path


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


# --------------------------------------------------------------------------
# Maildir accounts: no network


def test_init_and_doctor_with_a_maildir(home: Path) -> None:
    mail = make_maildir(home / "Mail", ".Sent", ".Drafts", ".Jobs")
    config_path = home / "conf" / "config.toml"
    runner = CliRunner()
    result = runner.invoke(
        init_command,
        ["--config", str(config_path), "--maildir", str(mail), "--address", ADDRESS, "--name", "demo",
         "--display-name", "Ingrid Nordmann", "--state-dir", str(home / "state")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "scanning INBOX, Sent; drafts go to Drafts" in result.output
    assert stat.S_IMODE(config_path.stat().st_mode) == 0o600
    config = load_config(config_path)
    (account,) = config.accounts
    assert (account.name, account.maildir, account.host, account.display_name) == (
        "demo",
        str(mail),
        None,
        "Ingrid Nordmann",
    )
    assert config.db_path.is_file() and stat.S_IMODE(config.db_path.stat().st_mode) == 0o600

    doctor = runner.invoke(doctor_command, ["--config", str(config_path)])
    assert doctor.exit_code == 0, doctor.output
    lines = doctor.output.splitlines()
    for name in ("config", "demo: maildir", "demo: folders", "state", "rules", "calendar"):
        assert any(line.startswith(f"✓ {name}:") for line in lines), (name, doctor.output)
    assert "✗" not in doctor.output and "All checks passed." in doctor.output

    as_json = runner.invoke(doctor_command, ["--config", str(config_path), "--json"])
    report = json.loads(as_json.output)
    assert report["ok"] is True and {c["status"] for c in report["checks"]} == {"ok"}


def test_init_uses_the_environment_and_prompts_for_what_is_missing(home: Path) -> None:
    mail = make_maildir(home / "Mail", ".Sent", ".Drafts")
    config_path = home / "env.toml"
    result = CliRunner().invoke(
        init_command,
        ["--maildir", str(mail), "--state-dir", str(home / "state")],
        input=f"{ADDRESS}\n\n",  # address, then accept the default name
        env={"FOLLOWUP_CONFIG": str(config_path)},
    )
    assert result.exit_code == 0, result.output
    assert "Email address" in result.output and "Account name [local]" in result.output
    assert load_config(config_path).accounts[0].name == "local"


def test_init_refuses_to_replace_an_account_without_force(home: Path) -> None:
    mail = make_maildir(home / "Mail", ".Sent", ".Drafts")
    other = make_maildir(home / "Other", ".Sent", ".Drafts")
    config_path = home / "config.toml"
    base = [
        "--config",
        str(config_path),
        "--address",
        ADDRESS,
        "--name",
        "demo",
        "--state-dir",
        str(home / "s"),
    ]
    runner = CliRunner()
    assert runner.invoke(init_command, [*base, "--maildir", str(mail)]).exit_code == 0
    again = runner.invoke(init_command, [*base, "--maildir", str(other)])
    assert isinstance(again.exception, UsageError) and "--force" in (again.exception.hint or "")
    assert load_config(config_path).accounts[0].maildir == str(mail)
    forced = runner.invoke(init_command, [*base, "--maildir", str(other), "--force"])
    assert forced.exit_code == 0, forced.output
    second = runner.invoke(init_command, [*base[:-4], "--name", "second", "--maildir", str(mail)])
    assert second.exit_code == 0, second.output
    assert [(a.name, a.maildir) for a in load_config(config_path).accounts] == [
        ("demo", str(other)),
        ("second", str(mail)),
    ]


@pytest.mark.parametrize(
    ("preset", "host", "note"),
    [
        ("fastmail", "imap.fastmail.com", "Fastmail needs an app password"),
        ("outlook", "outlook.office365.com", "Microsoft requires OAuth2"),
        ("gmail", "imap.gmail.com", "create an app password"),
    ],
)
def test_guided_init_with_a_preset_stores_the_password_in_the_keyring(
    home: Path, memory_keyring: MemoryKeyring, preset: str, host: str, note: str
) -> None:
    # provider, (password or OAuth2 for Gmail and Outlook), address, account name
    # (default), username (default), password
    how = "password\n" if preset in ("gmail", "outlook") else ""
    answers = f"{preset}\n{how}{ADDRESS}\n\n\nS3cr3t-canary-pw\n"
    result = CliRunner().invoke(
        init_command, ["--no-test", "--state-dir", str(home / "state")], input=answers
    )
    assert result.exit_code == 0, result.output
    assert note in result.output
    assert "S3cr3t-canary-pw" not in result.output  # typed without echo
    config_path = home / "xdg-config" / "followup" / "config.toml"
    (account,) = load_config(config_path).accounts
    assert (account.name, account.host, account.port, account.security, account.username) == (
        preset,
        host,
        993,
        "tls",
        ADDRESS,
    )
    assert memory_keyring.items == {("followup", preset): "S3cr3t-canary-pw"}
    assert b"S3cr3t" not in config_path.read_bytes()


def test_init_without_a_working_keyring_saves_nothing(home: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        result = CliRunner().invoke(
            init_command,
            ["--preset", "fastmail", "--address", ADDRESS, "--no-test", "--password-stdin"],
            input="S3cr3t-canary-pw\n",
        )
    finally:
        keyring.set_keyring(previous)
    assert isinstance(result.exception, SecretError)
    assert "no keyring backend is available" in str(result.exception)
    assert "--password-command" in (result.exception.hint or "")
    assert not (home / "xdg-config" / "followup" / "config.toml").exists()


def test_doctor_explains_what_is_wrong(home: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(doctor_command, ["--config", str(home / "absent.toml")])
    assert missing.exit_code == 1
    assert "✗ config: no config file at" in missing.output and "followup init" in missing.output

    mail = make_maildir(home / "Mail", ".Brouillons")  # no Sent, no recognisable Drafts
    config_path = home / "config.toml"
    config_path.write_text(
        f'state_dir = "state"\ncountry = "XX"\n[[accounts]]\nname = "demo"\nmaildir = "{mail}"\naddress = "{ADDRESS}"\n'
    )
    result = runner.invoke(doctor_command, ["--config", str(config_path)])
    assert result.exit_code == 1
    assert (
        "✗ demo: folders: Drafts folder not identified; Sent folder not identified" in result.output
    )
    assert 'drafts_folder = "<name>"' in result.output and "Brouillons" in result.output
    assert "✗ calendar: no public holiday calendar for country 'XX'" in result.output
    assert "✓ state:" in result.output and "Some checks failed." in result.output

    config_path.write_text(
        f'state_dir = "state"\n[[accounts]]\nname = "demo"\nmaildir = "{mail}"\naddress = "{ADDRESS}"\n'
        'drafts_folder = "Brouillons"\nfolders = ["INBOX"]\n'
    )
    fixed = runner.invoke(doctor_command, ["--config", str(config_path)])
    assert fixed.exit_code == 0, fixed.output
    assert "✓ demo: folders: scanning INBOX; drafts go to Brouillons" in fixed.output


def test_doctor_reports_a_damaged_database(home: Path) -> None:
    mail = make_maildir(home / "Mail", ".Sent", ".Drafts")
    config_path = home / "config.toml"
    config_path.write_text(
        f'state_dir = "state"\n[[accounts]]\nname = "d"\nmaildir = "{mail}"\naddress = "{ADDRESS}"\n'
    )
    (home / "state").mkdir(mode=0o700)
    (home / "state" / "followup.db").write_bytes(b"garbage" * 1000)
    result = CliRunner().invoke(doctor_command, ["--config", str(config_path)])
    assert result.exit_code == 1
    assert re.search(r"✗ state: the state database .* is damaged", result.output)


# --------------------------------------------------------------------------
# IMAP that fails: nothing is written, no secret is shown


def test_init_against_a_closed_port_reports_it_and_writes_nothing(
    home: Path, log_text: io.StringIO
) -> None:
    config_path = home / "config.toml"
    port = closed_port()
    result = CliRunner().invoke(
        init_command,
        ["--config", str(config_path), "--host", "127.0.0.1", "--port", str(port), "--address", ADDRESS,
         "--name", "work", "--password-stdin"],
        input=CANARIES[0] + "\n",
    )  # fmt: skip
    assert isinstance(result.exception, TransientMailboxError)
    assert f"nothing accepts connections on 127.0.0.1:{port}" in str(result.exception)
    assert not config_path.exists()
    for text in (result.output, str(result.exception), log_text.getvalue()):
        assert not leaked(CANARIES[0], text)


def test_doctor_against_a_closed_port_with_a_password_command(
    home: Path, log_text: io.StringIO
) -> None:
    script = home / "pw.py"
    script.write_text(f"print({CANARIES[0]!r})\n", encoding="utf-8")
    port = closed_port()
    config_path = home / "config.toml"
    config_path.write_text(
        f'state_dir = "state"\n[[accounts]]\nname = "work"\nhost = "127.0.0.1"\nport = {port}\n'
        f'username = "ingrid"\naddress = "{ADDRESS}"\npassword_command = "{sys.executable} {script}"\ntimeout = 5\n'
    )
    result = CliRunner().invoke(doctor_command, ["--config", str(config_path)])
    assert result.exit_code == 1
    assert "✓ work: password: found (password_command)" in result.output
    assert f"✗ work: login: nothing accepts connections on 127.0.0.1:{port}" in result.output
    assert "check host (127.0.0.1) and port" in result.output
    assert not leaked(CANARIES[0], result.output + log_text.getvalue())
    assert not leaked(CANARIES[0], everything_under(home / "state"))


class HostileImapServer:
    """A TLS IMAP server that refuses every login and quotes the credentials back."""

    def __init__(self, cert: trustme.LeafCert) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(self.context)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.listener.close()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, raw: socket.socket) -> None:
        try:
            with self.context.wrap_socket(raw, server_side=True) as conn:
                stream = conn.makefile("rwb")

                def send(line: str) -> None:
                    stream.write(line.encode() + b"\r\n")
                    stream.flush()

                def read_command() -> bytes:
                    line = stream.readline()
                    while (literal := re.search(rb"\{(\d+)\+?\}\r\n$", line)) is not None:
                        send("+ go on")
                        line += stream.read(int(literal.group(1))) + stream.readline()
                    return line

                send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hostile server ready")
                while line := read_command():
                    self.received.append(line)
                    tag, _, rest = line.decode("utf-8", "replace").strip().partition(" ")
                    command, _, args = rest.partition(" ")
                    command = command.upper()
                    if command == "CAPABILITY":
                        send("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
                        send(f"{tag} OK done")
                    elif command == "LOGIN":
                        send(f"{tag} NO [AUTHENTICATIONFAILED] wrong credentials: {args}")
                    elif command == "AUTHENTICATE":
                        send("+ ")
                        blob = stream.readline().strip()
                        secret = base64.b64decode(blob).split(b"\0")[-1].decode("utf-8", "replace")
                        send(
                            f"{tag} NO [AUTHENTICATIONFAILED] wrong password {secret} in {blob.decode()}"
                        )
                    elif command == "LOGOUT":
                        send("* BYE")
                        send(f"{tag} OK bye")
                        return
                    else:
                        send(f"{tag} BAD what")
        except (OSError, ssl.SSLError, ValueError):
            return


@pytest.fixture
def hostile_server(tmp_path: Path) -> Iterator[tuple[HostileImapServer, Path]]:
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    server = HostileImapServer(ca.issue_cert("127.0.0.1", "localhost"))
    yield server, ca_file
    server.close()


@pytest.mark.parametrize("canary", CANARIES, ids=["authenticate-plain", "login"])
def test_init_against_a_server_echoing_the_password(
    home: Path, log_text: io.StringIO, hostile_server: tuple[HostileImapServer, Path], canary: str
) -> None:
    server, ca_file = hostile_server
    config_path = home / "config.toml"
    result = CliRunner().invoke(
        init_command,
        ["--config", str(config_path), "--host", "127.0.0.1", "--port", str(server.port), "--ca-file", str(ca_file),
         "--address", ADDRESS, "--username", "ingrid", "--name", "work", "--password-stdin"],
        input=canary + "\n",
    )  # fmt: skip
    assert isinstance(result.exception, AuthError), result.output
    assert "refused the login for ingrid" in str(result.exception)
    assert any(
        b"LOGIN" in line or b"AUTHENTICATE" in line for line in server.received
    )  # it really logged in
    assert not config_path.exists()
    for text in (
        result.output,
        str(result.exception),
        result.exception.hint or "",
        log_text.getvalue(),
    ):
        assert not leaked(canary, text), text


def test_the_cli_process_never_prints_the_password(
    home: Path, hostile_server: tuple[HostileImapServer, Path]
) -> None:
    """The real `followup -vv doctor` and `init`, with imapclient's protocol log on."""
    server, ca_file = hostile_server
    canary = CANARIES[0]
    script = home / "pw.py"
    script.write_text(f"print({canary!r})\n", encoding="utf-8")
    config_path = home / "config.toml"
    config_path.write_text(
        f'state_dir = "state"\n[[accounts]]\nname = "work"\nhost = "127.0.0.1"\nport = {server.port}\n'
        f'ca_file = "{ca_file}"\nusername = "ingrid"\naddress = "{ADDRESS}"\n'
        f'password_command = "{sys.executable} {script}"\ntimeout = 5\n'
    )
    followup = Path(sys.executable).with_name("followup")
    env = dict(
        os.environ, XDG_CONFIG_HOME=str(home / "xdg-config"), XDG_DATA_HOME=str(home / "xdg-data")
    )
    doctor = subprocess.run(
        [str(followup), "-vv", "doctor", "--config", str(config_path)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert doctor.returncode == 1
    assert "✗ work: login:" in doctor.stdout and "refused the login for ingrid" in doctor.stdout
    init = subprocess.run(
        [str(followup), "-vv", "init", "--config", str(home / "new.toml"), "--host", "127.0.0.1",
         "--port", str(server.port), "--ca-file", str(ca_file), "--address", ADDRESS, "--username", "ingrid",
         "--name", "work", "--password-stdin"],
        input=canary + "\n", capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert init.returncode != 0 and "refused the login" in init.stderr
    assert "DEBUG" in doctor.stderr + init.stderr  # the protocol log was on
    for text in (doctor.stdout, doctor.stderr, init.stdout, init.stderr):
        assert not leaked(canary, text), text
    assert not leaked(canary, everything_under(home / "state"))
    assert not (home / "new.toml").exists()


# --------------------------------------------------------------------------
# A real server


@pytest.mark.dovecot
def test_init_then_doctor_against_dovecot(
    home: Path, dovecot: object, make_user: Callable[..., object], memory_keyring: MemoryKeyring
) -> None:
    user = make_user("gmail_no")
    config_path = home / "config.toml"
    runner = CliRunner()
    result = runner.invoke(
        init_command,
        ["--config", str(config_path), "--host", "127.0.0.1", "--port", str(dovecot.imaps_port),  # type: ignore[attr-defined]
         "--ca-file", str(dovecot.ca_file), "--address", ADDRESS, "--username", user.name,  # type: ignore[attr-defined]
         "--name", "gmail", "--password-stdin", "--state-dir", str(home / "state")],
        input=user.password + "\n",  # type: ignore[attr-defined]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"✓ logged in as {user.name}" in result.output  # type: ignore[attr-defined]
    assert "scanning INBOX, [Gmail]/Sendt e-post; drafts go to [Gmail]/Utkast" in result.output
    assert memory_keyring.items[("followup", "gmail")] == user.password  # type: ignore[attr-defined]
    assert user.password.encode() not in config_path.read_bytes()  # type: ignore[attr-defined]

    doctor = runner.invoke(doctor_command, ["--config", str(config_path)])
    assert doctor.exit_code == 0, doctor.output
    assert "✓ gmail: password: found (keyring)" in doctor.output
    assert f"✓ gmail: login: TLS to 127.0.0.1:{dovecot.imaps_port} as {user.name}" in doctor.output  # type: ignore[attr-defined]


@pytest.mark.dovecot
def test_doctor_against_dovecot_without_a_drafts_folder(
    home: Path, dovecot: object, make_user: Callable[..., object], memory_keyring: MemoryKeyring
) -> None:
    user = make_user("nospecial")
    memory_keyring.set_password("followup", "plain", user.password)  # type: ignore[attr-defined]
    config_path = home / "config.toml"
    config_path.write_text(
        f'state_dir = "state"\n[[accounts]]\nname = "plain"\nhost = "127.0.0.1"\nport = {dovecot.imaps_port}\n'  # type: ignore[attr-defined]
        f'ca_file = "{dovecot.ca_file}"\nusername = "{user.name}"\naddress = "{ADDRESS}"\n'  # type: ignore[attr-defined]
    )
    result = CliRunner().invoke(doctor_command, ["--config", str(config_path)])
    assert result.exit_code == 1
    assert "✓ plain: login" in result.output
    assert (
        "✗ plain: folders: Drafts folder not identified" in result.output
        and "Brouillons" in result.output
    )

    memory_keyring.set_password("followup", "plain", "not-the-password")
    refused = CliRunner().invoke(doctor_command, ["--config", str(config_path)])
    assert refused.exit_code == 1 and "✗ plain: login:" in refused.output
    assert "not-the-password" not in refused.output
