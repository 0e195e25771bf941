"""TLS enforcement (T23), secrets in output (T24) and transport failures, against Dovecot."""

from __future__ import annotations

import base64
import logging
import socket
import ssl
import threading
import time
import traceback

import pytest
import trustme
from dovecot import EXPIRED_HOST, HOST, NO_STARTTLS_HOST, WRONG_NAME_HOST
from netproxy import NetProxy

from agent.errors import AuthError, MailboxError, TLSError, TransientMailboxError
from agent.sources.imap import ImapSource, make_ssl_context

CANARY = 'S3cr3t-canary-Ω{}"'
ASCII_CANARY = 'S3cr3t-canary-{}"\\x'


def rendered(exc: BaseException) -> str:
    """Everything a crash report could show about ``exc``."""
    parts = ["".join(traceback.format_exception(exc)), repr(exc), str(getattr(exc, "hint", ""))]
    return "\n".join(parts)


def secret_forms(secret: str, username: str) -> list[str]:
    plain = f"\0{username}\0{secret}".encode()
    return [
        secret,
        secret.encode("unicode_escape").decode(),
        base64.b64encode(secret.encode()).decode(),
        base64.b64encode(plain).decode(),
    ]


@pytest.fixture
def wrong_ca(tmp_path):
    path = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return str(path)


def test_context_verifies_certificates_and_host_names():
    context = make_ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_certificate_from_an_unknown_ca_is_refused(
    dovecot, mail_user, imap_factory, wrong_ca, security
):
    port = dovecot.imaps_port if security == "tls" else dovecot.imap_port
    source = imap_factory(mail_user, port=port, security=security, ca_file=wrong_ca)
    with pytest.raises(TLSError, match="certificate .* rejected: unable to get local issuer"):
        source.connect()


def test_system_trust_store_does_not_know_a_private_ca(dovecot, mail_user, imap_factory):
    source = imap_factory(mail_user, ca_file=None)
    with pytest.raises(TLSError, match="rejected"):
        source.folders()


def test_certificate_for_another_host_name_is_refused(dovecot, mail_user, imap_factory):
    source = imap_factory(mail_user, host=WRONG_NAME_HOST)
    with pytest.raises(TLSError, match="mismatch"):
        source.connect()


def test_expired_certificate_is_refused(dovecot, mail_user, imap_factory):
    source = imap_factory(mail_user, host=EXPIRED_HOST)
    with pytest.raises(TLSError, match="expired"):
        source.connect()


def test_starttls_not_offered_is_refused_before_login(dovecot, make_user, imap_factory):
    user = make_user("bare")
    source = imap_factory(user, host=NO_STARTTLS_HOST, port=dovecot.imap_port, security="starttls")
    with pytest.raises(TLSError, match="does not offer STARTTLS"):
        source.connect()
    time.sleep(0.2)  # let imap-login write its disconnect line
    log = dovecot.info_log_file.read_text()
    assert f"user=<{user.name}>" not in log
    assert f"lip={NO_STARTTLS_HOST}" in log and "no auth attempts" in log


def test_preauth_greeting_in_clear_is_refused():
    """A server (or a man in the middle) that skips authentication before TLS."""
    listener = socket.create_server((HOST, 0))
    received: list[bytes] = []

    def serve() -> None:
        conn, _ = listener.accept()
        with conn, conn.makefile("rb") as lines:
            conn.settimeout(3)
            conn.sendall(b"* PREAUTH IMAP4rev1 ready\r\n")
            try:
                for line in lines:
                    received.append(line)
                    tag, _, command = line.decode().partition(" ")
                    if command.strip().upper() == "CAPABILITY":
                        conn.sendall(
                            f"* CAPABILITY IMAP4rev1 STARTTLS\r\n{tag} OK done\r\n".encode()
                        )
                    else:
                        conn.sendall(f"{tag} BAD unexpected\r\n".encode())
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    source = ImapSource(
        HOST, listener.getsockname()[1], "kari", CANARY, security="starttls", timeout=3
    )
    with pytest.raises(TLSError, match="pre-authenticated"):
        source.connect()
    source.close()
    thread.join(timeout=3)
    listener.close()
    assert b"LOGIN" not in b"".join(received).upper()
    assert b"AUTHENTICATE" not in b"".join(received).upper()


@pytest.mark.parametrize("password", [CANARY, ASCII_CANARY])
def test_wrong_password_is_an_auth_error_without_the_password(
    dovecot, mail_user, imap_factory, caplog, password
):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="imapclient")
    caplog.set_level(logging.DEBUG, logger="imapclient.imaplib")
    source = imap_factory(mail_user, password=password)
    with pytest.raises(AuthError) as caught:
        source.folders()
    assert "refused the login" in str(caught.value)
    output = rendered(caught.value) + caplog.text + repr(source)
    for form in secret_forms(password, mail_user.name):
        assert form not in output


@pytest.mark.parametrize("password", [CANARY, ASCII_CANARY])
def test_a_full_session_never_shows_the_password(make_user, imap_factory, caplog, password):
    user = make_user("english", password=password)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="imapclient")
    caplog.set_level(logging.DEBUG, logger="imapclient.imaplib")
    source = imap_factory(user)
    uid = source.append("Drafts", b"Subject: x\r\nX-Followup-Id: t\r\n\r\nhi\r\n")
    assert source.search_header("Drafts", "X-Followup-Id", "t") == [uid]
    list(source.fetch_messages("Drafts", [uid]))
    source.close()
    assert any(
        "LOGIN" in r.getMessage() or "AUTHENTICATE" in r.getMessage() for r in caplog.records
    )
    for form in secret_forms(password, user.name):
        assert form not in caplog.text


def test_nothing_listening_is_transient():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    source = ImapSource(HOST, port, "kari", CANARY, timeout=2)
    with pytest.raises(TransientMailboxError, match="nothing accepts connections") as caught:
        source.connect()
    assert CANARY not in rendered(caught.value)


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_a_stalled_server_times_out_as_transient(dovecot, mail_user, imap_factory, security):
    port = dovecot.imaps_port if security == "tls" else dovecot.imap_port
    with NetProxy((HOST, port), mode="stall") as proxy:
        source = imap_factory(mail_user, port=proxy.port, security=security, timeout=0.5)
        started = time.monotonic()
        with pytest.raises(TransientMailboxError, match="timed out"):
            source.connect()
        assert time.monotonic() - started < 2.0


def test_a_stall_mid_session_times_out_and_the_next_call_reconnects(
    dovecot, mail_user, imap_factory
):
    dovecot.deliver(mail_user, b"Subject: one\r\n\r\nbody\r\n")
    with NetProxy((HOST, dovecot.imaps_port)) as proxy:
        source = imap_factory(mail_user, port=proxy.port, timeout=0.5)
        assert len(source.uids_after("INBOX", 0)) == 1

        proxy.set_mode("stall")
        started = time.monotonic()
        with pytest.raises(TransientMailboxError, match="timed out"):
            source.uids_after("INBOX", 0)
        assert time.monotonic() - started < 2.0

        proxy.set_mode("none")
        assert len(source.uids_after("INBOX", 0)) == 1
        assert proxy.accepted == 2


def test_a_dropped_connection_is_transient(dovecot, mail_user, imap_factory):
    with NetProxy((HOST, dovecot.imaps_port)) as proxy:
        source = imap_factory(mail_user, port=proxy.port, timeout=2)
        source.folders()
        proxy.set_mode("drop", reset=True)
        with pytest.raises(TransientMailboxError):
            source.folder_state("INBOX")
        proxy.set_mode("refuse")
        with pytest.raises(TransientMailboxError, match="nothing accepts"):
            source.folder_state("INBOX")
        proxy.set_mode("none")
        assert source.folder_state("INBOX").exists == 0


def test_a_server_kick_is_transient(dovecot, mail_user, imap_factory):
    source = imap_factory(mail_user)
    source.folders()
    dovecot.kick(mail_user)
    with pytest.raises(TransientMailboxError):
        source.folder_state("INBOX")
    assert source.folder_state("INBOX").exists == 0


def test_the_socket_has_keepalive_and_the_timeout(imap_factory, mail_user):
    source = imap_factory(mail_user, timeout=7.5)
    source.connect()
    sock = source._client.socket()
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
    assert sock.gettimeout() == 7.5
    assert sock.version() in ("TLSv1.2", "TLSv1.3")


def test_missing_folder_is_not_transient(imap_source):
    with pytest.raises(MailboxError, match="does not exist") as caught:
        imap_source.folder_state("No Such Folder")
    assert not isinstance(caught.value, TransientMailboxError)


def test_repeated_wrong_passwords_fail_fast(mail_user, imap_factory):
    """Dovecot's per-IP penalty is off in the harness (failures would cost up to 15 s each)."""
    started = time.monotonic()
    for _ in range(3):
        with pytest.raises(AuthError):
            imap_factory(mail_user, password="wrong").connect()
    assert time.monotonic() - started < 3.0
