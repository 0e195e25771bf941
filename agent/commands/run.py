"""``followup run``: the agent as a long-running service (see ``agent.daemon``)."""

from __future__ import annotations

import logging
from typing import Any

import click

from agent.commands.common import config_option

log = logging.getLogger(__name__)


def run_daemon(
    config_path: str | None, *, scan_interval: float | None = None, verbose: int = 0
) -> int:
    """Load, lock, announce READY and loop until SIGTERM/SIGINT. Returns the exit code."""
    from agent.config import load_config
    from agent.daemon.loop import Daemon, DaemonSettings
    from agent.errors import AlreadyRunningError, UsageError
    from agent.logging_setup import setup_logging
    from agent.store import Store

    config = load_config(config_path)

    def apply_log_level(cfg: Any) -> None:
        level = "DEBUG" if verbose else cfg.log_level
        setup_logging(level, protocol_debug=verbose >= 2)

    apply_log_level(config)
    if not config.accounts:
        raise UsageError(
            f"no accounts configured in {config.path}", hint="run `followup init` first"
        )
    settings = DaemonSettings.from_config(config, scan_interval=scan_interval)
    store = Store.open(config.db_path)
    try:
        try:
            store.acquire_writer_lock(wait=0)
        except AlreadyRunningError:
            holder = _lock_holder(store.lock_path)
            raise AlreadyRunningError(
                f"followup is already running (pid {holder}) for {config.db_path}; not starting another",
                hint="see `followup status`; stop the service with `systemctl --user stop followup`",
            ) from None
        path = config.path
        daemon = Daemon(
            config,
            store,
            settings=settings,
            load=lambda: load_config(path),
            on_reload=apply_log_level,
        )
        with daemon.signal_handlers():
            daemon.run()
    finally:
        store.close()
    return 0


def _lock_holder(lock_path: Any) -> str:
    try:
        with open(lock_path, encoding="ascii", errors="replace") as handle:
            return handle.read().strip() or "unknown"
    except OSError:
        return "unknown"


@click.command("run")
@config_option
@click.option(
    "--once-per",
    "once_per",
    type=float,
    metavar="SECONDS",
    help="Scan once per SECONDS instead of the config's scan_interval.",
)
@click.pass_context
def run_command(ctx: click.Context, config_path: str | None, once_per: float | None) -> None:
    """Run in the foreground as a background service: read new mail as soon as
    the server announces it (IMAP IDLE, unless the config says idle = false),
    scan on a schedule, write each follow-up draft when it falls due, and keep
    going through network trouble (retrying with back-off). Usually started by `followup service
    install` (systemd or launchd) rather than by hand.

    Stops cleanly on SIGTERM or Ctrl-C; SIGHUP reloads the config. Only one
    daemon (or scan) runs per state database. Retry waits can be tuned with
    FOLLOWUP_BACKOFF_BASE, FOLLOWUP_BACKOFF_CAP and FOLLOWUP_AUTH_RETRY (seconds).
    """
    verbose = (ctx.find_object(dict) or {}).get("verbose", 0)
    ctx.exit(run_daemon(config_path, scan_interval=once_per, verbose=verbose))
