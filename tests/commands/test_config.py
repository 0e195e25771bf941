from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from agent.config import (
    AccountConfig,
    Config,
    config_from_dict,
    default_config_path,
    holiday_country,
    load_config,
    system_timezone,
    to_toml,
    write_config,
)
from agent.errors import ConfigError
from agent.rules import shipped_rules

FULL = """
timezone = "Europe/Oslo"
languages = ["nb", "en"]
scan_interval = 600
idle = true
log_level = "debug"
max_drafts_per_pass = 5
state_dir = "state"

[[accounts]]
name = "work"
host = "imap.example.no"
security = "starttls"
username = "ingrid"
address = "ingrid@example.no"
display_name = "Ingrid Nordmann"
folders = ["INBOX", "Sendte elementer"]
drafts_folder = "Utkast"
password_command = "pass show mail/work"
aliases = ["ingrid.nordmann@example.com"]
timeout = 12.5

[[accounts]]
name = "demo"
maildir = "mail"
address = "ingrid@example.no"
"""


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_full_config_is_read_with_types_and_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    config = load_config(path, env={})
    assert isinstance(config, Config)
    assert config.path == path
    assert config.timezone == "Europe/Oslo"
    assert config.languages == ("nb", "en")
    assert config.country is None
    assert holiday_country(config, shipped_rules()) == "NO"  # implied by Norwegian
    assert config.scan_interval == 600 and config.idle is True and config.notify is False
    assert config.log_level == "DEBUG"
    assert config.max_drafts_per_pass == 5
    assert config.state_dir == tmp_path / "state"  # relative to the config file
    assert config.db_path == tmp_path / "state" / "followup.db"
    work, demo = config.accounts
    assert work == AccountConfig(
        name="work",
        host="imap.example.no",
        port=143,  # the STARTTLS default
        username="ingrid",
        address="ingrid@example.no",
        display_name="Ingrid Nordmann",
        security="starttls",
        folders=("INBOX", "Sendte elementer"),
        drafts_folder="Utkast",
        password_command="pass show mail/work",
        aliases=("ingrid.nordmann@example.com",),
        timeout=12.5,
    )
    assert work.own_addresses == ("ingrid@example.no", "ingrid.nordmann@example.com")
    assert demo.host is None and demo.is_local
    assert demo.maildir == str(tmp_path / "mail")
    assert demo.username == "ingrid@example.no"
    assert config.account("demo") is demo
    with pytest.raises(ConfigError, match="no account named 'nope'"):
        config.account("nope")


def test_minimal_imap_account_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = write(
        tmp_path,
        '[[accounts]]\nname = "g"\nhost = "imap.gmail.com"\nusername = "a@b.no"\naddress = "a@b.no"\n',
    )
    config = load_config(path, env={"TZ": "America/New_York"})
    (account,) = config.accounts
    assert (account.port, account.security, account.folders, account.timeout) == (
        993,
        "tls",
        (),
        30.0,
    )
    assert config.timezone == "America/New_York"
    assert config.languages == () and config.country is None  # () = every cue file
    assert holiday_country(config, shipped_rules()) == "NO"
    assert config.state_dir == tmp_path / "data" / "followup"
    assert config.rules_dir is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[[accounts]]\nname="a"\nhost="h"\nusername="u"\naddress="a@b.no"\nport="abc"\n',
            "accounts[0].port: expected an integer 1-65535, got 'abc'",
        ),
        (
            '[[accounts]]\nname="a"\nhost="h"\nusername="u"\naddress="a@b.no"\nport=70000\n',
            "accounts[0].port: expected an integer 1-65535, got 70000",
        ),
        (
            '[[accounts]]\nname="a"\nhost="h"\nusername="u"\naddress="a@b.no"\nsecurity="plain"\n',
            "accounts[0].security: expected one of tls, starttls, got 'plain'",
        ),
        (
            '[[accounts]]\nname="a"\nhost="h"\nusername="u"\naddress="nobody"\n',
            "accounts[0].address: expected an email",
        ),
        ('[[accounts]]\nname="a"\nusername="u"\naddress="a@b.no"\n', "accounts[0].host: required"),
        ('[[accounts]]\nname="a"\nhost="h"\naddress="a@b.no"\n', "accounts[0].username: required"),
        ('[[accounts]]\nhost="h"\nusername="u"\naddress="a@b.no"\n', "accounts[0].name: required"),
        (
            '[[accounts]]\nname="a"\nhost="h"\nmaildir="m"\naddress="a@b.no"\n',
            "accounts[0]: set either host",
        ),
        ('timezone = "Mars/Olympus"\n', "timezone: expected an IANA time zone"),
        ("scan_interval = 1\n", "scan_interval: expected an integer 30-86400, got 1"),
        ("idle = 1\n", "idle: expected true or false, got 1"),
        ('languages = ["english"]\n', "languages: item 0: expected a language code"),
        ("languages = []\n", "languages: expected at least one language"),
        ('country = "Norway"\n', "country: expected a two-letter country code"),
        ('log_level = "loud"\n', "log_level: expected one of DEBUG, INFO, WARNING, ERROR"),
        ('rules_dir = "missing"\n', "rules_dir: expected an existing directory"),
        (
            '[[accounts]]\nname="a"\nhost="h"\nusername="u"\naddress="a@b.no"\nca_file="nope.pem"\n',
            "accounts[0].ca_file: expected an existing file",
        ),
        (
            '[[accounts]]\nname="a"\nmaildir="m"\naddress="a@b.no"\n[[accounts]]\nname="a"\nmaildir="n"\naddress="a@b.no"\n',
            "accounts[1].name: 'a' is used by two accounts",
        ),
    ],
)
def test_errors_name_file_key_and_expectation(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert str(info.value).startswith(f"{path}: {expected}")


def test_unknown_keys_suggest_the_closest(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[[accounts]]\nname="a"\nhost="h"\nusername="u"\naddress="a@b.no"\nprot=993\n'
    )
    with pytest.raises(
        ConfigError, match=r"accounts\[0\]\.prot: unknown key; did you mean 'port'\?"
    ):
        load_config(path, env={})
    path = write(tmp_path, "scan_intervall = 300\n")
    with pytest.raises(
        ConfigError, match="scan_intervall: unknown key; did you mean 'scan_interval'"
    ):
        load_config(path, env={})
    path = write(tmp_path, "zzz = 1\n")
    with pytest.raises(ConfigError, match="zzz: unknown key; known keys: accounts, state_dir"):
        load_config(path, env={})


def test_a_password_in_the_config_is_refused_without_echoing_it(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[accounts]]\nname="a"\nhost="h"\nusername="u"\naddress="a@b.no"\npassword="hunter2-canary"\n',
    )
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert "accounts[0].password: passwords are not kept in the config file" in str(info.value)
    assert "hunter2-canary" not in str(info.value) and "hunter2-canary" not in (
        info.value.hint or ""
    )


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no config file at") as info:
        load_config(tmp_path / "absent.toml", env={})
    assert "followup init" in (info.value.hint or "")
    path = write(tmp_path, "[[accounts]\nname=")
    with pytest.raises(ConfigError, match=f"^{path}: invalid TOML"):
        load_config(path, env={})
    path.write_bytes(b"timezone = '\xff'\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path, env={})


def test_lookup_order_explicit_then_env_then_platform_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    platform = tmp_path / "xdg" / "followup" / "config.toml"
    assert default_config_path(env={}) == platform
    platform.parent.mkdir(parents=True)
    platform.write_text('timezone = "UTC"\n')
    from_env = write(tmp_path, 'timezone = "Europe/Berlin"\n', "env.toml")
    explicit = write(tmp_path, 'timezone = "Asia/Tokyo"\n', "explicit.toml")
    env = {"FOLLOWUP_CONFIG": str(from_env)}
    assert load_config(explicit, env=env).timezone == "Asia/Tokyo"
    assert load_config(None, env=env).timezone == "Europe/Berlin"
    assert load_config(None, env={}).timezone == "UTC"
    assert load_config(None, env={}).path == platform


def test_system_timezone_prefers_tz_then_localtime() -> None:
    assert system_timezone({"TZ": "Europe/Oslo"}) == "Europe/Oslo"
    assert system_timezone({"TZ": ":Europe/Oslo"}) == "Europe/Oslo"
    fallback = system_timezone({"TZ": "not/a zone"})
    assert fallback == system_timezone({})
    from zoneinfo import ZoneInfo

    ZoneInfo(fallback)  # whatever the machine says, it is a real zone


def test_write_config_round_trips_private_and_atomic(tmp_path: Path) -> None:
    document = {
        "timezone": "Europe/Oslo",
        "languages": ["nb", "en"],
        "idle": False,
        "scan_interval": 300,
        "accounts": [
            {
                "name": "work",
                "host": "imap.example.no",
                "port": 993,
                "username": 'ingrid "ø" \\ nordmann',
                "address": "ingrid@example.no",
                "display_name": "Ingrid Nordmann Ødegård",
                "folders": ["INBOX", "[Gmail]/Sendt e-post"],
                "timeout": 20.0,
            },
            {"name": "demo", "maildir": "/srv/mail", "address": "ingrid@example.no"},
        ],
    }
    path = tmp_path / "conf" / "config.toml"
    write_config(document, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert tomllib.loads(path.read_text(encoding="utf-8")) == document
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no temporary left behind
    config = load_config(path, env={})
    assert config.accounts[0].username == 'ingrid "ø" \\ nordmann'
    # Replacing keeps the mode and the content is the new one.
    document["timezone"] = "UTC"
    write_config(document, path)
    assert load_config(path, env={}).timezone == "UTC"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_write_config_refuses_passwords_and_invalid_documents(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    bad = {
        "accounts": [
            {"name": "a", "host": "h", "username": "u", "address": "a@b.no", "password": "x-canary"}
        ]
    }
    with pytest.raises(ConfigError, match="passwords are not kept"):
        write_config(bad, path)
    with pytest.raises(ConfigError, match="scan_interval"):
        write_config({"scan_interval": "often"}, path)
    assert not path.exists()


def test_to_toml_escapes_control_characters() -> None:
    text = to_toml({"accounts": [{"name": "a", "display_name": "line\nbreak\ttab\x01"}]})
    assert tomllib.loads(text)["accounts"][0]["display_name"] == "line\nbreak\ttab\x01"


def test_config_from_dict_without_file() -> None:
    config = config_from_dict({"timezone": "UTC", "country": "se"}, env={})
    assert config.path is None and config.country == "SE" and config.accounts == ()


def test_importing_reads_no_config(tmp_path: Path) -> None:
    broken = write(tmp_path, "this is not toml [[[")
    env = dict(os.environ, FOLLOWUP_CONFIG=str(broken))
    code = "import agent.config, agent.secrets, agent.store, agent.commands.setup; print('ok')"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_an_account_may_write_every_draft_in_one_language(tmp_path: Path) -> None:
    base = '[[accounts]]\nname = "g"\nhost = "imap.gmail.com"\nusername = "a@b.no"\naddress = "a@b.no"\n'
    assert load_config(write(tmp_path, base)).accounts[0].draft_language is None
    config = load_config(write(tmp_path, base + 'draft_language = "nb"\n'))
    assert config.accounts[0].draft_language == "nb"
    with pytest.raises(ConfigError, match="draft_language"):
        load_config(write(tmp_path, base + 'draft_language = "Norsk!"\n'))
