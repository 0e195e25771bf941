"""SASL OAUTHBEARER and XOAUTH2 logins against the suite's Dovecot (oauth2 passdb asking
the local provider), a scripted server for the error challenge, and no token in any log."""

from __future__ import annotations

import base64
import io
import logging
import re
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
import trustme
from dovecot import HOST, Dovecot
from oauth_provider import OAuthProvider, leaked
from test_oauth_tokens import Keyring, account_for

from agent.errors import AuthError, ReauthRequiredError
from agent.logging_setup import setup_logging
from agent.oauth.tokens import AccessTokens
from agent.secrets import OAUTH2_SERVICE
from agent.sources.imap import OAUTHBEARER, XOAUTH2, ImapSource

pytestmark = pytest.mark.dovecot


@pytest.fixture
def memory_keyring() -> Iterator[Keyring]:
    previous = keyring.get_keyring()
    backend = Keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """DEBUG for the app, imapclient's protocol log, urllib3 and authlib, configured the
    way the command line configures it (which installs the redaction)."""
    stream = io.StringIO()
    handler = setup_logging("DEBUG", journald=False, stream=stream, protocol_debug=True)
    for name in (None, "imapclient", "imapclient.imaplib", "urllib3", "authlib"):
        caplog.set_level(logging.DEBUG, logger=name)
    caplog.stream = stream  # type: ignore[attr-defined]
    yield caplog
    logging.getLogger().removeHandler(handler)
    logging.getLogger().setLevel(logging.WARNING)


def source_for(dovecot: Dovecot, tokens: AccessTokens, user: str, **extra: object) -> ImapSource:
    return ImapSource(
        HOST, dovecot.imaps_port, user, None, tokens=tokens, ca_file=dovecot.ca_file,
        timeout=10, **extra,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.mark.parametrize("mechanism", [None, XOAUTH2, OAUTHBEARER])
def test_a_session_signs_in_with_the_token_and_logs_none_of_it(
    dovecot: Dovecot,
    oauth_provider: OAuthProvider,
    memory_keyring: Keyring,
    debug_log: pytest.LogCaptureFixture,
    mechanism: str | None,
) -> None:
    user = dovecot.add_user()
    client = oauth_provider.add_client(user.name)
    _, memory_keyring.items[(OAUTH2_SERVICE, "work")] = oauth_provider.issue(client)
    account = account_for(oauth_provider, client.client_id, dovecot.ca_file)
    tokens = AccessTokens(account)
    source = source_for(dovecot, tokens, user.name, sasl_mechanism=mechanism)
    uid = source.append("Drafts", b"Subject: x\r\nX-Followup-Id: t\r\n\r\nhi\r\n")
    assert source.search_header("Drafts", "X-Followup-Id", "t") == [uid]
    source.close()
    assert any("write literal size" in r.getMessage() for r in debug_log.records)
    text = debug_log.text + debug_log.stream.getvalue() + repr(source) + repr(tokens)  # type: ignore[attr-defined]
    assert leaked(oauth_provider.issued, user.name, text) == []


def test_a_token_revoked_early_is_replaced_once_and_a_revoked_grant_says_what_to_do(
    dovecot: Dovecot, oauth_provider: OAuthProvider, memory_keyring: Keyring
) -> None:
    user = dovecot.add_user()
    client = oauth_provider.add_client(user.name)
    _, memory_keyring.items[(OAUTH2_SERVICE, "work")] = oauth_provider.issue(client)
    tokens = AccessTokens(account_for(oauth_provider, client.client_id, dovecot.ca_file))
    source_for(dovecot, tokens, user.name).folders()
    # The server stops accepting the token in memory before its time: one new token.
    oauth_provider.expire_access_tokens(user.name)
    source = source_for(dovecot, tokens, user.name)
    source.folders()
    source.close()
    assert oauth_provider.token_requests(client.client_id, "refresh_token") == 2
    # The grant itself is revoked: the refused login turns into the sign-in-again line.
    oauth_provider.revoke(user.name)
    with pytest.raises(ReauthRequiredError, match="sign in again: followup init --name work"):
        source_for(dovecot, tokens, user.name).folders()
    assert oauth_provider.token_requests(client.client_id, "refresh_token") == 3


class ScriptedServer:
    """IMAPS offering OAuth2 that answers the first SASL response with an error challenge,
    then refuses, quoting what it was sent; records every line it received."""

    def __init__(self, ca: trustme.CA, capabilities: str) -> None:
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(HOST, "localhost").configure_cert(self.context)
        self.capabilities = capabilities
        self.listener = socket.create_server((HOST, 0))
        self.port = self.listener.getsockname()[1]
        self.received: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            try:
                with self.context.wrap_socket(raw, server_side=True) as conn:
                    stream = conn.makefile("rwb")

                    def send(line: str, stream=stream) -> None:  # type: ignore[no-untyped-def]
                        stream.write(line.encode() + b"\r\n")
                        stream.flush()

                    send(f"* OK [CAPABILITY IMAP4rev1 {self.capabilities}] scripted")
                    while line := stream.readline():
                        self.received.append(line)
                        tag, _, rest = line.decode().strip().partition(" ")
                        if rest.upper().startswith("AUTHENTICATE"):
                            send("+ ")
                            first = stream.readline()
                            self.received.append(first)
                            challenge = base64.b64encode(b'{"status":"401","schemes":"bearer"}')
                            send("+ " + challenge.decode())
                            self.received.append(stream.readline())
                            echoed = base64.b64decode(first.strip()).decode(errors="replace")
                            send(f"{tag} NO [AUTHENTICATIONFAILED] bad token {echoed!r}")
                        elif rest.upper().startswith("CAPABILITY"):
                            send(f"* CAPABILITY IMAP4rev1 {self.capabilities}")
                            send(f"{tag} OK done")
                        else:
                            send(f"{tag} BAD no")
            except (OSError, ValueError):
                continue

    def close(self) -> None:
        self.listener.close()


class FixedToken:
    info = None

    def __init__(self, token: str) -> None:
        self.value = token

    def token(self, *, fresh: bool = False) -> str:
        return self.value


@pytest.mark.parametrize(
    ("offered", "mechanism", "answer"),
    [
        ("AUTH=XOAUTH2", XOAUTH2, b""),
        ("AUTH=OAUTHBEARER", OAUTHBEARER, b"AQ=="),
        ("AUTH=XOAUTH2 AUTH=OAUTHBEARER", OAUTHBEARER, b"AQ=="),  # the standard one first
    ],
)
def test_the_error_challenge_is_answered_without_sending_the_token_again(
    tmp_path: Path,
    debug_log: pytest.LogCaptureFixture,
    offered: str,
    mechanism: str,
    answer: bytes,
) -> None:
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    server = ScriptedServer(ca, offered)
    token = "S3cr3t-canary-at-scripted"
    from agent.redaction import register_secret

    register_secret(token)
    source = ImapSource(HOST, server.port, "kari", None, tokens=FixedToken(token),  # type: ignore[arg-type]
                        ca_file=str(ca_file), timeout=5)  # fmt: skip
    try:
        with pytest.raises(AuthError) as caught:
            source.folders()
    finally:
        server.close()
    commands = [i for i, line in enumerate(server.received) if b"AUTHENTICATE" in line]
    assert len(commands) == 2  # refused: one more try with a fresh token, no more
    for at in commands:
        assert server.received[at].split()[-1] == mechanism.encode()
        first, after_challenge = server.received[at + 1], server.received[at + 2]
        assert token in base64.b64decode(first.strip()).decode()
        assert after_challenge.strip() == answer  # RFC 7628 / XOAUTH2: not the token again
    sent = [line for line in server.received if re.fullmatch(rb"[A-Za-z0-9+/=]+\r\n", line)]
    assert sum(token.encode() in base64.b64decode(line.strip()) for line in sent) == 2
    message = str(caught.value)
    assert "refused the OAuth2 login for kari" in message
    assert "bad token" in debug_log.text  # the echo was logged, with the token redacted
    output = message + debug_log.text + debug_log.stream.getvalue()  # type: ignore[attr-defined]
    assert leaked([token], "kari", output) == []


def test_a_server_without_oauth2_is_refused_before_any_token_is_sent(tmp_path: Path) -> None:
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    server = ScriptedServer(ca, "AUTH=PLAIN")
    source = ImapSource(HOST, server.port, "kari", None, tokens=FixedToken("S3cr3t-canary-x"),  # type: ignore[arg-type]
                        ca_file=str(ca_file), timeout=5)  # fmt: skip
    try:
        with pytest.raises(AuthError, match="offers no OAuth2 login"):
            source.folders()
    finally:
        server.close()
    assert not any(b"AUTHENTICATE" in line for line in server.received)


def test_doctor_names_a_scope_the_sign_in_lacks_and_never_the_token(
    dovecot: Dovecot, oauth_provider: OAuthProvider, memory_keyring: Keyring
) -> None:
    from agent.commands.setup_checks import account_checks

    user = dovecot.add_user()
    client = oauth_provider.add_client(user.name)
    _, memory_keyring.items[(OAUTH2_SERVICE, "work")] = oauth_provider.issue(client)
    account = account_for(
        oauth_provider, client.client_id, dovecot.ca_file,
        oauth2_scope="mail offline_access calendar", port=dovecot.imaps_port, username=user.name,
    )  # fmt: skip
    checks = {check.name: check for check in account_checks(account)}
    sign_in = checks["work: sign-in"]
    assert sign_in.status == "warn" and sign_in.detail.endswith("not granted: calendar")
    assert "offline_access" not in sign_in.detail.split("not granted")[1]
    assert "followup init --name work --reauth" in (sign_in.hint or "")
    assert checks["work: login"].status == "ok"
    text = " ".join(f"{c.detail} {c.hint}" for c in checks.values())
    assert leaked(oauth_provider.issued, user.name, text) == []
