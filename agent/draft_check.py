"""The check every draft passes before it is appended: it goes out under the user's name.

Pure: the rules of ``rules/drafts.toml`` and strings in, verdicts out. Slots are vetted
before a draft is rendered (a role that is a subject line, a company that is a domain
label or a sentence, a name that is the company's are left out, so the draft says it
neutrally); the rendered text is then checked as a whole (words twice in a row, a
dangling conjunction, a placeholder left, one slot standing for another).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
_PLACEHOLDER = re.compile(r"\$\{?[A-Za-z_]\w*")
# What no name, role or company holds, and no draft body either: an address, a link,
# markup (an inbound mail's content must never travel into a draft).
_FOREIGN = re.compile(r"@|https?:|www\.|[<>{}\[\];:|\\]", re.I)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _strings(data: Mapping[str, Any], key: str) -> frozenset[str]:
    values = data.get(key, [])
    return frozenset(str(v).lower() for v in values) if isinstance(values, list) else frozenset()


@dataclass(frozen=True)
class DraftCheck:
    not_role_words: frozenset[str] = frozenset()
    max_role_words: int = 6
    not_company_names: frozenset[str] = frozenset()
    not_company_words: frozenset[str] = frozenset()
    max_joined_length: int = 14
    conjunctions: frozenset[str] = frozenset()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> DraftCheck:
        role = data.get("role", {}) if isinstance(data.get("role"), dict) else {}
        company = data.get("company", {}) if isinstance(data.get("company"), dict) else {}
        text = data.get("text", {}) if isinstance(data.get("text"), dict) else {}
        return cls(
            not_role_words=_strings(role, "not_role_words"),
            max_role_words=int(role.get("max_words", 6)),
            not_company_names=_strings(company, "not_company_names"),
            # compared as written: "I" is a pronoun, "i" a Nordic preposition
            not_company_words=frozenset(str(w) for w in company.get("not_company_words", [])),
            max_joined_length=int(company.get("max_joined_length", 14)),
            conjunctions=_strings(text, "conjunctions"),
        )

    # -- slots --------------------------------------------------------------------------
    def role_problem(self, role: str, company: str) -> str | None:  # noqa: C901
        """Why ``role`` is no role to name in a draft, or None."""
        if not role:
            return None
        words = _words(role)
        if not words:
            return "role has no words"
        if _FOREIGN.search(role):
            return f"role {role!r} holds an address, a link or markup"
        if len(words) > self.max_role_words:
            return f"role of {len(words)} words reads like a sentence"
        if set(words) & self.not_role_words:
            return f"role {role!r} is a subject line or a step, not a role"
        if company and (
            _compact(role) == _compact(company) or (len(words) > 1 and _same(role, company))
        ):
            return f"role {role!r} is the employer's name"
        return None

    def company_problem(self, company: str, domain_labels: Sequence[str] = ()) -> str | None:
        """Why ``company`` is no employer's name to put in a draft, or None.

        ``domain_labels`` are the labels of the senders' mail domains: a one-word name
        that is one of them, spelt from it ("Lakesidebuilding" from lakesidebuilding.com),
        is a guess at how the employer writes its name."""
        if not company:
            return None
        words = _words(company)
        if _FOREIGN.search(company):
            return f"company {company!r} holds an address, a link or markup"
        if not words or company.lower().strip(" .") in self.not_company_names:
            return f"company {company!r} is a domain or system name"
        if set(_WORD.findall(company)) & self.not_company_words:
            return f"company {company!r} reads like a sentence"
        labels = {label.lower().replace("-", "") for label in domain_labels}
        if (
            len(words) == 1
            and len(company) > self.max_joined_length
            and company[1:].islower()
            and words[0] in labels
        ):
            return f"company {company!r} is spelt from a mail domain"
        return None

    def name_problem(self, name: str, others: Sequence[str]) -> str | None:
        """Why ``name`` is not a person's first name to greet, or None."""
        if not name:
            return None
        if not name[0].isalpha() or any(ch.isdigit() for ch in name) or _FOREIGN.search(name):
            return f"greeting name {name!r} is not a name"
        for other in others:
            if other and (_same(name, other) or name.lower() in _words(other)):
                return f"greeting name {name!r} is part of the employer's or role's name"
        return None

    # -- the rendered text ----------------------------------------------------------------
    def text_problems(self, text: str, own: Sequence[str] = ()) -> list[str]:
        """What is wrong with a rendered draft; ``own`` are the user's own addresses
        (a signature may carry one)."""
        problems: list[str] = []
        allowed = {a.lower() for a in own}
        for foreign in re.finditer(r"\S*(?:@|https?:|www\.)\S*", text, re.I):
            if foreign.group(0).strip(".,;:()<>").lower() not in allowed:
                problems.append(f"an address or a link in the text: {foreign.group(0)}")
                break
        if _PLACEHOLDER.search(text):
            problems.append(f"a placeholder is left: {_PLACEHOLDER.search(text).group(0)}")  # type: ignore[union-attr]
        for line in text.splitlines():
            words = _words(line)
            for first, second in zip(words, words[1:], strict=False):
                if first == second and first.isalpha() and len(first) > 1:
                    problems.append(f"the word {first!r} twice in a row")
            for conj in self.conjunctions:
                if re.search(rf"\b{re.escape(conj)}\s*(?:[,.;:!?]|$)", line, re.I):
                    problems.append(f"a sentence ends on {conj!r}")
                if re.search(rf"\b{re.escape(conj)}\s+\w+\s+{re.escape(conj)}\b", line, re.I):
                    problems.append(f"{conj!r} twice around one word")
        return sorted(set(problems))


def _same(a: str, b: str) -> bool:
    return _compact(a) == _compact(b) or _compact(a) in _compact(b) or _compact(b) in _compact(a)


def _compact(text: str) -> str:
    return "".join(_words(text))
