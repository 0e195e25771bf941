"""Runs (one row per scan or daemon pass), the draft-storm breaker and small key/value facts."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from agent.redaction import redact
from agent.store import codec
from agent.store.db import Database, guarded, process_alive, process_start

_BREAKER = "draft_breaker:"  # meta key prefix, per account
_RELEASE = "draft_release:"
RUN_INTERRUPTED = "interrupted: the scan ended before finishing (killed or crashed)"


class RunTables(Database):
    """The ``runs`` and ``meta`` tables."""

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

    @guarded
    def prune_runs(self, *, before: datetime, keep_last: int = 50) -> int:
        """Delete run records that started before ``before`` (keeping the last ``keep_last``)."""
        with self.transaction():
            cursor = self._conn.execute(
                "DELETE FROM runs WHERE started_at < ? AND id NOT IN "
                "(SELECT id FROM runs ORDER BY id DESC LIMIT ?)",
                (codec.ts(before), keep_last),
            )
        return max(cursor.rowcount, 0)

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
