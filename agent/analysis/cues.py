"""Compile cue patterns from the rules files into fast matchers.

Each list of patterns becomes one alternation with a group per pattern, so a
message is scanned once per list. An invalid pattern raises RulesError naming
``file:section.key[index]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from agent.analysis.dates.regex import class_end, group_end
from agent.errors import RulesError

# A cue starts a word; one that starts with an apostrophe starts inside one ("'d like to
# invite you" in "we'd like to invite you", "'ve shortlisted you"). The second check is
# slower, so only a list with an apostrophe in a cue asks it.
_WORD_START = r"(?<![\w-])"
_WORD_OR_CONTRACTION_START = r"(?!(?<=[\w-])[^'])"


def _word_start(patterns: Sequence[str]) -> str:
    return _WORD_OR_CONTRACTION_START if any("'" in p for p in patterns) else _WORD_START


# Escapes whose letters name characters (\x41, \u00C6, \N{...}) and inline flags
# cannot be lowercased: a cue list holding one keeps the case-folding matcher alone.
_UNFOLDABLE = re.compile(r"\\[xuUN]|\(\?[aiLmsux-]")


# Mail writes "aren’t" as often as "aren't"; the cues are written with the plain one.
# One character for one, so a match's place in the lowered text is its place in the mail.
_APOSTROPHES = ("\u2019", "\u2018", "\u02bc")


def _plain_apostrophes(text: str) -> str:
    for mark in _APOSTROPHES:
        if mark in text:
            text = text.replace(mark, "'")
    return text


@dataclass(frozen=True)
class CueSet:
    """A named list of patterns. ``hits(text)`` returns the patterns that matched.

    Matching is case-insensitive. Python's case-insensitive matching is slow on long
    alternations, so the same alternation is also compiled lowercased, case-sensitive
    and dispatched on each cue's first letter (``fast``), and run on the lowercased
    text; results are the same, in the same order. ``probe`` answers yes or no the same
    way, faster still. ``regex`` (IGNORECASE) serves the rare text whose lowercase form
    has another length.
    """

    name: str
    patterns: tuple[str, ...]
    source: str | None  # the alternation (checked when the rules were read)
    bounded: bool = True
    folding_only: bool = False  # a pattern that cannot be lowercased: ``regex`` alone

    # Built on first use: a process that only runs the prefilter compiles no more.
    @cached_property
    def regex(self) -> re.Pattern[str] | None:
        return None if self.source is None else re.compile(self.source, re.IGNORECASE)

    @cached_property
    def fast(self) -> re.Pattern[str] | None:
        return self._lowered(ordered=True)

    @cached_property
    def probe(self) -> re.Pattern[str] | None:
        return self._lowered(ordered=False)

    def _lowered(self, *, ordered: bool) -> re.Pattern[str] | None:
        if self.folding_only or self.source is None:
            return None
        try:
            return _dispatched(
                [_lowercased(p) for p in self.patterns], self.bounded, ordered=ordered
            )
        except re.error:
            return None  # e.g. a cue's own named group: the case-folding matcher serves

    def _matches(self, text: str) -> Iterator[tuple[re.Match[str], str]]:
        """(match, the text it indexes) for every non-overlapping match."""
        if self.source is None or not text:
            return
        lowered = _plain_apostrophes(text.lower())
        if self.fast is not None and len(lowered) == len(text):
            # Most lists match nothing in a given mail, and the probe, without the groups
            # that keep the order, says so several times faster than the full scan.
            if self.probe is not None and self.probe.search(lowered) is None:
                return
            for match in self.fast.finditer(lowered):
                yield match, text
        else:
            assert self.regex is not None
            for match in self.regex.finditer(text):
                yield match, text

    def hits(self, text: str) -> list[str]:
        found: set[int] = set()
        for match, _ in self._matches(text):
            if match.lastgroup is not None:
                found.add(int(match.lastgroup[1:].partition("_")[0]))
        return [self.patterns[i] for i in sorted(found)]

    def matched_texts(self, text: str) -> list[str]:
        """The text of each match, as written in ``text``."""
        out = []
        for match, original in self._matches(text):
            group = match.lastgroup or 0
            out.append(original[match.start(group) : match.end(group)])
        return out

    def found(self, text: str) -> bool:
        """Does any cue occur in ``text``?"""
        if self.source is None or not text:
            return False
        lowered = _plain_apostrophes(text.lower())
        if self.probe is not None and len(lowered) == len(text):
            return self.probe.search(lowered) is not None
        assert self.regex is not None
        return self.regex.search(text) is not None

    def starts(self, text: str) -> bool:
        """Does ``text`` open with one of the cues (after any spaces)?"""
        if self.source is None:
            return False
        assert self.regex is not None
        return self.regex.match(text.lstrip()) is not None

    def __bool__(self) -> bool:
        return self.source is not None


def _first_letter(pattern: str) -> str | None:
    """The letter every match of ``pattern`` starts with, when the pattern says so plainly.

    None for anything else (a group, an escape, a class, an optional first letter, an
    alternation at the top level): such a cue is tried at every position.
    """
    first = pattern[:1]
    if not first.isalpha() or len(first.lower()) != 1 or pattern[1:2] in ("?", "*", "{"):
        return None
    if len(_top_level_alternatives(pattern)) > 1:
        return None
    return first.lower()


def _first_letters(pattern: str) -> frozenset[str] | None:
    """The letters every match of ``pattern`` can start with: its first letter, or those
    of a leading group of plain alternatives ("(withdraw|rescind|revoke) our offer"), a
    form most cues take; with an alternation at the top level, those of every
    alternative. None where that is not said plainly."""
    alternatives = _top_level_alternatives(pattern)
    if len(alternatives) > 1:
        letters: set[str] = set()
        for alternative in alternatives:
            found = _first_letters(alternative)
            if found is None:
                return None
            letters |= found
        return frozenset(letters)
    letter = _first_letter(pattern)
    if letter is not None:
        return frozenset(letter)
    opening = re.match(r"\((?:\?:)?", pattern)
    if opening is None or pattern.startswith("(?") and not pattern.startswith("(?:"):
        return None
    end = group_end(pattern, 0)
    if end >= len(pattern) - 1 and not pattern.endswith(")"):
        return None  # unbalanced
    if pattern[end + 1 : end + 2] in ("?", "*", "{"):
        return None  # the group may be absent: the match starts after it
    inner = pattern[opening.end() : end]
    opening_letters: set[str] = set()
    for alternative in _top_level_alternatives(inner):
        first = _first_letter(alternative)
        if first is None:
            return None
        opening_letters.add(first)
    return frozenset(opening_letters)


def _top_level_alternatives(pattern: str) -> list[str]:
    """``pattern`` split at the ``|`` outside any group or class."""
    parts, depth, start, index = [], 0, 0, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":  # a class: its "|" and "(" are literal
            index = class_end(pattern, index) + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
        index += 1
    parts.append(pattern[start:])
    return parts


def _lowercased(pattern: str) -> str:
    """``pattern`` with its literal letters lowercased; escapes (\\W, \\S, \\B) kept."""
    out, escaped = [], False
    for char in pattern:
        out.append(char if escaped else char.lower())
        escaped = not escaped and char == "\\"
    return "".join(out)


def _dispatched(patterns: list[str], bounded: bool, *, ordered: bool) -> re.Pattern[str]:
    """One alternation that, at each position, tries only the cues that can start there.

    ``ordered``: per first letter, its own cues and the letterless ones in their original
    order, so matches are exactly those of the plain alternation; a letterless cue then
    appears in several branches, its groups named ``c<index>_<branch>``. Unordered (for
    a yes/no answer): the letterless cues first, then one branch per letter, no groups.
    """
    letters = [_first_letters(p) for p in patterns]
    first_letters = sorted({letter for x in letters if x is not None for letter in x})

    def part(index: int, branch: int) -> str:
        body = f"(?P<c{index}_{branch}>{patterns[index]})" if ordered else f"(?:{patterns[index]})"
        return f"{body}(?!\\w)" if bounded else body

    anywhere = [part(i, len(first_letters)) for i, x in enumerate(letters) if x is None]
    branches = []
    for branch, letter in enumerate(first_letters):
        own = [
            part(i, branch)
            for i, x in enumerate(letters)
            if (x is not None and letter in x) or (ordered and x is None)
        ]
        branches.append(f"(?={re.escape(letter)})(?:{'|'.join(own)})")
    if anywhere and ordered:
        others = "".join(re.escape(x) for x in first_letters)
        branches.append((f"(?![{others}])" if others else "") + f"(?:{'|'.join(anywhere)})")
    elif anywhere:
        branches.insert(0, "|".join(anywhere))
    joined = "|".join(branches)
    return re.compile(f"{_word_start(patterns)}(?:{joined})" if bounded else joined)


def compile_cues(origin: str, patterns: Any, *, bounded: bool = True) -> CueSet:
    """``origin`` is ``file:section.key`` for error messages."""
    if patterns is None:
        return CueSet(origin, (), None)
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise RulesError(f"{origin}: expected a list of strings")
    parts = [
        f"(?P<c{index}>{pattern})(?!\\w)" if bounded else f"(?P<c{index}>{pattern})"
        for index, pattern in enumerate(patterns)
    ]
    if not parts:
        return CueSet(origin, (), None)
    # One word-start check per position, then the alternatives.
    joined = "|".join(parts)
    source = f"{_word_start(patterns)}(?:{joined})" if bounded else joined
    try:
        re.compile(source)  # the whole list in one go; the matchers are built on first use
    except re.error:
        for index, pattern in enumerate(patterns):  # name the pattern at fault
            try:
                re.compile(pattern)
            except re.error as exc:
                raise RulesError(f"{origin}[{index}]: invalid pattern {pattern!r}: {exc}") from None
        raise RulesError(
            f"{origin}: the patterns do not combine (a repeated group name?)"
        ) from None
    folding_only = any(_UNFOLDABLE.search(p) for p in patterns)
    return CueSet(origin, tuple(patterns), source, bounded, folding_only)


def compile_named(origin: str, patterns: Any, *, flags: int = 0) -> list[re.Pattern[str]]:
    """Patterns with named groups (role, company), compiled one by one."""
    if patterns is None:
        return []
    if not isinstance(patterns, list):
        raise RulesError(f"{origin}: expected a list of strings")
    out = []
    for index, pattern in enumerate(patterns):
        try:
            out.append(re.compile(pattern, flags))
        except re.error as exc:
            raise RulesError(f"{origin}[{index}]: invalid pattern {pattern!r}: {exc}") from None
    return out
