"""The config file's declarative spec: one checker per key.

A checker converts a raw TOML value or raises ``Invalid`` saying what was
expected; ``check_table`` applies a spec to a table and turns any problem into a
ConfigError naming the file and the key (with a "did you mean" for typos).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agent.errors import ConfigError

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")

_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class Invalid(Exception):
    pass


Checker = Callable[[Any], Any]


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"expected a non-empty string, got {_show(value)}")
    return value.strip()


def _optional_string(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"expected a string, got {_show(value)}")
    return value


def _integer(low: int, high: int) -> Checker:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise Invalid(f"expected an integer {low}-{high}, got {_show(value)}")
        return value

    return check


def _number(low: float, high: float) -> Checker:
    def check(value: Any) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            raise Invalid(f"expected a number of seconds {low:g}-{high:g}, got {_show(value)}")
        return float(value)

    return check


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false, got {_show(value)}")
    return value


def _choice(*choices: str) -> Checker:
    def check(value: Any) -> str:
        if not isinstance(value, str) or value.lower() not in choices:
            raise Invalid(f"expected one of {', '.join(choices)}, got {_show(value)}")
        return value.lower()

    return check


def _address(value: Any) -> str:
    if not isinstance(value, str) or not _ADDRESS.match(value.strip()):
        raise Invalid(f"expected an email address like name@example.com, got {_show(value)}")
    return value.strip()


def _string_list(item: Checker) -> Checker:
    def check(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise Invalid(f"expected a list, got {_show(value)}")
        out = []
        for index, element in enumerate(value):
            try:
                out.append(item(element))
            except Invalid as exc:
                raise Invalid(f"item {index}: {exc}") from None
        return tuple(out)

    return check


def _language(value: Any) -> str:
    if not isinstance(value, str) or not _LANGUAGE.match(value):
        raise Invalid(f"expected a language code such as 'en' or 'nb', got {_show(value)}")
    return value


def _country(value: Any) -> str:
    if not isinstance(value, str) or not _COUNTRY.match(value.upper()):
        raise Invalid(f"expected a two-letter country code such as 'NO', got {_show(value)}")
    return value.upper()


def _timezone(value: Any) -> str:
    if not isinstance(value, str) or not valid_zone(value):
        raise Invalid(f"expected an IANA time zone such as 'Europe/Oslo', got {_show(value)}")
    return value


def _path(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"expected a path, got {_show(value)}")
    return value.strip()


def _https_url(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(
        r"https://[^\s/?#@]+(/[^\s#]*)?", value.strip()
    ):
        raise Invalid(f"expected an https:// address, got {_show(value)}")
    return value.strip()


def _log_level(value: Any) -> str:
    if not isinstance(value, str) or value.upper() not in LOG_LEVELS:
        raise Invalid(f"expected one of {', '.join(LOG_LEVELS)}, got {_show(value)}")
    return value.upper()


def _name(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}", value):
        raise Invalid(
            f"expected a short name of letters, digits, '-', '_', '.' or '@', got {_show(value)}"
        )
    return value


ACCOUNT_SPEC: dict[str, Checker] = {
    "name": _name,
    "host": _string,
    "port": _integer(1, 65535),
    "username": _string,
    "address": _address,
    "display_name": _optional_string,
    "draft_language": _language,
    "security": _choice("tls", "starttls"),
    "ca_file": _path,
    "folders": _string_list(_string),
    "drafts_folder": _string,
    "password_command": _string,
    "maildir": _path,
    "aliases": _string_list(_address),
    "timeout": _number(1, 600),
    "auth": _choice("password", "oauth2"),
    "token_command": _string,
    "oauth2_provider": _choice("google", "microsoft", "custom"),
    "oauth2_client_id": _string,
    "oauth2_client_secret_command": _string,
    "oauth2_authorization_endpoint": _https_url,
    "oauth2_token_endpoint": _https_url,
    "oauth2_device_endpoint": _https_url,
    "oauth2_scope": _string,
}

TOP_SPEC: dict[str, Checker] = {
    "accounts": lambda v: v,  # checked entry by entry with ACCOUNT_SPEC
    "state_dir": _path,
    "timezone": _timezone,
    "country": _country,
    "languages": _string_list(_language),
    "rules_dir": _path,
    "scan_interval": _integer(30, 86_400),
    "idle": _boolean,
    "idle_refresh": _number(1, 1740),  # RFC 2177: a client re-issues IDLE within 29 minutes
    "notify": _boolean,
    "log_level": _log_level,
    "max_drafts_per_pass": _integer(1, 1000),
    "calendar_file": _path,
}


def valid_zone(name: str) -> bool:
    if not name or name.startswith("/") or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def check_table(
    table: Mapping[str, Any], spec: Mapping[str, Checker], label: str, *, prefix: str
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in table.items():
        checker = spec.get(key)
        if checker is None:
            close = difflib.get_close_matches(key, spec.keys(), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(spec)}"
            raise ConfigError(f"{label}: {prefix}{key}: unknown key{hint}")
        try:
            values[key] = checker(value)
        except Invalid as exc:
            raise ConfigError(f"{label}: {prefix}{key}: {exc}") from None
    return values
