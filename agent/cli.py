"""The ``followup`` command: a thin click layer over the library.

Commands live in ``agent.commands.*`` and are imported only when used, so
``followup --help`` and ``followup status`` start fast (no spaCy, no dateparser).
Every product error is turned into a message and an exit code in one place:
:func:`handle_errors`.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable
from typing import Any

import click

from agent import __version__
from agent.errors import FollowupError

# name -> (module:attribute, one-line help shown by `followup --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("agent.commands.demo:demo_command", "Run the agent on the bundled example mailbox."),
    "analyze": (
        "agent.commands.analyze:analyze_command",
        "Analyze .eml files: kind, promise, company.",
    ),
    "scan": (
        "agent.commands.scan:scan_command",
        "Scan the mailbox once: sync, analyze, track, draft.",
    ),
    "status": (
        "agent.commands.status:status_command",
        "Accounts, last scan, processes, next action.",
    ),
    "processes": ("agent.commands.review:processes_command", "List hiring processes."),
    "show": (
        "agent.commands.review:show_command",
        "Show one process: timeline, promise, next action.",
    ),
    "reflect": (
        "agent.commands.coach:reflect_command",
        "Look back on an interview: notes, timeline, interest.",
    ),
    "stats": (
        "agent.commands.stats:stats_command",
        "Your job search in numbers: funnel, answer times, promises kept.",
    ),
    "calendar": (
        "agent.commands.calendar:calendar_group",
        "Interviews and follow-up days as an iCalendar file.",
    ),
    "drafts": (
        "agent.commands.drafts:drafts_group",
        "List, show, edit or discard follow-up drafts.",
    ),
    "add": ("agent.commands.correct:add_command", "Add a process the mail missed."),
    "close": ("agent.commands.correct:close_command", "Close a process (withdrawn, hired, other)."),
    "snooze": (
        "agent.commands.correct:snooze_command",
        "Pause follow-ups for a process until a date.",
    ),
    "edit": (
        "agent.commands.correct:edit_command",
        "Fix a process's company, role or promised date.",
    ),
    "offer": (
        "agent.commands.correct:offer_command",
        "Record a competing offer; drafts notes to the others.",
    ),
    "run": ("agent.commands.run:run_command", "Run as a background service (scan on a schedule)."),
    "service": (
        "agent.commands.service:service_group",
        "Install, remove or inspect the background service.",
    ),
    "init": ("agent.commands.setup:init_command", "Set up an account (guided or with flags)."),
    "doctor": (
        "agent.commands.setup:doctor_command",
        "Check config, password, login, folders and state.",
    ),
}

log = logging.getLogger(__name__)


def handle_errors(func: Callable[[], Any]) -> Any:
    """Run ``func``; turn product errors into one clear line (and a hint) and an exit code."""
    try:
        return func()
    except FollowupError as exc:
        from agent.redaction import redact

        click.secho(f"Error: {redact(str(exc))}", fg="red", err=True)
        if exc.hint:
            click.echo(f"Hint: {redact(exc.hint)}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attr = target[0].partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None
            raise
        command = getattr(module, attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, help_text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="followup")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for protocol detail).")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Config file for the command that follows (as its own --config).",
)
@click.pass_context
def cli(ctx: click.Context, verbose: int, config_path: str | None) -> None:
    """followup tracks your job applications in your mailbox and writes polite follow-ups
    as drafts in your own Drafts folder. It never sends mail.

    Start with `followup demo` (no account needed) or `followup init`.
    """
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    ctx.obj["config_path"] = config_path
    level = logging.WARNING - 10 * min(verbose, 2)
    from agent.logging_setup import setup_logging

    setup_logging(logging.getLevelName(level))
    if verbose < 2:
        logging.getLogger("imapclient").setLevel(logging.WARNING)


def main() -> None:
    handle_errors(lambda: cli(standalone_mode=True))


if __name__ == "__main__":  # pragma: no cover
    main()
