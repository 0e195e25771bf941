"""IMAP IDLE (RFC 2177): one extra session per account that waits on one folder.

The session is separate from the scanning session, so a pass never interrupts
it: while a pass runs, the server's announcements wait in the socket. It opens
the folder with EXAMINE (read-only, I3) and only ever sends EXAMINE, IDLE, DONE,
NOOP and LOGOUT.

Nothing blocks on the waiting side: the daemon selects on :meth:`fileno` and
calls :meth:`read` when the socket is readable. Two faults of imapclient are
worked around here (``notes/imap-dovecot.md`` §6):

* ``idle_check()`` swallows EOF and socket errors and returns ``[]``. A socket
  that select calls readable twice in a row and that yields nothing both times
  is closed (a TLS record without data is consumed by the first read).
* ``idle_done()`` after a silent stall blocks until the read timeout: it runs
  under the account's socket timeout, and :meth:`close` lowers it first.
"""

from __future__ import annotations

import imaplib
import select
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from imapclient import IMAPClient
from imapclient.exceptions import ProtocolError

from agent.errors import MailboxError, NoPushError, TransientMailboxError
from agent.sources.base import PushSession

if TYPE_CHECKING:
    from agent.sources.imap import ImapSource

IDLE_CAPABILITY = "IDLE"


def _readable(sock: socket.socket) -> bool:
    try:
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):
        return True  # a closed descriptor: reading tells the rest


def _words(response: tuple) -> str:
    return " ".join(
        part.decode("utf-8", "replace") if isinstance(part, bytes) else str(part)
        for part in response[1:]
    )


class ImapIdle(PushSession):
    def __init__(self, source: ImapSource, folder: str) -> None:
        self._source = source
        self.folder = folder
        self._client: IMAPClient | None = None
        self._idling = False

    def __repr__(self) -> str:
        return f"ImapIdle({self._source!r}, {self.folder!r})"

    @property
    def _where(self) -> str:
        return self._source._where

    # -- the session ---------------------------------------------------------------

    def connect(self) -> None:
        if self._client is not None:
            return
        from agent.sources.imap import _shutdown

        client = self._source._open()  # raises the product's errors, TLS always
        try:
            offered = bool(client.has_capability(IDLE_CAPABILITY))
        except (imaplib.IMAP4.error, OSError, ProtocolError) as exc:
            _shutdown(client)
            raise TransientMailboxError(
                f"CAPABILITY: the connection to {self._where} failed: {exc}"
            ) from None
        if not offered:
            try:
                client.logout()
            except Exception:  # noqa: BLE001 - the server is done with us anyway
                _shutdown(client)
            raise NoPushError(
                f"{self._where} does not offer IDLE",
                hint="new mail is found by the scan every scan_interval",
            )
        self._client = client

    def begin(self) -> None:
        with self._guard("IDLE") as client:
            client.select_folder(self.folder, readonly=True)
            client.idle()
            self._idling = True

    def fileno(self) -> int:
        if self._client is None:
            return -1
        return self._client.socket().fileno()

    def read(self) -> bool:
        closed = False
        with self._guard("IDLE") as client:
            responses = client.idle_check(timeout=0)
            if not responses and _readable(client.socket()):
                responses = client.idle_check(timeout=0)
                closed = not responses
        if closed:
            self.abandon()
            raise TransientMailboxError(f"IDLE: {self._where} closed the connection")
        return self._news(responses)

    def refresh(self) -> bool:
        with self._guard("IDLE refresh") as client:
            self._idling = False
            _, during = client.idle_done()
            _, after = client.noop()
            client.idle()
            self._idling = True
        return self._news([*during, *after])

    def close(self, timeout: float = 2.0) -> None:
        from agent.sources.imap import _shutdown

        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.socket().settimeout(timeout)
            if self._idling:
                client.idle_done()
            client.logout()
        except Exception:  # noqa: BLE001 - a stalled or dead connection: just drop it
            _shutdown(client)
        self._idling = False

    def abandon(self) -> None:
        from agent.sources.imap import _shutdown

        client, self._client = self._client, None
        self._idling = False
        if client is None:
            return
        try:
            client.socket().shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        _shutdown(client)

    # -- internals -----------------------------------------------------------------

    def _news(self, responses: list) -> bool:
        news = False
        for response in responses:
            if not isinstance(response, tuple) or not response:
                continue
            if response[0] == b"BYE":
                self.abandon()
                raise TransientMailboxError(
                    f"{self._where} ended the IDLE session: BYE {_words(response)}".rstrip()
                )
            if len(response) >= 2 and response[1] == b"EXISTS":
                news = True
        return news

    @contextmanager
    def _guard(self, what: str) -> Iterator[IMAPClient]:
        from agent.sources.imap import _describe, _server_text

        client = self._client
        if client is None:
            raise TransientMailboxError(f"{what}: no connection to {self._where}")
        failure: MailboxError | None = None
        try:
            yield client
        except (imaplib.IMAP4.abort, OSError, ProtocolError) as exc:
            failure = TransientMailboxError(
                f"{what}: the connection to {self._where} failed: {_describe(exc)}"
            )
        except imaplib.IMAP4.error as exc:
            failure = MailboxError(
                f"{what}: {self._where} answered: {self._source._scrub(_server_text(exc))}"
            )
        if failure is not None:
            self.abandon()
            raise failure
