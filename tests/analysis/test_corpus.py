"""The realistic corpus: every ``tests/corpus/NAME.eml`` against its ``NAME.json``.

Each JSON file holds the expected subset of the analysis contract (DESIGN.md,
"Analysis contract"): ``kind``, ``language``, ``promised_by`` (ISO date or null),
``interview_at`` (ISO datetime, compared as an instant), ``company`` (compared
case-insensitively, ignoring a trailing legal form such as "AS") and a ``note`` saying what the case tests. A key that is absent
is not checked.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from locations import CORPUS, ROOT

from agent.analysis.types import KINDS
from agent.message import parse_message

CORPUS = CORPUS
MESSAGES = sorted(CORPUS.glob("*.eml"))
CHECKED_KEYS = ("kind", "language", "promised_by", "interview_at", "company")
ALLOWED_KEYS = {*CHECKED_KEYS, "note"}
LANGUAGES = ("en", "nb")
MINIMUM = {"en": 75, "nb": 50}


def _expected(eml: Path) -> dict[str, Any]:
    return json.loads(eml.with_suffix(".json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def analyzer() -> Any:
    from agent.analysis import Analyzer
    from agent.rules import Rules

    return Analyzer(Rules())


_LEGAL_FORM = re.compile(r"[\s,]+(as|asa|ab|ltd|limited|inc|llc|gmbh)\.?$", re.I)


def _company_key(name: str) -> str:
    """Case and a trailing legal form ("AS", "Ltd") do not matter: "Kvarts Consulting AS"
    names the same employer as "kvarts consulting"."""
    name = " ".join(name.split())
    return _LEGAL_FORM.sub("", name).casefold()


def _differences(expected: dict[str, Any], analysis: Any) -> list[str]:
    problems: list[str] = []
    for key in ("kind", "language"):
        if key in expected and getattr(analysis, key) != expected[key]:
            problems.append(f"{key}: expected {expected[key]!r}, got {getattr(analysis, key)!r}")
    if "promised_by" in expected:
        got = analysis.promised_by.isoformat() if analysis.promised_by else None
        if got != expected["promised_by"]:
            problems.append(f"promised_by: expected {expected['promised_by']!r}, got {got!r}")
    if "interview_at" in expected:
        want = expected["interview_at"]
        got_at = analysis.interview_at
        if want is None:
            if got_at is not None:
                problems.append(f"interview_at: expected None, got {got_at.isoformat()!r}")
        elif got_at is None or got_at != datetime.fromisoformat(want):
            shown = got_at.isoformat() if got_at else None
            problems.append(f"interview_at: expected {want!r}, got {shown!r}")
    if "company" in expected:
        want_company = expected["company"]
        got_company = analysis.company
        if want_company is None:
            if got_company is not None:
                problems.append(f"company: expected None, got {got_company!r}")
        elif _company_key(got_company or "") != _company_key(want_company):
            problems.append(f"company: expected {want_company!r}, got {got_company!r}")
    return problems


def _known_misses() -> dict[str, str]:
    """Cases the engine gets wrong today, each with the reason (tests/corpus/known_misses.toml).
    They are strict xfails: a case that starts passing must be taken off the list."""
    import tomllib

    path = CORPUS / "known_misses.toml"
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {name: entry["reason"] for name, entry in data.items()}


KNOWN_MISSES = _known_misses()


def _case(eml: Path) -> Any:
    if eml.stem in KNOWN_MISSES:
        return pytest.param(
            eml, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[eml.stem])
        )
    return eml


@pytest.mark.parametrize("eml", [_case(p) for p in MESSAGES], ids=lambda p: p.stem)
def test_corpus_message(eml: Path, analyzer: Any) -> None:
    expected = _expected(eml)
    analysis = analyzer.analyze(parse_message(eml.read_bytes()))
    problems = _differences(expected, analysis)
    assert not problems, f"{eml.name} ({expected.get('note', '')}):\n  " + "\n  ".join(problems)


def test_every_message_has_a_well_formed_expectation() -> None:
    assert MESSAGES, f"no corpus files in {CORPUS}"
    orphans = sorted(p.name for p in CORPUS.glob("*.json") if not p.with_suffix(".eml").exists())
    assert not orphans, f"expectations without a message: {orphans}"
    for eml in MESSAGES:
        expected = _expected(eml)
        assert set(expected) <= ALLOWED_KEYS, (
            f"{eml.name}: unknown keys {set(expected) - ALLOWED_KEYS}"
        )
        assert expected.get("note"), f"{eml.name}: every case needs a note"
        assert expected["kind"] in KINDS, eml.name
        assert expected["language"] in LANGUAGES, eml.name
        if expected.get("promised_by") is not None:
            date.fromisoformat(expected["promised_by"])
        if expected.get("interview_at") is not None:
            assert datetime.fromisoformat(expected["interview_at"]).tzinfo, eml.name


def test_every_message_parses_with_its_own_date_or_none() -> None:
    """Relative promises need the Date header: a file without one promises an absolute date or nothing."""
    for eml in MESSAGES:
        msg = parse_message(eml.read_bytes())
        assert msg.text, f"{eml.name}: no readable text"
        if msg.date_missing:
            note = _expected(eml)["note"].lower()
            assert "date" in note, f"{eml.name}: a file without Date must say so in its note"


def test_corpus_covers_both_languages_and_every_kind() -> None:
    by_language = Counter(_expected(p)["language"] for p in MESSAGES)
    for language, minimum in MINIMUM.items():
        assert by_language[language] >= minimum, f"{language}: {by_language[language]} < {minimum}"
    kinds = {(_expected(p)["language"], _expected(p)["kind"]) for p in MESSAGES}
    missing = [(lang, kind) for lang in LANGUAGES for kind in KINDS if (lang, kind) not in kinds]
    assert not missing, f"kinds without a corpus case: {missing}"


def test_corpus_holds_promises_and_their_absence_in_both_languages() -> None:
    for language in LANGUAGES:
        cases = [_expected(p) for p in MESSAGES if _expected(p)["language"] == language]
        promised = [c for c in cases if c.get("promised_by")]
        unpromised = [c for c in cases if "promised_by" in c and c["promised_by"] is None]
        assert len(promised) >= 20, f"{language}: only {len(promised)} cases with a promise"
        assert len(unpromised) >= 20, f"{language}: only {len(unpromised)} cases without one"


# --- the demo mailbox (examples/mailbox) ---------------------------------------------------

DEMO = ROOT / "examples" / "mailbox"


def test_demo_mailbox_is_a_well_formed_maildir_with_closed_threads() -> None:
    folders = [DEMO, DEMO / ".Sent", DEMO / ".Drafts"]
    for folder in folders:
        for sub in ("cur", "new", "tmp"):
            assert (folder / sub).is_dir(), f"{folder / sub} is missing"
    messages = {}
    for folder in folders:
        for sub in ("cur", "new"):
            for path in (folder / sub).iterdir():
                if path.name == ".keep":
                    continue
                assert (":2," in path.name) == (sub == "cur"), path.name
                msg = parse_message(path.read_bytes())
                assert not msg.date_missing, path.name
                assert int(path.name.split(".", 1)[0]) == int(msg.date.timestamp()), path.name
                assert datetime(2026, 10, 1, tzinfo=msg.date.tzinfo) <= msg.date, path.name
                assert msg.date < datetime(2026, 11, 27, 9, 30, tzinfo=msg.date.tzinfo), path.name
                messages[msg.message_id] = msg
    drafts = [p for sub in ("cur", "new") for p in (DEMO / ".Drafts" / sub).glob("[!.]*")]
    assert not drafts, "the demo starts without drafts"
    assert len(messages) >= 14
    sent = [m for m in messages.values() if m.from_ and m.from_.addr == "ingrid.berg@example.no"]
    assert len(sent) >= 3
    for msg in messages.values():
        for ref in msg.thread_ids:
            assert ref in messages, f"{msg.message_id} points at a message not in the demo: {ref}"


def test_known_misses_name_real_cases() -> None:
    names = {p.stem for p in MESSAGES}
    assert set(KNOWN_MISSES) <= names, (
        f"unknown cases in known_misses.toml: {set(KNOWN_MISSES) - names}"
    )
    assert len(KNOWN_MISSES) <= len(MESSAGES) // 20, (
        "more than 5% of the corpus is marked as a known miss"
    )
