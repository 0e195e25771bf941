"""Service definitions for the daemon: a systemd user unit and a launchd agent.

The templates live here so an installed package can write them; the copies in
the repository (``systemd/followup.service``, ``launchd/no.followup.agent.plist``)
are these templates with their default paths, kept identical by a test.

The systemd unit uses only hardening that needs neither privileges nor user
namespaces, so it behaves the same in user managers with and without
namespacing: NoNewPrivileges, seccomp filters (system calls, architectures,
address families, namespaces, W^X memory), realtime and SUID restrictions and
a private umask. Mount-namespace options (PrivateTmp, ProtectSystem,
ProtectHome, ...) are left out on purpose: in a user manager they need
unprivileged user namespaces, which many distributions restrict.
"""

from __future__ import annotations

import os
import plistlib
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

SERVICE_NAME = "followup.service"
LAUNCHD_LABEL = "no.followup.agent"
WATCHDOG_SEC = 120
RESTART_SEC = 30
STOP_TIMEOUT = 15

# `%h` is systemd's specifier for the user's home directory.
DEFAULT_EXEC_START = "%h/.local/bin/followup run --config %h/.config/followup/config.toml"
DEFAULT_CONFIG_ENV = "FOLLOWUP_CONFIG=%h/.config/followup/config.toml"

SYSTEMD_TEMPLATE = f"""\
# followup as a systemd user service.
# `followup service install` writes this file to ~/.config/systemd/user/ with
# ExecStart and FOLLOWUP_CONFIG filled in, then enables and starts it.
# Without a login session (headless machines) also run: loginctl enable-linger $USER
[Unit]
Description=followup: follow-up drafts for your job applications
StartLimitIntervalSec=0

[Service]
Type=notify
NotifyAccess=main
ExecStart={DEFAULT_EXEC_START}
ExecReload=/bin/kill -HUP $MAINPID
Environment={DEFAULT_CONFIG_ENV}
Environment=PYTHONUNBUFFERED=1
SyslogIdentifier=followup
Restart=on-failure
RestartSec={RESTART_SEC}
# Exit codes 2 and 3 are usage and config errors: restarting cannot fix them.
RestartPreventExitStatus=2 3
WatchdogSec={WATCHDOG_SEC}
TimeoutStartSec=90
TimeoutStopSec={STOP_TIMEOUT}
# Hardening that works in user units with and without user namespaces.
UMask=0077
NoNewPrivileges=yes
LockPersonality=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
RestrictNamespaces=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
SystemCallErrorNumber=EPERM
KeyringMode=private
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
# password_command runs under this too: remove the next line if yours needs a
# JIT runtime (Node.js based tools such as the Bitwarden CLI).
MemoryDenyWriteExecute=yes

[Install]
WantedBy=default.target
"""

# Paths in the repository copy of the plist (`followup service install` writes real ones).
EXAMPLE_HOME = "/Users/you"


def exec_argv(config_path: Path, *, python: str | None = None) -> list[str]:
    """The daemon's command line: this interpreter, this package, this config."""
    return [python or sys.executable, "-m", "agent.cli", "run", "--config", str(config_path)]


# -- systemd ----------------------------------------------------------------------------


def systemd_quote(arg: str) -> str:
    """One word for ExecStart=/Environment=: specifiers and variables escaped, quoted if needed."""
    text = arg.replace("%", "%%").replace("$", "$$")
    if text and not any(c in text for c in " \t\"'\\;"):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    return f'"{escaped}"'


def render_systemd_unit(argv: Sequence[str], config_path: Path) -> str:
    """The unit with the real command line and config path."""
    if not argv or not os.path.isabs(argv[0]):
        raise ValueError("ExecStart needs an absolute program path")
    exec_start = " ".join(systemd_quote(a) for a in argv)
    env = systemd_quote(f"FOLLOWUP_CONFIG={config_path}")
    unit = SYSTEMD_TEMPLATE.replace(
        f"ExecStart={DEFAULT_EXEC_START}\n", f"ExecStart={exec_start}\n"
    )
    return unit.replace(f"Environment={DEFAULT_CONFIG_ENV}\n", f"Environment={env}\n")


def systemd_unit_path(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/systemd/user/followup.service`` (``~/.config`` by default)."""
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or ""
    root = Path(base) if base and os.path.isabs(base) else _home(env) / ".config"
    return root / "systemd" / "user" / SERVICE_NAME


# -- launchd ----------------------------------------------------------------------------


def launchd_plist(argv: Sequence[str], config_path: Path, log_dir: Path) -> dict[str, Any]:
    log_file = str(log_dir / "followup.log")
    return {
        "Label": LAUNCHD_LABEL,
        "ProgramArguments": list(argv),
        "EnvironmentVariables": {"FOLLOWUP_CONFIG": str(config_path), "PYTHONUNBUFFERED": "1"},
        "RunAtLoad": True,
        "KeepAlive": {"SuccessfulExit": False},
        "ThrottleInterval": RESTART_SEC,
        "ProcessType": "Background",
        "ExitTimeOut": STOP_TIMEOUT,
        "Umask": 0o077,
        "StandardOutPath": log_file,
        "StandardErrorPath": log_file,
    }


def render_launchd_plist(argv: Sequence[str], config_path: Path, log_dir: Path) -> bytes:
    return plistlib.dumps(launchd_plist(argv, config_path, log_dir), sort_keys=False)


def example_launchd_plist() -> bytes:
    """The repository copy: a pipx-style install in an example home directory."""
    home = Path(EXAMPLE_HOME)
    config = home / "Library" / "Application Support" / "followup" / "config.toml"
    argv = [str(home / ".local" / "bin" / "followup"), "run", "--config", str(config)]
    return render_launchd_plist(argv, config, home / "Library" / "Logs" / "followup")


def launchd_plist_path(env: Mapping[str, str] | None = None) -> Path:
    return _home(env) / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist"


def launchd_log_dir(env: Mapping[str, str] | None = None) -> Path:
    return _home(env) / "Library" / "Logs" / "followup"


def _home(env: Mapping[str, str] | None) -> Path:
    env = os.environ if env is None else env
    home = env.get("HOME")
    return Path(home) if home else Path.home()
