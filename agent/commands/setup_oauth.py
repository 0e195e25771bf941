"""The OAuth2 side of ``followup init``: its options, the config keys, the sign-in.

``init`` decides between a password and OAuth2 (:func:`choose_auth`), fills in the
account's OAuth2 keys (:func:`oauth2_entry`), then signs in (:func:`sign_in`),
tests the login with the new access token and keeps the refresh token in the
keyring (:func:`store_sign_in`). ``init --reauth`` (:func:`reauth`) signs an
existing account in again without touching the config.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from agent.config import AccountConfig, load_config
from agent.errors import AuthError, UsageError
from agent.oauth.providers import CUSTOM, FLOWS, GOOGLE, PRESET_PROVIDERS, PROVIDERS

F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS = (
    click.option(
        "--auth",
        type=click.Choice(["password", "oauth2"]),
        help="Log in with a password, or sign in with OAuth2 (asked for the gmail and "
        "outlook presets).",
    ),
    click.option(
        "--oauth2-provider", type=click.Choice(PROVIDERS), help="Who signs you in (OAuth2)."
    ),
    click.option(
        "--oauth2-client-id", help="Your own OAuth2 client id (README: Signing in with OAuth2)."
    ),
    click.option(
        "--oauth2-client-secret-command",
        help="Command that prints the client secret, where the provider issued one (Google).",
    ),
    click.option("--oauth2-authorization-endpoint", help="custom provider: authorization URL."),
    click.option("--oauth2-token-endpoint", help="custom provider: token URL."),
    click.option("--oauth2-device-endpoint", help="custom provider: device-code URL."),
    click.option("--oauth2-scope", help="Scope to ask for (default: the provider's mail scope)."),
    click.option(
        "--token-command",
        help="Command that prints a fresh access token (oama, mutt_oauth2.py, ...), "
        "instead of signing in through followup.",
    ),
    click.option(
        "--flow",
        type=click.Choice(FLOWS),
        help="Sign-in flow: a browser redirected to this machine (loopback; Google's) or a "
        "code typed in on any device (device; Microsoft's).",
    ),
    click.option(
        "--no-browser", is_flag=True, help="Print the sign-in address instead of opening it."
    ),
    click.option(
        "--reauth",
        is_flag=True,
        help="Sign in again to the OAuth2 account --name (after a revoked or expired sign-in).",
    ),
)

_ENTRY_KEYS = (
    "oauth2_provider",
    "oauth2_client_id",
    "oauth2_client_secret_command",
    "oauth2_authorization_endpoint",
    "oauth2_token_endpoint",
    "oauth2_device_endpoint",
    "oauth2_scope",
)


def oauth2_options(func: F) -> F:
    for option in reversed(_OPTIONS):
        func = option(func)
    return func


def choose_auth(
    preset: str | None,
    options: dict[str, Any],
    *,
    password_given: bool,
    interactive: bool,
) -> str:
    """``--auth``; else OAuth2 when an OAuth2 option is given, a password when one is;
    else ask for the gmail and outlook presets (OAuth2 first); else a password."""
    if options.get("auth"):
        return str(options["auth"])
    if options.get("token_command") or any(options.get(key) for key in _ENTRY_KEYS):
        return "oauth2"
    if password_given:
        return "password"
    if preset in PRESET_PROVIDERS and interactive:
        return str(
            click.prompt(
                "Sign in with", type=click.Choice(["oauth2", "password"]), default="oauth2"
            )
        )
    return "password"


def oauth2_entry(
    preset: str | None, options: dict[str, Any], ask: Callable[..., Any]
) -> dict[str, Any]:
    """The account's OAuth2 keys from the options, asking for what is missing."""
    if options.get("token_command"):
        return {"auth": "oauth2", "token_command": options["token_command"]}
    provider = options.get("oauth2_provider") or PRESET_PROVIDERS.get(preset or "", CUSTOM)
    entry: dict[str, Any] = {"auth": "oauth2", "oauth2_provider": provider}
    entry["oauth2_client_id"] = ask(
        options.get("oauth2_client_id"),
        "OAuth2 client id (register your own: README, 'Signing in with OAuth2')",
        "--oauth2-client-id",
    )
    secret_command = options.get("oauth2_client_secret_command")
    if provider == GOOGLE and secret_command is None:
        secret_command = ask(
            None,
            "Command that prints the client secret Google issued with it (empty: none)",
            "--oauth2-client-secret-command",
            default="",
        )
    if secret_command:
        entry["oauth2_client_secret_command"] = secret_command
    if provider == CUSTOM:
        entry["oauth2_token_endpoint"] = ask(
            options.get("oauth2_token_endpoint"), "Token endpoint (https://...)",
            "--oauth2-token-endpoint",
        )  # fmt: skip
        for key in ("oauth2_authorization_endpoint", "oauth2_device_endpoint"):
            if options.get(key):
                entry[key] = options[key]
        if "oauth2_authorization_endpoint" not in entry and "oauth2_device_endpoint" not in entry:
            entry["oauth2_authorization_endpoint"] = ask(
                None, "Authorization endpoint (https://...)", "--oauth2-authorization-endpoint"
            )
        entry["oauth2_scope"] = ask(options.get("oauth2_scope"), "Scope", "--oauth2-scope")
    elif options.get("oauth2_scope"):
        entry["oauth2_scope"] = options["oauth2_scope"]
    return entry


def sign_in(account: AccountConfig, options: dict[str, Any]) -> Any:
    """Run the sign-in flow for ``account``; returns the provider's grant (with a refresh token)."""
    from agent.oauth.client import TokenClient
    from agent.oauth.flows import can_open_browser, sign_in_device, sign_in_loopback
    from agent.secrets import get_client_secret

    assert account.oauth2 is not None
    endpoints = account.oauth2.endpoints
    flow = options.get("flow") or endpoints.flow
    if not endpoints.supports(flow):
        raise UsageError(
            f"--flow {flow}: {endpoints.label} has no endpoint for it in this account's config"
        )
    client = TokenClient(account, client_secret=get_client_secret(account))
    if flow == "device":
        grant = sign_in_device(client, say=click.echo)
    else:
        try:
            paste_fd: int | None = sys.stdin.fileno()
        except (OSError, ValueError):  # no real standard input (a test runner's)
            paste_fd = None
        grant = sign_in_loopback(
            client,
            say=click.echo,
            open_browser=not options.get("no_browser") and can_open_browser(),
            login_hint=account.address,
            paste_fd=paste_fd,
        )
    if not grant.refresh_token:
        hint = (
            "remove followup's access in your Google account (Security > Third-party access) "
            "and sign in again"
            if account.oauth2.provider == GOOGLE
            else "check that the scope allows offline access (Microsoft: offline_access)"
        )
        raise AuthError(
            f"account {account.name}: {endpoints.label} signed you in but gave no refresh "
            "token, so followup could not stay signed in",
            hint=hint,
        )
    click.secho(f"✓ signed in at {endpoints.label}", fg="green")
    return grant


def store_sign_in(account: AccountConfig, grant: Any) -> None:
    from agent.secrets import OAUTH2_SERVICE, set_refresh_token

    set_refresh_token(account.name, grant.refresh_token)
    click.echo(
        f"Sign-in stored in the system keyring (service {OAUTH2_SERVICE!r}, user "
        f"{account.name!r}); the access token is never stored."
    )


def reauth(
    config_path: Path,
    name: str | None,
    options: dict[str, Any],
    *,
    test_login: Callable[..., None],
    no_test: bool,
) -> None:
    """``followup init --name NAME --reauth``: sign in again, test, keep the new sign-in."""
    from agent.oauth.tokens import GrantTokens

    if not name:
        raise UsageError("--reauth needs --name (the account to sign in again)")
    account = load_config(config_path).account(name)
    if account.auth != "oauth2":
        raise UsageError(f"account {name} logs in with a password; --reauth is for OAuth2")
    if account.oauth2 is None:
        raise UsageError(
            f"account {name} gets its tokens from token_command; sign in again with that tool"
        )
    grant = sign_in(account, options)
    if not no_test:
        test_login(account, None, tokens=GrantTokens(grant))
    store_sign_in(account, grant)
    click.echo("Signed in again. A running service uses the new sign-in at its next scan.")
