"""``followup scan``: one pass over every account."""

from __future__ import annotations

import json
import os
import sys

import click

from agent.commands.common import config_option, load, now_option, open_store, resolve_now


def print_report(report: dict, *, console=None) -> None:
    from rich.console import Console

    console = console or Console()
    for acc in report["accounts"]:
        console.print(
            f"[bold]{acc['account']}[/]: {acc['messages_seen']} messages seen, "
            f"{acc['candidates']} candidates, {acc['analyzed']} analyzed, {acc['processes']} processes"
        )
        kinds = ", ".join(f"{k} {v}" for k, v in acc["job_messages"].items())
        if kinds:
            console.print(f"  job mail: {kinds}")
        if acc["skipped"]:
            console.print("  skipped: " + ", ".join(f"{k} {v}" for k, v in acc["skipped"].items()))
        verb = "would write" if report["dry_run"] else "wrote"
        creates = [p for p in acc["planned"] if p["action"] not in ("cancel", "flag", "ghosted")]
        if creates:
            console.print(f"  {verb} {len(creates)} draft(s):")
            for p in creates:
                console.print(
                    f"    • {p['action']} for process {p['process']} (due {p['due_at'][:16]}): {p['reason']}"
                )
        for p in acc["planned"]:
            if p["action"] in ("cancel", "ghosted", "flag"):
                console.print(f"  {p['action']}: process {p['process']}: {p['reason']}")
        if acc["drafts_adopted"]:
            console.print(
                f"  recovered {len(acc['drafts_adopted'])} draft(s) written before an interruption"
            )
        for folder, why in (acc.get("folders_held") or {}).items():
            console.print(
                f"  [red]folder {folder} not read and no draft written: {why}[/]; "
                "it resumes by itself once the server is steady (see `followup status`)"
            )
        if acc["capped"]:
            console.print(
                f"  [yellow]{acc['capped']} more draft(s) held back by the draft limit[/]; check "
                "them with `followup scan --dry-run --release-drafts`, write them with "
                "`followup scan --release-drafts`"
            )
        elif acc.get("drafts_held") and not acc.get("folders_held"):
            console.print(
                f"  [yellow]{acc['drafts_held']} due draft(s) held back: the draft limit was "
                "reached[/]; write them with `followup scan --release-drafts`"
            )
        if acc["error"]:
            console.print(f"  [red]error:[/] {acc['error']}", soft_wrap=True)


@click.command("scan")
@config_option
@now_option
@click.option(
    "--once", is_flag=True, help="One pass and exit (the default; `followup run` repeats)."
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Read and analyze, but write nothing to the mailbox; list planned drafts.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option("--account", "accounts", multiple=True, help="Only this account (repeatable).")
@click.option(
    "--release-drafts",
    is_flag=True,
    help="Write every due draft, beyond the draft limit (max_drafts_per_pass) that holds "
    "back a sudden flood of drafts. With the service running, its next scan does it.",
)
def scan_command(
    config_path: str | None,
    now_text: str | None,
    once: bool,
    dry_run: bool,
    as_json: bool,
    accounts: tuple[str, ...],
    release_drafts: bool,
) -> None:
    """Scan the mailbox once: fetch new mail, recognise hiring mail, update the
    processes and write any follow-up that is due as a draft in your Drafts folder.

    Only the text of likely job mail is fetched. Your mail is never changed,
    moved or sent. With --dry-run nothing is written to the mailbox.
    """
    from agent.errors import AlreadyRunningError, UsageError
    from agent.pipeline.crash import crash_hook
    from agent.pipeline.engine import Engine

    config = load(config_path)
    unknown = [a for a in accounts if a not in {acc.name for acc in config.accounts}]
    if unknown:
        raise UsageError(f"no account named {', '.join(unknown)} in {config.path}")
    if not config.accounts:
        raise UsageError("no accounts configured", hint="run `followup init` first")
    now = resolve_now(now_text, config.timezone)
    store = open_store(config)
    try:
        if release_drafts and not dry_run:
            # Recorded first: a running service (holding the lock) honours it at its next scan.
            store.request_draft_release(accounts or [a.name for a in config.accounts])
        try:
            store.acquire_writer_lock(wait=2.0)
        except AlreadyRunningError:
            if not release_drafts or dry_run:
                raise
            click.echo("The background service is running: its next scan writes the held drafts.")
            return
        engine = Engine(config, crash=crash_hook(os.environ)).built()
        report = _run_with_progress(
            engine,
            store,
            now=now,
            dry_run=dry_run,
            accounts=accounts,
            quiet=as_json,
            release_drafts=release_drafts,
        )
        if not dry_run and config.calendar_file is not None:
            from agent.calendar_sync import refresh_calendar_file

            refresh_calendar_file(config, store, now)
    finally:
        store.close()
    data = report.to_json()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        print_report(data)
    if not report.ok:
        sys.exit(1)


def _run_with_progress(engine, store, *, now, dry_run, accounts, quiet, release_drafts=False):
    from agent.pipeline.passes import run_pass

    if quiet or not sys.stderr.isatty():
        return run_pass(
            engine,
            store,
            now=now,
            dry_run=dry_run,
            account_names=accounts,
            release_drafts=release_drafts,
        )
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True
    ) as bar:
        task = bar.add_task("scanning", total=None)

        def progress(account: str, n: int) -> None:
            bar.update(task, advance=n, description=f"scanning {account}")

        return run_pass(
            engine,
            store,
            now=now,
            dry_run=dry_run,
            account_names=accounts,
            progress=progress,
            release_drafts=release_drafts,
        )
