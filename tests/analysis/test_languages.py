"""Languages come from the rule files present: adding one is adding its files."""

from __future__ import annotations

from pathlib import Path

from agent.analysis import Analyzer
from agent.message import parse_message
from agent.rules import Rules

GERMAN = """
[language]
name = "Deutsch"
stopwords = ["und", "der", "die", "das", "ist", "nicht", "wir", "sie", "ihre", "ihr", "mit", "für", "bewerbung", "grüße"]

[kinds.rejection]
strong = ["(leider|bedauerlicherweise) (haben wir|müssen wir|können wir)"]
"""


def test_a_cue_file_in_the_users_rules_dir_adds_its_language(tmp_path: Path) -> None:
    (tmp_path / "de.toml").write_text(GERMAN, encoding="utf-8")
    analyzer = Analyzer(Rules.load(tmp_path))
    assert {"en", "nb", "de"} <= set(analyzer.lang_data)
    raw = (
        "From: Personal <hr@firma.de>\nSubject: Ihre Bewerbung\nDate: Tue, 3 Mar 2026 10:00:00 +0100\n"
        "Message-ID: <d@firma.de>\n\nSehr geehrte Frau Lund,\n\nvielen Dank für Ihre Bewerbung und "
        "Ihr Interesse an unserem Unternehmen. Leider haben wir uns für eine andere Kandidatin "
        "entschieden, die wir für die Stelle ausgewählt haben.\n\nMit freundlichen Grüßen\nPersonal\n"
    ).encode()
    analysis = analyzer.analyze(parse_message(raw))
    assert analysis.language == "de"
    assert analysis.kind == "rejection"


def test_without_a_list_every_shipped_cue_file_loads() -> None:
    assert set(Analyzer(Rules.load(None)).lang_data) == set(Rules.load(None).languages())


def test_langid_words_add_to_a_cue_files_language(tmp_path: Path) -> None:
    """A langid.toml table for a language with a cue file adds to its words, not replaces them."""
    shipped = Rules.load(None).text("langid.toml")
    (tmp_path / "langid.toml").write_text(
        shipped + '\n[sv]\ndistinctive = ["fika"]\n', encoding="utf-8"
    )
    identifier = Analyzer(Rules.load(tmp_path)).identifier
    assert identifier.identify("fika fika") == "sv"
    assert identifier.identify("Tack för din ansökan, vi återkommer inom två veckor.") == "sv"
    assert Analyzer(Rules.load(None)).identifier.identify("fika fika") == "en"
