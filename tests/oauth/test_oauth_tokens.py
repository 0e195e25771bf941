"""Access tokens of an OAuth2 account against the local provider over HTTPS (authlib).

Refreshed before expiry and only then; a rotated refresh token saved before the new
access token is used, and kept in memory while the keyring refuses it; a revoked
grant answered with one line and then without asking the provider again; a token
rotated by another followup process picked up; network, TLS and client failures
sorted into the product's errors, none quoting a token.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
import trustme
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked
from oauth_provider import OAuthProvider

from agent.config import AccountConfig, config_from_dict
from agent.errors import (
    AuthError,
    ReauthRequiredError,
    SecretError,
    TLSError,
    TransientMailboxError,
)
from agent.oauth.tokens import AccessTokens, refresh_margin
from agent.secrets import OAUTH2_SERVICE

REAUTH_LINE = (
    "{label} no longer accepts the sign-in (revoked or expired); "
    "sign in again: followup init --name work --reauth"
)


class Keyring(KeyringBackend):
    """In memory; ``refuse_writes`` makes it act locked; ``after_get`` runs a hook once the
    value is read (and before the reader can use it)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}
        self.refuse_writes = 0
        self.after_get: Callable[[], None] | None = None

    def get_password(self, service: str, username: str) -> str | None:
        value = self.items.get((service, username))
        hook, self.after_get = self.after_get, None
        if hook is not None:
            hook()
        return value

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.refuse_writes:
            self.refuse_writes -= 1
            raise KeyringLocked("collection is locked")
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)

    @property
    def refresh_token(self) -> str | None:
        return self.items.get((OAUTH2_SERVICE, "work"))


@pytest.fixture(scope="module")
def ca_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[trustme.CA, str]]:
    ca = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    yield ca, str(path)


@pytest.fixture
def provider(ca_file: tuple[trustme.CA, str]) -> Iterator[OAuthProvider]:
    server = OAuthProvider(ca=ca_file[0]).start()
    yield server
    server.stop()


@pytest.fixture
def memory_keyring() -> Iterator[Keyring]:
    previous = keyring.get_keyring()
    backend = Keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def account_for(
    provider: OAuthProvider, client_id: str, ca_file: str, **extra: object
) -> AccountConfig:
    entry = {
        "name": "work", "host": "127.0.0.1", "username": "kari", "address": "kari@example.org",
        "ca_file": ca_file, "auth": "oauth2", "oauth2_provider": "custom",
        "oauth2_client_id": client_id, "oauth2_scope": "mail", **provider.endpoints(), **extra,
    }  # fmt: skip
    return config_from_dict({"accounts": [entry]}).accounts[0]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def signed_in(
    provider: OAuthProvider, memory_keyring: Keyring, ca_file: tuple[trustme.CA, str]
) -> tuple[AccountConfig, str]:
    client = provider.add_client("kari")
    _, refresh_token = provider.issue(client)
    memory_keyring.items[(OAUTH2_SERVICE, "work")] = refresh_token
    return account_for(provider, client.client_id, ca_file[1]), client.client_id


def test_the_access_token_is_refreshed_shortly_before_it_expires_and_not_sooner(
    provider: OAuthProvider, signed_in: tuple[AccountConfig, str]
) -> None:
    account, client_id = signed_in
    provider.access_lifetime = 900.0
    clock = Clock()
    tokens = AccessTokens(account, clock=clock)
    first = tokens.token()
    assert provider.token_requests(client_id, "refresh_token") == 1
    assert tokens.info is not None and tokens.info.scope == "mail"
    clock.now += 900 - refresh_margin(900) - 1  # one second before the refresh is due
    assert tokens.token() == first
    assert provider.token_requests(client_id, "refresh_token") == 1
    clock.now += 2  # within the margin: a new token before the old one expires
    second = tokens.token()
    assert second != first and provider.token_requests(client_id, "refresh_token") == 2
    assert refresh_margin(3600) == 120 and refresh_margin(9) == 3
    assert tokens.token(fresh=True) != second  # the server refused it: a new one at once


def test_a_rotated_refresh_token_is_saved_before_the_access_token_is_used(
    provider: OAuthProvider, signed_in: tuple[AccountConfig, str], memory_keyring: Keyring
) -> None:
    account, _ = signed_in
    provider.rotate = provider.strict_rotation = True
    old = memory_keyring.refresh_token
    tokens = AccessTokens(account)
    tokens.token()
    assert memory_keyring.refresh_token != old
    assert provider.live_refresh_tokens("kari") == [memory_keyring.refresh_token]
    assert tokens.info is not None and tokens.info.rotated
    # Another process (the next start) signs in with what the keyring holds.
    AccessTokens(account).token()


def test_a_rotated_token_the_keyring_refuses_is_kept_and_nothing_is_used(
    provider: OAuthProvider, signed_in: tuple[AccountConfig, str], memory_keyring: Keyring
) -> None:
    account, client_id = signed_in
    provider.rotate = provider.strict_rotation = True
    old = memory_keyring.refresh_token
    memory_keyring.refuse_writes = 1
    tokens = AccessTokens(account)
    with pytest.raises(SecretError, match="keyring is locked"):
        tokens.token()
    assert memory_keyring.refresh_token == old  # never emptied
    assert old not in provider.live_refresh_tokens("kari")  # the provider retired it
    # The keyring is back: the kept token is saved first, then used.
    tokens.token()
    assert memory_keyring.refresh_token in provider.live_refresh_tokens("kari")
    assert provider.token_requests(client_id, "refresh_token") == 2


def test_a_revoked_grant_gives_one_line_and_no_more_token_requests(
    provider: OAuthProvider, signed_in: tuple[AccountConfig, str], memory_keyring: Keyring
) -> None:
    account, client_id = signed_in
    provider.revoke("kari")
    tokens = AccessTokens(account)
    with pytest.raises(ReauthRequiredError) as caught:
        tokens.token()
    label = f"127.0.0.1:{provider.port}"
    assert str(caught.value) == REAUTH_LINE.format(label=label)
    assert caught.value.hint is None  # the one line says it all
    assert "S3cr3t" not in str(caught.value)  # the provider quoted the token; we do not
    asked = provider.token_requests(client_id)
    assert asked == 1
    for _ in range(5):
        with pytest.raises(ReauthRequiredError):
            tokens.token()
    assert provider.token_requests(client_id) == asked
    # The user signs in again (followup init --reauth writes the keyring): it works at once.
    _, memory_keyring.items[(OAUTH2_SERVICE, "work")] = provider.issue(provider.clients[client_id])
    tokens.token()


def test_a_token_rotated_by_another_followup_process_is_picked_up(
    provider: OAuthProvider, signed_in: tuple[AccountConfig, str], memory_keyring: Keyring
) -> None:
    account, client_id = signed_in
    provider.rotate = provider.strict_rotation = True
    daemon, doctor = AccessTokens(account), AccessTokens(account)
    daemon.token()
    # The doctor reads the keyring; just then the daemon renews (and rotates) the sign-in.
    memory_keyring.after_get = lambda: daemon.token(fresh=True)
    doctor.token()
    assert provider.live_refresh_tokens("kari") == [memory_keyring.refresh_token]
    assert provider.token_requests(client_id, "refresh_token") == 4  # one retry, no more


def test_provider_failures_are_sorted_and_quote_no_token(
    provider: OAuthProvider,
    signed_in: tuple[AccountConfig, str],
    memory_keyring: Keyring,
    ca_file: tuple[trustme.CA, str],
    tmp_path: Path,
) -> None:
    account, client_id = signed_in
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    unreachable = account_for(
        provider, client_id, ca_file[1], oauth2_token_endpoint=f"https://127.0.0.1:{closed}/token"
    )
    with pytest.raises(TransientMailboxError, match="cannot reach the sign-in service"):
        AccessTokens(unreachable).token()
    other_ca = tmp_path / "other.pem"
    trustme.CA().cert_pem.write_to_path(str(other_ca))
    with pytest.raises(TLSError, match="TLS certificate of the sign-in service"):
        AccessTokens(account_for(provider, client_id, str(other_ca))).token()
    with pytest.raises(AuthError, match="refused the client id") as caught:
        AccessTokens(account_for(provider, "client-nobody", ca_file[1])).token()
    assert "oauth2_client_id" in (caught.value.hint or "")
    memory_keyring.items.clear()
    with pytest.raises(SecretError, match="no OAuth2 sign-in stored") as missing:
        AccessTokens(account).token()
    assert "followup init --name work --reauth" in (missing.value.hint or "")


def test_google_and_microsoft_are_checked_against_the_system_cas_only(
    signed_in: tuple[AccountConfig, str], ca_file: tuple[trustme.CA, str]
) -> None:
    from agent.oauth.client import TokenClient

    entry = {"name": "g", "host": "imap.gmail.com", "username": "k", "address": "k@gmail.com",
             "ca_file": ca_file[1], "oauth2_provider": "google", "oauth2_client_id": "x"}  # fmt: skip
    google = config_from_dict({"accounts": [entry]}).accounts[0]
    assert TokenClient(google)._verify is True
    assert TokenClient(signed_in[0])._verify == ca_file[1]


def test_token_command_runs_for_every_login(tmp_path: Path) -> None:
    script = tmp_path / "token.sh"
    script.write_text("#!/bin/sh\necho S3cr3t-canary-at-$(date +%N)\n")
    script.chmod(0o700)
    entry = {"name": "work", "host": "h", "username": "k", "address": "k@x.no",
             "token_command": str(script)}  # fmt: skip
    account = config_from_dict({"accounts": [entry]}).accounts[0]
    tokens = AccessTokens(account)
    first, second = tokens.token(), tokens.token()
    assert first.startswith("S3cr3t-canary-at-") and first != second
    script.write_text("#!/bin/sh\necho S3cr3t-canary-leak >&2\nexit 3\n")
    with pytest.raises(SecretError) as caught:
        tokens.token()
    assert str(caught.value) == (
        "credentials unavailable for account work: token_command failed with exit code 3"
    )


def test_renewed_tokens_do_not_pile_up_in_the_redactor() -> None:
    """Hourly tokens for weeks would otherwise make every log line slower and memory grow."""
    from agent import redaction
    from agent.redaction import REDACTED, redact, register_secret

    register_secret("S3cr3t-canary-slot-0", slot="work:access")
    before = len(redaction._secrets)
    for hour in range(1, 200):
        register_secret(f"S3cr3t-canary-slot-{hour}", slot="work:access")
    assert len(redaction._secrets) <= before + 16
    assert redact("token S3cr3t-canary-slot-199") == f"token {REDACTED}"
    assert redact("token S3cr3t-canary-slot-197") == f"token {REDACTED}"  # the last few stay
    register_secret("S3cr3t-canary-fixed-password")  # a password stays for good
    for hour in range(200, 210):
        register_secret(f"S3cr3t-canary-slot-{hour}", slot="work:access")
    assert redact("S3cr3t-canary-fixed-password") == REDACTED


class Killed(BaseException):
    """The process dies (SIGKILL, power loss) at this point."""


@pytest.mark.parametrize("strict", [False, True], ids=["old-token-kept", "old-token-retired"])
def test_a_process_killed_between_the_refresh_and_the_save(
    provider: OAuthProvider,
    signed_in: tuple[AccountConfig, str],
    memory_keyring: Keyring,
    monkeypatch: pytest.MonkeyPatch,
    strict: bool,
) -> None:
    """T21 (c): the provider rotated the token, the process died before the keyring took
    the new one. Where the old token stays valid (Microsoft's policy) the next start goes
    on; where the provider retired it, the next start degrades to the sign-in-again line."""
    account, client_id = signed_in
    provider.rotate, provider.strict_rotation = True, strict
    old = memory_keyring.refresh_token

    def die(*args: object, **kwargs: object) -> None:
        raise Killed()

    import agent.secrets

    monkeypatch.setattr(agent.secrets, "set_refresh_token", die)
    with pytest.raises(Killed):
        AccessTokens(account).token()
    monkeypatch.undo()
    assert memory_keyring.refresh_token == old  # the keyring item was never emptied
    restarted = AccessTokens(account)
    if strict:
        with pytest.raises(ReauthRequiredError, match="sign in again: followup init"):
            restarted.token()
    else:
        restarted.token()
        assert memory_keyring.refresh_token in provider.live_refresh_tokens("kari")


def test_the_browser_sign_in_takes_a_pasted_redirect_and_refuses_a_foreign_one(
    provider: OAuthProvider, memory_keyring: Keyring, ca_file: tuple[trustme.CA, str]
) -> None:
    import os
    import ssl
    import threading
    import urllib.error
    import urllib.request

    from agent.errors import AuthError
    from agent.oauth.client import TokenClient
    from agent.oauth.flows import sign_in_loopback

    client = provider.add_client("kari")
    account = account_for(provider, client.client_id, ca_file[1])
    context = ssl.create_default_context(cafile=ca_file[1])

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), Stay())

    def sign_in(tamper: Callable[[str], str]) -> object:
        read_end, write_end = os.pipe()
        said: list[str] = []

        def say(text: str) -> None:
            said.append(text)
            if "/authorize?" in text:  # the user, on another machine, pastes the redirect
                url = next(w for w in text.split() if "/authorize?" in w)
                try:
                    opener.open(url, timeout=10)
                except urllib.error.HTTPError as redirect:
                    pasted = tamper(redirect.headers["Location"])
                    threading.Timer(0.2, os.write, (write_end, pasted.encode() + b"\n")).start()

        try:
            return sign_in_loopback(TokenClient(account), say=say, open_browser=False,
                                    paste_fd=read_end, wait=20)  # fmt: skip
        finally:
            os.close(write_end)
            os.close(read_end)

    grant = sign_in(lambda location: location)
    assert grant.refresh_token in provider.live_refresh_tokens("kari")  # type: ignore[attr-defined]
    with pytest.raises(AuthError, match="does not belong to this sign-in"):
        sign_in(lambda location: location.replace("state=", "state=x"))


def test_the_device_sign_in_slows_down_when_asked_and_gives_up_when_the_code_expires(
    provider: OAuthProvider, memory_keyring: Keyring, ca_file: tuple[trustme.CA, str]
) -> None:
    from agent.errors import AuthError
    from agent.oauth.client import Grant, TokenClient
    from agent.oauth.flows import sign_in_device

    client = provider.add_client("kari")
    account = account_for(provider, client.client_id, ca_file[1])
    said: list[str] = []
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # the first polls come at once: too soon
        waits.append(seconds)
        if len(waits) == 3:
            code = said[0].split("enter the code ")[1].split()[0]
            provider.approve_device(code)
            time.sleep(0.25)  # then at the provider's pace

    import time

    grant = sign_in_device(TokenClient(account), say=said.append, sleep=sleep)
    assert isinstance(grant, Grant) and grant.refresh_token
    assert waits[0] == pytest.approx(0.2) and waits[-1] > 5  # slow_down added five seconds
    clock = iter([0.0, 10_000.0])
    with pytest.raises(AuthError, match="expired before the sign-in was finished"):
        sign_in_device(TokenClient(account), say=said.append, sleep=lambda s: None,
                       monotonic=lambda: next(clock))  # fmt: skip
