"""``followup show`` with its checklist, ``followup reflect`` and the status hint, over
real mailboxes: the English corpus mailbox of test_review_cli (Kvarts invites to a Teams
interview on Monday 30 November 15:30) and a Norwegian process in two rounds
(tests/coaching: Fjellvind, first interview 19 November, second 10 December)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest
from locations import COACHING
from test_review_cli import as_json, by_company, invoke, ok, scanned_mailbox

from agent.errors import UsageError

FJELLVIND = COACHING
NB_ADDRESS = "ola.nordmann@gmail.com"


@pytest.fixture
def config(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return scanned_mailbox(tmp_path_factory, tmp_path / "box")


@pytest.fixture
def nb_config(tmp_path: Path) -> Path:
    mail = tmp_path / "mail"
    for folder in ("", ".Sent", ".Drafts"):
        for sub in ("cur", "new", "tmp"):
            (mail / folder / sub).mkdir(parents=True, exist_ok=True)
    for n, name in enumerate(sorted(p.name for p in FJELLVIND.glob("*.eml")), start=1):
        folder = mail / ".Sent" if "takk" in name else mail
        shutil.copy(FJELLVIND / name, folder / "cur" / f"17000000{n:02d}.M{n}P1.test:2,S")
    config = tmp_path / "config.toml"
    config.write_text(
        f'state_dir = "{tmp_path / "state"}"\ntimezone = "Europe/Oslo"\ncountry = "NO"\n'
        'languages = ["nb", "en"]\n\n[[accounts]]\nname = "main"\n'
        f'address = "{NB_ADDRESS}"\nmaildir = "{mail}"\n',
        encoding="utf-8",
    )
    ok(config, "scan", "--now", "2026-11-27T09:00:00+01:00", "--json")
    return config


def _kvarts(config: Path, now: str) -> str:
    rows = as_json(config, "processes", "--all", "--now", now)
    return by_company(rows, "Kvarts")["id"]  # type: ignore[arg-type]


def _fjellvind(config: Path, now: str) -> str:
    (row,) = as_json(config, "processes", "--all", "--now", now)  # type: ignore[misc]
    return row["id"]


# -- the checklist ------------------------------------------------------------------------


def test_show_lists_the_english_checklist_before_the_interview(config: Path) -> None:
    now = "2026-11-27T09:00:00+01:00"
    pid = _kvarts(config, now)
    text = ok(config, "show", pid, "--now", now)
    assert "Before the interview" in text
    assert "When do you expect to decide, and how will I hear from you?" in text
    assert f"followup reflect {pid}" in text
    assert (
        "Microsoft Teams https://teams.microsoft.com/l/meetup-join/" in text
    )  # where, from the mail
    data = as_json(config, "show", pid, "--now", now)
    assert data["checklist"]["language"] == "en" and data["checklist"]["round"] == 1  # type: ignore[index]
    assert data["interview_place"] == "Microsoft Teams"  # type: ignore[index]
    assert data["reflections"] == [] and data["reflect_suggested"] is False  # type: ignore[index]


def test_show_lists_the_norwegian_checklist_for_the_second_round(nb_config: Path) -> None:
    now = "2026-11-27T09:00:00+01:00"
    pid = _fjellvind(nb_config, now)
    text = ok(nb_config, "show", pid, "--now", now)
    assert "Før intervjuet" in text and "Runde 2: dette kommer gjerne nå" in text
    assert "Når regner dere med å bestemme dere, og hvordan får jeg vite det?" in text
    assert "Tester og case-oppgaver er vanlige" in text
    assert "Fjellvind AS, Kongens gate 4, Trondheim" in text
    data = as_json(nb_config, "show", pid, "--now", now)
    checklist = data["checklist"]  # type: ignore[index]
    assert checklist["language"] == "nb" and checklist["round"] == 2
    assert [s["key"] for s in checklist["sections"]] == ["prepare", "ask", "later_round", "after"]


def test_no_checklist_after_the_interview(config: Path) -> None:
    now = "2026-12-01T09:00:00+01:00"
    data = as_json(config, "show", _kvarts(config, now), "--now", now)
    assert data["checklist"] is None and data["reflect_suggested"] is True  # type: ignore[index]


# -- reflect ------------------------------------------------------------------------------


def test_status_suggests_reflect_once_the_interview_has_passed(config: Path) -> None:
    before = "2026-11-30T12:00:00+01:00"
    assert as_json(config, "status", "--now", before)["reflect"] == []  # type: ignore[index]
    after = "2026-11-30T17:00:00+01:00"
    pid = _kvarts(config, after)
    (hint,) = as_json(config, "status", "--now", after)["reflect"]  # type: ignore[index]
    assert hint["process"] == pid and hint["interview_at"] == "2026-11-30T15:30:00+01:00"
    assert f"followup reflect {pid}" in ok(config, "status", "--now", after)
    ok(config, "reflect", pid, "-a", "went_well=Clear answers", "--now", after)
    assert as_json(config, "status", "--now", after)["reflect"] == []  # type: ignore[index]
    late = "2026-12-20T12:00:00+01:00"  # more than two weeks later: no longer suggested
    other = as_json(config, "status", "--now", late)["reflect"]  # type: ignore[index]
    assert all(h["process"] != pid for h in other)


def test_reflect_in_english_from_options_becomes_the_promise(config: Path) -> None:
    now = "2026-12-01T10:00:00+01:00"
    pid = _kvarts(config, now)
    out = ok(
        config, "reflect", pid, "--now", now, "--json",
        "-a", "went_well=Explained the pipeline migration well",
        "-a", "do_better=Prepare a shorter answer on weaknesses",
        "--answer", "employer=Small data team, moving to dbt",
        "-a", "next_steps=A second round with the CTO; decision in two weeks",
        "--answer-by", "within two weeks", "--interest", "4",
    )  # fmt: skip
    data = json.loads(out)
    assert data["answer_by"] == "2026-12-14"  # two weeks from the interview day, 30 November
    assert data["promised_by"] == "2026-12-14" and data["interest"] == 4
    assert "next_action" in data and "next_due_at" in data
    assert [a["key"] for a in data["answers"]] == [
        "went_well",
        "do_better",
        "employer",
        "next_steps",
    ]
    shown = as_json(config, "show", pid, "--now", now)
    assert shown["promise_source"] == "user" and shown["promised_by"] == "2026-12-14"  # type: ignore[index]
    (saved,) = shown["reflections"]  # type: ignore[index]
    assert saved["answers"][0]["answer"] == "Explained the pipeline migration well"
    text = ok(config, "show", pid, "--now", now)
    assert (
        "Looking back (round 1" in text
        and "Do better: Prepare a shorter answer on weaknesses" in text
    )
    assert "How much you want the job: 4/5" in text
    # Looking back again on the same round keeps what was not changed.
    ok(config, "reflect", pid, "--now", now, "--interest", "5")
    (again,) = as_json(config, "show", pid, "--now", now)["reflections"]  # type: ignore[index]
    assert again["interest"] == 5 and len(again["answers"]) == 4


def test_reflect_in_norwegian_asks_each_question_in_turn(nb_config: Path) -> None:
    now = "2026-12-10T13:00:00+01:00"
    pid = _fjellvind(nb_config, now)
    answers = "\n".join(
        [
            "Jeg fikk vist fram prosjektene mine",
            "",  # skipped
            "De bygger ut vindparker i Midt-Norge",
            "De bestemmer seg innen fredag",
            "innen fredag",
            "9",  # out of range: asked again
            "5",
        ]
    )
    from click.testing import CliRunner

    from agent.cli import cli

    result = CliRunner().invoke(
        cli,
        ["reflect", pid, "--now", now],
        env={"FOLLOWUP_CONFIG": str(nb_config)},
        input=answers + "\n",
    )
    assert result.exit_code == 0, (result.output, result.exception)
    out = result.output
    assert "Tilbakeblikk på intervjuet" in out and "Hva gikk bra, og hvorfor?" in out
    assert "Hvor gjerne vil du ha denne jobben nå?" in out and "expected a number 1-5" in out
    data = as_json(nb_config, "show", pid, "--now", now)
    (saved,) = data["reflections"]  # type: ignore[index]
    assert saved["language"] == "nb" and saved["round"] == 2 and saved["interest"] == 5
    assert saved["answer_by"] == "2026-12-11"  # Friday after the interview on Thursday 10 December
    assert [a["key"] for a in saved["answers"]] == ["went_well", "employer", "next_steps"]
    assert data["promised_by"] == "2026-12-11" and data["promise_source"] == "user"  # type: ignore[index]
    assert data["next_action"] == "followup_after_promise"  # type: ignore[index]
    assert data["next_due_at"] == "2026-12-14T09:00:00+01:00"  # type: ignore[index]
    text = ok(nb_config, "show", pid, "--now", now)
    assert "Gikk bra: Jeg fikk vist fram prosjektene mine" in text
    assert "Svar lovet innen: 2026-12-11" in text


def test_reflect_with_the_editor_keeps_long_answers(config: Path, tmp_path: Path) -> None:
    now = "2026-12-01T10:00:00+01:00"
    pid = _kvarts(config, now)
    script = tmp_path / "fill.py"
    script.write_text(
        "import sys\n"
        "path = sys.argv[1]\n"
        "text = open(path, encoding='utf-8').read()\n"
        "fill = {'went_well': 'The case discussion.\\n\\nThey liked the dbt example.',\n"
        "        'answer_by': '2026-12-09', 'interest': '3'}\n"
        "out = []\n"
        "for line in text.splitlines():\n"
        "    out.append(line)\n"
        "    for key, value in fill.items():\n"
        "        if line.startswith(f'## {key}:'):\n"
        "            out.append(value)\n"
        "open(path, 'w', encoding='utf-8').write('\\n'.join(out) + '\\n')\n",
        encoding="utf-8",
    )
    editor = f"{sys.executable} {script}"
    ok(config, "reflect", pid, "--editor", "--now", now, env={"EDITOR": editor, "VISUAL": editor})
    data = as_json(config, "show", pid, "--now", now)
    (saved,) = data["reflections"]  # type: ignore[index]
    assert saved["answers"] == [
        {"key": "went_well", "question": "What went well, and why did it?",
         "answer": "The case discussion.\n\nThey liked the dbt example."}
    ]  # fmt: skip
    assert saved["interest"] == 3 and data["promised_by"] == "2026-12-09"  # type: ignore[index]


def test_reflect_refuses_what_it_cannot_read(config: Path) -> None:
    now = "2026-12-01T10:00:00+01:00"
    pid = _kvarts(config, now)
    for args, word in (
        (["--interest", "7"], "--interest"),
        (["--answer-by", "when pigs fly"], "--answer-by"),
        (["-a", "mood=fine"], "--answer"),
    ):
        result = invoke(config, "reflect", pid, "--now", now, *args)
        assert isinstance(result.exception, UsageError), result.output
        assert word in str(result.exception)


def test_reflections_stay_in_the_private_database(config: Path) -> None:
    now = "2026-12-01T10:00:00+01:00"
    pid = _kvarts(config, now)
    ok(config, "reflect", pid, "-a", "went_well=secret-note-4711", "--now", now)
    state = config.parent / "state"
    db = next(state.glob("*.db"))
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    from agent.store import Store

    with Store.open(db) as store:
        (r,) = store.reflections()
    assert r.answers == {"went_well": "secret-note-4711"} and r.process_id == pid
