"""The user's own notes on their job search: interview reflections (``followup reflect``)
and when tracking began (for ``followup stats``).

Reflections never leave the machine; one row per process and interview round, replaced
when the user looks back on the same round again.
"""

from __future__ import annotations

from datetime import datetime

from agent.records import Reflection
from agent.store import codec
from agent.store.db import Database, guarded


class ReflectionTables(Database):
    """Interview reflections and the start of tracking."""

    @guarded
    def reflections(self, process_ids: list[str] | None = None) -> list[Reflection]:
        sql = "SELECT * FROM reflections"
        params: list[str] = []
        if process_ids is not None:
            if not process_ids:
                return []
            sql += f" WHERE process_id IN ({','.join('?' * len(process_ids))})"
            params = list(process_ids)
        rows = self._conn.execute(sql + " ORDER BY created_at, id", params).fetchall()
        return [codec.reflection_record(row) for row in rows]

    @guarded
    def put_reflection(self, r: Reflection) -> None:
        """Store ``r``, replacing an earlier reflection on the same process and round."""
        with self.transaction():
            self._conn.execute(
                "INSERT INTO reflections (process_id, round, created_at, updated_at, language, "
                "interview_at, answers_json, interest, answer_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (process_id, round) DO UPDATE SET updated_at = excluded.updated_at, "
                "language = excluded.language, interview_at = excluded.interview_at, "
                "answers_json = excluded.answers_json, interest = excluded.interest, "
                "answer_by = excluded.answer_by",
                (
                    r.process_id,
                    r.round,
                    codec.ts(r.created_at),
                    codec.ts(r.updated_at),
                    r.language,
                    codec.opt_ts(r.interview_at),
                    codec.dump(dict(r.answers)),
                    r.interest,
                    codec.day(r.answer_by),
                ),
            )

    @guarded
    def tracking_started_at(self) -> datetime | None:
        """When the first scan saw its first message: mail older than this was found, not
        watched as it came."""
        row = self._conn.execute("SELECT MIN(first_seen_at) FROM messages").fetchone()
        return codec.parse_ts(row[0]) if row and row[0] else None
