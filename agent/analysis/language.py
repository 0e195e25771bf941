"""Language identification by function words, from data in the rules files.

Good enough for mail: recruiting mail is long enough and full of function words.
Each language lists its common words (``stopwords``) and the words only it writes so
(``distinctive``). A word listed by one language alone is evidence for it (a
distinctive word counts twice); a word several languages list ("og", "i", "det" in
Bokmål, Nynorsk and Danish) is split between them, so close relatives are told apart
by the words they spell differently ("af"/"av", "ikkje"/"ikke", "och"/"og") and not by
the length of their lists. Only languages with at least half the best count of listed
words compete, so a stray word of a far language ("les", "no") never outweighs a
paragraph of shared Nordic ones. Languages without a cue file are still reported as
what they are (from ``rules/langid.toml``), whose tables may also add words to a cue
file's lists.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
# Links and addresses are no language: "jobbtorget.no" says nothing of the text's.
_NOT_PROSE = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+", re.I)
# A language needs this many of its listed words (a distinctive one counts twice) to be
# reported; with fewer, the text is too short to tell and the default is reported.
_MIN_EVIDENCE = 2.0


@dataclass(frozen=True)
class LanguageProfile:
    code: str
    stopwords: frozenset[str]
    distinctive: frozenset[str] = frozenset()
    read_as: str | None = None  # a language without a cue file is read with this one's


def _profile(code: str, section: Mapping[str, object]) -> LanguageProfile:
    stopwords: Any = section.get("stopwords", [])
    distinctive: Any = section.get("distinctive", [])
    read_as = section.get("read_as")
    return LanguageProfile(
        code,
        frozenset(str(w).lower() for w in stopwords if isinstance(stopwords, list)),
        frozenset(str(w).lower() for w in distinctive if isinstance(distinctive, list)),
        str(read_as) if read_as else None,
    )


class LanguageIdentifier:
    def __init__(self, profiles: Sequence[LanguageProfile], default: str = "en") -> None:
        self.profiles = list(profiles)
        self.default = default
        # word -> ((language, listed points, shared points), ...): what one occurrence of
        # the word is worth to each language that lists it, counted alone and shared.
        listed: dict[str, list[LanguageProfile]] = {}
        for profile in self.profiles:
            for word in profile.stopwords | profile.distinctive:
                listed.setdefault(word, []).append(profile)
        self._points: dict[str, tuple[tuple[str, float, float], ...]] = {}
        for word, owners in listed.items():
            own = [(o.code, 2.0 if word in o.distinctive else 1.0) for o in owners]
            if len(owners) == 1:
                self._points[word] = ((own[0][0], own[0][1], own[0][1]),)
            else:
                self._points[word] = tuple((code, raw, 1.0 / len(owners)) for code, raw in own)

    @classmethod
    def from_rules(
        cls, per_language: Mapping[str, dict[str, Any]], extra: Mapping[str, dict[str, Any]]
    ) -> LanguageIdentifier:
        """Profiles from the cue files' ``[language]`` tables and ``langid.toml``.

        A ``langid.toml`` table of a language that has a cue file adds its words to that
        language's lists; any other table makes a language of its own.
        """
        profiles = {
            code: _profile(code, data.get("language", {})) for code, data in per_language.items()
        }
        for code, section in extra.items():
            more = _profile(code, section)
            if code in profiles:
                own = profiles[code]
                more = LanguageProfile(
                    code,
                    own.stopwords | more.stopwords,
                    own.distinctive | more.distinctive,
                    own.read_as or more.read_as,
                )
            profiles[code] = more
        return cls(list(profiles.values()))

    @staticmethod
    def _words(text: str) -> Counter[str]:
        prose = _NOT_PROSE.sub(" ", text[:5000])
        return Counter(w.lower() for w in _WORD.findall(prose))

    def rules_language(self, code: str, available: Collection[str]) -> str | None:
        """The language whose cue rules read mail in ``code``: its own, else its
        ``read_as`` (Nynorsk is read with the Bokmål rules), else None."""
        if code in available:
            return code
        read_as = next((p.read_as for p in self.profiles if p.code == code), None)
        return read_as if read_as in available else None

    def _tally(self, text: str) -> tuple[dict[str, float], dict[str, float]]:
        """Per language: its listed words (a distinctive one twice), and its shared points."""
        listed: dict[str, float] = {}
        shared: dict[str, float] = {}
        for word, count in self._words(text).items():
            for code, raw, points in self._points.get(word, ()):
                listed[code] = listed.get(code, 0.0) + raw * count
                shared[code] = shared.get(code, 0.0) + points * count
        return listed, shared

    def scores(self, text: str) -> dict[str, float]:
        """Shared points per language for ``text`` (its first 5000 characters)."""
        return self._tally(text)[1]

    def identify(self, text: str) -> str:
        listed, shared = self._tally(text)
        most = max(listed.values(), default=0.0)
        if most < _MIN_EVIDENCE:
            return self.default
        # Languages with enough support, and at least half the best, compete on their
        # own words; ties go to the language listed first.
        floor = max(_MIN_EVIDENCE, most / 2)
        contenders = [p.code for p in self.profiles if listed.get(p.code, 0.0) >= floor]
        return max(contenders, key=lambda c: (shared.get(c, 0.0), listed[c], -contenders.index(c)))
