"""Rules as data: cue phrases, date vocabulary, policy numbers and templates.

The shipped rules live in ``rules/`` (package data). A user's own rules directory
overrides them file by file: a file present there replaces the shipped file of the
same relative path. Loading reads files; everything built from the rules is pure.
"""

from __future__ import annotations

import fnmatch
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
    """A layered view over rule directories: the first directory that has a file wins.

    Every file is read when the rules are made, once, at the edge; what the core asks of
    them afterwards (a parsed file, a text, which files there are) touches no disk.
    """

    dirs: tuple[Path, ...] = (SHIPPED_RULES,)
    _files: dict[str, tuple[Path, bytes]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        if not self._files:
            self._files.update(_read_all(self.dirs))

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
        """Where ``relative`` was read from (``None``: no such rules file)."""
        found = self._files.get(relative)
        return found[0] if found else None

    def has(self, relative: str) -> bool:
        return relative in self._files

    def data(self, relative: str) -> bytes:
        """The bytes ``relative`` held when the rules were read."""
        found = self._files.get(relative)
        if found is None:
            raise RulesError(f"rules file {relative} not found")
        return found[1]

    def names(self, pattern: str) -> list[str]:
        """The rules files whose relative path matches ``pattern`` (``"dates/*.toml"``)."""
        return sorted(name for name in self._files if fnmatch.fnmatchcase(name, pattern))

    def toml(self, relative: str, *, required: bool = True) -> dict[str, Any]:
        """Parse ``relative`` (e.g. ``"en.toml"``), cached; errors name the file."""
        if relative in self._cache:
            return self._cache[relative]
        found = self._files.get(relative)
        if found is None:
            if required:
                raise RulesError(
                    f"rules file {relative} not found in {', '.join(map(str, self.dirs))}"
                )
            data: dict[str, Any] = {}
        else:
            path, raw = found
            try:
                data = tomllib.loads(raw.decode("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise RulesError(f"{path}: {exc}") from None
        self._cache[relative] = data
        return data

    def text(self, relative: str) -> str:
        path = self.path(relative)
        try:
            return self.data(relative).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RulesError(f"{path}: {exc}") from None

    def date_rules(self, lang: str) -> dict[str, Any] | None:
        """``dates/<lang>.toml``, or the date rules file listing ``lang`` among its aliases."""
        data = self.toml(f"dates/{lang}.toml", required=False)
        if data:
            return data
        for name in self.names("dates/*.toml"):
            candidate = self.toml(name, required=False)
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
        return sorted(
            name.removesuffix(".toml")
            for name in self.names("*.toml")
            if "/" not in name and "language" in self.toml(name, required=False)
        )


def _read_all(dirs: Iterable[Path]) -> dict[str, tuple[Path, bytes]]:
    """Every rules file (``.toml`` and ``.txt``, at most three folders deep) under
    ``dirs`` by its relative path; the first directory's wins."""
    files: dict[str, tuple[Path, bytes]] = {}
    for base in dirs:
        if not base.is_dir():
            continue
        for depth in ("*", "*/*", "*/*/*"):
            for path in sorted(base.glob(depth)):
                relative = path.relative_to(base).as_posix()
                if (
                    relative in files
                    or path.suffix not in (".toml", ".txt")
                    or any(part.startswith(".") for part in relative.split("/"))
                    or not path.is_file()
                ):
                    continue
                try:
                    files[relative] = (path, path.read_bytes())
                except OSError as exc:
                    raise RulesError(f"{path}: cannot read: {exc.strerror}") from None
    return files


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
