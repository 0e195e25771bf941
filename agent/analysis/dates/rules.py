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

from agent.analysis.dates.regex import anchor_requirement, group_end, trie_regex
from agent.errors import RulesError
from agent.rules import Rules

_PLACEHOLDER = re.compile(r"\{(=?)([a-z_][a-z0-9_]*)(?::([a-z0-9_]+))?\}")
_NAMED_GROUP = re.compile(r"\(\?P<([a-z_][a-z0-9_]*)>")
_TOKEN = re.compile(r"[^\W\d_]+|\d+")  # letters and digits apart: "feb13"
_SPACES = re.compile(r"\s+")
_MAX_DEPTH = 12


def normalize(text: str) -> str:
    """The lookup form of matched words: lower case, single spaces."""
    return _SPACES.sub(" ", text.strip()).lower()


@dataclass
class Pattern:
    """One grammar rule: a regular expression and the reading that interprets it.

    The expression is compiled on first use: a message needs only the rules its words
    can start, and compiling them all costs a good part of a second.
    """

    ident: str
    reading: str
    source: str
    where: str
    kind: str | None
    attrs: Mapping[str, Any]
    needs: frozenset[str]
    order: int
    _compiled: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    @property
    def regex(self) -> re.Pattern[str]:
        if self._compiled is None:
            try:
                self._compiled = re.compile(self.source)
            except re.error as exc:
                raise RulesError(f"{self.where}: {exc}") from None
        return self._compiled


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
    past_before: re.Pattern[str] | None
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


def _table_entries(name: str, raw: Any) -> dict[str, Any]:
    if isinstance(raw, list):
        return {normalize(str(word)): normalize(str(word)) for word in raw}
    if isinstance(raw, dict):
        return {normalize(str(word)): value for word, value in raw.items()}
    raise RulesError(f"dates: vocab.{name} must be a table or a list")


def _composed(where: str, spec: Any) -> tuple[dict[str, Any], set[str], list[str]]:
    """The number words of a ``[compose.NAME]`` table: each of its tens alone, and each
    tens and unit joined by every one of its forms ("{tens}-{units}" gives "thirty-seven");
    which of them are compounds; and a regular expression per form that matches those
    (far smaller than their alternation, which every pattern with a number would carry)."""
    if not isinstance(spec, dict):
        raise RulesError(f"{where}: must be a table of tens, units and forms")
    tens, units, forms = spec.get("tens"), spec.get("units"), spec.get("forms")
    if not isinstance(tens, dict) or not isinstance(units, dict) or not isinstance(forms, list):
        raise RulesError(f"{where}: needs the tables 'tens' and 'units' and a list 'forms'")
    words: dict[str, Any] = {normalize(word): value for word, value in tens.items()}
    compounds: set[str] = set()
    regexes: list[str] = []
    slots = {"{tens}": f"(?:{trie_regex([normalize(t) for t in tens])})"}
    slots["{units}"] = f"(?:{trie_regex([normalize(u) for u in units])})"
    for form in forms:
        if not isinstance(form, str) or "{tens}" not in form or "{units}" not in form:
            raise RulesError(f"{where}: a form joins {{tens}} and {{units}}: {form!r}")
        for ten, ten_value in tens.items():
            for unit, unit_value in units.items():
                word = normalize(form.replace("{tens}", ten).replace("{units}", unit))
                compounds.add(word)
                words.setdefault(word, ten_value + unit_value)
        parts = re.split(r"(\{tens\}|\{units\})", form)
        regexes.append(
            "".join(slots.get(part) or re.escape(part).replace(r"\ ", " ").replace(" ", r"\s+")
                    for part in parts if part)
        )  # fmt: skip
    return words, compounds, regexes


class _Compiler:
    def __init__(self, lang: str, data: Mapping[str, Any]) -> None:
        self.lang = lang
        self.origin = f"dates/{lang}.toml"
        vocab = data.get("vocab", {})
        self.tables: dict[str, dict[str, Any]] = {
            name: _table_entries(name, raw) for name, raw in vocab.items()
        }
        self._compounds: dict[str, tuple[set[str], list[str]]] = {}
        for name, spec in data.get("compose", {}).items():
            table = self.tables.setdefault(name, {})
            words, compounds, regexes = _composed(f"{self.origin}:compose.{name}", spec)
            for word, value in words.items():
                table.setdefault(word, value)  # a word listed in the vocabulary wins
            self._compounds[name] = (compounds, regexes)
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
                raise RulesError(
                    f"{self.origin}:macros.{name}: also the name of a vocabulary table"
                )
        self.group_tables: dict[str, list[str]] = dict(data.get("groups", {}))
        settings = data.get("settings", {})
        self.weak = set(settings.get("weak", []))
        self._alternations: dict[str, str] = {}
        self._requirements: dict[str, frozenset[str] | None] = {}

    def alternation(self, table: str) -> str:
        cached = self._alternations.get(table)
        if cached is None:
            compounds: set[str] = set()
            regexes: list[str] = []
            for base in self.base_tables(table):
                if base in self._compounds:
                    compounds |= self._compounds[base][0]
                    regexes += self._compounds[base][1]
            rest = trie_regex([word for word in self.tables[table] if word not in compounds])
            # Compounds first: "thirty-seven" is tried before "thirty".
            cached = "|".join(f"(?:{part})" for part in [*regexes, rest] if part)
            self._alternations[table] = cached
        return cached

    def lookup(self, table: str) -> dict[str, Any]:
        return self.tables[table]

    def base_tables(self, table: str) -> list[str]:
        return self.unions.get(table, [table])

    def expand(
        self, template: str, where: str, groups: dict[str, str], suffix: str = "", depth: int = 0
    ) -> str:
        """``template`` with every placeholder replaced; ``groups`` learns each named group's tables."""
        if depth > _MAX_DEPTH:
            raise RulesError(f"{self.origin}:{where}: macros nest too deeply")
        text = template.replace(" ?", r"\s*").replace(" ", r"\s+")
        self._implicit_groups(text, groups, suffix)

        def substitute(m: re.Match[str]) -> str:
            bare, name, alias = m.group(1), m.group(2), m.group(3)
            if name in self.tables:
                alternation = self.alternation(name)
                if bare:
                    return f"(?:{alternation})"
                group = (alias or name) + suffix
                if group in groups:
                    raise RulesError(f"{self.origin}:{where}: group {group} used twice")
                groups[group] = name
                return f"(?P<{group}>{alternation})"
            if name in self.macros:
                body = self.expand(
                    self.macros[name], where, groups, suffix + (alias or ""), depth + 1
                )
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

    def _implicit_groups(self, text: str, groups: dict[str, str], suffix: str) -> None:
        """``(?P<n>\\d+|{=number})``: the group reads its words from the tables inside it."""
        for m in _NAMED_GROUP.finditer(text):
            inside = text[m.start() : group_end(text, m.start())]
            tables = [t for bare, t, _ in _PLACEHOLDER.findall(inside) if bare and t in self.tables]
            name = m.group(1) if not suffix or m.group(1).endswith(suffix) else m.group(1) + suffix
            if tables and name not in groups:
                groups[name] = "|".join(t for table in tables for t in self.base_tables(table))

    def compile_pattern(self, index: int, spec: Mapping[str, Any]) -> Pattern:
        ident = str(spec.get("id", index))
        where = f"pattern[{ident}]"
        reading = spec.get("reading")
        template = spec.get("regex")
        if not isinstance(reading, str) or not isinstance(template, str):
            raise RulesError(f"{self.origin}:{where}: needs 'reading' and 'regex'")
        if re.search(r"[A-Z]", re.sub(r"\\.|\(\?P<\w+>|\{[^}]*\}", "", template)):
            raise RulesError(
                f"{self.origin}:{where}: patterns match lower-cased text; write them in lower case"
            )
        groups: dict[str, str] = {}
        body = self.expand(template, where, groups)
        for name in _NAMED_GROUP.findall(body):
            if not groups.get(name):
                base = name.rstrip("0123456789")
                groups[name] = "|".join(
                    self.group_tables.get(name) or self.group_tables.get(base) or []
                )
        self._register(groups)
        needs = anchor_requirement(template, self._requirement)
        if not needs:
            raise RulesError(
                f"{self.origin}:{where}: no anchoring word: a match must contain a word of a table "
                f"not listed in settings.weak, or a digit"
            )
        return Pattern(
            ident=ident,
            reading=reading,
            source=rf"(?<!\w)(?:{body})(?!\w)",
            where=f"{self.origin}:{where}",
            kind=spec.get("kind"),
            attrs=dict(spec.get("set", {})),
            needs=needs,
            order=index,
        )

    def _requirement(self, name: str) -> frozenset[str] | None:
        """What a placeholder guarantees a match contains (see ``anchor_requirement``)."""
        if name in self._requirements:
            return self._requirements[name]
        self._requirements[name] = None  # a macro that refers to itself anchors nothing
        found: frozenset[str] | None = None
        if name in self.tables:
            tables = self.base_tables(name)
            if not any(t in self.weak for t in tables):
                found = frozenset(tables)
        elif name in self.macros:
            found = anchor_requirement(self.macros[name], self._requirement)
        self._requirements[name] = found
        return found

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
                tokens = [t for t in _TOKEN.findall(key) if not t.isdigit()]
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
        _optional_regex(
            origin, "stop", "|".join(rf"(?<![\w/])(?:{s})(?![\w/])" for s in stop_words)
        )
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
        past_before=_optional_regex(
            origin,
            "past_before",
            rf"(?:{settings['past_before']})\s+$" if settings.get("past_before") else None,
        ),
        seasons=seasons,
    )


def load_date_rules(lang: str, rules: Rules) -> CompiledDateRules:
    data = rules.date_rules(lang)
    if data is None:
        raise RulesError(f"no date rules for language {lang!r} (rules/dates/{lang}.toml)")
    return compile_date_rules(lang, data)
