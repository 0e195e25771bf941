"""``followup drafts``: list, show, edit and discard against the Drafts folder of a real Maildir."""

from __future__ import annotations

import email
import email.policy
import shutil
import sys
from pathlib import Path

import pytest
from test_review_cli import (
    ADDRESS,
    ALIASES,
    CORPUS,
    LATER,
    SCAN_AT,
    as_json,
    by_company,
    failure,
    invoke,
    ok,
    scanned_mailbox,
)

from agent.views import DRAFT_KEYS

ADDED_LINE = "P.S. I can start in January."


@pytest.fixture
def config(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return scanned_mailbox(tmp_path_factory, tmp_path / "box")


def drafts_dir(config: Path) -> Path:
    return config.parent / "mail" / ".Drafts" / "cur"


def files_with_id(config: Path, followup_id: str) -> list[Path]:
    found = []
    for path in sorted(drafts_dir(config).iterdir()):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if msg["X-Followup-Id"] == followup_id:
            found.append(path)
    return found


def text_of(path: Path) -> str:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return msg.get_content()


def drafts(config: Path) -> list[dict]:
    rows = as_json(config, "drafts", "--now", LATER)
    assert isinstance(rows, list)
    return rows


def draft_for(config: Path, company: str) -> dict:
    return by_company(drafts(config), company)


def editor_script(tmp_path: Path, line: str = ADDED_LINE) -> str:
    """An $EDITOR that appends a line to the file it is given, as a person would."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\n"
        "with open(sys.argv[1], 'a', encoding='utf-8') as handle:\n"
        f"    handle.write({line!r} + '\\n')\n",
        encoding="utf-8",
    )
    return f"{sys.executable} {script}"


def test_list_shows_every_draft_with_its_process_and_note(config: Path) -> None:
    rows = drafts(config)
    assert len(rows) == 3
    for row in rows:
        assert tuple(row) == DRAFT_KEYS
        assert row["state"] == "appended" and row["folder"] == "Drafts" and row["uid"]
        assert len(files_with_id(config, row["id"])) == 1
    tindra = by_company(rows, "Tindra")
    assert tindra["to"] == "" and tindra["note"].startswith("no recipient")
    greyhaven = by_company(rows, "Greyhaven")
    assert greyhaven["to"] == "Lucy Tran <lucy.tran@greyhaven.com>"
    assert greyhaven["action"] == "followup_after_promise"
    assert greyhaven["due_at"] == "2026-12-03T09:00:00+01:00"
    processes = as_json(config, "processes", "--now", LATER)
    assert greyhaven["process"] == by_company(processes, "Greyhaven")["id"]

    text = ok(config, "drafts", "--now", LATER)
    assert tindra["id"] in text and "(no recipient)" in text and "note: no recipient" in text
    assert ok(config, "drafts", "list", "--now", LATER) == text


def test_show_prints_headers_and_text(config: Path) -> None:
    draft = draft_for(config, "Greyhaven")
    text = ok(config, "drafts", "show", draft["id"][:6], "--now", LATER)
    assert "To: Lucy Tran <lucy.tran@greyhaven.com>" in text
    assert f"Subject: {draft['subject']}" in text
    assert f"X-Followup-Id: {draft['id']}" in text
    assert "From: Jonas Haugen <jonas.haugen@gmail.com>" in text
    (path,) = files_with_id(config, draft["id"])
    assert text_of(path).strip() in text  # the same text as the draft in the mailbox
    data = as_json(config, "drafts", "show", draft["id"])
    assert data["body"].strip() == text_of(path).strip()


def test_discard_removes_our_draft_and_it_never_comes_back(config: Path) -> None:
    draft = draft_for(config, "Kvarts")
    others = {p.name for p in drafts_dir(config).iterdir()} - {
        p.name for p in files_with_id(config, draft["id"])
    }
    out = ok(config, "drafts", "discard", draft["id"][:8], "--now", LATER)
    assert out.startswith(f"Discarded draft {draft['id']}")
    assert files_with_id(config, draft["id"]) == []
    assert {p.name for p in drafts_dir(config).iterdir()} == others  # nothing else touched
    assert draft_for(config, "Kvarts")["state"] == "discarded"

    scan = as_json(config, "scan", "--now", "2026-12-09T10:00:00+01:00")
    planned = scan["accounts"][0]["planned"]
    assert draft["id"] not in {p.get("followup_id") for p in planned}
    assert files_with_id(config, draft["id"]) == []
    assert draft_for(config, "Kvarts")["state"] == "discarded"
    kvarts = by_company(
        as_json(config, "processes", "--now", "2026-12-09T10:00:00+01:00"), "Kvarts"
    )
    assert kvarts["next_status"] == "none" and "discarded" in kvarts["next_reason"]

    assert "nothing to discard" in failure(invoke(config, "drafts", "discard", draft["id"]))


def test_edit_replaces_the_draft_in_the_mailbox(config: Path, tmp_path: Path) -> None:
    draft = draft_for(config, "Greyhaven")
    (old_path,) = files_with_id(config, draft["id"])
    old_text = text_of(old_path)
    out = ok(
        config,
        "drafts",
        "edit",
        draft["id"],
        "--now",
        LATER,
        env={"EDITOR": editor_script(tmp_path)},
    )
    assert out.startswith(f"Draft {draft['id']} updated in Drafts")

    (new_path,) = files_with_id(config, draft["id"])  # one copy: the old one is gone
    assert new_path != old_path and not old_path.exists()
    assert text_of(new_path).strip() == (old_text.rstrip() + "\n" + ADDED_LINE).strip()
    new_msg = email.message_from_bytes(new_path.read_bytes(), policy=email.policy.default)
    assert new_msg["Message-ID"] == draft["message_id"]
    assert str(new_msg["To"]) == draft["to"] and str(new_msg["Subject"]) == draft["subject"]
    assert new_msg["In-Reply-To"] and new_msg["References"]
    assert new_path.name.endswith(":2,D")

    after = draft_for(config, "Greyhaven")
    assert after["state"] == "appended" and after["uid"] != draft["uid"]
    assert ADDED_LINE in as_json(config, "drafts", "show", draft["id"])["body"]

    # The next scan sees our own (edited) draft, not a user edit, and writes no copy.
    scan = as_json(config, "scan", "--now", "2026-12-08T13:00:00+01:00")
    assert scan["accounts"][0]["drafts_handed_off"] == {}
    assert draft_for(config, "Greyhaven")["state"] == "appended"
    assert len(files_with_id(config, draft["id"])) == 1


def test_edit_without_changes_changes_nothing(config: Path) -> None:
    draft = draft_for(config, "Greyhaven")
    (path,) = files_with_id(config, draft["id"])
    out = ok(config, "drafts", "edit", draft["id"], "--now", LATER, env={"EDITOR": "true"})
    assert out.startswith("No changes")
    assert files_with_id(config, draft["id"]) == [path]
    assert draft_for(config, "Greyhaven") == draft


def test_a_draft_edited_in_the_mail_program_is_left_alone(config: Path, tmp_path: Path) -> None:
    draft = draft_for(config, "Greyhaven")
    (path,) = files_with_id(config, draft["id"])
    # A mail program saves an edited draft as a new message (a new file, so a new UID).
    edited = path.with_name("1800000000.M9P9.client:2,D")
    shutil.move(path, edited)
    with open(edited, "a", encoding="utf-8") as handle:
        handle.write("Edited in my mail program.\n")
    before = edited.read_bytes()

    result = invoke(
        config,
        "drafts",
        "edit",
        draft["id"],
        "--now",
        LATER,
        env={"EDITOR": editor_script(tmp_path)},
    )
    assert "changed in your mail program" in failure(result)
    assert edited.read_bytes() == before and files_with_id(config, draft["id"]) == [edited]
    assert draft_for(config, "Greyhaven")["state"] == "user_edited"

    assert "yours now" in failure(invoke(config, "drafts", "discard", draft["id"], "--now", LATER))
    assert "yours now" in failure(invoke(config, "drafts", "edit", draft["id"], "--now", LATER))
    assert edited.exists() and edited.read_bytes() == before


def test_edit_gives_way_to_a_scan_that_ran_meanwhile(config: Path, tmp_path: Path) -> None:
    draft = draft_for(config, "Greyhaven")
    (path,) = files_with_id(config, draft["id"])
    before = path.read_bytes()
    # While the editor is open, a scan withdraws the draft (the employer wrote).
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\n"
        "from datetime import datetime\n"
        "from agent.store import Store\n"
        f"with Store.open({str(config.parent / 'state' / 'followup.db')!r}) as store:\n"
        f"    store.set_draft_state({draft['id']!r}, 'cancelled', at=datetime.fromisoformat({LATER!r}),"
        " reason='Lucy Tran wrote')\n"
        "with open(sys.argv[1], 'a', encoding='utf-8') as handle:\n"
        "    handle.write('P.S. one more thing\\n')\n",
        encoding="utf-8",
    )
    result = invoke(
        config,
        "drafts",
        "edit",
        draft["id"],
        "--now",
        LATER,
        env={"EDITOR": f"{sys.executable} {script}"},
    )
    assert "cancelled" in failure(result) and "nothing to edit" in failure(result)
    assert files_with_id(config, draft["id"]) == [path] and path.read_bytes() == before
    assert draft_for(config, "Greyhaven")["state"] == "cancelled"


def test_draft_ids_are_checked(config: Path) -> None:
    assert "no draft with id 'zzzz'" in failure(invoke(config, "drafts", "show", "zzzz"))
    assert "a draft id is needed" in failure(invoke(config, "drafts", "show", " "))


# -- the same over IMAP ----------------------------------------------------------------------


def _imap_config(root: Path, dovecot: object, user: object) -> Path:
    from dovecot import HOST

    secret = root / "password.py"
    secret.write_text(f"print({user.password!r})\n", encoding="utf-8")  # type: ignore[attr-defined]
    config = root / "config.toml"
    config.write_text(
        f'state_dir = "{root / "state"}"\ntimezone = "Europe/Oslo"\ncountry = "NO"\n\n'
        f'[[accounts]]\nname = "imap"\nhost = "{HOST}"\nport = {dovecot.imaps_port}\n'  # type: ignore[attr-defined]
        f'ca_file = "{dovecot.ca_file}"\nusername = "{user.name}"\n'  # type: ignore[attr-defined]
        f'address = "{ADDRESS}"\naliases = {list(ALIASES)!r}\n'.replace("'", '"')
        + f'password_command = "{sys.executable} {secret}"\ntimeout = 10\n',
        encoding="utf-8",
    )
    return config


def _uids_with_id(dovecot: object, user: object, followup_id: str) -> list[int]:
    client = dovecot.admin_client(user)  # type: ignore[attr-defined]
    try:
        client.select_folder("Drafts", readonly=True)
        return sorted(client.search(["HEADER", "X-Followup-Id", followup_id]))
    finally:
        client.logout()


@pytest.mark.dovecot
def test_edit_and_discard_over_imap(dovecot: object, mail_user: object, tmp_path: Path) -> None:
    for name in ("en_status_couple_of_weeks", "en_invite_teams_video"):
        dovecot.deliver(mail_user, (CORPUS / f"{name}.eml").read_bytes())  # type: ignore[attr-defined]
    config = _imap_config(tmp_path, dovecot, mail_user)
    ok(config, "scan", "--now", SCAN_AT, "--json")
    grey, kvarts = draft_for(config, "Greyhaven"), draft_for(config, "Kvarts")
    assert _uids_with_id(dovecot, mail_user, grey["id"]) == [grey["uid"]]

    env = {"EDITOR": editor_script(tmp_path)}
    ok(config, "drafts", "edit", grey["id"], "--now", LATER, env=env)
    edited = draft_for(config, "Greyhaven")
    assert _uids_with_id(dovecot, mail_user, grey["id"]) == [edited["uid"]] != [grey["uid"]]
    client = dovecot.admin_client(mail_user)  # type: ignore[attr-defined]
    try:
        client.select_folder("Drafts", readonly=True)
        fetched = client.fetch([edited["uid"]], ["BODY.PEEK[]", "FLAGS"])[edited["uid"]]
    finally:
        client.logout()
    assert b"\\Draft" in fetched[b"FLAGS"]
    msg = email.message_from_bytes(fetched[b"BODY[]"], policy=email.policy.default)
    assert ADDED_LINE in msg.get_content() and msg["Message-ID"] == grey["message_id"]

    ok(config, "drafts", "discard", kvarts["id"], "--now", LATER)
    assert _uids_with_id(dovecot, mail_user, kvarts["id"]) == []
    report = as_json(config, "scan", "--now", "2026-12-09T10:00:00+01:00")
    assert report["accounts"][0]["drafts_created"] == []
    assert report["accounts"][0]["drafts_handed_off"] == {}
    assert _uids_with_id(dovecot, mail_user, kvarts["id"]) == []
    states = {d["company"].split()[0]: d["state"] for d in drafts(config)}
    assert states == {"Greyhaven": "appended", "Kvarts": "discarded"}
