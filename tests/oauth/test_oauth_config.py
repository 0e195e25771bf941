"""OAuth2 accounts in the config: the keys, how they are checked together, and no secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import load_config, write_config
from agent.errors import ConfigError
from agent.oauth.providers import KNOWN

BASE = (
    '[[accounts]]\nname = "work"\nhost = "imap.example.com"\nusername = "kari"\n'
    'address = "kari@example.org"\n'
)
CUSTOM = (
    'auth = "oauth2"\noauth2_provider = "custom"\noauth2_client_id = "my-app"\n'
    'oauth2_token_endpoint = "https://sso.example.com/token"\n'
    'oauth2_authorization_endpoint = "https://sso.example.com/authorize"\n'
    'oauth2_scope = "mail"\n'
)


def load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, env={})


def test_the_gmail_and_outlook_providers_bring_their_endpoints_and_flows(tmp_path: Path) -> None:
    google = load(tmp_path, BASE + 'auth = "oauth2"\noauth2_provider = "google"\n'
                  'oauth2_client_id = "123.apps"\noauth2_client_secret_command = "pass g"\n')  # fmt: skip
    (account,) = google.accounts
    assert account.auth == "oauth2" and account.password_command is None
    assert account.oauth2 is not None
    assert account.oauth2.endpoints == KNOWN["google"]
    assert account.oauth2.endpoints.flow == "loopback"
    assert account.oauth2.endpoints.scope == "https://mail.google.com/"
    assert account.oauth2.client_secret_command == "pass g"
    microsoft = load(tmp_path, BASE + 'oauth2_provider = "microsoft"\noauth2_client_id = "abc"\n')
    (account,) = microsoft.accounts
    assert account.auth == "oauth2"  # implied by the OAuth2 keys
    assert account.oauth2 is not None and account.oauth2.endpoints.flow == "device"
    assert "IMAP.AccessAsUser.All" in account.oauth2.endpoints.scope
    assert "offline_access" in account.oauth2.endpoints.scope


def test_custom_endpoints_and_token_command(tmp_path: Path) -> None:
    (account,) = load(tmp_path, BASE + CUSTOM).accounts
    assert account.oauth2 is not None
    endpoints = account.oauth2.endpoints
    assert (endpoints.token, endpoints.authorization, endpoints.device, endpoints.scope) == (
        "https://sso.example.com/token",
        "https://sso.example.com/authorize",
        None,
        "mail",
    )
    assert endpoints.flow == "loopback" and endpoints.label == "sso.example.com"
    (account,) = load(tmp_path, BASE + 'token_command = "oama access kari@example.org"\n').accounts
    assert (account.auth, account.token_command, account.oauth2) == (
        "oauth2",
        "oama access kari@example.org",
        None,
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('auth = "oauth2"\n', "oauth2_provider: required"),
        ('auth = "oauth2"\noauth2_provider = "google"\n', "oauth2_client_id: required"),
        ('oauth2_provider = "custom"\noauth2_client_id = "x"\noauth2_scope = "s"\n',
         "oauth2_token_endpoint: required"),
        ('oauth2_provider = "custom"\noauth2_client_id = "x"\noauth2_scope = "s"\n'
         'oauth2_token_endpoint = "https://a.example/t"\n', "oauth2_authorization_endpoint: required"),
        (CUSTOM.replace('oauth2_scope = "mail"\n', ""), "oauth2_scope: required"),
        (CUSTOM.replace("https://sso.example.com/token", "http://sso.example.com/token"),
         "oauth2_token_endpoint: expected an https:// address"),
        ('oauth2_provider = "google"\noauth2_client_id = "x"\n'
         'oauth2_token_endpoint = "https://evil.example/t"\n', "endpoints are set only with"),
        (CUSTOM + 'password_command = "pass x"\n', "password_command: not used with auth"),
        ('auth = "password"\noauth2_client_id = "x"\n', "oauth2_client_id: only used with auth"),
        ('token_command = "t"\noauth2_client_id = "x"\n', "oauth2_client_id: not used with token_command"),
        ('oauth2_provider = "yahoo"\n', "expected one of google, microsoft, custom"),
    ],
)  # fmt: skip
def test_oauth2_keys_are_checked_together(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load(tmp_path, BASE + extra)


def test_a_maildir_account_does_not_sign_in(tmp_path: Path) -> None:
    (tmp_path / "Mail").mkdir()
    with pytest.raises(ConfigError, match="a Maildir account does not sign in"):
        load(tmp_path, '[[accounts]]\nname = "m"\nmaildir = "Mail"\naddress = "a@b.no"\n'
             'token_command = "t"\n')  # fmt: skip


@pytest.mark.parametrize(
    "key",
    [
        "refresh_token",
        "access_token",
        "client_secret",
        "oauth2_client_secret",
        "oauth2_refresh_token",
    ],
)
def test_tokens_and_client_secrets_are_refused_in_the_config(tmp_path: Path, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, BASE + CUSTOM + f'{key} = "S3cr3t-canary-token"\n')
    assert f"accounts[0].{key}: passwords are not kept in the config file" in str(info.value)
    assert "S3cr3t" not in str(info.value) + (info.value.hint or "")
    with pytest.raises(ConfigError):
        write_config(
            {"accounts": [{"name": "w", "host": "h", "address": "a@b.no", key: "S3cr3t-x"}]},
            tmp_path / "written.toml",
        )
    assert not (tmp_path / "written.toml").exists()


def test_an_oauth2_account_round_trips_through_write_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    load(tmp_path, BASE + CUSTOM)
    import tomllib

    document = tomllib.loads(path.read_text())
    write_config(document, tmp_path / "again.toml")
    assert (
        load_config(tmp_path / "again.toml", env={}).accounts == load_config(path, env={}).accounts
    )


def test_init_chooses_oauth2_for_the_gmail_and_outlook_presets_and_fills_in_the_provider() -> None:
    from agent.commands.setup_oauth import choose_auth, oauth2_entry

    def ask(value, text, option, **kwargs):  # type: ignore[no-untyped-def]
        if value not in (None, ""):
            return value
        if kwargs.get("default") is not None:
            return kwargs["default"]
        raise AssertionError(f"asked for {option}")

    assert (
        choose_auth("gmail", {"oauth2_client_id": "x"}, password_given=False, interactive=False)
        == "oauth2"
    )
    assert choose_auth("gmail", {}, password_given=True, interactive=True) == "password"
    assert choose_auth("fastmail", {}, password_given=False, interactive=False) == "password"
    assert (
        choose_auth("outlook", {"token_command": "t"}, password_given=False, interactive=False)
        == "oauth2"
    )
    assert oauth2_entry("outlook", {"oauth2_client_id": "abc"}, ask) == {
        "auth": "oauth2",
        "oauth2_provider": "microsoft",
        "oauth2_client_id": "abc",
    }
    assert oauth2_entry(
        "gmail", {"oauth2_client_id": "abc", "oauth2_client_secret_command": "pass g"}, ask
    ) == {
        "auth": "oauth2",
        "oauth2_provider": "google",
        "oauth2_client_id": "abc",
        "oauth2_client_secret_command": "pass g",
    }
    assert oauth2_entry("gmail", {"token_command": "oama access k"}, ask) == {
        "auth": "oauth2", "token_command": "oama access k",
    }  # fmt: skip
