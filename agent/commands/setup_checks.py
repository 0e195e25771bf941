"""The checks behind ``followup doctor``, and the mailbox probe ``followup init`` shares.

Each check yields a :class:`Check` with what was found and, on failure, what to do.
Nothing here prints, and every detail passes through the log redactor, so a
server that echoes a password back cannot make us show it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.config import AccountConfig, Config, load_config
from agent.errors import (
    AuthError,
    ConfigError,
    FolderError,
    FollowupError,
    MailboxError,
    StateError,
    TLSError,
    TransientMailboxError,
)
from agent.redaction import redact
from agent.sources.base import DRAFTS, INBOX, SENT, Folder

OK = "ok"
WARN = "warn"
FAIL = "fail"


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str
    hint: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == FAIL

    def to_json(self) -> dict[str, Any]:
        return {"check": self.name, "status": self.status, "detail": self.detail, "hint": self.hint}


def _check(name: str, status: str, detail: str, hint: str | None = None) -> Check:
    return Check(name, status, redact(detail), redact(hint) if hint else None)


@dataclass(frozen=True)
class MailboxProbe:
    """What a successful login showed: the folders and the ones we would use."""

    folders: tuple[Folder, ...]
    inbox: Folder | None
    sent: Folder | None
    drafts: Folder | None
    missing: tuple[str, ...]  # configured folders the server does not have


def probe_mailbox(
    account: AccountConfig, password: str | None, *, tokens: Any = None
) -> MailboxProbe:
    """Log in (or open the Maildir) and identify INBOX, Sent and Drafts.

    Raises MailboxError (or a subclass) when the mailbox cannot be reached;
    unexpected low-level errors are wrapped so that they say which account failed.
    """
    from agent.accounts import open_source

    try:
        with open_source(
            account, password_getter=lambda _account: password or "", tokens=tokens
        ) as source:
            folders = tuple(source.folders())
            by_name = {f.name: f for f in folders}
            inbox = next(
                (f for f in folders if INBOX in f.roles or f.name.upper() == "INBOX"), None
            )
            sent = source.folder_for_role(SENT)
            if account.drafts_folder:
                drafts = by_name.get(account.drafts_folder)
            else:
                drafts = source.folder_for_role(DRAFTS)
            wanted = list(account.folders) + (
                [account.drafts_folder] if account.drafts_folder else []
            )
            missing = tuple(name for name in wanted if name not in by_name)
    except FollowupError:
        raise
    except (OSError, ValueError, RuntimeError) as exc:
        raise MailboxError(f"account {account.name}: {type(exc).__name__}: {exc}") from None
    return MailboxProbe(folders, inbox, sent, drafts, missing)


def mailbox_hint(account: AccountConfig, exc: FollowupError) -> str:
    if exc.hint:
        return exc.hint
    if isinstance(exc, AuthError):
        return (
            f"check the username and password; many providers need an app password. "
            f"Store a new one with `followup init --force --name {account.name}`"
        )
    if isinstance(exc, TLSError):
        return "the server's certificate could not be verified; for a private CA set ca_file in the config"
    if isinstance(exc, TransientMailboxError):
        return f"check host ({account.host}) and port ({account.port}) and that the network is up"
    return "run `followup doctor` again with -v for details"


def folders_check(account: AccountConfig, probe: MailboxProbe) -> Check:
    names = ", ".join(f.name for f in probe.folders) or "none"
    problems: list[str] = []
    hints: list[str] = []
    if probe.inbox is None:
        problems.append("no INBOX")
    if probe.missing:
        problems.append("configured folders not found: " + ", ".join(probe.missing))
        hints.append(f"fix folders/drafts_folder in the config (the server has: {names})")
    if probe.drafts is None and not account.drafts_folder:
        problems.append("Drafts folder not identified")
        hints.append(
            f'set drafts_folder = "<name>" for account {account.name} (the server has: {names})'
        )
    if probe.sent is None and not account.folders:
        problems.append("Sent folder not identified")
        hints.append(
            f'list your sent folder in folders = ["INBOX", "<sent>"] (the server has: {names})'
        )
    if problems:
        return _check(
            f"{account.name}: folders", FAIL, "; ".join(problems), "; ".join(hints) or None
        )
    scanned = list(account.folders) or [f.name for f in (probe.inbox, probe.sent) if f is not None]
    drafts = probe.drafts.name if probe.drafts else account.drafts_folder
    return _check(
        f"{account.name}: folders", OK, f"scanning {', '.join(scanned)}; drafts go to {drafts}"
    )


# Scopes a provider may leave out of its answer without lacking mail access.
_IDENTITY_SCOPES = {"offline_access", "openid", "profile", "email"}


def sign_in_check(account: AccountConfig, tokens: Any, now: float) -> Check:
    """The OAuth2 token: where it came from, how long it lasts, what it may do. Never the token."""
    name = f"{account.name}: sign-in"
    try:
        tokens.token()
    except FollowupError as exc:
        return _check(name, FAIL, str(exc), exc.hint)
    info = tokens.info
    if account.oauth2 is None:
        return _check(name, OK, "access token from token_command (its expiry is the tool's)")
    label = account.oauth2.endpoints.label
    parts = [f"access token from {label}"]
    if info is not None and info.expires_at is not None:
        left = max(0.0, info.expires_at - now)
        parts.append(f"valid for {left / 60:.0f} min")
    if info is not None and info.rotated:
        parts.append("renewed sign-in saved in the keyring")
    wanted = set(account.oauth2.endpoints.scope.split()) - _IDENTITY_SCOPES
    if info is None or info.scope is None:
        parts.append("scopes not reported")
        return _check(name, OK, "; ".join(parts))
    granted = set(info.scope.split())
    parts.append(f"scopes {', '.join(sorted(granted)) or 'none'}")
    missing = sorted(wanted - granted)
    if missing:
        return _check(
            name,
            WARN,
            "; ".join(parts) + f"; not granted: {', '.join(missing)}",
            f"sign in again and allow mail access: followup init --name {account.name} --reauth",
        )
    return _check(name, OK, "; ".join(parts))


def account_checks(account: AccountConfig) -> Iterator[Check]:
    password: str | None = None
    tokens: Any = None
    if account.auth == "oauth2":
        import time

        from agent.oauth.tokens import AccessTokens

        tokens = AccessTokens(account)
        check = sign_in_check(account, tokens, time.time())
        yield check
        if check.failed:
            return
    elif account.maildir is None:
        from agent.secrets import get_password

        source_of = "password_command" if account.password_command else "keyring"
        try:
            password = get_password(account, timeout=min(10.0, account.timeout))
        except FollowupError as exc:
            yield _check(f"{account.name}: password", FAIL, str(exc), exc.hint)
            return
        yield _check(f"{account.name}: password", OK, f"found ({source_of})")
    elif not Path(account.maildir).is_dir():
        yield _check(
            f"{account.name}: maildir",
            FAIL,
            f"{account.maildir} is not a directory",
            "create it or fix maildir in the config",
        )
        return
    try:
        probe = probe_mailbox(account, password, tokens=tokens)
    except FolderError as exc:  # logged in, but a configured folder is missing
        if not account.maildir:
            yield _check(
                f"{account.name}: login", OK, f"{account.host}:{account.port} as {account.username}"
            )
        yield _check(
            f"{account.name}: folders",
            FAIL,
            str(exc),
            exc.hint or "fix drafts_folder/folders in the config",
        )
        return
    except FollowupError as exc:
        what = "maildir" if account.maildir else "login"
        yield _check(f"{account.name}: {what}", FAIL, str(exc), mailbox_hint(account, exc))
        return
    if account.maildir:
        yield _check(f"{account.name}: maildir", OK, f"{account.maildir} readable")
    else:
        security = "TLS" if account.security == "tls" else "STARTTLS"
        yield _check(
            f"{account.name}: login",
            OK,
            f"{security} to {account.host}:{account.port} as {account.username}",
        )
    yield folders_check(account, probe)


def state_check(config: Config) -> Iterator[Check]:
    from agent.store import Store

    state_dir = config.state_dir
    try:
        state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        yield _check(
            "state",
            FAIL,
            f"cannot create {state_dir}: {exc.strerror}",
            "fix state_dir in the config",
        )
        return
    if not os.access(state_dir, os.W_OK | os.X_OK):
        yield _check(
            "state",
            FAIL,
            f"{state_dir} is not writable",
            "fix its permissions or state_dir in the config",
        )
        return
    loose = stat.S_IMODE(state_dir.stat().st_mode) & 0o077
    try:
        with Store.open(config.db_path) as store:
            healthy = store.integrity_ok()
            migrations = len(store.migrations())
    except StateError as exc:
        yield _check("state", FAIL, str(exc), exc.hint)
        return
    if not healthy:
        yield _check(
            "state",
            FAIL,
            f"{config.db_path} failed its integrity check",
            "stop followup, move the database aside and run a scan to rebuild it",
        )
        return
    note = " (directory permissions were tightened to 0700)" if loose else ""
    yield _check(
        "state", WARN if loose else OK, f"{config.db_path} ok, {migrations} migration(s){note}"
    )


def rules_check(config: Config) -> Check:
    from agent.errors import RulesError
    from agent.rules import Rules

    try:
        rules = Rules.load(config.rules_dir)
        languages = config.languages or tuple(rules.languages())
        for language in languages:
            rules.toml(f"{language}.toml")
        rules.toml("policy.toml", required=False)
    except RulesError as exc:
        return _check(
            "rules",
            FAIL,
            str(exc),
            exc.hint or "fix the file named above, or remove it from rules_dir",
        )
    where = f" (with {config.rules_dir})" if config.rules_dir else ""
    return _check("rules", OK, f"languages {', '.join(languages)} loaded{where}")


def calendar_check(config: Config) -> Check:
    if not config.country:
        return _check(
            "calendar",
            WARN,
            f"{config.timezone}; no country set, so only weekends count as days off",
            'set country = "NO" (or yours) for public holidays',
        )
    import holidays

    try:
        holidays.country_holidays(config.country)
    except NotImplementedError:
        return _check(
            "calendar",
            FAIL,
            f"no public holiday calendar for country {config.country!r}",
            "fix country",
        )
    return _check("calendar", OK, f"{config.timezone}, public holidays of {config.country}")


def config_permissions(path: Path | None) -> Check | None:
    if path is None:
        return None
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o022:
        return _check(
            "config", WARN, f"{path} can be changed by others (mode {mode:o})", f"chmod 600 {path}"
        )
    return None


def run_checks(config_path: Path | None) -> Iterator[Check]:
    """All doctor checks in order; stops after a config failure."""
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        yield _check("config", FAIL, str(exc), exc.hint)
        return
    count = len(config.accounts)
    if count == 0:
        yield _check(
            "config", FAIL, f"{config.path}: no accounts", "run `followup init` to add one"
        )
    else:
        yield _check("config", OK, f"{config.path} ({count} account{'s' if count != 1 else ''})")
    loose = config_permissions(config.path)
    if loose:
        yield loose
    for account in config.accounts:
        try:
            yield from account_checks(account)
        except MailboxError as exc:  # a source raising outside probe_mailbox
            yield _check(f"{account.name}: mailbox", FAIL, str(exc), mailbox_hint(account, exc))
    yield from state_check(config)
    yield rules_check(config)
    yield calendar_check(config)
