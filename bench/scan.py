"""Scan benchmark: a private Dovecot with a large, varied mailbox.

    .venv/bin/python bench/scan.py                 # 50,000 messages
    .venv/bin/python bench/scan.py --count 5000 --keep

1. Starts a private Dovecot (tests/dovecot.py) and writes N messages straight
   into a user's Maildir (correct ``S=``/``W=`` sizes, owned by the mail uid),
   then lets Dovecot index them (``doveadm force-resync``).
2. Times raw imapclient passes over every message: headers plus the first
   8 KB of the text, in UID batches, over IMAPS - the first with Dovecot's
   cache cold. This is the ceiling a Python scanner can reach here.
3. Times the source layer (``ImapSource.fetch_headers`` over all UIDs).
4. Leaves a marked slot for timing the product's ``followup scan``.

The mix is deterministic for a seed: newsletters, notifications, personal
mail, a few hundred hiring-process mails in English and Norwegian, text,
HTML-only and multipart/alternative, some latin-1 and base64 parts, and a
few large messages.
"""

from __future__ import annotations

import argparse
import base64
import grp
import os
import pwd
import random
import sys
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from dovecot import HOST, Dovecot, MailUser  # noqa: E402
from imapclient import IMAPClient  # noqa: E402

from agent.sources.imap import ImapSource  # noqa: E402

WORDS = (
    "the we you your our team week offer update news product price order account "
    "team meeting thanks regards please new today free read more click here sale "
    "delivery shipped review invoice event register join community article"
).split()
NB_WORDS = "vi du deg oss takk hilsen uke tilbud nytt les mer her salg faktura".split()

JOB_MAILS = [
    (
        "en",
        "Application received: {role}",
        "Thank you for applying for the {role} position at {company}.\n"
        "We review every application and will get back to you within two weeks.\n",
    ),
    (
        "en",
        "Your application for {role}",
        "Thank you for your interest in {company}. After careful consideration we have\n"
        "decided to move forward with other candidates for the {role} role.\n",
    ),
    (
        "en",
        "Interview invitation - {role}",
        "We would like to invite you to an interview for the {role} position on\n"
        "Tuesday 10 March at 14:00. Please confirm by Friday.\n",
    ),
    (
        "nb",
        "Søknad mottatt: {role}",
        "Takk for din søknad på stillingen som {role} hos {company}.\n"
        "Vi gir deg svar innen utgangen av neste uke.\n",
    ),
    (
        "nb",
        "Invitasjon til intervju - {role}",
        "Vi vil gjerne invitere deg til intervju for stillingen som {role}\n"
        "torsdag 12. mars kl. 10:00. Gi oss beskjed innen mandag.\n",
    ),
    (
        "en",
        "Opportunity at {company}",
        "Hi, I'm a recruiter at {company}. Your profile looks like a great fit for a\n"
        "{role} role. Would you have time for a short call next week?\n",
    ),
]
ROLES = ["Backend Developer", "Data Engineer", "Product Manager", "Prosjektleder", "Rådgiver"]
COMPANIES = ["Acme AS", "Nordlys Data", "Fjord Systems", "Example Corp", "Bølge Tech"]


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
        rng = self.rng
        roll = rng.random()
        if n % 125 == 7:
            kind = "job"
        elif roll < 0.6:
            kind = "newsletter"
        elif roll < 0.9:
            kind = "notification"
        else:
            kind = "personal"
        head = {
            "Date": format_datetime(when),
            "Message-ID": f"<bench-{n}@{kind}.example.com>",
            "To": "Kari Nordmann <kari@example.org>",
            "MIME-Version": "1.0",
        }
        if kind == "job":
            lang, subject, body = rng.choice(JOB_MAILS)
            fields = {"role": rng.choice(ROLES), "company": rng.choice(COMPANIES)}
            head["From"] = f"Recruiting <jobs@{fields['company'].split()[0].lower()}.example>"
            head["Subject"] = subject.format(**fields)
            if rng.random() < 0.3:
                head["In-Reply-To"] = f"<application-{n - 1}@example.org>"
            return self._plain(head, body.format(**fields)), kind
        if kind == "personal":
            head["From"] = "Ola Hansen <ola@example.net>"
            head["Subject"] = "=?iso-8859-1?q?Middag_p=E5_l=F8rdag=3F?="
            if rng.random() < 0.5:
                body = self.text(300, 3000, nb=True)
                encoded = body.encode("latin-1", "replace")
                return self._plain(head, encoded.decode("latin-1"), charset="iso-8859-1"), kind
            return self._plain(head, self.text(300, 3000)), kind
        if kind == "notification":
            head["From"] = "Service <no-reply@notify.example.com>"
            head["Subject"] = f"Your order #{n} has shipped"
            if rng.random() < 0.4:
                return self._html_only(head, self.text(1000, 6000)), kind
            return self._plain(head, self.text(500, 4000)), kind
        head["From"] = "Weekly News <news@letters.example.com>"
        head["Subject"] = f"This week: {rng.choice(WORDS)} {rng.choice(WORDS)} and more"
        head["List-Unsubscribe"] = "<https://letters.example.com/u>"
        big = rng.random() < 0.005
        return self._alternative(head, self.text(1500, 6000), attach=big), kind

    @staticmethod
    def _head(head: dict[str, str]) -> str:
        return "".join(f"{name}: {value}\n" for name, value in head.items())

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
            "--b1\nContent-Type: text/plain; charset=utf-8\n\n" + body,
            "--b1\nContent-Type: text/html; charset=utf-8\n\n" + html,
        ]
        if attach:
            parts.append(
                "--b1\nContent-Type: application/pdf; name=report.pdf\n"
                "Content-Transfer-Encoding: base64\n\n" + self.attachment
            )
        return (self._head(head) + "\n" + "\n".join(parts) + "--b1--\n").encode()


def fill_maildir(maildir: Path, count: int, seed: int) -> dict[str, int]:
    """Write ``count`` messages into ``maildir/cur`` the way Dovecot names them."""
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    owner = None
    if os.geteuid() == 0:  # Dovecot refuses uid 0 for mail; the harness maps users to nobody
        owner = (pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid)
    generator = Generator(seed)
    start = datetime(2024, 3, 1, tzinfo=UTC).timestamp()
    span = 730 * 86400
    kinds: dict[str, int] = {}
    total = 0
    for n in range(count):
        stamp = start + span * n / count
        data, kind = generator.message(n, datetime.fromtimestamp(stamp, UTC))
        kinds[kind] = kinds.get(kind, 0) + 1
        total += len(data)
        flags = "S" if generator.rng.random() < 0.7 else ""
        crlf_size = len(data) + data.count(b"\n")
        name = f"{int(stamp)}.M{n}P1.bench,S={len(data)},W={crlf_size}:2,{flags}"
        path = maildir / "cur" / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
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
    kinds["bytes"] = total
    return kinds


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


# ---------------------------------------------------------------------------
# PRODUCT SCAN - wire `followup scan` in here.
# Given the running server and the bulk user, run the product's full scan of
# INBOX (account pointing at HOST:server.imaps_port with ca_file=server.ca_file)
# and return (messages seen, seconds). Returning None prints "not wired".
# ---------------------------------------------------------------------------
def product_scan(server: Dovecot, user: MailUser) -> tuple[int, float] | None:
    return None


def report(label: str, seconds: float, messages: int, payload: int) -> None:
    rate = messages / seconds if seconds else 0.0
    print(
        f"  {label:<44} {seconds:7.2f} s  {rate:9,.0f} msg/s  "
        f"{payload / seconds / 1e6 if seconds else 0:7.1f} MB/s  ({messages:,} msgs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1000, help="UIDs per FETCH")
    parser.add_argument("--passes", type=int, default=3, help="raw fetch passes (1st is cold)")
    parser.add_argument("--keep", action="store_true", help="leave the server directory behind")
    args = parser.parse_args()

    server = Dovecot().start()
    print(f"dovecot up in {server.start_seconds:.2f} s at {server.root}")
    try:
        user = server.add_user("bare", name="bulk")
        maildir = server.maildir(user)

        t0 = time.monotonic()
        kinds = fill_maildir(maildir, args.count, args.seed)
        generated = time.monotonic() - t0
        mix = ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items()) if k != "bytes")
        print(
            f"generated {args.count:,} messages, {kinds['bytes'] / 1e6:.1f} MB "
            f"in {generated:.1f} s ({args.count / generated:,.0f} msg/s): {mix}"
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
        print(f"fetch over IMAPS, {args.batch} UIDs per FETCH:")
        for n in range(1, args.passes + 1):
            t0 = time.monotonic()
            messages, payload = raw_pass(server, user, args.batch, head_and_text)
            label = "cold" if n == 1 else f"pass {n}"
            report(f"raw imapclient headers+8KB, {label}", time.monotonic() - t0, messages, payload)
        t0 = time.monotonic()
        messages, payload = source_pass(server, user)
        report("ImapSource.fetch_headers, all UIDs", time.monotonic() - t0, messages, payload)

        scanned = product_scan(server, user)
        if scanned is None:
            print("  followup scan                                not wired yet")
        else:
            report("followup scan", scanned[1], scanned[0], 0)
    finally:
        server.stop()
        problems = server.log_problems()
        if not args.keep:
            server.remove()
    if problems:
        print("dovecot logged errors:\n" + "\n".join(problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
