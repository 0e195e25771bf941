"""``followup stats`` on a synthetic job search with known answers (tests/history.py)."""

from __future__ import annotations

from pathlib import Path

import history
import pytest
from history import EXPECTED, NOW, OSLO, PROMISES

from agent.analysis.calendar import BusinessCalendar
from agent.board import board
from agent.policy import load_policy
from agent.rules import load_parties, shipped_rules
from agent.stats import UserPromise, job_search_stats
from agent.tracker import build_processes


def _views(overrides=None):  # type: ignore[no-untyped-def]
    rules = shipped_rules()
    processes = build_processes(
        history.messages(),
        own_addresses={history.ME},
        parties=load_parties(rules),
        overrides=overrides or {},
        now=NOW,
    )
    return board(
        processes, [], now=NOW, policy=load_policy(rules), calendar=BusinessCalendar("NO"), tz=OSLO
    )


def _fjord_id(views) -> str:  # type: ignore[no-untyped-def]
    (fjord,) = [v for v in views if v.process.company == "Fjord Kraft"]
    return fjord.id


def _stats():  # type: ignore[no-untyped-def]
    views = _views()
    fjord = _fjord_id(views)
    promise = UserPromise(
        fjord, history.FJORD_PROMISE.updated_at, history.FJORD_PROMISE.promised_by
    )
    return job_search_stats(
        views,
        now=NOW,
        tz=OSLO,
        tracking_started=history.FIRST_SCAN,
        quiet_days=21,
        user_promises=[promise],
    ).to_json(OSLO)


def test_the_history_has_seven_processes_in_the_expected_states() -> None:
    states = {v.process.company: v.state for v in _views()}
    assert states == {
        "Acme AS": "offer",
        "Birch Bank": "rejected",
        "Cedar Health": "ghosted",
        "Dune Studio": "ghosted",
        "Elm Energi": "applied",
        "Fjord Kraft": "interviewing",
        "Gran Logistikk": "rejected",
    }


def test_funnel_tells_ghosted_after_follow_ups_from_quiet_before_tracking() -> None:
    funnel = _stats()["funnel"]
    assert funnel["applied"] == EXPECTED["applied"]
    assert funnel["interview"] == EXPECTED["interview"]
    assert funnel["outcomes"] == EXPECTED["outcomes"]
    assert funnel["outcomes_after_interview"] == EXPECTED["outcomes_after_interview"]
    assert funnel["rejected_by_silence"] == EXPECTED["rejected_by_silence"]


def test_median_days_to_first_answer_and_to_decision() -> None:
    data = _stats()
    assert data["days_to_first_answer"] == EXPECTED["first_answer"]
    assert data["days_to_decision"] == EXPECTED["decision"]


def test_each_promise_beside_the_employers_next_message() -> None:
    promises = _stats()["promises"]
    rows = [
        (p["company"], p["promised_by"], p["answered_on"], p["status"]) for p in promises["list"]
    ]
    assert rows == PROMISES
    assert (promises["kept"], promises["settled"], promises["total"]) == (2, 4, 7)
    by_employer = {e["company"]: (e["kept"], e["settled"]) for e in promises["by_employer"]}
    assert by_employer["Acme AS"] == (2, 2) and by_employer["Cedar Health"] == (0, 2)
    assert promises["list"][-1]["source"] == "user"
    assert promises["list"][1]["days_late"] == 7


def test_without_a_known_first_scan_nothing_counts_as_quiet_before_tracking() -> None:
    data = job_search_stats(_views(), now=NOW, tz=OSLO, tracking_started=None, quiet_days=21)
    outcomes = data.to_json(OSLO)["funnel"]["outcomes"]
    assert outcomes["quiet_before_tracking"] == 0 and outcomes["ghosted"] == 2


def test_no_processes_gives_zeros_not_errors() -> None:
    data = job_search_stats([], now=NOW, tz=OSLO, tracking_started=None, quiet_days=21)
    out = data.to_json(OSLO)
    assert out["funnel"]["applied"] == 0
    assert out["days_to_first_answer"]["median_days"] is None
    assert out["promises"]["total"] == 0


# -- the command ---------------------------------------------------------------------------


@pytest.fixture
def history_config(tmp_path: Path) -> Path:
    """A state database holding the synthetic history, as a scan would have left it."""
    from agent.config import load_config
    from agent.store import Store

    config = tmp_path / "config.toml"
    config.write_text(
        f'state_dir = "{tmp_path / "state"}"\ntimezone = "Europe/Oslo"\ncountry = "NO"\n\n'
        f'[[accounts]]\nname = "main"\naddress = "{history.ME}"\nmaildir = "{tmp_path / "mail"}"\n',
        encoding="utf-8",
    )
    with Store.open(load_config(config).db_path) as store:
        for n, m in enumerate(history.messages(), start=1):
            store.record_message(
                m, folder="INBOX", uid=n, uidvalidity=1, first_seen_at=history.first_seen(m)
            )
    return config


def _run(config: Path, *args: str) -> str:
    from click.testing import CliRunner

    from agent.cli import cli

    result = CliRunner().invoke(cli, list(args), env={"FOLLOWUP_CONFIG": str(config)})
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def test_stats_command_json_matches_the_known_answers(history_config: Path) -> None:
    import json

    now = NOW.isoformat()
    fjord = next(
        p["id"]
        for p in json.loads(_run(history_config, "processes", "--all", "--json", "--now", now))
        if p["company"] == "Fjord Kraft"
    )
    _run(history_config, "edit", fjord, "--promised-by", "2026-12-10", "--now", "2026-11-26T18:00")
    data = json.loads(_run(history_config, "stats", "--json", "--now", now))
    assert data["tracking_started_at"] == history.FIRST_SCAN.isoformat()
    assert data["funnel"]["outcomes"] == EXPECTED["outcomes"]
    assert data["days_to_first_answer"] == EXPECTED["first_answer"]
    assert data["days_to_decision"] == EXPECTED["decision"]
    rows = [
        (p["company"], p["promised_by"], p["answered_on"], p["status"])
        for p in data["promises"]["list"]
    ]
    assert rows == PROMISES


def test_stats_screen_draws_the_funnel_and_the_promises(history_config: Path) -> None:
    text = _run(history_config, "stats", "--now", NOW.isoformat())
    assert "applied" in text and "█" in text
    assert "went quiet before tracking" in text and "ghosted after follow-ups" in text
    assert "9.5 days" in text and "14.5 days" in text
    assert "late by 7 d" in text
    assert "Promises kept: 2 of 4 settled (50%)" in text


def test_stats_since_counts_only_later_processes(history_config: Path) -> None:
    import json

    data = json.loads(
        _run(history_config, "stats", "--json", "--since", "2026-11-01", "--now", NOW.isoformat())
    )
    assert data["funnel"]["applied"] == 3  # Elm, Fjord, Gran
