"""``followup analyze``: understand .eml files, one JSON object per line with --json."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime
from pathlib import Path

import click

from agent.errors import BadInputError, RulesError

log = logging.getLogger(__name__)


def parse_now(value: str | None, tz: str) -> datetime | None:
    """``--now`` as an aware datetime; without a zone, a time in ``tz``."""
    if value is None:
        return None
    from agent.commands.common import resolve_now

    return resolve_now(value, tz)


def _zone() -> str:
    """The configured time zone when there is a readable config, else UTC (``analyze``
    needs no account)."""
    from agent.config import load_config
    from agent.errors import ConfigError

    try:
        return load_config(None).timezone
    except ConfigError:
        return "UTC"


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    p = Path(path)
    if not p.is_file():
        raise BadInputError(f"{path}: no such file")
    if p.stat().st_size > 50_000_000:
        raise BadInputError(f"{path}: larger than 50 MB, not analyzed")
    return p.read_bytes()


def _summary(path: str, result: dict) -> str:
    lines = [click.style(path, bold=True)]
    lines.append(
        f"  kind:        {result['kind']} ({result['confidence']:.0%})  language: {result['language']}"
    )
    if result["company"]:
        lines.append(f"  company:     {result['company']}")
    if result["interview_at"]:
        lines.append(f"  interview:   {result['interview_at']}")
    lines.append(f"  promised by: {result['promised_by'] or 'nothing promised'}")
    for ev in result["evidence"]:
        lines.append(f"    “{ev['sentence']}”")
        lines.append(f"      {ev['phrase']!r} → {ev['resolved']}")
    return "\n".join(lines)


@click.command("analyze")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the analysis contract as JSON (one object per line).",
)
@click.option(
    "--now",
    help="Reference time for messages without a usable Date (ISO 8601; without a zone, "
    "in the configured time zone, else UTC).",
)
@click.option(
    "--rules", "rules_dir", type=click.Path(file_okay=False), help="Your own rules directory."
)
def analyze_command(
    paths: tuple[str, ...], as_json: bool, now: str | None, rules_dir: str | None
) -> None:
    """Analyze PATH... (.eml files, or - for standard input).

    Prints the kind of message, its language, the employer, the interview time and
    the latest day the sender promised a reply, with the sentence that says so.
    Dates are resolved against each message's own Date header.
    """
    from agent.analysis import Analyzer
    from agent.message import parse_message
    from agent.rules import Rules

    fallback = parse_now(now, _zone()) if now else None
    analyzer = Analyzer(Rules.load(rules_dir))
    failures = 0
    for path in paths:
        try:
            raw = _read(path)
            msg = parse_message(raw, fallback_date=fallback)
            result = analyzer.analyze(msg).to_json()
        except BadInputError as exc:
            failures += 1
            message = str(exc) if str(exc).startswith(path) else f"{path}: {exc}"
            click.secho(f"Error: {message}", fg="red", err=True)
            continue
        except RulesError:
            raise  # the rules, not the file: stop with the rules error
        except Exception as exc:  # noqa: BLE001 - one bad file never stops the others
            failures += 1
            log.debug("analysis of %s failed", path, exc_info=True)
            click.secho(
                f"Error: {path}: could not be analyzed ({exc.__class__.__name__})",
                fg="red",
                err=True,
            )
            continue
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False))
        else:
            click.echo(_summary(path, result))
    if failures:
        sys.exit(2)
