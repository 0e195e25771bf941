"""How the daemon meets failure: classify it, wait the right time, say it once.

Every failed attempt on an account is sorted into a *kind*; the kind decides the
wait before the next attempt and the advice given to the user:

========== ============================================= ===========================
kind       examples                                      next attempt
========== ============================================= ===========================
offline    network down, timeout, BYE, refused           back-off from ``base`` up to ``cap``
server     NO/BAD replies, throttling (OVERQUOTA, LIMIT) back-off from ``base`` up to ``cap``
tls        certificate rejected, no STARTTLS             back-off from ``base`` up to ``cap``
credentials keyring locked, password_command failed     back-off from ``base`` up to ``cap``
auth       the server refused the password               no sooner than ``auth_retry`` (hourly)
reauth     the OAuth2 sign-in was revoked or expired     the scan interval, asking only the keyring
           (re-consent required)                         whether the user signed in again
config     Drafts folder not identified                  the normal scan interval
state      the state database is locked or unwritable    back-off from ``base`` up to ``cap``
bug        any other exception                           back-off from ``base`` up to ``cap``
========== ============================================= ===========================

Back-off doubles per consecutive failure and is jittered ("equal jitter": half
fixed, half random) so that many clients never retry in step. A streak of
failures is logged when it starts (and when a new kind of failure joins it)
and once when it ends; repeats are logged at DEBUG.
"""

from __future__ import annotations

import os
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from agent.errors import (
    AuthError,
    ConfigError,
    FolderError,
    MailboxError,
    ReauthRequiredError,
    SecretError,
    StateError,
    TLSError,
    TransientMailboxError,
)
from agent.redaction import redact

OFFLINE = "offline"
SERVER = "server"
TLS = "tls"
CREDENTIALS = "credentials"
AUTH = "auth"
REAUTH = "reauth"
CONFIG = "config"
STATE = "state"
BUG = "bug"

HINTS = {
    OFFLINE: "followup keeps retrying by itself; check the network or the server if this lasts",
    SERVER: "the server refused a command or is throttling; followup backs off and retries",
    TLS: "check host, port and security in the config (`followup doctor` shows the details)",
    CREDENTIALS: "unlock the keyring, or fix password_command; followup retries by itself",
    AUTH: "check the user name and password (many providers need an app password), then run "
    "`followup doctor`; followup retries at most hourly so the account is not locked",
    REAUTH: "run the command above; until then followup asks the sign-in service nothing and "
    "picks up the new sign-in by itself",
    CONFIG: "fix the config (`followup doctor` names the problem); scanning goes on meanwhile",
    STATE: "check the disk and the state directory; followup retries by itself",
    BUG: "this is a bug in followup: please report it with the traceback; retrying with back-off",
}

ENV_BASE = "FOLLOWUP_BACKOFF_BASE"
ENV_CAP = "FOLLOWUP_BACKOFF_CAP"
ENV_AUTH = "FOLLOWUP_AUTH_RETRY"


def classify(exc: BaseException | None) -> str:
    """The kind of a failure (see the module docs)."""
    if isinstance(exc, ReauthRequiredError):
        return REAUTH
    if isinstance(exc, AuthError):
        return AUTH
    if isinstance(exc, TLSError):
        return TLS
    if isinstance(exc, FolderError | ConfigError):
        return CONFIG
    if isinstance(exc, TransientMailboxError):
        return OFFLINE
    if isinstance(exc, SecretError):
        return CREDENTIALS
    if isinstance(exc, MailboxError):
        return SERVER
    if isinstance(exc, OSError):
        return OFFLINE
    if isinstance(exc, StateError):
        return STATE
    return BUG


@dataclass(frozen=True)
class RetryPolicy:
    """Waits after failures, in seconds."""

    base: float = 30.0
    cap: float = 1800.0
    auth_retry: float = 3600.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RetryPolicy:
        """Defaults, overridden by ``$FOLLOWUP_BACKOFF_BASE``, ``_CAP`` and ``$FOLLOWUP_AUTH_RETRY``."""
        env = os.environ if env is None else env
        values = {}
        for name, key in ((ENV_BASE, "base"), (ENV_CAP, "cap"), (ENV_AUTH, "auth_retry")):
            text = env.get(name, "").strip()
            if not text:
                continue
            try:
                seconds = float(text)
            except ValueError:
                seconds = -1.0
            if not 0.01 <= seconds <= 7 * 86_400:
                raise ConfigError(f"${name}: expected a number of seconds, got {text!r}")
            values[key] = seconds
        policy = cls(**values)
        if policy.cap < policy.base:
            raise ConfigError(f"${ENV_CAP} ({policy.cap:g}) is below ${ENV_BASE} ({policy.base:g})")
        return policy

    def backoff(self, failures: int, rng: random.Random) -> float:
        """The wait after the ``failures``-th failure in a row (1, 2, ...), jittered."""
        ceiling = min(self.cap, self.base * 2 ** min(max(failures - 1, 0), 30))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)

    def delay(self, kind: str, failures: int, rng: random.Random, interval: float) -> float:
        if kind == AUTH:
            return max(self.auth_retry, self.backoff(failures, rng)) * rng.uniform(1.0, 1.1)
        if kind in (CONFIG, REAUTH):
            return interval
        return self.backoff(failures, rng)


@dataclass
class Fault:
    """A streak of failures of one kind on one account."""

    kind: str
    message: str
    hint: str
    since: datetime
    failures: int  # in a row, whatever their kind
    retry_at: datetime
    kinds: tuple[str, ...] = ()  # every kind met in this streak

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "error": self.message,
            "hint": self.hint,
            "since": self.since.isoformat(),
            "failures": self.failures,
            "retry_at": self.retry_at.isoformat(),
        }


@dataclass
class AccountHealth:
    """What the daemon knows about one account between passes."""

    name: str
    next_attempt: datetime | None = None  # None: at once
    planned: float = 0.0  # the wait chosen last time (to notice a wall clock set back)
    fault: Fault | None = None
    last_ok: datetime | None = None
    processes: int = 0
    next_due: datetime | None = None
    outlook_at: datetime | None = None
    drafts_created: int = 0
    notice: str | None = None  # a good pass that still holds something back (drafts, a folder)

    def schedule(self, now: datetime, seconds: float) -> None:
        self.planned = seconds
        self.next_attempt = now + timedelta(seconds=seconds)

    def failed(
        self, exc: BaseException, kind: str, now: datetime, delay: float
    ) -> tuple[Fault, str | None]:
        """Record a failure. Returns the fault and what to announce: "start" for the
        first failure of a streak, "change" for a kind not seen yet in this streak,
        None for a repeat (log that quietly)."""
        message = redact(str(exc) or type(exc).__name__)
        hint = getattr(exc, "hint", None) or HINTS[kind]
        retry_at = now + timedelta(seconds=delay)
        previous = self.fault
        if previous is None:
            announce: str | None = "start"
            self.fault = Fault(kind, message, hint, now, 1, retry_at, (kind,))
        else:
            announce = None if kind in previous.kinds else "change"
            kinds = previous.kinds if kind in previous.kinds else (*previous.kinds, kind)
            self.fault = Fault(
                kind, message, hint, previous.since, previous.failures + 1, retry_at, kinds
            )
        self.schedule(now, delay)
        return self.fault, announce

    def succeeded(self, now: datetime) -> Fault | None:
        """Clear the streak; returns the one that ended (to log the recovery)."""
        ended, self.fault = self.fault, None
        self.last_ok = now
        return ended
