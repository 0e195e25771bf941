"""A state directory holding a long job search: N hiring processes, M messages.

    .venv/bin/python bench/state.py DIR --processes 1000 --messages 3000

Writes ``DIR/config.toml`` (one Maildir account, the Maildir empty: every message
is already in the state database, as after a year of scans) and ``DIR/state/``,
filled through the store's own API, so it is the state a scan would have left:
job mail of every kind in English and Norwegian (applications sent, receipts with
promises, interview invitations, status updates, assessments, references, offers,
rejections), threads and ATS mail, a few processes the user added or corrected, a
competing offer, and drafts in every state. Deterministic for a seed.

``build_state`` is what ``bench/review.py`` uses.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.analysis.types import Evidence  # noqa: E402
from agent.records import (  # noqa: E402
    DRAFT_APPENDED,
    DRAFT_CANCELLED,
    DRAFT_SENT,
    DRAFT_USER_DELETED,
    DRAFT_USER_EDITED,
    INBOUND,
    OUTBOUND,
    CompetingOffer,
    DraftRecord,
    ManualProcess,
    ProcessOverride,
    TrackedMessage,
)
from agent.store import Store  # noqa: E402

OSLO = ZoneInfo("Europe/Oslo")
ME = "kari.nordmann@example.org"
ACCOUNT = "main"
NOW = datetime(2026, 12, 7, 9, 30, tzinfo=OSLO)  # the morning the review commands run
SPAN_DAYS = 365
ROLES = (
    "Backend Developer",
    "Data Engineer",
    "Product Manager",
    "Prosjektleder",
    "Rådgiver",
    "UX Designer",
    "Site Reliability Engineer",
    "Controller",
)
ATS = ("teamtailor.com", "greenhouse.io", "webcruiter.no", "jobylon.com")
SYLLABLES = ("nord", "lys", "fjord", "berg", "vik", "dal", "sol", "havn", "stein", "skog")
FIRST = ("Ingrid", "Ola", "Per", "Sara", "Emma", "Jonas", "Priya", "Lars", "Nina", "Tor")


@dataclass(frozen=True)
class StateInfo:
    config: Path
    db_path: Path
    processes: int
    messages: int
    drafts: int
    process_ids: tuple[str, ...]  # the first message's id of each generated process


def _company(n: int) -> tuple[str, str]:
    """A distinct employer name and its mail domain for process ``n``."""
    a, b, c = SYLLABLES[n % 10], SYLLABLES[(n // 10) % 10], SYLLABLES[(n // 100) % 10]
    stem = f"{a}{b}{c}{n // 1000 or ''}"
    return f"{stem.capitalize()} AS", f"{stem}.no"


class _Writer:
    def __init__(self, rng: random.Random, store: Store) -> None:
        self.rng = rng
        self.store = store
        self.count = 0

    def add(self, tm: TrackedMessage) -> None:
        self.store.record_message(tm, folder="INBOX" if tm.direction == INBOUND else "Sent",
                                  uid=None, uidvalidity=None, first_seen_at=tm.date)  # fmt: skip
        self.count += 1


def _message(
    n: int,
    seq: int,
    when: datetime,
    kind: str,
    *,
    company: str,
    domain: str,
    role: str,
    thread: list[str],
    outbound: bool = False,
    ats: str | None = None,
    promised_by: date | None = None,
    interview_at: datetime | None = None,
    language: str = "en",
    person: str = "Ingrid Berg",
) -> TrackedMessage:
    mid = f"<p{n}.m{seq}@{'example.org' if outbound else domain}>"
    evidence: tuple[Evidence, ...] = ()
    if promised_by is not None:
        evidence = (
            Evidence(
                sentence="We will get back to you within two weeks.",
                phrase="within two weeks",
                resolved=promised_by,
            ),
        )
    if outbound:
        return TrackedMessage(
            message_id=mid, account=ACCOUNT, direction=OUTBOUND, folder_role="sent",
            date=when, subject=f"Application: {role}", from_name="Kari Nordmann",
            from_addr=ME, to=(f"jobs@{domain}",), to_names=(company,),
            in_reply_to=thread[-1] if thread else None, references=tuple(thread),
            language=language, kind=kind, confidence=1.0, company=company, role=role,
        )  # fmt: skip
    sender = f"no-reply@{ats}" if ats else f"{person.split()[0].lower()}@{domain}"
    return TrackedMessage(
        message_id=mid, account=ACCOUNT, direction=INBOUND, folder_role="inbox", date=when,
        subject=("Re: " if thread else "") + f"Your application for {role}",
        from_name=f"{company} via {ats.split('.')[0].capitalize()}" if ats else person,
        from_addr=sender, reply_to=(f"{person.split()[0].lower()}@{domain}",) if ats else (),
        to=(ME,), to_names=("Kari Nordmann",), in_reply_to=thread[-1] if thread else None,
        references=tuple(thread), language=language, kind=kind, confidence=0.9,
        promised_by=promised_by, interview_at=interview_at, company=company, role=role,
        ats=ats.split(".")[0] if ats else None, contact_name=person,
        evidence=evidence, after_interview=kind in ("rejection", "offer") and interview_at is None,
        contact_phone="+47 912 34 567" if n % 7 == 0 else None,
    )  # fmt: skip


# The story of a process: the kinds of its inbound mail after the application.
STORIES = (
    ("application_received",),
    ("application_received", "rejection"),
    ("application_received", "interview_invitation"),
    ("application_received", "interview_invitation", "status_update"),
    ("application_received", "interview_invitation", "rejection"),
    ("application_received", "interview_invitation", "offer"),
    ("application_received", "assessment_request", "interview_invitation"),
    ("application_received", "interview_invitation", "reference_request"),
    ("status_update",),
)


def build_state(
    root: Path, *, processes: int, messages: int | None = None, seed: int = 1
) -> StateInfo:
    """Fill ``root`` with a config and a state database (see the module doc)."""
    rng = random.Random(seed)
    target = messages if messages is not None else 3 * processes
    root.mkdir(parents=True, exist_ok=True)
    mail = root / "mail"
    for folder in ("", ".Sent", ".Drafts"):
        for sub in ("cur", "new", "tmp"):
            (mail / folder / sub).mkdir(parents=True, exist_ok=True)
    config = root / "config.toml"
    config.write_text(
        f'state_dir = "{root / "state"}"\ntimezone = "Europe/Oslo"\ncountry = "NO"\n'
        'languages = ["en", "nb"]\n\n[[accounts]]\n'
        f'name = "{ACCOUNT}"\naddress = "{ME}"\ndisplay_name = "Kari Nordmann"\n'
        f'maildir = "{mail}"\n',
        encoding="utf-8",
    )
    from agent.config import load_config

    db_path = load_config(config).db_path
    start = NOW - timedelta(days=SPAN_DAYS)
    ids: list[str] = []
    drafts = 0
    with Store.open(db_path) as store, store.transaction():
        writer = _Writer(rng, store)
        for n in range(processes):
            company, domain = _company(n)
            role = rng.choice(ROLES)
            language = "nb" if n % 3 == 0 else "en"
            ats = rng.choice(ATS) if n % 4 == 0 else None
            person = f"{rng.choice(FIRST)} Berg"
            # Spread over the year; the last tenth is recent, where things are still moving.
            offset = SPAN_DAYS * (n / processes) if n % 10 else SPAN_DAYS - rng.uniform(0, 30)
            when = start + timedelta(days=offset, hours=rng.randint(0, 8))
            left = max(1, round((target - writer.count) / (processes - n)))
            story = STORIES[n % len(STORIES)]
            thread: list[str] = []
            seq = 0
            sent = _message(n, seq, when, "outbound", company=company, domain=domain, role=role,
                            thread=thread, outbound=True, language=language)  # fmt: skip
            writer.add(sent)
            ids.append(sent.message_id)
            thread.append(sent.message_id)
            kinds = list(story)
            while len(kinds) + 1 < left:  # longer stories: more status updates
                kinds.insert(-1 if len(kinds) > 1 else len(kinds), "status_update")
            for kind in kinds[: max(0, left - 1)]:
                seq += 1
                when += timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 6))
                promise = None
                if kind in ("application_received", "status_update") and rng.random() < 0.6:
                    promise = (when + timedelta(days=14)).astimezone(OSLO).date()
                interview = None
                if kind == "interview_invitation":
                    interview = (when + timedelta(days=rng.randint(2, 9))).replace(
                        hour=10, minute=0, second=0, microsecond=0
                    )
                tm = _message(n, seq, when, kind, company=company, domain=domain, role=role,
                              thread=thread if rng.random() < 0.7 else [], ats=ats,
                              promised_by=promise, interview_at=interview, language=language,
                              person=person)  # fmt: skip
                writer.add(tm)
                thread.append(tm.message_id)
            drafts += _drafts(store, rng, n, thread, when, language)
        _corrections(store, rng, ids, processes)
        count = writer.count
    return StateInfo(config, db_path, processes, count, drafts, tuple(ids))


def _drafts(
    store: Store, rng: random.Random, n: int, thread: list[str], when: datetime, language: str
) -> int:
    """Some processes have drafts in various states: sent, deleted, cancelled, edited, open."""
    if n % 5:
        return 0
    from agent.tracker import short_hash

    state = (DRAFT_SENT, DRAFT_USER_DELETED, DRAFT_CANCELLED, DRAFT_USER_EDITED, DRAFT_APPENDED)[
        (n // 5) % 5
    ]
    created = when + timedelta(days=rng.randint(1, 5))
    if created > NOW:
        created = NOW - timedelta(hours=1)
    fid = short_hash(f"bench-draft\0{n}", 16)
    store.put_draft(
        DraftRecord(
            followup_id=fid, account=ACCOUNT, process_id=short_hash(f"<p{n}.m0@example.org>"),
            action="followup_after_promise", state=state, due_at=created,
            message_id=f"<followup.{fid}@example.org>", language=language,
            subject="Re: Your application", to="jobs@example.no", body="Hello,\n",
            in_reply_to=thread[-1], folder="Drafts", uid=n + 1, created_at=created,
            updated_at=created,
        )
    )  # fmt: skip
    return 1


def _corrections(store: Store, rng: random.Random, ids: list[str], processes: int) -> None:
    """What the user told the agent: closings, snoozes, edits, processes added by hand, an offer."""
    from agent.tracker import short_hash

    for n in range(3, processes, 37):
        pid = short_hash(ids[n])
        kind = (n // 37) % 3
        store.put_override(
            ProcessOverride(
                process_id=pid,
                closed_reason="withdrawn" if kind == 0 else None,
                snoozed_until=(NOW + timedelta(days=10)).date() if kind == 1 else None,
                promised_by=(NOW - timedelta(days=2)).date() if kind == 2 else None,
                updated_at=NOW - timedelta(days=20),
            )
        )
    for n in range(max(1, processes // 100)):
        created = NOW - timedelta(days=rng.randint(1, 200))
        store.add_manual_process(
            ManualProcess(
                process_id=short_hash(f"manual\0bench\0{n}"),
                company=f"Telefon{n} AS",
                created_at=created,
                role="Konsulent",
                contact=f"hr@telefon{n}.no",
                interview_at=created + timedelta(days=3),
                language="nb",
            )
        )
    store.add_offer(
        CompetingOffer(
            created_at=NOW - timedelta(days=40), deadline=(NOW - timedelta(days=30)).date()
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--processes", type=int, default=1000)
    parser.add_argument("--messages", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    t0 = datetime.now(UTC)
    info = build_state(args.directory, processes=args.processes, messages=args.messages,
                       seed=args.seed)  # fmt: skip
    took = (datetime.now(UTC) - t0).total_seconds()
    print(
        f"{info.processes:,} processes, {info.messages:,} messages, {info.drafts:,} drafts "
        f"in {info.db_path} ({took:.1f} s); config {info.config}"
    )


if __name__ == "__main__":
    main()
