"""``followup scan``: one pass over every account."""

from __future__ import annotations

import json
import sys

import click

from agent.commands.common import config_option, load, now_option, open_store, resolve_now


def print_report(report: dict, *, console=None) -> None:  # type: ignore[no-untyped-def]
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
        if acc["capped"]:
            console.print(
                f"  [yellow]{acc['capped']} more draft(s) held back by the draft limit; they follow in later passes[/]"
            )
        if acc["error"]:
            console.print(f"  [red]error:[/] {acc['error']}")


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
def scan_command(
    config_path: str | None,
    now_text: str | None,
    once: bool,
    dry_run: bool,
    as_json: bool,
    accounts: tuple[str, ...],
) -> None:
    """Scan the mailbox once: fetch new mail, recognise hiring mail, update the
    processes and write any follow-up that is due as a draft in your Drafts folder.

    Only the text of likely job mail is fetched. Your mail is never changed,
    moved or sent. With --dry-run nothing is written to the mailbox.
    """
    from agent.errors import UsageError
    from agent.scan import Engine

    config = load(config_path)
    unknown = [a for a in accounts if a not in {acc.name for acc in config.accounts}]
    if unknown:
        raise UsageError(f"no account named {', '.join(unknown)} in {config.path}")
    if not config.accounts:
        raise UsageError("no accounts configured", hint="run `followup init` first")
    now = resolve_now(now_text, config.timezone)
    store = open_store(config)
    try:
        store.acquire_writer_lock(wait=2.0)
        engine = Engine(config)
        report = _run_with_progress(
            engine, store, now=now, dry_run=dry_run, accounts=accounts, quiet=as_json
        )
    finally:
        store.close()
    data = report.to_json()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        print_report(data)
    if not report.ok:
        sys.exit(1)


def _run_with_progress(engine, store, *, now, dry_run, accounts, quiet):  # type: ignore[no-untyped-def]
    from agent.scan import run_pass

    if quiet or not sys.stderr.isatty():
        return run_pass(engine, store, now=now, dry_run=dry_run, account_names=accounts)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True
    ) as bar:
        task = bar.add_task("scanning", total=None)

        def progress(account: str, n: int) -> None:
            bar.update(task, advance=n, description=f"scanning {account}")

        return run_pass(
            engine, store, now=now, dry_run=dry_run, account_names=accounts, progress=progress
        )
