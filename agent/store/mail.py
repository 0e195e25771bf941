"""The mailbox side of the state: per-folder checkpoints and the messages seen.

Every message the scan looks at is remembered by Message-ID (headers and the
analysis, never the body), job mail or not, so nothing is fetched or judged twice;
one that could not be analysed is kept as a skip with its reason.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from agent.records import OUTBOUND, PassedOver, TrackedMessage
from agent.store import codec
from agent.store.db import Database, guarded
from agent.subjects import bare_subject

_SQL_CHUNK = 500


FLAP_WINDOW = timedelta(hours=24)  # a second UIDVALIDITY change this soon is no genuine reset
STEADY_PASSES = 2  # passes that must see one UIDVALIDITY before a held folder is read again


@dataclass(frozen=True)
class FolderValidity:
    """What the server last said a folder's UIDVALIDITY was and how steady it has been:
    when it last changed, how many passes have seen it unchanged since, how many
    changes there were, and since when the folder is held for changing too often."""

    seen_validity: int
    changed_at: datetime | None = None
    steady_passes: int = 0
    changes: int = 0
    held_since: datetime | None = None


def _validity(row: Any) -> FolderValidity:
    return FolderValidity(
        seen_validity=row["seen_validity"],
        changed_at=codec.parse_ts(row["changed_at"]),
        steady_passes=row["steady_passes"],
        changes=row["changes"],
        held_since=codec.parse_ts(row["held_since"]),
    )


_PASSED_OVER_WIDTH = 11  # values of one passed-over row
_PASSED_OVER_ROWS = 90  # rows an INSERT: within the 999 variables older SQLite allows


@functools.cache
def _passed_over_sql(rows: int) -> str:
    """The upsert of ``rows`` passed-over messages; never overwrites job mail."""
    return (
        "INSERT INTO messages (account, message_id, folder, uid, uidvalidity, direction, "
        "folder_role, date, subject, kind, first_seen_at, updated_at) VALUES "
        + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, 'not_job', ?, ?)"] * rows)
        + " ON CONFLICT (account, message_id) DO UPDATE SET folder = excluded.folder, "
        "uid = excluded.uid, uidvalidity = excluded.uidvalidity, "
        "direction = excluded.direction, folder_role = excluded.folder_role, "
        "date = excluded.date, subject = excluded.subject, kind = 'not_job', "
        "skip_reason = NULL, updated_at = excluded.updated_at "
        "WHERE messages.kind = 'not_job' OR messages.skip_reason IS NOT NULL"
    )


class MailTables(Database):
    """Folder checkpoints and message records (the part of the Store a scan writes)."""

    # -- folders -----------------------------------------------------------

    @guarded
    def folder_checkpoint(self, account: str, folder: str) -> tuple[int, int] | None:
        row = self._conn.execute(
            "SELECT uidvalidity, last_uid FROM folders WHERE account = ? AND folder = ?",
            (account, folder),
        ).fetchone()
        return None if row is None else (row[0], row[1])

    @guarded
    def set_folder_checkpoint(
        self, account: str, folder: str, uidvalidity: int, last_uid: int
    ) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT INTO folders (account, folder, uidvalidity, last_uid, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (account, folder) DO UPDATE SET uidvalidity = excluded.uidvalidity, "
                "last_uid = excluded.last_uid, updated_at = excluded.updated_at",
                (account, folder, uidvalidity, last_uid, codec.ts(datetime.now(UTC))),
            )

    def reset_folder(self, account: str, folder: str, uidvalidity: int) -> None:
        """UIDVALIDITY changed: start the folder over; messages stay, matched by Message-ID."""
        self.set_folder_checkpoint(account, folder, uidvalidity, 0)

    @guarded
    def folder_validity(self, account: str, folder: str) -> FolderValidity | None:
        """How steady the folder's UIDVALIDITY has been (None: never looked at)."""
        row = self._conn.execute(
            "SELECT * FROM folder_validity WHERE account = ? AND folder = ?", (account, folder)
        ).fetchone()
        return None if row is None else _validity(row)

    @guarded
    def set_folder_validity(self, account: str, folder: str, value: FolderValidity) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT INTO folder_validity (account, folder, seen_validity, changed_at, "
                "steady_passes, changes, held_since) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (account, folder) DO UPDATE SET seen_validity = excluded.seen_validity, "
                "changed_at = excluded.changed_at, steady_passes = excluded.steady_passes, "
                "changes = excluded.changes, held_since = excluded.held_since",
                (
                    account,
                    folder,
                    value.seen_validity,
                    codec.ts(value.changed_at) if value.changed_at else None,
                    value.steady_passes,
                    value.changes,
                    codec.ts(value.held_since) if value.held_since else None,
                ),
            )

    @guarded
    def held_folders(self, account: str | None = None) -> list[tuple[str, str, FolderValidity]]:
        """(account, folder, validity) of the folders held for an unsteady UIDVALIDITY."""
        sql = "SELECT * FROM folder_validity WHERE held_since IS NOT NULL"
        rows = self._conn.execute(
            sql + (" AND account = ?" if account else "") + " ORDER BY account, folder",
            (account,) if account else (),
        ).fetchall()
        return [(row["account"], row["folder"], _validity(row)) for row in rows]

    @guarded
    def folder_checkpoints(self, account: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT account, folder, uidvalidity, last_uid, updated_at FROM folders"
        rows = self._conn.execute(
            sql + (" WHERE account = ?" if account else "") + " ORDER BY account, folder",
            (account,) if account else (),
        ).fetchall()
        return [dict(row) | {"updated_at": codec.parse_ts(row["updated_at"])} for row in rows]

    # -- messages ----------------------------------------------------------

    @guarded
    def has_message(self, account: str, message_id: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM messages WHERE account = ? AND message_id = ?", (account, message_id)
        ).fetchone()
        return row is not None

    @guarded
    def known_message_ids(self, account: str, message_ids: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(message_ids))
        known: set[str] = set()
        for start in range(0, len(wanted), _SQL_CHUNK):
            chunk = wanted[start : start + _SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT message_id FROM messages WHERE account = ? AND message_id IN ({marks})",
                (account, *chunk),
            )
            known.update(row[0] for row in rows)
        return known

    @guarded
    def own_message_ids(self, account: str, message_ids: Iterable[str]) -> set[str]:
        """Those of ``message_ids`` that the user sent (any kind): a reply to one of them
        is worth reading even when its subject says nothing."""
        wanted = list(dict.fromkeys(message_ids))
        own: set[str] = set()
        for start in range(0, len(wanted), _SQL_CHUNK):
            chunk = wanted[start : start + _SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT message_id FROM messages WHERE account = ? AND direction = 'outbound' "
                f"AND message_id IN ({marks})",
                (account, *chunk),
            )
            own.update(row[0] for row in rows)
        return own

    @guarded
    def own_subjects(self, account: str) -> set[str]:
        """Subjects of the mail the user sent, lower-cased, without Re:/SV:/Fwd: prefixes."""
        rows = self._conn.execute(
            "SELECT DISTINCT subject FROM messages WHERE account = ? AND direction = 'outbound'",
            (account,),
        )
        return {bare_subject(row[0]) for row in rows if row[0]}

    @guarded
    def record_message(
        self,
        msg: TrackedMessage,
        *,
        folder: str,
        uid: int | None,
        uidvalidity: int | None,
        first_seen_at: datetime,
    ) -> None:
        """Insert or update one analysed message.

        An update keeps the original ``first_seen_at`` and clears an earlier skip.
        """
        row = codec.message_row(
            msg, folder=folder, uid=uid, uidvalidity=uidvalidity, first_seen_at=first_seen_at
        )
        columns = list(row)
        updates = ", ".join(
            f"{c} = excluded.{c}"
            for c in columns
            if c not in ("account", "message_id", "first_seen_at")
        )
        with self.transaction():
            self._conn.execute(
                f"INSERT INTO messages ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)}) "
                f"ON CONFLICT (account, message_id) DO UPDATE SET {updates}, skip_reason = NULL",
                row,
            )

    @guarded
    def record_passed_over(
        self, account: str, passed: Iterable[PassedOver], *, first_seen_at: datetime
    ) -> None:
        """Remember messages that are not about a job, so they are not read again.

        Only what later passes need is kept: where the message is, which way it went,
        and, for the user's own mail, the subject a reply is recognised by. Never
        overwrites a message that was analysed as job mail.
        """
        seen = codec.ts(first_seen_at)
        values: list[Any] = []
        for p in passed:
            values += (
                account,
                p.message_id,
                p.folder,
                p.uid,
                p.uidvalidity,
                p.direction,
                p.folder_role,
                codec.ts(p.date),
                p.subject if p.direction == OUTBOUND else None,
                seen,
                seen,
            )
        if not values:
            return
        # Many rows a statement, in order (a later row updates an earlier one with its
        # Message-ID): one statement per row costs a statement journal per row.
        step = _PASSED_OVER_ROWS * _PASSED_OVER_WIDTH
        with self.transaction():
            for start in range(0, len(values), step):
                part = values[start : start + step]
                self._conn.execute(_passed_over_sql(len(part) // _PASSED_OVER_WIDTH), part)

    @guarded
    def record_skip(
        self,
        account: str,
        message_id: str,
        *,
        folder: str,
        uid: int | None,
        uidvalidity: int | None,
        reason: str,
        date: datetime | None,
        first_seen_at: datetime,
    ) -> None:
        """Remember a message that could not be analysed, so it is not fetched again.

        A skip never overwrites a message that was analysed before.
        """
        seen = codec.ts(first_seen_at)
        if date is not None and date.tzinfo is None:  # informational only: never fail a skip
            date = date.replace(tzinfo=UTC)
        with self.transaction():
            self._conn.execute(
                "INSERT INTO messages (account, message_id, folder, uid, uidvalidity, date, skip_reason, "
                "first_seen_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (account, message_id) DO UPDATE SET folder = excluded.folder, uid = excluded.uid, "
                "uidvalidity = excluded.uidvalidity, skip_reason = excluded.skip_reason, "
                "updated_at = excluded.updated_at WHERE messages.skip_reason IS NOT NULL",
                (
                    account,
                    message_id,
                    folder,
                    uid,
                    uidvalidity,
                    codec.opt_ts(date),
                    reason[:500],
                    seen,
                    seen,
                ),
            )

    @guarded
    def update_message_location(
        self, account: str, message_id: str, folder: str, uid: int, uidvalidity: int
    ) -> None:
        with self.transaction():
            self._conn.execute(
                "UPDATE messages SET folder = ?, uid = ?, uidvalidity = ? WHERE account = ? AND message_id = ?",
                (folder, uid, uidvalidity, account, message_id),
            )

    @guarded
    def message_location(self, account: str, message_id: str) -> tuple[str, int, int] | None:
        """(folder, uid, uidvalidity) where the message was last seen."""
        row = self._conn.execute(
            "SELECT folder, uid, uidvalidity FROM messages WHERE account = ? AND message_id = ?",
            (account, message_id),
        ).fetchone()
        if row is None or row["uid"] is None:
            return None
        return (row["folder"], row["uid"], row["uidvalidity"])

    @guarded
    def tracked_messages(
        self, account: str | None = None, *, job_only: bool = True
    ) -> list[TrackedMessage]:
        where = ["skip_reason IS NULL"]
        params: list[Any] = []
        if job_only:
            where.append("kind != 'not_job'")
        if account is not None:
            where.append("account = ?")
            params.append(account)
        rows = self._conn.execute(
            f"SELECT * FROM messages WHERE {' AND '.join(where)} ORDER BY date, message_id", params
        ).fetchall()
        return [codec.tracked_message(row) for row in rows]

    @guarded
    def tracked_by_id(self, account: str, message_ids: Iterable[str]) -> dict[str, TrackedMessage]:
        """The job mail among ``message_ids``, by Message-ID."""
        wanted = list(dict.fromkeys(message_ids))
        found: dict[str, TrackedMessage] = {}
        for start in range(0, len(wanted), _SQL_CHUNK):
            chunk = wanted[start : start + _SQL_CHUNK]
            rows = self._conn.execute(
                f"SELECT * FROM messages WHERE account = ? AND message_id IN ({','.join('?' * len(chunk))}) "
                "AND skip_reason IS NULL AND kind != 'not_job'",
                (account, *chunk),
            ).fetchall()
            found.update((row["message_id"], codec.tracked_message(row)) for row in rows)
        return found

    @guarded
    def sent_followup_ids(self, account: str) -> set[str]:
        """The X-Followup-Id of every draft of ours seen among the account's mail."""
        rows = self._conn.execute(
            "SELECT followup_id FROM messages WHERE account = ? AND followup_id IS NOT NULL "
            "AND skip_reason IS NULL AND kind != 'not_job'",
            (account,),
        )
        return {row[0] for row in rows}

    @guarded
    def skipped(self, account: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        sql = (
            "SELECT account, message_id, folder, uid, date, skip_reason, first_seen_at FROM messages "
            "WHERE skip_reason IS NOT NULL" + (" AND account = ?" if account else "") + " "
            "ORDER BY first_seen_at DESC, message_id LIMIT ?"
        )
        rows = self._conn.execute(sql, (account, limit) if account else (limit,)).fetchall()
        return [
            {
                "account": row["account"],
                "message_id": row["message_id"],
                "folder": row["folder"],
                "uid": row["uid"],
                "date": codec.parse_ts(row["date"]),
                "reason": row["skip_reason"],
                "first_seen_at": codec.parse_ts(row["first_seen_at"]),
            }
            for row in rows
        ]

    @guarded
    def message_counts(self, account: str | None = None) -> dict[str, int]:
        """Messages per kind ("skipped" for skips), for ``followup status``."""
        sql = "SELECT COALESCE(kind, 'skipped') AS k, COUNT(*) FROM messages"
        rows = self._conn.execute(
            sql + (" WHERE account = ?" if account else "") + " GROUP BY k",
            (account,) if account else (),
        ).fetchall()
        return {row[0]: row[1] for row in rows}
