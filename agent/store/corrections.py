"""The user's corrections: overrides of a process, processes added by hand, competing offers."""

from __future__ import annotations

from agent.records import CompetingOffer, ManualProcess, ProcessOverride
from agent.store import codec
from agent.store.db import Database, guarded


class CorrectionTables(Database):
    """The ``overrides``, ``manual_processes`` and ``offers`` tables."""

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
