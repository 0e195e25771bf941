"""A local Maildir tree as a source (for offline use, tests and the demo).

Layout: the root is INBOX; subfolders are Maildir++ (``.Sent``, ``.Jobs.2026``
becomes ``Jobs/2026``, names in modified UTF-7 as Dovecot and Courier write
them) or nested directories (Dovecot ``LAYOUT=fs``: ``Sent/``, ``Jobs/2026/``).
Roles come from the same exact-name rules as IMAP (no SPECIAL-USE here).

UIDs: Maildir has none, so each folder gets a small sidecar file,
``followup-uidlist``, much like Dovecot's ``dovecot-uidlist``::

    followup-uidlist v1 uidvalidity=3735928559
    1 1717000000.M1P2Q3.host
    2 1717000100.M4P5Q6.host

Each line maps a message's base name (the file name up to ``:``, which stays
the same when a mail program moves it from ``new/`` to ``cur/`` or changes its
flags) to a UID. The file is append-only: messages seen for the first time get
the next UIDs, ordered by delivery time (the leading number of the file name)
and then by name. UIDVALIDITY is derived from the folder directory's inode and
ctime when the sidecar is created, so a recreated folder (or a lost sidecar)
gets a new UIDVALIDITY and a clean rescan. Updates hold ``flock`` on the folder
directory.

Apart from that sidecar, the source writes only the agent's own drafts (tmp/
then rename into cur/ with ``:2,D``, fsynced) and deletes only those. It never
renames files in ``cur/`` or ``new/``, so flags are never touched.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import re
import socket
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from imapclient.imap_utf7 import decode as decode_utf7

from agent.errors import FolderError, MailboxError
from agent.message import MARKER_HEADER
from agent.sources.base import DRAFT_FLAG, DRAFTS, SENT, Fetched, Folder, FolderState, Source
from agent.sources.roles import assign_roles

UIDLIST = "followup-uidlist"
OWN_MARKER = MARKER_HEADER
_HEADER_LINE = "followup-uidlist v1 uidvalidity="
_LETTER_FLAGS = {
    "D": "\\Draft",
    "F": "\\Flagged",
    "R": "\\Answered",
    "S": "\\Seen",
    "T": "\\Deleted",
}
_FLAG_LETTERS = {flag: letter for letter, flag in _LETTER_FLAGS.items()}
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_READ_CHUNK = 64 * 1024
_sequence = itertools.count()


@dataclass
class _Index:
    uidvalidity: int
    uid_by_key: dict[str, int]
    sidecar_stamp: tuple[int, int] = (0, 0)  # (size, mtime_ns) of the sidecar as parsed
    dir_stamp: tuple[int, int] = (0, 0)  # mtime_ns of new/ and cur/ at the last listing
    files: dict[int, Path] = field(default_factory=dict)  # UID -> current file

    @property
    def next_uid(self) -> int:
        return max(self.uid_by_key.values(), default=0) + 1


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


_RUNS = re.compile(r"\d+|\D+")


def _delivery_order(key: str) -> list[tuple[int, str]]:
    """Delivery order of Maildir names: numbers compare as numbers, so within one
    second ``1700000000.M9P1`` comes before ``1700000000.M10P1``."""
    return [(int(run), "") if run.isdigit() else (-1, run) for run in _RUNS.findall(key)]


def _key(filename: str) -> str:
    return filename.split(":", 1)[0]


def _flags_of(path: Path) -> frozenset[str]:
    if path.parent.name != "cur" or ":2," not in path.name:
        return frozenset()
    letters = path.name.split(":2,", 1)[1]
    return frozenset(_LETTER_FLAGS[c] for c in letters if c in _LETTER_FLAGS)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_header(path: Path) -> tuple[bytes, int]:
    """The header block including its terminating blank line, and the file size."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        data = b""
        while True:
            chunk = handle.read(_READ_CHUNK)
            if not chunk:
                return data, size
            start = max(0, len(data) - 3)
            data += chunk
            if data.startswith((b"\n", b"\r\n")):
                return data[: data.index(b"\n") + 1], size
            found = _BLANK_LINE.search(data, start)
            if found:
                return data[: found.end()], size


def _header_values(header: bytes, name: str) -> list[str]:
    text = re.sub(r"\r?\n[ \t]+", " ", header.decode("utf-8", "replace"))
    wanted = name.strip().lower()
    values = []
    for line in text.splitlines():
        field_name, sep, value = line.partition(":")
        if sep and field_name.strip().lower() == wanted:
            values.append(value.strip())
    return values


class MaildirSource(Source):
    def __init__(
        self,
        root: str | Path,
        *,
        drafts_folder: str | None = None,
        sent_folder: str | None = None,
        name: str = "maildir",
    ) -> None:
        self.root = Path(root).expanduser()
        self.name = name
        self.configured_drafts = drafts_folder
        self._configured: dict[str, str] = {DRAFTS: drafts_folder or "", SENT: sent_folder or ""}
        self._paths: dict[str, Path] = {}
        self._indexes: dict[Path, _Index] = {}

    def __repr__(self) -> str:
        return f"MaildirSource({str(self.root)!r})"

    # -- folders -----------------------------------------------------------

    def _scan_folders(self) -> dict[str, Path]:
        if not self.root.is_dir():
            raise MailboxError(f"the Maildir {self.root} does not exist")
        paths: dict[str, Path] = {}
        if _is_maildir(self.root):
            paths["INBOX"] = self.root
        for child in sorted(self.root.iterdir()):
            if child.name.startswith(".") and child.name not in (".", "..") and _is_maildir(child):
                parts = child.name[1:].split(".")
                paths["/".join(decode_utf7(part.encode()) for part in parts)] = child
        stack = [(self.root, "")]
        while stack:
            parent, prefix = stack.pop()
            for child in sorted(parent.iterdir()):
                if child.name.startswith(".") or child.name in ("cur", "new", "tmp"):
                    continue
                if child.is_dir():
                    name = prefix + decode_utf7(child.name.encode())
                    if _is_maildir(child):
                        paths.setdefault(name, child)
                    stack.append((child, name + "/"))
        self._paths = paths
        return paths

    def folders(self) -> list[Folder]:
        paths = self._scan_folders()
        return assign_roles([((), "/", name) for name in paths], configured=self._configured)

    def _path(self, folder: str) -> Path:
        path = self._paths.get(folder) or self._scan_folders().get(folder)
        if path is None:
            raise FolderError(f"folder {folder!r} does not exist in {self.root}")
        return path

    # -- UID index ---------------------------------------------------------

    def _index(self, folder: str, *, force: bool = False) -> _Index:
        path = self._path(folder)
        try:
            return self._sync(path, force=force)
        except FileNotFoundError:
            self._indexes.pop(path, None)
            raise FolderError(f"folder {folder!r} disappeared from {self.root}") from None
        except PermissionError as exc:
            raise MailboxError(f"cannot keep message numbers in {path}: {exc}") from None

    def _sync(self, path: Path, *, force: bool) -> _Index:
        dir_stamp = ((path / "new").stat().st_mtime_ns, (path / "cur").stat().st_mtime_ns)
        index = self._indexes.get(path)
        if index is not None and not force and index.dir_stamp == dir_stamp:
            return index
        listing: dict[str, Path] = {}
        for sub in ("new", "cur"):
            with os.scandir(path / sub) as entries:
                for entry in entries:
                    if (
                        not entry.name.startswith(".")
                        and "\n" not in entry.name
                        and entry.is_file()
                    ):
                        listing[_key(entry.name)] = path / sub / entry.name
        index = self._record_uids(path, listing, index)
        index.dir_stamp = dir_stamp
        index.files = {index.uid_by_key[key]: file for key, file in listing.items()}
        self._indexes[path] = index
        return index

    def _record_uids(self, path: Path, listing: dict[str, Path], index: _Index | None) -> _Index:
        sidecar = path / UIDLIST
        lock = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            index = self._load_sidecar(path, sidecar, index)
            fresh = sorted(
                (key for key in listing if key not in index.uid_by_key),
                key=_delivery_order,
            )
            if fresh:
                next_uid = index.next_uid
                lines = []
                for offset, key in enumerate(fresh):
                    index.uid_by_key[key] = next_uid + offset
                    lines.append(f"{next_uid + offset} {key}\n")
                fd = os.open(sidecar, os.O_WRONLY | os.O_APPEND)
                try:
                    os.write(fd, "".join(lines).encode("utf-8", "surrogateescape"))
                    os.fsync(fd)
                finally:
                    os.close(fd)
                st = sidecar.stat()
                index.sidecar_stamp = (st.st_size, st.st_mtime_ns)
            return index
        finally:
            os.close(lock)

    def _load_sidecar(self, path: Path, sidecar: Path, index: _Index | None) -> _Index:
        try:
            st = sidecar.stat()
        except FileNotFoundError:
            folder_stat = path.stat()
            seed = f"{folder_stat.st_ino}:{folder_stat.st_ctime_ns}".encode()
            uidvalidity = zlib.crc32(seed) or 1
            tmp = path / f"{UIDLIST}.tmp"
            tmp.write_text(f"{_HEADER_LINE}{uidvalidity}\n", encoding="ascii")
            os.chmod(tmp, 0o600)
            os.replace(tmp, sidecar)
            _fsync_dir(path)
            st = sidecar.stat()
            return _Index(uidvalidity, {}, (st.st_size, st.st_mtime_ns))
        if index is not None and index.sidecar_stamp == (st.st_size, st.st_mtime_ns):
            return index
        text = sidecar.read_bytes().decode("utf-8", "surrogateescape")
        first, _, rest = text.partition("\n")
        if not first.startswith(_HEADER_LINE):
            raise MailboxError(f"{sidecar} is not a followup UID list; move it away to rebuild it")
        uid_by_key: dict[str, int] = {}
        for line in rest.splitlines():
            uid, _, key = line.partition(" ")
            if uid.isdigit() and key:  # a torn last line from a crash is skipped
                uid_by_key[key] = int(uid)
        return _Index(int(first[len(_HEADER_LINE) :]), uid_by_key, (st.st_size, st.st_mtime_ns))

    def _file(self, folder: str, uid: int) -> Path | None:
        """The current file for ``uid``, re-listing once if a mail program moved it."""
        for force in (False, True):
            path = self._index(folder, force=force).files.get(uid)
            if path is not None and path.exists():
                return path
        return None

    # -- reading -----------------------------------------------------------

    def folder_state(self, folder: str) -> FolderState:
        index = self._index(folder)
        return FolderState(index.uidvalidity, index.next_uid, len(index.files))

    def uids_after(self, folder: str, last_uid: int) -> list[int]:
        return sorted(uid for uid in self._index(folder).files if uid > last_uid)

    def _read(self, folder: str, uids: Iterable[int], max_bytes: int | None) -> Iterator[Fetched]:
        for uid in sorted(set(uids)):
            path = self._file(folder, uid)
            if path is None:
                continue
            try:
                header, size = _read_header(path)
                truncated = False
                if max_bytes is None:
                    data = header
                elif size <= max_bytes:
                    data = path.read_bytes()
                else:
                    with open(path, "rb") as handle:
                        handle.seek(len(header))
                        data = header + handle.read(max_bytes)
                    truncated = True
                mtime = path.stat().st_mtime
            except FileNotFoundError:
                continue  # deleted or moved between listing and reading
            yield Fetched(
                uid=uid,
                data=data,
                size=size,
                internaldate=datetime.fromtimestamp(mtime, UTC),
                flags=_flags_of(path),
                truncated=truncated,
            )

    def fetch_headers(self, folder: str, uids: Iterable[int]) -> Iterator[Fetched]:
        return self._read(folder, uids, None)

    def fetch_messages(
        self, folder: str, uids: Iterable[int], *, max_bytes: int = 2_000_000
    ) -> Iterator[Fetched]:
        return self._read(folder, uids, max_bytes)

    def fetch_flags(self, folder: str, uids: Iterable[int]) -> dict[int, frozenset[str]]:
        files = self._index(folder).files
        return {uid: _flags_of(files[uid]) for uid in set(uids) if uid in files}

    def search_header(self, folder: str, header: str, value: str) -> list[int]:
        needle = value.casefold()
        found = []
        for uid, path in sorted(self._index(folder, force=True).files.items()):
            try:
                block, _ = _read_header(path)
            except FileNotFoundError:
                continue
            if any(needle in v.casefold() for v in _header_values(block, header)):
                found.append(uid)
        return found

    # -- writing (drafts only) ---------------------------------------------

    def append(
        self,
        folder: str,
        raw: bytes,
        *,
        flags: Iterable[str] = (DRAFT_FLAG,),
        when: datetime | None = None,
    ) -> int | None:
        path = self._path(folder)
        now = time.time()
        host = socket.gethostname().replace("/", r"\057").replace(":", r"\072")
        key = f"{int(now)}.M{int(now * 1e6) % 1_000_000}P{os.getpid()}Q{next(_sequence)}.{host}"
        letters = "".join(sorted({_FLAG_LETTERS[f] for f in flags if f in _FLAG_LETTERS}))
        tmp = path / "tmp" / key
        final = path / "cur" / f"{key}:2,{letters}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, raw.replace(b"\r\n", b"\n"))
                os.fsync(fd)
            finally:
                os.close(fd)
            if when is not None:
                os.utime(tmp, (when.timestamp(), when.timestamp()))
            os.rename(tmp, final)
            _fsync_dir(path / "cur")
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise MailboxError(f"cannot store a draft in {path}: {exc}") from None
        return self._index(folder, force=True).uid_by_key[key]

    def delete(self, folder: str, uid: int) -> bool:
        """Remove one of the agent's own drafts; refuses a message without our marker."""
        path = self._file(folder, uid)
        if path is None:
            return True
        header, _ = _read_header(path)
        if not _header_values(header, OWN_MARKER):
            raise MailboxError(
                f"refusing to delete UID {uid} in {folder!r}: it is not a draft this agent wrote"
            )
        path.unlink(missing_ok=True)
        _fsync_dir(path.parent)
        self._index(folder, force=True)
        return True

    def close(self) -> None:
        self._indexes.clear()
