"""Clean text of a mail body: HTML to text, quoted earlier mail and the signature split off.

Pure: strings in, strings out, in time linear in the input on any input. HTML structure is
read with lxml's parser (never with regexes over markup); text is read line by line, and
every regex is anchored, bounded and applied to one capped line or a window of at most
three capped lines.

Quoted = earlier mail quoted in a reply or forwarded: the quote containers of real mail
clients (Gmail, Yahoo, Thunderbird, Apple Mail, Outlook), ``>`` lines, and everything after
a reply header ("On … wrote:", "Den … skrev …:", "Fra:/Sendt:" blocks, "-----Original
Message-----" and their translations). A header followed by ``>`` lines quotes only those
lines, so replies written below or between quoted lines are kept.
"""

from __future__ import annotations

import re
from typing import Any

MAX_TEXT_CHARS = 200_000

# --- HTML ------------------------------------------------------------------------------

_QUOTE_MARK = "\ue000followup-quote\ue001"
_DROPPED_TAGS = ("script", "style", "head", "title")
# class / id of the quote containers of real clients (lower case, matched as substrings)
_QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix", "protonmail_quote")
_QUOTE_IDS = (
    "divrplyfwdmsg",
    "appendonsend",
    "mail-editor-reference-message-container",
    "olk_src_body_section",
    "yahoo_quoted",
    "stopspelling",  # Hotmail's <hr id="stopSpelling"> above the quoted mail
)
# Outlook desktop's header block: <div style="border:none;border-top:solid #E1E1E1 1.0pt">
_OUTLOOK_BORDERS = ("border-top:solid#e1e1e1", "border-top:solid#b5c4df")


def _parse_html(html: str) -> Any:
    """The lxml tree of ``html`` without script/style/head, or None when there is none."""
    import lxml.html
    from lxml import etree

    html = html.strip()
    if html.startswith("<?xml"):
        html = html.partition("?>")[2].strip()
    if not html:
        return None
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    etree.strip_elements(tree, *_DROPPED_TAGS, etree.Comment, with_tail=False)
    return tree


def _strip_tags(html: str) -> str:
    """Crude text of markup lxml could not read: every ``<…>`` dropped, in one pass."""
    out = []
    for idx, part in enumerate(html.split("<")):
        if idx == 0:
            out.append(part)
        else:
            _, closed, rest = part.partition(">")
            out.append(" " + rest if closed else " ")
    return "".join(out)


def _tree_text(tree: Any) -> str:
    from inscriptis import Inscriptis
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.model.config import ParserConfig

    return str(Inscriptis(tree, ParserConfig(css=CSS_PROFILES["strict"])).get_text())


def html_to_text(html: str) -> str:
    """Readable text from HTML mail, using inscriptis (tables and lists kept readable)."""
    tree = _parse_html(html)
    if tree is None:
        return _strip_tags(html) if "<" in html else html
    try:
        return _tree_text(tree)
    except (RecursionError, ValueError):
        return _strip_tags(html)


def _is_quote_container(element: Any) -> bool:
    tag = element.tag
    if not isinstance(tag, str):
        return False
    cls = (element.get("class") or "").lower()
    if cls and any(name in cls for name in _QUOTE_CLASSES):
        return True
    ident = (element.get("id") or "").lower()
    if ident and any(name in ident for name in _QUOTE_IDS):
        return True
    if tag == "blockquote" and (element.get("type") or "").lower() == "cite":
        return True
    style = element.get("style")
    if style and "border-top" in style:
        compact = "".join(style.lower().split())
        return any(border in compact for border in _OUTLOOK_BORDERS)
    return False


def html_to_text_split(html: str) -> tuple[str, str]:
    """(new text, quoted text) of an HTML body: a client's quote container and all after it
    are quoted; layout blockquotes are not."""
    tree = _parse_html(html)
    if tree is None:
        return html_to_text(html), ""
    container = next((el for el in tree.iter() if _is_quote_container(el)), None)
    if container is None or container.getparent() is None:
        try:
            return _tree_text(tree), ""
        except (RecursionError, ValueError):
            return _strip_tags(html), ""
    import lxml.html

    marker = lxml.html.Element("p")
    marker.text = _QUOTE_MARK
    container.addprevious(marker)
    try:
        text = _tree_text(tree)
    except (RecursionError, ValueError):
        return _strip_tags(html), ""
    new, _, quoted = text.partition(_QUOTE_MARK)
    return new, quoted


# --- quoted history in text --------------------------------------------------------------

_LINE_CAP = 300  # a header line is never longer; longer lines are read only this far

# Outlook-style header blocks, localised: the "From" key and the keys that come with it.
_FROM_KEYS = frozenset(
    ["from", "fra", "från", "von", "de", "van", "da", "od", "от", "от кого", "lähettäjä", "frá"]
)
_OTHER_KEYS = frozenset(
    "sent date to subject cc "
    "sendt dato til emne kopi "  # Norwegian, Danish
    "skickat datum till ämne kopia "  # Swedish
    "gesendet an betreff kopie "  # German
    "envoyé à objet "  # French
    "verzonden aan onderwerp "  # Dutch
    "inviato a oggetto data "  # Italian
    "wysłano do temat "  # Polish
    "отправлено кому тема дата "  # Russian
    "lähetetty vastaanottaja aihe päivämäärä".split()  # Finnish
)
_HEADER_KEYS = _FROM_KEYS | _OTHER_KEYS
_SUBJECT_OR_DATE = frozenset(
    "sent date subject sendt dato emne skickat datum ämne gesendet betreff envoyé objet "
    "verzonden onderwerp inviato oggetto data wysłano temat отправлено тема дата lähetetty "
    "aihe päivämäärä".split()
)

# Separator lines: "-----Original Message-----", "---------- Forwarded message ---------" …
_SEPARATOR_RE = re.compile(
    r"\s*[-_=*]{2,}\s*(?:original message|opprinnelig melding|oprindelig meddelelse|"
    r"ursprungligt meddelande|ursprüngliche nachricht|message d'origine|oorspronkelijk bericht|"
    r"messaggio originale|alkuperäinen viesti|forwarded message|videresendt melding|"
    r"videresendt meddelelse|vidarebefordrat meddelande|weitergeleitete nachricht|"
    r"message transféré|doorgestuurd bericht|messaggio inoltrato|пересылаемое сообщение|"
    r"исходное сообщение|wiadomość oryginalna|original email)\s*[-_=*]*\s*$",
    re.I,
)
# Apple Mail's forward line, localised
_FORWARD_INTRO_RE = re.compile(
    r"\s*(?:begin forwarded message|start på videresendt (?:melding|e-post|besked)|"
    r"videresendt (?:melding|besked)|början på vidarebefordrat (?:brev|meddelande)|"
    r"anfang der weitergeleiteten nachricht|début du message réexpédié|"
    r"begin doorgestuurd bericht)\s*:\s*$",
    re.I,
)
# "wrote" and its translations; the attribution ends with ":" at most 160 chars after it
_WROTE_RE = re.compile(
    r"(?:^|[\s>\"')])(?:wrote|writes|schrieb|a écrit|schreef|ha scritto|skrev|skriver|"
    r"kirjoitti|escribió|escreveu|napisał\(a\)|napisała|napisał|написал\(а\)|написала|"
    r"написал|írta|yazdı|scrise)(?:\s|:|$)",
    re.I,
)
# Where an attribution starts: a lead word or a date
_OPENER_RE = re.compile(
    r"\s*(?:>\s*)?(?:on|am|le|op|il|den|på|el|em|dnia|w dniu|\d|"
    r"(?:man|tir|ons|tor|fre|lør|søn|mån|tis|lör|sön|ma|ti|ke|to|pe|la|su|"
    r"mon|tue|wed|thu|fri|sat|sun|lun|mar|mer|jeu|ven|sam|dim|mo|di|mi|do|fr|sa|so)"
    r"[a-zæøåäö]*\.?,?\s)",
    re.I,
)
_TIME_RE = re.compile(r"\d{1,2}[:.]\d{2}")
_UNDERSCORES_RE = re.compile(r"\s*_{10,}\s*$")


def _cap(line: str) -> str:
    return line[:_LINE_CAP]


def _header_key(line: str) -> str | None:
    """The key of a "Key: value" header line ("*Fra:* …", "De : …"), or None."""
    key, colon, value = line[:60].partition(":")
    if not colon or (value[:1] not in ("", " ", "\t", "*")):
        return None
    key = " ".join(key.replace("*", " ").split()).lower()
    return key if key in _HEADER_KEYS else None


class _Lines:
    """The lines of a text with their header keys and reply-header starts, each worked out
    once, so a window looked at from several lines costs nothing more."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self._keys: dict[int, str | None] = {}
        self._starts: dict[int, int | None] = {}

    def key(self, idx: int) -> str | None:
        if idx not in self._keys:
            self._keys[idx] = _header_key(self.lines[idx]) if idx < len(self.lines) else None
        return self._keys[idx]

    def is_header_block(self, start: int) -> bool:
        """An Outlook-style block of "Key: value" lines starts at ``start`` (values may wrap)."""
        if self.key(start) is None:
            return False
        keys: set[str] = set()
        has_from = False
        for idx in range(start, min(start + 8, len(self.lines))):
            key = self.key(idx)
            if key is None:
                continue
            keys.add(key)
            has_from = has_from or key in _FROM_KEYS
        with_date_or_subject = bool(keys & _SUBJECT_OR_DATE)
        if has_from:
            return with_date_or_subject and len(keys) >= 2
        # a block whose From line is glued to earlier text: To, Sent/Date and Subject together
        return len(keys) >= 3 and with_date_or_subject

    def attribution_start(self, end: int) -> int | None:
        if end not in self._starts:
            self._starts[end] = _attribution_start(self.lines, end)
        return self._starts[end]


def _joined(lines: list[str], start: int, end: int) -> str:
    """Lines start..end (inclusive) as one string, healing quoted-printable soft breaks."""
    out = ""
    for line in lines[start : end + 1]:
        line = _cap(line).strip()
        if out.endswith("="):
            out = out[:-1] + line
        else:
            out = f"{out} {line}" if out else line
    return out


def _is_attribution(text: str) -> bool:
    """``text`` is a reply header such as "On …, Kari <k@x> wrote:" or "2026-03-03 10:00 Kari <k@x>:"."""
    if not text.endswith(":") or len(text) > 3 * _LINE_CAP:
        return False
    wrote = None
    for match in _WROTE_RE.finditer(text):
        wrote = match  # the last one
    if wrote is not None and len(text) - wrote.end() <= 160:
        return "@" in text or any(ch.isdigit() for ch in text)
    # date-first headers without a verb: "26.06.2014, 14:41, "Kari" <k@x>:"
    last = text[:-1].rstrip().split()[-1:] or [""]
    return "@" in last[0] and bool(_TIME_RE.search(text))


def _attribution_start(lines: list[str], end: int) -> int | None:
    """First line of a reply header (up to three lines) that ends on line ``end``."""
    if not _cap(lines[end]).rstrip().endswith(":"):
        return None
    with_opener = with_address = None
    for start in range(end, max(-1, end - 3), -1):
        if start < end and not lines[start].strip():
            break
        joined = _joined(lines, start, end)
        if _is_attribution(joined):
            if _OPENER_RE.match(_cap(lines[start])):
                with_opener = start  # the earliest wins: "On …,\nKari <k@x>\nwrote:"
            elif with_address is None and "@" in joined:
                with_address = start  # "Kari <k@x> skrev:" with no lead word
    return with_opener if with_opener is not None else with_address


def _is_quoted_line(line: str) -> bool:
    return line.lstrip()[:1] == ">"


def split_quoted(text: str) -> tuple[str, str]:
    """Split ``text`` into (new text, quoted earlier mail), reading it line by line."""
    view = _Lines(text)
    lines = view.lines
    kept: list[str] = []
    quoted: list[str] = []
    idx = 0
    while idx < len(lines):
        line = lines[idx]
        if _is_quoted_line(line):
            quoted.append(line)
            idx += 1
            continue
        stripped = _cap(line).strip()
        # a block that quotes everything after it
        if stripped and (
            view.is_header_block(idx)
            or _SEPARATOR_RE.match(stripped)
            or _FORWARD_INTRO_RE.match(stripped)
            or (_UNDERSCORES_RE.match(stripped) and view.is_header_block(idx + 1))
        ):
            quoted.extend(lines[idx:])
            break
        # a reply header starting on this line and ending on it or within the next two
        start = end = None
        for end in range(idx, min(idx + 3, len(lines))):
            if end > idx and (not lines[end].strip() or _is_quoted_line(lines[end])):
                break
            start = view.attribution_start(end)
            if start is not None:
                break
        if start == idx and end is not None:
            after = end + 1
            while after < len(lines) and not lines[after].strip():
                after += 1
            if after < len(lines) and _is_quoted_line(lines[after]):
                # "> " lines follow: only they are quoted; answers between them are kept
                quoted.extend(lines[idx:after])
                idx = after
                continue
            quoted.extend(lines[idx:])
            break
        kept.append(line)
        idx += 1
    return "\n".join(kept).strip(), "\n".join(quoted).strip()


# --- signatures ------------------------------------------------------------------------

_SIGN_OFFS = (
    r"Best regards|Kind regards|Warm regards|Warmest regards|Regards|Best wishes|Best|"
    r"Sincerely|Yours sincerely|Cheers|Thanks|Thank you|Many thanks|All the best|"
    r"Med vennlig hilsen|Vennlig hilsen|Vennleg helsing|Beste hilsen|Hilsen|Med hilsen|"
    r"Hilsner|Mange hilsener|Mvh\.?|"  # Norwegian
    r"Med venlig hilsen|Venlig hilsen|De bedste hilsner|Bedste hilsner|Kh\.?|Vh\.?|"  # Danish
    r"Med vänliga hälsningar|Med vänlig hälsning|Vänliga hälsningar|Vänlig hälsning|"
    r"Hälsningar|Hälsning|Bästa hälsningar"  # Swedish
)
# A sign-off line: the phrase, optional punctuation, optionally a capitalised name; or "--".
_SIGNATURE_RE = re.compile(
    rf"(--\s*$|(?i:{_SIGN_OFFS})\s*[,.!]?\s*(?:[A-ZÆØÅÄÖ][\w'.-]*(?:\s+[A-ZÆØÅÄÖ][\w'.-]*){{0,3}})?\s*$)",
)
# Mobile and webmail footers: "Sent from my iPhone", "Sendt fra Outlook for Android" …
_MOBILE_RE = re.compile(
    r"(?i:sent from my|sent from|sendt fra min|sendt fra|skickat från min|skickat från|"
    r"sent with|get outlook for|hent outlook for|skaff deg outlook for|envoyé de mon|"
    r"verzonden vanaf mijn|inviato da)"
    r"\s+[\w.-]+(?:\s+[\w.-]+){0,4}\s*(?:<[^<>\s]{1,200}>|\(\S{1,200}\))?\s*$"
    r"|(?i:von meinem)\s+[\w-]+(?:\s+[\w-]+){0,2}\s+gesendet\s*$",
)
_SIGNATURE_LINE_CAP = 120


def split_signature(text: str) -> tuple[str, str]:
    """Split off a sign-off and everything after it (only in the last part of the text)."""
    lines = text.splitlines()
    floor = max(0, len(lines) - 25)
    after = 0  # characters after the line being looked at
    for idx in range(len(lines) - 1, floor - 1, -1):
        line = lines[idx].strip()
        if len(line) <= _SIGNATURE_LINE_CAP and (
            _SIGNATURE_RE.match(line) or _MOBILE_RE.match(line)
        ):
            # a sign-off needs little after it; long text after is not a signature
            if after <= 1200:
                return "\n".join(lines[:idx]).rstrip(), "\n".join(lines[idx:]).strip()
        after += len(lines[idx]) + 1
        if after > 1200:
            break
    return text, ""


def _normalise_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = re.sub(r"[ \t\u200b\u200c\u200d\u200e\u200f\ufeff]+", " ", text)
    text = re.sub(r"\n[ \t]+", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()[:MAX_TEXT_CHARS]


def _looks_like_html(plain: str) -> bool:
    head = plain[:500].lower()
    return "<html" in head or "<div" in head


def clean_body(plain: str, html: str) -> tuple[str, str, str]:
    """(text, quoted, signature) of a body given its text/plain and text/html parts."""
    html_quoted = ""
    if plain.strip():
        body = plain
        if _looks_like_html(plain):
            body, html_quoted = html_to_text_split(plain)
    elif html:
        body, html_quoted = html_to_text_split(html)
    else:
        body = ""
    body = _normalise_text(body)
    text, quoted = split_quoted(body)
    if html_quoted:
        quoted = (quoted + "\n" + _normalise_text(html_quoted)).strip()
    text, signature = split_signature(text)
    return text, quoted, signature
