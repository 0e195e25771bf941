"""What the tracker derives, kept between commands (see ``agent.kept``), and the cached
process list of the last pass."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from agent.store import codec
from agent.store.db import Database, guarded


class KeptTables(Database):
    """The ``process_snapshot`` and ``kept_*`` tables."""

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
