"""Cue matching: the fast lowercased matchers agree with plain case-insensitive matching.

Every cue list of the shipped language files is compiled both ways and run over
the corpus texts and subjects, as written and in upper case, plus texts whose
lowercase form has another length (which take the case-folding path).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from locations import CORPUS

from agent.analysis.cues import CueSet, _first_letter, _first_letters, _lowercased, compile_cues
from agent.errors import RulesError
from agent.message import parse_message
from agent.rules import shipped_rules

CORPUS = CORPUS


def _cue_lists(data: Any, path: str = "") -> list[tuple[str, list[str]]]:
    """Every list of strings in a rules file, with its dotted key."""
    if isinstance(data, dict):
        return [item for key, value in data.items() for item in _cue_lists(value, f"{path}.{key}")]
    if isinstance(data, list) and data and all(isinstance(x, str) for x in data):
        return [(path.lstrip("."), data)]
    return []


def _shipped_cue_sets() -> list[CueSet]:
    rules = shipped_rules()
    sets = []
    for lang in rules.languages():
        for key, patterns in _cue_lists(rules.toml(f"{lang}.toml")):
            if any("(?P<" in p for p in patterns):
                continue  # named patterns (company, role), not cues
            try:
                cues = compile_cues(f"{lang}.toml:{key}", patterns)
            except (RulesError, re.error):
                continue  # not a cue list (names, patterns with named groups)
            sets.append(cues)
    return sets


@pytest.fixture(scope="module")
def texts() -> list[str]:
    out = []
    for eml in sorted(CORPUS.glob("*.eml")):
        msg = parse_message(eml.read_bytes())
        for text in (msg.subject, msg.text[:5000]):
            out += [text, text.upper()]
    # Lowercasing "İ" gives two characters: such texts use the case-folding matcher.
    out += ["İstanbul: Thank you for your APPLICATION - İntervju neste uke", "Søknad İ"]
    return out


def test_shipped_cue_lists_compile_to_fast_matchers() -> None:
    sets = _shipped_cue_sets()
    assert len(sets) > 50
    assert all(c.fast is not None and c.probe is not None for c in sets if c)


def test_fast_matchers_give_the_case_insensitive_answers(texts: list[str]) -> None:
    compared = 0
    for cues in _shipped_cue_sets():
        if not cues:
            continue
        plain = replace(cues, folding_only=True)
        for text in texts:
            assert cues.hits(text) == plain.hits(text), (cues.name, text[:80])
            assert cues.matched_texts(text) == plain.matched_texts(text), (cues.name, text[:80])
            assert cues.found(text) == plain.found(text), (cues.name, text[:80])
            compared += 1
    assert compared > 10_000


def test_order_among_cues_at_one_position_is_kept() -> None:
    # "interview" (no first letter: a group) and "interview invitation" both start here;
    # the earlier cue wins, as in one plain alternation.
    cues = compile_cues("t", ["(interview)", "interview invitation", "\\w*view"])
    assert cues.matched_texts("Interview invitation") == ["Interview"]
    cues = compile_cues("t", ["interview invitation", "(interview)"])
    assert cues.matched_texts("Interview invitation") == ["Interview invitation"]
    assert cues.hits("An INTERVIEW, then an interview invitation") == [
        "interview invitation",
        "(interview)",
    ]


def test_a_cue_with_alternatives_at_the_top_level_matches_by_each() -> None:
    # The first alternative opens with a group of its own; the second starts with other
    # letters, and must be tried where they stand.
    cues = compile_cues(
        "t", ["(interview|call) (was|is) postponed|(postponed|moved) the (interview|call)"]
    )
    plain = replace(cues, folding_only=True)
    for text in (
        "Sorry, we postponed the interview.",
        "The call was postponed.",
        "We Moved The Call",
    ):
        assert cues.found(text) and plain.found(text), text
        assert cues.matched_texts(text) == plain.matched_texts(text), text


def test_words_are_bounded_and_escapes_survive_lowercasing() -> None:
    cues = compile_cues("t", ["role", "CV\\S*", "\\W?offer"])
    assert not cues.found("control")
    assert cues.found("New ROLE")
    assert cues.matched_texts("my CV.pdf and an Offer") == ["CV.pdf", "Offer"]
    assert _lowercased("CV\\S\\W[A-Z]") == "cv\\S\\W[a-z]"


def test_first_letter_only_when_plain() -> None:
    assert _first_letter("appl(y|ied)") == "a"
    assert _first_letter("a?ppl") is None
    assert _first_letter("offer|tilbud") is None
    assert _first_letter("offer[|(]x") == "o"
    assert _first_letter("\\w*intervju") is None
    assert _first_letter("(coding|technical) test") is None


def test_the_first_letters_of_a_leading_group_of_plain_alternatives() -> None:
    assert _first_letters("(withdraw|rescind|revoke)( our)? offer") == {"w", "r"}
    assert _first_letters("(?:coding|technical) test") == {"c", "t"}
    assert _first_letters("offer you") == {"o"}
    assert _first_letters("(coding|technical)? test") is None  # the group may be absent
    assert _first_letters("(?<!if )you") is None
    assert _first_letters("(a|(b|c)) d") is None
    assert _first_letters("(\\w+ )?x") is None
    assert _first_letters("(d|)ab") is None
    # Dispatched by those letters, a cue still matches where the plain alternation does.
    cues = compile_cues("t", ["(withdraw|rescind) (our|the) offer", "offer"])
    assert cues.matched_texts("We must RESCIND the offer.") == ["RESCIND the offer"]


def test_unfoldable_patterns_keep_the_case_folding_matcher() -> None:
    cues = compile_cues("t", ["\\u00C6re", "(?-i:CV)"])
    assert cues.fast is None
    assert cues.found("ære") and cues.found("Ære")
    assert not cues.found("cv") and cues.found("CV")


def test_a_broken_pattern_is_named_by_file_section_and_index() -> None:
    with pytest.raises(
        RulesError, match=r"en\.toml:kinds\.offer\.strong\[1\]: invalid pattern 'bad\(\('"
    ):
        compile_cues("en.toml:kinds.offer.strong", ["good", "bad((", "fine"])


def test_patterns_that_only_fail_together_are_refused() -> None:
    with pytest.raises(RulesError, match="do not combine"):
        compile_cues("en.toml:role.cues", ["(?P<x>one)", "(?P<x>two)"])


def test_matchers_are_compiled_on_first_use() -> None:
    cues = compile_cues("en.toml:kinds.offer.strong", ["job offer", "offer letter"])
    assert "regex" not in vars(cues) and "fast" not in vars(cues)  # checked, not built
    assert cues.hits("Your Offer Letter is attached") == ["offer letter"]
    assert cues.regex is not None and cues.regex.search("JOB OFFER")


def _alternatives(group: str) -> list[str]:
    """The alternatives of a group's body, split at its own bars, not its inner groups'."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(group):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            parts.append(group[start:index])
            start = index + 1
    return [*parts, group[start:]]


def _ends_in_a_space(pattern: str) -> bool:
    """Whether the pattern, less its optional groups at the end, ends in a space, or one
    of those groups, or an alternative of its last group, does: such a cue is followed by
    a word only when the group matches ("lykke til (videre)?" never finds "lykke til
    med"; "ringe (dine |referansene)" never finds "ringe dine referanser"), since a cue
    must end a word."""
    last = re.search(r"\((?:\?:)?((?:[^()]|\([^()]*\))*)\)$", pattern)
    if last and any(alternative.endswith(" ") for alternative in _alternatives(last.group(1))):
        return True
    rest = pattern
    while True:
        tail = re.search(r"\((?:\?:)?((?:[^()]|\([^()]*\))*)\)\?$", rest)
        if not tail:
            return rest != pattern and rest.endswith(" ")
        if any(alternative.endswith(" ") for alternative in tail.group(1).split("|")):
            return True
        rest = rest[: tail.start()]


def test_no_cue_needs_a_space_before_the_word_that_follows_it() -> None:
    rules = shipped_rules()
    found = [
        f"{lang}.toml:{key}: {pattern}"
        for lang in rules.languages()
        for key, patterns in _cue_lists(rules.toml(f"{lang}.toml"))
        for pattern in patterns
        if _ends_in_a_space(pattern) and not key.startswith("role.")  # a role's end is no cue's
    ]
    assert found == []
    assert _ends_in_a_space("if you don't (hear|receive) (back |word )?(from us)?")
    assert _ends_in_a_space("lykke til (videre)?")
    assert not _ends_in_a_space("lykke til( videre)?")
    assert _ends_in_a_space("ringe (dine |referansene)")


def test_a_typographic_apostrophe_matches_the_plain_one_in_a_cue() -> None:
    cues = compile_cues("test", ["(we|you) (are not|aren't) a match"])
    text = "For this one, we aren’t a match."
    assert cues.found(text)
    assert cues.matched_texts(text) == ["we aren’t a match"]  # as the mail wrote it


def test_a_cue_that_starts_with_an_apostrophe_matches_inside_a_word() -> None:
    """ "(would|'d) like to invite you" finds "We'd like to invite you": the contraction
    starts inside the word before it."""
    cues = compile_cues("test", ["(would|'d) like to invite you", "role"])
    for text in ("We'd like to invite you in.", "We’d like to invite you in."):
        assert cues.found(text), text
        assert cues.matched_texts(text) == [text[2:-4]]
    # The case-folding matcher (a text whose lowercase has another length) agrees.
    assert cues.matched_texts("İzmir: we'd like to invite you") == ["'d like to invite you"]
    assert not cues.found("payroles")  # a word still starts where no apostrophe does


def test_no_cue_puts_a_space_before_a_contraction() -> None:
    """ "(i|we) (have|'ve) scheduled" never finds "we've scheduled": the contraction
    belongs to the word before it, "(i|we)( have|'ve) scheduled"."""
    rules = shipped_rules()
    spaced = re.compile(r" \((?:\?:)?(?:[^()]*\|)?'")
    found = [
        f"{lang}.toml:{key}: {pattern}"
        for lang in rules.languages()
        for key, patterns in _cue_lists(rules.toml(f"{lang}.toml"))
        for pattern in patterns
        if spaced.search(pattern)
    ]
    assert found == []
    assert spaced.search("(i|we) (have|'ve) scheduled")
    assert spaced.search("you (would |'d )?be free")
    assert not spaced.search("(i|we)( have|'ve) scheduled")
