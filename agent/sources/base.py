"""The mailbox interface every source implements, and its value types.

Sources are the I/O edge: the core never imports them. All folder names are
plain Python strings (decoded from modified UTF-7 by the IMAP source).
Scanning is read-only; the only writes are ``append`` of the agent's own drafts
and ``delete`` of a draft the agent itself wrote.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from agent.errors import FolderError


class FolderRole(StrEnum):
    """What a folder is for: RFC 6154 SPECIAL-USE names without the backslash, plus
    "inbox". Members are strings."""

    INBOX = "inbox"
    DRAFTS = "drafts"
    SENT = "sent"
    TRASH = "trash"
    JUNK = "junk"
    ARCHIVE = "archive"
    ALL = "all"


INBOX = FolderRole.INBOX
DRAFTS = FolderRole.DRAFTS
SENT = FolderRole.SENT
TRASH = FolderRole.TRASH
JUNK = FolderRole.JUNK
ARCHIVE = FolderRole.ARCHIVE
ALL = FolderRole.ALL


DRAFT_FLAG = "\\Draft"


@dataclass(frozen=True)
class Folder:
    name: str
    roles: frozenset[str] = frozenset()
    delimiter: str = "/"
    selectable: bool = True  # False for \Noselect / \NonExistent parents such as "[Gmail]"


@dataclass(frozen=True)
class FolderState:
    uidvalidity: int
    uidnext: int
    exists: int


@dataclass
class Fetched:
    """One message as fetched: ``data`` holds the header block (phase one) or the
    message up to the source's size cap (phase two)."""

    uid: int
    data: bytes
    size: int = 0
    internaldate: datetime | None = None
    flags: frozenset[str] = field(default_factory=frozenset)
    truncated: bool = False


class PushSession(ABC):
    """A connection that waits for the server to announce new mail in one folder
    (IMAP IDLE). The daemon waits on :meth:`fileno` with ``select`` and calls
    :meth:`read` when it is readable; nothing here blocks longer than the
    account's read timeout. Failures raise :class:`~agent.errors.MailboxError`s
    (:class:`~agent.errors.NoPushError` when the server cannot push at all)."""

    folder: str = "INBOX"

    @abstractmethod
    def connect(self) -> None:
        """Open and authenticate the connection; NoPushError without IDLE."""

    @abstractmethod
    def begin(self) -> None:
        """Open the folder read-only and start waiting (IDLE)."""

    @abstractmethod
    def fileno(self) -> int: ...

    @abstractmethod
    def read(self) -> bool:
        """Take in what the server said; True when it announced new mail."""

    @abstractmethod
    def refresh(self) -> bool:
        """End and re-issue the wait (also a liveness probe); True when new mail was announced."""

    @abstractmethod
    def close(self, timeout: float = 2.0) -> None:
        """End politely within about ``timeout`` seconds, else drop the connection."""

    @abstractmethod
    def abandon(self) -> None:
        """Drop the connection at once (after a failure or an interrupted call)."""


class Source(ABC):
    """One mailbox account. Use as a context manager; ``close`` is idempotent."""

    name: str = "source"
    configured_drafts: str | None = None  # the account's drafts_folder setting, if any

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def folders(self) -> list[Folder]: ...

    def folder_for_role(self, role: str) -> Folder | None:
        for folder in self.folders():
            if role in folder.roles:
                return folder
        return None

    def drafts_folder(self) -> Folder:
        """The folder drafts go to; never guessed beyond well-known names, never created."""
        folder = self.folder_for_role(DRAFTS)
        if folder is None and self.configured_drafts:
            raise FolderError(
                f"the configured drafts_folder {self.configured_drafts!r} does not exist",
                hint="check the folder name; followup never creates folders",
            )
        if folder is None:
            raise FolderError(
                "Drafts folder not identified; set drafts_folder in the config",
                hint='name the folder your mail program keeps drafts in, e.g. drafts_folder = "Drafts"',
            )
        return folder

    @abstractmethod
    def folder_state(self, folder: str) -> FolderState:
        """UIDVALIDITY, UIDNEXT and message count (read-only: EXAMINE/STATUS)."""

    @abstractmethod
    def uids_after(self, folder: str, last_uid: int) -> list[int]:
        """UIDs strictly greater than ``last_uid``, ascending (filtered client-side)."""

    @abstractmethod
    def fetch_headers(self, folder: str, uids: Iterable[int]) -> Iterator[Fetched]:
        """Header blocks, in batches, never marking anything seen.

        A block holds at least the fields of :data:`agent.message.HEADER_FIELDS`;
        ``internaldate`` may be None (see :meth:`fetch_internaldates`).
        """

    def fetch_internaldates(self, folder: str, uids: Iterable[int]) -> dict[int, datetime]:
        """The arrival time of each message: the date of one whose Date header is unusable."""
        return {f.uid: f.internaldate for f in self.fetch_headers(folder, uids) if f.internaldate}

    @abstractmethod
    def fetch_messages(
        self, folder: str, uids: Iterable[int], *, max_bytes: int = 2_000_000
    ) -> Iterator[Fetched]:
        """Whole messages (BODY.PEEK[]) up to ``max_bytes`` each, in batches."""

    @abstractmethod
    def fetch_flags(self, folder: str, uids: Iterable[int]) -> dict[int, frozenset[str]]: ...

    @abstractmethod
    def search_header(self, folder: str, header: str, value: str) -> list[int]:
        """UIDs of messages whose ``header`` contains ``value`` (for Message-ID / X-Followup-Id)."""

    @abstractmethod
    def append(
        self,
        folder: str,
        raw: bytes,
        *,
        flags: Iterable[str] = (DRAFT_FLAG,),
        when: datetime | None = None,
    ) -> int | None:
        """Store a message; returns its UID when the server tells (APPENDUID), else None."""

    @abstractmethod
    def delete(self, folder: str, uid: int) -> bool:
        """Remove one message the agent wrote itself (UID EXPUNGE of that UID only).

        Returns False when the message could only be flagged ``\\Deleted`` (an IMAP
        server without UIDPLUS: a plain EXPUNGE would also remove other messages
        the user flagged).
        """

    def push_session(self, folder: str) -> PushSession | None:
        """A new connection that announces new mail in ``folder``, or None when this
        kind of mailbox cannot push (it is then read every scan)."""
        return None

    def noop(self) -> None:  # noqa: B027 - optional for sources without a connection
        """Keep a connection alive / let the server report changes."""

    @abstractmethod
    def close(self) -> None: ...
