"""Who is behind a sender: employer names, domains, no-reply addresses and first names.

Built once from rules data (``ats.toml`` and ``employers.toml``); every method is
pure. The tracker uses it to join messages from one employer, and to pick the
human to write to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from agent.errors import RulesError
from agent.records import INBOUND, TrackedMessage
from agent.rules import Rules

_PUNCT = re.compile(r"[^\w/&]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def _strings(data: Mapping[str, Any], key: str, source: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"{source}:{key} must be a list of strings")
    return value


@dataclass(frozen=True)
class EmployerDirectory:
    ats_domains: Mapping[str, str] = field(default_factory=dict)  # domain suffix -> product
    agency_names: frozenset[str] = frozenset()  # compact lower-case names ("academicwork")
    job_board_domains: frozenset[str] = frozenset()
    free_mail_domains: frozenset[str] = frozenset()
    company_suffixes: frozenset[str] = frozenset()
    legal_forms: frozenset[str] = frozenset()  # lower case
    multi_part_suffixes: frozenset[str] = frozenset()
    noreply_patterns: tuple[re.Pattern[str], ...] = ()
    non_person_words: frozenset[str] = frozenset()
    via_separators: tuple[str, ...] = (" via ",)
    # Answers already worked out (the directory is immutable): domain -> ATS, address -> no-reply.
    _ats_seen: dict[str, str | None] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    _noreply_seen: dict[str, bool] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @classmethod
    def from_data(cls, ats: Mapping[str, Any], employers: Mapping[str, Any]) -> EmployerDirectory:
        ats_table = ats.get("ats", {})
        if not isinstance(ats_table, dict):
            raise RulesError("ats.toml:ats must be a table of domain = name")
        agencies = _strings(ats.get("agencies", {}), "names", "ats.toml:agencies")
        boards = _strings(ats.get("job_boards", {}), "domains", "ats.toml:job_boards")
        free = _strings(ats.get("free_mail", {}), "domains", "ats.toml:free_mail")
        company = employers.get("company", {})
        domains = employers.get("domains", {})
        addresses = employers.get("addresses", {})
        names = employers.get("names", {})
        patterns = []
        for raw in _strings(addresses, "noreply_local", "employers.toml:addresses"):
            try:
                patterns.append(re.compile(raw, re.I))
            except re.error as exc:
                raise RulesError(f"employers.toml:addresses.noreply_local {raw!r}: {exc}") from None
        return cls(
            ats_domains={str(k).lower(): str(v) for k, v in ats_table.items()},
            agency_names=frozenset(_compact(a) for a in agencies if _compact(a)),
            job_board_domains=frozenset(d.lower() for d in boards),
            free_mail_domains=frozenset(d.lower() for d in free),
            company_suffixes=frozenset(
                s.lower() for s in _strings(company, "suffixes", "employers.toml:company")
            ),
            legal_forms=frozenset(
                s.lower() for s in _strings(company, "legal_forms", "employers.toml:company")
            ),
            multi_part_suffixes=frozenset(
                s.lower()
                for s in _strings(domains, "multi_part_suffixes", "employers.toml:domains")
            ),
            noreply_patterns=tuple(patterns),
            non_person_words=frozenset(
                w.lower() for w in _strings(names, "non_person", "employers.toml:names")
            ),
            via_separators=tuple(_strings(names, "via", "employers.toml:names")) or (" via ",),
        )

    @classmethod
    def from_rules(cls, rules: Rules) -> EmployerDirectory:
        return cls.from_data(
            rules.toml("ats.toml", required=False), rules.toml("employers.toml", required=False)
        )

    # -- names ---------------------------------------------------------------

    def normalize_company(self, name: str | None) -> str:
        """Comparable form: lower case, no punctuation, no legal-form or regional suffixes."""
        if not name:
            return ""
        text = unicodedata.normalize("NFKC", name).casefold()
        text = self.strip_via(text)
        text = _PAREN.sub(" ", text)
        words = [w for w in _PUNCT.sub(" ", text.replace("a/s", " as ")).split() if w]
        while len(words) > 1 and words[-1] in self.company_suffixes:
            words.pop()
        while len(words) > 1 and words[0] == "the":
            words.pop(0)
        return " ".join(words)

    def display_company(self, name: str | None) -> str | None:
        """The name as people say it: "Acme AS" -> "Acme", "Acme, Inc." -> "Acme"."""
        if not name:
            return None
        words = self.strip_via(name).split()
        while len(words) > 1 and words[-1].lower().strip(",") in self.legal_forms:
            words.pop()
        return " ".join(words).rstrip(",") or name

    def company_key(self, name: str | None) -> str:
        return self.normalize_company(name).replace(" ", "")

    def strip_via(self, name: str) -> str:
        lowered = name.lower()
        for sep in self.via_separators:
            at = lowered.find(sep)
            if at > 0:
                return name[:at].strip()
        return name.strip()

    # -- domains ---------------------------------------------------------------

    def registrable_domain(self, domain: str) -> str:
        labels = [label for label in domain.lower().strip(".").split(".") if label]
        if len(labels) <= 2:
            return ".".join(labels)
        if ".".join(labels[-2:]) in self.multi_part_suffixes:
            return ".".join(labels[-3:])
        return ".".join(labels[-2:])

    def ats_for(self, domain: str) -> str | None:
        if domain in self._ats_seen:
            return self._ats_seen[domain]
        lowered = domain.lower()
        found = None
        for suffix, product in self.ats_domains.items():
            if lowered == suffix or lowered.endswith("." + suffix):
                found = product
                break
        self._ats_seen[domain] = found
        return found

    def agency_for_domain(self, domain: str) -> str | None:
        label = self.registrable_domain(domain).split(".")[0]
        return label if label and label.replace("-", "") in self.agency_names else None

    def is_employer_domain(self, domain: str) -> bool:
        """True when a sender's domain says which company it is (not free mail, ATS, board, agency)."""
        if not domain or "." not in domain:
            return False
        reg = self.registrable_domain(domain)
        return not (
            reg in self.free_mail_domains
            or domain.lower() in self.free_mail_domains
            or reg in self.job_board_domains
            or self.ats_for(domain)
            or self.agency_for_domain(domain)
        )

    # -- addresses and people ----------------------------------------------------

    def is_noreply(self, address: str) -> bool:
        local = address.rpartition("@")[0].lower()
        if local not in self._noreply_seen:
            self._noreply_seen[local] = any(p.fullmatch(local) for p in self.noreply_patterns)
        return self._noreply_seen[local]

    def is_human_address(self, address: str) -> bool:
        """An address a person reads: not a no-reply pattern, not an ATS system domain."""
        if "@" not in address:
            return False
        return not self.is_noreply(address) and not self.ats_for(address.rpartition("@")[2])

    def first_name(
        self, display_name: str | None, company: str | None = None, address: str | None = None
    ) -> str | None:
        """The first name to greet, or None when the name is a team, a system or a company.

        A greeting goes out under the user's name, so a name counts as a person's only on
        evidence: no team or company word in it, no word shared with the employer's name
        or mail domain ("Nordvik International Engineers" at nordvik.no is a team), and a
        single word only when the address says it is that person's ("Kari <kari@…>").
        """
        if not display_name:
            return None
        name = self.strip_via(display_name.strip().strip("\"'"))
        name = _PAREN.sub(" ", name)
        if "," in name:
            last, _, first = name.partition(",")
            name = f"{first.strip()} {last.strip()}"
        words = [w for w in _SPACES.split(name.strip()) if w]
        if not words or "@" in name:
            return None
        lowered = {w.lower().strip(".:-") for w in words}
        if lowered & self.non_person_words:
            return None
        if lowered & self._employer_words(company, address):
            return None
        local = address.rpartition("@")[0].lower() if address and "@" in address else ""
        if len(words) == 1 and not (local and _folded(words[0]) in _folded(local)):
            return None
        if company and self.company_key(name) == self.company_key(company):
            return None
        if self.company_key(name) in self.agency_names:
            return None
        first = words[0]
        if any(ch.isdigit() for ch in first) or not first[0].isalpha():
            return None
        if len(first) > 1 and first.isupper():
            if len(words) == 1:
                return None  # "HR", "ACME"
            first = first.capitalize()
        return first[:40]

    def _employer_words(self, company: str | None, address: str | None) -> set[str]:
        """Words of the employer's name and of its mail domain's name (3 letters or more)."""
        words = {w for w in re.split(r"[\W_]+", (company or "").lower()) if len(w) > 2}
        if address and "@" in address:
            domain = address.rpartition("@")[2]
            if self.is_employer_domain(domain):
                label = self.registrable_domain(domain).split(".")[0]
                words |= {w for w in re.split(r"[\W_]+", label) if len(w) > 2}
                words.add(label.replace("-", ""))
        return words

    def employer_keys(self, company: str | None, domains: Iterable[str]) -> set[str]:
        """Keys under which a direct employer is known: its name and its mail domains."""
        keys: set[str] = set()
        key = self.company_key(company)
        if key and key not in self.agency_names:
            keys.add("company:" + key)
        for domain in domains:
            if self.is_employer_domain(domain):
                reg = self.registrable_domain(domain)
                keys.add("domain:" + reg)
                keys.add("company:" + reg.split(".")[0].replace("-", ""))
        return keys


def _folded(text: str) -> str:
    """Lowercase ASCII letters only: "Søren" and "soren" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ø", "o").replace("æ", "ae"))
    return "".join(c for c in decomposed if "a" <= c <= "z")


def _compact(name: str) -> str:
    return re.sub(r"[^\w]+", "", unicodedata.normalize("NFKC", name).casefold())


@dataclass(frozen=True)
class ContactChoice:
    name: str
    address: str | None
    greeting_name: str | None
    note: str | None
    message_id: str | None  # the message the contact came from


def choose_contact(
    messages: Sequence[TrackedMessage],
    *,
    own: set[str],
    directory: EmployerDirectory,
    company: str | None,
) -> ContactChoice:
    """The human to write to: Reply-To or the sender of the latest inbound message a person
    reads; for no-reply senders, a person seen elsewhere in the process; else nobody."""
    inbound = [m for m in reversed(messages) if m.direction == INBOUND]
    for m in inbound:
        sender = m.from_addr.lower()
        for reply_to in m.reply_to:
            reply_to = reply_to.lower()
            if reply_to in own or directory.is_noreply(reply_to) or "@" not in reply_to:
                continue
            name = m.from_name if reply_to == sender else ""
            note = _reply_to_note(directory, sender, reply_to)
            if note and directory.is_human_address(sender):
                # The employer's own address wrote, and Reply-To points elsewhere (a
                # look-alike domain, say): the draft goes to the address as displayed.
                return _choice(directory, m.from_name, sender, note, m, company)
            return _choice(directory, name, reply_to, note, m, company)
        if sender not in own and directory.is_human_address(sender):
            return _choice(directory, m.from_name, sender, None, m, company)
    # Nobody reachable wrote to us: someone the user wrote to, or someone addressed with us.
    for m in reversed(messages):
        names = m.to_names if len(m.to_names) == len(m.to) else ("",) * len(m.to)
        for addr, name in zip(m.to, names, strict=True):
            addr = addr.lower()
            if addr not in own and directory.is_human_address(addr):
                return _choice(directory, name, addr, None, m, company)
    signed = next((m for m in inbound if m.contact_name), None)
    greeting = directory.first_name(signed.contact_name, company) if signed else None
    return ContactChoice("", None, greeting, None, None)


def _choice(
    directory: EmployerDirectory,
    name: str,
    address: str,
    note: str | None,
    message: TrackedMessage,
    company: str | None,
) -> ContactChoice:
    clean = directory.strip_via(name) if name else ""
    greeting = directory.first_name(clean, company, address)
    if greeting is None and message.contact_name and message.direction == INBOUND:
        greeting = directory.first_name(message.contact_name, company)
        clean = clean or message.contact_name
    return ContactChoice(clean, address, greeting, note, message.message_id)


def _reply_to_note(directory: EmployerDirectory, sender: str, reply_to: str) -> str | None:
    sender_domain = sender.rpartition("@")[2]
    reply_domain = reply_to.rpartition("@")[2]
    if not directory.is_employer_domain(sender_domain):
        return None  # an ATS or free-mail sender naming the real address is normal
    if directory.registrable_domain(sender_domain) == directory.registrable_domain(reply_domain):
        return None
    return (
        f"Reply-To {reply_to} is not on the sender's domain "
        f"{directory.registrable_domain(sender_domain)}: the draft goes to the sender; "
        "check the recipient before sending"
    )
