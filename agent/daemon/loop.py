"""``followup run``: the background loop that scans on a schedule and writes due drafts.

One thread does everything, so a hung step is a hung daemon that the service
manager's watchdog can see and restart. The loop:

1. scans every account whose next attempt is due (``run_pass``; a pass is
   crash-safe, so it may be abandoned at any point);
2. after a good pass, asks the policy when the next draft of that account is
   due and wakes then - a draft due at 09:00 is written at 09:00, not at the
   next regular scan;
3. after a failure, waits as ``faults`` says (back-off with jitter,
   hourly after a refused login) and logs the fault once per streak;
4. once a day: WAL checkpoint and pruning of old run records;
5. sleeps in short slices, pinging the watchdog and watching for signals.

The timers (per-account next attempt, next due draft, housekeeping) are kept
here rather than in the ``schedule`` library, which reads ``datetime.now()``
itself (naive local time): neither an injected clock nor aware due times that
cross a DST change fit it.

Signals: SIGTERM/SIGINT stop (a pass in progress is abandoned at once, with a
hard exit after ``stop_grace`` seconds as the last resort), SIGHUP reloads the
config. The clock is injected (:class:`Clock`), so ``bench/soak.py`` can run
a simulated month in minutes.

Push (``idle = true``, the default): each IMAP account also keeps a session
in IDLE on its inbox (``agent.sources.imap_idle``); the loop's sleep is a
``select`` on those sessions, so an announcement of new mail starts a pass for
that account at once, and the periodic pass still reads Sent and Drafts. The
sessions are run by ``idle``; when to open, re-issue and give up on one
is decided by ``push`` (pure). A session is opened only after a good
pass, and every new session is followed by a pass that catches up on mail that
arrived while none watched.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from agent.accounts import open_source
from agent.config import AccountConfig, Config, load_config
from agent.daemon.clock import Clock, RealClock, SimulatedClock
from agent.daemon.faults import (
    AUTH,
    BUG,
    CONFIG,
    REAUTH,
    AccountHealth,
    RetryPolicy,
    classify,
)
from agent.daemon.idle import IdleSessions
from agent.daemon.push import PushPolicy
from agent.daemon.source import PassErrorsOnce, StopRequested, WatchedSource
from agent.daemon.status import (
    RUNNING,
    STARTING,
    STOPPED,
    overall_state,
    record,
    status_line,
    write_status,
)
from agent.errors import ConfigError, FolderError, FollowupError, MailboxError, SecretError
from agent.notify import ServiceNotifier, desktop_notify
from agent.pipeline.engine import Engine
from agent.pipeline.passes import run_pass
from agent.pipeline.report import AccountReport
from agent.sources.base import Source

log = logging.getLogger(__name__)

__all__ = [
    "Clock",
    "Daemon",
    "DaemonSettings",
    "RealClock",
    "SimulatedClock",
    "StopRequested",
]


@dataclass(frozen=True)
class DaemonSettings:
    scan_interval: float = 300.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    tick: float = 1.0  # the longest single sleep: bounds the reaction to a stop or reload
    housekeeping_every: float = 86_400.0
    first_housekeeping: float = 3_600.0  # after start
    keep_runs: timedelta = timedelta(days=14)
    stop_grace: float = 8.0  # after a stop signal, hard exit if the loop has not ended
    outlook_max_age: float = 3_600.0  # recompute the next due time at least this often
    interval_override: bool = False  # --once-per: keep it across reloads
    idle: bool = True  # keep a session in IDLE per IMAP account
    push: PushPolicy = field(default_factory=PushPolicy)
    push_close: float = 1.5  # seconds for one session's DONE + LOGOUT when stopping

    @classmethod
    def from_config(
        cls, config: Config, *, scan_interval: float | None = None, env: Any = None
    ) -> DaemonSettings:
        if scan_interval is not None and not 0.05 <= scan_interval <= 86_400:
            raise ConfigError(f"--once-per: expected 0.05-86400 seconds, got {scan_interval:g}")
        return cls(
            scan_interval=float(scan_interval or config.scan_interval),
            retry=RetryPolicy.from_env(env),
            interval_override=scan_interval is not None,
            idle=config.idle,
            push=PushPolicy(refresh=config.idle_refresh),
        )


class Daemon:
    """The loop. ``run()`` until stopped; ``run(until=...)`` for a bounded (simulated) run."""

    def __init__(
        self,
        config: Config,
        store: Any,
        *,
        settings: DaemonSettings | None = None,
        clock: Clock | None = None,
        notifier: ServiceNotifier | None = None,
        engine: Engine | None = None,
        source_factory: Callable[[AccountConfig], Source] | None = None,
        rng: random.Random | None = None,
        load: Callable[[], Config] | None = None,
        on_reload: Callable[[Config], None] | None = None,
        crash: Callable[[str], None] | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.settings = settings or DaemonSettings.from_config(config)
        self.clock: Clock = clock or RealClock()
        self.notifier = notifier or ServiceNotifier(monotonic=self.clock.monotonic)
        self.engine = engine or Engine(config, crash=crash).built()
        self.rng = rng or random.Random()
        self._open_source = source_factory or open_source
        self._load = load or (lambda: load_config(self.config.path))
        self._on_reload = on_reload
        self.health = {a.name: AccountHealth(a.name) for a in config.accounts}
        self.idle = IdleSessions(
            clock=self.clock,
            rng=self.rng,
            open_source=lambda account: self._open_source(account),
            talking=self._talking,
            on_mail=self._mail_arrived,
            on_change=lambda: self._publish(self.clock.now()),
        )
        self.idle.configure(config.accounts, self.settings, self.engine.tz)
        self.started_at = self.clock.now()
        self.last_scan: datetime | None = None
        self.last_error: dict[str, Any] | None = None
        self.passes = 0
        self.faults = 0
        self.drafts_created = 0
        self._next_housekeeping = self.started_at + timedelta(
            seconds=min(self.settings.first_housekeeping, self.settings.housekeeping_every)
        )
        self._stop = False
        self._reload = False
        self._in_pass = False
        self._abandoning = False
        self._stopping_by_signal = False  # a stop signal's handler is running
        self._ready = False
        self._loop_failures = 0
        self._warned: set[str] = set()
        self._warmed = False  # the analysis rules and model are loaded

    # -- control (signal handlers and other threads) ------------------------------------

    def request_stop(self) -> None:
        self._stop = True

    def request_reload(self) -> None:
        self._reload = True

    @contextmanager
    def signal_handlers(self) -> Iterator[None]:
        """SIGTERM/SIGINT stop, SIGHUP reloads (main thread only; restored afterwards)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        wanted = {
            signal.SIGTERM: self._on_stop_signal,
            signal.SIGINT: self._on_stop_signal,
            signal.SIGHUP: self._on_reload_signal,
        }
        previous = {sig: signal.signal(sig, handler) for sig, handler in wanted.items()}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _on_stop_signal(self, signum: int, frame: object) -> None:
        # Python may run a second signal's handler inside this one, between any two of
        # its steps (SIGINT and SIGTERM sent together). The inner one then leaves the work
        # to this one: raising StopRequested from inside it would cut this handler short,
        # before the stop is logged and the hard exit armed.
        if self._stopping_by_signal:
            return
        self._stopping_by_signal = True
        try:
            first = not self._stop
            self._stop = True
            if first:
                log.info("%s received: stopping", signal.Signals(signum).name)
                self.notifier.stopping()
                self._arm_hard_exit()
            if self._in_pass and not self._abandoning:
                self._abandoning = True
                raise StopRequested()
        finally:
            self._stopping_by_signal = False

    def _on_reload_signal(self, signum: int, frame: object) -> None:
        self._reload = True

    def _arm_hard_exit(self) -> None:
        grace = self.settings.stop_grace

        def hard_exit() -> None:
            os.write(2, f"followup: not stopped within {grace:g} s; exiting now\n".encode())
            os._exit(0)  # the state on disk is crash-safe by design

        timer = threading.Timer(grace, hard_exit)
        timer.daemon = True
        timer.start()

    def _in_pass_tick(self) -> None:
        self.notifier.ping_if_due()
        if self._stop and self._in_pass and not self._abandoning:
            self._abandoning = True
            raise StopRequested()

    # -- the loop -------------------------------------------------------------------------

    def announce_ready(self) -> None:
        """READY=1: config and database are loaded (no network needed for this)."""
        if self._ready:
            return
        self._ready = True
        now = self.clock.now()
        names = ", ".join(self.health)
        log.info(
            "followup daemon started (pid %d): accounts %s, scan every %g s",
            os.getpid(),
            names,
            self.settings.scan_interval,
        )
        if self.settings.idle:
            log.info(
                "idle = true: IMAP accounts are scanned as soon as the server announces new mail"
            )
        self._publish(now, state=STARTING)
        self.notifier.ready(
            status_line([], now=now, tz=self.engine.tz, last_scan=None, next_due=None)
        )

    def run(self, *, until: datetime | None = None) -> None:
        self.announce_ready()
        scan_log = logging.getLogger("agent.pipeline.passes")
        quieter = PassErrorsOnce()
        scan_log.addFilter(quieter)
        try:
            while not self._stop:
                now = self.clock.now()
                if until is not None and now >= until:
                    break
                try:
                    self._iteration(now)
                    self._loop_failures = 0
                except (StopRequested, KeyboardInterrupt):
                    raise
                except Exception as exc:  # a bug in the loop itself must not become a crash loop
                    self._loop_failures += 1
                    wait = self.settings.retry.backoff(self._loop_failures, self.rng)
                    log.error("daemon loop failed; retrying in %.0f s", wait, exc_info=exc)
                    self._sleep_until(self.clock.now() + timedelta(seconds=wait))
                    continue
                self._sleep_until(self._next_wake(until))
        except StopRequested:
            log.info("stopped during a pass; the next start continues where it stopped")
        finally:
            self._in_pass = False
            scan_log.removeFilter(quieter)
            self._finish()

    def _iteration(self, now: datetime) -> None:
        if self._reload:
            self._reload = False
            self._reload_now(now)
        self._fix_clock_jumps(now)
        due = [h for h in self.health.values() if h.next_attempt is None or h.next_attempt <= now]
        if due:
            self._scan(due)
        if not self._stop:
            self.idle.tend(self.config.accounts, self._healthy)
            if self.idle.sessions and not self._warmed:
                self._warm_up()
        if not self._stop and self.clock.now() >= self._next_housekeeping:
            self._housekeeping(self.clock.now())

    def _next_wake(self, until: datetime | None) -> datetime:
        times = [h.next_attempt for h in self.health.values() if h.next_attempt is not None]
        times.extend(self.idle.next_events(self._healthy))
        times.append(self._next_housekeeping)
        if until is not None:
            times.append(until)
        return min(times)

    def _sleep_until(self, wake: datetime) -> None:
        while not self._stop and not self._reload:
            remaining = (wake - self.clock.now()).total_seconds()
            if remaining <= 0:
                return
            self.notifier.ping_if_due()
            step = min(remaining, self.settings.tick)
            ping_in = self.notifier.next_ping_in()
            if ping_in is not None:
                step = min(step, max(ping_in, 0.001))
            if self.idle.wait(step):  # a server announced mail, or a session ended
                return

    def _fix_clock_jumps(self, now: datetime) -> None:
        """A wall clock set back must not postpone work by the size of the jump."""
        slack = 2 * self.settings.tick
        for h in self.health.values():
            if (
                h.next_attempt is not None
                and (h.next_attempt - now).total_seconds() > h.planned + slack
            ):
                h.schedule(now, h.planned)
        every = self.settings.housekeeping_every
        if (self._next_housekeeping - now).total_seconds() > every + slack:
            self._next_housekeeping = now + timedelta(seconds=every)

    def _finish(self) -> None:
        now = self.clock.now()
        self.notifier.stopping()
        self.idle.close()
        try:
            self._publish(now, state=STOPPED)
        except Exception as exc:  # noqa: BLE001 - the store may be what failed
            log.debug("could not record the stop: %s", exc)
        log.info(
            "followup daemon stopped: %d passes, %d drafts written, %d failed attempts",
            self.passes,
            self.drafts_created,
            self.faults,
        )

    # -- one pass -------------------------------------------------------------------------

    def _source_for(self, failures: dict[str, BaseException]) -> Callable[[AccountConfig], Any]:
        def make(account: AccountConfig) -> Any:
            try:
                inner = self._open_source(account)
            except (SecretError, ConfigError) as exc:
                failures[account.name] = exc
                raise MailboxError(str(exc), hint=exc.hint) from exc
            except MailboxError as exc:
                failures[account.name] = exc
                raise
            return WatchedSource(inner, account.name, failures, self._in_pass_tick)

        return make

    def _scan(self, due: list[AccountHealth]) -> None:
        """One pass per due account, each on its own, so that a failure (even a bug) in
        one account neither stops nor delays the others."""
        for h in due:
            if self._stop:
                break
            self._scan_account(h, self.clock.now())
        self.passes += 1
        if not self._stop and getattr(self.config, "calendar_file", None) is not None:
            from agent.calendar_sync import refresh_calendar_file

            refresh_calendar_file(self.config, self.store, self.clock.now())
        self._publish(self.clock.now())

    def _scan_account(self, h: AccountHealth, now: datetime) -> None:
        failures: dict[str, BaseException] = {}
        self._in_pass = True
        self._abandoning = False
        try:
            report = run_pass(
                self.engine,
                self.store,
                now=now,
                account_names=[h.name],
                progress=lambda account, n: self._in_pass_tick(),
                source_factory=self._source_for(failures),
            )
        except Exception as exc:
            self._in_pass = False
            self._failed(h, exc, self.clock.now())
            return
        finally:
            self._in_pass = False
        end = self.clock.now()
        for acc in report.accounts:
            if acc.account != h.name:
                continue
            if acc.error is None:
                self._succeeded(h, acc, now, end)
                continue
            fault = failures.get(acc.account)
            if fault is None:
                # run_pass reports a Drafts folder it cannot identify without raising.
                fault = (
                    FolderError(acc.error) if acc.drafts_folder is None else MailboxError(acc.error)
                )
            self._failed(h, fault, end)
            if classify(fault) == CONFIG:
                h.processes = acc.processes

    def _succeeded(
        self, h: AccountHealth, acc: AccountReport, started: datetime, end: datetime
    ) -> None:
        ended = h.succeeded(end)
        if ended is not None:
            self.idle.recovered(h.name)
            log.info(
                "account %s: working again after %d failed attempt(s) since %s",
                h.name,
                ended.failures,
                ended.since.astimezone(self.engine.tz).strftime("%Y-%m-%d %H:%M"),
            )
        self.last_scan = started
        h.processes = acc.processes
        h.notice = held_back(acc)
        if h.notice:
            key = f"held:{h.name}:{h.notice.partition(':')[0]}"
            self._warn_once(key, "account %s: %s", h.name, h.notice)
        if acc.created:
            self.drafts_created += len(acc.created)
            h.drafts_created += len(acc.created)
            if self.config.notify:
                count = len(acc.created)
                desktop_notify(
                    "followup",
                    f"{count} new follow-up draft{'s' if count != 1 else ''} in {acc.drafts_folder or 'Drafts'}",
                )
        changed = bool(
            acc.stats.seen or acc.created or acc.cancelled or acc.adopted or acc.handed_off
        )
        stale = (
            h.outlook_at is None
            or (end - h.outlook_at).total_seconds() >= self.settings.outlook_max_age
            or (h.next_due is not None and h.next_due <= end)
        )
        if changed or stale:
            h.next_due = self._next_due(h.name, end)
            h.outlook_at = end
        wait = self.settings.scan_interval
        if h.next_due is not None:
            wait = min(wait, max(0.0, (h.next_due - end).total_seconds()))
        h.schedule(end, wait)

    def _failed(self, h: AccountHealth, exc: BaseException, now: datetime) -> None:
        kind = classify(exc)
        streak = h.fault.failures if h.fault is not None else 0
        delay = self.settings.retry.delay(kind, streak + 1, self.rng, self.settings.scan_interval)
        fault, announce = h.failed(exc, kind, now, delay)
        self.faults += 1
        self.last_error = {"account": h.name, "at": now.isoformat(), **fault.to_json()}
        wait = (
            f"{delay:.1f} s"
            if delay < 10
            else f"{delay:.0f} s"
            if delay < 120
            else f"{delay / 60:.0f} min"
        )
        if announce is None:
            log.debug(
                "account %s: still failing (%s, attempt %d): %s; next in %s",
                h.name,
                kind,
                fault.failures,
                fault.message,
                wait,
            )
            return
        if kind == BUG:
            log.error(
                "account %s: unexpected error; next attempt in %s. Hint: %s",
                h.name,
                wait,
                fault.hint,
                exc_info=(type(exc), exc, exc.__traceback__),
            )
            return
        if kind == REAUTH:
            # One line that says what to do; no retry is made until the user does it.
            log.error("account %s: %s", h.name, fault.message)
            if self.config.notify:
                desktop_notify("followup", f"{h.name}: {fault.message}")
            return
        level = (
            logging.ERROR
            if kind == AUTH
            else logging.INFO
            if announce == "change"
            else logging.WARNING
        )
        log.log(
            level,
            "account %s: %s. Next attempt in %s. Hint: %s",
            h.name,
            fault.message,
            wait,
            fault.hint,
        )
        if kind == AUTH and self.config.notify:
            desktop_notify(
                "followup", f"The server refused the login for {h.name}: check the password"
            )

    def _next_due(self, account_name: str, now: datetime) -> datetime | None:
        """When the policy next wants something for this account (drafts, nudges, ghosting)."""
        from agent.kept import refresh

        try:
            account = self.config.account(account_name)
            board = refresh(self.store, self.engine, account, now, save=False)
            return board.next_wake()[0]
        except Exception as exc:  # the wake-up time is an optimisation; scanning goes on
            self._warn_once("outlook", "cannot compute the next due time: %s", exc)
            return None

    # -- push (IMAP IDLE, see agent.daemon.idle) -----------------------------------------------

    @contextmanager
    def _talking(self) -> Iterator[None]:
        """A blocking exchange with a server outside a pass: a stop signal interrupts it."""
        self._in_pass = True
        self._abandoning = False
        try:
            yield
        finally:
            self._in_pass = False

    def _healthy(self, name: str) -> bool:
        health = self.health.get(name)
        return health is not None and health.fault is None

    def _mail_arrived(self, name: str, why: str) -> bool:
        """Scan the account at once, unless it is backing off after a failure."""
        health = self.health.get(name)
        if health is None or health.fault is not None:
            return False
        now = self.clock.now()
        if health.next_attempt is None or health.next_attempt <= now:
            return True
        log.info("account %s: %s; scanning now", name, why)
        health.schedule(now, 0.0)
        return True

    def _warm_up(self) -> None:
        """Load the analysis rules and model now, so that the first new mail does not wait
        for them (about 1.5 s here)."""
        self._warmed = True
        try:
            with self._talking():  # a stop signal does not wait for it
                self.engine.analyzer.warm_up()
        except Exception as exc:  # noqa: BLE001 - only an optimisation
            log.debug("warming up the analysis failed: %s", exc)

    # -- reload, housekeeping, status -----------------------------------------------------

    def _reload_now(self, now: datetime) -> None:
        self.notifier.reloading()
        try:
            config = self._load()
            engine = Engine(config, crash=self.engine.crash).built()
        except FollowupError as exc:
            log.error("reload failed; keeping the running configuration: %s", exc)
            self.notifier.reloaded()
            return
        if config.db_path != self.config.db_path:
            log.warning(
                "state_dir changed to %s: restart followup for that to take effect",
                config.state_dir,
            )
        self.config, self.engine = config, engine
        self._warmed = False
        self.settings = replace(
            self.settings, idle=config.idle, push=PushPolicy(refresh=config.idle_refresh)
        )
        if not self.settings.interval_override:
            self.settings = replace(self.settings, scan_interval=float(config.scan_interval))
        self.idle.configure(config.accounts, self.settings, engine.tz)  # reopened when due
        health = {}
        for account in config.accounts:
            h = self.health.get(account.name) or AccountHealth(account.name)
            if h.fault is None or h.fault.kind in (CONFIG, REAUTH):
                h.next_attempt = None  # scan at once with the new settings
            h.outlook_at = None
            health[account.name] = h
        self.health = health
        log.info("configuration reloaded from %s", config.path)
        if self._on_reload is not None:
            self._on_reload(config)
        self.notifier.reloaded()

    def _housekeeping(self, now: datetime) -> None:
        self._next_housekeeping = now + timedelta(seconds=self.settings.housekeeping_every)
        try:
            pruned = self.store.prune_runs(before=now - self.settings.keep_runs)
            self.store.wal_checkpoint()
        except Exception as exc:  # noqa: BLE001 - retried tomorrow
            self._warn_once("housekeeping", "housekeeping failed: %s", exc)
            return
        log.info("housekeeping: WAL checkpointed, %d old run record(s) pruned", pruned)

    def _publish(self, now: datetime, *, state: str | None = None) -> None:
        healths = list(self.health.values())
        dues = [h.next_due for h in healths if h.next_due is not None and h.next_due > now]
        next_due = min(dues) if dues else None
        line = status_line(
            healths, now=now, tz=self.engine.tz, last_scan=self.last_scan, next_due=next_due
        )
        if state is None:
            state = overall_state(healths)
        attempts = [h.next_attempt for h in healths if h.next_attempt is not None]
        data = record(
            pid=os.getpid(),
            state=state,
            status=line,
            started_at=self.started_at,
            now=now,
            last_scan=self.last_scan,
            next_scan=min(attempts) if attempts else (now if state == RUNNING else None),
            next_due=next_due,
            healths=healths,
            last_error=self.last_error,
            passes=self.passes,
            push=self.idle.to_json(),
        )
        try:
            write_status(self.store, data)
        except Exception as exc:  # noqa: BLE001 - e.g. a CLI holding the database
            self._warn_once("status", "cannot record the daemon status: %s", exc)
        if state not in (STOPPED, STARTING):
            self.notifier.status(line)

    def _warn_once(self, key: str, message: str, *args: object) -> None:
        if key in self._warned:
            log.debug(message, *args)
            return
        self._warned.add(key)
        log.warning(message, *args)


def held_back(acc: AccountReport) -> str | None:
    """What a good pass still held back, in a few words for the STATUS line, or None."""
    if acc.stats.held:
        folders = ", ".join(sorted(acc.stats.held))
        return (
            f"error: folder {folders} held, its UIDVALIDITY keeps changing; "
            "no drafts written until the server is steady"
        )
    if acc.breaker:
        return (
            f"draft limit reached: {acc.breaker.get('held', 0)} draft(s) held back; "
            "`followup scan --release-drafts` writes them"
        )
    return None
