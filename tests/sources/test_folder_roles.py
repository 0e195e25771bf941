"""Drafts folder discovery (T12 a-e): the pure role rules, then real Dovecot layouts."""

from __future__ import annotations

import pytest
from imapclient import IMAPClient

from agent.errors import FolderError
from agent.sources.base import ALL, DRAFTS, INBOX, JUNK, SENT, TRASH
from agent.sources.roles import assign_roles

DRAFT = b"Subject: follow-up\r\nX-Followup-Id: roles-1\r\n\r\nHello\r\n"


def roles_of(entries, **kwargs):
    return {f.name: f.roles for f in assign_roles(entries, **kwargs)}


# -- pure rules ----------------------------------------------------------------


def test_special_use_wins_over_names():
    roles = roles_of(
        [
            ((b"\\HasNoChildren",), b"/", "Drafts"),
            ((b"\\HasNoChildren", b"\\Drafts"), b"/", "[Gmail]/Utkast"),
            ((b"\\HasNoChildren",), b"/", "INBOX"),
        ]
    )
    assert roles["[Gmail]/Utkast"] == {DRAFTS}
    assert roles["Drafts"] == frozenset()
    assert roles["INBOX"] == {INBOX}


def test_xlist_attributes_map_to_roles():
    roles = roles_of(
        [
            ((b"\\Inbox",), b"/", "Innboks"),
            ((b"\\AllMail",), b"/", "[Gmail]/All Mail"),
            ((b"\\Spam",), b"/", "[Gmail]/Spam"),
            ((b"\\Trash",), b"/", "[Gmail]/Bin"),
        ]
    )
    assert roles == {
        "Innboks": {INBOX},
        "[Gmail]/All Mail": {ALL},
        "[Gmail]/Spam": {JUNK},
        "[Gmail]/Bin": {TRASH},
    }


def test_dotted_inbox_drafts_by_exact_name_without_special_use():
    roles = roles_of(
        [
            ((b"\\HasChildren",), b".", "INBOX"),
            ((b"\\HasNoChildren",), b".", "INBOX.Drafts"),
            ((b"\\HasNoChildren",), b".", "INBOX.Sent"),
            ((b"\\HasNoChildren",), b".", "INBOX.Drafts-old"),
        ]
    )
    assert roles["INBOX.Drafts"] == {DRAFTS}
    assert roles["INBOX.Sent"] == {SENT}
    assert roles["INBOX.Drafts-old"] == frozenset()


@pytest.mark.parametrize(
    "name", ["Brouillons", "My Drafts", "Drafts2", "Archive/Drafts", "Entwürfe", "Borradores"]
)
def test_no_guessing_beyond_exact_names(name):
    roles = roles_of([((), "/", "INBOX"), ((), "/", name)])
    assert roles[name] == frozenset()


def test_noselect_parent_gets_no_role():
    (folder,) = assign_roles([((b"\\Noselect", b"\\HasChildren"), b"/", "Drafts")])
    assert not folder.selectable and folder.roles == frozenset()


def test_configured_folder_wins_over_special_use():
    entries = [((b"\\Drafts",), b"/", "Drafts"), ((), b"/", "Brouillons")]
    assert roles_of(entries, configured={DRAFTS: "Brouillons"}) == {
        "Drafts": frozenset(),
        "Brouillons": {DRAFTS},
    }


def test_a_configured_folder_that_does_not_exist_is_not_replaced_by_a_guess():
    entries = [((b"\\Drafts",), b"/", "Drafts"), ((), b"/", "Sent")]
    roles = roles_of(entries, configured={DRAFTS: "Kladd", SENT: "Sendt"})
    assert roles == {"Drafts": frozenset(), "Sent": frozenset()}


# -- against Dovecot -------------------------------------------------------------


def wire_names(dovecot, user) -> list[bytes]:
    """Folder names exactly as sent by the server (modified UTF-7, undecoded)."""
    client = IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False, timeout=10)
    client.login(user.name, user.password)
    client.folder_encode = False
    try:
        return [name for _, _, name in client.list_folders()]
    finally:
        client.logout()


def append_draft(dovecot, user, source) -> str:
    drafts = source.drafts_folder().name
    uid = source.append(drafts, DRAFT)
    assert uid is not None
    assert dovecot.search(user, drafts, "header", "X-Followup-Id", "roles-1") == [uid]
    return drafts


def test_a_norwegian_gmail_utkast(dovecot, make_user, imap_factory):
    user = make_user("gmail_no")
    source = imap_factory(user)
    assert append_draft(dovecot, user, source) == "[Gmail]/Utkast"
    assert source.folder_for_role(SENT).name == "[Gmail]/Sendt e-post"
    assert source.folder_for_role(ALL).name == "[Gmail]/Alle e-poster"


def test_b_german_entwuerfe_round_trips_modified_utf7(dovecot, make_user, imap_factory):
    user = make_user("gmail_de")
    source = imap_factory(user)
    assert append_draft(dovecot, user, source) == "[Google Mail]/Entwürfe"
    assert b"[Google Mail]/Entw&APw-rfe" in wire_names(dovecot, user)
    assert all(b"&AMM" not in name for name in wire_names(dovecot, user))  # no double encoding
    assert source.search_header("[Google Mail]/Entwürfe", "X-Followup-Id", "roles-1")


def test_c_inbox_dot_drafts_without_special_use(dovecot, make_user, imap_factory):
    user = make_user("dotted")
    source = imap_factory(user)
    folders = {f.name: f for f in source.folders()}
    assert folders["INBOX.Drafts"].delimiter == "."
    assert append_draft(dovecot, user, source) == "INBOX.Drafts"
    assert source.folder_for_role(SENT).name == "INBOX.Sent"


def test_d_only_brouillons_refuses_to_draft(dovecot, make_user, imap_factory):
    user = make_user("nospecial")
    source = imap_factory(user)
    before = {f.name for f in source.folders()}

    assert source.folder_for_role(DRAFTS) is None
    with pytest.raises(FolderError, match="Drafts folder not identified; set drafts_folder"):
        source.drafts_folder()
    assert {f.name for f in source.folders()} == before == {"INBOX", "Brouillons"}

    configured = imap_factory(user, drafts_folder="Brouillons")
    assert append_draft(dovecot, user, configured) == "Brouillons"

    misspelt = imap_factory(user, drafts_folder="Brouillon")
    with pytest.raises(FolderError, match="drafts_folder 'Brouillon' does not exist"):
        misspelt.drafts_folder()
    assert {f.name for f in misspelt.folders()} == before


def test_e_folder_names_with_ampersand(dovecot, make_user, imap_factory):
    user = make_user("ampersand")
    source = imap_factory(user)
    assert append_draft(dovecot, user, source) == "Kladd & utkast"
    wire = wire_names(dovecot, user)
    assert b"Kladd &- utkast" in wire and b"R&-D" in wire
    uid = source.append("R&D", DRAFT)
    assert source.uids_after("R&D", 0) == [uid]
    assert dovecot.status(user, "R&D")["messages"] == 1
