"""Language identification by function words, from data in the rules files.

Good enough for mail: recruiting mail is long enough and full of function words.
Bokmål is told from Danish, Swedish and Nynorsk by distinctive words; languages
without a cue file are still reported as what they are (from ``rules/langid.toml``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


@dataclass(frozen=True)
class LanguageProfile:
    code: str
    stopwords: frozenset[str]
    distinctive: frozenset[str] = frozenset()


class LanguageIdentifier:
    def __init__(self, profiles: Sequence[LanguageProfile], default: str = "en") -> None:
        self.profiles = list(profiles)
        self.default = default

    @classmethod
    def from_rules(
        cls, per_language: Mapping[str, dict], extra: Mapping[str, dict]
    ) -> LanguageIdentifier:
        profiles = []
        for code, data in per_language.items():
            section = data.get("language", {})
            profiles.append(
                LanguageProfile(
                    code,
                    frozenset(w.lower() for w in section.get("stopwords", [])),
                    frozenset(w.lower() for w in section.get("distinctive", [])),
                )
            )
        for code, section in extra.items():
            if code in per_language:
                continue
            profiles.append(
                LanguageProfile(
                    code,
                    frozenset(w.lower() for w in section.get("stopwords", [])),
                    frozenset(w.lower() for w in section.get("distinctive", [])),
                )
            )
        return cls(profiles)

    def identify(self, text: str) -> str:
        words = [w.lower() for w in _WORD.findall(text[:5000])]
        if not words:
            return self.default
        best_code, best_score = self.default, 0.0
        for profile in self.profiles:
            score = sum(1 for w in words if w in profile.stopwords)
            score += 2 * sum(1 for w in words if w in profile.distinctive)
            if score > best_score:
                best_code, best_score = profile.code, float(score)
        if best_score < 2:
            return self.default
        return best_code
