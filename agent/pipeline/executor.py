"""Carrying out a pass's plan against the Drafts folder, crash-safely.

The plan is pure (``agent.policy``); an executor applies it with one handler per kind
of action. :class:`DraftExecutor` writes: the intent to write a draft is committed
before the APPEND, and before any APPEND the Drafts folder is searched for the draft's
``X-Followup-Id``, so a crash at any step neither loses nor duplicates a draft (I1,
I2). :class:`DryRunExecutor` reads the mailbox and renders and checks every draft the
same way, and writes nothing, to the mailbox or the state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from agent.message import MARKER_HEADER
from agent.pipeline.report import AccountReport
from agent.policy import Action, CancelDraft, CreateDraft, DraftsCapped, FlagDraft, MarkGhosted
from agent.records import (
    DRAFT_APPENDED,
    DRAFT_CANCELLED,
    DRAFT_INTENT,
    DRAFT_SENT,
    DRAFT_USER_DELETED,
    DRAFT_USER_EDITED,
    DraftRecord,
)

if TYPE_CHECKING:
    from agent.config import AccountConfig
    from agent.kept import Board
    from agent.pipeline.engine import Engine
    from agent.sources.base import Source
    from agent.store import Store

log = logging.getLogger(__name__)

MAX_DRAFT_BYTES = 200_000  # a draft is a page of text; more is not one the agent wrote


def find_drafts(source: Source, folder: str, followup_id: str) -> list[int]:
    """UIDs of the messages in ``folder`` that carry our marker ``followup_id``."""
    found = source.search_header(folder, MARKER_HEADER, followup_id)
    if not found:
        source.noop()  # servers that index lazily (Gmail) see a recent APPEND after a NOOP
        found = source.search_header(folder, MARKER_HEADER, followup_id)
    return sorted(found)


class DraftExecutor:
    """Carries out draft actions against the Drafts folder, crash-safely."""

    def __init__(
        self,
        engine: Engine,
        store: Store,
        source: Source,
        account: AccountConfig,
        folder: str | None,
        *,
        now: datetime,
        hold: str | None = None,
    ) -> None:
        self.engine = engine
        self.store = store
        self.source = source
        self.account = account
        self.folder = folder
        self.now = now
        self.hold = hold  # why no draft may be written in this pass, if one may not
        self._raw_cache: dict[str, bytes] = {}
        self._handlers: dict[type, Callable[[Any, Board, AccountReport], None]] = {
            CreateDraft: self._on_create,
            CancelDraft: self._on_cancel,
            FlagDraft: self._on_flag,
            MarkGhosted: self._on_ghosted,
            DraftsCapped: self._on_capped,
        }

    def apply(self, actions: list[Action], board: Board, report: AccountReport) -> None:
        """Carry out the plan, one handler per kind of action."""
        for action in actions:
            self._handlers[type(action)](action, board, report)

    # -- the handlers ---------------------------------------------------------------------
    def _on_create(self, action: CreateDraft, board: Board, report: AccountReport) -> None:
        if self.hold is not None:
            report.held += 1
            return
        self._plan(action, report)
        if self.folder is not None:
            self.create(board.view(action.process_id).process, action, report)

    def _on_cancel(self, action: CancelDraft, board: Board, report: AccountReport) -> None:
        self._plan(action, report)
        if self.folder is not None:
            self.cancel(action.followup_id, action.reason, report)

    def _on_flag(self, action: FlagDraft, board: Board, report: AccountReport) -> None:
        self._plan(action, report)
        self.flag(action.followup_id, action.reason)

    def _on_ghosted(self, action: MarkGhosted, board: Board, report: AccountReport) -> None:
        self._plan(action, report)

    def _on_capped(self, action: DraftsCapped, board: Board, report: AccountReport) -> None:
        report.held += len(action.deferred)
        if self.hold is not None:
            return
        report.capped = len(action.deferred)
        log.warning(
            "draft breaker: %d more drafts held back (limit %d a pass); "
            "`followup scan --release-drafts` writes them",
            len(action.deferred),
            action.limit,
        )

    @staticmethod
    def _plan(action: Action, report: AccountReport) -> None:
        summary = action.summary()
        if summary is not None:
            report.planned.append(summary)

    # -- what is written: overridden by the dry run -------------------------------------------
    def _set_state(self, followup_id: str, state: str, **kwargs: Any) -> None:
        self.store.set_draft_state(followup_id, state, at=self.now, **kwargs)

    def _write(self, rendered: Any, report: AccountReport) -> None:
        record = rendered.to_record(state=DRAFT_INTENT)
        if not self.store.put_draft(record):
            return  # this follow-up existed before: never recreated
        self.engine.crash("intent recorded")
        self._raw_cache[record.followup_id] = rendered.to_bytes()
        self._append(record, report)

    # -- finding our own drafts -----------------------------------------------------------
    def _find(self, followup_id: str) -> list[int]:
        assert self.folder is not None
        return find_drafts(self.source, self.folder, followup_id)

    def reconcile(self, report: AccountReport, *, sent_ids: set[str]) -> None:
        """Bring recorded drafts up to date: finish interrupted APPENDs, notice sent,
        edited and deleted drafts. Never touches a draft the user owns."""
        sent_ids |= self.store.sent_followup_ids(self.account.name)
        for record in self.store.drafts(self.account.name, states=(DRAFT_INTENT, DRAFT_APPENDED)):
            if record.followup_id in sent_ids:
                self._set_state(record.followup_id, DRAFT_SENT, reason="seen in Sent")
                report.handed_off["sent"] += 1
                continue
            if record.state == DRAFT_INTENT:
                # Interrupted between intent and record: _append adopts what is there, else appends.
                self._append(record, report)
                continue
            found = self._find(record.followup_id)
            if not found:
                self._set_state(
                    record.followup_id, DRAFT_USER_DELETED, reason="no longer in Drafts"
                )
                report.handed_off["deleted"] += 1
            elif record.uid is not None and record.uid not in found:
                self._set_state(
                    record.followup_id,
                    DRAFT_USER_EDITED,
                    reason="replaced in Drafts (edited)",
                    uid=found[-1],
                )
                report.handed_off["edited"] += 1

    # -- actions --------------------------------------------------------------------------
    def create(self, process: Any, action: CreateDraft, report: AccountReport) -> None:
        from agent.drafts import render_draft

        if self.account.draft_language:
            action = replace(action, language=self.account.draft_language)
        rendered = render_draft(
            process,
            action,
            account_address=self.account.address,
            account_name=self.account.display_name or self.account.address,
            templates=self.engine.templates,
            now=self.now,
            tz=self.engine.tz,
        )
        if rendered.problems:
            # Under the user's name only what passes the check: say why, write nothing.
            log.warning(
                "draft %s for process %s not written: %s",
                rendered.followup_id,
                rendered.process_id,
                "; ".join(rendered.problems),
            )
            report.refused.append(
                {
                    "process_id": rendered.process_id,
                    "action": rendered.action,
                    "problems": list(rendered.problems),
                }
            )
            return
        self._write(rendered, report)

    def _raw_for(self, record: DraftRecord) -> bytes:
        raw = self._raw_cache.pop(record.followup_id, None)
        if raw is not None:
            return raw
        from agent.drafts import draft_bytes

        return draft_bytes(
            record, from_address=self.account.address, from_name=self.account.display_name
        )

    def _append(self, record: DraftRecord, report: AccountReport) -> None:
        assert self.folder is not None
        found = self._find(record.followup_id)
        if found:
            self._set_state(
                record.followup_id,
                DRAFT_APPENDED,
                reason="already in Drafts",
                uid=found[0],
                folder=self.folder,
            )
            report.adopted.append(record.followup_id)
            return
        uid = self.source.append(
            self.folder, self._raw_for(record), flags=("\\Draft",), when=self.now
        )
        self.engine.crash("append sent")
        if uid is None:
            found = self._find(record.followup_id)
            uid = found[0] if found else None
        self._set_state(
            record.followup_id, DRAFT_APPENDED, reason="appended", uid=uid, folder=self.folder
        )
        self.engine.crash("append recorded")
        report.created.append(record.followup_id)
        log.info(
            "draft %s written to %s (process %s, %s)",
            record.followup_id,
            self.folder,
            record.process_id,
            record.action,
        )

    def cancel(self, followup_id: str, reason: str, report: AccountReport) -> None:
        """A reply came: remove our untouched draft. An edited one is never touched."""
        record = self.store.draft(followup_id)
        if record is None:
            return
        found = self._find(followup_id) if self.folder else []
        # Only the exact message appended, unchanged, is removed: a client may save the
        # user's rewrite as a new message that keeps the marker (and flag ours \Deleted).
        theirs = [uid for uid in found if not self._is_ours_untouched(uid, record)]
        if theirs:
            self._set_state(
                followup_id,
                DRAFT_USER_EDITED,
                reason=f"edited; not removed: {reason}",
                uid=theirs[-1],
            )
            return
        for uid in found:
            self.source.delete(self.folder, uid)  # type: ignore[arg-type]
        self._set_state(followup_id, DRAFT_CANCELLED, reason=reason)
        report.cancelled.append(followup_id)

    def _is_ours_untouched(self, uid: int, record: DraftRecord) -> bool:
        from agent.drafts import is_untouched_draft

        assert self.folder is not None
        fetched = list(self.source.fetch_messages(self.folder, [uid], max_bytes=MAX_DRAFT_BYTES))
        return bool(fetched) and is_untouched_draft(fetched[0].data, record)

    def flag(self, followup_id: str, reason: str) -> None:
        """The user's own version of a draft is never touched; say what changed since."""
        log.info("draft %s belongs to the user now; %s", followup_id, reason)


class DryRunExecutor(DraftExecutor):
    """``followup scan --dry-run``: reads the mailbox, renders and checks every draft,
    counts what would change, and writes nothing to the mailbox or the state."""

    def _set_state(self, followup_id: str, state: str, **kwargs: Any) -> None:
        return None

    def _write(self, rendered: Any, report: AccountReport) -> None:
        return None

    def _append(self, record: DraftRecord, report: AccountReport) -> None:
        return None

    def cancel(self, followup_id: str, reason: str, report: AccountReport) -> None:
        return None

    def flag(self, followup_id: str, reason: str) -> None:
        return None
