"""Texts read in the helper process give what reading them here gives.

A long scan analyses one chunk's texts in a helper process while it reads the
next chunk's headers. These tests force the helper on small mailboxes (tiny
chunks, so chunks overlap) and compare everything the store ends up with
against a pass without it, poison messages included; the helper dying mid-pass
and a broken rules file are covered too.
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from dovecot import Dovecot, MailUser
from test_sync import NOW, POISON, _setup, broken_rules_mailbox, job_mail

import agent.pipeline.ingest as sync
import agent.pipeline.texts as sync_texts
from agent.analysis import Analyzer
from agent.errors import RulesError
from agent.pipeline.engine import Engine
from agent.pipeline.passes import run_pass
from agent.pipeline.texts import TextItem, TextReader, read_text
from agent.rules import shipped_rules
from agent.store import Store

pytestmark = pytest.mark.dovecot


def _stored(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT message_id, folder, uid, kind, company, promised_by, evidence_json, "
            "skip_reason FROM messages ORDER BY uid"
        ).fetchall()
    finally:
        conn.close()


def _scan(tmp_path: Path, dovecot: Dovecot, user: MailUser, *, helper: bool):
    tmp_path.mkdir()
    engine, store = _setup(tmp_path, dovecot, user)
    try:
        report = run_pass(engine, store, now=NOW).accounts[0]
        checkpoint = store.folder_checkpoint("work", "INBOX")
    finally:
        store.close()
    return report, checkpoint, _stored(engine.config.db_path)


def test_the_helper_reads_texts_as_this_process_does(
    tmp_path: Path,
    dovecot: Dovecot,
    make_user: Callable[..., MailUser],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = make_user("english")
    poison = iter(POISON.values())
    for n in range(1, 17):
        dovecot.deliver(user, next(poison) if n % 2 == 0 and n <= 12 else job_mail(n))
    monkeypatch.setattr(sync, "CHUNK", 4)

    monkeypatch.setattr(sync, "HELPER_MIN_UIDS", 10**9)
    here, here_checkpoint, here_rows = _scan(tmp_path / "here", dovecot, user, helper=False)
    started: list[bool] = []
    real_start = TextReader.start_helper

    def start(self: TextReader) -> None:
        real_start(self)
        started.append(self.has_helper)

    here_reads: list[int] = []
    real_read = sync_texts.read_text

    def read_here(analyzer, item):
        here_reads.append(item.uid)
        return real_read(analyzer, item)

    monkeypatch.setattr(TextReader, "start_helper", start)
    monkeypatch.setattr(sync_texts, "read_text", read_here)
    monkeypatch.setattr(sync, "HELPER_MIN_UIDS", 1)
    there, there_checkpoint, there_rows = _scan(tmp_path / "there", dovecot, user, helper=True)

    assert started == [True]
    assert here_reads == []  # every text was read by the helper
    assert here.error is None and there.error is None
    assert here.stats.kinds["application_received"] >= 8
    assert sum(here.stats.skipped.values()) >= 1
    assert (there.stats.seen, there.stats.analyzed, there.stats.kinds, there.stats.skipped) == (
        here.stats.seen,
        here.stats.analyzed,
        here.stats.kinds,
        here.stats.skipped,
    )
    assert there_checkpoint[1] == here_checkpoint[1] == 16
    assert there_rows == here_rows


def test_a_helper_that_dies_leaves_the_reading_to_this_process() -> None:
    analyzer = Analyzer(shipped_rules(), languages=["en", "nb"], country="NO")
    items = [TextItem(n, job_mail(n), None) for n in range(1, 4)]
    expected = [read_text(analyzer, item) for item in items]
    reader = TextReader(analyzer)
    reader.start_helper()
    try:
        assert reader.submit(items).result() == expected
        pool = reader._pool
        assert pool is not None
        for pid in list(pool._processes):  # the helper is killed between two chunks
            os.kill(pid, signal.SIGKILL)
        assert reader.submit(items).result() == expected
        assert not reader.has_helper
        assert reader.submit(items).result() == expected
    finally:
        reader.close()


def test_the_helper_starts_before_the_first_texts_arrive() -> None:
    """Its imports and rules load while this process reads the first chunks' headers."""
    analyzer = Analyzer(shipped_rules(), languages=["en", "nb"], country="NO")
    reader = TextReader(analyzer)
    reader.start_helper()
    try:
        pool = reader._pool
        assert pool is not None
        assert [p.is_alive() for p in pool._processes.values()] == [True]
    finally:
        reader.close()


def test_a_broken_rules_file_stops_the_pass_with_the_helper_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync, "HELPER_MIN_UIDS", 1)
    monkeypatch.setattr(sync, "CHUNK", 1)
    config, _ = broken_rules_mailbox(tmp_path)
    store = Store.open(config.db_path)
    try:
        with pytest.raises(RulesError, match="dates/en.toml"):
            run_pass(Engine(config), store, now=NOW)
        checkpoint = store.folder_checkpoint("local", "INBOX")
        assert checkpoint is None or checkpoint[1] == 0
        assert store.tracked_messages("local") == []
    finally:
        store.close()


def _mail(n: int, sender: str, subject: str, *, extra: str = "", body: str = "Hi!") -> bytes:
    return (
        f"From: {sender}\r\nTo: me@example.org\r\nSubject: {subject}\r\n"
        f"Date: Tue, 24 Nov 2026 1{n % 10}:00:00 +0100\r\nMessage-ID: <w-{n}@example.net>\r\n"
        f"{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def test_chunks_read_ahead_end_as_a_chunk_by_chunk_pass_does(
    tmp_path: Path,
    dovecot: Dovecot,
    make_user: Callable[..., MailUser],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Later chunks prefiltered before the job mail of earlier ones was recorded."""
    user = make_user("english")
    mails = [
        job_mail(1, company="fjordkraft"),  # hr1@fjordkraft1.no: the employer's domain
        _mail(2, "Nils <nils@example.net>", "Dinner"),
        _mail(3, "Per Olsen <per@fjordkraft1.no>", "quick question"),  # its domain: known
        _mail(5, "Me <me@example.org>", "Coffee next week?"),  # the user's own mail
        _mail(4, "Kari <kari.private@gmail.com>", "Re: hi",  # its thread: known
              extra="In-Reply-To: <job-1-fjordkraft@example.net>\r\n",
              body="Hi, we would like to invite you to an interview on Friday."),
        _mail(6, "Ola <ola@example.net>", "Re: Coffee next week?",
              body="Sorry, we decided to go with another candidate for the position."),
        job_mail(1, company="fjordkraft"),  # the same message again
        _mail(8, "Nils <nils@example.net>", "Dinner again"),
    ]  # fmt: skip
    for raw in mails:
        dovecot.deliver(user, raw)
    monkeypatch.setattr(sync, "CHUNK", 2)
    monkeypatch.setattr(sync, "WINDOW", 1)
    one_by_one, checkpoint, rows = _scan(tmp_path / "one", dovecot, user, helper=False)

    taken_up: list[int] = []
    real_take_up = sync.FolderSync._take_up

    def take_up(self, chunk, news, stats):
        passed = {uid for uid, d in chunk.decisions.items() if d == "not_candidate"}
        real_take_up(self, chunk, news, stats)
        taken_up.extend(uid for uid in passed if chunk.decisions[uid] == "candidate")

    monkeypatch.setattr(sync, "WINDOW", 6)
    monkeypatch.setattr(sync._Chunk, "done", lambda self: False)  # every chunk waits
    monkeypatch.setattr(sync.FolderSync, "_take_up", take_up)
    ahead, ahead_checkpoint, ahead_rows = _scan(tmp_path / "ahead", dovecot, user, helper=False)

    assert len(taken_up) >= 2  # messages taken up after the chunk ahead was recorded
    assert ahead_rows == rows and ahead_checkpoint == checkpoint
    assert (ahead.stats.known, ahead.stats.candidates, ahead.stats.kinds) == (
        one_by_one.stats.known,
        one_by_one.stats.candidates,
        one_by_one.stats.kinds,
    )
    assert one_by_one.stats.known == 1
    kinds = {row[0]: row[3] for row in rows}
    assert kinds["<w-4@example.net>"] == "interview_invitation"
    assert kinds["<w-6@example.net>"] == "rejection"  # the answer to the user's own mail
    assert kinds["<w-2@example.net>"] == kinds["<w-8@example.net>"] == "not_job"
