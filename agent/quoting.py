"""Clean text of a mail body: HTML to text, quoted earlier mail and the signature split off.

Pure: strings in, strings out, in time linear in the input.
"""

from __future__ import annotations

import re

MAX_TEXT_CHARS = 200_000


def html_to_text(html: str) -> str:
    """Readable text from HTML mail, using inscriptis (tables and lists kept readable)."""
    from inscriptis import get_text
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.model.config import ParserConfig

    html = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", html)
    try:
        text = get_text(html, ParserConfig(css=CSS_PROFILES["strict"]))
    except Exception:  # noqa: BLE001 - broken markup: strip tags crudely
        text = re.sub(r"<[^>]+>", " ", html)
    return text


_HTML_QUOTE_START = re.compile(
    r"""<blockquote\b|<div[^>]+class=["']?(gmail_quote|yahoo_quoted|moz-cite-prefix)|"""
    r"""<div[^>]+id=["']?(divRplyFwdMsg|appendonsend|mail-editor-reference-message-container)""",
    re.I,
)


def html_to_text_split(html: str) -> tuple[str, str]:
    """(new text, quoted text) of an HTML body: quoted containers are cut off before conversion."""
    m = _HTML_QUOTE_START.search(html)
    if not m:
        return html_to_text(html), ""
    return html_to_text(html[: m.start()]), html_to_text(html[m.start() :])


# --- quoted history and signatures ---------------------------------------------------

_QUOTE_HEADERS = [
    # English "On Tue, 3 Mar 2026 at 10:00, Kari <k@x> wrote:" (may wrap over two lines)
    r"^\s*On\b.{0,300}?\bwrote:\s*$",
    # Norwegian "Den tir. 3. mar. 2026 kl. 10:00 skrev Kari <k@x>:" and variants
    r"^\s*(Den|På|man\.|tir\.|ons\.|tor\.|fre\.|lør\.|søn\.)\b.{0,300}?\bskrev\b.{0,200}?:\s*$",
    # Apple Mail in Norwegian: "24. nov. 2026 kl. 10:12 skrev Kari <k@x>:"
    r"^\s*\d{1,2}\.\s*\w+\.?\s+\d{4}\b.{0,200}?\bskrev\b.{0,200}?:\s*$",
    r"^\s*-{2,}\s*(Original Message|Opprinnelig melding|Videresendt melding|Forwarded message)\s*-{2,}",
    r"^\s*_{10,}\s*$",
    r"^\s*\*?(From|Fra)\*?:\s.+$\n^\s*\*?(Sent|Sendt|Date|Dato)\*?:\s.+$",
]
_QUOTE_HEADER_RE = re.compile("|".join(f"(?:{p})" for p in _QUOTE_HEADERS), re.M | re.I | re.S)
_QUOTE_HEADER_SINGLE_RE = [re.compile(p, re.M | re.I) for p in _QUOTE_HEADERS]

_SIGN_OFFS = (
    r"Best regards|Kind regards|Warm regards|Warmest regards|Regards|Best wishes|Best|Sincerely|"
    r"Yours sincerely|Cheers|Thanks|Thank you|Many thanks|All the best|Med vennlig hilsen|"
    r"Vennlig hilsen|Vennleg helsing|Mvh\.?|MVH|Beste hilsen|Hilsen|Med hilsen|Hilsner|Mange hilsener"
)
# A sign-off line: the phrase, optional punctuation, optionally a capitalised name; or "--".
_SIGNATURE_RE = re.compile(
    rf"^(--\s*$|(?i:{_SIGN_OFFS})\s*[,.!]?\s*(?:[A-ZÆØÅ][\w'.-]*(?:\s+[A-ZÆØÅ][\w'.-]*){{0,3}})?\s*$"
    r"|(?i:Sent from my|Sendt fra min) \w+)",
)


def split_quoted(text: str) -> tuple[str, str]:
    """Split ``text`` into (new text, quoted earlier mail)."""
    cut = len(text)
    for pattern in _QUOTE_HEADER_SINGLE_RE:
        m = pattern.search(text)
        if m and m.start() < cut:
            cut = m.start()
    # "On ... wrote:" split over two lines by a client that wraps at 78 columns.
    m = re.search(
        r"^\s*(On|Den)\b[^\n]{0,200}\n[^\n]{0,200}\b(wrote|skrev)\b[^\n]{0,120}:\s*$",
        text,
        re.M | re.I,
    )
    if m and m.start() < cut:
        cut = m.start()
    head, tail = text[:cut], text[cut:]
    kept, quoted = [], [tail] if tail else []
    for line in head.splitlines():
        if line.lstrip().startswith(">"):
            quoted.append(line)
        else:
            kept.append(line)
    return "\n".join(kept).strip(), "\n".join(quoted).strip()


def split_signature(text: str) -> tuple[str, str]:
    """Split off a sign-off and everything after it (only in the last part of the text)."""
    lines = text.splitlines()
    floor = max(0, len(lines) - 25)
    for idx in range(len(lines) - 1, floor - 1, -1):
        line = lines[idx].strip()
        if _SIGNATURE_RE.match(line):
            # a sign-off needs little after it; long text after is not a signature
            after = "\n".join(lines[idx + 1 :])
            if len(after) <= 1200:
                return "\n".join(lines[:idx]).rstrip(), "\n".join(lines[idx:]).strip()
    return text, ""


def _normalise_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = re.sub(r"[ \t\u200b\u200c\u200d\ufeff]+", " ", text)
    text = re.sub(r"\n[ \t]+", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()[:MAX_TEXT_CHARS]



def clean_body(plain: str, html: str) -> tuple[str, str, str]:
    """(text, quoted, signature) of a body given its text/plain and text/html parts."""
    html_quoted = ""
    if plain.strip():
        body = plain
        if "<html" in plain[:500].lower() or "<div" in plain[:500].lower():
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
