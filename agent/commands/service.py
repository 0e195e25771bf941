"""``followup service install|uninstall|status``: run the daemon under the service manager.

Linux: a systemd user unit in ``~/.config/systemd/user/`` (``$XDG_CONFIG_HOME``),
then ``systemctl --user daemon-reload`` and ``enable --now``. macOS: a launchd
agent in ``~/Library/LaunchAgents/``, then ``launchctl bootstrap``. When the
service manager cannot be reached (no user session, a container), the file is
still written and the commands to run later are printed; that is not an error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from agent.commands.common import config_option

SYSTEMD = "systemd"
LAUNCHD = "launchd"


@dataclass(frozen=True)
class Done:
    returncode: int
    out: str
    err: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def why(self) -> str:
        text = (self.err or self.out).strip().splitlines()
        return text[0] if text else f"exit code {self.returncode}"


def _call(argv: list[str], *, timeout: float = 20.0) -> Done | None:
    """Run a service-manager command; None when the program does not exist."""
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        return None
    except subprocess.TimeoutExpired:
        return Done(124, "", f"{argv[0]} did not answer within {timeout:g} s")
    return Done(done.returncode, done.stdout, done.stderr)


def _platform(choice: str) -> str:
    if choice != "auto":
        return choice
    return LAUNCHD if sys.platform == "darwin" else SYSTEMD


def _config_path(config_path: str | None) -> Path:
    from agent.config import default_config_path

    path = Path(config_path).expanduser() if config_path else default_config_path()
    return path.resolve()


def _check_config(path: Path) -> None:
    from agent.config import load_config
    from agent.errors import UsageError

    config = load_config(path)
    if not config.accounts:
        raise UsageError(f"no accounts configured in {path}", hint="run `followup init` first")


def _write(path: Path, data: bytes) -> None:
    """Atomically, mode 0644 (service managers read these files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


platform_option = click.option(
    "--platform",
    "platform_name",
    type=click.Choice(["auto", SYSTEMD, LAUNCHD]),
    default="auto",
    show_default=True,
    help="Service manager to target (auto: launchd on macOS, systemd elsewhere).",
)


@click.group("service")
def service_group() -> None:
    """Run followup in the background under your service manager: a systemd
    user service on Linux, a launchd agent on macOS. It starts at login (or at
    boot with lingering), restarts after failures and is watched for hangs."""


@service_group.command("install")
@config_option
@platform_option
@click.option(
    "--dry-run", is_flag=True, help="Print the unit file and where it would go; change nothing."
)
@click.option(
    "--no-start", is_flag=True, help="Write the file, but do not enable or start the service."
)
def install_command(
    config_path: str | None, platform_name: str, dry_run: bool, no_start: bool
) -> None:
    """Write the service definition (with this Python and your config) and start it."""
    from agent.commands.service_units import (
        exec_argv,
        launchd_log_dir,
        launchd_plist_path,
        render_launchd_plist,
        render_systemd_unit,
        systemd_unit_path,
    )

    platform = _platform(platform_name)
    config = _config_path(config_path)
    if not dry_run:
        _check_config(config)
    argv = exec_argv(config)
    if platform == SYSTEMD:
        target = systemd_unit_path()
        data = render_systemd_unit(argv, config).encode("utf-8")
    else:
        target = launchd_plist_path()
        data = render_launchd_plist(argv, config, launchd_log_dir())
    if dry_run:
        click.echo(f"# {target}", err=True)
        click.echo(data.decode("utf-8"), nl=False)
        if not config.exists():
            click.echo(f"# note: {config} does not exist yet; run `followup init` first", err=True)
        return
    _write(target, data)
    click.echo(f"Wrote {target}")
    if platform == LAUNCHD:
        launchd_log_dir().mkdir(parents=True, exist_ok=True)
    if no_start:
        click.echo("Not started (--no-start). To start it:")
        _print_start_commands(platform, target)
        return
    if platform == SYSTEMD:
        _start_systemd(target)
    else:
        _start_launchd(target)


def _print_start_commands(platform: str, target: Path) -> None:
    if platform == SYSTEMD:
        click.echo("  systemctl --user daemon-reload")
        click.echo("  systemctl --user enable --now followup.service")
        _linger_advice(always=True)
    else:
        click.echo(f"  launchctl bootstrap gui/{os.getuid()} {target}")


def _start_systemd(target: Path) -> None:
    reload = _call(["systemctl", "--user", "daemon-reload"])
    if reload is None:
        click.echo("systemctl is not available here. On a machine with systemd, run:")
        _print_start_commands(SYSTEMD, target)
        return
    if not reload.ok:
        click.echo(f"No systemd user session is reachable ({reload.why}).")
        click.echo("The unit is installed; from a login session, run:")
        _print_start_commands(SYSTEMD, target)
        return
    enable = _call(["systemctl", "--user", "enable", "--now", "followup.service"])
    if enable is None or not enable.ok:
        click.echo(f"systemctl could not start followup: {enable.why if enable else 'not found'}")
        click.echo("See: journalctl --user -u followup.service")
        return
    state = _call(["systemctl", "--user", "is-active", "followup.service"])
    click.echo(f"followup.service is {state.out.strip() if state else 'unknown'}.")
    _linger_advice(always=False)


def _linger_advice(*, always: bool) -> None:
    user = os.environ.get("USER") or os.environ.get("LOGNAME") or "$USER"
    shown = _call(["loginctl", "show-user", user, "--property=Linger", "--value"], timeout=5.0)
    if shown is not None and shown.ok and shown.out.strip() == "yes":
        return
    if always or shown is not None:
        click.echo(
            "To keep followup running while you are logged out (and start it at boot):\n"
            f"  loginctl enable-linger {user}"
        )


def _start_launchd(target: Path) -> None:
    from agent.commands.service_units import LAUNCHD_LABEL

    domain = f"gui/{os.getuid()}"
    _call(["launchctl", "bootout", f"{domain}/{LAUNCHD_LABEL}"])
    boot = _call(["launchctl", "bootstrap", domain, str(target)])
    if boot is None:
        click.echo("launchctl is not available here. On the Mac, run:")
        _print_start_commands(LAUNCHD, target)
        return
    if not boot.ok:
        click.echo(f"launchctl could not load the agent: {boot.why}")
        return
    click.echo(f"Loaded {LAUNCHD_LABEL}; logs in ~/Library/Logs/followup/followup.log")


@service_group.command("uninstall")
@platform_option
def uninstall_command(platform_name: str) -> None:
    """Stop the service and remove its definition (your config and data stay)."""
    from agent.commands.service_units import LAUNCHD_LABEL, launchd_plist_path, systemd_unit_path

    platform = _platform(platform_name)
    if platform == SYSTEMD:
        target = systemd_unit_path()
        stop = _call(["systemctl", "--user", "disable", "--now", "followup.service"])
        if stop is not None and not stop.ok:
            click.echo(f"systemctl: {stop.why}")
    else:
        target = launchd_plist_path()
        _call(["launchctl", "bootout", f"gui/{os.getuid()}/{LAUNCHD_LABEL}"])
    if target.exists():
        target.unlink()
        click.echo(f"Removed {target}")
        if platform == SYSTEMD:
            _call(["systemctl", "--user", "daemon-reload"])
    else:
        click.echo(f"Nothing to remove: {target} does not exist")


@service_group.command("status")
@config_option
@platform_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def status_command(config_path: str | None, platform_name: str, as_json: bool) -> None:
    """Is the service installed, what does the service manager say, and what did the
    daemon last do (last and next scan, last error)?"""
    from agent.commands.service_units import LAUNCHD_LABEL, launchd_plist_path, systemd_unit_path

    platform = _platform(platform_name)
    target = systemd_unit_path() if platform == SYSTEMD else launchd_plist_path()
    info: dict[str, Any] = {
        "platform": platform,
        "unit_file": str(target),
        "installed": target.exists(),
    }
    if platform == SYSTEMD:
        shown = _call(
            [
                "systemctl",
                "--user",
                "show",
                "followup.service",
                "--property=LoadState,ActiveState,SubState,MainPID,NRestarts,Result",
            ]
        )
        if shown is None:
            info["manager"] = "systemctl not available"
        elif not shown.ok:
            info["manager"] = f"no systemd user session ({shown.why})"
        else:
            info["manager"] = dict(
                line.split("=", 1) for line in shown.out.splitlines() if "=" in line
            )
    else:
        shown = _call(["launchctl", "print", f"gui/{os.getuid()}/{LAUNCHD_LABEL}"])
        if shown is None:
            info["manager"] = "launchctl not available"
        else:
            state = [
                ln.strip() for ln in shown.out.splitlines() if ln.strip().startswith("state =")
            ]
            info["manager"] = state[0] if state else f"not loaded ({shown.why})"
    info["daemon"] = _daemon_status(config_path)
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False))
        return
    click.echo(f"unit file: {target} ({'installed' if info['installed'] else 'not installed'})")
    manager = info["manager"]
    if isinstance(manager, dict):
        manager = ", ".join(f"{k}={v}" for k, v in manager.items())
    click.echo(f"service manager: {manager}")
    daemon = info["daemon"]
    if "error" in daemon:
        click.echo(f"daemon: {daemon['error']}")
        return
    running = f"running (pid {daemon['pid']})" if daemon["running"] else daemon["state"]
    click.echo(f"daemon: {running}")
    for key, label in (
        ("status", "status"),
        ("last_scan_at", "last scan"),
        ("next_scan_at", "next scan"),
        ("next_due_at", "next draft due"),
    ):
        if daemon.get(key):
            click.echo(f"  {label}: {daemon[key]}")
    error = daemon.get("last_error")
    if error:
        click.echo(
            f"  last error ({error.get('account')}, {error.get('at')}): {error.get('error')}"
        )
        if error.get("hint"):
            click.echo(f"  hint: {error['hint']}")


def _daemon_status(config_path: str | None) -> dict[str, Any]:
    from agent.commands.common import load, open_store
    from agent.daemon.status import daemon_status
    from agent.errors import FollowupError

    try:
        config = load(config_path)
        if not config.db_path.exists():
            return {"running": False, "state": "never run", "pid": None}
        store = open_store(config, timeout=2.0)
    except FollowupError as exc:
        return {"error": str(exc)}
    try:
        return daemon_status(store)
    finally:
        store.close()
