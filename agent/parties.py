"""Who is behind a thread: the employer, the contact person, the intermediary (ATS, agency).

Applicant tracking systems send on behalf of employers ("Acme via Teamtailor"), so the
employer comes from the display name, the subject, the text, the signature or the mail
domain, never from the ATS's domain; an agency stands between the user and its client.
Every answer is a :class:`Finding`: a value, a confidence and the evidence for it. A
draft names a party only when its finding is confident; a greeting uses a first name
only when the contact is a person, not a team, a department, a programme or a company.

Pure: :meth:`PartyRules.from_data` takes the tables of ``ats.toml``, ``employers.toml``
and the language files as data (``agent.rules.load_parties`` reads them at the edge);
nothing here reads a file, the clock or the network.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from agent.analysis.cues import compile_named
from agent.errors import RulesError
from agent.message import Address, Message
from agent.records import INBOUND, TrackedMessage
from agent.subjects import strip_reply_prefixes

CONFIDENT = 0.5  # a finding below this is left out of a draft rather than guessed

ATS = "ats"
AGENCY = "agency"
JOB_BOARD = "job_board"


@dataclass(frozen=True)
class Finding:
    """One answer about a party: what it is, how sure, and why."""

    value: str
    confidence: float
    evidence: str
    kind: str = ""  # for an intermediary: ATS, AGENCY or JOB_BOARD

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT


@dataclass(frozen=True)
class MessageParties:
    """The parties one message shows, and the role it names."""

    employer: Finding | None = None
    contact: Finding | None = None  # a person's full name
    intermediaries: tuple[Finding, ...] = ()
    role: Finding | None = None
    no_reply: bool = False

    def _intermediary(self, kind: str) -> str | None:
        return next((f.value for f in self.intermediaries if f.kind == kind), None)

    @property
    def company(self) -> str | None:
        """The employer as the message names it (kept whatever the confidence: it joins mail)."""
        return self.employer.value if self.employer else None

    @property
    def ats(self) -> str | None:
        return self._intermediary(ATS)

    @property
    def agency(self) -> str | None:
        return self._intermediary(AGENCY)

    @property
    def job_board(self) -> bool:
        return self._intermediary(JOB_BOARD) is not None

    @property
    def contact_name(self) -> str | None:
        return self.contact.value if self.contact else None


@dataclass(frozen=True)
class Contact:
    """The human to write to, and the first name to greet them by (None: not a person)."""

    name: str
    address: str | None
    greeting_name: str | None
    note: str | None  # why the address needs a look before sending
    message_id: str | None  # the message the contact came from
    confidence: float = 0.0
    evidence: str = ""


@dataclass(frozen=True)
class ThreadParties:
    employer: Finding | None
    contact: Contact
    intermediary: Finding | None
    role: Finding | None

    @property
    def company(self) -> str | None:
        return self.employer.value if self.employer else None


# -- text helpers ---------------------------------------------------------------------------

_PUNCT = re.compile(r"[^\w/&]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_VIA = re.compile(
    r"^(?P<company>.+?)\s+(?:via|through|gjennom|(?:\(|-\s*)?via)\s+(?P<ats>[\w .-]+?)\)?$", re.I
)
_LEGAL_SUFFIX = r"(?:AS|ASA|SA|BA|HF|IKS|KF|Inc\.?|Ltd\.?|LLC|GmbH|AB|Oy|ApS|A/S|plc|Group|Gruppen)"
_SIGNATURE_COMPANY = re.compile(
    rf"^(?P<company>[A-ZÆØÅ][\w&'.-]*(?: [\w&'.-]+){{0,4}} {_LEGAL_SUFFIX})\b", re.M
)
_SIGNATURE_ORG = re.compile(r"^[A-ZÆØÅ][\w&'-]*(?: [A-ZÆØÅ&][\w&'-]*){0,3}$")
_PRONOUNS = frozenset({"we", "you", "our", "your", "vi", "du"})
_GENERIC_WORDS = _PRONOUNS | frozenset(
    "the thank thanks dear hi hello hei team a an this us it i deg oss dere denne stillingen".split()
)
# Words of a subject or a greeting that never start an employer's name spelt from a domain.
_NOT_NAME_WORDS = (
    "Team HR Recruiting Recruitment Careers Talent Hiring Jobs Rekruttering Karriere We Vi The "
    "Our Thank Takk Kind Best Med Hilsen Interview Invitation Application Update Confirmation "
    "Offer Intervju Invitasjon Søknad Stilling Tilbud Re Sv Fwd"
).split()
_ORG_NOUNS = (
    r"(?:kommune|fylkeskommune|sykehus|universitet|høgskole|sparebank|bank|gruppen|group)\b"
)
_NAME_TAIL = re.compile(
    rf"(?:[ ]+(?:(?!(?:{'|'.join(_NOT_NAME_WORDS)})\b)[A-ZÆØÅ][\w&'-]*|{_ORG_NOUNS})){{0,2}}"
    rf"(?:[ ]+{_LEGAL_SUFFIX}\b)?"
)


def _fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: "Søren" and "soren", "Tromsø" and "tromso"."""
    text = text.lower().replace("ø", "o").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if "a" <= c <= "z" or "0" <= c <= "9")


def _compact(name: str) -> str:
    return re.sub(r"[^\w]+", "", unicodedata.normalize("NFKC", name).casefold())


def _tidy(name: str) -> str | None:
    """A name cut at the end of its sentence or clause, or None when it is no name."""
    name = re.split(r"[.!?](?:\s|$)|\s[-–|]\s|\n", name)[0]
    name = _SPACES.sub(" ", name).strip(" \t\"'.,:;-–|()")
    if not name or len(name) > 60:
        return None
    if name.lower() in _GENERIC_WORDS or name.lower().split()[0] in _PRONOUNS:
        return None
    return name


def _strings(data: Mapping[str, Any], key: str, source: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"{source}:{key} must be a list of strings")
    return value


def _table(data: Mapping[str, Any], key: str, source: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise RulesError(f"{source}:{key} must be a table")
    return value


def _initials_fit(name: str, stem: str) -> bool:
    """'Trondheim Energi Nett' for tenett, 'Lillehammer Turisthytter' for lhtur."""
    words = [w for w in re.findall(r"[^\W\d_]+", name) if len(w) > 1]
    if len(words) < 2:
        return False
    initials = "".join(_fold(w)[:1] for w in words)
    target = _fold(stem)
    if target.startswith(initials):
        return True
    pos = 0
    for ch in initials:  # initials in order within the label, starting with the first
        pos = target.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return target[:1] == initials[:1] and len(target) <= 3 * len(initials)


def _agrees(name: str, stem: str) -> bool:
    n, s = _fold(name), _fold(stem)
    return bool(n and s) and (n.startswith(s[:5]) or s.startswith(n[:5]))


def _spelled_name(stem: str, texts: Sequence[str]) -> str | None:
    """Words whose letters spell the domain label, extended by the capitalised words
    that follow: 'Fenwick & Dahl' for fenwickdahl, 'Tromsø Havn' for tromsohavn,
    'Greyhaven Insurance' for greyhaven, 'Vestvik Kommune' for vestvik.kommune.no."""
    target = _fold(stem)
    if len(target) < 4:
        return None
    best: str | None = None
    for text in texts:
        if not text:
            continue
        tokens = list(re.finditer(r"[\w][\w'-]*|&", text))
        normed = [_fold(t.group(0)) for t in tokens]
        for i, first in enumerate(normed):
            if not first or first[0] != target[0] or not target.startswith(first[: len(target)]):
                continue
            joined = ""
            for j in range(i, min(i + 5, len(tokens))):
                joined += normed[j]
                if joined == target or (
                    joined.startswith(target) and len(joined) - len(normed[j]) < len(target)
                ):
                    start, end = tokens[i].start(), tokens[j].end()
                    tail = _NAME_TAIL.match(text[end:])
                    name = _SPACES.sub(" ", text[start : end + (tail.end() if tail else 0)]).strip()
                    if name.islower():
                        name = name.title()
                    if best is None or len(name.split()) > len(best.split()):
                        best = name
                    break
                if not target.startswith(joined):
                    break
    return best


# -- the rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyRules:
    """The rule data parties are read with, compiled once; every method is pure."""

    ats_domains: Mapping[str, str] = field(default_factory=dict)  # domain suffix -> product
    agencies: tuple[str, ...] = ()  # lower-case names as listed ("academic work")
    job_board_domains: frozenset[str] = frozenset()
    free_mail_domains: frozenset[str] = frozenset()
    company_suffixes: frozenset[str] = frozenset()
    legal_forms: frozenset[str] = frozenset()  # lower case
    legal_forms_written: frozenset[str] = frozenset()  # as written: "AB", "Ltd.", "ApS"
    multi_part_suffixes: frozenset[str] = frozenset()
    second_levels: frozenset[str] = frozenset()  # "co" of co.uk under any two-letter country
    noreply_patterns: tuple[re.Pattern[str], ...] = ()
    non_person_words: frozenset[str] = frozenset()
    non_person_parts: tuple[str, ...] = ()
    non_person_endings: tuple[str, ...] = ()
    via_separators: tuple[str, ...] = (" via ",)
    company_patterns: Mapping[str, list[re.Pattern[str]]] = field(default_factory=dict)
    role_patterns: Mapping[str, list[re.Pattern[str]]] = field(default_factory=dict)
    subject_role_patterns: Mapping[str, list[re.Pattern[str]]] = field(default_factory=dict)
    role_generic: frozenset[str] = frozenset()
    display_strip: tuple[str, ...] = ()  # longest first, English first
    agency_keys: frozenset[str] = frozenset()  # compact names ("academicwork")
    agency_pattern: re.Pattern[str] | None = None  # any agency name, for one pass over a sender
    # Answers already worked out (the rules are immutable): domain -> ATS, local part -> no-reply.
    _ats_seen: dict[str, str | None] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    _noreply_seen: dict[str, bool] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @classmethod
    def from_data(
        cls,
        ats: Mapping[str, Any],
        employers: Mapping[str, Any],
        languages: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> PartyRules:
        """Built from the tables of ``ats.toml``, ``employers.toml`` and ``<lang>.toml``."""
        ats_table = ats.get("ats", {})
        if not isinstance(ats_table, dict):
            raise RulesError("ats.toml:ats must be a table of domain = name")
        agencies = _strings(_table(ats, "agencies", "ats.toml"), "names", "ats.toml:agencies")
        boards = _strings(_table(ats, "job_boards", "ats.toml"), "domains", "ats.toml:job_boards")
        free = _strings(_table(ats, "free_mail", "ats.toml"), "domains", "ats.toml:free_mail")
        company = _table(employers, "company", "employers.toml")
        legal_forms = _strings(company, "legal_forms", "employers.toml:company")
        domains = _table(employers, "domains", "employers.toml")
        names = _table(employers, "names", "employers.toml")
        patterns = []
        for raw in _strings(
            _table(employers, "addresses", "employers.toml"),
            "noreply_local",
            "employers.toml:addresses",
        ):
            try:
                patterns.append(re.compile(raw, re.I))
            except re.error as exc:
                raise RulesError(f"employers.toml:addresses.noreply_local {raw!r}: {exc}") from None
        company_patterns: dict[str, list[re.Pattern[str]]] = {}
        role_patterns: dict[str, list[re.Pattern[str]]] = {}
        subject_role_patterns: dict[str, list[re.Pattern[str]]] = {}
        role_generic: set[str] = set()
        strip: dict[str, list[str]] = {}
        for lang, data in (languages or {}).items():
            lang_company = _table(data, "company", f"{lang}.toml")
            role = _table(data, "role", f"{lang}.toml")
            company_patterns[lang] = compile_named(
                f"{lang}.toml:company.patterns", lang_company.get("patterns")
            )
            role_patterns[lang] = compile_named(f"{lang}.toml:role.patterns", role.get("patterns"))
            subject_role_patterns[lang] = compile_named(
                f"{lang}.toml:role.subject_patterns", role.get("subject_patterns"), flags=re.I
            )
            role_generic.update(w.lower() for w in role.get("generic", []))
            strip[lang] = sorted(
                (w.lower() for w in lang_company.get("display_name_strip", [])),
                key=len,
                reverse=True,
            )
        display_strip = strip.get("en", []) + [
            w for lang, ws in strip.items() if lang != "en" for w in ws
        ]
        agency_names = tuple(a.lower() for a in agencies)
        return cls(
            agencies=agency_names,
            agency_keys=frozenset(_compact(a) for a in agency_names if _compact(a)),
            agency_pattern=re.compile(
                r"(?<![\w])(?:" + "|".join(re.escape(a) for a in agency_names) + r")(?![\w])"
            )
            if agency_names
            else None,
            ats_domains={str(k).lower(): str(v) for k, v in ats_table.items()},
            job_board_domains=frozenset(d.lower() for d in boards),
            free_mail_domains=frozenset(d.lower() for d in free),
            company_suffixes=frozenset(
                s.lower() for s in _strings(company, "suffixes", "employers.toml:company")
            ),
            legal_forms=frozenset(s.lower() for s in legal_forms),
            legal_forms_written=frozenset(legal_forms),
            multi_part_suffixes=frozenset(
                s.lower()
                for s in _strings(domains, "multi_part_suffixes", "employers.toml:domains")
            ),
            second_levels=frozenset(
                s.lower() for s in _strings(domains, "second_levels", "employers.toml:domains")
            ),
            noreply_patterns=tuple(patterns),
            non_person_words=frozenset(
                w.lower() for w in _strings(names, "non_person", "employers.toml:names")
            ),
            non_person_parts=tuple(
                w.lower() for w in _strings(names, "non_person_parts", "employers.toml:names")
            ),
            non_person_endings=tuple(
                w.lower() for w in _strings(names, "non_person_endings", "employers.toml:names")
            ),
            via_separators=tuple(_strings(names, "via", "employers.toml:names")) or (" via ",),
            company_patterns=company_patterns,
            role_patterns=role_patterns,
            subject_role_patterns=subject_role_patterns,
            role_generic=frozenset(role_generic),
            display_strip=tuple(display_strip),
        )

    # -- company names --------------------------------------------------------------------

    def normalize_company(self, name: str | None) -> str:
        """Comparable form: lower case, no punctuation, no legal-form or regional suffixes."""
        if not name:
            return ""
        text = unicodedata.normalize("NFKC", name).casefold()
        text = _PAREN.sub(" ", self.strip_via(text))
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
        """The name without the system that sent for it: "Kari Lund via Teamtailor" -> "Kari Lund"."""
        lowered = name.lower()
        for sep in self.via_separators:
            at = lowered.find(sep)
            if at > 0:
                return name[:at].strip()
        return name.strip()

    # -- domains --------------------------------------------------------------------------

    def registrable_domain(self, domain: str) -> str:
        """'mail.tindralabs.co.uk' -> 'tindralabs.co.uk', 'x.vestvik.kommune.no' -> 'vestvik.kommune.no'."""
        labels = [label for label in domain.lower().strip(".").split(".") if label]
        if len(labels) <= 2:
            return ".".join(labels)
        if ".".join(labels[-2:]) in self.multi_part_suffixes or (
            labels[-2] in self.second_levels and len(labels[-1]) == 2
        ):
            return ".".join(labels[-3:])
        return ".".join(labels[-2:])

    def domain_label(self, domain: str) -> str:
        """The name part of a registrable domain: 'tindralabs' for mail.tindralabs.co.uk."""
        return self.registrable_domain(domain).split(".")[0]

    @staticmethod
    def _listed(domain: str, listed: Iterable[str]) -> str | None:
        """``domain`` or its closest parent domain when it is in ``listed``."""
        domain = domain.lower()
        while domain:
            if domain in listed:
                return domain
            domain = domain.partition(".")[2]
        return None

    def ats_for(self, domain: str) -> str | None:
        if domain not in self._ats_seen:
            found = self._listed(domain, self.ats_domains)
            self._ats_seen[domain] = self.ats_domains[found] if found else None
        return self._ats_seen[domain]

    def is_job_board(self, domain: str) -> bool:
        return bool(domain) and self._listed(domain, self.job_board_domains) is not None

    def is_free_mail(self, domain: str) -> bool:
        return bool(domain) and self._listed(domain, self.free_mail_domains) is not None

    def agency_for_domain(self, domain: str) -> str | None:
        label = self.domain_label(domain)
        return label if label and label.replace("-", "") in self.agency_keys else None

    def agency_named(self, sender: Address | None) -> str | None:
        """The agency a sender's display name or domain names ("Adecco", "Academic Work")."""
        if sender is None:
            return None
        hay = f"{sender.name} {sender.domain}".lower()
        label = self.domain_label(sender.domain) if sender.domain else ""
        named = self.agency_pattern is not None and self.agency_pattern.search(hay) is not None
        if not named and label not in self.agency_keys:
            return None
        for name in self.agencies:
            if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", hay) or (
                " " in name and label == name.replace(" ", "")
            ):
                return name.title() if name.islower() else name
        return None

    def is_employer_domain(self, domain: str) -> bool:
        """True when a sender's domain says which company it is (not free mail, ATS, board, agency)."""
        if not domain or "." not in domain:
            return False
        return not (
            self.is_free_mail(domain)
            or self.is_job_board(domain)
            or self.ats_for(domain)
            or self.agency_for_domain(domain)
        )

    # -- addresses and people ---------------------------------------------------------------

    def is_noreply(self, address: str) -> bool:
        """No human reads it: its local part, or a part of it after a separator
        ("careers-noreply"), is one of the no-reply patterns."""
        local = address.rpartition("@")[0].lower() if "@" in address else address.lower()
        if local not in self._noreply_seen:
            starts = [0] + [m.end() for m in re.finditer(r"[-_.+]", local)]
            self._noreply_seen[local] = any(
                p.fullmatch(local[i:]) for i in starts for p in self.noreply_patterns
            )
        return self._noreply_seen[local]

    def is_human_address(self, address: str) -> bool:
        """An address a person reads: not a no-reply pattern, not an ATS system domain."""
        if "@" not in address:
            return False
        return not self.is_noreply(address) and not self.ats_for(address.rpartition("@")[2])

    def looks_like_person(self, name: str) -> bool:
        """A person's name as written: one to four capitalised words, none of a team,
        a department, a programme or a company ("Kari Lund", not "Acme Recruiting")."""
        words = name.replace(",", " ").split()
        if not 1 <= len(words) <= 4 or re.search(r"\d|@", name):
            return False
        if len(words) > 1 and words[-1] in self.legal_forms_written:
            return False  # "Nordbygg AB", "Acme Ltd": a company's legal form
        for word in words:
            lowered = word.lower().strip(".:-&()")
            if (
                lowered in self.non_person_words
                or lowered.endswith(self.non_person_endings)
                or any(part in lowered for part in self.non_person_parts)
            ):
                return False
        return all(w[:1].isupper() for w in words if len(w) > 2)

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
        name = _PAREN.sub(" ", self.strip_via(display_name.strip().strip("\"'")))
        if "," in name:
            last, _, first = name.partition(",")
            name = f"{first.strip()} {last.strip()}"
        words = [w for w in _SPACES.split(name.strip()) if w]
        if not words or "@" in name:
            return None
        lowered = {w.lower().strip(".:-") for w in words}
        if lowered & self.non_person_words or lowered & self._employer_words(company, address):
            return None
        local = address.rpartition("@")[0].lower() if address and "@" in address else ""
        if len(words) == 1 and not (local and _fold(words[0]) in _fold(local)):
            return None
        key = self.company_key(name)
        if (company and key == self.company_key(company)) or key in self.agency_keys:
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
                label = self.domain_label(domain)
                words |= {w for w in re.split(r"[\W_]+", label) if len(w) > 2}
                words.add(label.replace("-", ""))
        return words

    def employer_keys(self, company: str | None, domains: Iterable[str]) -> set[str]:
        """Keys under which a direct employer is known: its name and its mail domains."""
        keys: set[str] = set()
        key = self.company_key(company)
        if key and key not in self.agency_keys:
            keys.add("company:" + key)
        for domain in domains:
            if self.is_employer_domain(domain):
                reg = self.registrable_domain(domain)
                keys.add("domain:" + reg)
                keys.add("company:" + reg.split(".")[0].replace("-", ""))
        return keys

    def same_as_employer(
        self, name: str, employer: str | None, domains: Iterable[str] = ()
    ) -> bool:
        """True when ``name`` is the employer's name, or its mail domain's name, again."""
        key = self.company_key(name)
        if not key:
            return False
        if employer and key == self.company_key(employer):
            return True
        return any(key == self.domain_label(d).replace("-", "") for d in domains if d)

    # -- one message --------------------------------------------------------------------------

    def read(self, msg: Message, lang: str) -> MessageParties:
        """The parties and the role one message shows; ``lang`` picks the phrasing tried first."""
        sender = msg.from_
        domain = sender.domain if sender else ""
        intermediaries: list[Finding] = []
        ats = self.ats_for(domain) if domain else None
        if ats:
            intermediaries.append(Finding(ats, 1.0, f"sent from {domain}", ATS))
        agency = self.agency_named(sender)
        if agency:
            intermediaries.append(Finding(agency, 0.8, f"sender {sender}", AGENCY))
        job_board = self.is_job_board(domain)
        if job_board:
            intermediaries.append(Finding(domain, 1.0, f"sent from {domain}", JOB_BOARD))
        no_reply = bool(sender and self.is_noreply(sender.addr))
        employer = self._employer(msg, lang, ats=ats, agency=agency, no_reply=no_reply)
        company = employer.value if employer else None
        return MessageParties(
            employer=employer,
            contact=self._contact(msg),
            intermediaries=tuple(intermediaries),
            role=self._role(lang, msg.subject, msg.text, company),
            no_reply=no_reply,
        )

    def _employer(
        self, msg: Message, lang: str, *, ats: str | None, agency: str | None, no_reply: bool
    ) -> Finding | None:
        sender = msg.from_
        domain = sender.domain if sender else ""
        display = sender.name if sender else ""
        found: Finding | None = None
        via = _VIA.match(display) if display else None
        if via:
            name = _tidy(via.group("company"))
            found = Finding(name, 0.9, f"display name {display!r}") if name else None
        elif display and re.search(r"\s[|–-]\s|,\s", display):
            # "Trine Berg | Bølgen Data AS", "Acme - Recruiting"
            parts = [p.strip() for p in re.split(r"\s[|–-]\s|,\s", display) if p.strip()]
            orgs = [
                p
                for p in parts
                if not self.looks_like_person(p) or re.search(rf"\b{_LEGAL_SUFFIX}$", p)
            ]
            if orgs:
                display = orgs[-1] if re.search(rf"\b{_LEGAL_SUFFIX}$", orgs[-1]) else orgs[0]
        sender_is_brand = bool(ats) or no_reply
        if found is None and display and (sender_is_brand or not self.looks_like_person(display)):
            stripped = self._strip_display(display)
            if stripped and (not ats or stripped.lower() != ats.lower()):
                found = Finding(stripped, 0.7, f"display name {display!r}")
        text_company = self._company_in_text(lang, f"{msg.subject}\n{msg.text}")
        sig = _SIGNATURE_COMPANY.search(msg.signature) if msg.signature else None
        sig_company = _tidy(sig.group("company")) if sig else None
        elsewhere = (
            Finding(text_company, 0.7, "named in the text")
            if text_company
            else Finding(sig_company, 0.7, "the signature")
            if sig_company
            else None
        )
        if domain and not ats and not self.is_job_board(domain) and not self.is_free_mail(domain):
            # A company domain: the name that spells the domain wins ("Tindra Labs" for tindralabs.com).
            stem = self.domain_label(domain)
            spelled = _spelled_name(stem, [display, msg.subject, msg.signature, msg.text[:3000]])
            display_org = self._strip_display(display) if display and "@" not in display else None
            agreeing = [
                c
                for c in (found.value if found else None, sig_company, text_company, spelled)
                if c and (_agrees(c, stem) or _initials_fit(c, stem))
            ]
            if display_org and (
                (spelled and spelled.lower() in display_org.lower())
                or _initials_fit(display_org, stem)
            ):
                agreeing.append(display_org)
            if agreeing:
                best = max(agreeing, key=lambda c: (len(c.split()), len(c)))
                found = Finding(best, 0.9, f"agrees with the mail domain {domain}")
            elif found is None:
                guess = stem.replace("-", " ").title()
                found = elsewhere or Finding(guess, 0.3, f"only the mail domain {domain}")
        elif found is None:
            org = self._signature_org(msg.signature)
            found = elsewhere or (Finding(org, 0.5, "a signature line") if org else None)
        if agency and found and found.value.lower() == agency.lower():
            if text_company and text_company.lower() != agency.lower():
                found = Finding(text_company, 0.7, f"the client {agency} names in the text")
        return found

    @cached_property
    def _display_words(self) -> re.Pattern[str] | None:
        """Any of the words a display name drops, between separators (longest first)."""
        if not self.display_strip:
            return None
        words = "|".join(re.escape(word) for word in self.display_strip)
        return re.compile(rf"(?:^|\s|[-|,:])(?:{words})(?=\s|[-|,:]|$)", re.I)

    def _strip_display(self, name: str) -> str | None:
        """'Acme Recruiting Team' -> 'Acme'."""
        cleaned = name
        words = self._display_words
        while words is not None:
            new = words.sub(" ", cleaned).strip(" -|,:")
            if new == cleaned:
                break
            cleaned = new
        cleaned = re.sub(r"\s+(at|hos|i)$", "", cleaned, flags=re.I)
        cleaned = re.sub(r"^(at|hos)\s+", "", cleaned, flags=re.I)
        return _tidy(cleaned)

    def _company_in_text(self, lang: str, text: str) -> str | None:
        """'Thank you for applying to Acme': the message's language first, then the others."""
        for pattern in self.company_patterns.get(lang, []) + [
            p for other, ps in self.company_patterns.items() if other != lang for p in ps
        ]:
            for match in pattern.finditer(text[:4000]):
                name = _tidy(match.group("company"))
                if name:
                    return name
        return None

    def _signature_org(self, signature: str) -> str | None:
        """'Beth Morgan | Copperleaf | +44 …' or 'CTO, Tindra Labs' -> the organisation."""
        for line in signature.splitlines()[1:8]:
            parts = [p.strip() for p in re.split(r"\s[|·•]\s|,\s", line) if p.strip()]
            for part in parts[1:]:
                if _SIGNATURE_ORG.match(part) and not self.looks_like_person(part):
                    return part
        return None

    def _contact(self, msg: Message) -> Finding | None:
        """The person who wrote: a person's display name, else the signature's first line."""
        sender = msg.from_
        if sender and sender.name and not _VIA.match(sender.name):
            if self.looks_like_person(sender.name):
                return Finding(sender.name, 0.9, f"display name of {sender.addr}")
        if msg.signature:
            lines = [ln.strip() for ln in msg.signature.splitlines()[1:4] if ln.strip()]
            if lines and self.looks_like_person(lines[0]) and len(lines[0].split()) >= 2:
                return Finding(lines[0], 0.6, "the signature")
        return None

    # -- the role -------------------------------------------------------------------------------

    def _role_ok(self, role: str | None, company: str | None) -> str | None:
        if not role:
            return None
        role = re.sub(r"\s*[(\[].*?([)\]]|$)", "", role)  # "(ref. 4471)", "(R-10472"
        role = re.sub(r"\s*,?\s*ref\.?\s*[\w/-]*\d[\w/-]*$", "", role, flags=re.I)
        role = _tidy(role)
        if not role or re.search(r"\d|@|https?:", role):
            return None
        words = re.findall(r"[^\W\d_][\w'/+-]*", role)
        if not words or len(words) > 6 or words[0].lower() in self.role_generic:
            return None
        if sum(w.lower() in self.role_generic for w in words) * 2 > len(words):
            return None
        if company and (_fold(role) == _fold(company) or _fold(company) in _fold(role)):
            return None  # a role never equals the employer
        while len(words) > 1 and words[-1].lower() in self.role_generic:
            role = role[: role.lower().rfind(words[-1].lower())].rstrip(" -–,")
            words = words[:-1]
        return role or None

    def _role(self, lang: str, subject: str, text: str, company: str | None) -> Finding | None:
        """The role from the text, else from a subject that names one."""
        for pattern in self.role_patterns.get(lang, []):
            m = pattern.search(text[:4000])
            role = self._role_ok(m.group("role"), company) if m else None
            if m and role:
                return Finding(role, 0.8, f"the text: {m.group(0)!r}")
        for pattern in self.subject_role_patterns.get(lang, []):
            m = pattern.search(subject)
            role = self._role_ok(m.group("role"), company) if m else None
            if role:
                return Finding(role, 0.7, f"the subject {subject!r}")
        # "Interview invitation - Data Analyst", "Status: markedskoordinator"
        for segment in re.split(
            r"\s[-–|:]\s|:\s|\s[-–]\s|,\s", strip_reply_prefixes(subject, forwards=True)
        ):
            role = self._role_ok(segment, company)
            if role and len(role) >= 3:
                return Finding(role, 0.5, f"a part of the subject {subject!r}")
        return None


# -- a thread --------------------------------------------------------------------------------


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower() if "@" in address else ""


def _latest(messages: Sequence[TrackedMessage], attr: str) -> str | None:
    value = None
    for m in messages:
        value = getattr(m, attr) or value
    return value


def thread_parties(
    messages: Sequence[TrackedMessage],
    *,
    own: set[str],
    rules: PartyRules,
    manual: bool = False,
    company: str | None = None,
    role: str | None = None,
) -> ThreadParties:
    """The parties of a thread (its messages in date order). For a process added by hand
    (``manual``), ``company`` is the user's word for the employer and outranks any mail;
    ``role`` is theirs too, used when no mail names one."""
    inbound = [m for m in messages if m.direction == INBOUND]
    employer: Finding | None = None
    if manual:
        employer = Finding(company, 1.0, "given by the user") if company else None
    else:
        named = rules.strip_via(_latest(messages, "company") or "")
        if named:
            employer = Finding(named, 0.8, "named in the mail")
    agency = _latest(inbound, "agency")
    ats = _latest(inbound, "ats")
    if employer is None and not agency:
        for m in reversed(inbound):
            if rules.is_employer_domain(_domain(m.from_addr)):
                domain = rules.registrable_domain(_domain(m.from_addr))
                employer = Finding(domain, 0.3, f"only the mail domain of {m.from_addr}")
                break
    intermediary = (
        Finding(agency, 0.8, "an agency wrote", AGENCY)
        if agency
        else Finding(ats, 1.0, "sent through it", ATS)
        if ats
        else None
    )
    role_finding: Finding | None = None
    named_role = _latest(messages, "role") or role
    if named_role:
        domains = [_domain(m.from_addr) for m in inbound]
        if not rules.same_as_employer(named_role, employer.value if employer else None, domains):
            from_mail = named_role != role or _latest(messages, "role") is not None
            role_finding = Finding(
                named_role,
                0.7 if from_mail else 1.0,
                "named in the mail" if from_mail else "given by the user",
            )
    contact = choose_contact(
        messages, own=own, rules=rules, company=employer.value if employer else None
    )
    return ThreadParties(employer, contact, intermediary, role_finding)


def choose_contact(
    messages: Sequence[TrackedMessage],
    *,
    own: set[str],
    rules: PartyRules,
    company: str | None,
) -> Contact:
    """The human to write to: Reply-To or the sender of the latest inbound message a person
    reads; for no-reply senders, a person seen elsewhere in the thread; else nobody."""
    inbound = [m for m in reversed(messages) if m.direction == INBOUND]
    for m in inbound:
        sender = m.from_addr.lower()
        for reply_to in m.reply_to:
            reply_to = reply_to.lower()
            if reply_to in own or rules.is_noreply(reply_to) or "@" not in reply_to:
                continue
            name = m.from_name if reply_to == sender else ""
            note = _reply_to_note(rules, sender, reply_to)
            if note and rules.is_human_address(sender):
                # The employer's own address wrote, and Reply-To points elsewhere (a
                # look-alike domain, say): the draft goes to the address as displayed.
                return _contact(rules, m.from_name, sender, note, m, company, "sender")
            return _contact(rules, name, reply_to, note, m, company, "Reply-To")
        if sender not in own and rules.is_human_address(sender):
            return _contact(rules, m.from_name, sender, None, m, company, "sender")
    # Nobody reachable wrote to us: someone the user wrote to, or someone addressed with us.
    for m in reversed(messages):
        names = m.to_names if len(m.to_names) == len(m.to) else ("",) * len(m.to)
        for addr, name in zip(m.to, names, strict=True):
            addr = addr.lower()
            if addr not in own and rules.is_human_address(addr):
                return _contact(rules, name, addr, None, m, company, "recipient")
    signed = next((m for m in inbound if m.contact_name), None)
    greeting = rules.first_name(signed.contact_name, company) if signed else None
    return Contact("", None, greeting, None, None, 0.6 if greeting else 0.0, "a signature")


def _contact(
    rules: PartyRules,
    name: str,
    address: str,
    note: str | None,
    message: TrackedMessage,
    company: str | None,
    where: str,
) -> Contact:
    clean = rules.strip_via(name) if name else ""
    greeting = rules.first_name(clean, company, address)
    evidence = f"{where} of {message.message_id}"
    if greeting is None and message.contact_name and message.direction == INBOUND:
        greeting = rules.first_name(message.contact_name, company)
        clean = clean or message.contact_name
        evidence += " and its signature"
    confidence = 0.5 if note else 0.9
    return Contact(clean, address, greeting, note, message.message_id, confidence, evidence)


def _reply_to_note(rules: PartyRules, sender: str, reply_to: str) -> str | None:
    sender_domain, reply_domain = _domain(sender), _domain(reply_to)
    if not rules.is_employer_domain(sender_domain):
        return None  # an ATS or free-mail sender naming the real address is normal
    if rules.registrable_domain(sender_domain) == rules.registrable_domain(reply_domain):
        return None
    return (
        f"Reply-To {reply_to} is not on the sender's domain "
        f"{rules.registrable_domain(sender_domain)}: the draft goes to the sender; "
        "check the recipient before sending"
    )
