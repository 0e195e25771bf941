"""Accelerated soak: the daemon loop through a simulated month of mail and chaos.

    .venv/bin/python bench/soak.py                  # 30 days, scans every 5 minutes
    .venv/bin/python bench/soak.py --days 7 --seed 3
    .venv/bin/python bench/soak.py --oauth-days 0   # without the OAuth2 run

The real ``Daemon`` runs in-process on a :class:`SimulatedClock` against a
Maildir (the same ``run_pass`` and draft executor as in production). Mail
arrives on a schedule: hiring mail from a new employer or two every working
day (acknowledgements with promises, status updates, interview invitations,
rejections) and newsletters and shop notifications around it. The run is
made twice:

* **clean**: no faults, one daemon for the whole month;
* **chaos**: network outages (minutes to hours), disconnects in the middle of
  passes, server throttling, a locked keyring, a refused login, a UIDVALIDITY
  reset, hard crashes right after a draft's APPEND (before it is recorded),
  and graceful restarts, all from a seeded random plan; the last day is calm.

A third run, **oauth**, is the clean run's mail (all of its days by default:
follow-ups fall due only once two-week promises lapse) with every pass
signing in with OAuth2 first, as the IMAP source does: the real
``AccessTokens`` against the test suite's local provider (HTTPS, tokens that
live an hour, a new refresh token at every refresh that retires the old one),
both on the simulated clock. Every token is checked by introspection as Dovecot
would; on day 5 the grant is revoked at 10:00 and the user signs in again at
14:00. It passes when no pass outside that window lacked a valid token, about one
refresh per simulated hour happened, the revoked grant cost one token request and
one announcement, the keyring ends up holding the live refresh token, and the
drafts equal those of a token-free run of the same days.

It passes when the chaos run's Drafts folder holds exactly the drafts of the
clean run (the set of ``X-Followup-Id`` values, no duplicates), the database
passes ``integrity_check``, the watchdog was pinged at least every
WatchdogSec/2 of simulated time, and RSS at the end is within 10 % of RSS at
the end of day 1. Restarts reuse the analysis engine (models loaded once),
as a long-lived process would; the store and daemon are rebuilt.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "tests"))  # the local OAuth2 provider

from agent.config import config_from_dict  # noqa: E402
from agent.daemon.faults import RetryPolicy  # noqa: E402
from agent.daemon.loop import Daemon, DaemonSettings, SimulatedClock  # noqa: E402
from agent.errors import AuthError, MailboxError, SecretError, TransientMailboxError  # noqa: E402
from agent.notify import ServiceNotifier  # noqa: E402
from agent.scan import Engine  # noqa: E402
from agent.sources.maildir import UIDLIST, MaildirSource  # noqa: E402
from agent.store import Store  # noqa: E402

ZONE = ZoneInfo("Europe/Oslo")
START = datetime(2026, 3, 2, 6, 0, tzinfo=ZONE)  # a Monday
WATCHDOG = 120.0  # simulated seconds, as WatchdogSec in the unit

ROLES = ["Backend Developer", "Data Engineer", "Product Manager", "Project Manager", "Analyst"]
JOB_TEXTS = {
    "ack": "Thank you for applying for the {role} position at {company}.\n"
    "We review every application and will get back to you within two weeks.\n",
    "ack_next_week": "Thanks for your application for the {role} role at {company}. "
    "We will get back to you next week.\n",
    "status": "Thank you for coming to the interview yesterday. "
    "We will make a decision by the end of next week.\n",
    "invite": "We would like to invite you to an interview for the {role} position on "
    "{interview}. Please confirm that the time suits you.\n",
    "reject": "Thank you for your interest in {company}. After careful consideration we have "
    "decided to move forward with other candidates for the {role} role.\n",
}


class Counting(logging.Handler):
    """Counts log records that contain a phrase (e.g. the re-baseline after a UIDVALIDITY change)."""

    def __init__(self, phrase: str) -> None:
        super().__init__(logging.WARNING)
        self.phrase = phrase
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if self.phrase in record.getMessage():
            self.count += 1


class SimulatedCrash(BaseException):  # noqa: N818 - stands for the process dying
    pass


# -- the mail -------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    at: datetime
    name: str
    raw: bytes


def mail_schedule(days: int, rng: random.Random) -> list[Arrival]:
    out: list[Arrival] = []
    serial = 0
    for offset in range(days):
        day = START.date() + timedelta(days=offset)
        working = day.weekday() < 5
        jobs = rng.choice((1, 1, 2)) if working else 0
        noise = rng.randint(4, 9) if working else rng.randint(0, 3)
        for kind in ["job"] * jobs + ["noise"] * noise:
            serial += 1
            at = datetime.combine(day, datetime.min.time(), tzinfo=ZONE) + timedelta(
                minutes=rng.randint(7 * 60, 20 * 60)
            )
            raw = job_mail(serial, at, rng) if kind == "job" else noise_mail(serial, at, rng)
            name = f"{int(at.timestamp())}.M{serial}P1.soak"
            out.append(Arrival(at, name, raw))
    return sorted(out, key=lambda a: a.at)


def job_mail(n: int, at: datetime, rng: random.Random) -> bytes:
    kind = rng.choices(list(JOB_TEXTS), weights=(4, 2, 2, 2, 2))[0]
    company = f"Nordvik {n} AS"
    domain = f"nordvik{n}.example"
    interview = at + timedelta(days=rng.randint(3, 6))
    if interview.weekday() >= 5:
        interview += timedelta(days=7 - interview.weekday())
    text = JOB_TEXTS[kind].format(
        role=rng.choice(ROLES),
        company=company,
        interview=f"{interview:%A} {interview.day} {interview:%B} at 14:00",
    )
    return (
        f"From: Recruiting <jobs@{domain}>\nTo: Kari Nordmann <kari@example.org>\n"
        f"Subject: Your application at {company}\nDate: {format_datetime(at)}\n"
        f"Message-ID: <soak-{n}@{domain}>\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        f"Dear Kari,\n\n{text}\nBest regards,\nAnne Hansen\n{company}\n"
    ).encode()


def noise_mail(n: int, at: datetime, rng: random.Random) -> bytes:
    if rng.random() < 0.5:
        head = (
            "From: Weekly News <news@letters.example.com>\n"
            f"Subject: This week: offers and news #{n}\n"
            "List-Unsubscribe: <https://letters.example.com/u>\n"
        )
        body = "Read more about our new products and the best deals of the week.\n" * 20
    else:
        head = f"From: Shop <no-reply@shop.example.com>\nSubject: Your order #{n} has shipped\n"
        body = "Your order is on its way. Track the delivery in your account.\n" * 5
    return (
        f"{head}To: kari@example.org\nDate: {format_datetime(at)}\n"
        f"Message-ID: <soak-{n}@noise.example.com>\nContent-Type: text/plain; charset=utf-8\n\n{body}"
    ).encode()


class Mailbox:
    """The server side: puts scheduled mail into the Maildir when its time has come."""

    def __init__(self, root: Path, arrivals: list[Arrival]) -> None:
        self.root = root
        self.pending = list(arrivals)
        for folder in ("", ".Drafts", ".Sent"):
            for sub in ("cur", "new", "tmp"):
                (root / folder / sub).mkdir(parents=True, exist_ok=True)

    def deliver_until(self, now: datetime) -> None:
        while self.pending and self.pending[0].at <= now:
            arrival = self.pending.pop(0)
            (self.root / "new" / arrival.name).write_bytes(arrival.raw)

    def reset_uidvalidity(self) -> None:
        (self.root / UIDLIST).unlink(missing_ok=True)

    def draft_ids(self) -> Counter[str]:
        ids: Counter[str] = Counter()
        for path in (self.root / ".Drafts" / "cur").iterdir():
            found = re.search(
                rb"^X-Followup-Id:\s*(\S+)", path.read_bytes(), re.MULTILINE | re.IGNORECASE
            )
            if found:
                ids[found.group(1).decode()] += 1
        return ids


# -- the chaos --------------------------------------------------------------------------


@dataclass
class Window:
    start: datetime
    end: datetime
    kind: str  # offline | throttled | keyring | auth

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass
class ChaosPlan:
    windows: list[Window] = field(default_factory=list)
    disconnect_chance: float = 0.0  # per pass: fail at a random call inside it
    crash_chance: float = 0.0  # per pass: the process dies at a random call inside it
    crash_every: int = 0  # the process dies after every n-th APPEND (0: never)
    restarts: list[datetime] = field(default_factory=list)
    uidvalidity_reset: datetime | None = None
    calm_after: datetime | None = None

    @classmethod
    def random(cls, days: int, rng: random.Random) -> ChaosPlan:
        end = START + timedelta(days=days - 1)  # the last day is calm
        plan = cls(disconnect_chance=1 / 12, crash_chance=1 / 500, crash_every=4, calm_after=end)

        def window(kind: str, low_min: int, high_min: int) -> Window:
            start = START + timedelta(minutes=rng.randint(60, (days - 1) * 24 * 60 - high_min))
            return Window(
                start, min(end, start + timedelta(minutes=rng.randint(low_min, high_min))), kind
            )

        plan.windows += [window("offline", 5, 180) for _ in range(days)]
        plan.windows += [window("throttled", 10, 120) for _ in range(max(1, days // 5))]
        plan.windows += [window("keyring", 30, 360) for _ in range(max(1, days // 10))]
        plan.windows.append(window("auth", 60, 150))
        plan.restarts = sorted(
            START + timedelta(hours=rng.uniform(24, (days - 1) * 24))
            for _ in range(max(1, days // 7))
        )
        plan.uidvalidity_reset = START + timedelta(days=days // 2, hours=3)
        return plan


class ChaosSource:
    """A Maildir source that fails the way a network and a server fail."""

    def __init__(self, inner: MaildirSource, run: SoakRun, now: datetime) -> None:
        self._inner = inner
        self._run = run
        self._now = now
        plan = run.plan
        calm = plan.calm_after is not None and now >= plan.calm_after
        self._fail_at = (
            run.rng.randint(1, 12)
            if not calm and run.rng.random() < plan.disconnect_chance
            else None
        )
        self._crash_at = (
            run.rng.randint(1, 12) if not calm and run.rng.random() < plan.crash_chance else None
        )
        self._calls = 0

    def __enter__(self) -> ChaosSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.close()

    def close(self) -> None:
        self._inner.close()

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            self._calls += 1
            if self._crash_at is not None and self._calls == self._crash_at:
                self._run.injected["crash mid-pass"] += 1
                raise SimulatedCrash()
            if self._fail_at is not None and self._calls == self._fail_at:
                self._run.injected["disconnect"] += 1
                raise TransientMailboxError(f"{name}: the connection was reset (injected)")
            result = attr(*args, **kwargs)
            if name == "append":
                self._run.appends += 1
                every = self._run.plan.crash_every
                calm = self._run.plan.calm_after and self._now >= self._run.plan.calm_after
                if every and not calm and self._run.appends % every == 0:
                    self._run.injected["crash after APPEND"] += 1
                    raise SimulatedCrash()
            return result

        return call


# -- one run ----------------------------------------------------------------------------


class SoakRun:
    def __init__(
        self, name: str, root: Path, days: int, seed: int, *, chaos: bool, interval: float
    ) -> None:
        self.name = name
        self.root = root
        self.days = days
        self.interval = interval
        self.rng = random.Random(seed * 7919 + (1 if chaos else 0))
        self.mailbox = Mailbox(root / "Maildir", mail_schedule(days, random.Random(seed)))
        self.plan = ChaosPlan.random(days, random.Random(seed + 1)) if chaos else ChaosPlan()
        self.clock = SimulatedClock(START)
        self.injected: Counter[str] = Counter()
        self.appends = 0
        self.passes = 0
        self.restarts = 0
        self.crashes = 0
        self.faults = 0
        self.drafts_written = 0
        self.last_ping: float | None = None
        self.pings = 0
        self.max_ping_gap = 0.0
        self.rss_by_day: dict[int, int] = {}
        self.fds_by_day: dict[int, int] = {}
        self.objects_by_day: dict[int, tuple[int, int]] = {}  # (gc objects, modules)
        self._uidvalidity_done = False
        self.config = config_from_dict(
            {
                "state_dir": str(root / "state"),
                "timezone": "Europe/Oslo",
                "country": "NO",
                "languages": ["en"],
                "accounts": [
                    {
                        "name": "soak",
                        "maildir": str(self.mailbox.root),
                        "address": "kari@example.org",
                    }
                ],
            }
        )
        self.engine = Engine(self.config)

    # the pass's mailbox: deliver what is due, then maybe fail like a server would
    def open_source(self, account):  # type: ignore[no-untyped-def]
        now = self.clock.now()
        self._sample(now)
        self.mailbox.deliver_until(now)
        plan = self.plan
        if plan.uidvalidity_reset and not self._uidvalidity_done and now >= plan.uidvalidity_reset:
            self._uidvalidity_done = True
            self.mailbox.reset_uidvalidity()
            self.injected["UIDVALIDITY reset"] += 1
        self.passes += 1
        for window in plan.windows:
            if window.covers(now):
                self.injected[window.kind] += 1
                if window.kind == "offline":
                    raise TransientMailboxError(
                        "nothing accepts connections on imap.example.com:993 (injected)"
                    )
                if window.kind == "keyring":
                    raise SecretError(
                        "credentials unavailable for account soak: the keyring is locked (injected)"
                    )
                if window.kind == "auth":
                    raise AuthError("imap.example.com:993 refused the login (injected)")
                raise MailboxError(
                    "FETCH: imap.example.com:993 answered: NO [LIMIT] too many commands (injected)"
                )
        return ChaosSource(MaildirSource(account.maildir, name=account.name), self, now)

    def _sample(self, now: datetime) -> None:
        day = (now - START).days
        if day not in self.rss_by_day:
            gc.collect()
            self.rss_by_day[day] = current_rss()
            self.objects_by_day[day] = (len(gc.get_objects()), len(sys.modules))
            self.fds_by_day[day] = (
                len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else -1
            )

    def _record(self, message: str) -> bool:
        if message.startswith("WATCHDOG=1"):
            now = self.clock.monotonic()
            if self.last_ping is not None:
                self.max_ping_gap = max(self.max_ping_gap, now - self.last_ping)
            self.last_ping = now
            self.pings += 1
        return True

    def run(self) -> None:
        end = START + timedelta(days=self.days)
        restarts = list(self.plan.restarts)
        settings = DaemonSettings(
            scan_interval=self.interval,
            retry=RetryPolicy(base=30.0, cap=1800.0, auth_retry=3600.0),
            tick=3600.0,
        )
        while self.clock.now() < end:
            store = Store.open(self.config.db_path)
            store.acquire_writer_lock()
            notifier = ServiceNotifier(
                send=self._record, monotonic=self.clock.monotonic, watchdog=WATCHDOG
            )
            self.last_ping = None  # a new process starts its own watchdog count
            daemon = Daemon(
                self.config,
                store,
                settings=settings,
                clock=self.clock,
                notifier=notifier,
                engine=self.engine,
                source_factory=self.open_source,
                rng=self.rng,
            )
            until = end
            while restarts and restarts[0] <= self.clock.now():
                restarts.pop(0)  # passed while the daemon was down
            if restarts:
                until = restarts[0]
            try:
                daemon.run(until=until)
                if until < end:
                    restarts.pop(0)
                    self.restarts += 1
            except SimulatedCrash:
                self.crashes += 1
                self.clock.advance(5.0)  # the service manager restarts it
            finally:
                self.faults += daemon.faults
                self.drafts_written += daemon.drafts_created
                store.close()
        self._sample(end)

    def check(self) -> dict:
        with Store.open(self.config.db_path) as store:
            integrity = store.integrity_ok()
            records = {d.followup_id: d.state for d in store.drafts("soak")}
        db = self.config.db_path
        wal = db.with_name(db.name + "-wal")
        return {
            "drafts": self.mailbox.draft_ids(),
            "records": records,
            "integrity": integrity,
            "db_bytes": db.stat().st_size,
            "wal_bytes": wal.stat().st_size if wal.exists() else 0,
        }


# -- a week of OAuth2 sign-ins ------------------------------------------------------------


class MemoryKeyring:
    """Stands for the system keyring (``keyring.set_keyring``)."""

    def __new__(cls):  # type: ignore[no-untyped-def]
        from keyring.backend import KeyringBackend

        class Backend(KeyringBackend):
            priority = 1  # type: ignore[assignment]
            items: dict[tuple[str, str], str] = {}

            def get_password(self, service: str, username: str) -> str | None:
                return self.items.get((service, username))

            def set_password(self, service: str, username: str, password: str) -> None:
                self.items[(service, username)] = password

            def delete_password(self, service: str, username: str) -> None:
                self.items.pop((service, username), None)

        return Backend()


class OAuthRun(SoakRun):
    """The clean run's mail; every pass first asks :class:`AccessTokens` for a token."""

    REVOKE_AT = START + timedelta(days=4, hours=4)  # day 5, 10:00
    SIGN_IN_AT = START + timedelta(days=4, hours=8)  # day 5, 14:00

    def __init__(self, name: str, root: Path, days: int, seed: int, *, interval: float) -> None:
        import keyring
        import trustme
        from oauth_provider import OAuthProvider

        from agent.oauth.tokens import AccessTokens
        from agent.secrets import OAUTH2_SERVICE

        super().__init__(name, root, days, seed, chaos=False, interval=interval)
        epoch = lambda: self.clock.now().timestamp()  # noqa: E731
        ca = trustme.CA()
        ca_file = root / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        self.provider = OAuthProvider(
            ca=ca, access_lifetime=3600.0, rotate=True, strict_rotation=True, clock=epoch
        ).start()
        self.client = self.provider.add_client("kari")
        self.keyring = MemoryKeyring()
        keyring.set_keyring(self.keyring)
        self.key = (OAUTH2_SERVICE, "soak")
        self.keyring.items[self.key] = self.provider.issue(self.client)[1]
        account = config_from_dict(
            {
                "accounts": [
                    {
                        "name": "soak", "host": "127.0.0.1", "username": "kari",
                        "address": "kari@example.org", "ca_file": str(ca_file),
                        "oauth2_provider": "custom", "oauth2_client_id": self.client.client_id,
                        "oauth2_scope": "mail", **self.provider.endpoints(),
                    }
                ]
            }
        ).accounts[0]  # fmt: skip
        self.tokens = AccessTokens(account, clock=epoch)
        self.invalid = 0  # passes outside the revoked window without a valid token
        self.refused = 0  # passes refused while revoked
        self.requests_when_revoked: int | None = None
        self.requests_while_revoked = 0
        self._revoked = self._signed_in_again = False

    def open_source(self, account):  # type: ignore[no-untyped-def]
        now = self.clock.now()
        if not self._revoked and now >= self.REVOKE_AT:
            self._revoked = True
            self.provider.revoke("kari")
            self.requests_when_revoked = self.provider.token_requests(self.client.client_id)
        if not self._signed_in_again and now >= self.SIGN_IN_AT:
            self._signed_in_again = True  # followup init --reauth, from another process
            assert self.requests_when_revoked is not None
            self.requests_while_revoked = (
                self.provider.token_requests(self.client.client_id) - self.requests_when_revoked
            )
            self.keyring.items[self.key] = self.provider.issue(self.client)[1]
        revoked = self.REVOKE_AT <= now < self.SIGN_IN_AT
        try:
            token = self.tokens.token()
        except MailboxError:
            if revoked:
                self.refused += 1
            else:
                self.invalid += 1
            raise
        if not self.provider.introspect({"token": token}).get("active"):
            self.invalid += 1
        return super().open_source(account)

    def report(self, reference: dict) -> list[str]:
        out = self.check()
        refreshes = self.provider.token_requests(self.client.client_id, "refresh_token")
        hours = self.days * 24 - (self.SIGN_IN_AT - self.REVOKE_AT).total_seconds() / 3600
        live = self.provider.live_refresh_tokens("kari")
        failures = []
        print(
            f"== oauth: {self.days} simulated days, {self.passes} passes, {refreshes} token "
            f"refreshes (one per {hours * 60 / max(refreshes, 1):.0f} simulated min), each "
            f"rotating the refresh token; passes without a valid token outside the revoked window {self.invalid}; "
            f"while revoked: {self.refused} passes refused, {self.requests_while_revoked} token "
            f"request(s), sign-in-again announced {self.announced}"
        )
        if self.invalid:
            failures.append(f"oauth: {self.invalid} passes without a valid token")
        if not 0.9 * hours <= refreshes <= 1.2 * hours:
            failures.append(f"oauth: {refreshes} refreshes in {hours:.0f} hours")
        if self.requests_while_revoked > 1 or self.announced != 1:
            failures.append(
                f"oauth: {self.requests_while_revoked} token requests and {self.announced} "
                "announcements while revoked"
            )
        if live != [self.keyring.items[self.key]]:
            failures.append("oauth: the keyring does not hold the live refresh token")
        if not reference["drafts"]:
            failures.append("oauth: no drafts in those days without tokens: nothing to compare")
        if set(out["drafts"]) != set(reference["drafts"]) or any(
            n > 1 for n in out["drafts"].values()
        ):
            failures.append("oauth: drafts differ from the same days without tokens")
        print(f"   drafts {len(out['drafts'])}, identical to the same days without tokens: "
              f"{set(out['drafts']) == set(reference['drafts'])}")  # fmt: skip
        self.provider.stop()
        return failures


def current_rss() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def oauth_week(root: Path, args: argparse.Namespace, clean: tuple) -> list[str]:
    reference = clean[1]
    if args.oauth_days != args.days:  # the same week without tokens, to compare drafts with
        plain = SoakRun("clean-oauth-days", root / "plain", args.oauth_days, args.seed,
                        chaos=False, interval=args.interval)  # fmt: skip
        plain.run()
        reference = plain.check()
    announced = Counting("sign in again: followup init --name soak --reauth")
    daemon_log = logging.getLogger("agent.daemon")
    daemon_log.addHandler(announced)
    level, propagate = daemon_log.level, daemon_log.propagate
    daemon_log.setLevel(logging.ERROR)
    daemon_log.propagate = False
    run = OAuthRun("oauth", root / "oauth", args.oauth_days, args.seed, interval=args.interval)
    t0 = time.monotonic()
    run.run()
    daemon_log.removeHandler(announced)
    daemon_log.setLevel(level)
    daemon_log.propagate = propagate
    run.announced = announced.count  # type: ignore[attr-defined]
    print(f"   ({time.monotonic() - t0:.1f} s wall)")
    return run.report(reference)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--interval", type=float, default=300.0, help="scan interval, simulated seconds"
    )
    parser.add_argument(
        "--oauth-days",
        type=int,
        help="days of the OAuth2 run (default: --days, so that its drafts compare with the "
        "clean run's; 0: skip it)",
    )
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    parser.add_argument("--log", default="CRITICAL", help="log level of the daemons (e.g. WARNING)")
    args = parser.parse_args()
    logging.basicConfig(level=args.log.upper(), format="%(levelname)s %(name)s: %(message)s")
    root = args.keep or Path(tempfile.mkdtemp(prefix="followup-soak-"))
    if args.keep and root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)

    rebaselines = Counting("UIDVALIDITY changed")
    logging.getLogger("agent.sync").addHandler(rebaselines)
    logging.getLogger("agent.sync").setLevel(logging.WARNING)
    results = {}
    for name, chaos in (("clean", False), ("chaos", True)):  # clean first: it warms up
        run = SoakRun(name, root / name, args.days, args.seed, chaos=chaos, interval=args.interval)
        rebaselines.count = 0
        t0 = time.monotonic()
        run.run()
        wall = time.monotonic() - t0
        outcome = run.check()
        results[name] = (run, outcome, wall)
        drafts = outcome["drafts"]
        print(f"== {name}: {args.days} simulated days in {wall:.1f} s wall")
        print(
            f"   passes {run.passes}, drafts written {sum(drafts.values())} ({len(drafts)} distinct)"
        )
        if chaos:
            injected = ", ".join(f"{k} {v}" for k, v in sorted(run.injected.items()))
            print(f"   injected: {injected}")
            print(f"   UIDVALIDITY re-baselines logged by the scanner: {rebaselines.count}")
            print(
                f"   failed attempts seen by the daemon {run.faults}, crashes {run.crashes}, restarts {run.restarts}"
            )
        day1 = run.rss_by_day.get(1) or run.rss_by_day[min(run.rss_by_day)]
        last = run.rss_by_day[max(run.rss_by_day)]
        print(
            f"   RSS end of day 1 {mb(day1)}, at the end {mb(last)} ({(last - day1) / day1:+.1%}); "
            f"peak {mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)}"
        )
        series = " ".join(f"{run.rss_by_day[d] / 1e6:.0f}" for d in sorted(run.rss_by_day))
        print(f"   RSS by day (MB): {series}")
        first = run.objects_by_day.get(1) or run.objects_by_day[min(run.objects_by_day)]
        final = run.objects_by_day[max(run.objects_by_day)]
        print(
            f"   gc objects day 1 {first[0]}, end {final[0]}; modules loaded day 1 {first[1]}, end {final[1]}"
        )
        print(
            f"   open fds day 1 {run.fds_by_day.get(1)}, end {run.fds_by_day[max(run.fds_by_day)]}; "
            f"threads {threading.active_count()}; db {mb(outcome['db_bytes'])}, wal {mb(outcome['wal_bytes'])}; "
            f"watchdog pings {run.pings}, max gap {run.max_ping_gap:.0f} s (limit {WATCHDOG / 2:.0f} s)"
        )

    chaos_run, chaos_out, _ = results["chaos"]
    clean_run, clean_out, _ = results["clean"]
    failures = []
    duplicates = {k: v for k, v in chaos_out["drafts"].items() if v > 1}
    if duplicates:
        failures.append(f"duplicate drafts: {duplicates}")
    missing = set(clean_out["drafts"]) - set(chaos_out["drafts"])
    extra = set(chaos_out["drafts"]) - set(clean_out["drafts"])
    if missing or extra:
        failures.append(
            f"drafts differ from the clean run: missing {sorted(missing)}, extra {sorted(extra)}"
        )
    if not clean_out["drafts"]:
        failures.append("the clean run wrote no drafts: the soak proves nothing")
    if not (chaos_out["integrity"] and clean_out["integrity"]):
        failures.append("integrity_check failed")
    for run in (chaos_run, clean_run):
        if run.max_ping_gap > WATCHDOG / 2:
            failures.append(f"{run.name}: watchdog gap {run.max_ping_gap:.0f} s")
    # The clean run goes first and warms the process up (lazy imports, compiled date
    # rules, first drafts rendered); the chaos run's RSS is the one held to 10 %.
    day1 = chaos_run.rss_by_day.get(1)
    last = chaos_run.rss_by_day[max(chaos_run.rss_by_day)]
    if day1 and last > day1 * 1.10:
        failures.append(f"chaos: RSS grew {(last - day1) / day1:.1%} after day 1")
    print(
        f"== drafts: clean {len(clean_out['drafts'])}, chaos {len(chaos_out['drafts'])}, "
        f"identical: {not missing and not extra}, duplicates: {len(duplicates)}"
    )
    if args.oauth_days is None:
        args.oauth_days = args.days
    if args.oauth_days:
        failures += oauth_week(root, args, results["clean"])
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    if failures:
        print("FAIL: " + "; ".join(failures))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
