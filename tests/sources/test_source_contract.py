"""One contract every mailbox source passes: Maildir on disk and IMAP against Dovecot.

A backend pairs a source with an independent "server side" used to deliver
mail and to read the truth about flags (doveadm for IMAP, file names for
Maildir), so the source is never checked against itself.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from dovecot import Dovecot, MailUser

from agent.errors import FolderError, MailboxError
from agent.message import parse_header
from agent.sources.base import DRAFTS, INBOX, SENT, Source
from agent.sources.maildir import UIDLIST, MaildirSource

_counter = itertools.count(1)


def make_message(
    subject: str = "Application received",
    *,
    body: str = "Thank you for applying. We will get back to you within two weeks.\n",
    headers: dict[str, str] | None = None,
) -> bytes:
    n = next(_counter)
    lines = [
        "From: Hiring Team <jobs@example.com>",
        "To: Kari Nordmann <kari@example.org>",
        f"Subject: {subject} {n}",
        "Date: Mon, 02 Mar 2026 09:00:00 +0100",
        f"Message-ID: <contract-{n}-{os.getpid()}@example.com>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
    ]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


def message_id(raw: bytes) -> str:
    found = re.search(rb"^Message-ID: (<[^>]+>)", raw, re.MULTILINE | re.IGNORECASE)
    assert found
    return found.group(1).decode()


def lf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n")


class MaildirBackend:
    kind = "maildir"

    def __init__(self, root: Path) -> None:
        self.root = root
        for folder in ("", ".Drafts", ".Sent", ".Trash", ".Jobs", ".Jobs.2026"):
            for sub in ("cur", "new", "tmp"):
                (root / folder / sub).mkdir(parents=True, exist_ok=True)

    def source(self) -> Source:
        return MaildirSource(self.root)

    def _dir(self, folder: str) -> Path:
        return self.root if folder == "INBOX" else self.root / ("." + folder.replace("/", "."))

    def deliver(self, raw: bytes, folder: str = "INBOX", flags: tuple[str, ...] = ()) -> None:
        name = f"{int(time.time())}.M{next(_counter)}P{os.getpid()}.test"
        letters = {"\\Seen": "S", "\\Flagged": "F", "\\Answered": "R", "\\Draft": "D"}
        data = lf(raw)
        if flags:
            info = "".join(sorted(letters[f] for f in flags))
            (self._dir(folder) / "cur" / f"{name}:2,{info}").write_bytes(data)
        else:
            (self._dir(folder) / "new" / name).write_bytes(data)

    def snapshot(self, folder: str) -> list[str]:
        """What the user's mail programs see: every file name, flags included."""
        base = self._dir(folder)
        return sorted(f"{sub}/{p.name}" for sub in ("cur", "new") for p in (base / sub).iterdir())

    def recreate(self, folder: str) -> None:
        path = self._dir(folder)
        parked = path.with_name(path.name + ".parked")
        path.rename(parked)
        for sub in ("cur", "new", "tmp"):
            (path / sub).mkdir(parents=True)
            for item in (parked / sub).iterdir():
                item.rename(path / sub / item.name)
        shutil.rmtree(parked)


class ImapBackend:
    kind = "imap"

    def __init__(self, dovecot: Dovecot, user: MailUser, factory) -> None:
        self.dovecot = dovecot
        self.user = user
        self.factory = factory
        dovecot.create_folder(user, "Jobs")

    def source(self) -> Source:
        return self.factory(self.user)

    def deliver(self, raw: bytes, folder: str = "INBOX", flags: tuple[str, ...] = ()) -> None:
        self.dovecot.deliver(self.user, raw, folder=folder, flags=flags)

    def snapshot(self, folder: str) -> dict[int, frozenset[str]]:
        return self.dovecot.flags(self.user, folder)

    def recreate(self, folder: str) -> None:
        self.dovecot.recreate_folder(self.user, folder)


@pytest.fixture(params=["maildir", "imap"])
def backend(request, tmp_path):
    if request.param == "maildir":
        return MaildirBackend(tmp_path / "Maildir")
    dovecot = request.getfixturevalue("dovecot")
    user = dovecot.add_user("english")
    return ImapBackend(dovecot, user, request.getfixturevalue("imap_factory"))


@pytest.fixture
def source(backend):
    with backend.source() as opened:
        yield opened


def test_folders_and_roles(source):
    names = {folder.name for folder in source.folders()}
    assert {"INBOX", "Drafts", "Sent", "Jobs"} <= names
    assert source.folder_for_role(INBOX).name == "INBOX"
    assert source.folder_for_role(SENT).name == "Sent"
    assert source.drafts_folder().name == "Drafts"
    assert source.folder_for_role(DRAFTS) == source.drafts_folder()


def test_appended_draft_is_found_by_marker_and_reads_back_identically(source):
    raw = make_message("Re: Interview", headers={"X-Followup-Id": "fu-42-abc"})
    uid = source.append("Drafts", raw)

    assert uid is not None
    assert source.search_header("Drafts", "X-Followup-Id", "fu-42-abc") == [uid]
    assert source.search_header("Drafts", "X-Followup-Id", "fu-43-abc") == []
    (fetched,) = source.fetch_messages("Drafts", [uid])
    assert lf(fetched.data) == lf(raw)
    assert not fetched.truncated
    assert "\\Draft" in fetched.flags
    assert source.fetch_flags("Drafts", [uid]) == {uid: fetched.flags}


def test_append_to_a_missing_folder_fails_and_creates_nothing(source):
    before = {f.name for f in source.folders()}
    with pytest.raises(FolderError, match="does not exist"):
        source.append("Kladd", make_message(headers={"X-Followup-Id": "fu-1"}))
    assert {f.name for f in source.folders()} == before


def test_search_for_a_value_that_needs_quoting(source):
    wanted = source.append("Drafts", make_message(headers={"X-Followup-Id": 'fu (7) "x"'}))
    source.append("Drafts", make_message(headers={"X-Followup-Id": 'fu (8) "x"'}))
    assert source.search_header("Drafts", "X-Followup-Id", 'fu (7) "x"') == [wanted]


def test_message_id_search_with_angle_brackets(source, backend):
    raw = make_message()
    backend.deliver(raw)
    backend.deliver(make_message())
    (uid,) = source.search_header("INBOX", "Message-ID", message_id(raw))
    (fetched,) = source.fetch_headers("INBOX", [uid])
    assert message_id(raw).encode() in fetched.data


def test_uids_after_the_newest_returns_nothing_twice(source, backend):
    for _ in range(3):
        backend.deliver(make_message())
    uids = source.uids_after("INBOX", 0)
    assert len(uids) == 3 and uids == sorted(uids)
    last = uids[-1]
    # "last+1:*" matches the newest message on the server; the source must filter it.
    assert source.uids_after("INBOX", last) == []
    assert source.uids_after("INBOX", last) == []
    assert source.uids_after("INBOX", last + 10) == []


def test_new_mail_appears_after_the_cursor(source, backend):
    backend.deliver(make_message())
    (first,) = source.uids_after("INBOX", 0)
    before = source.folder_state("INBOX")

    backend.deliver(make_message("Interview invitation"))

    (new,) = source.uids_after("INBOX", first)
    assert new > first
    after = source.folder_state("INBOX")
    assert after.uidvalidity == before.uidvalidity
    assert after.exists == before.exists + 1
    assert after.uidnext > new


def test_scanning_changes_no_flags(source, backend):
    backend.deliver(make_message("unread one"))
    backend.deliver(make_message("read one"), flags=("\\Seen",))
    backend.deliver(make_message("unread two"))
    backend.deliver(make_message("flagged"), flags=("\\Seen", "\\Flagged"))
    backend.deliver(make_message("answered"), flags=("\\Answered", "\\Seen"))
    before = backend.snapshot("INBOX")

    source.folder_state("INBOX")
    uids = source.uids_after("INBOX", 0)
    headers = list(source.fetch_headers("INBOX", uids))
    bodies = list(source.fetch_messages("INBOX", uids))
    flags = source.fetch_flags("INBOX", uids)
    source.search_header("INBOX", "Subject", "unread")

    assert backend.snapshot("INBOX") == before
    assert [f.uid for f in headers] == [f.uid for f in bodies] == uids
    seen = [("\\Seen" in flags[uid]) for uid in uids]
    assert seen == [False, True, False, True, True]
    assert all(b"Thank you for applying" in f.data for f in bodies)
    # Header blocks: the fields a Message is built from, never the text.
    assert all(b"Thank you" not in f.data for f in headers)
    subjects = [parse_header(f.data).subject.rsplit(" ", 1)[0] for f in headers]
    assert subjects == ["unread one", "read one", "unread two", "flagged", "answered"]


def test_delete_removes_only_the_agents_draft(source, backend):
    keep = source.append("Drafts", make_message(headers={"X-Followup-Id": "fu-keep"}))
    gone = source.append("Drafts", make_message(headers={"X-Followup-Id": "fu-gone"}))
    backend.deliver(make_message("the user's own draft"), folder="Drafts", flags=("\\Draft",))
    (users,) = [u for u in source.uids_after("Drafts", 0) if u not in (keep, gone)]

    assert source.delete("Drafts", gone) is True

    assert source.uids_after("Drafts", 0) == sorted([keep, users])
    with pytest.raises(MailboxError, match="not a draft this agent wrote"):
        source.delete("Drafts", users)
    assert source.uids_after("Drafts", 0) == sorted([keep, users])
    assert source.search_header("Drafts", "X-Followup-Id", "fu-gone") == []


def test_uidvalidity_changes_when_the_folder_is_recreated(source, backend):
    raw = make_message()
    backend.deliver(raw, folder="Jobs")
    backend.deliver(make_message(), folder="Jobs")
    before = source.folder_state("Jobs")
    assert len(source.uids_after("Jobs", 0)) == 2
    source.close()

    backend.recreate("Jobs")

    after = source.folder_state("Jobs")
    assert after.uidvalidity != before.uidvalidity
    assert after.exists == 2
    assert len(source.search_header("Jobs", "Message-ID", message_id(raw))) == 1


def test_big_message_is_truncated_at_max_bytes(source, backend):
    body = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n" * 55_000)[:3_100_000]
    raw = make_message("Huge attachment", body=body)
    backend.deliver(raw)
    (uid,) = source.uids_after("INBOX", 0)

    (fetched,) = source.fetch_messages("INBOX", [uid], max_bytes=1_000_000)

    header_end = fetched.data.index(b"\n\n" if b"\r\n" not in fetched.data[:200] else b"\r\n\r\n")
    assert fetched.truncated
    assert fetched.size >= 3_000_000
    assert 1_000_000 <= len(fetched.data) - header_end <= 1_000_004
    assert b"Subject: Huge attachment" in fetched.data[:header_end]
    (whole,) = source.fetch_messages("INBOX", [uid], max_bytes=5_000_000)
    assert not whole.truncated and lf(whole.data) == lf(raw)


def test_hostile_messages_are_fetched_without_error(source, backend):
    long_header = make_message("long header", headers={"X-Junk": "a" * 1_500_000})
    broken_mime = (
        b"From: x@example.com\r\nSubject: broken\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
        b"--never-closed\r\nContent-Type: text/plain; charset=bogus-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n%%%not base64%%%\r\n"
    )
    backend.deliver(make_message("before"))
    backend.deliver(long_header)
    backend.deliver(broken_mime)
    backend.deliver(make_message("after"))
    uids = source.uids_after("INBOX", 0)

    headers = list(source.fetch_headers("INBOX", uids))
    bodies = list(source.fetch_messages("INBOX", uids))

    assert [f.uid for f in headers] == [f.uid for f in bodies] == uids
    assert parse_header(headers[1].data).subject.startswith("long header")
    assert parse_header(headers[2].data).subject == "broken"
    assert lf(bodies[1].data) == lf(long_header)
    assert lf(bodies[2].data) == lf(broken_mime)
    assert b"Subject: after" in bodies[3].data


# -- IMAP only: the protocol trace of a scan --------------------------------


def test_imap_scan_sends_only_read_only_commands(dovecot, mail_user, imap_factory, caplog):
    dovecot.deliver(mail_user, make_message())
    dovecot.deliver(mail_user, make_message(), flags=("\\Seen",))
    # Both loggers: a command run earlier in this process (setup_logging) may have set
    # the protocol logger to WARNING.
    for name in ("imapclient", "imapclient.imaplib"):
        caplog.set_level(logging.DEBUG, logger=name)
    source = imap_factory(mail_user)  # connected with the protocol log on
    caplog.clear()  # only the source's own session from here on

    for folder in ("INBOX", "Drafts"):
        source.folder_state(folder)
        uids = source.uids_after(folder, 0)
        list(source.fetch_headers(folder, uids))
        list(source.fetch_messages(folder, uids))
        source.fetch_flags(folder, uids)
        source.search_header(folder, "X-Followup-Id", "nothing")

    sent = [r.getMessage() for r in caplog.records if r.getMessage().startswith(">")]
    commands = [re.sub(r"^> b?'?\w+ (UID )?", "", line).split(" ")[0].upper() for line in sent]
    assert "EXAMINE" in commands and "FETCH" in commands
    assert not {"SELECT", "STORE", "EXPUNGE", "CREATE", "COPY", "MOVE", "APPEND"} & set(commands)
    fetches = [line for line in sent if " FETCH " in line]
    assert all("BODY[" not in line and "RFC822 " not in line for line in fetches)


# -- Maildir only: the UID sidecar ------------------------------------------


def test_maildir_uids_survive_flag_renames_and_restarts(tmp_path):
    backend = MaildirBackend(tmp_path / "Maildir")
    backend.deliver(make_message("one"))
    backend.deliver(make_message("two"))
    with MaildirSource(backend.root) as source:
        state = source.folder_state("INBOX")
        uids = source.uids_after("INBOX", 0)
    # A mail program reads the first message: new/ -> cur/ with :2,S
    first = sorted((backend.root / "new").iterdir())[0]
    first.rename(backend.root / "cur" / (first.name + ":2,S"))
    backend.deliver(make_message("three"))

    with MaildirSource(backend.root) as source:
        assert source.folder_state("INBOX").uidvalidity == state.uidvalidity
        assert source.uids_after("INBOX", 0) == [*uids, uids[-1] + 1]
        flags = source.fetch_flags("INBOX", uids)
        assert flags == {uids[0]: frozenset({"\\Seen"}), uids[1]: frozenset()}
        (fetched,) = source.fetch_headers("INBOX", [uids[0]])
        assert b"Subject: one" in fetched.data
    assert (backend.root / UIDLIST).stat().st_mode & 0o777 == 0o600


def test_maildir_numbers_follow_delivery_order_within_one_second(tmp_path):
    # Delivery agents count within a second (M9, M10, ...; Dovecot uses microseconds):
    # numbers in a name compare as numbers, not as text.
    root = tmp_path / "Maildir"
    MaildirBackend(root)
    for n in (9, 10, 99, 100, 1000):
        name = f"1764230000.M{n}P4242.host"
        (root / "new" / name).write_bytes(lf(make_message(f"number {n}")))
    (root / "cur" / "1764229999.M123456P1.host:2,S").write_bytes(lf(make_message("older")))
    with MaildirSource(root) as source:
        uids = source.uids_after("INBOX", 0)
        subjects = [parse_header(f.data).subject for f in source.fetch_headers("INBOX", uids)]
    order = [s.rsplit(" ", 1)[0] for s in subjects]
    assert order == ["older", "number 9", "number 10", "number 99", "number 100", "number 1000"]


def test_maildir_lost_sidecar_means_new_uidvalidity(tmp_path):
    backend = MaildirBackend(tmp_path / "Maildir")
    backend.deliver(make_message())
    with MaildirSource(backend.root) as source:
        before = source.folder_state("INBOX").uidvalidity
    (backend.root / UIDLIST).unlink()
    with MaildirSource(backend.root) as source:
        assert source.folder_state("INBOX").uidvalidity != before


def test_maildir_nested_and_encoded_folder_names(tmp_path):
    backend = MaildirBackend(tmp_path / "Maildir")
    for name in (".S&APg-knader", ".R&-D"):
        for sub in ("cur", "new", "tmp"):
            (backend.root / name / sub).mkdir(parents=True)
    with MaildirSource(backend.root) as source:
        names = {folder.name for folder in source.folders()}
        assert {"INBOX", "Jobs", "Jobs/2026", "Søknader", "R&D"} <= names
        uid = source.append("Søknader", make_message(headers={"X-Followup-Id": "x"}))
        assert source.uids_after("Søknader", 0) == [uid]
