"""Requests to a provider's sign-in endpoints, made by authlib, failures as product errors.

One :class:`TokenClient` per account and sign-in: it exchanges an authorization
code (with its PKCE verifier), runs the device-code grant and refreshes tokens.
Every request has a timeout and verifies TLS (an account's ``ca_file`` is trusted
for a ``custom`` provider, which may run on a private CA). A failure becomes:

* :class:`ReauthRequiredError` when the grant is revoked or expired (``invalid_grant``):
  one line saying how to sign in again;
* :class:`AuthError` when the provider refuses the client (id, secret, scope);
* :class:`TransientMailboxError` when the provider cannot be reached or is failing;
* :class:`TLSError` when its certificate cannot be verified.

No message quotes a token, a code or the provider's answer beyond its error code.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from agent.config import AccountConfig, OAuth2Settings
from agent.errors import (
    AuthError,
    MailboxError,
    ReauthRequiredError,
    TLSError,
    TransientMailboxError,
)
from agent.redaction import register_secret

log = logging.getLogger(__name__)

TIMEOUT = 30.0  # seconds per request to a sign-in endpoint
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
_ERROR_CODE = re.compile(r"[a-z_]{1,40}")
_TRANSIENT = ("temporarily_unavailable", "server_error")
_CLIENT = ("invalid_client", "unauthorized_client", "unsupported_grant_type")


@dataclass(frozen=True)
class Grant:
    """What a token response gave. ``repr`` never shows a token."""

    access_token: str
    expires_in: float | None
    refresh_token: str | None
    scope: str | None

    def __repr__(self) -> str:
        return f"Grant(expires_in={self.expires_in}, scope={self.scope!r})"


@dataclass(frozen=True)
class DeviceCode:
    """A device authorization: what to show the user, and what to poll with."""

    user_code: str
    verification_uri: str
    expires_in: float
    interval: float
    device_code: str
    message: str | None = None

    def __repr__(self) -> str:
        return f"DeviceCode(verification_uri={self.verification_uri!r})"


def reauth_line(account_name: str, label: str) -> str:
    """The one line a revoked or expired sign-in gives, everywhere it shows."""
    from agent.secrets import reauth_advice

    return (
        f"{label} no longer accepts the sign-in (revoked or expired); {reauth_advice(account_name)}"
    )


class TokenClient:
    """Token requests for one account's OAuth2 settings."""

    def __init__(
        self,
        account: AccountConfig,
        *,
        client_secret: str | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        if account.oauth2 is None:
            raise ValueError(f"account {account.name} does not sign in through a provider")
        self.account_name = account.name
        self.settings: OAuth2Settings = account.oauth2
        self.endpoints = self.settings.endpoints
        self._secret = client_secret
        self._timeout = timeout
        # A private CA is trusted for a custom provider only: Google's and Microsoft's
        # endpoints are checked against the system's CAs, whatever ca_file says. It is
        # passed with every request: requests lets $REQUESTS_CA_BUNDLE override a
        # session's own setting.
        self._verify: str | bool = (
            account.ca_file if account.ca_file and self.settings.provider == "custom" else True
        )

    def __repr__(self) -> str:
        return f"TokenClient({self.account_name}, {self.endpoints.label})"

    def session(self, **kwargs: Any) -> Any:
        from authlib.integrations.requests_client import OAuth2Session

        session = OAuth2Session(
            client_id=self.settings.client_id,
            client_secret=self._secret,
            token_endpoint_auth_method="client_secret_post" if self._secret else "none",
            scope=self.endpoints.scope,
            default_timeout=self._timeout,
            **kwargs,
        )
        session.headers["User-Agent"] = "followup"
        return session

    # -- grants ---------------------------------------------------------------------------

    def refresh(self, refresh_token: str) -> Grant:
        with self.session() as session:
            return self._grant(
                "refresh",
                lambda: session.refresh_token(
                    self.endpoints.token, refresh_token=refresh_token, verify=self._verify
                ),
            )

    def exchange_code(self, code: str, *, code_verifier: str, redirect_uri: str) -> Grant:
        with self.session(redirect_uri=redirect_uri) as session:
            return self._grant(
                "sign-in",
                lambda: session.fetch_token(
                    self.endpoints.token,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                    verify=self._verify,
                ),
            )

    def start_device(self) -> DeviceCode:
        """Ask for a device code (RFC 8628 §3.1)."""
        assert self.endpoints.device is not None
        body = {"client_id": self.settings.client_id, "scope": self.endpoints.scope}
        if self._secret:
            body["client_secret"] = self._secret
        with self.session() as session:
            answer = self._call(
                "device code",
                lambda: session.post(
                    self.endpoints.device,
                    data=body,
                    withhold_token=True,
                    headers={"Accept": "application/json"},
                    verify=self._verify,
                ),
            )
        try:
            data = answer.json()
        except ValueError:
            data = None
        if answer.status_code != 200 or not isinstance(data, dict):
            error = data.get("error") if isinstance(data, dict) else None
            raise self._refusal("device code", str(error or f"HTTP {answer.status_code}"))
        try:
            code = DeviceCode(
                user_code=str(data["user_code"]),
                verification_uri=str(data.get("verification_uri") or data["verification_url"]),
                expires_in=float(data.get("expires_in", 900)),
                interval=float(data.get("interval", 5)),
                device_code=str(data["device_code"]),
                message=data.get("message") if isinstance(data.get("message"), str) else None,
            )
        except (KeyError, TypeError, ValueError):
            raise MailboxError(f"{self.endpoints.label} gave an unusable device code") from None
        register_secret(code.device_code)
        return code

    def poll_device(self, device: DeviceCode) -> Grant | str:
        """One poll of the token endpoint: a grant, or "authorization_pending",
        "slow_down" (then wait longer); raises when the user declined or the code expired."""
        from authlib.integrations.base_client import OAuthError

        with self.session() as session:
            try:
                return self._grant(
                    "device sign-in",
                    lambda: session.fetch_token(
                        self.endpoints.token,
                        grant_type=DEVICE_GRANT,
                        device_code=device.device_code,
                        verify=self._verify,
                    ),
                    passthrough=(OAuthError,),
                )
            except OAuthError as exc:
                error = _code(exc)
                if error in ("authorization_pending", "slow_down"):
                    return error
                if error == "expired_token":
                    raise AuthError(
                        f"the code {device.user_code} expired before the sign-in was finished",
                        hint="run the same `followup init` again and enter the new code in time",
                    ) from None
                if error == "access_denied":
                    raise AuthError(f"the sign-in was declined at {self.endpoints.label}") from None
                raise self._refusal("device sign-in", error) from None

    # -- plumbing -------------------------------------------------------------------------

    def _grant(
        self, what: str, call: Any, passthrough: tuple[type[BaseException], ...] = ()
    ) -> Grant:
        from authlib.integrations.base_client import OAuthError

        try:
            token = self._call(what, call, passthrough=(OAuthError,))
        except OAuthError as exc:
            if passthrough and isinstance(exc, passthrough):
                raise
            raise self._refusal(what, _code(exc)) from None
        access = token.get("access_token")
        if not isinstance(access, str) or not access:
            raise MailboxError(
                f"{self.endpoints.label} answered the {what} without an access token"
            )
        register_secret(access, slot=f"{self.account_name}:access")
        refresh = token.get("refresh_token")
        refresh = refresh if isinstance(refresh, str) and refresh else None
        register_secret(refresh, slot=f"{self.account_name}:refresh")
        expires_in = token.get("expires_in")
        try:
            lifetime = float(expires_in) if expires_in is not None else None
        except (TypeError, ValueError):
            lifetime = None
        scope = token.get("scope")
        return Grant(
            access_token=access,
            expires_in=lifetime,
            refresh_token=refresh,
            scope=scope if isinstance(scope, str) else None,
        )

    def _call(self, what: str, call: Any, passthrough: tuple[type[BaseException], ...] = ()) -> Any:
        import requests

        host = self.endpoints.label
        try:
            return call()
        except passthrough:
            raise
        except requests.exceptions.SSLError:
            raise TLSError(
                f"the TLS certificate of the sign-in service {host} was rejected",
                hint="for a provider on a private CA, set ca_file for this account",
            ) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            reason = "timed out" if isinstance(exc, requests.exceptions.Timeout) else "no answer"
            raise TransientMailboxError(
                f"cannot reach the sign-in service {host} for the {what} ({reason})"
            ) from None
        except requests.exceptions.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else "?"
            raise TransientMailboxError(
                f"the sign-in service {host} failed the {what} (HTTP {status})"
            ) from None
        except (requests.exceptions.RequestException, ValueError) as exc:
            raise TransientMailboxError(
                f"the sign-in service {host} gave no usable "
                f"answer to the {what} ({type(exc).__name__})"
            ) from None

    def _refusal(self, what: str, error: str) -> MailboxError:
        label = self.endpoints.label
        if error == "invalid_grant" and what == "refresh":
            return ReauthRequiredError(reauth_line(self.account_name, label))
        if error in _TRANSIENT:
            return TransientMailboxError(
                f"the sign-in service {label} is not available just now ({error})"
            )
        if error in _CLIENT:
            return AuthError(
                f"{label} refused the client id for the {what} ({error})",
                hint="check oauth2_client_id and oauth2_client_secret_command (README: "
                "Signing in with OAuth2)",
            )
        if error == "invalid_scope":
            return AuthError(
                f"{label} refused the scope {self.endpoints.scope!r} ({error})",
                hint="check oauth2_scope, and that the client id may ask for mail access",
            )
        return AuthError(f"{label} refused the {what} ({error})")


def _code(exc: Any) -> str:
    """The OAuth error code (a short lowercase word); never the free-text description."""
    error = str(getattr(exc, "error", "") or "")
    return error if _ERROR_CODE.fullmatch(error) else "unknown_error"
