"""Scan benchmark: ``followup scan`` against a raw IMAP fetch, on a private Dovecot.

    .venv/bin/python bench/scan.py                      # 50,000 messages
    .venv/bin/python bench/scan.py --count 5000 --keep
    .venv/bin/python bench/scan.py --count 5000 --profile /tmp/scan.prof

1. Starts a private Dovecot (tests/dovecot.py) and writes N messages straight
   into a user's Maildir (correct ``S=``/``W=`` sizes, owned by the mail uid),
   then lets Dovecot index them (``doveadm force-resync``).
2. (a) Times raw imapclient passes over every message: headers plus the first
   8 KB of the text, in UID batches, over IMAPS - the first with Dovecot's
   cache cold. This is what a scanner that reads everything costs.
3. Times the source layer alone (``ImapSource.fetch_headers`` over all UIDs).
4. (b) Times ``followup scan`` as a subprocess from an empty state directory,
   then (c) a second scan with nothing new: wall time, CPU and peak RSS.
   Targets: b/a <= 1.0 (text is fetched only for candidates) and c <= 1 s.
   With ``--profile`` the first scan runs under cProfile and the time per
   phase (header FETCH and parse, prefilter, text FETCH, analysis, store) is
   printed.

The mix is deterministic for a seed: newsletters (some with job-ish subjects),
notifications, personal mail, job-board alerts and career newsletters, and a
few hundred hiring-process mails in English and Norwegian - half from the test
corpus (restamped with a fresh Message-ID and Date), half from templates as
ATS, direct and agency mail; text, HTML-only and multipart/alternative, some
latin-1 parts, and a few large messages. Generated mail carries the trace and
DKIM header lines delivery adds, so headers are of a realistic size.
"""

from __future__ import annotations

import argparse
import base64
import grp
import json
import os
import pstats
import pwd
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from dovecot import HOST, Dovecot, MailUser  # noqa: E402
from imapclient import IMAPClient  # noqa: E402

from agent.sources.imap import ImapSource  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
START = datetime(2024, 3, 1, tzinfo=UTC)
SPAN_DAYS = 730
NOW = "2026-03-02T09:00:00+01:00"  # the morning after the newest message

WORDS = (
    "the we you your our team week offer update news product price order account "
    "team meeting thanks regards please new today free read more click here sale "
    "delivery shipped review invoice event register join community article"
).split()
NB_WORDS = "vi du deg oss takk hilsen uke tilbud nytt les mer her salg faktura".split()

# (kind planted, subject, text); {first} is the applicant, {role}/{company} the job.
JOB_TEMPLATES = [
    (
        "application_received",
        "Thank you for your application - {role}",
        "Hi {first},\n\nThank you for applying for the {role} position at {company}. We have\n"
        "received your application and our recruitment team will review it carefully.\n"
        "We will get back to you within two weeks.\n\nBest regards,\nThe {company} recruiting team\n",
    ),
    (
        "rejection",
        "Your application for {role} at {company}",
        "Dear {first},\n\nThank you for your interest in {company} and for the time you spent on\n"
        "your application. After careful consideration we have decided to move forward\n"
        "with other candidates whose experience more closely matches the {role} role.\n\n"
        "We wish you the best of luck in your job search.\n\nKind regards,\n{company} Talent Acquisition\n",
    ),
    (
        "interview_invitation",
        "Interview invitation: {role}",
        "Hi {first},\n\nThanks for your application for the {role} position. We would like to\n"
        "invite you to a first interview on Tuesday 10 March at 14:00 (Teams, link to\n"
        "follow). Please confirm by Friday whether the time suits you.\n\nBest,\nIngrid Berg\n"
        "Talent Acquisition Partner, {company}\n",
    ),
    (
        "status_update",
        "Update on your application - {role}",
        "Hi {first},\n\nA quick update: we are still reviewing applications for the {role} role\n"
        "and expect to get back to you by the end of next week.\n\nThank you for your patience,\n"
        "Ingrid Berg\n{company}\n",
    ),
    (
        "application_received",
        "Søknad mottatt: {role}",
        "Hei {first},\n\nTakk for din søknad på stillingen som {role} hos {company}.\n"
        "Vi har mottatt søknaden din og vil gi deg svar innen utgangen av neste uke.\n\n"
        "Med vennlig hilsen\n{company}\n",
    ),
    (
        "interview_invitation",
        "Invitasjon til intervju - {role}",
        "Hei {first},\n\nTakk for søknaden din. Vi vil gjerne invitere deg til intervju for\n"
        "stillingen som {role} torsdag 12. mars kl. 10:00 hos oss. Gi oss beskjed innen\n"
        "mandag om tidspunktet passer.\n\nVennlig hilsen\nKari Lund\nHR-rådgiver, {company}\n",
    ),
    (
        "rejection",
        "Angående din søknad - {role}",
        "Hei {first},\n\nTakk for at du søkte stillingen som {role} hos {company}. Vi har hatt\n"
        "mange gode søkere, og vi har dessverre valgt å gå videre med andre kandidater.\n\n"
        "Lykke til videre!\n\nMed vennlig hilsen\n{company}\n",
    ),
]
ROLES = ["Backend Developer", "Data Engineer", "Product Manager", "Prosjektleder", "Rådgiver"]
COMPANIES = ["Acme AS", "Nordlys Data", "Fjord Systems", "Example Corp", "Bølge Tech"]
ATS_SENDERS = ["no-reply@teamtailor.com", "notifications@greenhouse.io", "noreply@webcruiter.no"]
CAREER_SUBJECTS = [
    "5 interview mistakes to avoid this {month}",
    "Hiring trends: who is recruiting in {month}",
    "Your career newsletter: negotiating an offer",
    "Job market update for {month}",
    "Webinar: how recruiters read your CV",
]
BOARD_SUBJECTS = [
    "{role}: 25 new jobs for you",
    "New jobs matching {role}",
    "Nye stillinger: {role}",
]
BOARDS = ["LinkedIn Job Alerts <jobalerts-noreply@linkedin.com>", "FINN jobb <agent@finn.no>"]

_ID_OR_DATE = re.compile(rb"^(?:message-id|date):[^\n]*\n(?:[ \t][^\n]*\n)*", re.I | re.M)


def load_corpus() -> tuple[list[tuple[str, bytes]], list[bytes]]:
    """(expected kind, bytes) of the corpus's hiring mail, and the bytes of its other mail."""
    jobs: list[tuple[str, bytes]] = []
    other: list[bytes] = []
    for eml in sorted(CORPUS.glob("*.eml")):
        kind = json.loads(eml.with_suffix(".json").read_text()).get("kind", "not_job")
        data = eml.read_bytes().replace(b"\r\n", b"\n")
        if kind == "not_job":
            other.append(data)
        else:
            jobs.append((kind, data))
    return jobs, other


def restamp(data: bytes, message_id: str, date: str) -> bytes:
    """A corpus message under a new Message-ID and Date (a missing Date stays missing)."""
    head, _, body = data.partition(b"\n\n")
    head += b"\n"
    had_date = re.search(rb"(?im)^date:", head) is not None
    fresh = f"Message-ID: {message_id}\n" + (f"Date: {date}\n" if had_date else "")
    return fresh.encode() + _ID_OR_DATE.sub(b"", head) + b"\n" + body


class Generator:
    """Deterministic message bytes (LF line endings, as Maildir stores them)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        self.paragraphs = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120))).capitalize() + ".\n"
            for _ in range(300)
        ]
        self.nb_paragraphs = [
            " ".join(rng.choice(NB_WORDS + WORDS) for _ in range(60)).capitalize() + ".\n"
            for _ in range(50)
        ]
        self.attachment = base64.encodebytes(rng.randbytes(150_000)).decode()
        self.corpus_jobs, self.corpus_other = load_corpus()

    def text(self, low: int, high: int, nb: bool = False) -> str:
        pool = self.nb_paragraphs if nb else self.paragraphs
        target = self.rng.randint(low, high)
        parts: list[str] = []
        size = 0
        while size < target:
            parts.append(self.rng.choice(pool))
            size += len(parts[-1])
        return "\n".join(parts)

    def message(self, n: int, when: datetime) -> tuple[bytes, str]:
        """(bytes, label): the label is a planted hiring kind ("job:<kind>") or a noise class."""
        rng = self.rng
        roll = rng.random()
        head = {
            "Date": format_datetime(when),
            "Message-ID": f"<bench-{n}@mail.example.com>",
            "To": "Kari Nordmann <kari@example.org>",
            "MIME-Version": "1.0",
        }
        if n % 125 == 7:
            if rng.random() < 0.5:
                kind, data = rng.choice(self.corpus_jobs)
                return restamp(data, head["Message-ID"], head["Date"]), f"job:{kind}"
            data, kind = self._job(head)
            return data, f"job:{kind}"
        if roll < 0.02:
            return self._jobish(n, head, when), "job-ish noise"
        if roll < 0.6:
            head["From"] = "Weekly News <news@letters.example.com>"
            head["Subject"] = f"This week: {rng.choice(WORDS)} {rng.choice(WORDS)} and more"
            head["List-Unsubscribe"] = "<https://letters.example.com/u>"
            big = rng.random() < 0.005
            return self._alternative(head, self.text(1500, 6000), attach=big), "newsletter"
        if roll < 0.9:
            head["From"] = "Service <no-reply@notify.example.com>"
            head["Subject"] = f"Your order #{n} has shipped"
            if rng.random() < 0.4:
                return self._html_only(head, self.text(1000, 6000)), "notification"
            return self._plain(head, self.text(500, 4000)), "notification"
        head["From"] = "Ola Hansen <ola@example.net>"
        head["Subject"] = "=?iso-8859-1?q?Middag_p=E5_l=F8rdag=3F?="
        if rng.random() < 0.5:
            body = self.text(300, 3000, nb=True).encode("latin-1", "replace").decode("latin-1")
            return self._plain(head, body, charset="iso-8859-1"), "personal"
        return self._plain(head, self.text(300, 3000)), "personal"

    def _job(self, head: dict[str, str]) -> tuple[bytes, str]:
        rng = self.rng
        kind, subject, text = rng.choice(JOB_TEMPLATES)
        company = rng.choice(COMPANIES)
        fields = {"role": rng.choice(ROLES), "company": company, "first": "Kari"}
        domain = re.sub(r"[^a-z]", "", company.split()[0].lower().replace("ø", "o")) + ".no"
        style = rng.random()
        head["Subject"] = subject.format(**fields)
        text = text.format(**fields)
        if style < 0.4:  # an applicant tracking system on the employer's behalf
            head["From"] = f"{company} via Teamtailor <{rng.choice(ATS_SENDERS)}>"
            head["Reply-To"] = f"{company} <jobs@{domain}>"
            head["Auto-Submitted"] = "auto-generated"
            return self._alternative(head, text, attach=False), kind
        if style < 0.8:  # a person at the employer, sometimes answering the application
            head["From"] = f"Ingrid Berg <ingrid.berg@{domain}>"
            if rng.random() < 0.5:
                head["In-Reply-To"] = f"<application-{rng.randrange(10**6)}@example.org>"
                text += "\n> Dear hiring team, please find my application attached.\n"
            return self._plain(head, text), kind
        head["From"] = "Adecco Norge <rekruttering@adecco.no>"
        return self._plain(head, text), kind

    def _jobish(self, n: int, head: dict[str, str], when: datetime) -> bytes:
        """Mail that looks like hiring mail to a header filter but is not a process."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.3:
            data = rng.choice(self.corpus_other)
            return restamp(data, head["Message-ID"], head["Date"])
        if roll < 0.65:
            head["From"] = "Career Digest <digest@careerdigest.example>"
            head["Subject"] = rng.choice(CAREER_SUBJECTS).format(month=when.strftime("%B"))
        else:
            head["From"] = rng.choice(BOARDS)
            head["Subject"] = rng.choice(BOARD_SUBJECTS).format(role=rng.choice(ROLES))
        head["List-Unsubscribe"] = f"<https://unsubscribe.example/{n}>"
        return self._alternative(head, self.text(2000, 8000), attach=False)

    def _head(self, head: dict[str, str]) -> str:
        """The header block, after the trace and signature lines real delivery adds."""
        return self._trace(head) + "".join(f"{name}: {value}\n" for name, value in head.items())

    def _trace(self, head: dict[str, str]) -> str:
        rng = self.rng
        sender = head["From"].rpartition("<")[2].rstrip(">")
        domain = sender.rpartition("@")[2]
        hops = [f"mx{rng.randint(1, 9)}.example.org", f"out{rng.randint(1, 99)}.{domain}"]
        lines = [f"Return-Path: <bounce-{rng.getrandbits(40):x}@{domain}>"]
        for by, source in zip(hops, hops[1:] + [f"app{rng.randint(1, 9)}.{domain}"], strict=True):
            ip = ".".join(str(rng.randint(1, 254)) for _ in range(4))
            lines.append(
                f"Received: from {source} ({source} [{ip}])\n\tby {by} with ESMTPS id "
                f"{rng.getrandbits(48):x}\n\tfor <kari@example.org>; {head['Date']}"
            )
        signature = base64.b64encode(rng.randbytes(192)).decode()
        body_hash = base64.b64encode(rng.randbytes(32)).decode()
        lines.append(
            f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s=s1;\n"
            f"\th=from:to:subject:date:message-id:mime-version; bh={body_hash};\n"
            + "".join(f"\t{signature[i : i + 72]}\n" for i in range(0, len(signature), 72)).rstrip()
        )
        lines.append(
            f"Authentication-Results: mx1.example.org; dkim=pass header.d={domain};\n"
            f"\tspf=pass smtp.mailfrom={domain}; dmarc=pass header.from={domain}"
        )
        return "\n".join(lines) + "\n"

    def _plain(self, head: dict[str, str], body: str, charset: str = "utf-8") -> bytes:
        head["Content-Type"] = f"text/plain; charset={charset}"
        head["Content-Transfer-Encoding"] = "8bit"
        return (self._head(head) + "\n" + body).encode(charset, "replace")

    def _html_only(self, head: dict[str, str], body: str) -> bytes:
        head["Content-Type"] = "text/html; charset=utf-8"
        html = "<html><body><p>" + body.replace("\n\n", "</p><p>") + "</p></body></html>\n"
        return (self._head(head) + "\n" + html).encode()

    def _alternative(self, head: dict[str, str], body: str, attach: bool) -> bytes:
        outer = "mixed" if attach else "alternative"
        head["Content-Type"] = f'multipart/{outer}; boundary="b1"'
        html = "<html><body><p>" + body.replace("\n\n", "</p><p>") + "</p></body></html>\n"
        parts = [
            "--b1\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            + body,
            "--b1\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            + html,
        ]
        if attach:
            parts.append(
                "--b1\nContent-Type: application/pdf; name=report.pdf\n"
                "Content-Transfer-Encoding: base64\n\n" + self.attachment
            )
        return (self._head(head) + "\n" + "\n".join(parts) + "--b1--\n").encode()


def fill_maildir(maildir: Path, count: int, seed: int) -> tuple[Counter[str], int]:
    """Write ``count`` messages into ``maildir/cur`` the way Dovecot names them.

    Returns the labels written (see :meth:`Generator.message`) and the total bytes.
    """
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    owner = None
    if os.geteuid() == 0:  # Dovecot refuses uid 0 for mail; the harness maps users to nobody
        owner = (pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid)
    generator = Generator(seed)
    start = START.timestamp()
    span = SPAN_DAYS * 86400
    labels: Counter[str] = Counter()
    total = 0
    for n in range(count):
        stamp = start + span * n / count
        data, label = generator.message(n, datetime.fromtimestamp(stamp, UTC))
        labels[label] += 1
        total += len(data)
        flags = "S" if generator.rng.random() < 0.7 else ""
        crlf_size = len(data) + data.count(b"\n")
        name = f"{int(stamp)}.M{n}P1.bench,S={len(data)},W={crlf_size}:2,{flags}"
        fd = os.open(maildir / "cur" / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
            os.utime(fd, (stamp, stamp))  # the received date Dovecot reports
            if owner:
                os.fchown(fd, *owner)
        finally:
            os.close(fd)
    if owner:
        for path in (maildir, maildir.parent, *(maildir / s for s in ("cur", "new", "tmp"))):
            os.chown(path, *owner)
    return labels, total


# -- (a) reading everything ------------------------------------------------------------


def raw_pass(server: Dovecot, user: MailUser, batch: int, items: list[bytes]) -> tuple[int, int]:
    """One imapclient pass over INBOX; returns (messages, payload bytes)."""
    client = IMAPClient(
        HOST, port=server.imaps_port, ssl=True, ssl_context=server.client_ssl_context(), timeout=60
    )
    client.login(user.name, user.password)
    client.select_folder("INBOX", readonly=True)
    uids = sorted(client.search(["ALL"]))
    messages = payload = 0
    for start in range(0, len(uids), batch):
        response = client.fetch(uids[start : start + batch], items)
        for item in response.values():
            messages += 1
            payload += sum(len(v) for k, v in item.items() if k.startswith(b"BODY["))
    client.logout()
    return messages, payload


def source_pass(server: Dovecot, user: MailUser) -> tuple[int, int]:
    with ImapSource(
        HOST, server.imaps_port, user.name, user.password, ca_file=server.ca_file, timeout=60
    ) as source:
        uids = source.uids_after("INBOX", 0)
        messages = payload = 0
        for fetched in source.fetch_headers("INBOX", uids):
            messages += 1
            payload += len(fetched.data)
    return messages, payload


# -- (b), (c) the product --------------------------------------------------------------


@dataclass(frozen=True)
class ScanRun:
    wall: float
    user: float
    system: float
    max_rss_mb: float
    summary: dict[str, Any]

    @property
    def cpu(self) -> float:
        return self.user + self.system


def write_config(workdir: Path, server: Dovecot, user: MailUser) -> Path:
    secret = workdir / "password"
    secret.write_text(user.password)
    secret.chmod(0o600)
    config = workdir / "config.toml"
    config.write_text(
        f"""state_dir = "{workdir / "state"}"
timezone = "Europe/Oslo"
languages = ["en", "nb"]

[[accounts]]
name = "bench"
host = "{HOST}"
port = {server.imaps_port}
security = "tls"
ca_file = "{server.ca_file}"
username = "{user.name}"
address = "kari@example.org"
display_name = "Kari Nordmann"
password_command = "cat {secret}"
timeout = 120
""",
        encoding="utf-8",
    )
    return config


def followup_scan(config: Path, log: Path, profile: Path | None = None) -> ScanRun:
    """``followup scan --json`` as a child process; its own wall time, CPU and peak RSS."""
    args = ["-m", "agent.cli", "scan", "--config", str(config), "--now", NOW, "--json"]
    if profile is not None:
        args = ["-m", "cProfile", "-o", str(profile), *args]
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # the tree this benchmark lives in
    with open(log, "ab") as err:
        t0 = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            env=env,
        )
        assert child.stdout is not None
        out = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - t0
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stdout.close()
    lines = out.decode().strip().splitlines()
    if not lines:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        raise SystemExit(f"followup scan printed nothing (exit {child.returncode}):\n{tail}")
    report = json.loads(lines[-1])
    if child.returncode != 0:
        print(f"  followup scan exited {child.returncode}: {report['accounts'][0].get('error')}")
    return ScanRun(
        wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024, report["accounts"][0]
    )


# -- the report ------------------------------------------------------------------------


def rate_line(label: str, seconds: float, messages: int, payload: int) -> None:
    rate = messages / seconds if seconds else 0.0
    mbps = payload / seconds / 1e6 if seconds else 0.0
    print(f"  {label:<40} {seconds:7.2f} s  {rate:9,.0f} msg/s  {mbps:6.1f} MB/s")


def scan_line(label: str, run: ScanRun) -> None:
    print(
        f"  {label:<40} {run.wall:7.2f} s wall  {run.cpu:6.2f} s CPU "
        f"(user {run.user:.2f}, sys {run.system:.2f})  peak RSS {run.max_rss_mb:,.0f} MB"
    )


# Where a scan's time goes: (label, file suffix, function, calling function or "").
PHASES = [
    ("whole process", "agent/cli.py", "main", ""),
    ("  Engine (rules, analyzer)", "agent/pipeline/engine.py", "built", ""),
    ("  run_pass", "agent/pipeline/passes.py", "run_pass", ""),
    ("    sync_folder", "agent/pipeline/ingest.py", "sync_folder", ""),
    ("      FETCH headers", "agent/sources/imap.py", "fetch_headers", ""),
    ("      parse headers", "agent/message.py", "parse_header", "_read_headers"),
    ("      known Message-IDs", "agent/store/mail.py", "known_message_ids", ""),
    ("      prefilter", "agent/analysis/__init__.py", "is_candidate", ""),
    ("      FETCH texts", "agent/sources/imap.py", "fetch_messages", ""),
    ("      parse texts", "agent/message.py", "parse_message", "read_text"),
    ("      analyze", "agent/analysis/__init__.py", "analyze", ""),
    ("      record passed over", "agent/store/mail.py", "record_passed_over", ""),
    ("      record job mail", "agent/store/mail.py", "record_message", ""),
    ("    processes kept", "agent/kept.py", "refresh", ""),
]


def print_profile(profile: Path, limit: int = 25) -> None:
    """Cumulative seconds per phase of the profiled scan, then its hottest functions."""
    stats = pstats.Stats(str(profile))
    table: dict[tuple[str, int, str], Any] = stats.stats  # type: ignore[attr-defined]
    print(f"\nprofile of the first scan ({profile}; cProfile inflates Python-heavy parts):")
    for label, suffix, name, caller in PHASES:
        seconds = calls = 0.0
        for (path, _, func), (_, ncalls, _, cumulative, callers) in table.items():
            if func != name or not path.endswith(suffix):
                continue
            if not caller:
                seconds, calls = seconds + cumulative, calls + ncalls
                continue
            for (_, _, caller_func), (_, ncalls_from, _, cumulative_from) in callers.items():
                if caller_func == caller:
                    seconds, calls = seconds + cumulative_from, calls + ncalls_from
        print(f"  {label:<30} {seconds:8.2f} s  {calls:9,.0f} calls")
    stats.sort_stats("tottime").print_stats(limit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1000, help="UIDs per raw FETCH")
    parser.add_argument("--passes", type=int, default=3, help="raw fetch passes (1st is cold)")
    parser.add_argument("--profile", type=Path, help="run the first scan under cProfile")
    parser.add_argument("--keep", action="store_true", help="leave the server directory behind")
    args = parser.parse_args()

    server = Dovecot().start()
    print(f"dovecot up in {server.start_seconds:.2f} s at {server.root}")
    workdir = Path(tempfile.mkdtemp(prefix="followup-bench-"))
    try:
        user = server.add_user("english", name="bulk")
        t0 = time.monotonic()
        labels, size = fill_maildir(server.maildir(user), args.count, args.seed)
        generated = time.monotonic() - t0
        planted = Counter({k[4:]: v for k, v in labels.items() if k.startswith("job:")})
        noise = ", ".join(f"{k} {v:,}" for k, v in sorted(labels.items()) if ":" not in k)
        print(
            f"generated {args.count:,} messages, {size / 1e6:.1f} MB in {generated:.1f} s: "
            f"{noise}, hiring mail {sum(planted.values()):,}"
        )
        t0 = time.monotonic()
        server.doveadm("force-resync", "-u", user.name, "INBOX")
        status = server.status(user, "INBOX")
        print(f"dovecot indexed {status['messages']:,} messages in {time.monotonic() - t0:.1f} s")

        head_and_text = [
            b"BODY.PEEK[HEADER]",
            b"BODY.PEEK[TEXT]<0.8192>",
            b"RFC822.SIZE",
            b"FLAGS",
            b"INTERNALDATE",
        ]
        print(f"(a) raw imapclient, headers + first 8 KB of text, {args.batch} UIDs per FETCH:")
        raw: list[float] = []
        for n in range(1, args.passes + 1):
            t0 = time.monotonic()
            messages, payload = raw_pass(server, user, args.batch, head_and_text)
            raw.append(time.monotonic() - t0)
            rate_line("cold cache" if n == 1 else f"pass {n}", raw[-1], messages, payload)
        t0 = time.monotonic()
        messages, payload = source_pass(server, user)
        rate_line("ImapSource.fetch_headers, all UIDs", time.monotonic() - t0, messages, payload)

        config = write_config(workdir, server, user)
        log = workdir / "scan.log"
        print(f"(b) followup scan from an empty state dir (--now {NOW}):")
        first = followup_scan(config, log, args.profile)
        scan_line("first scan" + (" (under cProfile)" if args.profile else ""), first)
        print("(c) followup scan again, nothing new:")
        second = followup_scan(config, log)
        scan_line("second scan", second)

        s = first.summary
        found = s["job_messages"]
        warm = min(raw[1:]) if len(raw) > 1 else raw[0]
        print("\nsummary")
        print(f"  messages                 {args.count:,} ({size / 1e6:.0f} MB)")
        print(f"  (a) raw fetch            {warm:.2f} s best warm pass, {raw[0]:.2f} s cold")
        print(f"  (b) followup scan        {first.wall:.2f} s wall, {first.cpu:.2f} s CPU")
        print(
            f"  b/a                      {first.wall / warm:.2f} against the best warm pass, "
            f"{first.wall / raw[0]:.2f} against the cold one (target <= 1.0)"
        )
        print(
            f"  seen / candidates        {s['messages_seen']:,} / {s['candidates']:,} "
            f"texts fetched, {s['analyzed']:,} analysed, {s['processes']} processes, "
            f"{len(s['drafts_created'])} drafts written"
        )
        kinds = sorted(set(found) | set(planted))
        print(f"  hiring mail planted      {sum(planted.values()):,}: " + _kinds(planted, kinds))
        print(
            f"  hiring mail found        {sum(found.values()):,}: " + _kinds(Counter(found), kinds)
        )
        if s["skipped"]:
            print(f"  skipped                  {s['skipped']}")
        print(
            f"  (c) second scan          {second.wall:.2f} s wall, {second.cpu:.2f} s CPU "
            f"(target <= 1 s), {second.summary['messages_seen']} messages seen"
        )
        print(
            f"  peak RSS                 {first.max_rss_mb:,.0f} MB first scan, "
            f"{second.max_rss_mb:,.0f} MB second"
        )
        if first.summary["error"] or second.summary["error"]:
            print(
                f"  errors                   {first.summary['error']} / {second.summary['error']}"
            )
        if args.profile:
            print_profile(args.profile)
    finally:
        server.stop()
        problems = server.log_problems()
        if not args.keep:
            server.remove()
            for path in sorted(workdir.rglob("*"), reverse=True):
                path.rmdir() if path.is_dir() else path.unlink()
            workdir.rmdir()
        else:
            print(f"kept {server.root} and {workdir}")
    if problems:
        print("dovecot logged errors:\n" + "\n".join(problems))
        sys.exit(1)


def _kinds(counts: Counter[str], order: list[str]) -> str:
    return ", ".join(f"{k} {counts.get(k, 0)}" for k in order)


if __name__ == "__main__":
    main()
