"""``followup demo``: the whole agent on the bundled example mailbox, no account needed."""

from __future__ import annotations

import shutil
import tempfile
import tomllib
from pathlib import Path

import click

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _write_config(root: Path, settings: dict) -> Path:
    account = settings["account"]
    config = root / "config.toml"
    lines = [
        f'state_dir = "{root / "state"}"',
        f'timezone = "{settings.get("timezone", "Europe/Oslo")}"',
        f'country = "{settings.get("country", "NO")}"',
        "",
        "[[accounts]]",
        'name = "demo"',
        f'maildir = "{root / "mailbox"}"',
        f'address = "{account["address"]}"',
        f'display_name = "{account["display_name"]}"',
    ]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


@click.command("demo")
@click.option(
    "--keep",
    type=click.Path(file_okay=False),
    help="Work in this directory and keep it (default: a temporary one).",
)
@click.option("--now", "now_text", metavar="ISO", help="Override the demo's fixed date.")
@click.option("--json", "as_json", is_flag=True, help="Print the scan summary as JSON.")
def demo_command(keep: str | None, now_text: str | None, as_json: bool) -> None:
    """Run the agent on the bundled example mailbox (a job search in English and
    Norwegian) on a fixed day, then show the hiring processes it found and the
    follow-up drafts it wrote. Nothing outside a temporary directory is touched.
    """
    import json

    from rich.console import Console
    from rich.rule import Rule

    from agent.commands.common import resolve_now
    from agent.commands.scan import print_report
    from agent.config import load_config
    from agent.kept import refresh
    from agent.pipeline.engine import Engine
    from agent.pipeline.passes import run_pass
    from agent.store import Store

    settings = tomllib.loads((EXAMPLES / "demo.toml").read_text(encoding="utf-8"))
    root = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="followup-demo-"))
    root.mkdir(parents=True, exist_ok=True)
    mailbox = root / "mailbox"
    if mailbox.exists():
        shutil.rmtree(mailbox)
    shutil.copytree(EXAMPLES / "mailbox", mailbox)
    for keep_file in mailbox.rglob(".keep"):
        keep_file.unlink()
    if (root / "state").exists():
        shutil.rmtree(root / "state")
    config = load_config(_write_config(root, settings))
    now = resolve_now(now_text or settings["now"], config.timezone)
    console = Console(width=max(Console().width, 110))
    if not as_json:
        console.print(Rule(f"followup demo — {now:%A %d %B %Y %H:%M} ({config.timezone})"))
        console.print(f"Mailbox: {mailbox}")
    store = Store.open(config.state_dir / "followup.db")
    try:
        engine = Engine(config).built()
        report = run_pass(engine, store, now=now)
        data = report.to_json()
        if as_json:
            click.echo(json.dumps(data, ensure_ascii=False))
            return
        print_report(data, console=console)
        shown = refresh(store, engine, config.accounts[0], now, save=False).views()
        drafts = store.drafts("demo")
    finally:
        store.close()
    _show(console, shown, drafts, engine, now)
    console.print(Rule())
    console.print(f"The drafts are in {mailbox / '.Drafts' / 'cur'}; state in {config.state_dir}.")
    console.print(f"Explore with: followup --config {root / 'config.toml'} processes --all")
    if not keep:
        console.print("(temporary directory; run with --keep DIR to keep it)")


def _show(console, views, drafts, engine, now) -> None:
    from rich.rule import Rule
    from rich.table import Table

    from agent.views import next_text

    table = Table(title="Hiring processes", show_lines=False)
    for column in ("id", "company", "role", "state", "promised by", "next"):
        table.add_column(column, overflow="fold")
    for view in views:
        p = view.process
        table.add_row(
            p.id,
            p.company or "?",
            p.role or "",
            view.state,
            p.promised_by.isoformat() if p.promised_by else "",
            next_text(view, engine.tz, now),
        )
    console.print(table)
    for d in drafts:
        console.print(Rule(f"draft {d.followup_id} · {d.action} · {d.state}"))
        console.print(f"To: {d.to or '(nobody yet)'}\nSubject: {d.subject}\n")
        console.print(d.body, markup=False, highlight=False)
        if d.note:
            console.print(f"[yellow]note: {d.note}[/]")
