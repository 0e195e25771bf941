"""The state database's machinery: opening, privacy, migrations, transactions, one writer.

One SQLite file (WAL mode) under the state directory, private to the user (0600
files, 0700 directory). Migrations run at open. ``transaction()`` is ``BEGIN
IMMEDIATE`` with savepoints for nesting; writes that must survive a power cut
(draft intents) set ``_sync_pending`` and the WAL is fsynced after the commit,
although the database otherwise runs with ``synchronous=NORMAL``.

One writer at a time: a scan or the daemon holds an ``flock`` on ``<db>.lock``
for its lifetime (``acquire_writer_lock``). Readers such as ``followup status``
need no lock; WAL lets them read while a writer works, and any wait for the
database is bounded by ``timeout``. Every sqlite3 error leaves as a StateError.
"""

from __future__ import annotations

import fcntl
import functools
import logging
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import ParamSpec, Self, TypeVar

from agent.errors import AlreadyRunningError, StateError
from agent.store import codec
from agent.store.schema import MIGRATIONS, MIGRATIONS_TABLE

log = logging.getLogger("agent.store")

P = ParamSpec("P")
R = TypeVar("R")


def _state_error(exc: sqlite3.Error, path: Path, timeout: float) -> StateError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StateError(
            f"the state database {path} is busy: another followup process is writing (waited {timeout:g} s)",
            hint="try again when the running scan has finished",
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return StateError(
            f"the state database {path} is damaged ({exc})",
            hint="run `followup doctor`; move the file aside to start afresh",
        )
    return StateError(f"state database {path}: {exc}")


def guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Turn sqlite3 errors into StateError naming the database."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            store = args[0]
            assert isinstance(store, Database)
            raise _state_error(exc, store.path, store.timeout) from exc

    return wrapper


def _private_dir(directory: Path) -> None:
    if not directory.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
        return
    mode = stat.S_IMODE(directory.stat().st_mode)
    if mode & 0o077 and directory.stat().st_uid == os.getuid():
        log.warning(
            "state directory %s was readable by others (mode %o); setting 0700", directory, mode
        )
        os.chmod(directory, 0o700)


def _private_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        if stat.S_IMODE(os.fstat(fd).st_mode) != 0o600:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


SQLITE_HEADER = b"SQLite format 3\0"
_START_AFRESH = (
    "restore it from a backup if you have one; otherwise move it aside "
    "(mv {path} {path}.broken) and run `followup scan` to start afresh: the mailbox is "
    "read again and drafts already in Drafts are recognised, but drafts you deleted "
    "may be written again"
)


def _check_database_file(path: Path) -> None:
    """An existing state file must be a SQLite database: an empty or foreign file is
    reported, never silently taken for a new database (that would forget every draft
    the user deleted and every correction they made)."""
    with open(path, "rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    if head == SQLITE_HEADER:
        return
    hint = _START_AFRESH.format(path=path)
    if not head:
        raise StateError(
            f"the state database {path} is empty (0 bytes): it was truncated or overwritten, "
            "so everything followup knew is gone from it; followup does not start afresh on its own",
            hint=hint,
        )
    raise StateError(
        f"the state database {path} is damaged: it is not a SQLite database (overwritten?); "
        "followup does not start afresh on its own",
        hint=hint,
    )


def _create_database_file(path: Path) -> None:
    """A new, empty database, created aside and renamed into place: the file at ``path``
    is never seen without its header (an empty one there means damage, not a new start)."""
    staging = path.with_name(path.name + ".new")
    for leftover in (staging, *(staging.with_name(staging.name + s) for s in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    _private_file(staging)
    try:
        conn = sqlite3.connect(str(staging), isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")  # writes the header
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StateError(f"cannot create the state database {path}: {exc}") from None
    fd = os.open(staging, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(staging, path)


def process_start(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot), to tell it from a later
    process given the same pid; None where /proc does not say."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat_line.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None


def process_alive(pid: int | None, started: str | None = None) -> bool:
    """Is process ``pid`` running (not a zombie), and the same one that started at ``started``?"""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: the signal check is all there is
    fields = stat_line.rpartition(")")[2].split()
    if fields[:1] == ["Z"]:
        return False
    return started is None or len(fields) <= 19 or fields[19] == started


class Database:
    """An open state database without its tables' API (see ``agent.store.Store``)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, timeout: float) -> None:
        self._conn = conn
        self.path = path
        self.timeout = timeout
        self._depth = 0
        self._sync_pending = False
        self._lock_fd: int | None = None

    # -- lifecycle ---------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, timeout: float = 5.0) -> Self:
        path = Path(path).expanduser()
        try:
            _private_dir(path.parent)
            if path.exists():
                _check_database_file(path)
            else:
                _create_database_file(path)
            _private_file(path)
        except OSError as exc:
            raise StateError(f"cannot create the state database {path}: {exc.strerror}") from None
        try:
            conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise _state_error(exc, path, timeout) from None
        conn.row_factory = sqlite3.Row
        store = cls(conn, path, timeout)
        try:
            store._configure()
            store._migrate()
            store._fix_sidecar_modes()
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        if self._conn is not None:
            try:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
            finally:
                self._conn.close()
                self._conn = None  # type: ignore[assignment]
        self.release_writer_lock()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @guarded
    def _configure(self) -> None:
        conn = self._conn
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("state database %s: WAL not available (journal_mode=%s)", self.path, mode)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")

    def _fix_sidecar_modes(self) -> None:
        for suffix in ("-wal", "-shm"):
            sidecar = self.path.with_name(self.path.name + suffix)
            try:
                if stat.S_IMODE(sidecar.stat().st_mode) != 0o600:
                    os.chmod(sidecar, 0o600)
            except FileNotFoundError:
                pass

    # -- migrations --------------------------------------------------------

    def _applied_migrations(self) -> set[str]:
        exists = self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
        ).fetchone()
        if not exists:
            return set()
        return {row[0] for row in self._conn.execute("SELECT name FROM migrations")}

    @guarded
    def _migrate(self) -> None:
        applied = self._applied_migrations()
        known = {m.name for m in MIGRATIONS}
        if applied - known:
            raise StateError(
                f"the state database {self.path} was written by a newer followup "
                f"(unknown migrations: {', '.join(sorted(applied - known))})",
                hint="upgrade followup",
            )
        if all(m.name in applied for m in MIGRATIONS):
            return
        for migration in MIGRATIONS:
            with self.transaction():
                self._conn.execute(MIGRATIONS_TABLE)
                done = self._conn.execute(
                    "SELECT 1 FROM migrations WHERE name = ?", (migration.name,)
                ).fetchone()
                if done:
                    continue
                migration.apply(self._conn)
                self._conn.execute(
                    "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                    (migration.name, codec.ts(datetime.now(UTC))),
                )
                log.info("state database %s: applied migration %s", self.path, migration.name)

    @guarded
    def migrations(self) -> list[tuple[str, datetime]]:
        rows = self._conn.execute(
            "SELECT name, applied_at FROM migrations ORDER BY name"
        ).fetchall()
        return [(row[0], codec.parse_ts(row[1])) for row in rows]  # type: ignore[misc]

    # -- transactions ------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; nested calls become savepoints."""
        if self._depth:
            name = f"sp{self._depth}"
            self._conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                self._conn.execute(f"ROLLBACK TO {name}")
                self._conn.execute(f"RELEASE {name}")
                raise
            self._depth -= 1
            self._conn.execute(f"RELEASE {name}")
            return
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _state_error(exc, self.path, self.timeout) from None
        self._depth = 1
        self._sync_pending = False
        try:
            yield
        except BaseException:
            self._depth = 0
            self._sync_pending = False
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        self._depth = 0
        try:
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise _state_error(exc, self.path, self.timeout) from None
        if self._sync_pending:
            self._sync_pending = False
            self._fsync_wal()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One consistent view of the database for several reads (a deferred
        transaction; inside a transaction, that one)."""
        if self._depth or self._conn.in_transaction:
            yield
            return
        self._conn.execute("BEGIN")
        self._depth = 1
        try:
            yield
        finally:
            self._depth = 0
            if self._conn.in_transaction:
                self._conn.execute("COMMIT")

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def _fsync_wal(self) -> None:
        """Make the last commit durable despite ``synchronous=NORMAL``."""
        for target in (self.path.with_name(self.path.name + "-wal"), self.path):
            try:
                fd = os.open(target, os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:
                continue
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            return

    # -- single writer -----------------------------------------------------

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def acquire_writer_lock(self, wait: float = 0) -> None:
        """Become the only writer (scan or daemon) until ``close``; waits up to ``wait`` s."""
        if self._lock_fd is not None:
            return
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        deadline = time.monotonic() + max(wait, 0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
                    os.close(fd)
                    raise AlreadyRunningError(
                        f"another followup scan or daemon is running (pid {holder})",
                        hint="wait for it to finish, or stop the daemon (`systemctl --user stop followup`)",
                    ) from None
                time.sleep(min(0.05, remaining))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._lock_fd = fd

    def release_writer_lock(self) -> None:
        if self._lock_fd is not None:
            fd, self._lock_fd = self._lock_fd, None
            try:
                os.ftruncate(fd, 0)
            finally:
                os.close(fd)  # closing the descriptor drops the flock

    @property
    def holds_writer_lock(self) -> bool:
        return self._lock_fd is not None

    def writer_lock_holder(self) -> int | None:
        """The pid the writer lock file names (the last writer, if it died holding it)."""
        try:
            text = self.lock_path.read_text(encoding="ascii", errors="replace").strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    # -- health ----------------------------------------------------------------

    @guarded
    def integrity_ok(self) -> bool:
        rows = self._conn.execute("PRAGMA integrity_check").fetchall()
        if [tuple(r) for r in rows] != [("ok",)]:
            log.error(
                "state database %s failed integrity_check: %s",
                self.path,
                [tuple(r) for r in rows][:5],
            )
            return False
        return not self._conn.execute("PRAGMA foreign_key_check").fetchall()

    @guarded
    def wal_checkpoint(self) -> None:
        """Fold the WAL back into the database file and truncate it (idle moments)."""
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
