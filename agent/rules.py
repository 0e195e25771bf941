"""Rules as data: cue phrases, date vocabulary, policy numbers and templates.

The shipped rules live in ``rules/`` (package data). A user's own rules directory
overrides them file by file: a file present there replaces the shipped file of the
same relative path. Loading reads files; everything built from the rules is pure.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.errors import RulesError

if TYPE_CHECKING:
    from agent.parties import PartyRules

SHIPPED_RULES = Path(__file__).resolve().parent / "rules"


@dataclass(frozen=True)
class Rules:
    """A layered view over rule directories: the first directory that has a file wins."""

    dirs: tuple[Path, ...] = (SHIPPED_RULES,)
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def load(cls, user_dir: Path | str | None = None) -> Rules:
        dirs = [SHIPPED_RULES]
        if user_dir:
            user = Path(user_dir).expanduser()
            if not user.is_dir():
                raise RulesError(f"rules directory {user} does not exist")
            dirs.insert(0, user)
        return cls(tuple(dirs))

    def path(self, relative: str) -> Path | None:
        for base in self.dirs:
            candidate = base / relative
            if candidate.is_file():
                return candidate
        return None

    def toml(self, relative: str, *, required: bool = True) -> dict[str, Any]:
        """Parse ``relative`` (e.g. ``"en.toml"``), cached; errors name the file."""
        if relative in self._cache:
            return self._cache[relative]
        path = self.path(relative)
        if path is None:
            if required:
                raise RulesError(
                    f"rules file {relative} not found in {', '.join(map(str, self.dirs))}"
                )
            data: dict[str, Any] = {}
        else:
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise RulesError(f"{path}: {exc}") from None
        self._cache[relative] = data
        return data

    def text(self, relative: str) -> str:
        path = self.path(relative)
        if path is None:
            raise RulesError(f"rules file {relative} not found")
        return path.read_text(encoding="utf-8")

    def date_rules(self, lang: str) -> dict[str, Any] | None:
        """``dates/<lang>.toml``, or the date rules file listing ``lang`` among its aliases."""
        data = self.toml(f"dates/{lang}.toml", required=False)
        if data:
            return data
        seen: set[str] = set()
        for base in self.dirs:
            folder = base / "dates"
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.toml")):
                if path.stem in seen:
                    continue
                seen.add(path.stem)
                candidate = self.toml(f"dates/{path.name}", required=False)
                if lang in candidate.get("settings", {}).get("aliases", []):
                    return candidate
        return None

    def country_of(self, lang: str) -> str | None:
        """The country whose holidays a language implies: ``settings.country`` of its
        date rules. The one place a language's country is read; English implies none."""
        data = self.date_rules(lang)
        country = (data or {}).get("settings", {}).get("country")
        return str(country).upper() if country else None

    def languages(self) -> list[str]:
        """Languages that have a cue file (``<lang>.toml`` with a ``[language]`` table)."""
        langs: set[str] = set()
        for base in self.dirs:
            for p in base.glob("*.toml"):
                if "language" in self.toml(p.name, required=False):
                    langs.add(p.stem)
        return sorted(langs)


@cache
def shipped_rules() -> Rules:
    return Rules()


def load_parties(rules: Rules, languages: Iterable[str] | None = None) -> PartyRules:
    """The rules parties are read with: ``ats.toml``, ``employers.toml`` and the phrasing
    of each language file (every cue file when ``languages`` is None)."""
    from agent.parties import PartyRules

    langs = rules.languages() if languages is None else list(languages)
    return PartyRules.from_data(
        rules.toml("ats.toml", required=False),
        rules.toml("employers.toml", required=False),
        {lang: data for lang in langs if (data := rules.toml(f"{lang}.toml", required=False))},
    )


@cache
def shipped_parties() -> PartyRules:
    """The shipped rules for parties, read once."""
    return load_parties(shipped_rules())
