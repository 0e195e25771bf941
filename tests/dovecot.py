"""A private Dovecot 2.3 on loopback for integration tests and benchmarks.

Nothing touches ``/etc/dovecot``: the instance has its own config, base_dir,
state_dir, logs, passwd-file and a throwaway CA made with ``trustme``.

Addresses (one instance, one port pair, several loopback IPs):

* ``127.0.0.1`` - IMAPS and plain IMAP with STARTTLS; certificate for
  ``localhost`` and ``127.0.0.1`` signed by :attr:`Dovecot.ca_file`.
* ``127.0.0.2`` - plain IMAP **without** STARTTLS (``local`` filter ``ssl = no``).
* ``127.0.0.3`` - IMAPS with the good certificate, which does not name this IP
  (hostname mismatch).
* ``127.0.0.4`` - IMAPS with an expired certificate from the same CA.

With ``oauth2_introspection_url`` set before ``start()``, an ``oauth2`` passdb
also accepts SASL XOAUTH2 and OAUTHBEARER, asking that URL (RFC 7662) about
every access token (``tests/oauth_provider.py`` answers it).

Users live in one passwd-file each (``users.d/<name>``), so every test can add
its own user (:meth:`Dovecot.add_user`) with one of the folder
:data:`LAYOUTS`. When run as root, mail belongs to ``nobody`` and the instance
lives under ``/tmp/followup-dovecot-*`` (every parent must be traversable).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import trustme
from imapclient import IMAPClient

HOST = "127.0.0.1"
NO_STARTTLS_HOST = "127.0.0.2"
WRONG_NAME_HOST = "127.0.0.3"
EXPIRED_HOST = "127.0.0.4"

DOVECOT_BIN = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM_BIN = shutil.which("doveadm") or "/usr/bin/doveadm"

_APPENDUID = re.compile(rb"\[APPENDUID \d+ (\d+)\]")
_LOG_PROBLEM = re.compile(r"\b(Error|Fatal|Panic):")


@dataclass(frozen=True)
class Layout:
    """Folders a user sees: ``mailboxes`` maps a name to its SPECIAL-USE flag ("" for none)."""

    mailboxes: dict[str, str] = field(default_factory=dict)
    fs_layout: bool = False  # LAYOUT=fs: "[Gmail]" lists as \Noselect like on Gmail
    dotted: bool = False  # Courier style: prefix "INBOX.", separator "."


LAYOUTS: dict[str, Layout] = {
    "english": Layout(
        {
            "Drafts": "\\Drafts",
            "Sent": "\\Sent",
            "Trash": "\\Trash",
            "Junk": "\\Junk",
            "Archive": "\\Archive",
        }
    ),
    "gmail_no": Layout(
        {
            "[Gmail]/Utkast": "\\Drafts",
            "[Gmail]/Sendt e-post": "\\Sent",
            "[Gmail]/Alle e-poster": "\\All",
            "[Gmail]/Papirkurv": "\\Trash",
        },
        fs_layout=True,
    ),
    "gmail_de": Layout(
        {
            "[Google Mail]/Entwürfe": "\\Drafts",
            "[Google Mail]/Gesendet": "\\Sent",
        },
        fs_layout=True,
    ),
    "nospecial": Layout({"Brouillons": ""}),
    "dotted": Layout({"Drafts": "", "Sent": ""}, dotted=True),
    "ampersand": Layout({"Kladd & utkast": "\\Drafts", "R&D": ""}),
    "bare": Layout(),
}


@dataclass(frozen=True)
class MailUser:
    name: str
    password: str
    layout: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _alive(pid: int) -> bool:
    """Exists and is not a zombie (a slow-reaping PID 1 keeps zombies around)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _settings_key(mailbox: str) -> str:
    """Dovecot settings escaping for a mailbox name inside a userdb override key."""
    return mailbox.replace("\\", "\\\\").replace("/", "\\s").replace(" ", "\\_")


def _conf_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Dovecot:
    """One private instance. ``start()``/``stop()``; helpers act as the server admin."""

    def __init__(
        self, root: Path | None = None, *, oauth2_introspection_url: str | None = None
    ) -> None:
        self.root = root or Path(tempfile.mkdtemp(prefix="followup-dovecot-", dir="/tmp"))
        self.ca = trustme.CA(organization_name="followup test CA")
        self.oauth2_introspection_url = oauth2_introspection_url
        self.conf = self.root / "dovecot.conf"
        self.users_dir = self.root / "users.d"
        self.log_file = self.root / "log" / "dovecot.log"
        self.info_log_file = self.root / "log" / "info.log"
        self.ca_file = str(self.root / "ssl" / "ca.pem")
        self.imap_port = 0
        self.imaps_port = 0
        self.pid: int | None = None
        self.start_seconds = 0.0
        self._users: dict[str, MailUser] = {}
        self._counter = itertools.count(1)
        self._as_root = os.geteuid() == 0

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> Dovecot:
        t0 = time.monotonic()
        for sub in ("run", "state", "log", "mail", "ssl"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self._make_certs()
        self.users_dir.mkdir(exist_ok=True)
        self.imap_port = free_port()
        self.imaps_port = free_port()
        while self.imaps_port == self.imap_port:
            self.imaps_port = free_port()
        self.conf.write_text(self._config())
        if self._as_root:
            os.chmod(self.root, 0o755)
            shutil.chown(self.root / "mail", "nobody", "nogroup")
        self._launch()
        self.start_seconds = time.monotonic() - t0
        return self

    def restart(self, while_down: Callable[[], object] | None = None) -> None:
        """Stop and start again on the same ports, with the same certificates and users;
        ``while_down`` runs in between (e.g. to drop mail into a Maildir)."""
        self.stop()
        if while_down is not None:
            while_down()
        self._launch()

    def drop_into_maildir(self, user: MailUser, raw: bytes, folder: str = "") -> Path:
        """Write ``raw`` straight into the user's Maildir (``new/``), as a local delivery
        agent would while the server is down; Dovecot finds it at its next sync."""
        target = self.maildir(user) / folder / "new"
        target.mkdir(parents=True, exist_ok=True)
        name = f"{int(time.time())}.M{next(self._counter)}P{os.getpid()}.followup-test"
        path = target / name
        path.write_bytes(raw.replace(b"\r\n", b"\n"))
        if self._as_root:
            shutil.chown(path, "nobody", "nogroup")
        return path

    def _launch(self) -> None:
        with open(self.root / "log" / "startup.err", "ab") as err:
            # Dovecot daemonizes; its children inherit stdio, so never hand it a pipe.
            subprocess.run(
                [DOVECOT_BIN, "-c", str(self.conf)],
                stdin=subprocess.DEVNULL,
                stdout=err,
                stderr=err,
                check=True,
            )
        try:
            self.pid = int(self._wait_for_file(self.root / "run" / "master.pid").read_text())
            # Without this socket the auth process runs without the per-IP penalty
            # for failed logins (up to 15 s), which would make a test that checks a
            # wrong password slow down the following ones. The master creates it
            # before any auth process starts; auth treats its absence as "disabled".
            self._wait_for_file(self.root / "run" / "anvil-auth-penalty").unlink()
            for host, port in (
                (HOST, self.imap_port),
                (HOST, self.imaps_port),
                (NO_STARTTLS_HOST, self.imap_port),
            ):
                self._wait_listening(host, port)
        except BaseException:
            self._kill_from_pid_file()
            raise
        # A SIGTERM within the first milliseconds makes the master linger ~6 s.
        time.sleep(0.1)

    def _wait_for_file(self, path: Path, timeout: float = 3.0) -> Path:
        deadline = time.monotonic() + timeout
        while not path.exists() or (path.is_file() and not path.read_bytes().strip()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"dovecot did not create {path}; see {self.root}/log/")
            time.sleep(0.005)
        return path

    def _kill_from_pid_file(self) -> None:
        pid_file = self.root / "run" / "master.pid"
        if pid_file.exists() and pid_file.read_text().strip():
            pid = int(pid_file.read_text())
            if _alive(pid):
                os.killpg(pid, signal.SIGKILL)
            pid_file.unlink(missing_ok=True)

    def stop(self) -> None:
        """SIGTERM (about 1 s), SIGKILL to the process group as a fallback; remove master.pid."""
        pid, self.pid = self.pid, None
        if pid is None:
            return
        if _alive(pid):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 5.0
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.02)
            if _alive(pid):
                os.killpg(pid, signal.SIGKILL)
        (self.root / "run" / "master.pid").unlink(missing_ok=True)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def log_problems(self) -> list[str]:
        """Error/Fatal/Panic lines from the warning log."""
        if not self.log_file.exists():
            return []
        text = self.log_file.read_text(errors="replace")
        return [line for line in text.splitlines() if _LOG_PROBLEM.search(line)]

    @staticmethod
    def _wait_listening(host: str, port: int, timeout: float = 3.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection((host, port), timeout=0.5).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.005)

    def _make_certs(self) -> None:
        ssl_dir = self.root / "ssl"
        ca = self.ca
        ca.cert_pem.write_to_path(str(ssl_dir / "ca.pem"))
        good = ca.issue_cert("localhost", HOST)
        expired = ca.issue_cert(
            "localhost",
            HOST,
            EXPIRED_HOST,
            not_before=dt.datetime(2020, 1, 1),
            not_after=dt.datetime(2021, 1, 1),
        )
        for name, leaf in (("server", good), ("expired", expired)):
            leaf.private_key_pem.write_to_path(str(ssl_dir / f"{name}.key"))
            (ssl_dir / f"{name}.pem").write_bytes(b"".join(b.bytes() for b in leaf.cert_chain_pems))
            os.chmod(ssl_dir / f"{name}.key", 0o600)

    def _config(self) -> str:
        r = self.root
        if self._as_root:
            users = "# root: internal/login users are the defaults (dovecot, dovenull)"
            ids = "uid=nobody gid=nogroup "
        else:
            me, group = _whoami()
            users = (
                f"default_internal_user = {me}\n"
                f"default_login_user = {me}\n"
                f"default_internal_group = {group}"
            )
            ids = ""
        mechanisms, oauth2_passdb = "plain login", ""
        if self.oauth2_introspection_url:
            (r / "oauth2.conf.ext").write_text(
                "introspection_mode = post\n"
                f"introspection_url = {self.oauth2_introspection_url}\n"
                "username_attribute = username\n"
                "active_attribute = active\n"
                "active_value = true\n"
                "force_introspection = yes\n"
            )
            mechanisms += " xoauth2 oauthbearer"
            oauth2_passdb = (
                "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
                f"  args = {r}/oauth2.conf.ext\n}}"
            )
        names = sorted({name for layout in LAYOUTS.values() for name in layout.mailboxes})
        mailboxes = "\n".join(f"  mailbox {_conf_quote(name)} {{\n  }}" for name in names)
        return f"""\
base_dir = {r}/run
state_dir = {r}/state
log_path = {r}/log/dovecot.log
info_log_path = {r}/log/info.log
instance_name = followup-test-{self.imap_port}
{users}
protocols = imap
listen = {HOST} {NO_STARTTLS_HOST} {WRONG_NAME_HOST} {EXPIRED_HOST}
ssl = yes
ssl_cert = <{r}/ssl/server.pem
ssl_key = <{r}/ssl/server.key
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
auth_failure_delay = 0
{oauth2_passdb}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {r}/users.d/%u
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {r}/users.d/%u
  default_fields = {ids}home={r}/mail/%u
}}
mail_location = maildir:~/Maildir
mail_fsync = never
namespace inbox {{
  inbox = yes
  separator = /
{mailboxes}
}}
protocol imap {{
  mail_max_userip_connections = 500
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {HOST} {NO_STARTTLS_HOST}
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    address = {HOST} {WRONG_NAME_HOST} {EXPIRED_HOST}
    port = {self.imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
local {NO_STARTTLS_HOST} {{
  ssl = no
}}
local {EXPIRED_HOST} {{
  ssl_cert = <{r}/ssl/expired.pem
  ssl_key = <{r}/ssl/expired.key
}}
"""

    # -- users -------------------------------------------------------------

    def add_user(
        self, layout: str = "english", *, name: str | None = None, password: str | None = None
    ) -> MailUser:
        """A new user with its own empty mailbox, usable at once."""
        spec = LAYOUTS[layout]
        name = name or f"u{next(self._counter)}{layout.replace('_', '')}"
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name) or (self.users_dir / name).exists():
            raise ValueError(f"bad or duplicate user name {name!r}")
        password = password or f"pw-{name}-{os.urandom(4).hex()}"
        if ":" in password or "\n" in password:
            raise ValueError("passwd-file passwords cannot hold ':' or newlines")
        extra: list[str] = []
        if spec.fs_layout:
            extra.append("userdb_mail=maildir:~/Maildir:LAYOUT=fs")
        if spec.dotted:
            extra += ["userdb_namespace/inbox/separator=.", "userdb_namespace/inbox/prefix=INBOX."]
        for mailbox, special_use in spec.mailboxes.items():
            key = f"userdb_namespace/inbox/mailbox/{_settings_key(mailbox)}"
            extra.append(f"{key}/auto=subscribe")
            if special_use:
                extra.append(f"{key}/special_use={special_use}")
        # One passwd-file per user: Dovecot opens a new file at once, while it
        # rereads a changed file at most once per second.
        entry = self.users_dir / name
        staging = self.users_dir / f".{name}.tmp"
        staging.write_text(f"{name}:{{PLAIN}}{password}::::::{' '.join(extra)}\n", encoding="utf-8")
        staging.rename(entry)
        user = MailUser(name, password, layout)
        self._users[name] = user
        return user

    def maildir(self, user: MailUser) -> Path:
        return self.root / "mail" / user.name / "Maildir"

    # -- admin helpers -----------------------------------------------------

    def doveadm(self, *args: str, input: bytes | None = None) -> str:
        done = subprocess.run(
            [DOVEADM_BIN, "-c", str(self.conf), *args],
            input=input,
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"doveadm {' '.join(args)} failed ({done.returncode}): "
                + done.stderr.decode(errors="replace")
            )
        return done.stdout.decode("utf-8", errors="replace")

    def admin_client(self, user: MailUser) -> IMAPClient:
        """A plain loopback IMAP session as ``user`` (the harness's own side door)."""
        client = IMAPClient(HOST, port=self.imap_port, ssl=False, timeout=10)
        client.login(user.name, user.password)
        return client

    def deliver(
        self, user: MailUser, raw: bytes, *, folder: str = "INBOX", flags: tuple[str, ...] = ()
    ) -> int:
        """Store ``raw`` in ``folder`` as if it had been delivered; returns its UID."""
        client = self.admin_client(user)
        try:
            response = client.append(folder, raw, flags=[f.encode() for f in flags])
        finally:
            client.logout()
        match = _APPENDUID.search(response)
        assert match, response
        return int(match.group(1))

    def flags(self, user: MailUser, folder: str) -> dict[int, frozenset[str]]:
        """Server-side flags per UID (without the session flag \\Recent)."""
        out = self.doveadm(
            "-f", "tab", "fetch", "-u", user.name, "uid flags", "mailbox", folder, "all"
        )
        result: dict[int, frozenset[str]] = {}
        for line in out.splitlines()[1:]:
            uid, _, flags = line.partition("\t")
            result[int(uid)] = frozenset(flags.split()) - {"\\Recent"}
        return result

    def status(self, user: MailUser, folder: str) -> dict[str, int]:
        out = self.doveadm(
            "-f",
            "tab",
            "mailbox",
            "status",
            "-u",
            user.name,
            "messages uidnext uidvalidity",
            folder,
        )
        header, values = out.splitlines()[:2]
        fields = zip(header.split("\t"), values.split("\t"), strict=True)
        return {key: int(value) for key, value in fields if key != "mailbox"}

    def search(self, user: MailUser, folder: str, *query: str) -> list[int]:
        out = self.doveadm("search", "-u", user.name, "mailbox", folder, *query)
        return [int(line.split()[1]) for line in out.splitlines() if line.strip()]

    def create_folder(self, user: MailUser, folder: str) -> None:
        self.doveadm("mailbox", "create", "-u", user.name, folder)

    def recreate_folder(self, user: MailUser, folder: str) -> None:
        """Delete and recreate ``folder`` keeping its messages: new UIDVALIDITY, renumbered UIDs."""
        parking = f"followup-parking-{next(self._counter)}"
        self.doveadm("mailbox", "create", "-u", user.name, parking)
        self.doveadm("move", "-u", user.name, parking, "mailbox", folder, "all")
        self.doveadm("mailbox", "delete", "-u", user.name, folder)
        self.doveadm("mailbox", "create", "-u", user.name, folder)
        self.doveadm("move", "-u", user.name, folder, "mailbox", parking, "all")
        self.doveadm("mailbox", "delete", "-u", user.name, parking)

    def kick(self, user: MailUser) -> None:
        """Disconnect ``user``'s sessions, and return once the server has let them go:
        a kick is carried out after doveadm returns, and a command sent before that
        would still be answered."""
        self.doveadm("kick", user.name)
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            if not any(
                line.split()[:1] == [user.name] for line in self.doveadm("who").splitlines()
            ):
                return
            time.sleep(0.02)

    def client_ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)


def _whoami() -> tuple[str, str]:
    import grp
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name


def dovecot_available() -> bool:
    return Path(DOVECOT_BIN).exists() and Path(DOVEADM_BIN).exists()
