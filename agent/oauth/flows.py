"""The two ways ``followup init`` signs a user in with OAuth2.

* **Loopback redirect with PKCE** (Google; RFC 8252): a one-shot HTTP listener on
  ``127.0.0.1`` and a random port receives the browser's redirect. The address to
  open is always printed; a browser is opened only where one can be (a display, or
  ``$BROWSER``). On a headless machine the user opens the address elsewhere and
  pastes back the address the browser ended on (its redirect to this machine's
  loopback fails there, but it carries the code).
* **Device code** (Microsoft; RFC 8628): the user opens a page on any device and
  types the code shown; this side polls the token endpoint at the pace asked.

Both return the provider's :class:`~agent.oauth.client.Grant`; they keep nothing.
"""

from __future__ import annotations

import os
import queue
import secrets
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

from agent.errors import AuthError, UsageError
from agent.oauth.client import DeviceCode, Grant, TokenClient
from agent.redaction import register_secret

SIGN_IN_WAIT = 600.0  # seconds the user has to finish signing in
_DONE_PAGE = (
    b"<!doctype html><meta charset=utf-8><title>followup</title>"
    b"<p>Signed in. You can close this tab and go back to the terminal.</p>"
)
_GOOGLE_EXTRA = {"access_type": "offline", "prompt": "consent"}  # or no refresh token


def can_open_browser(env: dict[str, str] | None = None) -> bool:
    """A browser can be shown: ``$BROWSER`` names one, a display exists, or not Linux/BSD."""
    env = dict(os.environ) if env is None else env
    if env.get("BROWSER"):
        return True
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


class _Redirect(BaseHTTPRequestHandler):
    """Takes the one redirect that carries ``state``; anything else gets a 404."""

    def do_GET(self) -> None:  # noqa: N802
        query = parse_qs(urlsplit(self.path).query)
        if "state" not in query:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(_DONE_PAGE)))
        self.end_headers()
        self.wfile.write(_DONE_PAGE)
        self.server.answers.put(self.path)  # type: ignore[attr-defined]

    def log_message(self, *args: object) -> None:  # the path holds the code: never log it
        pass


def sign_in_loopback(
    client: TokenClient,
    *,
    say: Callable[[str], None],
    open_browser: bool,
    login_hint: str | None = None,
    paste_fd: int | None = None,
    wait: float = SIGN_IN_WAIT,
) -> Grant:
    """Authorization code with PKCE, received on a loopback redirect, or pasted as a line
    on ``paste_fd`` (standard input)."""
    endpoints = client.endpoints
    if not endpoints.authorization:
        raise UsageError(
            f"{endpoints.label} has no authorization endpoint configured for the browser "
            "sign-in; use --flow device"
        )
    verifier = secrets.token_urlsafe(64)
    register_secret(verifier)
    server = HTTPServer(("127.0.0.1", 0), _Redirect)
    server.answers = queue.Queue()  # type: ignore[attr-defined]
    server.timeout = 0.5
    redirect_uri = f"http://127.0.0.1:{server.server_address[1]}/"
    extra = dict(_GOOGLE_EXTRA) if client.settings.provider == "google" else {}
    if login_hint:
        extra["login_hint"] = login_hint
    with client.session(redirect_uri=redirect_uri, code_challenge_method="S256") as session:
        url, state = session.create_authorization_url(
            endpoints.authorization, code_verifier=verifier, **extra
        )
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            server.handle_request()

    listener = threading.Thread(target=serve, name="followup-sign-in", daemon=True)
    listener.start()
    answers: queue.Queue[str] = server.answers  # type: ignore[attr-defined]
    if paste_fd is not None:
        threading.Thread(
            target=_read_pasted, args=(paste_fd, answers, stop), name="followup-paste", daemon=True
        ).start()
    try:
        say(f"Sign in to {endpoints.label} in a browser at this address:\n\n  {url}\n")
        if open_browser:
            import webbrowser

            if not webbrowser.open(url):
                say("(No browser could be opened here: open the address above yourself.)")
        if paste_fd is not None:
            say(
                "Waiting for the sign-in. If the browser runs on another machine, paste "
                "here the address it ends up on (it starts with http://127.0.0.1):"
            )
        try:
            answer = answers.get(timeout=wait)
        except queue.Empty:
            raise AuthError(
                f"no sign-in within {wait / 60:.0f} minutes", hint="run `followup init` again"
            ) from None
    finally:
        stop.set()
        listener.join(2)
        server.server_close()
    query = parse_qs(urlsplit(answer).query)
    if query.get("state", [""])[0] != state:
        raise AuthError(
            "the sign-in answer does not belong to this sign-in (state differs)",
            hint="paste the address of this sign-in's redirect, or run `followup init` again",
        )
    if "error" in query:
        error = query["error"][0][:40]
        raise AuthError(f"the sign-in at {endpoints.label} was not completed ({error})")
    code = query.get("code", [""])[0]
    if not code:
        raise AuthError("the sign-in answer carries no authorization code")
    register_secret(code)
    return client.exchange_code(code, code_verifier=verifier, redirect_uri=redirect_uri)


def _read_pasted(fd: int, answers: queue.Queue[str], stop: threading.Event) -> None:
    """Lines from ``fd`` until ``stop``: polled, never a blocking read, so that no thread
    holds standard input when the process ends."""
    import select

    pending = b""
    while not stop.is_set():
        try:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if not ready:
                continue
            chunk = os.read(fd, 4096)
        except (OSError, ValueError):
            return
        if not chunk:
            return
        pending += chunk
        while b"\n" in pending:
            line, _, pending = pending.partition(b"\n")
            text = line.decode("utf-8", "replace").strip()
            if text:
                answers.put(text)


def sign_in_device(
    client: TokenClient,
    *,
    say: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> Grant:
    """The device authorization grant: show the code, poll until the user is done."""
    if not client.endpoints.device:
        raise UsageError(
            f"{client.endpoints.label} has no device-code endpoint configured; use --flow loopback"
        )
    device: DeviceCode = client.start_device()
    say(
        f"To sign in, open {device.verification_uri} on any device and enter the code "
        f"{device.user_code}\n(waiting up to {device.expires_in / 60:.0f} minutes)"
    )
    deadline = monotonic() + device.expires_in
    interval = max(device.interval, 0.05)
    while True:
        sleep(interval)
        result = client.poll_device(device)
        if isinstance(result, Grant):
            return result
        if result == "slow_down":
            interval += 5.0  # RFC 8628 §3.5
        if monotonic() > deadline:
            raise AuthError(
                f"the code {device.user_code} expired before the sign-in was finished",
                hint="run the same `followup init` again and enter the new code in time",
            )
