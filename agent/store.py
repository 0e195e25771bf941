"""The state database: SQLite is the source of truth for everything followup knows.

``Store`` is the whole API: the machinery in ``store_base`` (open, migrations,
transactions, the writer lock), the mailbox state in ``store_mail`` (folder
checkpoints, messages), and here the drafts with their state log, the user's
corrections, the cached process list, runs and small key/value facts.

A draft row is durable when ``put_draft``/``set_draft_state`` return (or, inside
a transaction, when it commits): an intent is on disk before the draft is
appended to the mailbox.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from agent import store_codec as codec
from agent.errors import StateError
from agent.logging_setup import redact
from agent.records import (
    DRAFT_STATES,
    OPEN_DRAFT_STATES,
    CompetingOffer,
    DraftRecord,
    ManualProcess,
    ProcessOverride,
)
from agent.store_base import StoreBase, guarded, process_alive, process_start
from agent.store_reflections import ReflectionState

__all__ = ["RUN_INTERRUPTED", "Store", "StoreBase"]

_BREAKER = "draft_breaker:"  # meta key prefix, per account
_RELEASE = "draft_release:"
RUN_INTERRUPTED = "interrupted: the scan ended before finishing (killed or crashed)"


class Store(ReflectionState):
    """An open state database. Use ``Store.open(path)``; close it (or use ``with``)."""

    # -- drafts --------------------------------------------------------------

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

    # -- the user's corrections ----------------------------------------------

    @guarded
    def overrides(self) -> dict[str, ProcessOverride]:
        rows = self._conn.execute("SELECT * FROM overrides ORDER BY process_id").fetchall()
        return {row["process_id"]: codec.override_record(row) for row in rows}

    @guarded
    def put_override(self, o: ProcessOverride) -> None:
        """Store ``o`` as the whole override of its process (replacing any earlier one)."""
        with self.transaction():
            self._conn.execute(
                "INSERT OR REPLACE INTO overrides (process_id, closed_reason, snoozed_until, company, role, "
                "promised_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    o.process_id,
                    o.closed_reason,
                    codec.day(o.snoozed_until),
                    o.company,
                    o.role,
                    codec.day(o.promised_by),
                    codec.opt_ts(o.updated_at),
                ),
            )

    @guarded
    def manual_processes(self) -> list[ManualProcess]:
        rows = self._conn.execute(
            "SELECT * FROM manual_processes ORDER BY created_at, process_id"
        ).fetchall()
        return [codec.manual_record(row) for row in rows]

    @guarded
    def add_manual_process(self, p: ManualProcess) -> None:
        """Add (or, for the same process_id, replace) a process the user entered."""
        with self.transaction():
            self._conn.execute(
                "INSERT OR REPLACE INTO manual_processes (process_id, company, created_at, role, contact, "
                "interview_at, promised_by, language, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    p.process_id,
                    p.company,
                    codec.ts(p.created_at),
                    p.role,
                    p.contact,
                    codec.opt_ts(p.interview_at),
                    codec.day(p.promised_by),
                    p.language,
                    p.note,
                ),
            )

    @guarded
    def offers(self) -> list[CompetingOffer]:
        rows = self._conn.execute("SELECT * FROM offers ORDER BY created_at, id").fetchall()
        return [codec.offer_record(row) for row in rows]

    @guarded
    def add_offer(self, o: CompetingOffer) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT INTO offers (created_at, deadline, process_id, extra_json) VALUES (?, ?, ?, ?)",
                (
                    codec.ts(o.created_at),
                    codec.day(o.deadline),
                    o.process_id,
                    codec.dump(dict(o.extra)),
                ),
            )

    # -- derived state for the CLI -------------------------------------------

    @guarded
    def save_process_snapshot(
        self, account: str, snapshots: list[tuple[str, dict[str, Any]]], at: datetime
    ) -> None:
        """Replace the account's cached process list (the tracker's output of this pass)."""
        when = codec.ts(at)
        with self.transaction():
            self._conn.execute("DELETE FROM process_snapshot WHERE account = ?", (account,))
            self._conn.executemany(
                "INSERT INTO process_snapshot (account, process_id, position, json, updated_at) VALUES (?, ?, ?, ?, ?)",
                [
                    (account, pid, pos, codec.dump(data), when)
                    for pos, (pid, data) in enumerate(snapshots)
                ],
            )

    @guarded
    def process_snapshots(self) -> list[dict[str, Any]]:
        rows = self._conn.execute(
            "SELECT account, process_id, json FROM process_snapshot ORDER BY account, position"
        ).fetchall()
        out = []
        for row in rows:
            data = json.loads(row["json"])
            if isinstance(data, dict):
                data.setdefault("process_id", row["process_id"])
                data.setdefault("account", row["account"])
            out.append(data)
        return out

    # -- what the tracker derives, kept (agent.kept) ---------------------------

    @guarded
    def kept_version(self) -> int:
        """The number of the last change to the records processes are derived from."""
        row = self._conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'kept_changes'"
        ).fetchone()
        return int(row[0]) if row else 0

    @guarded
    def kept_head(self, account: str) -> dict[str, Any] | None:
        """What the account's kept processes were derived from: fingerprint, version,
        computed_at, zone."""
        row = self._conn.execute(
            "SELECT * FROM kept_accounts WHERE account = ?", (account,)
        ).fetchone()
        if row is None:
            return None
        return dict(row) | {"computed_at": codec.parse_ts(row["computed_at"])}

    @guarded
    def kept_changes(self, account: str, since: int) -> list[tuple[str, str | None, str | None]]:
        """(what, key, extra) of every change after ``since`` to the account's records
        or to the user's corrections."""
        rows = self._conn.execute(
            "SELECT what, key, extra FROM kept_changes WHERE id > ? AND account IN (?, '') ORDER BY id",
            (since, account),
        ).fetchall()
        return [(row[0], row[1], row[2]) for row in rows]

    @guarded
    def kept_rows(
        self,
        account: str,
        columns: Iterable[str],
        *,
        where: str = "",
        params: Iterable[Any] = (),
    ) -> list[sqlite3.Row]:
        """Columns of the account's kept processes in their order (``where``: more SQL)."""
        sql = f"SELECT {', '.join(columns)} FROM kept_processes WHERE account = ?"
        rows = self._conn.execute(
            sql + (f" AND ({where})" if where else "") + " ORDER BY position",
            (account, *params),
        ).fetchall()
        return list(rows)

    @guarded
    def kept_count(self, account: str) -> int:
        row = self._conn.execute(
            "SELECT COUNT(*) FROM kept_processes WHERE account = ?", (account,)
        ).fetchone()
        return int(row[0])

    @guarded
    def save_kept(
        self,
        account: str,
        head: dict[str, Any],
        rows: Iterable[dict[str, Any]],
        *,
        removed: Iterable[str] = (),
        positions: dict[str, int] | None = None,
        everything: bool = False,
        accounts: Iterable[str] = (),
    ) -> bool:
        """Keep the account's derived processes: ``rows`` replace theirs (all of them with
        ``everything``), ``removed`` go, ``positions`` reorder. Refused (False) when what is
        kept was derived from later records or at a later time already. Changes every
        kept account has taken in are forgotten (``accounts``: the configured ones)."""
        with self.transaction():
            current = self.kept_head(account)
            if current is not None and not everything:
                if current["version"] > head["version"] or (
                    current["version"] == head["version"]
                    and current["computed_at"] > head["computed_at"]
                ):
                    return False
            if everything:
                self._conn.execute("DELETE FROM kept_processes WHERE account = ?", (account,))
            self._conn.executemany(
                "DELETE FROM kept_processes WHERE account = ? AND process_id = ?",
                [(account, pid) for pid in removed],
            )
            if positions:
                self._conn.executemany(
                    "UPDATE kept_processes SET position = ? WHERE account = ? AND process_id = ?",
                    [(pos, account, pid) for pid, pos in positions.items()],
                )
            for row in rows:
                columns = list(row)
                self._conn.execute(
                    f"INSERT OR REPLACE INTO kept_processes (account, {', '.join(columns)}) "
                    f"VALUES (?, {', '.join('?' * len(columns))})",
                    (account, *row.values()),
                )
            self._conn.execute(
                "INSERT OR REPLACE INTO kept_accounts (account, fingerprint, version, computed_at, zone) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    account,
                    head["fingerprint"],
                    head["version"],
                    codec.ts(head["computed_at"]),
                    head["zone"],
                ),
            )
            names = list(accounts) or [account]
            marks = ",".join("?" * len(names))
            self._conn.execute(
                "DELETE FROM kept_changes WHERE id <= (SELECT COALESCE(MIN(version), 0) "
                f"FROM kept_accounts WHERE account IN ({marks}))",
                names,
            )
        return True

    @guarded
    def forget_kept(self) -> None:
        """Drop every kept process: the next pass or command derives them from the records."""
        with self.transaction():
            self._conn.execute("DELETE FROM kept_processes")
            self._conn.execute("DELETE FROM kept_accounts")

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

    @guarded
    def start_run(self, account: str | None, at: datetime) -> int:
        """Record a run starting in this process. Runs left unfinished by a writer that
        is gone (killed mid-pass) are marked interrupted first."""
        pid = os.getpid()
        with self.transaction():
            if self.holds_writer_lock:  # then no other writer is alive
                self._conn.execute(
                    "UPDATE runs SET error = ? WHERE finished_at IS NULL AND error IS NULL "
                    "AND (pid IS NULL OR pid != ?)",
                    (RUN_INTERRUPTED, pid),
                )
            cursor = self._conn.execute(
                "INSERT INTO runs (started_at, account, pid, pid_started) VALUES (?, ?, ?, ?)",
                (codec.ts(at), account, pid, process_start(pid)),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def run_is_live(self, run: dict[str, Any]) -> bool:
        """Is an unfinished run's process still at work? It is when that very process
        (same pid, same start time) is alive and is the one the writer lock names."""
        if run.get("finished_at") is not None or run.get("error") == RUN_INTERRUPTED:
            return False
        pid = run.get("pid")
        if pid is None:  # recorded before runs named their process: trust the lock alone
            holder = self.writer_lock_holder()
            return holder is not None and process_alive(holder)
        return self.writer_lock_holder() == pid and process_alive(pid, run.get("pid_started"))

    @guarded
    def finish_run(
        self, run_id: int, at: datetime, summary: dict[str, Any], error: str | None = None
    ) -> None:
        with self.transaction():
            self._conn.execute(
                "UPDATE runs SET finished_at = ?, summary_json = ?, error = ? WHERE id = ?",
                (
                    codec.ts(at),
                    redact(codec.dump(summary)),
                    redact(error) if error else None,
                    run_id,
                ),
            )

    @guarded
    def last_runs(self, limit: int = 10) -> list[dict[str, Any]]:
        rows = self._conn.execute(
            "SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [
            {
                "id": row["id"],
                "account": row["account"],
                "started_at": codec.parse_ts(row["started_at"]),
                "finished_at": codec.parse_ts(row["finished_at"]),
                "summary": json.loads(row["summary_json"]) if row["summary_json"] else {},
                "error": row["error"],
                "pid": row["pid"],
                "pid_started": row["pid_started"],
            }
            for row in rows
        ]

    # -- the draft-storm breaker ---------------------------------------------

    def draft_breaker(self, account: str) -> dict[str, Any] | None:
        """The account's tripped breaker ({tripped_at, limit, held}), or None."""
        raw = self.get_meta(_BREAKER + account)
        try:
            value = json.loads(raw) if raw else None
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def trip_draft_breaker(self, account: str, at: datetime, *, limit: int, held: int) -> None:
        """Hold every further draft of ``account`` until the user releases them."""
        before = self.draft_breaker(account) or {}
        value = {
            "tripped_at": before.get("tripped_at") or at.isoformat(),
            "limit": limit,
            "held": held,
        }
        self.set_meta(_BREAKER + account, json.dumps(value, sort_keys=True))

    def request_draft_release(self, accounts: Iterable[str]) -> None:
        """The user's override: the next pass of each account writes every draft due."""
        with self.transaction():
            for account in accounts:
                self.set_meta(_RELEASE + account, "1")

    def draft_release_requested(self, account: str) -> bool:
        return self.get_meta(_RELEASE + account) == "1"

    def clear_draft_breaker(self, account: str) -> None:
        with self.transaction():
            self.set_meta(_BREAKER + account, None)
            self.set_meta(_RELEASE + account, None)

    @guarded
    def get_meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    @guarded
    def set_meta(self, key: str, value: str | None) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, redact(value) if value else value),
            )
