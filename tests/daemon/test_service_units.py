"""The systemd unit, the launchd plist and `followup service`.

The unit is checked by systemd itself (``systemd-analyze verify`` and its
offline security audit) with the command line `service install` really writes.
Every test runs with a temporary HOME and XDG directories, and with no
reachable user service manager, so nothing outside tmp_path is touched.
"""

from __future__ import annotations

import json
import os
import plistlib
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from locations import ROOT

from agent.cli import cli
from agent.commands.service_units import (
    LAUNCHD_LABEL,
    SYSTEMD_TEMPLATE,
    example_launchd_plist,
    exec_argv,
    render_launchd_plist,
    render_systemd_unit,
    systemd_quote,
)
from agent.errors import ConfigError

ROOT = ROOT
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
needs_systemd_analyze = pytest.mark.skipif(
    SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed (apt-get install systemd)"
)


def unit_settings(text: str) -> dict[str, dict[str, list[str]]]:
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key, []).append(value)
    return sections


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HOME with no service manager session reachable."""
    home = tmp_path / "home"
    runtime = tmp_path / "runtime"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("FOLLOWUP_CONFIG", raising=False)
    return home


@pytest.fixture
def config_file(home: Path) -> Path:
    maildir = home / "Mail"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    path = home / "conf dir" / "config 100%.toml"
    path.parent.mkdir()
    path.write_text(
        f'state_dir = "{home / "state"}"\ntimezone = "Europe/Oslo"\n\n'
        f'[[accounts]]\nname = "local"\nmaildir = "{maildir}"\naddress = "kari@example.org"\n',
        encoding="utf-8",
    )
    return path


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# -- the files --------------------------------------------------------------------------


def test_repository_copies_match_the_templates():
    assert (ROOT / "systemd" / "followup.service").read_text(encoding="utf-8") == SYSTEMD_TEMPLATE
    assert (ROOT / "launchd" / f"{LAUNCHD_LABEL}.plist").read_bytes() == example_launchd_plist()


def test_unit_has_the_service_contract():
    unit = unit_settings(
        render_systemd_unit(exec_argv(Path("/c/config.toml")), Path("/c/config.toml"))
    )
    service = unit["Service"]
    assert unit["Unit"]["StartLimitIntervalSec"] == ["0"]
    assert service["Type"] == ["notify"] and service["NotifyAccess"] == ["main"]
    assert service["WatchdogSec"] == ["120"] and service["TimeoutStopSec"] == ["15"]
    assert service["Restart"] == ["on-failure"] and service["RestartSec"] == ["30"]
    assert service["UMask"] == ["0077"] and service["NoNewPrivileges"] == ["yes"]
    assert service["MemoryDenyWriteExecute"] == ["yes"]
    assert service["ExecStart"] == [f"{sys.executable} -m agent.cli run --config /c/config.toml"]
    assert "FOLLOWUP_CONFIG=/c/config.toml" in service["Environment"]
    # Mount namespaces need user namespaces in a user manager: not used.
    for option in ("PrivateTmp", "ProtectSystem", "ProtectHome", "PrivateDevices"):
        assert option not in service
    assert unit["Install"]["WantedBy"] == ["default.target"]


def test_systemd_words_are_quoted_and_escaped():
    assert systemd_quote("/usr/bin/python3") == "/usr/bin/python3"
    assert systemd_quote("/a b/c") == '"/a b/c"'
    assert systemd_quote("50%$HOME") == "50%%$$HOME"
    assert systemd_quote('say "hi"\\') == '"say \\"hi\\"\\\\"'
    with pytest.raises(ValueError):
        render_systemd_unit(["python3", "-m", "agent.cli"], Path("/c.toml"))


def _verify(unit: Path, runtime: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime))
    return subprocess.run(
        [SYSTEMD_ANALYZE, "--user", "verify", str(unit)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@needs_systemd_analyze
def test_rendered_unit_passes_systemd_analyze_verify(tmp_path, home, config_file):
    unit = tmp_path / "followup.service"
    unit.write_text(render_systemd_unit(exec_argv(config_file), config_file), encoding="utf-8")
    done = _verify(unit, tmp_path / "runtime")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr  # unknown keys are only warnings

    # The check is real: a unit with a typo or a missing program does not pass.
    broken = tmp_path / "broken" / "followup.service"
    broken.parent.mkdir()
    broken.write_text(
        render_systemd_unit(["/nonexistent/python3", "-m", "agent.cli"], config_file).replace(
            "RestartSec=", "RestartSecs="
        ),
        encoding="utf-8",
    )
    done = _verify(broken, tmp_path / "runtime")
    assert "RestartSecs" in done.stderr and "/nonexistent/python3" in done.stderr


@needs_systemd_analyze
def test_unit_exposure_score_stays_below_the_agreed_threshold(tmp_path, config_file):
    unit = tmp_path / "followup.service"
    unit.write_text(render_systemd_unit(exec_argv(config_file), config_file), encoding="utf-8")
    done = subprocess.run(
        [SYSTEMD_ANALYZE, "--user", "security", "--offline=true", str(unit)],
        capture_output=True,
        text=True,
        env=dict(os.environ, XDG_RUNTIME_DIR=str(tmp_path / "runtime")),
        timeout=60,
        check=False,
    )
    score = re.search(r"Overall exposure level for followup\.service: (\d+\.\d)", done.stdout)
    if score is None and "offline" in done.stderr:
        pytest.skip("this systemd-analyze has no offline security audit")
    assert score, done.stdout + done.stderr
    # Without namespacing (unusable in user units) 6.2 is what seccomp, NoNewPrivileges
    # and friends reach; the unhardened unit scores 9.2.
    assert float(score.group(1)) <= 6.5


def test_launchd_plist_has_the_required_keys(tmp_path):
    config = tmp_path / "config.toml"
    logs = tmp_path / "Library" / "Logs" / "followup"
    plist = plistlib.loads(render_launchd_plist(exec_argv(config), config, logs))
    assert plist["Label"] == LAUNCHD_LABEL
    assert plist["ProgramArguments"] == [
        sys.executable,
        "-m",
        "agent.cli",
        "run",
        "--config",
        str(config),
    ]
    assert plist["EnvironmentVariables"]["FOLLOWUP_CONFIG"] == str(config)
    assert plist["KeepAlive"] == {"SuccessfulExit": False}
    assert plist["RunAtLoad"] is True
    assert plist["ThrottleInterval"] == 30
    assert plist["ProcessType"] == "Background"
    assert plist["Umask"] == 0o077
    for key in ("StandardOutPath", "StandardErrorPath"):
        assert Path(plist[key]).parent == logs


# -- followup service -------------------------------------------------------------------


def test_install_dry_run_prints_the_unit_and_writes_nothing(home, config_file):
    result = invoke("service", "install", "--dry-run", "--config", str(config_file))
    assert result.exit_code == 0, result.output
    assert f"ExecStart={sys.executable} -m agent.cli run --config " in result.stdout
    assert '"' + str(config_file).replace("%", "%%") + '"' in result.stdout
    assert "Type=notify" in result.stdout
    assert not (home / ".config" / "systemd").exists()

    mac = invoke(
        "service", "install", "--dry-run", "--platform", "launchd", "--config", str(config_file)
    )
    plist = plistlib.loads(mac.stdout.encode())
    assert plist["ProgramArguments"][-1] == str(config_file)
    assert plist["StandardErrorPath"] == str(
        home / "Library" / "Logs" / "followup" / "followup.log"
    )


@pytest.mark.skipif(shutil.which("systemctl") is None, reason="systemctl is not installed")
def test_install_without_a_user_session_writes_the_unit_and_explains(home, config_file):
    result = invoke("service", "install", "--config", str(config_file))
    assert result.exit_code == 0, result.output
    unit = home / ".config" / "systemd" / "user" / "followup.service"
    assert stat.S_IMODE(unit.stat().st_mode) == 0o644
    text = unit.read_text(encoding="utf-8")
    assert f"ExecStart={sys.executable} -m agent.cli run --config" in text
    assert "No systemd user session is reachable" in result.output
    assert "systemctl --user enable --now followup.service" in result.output
    assert "loginctl enable-linger" in result.output

    status = invoke("service", "status", "--json", "--config", str(config_file))
    info = json.loads(status.stdout)
    assert info["installed"] is True and info["unit_file"] == str(unit)
    assert info["daemon"]["running"] is False

    removed = invoke("service", "uninstall")
    assert removed.exit_code == 0
    assert not unit.exists()


def test_install_without_systemctl_or_launchctl_still_succeeds(home, config_file, monkeypatch):
    empty = home / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = invoke("service", "install", "--config", str(config_file))
    assert result.exit_code == 0, result.output
    assert "systemctl is not available" in result.output
    assert (home / ".config" / "systemd" / "user" / "followup.service").exists()

    mac = invoke("service", "install", "--platform", "launchd", "--config", str(config_file))
    assert mac.exit_code == 0, mac.output
    plist_path = home / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist"
    assert plistlib.loads(plist_path.read_bytes())["EnvironmentVariables"][
        "FOLLOWUP_CONFIG"
    ] == str(config_file)
    assert (home / "Library" / "Logs" / "followup").is_dir()
    assert "launchctl bootstrap gui/" in mac.output


def test_install_needs_a_config(home):
    result = CliRunner().invoke(cli, ["service", "install", "--config", str(home / "missing.toml")])
    assert isinstance(result.exception, ConfigError)  # `followup` turns it into exit code 3
    assert "followup init" in (result.exception.hint or "")
    assert not (home / ".config" / "systemd").exists()


def test_service_and_run_commands_have_help():
    for args in (["run", "--help"], ["service", "--help"], ["service", "install", "--help"]):
        result = invoke(*args)
        assert result.exit_code == 0 and "Usage:" in result.output
