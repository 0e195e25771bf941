"""Every command and subcommand explains itself, and ``followup --help`` starts fast."""

from __future__ import annotations

import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from agent.cli import COMMANDS, cli


def _commands() -> list[tuple[tuple[str, ...], click.Command]]:
    """(path, command) for every registered command and every subcommand of a group."""
    found: list[tuple[tuple[str, ...], click.Command]] = []
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None, (
            f"`followup {name}` is registered but {COMMANDS[name][0]} does not exist"
        )
        found.append(((name,), command))
        if isinstance(command, click.Group):
            for sub_name, sub in command.commands.items():
                found.append(((name, sub_name), sub))
    return found


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_help(name: str) -> None:
    for path, command in _commands():
        if path[0] != name:
            continue
        assert (command.help or "").strip(), f"`followup {' '.join(path)}` has no help text"
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert (param.help or "").strip(), (
                    f"`followup {' '.join(path)}` {param.opts[0]} has no help"
                )
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, result.output
        first_line = (command.help or "").strip().splitlines()[0].strip()
        assert first_line.split()[0] in result.output


def test_top_level_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name, (_, summary) in COMMANDS.items():
        assert name in result.output and summary.split()[0] in result.output


def test_help_does_not_load_the_language_models() -> None:
    code = (
        "import sys\n"
        "from agent.cli import cli\n"
        "for args in (['--help'], ['status', '--help'], ['processes', '--help'], ['drafts', '--help']):\n"
        "    try:\n        cli(args)\n    except SystemExit as exc:\n        assert not exc.code, (args, exc.code)\n"
        "print(sorted(m for m in ('spacy', 'dateparser', 'thinc') if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "FOLLOWUP_CONFIG"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
