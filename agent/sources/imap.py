"""The IMAP source: one account over imapclient, TLS always, scanning read-only.

* TLS: implicit TLS ("tls", port 993) or STARTTLS ("starttls", port 143),
  always with certificate and hostname verification. The session refuses to
  log in when STARTTLS is not offered or the server pre-authenticates in clear.
* Scanning uses EXAMINE and ``BODY.PEEK`` only: no flag ever changes. The only
  writes are APPEND of a draft and, for a draft the agent wrote itself,
  STORE ``\\Deleted`` + UID EXPUNGE of that one UID.
* Every socket operation has a timeout and TCP keepalive is on. A transport
  failure raises :class:`TransientMailboxError` and drops the connection; the
  next call reconnects.
* IDLE runs on a second session of its own (``agent.sources.imap_idle``).
* The password is held in a wrapper that never prints, and no exception text
  or log line built here contains it.
* An OAuth2 account logs in with SASL OAUTHBEARER where the server offers it,
  else XOAUTH2, with an access token asked for before every connection (so a
  reconnect after a suspend refreshes first). A server's error challenge is
  answered without the token; a refused token is replaced by a fresh one, once.

Not thread-safe: one instance per thread.
"""

from __future__ import annotations

import imaplib
import logging
import re
import socket
import ssl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Protocol

from imapclient import IMAPClient, SocketTimeout
from imapclient.exceptions import IMAPClientError, LoginError, ProtocolError
from imapclient.imapclient import join_message_ids
from imapclient.response_parser import parse_fetch_response

from agent.errors import (
    AuthError,
    ConfigError,
    FolderError,
    FollowupError,
    MailboxError,
    TLSError,
    TransientMailboxError,
)
from agent.message import HEADER_FIELDS, MARKER_HEADER
from agent.sources.base import (
    DRAFT_FLAG,
    DRAFTS,
    SENT,
    Fetched,
    Folder,
    FolderState,
    PushSession,
    Source,
)
from agent.sources.roles import assign_roles

log = logging.getLogger(__name__)

FETCH_BATCH = 2000  # UIDs per FETCH: ~22 KB of UID list, far below the 64 KB line limit
FETCH_BYTES = 32 * 1024 * 1024  # bodies per FETCH, to bound memory
OWN_MARKER = MARKER_HEADER  # only messages carrying it may be deleted
KEEPALIVE = {"TCP_KEEPIDLE": 60, "TCP_KEEPINTVL": 15, "TCP_KEEPCNT": 4}

HEADER_SECTION = f"BODY.PEEK[HEADER.FIELDS ({' '.join(HEADER_FIELDS).upper()})]".encode()
_APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]", re.IGNORECASE)
_SAFE_SEARCH = re.compile(r"[A-Za-z0-9._@<>+=/$!#&'^`|~?:-]+")
_TRANSIENT_LOGIN = ("socket error", "[UNAVAILABLE]", "[INUSE]", "[LIMIT]")
OAUTHBEARER = "OAUTHBEARER"
XOAUTH2 = "XOAUTH2"
# What to send after the server's error challenge instead of the token again:
# RFC 7628 §3.2.3 (a single %x01) and Google's XOAUTH2 protocol (an empty response).
_AFTER_ERROR_CHALLENGE = {OAUTHBEARER: "\x01", XOAUTH2: ""}


class TokenSource(Protocol):
    """Where an OAuth2 account's access tokens come from (``agent.oauth.tokens``)."""

    def token(self, *, fresh: bool = False) -> str: ...


class _Secret:
    """A password that never shows up in a repr, a str or a traceback's locals."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<secret>"

    __str__ = __repr__


def make_ssl_context(ca_file: str | None = None) -> ssl.SSLContext:
    """A verifying client context: CERT_REQUIRED, hostname check, TLS 1.2 or later."""
    try:
        context = ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"ca_file {ca_file!r} cannot be used: {exc}") from None
    context.verify_mode = ssl.CERT_REQUIRED
    context.check_hostname = True
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def sasl_response(mechanism: str, username: str, token: str) -> str:
    """The client's first SASL response for an OAuth2 login."""
    if mechanism == OAUTHBEARER:
        identity = username.replace("=", "=3D").replace(",", "=2C")
        return f"n,a={identity},\x01auth=Bearer {token}\x01\x01"
    return f"user={username}\x01auth=Bearer {token}\x01\x01"


def _sasl_login(client: IMAPClient, mechanism: str, username: str, token: str) -> None:
    """AUTHENTICATE with the token sent once: an error challenge gets the empty answer."""
    first = sasl_response(mechanism, username, token)
    sent: list[bool] = []

    def respond(challenge: bytes) -> str:
        if sent:
            return _AFTER_ERROR_CHALLENGE[mechanism]
        sent.append(True)
        return first

    try:
        client._command_and_check("authenticate", mechanism, respond)
    except IMAPClientError as exc:
        raise LoginError(str(exc)) from None


def _enable_keepalive(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for name, value in KEEPALIVE.items():
        option = getattr(socket, name, None)
        if option is not None:
            sock.setsockopt(socket.IPPROTO_TCP, option, value)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _server_text(exc: BaseException) -> str:
    """imapclient wraps server replies as ``b'...'`` reprs; show them as plain text."""
    text = str(exc)
    return re.sub(r"b'((?:[^'\\]|\\.)*)'", r"\1", text)


def _flags(raw: Iterable[bytes | str]) -> frozenset[str]:
    """Permanent flags only: ``\\Recent`` belongs to the session, not the message."""
    flags = {f.decode("utf-8", "replace") if isinstance(f, bytes) else f for f in raw}
    return frozenset(flags - {"\\Recent"})


def _batches(uids: Iterable[int], size: int) -> Iterator[list[int]]:
    ordered = sorted(set(uids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _unfolded(header: bytes) -> str:
    return re.sub(r"\r?\n[ \t]+", " ", header.decode("utf-8", "replace"))


def _crlf(raw: bytes) -> bytes:
    return re.sub(rb"\r?\n", b"\r\n", raw)


_HEADER_ITEM = re.compile(rb"\d+ \(UID (\d+) BODY\[HEADER\.FIELDS \([^)]*\)\] \{(\d+)\}")


def _plain_header_blocks(data: list) -> dict[int, bytes] | None:
    """UID -> header block, when every part of a raw FETCH answer has the plain shape
    ``n (UID u BODY[HEADER.FIELDS (...)] {size}`` literal ``)``; else None."""
    blocks: dict[int, bytes] = {}
    parts = iter(data)
    for part in parts:
        if not isinstance(part, tuple) or len(part) != 2:
            return None
        head, literal = part
        match = _HEADER_ITEM.fullmatch(head) if isinstance(head, bytes) else None
        if match is None or int(match[2]) != len(literal) or next(parts, None) != b")":
            return None
        blocks[int(match[1])] = literal
    return blocks


def _fetch_header_blocks(client: IMAPClient, uids: list[int]) -> dict[int, bytes]:
    """UID -> header block (the fields of :data:`HEADER_SECTION`) for ``uids``.

    imapclient's response parser reads the field list every answer echoes one byte at
    a time, which costs more than everything else a scan does with a header; answers
    of the plain shape every server gives are read with one regular expression, and
    anything else (unsolicited FETCH data, other item orders, NIL) by imapclient.
    """
    data = client._raw_command_untagged(
        b"FETCH", [join_message_ids(uids), b"(" + HEADER_SECTION + b")"], uid=True
    )
    blocks = _plain_header_blocks(data)
    if blocks is None:
        blocks = {}
        for uid, item in parse_fetch_response(data, client.normalise_times, True).items():
            value = next((v for k, v in item.items() if k.startswith(b"BODY[")), None)
            if value is not None or any(k.startswith(b"BODY[") for k in item):
                blocks[uid] = value or b""
    wanted = set(uids)
    return {uid: block for uid, block in blocks.items() if uid in wanted}


class ImapSource(Source):
    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        password: str | None,
        *,
        tokens: TokenSource | None = None,
        sasl_mechanism: str | None = None,
        security: str = "tls",
        ca_file: str | None = None,
        timeout: float = 30.0,
        drafts_folder: str | None = None,
        sent_folder: str | None = None,
        name: str = "imap",
    ) -> None:
        if security not in ("tls", "starttls"):
            raise ConfigError(f"security must be 'tls' or 'starttls', not {security!r}")
        self.host = host
        self.port = port
        self.username = username
        self.security = security
        self.name = name
        if (password is None) == (tokens is None):
            raise ConfigError("an IMAP login needs a password or an OAuth2 token source")
        self._password = _Secret(password or "")
        self._tokens = tokens
        self._sasl_mechanism = sasl_mechanism
        self._token: _Secret | None = None
        self._ca_file = ca_file
        self._timeout = timeout
        self.configured_drafts = drafts_folder
        self._configured: dict[str, str] = {DRAFTS: drafts_folder or "", SENT: sent_folder or ""}
        self._client: IMAPClient | None = None
        self._selected: tuple[str, bool] | None = None  # (folder, readonly)

    def __repr__(self) -> str:
        return f"ImapSource({self.username}@{self.host}:{self.port}, {self.security})"

    @property
    def _where(self) -> str:
        return f"{self.host}:{self.port}"

    # -- connection --------------------------------------------------------

    def connect(self) -> None:
        """Open and authenticate the session now (otherwise the first call does)."""
        if self._client is None:
            self._client = self._open()

    def _open(self) -> IMAPClient:
        context = make_ssl_context(self._ca_file)
        if self._tokens is not None:
            # Before connecting: without a token there is nothing to say to the server.
            self._token = _Secret(self._tokens.token())
        timeout = SocketTimeout(connect=self._timeout, read=self._timeout)
        client: IMAPClient | None = None
        failure: MailboxError | None = None
        try:
            if self.security == "tls":
                client = IMAPClient(
                    self.host, port=self.port, ssl=True, ssl_context=context, timeout=timeout
                )
            else:
                client = IMAPClient(self.host, port=self.port, ssl=False, timeout=timeout)
                failure = self._starttls(client, context)
            if failure is None:
                _enable_keepalive(client.socket())
                client.normalise_times = False
                if not logging.getLogger("imapclient.imaplib").isEnabledFor(logging.DEBUG):
                    client._imap.debug = 0  # no protocol log: imaplib need not format one
                failure = self._login(client)
        except ssl.SSLCertVerificationError as exc:
            failure = TLSError(
                f"the TLS certificate of {self._where} was rejected: {exc.verify_message}",
                hint="check the host name, or set ca_file to the CA that signed the server certificate",
            )
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError) as exc:
            # The connection dropped during the handshake: a network fault, not a certificate one.
            failure = TransientMailboxError(
                f"the connection to {self._where} closed during TLS: {_describe(exc)}"
            )
        except ssl.SSLError as exc:
            if "EOF" in str(exc.reason or "") or "UNEXPECTED_EOF" in str(exc):
                failure = TransientMailboxError(
                    f"the connection to {self._where} closed during TLS"
                )
            else:
                failure = TLSError(f"TLS with {self._where} failed: {exc.reason or _describe(exc)}")
        except ConnectionRefusedError:
            failure = TransientMailboxError(f"nothing accepts connections on {self._where}")
        except (imaplib.IMAP4.abort, OSError, ProtocolError) as exc:
            failure = TransientMailboxError(f"cannot talk to {self._where}: {_describe(exc)}")
        except imaplib.IMAP4.error as exc:
            failure = MailboxError(f"{self._where} refused the session: {_server_text(exc)}")
        if failure is not None:
            _shutdown(client)
            raise failure
        assert client is not None
        log.info("connected to %s as %s (%s)", self._where, self.username, self.security)
        return client

    def _starttls(self, client: IMAPClient, context: ssl.SSLContext) -> MailboxError | None:
        if client.welcome[:9].upper() == b"* PREAUTH":
            return TLSError(
                f"{self._where} pre-authenticated the session before TLS; refusing to use it"
            )
        if not client.has_capability("STARTTLS"):
            return TLSError(
                f"{self._where} does not offer STARTTLS; refusing to log in without TLS",
                hint='use security = "tls" (usually port 993), or check for a proxy that strips STARTTLS',
            )
        client.starttls(context)
        return None

    def _login(self, client: IMAPClient) -> MailboxError | None:
        if self._tokens is not None:
            return self._oauth_login(client)
        failure: MailboxError | None = None
        try:
            if self._password.reveal().isascii():
                client.login(self.username, self._password.reveal())
            elif client.has_capability("AUTH=PLAIN"):
                client.plain_login(self.username, self._password.reveal())
            else:
                failure = AuthError(
                    f"the password has non-ASCII characters and {self._where} offers no AUTH=PLAIN"
                )
        except LoginError as exc:
            failure = self._login_failure(_server_text(exc))
        return failure

    def _oauth_login(self, client: IMAPClient) -> MailboxError | None:
        assert self._tokens is not None and self._token is not None
        mechanism = self._sasl_mechanism or next(
            (m for m in (OAUTHBEARER, XOAUTH2) if client.has_capability(f"AUTH={m}")), None
        )
        if mechanism is None:
            return AuthError(
                f"{self._where} offers no OAuth2 login (AUTH=OAUTHBEARER or AUTH=XOAUTH2)",
                hint='check host and port, or sign in with auth = "password"',
            )
        try:
            _sasl_login(client, mechanism, self.username, self._token.reveal())
            return None
        except LoginError as exc:
            failure = self._login_failure(_server_text(exc))
        if isinstance(failure, AuthError):
            # The token may have been revoked before its time (or the whole grant, which
            # the refresh then says): one fresh token, once.
            log.info("%s refused the access token; asking for a new one", self._where)
            try:
                self._token = _Secret(self._tokens.token(fresh=True))
                _sasl_login(client, mechanism, self.username, self._token.reveal())
                return None
            except LoginError as exc:
                failure = self._login_failure(_server_text(exc))
            except FollowupError as exc:
                return (
                    exc if isinstance(exc, MailboxError) else MailboxError(str(exc), hint=exc.hint)
                )
        return failure

    def _login_failure(self, text: str) -> MailboxError:
        text = self._scrub(text)
        if any(marker.lower() in text.lower() for marker in _TRANSIENT_LOGIN):
            return TransientMailboxError(f"{self._where} could not log in just now: {text}")
        if self._tokens is not None:
            return AuthError(
                f"{self._where} refused the OAuth2 login for {self.username}: {text}",
                hint="check the user name, and that the sign-in grants mail access "
                "(`followup doctor` shows its scopes)",
            )
        return AuthError(
            f"{self._where} refused the login for {self.username}: {text}",
            hint="check the user name and password (many providers need an app password)",
        )

    def _scrub(self, text: str) -> str:
        for secret in (self._password.reveal(), self._token.reveal() if self._token else ""):
            if secret:
                text = text.replace(secret, "***")
        return text

    def _discard(self) -> None:
        client, self._client, self._selected = self._client, None, None
        _shutdown(client)

    def close(self) -> None:
        client, self._client, self._selected = self._client, None, None
        if client is None:
            return
        try:
            client.logout()
        except Exception:  # noqa: BLE001 - the connection may already be gone
            _shutdown(client)

    def push_session(self, folder: str) -> PushSession:
        """A second session on the same account that waits in IDLE on ``folder``."""
        from agent.sources.imap_idle import ImapIdle

        return ImapIdle(self, folder)

    def has_capability(self, capability: str) -> bool:
        with self._session("CAPABILITY") as client:
            return bool(client.has_capability(capability))

    @contextmanager
    def _session(self, what: str, folder: str | None = None) -> Iterator[IMAPClient]:
        """The live client; maps failures onto the product's errors."""
        self.connect()
        assert self._client is not None
        failure: MailboxError | None = None
        try:
            yield self._client
        except (imaplib.IMAP4.abort, OSError, ProtocolError) as exc:
            self._discard()
            failure = TransientMailboxError(
                f"{what}: the connection to {self._where} failed: {_describe(exc)}"
            )
        except imaplib.IMAP4.error as exc:
            text = self._scrub(_server_text(exc))
            if folder is not None and ("NONEXISTENT" in text or "doesn't exist" in text.lower()):
                failure = FolderError(f"folder {folder!r} does not exist on {self._where}")
            else:
                failure = MailboxError(f"{what}: {self._where} answered: {text}")
        if failure is not None:
            raise failure

    def _examine(self, client: IMAPClient, folder: str, *, fresh: bool = False) -> dict:
        if fresh or self._selected != (folder, True):
            self._selected = None
            info = client.select_folder(folder, readonly=True)
            self._selected = (folder, True)
            return info
        return {}

    # -- folders -----------------------------------------------------------

    def folders(self) -> list[Folder]:
        with self._session("LIST") as client:
            entries = client.list_folders()
            if not client.has_capability("SPECIAL-USE") and client.has_capability("XLIST"):
                extra = {name: flags for flags, _, name in client.xlist_folders()}
                entries = [
                    (tuple(flags) + tuple(extra.get(name, ())), delim, name)
                    for flags, delim, name in entries
                ]
        return assign_roles(entries, configured=self._configured)

    def folder_state(self, folder: str) -> FolderState:
        with self._session("EXAMINE", folder) as client:
            info = self._examine(client, folder, fresh=True)
            uidnext = info.get(b"UIDNEXT")
            if uidnext is None:
                uidnext = client.folder_status(folder, [b"UIDNEXT"])[b"UIDNEXT"]
        return FolderState(
            uidvalidity=int(info[b"UIDVALIDITY"]), uidnext=int(uidnext), exists=int(info[b"EXISTS"])
        )

    # -- reading -----------------------------------------------------------

    def uids_after(self, folder: str, last_uid: int) -> list[int]:
        with self._session("SEARCH", folder) as client:
            self._examine(client, folder, fresh=True)
            found = client.search(["UID", f"{last_uid + 1}:*"])
        # "n:*" always matches the newest message, even when its UID is below n.
        return sorted({uid for uid in found if uid > last_uid})

    def fetch_headers(self, folder: str, uids: Iterable[int]) -> Iterator[Fetched]:
        # Only the fields a Message is built from, and nothing else: the server answers
        # them from its cache, and every extra item costs the client parsing time.
        for batch in _batches(uids, FETCH_BATCH):
            with self._session("FETCH headers", folder) as client:
                self._examine(client, folder)
                blocks = _fetch_header_blocks(client, batch)
            for uid in batch:
                data = blocks.get(uid)
                if data is not None:  # missing: expunged meanwhile
                    yield Fetched(uid=uid, data=data, size=len(data))

    def fetch_internaldates(self, folder: str, uids: Iterable[int]) -> dict[int, datetime]:
        found: dict[int, datetime] = {}
        for batch in _batches(uids, FETCH_BATCH):
            with self._session("FETCH dates", folder) as client:
                self._examine(client, folder)
                response = client.fetch(batch, [b"INTERNALDATE"])
            for uid, item in response.items():
                fetched = self._fetched(uid, b"", item)
                if fetched.internaldate is not None:
                    found[uid] = fetched.internaldate
        return found

    def fetch_messages(
        self, folder: str, uids: Iterable[int], *, max_bytes: int = 2_000_000
    ) -> Iterator[Fetched]:
        for batch in _batches(uids, FETCH_BATCH):
            with self._session("FETCH sizes", folder) as client:
                self._examine(client, folder)
                sizes = {
                    uid: int(item.get(b"RFC822.SIZE", 0))
                    for uid, item in client.fetch(batch, [b"RFC822.SIZE"]).items()
                }
            for chunk, large in _chunks([u for u in batch if u in sizes], sizes, max_bytes):
                yield from self._fetch_chunk(folder, chunk, large, max_bytes)

    def _fetch_chunk(
        self, folder: str, chunk: list[int], large: bool, max_bytes: int
    ) -> Iterator[Fetched]:
        meta = [b"RFC822.SIZE", b"INTERNALDATE", b"FLAGS"]
        if large:
            items = [b"BODY.PEEK[HEADER]", f"BODY.PEEK[TEXT]<0.{max_bytes}>".encode(), *meta]
        else:
            items = [b"BODY.PEEK[]", *meta]
        with self._session("FETCH bodies", folder) as client:
            self._examine(client, folder)
            response = client.fetch(chunk, items)
        for uid in chunk:
            item = response.get(uid)
            if item is None:
                continue
            if large:
                data = (item.get(b"BODY[HEADER]") or b"") + (item.get(b"BODY[TEXT]<0>") or b"")
                yield self._fetched(uid, data, item, truncated=True)
            else:
                yield self._fetched(uid, item.get(b"BODY[]") or b"", item)

    @staticmethod
    def _fetched(uid: int, data: bytes, item: dict, *, truncated: bool = False) -> Fetched:
        internaldate = item.get(b"INTERNALDATE")
        if isinstance(internaldate, datetime) and internaldate.tzinfo is not None:
            internaldate = internaldate.astimezone(UTC)
        return Fetched(
            uid=uid,
            data=data,
            size=int(item.get(b"RFC822.SIZE", len(data))),
            internaldate=internaldate if isinstance(internaldate, datetime) else None,
            flags=_flags(item.get(b"FLAGS", ())),
            truncated=truncated,
        )

    def fetch_flags(self, folder: str, uids: Iterable[int]) -> dict[int, frozenset[str]]:
        result: dict[int, frozenset[str]] = {}
        for batch in _batches(uids, FETCH_BATCH):
            with self._session("FETCH flags", folder) as client:
                self._examine(client, folder)
                response = client.fetch(batch, [b"FLAGS"])
            result.update({uid: _flags(item.get(b"FLAGS", ())) for uid, item in response.items()})
        return result

    def search_header(self, folder: str, header: str, value: str) -> list[int]:
        """UID SEARCH HEADER after a NOOP (so the server reports fresh appends).

        Values with characters that would need IMAP quoting are searched by their
        longest plain run and confirmed against the fetched header.
        """
        tokens = _SAFE_SEARCH.findall(value)
        token = max(tokens, key=len) if tokens else ""
        if not token:
            raise MailboxError(f"cannot search for {header} {value!r}: no searchable text")
        with self._session("SEARCH", folder) as client:
            self._examine(client, folder)
            client.noop()
            found = sorted(client.search(["HEADER", header, token]))
            if token == value or not found:
                return found
            section = f"BODY.PEEK[HEADER.FIELDS ({header.upper()})]".encode()
            response = client.fetch(found, [section])
        key = f"BODY[HEADER.FIELDS ({header.upper()})]".encode()
        needle = value.casefold()
        return [
            uid
            for uid in found
            if needle in _unfolded(response.get(uid, {}).get(key) or b"").casefold()
        ]

    # -- writing (drafts only) ---------------------------------------------

    def append(
        self,
        folder: str,
        raw: bytes,
        *,
        flags: Iterable[str] = (DRAFT_FLAG,),
        when: datetime | None = None,
    ) -> int | None:
        with self._session("APPEND", folder) as client:
            response = client.append(
                folder, _crlf(raw), flags=[f.encode() for f in flags], msg_time=when
            )
            uidplus = client.has_capability("UIDPLUS")
        match = _APPENDUID.search(response or b"")
        return int(match.group(2)) if match and uidplus else None

    def delete(self, folder: str, uid: int) -> bool:
        """Remove one of the agent's own drafts; refuses a message without our marker."""
        section = f"BODY.PEEK[HEADER.FIELDS ({OWN_MARKER.upper()})]".encode()
        key = f"BODY[HEADER.FIELDS ({OWN_MARKER.upper()})]".encode()
        with self._session("delete draft", folder) as client:
            self._selected = None
            client.select_folder(folder, readonly=False)
            self._selected = (folder, False)
            found = client.fetch([uid], [section]).get(uid)
            if found is None:
                return True
            if OWN_MARKER.lower().encode() not in (found.get(key) or b"").lower():
                raise MailboxError(
                    f"refusing to delete UID {uid} in {folder!r}: it is not a draft this agent wrote"
                )
            client.add_flags([uid], [b"\\Deleted"], silent=True)
            if not client.has_capability("UIDPLUS"):
                log.warning(
                    "%s has no UIDPLUS: draft UID %d in %r is flagged \\Deleted but not expunged",
                    self._where,
                    uid,
                    folder,
                )
                return False
            client.uid_expunge([uid])
        return True

    def noop(self) -> None:
        if self._client is not None:
            with self._session("NOOP") as client:
                client.noop()


def _chunks(
    uids: list[int], sizes: dict[int, int], max_bytes: int
) -> Iterator[tuple[list[int], bool]]:
    """Consecutive runs of whole-or-truncated messages, each at most FETCH_BYTES."""
    chunk: list[int] = []
    chunk_large = False
    total = 0
    for uid in uids:
        large = sizes[uid] > max_bytes
        cost = max_bytes if large else sizes[uid]
        if chunk and (large != chunk_large or total + cost > FETCH_BYTES):
            yield chunk, chunk_large
            chunk, total = [], 0
        chunk.append(uid)
        chunk_large = large
        total += cost
    if chunk:
        yield chunk, chunk_large


def _shutdown(client: IMAPClient | None) -> None:
    if client is None:
        return
    try:
        client.shutdown()
    except Exception:  # noqa: BLE001 - best effort on a broken connection
        log.debug("closing a broken connection failed", exc_info=True)
