"""Compiling a date rules file (``rules/dates/<lang>.toml``) into regular expressions.

A rules file holds vocabulary tables, macros and patterns (see the header of
``rules/dates/en.toml``). Compilation expands the placeholders of every pattern into
one regular expression, remembers which vocabulary table each named group draws its
words from (to turn matched words into values), and indexes the words that can anchor
a match so that text without any of them is skipped cheaply.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agent.errors import RulesError
from agent.rules import Rules

_PLACEHOLDER = re.compile(r"\{(=?)([a-z_][a-z0-9_]*)(?::([a-z0-9_]+))?\}")
_NAMED_GROUP = re.compile(r"\(\?P<([a-z_][a-z0-9_]*)>")
_TOKEN = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
DIGIT = "#digit"
_MAX_DEPTH = 12


def normalize(text: str) -> str:
    """The lookup form of matched words: lower case, single spaces."""
    return _SPACES.sub(" ", text.strip()).lower()


def date_rules_for(lang: str, rules: Rules) -> dict[str, Any] | None:
    """The date rules of ``lang``, or of the file that lists ``lang`` among its aliases."""
    data = rules.toml(f"dates/{lang}.toml", required=False)
    if data:
        return data
    seen: set[str] = set()
    for base in rules.dirs:
        folder = base / "dates"
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            if path.stem in seen:
                continue
            seen.add(path.stem)
            candidate = rules.toml(f"dates/{path.name}", required=False)
            if lang in candidate.get("settings", {}).get("aliases", []):
                return candidate
    return None


@dataclass(frozen=True)
class Pattern:
    """One compiled grammar rule: a regular expression and the reading that interprets it."""

    ident: str
    reading: str
    regex: re.Pattern[str]
    kind: str | None
    attrs: Mapping[str, Any]
    needs: frozenset[str]
    order: int


@dataclass
class CompiledDateRules:
    lang: str
    settings: dict[str, Any]
    patterns: tuple[Pattern, ...]
    group_values: dict[str, dict[str, Any]]
    anchors: dict[str, frozenset[str]]
    time_connector: re.Pattern[str]
    range_connector: re.Pattern[str]
    pm_words: re.Pattern[str] | None
    stop: re.Pattern[str] | None
    seasons: dict[str, tuple[int, int]] = field(default_factory=dict)

    def value(self, group: str, text: str) -> Any:
        """The value of ``text`` captured by ``group``; digits read as a number."""
        key = normalize(text)
        table = self.group_values.get(group)
        if table is not None:
            if key in table:
                return table[key]
            stripped = key.rstrip(".")
            if stripped in table:
                return table[stripped]
        digits = re.match(r"\d+", key)
        if digits:
            return int(digits.group())
        return None


def _key_regex(key: str) -> str:
    """One vocabulary word as a regex; ``=Word`` keeps its capitalisation."""
    exact = key.startswith("=")
    word = key[1:] if exact else key
    parts = [re.escape(part) for part in word.split()]
    body = r"\s+".join(parts)
    return f"(?-i:{body})" if exact else body


def _table_entries(name: str, raw: Any) -> dict[str, Any]:
    if isinstance(raw, list):
        return {str(word): normalize(str(word).lstrip("=")) for word in raw}
    if isinstance(raw, dict):
        return {str(word): value for word, value in raw.items()}
    raise RulesError(f"dates: vocab.{name} must be a table or a list")


class _Compiler:
    def __init__(self, lang: str, data: Mapping[str, Any]) -> None:
        self.lang = lang
        self.origin = f"dates/{lang}.toml"
        vocab = data.get("vocab", {})
        self.tables: dict[str, dict[str, Any]] = {
            name: _table_entries(name, raw) for name, raw in vocab.items()
        }
        for name, members in data.get("unions", {}).items():
            merged: dict[str, Any] = {}
            for member in members:
                if member not in self.tables:
                    raise RulesError(f"{self.origin}:unions.{name}: unknown table {member}")
                merged.update(self.tables[member])
            self.tables[name] = merged
        self.unions: dict[str, list[str]] = dict(data.get("unions", {}))
        self.macros: dict[str, str] = dict(data.get("macros", {}))
        for name in self.macros:
            if name in self.tables:
                raise RulesError(f"{self.origin}:macros.{name}: also the name of a vocabulary table")
        self.group_tables: dict[str, list[str]] = dict(data.get("groups", {}))
        settings = data.get("settings", {})
        self.weak = set(settings.get("weak", []))
        self._alternations: dict[str, str] = {}

    def alternation(self, table: str) -> str:
        cached = self._alternations.get(table)
        if cached is None:
            keys = sorted(self.tables[table], key=lambda k: (-len(k.lstrip("=")), k))
            cached = "|".join(_key_regex(k) for k in keys)
            self._alternations[table] = cached
        return cached

    def lookup(self, table: str) -> dict[str, Any]:
        return {normalize(k.lstrip("=")): v for k, v in self.tables[table].items()}

    def base_tables(self, table: str) -> list[str]:
        return self.unions.get(table, [table])

    def expand(
        self,
        template: str,
        where: str,
        groups: dict[str, str],
        used: set[str],
        suffix: str = "",
        depth: int = 0,
    ) -> str:
        if depth > _MAX_DEPTH:
            raise RulesError(f"{self.origin}:{where}: macros nest too deeply")
        text = template.replace(" ?", r"\s*").replace(" ", r"\s+")

        def substitute(m: re.Match[str]) -> str:
            bare, name, alias = m.group(1), m.group(2), m.group(3)
            if name in self.tables:
                used.update(self.base_tables(name))
                alternation = self.alternation(name)
                if bare:
                    return f"(?:{alternation})"
                group = (alias or name) + suffix
                if group in groups:
                    raise RulesError(f"{self.origin}:{where}: group {group} used twice")
                groups[group] = name
                return f"(?P<{group}>{alternation})"
            if name in self.macros:
                inner_suffix = suffix + (alias or "")
                body = self.expand(self.macros[name], where, groups, used, inner_suffix, depth + 1)
                return f"(?:{body})"
            raise RulesError(f"{self.origin}:{where}: unknown placeholder {{{name}}}")

        expanded = _PLACEHOLDER.sub(substitute, text)
        if suffix:
            # Explicit groups written in a macro body take the suffix as well.
            def rename(m: re.Match[str]) -> str:
                name = m.group(1)
                if name in groups or name.endswith(suffix):
                    return m.group(0)
                return f"(?P<{name}{suffix}>"

            expanded = _NAMED_GROUP.sub(rename, expanded)
        return expanded

    def compile_pattern(self, index: int, spec: Mapping[str, Any]) -> Pattern:
        ident = str(spec.get("id", index))
        where = f"pattern[{ident}]"
        reading = spec.get("reading")
        template = spec.get("regex")
        if not isinstance(reading, str) or not isinstance(template, str):
            raise RulesError(f"{self.origin}:{where}: needs 'reading' and 'regex'")
        groups: dict[str, str] = {}
        used: set[str] = set()
        body = self.expand(template, where, groups, used)
        try:
            regex = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
        except re.error as exc:
            raise RulesError(f"{self.origin}:{where}: {exc}") from None
        for name in regex.groupindex:
            if name not in groups:
                base = name.rstrip("0123456789")
                tables = self.group_tables.get(name) or self.group_tables.get(base) or []
                groups[name] = "|".join(tables)
        self._register(groups)
        needs = {t for t in used if t not in self.weak}
        if re.search(r"\\d|\[\d-", body):
            needs.add(DIGIT)
        if not needs:
            raise RulesError(f"{self.origin}:{where}: no anchoring word table or digit")
        return Pattern(
            ident=ident,
            reading=reading,
            regex=regex,
            kind=spec.get("kind"),
            attrs=dict(spec.get("set", {})),
            needs=frozenset(needs),
            order=index,
        )

    def _register(self, groups: dict[str, str]) -> None:
        for group, tables in groups.items():
            merged = self.group_values.setdefault(group, {})
            for table in filter(None, tables.split("|")):
                for key, value in self.lookup(table).items():
                    merged.setdefault(key, value)

    def anchor_index(self) -> dict[str, frozenset[str]]:
        index: dict[str, set[str]] = {}
        for name, entries in self.tables.items():
            if name in self.weak or name in self.unions:
                continue
            for key in entries:
                # Every match of the key contains each of its words; the longest is the rarest.
                tokens = [t for t in _TOKEN.findall(key.lstrip("=").lower()) if not t.isdigit()]
                if tokens:
                    index.setdefault(max(tokens, key=len), set()).add(name)
        return {token: frozenset(names) for token, names in index.items()}

    group_values: dict[str, dict[str, Any]]


def _optional_regex(origin: str, key: str, source: str | None) -> re.Pattern[str] | None:
    if not source:
        return None
    try:
        return re.compile(source, re.IGNORECASE)
    except re.error as exc:
        raise RulesError(f"{origin}:settings.{key}: {exc}") from None


def compile_date_rules(lang: str, data: Mapping[str, Any]) -> CompiledDateRules:
    compiler = _Compiler(lang, data)
    compiler.group_values = {}
    specs = data.get("pattern", [])
    if not isinstance(specs, list) or not specs:
        raise RulesError(f"{compiler.origin}: no [[pattern]] entries")
    patterns = tuple(compiler.compile_pattern(i, spec) for i, spec in enumerate(specs))
    settings = dict(data.get("settings", {}))
    origin = compiler.origin
    stop_words = settings.get("stop", [])
    stop = (
        _optional_regex(origin, "stop", "|".join(rf"(?<![\w/])(?:{s})(?![\w/])" for s in stop_words))
        if stop_words
        else None
    )
    seasons = {
        name: (int(span[0]), int(span[1])) for name, span in settings.get("seasons", {}).items()
    }
    return CompiledDateRules(
        lang=lang,
        settings=settings,
        patterns=patterns,
        group_values=compiler.group_values,
        anchors=compiler.anchor_index(),
        time_connector=_optional_regex(origin, "time_connector", settings.get("time_connector"))
        or re.compile(r"[\s,]*"),
        range_connector=_optional_regex(origin, "range_connector", settings.get("range_connector"))
        or re.compile(r"\s*[-–]\s*"),
        pm_words=_optional_regex(origin, "pm_words", settings.get("pm_words")),
        stop=stop,
        seasons=seasons,
    )


def load_date_rules(lang: str, rules: Rules) -> CompiledDateRules:
    data = date_rules_for(lang, rules)
    if data is None:
        raise RulesError(f"no date rules for language {lang!r} (rules/dates/{lang}.toml)")
    return compile_date_rules(lang, data)
