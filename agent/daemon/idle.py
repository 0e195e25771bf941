"""The daemon's IMAP IDLE sessions: open, re-issue, read and replace them.

:class:`IdleSessions` holds one live :class:`~agent.sources.base.PushSession`
per account that has one, and every account's
:class:`~agent.daemon.push.PushState` (the rules, pure). It runs in the
daemon's one thread:

* ``tend()`` re-issues IDLE where due and opens the sessions that are wanted
  (after a good pass only, see ``push``);
* ``wait()`` is the daemon's sleep: a ``select`` on the sessions' sockets
  that returns early when a server said something;
* what the sessions learn goes back to the daemon through ``on_mail(account,
  why)`` (scan that account now) and ``on_change()`` (publish the status).

Everything that may block on the network runs inside ``talking()``, which lets
a stop signal interrupt it; a session interrupted so is dropped, not closed.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from agent.config import AccountConfig
from agent.daemon.clock import Clock
from agent.daemon.faults import BUG, classify
from agent.daemon.push import REASON_DISABLED, REASON_LOCAL, PushState, push_folder
from agent.daemon.source import StopRequested
from agent.errors import NoPushError
from agent.redaction import redact
from agent.sources.base import PushSession, Source

if TYPE_CHECKING:
    from agent.daemon.loop import DaemonSettings

log = logging.getLogger(__name__)

CATCH_UP = "catching up after opening the IDLE session"
ANNOUNCED = "new mail announced"


def seconds_text(value: float) -> str:
    """``2 s``, ``25 min``: how long, for a log line."""
    if value < 120:
        return f"{value:g} s"
    return f"{value / 60:.0f} min"


class IdleSessions:
    def __init__(
        self,
        *,
        clock: Clock,
        rng: random.Random,
        open_source: Callable[[AccountConfig], Source],
        talking: Callable[[], AbstractContextManager[None]],
        on_mail: Callable[[str, str], bool],
        on_change: Callable[[], None],
    ) -> None:
        self.clock = clock
        self.rng = rng
        self._open_source = open_source
        self._talking = talking
        self._on_mail = on_mail
        self._on_change = on_change
        self.states: dict[str, PushState] = {}
        self.sessions: dict[str, PushSession] = {}
        self.settings: DaemonSettings | None = None
        self.tz = ZoneInfo("UTC")

    def configure(
        self, accounts: Iterable[AccountConfig], settings: DaemonSettings, tz: ZoneInfo
    ) -> None:
        """(Re)start from the config: open sessions are closed and reopened when due."""
        self.close()
        self.settings, self.tz = settings, tz
        now = self.clock.now()
        self.states = {}
        for account in accounts:
            state = PushState(account.name, since=now)
            if not settings.idle:
                state.disabled(now, REASON_DISABLED)
            elif account.is_local:
                state.disabled(now, REASON_LOCAL)
            self.states[account.name] = state

    @property
    def _settings(self) -> DaemonSettings:
        assert self.settings is not None, "configure() first"
        return self.settings

    # -- the daemon's loop ----------------------------------------------------------

    def tend(self, accounts: Iterable[AccountConfig], healthy: Callable[[str], bool]) -> None:
        """Re-issue IDLE where due; open the sessions that are wanted and allowed."""
        now = self.clock.now()
        for account in accounts:
            state = self.states.get(account.name)
            if state is None:
                continue
            session = self.sessions.get(account.name)
            if session is not None:
                if state.refresh_due(now):
                    self._refresh(account.name, session)
            elif state.wants_session(now, account_ok=healthy(account.name)):
                self._start(account)

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds`` on the sessions' sockets; True when the loop has work."""
        if not self.sessions:
            self.clock.sleep(seconds)
            return False
        ready = set(self.clock.wait([s.fileno() for s in self.sessions.values()], seconds))
        woke = False
        for name, session in list(self.sessions.items()):
            if session.fileno() not in ready:
                continue
            try:
                news = session.read()
            except Exception as exc:  # noqa: BLE001 - every failure ends the session
                self._lost(name, exc)
                woke = True
                continue
            if news:
                woke = self._on_mail(name, ANNOUNCED) or woke
        return woke

    def next_events(self, healthy: Callable[[str], bool]) -> list[datetime]:
        """When the loop must wake for a re-issue or a reconnection."""
        moments = (
            state.next_event(account_ok=healthy(name)) for name, state in self.states.items()
        )
        return [moment for moment in moments if moment is not None]

    def recovered(self, name: str) -> None:
        """The account scans again after a fault: reconnect without waiting out the back-off."""
        state = self.states.get(name)
        if state is not None:
            state.account_recovered()

    def close(self) -> None:
        """End every session politely (DONE, LOGOUT), each within ``push_close`` seconds."""
        sessions, self.sessions = self.sessions, {}
        for name, session in sessions.items():
            session.close(timeout=self._settings.push_close)
            state = self.states.get(name)
            if state is not None:
                state.stopped()

    def to_json(self) -> dict[str, dict[str, Any]]:
        every = self.settings.scan_interval if self.settings else 0.0
        return {name: state.to_json(poll_every=every) for name, state in self.states.items()}

    # -- one session --------------------------------------------------------------------

    def _start(self, account: AccountConfig) -> None:
        settings = self._settings
        state = self.states[account.name]
        folder = push_folder(account.folders)
        session: PushSession | None = None
        try:
            with self._talking():
                session = self._open_source(account).push_session(folder)
                if session is None:
                    state.disabled(self.clock.now(), REASON_LOCAL)
                    return
                session.connect()
        except NoPushError as exc:
            state.unsupported(self.clock.now(), str(exc), settings.push)
            log.info(
                "account %s: %s; new mail is found by the scan every %s",
                account.name,
                exc,
                seconds_text(settings.scan_interval),
            )
            self._on_change()
            return
        except Exception as exc:  # noqa: BLE001 - classified; the pass reports the same trouble
            kind = classify(exc)
            failures = state.connect_failures + 1
            wait = settings.retry.delay(kind, failures, self.rng, settings.scan_interval)
            state.connect_failed(self.clock.now(), redact(str(exc) or type(exc).__name__), wait)
            # Network, login and TLS trouble is the pass's to report, once per streak.
            log.log(
                logging.ERROR if kind == BUG else logging.DEBUG,
                "account %s: cannot open the IDLE connection (%s); next try in %s",
                account.name,
                exc,
                seconds_text(wait),
                exc_info=exc if kind == BUG else None,
            )
            return
        try:
            with self._talking():
                session.begin()
        except StopRequested:
            session.abandon()
            raise
        except Exception as exc:  # noqa: BLE001 - IDLE refused or the connection died
            session.abandon()
            state.started(self.clock.now(), settings.push)
            self._ended(account.name, exc)
            return
        state.started(self.clock.now(), settings.push)
        self.sessions[account.name] = session
        log.info(
            "account %s: waiting for new mail in %s (IMAP IDLE, re-issued every %s)",
            account.name,
            folder,
            seconds_text(settings.push.refresh),
        )
        # Mail that came while no session watched is announced to nobody: scan now.
        self._on_mail(account.name, CATCH_UP)
        self._on_change()

    def _refresh(self, name: str, session: PushSession) -> None:
        try:
            with self._talking():
                news = session.refresh()
        except StopRequested:
            self.sessions.pop(name, None)
            session.abandon()
            self.states[name].stopped()
            raise
        except Exception as exc:  # noqa: BLE001 - a stall or a drop ends the session
            self._lost(name, exc)
            return
        self.states[name].refreshed(self.clock.now(), self._settings.push)
        log.debug("account %s: IDLE re-issued", name)
        if news:
            self._on_mail(name, ANNOUNCED)
        self._on_change()  # the next re-issue time, and a failure streak that ended

    def _lost(self, name: str, exc: BaseException) -> None:
        session = self.sessions.pop(name, None)
        if session is not None:
            session.abandon()
        self._ended(name, exc)

    def _ended(self, name: str, exc: BaseException) -> None:
        """A session failed: reconnect (at once if it had proved itself) or fall back to polling."""
        settings = self._settings
        state = self.states[name]
        fell_back = state.session_ended(
            self.clock.now(),
            redact(str(exc) or type(exc).__name__),
            settings.push,
            lambda failures: settings.retry.backoff(failures, self.rng),
        )
        if classify(exc) == BUG:
            log.error("account %s: the IDLE session failed", name, exc_info=exc)
        if fell_back:
            assert state.retry_at is not None
            log.warning(
                "account %s: %s; scanning every %s, trying IDLE again at %s",
                name,
                state.reason,
                seconds_text(settings.scan_interval),
                state.retry_at.astimezone(self.tz).strftime("%H:%M"),
            )
        else:
            log.info("account %s: %s; reconnecting", name, state.reason)
        self._on_change()
