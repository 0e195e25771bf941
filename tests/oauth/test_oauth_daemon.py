"""T21 with the real service: `followup run` signed in with OAuth2 against the suite's
Dovecot and the local provider, with access tokens that live three seconds and a
refresh token that is replaced (and retired) at every refresh.

The daemon keeps scanning and writing drafts across the expiries (no error shows),
each rotated refresh token is in the keyring before it is used, a revoked grant is
announced once as the sign-in-again line with a degraded status and then costs no
token request at all, and a new sign-in in the keyring is picked up by itself. No
token is in the log, the state files or the status (T24).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from dovecot import HOST, Dovecot, MailUser
from file_keyring import read_items, write_item
from locations import TESTS
from oauth_provider import OAuthProvider, leaked
from test_daemon import DaemonProcess, draft_ids, job_mail, status_of, wait_for

pytestmark = pytest.mark.dovecot

TESTS = TESTS


def write_oauth_config(
    directory: Path, dovecot: Dovecot, provider: OAuthProvider, user: MailUser, client_id: str
) -> Path:
    endpoints = "".join(f'{key} = "{url}"\n' for key, url in provider.endpoints().items())
    config = directory / "config.toml"
    config.write_text(
        f'state_dir = "{directory / "state"}"\ntimezone = "Europe/Oslo"\nlanguages = ["en"]\n'
        'log_level = "DEBUG"\n\n[[accounts]]\nname = "work"\n'
        f'host = "{HOST}"\nport = {dovecot.imaps_port}\nsecurity = "tls"\n'
        f'ca_file = "{dovecot.ca_file}"\nusername = "{user.name}"\n'
        'address = "kari@example.org"\ndisplay_name = "Kari Nordmann"\ntimeout = 5\n'
        f'auth = "oauth2"\noauth2_provider = "custom"\noauth2_client_id = "{client_id}"\n'
        f'oauth2_scope = "mail"\n{endpoints}',
        encoding="utf-8",
    )
    return config


def announced(log: str, text: str) -> int:
    return sum(1 for line in log.splitlines() if text in line and " DEBUG " not in line)


def test_the_service_rides_token_expiry_and_rotation_and_stops_asking_after_revocation(
    dovecot: Dovecot, oauth_provider: OAuthProvider, tmp_path: Path
) -> None:
    provider = oauth_provider
    provider.access_lifetime = 3.0
    provider.rotate = provider.strict_rotation = True
    user = dovecot.add_user()
    client = provider.add_client(user.name)
    keyring_file = tmp_path / "keyring.json"
    _, refresh_token = provider.issue(client)
    write_item(keyring_file, "followup-oauth2", "work", refresh_token)
    config = write_oauth_config(tmp_path, dovecot, provider, user, client.client_id)
    dovecot.deliver(user, job_mail(days_ago=30)[0])
    env = {
        "PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring",
        "FOLLOWUP_TEST_KEYRING": str(keyring_file),
        "PYTHONPATH": str(TESTS),
    }
    daemon = DaemonProcess(config, tmp_path / "daemon.log", once_per=0.5, env=env)

    def saved() -> str | None:
        return read_items(keyring_file).get("followup-oauth2/work")

    try:
        wait_for(lambda: len(draft_ids(dovecot, user)) == 1, 60, "the first draft")
        # Passes every half second through several token lifetimes; mail keeps coming.
        time.sleep(3.5)
        dovecot.deliver(user, job_mail(days_ago=29)[0])
        wait_for(lambda: len(draft_ids(dovecot, user)) == 2, 30, "a draft after expiries")
        time.sleep(1.0)
        refreshes = provider.token_requests(client.client_id, "refresh_token")
        assert refreshes >= 3, refreshes
        # Every rotation is saved (read between a refresh and its save, they differ briefly).
        wait_for(lambda: provider.live_refresh_tokens(user.name) == [saved()], 5, "the save")
        log = daemon.text()
        assert "renewed the sign-in; saved in the keyring" in log
        assert "refused" not in log and " ERROR " not in log and " WARNING " not in log
        assert status_of(tmp_path)["state"] == "running"

        provider.revoke(user.name)
        wait_for(lambda: "sign in again: followup init --name work --reauth" in daemon.text(),
                 20, "the sign-in-again line")  # fmt: skip
        asked = provider.token_requests(client.client_id)
        time.sleep(3.0)  # six scan intervals
        assert provider.token_requests(client.client_id) == asked  # no storm: none at all
        assert daemon.proc.poll() is None
        status = status_of(tmp_path)
        assert status["state"] == "degraded"
        assert status["accounts"]["work"]["kind"] == "reauth"
        assert (
            "re-consent required; sign in again: followup init --name work --reauth"
            in (status["status"])
        )
        assert announced(daemon.text(), "sign in again: followup init --name work --reauth") == 1

        # The user signs in again (followup init --reauth stores a new sign-in).
        _, fresh = provider.issue(client)
        write_item(keyring_file, "followup-oauth2", "work", fresh)
        wait_for(lambda: "working again" in daemon.text(), 20, "the recovery")
        dovecot.deliver(user, job_mail(days_ago=28)[0])
        wait_for(lambda: len(draft_ids(dovecot, user)) == 3, 30, "a draft after the new sign-in")
        assert status_of(tmp_path)["state"] == "running"
        daemon.stop()
    finally:
        daemon.kill()
    log = daemon.text()
    assert "Traceback" not in log
    state = b"".join(p.read_bytes() for p in sorted((tmp_path / "state").rglob("*")) if p.is_file())
    status_text = str(status_of(tmp_path))
    for name, blob in (("log", log), ("state", state), ("status", status_text)):
        assert leaked(provider.issued, user.name, blob) == [], name
