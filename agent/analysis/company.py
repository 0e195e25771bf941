"""Who is behind a message: the employer, the ATS or agency in between, the role, the person.

Applicant tracking systems send on behalf of employers ("Acme via Teamtailor"), so
the employer comes from the display name, the subject, the text or the signature,
never from the ATS domain. Data (ATS domains, agencies, job boards, free-mail
domains, phrasing) comes from ``rules/ats.toml`` and the language files.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from agent.analysis.cues import compile_named
from agent.message import Address, Message

_VIA = re.compile(
    r"^(?P<company>.+?)\s+(?:via|through|gjennom|(?:\(|-\s*)?via)\s+(?P<ats>[\w .-]+?)\)?$", re.I
)
_NO_REPLY = re.compile(
    r"(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|ikke[-_.]?svar|noreply|mailer-daemon|notifications?|bounce|postmaster|system|automated)",
    re.I,
)
_LEGAL_SUFFIX = r"(?:AS|ASA|SA|BA|HF|IKS|KF|Inc\.?|Ltd\.?|LLC|GmbH|AB|Oy|ApS|A/S|plc|Group|Gruppen)"
_SIGNATURE_COMPANY = re.compile(
    rf"^(?P<company>[A-ZÆØÅ][\w&'.-]*(?: [\w&'.-]+){{0,4}} {_LEGAL_SUFFIX})\b", re.M
)
_GENERIC_WORDS = {
    "we",
    "our",
    "the",
    "you",
    "your",
    "thank",
    "thanks",
    "dear",
    "hi",
    "hello",
    "hei",
    "vi",
    "du",
    "team",
    "a",
    "an",
    "this",
    "us",
    "it",
    "i",
    "deg",
    "oss",
    "dere",
    "denne",
    "stillingen",
}


@dataclass(frozen=True)
class Party:
    company: str | None
    ats: str | None
    agency: str | None
    contact_name: str | None
    role: str | None
    job_board: bool
    no_reply: bool


def _domain_matches(domain: str, suffixes: Mapping[str, str] | Collection[str]) -> str | None:
    """The entry for ``domain`` or its closest parent domain in ``suffixes``, if any."""
    while domain:
        if domain in suffixes:
            return suffixes[domain] if isinstance(suffixes, Mapping) else domain
        domain = domain.partition(".")[2]
    return None


def _tidy(name: str) -> str | None:
    name = re.split(r"[.!?](?:\s|$)|\s[-–|]\s|\n", name)[0]
    name = re.sub(r"\s+", " ", name).strip(" \t\"'.,:;-–|()")
    if not name or len(name) > 60:
        return None
    if name.lower() in _GENERIC_WORDS or name.lower().split()[0] in {
        "we",
        "you",
        "our",
        "your",
        "vi",
        "du",
    }:
        return None
    return name


def looks_like_person(name: str) -> bool:
    words = name.replace(",", " ").split()
    if not 1 <= len(words) <= 4:
        return False
    if re.search(
        r"\d|@|team|recruit|career|talent|hr\b|jobs?\b|rekrutt|karriere|no-?reply|acquisition|people|hiring",
        name,
        re.I,
    ):
        return False
    return all(w[:1].isupper() for w in words if len(w) > 2)


_FOLD = str.maketrans(
    {"ø": "o", "æ": "ae", "å": "a", "ä": "a", "ö": "o", "ü": "u", "é": "e", "&": ""}
)


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower().translate(_FOLD))


def _registered_label(domain: str) -> str:
    """'mail.tindralabs.co.uk' -> 'tindralabs'."""
    parts = [p for p in domain.lower().split(".") if p]
    if (
        len(parts) >= 3
        and parts[-2] in ("co", "com", "org", "ac", "gov", "net")
        and len(parts[-1]) == 2
    ):
        parts = parts[:-1]
    if len(parts) >= 3 and parts[-2] in (
        "kommune",
        "fylkeskommune",
        "vgs",
        "priv",
        "museum",
        "stat",
        "gs",
        "herad",
    ):
        return parts[-3]
    label = parts[-2] if len(parts) >= 2 else parts[0]
    return label


def _initials_fit(name: str, stem: str) -> bool:
    """'Trondheim Energi Nett' for tenett, 'Lillehammer Turisthytter' for lhtur."""
    words = [w for w in re.findall(r"[^\W\d_]+", name) if len(w) > 1]
    if len(words) < 2:
        return False
    initials = "".join(_norm(w)[:1] for w in words)
    target = _norm(stem)
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
    n, s = _norm(name), _norm(stem)
    return bool(n and s) and (n.startswith(s[:5]) or s.startswith(n[:5]))


_CAP_WORDS = re.compile(r"[\w][\w&'-]*(?:[ ]+(?:&[ ]+)?[\w&][\w&'-]*){0,5}")
_ORG_NOUNS = (
    r"(?:kommune|fylkeskommune|sykehus|universitet|høgskole|sparebank|bank|gruppen|group)\b"
)
_EXTRA_WORDS = (
    "Team",
    "HR",
    "Recruiting",
    "Recruitment",
    "Careers",
    "Talent",
    "Hiring",
    "Jobs",
    "Rekruttering",
    "Karriere",
    "We",
    "Vi",
    "The",
    "Our",
    "Thank",
    "Takk",
    "Kind",
    "Best",
    "Med",
    "Hilsen",
    "Interview",
    "Invitation",
    "Application",
    "Update",
    "Confirmation",
    "Offer",
    "Intervju",
    "Invitasjon",
    "Søknad",
    "Stilling",
    "Tilbud",
    "Re",
    "Sv",
    "Fwd",
)


def _spelled_name(stem: str, texts: Sequence[str]) -> str | None:
    """Words whose letters spell the domain label, extended by the capitalised words
    that follow: 'Fenwick & Dahl' for fenwickdahl, 'Tromsø Havn' for tromsohavn,
    'Greyhaven Insurance' for greyhaven, 'Vestvik Kommune' for vestvik.kommune.no."""
    target = _norm(stem)
    if len(target) < 4:
        return None
    best: str | None = None
    for text in texts:
        if not text:
            continue
        tokens = list(re.finditer(r"[\w][\w'-]*|&", text))
        normed = [_norm(t.group(0)) for t in tokens]
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
                    tail = re.match(
                        rf"(?:[ ]+(?:(?!(?:{'|'.join(_EXTRA_WORDS)})\b)[A-ZÆØÅ][\w&'-]*|{_ORG_NOUNS})){{0,2}}(?:[ ]+{_LEGAL_SUFFIX}\b)?",
                        text[end:],
                    )
                    name = text[start : end + (tail.end() if tail else 0)]
                    name = re.sub(r"\s+", " ", name).strip()
                    if name.islower():
                        name = name.title()
                    if best is None or len(name.split()) > len(best.split()):
                        best = name
                    break
                if not target.startswith(joined):
                    break
    return best


def _signature_org(signature: str) -> str | None:
    """'Beth Morgan | Copperleaf | +44 …' or 'CTO, Tindra Labs' -> the organisation."""
    for line in signature.splitlines()[1:8]:
        parts = [p.strip() for p in re.split(r"\s[|·•]\s|,\s", line) if p.strip()]
        if len(parts) >= 2:
            for part in parts[1:]:
                if re.match(
                    r"^[A-ZÆØÅ][\w&'-]*(?: [A-ZÆØÅ&][\w&'-]*){0,3}$", part
                ) and not looks_like_person(part):
                    return part
    return None


class PartyResolver:
    def __init__(
        self, ats_rules: Mapping[str, object], lang_rules: Mapping[str, Mapping[str, object]]
    ) -> None:
        self.ats: dict[str, str] = dict(ats_rules.get("ats", {}))  # type: ignore[arg-type]
        self.agencies: list[str] = [
            a.lower() for a in ats_rules.get("agencies", {}).get("names", [])
        ]  # type: ignore[union-attr]
        self.job_boards = frozenset(ats_rules.get("job_boards", {}).get("domains", []))  # type: ignore[union-attr]
        self.free_mail = frozenset(ats_rules.get("free_mail", {}).get("domains", []))  # type: ignore[union-attr]
        # One pass over the sender for every agency name; the list order decides among hits.
        self._agency_names = (
            re.compile(
                r"(?<![\w])(?:" + "|".join(re.escape(a) for a in self.agencies) + r")(?![\w])"
            )
            if self.agencies
            else None
        )
        self._agency_labels = {a.replace(" ", ""): a for a in self.agencies if " " in a}
        self.company_patterns: dict[str, list[re.Pattern[str]]] = {}
        self.role_patterns: dict[str, list[re.Pattern[str]]] = {}
        self.subject_role_patterns: dict[str, list[re.Pattern[str]]] = {}
        self.strip_words: dict[str, list[str]] = {}
        self.role_generic: set[str] = set()
        for lang, data in lang_rules.items():
            company = data.get("company", {})
            role = data.get("role", {})
            assert isinstance(company, dict) and isinstance(role, dict)
            self.company_patterns[lang] = compile_named(
                f"{lang}.toml:company.patterns", company.get("patterns")
            )
            self.role_patterns[lang] = compile_named(
                f"{lang}.toml:role.patterns", role.get("patterns")
            )
            self.subject_role_patterns[lang] = compile_named(
                f"{lang}.toml:role.subject_patterns", role.get("subject_patterns"), flags=re.I
            )
            self.role_generic.update(w.lower() for w in role.get("generic", []))
            self.strip_words[lang] = sorted(
                (w.lower() for w in company.get("display_name_strip", [])), key=len, reverse=True
            )

    def _agency(self, sender: Address | None) -> str | None:
        if sender is None:
            return None
        hay = f"{sender.name} {sender.domain}".lower()
        label = _registered_label(sender.domain) if sender.domain else ""
        named = self._agency_names is not None and self._agency_names.search(hay) is not None
        if not named and label not in self._agency_labels:
            return None
        for name in self.agencies:
            if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", hay) or (
                " " in name and label == name.replace(" ", "")
            ):
                return name.title() if name.islower() else name
        return None

    def _strip_display(self, name: str) -> str | None:
        words = self.strip_words.get("en", []) + [
            w for lang, ws in self.strip_words.items() if lang != "en" for w in ws
        ]
        cleaned = name
        changed = True
        while changed:
            changed = False
            for word in words:
                pattern = rf"(^|\s|[-|,:]){re.escape(word)}(\s|[-|,:]|$)"
                new = re.sub(pattern, " ", cleaned, flags=re.I).strip(" -|,:")
                if new != cleaned:
                    cleaned, changed = new, True
        cleaned = re.sub(r"\s+(at|hos|i)$", "", cleaned, flags=re.I)
        cleaned = re.sub(r"^(at|hos)\s+", "", cleaned, flags=re.I)
        return _tidy(cleaned)

    def _from_text(self, lang: str, text: str) -> str | None:
        for pattern in self.company_patterns.get(lang, []) + [
            p for other, ps in self.company_patterns.items() if other != lang for p in ps
        ]:
            for match in pattern.finditer(text[:4000]):
                name = _tidy(match.group("company"))
                if name:
                    return name
        return None

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
        if company and (_norm(role) == _norm(company) or _norm(company) in _norm(role)):
            return None
        while len(words) > 1 and words[-1].lower() in self.role_generic:
            role = role[: role.lower().rfind(words[-1].lower())].rstrip(" -–,")
            words = words[:-1]
        return role or None

    def _role(self, lang: str, subject: str, text: str, company: str | None) -> str | None:
        for pattern in self.role_patterns.get(lang, []):
            m = pattern.search(text[:4000])
            if m:
                role = self._role_ok(m.group("role"), company)
                if role:
                    return role
        for pattern in self.subject_role_patterns.get(lang, []):
            m = pattern.search(subject)
            if m:
                role = self._role_ok(m.group("role"), company)
                if role:
                    return role
        # "Interview invitation - Data Analyst", "Status: markedskoordinator"
        cleaned = re.sub(r"^(?:(?:re|sv|vs|fwd?|aw)\s*:\s*)+", "", subject, flags=re.I)
        for segment in re.split(r"\s[-–|:]\s|:\s|\s[-–]\s|,\s", cleaned):
            role = self._role_ok(segment, company)
            if role and len(role) >= 3:
                return role
        return None

    def resolve(self, msg: Message, lang: str) -> Party:
        sender = (
            msg.reply_to[0]
            if msg.reply_to and msg.from_ and _NO_REPLY.search(msg.from_.addr)
            else msg.from_
        )
        sender = msg.from_ or sender
        domain = sender.domain if sender else ""
        ats = _domain_matches(domain, self.ats) if domain else None
        job_board = bool(domain and _domain_matches(domain, self.job_boards))
        agency = self._agency(sender)
        display = sender.name if sender else ""
        no_reply = bool(sender and _NO_REPLY.search(sender.addr.split("@")[0]))

        company: str | None = None
        via = _VIA.match(display) if display else None
        if via:
            company = _tidy(via.group("company"))
        elif display and re.search(r"\s[|–-]\s|,\s", display):
            # "Trine Berg | Bølgen Data AS", "Acme - Recruiting"
            parts = [p.strip() for p in re.split(r"\s[|–-]\s|,\s", display) if p.strip()]
            orgs = [
                p for p in parts if not looks_like_person(p) or re.search(rf"\b{_LEGAL_SUFFIX}$", p)
            ]
            if orgs:
                display = orgs[-1] if re.search(rf"\b{_LEGAL_SUFFIX}$", orgs[-1]) else orgs[0]
        sender_is_brand = bool(ats) or no_reply
        if company is None and display and (sender_is_brand or not looks_like_person(display)):
            stripped = self._strip_display(display)
            if stripped and (not ats or stripped.lower() != ats.lower()):
                company = stripped
        text_company = self._from_text(lang, f"{msg.subject}\n{msg.text}")
        sig = _SIGNATURE_COMPANY.search(msg.signature) if msg.signature else None
        sig_company = _tidy(sig.group("company")) if sig else None
        domain_stem = ""
        if domain and not ats and not job_board and not _domain_matches(domain, self.free_mail):
            domain_stem = _registered_label(domain)
        if domain_stem:
            # A company domain: the name that spells the domain wins ("Tindra Labs" for tindralabs.com).
            spelled = _spelled_name(
                domain_stem, [display, msg.subject, msg.signature, msg.text[:3000]]
            )
            display_org = self._strip_display(display) if display and "@" not in display else None
            agreeing = [
                c
                for c in (company, sig_company, text_company, spelled)
                if c and (_agrees(c, domain_stem) or _initials_fit(c, domain_stem))
            ]
            if display_org and (
                (spelled and spelled.lower() in display_org.lower())
                or _initials_fit(display_org, domain_stem)
            ):
                agreeing.append(display_org)
            if agreeing:
                company = max(agreeing, key=lambda c: (len(c.split()), len(c)))
            elif company is None:
                company = text_company or sig_company or domain_stem.replace("-", " ").title()
        else:
            company = company or text_company or sig_company or _signature_org(msg.signature)
        if agency and company and company.lower() == agency.lower():
            client = (
                text_company if text_company and text_company.lower() != agency.lower() else None
            )
            company = client or company
        contact = None
        if (
            sender
            and sender.name
            and looks_like_person(_VIA.sub(r"\g<company>", sender.name))
            and not via
        ):
            contact = sender.name
        elif msg.signature:
            lines = [ln.strip() for ln in msg.signature.splitlines()[1:4] if ln.strip()]
            if lines and looks_like_person(lines[0]) and len(lines[0].split()) >= 2:
                contact = lines[0]
        return Party(
            company=company,
            ats=ats,
            agency=agency,
            contact_name=contact,
            role=self._role(lang, msg.subject, msg.text, company),
            job_board=job_board,
            no_reply=no_reply,
        )
