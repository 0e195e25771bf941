"""Compile cue patterns from the rules files into fast matchers.

Each list of patterns becomes one alternation with a group per pattern, so a
message is scanned once per list. An invalid pattern raises RulesError naming
``file:section.key[index]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agent.errors import RulesError

_BOUNDED = r"(?<![\w-])(?:{})(?![\w])"


@dataclass(frozen=True)
class CueSet:
    """A named list of patterns. ``hits(text)`` returns the patterns that matched."""

    name: str
    patterns: tuple[str, ...]
    regex: re.Pattern[str] | None

    def hits(self, text: str) -> list[str]:
        if self.regex is None or not text:
            return []
        found: dict[int, str] = {}
        for match in self.regex.finditer(text):
            name = match.lastgroup
            if name is not None and int(name[1:]) not in found:
                found[int(name[1:])] = match.group(name)
        return [self.patterns[i] for i in sorted(found)]

    def matched_texts(self, text: str) -> list[str]:
        if self.regex is None or not text:
            return []
        return [m.group(m.lastgroup or 0) for m in self.regex.finditer(text)]

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex.search(text) if self.regex is not None and text else None

    def __bool__(self) -> bool:
        return self.regex is not None


def compile_cues(origin: str, patterns: Any, *, bounded: bool = True) -> CueSet:
    """``origin`` is ``file:section.key`` for error messages."""
    if patterns is None:
        return CueSet(origin, (), None)
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise RulesError(f"{origin}: expected a list of strings")
    parts = []
    for index, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise RulesError(f"{origin}[{index}]: invalid pattern {pattern!r}: {exc}") from None
        parts.append(f"(?P<c{index}>{pattern})(?!\\w)" if bounded else f"(?P<c{index}>{pattern})")
    if not parts:
        return CueSet(origin, (), None)
    # One word-start check per position, then the alternatives.
    joined = "|".join(parts)
    regex = re.compile(f"(?<![\\w-])(?:{joined})" if bounded else joined, re.IGNORECASE)
    return CueSet(origin, tuple(patterns), regex)


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
