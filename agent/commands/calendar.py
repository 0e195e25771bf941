"""``followup calendar export FILE.ics``: interviews and follow-up days for a calendar app."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from agent.commands.common import config_option, load, now_option, open_store, resolve_now


@click.group("calendar")
def calendar_group() -> None:
    """Your interviews (with the place or video link the invitation gave) and the days
    follow-ups fall due, as an iCalendar (.ics) file any calendar app can import or
    subscribe to. Set `calendar_file` in the config to have the background service keep
    one up to date."""


@calendar_group.command("export")
@config_option
@now_option
@click.argument("target", metavar="FILE.ics", type=click.Path(dir_okay=False, allow_dash=True))
def export_command(config_path: str | None, now_text: str | None, target: str) -> None:
    """Write the calendar to FILE.ics ('-' for standard output).

    The file is private to you (mode 0600). Importing it again updates the events
    rather than doubling them: every event keeps its UID.
    """
    from agent.calendar_sync import calendar_bytes, write_private

    config = load(config_path)
    now = resolve_now(now_text, config.timezone)
    with open_store(config) as store:
        data, count = calendar_bytes(config, store, now)
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    path = Path(target).expanduser()
    write_private(path, data)
    click.echo(f"Wrote {count} event(s) to {path}.")
    if config.calendar_file is None:
        click.echo("To keep it up to date, set calendar_file in the config.")
