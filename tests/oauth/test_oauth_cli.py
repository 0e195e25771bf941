"""OAuth2 end to end through the real command line: ``followup init`` signs in (a browser
redirected to the loopback listener, a headless machine pasting the redirect back, a
device code), ``scan`` writes a draft with the token, ``doctor`` checks it, a revoked
sign-in gives one line and the refused-login exit code, ``init --reauth`` mends it,
``token_command`` plugs in another tool. No token reaches an output, the config or
the state directory (T24, with protocol logs on)."""

from __future__ import annotations

import os
import queue
import ssl
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest
from dovecot import HOST, Dovecot, MailUser
from file_keyring import read_items
from locations import TESTS
from oauth_provider import Client, OAuthProvider, leaked
from test_daemon import draft_ids, job_mail

pytestmark = pytest.mark.dovecot

TESTS = TESTS
FOLLOWUP = str(Path(sys.executable).with_name("followup"))
ADDRESS = "kari@example.org"


class Home:
    """A user's home: config, state, a keyring file, and the followup command run in it."""

    def __init__(self, root: Path, dovecot: Dovecot, provider: OAuthProvider) -> None:
        self.root = root
        self.dovecot = dovecot
        self.provider = provider
        self.config = root / "config.toml"
        self.keyring = root / "keyring.json"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER")
        }
        self.env.update(
            XDG_CONFIG_HOME=str(root / "xdg-config"),
            XDG_DATA_HOME=str(root / "xdg-data"),
            PYTHON_KEYRING_BACKEND="file_keyring.FileKeyring",
            FOLLOWUP_TEST_KEYRING=str(self.keyring),
            PYTHONPATH=str(TESTS),
            FAKE_BROWSER_CA=dovecot.ca_file,
            PYTHONUNBUFFERED="1",
        )
        self.outputs: list[str] = []

    def browser(self) -> dict[str, str]:
        return {"BROWSER": f"{sys.executable} {TESTS / 'fake_browser.py'} %s"}

    def init_args(self, user: MailUser, client: Client, *extra: str) -> list[str]:
        endpoints = self.provider.endpoints()
        return [
            "init", "--config", str(self.config), "--host", HOST,
            "--port", str(self.dovecot.imaps_port), "--ca-file", self.dovecot.ca_file,
            "--address", ADDRESS, "--username", user.name, "--name", "work",
            "--state-dir", str(self.root / "state"), "--oauth2-provider", "custom",
            "--oauth2-client-id", client.client_id, "--oauth2-scope", "mail",
            "--oauth2-token-endpoint", endpoints["oauth2_token_endpoint"],
            "--oauth2-authorization-endpoint", endpoints["oauth2_authorization_endpoint"],
            "--oauth2-device-endpoint", endpoints["oauth2_device_endpoint"], *extra,
        ]  # fmt: skip

    def run(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [FOLLOWUP, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL,
            env={**self.env, **(env or {})}, timeout=timeout,
        )  # fmt: skip
        self.outputs += [done.stdout, done.stderr]
        return done

    def start(self, *args: str) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
        """``followup ARGS`` with standard input open; its output lines arrive on a queue."""
        process = subprocess.Popen(
            [FOLLOWUP, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, env=self.env,
        )  # fmt: skip
        lines: queue.Queue[str] = queue.Queue()

        def pump() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                self.outputs.append(line)
                lines.put(line)

        threading.Thread(target=pump, daemon=True).start()
        return process, lines

    def refresh_token(self) -> str | None:
        return read_items(self.keyring).get("followup-oauth2/work")

    def leaks(self, username: str) -> list[str]:
        """Tokens found in any output so far, the config or the state directory."""
        blobs = [*self.outputs, self.config.read_bytes() if self.config.exists() else b""]
        state = self.root / "state"
        if state.exists():
            blobs += [p.read_bytes() for p in sorted(state.rglob("*")) if p.is_file()]
        found: list[str] = []
        for blob in blobs:
            found += leaked(self.provider.issued, username, blob)
        return found


def wait_line(lines: queue.Queue[str], needle: str, timeout: float = 60) -> str:
    seen = []
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no line with {needle!r}; output was:\n{''.join(seen)}") from None
        seen.append(line)
        if needle in line:
            return line


def https_opener(ca_file: str, *, follow: bool = True) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = [
        urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca_file))
    ]
    if not follow:

        class Stay(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                return None

        handlers.append(Stay())
    return urllib.request.build_opener(*handlers)


@pytest.fixture
def home(tmp_path: Path, dovecot: Dovecot, oauth_provider: OAuthProvider) -> Home:
    return Home(tmp_path, dovecot, oauth_provider)


def signed_in(home: Home) -> tuple[MailUser, Client]:
    user = home.dovecot.add_user()
    client = home.provider.add_client(user.name)
    done = home.run(*home.init_args(user, client), env=home.browser())
    assert done.returncode == 0, done.stdout + done.stderr
    return user, client


def test_init_signs_in_in_a_browser_then_scan_and_doctor_use_the_token(home: Home) -> None:
    user = home.dovecot.add_user()
    client = home.provider.add_client(user.name)
    init = home.run("-vv", *home.init_args(user, client), env=home.browser())
    assert init.returncode == 0, init.stdout + init.stderr
    label = f"127.0.0.1:{home.provider.port}"
    assert f"Sign in to {label} in a browser at this address:" in init.stdout
    url = next(line.strip() for line in init.stdout.splitlines() if "/authorize?" in line)
    assert url.startswith(f"https://127.0.0.1:{home.provider.port}/authorize?")
    for part in ("code_challenge_method=S256", "code_challenge=", "state=", "login_hint=kari",
                 "redirect_uri=http%3A%2F%2F127.0.0.1%3A"):  # fmt: skip
        assert part in url
    assert f"✓ signed in at {label}" in init.stdout
    assert f"✓ logged in as {user.name}" in init.stdout
    assert (
        "Sign-in stored in the system keyring (service 'followup-oauth2', user 'work')"
        in init.stdout
    )
    assert home.refresh_token() in home.provider.live_refresh_tokens(user.name)
    assert home.provider.token_requests(client.client_id, "authorization_code") == 1
    assert 'auth = "oauth2"' in home.config.read_text()

    raw, _ = job_mail(days_ago=30)
    home.dovecot.deliver(user, raw)
    scan = home.run("-vv", "scan", "--config", str(home.config))
    assert scan.returncode == 0, scan.stdout + scan.stderr
    assert len(draft_ids(home.dovecot, user)) == 1  # written with the token
    assert "DEBUG" in scan.stderr and "AUTHENTICATE" in scan.stderr  # the protocol log was on

    doctor = home.run("-vv", "doctor", "--config", str(home.config))
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert (
        f"✓ work: sign-in: access token from {label}; valid for 60 min; scopes mail"
        in doctor.stdout
    )
    assert (
        f"✓ work: login: TLS to 127.0.0.1:{home.dovecot.imaps_port} as {user.name}" in doctor.stdout
    )
    status = home.run("status", "--config", str(home.config))
    assert status.returncode == 0, status.stderr
    assert home.leaks(user.name) == []


def test_headless_init_prints_the_address_and_takes_the_pasted_redirect(home: Home) -> None:
    user = home.dovecot.add_user()
    client = home.provider.add_client(user.name)
    process, lines = home.start(*home.init_args(user, client))  # no display, no $BROWSER
    try:
        url = wait_line(lines, "/authorize?").strip()
        wait_line(lines, "paste")
        # The user opens the address on another machine; its redirect to this machine's
        # loopback fails there, and they paste the address it shows.
        try:
            https_opener(home.dovecot.ca_file, follow=False).open(url, timeout=20)
            raise AssertionError("the provider did not redirect")
        except urllib.error.HTTPError as redirect:
            location = redirect.headers["Location"]
        assert location.startswith("http://127.0.0.1:") and "code=" in location
        assert process.stdin is not None
        process.stdin.write(location + "\n")
        process.stdin.flush()
        assert process.wait(60) == 0, "".join(home.outputs)
    finally:
        process.kill()
    output = "".join(home.outputs)
    assert "No browser could be opened" not in output  # none was tried without a display
    assert f"✓ logged in as {user.name}" in output
    assert home.refresh_token() in home.provider.live_refresh_tokens(user.name)
    assert home.leaks(user.name) == []


def test_init_with_a_device_code(home: Home) -> None:
    user = home.dovecot.add_user()
    client = home.provider.add_client(user.name)
    process, lines = home.start(*home.init_args(user, client, "--flow", "device"))
    try:
        line = wait_line(lines, "enter the code")
        code = line.rsplit(" ", 1)[-1].strip()
        verify = f"https://127.0.0.1:{home.provider.port}/verify?user_code={code}"
        assert f"open {verify.split('?')[0]} on any device" in line
        https_opener(home.dovecot.ca_file).open(verify, timeout=20).read()  # the user, elsewhere
        assert process.wait(60) == 0, "".join(home.outputs)
    finally:
        process.kill()
    assert f"✓ logged in as {user.name}" in "".join(home.outputs)
    assert home.refresh_token() in home.provider.live_refresh_tokens(user.name)
    assert (
        home.provider.token_requests(
            client.client_id, "urn:ietf:params:oauth:grant-type:device_code"
        )
        >= 1
    )
    assert home.leaks(user.name) == []


def test_a_revoked_sign_in_is_one_line_with_the_refused_login_exit_code_until_reauth(
    home: Home, tmp_path: Path
) -> None:
    user, client = signed_in(home)
    home.provider.revoke(user.name)
    scan = home.run("scan", "--config", str(home.config))
    line = (
        f"127.0.0.1:{home.provider.port} no longer accepts the sign-in "
        "(revoked or expired); sign in again: followup init --name work --reauth"
    )
    assert scan.stdout.count(line) == 1, scan.stdout
    assert scan.stderr.count(line) <= 1 and "Traceback" not in scan.stderr
    assert "Hint" not in scan.stdout + scan.stderr  # the line itself says what to do
    doctor = home.run("doctor", "--config", str(home.config))
    assert doctor.returncode == 1 and f"✗ work: sign-in: {line}" in doctor.stdout

    # The exit code of a scan whose login the server refused.
    other = tmp_path / "password.toml"
    other.write_text(
        f'state_dir = "{tmp_path / "other-state"}"\n[[accounts]]\nname = "pw"\nhost = "{HOST}"\n'
        f'port = {home.dovecot.imaps_port}\nca_file = "{home.dovecot.ca_file}"\n'
        f'username = "{user.name}"\naddress = "{ADDRESS}"\npassword_command = "echo wrong"\n'
    )
    refused = home.run("scan", "--config", str(other))
    assert "refused the login" in refused.stdout + refused.stderr
    assert scan.returncode == refused.returncode != 0

    reauth = home.run("init", "--config", str(home.config), "--name", "work", "--reauth",
                      env=home.browser())  # fmt: skip
    assert reauth.returncode == 0, reauth.stdout + reauth.stderr
    assert "Signed in again" in reauth.stdout
    again = home.run("scan", "--config", str(home.config))
    assert again.returncode == 0, again.stdout + again.stderr
    assert home.leaks(user.name) == []


def test_token_command_plugs_in_another_tool(home: Home) -> None:
    user = home.dovecot.add_user()
    client = home.provider.add_client(user.name)
    access, _ = home.provider.issue(client)
    tool = home.root / "print-token"
    tool.write_text(f"#!/bin/sh\necho {access}\n")
    tool.chmod(0o700)
    init = home.run(
        "init", "--config", str(home.config), "--host", HOST, "--port", str(home.dovecot.imaps_port),
        "--ca-file", home.dovecot.ca_file, "--address", ADDRESS, "--username", user.name,
        "--name", "work", "--state-dir", str(home.root / "state"), "--token-command", str(tool),
    )  # fmt: skip
    assert init.returncode == 0, init.stdout + init.stderr
    assert f'token_command = "{tool}"' in home.config.read_text()
    assert home.refresh_token() is None  # nothing of the tool's is kept
    home.dovecot.deliver(user, job_mail(days_ago=30)[0])
    scan = home.run("-vv", "scan", "--config", str(home.config))
    assert scan.returncode == 0, scan.stdout + scan.stderr
    assert len(draft_ids(home.dovecot, user)) == 1
    doctor = home.run("doctor", "--config", str(home.config))
    assert "✓ work: sign-in: access token from token_command" in doctor.stdout
    assert home.leaks(user.name) == []
