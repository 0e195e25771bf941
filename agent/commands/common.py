"""Options and helpers shared by the commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from agent.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])


def config_option(func: F) -> F:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False),
        envvar="FOLLOWUP_CONFIG",
        help="Config file (default: $FOLLOWUP_CONFIG, else the platform config dir).",
    )(func)


def now_option(func: F) -> F:
    return click.option(
        "--now",
        "now_text",
        metavar="ISO",
        help="Act as if it were this time (ISO 8601), e.g. to see what is due on a given day.",
    )(func)


def resolve_now(text: str | None, tz: str = "UTC") -> datetime:
    """The clock, read here at the edge; ``--now`` stands in for it everywhere."""
    if not text:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--now: expected an ISO 8601 date or time, got {text!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(tz))
    return parsed


def load(config_path: str | None):  # type: ignore[no-untyped-def]
    from agent.config import load_config

    return load_config(config_path)


def open_store(config: Any, *, timeout: float = 5.0):  # type: ignore[no-untyped-def]
    from agent.store import Store

    return Store.open(config.db_path, timeout=timeout)
