"""One pass over every account: sync → reconcile drafts → track → plan → apply.

This is the one module that wires the pure core to the mailbox and the store.
Planning is pure (``agent.policy.plan``); :class:`DraftExecutor` carries out the
plan. The intent to write a draft is committed before the APPEND, and before any
APPEND the Drafts folder is searched for the draft's ``X-Followup-Id``, so a crash
at any step neither loses nor duplicates a draft (I1, I2).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from agent.accounts import drafts_folder, open_source
from agent.analysis import Analyzer
from agent.config import AccountConfig, Config
from agent.errors import FolderError, MailboxError
from agent.kept import Deriver, refresh
from agent.message import MARKER_HEADER
from agent.records import (
    DRAFT_APPENDED,
    DRAFT_CANCELLED,
    DRAFT_INTENT,
    DRAFT_SENT,
    DRAFT_USER_DELETED,
    DRAFT_USER_EDITED,
    DraftRecord,
)
from agent.redaction import redact
from agent.rules import Rules
from agent.sources.base import Source
from agent.store import Store
from agent.sync import FolderSync, SyncStats, crash_point, folders_to_scan

log = logging.getLogger(__name__)

MAX_DRAFT_BYTES = 200_000  # a draft is a page of text; more is not one the agent wrote


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


class Engine:
    """The parts of a pass that are built once and reused (rules, analyzer, policy, templates)."""

    def __init__(
        self, config: Config, rules: Rules | None = None, analyzer: Analyzer | None = None
    ) -> None:
        from agent.analysis.calendar import BusinessCalendar
        from agent.drafts import TemplateSet
        from agent.employers import EmployerDirectory
        from agent.policy import load_policy

        self.config = config
        self.rules = rules or Rules.load(config.rules_dir)
        self.analyzer = analyzer or Analyzer(
            self.rules, languages=config.languages, country=config.country
        )
        self.policy = load_policy(self.rules)
        if config.max_drafts_per_pass != self.policy.max_drafts_per_pass:
            from dataclasses import replace

            self.policy = replace(self.policy, max_drafts_per_pass=config.max_drafts_per_pass)
        self.calendar = BusinessCalendar(config.country)
        self.tz = ZoneInfo(config.timezone)
        self.directory = EmployerDirectory.from_rules(self.rules)
        self.templates = TemplateSet.from_rules(self.rules, tuple(config.languages))
        self.deriver = Deriver(
            config,
            rules=self.rules,
            policy=self.policy,
            calendar=self.calendar,
            directory=self.directory,
        )

    def own_addresses(self, account: AccountConfig) -> set[str]:
        return {account.address.lower(), *(a.lower() for a in account.aliases)}

    def processes(self, store: Store, account: AccountConfig, now: datetime) -> list[Any]:
        from agent.tracker import build_processes

        # Processes added by hand belong to the first account (the one drafts go from).
        first = self.config.accounts[0].name if self.config.accounts else account.name
        processes = build_processes(
            store.tracked_messages(account.name),
            own_addresses=self.own_addresses(account),
            directory=self.directory,
            overrides=store.overrides(),
            manual=store.manual_processes() if account.name == first else [],
            now=now,
        )
        for process in processes:
            if not process.account:
                process.account = account.name
        return processes


def run_pass(
    engine: Engine,
    store: Store,
    *,
    now: datetime,
    dry_run: bool = False,
    account_names: Sequence[str] = (),
    progress: Callable[[str, int], None] | None = None,
    source_factory: Callable[[AccountConfig], Source] | None = None,
    release_drafts: bool = False,
) -> PassReport:
    """Scan every (selected) account once. Errors of one account don't stop the others.

    ``release_drafts`` (or a release the user recorded) lifts the draft-storm breaker:
    every draft due is written in this pass."""
    report = PassReport(now=now, dry_run=dry_run)
    accounts = [a for a in engine.config.accounts if not account_names or a.name in account_names]
    for account in accounts:
        acc_report = AccountReport(account.name)
        report.accounts.append(acc_report)
        run_id = store.start_run(account.name, now)
        try:
            with (source_factory or open_source)(account) as source:
                _run_account(
                    engine,
                    store,
                    source,
                    account,
                    acc_report,
                    now=now,
                    dry_run=dry_run,
                    progress=progress,
                    release_drafts=release_drafts,
                )
        except MailboxError as exc:
            # A server's refusal may quote what it was sent: the report (printed, or
            # --json) gets the text with every registered secret taken out.
            acc_report.error = redact(str(exc))
            log.error("account %s: %s", account.name, exc)
        except BaseException as exc:
            # Whatever ends the pass (a bug, a stop signal), the run is not left "running".
            _finish_run_quietly(
                store, run_id, now, acc_report, f"ended early: {type(exc).__name__}"
            )
            raise
        store.finish_run(run_id, now, acc_report.to_json(), error=acc_report.error)
    return report


def _finish_run_quietly(
    store: Store, run_id: int, now: datetime, report: AccountReport, error: str
) -> None:
    try:
        store.finish_run(run_id, now, report.to_json(), error=error)
    except Exception:  # noqa: BLE001 - the store may be what failed; the error goes on up
        log.debug("could not record the end of run %s", run_id, exc_info=True)


def _run_account(
    engine: Engine,
    store: Store,
    source: Source,
    account: AccountConfig,
    report: AccountReport,
    *,
    now: datetime,
    dry_run: bool,
    progress: Callable[[str, int], None] | None,
    release_drafts: bool = False,
) -> None:
    from agent.policy import (
        CancelDraft,
        CreateDraft,
        DraftsCapped,
        FlagDraft,
        MarkGhosted,
        combine,
    )

    syncer = FolderSync(
        source,
        store,
        engine.analyzer,
        account=account.name,
        own_addresses=engine.own_addresses(account),
        now=now,
        progress=(lambda n: progress(account.name, n)) if progress else None,
    )
    try:
        for folder, role in folders_to_scan(source, account.folders):
            report.stats.merge(syncer.sync_folder(folder, role))
    finally:
        syncer.close()

    drafts_box: str | None = None
    try:
        drafts_box = drafts_folder(source, account).name
        report.drafts_folder = drafts_box
    except FolderError as exc:
        report.error = f"{exc} ({exc.hint})" if exc.hint else str(exc)
        log.error("%s", report.error)

    executor = DraftExecutor(engine, store, source, account, drafts_box, now=now, dry_run=dry_run)
    if drafts_box is not None:
        executor.reconcile(report, sent_ids=set(report.stats.sent_followups))
    board = refresh(store, engine.deriver, account, now, save=not dry_run)
    report.processes = len(board)
    breaker = store.draft_breaker(account.name)
    release = release_drafts or store.draft_release_requested(account.name)
    policy = engine.policy
    if release:  # the user's override: everything due is written in this pass
        policy = replace(policy, max_drafts_per_pass=UNCAPPED)
    hold = _hold_reason(report, None if release else breaker)
    actions = combine(board.plans(), policy)
    for action in actions:
        if isinstance(action, CreateDraft) and hold is not None:
            report.held += 1
            continue
        if isinstance(action, CreateDraft):
            report.planned.append(
                {
                    "action": action.action,
                    "process": action.process_id,
                    "followup_id": action.followup_id,
                    "due_at": action.due_at.isoformat(),
                    "reason": action.reason,
                }
            )
            if drafts_box is None:
                continue
            executor.create(board.view(action.process_id).process, action, report)
        elif isinstance(action, CancelDraft):
            report.planned.append(
                {
                    "action": "cancel",
                    "followup_id": action.followup_id,
                    "process": action.process_id,
                    "reason": action.reason,
                }
            )
            if drafts_box is not None:
                executor.cancel(action.followup_id, action.reason, report)
        elif isinstance(action, FlagDraft):
            report.planned.append(
                {
                    "action": "flag",
                    "followup_id": action.followup_id,
                    "process": action.process_id,
                    "reason": action.reason,
                }
            )
            if not dry_run:
                executor.flag(action.followup_id, action.reason)
        elif isinstance(action, MarkGhosted):
            report.planned.append(
                {"action": "ghosted", "process": action.process_id, "reason": action.reason}
            )
        elif isinstance(action, DraftsCapped):
            report.held += len(action.deferred)
            if hold is not None:
                continue
            report.capped = len(action.deferred)
            log.warning(
                "draft breaker: %d more drafts held back (limit %d a pass); "
                "`followup scan --release-drafts` writes them",
                len(action.deferred),
                action.limit,
            )
    if dry_run:
        report.breaker = breaker
        return
    refresh(store, engine.deriver, account, now, save=True)  # with the drafts just written
    if report.capped:
        store.trip_draft_breaker(
            account.name, now, limit=policy.max_drafts_per_pass, held=report.held
        )
    elif (release and hold is None) or (
        breaker is not None and hold == HOLD_BREAKER and not report.held
    ):
        store.clear_draft_breaker(account.name)  # released, or nothing is waiting any more
    elif breaker is not None and report.held:
        store.trip_draft_breaker(account.name, now, limit=breaker["limit"], held=report.held)
    report.breaker = store.draft_breaker(account.name)
    if hold is not None and report.held:
        log.warning("account %s: %d due draft(s) not written: %s", account.name, report.held, hold)


UNCAPPED = 1_000_000
HOLD_BREAKER = "the draft limit was reached; `followup scan --release-drafts` writes them"


def _hold_reason(report: AccountReport, breaker: dict[str, Any] | None) -> str | None:
    """Why no draft may be written in this pass, or None. A folder whose UIDVALIDITY
    keeps changing was not read, so a reply there may be unseen: no follow-up is safe."""
    if report.stats.held:
        folders = ", ".join(sorted(report.stats.held))
        return f"folder {folders} not read: its UIDVALIDITY keeps changing"
    if breaker is not None:
        return HOLD_BREAKER
    return None


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
        dry_run: bool,
    ) -> None:
        self.engine = engine
        self.store = store
        self.source = source
        self.account = account
        self.folder = folder
        self.now = now
        self.dry_run = dry_run
        self._raw_cache: dict[str, bytes] = {}

    # -- finding our own drafts -----------------------------------------------------------
    def _find(self, followup_id: str) -> list[int]:
        assert self.folder is not None
        found = self.source.search_header(self.folder, MARKER_HEADER, followup_id)
        if not found:
            self.source.noop()  # servers that index lazily (Gmail) see the APPEND after a NOOP
            found = self.source.search_header(self.folder, MARKER_HEADER, followup_id)
        return sorted(found)

    def reconcile(self, report: AccountReport, *, sent_ids: set[str]) -> None:
        """Bring recorded drafts up to date: finish interrupted APPENDs, notice sent,
        edited and deleted drafts. Never touches a draft the user owns."""
        sent_ids |= self.store.sent_followup_ids(self.account.name)
        for record in self.store.drafts(self.account.name, states=(DRAFT_INTENT, DRAFT_APPENDED)):
            if record.followup_id in sent_ids:
                if not self.dry_run:
                    self.store.set_draft_state(
                        record.followup_id, DRAFT_SENT, at=self.now, reason="seen in Sent"
                    )
                report.handed_off["sent"] += 1
                continue
            if record.state == DRAFT_INTENT:
                # Interrupted between intent and record: _append adopts what is there, else appends.
                self._append(record, report)
                continue
            found = self._find(record.followup_id)
            if not found:
                if not self.dry_run:
                    self.store.set_draft_state(
                        record.followup_id,
                        DRAFT_USER_DELETED,
                        at=self.now,
                        reason="no longer in Drafts",
                    )
                report.handed_off["deleted"] += 1
            elif record.uid is not None and record.uid not in found:
                if not self.dry_run:
                    self.store.set_draft_state(
                        record.followup_id,
                        DRAFT_USER_EDITED,
                        at=self.now,
                        reason="replaced in Drafts (edited)",
                        uid=found[-1],
                    )
                report.handed_off["edited"] += 1

    # -- actions --------------------------------------------------------------------------
    def create(self, process: Any, action: Any, report: AccountReport) -> None:
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
        if self.dry_run:
            return
        record = rendered.to_record(state=DRAFT_INTENT)
        if not self.store.put_draft(record):
            return  # this follow-up existed before: never recreated
        crash_point("intent recorded")
        self._raw_cache[record.followup_id] = rendered.to_bytes()
        self._append(record, report)

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
        if self.dry_run:
            return
        found = self._find(record.followup_id)
        if found:
            self.store.set_draft_state(
                record.followup_id,
                DRAFT_APPENDED,
                at=self.now,
                reason="already in Drafts",
                uid=found[0],
                folder=self.folder,
            )
            report.adopted.append(record.followup_id)
            return
        uid = self.source.append(
            self.folder, self._raw_for(record), flags=("\\Draft",), when=self.now
        )
        crash_point("append sent")
        if uid is None:
            found = self._find(record.followup_id)
            uid = found[0] if found else None
        self.store.set_draft_state(
            record.followup_id,
            DRAFT_APPENDED,
            at=self.now,
            reason="appended",
            uid=uid,
            folder=self.folder,
        )
        crash_point("append recorded")
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
        if record is None or self.dry_run:
            return
        found = self._find(followup_id) if self.folder else []
        # Only the exact message appended, unchanged, is removed: a client may save the
        # user's rewrite as a new message that keeps the marker (and flag ours \Deleted).
        theirs = [uid for uid in found if not self._is_ours_untouched(uid, record)]
        if theirs:
            self.store.set_draft_state(
                followup_id,
                DRAFT_USER_EDITED,
                at=self.now,
                reason=f"edited; not removed: {reason}",
                uid=theirs[-1],
            )
            return
        for uid in found:
            self.source.delete(self.folder, uid)  # type: ignore[arg-type]
        self.store.set_draft_state(followup_id, DRAFT_CANCELLED, at=self.now, reason=reason)
        report.cancelled.append(followup_id)

    def _is_ours_untouched(self, uid: int, record: DraftRecord) -> bool:
        from agent.drafts import is_untouched_draft

        assert self.folder is not None
        fetched = list(self.source.fetch_messages(self.folder, [uid], max_bytes=MAX_DRAFT_BYTES))
        return bool(fetched) and is_untouched_draft(fetched[0].data, record)

    def flag(self, followup_id: str, reason: str) -> None:
        """The user's own version of a draft is never touched; say what changed since."""
        log.info("draft %s belongs to the user now; %s", followup_id, reason)
