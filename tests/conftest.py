"""Shared fixtures: a private Dovecot per test session and a fresh user per test.

Other fixture files can build on ``dovecot`` / ``mail_user`` / ``imap_source``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# The helpers here (dovecot, hostile mail, ...) and the test modules of every folder
# (some share their builders, e.g. test_daemon's) import by name from any folder.
for _folder in (
    Path(__file__).parent,
    *sorted(p for p in Path(__file__).parent.iterdir() if p.is_dir()),
):
    if (_folder / "__init__.py").exists() or _folder.name.startswith(("_", ".")):
        continue
    sys.path.insert(0, str(_folder))

from dovecot import HOST, Dovecot, MailUser, dovecot_available  # noqa: E402
from oauth_provider import OAuthProvider  # noqa: E402

from agent.sources.imap import ImapSource  # noqa: E402


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """A private Dovecot 2.3 on 127.0.0.1 (see tests/dovecot.py for its addresses)."""
    if not dovecot_available():
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    server = Dovecot()
    # The OAuth2 provider answers Dovecot's token introspection and signs in over HTTPS
    # with a certificate from the same CA as the IMAP server's.
    provider = OAuthProvider(ca=server.ca).start()
    server.oauth2_introspection_url = provider.introspection_url
    server.oauth = provider  # type: ignore[attr-defined]
    server.start()
    try:
        yield server
    finally:
        server.stop()
        provider.stop()
        problems = server.log_problems()
        server.remove()
    assert not problems, "dovecot logged errors:\n" + "\n".join(problems)


@pytest.fixture
def oauth_provider(dovecot: Dovecot) -> Iterator[OAuthProvider]:
    """The session's OAuth2 provider, reset to plain settings for each test."""
    provider: OAuthProvider = dovecot.oauth  # type: ignore[attr-defined]
    provider.access_lifetime, provider.rotate, provider.strict_rotation = 3600.0, False, False
    yield provider
    provider.access_lifetime, provider.rotate, provider.strict_rotation = 3600.0, False, False


@pytest.fixture
def make_user(dovecot: Dovecot) -> Callable[..., MailUser]:
    """``make_user(layout="english", password=None)``: a new user with its own mailbox."""
    return dovecot.add_user


@pytest.fixture
def mail_user(dovecot: Dovecot) -> MailUser:
    """A fresh user with the English special-use layout."""
    return dovecot.add_user("english")


@pytest.fixture
def imap_factory(dovecot: Dovecot) -> Iterator[Callable[..., ImapSource]]:
    """``imap_factory(user, **overrides)``: an :class:`ImapSource` closed after the test."""
    opened: list[ImapSource] = []

    def make(user: MailUser, **overrides: object) -> ImapSource:
        options: dict = {
            "host": HOST,
            "port": dovecot.imaps_port,
            "username": user.name,
            "password": user.password,
            "security": "tls",
            "ca_file": dovecot.ca_file,
            "timeout": 10.0,
        }
        options.update(overrides)
        source = ImapSource(**options)
        opened.append(source)
        return source

    yield make
    for source in opened:
        source.close()


@pytest.fixture
def imap_source(imap_factory: Callable[..., ImapSource], mail_user: MailUser) -> ImapSource:
    return imap_factory(mail_user)
