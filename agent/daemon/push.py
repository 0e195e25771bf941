"""Push or poll: how the daemon learns of new mail in each account (pure: no I/O, no clock).

With ``idle = true`` the daemon keeps one extra connection per IMAP account in
IDLE on the inbox (RFC 2177) and scans that account as soon as the server
announces new mail; the periodic pass (every ``scan_interval``) still reads
Sent and the Drafts folder and is the safety net. This module decides, from
the events the daemon reports and the ``now`` it passes in, which *mode* an
account is in and when to act next:

============= ======================================================== =========================
mode          when                                                      next step
============= ======================================================== =========================
idle          a session is in IDLE                                     re-issue IDLE at ``refresh_at``
reconnecting  the session ended or could not be opened                 try again at ``retry_at``
polling       IDLE is off, impossible, or failed again and again       try IDLE again at ``retry_at``
============= ======================================================== =========================

Rules:

* A session is opened only while the account's passes succeed (a refused login
  or a dead network is the pass's to report and back off from).
* IDLE is re-issued every ``refresh`` seconds (25 minutes by default: RFC 2177
  allows 29, NAT boxes and servers often drop quiet connections sooner). The
  re-issue (DONE, NOOP, IDLE under the read timeout) is also the liveness probe
  that notices a silently stalled connection.
* A session that lived ``settle`` seconds or survived a re-issue *proved* that
  IDLE works: when it ends (BYE, EOF, a stall) the daemon reconnects at once.
  A session that ends before that is an *IDLE failure*; failures in a row are
  retried with back-off, and after ``max_failures`` the account is polled for
  ``fallback`` seconds before IDLE is tried again (with one strike left).
* A server without the IDLE capability is polled and asked again after
  ``recheck`` seconds (an upgrade may add it).
* Failing to connect at all is not an IDLE failure: it waits as the fault
  classification says (back-off, hourly after a refused login).
* Whenever a session starts, the daemon scans the account once more: mail that
  arrived while nobody watched is found by UID, not by notification.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

IDLE = "idle"
RECONNECTING = "reconnecting"
POLLING = "polling"

PUSH_FOLDER = "INBOX"

REASON_IDLE = "the server announces new mail (IMAP IDLE)"
REASON_DISABLED = "idle = false in the config"
REASON_LOCAL = "a local Maildir has no push; it is read every scan"
REASON_WAITING = "IDLE starts after the first good scan"


@dataclass(frozen=True)
class PushPolicy:
    """Timing of IDLE sessions, in seconds."""

    refresh: float = 1500.0  # re-issue IDLE at least this often
    settle: float = 60.0  # a session this old has proved that IDLE works
    max_failures: int = 3  # IDLE failures in a row before polling
    fallback: float = 3600.0  # poll this long after repeated failures
    recheck: float = 6 * 3600.0  # ask a server without IDLE again after this


def push_folder(configured: Iterable[str]) -> str:
    """The folder to keep in IDLE: the inbox, unless the account scans other folders only."""
    folders = list(configured)
    if not folders or any(name.upper() == PUSH_FOLDER for name in folders):
        return PUSH_FOLDER
    return folders[0]


@dataclass
class PushState:
    """What the daemon knows about one account's push channel."""

    name: str
    enabled: bool = True  # idle = true and the account is an IMAP account
    mode: str = POLLING
    reason: str = REASON_WAITING
    since: datetime | None = None  # in this mode since
    session_started: datetime | None = None  # None: no live session
    refresh_at: datetime | None = None
    retry_at: datetime | None = None  # None: at once (when the account is healthy)
    failures: int = 0  # IDLE failures in a row
    connect_failures: int = 0  # failed attempts to open a session, in a row
    proved: bool = False  # the live session lived long enough or survived a re-issue
    sessions: int = 0  # sessions started (for status and tests)
    last_error: str | None = None

    # -- what to do ---------------------------------------------------------------

    @property
    def live(self) -> bool:
        return self.session_started is not None

    def wants_session(self, now: datetime, *, account_ok: bool) -> bool:
        """Open a session now? Only for an enabled account that scans fine, when due."""
        if not self.enabled or self.live or not account_ok:
            return False
        return self.retry_at is None or self.retry_at <= now

    def refresh_due(self, now: datetime) -> bool:
        return self.live and self.refresh_at is not None and self.refresh_at <= now

    def next_event(self, *, account_ok: bool) -> datetime | None:
        """When the daemon must wake for this account's push channel (None: not on its account)."""
        if self.live:
            return self.refresh_at
        if self.enabled and account_ok:
            return self.retry_at
        return None

    # -- what happened ------------------------------------------------------------

    def disabled(self, now: datetime, reason: str) -> None:
        """IDLE is not wanted (config) or not possible (a local Maildir)."""
        self.enabled = False
        self._enter(POLLING, reason, now)
        self.retry_at = None
        self._clear_session()

    def started(self, now: datetime, policy: PushPolicy) -> None:
        self._enter(IDLE, REASON_IDLE, now)
        self.session_started = now
        self.refresh_at = now + timedelta(seconds=policy.refresh)
        self.retry_at = None
        self.connect_failures = 0
        self.proved = False
        self.sessions += 1

    def refreshed(self, now: datetime, policy: PushPolicy) -> None:
        """IDLE was re-issued on the live session: it works."""
        self.refresh_at = now + timedelta(seconds=policy.refresh)
        self.proved = True
        self.failures = 0

    def unsupported(self, now: datetime, reason: str, policy: PushPolicy) -> None:
        """The server has no IDLE: poll, and ask again after ``policy.recheck``."""
        self._clear_session()
        self.failures = 0
        self.connect_failures = 0
        self._enter(POLLING, reason, now)
        self.retry_at = now + timedelta(seconds=policy.recheck)

    def connect_failed(self, now: datetime, message: str, wait: float) -> None:
        """No session could be opened (network, login, TLS): try again after ``wait``."""
        self._clear_session()
        self.connect_failures += 1
        self.last_error = message
        if self.mode != POLLING or self.reason == REASON_WAITING:
            self._enter(RECONNECTING, f"cannot open the IDLE connection: {message}", now)
        self.retry_at = now + timedelta(seconds=wait)

    def session_ended(
        self, now: datetime, message: str, policy: PushPolicy, backoff: Callable[[int], float]
    ) -> bool:
        """The live session failed (BYE, EOF, a stall, IDLE refused). Returns True when
        this made the account fall back to polling."""
        lived = (now - self.session_started).total_seconds() if self.session_started else 0.0
        proved = self.proved or lived >= policy.settle
        self._clear_session()
        self.last_error = message
        self.failures = 1 if proved else self.failures + 1
        if self.failures >= policy.max_failures:
            self._enter(
                POLLING,
                f"IDLE failed {self.failures} times in a row (last: {message})",
                now,
            )
            self.retry_at = now + timedelta(seconds=policy.fallback)
            self.failures = policy.max_failures - 1  # one strike left when IDLE is tried again
            return True
        self._enter(RECONNECTING, f"the IDLE connection ended: {message}", now)
        wait = 0.0 if proved else backoff(self.failures)
        self.retry_at = now + timedelta(seconds=wait)
        return False

    def account_recovered(self) -> None:
        """The account scans again after a fault: reconnect without waiting out the back-off."""
        if self.enabled and self.mode == RECONNECTING and not self.live:
            self.retry_at = None

    def stopped(self) -> None:
        """The daemon closed the session on purpose (stop or reload)."""
        self._clear_session()

    # -- reporting ------------------------------------------------------------------

    def to_json(self, *, poll_every: float) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "reason": self.reason,
            "since": self.since.isoformat() if self.since else None,
            "retry_at": self.retry_at.isoformat() if self.retry_at and not self.live else None,
            "refresh_at": self.refresh_at.isoformat() if self.refresh_at and self.live else None,
            "failures": self.failures,
            "sessions": self.sessions,
            "poll_every": poll_every,
        }

    # -- internals ------------------------------------------------------------------

    def _enter(self, mode: str, reason: str, now: datetime) -> None:
        if mode != self.mode or self.since is None:
            self.since = now
        self.mode = mode
        self.reason = reason

    def _clear_session(self) -> None:
        self.session_started = None
        self.refresh_at = None
        self.proved = False
