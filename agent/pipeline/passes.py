"""One pass over every account: ingest → reconcile drafts → track → plan → apply.

This is where the pure core meets the mailbox and the store. Ingesting is
``agent.pipeline.ingest``; tracking and planning are pure (``agent.kept`` keeps what
``agent.tracker`` and ``agent.policy`` derive); an executor of
``agent.pipeline.executor`` carries out the plan, or, in a dry run, only says what it
would do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from agent.accounts import drafts_folder, open_source
from agent.config import AccountConfig
from agent.errors import FolderError, MailboxError
from agent.kept import refresh
from agent.pipeline.engine import Engine
from agent.pipeline.executor import DraftExecutor, DryRunExecutor
from agent.pipeline.ingest import FolderSync, folders_to_scan
from agent.pipeline.report import AccountReport, PassReport
from agent.redaction import redact
from agent.sources.base import Source
from agent.store import Store

log = logging.getLogger(__name__)


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
    from agent.policy import combine

    syncer = FolderSync(
        source,
        store,
        engine.analyzer,
        account=account.name,
        own_addresses=engine.own_addresses(account),
        now=now,
        progress=(lambda n: progress(account.name, n)) if progress else None,
        crash=engine.crash,
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

    breaker = store.draft_breaker(account.name)
    release = release_drafts or store.draft_release_requested(account.name)
    policy = engine.policy
    if release:  # the user's override: everything due is written in this pass
        policy = replace(policy, max_drafts_per_pass=UNCAPPED)
    hold = _hold_reason(report, None if release else breaker)
    executor = (DryRunExecutor if dry_run else DraftExecutor)(
        engine, store, source, account, drafts_box, now=now, hold=hold
    )
    if drafts_box is not None:
        executor.reconcile(report, sent_ids=set(report.stats.sent_followups))
    board = refresh(store, engine, account, now, save=not dry_run)
    report.processes = len(board)
    executor.apply(combine(board.plans(), policy), board, report)
    if dry_run:
        report.breaker = breaker
        return
    refresh(store, engine, account, now, save=True)  # with the drafts just written
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
