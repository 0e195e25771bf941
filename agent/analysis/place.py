"""Where an interview is: the address or the video link an invitation gives.

Rules are data: ``rules/places/<lang>.toml`` (phrases that introduce a place, one set a
language) and ``rules/places/links.toml`` (video meeting services by host). The attached
calendar invitation wins over the text: its LOCATION is the place and its meeting link
the link. Pure, and linear in the text (every pattern's repetitions are bounded).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from agent.errors import RulesError
from agent.message import Message
from agent.rules import Rules

MAX_PLACE_CHARS = 150
MAX_LINK_CHARS = 500
MAX_TEXT_CHARS = 200_000  # an invitation's place is near its start
_URL = re.compile(r"https?://[^\s<>\"'()\[\]{}|\\^`]{3,500}", re.I)
_SINGLE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_TRAILING = " ,;:.-–—\t"


@dataclass(frozen=True)
class InterviewPlace:
    place: str | None = None  # "Møllergata 12, Oslo", "Microsoft Teams"
    link: str | None = None  # the video meeting link


@dataclass(frozen=True)
class _Service:
    name: str
    hosts: tuple[str, ...]
    mentions: tuple[re.Pattern[str], ...] = ()

    def owns(self, host: str) -> bool:
        return any(host == h or host.endswith("." + h) for h in self.hosts)


def _compile(patterns: Any, where: str, group: str | None = "place") -> tuple[re.Pattern[str], ...]:
    if patterns is None:
        return ()
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise RulesError(f"{where}: expected a list of regular expressions")
    compiled = []
    for n, pattern in enumerate(patterns):
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise RulesError(f"{where}[{n}]: {exc}") from None
        if group and group not in regex.groupindex:
            raise RulesError(f"{where}[{n}]: the pattern has no (?P<place>...) group")
        compiled.append(regex)
    return tuple(compiled)


class PlaceFinder:
    """Compiled once from the rules; :meth:`find` per invitation."""

    def __init__(
        self,
        services: Iterable[_Service],
        line_patterns: Mapping[str, tuple[re.Pattern[str], ...]],
        phrase_patterns: Mapping[str, tuple[re.Pattern[str], ...]],
        phone: Mapping[str, tuple[str, tuple[re.Pattern[str], ...]]] | None = None,
    ) -> None:
        self.services = tuple(services)
        self.line_patterns = dict(line_patterns)
        self.phrase_patterns = dict(phrase_patterns)
        self.phone = dict(phone or {})  # lang -> (the place's name, cues)

    @classmethod
    def from_rules(cls, rules: Rules, languages: Iterable[str]) -> PlaceFinder:
        links = rules.toml("places/links.toml", required=False)
        services = []
        for n, raw in enumerate(links.get("services") or []):
            where = f"places/links.toml:services[{n}]"
            name, hosts = raw.get("name"), raw.get("hosts")
            if not isinstance(name, str) or not isinstance(hosts, list) or not hosts:
                raise RulesError(f"{where}: expected a name and a list of hosts")
            mentions = _compile(raw.get("mentions"), f"{where}.mentions", group=None)
            hosts_ = tuple(str(h).lower().strip(".") for h in hosts)
            services.append(_Service(name, hosts_, mentions))
        lines, phrases, phone = {}, {}, {}
        for lang in languages:
            data = rules.toml(f"places/{lang}.toml", required=False)
            lines[lang] = _compile(data.get("line_patterns"), f"places/{lang}.toml:line_patterns")
            phrases[lang] = _compile(
                data.get("phrase_patterns"), f"places/{lang}.toml:phrase_patterns"
            )
            cues = _compile(data.get("phone_cues"), f"places/{lang}.toml:phone_cues", group=None)
            if cues:
                name = data.get("phone_place")
                if not isinstance(name, str) or not name.strip():
                    raise RulesError(f"places/{lang}.toml:phone_place: expected a name")
                phone[lang] = (name.strip(), cues)
        return cls(services, lines, phrases, phone)

    # -- parts ---------------------------------------------------------------------------

    def meeting_link(self, text: str) -> tuple[str | None, str | None]:
        """The first link to a known video meeting service, and the service's name."""
        for match in _URL.finditer(text[:MAX_TEXT_CHARS]):
            url = match.group(0).rstrip(".,;:!?>")
            host = url.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0].lower()
            host = host.rpartition("@")[2]
            for service in self.services:
                if service.owns(host):
                    return url[:MAX_LINK_CHARS], service.name
        return None, None

    def named_service(self, text: str) -> str | None:
        """A video service named in the text ("on Microsoft Teams")."""
        head = text[:MAX_TEXT_CHARS]
        lowered = head.casefold()
        for service in self.services:
            if re.search(rf"\b{re.escape(service.name.casefold())}\b", lowered):
                return service.name
            if any(m.search(head) for m in service.mentions):
                return service.name
        return None

    def written_place(self, text: str, lang: str) -> str | None:
        text = text[:MAX_TEXT_CHARS]
        for regex in self.line_patterns.get(lang, ()):
            match = regex.search(text)
            if match and (place := _tidy(match.group("place"))):
                return self.named_service(place) or place
        flat = _SINGLE_BREAK.sub(" ", text)
        for regex in self.phrase_patterns.get(lang, ()):
            match = regex.search(flat)
            if match and (place := _tidy(match.group("place"))):
                return self.named_service(place) or place
        return None

    # -- the whole -----------------------------------------------------------------------

    def find(self, msg: Message, lang: str) -> InterviewPlace:
        body = f"{msg.text}\n\n{msg.signature}"
        link = msg.calendar_url if msg.calendar_url and _URL.match(msg.calendar_url) else None
        service = None
        if link is None:
            link, service = self.meeting_link(f"{msg.calendar_description}\n{body}")
        else:
            service = self.meeting_link(link)[1]
        place = _tidy(msg.calendar_location or "")
        if place and _URL.fullmatch(place):
            link, place = link or place, self.meeting_link(place)[1]
        place = place or self.written_place(msg.text, lang)
        place = place or service or self.named_service(msg.text) or self.by_phone(msg.text, lang)
        return InterviewPlace(place or None, link)

    def by_phone(self, text: str, lang: str) -> str | None:
        name, cues = self.phone.get(lang, ("", ()))
        head = text[:MAX_TEXT_CHARS]
        return name if any(cue.search(head) for cue in cues) else None


def _tidy(text: str) -> str | None:
    text = _SPACES.sub(" ", text.replace("\n", " ")).strip().strip(_TRAILING)
    if len(text) < 3:
        return None
    return text[:MAX_PLACE_CHARS]
