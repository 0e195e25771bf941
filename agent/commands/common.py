"""Options and helpers shared by the commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from agent.config import CONFIG_ENV
from agent.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])


def _config_from_group(
    ctx: click.Context, param: click.Parameter, value: Path | None
) -> Path | None:
    """``followup --config FILE scan`` and ``followup scan --config FILE`` alike: the
    command's own option wins, then the group's; without either, ``load_config`` looks
    at ``$FOLLOWUP_CONFIG`` and then the user config dir."""
    if value is not None:
        return value
    root = ctx.find_root()
    given = (root.obj or {}).get("config_path") if isinstance(root.obj, dict) else None
    return Path(given) if given else None


def config_option(func: F) -> F:
    """``--config PATH``, passed on as ``config_path`` (``None``: the default file)."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        callback=_config_from_group,
        help=f"Config file (default: ${CONFIG_ENV}, else the user config dir's followup/config.toml).",
    )(func)


def now_option(func: F) -> F:
    return click.option(
        "--now",
        "now_text",
        metavar="ISO",
        help="Act as if it were this time (ISO 8601), e.g. to see what is due on a given day.",
    )(func)


def resolve_now(text: str | None, tz: str = "UTC") -> datetime:
    """The clock, read here at the edge; ``--now`` stands in for it everywhere. A
    ``--now`` without a zone is a time in ``tz`` (every command passes the config's)."""
    if not text:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--now: expected an ISO 8601 date or time, got {text!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(tz))
    return parsed


def load(config_path: str | None):
    from agent.config import load_config

    return load_config(config_path)


def open_store(config: Any, *, timeout: float = 5.0):
    from agent.store import Store

    return Store.open(config.db_path, timeout=timeout)
