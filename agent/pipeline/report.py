"""What a pass did, per account, as ``followup scan --json`` prints it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agent.pipeline.ingest import SyncStats


@dataclass
class AccountReport:
    account: str
    stats: SyncStats = field(default_factory=SyncStats)
    planned: list[dict[str, Any]] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    handed_off: Counter[str] = field(default_factory=Counter)
    processes: int = 0
    capped: int = 0
    held: int = 0  # due drafts not written: the breaker is tripped or a folder is held
    breaker: dict[str, Any] | None = None  # the tripped draft-storm breaker, if it is
    error: str | None = None
    drafts_folder: str | None = None
    refused: list[dict[str, Any]] = field(default_factory=list)  # failed the draft check

    def to_json(self) -> dict[str, Any]:
        s = self.stats
        return {
            "account": self.account,
            "messages_seen": s.seen,
            "already_known": s.known,
            "candidates": s.candidates,
            "analyzed": s.analyzed,
            "job_messages": {k: v for k, v in sorted(s.kinds.items()) if k != "not_job"},
            "not_job": s.kinds.get("not_job", 0),
            "skipped": dict(s.skipped),
            "processes": self.processes,
            "drafts_created": self.created,
            "drafts_cancelled": self.cancelled,
            "drafts_adopted": self.adopted,
            "drafts_handed_off": dict(self.handed_off),
            "planned": self.planned,
            "capped": self.capped,
            "drafts_held": self.held,
            "draft_breaker": self.breaker,
            "folders_held": dict(s.held),
            "drafts_folder": self.drafts_folder,
            "drafts_refused": self.refused,
            "error": self.error,
        }


@dataclass
class PassReport:
    now: datetime
    dry_run: bool
    accounts: list[AccountReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(a.error is None for a in self.accounts)

    def to_json(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "dry_run": self.dry_run,
            "ok": self.ok,
            "accounts": [a.to_json() for a in self.accounts],
        }
