"""The access token of an OAuth2 account: in memory, refreshed before it expires.

:class:`AccessTokens` is what a mailbox login asks for a token. For an account
signing in through a provider it

* keeps the access token in memory only, and hands it out until shortly before it
  expires (:func:`refresh_margin`);
* refreshes it with the refresh token read from the keyring at that moment (so a new
  sign-in, or a token another followup process rotated, is picked up);
* saves a rotated refresh token in the keyring **before** the new access token is
  used; when the keyring cannot take it, the new token is kept in memory, nothing is
  used, and saving is tried again first at the next attempt;
* after the provider called the grant revoked or expired, answers with the same one
  line (:class:`ReauthRequiredError`) without asking the provider again, until the
  keyring holds a different refresh token (the user signed in again).

With ``token_command`` the command is run for every login; it keeps its own cache.
One instance per account and process (:func:`tokens_for`).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agent.config import AccountConfig
from agent.errors import ReauthRequiredError, SecretError
from agent.redaction import register_secret

if TYPE_CHECKING:
    from agent.oauth.client import Grant

log = logging.getLogger(__name__)

MAX_MARGIN = 120.0  # refresh at most this many seconds before expiry ...
MARGIN_SHARE = 1 / 3  # ... and at most a third of the token's lifetime before it
DEFAULT_LIFETIME = 3600.0  # when the provider does not say


def refresh_margin(lifetime: float) -> float:
    return min(MAX_MARGIN, lifetime * MARGIN_SHARE)


def fingerprint(secret: str) -> str:
    """Enough to recognise a token again, nothing to use it with."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:16]


@dataclass
class TokenInfo:
    """What ``followup doctor`` may show about the current token: never the token."""

    source: str  # "refresh" | "token_command" | "memory"
    expires_at: float | None  # epoch seconds
    scope: str | None
    rotated: bool = False


class AccessTokens:
    """Access tokens for one account (see the module docs)."""

    def __init__(
        self,
        account: AccountConfig,
        *,
        clock: Callable[[], float] = time.time,
        keyring_timeout: float = 10.0,
    ) -> None:
        self.account = account
        self._clock = clock
        self._keyring_timeout = keyring_timeout
        self._lock = threading.Lock()
        self._access: str | None = None
        self._expires_at = 0.0
        self._refresh_at = 0.0
        self._unsaved: str | None = None  # a rotated refresh token the keyring did not take
        self._refused: str | None = None  # fingerprint of the refresh token called revoked
        self.info: TokenInfo | None = None
        self.refreshes = 0  # token requests made (for tests and the soak)

    def __repr__(self) -> str:
        return f"AccessTokens({self.account.name})"

    def token(self, *, fresh: bool = False) -> str:
        """A valid access token; ``fresh`` forgets the one in memory (the server refused it)."""
        with self._lock:
            if self.account.token_command:
                return self._from_command()
            if fresh:
                self._access = None
            now = self._clock()
            if self._access is not None and now < self._refresh_at:
                self.info = TokenInfo(
                    "memory", self._expires_at, self.info.scope if self.info else None
                )
                return self._access
            return self._refresh(now)

    def forget(self) -> None:
        with self._lock:
            self._access = None

    # -- token_command --------------------------------------------------------------------

    def _from_command(self) -> str:
        from agent.secrets import get_token_from_command

        token = get_token_from_command(self.account, timeout=max(10.0, self.account.timeout))
        if not token:
            raise SecretError(
                f"credentials unavailable for account {self.account.name}: "
                "token_command printed nothing"
            )
        self.info = TokenInfo("token_command", None, None)
        return token

    # -- refresh --------------------------------------------------------------------------

    def _refresh(self, now: float) -> str:
        from agent.oauth.client import TokenClient, reauth_line
        from agent.secrets import get_client_secret, get_refresh_token, set_refresh_token

        name = self.account.name
        timeout = self._keyring_timeout
        if self._unsaved is not None:
            set_refresh_token(name, self._unsaved, timeout=timeout)
            log.info("account %s: the renewed sign-in is now saved in the keyring", name)
            self._unsaved = None
        refresh_token = get_refresh_token(name, timeout=timeout)
        assert self.account.oauth2 is not None
        label = self.account.oauth2.endpoints.label
        if self._refused is not None and fingerprint(refresh_token) == self._refused:
            raise ReauthRequiredError(reauth_line(name, label))
        client = TokenClient(
            self.account,
            client_secret=get_client_secret(self.account, timeout=timeout),
            timeout=max(10.0, self.account.timeout),
        )
        self.refreshes += 1
        try:
            grant = client.refresh(refresh_token)
        except ReauthRequiredError:
            # Another followup process may have rotated the token meanwhile: retry once
            # with the keyring's token before calling the sign-in gone.
            current = get_refresh_token(name, timeout=timeout)
            if current == refresh_token:
                self._refused = fingerprint(refresh_token)
                self._access = None
                raise
            refresh_token = current
            self.refreshes += 1
            try:
                grant = client.refresh(refresh_token)
            except ReauthRequiredError:
                self._refused = fingerprint(refresh_token)
                self._access = None
                raise
        self._refused = None
        rotated = grant.refresh_token is not None and grant.refresh_token != refresh_token
        if rotated:
            assert grant.refresh_token is not None
            try:
                set_refresh_token(name, grant.refresh_token, timeout=timeout)
            except SecretError:
                # The provider may have retired the old token: this one must not be lost.
                self._unsaved = grant.refresh_token
                self._access = None
                raise
            log.info("account %s: %s renewed the sign-in; saved in the keyring", name, label)
        lifetime = (
            grant.expires_in if grant.expires_in and grant.expires_in > 0 else DEFAULT_LIFETIME
        )
        register_secret(grant.access_token, slot=f"{name}:access")
        self._access = grant.access_token
        self._expires_at = now + lifetime
        self._refresh_at = self._expires_at - refresh_margin(lifetime)
        self.info = TokenInfo("refresh", self._expires_at, grant.scope, rotated)
        log.debug("account %s: new access token from %s, valid for %.0f s", name, label, lifetime)
        return grant.access_token


_registry_lock = threading.Lock()
_registry: dict[str, tuple[AccountConfig, AccessTokens]] = {}


def tokens_for(account: AccountConfig) -> AccessTokens:
    """The process's :class:`AccessTokens` of ``account`` (a new one when its settings changed)."""
    with _registry_lock:
        known = _registry.get(account.name)
        if known is not None and known[0] == account:
            return known[1]
        tokens = AccessTokens(account)
        _registry[account.name] = (account, tokens)
        return tokens


class GrantTokens:
    """The access token of a sign-in just made, for ``followup init`` to test the login."""

    def __init__(self, grant: Grant) -> None:
        self._grant = grant
        lifetime = grant.expires_in or DEFAULT_LIFETIME
        self.info = TokenInfo("refresh", time.time() + lifetime, grant.scope)

    def __repr__(self) -> str:
        return "GrantTokens()"

    def token(self, *, fresh: bool = False) -> str:
        return self._grant.access_token
