"""The user's configuration: a TOML file checked against a declarative spec.

Lookup order: an explicit path (``--config``), then ``$FOLLOWUP_CONFIG``, then
``<user config dir>/followup/config.toml``. Nothing is read at import time.
Errors name the file, the key and what was expected. The file never holds a
password: accounts name a ``password_command`` or use the keyring.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from agent.config_spec import ACCOUNT_SPEC, LOG_LEVELS, TOP_SPEC, check_table, valid_zone
from agent.errors import ConfigError
from agent.oauth.providers import CUSTOM, DEVICE, KNOWN, LOOPBACK, Endpoints

APP_NAME = "followup"
CONFIG_ENV = "FOLLOWUP_CONFIG"
DB_FILENAME = "followup.db"

DEFAULT_PORTS = {"tls": 993, "starttls": 143}
_SECRET_KEYS = (
    "password",
    "pass",
    "secret",
    "token",
    "app_password",
    "client_secret",
    "oauth2_client_secret",
    "access_token",
    "refresh_token",
    "oauth2_access_token",
    "oauth2_refresh_token",
    "oauth2_token",
)
# The keys of an OAuth2 sign-in through a provider (token_command stands apart).
_OAUTH2_KEYS = (
    "oauth2_provider",
    "oauth2_client_id",
    "oauth2_client_secret_command",
    "oauth2_authorization_endpoint",
    "oauth2_token_endpoint",
    "oauth2_device_endpoint",
    "oauth2_scope",
)
_ENDPOINT_KEYS = _OAUTH2_KEYS[3:6]

__all__ = [
    "LOG_LEVELS",
    "AccountConfig",
    "OAuth2Settings",
    "Config",
    "config_from_dict",
    "default_config_path",
    "load_config",
    "read_config_dict",
    "write_config",
]


@dataclass(frozen=True)
class OAuth2Settings:
    """How an account signs in with OAuth2 through a provider (never a token itself)."""

    provider: str  # google | microsoft | custom
    client_id: str
    endpoints: Endpoints
    client_secret_command: str | None = None


@dataclass(frozen=True)
class AccountConfig:
    name: str
    host: str | None
    port: int
    username: str
    address: str
    display_name: str = ""
    draft_language: str | None = None  # None: every draft in its thread's language
    security: str = "tls"  # tls | starttls
    ca_file: str | None = None
    folders: tuple[str, ...] = ()  # empty: INBOX and the Sent folder
    drafts_folder: str | None = None
    password_command: str | None = None
    maildir: str | None = None  # a local Maildir account instead of IMAP (host is None)
    aliases: tuple[str, ...] = ()  # the user's other own addresses
    timeout: float = 30.0
    auth: str = "password"  # password | oauth2
    oauth2: OAuth2Settings | None = None  # auth = oauth2 through a provider
    token_command: str | None = None  # auth = oauth2 with a command that prints the token

    @property
    def is_local(self) -> bool:
        return self.maildir is not None

    @property
    def own_addresses(self) -> tuple[str, ...]:
        return (self.address.lower(), *(a.lower() for a in self.aliases))


@dataclass(frozen=True)
class Config:
    path: Path | None
    accounts: tuple[AccountConfig, ...]
    state_dir: Path
    timezone: str  # IANA name
    country: str | None  # for public holidays
    languages: tuple[str, ...] = ()  # empty: every language the rules have a cue file for
    rules_dir: Path | None = None
    scan_interval: int = 300
    idle: bool = True  # keep a connection in IMAP IDLE and scan on new mail
    idle_refresh: float = 1500.0  # re-issue IDLE at least this often (seconds)
    notify: bool = False
    log_level: str = "INFO"
    max_drafts_per_pass: int = 20
    calendar_file: Path | None = None  # kept up to date after every pass

    @property
    def db_path(self) -> Path:
        return self.state_dir / DB_FILENAME

    def account(self, name: str) -> AccountConfig:
        for account in self.accounts:
            if account.name == name:
                return account
        known = ", ".join(a.name for a in self.accounts) or "none"
        raise ConfigError(f"{self.path}: no account named {name!r} (configured: {known})")


# ---------------------------------------------------------------------------
# Lookup and defaults


def default_config_path(env: Mapping[str, str] | None = None) -> Path:
    """``$FOLLOWUP_CONFIG`` if set, else the platform's user config dir."""
    env = os.environ if env is None else env
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_state_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def system_timezone(env: Mapping[str, str] | None = None) -> str:
    """The system's IANA zone: ``$TZ`` when it names one, else ``/etc/localtime``, else UTC."""
    env = os.environ if env is None else env
    tz = env.get("TZ", "").lstrip(":")
    if tz and valid_zone(tz):
        return tz
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        name = target.split("zoneinfo/", 1)[1]
        if valid_zone(name):
            return name
    try:
        name = Path("/etc/timezone").read_text(encoding="utf-8").strip()
    except OSError:
        name = ""
    return name if name and valid_zone(name) else "UTC"


# ---------------------------------------------------------------------------
# Loading


def holiday_country(config: Config, rules: Any) -> str | None:
    """The country whose public holidays count: the config's ``country``, else the one
    the first configured language implies (its date rules' ``settings.country``);
    without a language list, Norway's, as the product's first users' are."""
    if config.country:
        return config.country
    for language in config.languages or ("nb",):
        country = rules.country_of(language)
        if country:
            return str(country)
    return None


def load_config(path: str | Path | None = None, *, env: Mapping[str, str] | None = None) -> Config:
    """Read and check the config; raises ConfigError naming file and key."""
    env = os.environ if env is None else env
    config_path = Path(path).expanduser() if path else default_config_path(env)
    try:
        raw_bytes = config_path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"no config file at {config_path}",
            hint="run `followup init` to create one, or pass --config PATH",
        ) from None
    except OSError as exc:
        raise ConfigError(f"{config_path}: cannot read: {exc.strerror}") from None
    try:
        raw = tomllib.loads(raw_bytes.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{config_path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config_path}: invalid TOML: {exc}") from None
    return config_from_dict(raw, path=config_path, env=env)


def config_from_dict(
    raw: Mapping[str, Any], *, path: Path | None = None, env: Mapping[str, str] | None = None
) -> Config:
    """Check a parsed config (the TOML document as a dict) and build a Config."""
    env = os.environ if env is None else env
    label = str(path) if path else "config"
    values = check_table(raw, TOP_SPEC, label, prefix="")
    base = path.parent if path else Path.cwd()

    raw_accounts = raw.get("accounts", [])
    if not isinstance(raw_accounts, list) or not all(isinstance(a, dict) for a in raw_accounts):
        raise ConfigError(f"{label}: accounts: expected [[accounts]] tables")
    accounts = tuple(
        _account(entry, index, label, base) for index, entry in enumerate(raw_accounts)
    )
    seen: set[str] = set()
    for index, account in enumerate(accounts):
        if account.name in seen:
            raise ConfigError(
                f"{label}: accounts[{index}].name: {account.name!r} is used by two accounts"
            )
        seen.add(account.name)

    languages = tuple(values.get("languages", ()))
    if "languages" in values and not languages:
        raise ConfigError(f"{label}: languages: expected at least one language")
    rules_dir = _resolve(values["rules_dir"], base) if "rules_dir" in values else None
    if rules_dir is not None and not rules_dir.is_dir():
        raise ConfigError(f"{label}: rules_dir: expected an existing directory, got '{rules_dir}'")
    state_dir = (
        _resolve(values["state_dir"], base) if "state_dir" in values else default_state_dir()
    )
    return Config(
        path=path,
        accounts=accounts,
        state_dir=state_dir,
        timezone=values.get("timezone") or system_timezone(env),
        country=values.get("country"),  # None: the first language's (see holiday_country)
        languages=languages,
        rules_dir=rules_dir,
        scan_interval=values.get("scan_interval", 300),
        idle=values.get("idle", True),
        idle_refresh=float(values.get("idle_refresh", 1500.0)),
        notify=values.get("notify", False),
        log_level=values.get("log_level", "INFO"),
        max_drafts_per_pass=values.get("max_drafts_per_pass", 20),
        calendar_file=_resolve(values["calendar_file"], base)
        if "calendar_file" in values
        else None,
    )


def _account(entry: Mapping[str, Any], index: int, label: str, base: Path) -> AccountConfig:
    where = f"accounts[{index}]"
    for key in entry:
        if key.lower() in _SECRET_KEYS:
            raise ConfigError(
                f"{label}: {where}.{key}: passwords are not kept in the config file",
                hint="remove it; run `followup init` to store it in the keyring, or set "
                "password_command (token_command or oauth2_client_secret_command for OAuth2)",
            )
    values = check_table(entry, ACCOUNT_SPEC, label, prefix=where + ".")
    for key in ("name", "address"):
        if key not in values:
            raise ConfigError(f"{label}: {where}.{key}: required")
    maildir = values.get("maildir")
    host = values.get("host")
    if maildir and host:
        raise ConfigError(f"{label}: {where}: set either host (IMAP) or maildir (local), not both")
    if not maildir and not host:
        raise ConfigError(
            f"{label}: {where}.host: required (or maildir for a local Maildir account)"
        )
    if host and "username" not in values:
        raise ConfigError(f"{label}: {where}.username: required for an IMAP account")
    security = values.get("security", "tls")
    ca_file = values.get("ca_file")
    if ca_file is not None:
        ca_path = _resolve(ca_file, base)
        if not ca_path.is_file():
            raise ConfigError(
                f"{label}: {where}.ca_file: expected an existing file, got '{ca_path}'"
            )
        ca_file = str(ca_path)
    auth, oauth2 = _sign_in(values, label, where)
    return AccountConfig(
        name=values["name"],
        host=host,
        port=values.get("port", DEFAULT_PORTS[security]),
        username=values.get("username", values["address"]),
        address=values["address"],
        display_name=values.get("display_name", ""),
        draft_language=values.get("draft_language"),
        security=security,
        ca_file=ca_file,
        folders=values.get("folders", ()),
        drafts_folder=values.get("drafts_folder"),
        password_command=values.get("password_command"),
        maildir=str(_resolve(maildir, base)) if maildir else None,
        aliases=values.get("aliases", ()),
        timeout=values.get("timeout", 30.0),
        auth=auth,
        oauth2=oauth2,
        token_command=values.get("token_command"),
    )


def _sign_in(
    values: Mapping[str, Any], label: str, where: str
) -> tuple[str, OAuth2Settings | None]:
    """``auth`` and the OAuth2 settings, checked together (token_command implies oauth2)."""
    oauth_keys = [key for key in _OAUTH2_KEYS if key in values]
    token_command = values.get("token_command")
    auth = values.get("auth") or ("oauth2" if token_command or oauth_keys else "password")
    if auth == "password":
        stray = [*oauth_keys, *(["token_command"] if token_command else [])]
        if stray:
            raise ConfigError(
                f'{label}: {where}.{stray[0]}: only used with auth = "oauth2"',
                hint='set auth = "oauth2", or remove the OAuth2 keys',
            )
        return auth, None
    if values.get("maildir"):
        raise ConfigError(f"{label}: {where}.auth: a Maildir account does not sign in")
    if values.get("password_command"):
        raise ConfigError(
            f'{label}: {where}.password_command: not used with auth = "oauth2"',
            hint="remove it (token_command is the OAuth2 counterpart)",
        )
    if token_command:
        if oauth_keys:
            raise ConfigError(
                f"{label}: {where}.{oauth_keys[0]}: not used with token_command",
                hint="token_command prints the access token; the oauth2_* keys are for "
                "signing in through followup itself. Keep one of the two.",
            )
        return auth, None
    provider = values.get("oauth2_provider")
    if provider is None:
        raise ConfigError(
            f'{label}: {where}.oauth2_provider: required with auth = "oauth2" '
            '("google", "microsoft" or "custom"), unless token_command is set'
        )
    if "oauth2_client_id" not in values:
        raise ConfigError(
            f'{label}: {where}.oauth2_client_id: required with auth = "oauth2"',
            hint="register your own client id with the provider (README: Signing in with "
            "OAuth2), or use token_command",
        )
    scope = values.get("oauth2_scope")
    if provider != CUSTOM:
        given = [key for key in _ENDPOINT_KEYS if key in values]
        if given:
            raise ConfigError(
                f"{label}: {where}.{given[0]}: endpoints are set only with "
                'oauth2_provider = "custom"'
            )
        endpoints = KNOWN[provider]
        if scope:
            endpoints = replace(endpoints, scope=scope)
    else:
        token = values.get("oauth2_token_endpoint")
        authorization = values.get("oauth2_authorization_endpoint")
        device = values.get("oauth2_device_endpoint")
        if token is None:
            raise ConfigError(
                f'{label}: {where}.oauth2_token_endpoint: required with oauth2_provider = "custom"'
            )
        if authorization is None and device is None:
            raise ConfigError(
                f"{label}: {where}.oauth2_authorization_endpoint: required with "
                'oauth2_provider = "custom" (or oauth2_device_endpoint for the device-code flow)'
            )
        if not scope:
            raise ConfigError(
                f'{label}: {where}.oauth2_scope: required with oauth2_provider = "custom"'
            )
        endpoints = Endpoints(
            authorization=authorization,
            token=token,
            device=device,
            scope=scope,
            flow=LOOPBACK if authorization else DEVICE,
            label=_host(token),
        )
    return auth, OAuth2Settings(
        provider=provider,
        client_id=values["oauth2_client_id"],
        endpoints=endpoints,
        client_secret_command=values.get("oauth2_client_secret_command"),
    )


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc or url


def _resolve(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


# ---------------------------------------------------------------------------
# Writing


def write_config(config_dict: Mapping[str, Any], path: Path) -> None:
    """Check ``config_dict`` and write it atomically as TOML, mode 0600.

    Refuses a document holding a password (ConfigError); the file is replaced in
    one rename, so a reader sees either the old or the new config.
    """
    path = Path(path).expanduser()
    config_from_dict(config_dict, path=path)  # the same checks as loading, secrets included
    text = to_toml(config_dict)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".config-", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def read_config_dict(path: Path) -> dict[str, Any]:
    """The raw TOML document (for ``followup init`` to extend); {} when absent."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None


def to_toml(document: Mapping[str, Any]) -> str:
    """Serialise the config's shapes: scalars, lists of scalars and arrays of tables."""
    lines: list[str] = []
    tables: list[tuple[str, Mapping[str, Any]]] = []
    for key, value in document.items():
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            tables.extend((key, v) for v in value)
        elif isinstance(value, Mapping):
            raise ConfigError(f"config: {key}: nested tables are not part of the config")
        elif value is not None:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for name, table in tables:
        lines.append("")
        lines.append(f"[[{_toml_key(name)}]]")
        for key, value in table.items():
            if value is not None:
                lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    return "\n".join(lines).lstrip("\n") + "\n"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str | Path):
        return _toml_string(str(value))
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise ConfigError(f"config: cannot write a value of type {type(value).__name__}")


def _toml_string(text: str) -> str:
    out = ['"']
    for char in text:
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)
