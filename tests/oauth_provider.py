"""A small OAuth2 provider on loopback for the tests, the soak and Dovecot's oauth2 passdb.

Grown from ``shared/notes/dovecot/oauth2_provider.py`` (an introspection endpoint
over a fixed token table) into the endpoints a mail client meets:

* ``GET /authorize`` - authorization code with PKCE (S256 required); the client's
  user signs in and consents at once, and the browser is sent to the loopback
  ``redirect_uri`` with ``code`` and ``state``;
* ``POST /token`` - grants ``authorization_code`` (verifier checked),
  ``refresh_token`` (optionally rotated; with ``strict_rotation`` a rotated token
  stops working, as some providers do) and the device code;
* ``POST /device`` and ``GET /verify?user_code=...`` - the device authorization
  grant (RFC 8628): pending, slow_down, approved, denied, expired;
* ``POST /introspect`` (plain HTTP, a second port) - RFC 7662 for Dovecot:
  ``{"active": true, "username": ...}`` for a live access token.

The sign-in endpoints speak HTTPS with a certificate from the given trustme CA
(the suite's, so one ``ca_file`` serves IMAP and sign-in alike). Every token is
``S3cr3t-canary-...`` so tests can search outputs for it; error descriptions quote
the token they refuse, as a careless provider might. Tokens and grants can be
revoked and expired from the test; every token request is counted.

    python tests/oauth_provider.py      # standalone: prints its addresses, Ctrl-C stops
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

HOST = "127.0.0.1"
CANARY = "S3cr3t-canary"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def leak_forms(token: str, username: str) -> list[bytes]:
    """How a token would show if it leaked: raw, escaped, base64 alone and inside any longer
    blob, and as the whole base64 XOAUTH2 and OAUTHBEARER strings of ``username``."""
    raw = token.encode()
    forms = [raw, json.dumps(token)[1:-1].encode(), base64.b64encode(raw).rstrip(b"=")]
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw)
        forms.append(encoded[4 if offset else 0 : 24])
    forms.append(base64.b64encode(f"user={username}\x01auth=Bearer {token}\x01\x01".encode()))
    forms.append(base64.b64encode(f"n,a={username},\x01auth=Bearer {token}\x01\x01".encode()))
    return forms


def leaked(tokens: list[str], username: str, data: bytes | str) -> list[str]:
    """The tokens found in ``data`` in any of their :func:`leak_forms` (and any canary)."""
    blob = data.encode("utf-8", "replace") if isinstance(data, str) else data
    found = [t for t in tokens if any(form in blob for form in leak_forms(t, username))]
    if CANARY.encode() in blob:
        found.append(CANARY)
    return found


def _token(kind: str) -> str:
    return f"{CANARY}-{kind}-{secrets.token_urlsafe(24)}"


@dataclass
class Client:
    client_id: str
    user: str  # who signs in with this client (the test's mail user)
    secret: str | None = None
    deny: bool = False  # the user declines consent


@dataclass
class Grant:
    """One sign-in: its refresh tokens and access tokens share its fate."""

    grant_id: int
    client_id: str
    user: str
    scope: str
    revoked: bool = False


@dataclass
class Device:
    device_code: str
    user_code: str
    client_id: str
    scope: str
    expires_at: float
    interval: float
    approved: bool = False
    denied: bool = False
    last_poll: float = 0.0


@dataclass
class Code:
    client_id: str
    redirect_uri: str
    challenge: str
    scope: str
    expires_at: float


@dataclass
class OAuthProvider:
    ca: object | None = None  # trustme.CA; HTTPS when given
    access_lifetime: float = 3600.0
    rotate: bool = False  # a new refresh token with every refresh
    strict_rotation: bool = False  # ... and the old one stops working
    device_interval: float = 0.2
    clock: object = time.time  # for the soak's simulated time
    clients: dict[str, Client] = field(default_factory=dict)
    requests: Counter = field(default_factory=Counter)  # (path, grant or "-", client) -> n

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._grants: dict[int, Grant] = {}
        self._refresh: dict[str, int] = {}  # refresh token -> grant id
        self._access: dict[str, tuple[int, float]] = {}  # access token -> (grant id, expiry)
        self._codes: dict[str, tuple[Code, str]] = {}  # code -> (code, user)
        self._devices: dict[str, Device] = {}
        self._servers: list[ThreadingHTTPServer] = []
        self.issued: list[str] = []  # every token handed out, for the leak searches
        self.port = 0
        self.introspection_port = 0

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> OAuthProvider:
        handler = _handler(self)
        main = ThreadingHTTPServer((HOST, 0), handler)
        if self.ca is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.ca.issue_cert("localhost", HOST).configure_cert(context)  # type: ignore[attr-defined]
            main.socket = context.wrap_socket(main.socket, server_side=True)
        introspection = ThreadingHTTPServer((HOST, 0), handler)
        self._servers = [main, introspection]
        self.port = main.server_address[1]
        self.introspection_port = introspection.server_address[1]
        for server in self._servers:
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    @property
    def base(self) -> str:
        return f"{'https' if self.ca is not None else 'http'}://{HOST}:{self.port}"

    @property
    def introspection_url(self) -> str:
        return f"http://{HOST}:{self.introspection_port}/introspect"

    def endpoints(self) -> dict[str, str]:
        """The config keys of a ``custom`` provider pointing here."""
        return {
            "oauth2_authorization_endpoint": f"{self.base}/authorize",
            "oauth2_token_endpoint": f"{self.base}/token",
            "oauth2_device_endpoint": f"{self.base}/device",
        }

    # -- the test's side --------------------------------------------------------------------

    def add_client(self, user: str, *, secret: str | None = None) -> Client:
        client = Client(f"client-{user}-{secrets.token_hex(3)}", user, secret)
        with self._lock:
            self.clients[client.client_id] = client
        return client

    def revoke(self, user: str) -> None:
        """The user removed the app's access (or an admin did): every grant of ``user`` ends."""
        with self._lock:
            for grant in self._grants.values():
                if grant.user == user:
                    grant.revoked = True

    def expire_access_tokens(self, user: str) -> None:
        with self._lock:
            for token, (grant_id, _) in list(self._access.items()):
                if self._grants[grant_id].user == user:
                    self._access[token] = (grant_id, 0.0)

    def live_refresh_tokens(self, user: str) -> list[str]:
        with self._lock:
            return [
                t
                for t, g in self._refresh.items()
                if self._grants[g].user == user and not self._grants[g].revoked
            ]

    def token_requests(self, client_id: str, grant_type: str | None = None) -> int:
        return sum(
            n
            for (path, grant, client), n in self.requests.items()
            if path == "/token" and client == client_id and grant_type in (None, grant)
        )

    def issue(self, client: Client, scope: str = "mail") -> tuple[str, str]:
        """A grant made outside any flow: (access token, refresh token)."""
        with self._lock:
            grant = self._new_grant(client.client_id, client.user, scope)
            return self._mint(grant, refresh=True)  # type: ignore[return-value]

    def approve_device(self, user_code: str) -> None:
        with self._lock:
            for device in self._devices.values():
                if device.user_code == user_code:
                    device.approved = True
                    return
        raise KeyError(user_code)

    # -- the endpoints ----------------------------------------------------------------------

    def _new_grant(self, client_id: str, user: str, scope: str) -> Grant:
        grant = Grant(len(self._grants) + 1, client_id, user, scope)
        self._grants[grant.grant_id] = grant
        return grant

    def _mint(self, grant: Grant, *, refresh: bool) -> tuple[str, str | None]:
        access = _token("at")
        self.issued.append(access)
        self._access[access] = (grant.grant_id, self.clock() + self.access_lifetime)  # type: ignore[operator]
        refresh_token = None
        if refresh:
            refresh_token = _token("rt")
            self.issued.append(refresh_token)
            self._refresh[refresh_token] = grant.grant_id
        return access, refresh_token

    def _answer(self, grant: Grant, refresh_token: str | None) -> dict[str, object]:
        access, _ = self._mint(grant, refresh=False)
        out: dict[str, object] = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.access_lifetime,
            "scope": grant.scope,
        }
        if refresh_token:
            out["refresh_token"] = refresh_token
        return out

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str]]:
        client = self.clients.get(query.get("client_id", ""))
        redirect = query.get("redirect_uri", "")
        parts = urlsplit(redirect)
        if client is None or parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "::1"):
            return 400, {"error": "invalid_request"}
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, {"error": "invalid_request", "error_description": "PKCE S256 required"}
        state = query.get("state", "")
        if client.deny:
            target = f"{redirect}?{urlencode({'error': 'access_denied', 'state': state})}"
            return 302, {"Location": target}
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = (
                Code(
                    client.client_id,
                    redirect,
                    query["code_challenge"],
                    query.get("scope", ""),
                    self.clock() + 120,  # type: ignore[operator]
                ),
                client.user,
            )
        return 302, {"Location": f"{redirect}?{urlencode({'code': code, 'state': state})}"}

    def token(self, form: dict[str, str], basic: tuple[str, str] | None) -> tuple[int, dict]:
        client_id = basic[0] if basic else form.get("client_id", "")
        secret = basic[1] if basic else form.get("client_secret")
        grant_type = form.get("grant_type", "")
        self.requests[("/token", grant_type, client_id)] += 1
        client = self.clients.get(client_id)
        if client is None or (client.secret is not None and secret != client.secret):
            return 401, {"error": "invalid_client"}
        now = self.clock()  # type: ignore[operator]
        with self._lock:
            if grant_type == "authorization_code":
                found = self._codes.pop(form.get("code", ""), None)
                if found is None or found[0].client_id != client_id or found[0].expires_at < now:
                    return 400, {"error": "invalid_grant"}
                code, user = found
                verifier = form.get("code_verifier", "")
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                    .rstrip(b"=")
                    .decode()
                )
                if challenge != code.challenge or form.get("redirect_uri") != code.redirect_uri:
                    return 400, {"error": "invalid_grant", "error_description": "PKCE failed"}
                grant = self._new_grant(client_id, user, code.scope)
                _, refresh_token = self._mint(grant, refresh=True)
                return 200, self._answer(grant, refresh_token)
            if grant_type == "refresh_token":
                offered = form.get("refresh_token", "")
                grant_id = self._refresh.get(offered)
                grant = self._grants.get(grant_id) if grant_id else None
                if grant is None or grant.revoked or grant.client_id != client_id:
                    return 400, {
                        "error": "invalid_grant",
                        "error_description": f"refresh token {offered} is revoked or expired",
                    }
                refresh_token = None
                if self.rotate:
                    _, refresh_token = self._mint(grant, refresh=True)
                    if self.strict_rotation:
                        del self._refresh[offered]
                return 200, self._answer(grant, refresh_token)
            if grant_type == DEVICE_GRANT:
                device = self._devices.get(form.get("device_code", ""))
                if device is None or device.client_id != client_id:
                    return 400, {"error": "invalid_grant"}
                if device.expires_at < now:
                    return 400, {"error": "expired_token"}
                if device.denied:
                    return 400, {"error": "access_denied"}
                too_soon = now - device.last_poll < device.interval * 0.9
                device.last_poll = now
                if not device.approved:
                    return 400, {"error": "slow_down" if too_soon else "authorization_pending"}
                del self._devices[device.device_code]
                grant = self._new_grant(client_id, client.user, device.scope)
                _, refresh_token = self._mint(grant, refresh=True)
                return 200, self._answer(grant, refresh_token)
        return 400, {"error": "unsupported_grant_type"}

    def device(self, form: dict[str, str]) -> tuple[int, dict]:
        client_id = form.get("client_id", "")
        self.requests[("/device", "-", client_id)] += 1
        if client_id not in self.clients:
            return 401, {"error": "invalid_client"}
        user_code = "-".join(secrets.token_hex(2).upper() for _ in range(2))
        device = Device(
            device_code=_token("dc"),
            user_code=user_code,
            client_id=client_id,
            scope=form.get("scope", ""),
            expires_at=self.clock() + 600,  # type: ignore[operator]
            interval=self.device_interval,
        )
        with self._lock:
            self._devices[device.device_code] = device
        return 200, {
            "device_code": device.device_code,
            "user_code": user_code,
            "verification_uri": f"{self.base}/verify",
            "expires_in": 600,
            "interval": self.device_interval,
            "message": f"To sign in, open {self.base}/verify and enter the code {user_code}.",
        }

    def introspect(self, form: dict[str, str]) -> dict[str, object]:
        self.requests[("/introspect", "-", "-")] += 1
        with self._lock:
            found = self._access.get(form.get("token", ""))
            if found is None:
                return {"active": False}
            grant = self._grants[found[0]]
            if grant.revoked or found[1] < self.clock():  # type: ignore[operator]
                return {"active": False}
            return {"active": True, "username": grant.user, "scope": grant.scope}


def _handler(provider: OAuthProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _send(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace")
            return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}

        def _basic(self) -> tuple[str, str] | None:
            value = self.headers.get("Authorization", "")
            if not value.lower().startswith("basic "):
                return None
            user, _, password = base64.b64decode(value[6:]).decode().partition(":")
            from urllib.parse import unquote

            return unquote(user), unquote(password)

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/authorize":
                status, headers = provider.authorize(query)
                if status == 302:
                    self._send(302, {}, headers)
                else:
                    self._send(status, headers)
            elif parts.path == "/verify":
                try:
                    provider.approve_device(query.get("user_code", ""))
                    self._send(200, {"signed_in": True})
                except KeyError:
                    self._send(404, {"error": "unknown code"})
            else:
                self._send(404, {"error": "not_found"})

        def do_POST(self) -> None:  # noqa: N802
            path = urlsplit(self.path).path
            form = self._form()
            if path == "/token":
                status, body = provider.token(form, self._basic())
                self._send(status, body)
            elif path == "/device":
                self._send(*provider.device(form))
            elif path == "/introspect":
                self._send(200, provider.introspect(form))
            else:
                self._send(404, {"error": "not_found"})

        def log_message(self, *args: object) -> None:
            pass

    return Handler


if __name__ == "__main__":  # pragma: no cover
    import trustme

    server = OAuthProvider(ca=trustme.CA()).start()
    print(f"sign-in {server.base}  introspection {server.introspection_url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()
