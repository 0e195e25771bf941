"""Drafts and their state log: the intent recorded before a draft is appended, every
state it passes through after.

A draft row is durable when ``put_draft``/``set_draft_state`` return (or, inside
a transaction, when it commits): an intent is on disk before the draft is
appended to the mailbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from agent.errors import StateError
from agent.records import DRAFT_STATES, OPEN_DRAFT_STATES, DraftRecord
from agent.store import codec
from agent.store.db import Database, guarded


class DraftTables(Database):
    """The ``drafts`` and ``draft_log`` tables."""

    @guarded
    def drafts(
        self, account: str | None = None, *, states: Iterable[str] | None = None
    ) -> list[DraftRecord]:
        where: list[str] = []
        params: list[Any] = []
        if account is not None:
            where.append("account = ?")
            params.append(account)
        if states is not None:
            wanted = list(states)
            if not wanted:
                return []
            where.append(f"state IN ({','.join('?' * len(wanted))})")
            params.extend(wanted)
        sql = "SELECT * FROM drafts" + (f" WHERE {' AND '.join(where)}" if where else "")
        rows = self._conn.execute(sql + " ORDER BY created_at, followup_id", params).fetchall()
        return [codec.draft_record(row) for row in rows]

    @guarded
    def draft_counts(self) -> dict[str, int]:
        """Drafts per state, every account."""
        rows = self._conn.execute(
            "SELECT state, COUNT(*) FROM drafts GROUP BY state ORDER BY state"
        )
        return {row[0]: row[1] for row in rows}

    @guarded
    def draft(self, followup_id: str) -> DraftRecord | None:
        row = self._conn.execute(
            "SELECT * FROM drafts WHERE followup_id = ?", (followup_id,)
        ).fetchone()
        return None if row is None else codec.draft_record(row)

    @guarded
    def put_draft(self, record: DraftRecord) -> bool:
        """Insert a new draft (normally in state "intent"); durable when the commit returns.

        Returns False, changing nothing, when a draft with this followup_id exists:
        a draft is never recreated.
        """
        if record.state not in DRAFT_STATES:
            raise StateError(f"draft {record.followup_id}: unknown state {record.state!r}")
        row = codec.draft_row(record, datetime.now(UTC))
        columns = list(row)
        with self.transaction():
            cursor = self._conn.execute(
                f"INSERT INTO drafts ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)}) "
                "ON CONFLICT (followup_id) DO NOTHING",
                row,
            )
            if cursor.rowcount == 0:
                return False
            self._conn.execute(
                "INSERT INTO draft_log (followup_id, at, from_state, to_state, reason) VALUES (?, ?, NULL, ?, ?)",
                (record.followup_id, row["created_at"], record.state, "created"),
            )
            self._sync_pending = True
        return True

    @guarded
    def set_draft_state(
        self,
        followup_id: str,
        state: str,
        *,
        at: datetime,
        reason: str = "",
        uid: int | None = None,
        folder: str | None = None,
        body: str | None = None,
        subject: str | None = None,
    ) -> None:
        """Move a draft to ``state`` and log the transition (durable like ``put_draft``).

        A closed draft (edited, deleted, sent, cancelled, discarded) never reopens.
        """
        if state not in DRAFT_STATES:
            raise StateError(f"draft {followup_id}: unknown state {state!r}")
        when = codec.ts(at)
        with self.transaction():
            row = self._conn.execute(
                "SELECT state FROM drafts WHERE followup_id = ?", (followup_id,)
            ).fetchone()
            if row is None:
                raise StateError(f"no draft with id {followup_id}")
            current = row["state"]
            if current not in OPEN_DRAFT_STATES and state in OPEN_DRAFT_STATES:
                raise StateError(
                    f"draft {followup_id} is {current}; it cannot become {state} again"
                )
            self._conn.execute(
                "UPDATE drafts SET state = ?, updated_at = ?, uid = COALESCE(?, uid), folder = COALESCE(?, folder), "
                "body = COALESCE(?, body), subject = COALESCE(?, subject) WHERE followup_id = ?",
                (state, when, uid, folder, body, subject, followup_id),
            )
            self._conn.execute(
                "INSERT INTO draft_log (followup_id, at, from_state, to_state, reason) VALUES (?, ?, ?, ?, ?)",
                (followup_id, when, current, state, reason),
            )
            self._sync_pending = True

    @guarded
    def draft_history(self, followup_id: str) -> list[dict[str, Any]]:
        rows = self._conn.execute(
            "SELECT at, from_state, to_state, reason FROM draft_log WHERE followup_id = ? ORDER BY id",
            (followup_id,),
        ).fetchall()
        return [dict(row) | {"at": codec.parse_ts(row["at"])} for row in rows]

    @guarded
    def draft_ids(self, account: str) -> set[str]:
        rows = self._conn.execute("SELECT followup_id FROM drafts WHERE account = ?", (account,))
        return {row[0] for row in rows}

    @guarded
    def drafts_of(self, account: str, process_keys: Iterable[str]) -> list[DraftRecord]:
        """The account's drafts filed under any of ``process_keys`` (process ids or aliases)."""
        keys = list(dict.fromkeys(process_keys))
        out: list[DraftRecord] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = self._conn.execute(
                f"SELECT * FROM drafts WHERE account = ? AND process_id IN ({','.join('?' * len(chunk))}) "
                "ORDER BY created_at, followup_id",
                (account, *chunk),
            ).fetchall()
            out += [codec.draft_record(row) for row in rows]
        return sorted(
            out, key=lambda d: (codec.ts(d.created_at) if d.created_at else "", d.followup_id)
        )
