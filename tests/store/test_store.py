"""The state database against real SQLite files, real child processes and real kills."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from agent.analysis.types import Evidence
from agent.errors import AlreadyRunningError, StateError
from agent.records import (
    DRAFT_APPENDED,
    DRAFT_CANCELLED,
    DRAFT_INTENT,
    DRAFT_USER_EDITED,
    CompetingOffer,
    DraftRecord,
    ManualProcess,
    ProcessOverride,
    TrackedMessage,
)
from agent.redaction import register_secret
from agent.store import Store

OSLO = timezone(timedelta(hours=1))
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=OSLO)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "followup.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = Store.open(db_path)
    yield s
    s.close()


def message(n: int, **changes: object) -> TrackedMessage:
    values: dict[str, object] = {
        "message_id": f"<m{n}@acme.example>",
        "account": "work",
        "direction": "inbound",
        "folder_role": "inbox",
        "date": T0 + timedelta(hours=n),
        "subject": f"Your application {n}",
        "kind": "status_update",
    }
    values.update(changes)
    return TrackedMessage(**values)  # type: ignore[arg-type]


def draft(n: int, **changes: object) -> DraftRecord:
    values: dict[str, object] = {
        "followup_id": f"fu-{n}",
        "account": "work",
        "process_id": "p-acme",
        "action": "followup_after_promise",
        "state": DRAFT_INTENT,
        "due_at": T0 + timedelta(days=3),
        "message_id": f"<fu-{n}@followup.local>",
        "created_at": T0,
    }
    values.update(changes)
    return DraftRecord(**values)  # type: ignore[arg-type]


def child(code: str, *args: str) -> subprocess.Popen[str]:
    """A Python child that prints 'ready' once it holds what the test needs."""
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        raise AssertionError(f"child failed: {line} {proc.stderr.read() if proc.stderr else ''}")
    return proc


def finish(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(timeout=30)


# --------------------------------------------------------------------------
# opening, migrations, files


def test_migrations_run_once_and_are_recorded(db_path: Path) -> None:
    with Store.open(db_path) as first:
        applied = first.migrations()
    from agent.store.schema import MIGRATIONS

    assert [name for name, _ in applied] == [m.name for m in MIGRATIONS]
    assert [name for name, _ in applied][:2] == ["0001_initial", "0002_thin_not_job"]
    assert applied[0][1].tzinfo is not None
    with Store.open(db_path) as again:
        assert again.migrations() == applied  # not reapplied
        assert again.integrity_ok()
    conn = sqlite3.connect(db_path)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"migrations", "folders", "messages", "drafts", "draft_log", "overrides", "manual_processes", "offers",
            "runs", "meta", "process_snapshot", "reflections"} <= tables  # fmt: skip
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_mail_that_is_not_about_a_job_keeps_only_its_place(db_path: Path) -> None:
    # A database from before 0002 kept senders and recipients of every message.
    with Store.open(db_path) as store:
        for n, kind, direction in ((1, "not_job", "inbound"), (2, "not_job", "outbound"),
                                   (3, "application_received", "inbound")):  # fmt: skip
            msg = message(n, kind=kind, direction=direction, to=("kari@example.org",),
                          references=("<r@x>",), from_addr="a@b.example")  # fmt: skip
            store.record_message(msg, folder="INBOX", uid=n, uidvalidity=7, first_seen_at=T0)
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM migrations WHERE name = '0002_thin_not_job'")
    conn.commit()
    conn.close()

    with Store.open(db_path) as store:
        assert sorted(store.migrations(), key=lambda m: m[1])[-1][0] == "0002_thin_not_job"
        assert store.known_message_ids("work", ["<m1@acme.example>", "<m3@acme.example>"]) == {
            "<m1@acme.example>", "<m3@acme.example>"}  # fmt: skip
        assert store.own_subjects("work") == {"your application 2"}
        assert [m.message_id for m in store.tracked_messages("work")] == ["<m3@acme.example>"]
        job = store.tracked_messages("work")[0]
        assert job.to == ("kari@example.org",) and job.references == ("<r@x>",)
    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        "SELECT message_id, subject, from_addr, to_json, references_json, folder, uid "
        "FROM messages WHERE kind = 'not_job' ORDER BY message_id"
    ).fetchall()
    conn.close()
    assert rows == [
        ("<m1@acme.example>", None, None, None, None, "INBOX", 1),
        ("<m2@acme.example>", "Your application 2", None, None, None, "INBOX", 2),
    ]


def test_a_database_from_a_newer_version_is_refused(db_path: Path) -> None:
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO migrations VALUES ('0999_future', '2030-01-01T00:00:00+00:00')")
    conn.commit()
    conn.close()
    with pytest.raises(StateError, match="newer followup"):
        Store.open(db_path)


def test_a_file_that_is_not_a_database_gives_a_state_error(db_path: Path) -> None:
    db_path.parent.mkdir(mode=0o700)
    db_path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StateError, match="damaged"):
        Store.open(db_path)


def test_files_are_private_even_under_umask_022(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        shared = tmp_path / "shared"
        shared.mkdir(mode=0o755)
        os.chmod(shared, 0o755)
        for directory in (tmp_path / "fresh" / "deeper", shared):
            path = directory / "followup.db"
            with Store.open(path) as s:
                s.set_meta("k", "v")
                assert stat.S_IMODE(directory.stat().st_mode) == 0o700
                for suffix in ("", "-wal", "-shm"):
                    sidecar = path.with_name(path.name + suffix)
                    assert sidecar.exists(), suffix
                    assert stat.S_IMODE(sidecar.stat().st_mode) == 0o600, suffix
                s.acquire_writer_lock()
                assert stat.S_IMODE(s.lock_path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


# --------------------------------------------------------------------------
# single writer, bounded waits (T5)

HOLD_LOCK = """
import sys
from agent.store import Store
s = Store.open(sys.argv[1])
s.acquire_writer_lock()
print("ready", flush=True)
sys.stdin.read()
"""

HOLD_WRITE_TRANSACTION = """
import sys
from agent.store import Store
s = Store.open(sys.argv[1])
with s.transaction():
    s.set_meta("holder", "child")
    print("ready", flush=True)
    sys.stdin.read()
"""


def test_second_writer_is_refused_with_the_holders_pid(db_path: Path) -> None:
    Store.open(db_path).close()
    proc = child(HOLD_LOCK, str(db_path))
    try:
        with Store.open(db_path) as mine:
            with pytest.raises(
                AlreadyRunningError,
                match=rf"another followup scan or daemon is running \(pid {proc.pid}\)",
            ):
                mine.acquire_writer_lock()
            started = time.monotonic()
            with pytest.raises(AlreadyRunningError):
                mine.acquire_writer_lock(wait=0.3)
            assert 0.25 < time.monotonic() - started < 2
            assert not mine.holds_writer_lock
            finish(proc)
            mine.acquire_writer_lock()  # the lock died with its holder
            assert mine.holds_writer_lock
            assert mine.lock_path.read_text().strip() == str(os.getpid())
    finally:
        proc.kill()
        proc.wait()


def test_killed_holder_releases_the_lock(db_path: Path) -> None:
    Store.open(db_path).close()
    proc = child(HOLD_LOCK, str(db_path))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Store.open(db_path) as mine:
        mine.acquire_writer_lock(wait=1)
        assert mine.holds_writer_lock


def test_reader_is_not_blocked_and_a_second_writer_waits_only_briefly(db_path: Path) -> None:
    Store.open(db_path).close()
    proc = child(HOLD_WRITE_TRANSACTION, str(db_path))
    try:
        started = time.monotonic()
        with Store.open(db_path, timeout=0.3) as cli:
            assert cli.get_meta("holder") is None  # readers see the last commit, at once
            assert cli.drafts() == []
            assert time.monotonic() - started < 1
            started = time.monotonic()
            with pytest.raises(
                StateError, match="busy: another followup process is writing"
            ) as info:
                cli.set_meta("x", "y")
            assert 0.25 < time.monotonic() - started < 3
            assert info.value.hint
        finish(proc)
        with Store.open(db_path) as after:
            assert after.get_meta("holder") == "child"
    finally:
        proc.kill()
        proc.wait()


# --------------------------------------------------------------------------
# transactions


def test_checkpoint_and_messages_commit_together(store: Store) -> None:
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.record_message(
                message(1), folder="INBOX", uid=10, uidvalidity=7, first_seen_at=T0
            )
            store.set_folder_checkpoint("work", "INBOX", 7, 10)
            raise RuntimeError("crash before commit")
    assert not store.has_message("work", "<m1@acme.example>")
    assert store.folder_checkpoint("work", "INBOX") is None
    with store.transaction():
        store.record_message(message(1), folder="INBOX", uid=10, uidvalidity=7, first_seen_at=T0)
        store.set_folder_checkpoint("work", "INBOX", 7, 10)
    assert store.has_message("work", "<m1@acme.example>")
    assert store.folder_checkpoint("work", "INBOX") == (7, 10)


def test_nested_transactions_are_savepoints(store: Store) -> None:
    with store.transaction():
        store.set_meta("outer", "1")
        with pytest.raises(ValueError):
            with store.transaction():
                store.set_meta("inner", "1")
                raise ValueError
        assert store.in_transaction
    assert store.get_meta("outer") == "1" and store.get_meta("inner") is None
    assert not store.in_transaction


def test_reset_folder_keeps_messages(store: Store) -> None:
    store.record_message(message(1), folder="INBOX", uid=10, uidvalidity=7, first_seen_at=T0)
    store.set_folder_checkpoint("work", "INBOX", 7, 10)
    store.reset_folder("work", "INBOX", 8)
    assert store.folder_checkpoint("work", "INBOX") == (8, 0)
    assert store.has_message("work", "<m1@acme.example>")
    store.update_message_location("work", "<m1@acme.example>", "INBOX", 3, 8)
    assert store.message_location("work", "<m1@acme.example>") == ("INBOX", 3, 8)
    assert [c["last_uid"] for c in store.folder_checkpoints("work")] == [0]


# --------------------------------------------------------------------------
# records


def test_tracked_message_round_trip(store: Store) -> None:
    full = message(
        1,
        from_name="Kari Hansen",
        from_addr="kari@acme.example",
        reply_to=("jobs@acme.example",),
        to=("ingrid@example.no", "other@example.no"),
        to_names=("Ingrid", ""),
        in_reply_to="<mine@example.no>",
        references=("<a@x>", "<mine@example.no>"),
        language="nb",
        kind="interview_invitation",
        confidence=0.93,
        promised_by=date(2026, 3, 13),
        interview_at=datetime(2026, 3, 5, 10, 0, tzinfo=OSLO),
        company="Acme AS",
        role="Utvikler",
        ats="teamtailor",
        agency=None,
        contact_name="Kari",
        evidence=(Evidence("Vi gir deg svar innen to uker.", "innen to uker", date(2026, 3, 16)),),
        followup_id=None,
    )
    store.record_message(full, folder="INBOX", uid=5, uidvalidity=1, first_seen_at=T0)
    (back,) = store.tracked_messages("work")
    assert back == full  # aware datetimes compare as instants
    assert back.date.tzinfo is not None and back.date.utcoffset() == timedelta(0)
    assert back.thread_ids == ("<mine@example.no>", "<a@x>")


def test_not_job_and_skips_are_remembered_but_not_tracked(store: Store) -> None:
    store.record_message(
        message(1, kind="not_job"), folder="INBOX", uid=1, uidvalidity=1, first_seen_at=T0
    )
    store.record_message(message(2), folder="INBOX", uid=2, uidvalidity=1, first_seen_at=T0)
    store.record_skip(
        "work", "<bad@x>", folder="INBOX", uid=3, uidvalidity=1, reason="unterminated multipart", date=None,
        first_seen_at=T0 + timedelta(minutes=1),
    )  # fmt: skip
    assert [m.message_id for m in store.tracked_messages()] == ["<m2@acme.example>"]
    assert len(store.tracked_messages(job_only=False)) == 2
    assert store.known_message_ids("work", ["<m1@acme.example>", "<bad@x>", "<new@x>"]) == {
        "<m1@acme.example>",
        "<bad@x>",
    }
    (skip,) = store.skipped()
    assert (skip["message_id"], skip["reason"], skip["uid"], skip["date"]) == (
        "<bad@x>",
        "unterminated multipart",
        3,
        None,
    )
    assert store.message_counts("work") == {"not_job": 1, "status_update": 1, "skipped": 1}


def test_a_skip_never_overwrites_an_analysed_message(store: Store) -> None:
    store.record_message(message(1), folder="INBOX", uid=1, uidvalidity=1, first_seen_at=T0)
    store.record_skip("work", "<m1@acme.example>", folder="Label", uid=9, uidvalidity=2, reason="fetch failed",
                      date=None, first_seen_at=T0)  # fmt: skip
    assert store.skipped() == []
    assert store.message_location("work", "<m1@acme.example>") == ("INBOX", 1, 1)
    # ...but an analysis replaces an earlier skip, keeping first_seen_at.
    store.record_skip("work", "<m9@acme.example>", folder="INBOX", uid=9, uidvalidity=1, reason="too big",
                      date=T0, first_seen_at=T0)  # fmt: skip
    store.record_message(
        message(9), folder="INBOX", uid=9, uidvalidity=1, first_seen_at=T0 + timedelta(days=1)
    )
    assert store.skipped() == []
    assert "<m9@acme.example>" in {m.message_id for m in store.tracked_messages()}


def test_known_message_ids_handles_many(store: Store) -> None:
    with store.transaction():
        for n in range(1200):
            store.record_message(
                message(n), folder="INBOX", uid=n + 1, uidvalidity=1, first_seen_at=T0
            )
    asked = [f"<m{n}@acme.example>" for n in range(0, 2400, 2)]
    assert len(store.known_message_ids("work", asked)) == 600
    assert store.known_message_ids("other", asked) == set()


def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        store.record_message(message(1, date=datetime(2026, 1, 1)), folder="INBOX", uid=1, uidvalidity=1,
                             first_seen_at=T0)  # fmt: skip


def test_draft_round_trip_and_state_log(store: Store) -> None:
    record = draft(1, subject="Re: Utvikler", to="kari@acme.example", body="Hei Kari,\n…", language="nb",
                   in_reply_to="<m1@acme.example>", note="n")  # fmt: skip
    assert store.put_draft(record) is True
    back = store.draft("fu-1")
    assert back == replace(record, updated_at=T0)  # updated_at defaults to created_at
    assert back is not None and back.to == "kari@acme.example" and back.body == "Hei Kari,\n…"
    assert store.put_draft(draft(1, subject="changed")) is False  # never recreated
    assert store.draft("fu-1").subject == "Re: Utvikler"  # type: ignore[union-attr]
    later = T0 + timedelta(hours=1)
    store.set_draft_state(
        "fu-1", DRAFT_APPENDED, at=later, reason="APPENDUID", uid=42, folder="Drafts"
    )
    store.set_draft_state("fu-1", DRAFT_USER_EDITED, at=later + timedelta(hours=1), reason="body changed",
                          body="Hei Kari, edited")  # fmt: skip
    edited = store.draft("fu-1")
    assert edited is not None
    assert (edited.state, edited.uid, edited.folder, edited.body) == (
        DRAFT_USER_EDITED,
        42,
        "Drafts",
        "Hei Kari, edited",
    )
    assert edited.updated_at == later + timedelta(hours=1)
    with pytest.raises(StateError, match="cannot become appended again"):
        store.set_draft_state("fu-1", DRAFT_APPENDED, at=later)
    history = store.draft_history("fu-1")
    assert [(h["from_state"], h["to_state"]) for h in history] == [
        (None, "intent"),
        ("intent", "appended"),
        ("appended", "user_edited"),
    ]
    with pytest.raises(StateError, match="no draft"):
        store.set_draft_state("fu-404", DRAFT_CANCELLED, at=later)
    with pytest.raises(StateError, match="unknown state"):
        store.set_draft_state("fu-1", "posted", at=later)


def test_drafts_filter_by_account_and_state(store: Store) -> None:
    store.put_draft(draft(1))
    store.put_draft(draft(2, account="home"))
    store.put_draft(draft(3))
    store.set_draft_state("fu-3", DRAFT_CANCELLED, at=T0, reason="reply arrived")
    assert [d.followup_id for d in store.drafts()] == ["fu-1", "fu-2", "fu-3"]
    assert [d.followup_id for d in store.drafts("work", states=[DRAFT_INTENT, DRAFT_APPENDED])] == [
        "fu-1"
    ]
    assert store.drafts(states=[]) == []


def test_corrections_round_trip(store: Store) -> None:
    override = ProcessOverride("p1", closed_reason="withdrawn", snoozed_until=date(2026, 4, 1), company="Acme AS",
                               role="Dev", promised_by=date(2026, 3, 20), updated_at=T0)  # fmt: skip
    store.put_override(override)
    store.put_override(ProcessOverride("p2", snoozed_until=date(2026, 5, 1)))
    assert store.overrides()["p1"] == override
    store.put_override(
        ProcessOverride("p1", company="Acme Norge AS")
    )  # replaces the whole override
    assert store.overrides()["p1"] == ProcessOverride("p1", company="Acme Norge AS")
    manual = ManualProcess("m1", "Telenor", created_at=T0, role="Analyst", contact="hr@telenor.example",
                           interview_at=T0 + timedelta(days=2), promised_by=date(2026, 3, 10), language="nb",
                           note="phone interview")  # fmt: skip
    store.add_manual_process(manual)
    assert store.manual_processes() == [manual]
    offer = CompetingOffer(
        created_at=T0, deadline=date(2026, 3, 20), process_id="p9", extra={"salary": "yes"}
    )
    store.add_offer(offer)
    store.add_offer(CompetingOffer(created_at=T0 + timedelta(days=1), deadline=date(2026, 3, 25)))
    assert store.offers()[0] == offer and len(store.offers()) == 2


def test_snapshots_runs_and_meta(store: Store) -> None:
    store.save_process_snapshot(
        "work", [("p1", {"company": "Acme"}), ("p0", {"company": "Beta"})], T0
    )
    store.save_process_snapshot("home", [("h1", {"company": "Gamma"})], T0)
    store.save_process_snapshot("work", [("p2", {"company": "Delta", "state": "applied"})], T0)
    assert store.process_snapshots() == [
        {"company": "Gamma", "process_id": "h1", "account": "home"},
        {"company": "Delta", "state": "applied", "process_id": "p2", "account": "work"},
    ]
    canary = "run-canary-3xQ!"
    register_secret(canary)
    first = store.start_run("work", T0)
    second = store.start_run(None, T0 + timedelta(minutes=5))
    store.finish_run(first, T0 + timedelta(minutes=1), {"new": 3, "drafts": 1})
    store.finish_run(
        second, T0 + timedelta(minutes=6), {"note": canary}, error=f"login failed: {canary}"
    )
    runs = store.last_runs()
    assert [r["id"] for r in runs] == [second, first]
    assert runs[1]["summary"] == {"new": 3, "drafts": 1} and runs[1]["error"] is None
    assert canary not in runs[0]["error"] and canary not in str(runs[0]["summary"])
    assert runs[1]["finished_at"] == T0 + timedelta(minutes=1)
    store.set_meta("last_error", None)
    assert store.get_meta("last_error") is None
    store.set_meta("daemon_pid", "123")
    store.set_meta("daemon_pid", "124")
    assert store.get_meta("daemon_pid") == "124"
    assert (
        canary.encode()
        not in store.path.read_bytes() + store.path.with_name(store.path.name + "-wal").read_bytes()
    )


# --------------------------------------------------------------------------
# T4: snapshots of a database being written, and a SIGKILL, always reopen consistent

WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from agent.records import DraftRecord, TrackedMessage
from agent.store import Store

s = Store.open(sys.argv[1])
s.acquire_writer_lock()
base = datetime(2026, 1, 1, tzinfo=UTC)
uid = 0
print("ready", flush=True)
while True:
    with s.transaction():
        for _ in range(5):
            uid += 1
            s.record_message(
                TrackedMessage(message_id=f"<m{uid}@x>", account="a", direction="inbound", folder_role="inbox",
                               date=base + timedelta(minutes=uid), subject="s" * 300, kind="status_update"),
                folder="INBOX", uid=uid, uidvalidity=7, first_seen_at=base)
        s.put_draft(DraftRecord(followup_id=f"fu{uid}", account="a", process_id="p", action="nudge",
                                state="intent", due_at=base, message_id=f"<fu{uid}@x>", body="b" * 500))
        s.set_folder_checkpoint("a", "INBOX", 7, uid)
"""


def _stopped(pid: int) -> bool:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return fields[0] in ("T", "t")


def _snapshot(db: Path, target: Path) -> None:
    target.mkdir()
    for suffix in ("", "-wal", "-shm"):
        source = db.with_name(db.name + suffix)
        if source.exists():
            shutil.copy2(source, target / (db.name + suffix))


def _assert_consistent(db: Path) -> int:
    with Store.open(db) as s:
        assert s.integrity_ok()
        checkpoint = s.folder_checkpoint("a", "INBOX")
        messages = s.tracked_messages("a")
        drafts = s.drafts("a")
    last_uid = checkpoint[1] if checkpoint else 0
    # Every message is covered by the checkpoint and vice versa; each batch has its draft.
    assert len(messages) == last_uid
    assert sorted(int(m.message_id[2:-3]) for m in messages) == list(range(1, last_uid + 1))
    assert len(drafts) == last_uid // 5
    return last_uid


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_snapshots_during_writes_and_after_sigkill_reopen_consistent(tmp_path: Path) -> None:
    db = tmp_path / "live" / "followup.db"
    Store.open(db).close()
    proc = child(WRITER, str(db))
    rng = random.Random(4)
    snapshots: list[Path] = []
    try:
        for index in range(12):
            time.sleep(rng.uniform(0.02, 0.12))
            proc.send_signal(signal.SIGSTOP)
            deadline = time.monotonic() + 5
            while not _stopped(proc.pid):
                assert time.monotonic() < deadline
                time.sleep(0.001)
            target = tmp_path / f"snap{index}"
            _snapshot(db, target)
            snapshots.append(target / db.name)
            proc.send_signal(signal.SIGCONT)
        time.sleep(rng.uniform(0.02, 0.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        proc.kill()
        proc.wait()
    counts = [_assert_consistent(path) for path in snapshots]
    final = _assert_consistent(db)
    assert counts == sorted(counts) and final >= counts[-1] > 0
    assert len(set(counts)) > 3  # the snapshots really were taken mid-stream
