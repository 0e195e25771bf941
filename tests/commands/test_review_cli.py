"""``followup status``, ``processes`` and ``show`` over a real Maildir scanned by ``followup scan``.

The mailbox holds six messages from tests/corpus (five employers and a friend); one
scan on 2026-12-08 10:00 (Oslo) writes three follow-up drafts. The helpers here are
shared with the draft and correction tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from locations import CORPUS

from agent.cli import cli
from agent.errors import UsageError
from agent.store import Store
from agent.views import DETAIL_KEYS, PROCESS_KEYS

CORPUS = CORPUS
MESSAGES = (
    "en_ack_lever",  # Tindra Labs, from a no-reply address, promised 2026-11-24
    "en_status_couple_of_weeks",  # Greyhaven, promised 2026-12-02
    "en_invite_teams_video",  # Kvarts, interview 2026-11-30
    "en_status_within_two_weeks",  # Brightwater Analytics, promised 2026-12-08
    "en_reject_no_interview_ats",  # Corvid Security, rejected 2026-10-26
    "en_notjob_friend_dinner",
)
ADDRESS = "jonas.haugen@gmail.com"
ALIASES = ("emma.clarke@icloud.com", "priya.raman@outlook.com", "sara.ahmed@gmail.com")
SCAN_AT = "2026-12-08T10:00:00+01:00"
LATER = "2026-12-08T12:00:00+01:00"
_TEMPLATE: dict[str, Path] = {}


def write_config(root: Path) -> Path:
    config = root / "config.toml"
    aliases = ", ".join(f'"{a}"' for a in ALIASES)
    config.write_text(
        f'state_dir = "{root / "state"}"\n'
        'timezone = "Europe/Oslo"\n'
        'country = "NO"\n'
        'languages = ["en", "nb"]\n\n'
        "[[accounts]]\n"
        'name = "main"\n'
        f'address = "{ADDRESS}"\n'
        f"aliases = [{aliases}]\n"
        'display_name = "Jonas Haugen"\n'
        f'maildir = "{root / "mail"}"\n',
        encoding="utf-8",
    )
    return config


def make_mailbox(root: Path) -> Path:
    """A Maildir++ tree (INBOX, .Sent, .Drafts) with the corpus messages; returns the config."""
    mail = root / "mail"
    for folder in ("", ".Sent", ".Drafts"):
        for sub in ("cur", "new", "tmp"):
            (mail / folder / sub).mkdir(parents=True, exist_ok=True)
    for n, name in enumerate(MESSAGES, start=1):
        shutil.copy(CORPUS / f"{name}.eml", mail / "cur" / f"17000000{n:02d}.M{n}P1.test:2,S")
    return write_config(root)


def invoke(config: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """Run ``followup ARGS`` in-process; product errors stay in ``result.exception``."""
    return CliRunner().invoke(cli, list(args), env={"FOLLOWUP_CONFIG": str(config), **(env or {})})


def ok(config: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = invoke(config, *args, env=env)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.stdout


def as_json(config: Path, *args: str) -> object:
    return json.loads(ok(config, *args, "--json"))


def scanned_mailbox(factory: pytest.TempPathFactory, target: Path) -> Path:
    """A copy of the mailbox and state right after the first scan (scanned once per session)."""
    if "root" not in _TEMPLATE:
        root = factory.mktemp("scanned")
        config = make_mailbox(root)
        ok(config, "scan", "--now", SCAN_AT, "--json")
        _TEMPLATE["root"] = root
    root = _TEMPLATE["root"]
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(root / "mail", target / "mail")
    shutil.copytree(root / "state", target / "state")
    return write_config(target)


def by_company(rows: Sequence[dict], company: str) -> dict:
    (row,) = [r for r in rows if r["company"] and r["company"].startswith(company)]
    return row


def failure(result: Result, kind: type[Exception] = UsageError) -> str:
    assert result.exit_code != 0
    assert isinstance(result.exception, kind), (result.output, result.exception)
    hint = getattr(result.exception, "hint", None) or ""
    return f"{result.exception} {hint}"


@pytest.fixture
def config(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return scanned_mailbox(tmp_path_factory, tmp_path / "box")


# -- status ------------------------------------------------------------------------------


def test_status_reports_accounts_processes_next_action_and_drafts(config: Path) -> None:
    data = as_json(config, "status", "--now", LATER)
    assert isinstance(data, dict)
    (account,) = data["accounts"]
    assert account["name"] == "main" and account["address"] == ADDRESS
    assert account["last_scan"]["ok"] is True
    assert account["last_scan"]["messages_seen"] == len(MESSAGES)
    assert account["last_scan"]["started_at"] == SCAN_AT
    assert {f["folder"] for f in account["folders"]} >= {"INBOX", "Sent"}
    assert data["processes"] == {
        "total": 5,
        "active": 4,
        # Greyhaven's "thank you for interviewing with us" counts the interview it follows
        "by_state": {"applied": 2, "awaiting_decision": 2, "rejected": 1},
    }
    nxt = data["next_action"]
    assert nxt["company"].startswith("Brightwater") and nxt["action"] == "followup_after_promise"
    assert nxt["due_at"] == "2026-12-09T09:00:00+01:00" and nxt["overdue"] is False
    assert data["drafts"] == {"waiting": 3, "by_state": {"appended": 3}}
    assert data["skipped_messages"] == 0 and data["due_now"] == 0
    assert data["daemon"]["running"] is False

    text = ok(config, "status", "--now", LATER)
    assert "Account main <jonas.haugen@gmail.com>: last scan 2 h ago (6 messages seen)" in text
    assert "Next: follow-up to Brightwater" in text
    assert "Drafts waiting in your Drafts folder: 3" in text

    # A day later Brightwater's follow-up is due: the next scan writes it.
    later = as_json(config, "status", "--now", "2026-12-09T10:00:00+01:00")
    assert later["due_now"] == 1 and later["next_action"]["overdue"] is True


def test_status_reads_the_daemon_state_from_the_database(config: Path) -> None:
    from agent.daemon.status import write_status

    db = config.parent / "state" / "followup.db"
    with Store.open(db) as daemon_store:  # stands in for a running `followup run`
        daemon_store.acquire_writer_lock()
        write_status(
            daemon_store,
            {
                "pid": os.getpid(),
                "state": "running",
                "status": "last scan 10:00, 5 processes",
                "last_scan_at": SCAN_AT,
                "next_scan_at": "2026-12-08T12:05:00+01:00",
                "last_error": {"account": "main", "kind": "network", "error": "connection reset"},
            },
        )
        daemon = as_json(config, "status", "--now", LATER)["daemon"]
        assert daemon["running"] is True and daemon["pid"] == os.getpid()
        text = ok(config, "status", "--now", LATER)
        assert (
            f"Background service: running (pid {os.getpid()}), next scan Tue 08 Dec 12:05" in text
        )
        assert "last error: main: connection reset" in text
    # The daemon has stopped (its lock is gone), whatever its last record says.
    assert as_json(config, "status", "--now", LATER)["daemon"]["running"] is False
    assert "Background service: not running" in ok(config, "status", "--now", LATER)


def loaded_by(config: Path, commands: list[list[str]], modules: tuple[str, ...]) -> list[str]:
    """The output of running ``commands`` in one fresh interpreter; its last line lists
    which of ``modules`` they loaded."""
    code = (
        "import sys\n"
        "from agent.cli import main\n"
        f"for args in {commands!r}:\n"
        "    sys.argv = ['followup', *args]\n"
        "    try:\n        main()\n    except SystemExit as exc:\n        assert not exc.code, exc.code\n"
        f"print(sorted(m for m in {modules!r} if m in sys.modules))\n"
    )
    env = {**os.environ, "FOLLOWUP_CONFIG": str(config)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()


def test_status_starts_without_the_language_models(config: Path) -> None:
    lines = loaded_by(config, [["status", "--now", LATER]], ("spacy", "dateparser", "thinc"))
    assert lines[-1] == "[]", lines
    assert any(line.startswith("Processes: 4 active of 5") for line in lines)


def test_review_commands_read_the_kept_processes_without_deriving_them(config: Path) -> None:
    """Right after a scan, status and processes read what the scan kept: neither the
    tracker, the policy, the holiday tables nor the mail parser is loaded."""
    commands = [["status"], ["processes", "--all"], ["processes", "--json"]]
    heavy = ("agent.tracker", "agent.policy", "holidays", "agent.message", "rich")
    lines = loaded_by(config, [[*args, "--now", SCAN_AT] for args in commands], heavy)
    assert lines[-1] == "[]", lines
    assert any(line.startswith("Processes: 4 active of 5") for line in lines)


def test_status_loads_neither_the_coaching_commands_nor_the_daemon_fault_rules(
    config: Path,
) -> None:
    heavy = ("agent.commands.coach", "agent.daemon.faults")
    lines = loaded_by(config, [["status", "--now", SCAN_AT]], heavy)
    assert lines[-1] == "[]", lines


def test_processes_does_not_load_the_coaching(config: Path) -> None:
    """The checklists and the look-back questions are for `show`."""
    heavy = ("agent.coaching", "agent.commands.coach")
    lines = loaded_by(config, [["processes", "--all", "--now", SCAN_AT]], heavy)
    assert lines[-1] == "[]", lines


def test_doctor_rebuild_derives_the_kept_processes_again(config: Path) -> None:
    before = as_json(config, "processes", "--all", "--now", SCAN_AT)
    with Store.open(config.parent / "state" / "followup.db") as store, store.transaction():
        store._conn.execute("UPDATE kept_processes SET state = 'hired', view_json = '{}'")
    assert as_json(config, "processes", "--all", "--now", SCAN_AT) != before  # damaged
    assert (
        "processes rebuilt: account main, 5 processes"
        in invoke(config, "doctor", "--rebuild").output
    )
    assert as_json(config, "processes", "--all", "--now", SCAN_AT) == before


# -- processes ---------------------------------------------------------------------------


def test_processes_lists_active_ones_and_all_with_flag(config: Path) -> None:
    active = as_json(config, "processes", "--now", LATER)
    everything = as_json(config, "processes", "--all", "--now", LATER)
    assert isinstance(active, list) and isinstance(everything, list)
    for row in everything:
        assert tuple(row) == PROCESS_KEYS
    assert sorted(r["company"].split()[0] for r in active) == [
        "Brightwater",
        "Greyhaven",
        "Kvarts",
        "Tindra",
    ]
    corvid = by_company(everything, "Corvid")
    assert corvid["state"] == "rejected" and corvid["active"] is False
    assert corvid not in active

    bright = by_company(active, "Brightwater")
    assert bright["promised_by"] == "2026-12-08" and bright["promise_source"] == "mail"
    assert (bright["next_action"], bright["next_status"]) == ("followup_after_promise", "scheduled")
    assert bright["next_due_at"] == "2026-12-09T09:00:00+01:00"
    assert bright["contact"]["address"] == "hannah.lindqvist@brightwater-analytics.com"
    assert bright["last_message_at"] == "2026-11-24T10:12:44+01:00"  # shown in the user's zone

    kvarts = by_company(active, "Kvarts")
    assert kvarts["state"] == "awaiting_decision" and kvarts["round"] == 1
    assert kvarts["interview_held"] is True and kvarts["next_status"] == "draft_ready"
    assert len(kvarts["draft_ids"]) == 1

    table = ok(config, "processes", "--now", LATER, env={"COLUMNS": "160"})
    for row in active:
        assert row["id"] in table and row["company"] in table
    assert corvid["id"] not in table
    assert corvid["id"] in ok(config, "processes", "--all", "--now", LATER, env={"COLUMNS": "160"})


# -- show --------------------------------------------------------------------------------


def test_show_by_prefix_explains_the_process(config: Path) -> None:
    rows = as_json(config, "processes", "--now", LATER)
    bright = by_company(rows, "Brightwater")
    detail = as_json(config, "show", bright["id"][:4], "--now", LATER)
    assert isinstance(detail, dict)
    assert detail["id"] == bright["id"]
    assert set(PROCESS_KEYS) | set(DETAIL_KEYS) == set(detail)
    assert detail["promise"]["date"] == "2026-12-08" and detail["promise"]["source"] == "mail"
    assert "two weeks" in detail["promise"]["sentence"]
    (event,) = detail["events"]
    assert event["kind"] == "status_update" and event["state_to"] == "applied"
    assert event["subject"] == "Thank you for coming in yesterday"
    assert event["from"] == "Hannah Lindqvist"
    assert detail["contact"]["phone"] == "+47 922 18 430"  # from her signature

    text = ok(config, "show", bright["id"][:4], "--now", LATER)
    assert text.startswith(bright["company"])
    assert "Answer promised by: Tue 08 Dec (promised in their mail)" in text
    assert detail["promise"]["sentence"] in text
    assert "Next: follow-up on Wed 09 Dec 09:00" in text
    assert "or call Hannah Lindqvist: +47 922 18 430" in text

    kvarts = as_json(config, "show", by_company(rows, "Kvarts")["id"], "--now", LATER)
    assert [e["state_to"] for e in kvarts["events"]] == ["interviewing", "awaiting_decision"]
    (draft,) = kvarts["drafts"]
    assert draft["action"] == "next_steps" and draft["state"] == "appended"


def test_show_rejects_unknown_and_ambiguous_ids(config: Path) -> None:
    rows = as_json(config, "processes", "--all", "--now", LATER)
    message = failure(invoke(config, "show", "brightwater"))
    assert "no process with id 'brightwater'" in message
    assert by_company(rows, "Brightwater")["id"] in message  # the close match is offered
    ids = [r["id"] for r in rows]
    shared = next((i[:1] for i in ids if sum(j.startswith(i[:1]) for j in ids) > 1), None)
    if shared is not None:
        assert "ambiguous" in failure(invoke(config, "show", shared))


def test_errors_reach_the_user_as_one_line_and_an_exit_code(config: Path) -> None:
    env = {**os.environ, "FOLLOWUP_CONFIG": str(config)}
    done = subprocess.run(
        [sys.executable, "-m", "agent.cli", "show", "nosuchid"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == UsageError.exit_code
    assert done.stderr.startswith("Error: no process with id 'nosuchid'")
    assert "Traceback" not in done.stderr


def test_config_is_accepted_before_the_command_and_the_commands_own_wins(
    config: Path, tmp_path: Path
) -> None:
    """``followup --config FILE processes`` as todoman and khal users type it; a
    ``--config`` after the command wins over the group's, and either over the
    environment."""
    missing = tmp_path / "nowhere.toml"
    runner = CliRunner()
    env = {"FOLLOWUP_CONFIG": str(missing)}
    before = runner.invoke(cli, ["--config", str(config), "processes", "--json"], env=env)
    assert before.exit_code == 0, (before.output, before.exception)
    after = runner.invoke(cli, ["processes", "--json", "--config", str(config)], env=env)
    assert json.loads(before.stdout) == json.loads(after.stdout) != []
    both = runner.invoke(
        cli, ["--config", str(missing), "processes", "--json", "--config", str(config)], env=env
    )
    assert both.exit_code == 0 and json.loads(both.stdout) == json.loads(after.stdout)
    neither = runner.invoke(cli, ["processes", "--json"], env=env)
    assert neither.exit_code != 0 and str(missing) in str(neither.exception)
