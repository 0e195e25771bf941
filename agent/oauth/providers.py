"""The OAuth2 providers followup knows, as data: endpoints, scopes and the sign-in flow.

No client id ships with the product: each user registers their own (README,
"Signing in with OAuth2"). ``custom`` takes every endpoint from the config.
"""

from __future__ import annotations

from dataclasses import dataclass

GOOGLE = "google"
MICROSOFT = "microsoft"
CUSTOM = "custom"
PROVIDERS = (GOOGLE, MICROSOFT, CUSTOM)

LOOPBACK = "loopback"  # authorization code + PKCE, redirected to http://127.0.0.1:PORT/
DEVICE = "device"  # device authorization grant (RFC 8628): a code typed in on any device
FLOWS = (LOOPBACK, DEVICE)


@dataclass(frozen=True)
class Endpoints:
    """Where to sign in and what to ask for."""

    authorization: str | None
    token: str
    device: str | None
    scope: str
    flow: str  # the flow `followup init` uses unless told otherwise
    label: str  # for messages: "Google", "Microsoft", or the token endpoint's host

    def supports(self, flow: str) -> bool:
        return bool(self.authorization if flow == LOOPBACK else self.device)


KNOWN: dict[str, Endpoints] = {
    GOOGLE: Endpoints(
        authorization="https://accounts.google.com/o/oauth2/v2/auth",
        token="https://oauth2.googleapis.com/token",
        # Google's device flow does not grant the mail scope: the loopback flow it is.
        device=None,
        scope="https://mail.google.com/",
        flow=LOOPBACK,
        label="Google",
    ),
    MICROSOFT: Endpoints(
        authorization="https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        token="https://login.microsoftonline.com/common/oauth2/v2.0/token",
        device="https://login.microsoftonline.com/common/oauth2/v2.0/devicecode",
        scope="https://outlook.office.com/IMAP.AccessAsUser.All offline_access",
        flow=DEVICE,
        label="Microsoft",
    ),
}

# The presets of `followup init` that sign in with OAuth2, and their provider.
PRESET_PROVIDERS = {"gmail": GOOGLE, "outlook": MICROSOFT}
