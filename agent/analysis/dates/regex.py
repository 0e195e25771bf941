"""Regex helpers for the date grammar: fast word alternations and anchor analysis.

``anchor_requirement`` reads a pattern template and names what every match must
contain: a word of one of some vocabulary tables, or a digit. The grammar only runs a
pattern near such words, which keeps a scan of plain text cheap.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

DIGIT = "#digit"
_PLACEHOLDER_AT = re.compile(r"\{(=?)([a-z_][a-z0-9_]*)(?::([a-z0-9_]+))?\}")
_QUANTIFIER = re.compile(r"\?|\*|\+|\{(\d*)(?:,(\d*))?\}")

# What a placeholder requires: the anchoring tables of a table, or a macro's requirement.
Resolver = Callable[[str], frozenset[str] | None]


def trie_regex(words: list[str]) -> str:
    """An alternation of ``words`` factored by common prefixes (much faster to match).

    Longer words are tried before their prefixes; a space matches any whitespace run.
    """
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [
            (r"\s+" if char == " " else re.escape(char)) + build(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return build(root)


def group_end(text: str, start: int) -> int:
    """The index of the ``)`` closing the group that opens at ``start``."""
    depth = 0
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = class_end(text, index) + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return len(text) - 1


def class_end(text: str, start: int) -> int:
    """The index of the ``]`` closing the character class that opens at ``start``."""
    index = start + 1
    if index < len(text) and text[index] == "^":
        index += 1
    if index < len(text) and text[index] == "]":
        index += 1
    while index < len(text) and text[index] != "]":
        index += 2 if text[index] == "\\" else 1
    return index


def _optional(text: str, index: int) -> tuple[bool, int]:
    """Whether a quantifier at ``index`` allows zero repeats, and where it ends."""
    m = _QUANTIFIER.match(text, index)
    if not m:
        return False, index
    end = m.end()
    if end < len(text) and text[end] in "?+":
        end += 1  # lazy or possessive
    token = m.group()
    if token in ("?", "*"):
        return True, end
    if token == "+":
        return False, end
    low = m.group(1)
    return (not low or int(low) == 0), end


def _choose(options: list[frozenset[str]]) -> frozenset[str] | None:
    """Of several things a match must all contain, the rarest: words before bare digits."""
    if not options:
        return None
    return min(options, key=lambda need: (DIGIT in need, len(need)))


def anchor_requirement(template: str, resolve: Resolver) -> frozenset[str] | None:
    """What every match of ``template`` contains (any one of the returned anchors), or None."""
    branches: list[frozenset[str] | None] = []
    options: list[frozenset[str]] = []
    index = 0
    while index <= len(template):
        if index == len(template) or template[index] == "|":
            branches.append(_choose(options))
            options = []
            index += 1
            continue
        char = template[index]
        need: frozenset[str] | None = None
        if char == "\\":
            need = frozenset({DIGIT}) if template[index + 1 : index + 2] == "d" else None
            end = index + 2
        elif char == "[":
            close = class_end(template, index)
            body = template[index + 1 : close]
            need = frozenset({DIGIT}) if ("\\d" in body or re.search(r"\d-\d", body)) else None
            end = close + 1
        elif char == "{" and (m := _PLACEHOLDER_AT.match(template, index)):
            need = resolve(m.group(2))
            end = m.end()
        elif char == "(":
            close = group_end(template, index)
            inner = template[index + 1 : close]
            end = close + 1
            if inner.startswith(("?!", "?<!")):
                need = None  # what must be absent anchors nothing
            elif inner.startswith(("?=", "?<=")):
                # What must stand beside the match is in the window around it as well.
                need = anchor_requirement(inner[2 if inner[1] == "=" else 3 :], resolve)
            else:
                if inner.startswith("?P<"):
                    inner = inner[inner.index(">") + 1 :]
                elif inner.startswith("?"):
                    inner = inner[inner.index(":") + 1 :] if ":" in inner else ""
                need = anchor_requirement(inner, resolve)
        else:
            end = index + 1
        optional, end = _optional(template, end)
        if need and not optional:
            options.append(need)
        index = end
    if any(branch is None for branch in branches):
        return None
    return frozenset().union(*branches) if branches else None  # type: ignore[arg-type]
