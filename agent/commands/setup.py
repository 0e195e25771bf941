"""``followup init`` (add an account) and ``followup doctor`` (check everything).

``init`` asks what it is not told, tests the login before saving anything, keeps
the password in the keyring (or a password command) and writes a 0600 config
that never contains a password. ``doctor`` prints one ✓/✗ line per check with
what to do about each failure, and exits 1 when anything failed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from agent.commands.setup_oauth import (
    choose_auth,
    oauth2_entry,
    oauth2_options,
    reauth,
    sign_in,
    store_sign_in,
)
from agent.config import (
    CONFIG_ENV,
    DEFAULT_PORTS,
    AccountConfig,
    default_config_path,
    load_config,
    read_config_dict,
    write_config,
)
from agent.errors import FollowupError, UsageError
from agent.redaction import redact, register_secret

F = TypeVar("F", bound=Callable[..., Any])


def config_option(func: F) -> F:
    """``--config PATH`` (or ``$FOLLOWUP_CONFIG``), passed on as ``config_path``."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar=CONFIG_ENV,
        help=f"Config file (default: ${CONFIG_ENV}, else the user config dir's followup/config.toml).",
    )(func)


@dataclass(frozen=True)
class Preset:
    label: str
    host: str | None
    port: int
    security: str
    note: str = ""


PRESETS: dict[str, Preset] = {
    "gmail": Preset(
        "Gmail / Google Workspace",
        "imap.gmail.com",
        993,
        "tls",
        "Gmail refuses your normal password over IMAP: sign in with OAuth2 and a client id "
        "of your own (README: Signing in with OAuth2), or create an app password "
        "(Google Account > Security > 2-Step Verification > App passwords) and use that.",
    ),
    "outlook": Preset(
        "Outlook.com / Microsoft 365",
        "outlook.office365.com",
        993,
        "tls",
        "Microsoft requires OAuth2 for IMAP on Outlook.com and most Microsoft 365 tenants: "
        "sign in with OAuth2 and a client id of your own (README: Signing in with OAuth2). "
        "A password works only where your organisation still allows app passwords.",
    ),
    "fastmail": Preset(
        "Fastmail",
        "imap.fastmail.com",
        993,
        "tls",
        "Fastmail needs an app password (Settings > Privacy & Security > App passwords).",
    ),
    "icloud": Preset(
        "iCloud Mail",
        "imap.mail.me.com",
        993,
        "tls",
        "iCloud needs an app-specific password (account.apple.com > Sign-In and Security).",
    ),
    "custom": Preset("Another IMAP server", None, 993, "tls"),
}


def _asker(interactive: bool) -> Callable[..., Any]:
    """Prompt for a missing value; without a terminal to ask on, take the default or fail."""

    def ask(value: Any, text: str, option: str, **kwargs: Any) -> Any:
        if value not in (None, ""):
            return value
        if interactive:
            return click.prompt(text, **kwargs)
        if kwargs.get("default") is not None:
            return kwargs["default"]
        raise UsageError(f"{option} is required when the password comes from standard input")

    return ask


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
    else:
        password = click.prompt(
            "Password (not shown; an app password where the provider needs one)", hide_input=True
        )
    if not password:
        raise UsageError("no password given")
    register_secret(password)
    return password


@click.command("init")
@config_option
@click.option("--preset", type=click.Choice(list(PRESETS)), help="Provider settings to start from.")
@click.option("--name", help="A short name for the account (e.g. 'gmail').")
@click.option("--host", help="IMAP server (implies --preset custom).")
@click.option(
    "--port", type=click.IntRange(1, 65535), help="IMAP port (993 for TLS, 143 for STARTTLS)."
)
@click.option(
    "--security", type=click.Choice(["tls", "starttls"]), help="Implicit TLS or STARTTLS."
)
@click.option("--username", help="Login name (default: the address).")
@click.option("--address", help="Your email address.")
@click.option("--display-name", help="Your name as it should appear in drafts.")
@click.option(
    "--ca-file",
    type=click.Path(exists=True, dir_okay=False),
    help="CA bundle for a private server.",
)
@click.option(
    "--password-command", help="Command that prints the password (instead of the keyring)."
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input.",
)
@click.option("--drafts-folder", help="Drafts folder name, when the server does not mark one.")
@click.option(
    "--maildir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Use a local Maildir instead of IMAP (no login).",
)
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to keep the database.",
)
@click.option("--no-test", is_flag=True, help="Do not test the login before saving.")
@click.option("--force", is_flag=True, help="Replace an existing account of the same name.")
@oauth2_options
def init_command(
    config_path: Path | None,
    preset: str | None,
    name: str | None,
    host: str | None,
    port: int | None,
    security: str | None,
    username: str | None,
    address: str | None,
    display_name: str | None,
    ca_file: str | None,
    password_command: str | None,
    password_stdin: bool,
    drafts_folder: str | None,
    maildir: Path | None,
    state_dir: Path | None,
    no_test: bool,
    force: bool,
    **oauth: Any,
) -> None:
    """Add a mail account to the config (guided, or entirely from options).

    The login is tested before anything is saved. The password goes to the
    system keyring (or use --password-command); the config file never holds it.
    With OAuth2 (--auth oauth2; Gmail and Outlook) you sign in at the provider
    with a client id of your own, and the refresh token goes to the keyring.
    `followup init --name NAME --reauth` signs an OAuth2 account in again.
    """
    from agent.config import config_from_dict

    # Standard input carries the password: nothing else may be read from it.
    _ask = _asker(interactive=not password_stdin)
    path = Path(config_path).expanduser() if config_path else default_config_path()
    if oauth.get("reauth"):
        reauth(path, name, oauth, test_login=_test_login, no_test=no_test)
        return
    document = read_config_dict(path)
    accounts: list[dict[str, Any]] = list(document.get("accounts", []))

    entry: dict[str, Any] = {}
    if maildir is None:
        if host:
            preset = preset or "custom"
        chosen = _ask(
            preset, "Provider", "--preset", type=click.Choice(list(PRESETS)), default="gmail"
        )
        settings = PRESETS[chosen]
        if settings.note:
            click.secho(f"Note: {settings.note}", fg="yellow")
        security = security or settings.security
        host = _ask(host or settings.host, "IMAP server", "--host")
        port = port or (settings.port if settings.host else DEFAULT_PORTS[security])
        default_name = chosen if chosen != "custom" else "mail"
        auth = choose_auth(
            chosen,
            oauth,
            password_given=bool(password_command or password_stdin),
            interactive=not password_stdin,
        )
    else:
        maildir = maildir.expanduser().resolve()
        if not maildir.is_dir():
            raise UsageError(f"--maildir: {maildir} is not a directory")
        default_name = "local"
    address = _ask(address, "Email address", "--address")
    name = _ask(name, "Account name", "--name", default=default_name)
    if any(a.get("name") == name for a in accounts):
        if not force:
            raise UsageError(
                f"{path}: an account named {name!r} exists",
                hint="pass --force to replace it, or choose another --name",
            )
        accounts = [a for a in accounts if a.get("name") != name]
    entry["name"] = name
    entry["address"] = address
    if display_name:
        entry["display_name"] = display_name
    if maildir is not None:
        entry["maildir"] = str(maildir)
    else:
        entry["host"] = host
        entry["port"] = port
        entry["security"] = security
        entry["username"] = _ask(username, "Username", "--username", default=address)
        if ca_file:
            entry["ca_file"] = str(Path(ca_file).resolve())
        if auth == "oauth2":
            entry.update(oauth2_entry(chosen, oauth, _ask))
        elif password_command:
            entry["password_command"] = password_command
    if drafts_folder:
        entry["drafts_folder"] = drafts_folder
    if state_dir is not None:
        document["state_dir"] = str(state_dir.expanduser().resolve())

    # Check the account as the loader will, before any login or keyring write.
    document["accounts"] = [*accounts, entry]
    config = config_from_dict(document, path=path)
    account: AccountConfig = config.account(name)

    if account.auth == "oauth2":
        _init_oauth2(account, oauth, no_test=no_test)
    else:
        _init_password(account, password_command, password_stdin, no_test=no_test)

    write_config(document, path)
    config = load_config(path)
    _create_state(config.db_path)
    click.echo(f"Config written to {path} (readable only by you; no password in it).")
    click.echo("Next: `followup doctor` to check everything, then `followup scan --dry-run`.")


def _init_oauth2(account: AccountConfig, options: dict[str, Any], *, no_test: bool) -> None:
    """Sign in (or take token_command's token), test the login, keep the refresh token."""
    from agent.oauth.tokens import AccessTokens, GrantTokens

    if account.oauth2 is None:  # token_command
        if not no_test:
            _test_login(account, None, tokens=AccessTokens(account))
        return
    grant = sign_in(account, options)
    if not no_test:
        _test_login(account, None, tokens=GrantTokens(grant))
    store_sign_in(account, grant)


def _init_password(
    account: AccountConfig, password_command: str | None, password_stdin: bool, *, no_test: bool
) -> None:
    from agent.secrets import get_password, set_password

    password: str | None = None
    if account.host is not None:
        if not password_command:
            password = _read_password(password_stdin)
        elif not no_test:
            password = get_password(account)
    if not no_test:
        _test_login(account, password)
    if account.host is not None and not password_command:
        assert password is not None
        set_password(account.name, password)
        click.echo(
            f"Password stored in the system keyring (service 'followup', user {account.name!r})."
        )


def _test_login(account: AccountConfig, password: str | None, *, tokens: Any = None) -> None:
    from agent.commands.setup_checks import folders_check, probe_mailbox

    where = account.maildir or f"{account.host}:{account.port}"
    click.echo(f"Checking {where} ...")
    try:
        probe = probe_mailbox(account, password, tokens=tokens)
    except FollowupError as exc:
        # A server may quote the credentials back in its refusal; never pass that on.
        raise type(exc)(redact(str(exc)), hint=redact(exc.hint) if exc.hint else None) from None
    if account.host:
        click.secho(f"✓ logged in as {account.username}", fg="green")
    result = folders_check(account, probe)
    mark, colour = ("✓", "green") if not result.failed else ("!", "yellow")
    click.secho(f"{mark} {result.detail}", fg=colour)
    if result.hint:
        click.echo(f"  → {result.hint}")


def _create_state(db_path: Path) -> None:
    from agent.store import Store

    Store.open(db_path).close()


def _rebuild(config_path: Path | None) -> list[dict[str, Any]]:
    """Derive every account's processes again from the records and keep them."""
    import time
    from datetime import UTC, datetime

    from agent.config import load_config
    from agent.kept import Deriver, rebuild
    from agent.store import Store

    config = load_config(config_path)
    deriver = Deriver(config)
    now = datetime.now(UTC)
    done = []
    with Store.open(config.db_path) as store:
        for account in config.accounts:
            started = time.monotonic()
            board = rebuild(store, deriver, account, now, save=True)
            done.append(
                {
                    "account": account.name,
                    "processes": len(board),
                    "seconds": round(time.monotonic() - started, 3),
                }
            )
    return done


@click.command("doctor")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
@click.option(
    "--rebuild",
    is_flag=True,
    help="First derive every process again from the stored mail and your corrections.",
)
def doctor_command(config_path: Path | None, as_json: bool, rebuild: bool) -> None:
    """Check the config, password, TLS and login, folders, state database and rules.

    Prints one line per check and what to do about each failure. Exits 0 when
    everything is fine, 1 otherwise. Passwords are never shown.

    With --rebuild, the processes and next steps followup keeps are first derived
    again from the stored mail and corrections (they are kept up to date by every
    scan and correction, and rebuilt by themselves when the rules change).
    """
    from rich.console import Console
    from rich.markup import escape

    from agent.commands.setup_checks import FAIL, OK, run_checks

    failed = False
    results = []
    console = Console(highlight=False, soft_wrap=True)
    rebuilt = _rebuild(config_path) if rebuild else []
    for done in rebuilt if not as_json else []:
        console.print(
            f"[green]✓[/green] [bold]processes rebuilt[/bold]: account {escape(done['account'])}, "
            f"{done['processes']} processes in {done['seconds']:.2f} s"
        )
    for check in run_checks(config_path):
        failed = failed or check.failed
        if as_json:
            results.append(check.to_json())
            continue
        mark = {OK: "[green]✓[/green]", FAIL: "[red]✗[/red]"}.get(
            check.status, "[yellow]![/yellow]"
        )
        console.print(f"{mark} [bold]{escape(check.name)}[/bold]: {escape(redact(check.detail))}")
        if check.hint and check.status != OK:
            console.print(f"    → {escape(redact(check.hint))}")
    if as_json:
        click.echo(
            redact(
                json.dumps(
                    {"ok": not failed, "checks": results}
                    | ({"rebuilt": rebuilt} if rebuild else {}),
                    ensure_ascii=False,
                    indent=2,
                )
            )
        )
    elif failed:
        console.print("[red]Some checks failed.[/red]")
    else:
        console.print("[green]All checks passed.[/green]")
    if failed:
        click.get_current_context().exit(1)


__all__ = ["PRESETS", "config_option", "doctor_command", "init_command"]
