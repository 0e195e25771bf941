"""Folder sync against the suite's Dovecot: poison messages (T6), nothing new (T7),
UIDVALIDITY resets (T8), old mail moved back (T10), read-only scanning (T11) and the
same message in two folders (T14)."""

from __future__ import annotations

import pydoc
from collections.abc import Callable
from datetime import date as date_
from datetime import datetime
from pathlib import Path

import pytest
from dovecot import HOST, Dovecot, MailUser

from agent.config import Config, load_config
from agent.pipeline.engine import Engine
from agent.pipeline.passes import run_pass
from agent.store import Store

pytestmark = pytest.mark.dovecot

NOW = datetime.fromisoformat("2026-12-07T09:30:00+01:00")


def _setup(
    tmp_path: Path, dovecot: Dovecot, user: MailUser, folders: str = ""
) -> tuple[Engine, Store]:
    secret = tmp_path / "password"
    secret.write_text(user.password)
    config_path = tmp_path / "config.toml"
    config_path.write_text(
        f"""state_dir = "{tmp_path / "state"}"
timezone = "Europe/Oslo"
[[accounts]]
name = "work"
host = "{HOST}"
port = {dovecot.imaps_port}
username = "{user.name}"
address = "me@example.org"
ca_file = "{dovecot.ca_file}"
password_command = "cat {secret}"
timeout = 10
{folders}
""",
        encoding="utf-8",
    )
    config = load_config(config_path)
    return Engine(config), Store.open(config.db_path)


def job_mail(
    n: int, *, date: str = "Tue, 24 Nov 2026 10:00:00 +0100", company: str = "acme"
) -> bytes:
    return (
        f"From: Recruiter {n} <hr{n}@{company}{n}.no>\r\n"
        f"To: me@example.org\r\n"
        f"Subject: Your application for Engineer {n}\r\n"
        f"Date: {date}\r\n"
        f"Message-ID: <job-{n}-{company}@example.net>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Hi,\r\n\r\nThank you for your application. We are currently reviewing applications and will get back "
        f"to you within two weeks.\r\n\r\nRegards,\r\nHR\r\n"
    ).encode()


POISON = {
    "bogus charset": b"From: HR <hr@poison.no>\r\nSubject: Your application\r\nDate: Tue, 24 Nov 2026 10:00:00 +0100\r\n"
    b"Message-ID: <poison-1@poison.no>\r\nContent-Type: text/plain; charset=bogus\r\n\r\nThank you for your application \xff\xfe.\r\n",
    "odd date": b"From: HR <hr@poison.no>\r\nSubject: Your application\r\nDate: 2002/09/14 Sat 13:06:03 GMT\r\n"
    b"Message-ID: <poison-2@poison.no>\r\n\r\nThank you for your application.\r\n",
    "no date": b"From: HR <hr@poison.no>\r\nSubject: Your application\r\nMessage-ID: <poison-3@poison.no>\r\n\r\n"
    b"We will get back to you within two weeks.\r\n",
    "unterminated multipart": b"From: HR <hr@poison.no>\r\nSubject: Interview\r\nDate: Tue, 24 Nov 2026 10:00:00 +0100\r\n"
    b"Message-ID: <poison-4@poison.no>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=XX\r\n\r\n"
    b"--XX\r\nContent-Type: text/plain\r\n\r\nWe would like to invite you to an interview.\r\n",
    "huge header": b"From: HR <hr@poison.no>\r\nSubject: Your application\r\nX-Junk: "
    + b"a" * 1_500_000
    + b"\r\nDate: Tue, 24 Nov 2026 10:00:00 +0100\r\nMessage-ID: <poison-5@poison.no>\r\n\r\nThank you for applying.\r\n",
    "not mail at all": b"\x00\x01\x02 binary garbage \xff" * 50,
    "zone beyond a day": b"From: HR <hr@poison.no>\r\nSubject: Your application\r\n"
    b"Date: Mon, 2 Mar 2026 09:00:00 +2400\r\nMessage-ID: <poison-6@poison.no>\r\n\r\n"
    b"We will get back to you within two weeks.\r\n",
    "punycode charset": b"From: HR <hr@poison.no>\r\nSubject: Your application\r\n"
    b"Date: Tue, 24 Nov 2026 10:00:00 +0100\r\nMessage-ID: <poison-7@poison.no>\r\n"
    b"Content-Type: text/plain; charset=punycode\r\n\r\n" + b"soknad-" * 20_000 + b"\xff\r\n",
    "8-bit attachment name": b"From: HR <hr@poison.no>\r\nSubject: Your application\r\n"
    b"Date: Tue, 24 Nov 2026 10:00:00 +0100\r\nMessage-ID: <poison-8@poison.no>\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n"
    b"Thank you for your application.\r\n--B\r\nContent-Type: application/pdf\r\n"
    b'Content-Disposition: attachment; filename="s\xc3\xb8knad.pdf"\r\n\r\nJVBERi0=\r\n--B--\r\n',
    "empty calendar start": b"From: HR <hr@poison.no>\r\nSubject: Interview\r\n"
    b"Date: Tue, 24 Nov 2026 10:00:00 +0100\r\nMessage-ID: <poison-9@poison.no>\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n"
    b"We would like to invite you to an interview.\r\n--B\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\n"
    b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:\r\nSUMMARY:Interview\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n--B--\r\n",
}


@pytest.mark.parametrize("variant", sorted(POISON))
def test_a_poison_message_never_stops_the_batch(
    variant: str, tmp_path: Path, dovecot: Dovecot, make_user: Callable[..., MailUser]
) -> None:
    user = make_user("english")
    for n in range(1, 11):
        dovecot.deliver(user, POISON[variant] if n == 4 else job_mail(n))
    before = dovecot.flags(user, "INBOX")
    engine, store = _setup(tmp_path, dovecot, user)
    try:
        report = run_pass(engine, store, now=NOW).accounts[0]
        assert report.error is None
        assert report.stats.seen == 10
        assert report.stats.kinds["application_received"] >= 9
        assert (
            report.stats.analyzed
            + sum(report.stats.skipped.values())
            + report.stats.kinds["not_job"]
            >= 10
        )
        assert store.folder_checkpoint("work", "INBOX")[1] == 10  # the cursor passed #4
        assert len({m.company for m in store.tracked_messages("work") if m.company}) >= 9
    finally:
        store.close()
    assert dovecot.flags(user, "INBOX") == before  # no flag changed (T11)


def _fails_for_the_poison(real: Callable[..., object]) -> Callable[..., object]:
    """``real``, except that it raises for the message marked as poison (any argument)."""

    def wrapper(*args: object, **kwargs: object) -> object:
        if any(b"poison-guard" in a if isinstance(a, bytes) else "poison-guard" in repr(a)
               for a in (*args, *kwargs.values())):  # fmt: skip
            raise RecursionError("a fault no rule foresaw")
        return real(*args, **kwargs)

    return wrapper


# Each per-message step of a pass, by where it is looked up: each is guarded on its own.
GUARDED_STEPS = {
    "header reading": ("agent.pipeline.ingest", "parse_header"),
    "prefilter": ("agent.analysis.Analyzer", "is_candidate"),
    "text reading": ("agent.pipeline.texts", "parse_message"),
    "recording": ("agent.pipeline.ingest", "tracked_from"),
}


@pytest.mark.parametrize("step", sorted(GUARDED_STEPS))
def test_a_step_that_fails_on_one_message_skips_only_that_message(
    step: str,
    tmp_path: Path,
    dovecot: Dovecot,
    make_user: Callable[..., MailUser],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    owner, attr = GUARDED_STEPS[step]
    monkeypatch.setattr(
        f"{owner}.{attr}",
        _fails_for_the_poison(pydoc.locate(f"{owner}.{attr}")),
    )
    user = make_user("english")
    for n in range(1, 11):
        mail = job_mail(n)
        if n == 4:
            mail = mail.replace(b"Message-ID: <job-4", b"Message-ID: <poison-guard-4")
        dovecot.deliver(user, mail)
    engine, store = _setup(tmp_path, dovecot, user)
    try:
        report = run_pass(engine, store, now=NOW).accounts[0]
        assert report.error is None
        assert report.stats.seen == 10
        assert report.stats.kinds["application_received"] == 9
        assert sum(report.stats.skipped.values()) == 1
        assert store.folder_checkpoint("work", "INBOX")[1] == 10  # the cursor passed #4
        skipped = store.skipped("work")
        assert len(skipped) == 1 and "RecursionError" in skipped[0]["reason"]
    finally:
        store.close()


def test_nothing_new_means_nothing_processed_and_uidvalidity_reset_rebaselines(
    tmp_path: Path, dovecot: Dovecot, make_user: Callable[..., MailUser]
) -> None:
    user = make_user("english")
    for n in range(1, 6):
        dovecot.deliver(user, job_mail(n), folder="Archive")
    engine, store = _setup(tmp_path, dovecot, user, folders='folders = ["Archive"]')
    try:
        first = run_pass(engine, store, now=NOW).accounts[0]
        assert first.stats.analyzed == 5
        for _ in range(2):  # T7: twice with nothing new
            again = run_pass(engine, store, now=NOW).accounts[0]
            assert again.stats.seen == 0 and again.stats.analyzed == 0 and again.created == []
        validity = store.folder_checkpoint("work", "Archive")[0]

        # T8: the server renumbers the folder and three new messages arrive meanwhile.
        dovecot.recreate_folder(user, "Archive")
        for n in range(6, 9):
            dovecot.deliver(user, job_mail(n), folder="Archive")
        after = run_pass(engine, store, now=NOW).accounts[0]
        assert store.folder_checkpoint("work", "Archive")[0] != validity
        assert after.stats.seen == 8
        assert after.stats.known == 5
        assert after.stats.analyzed == 3
        assert len(store.tracked_messages("work")) == 8
    finally:
        store.close()


def test_the_same_message_in_two_folders_is_processed_once(
    tmp_path: Path, dovecot: Dovecot, make_user: Callable[..., MailUser]
) -> None:
    user = make_user("english")
    dovecot.deliver(user, job_mail(1))
    dovecot.deliver(user, job_mail(1), folder="Archive")
    engine, store = _setup(tmp_path, dovecot, user, folders='folders = ["INBOX", "Archive"]')
    try:
        report = run_pass(engine, store, now=NOW).accounts[0]
        assert report.stats.seen == 2
        assert report.stats.analyzed == 1 and report.stats.known == 1
    finally:
        store.close()


def test_old_mail_moved_back_into_the_inbox_gets_no_follow_up(
    tmp_path: Path, dovecot: Dovecot, make_user: Callable[..., MailUser]
) -> None:
    user = make_user("english")
    dovecot.deliver(user, job_mail(1, date="Tue, 26 Nov 2024 10:00:00 +0100", company="old"))
    engine, store = _setup(tmp_path, dovecot, user)
    try:
        report = run_pass(engine, store, now=NOW).accounts[0]
        assert report.stats.analyzed == 1
        assert report.created == []
        # Already processed mail that reappears with a new UID is recognised, not redone.
        dovecot.deliver(user, job_mail(1, date="Tue, 26 Nov 2024 10:00:00 +0100", company="old"))
        again = run_pass(engine, store, now=NOW).accounts[0]
        assert again.stats.known == 1 and again.stats.analyzed == 0 and again.created == []
    finally:
        store.close()


def broken_rules_mailbox(tmp_path: Path) -> tuple[Config, Path]:
    """A Maildir account with three job mails and a user rules dir whose dates/en.toml
    is broken; returns the config and that rules subdirectory."""
    mailbox = tmp_path / "mail"
    for sub in ("cur", "new", "tmp"):
        (mailbox / sub).mkdir(parents=True)
    for n in range(1, 4):
        (mailbox / "cur" / f"17000000{n}.M{n}.test:2,S").write_bytes(job_mail(n))
    rules = tmp_path / "rules" / "dates"
    rules.mkdir(parents=True)
    (rules / "en.toml").write_text("this is [not valid toml\n", encoding="utf-8")
    config_path = tmp_path / "config.toml"
    config_path.write_text(
        f'state_dir = "{tmp_path / "state"}"\ntimezone = "Europe/Oslo"\nrules_dir = "{tmp_path / "rules"}"\n'
        f'[[accounts]]\nname = "local"\nmaildir = "{mailbox}"\naddress = "me@example.org"\n',
        encoding="utf-8",
    )
    return load_config(config_path), rules


def test_a_broken_rules_file_stops_the_pass_without_losing_mail(tmp_path: Path) -> None:
    """Mail is never quarantined for a fault of ours: a broken rules file aborts the pass
    before the checkpoint moves, and the next pass (rules fixed) processes everything."""
    from agent.errors import RulesError

    config, rules = broken_rules_mailbox(tmp_path)
    store = Store.open(config.db_path)
    try:
        with pytest.raises(RulesError):
            run_pass(Engine(config), store, now=NOW)
        checkpoint = store.folder_checkpoint("local", "INBOX")
        assert checkpoint is None or checkpoint[1] == 0
        assert store.tracked_messages("local") == []
        (rules / "en.toml").unlink()
        report = run_pass(Engine(config), store, now=NOW).accounts[0]
        assert report.stats.analyzed == 3
    finally:
        store.close()


def test_a_reply_to_the_users_own_mail_is_read_whatever_its_subject(
    tmp_path: Path, dovecot: Dovecot, make_user: Callable[..., MailUser]
) -> None:
    user = make_user("english")
    sent = (
        b"From: Me <me@example.org>\r\nTo: mike@rivetworks.net\r\nSubject: intervew\r\n"
        b"Date: Mon, 23 Nov 2026 10:00:00 +0100\r\nMessage-ID: <mine-1@example.org>\r\n\r\nhi mike, any news?\r\n"
    )
    reply = (
        b"From: mike <mike@rivetworks.net>\r\nTo: me@example.org\r\nSubject: re: intervew\r\n"
        b"Date: Tue, 24 Nov 2026 10:00:00 +0100\r\nMessage-ID: <r-1@rivetworks.net>\r\n"
        b"In-Reply-To: <mine-1@example.org>\r\n\r\nhey, sorry for the wait. we went with someone else for the job.\r\n"
    )
    dovecot.deliver(user, reply)
    # A client that drops threading headers: recognised by the subject the user sent.
    dovecot.deliver(
        user,
        reply.replace(b"In-Reply-To: <mine-1@example.org>\r\n", b"").replace(b"<r-1@", b"<r-2@"),
    )
    dovecot.deliver(user, sent, folder="Sent")
    engine, store = _setup(tmp_path, dovecot, user)
    try:
        report = run_pass(engine, store, now=NOW).accounts[0]
        assert report.stats.kinds["rejection"] == 2
    finally:
        store.close()


def test_mail_that_is_not_about_a_job_leaves_no_names_or_subjects_in_the_database(
    tmp_path: Path, dovecot: Dovecot, make_user: Callable[..., MailUser]
) -> None:
    user = make_user("english")
    personal = (
        b"From: Aunt Solveig <solveig.private@example.net>\r\nTo: me@example.org\r\n"
        b"Cc: cousin.trond@example.net\r\nSubject: Birthday dinner on Sunday\r\n"
        b"Date: Tue, 24 Nov 2026 10:00:00 +0100\r\nMessage-ID: <dinner-1@example.net>\r\n"
        b"References: <older-dinner@example.net>\r\n\r\nSee you at seven!\r\n"
    )
    dovecot.deliver(user, personal)
    dovecot.deliver(user, job_mail(1))
    engine, store = _setup(tmp_path, dovecot, user)
    try:
        report = run_pass(engine, store, now=NOW).accounts[0]
        assert report.stats.kinds["not_job"] == 1 and report.stats.candidates == 1
        assert store.known_message_ids("work", ["<dinner-1@example.net>"])
        assert len(store.tracked_messages("work")) == 1
    finally:
        store.close()
    stored = b"".join(p.read_bytes() for p in (tmp_path / "state").rglob("*") if p.is_file())
    assert b"hr1@acme1.no" in stored  # job mail is kept ...
    for private in (b"solveig", b"Solveig", b"trond", b"Birthday", b"older-dinner"):
        assert private not in stored  # ... mail that is not about a job is not
    # A second pass knows the message and does not read it again.
    engine, store = _setup(tmp_path, dovecot, user)
    try:
        again = run_pass(engine, store, now=NOW).accounts[0]
        assert again.stats.seen == 0
    finally:
        store.close()


def _swedish(
    message_id: str,
    subject: str,
    body: str,
    *,
    date: str,
    refs: str = "",
    sender: str = "Karin Lund <karin.lund@nordbygg.se>",
) -> bytes:
    threading = f"In-Reply-To: {refs.split()[-1]}\r\nReferences: {refs}\r\n" if refs else ""
    return (
        f"From: {sender}\r\nTo: Sam <me@example.org>\r\n"
        f"Subject: {subject}\r\nDate: {date}\r\nMessage-ID: {message_id}\r\n{threading}"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
    ).encode()


THANKS = "Hej Sam,\r\n\r\ntack för i dag. Du får besked senast fredag.\r\n\r\nHälsningar\r\nKarin"


def test_a_reply_in_a_hiring_thread_is_read_as_the_cue_rules_read_it(
    tmp_path: Path, dovecot: Dovecot, make_user: Callable[..., MailUser]
) -> None:
    """A short reply that names no job is discarded by the kind model; inside a thread
    that holds an employer's mail it is what the cue rules read (the thread is the
    job), while the same words elsewhere, even in reply to the user's own mail, are not."""
    user = make_user("english")
    invitation = _swedish(
        "<inv-1@nordbygg.se>",
        "Inbjudan till intervju – projektledare",
        "Hej Sam,\r\n\r\ntack för din ansökan till tjänsten som projektledare hos Nordbygg. Vi vill "
        "gärna träffa dig på en intervju på vårt kontor tisdag den 24 november kl. 10.00.\r\n\r\n"
        "Hälsningar\r\nKarin Lund, HR",
        date="Mon, 16 Nov 2026 09:00:00 +0100",
    )
    refs = "<inv-1@nordbygg.se> <mine-1@example.org>"
    date = "Tue, 24 Nov 2026 15:00:00 +0100"
    own = (
        "From: Sam <me@example.org>\r\nTo: uthyrning@bostadsbolaget.se\r\n"
        "Subject: Ansökan om lägenhet\r\nDate: Mon, 23 Nov 2026 10:00:00 +0100\r\n"
        "Message-ID: <mine-9@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Hej, här är min ansökan om lägenheten.\r\n"
    ).encode()
    dovecot.deliver(user, own, folder="Sent")
    applied = (
        "From: Sam <me@example.org>\r\nTo: rekrytering@lagerhuset.se\r\n"
        "Subject: Ansökan till tjänsten som lagerarbetare\r\n"
        "Date: Mon, 23 Nov 2026 11:00:00 +0100\r\nMessage-ID: <mine-2@example.org>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nHej, här är min ansökan och mitt CV.\r\n"
    ).encode()
    dovecot.deliver(user, applied, folder="Sent")
    dovecot.deliver(user, invitation)
    dovecot.deliver(
        user, _swedish("<thanks-1@nordbygg.se>", "Sv: torsdag", THANKS, date=date, refs=refs)
    )
    dovecot.deliver(
        user,
        _swedish(
            "<elsewhere-1@bostadsbolaget.se>",
            "Sv: torsdag",
            THANKS,
            date=date,
            refs="<mine-9@example.org>",
            sender="Bostadsbolaget <uthyrning@bostadsbolaget.se>",
        ),
    )
    team = "Nordbygg AB <info@nordbygg.se>"
    receipt = (
        "Hej Sam,\r\n\r\ntack för din ansökan till tjänsten som projektledare. Vi har tagit "
        "emot din ansökan och återkommer inom två veckor.\r\n\r\nNordbygg AB"
    )
    dovecot.deliver(
        user, _swedish("<receipt-1@nordbygg.se>", "Din ansökan", receipt, date=date, sender=team)
    )
    # A recruiter who writes from free mail: her later word in a thread of its own is read.
    lina = "Lina Holm <lina.holm77@gmail.com>"
    gm_invite = (
        "Hej Sam,\r\n\r\ntack för din ansökan till tjänsten som lagerarbetare. Vi vill gärna "
        "bjuda in dig till en intervju på torsdag kl. 10.\r\n\r\nLina Holm"
    )
    dovecot.deliver(
        user,
        _swedish(
            "<gm-1@mail.gmail.com>", "Inbjudan till intervju", gm_invite, date=date, sender=lina
        ),
    )
    dovecot.deliver(
        user, _swedish("<gm-2@mail.gmail.com>", "Torsdag", THANKS, date=date, sender=lina)
    )
    # The same words from her colleague, in no thread: not job mail.
    colleague = "Anna Berg <anna.berg@nordbygg.se>"
    dovecot.deliver(
        user, _swedish("<alone-1@nordbygg.se>", "Sv: torsdag", THANKS, date=date, sender=colleague)
    )
    # A reply to the user's own mail under a subject that speaks of a job.
    dovecot.deliver(
        user,
        _swedish(
            "<thanks-3@lagerhuset.se>",
            "Sv: torsdag",
            THANKS,
            date=date,
            refs="<mine-2@example.org>",
        ),
    )
    engine, store = _setup(tmp_path, dovecot, user)
    try:
        run_pass(engine, store, now=NOW)
        tracked = {tm.message_id: tm for tm in store.tracked_messages("work")}
        assert "<mine-9@example.org>" in tracked  # the user's own application is known ...
        assert (
            "<elsewhere-1@bostadsbolaget.se>" not in tracked
        )  # ... and a reply to it is not job mail
        assert "<alone-1@nordbygg.se>" not in tracked
        assert tracked["<thanks-3@lagerhuset.se>"].kind == "status_update"
        thanks = tracked["<thanks-1@nordbygg.se>"]
        assert (thanks.kind, thanks.promised_by) == ("status_update", date_(2026, 11, 27))
        # A later pass knows the hiring thread, and the person who wrote in it, from the store.
        # (The subject names nothing the model reads as hiring mail: under "Hej igen" or
        # "Uppdatering" it keeps such a mail by itself, and the contact would go untested.)
        dovecot.deliver(user, _swedish("<update-1@nordbygg.se>", "Torsdag", THANKS, date=date))
        dovecot.deliver(
            user,
            _swedish("<update-2@nordbygg.se>", "Torsdag", THANKS, date=date, sender=colleague),
        )
        dovecot.deliver(
            user, _swedish("<gm-3@mail.gmail.com>", "Torsdag", THANKS, date=date, sender=lina)
        )
        stranger = "Per Olsson <per.olsson12@gmail.com>"
        dovecot.deliver(
            user,
            _swedish("<gm-4@mail.gmail.com>", "Torsdag", THANKS, date=date, sender=stranger),
        )
        # A team's address writes to many about many things: no contact of the user's.
        dovecot.deliver(
            user, _swedish("<update-3@nordbygg.se>", "Torsdag", THANKS, date=date, sender=team)
        )
        dovecot.deliver(
            user, _swedish("<thanks-2@nordbygg.se>", "Sv: torsdag", THANKS, date=date, refs=refs)
        )
        run_pass(engine, store, now=NOW)
        tracked = {tm.message_id: tm for tm in store.tracked_messages("work")}
        assert tracked["<thanks-2@nordbygg.se>"].kind == "status_update"
        assert tracked["<update-1@nordbygg.se>"].kind == "status_update"  # from Karin
        assert "<update-2@nordbygg.se>" not in tracked  # a colleague she never was
        assert tracked["<receipt-1@nordbygg.se>"].kind == "application_received"
        assert "<update-3@nordbygg.se>" not in tracked
        assert tracked["<gm-1@mail.gmail.com>"].kind == "interview_invitation"
        assert tracked["<gm-2@mail.gmail.com>"].kind == "status_update"  # the same fetch
        assert tracked["<gm-3@mail.gmail.com>"].kind == "status_update"  # a later pass
        assert "<gm-4@mail.gmail.com>" not in tracked  # free mail from a stranger
    finally:
        store.close()
