"""Bytes to :class:`Message`: ids, thread references, people, an aware date and clean text.

Pure: no clock, no disk. Every failure inside a message becomes a recorded
``defect`` and a best-effort value, never an exception, except for input that is
not a mail message at all (:class:`agent.errors.BadInputError`).
"""

from __future__ import annotations

import codecs
import email
import email.policy
import email.utils
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.header import decode_header, make_header
from email.headerregistry import HeaderRegistry
from email.message import Message as EmailMessage
from functools import cached_property
from typing import Any

from agent.errors import BadInputError
from agent.quoting import clean_body

# The header that marks a draft this agent wrote; its value is the draft's follow-up id.
MARKER_HEADER = "X-Followup-Id"

_MARKER = MARKER_HEADER.lower()
MAX_HEADER_CHARS = 2_000
MAX_ENCODED_HEADER_CHARS = 16 * MAX_HEADER_CHARS
MAX_MESSAGE_BYTES = 2_000_000  # of a message read: a scan fetches no more
MAX_HTML_CHARS = 1_000_000
MAX_PARTS = 100  # MIME parts walked in one message
MAX_PART_BYTES = 2_000_000  # bytes of one text part decoded
MAX_LIST_HEADER_CHARS = 100_000

_FWS = re.compile(r"\s+")
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]+")
# One header field with its continuation lines; a name is printable ASCII without ":".
_HEADER_FIELD = re.compile(rb"^([!-9;-~]+)[ \t]*:([^\n]*(?:\n[ \t][^\n]*)*)", re.M)
_ID_RE = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class Address:
    name: str
    addr: str

    @cached_property
    def domain(self) -> str:  # asked for every address of every header a scan reads
        return self.addr.rpartition("@")[2].lower()

    def __str__(self) -> str:
        return email.utils.formataddr((self.name, self.addr)) if self.name else self.addr


@dataclass
class Message:
    message_id: str
    subject: str
    date: datetime
    from_: Address | None = None
    reply_to: tuple[Address, ...] = ()
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    text: str = ""
    quoted: str = ""
    signature: str = ""
    date_missing: bool = False
    calendar_start: datetime | None = None
    calendar_method: str | None = None
    # Where the attached invitation says the meeting is: LOCATION, the meeting link
    # (URL, or the Teams and Google conference properties) and the start of DESCRIPTION.
    calendar_location: str | None = None
    calendar_url: str | None = None
    calendar_description: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    defects: list[str] = field(default_factory=list)

    @cached_property
    def thread_ids(self) -> tuple[str, ...]:
        """Every Message-ID this message points at (parent first)."""
        ids: list[str] = []
        if self.in_reply_to:
            ids.append(self.in_reply_to)
        ids.extend(r for r in reversed(self.references) if r not in ids)
        return tuple(ids)

    @property
    def is_own_draft(self) -> bool:
        return _MARKER in self.headers


# Headers kept verbatim (trimmed) for the classifier and the tracker.
KEPT_HEADERS = (
    "list-unsubscribe",
    "list-id",
    "precedence",
    "auto-submitted",
    _MARKER,
    "x-mailer",
    "sender",
    "x-auto-response-suppress",
    "x-autoreply",
)
# Every header field a Message is built from: a scan's first phase fetches only these.
HEADER_FIELDS = (
    "from",
    "to",
    "cc",
    "reply-to",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    *KEPT_HEADERS,
)
_WANTED = {name.encode(): name for name in HEADER_FIELDS}  # lowered field name -> key
_IDENTITY_FIELDS = ("from", "to", "cc", "subject", "date")


def _clean_header(value: object) -> str:
    """Decode RFC 2047 words, unfold, strip control characters, bound the length."""
    if value is None:
        return ""
    text = str(value)
    if "=?" not in text:
        # The common case: nothing to decode or unfold (but the CR of a CRLF line end).
        plain = text[:-1] if text.endswith("\r") else text
        if plain.isprintable() and "  " not in plain:
            return plain.strip()[:MAX_HEADER_CHARS]
    if "=?" in text:
        text = text[:MAX_ENCODED_HEADER_CHARS]  # decoding more could give nothing that is kept
        decoded = _DECODED_MEMO.get(text)
        if decoded is None:
            decoded = _decoded_words(text)
            if len(text) <= MAX_HEADER_CHARS:  # a mailbox repeats its short encoded subjects
                if len(_DECODED_MEMO) >= _DECODED_MEMO_SIZE:
                    _DECODED_MEMO.clear()
                _DECODED_MEMO[text] = decoded
        text = decoded
    return _SPACE_OR_CONTROL.sub(" ", text).strip()[:MAX_HEADER_CHARS]


_DECODED_MEMO: dict[str, str] = {}
_DECODED_MEMO_SIZE = 1024


def _decoded_words(text: str) -> str:
    """``text`` with its RFC 2047 encoded words decoded; broken ones stay as they are."""
    try:
        return str(make_header(decode_header(text)))
    except Exception:  # noqa: BLE001 - broken encoded words stay as they are
        return text


def _header_text(value: bytes) -> str:
    """A raw header value as text: unencoded 8-bit bytes are RFC 6532 UTF-8 or legacy Latin-1."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("windows-1252", errors="replace")


def _msgids(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_ID_RE.findall(value)))[:200]


# The everyday address forms: ``a@b.c``, ``Name <a@b.c>``, ``"Name" <a@b.c>``.
_PLAIN_ADDRESS = re.compile(
    r'\s*(?:(?:"([^"\\]*)"|([^"\\<>()\[\],;:@]*?))\s*<([^\s<>()\[\]"\\,;:@]+@[A-Za-z0-9.-]+)>'
    r'|([^\s<>()\[\]"\\,;:@]+@[A-Za-z0-9.-]+))\s*'
)


def _plain_pairs(values: list[str]) -> list[tuple[str, str]] | None:
    """(name, address) pairs when every address is in an everyday form, else None."""
    pairs = []
    for value in values:
        for part in value.split(",") if '"' not in value else (value,):
            match = _PLAIN_ADDRESS.fullmatch(part)
            if match is None:
                if part.strip():
                    return None
                continue
            quoted, phrase, bracketed, bare = match.groups()
            name = quoted if quoted is not None else " ".join((phrase or "").split())
            pairs.append((name, bracketed or bare))
    return pairs


_ADDRESS_HEADER = HeaderRegistry()
# The structured parser's time grows with the square of an entry's length, so it is given
# one entry of the list at a time, each of bounded length (a real one is under 200).
MAX_ADDRESS_CHARS = 500
MAX_ADDRESSES = 100


def _list_entries(value: str) -> list[str]:
    """The entries of an address list: split at commas outside quotes, <> and comments."""
    entries, start, quoted, escaped, depth = [], 0, False, False, 0
    for at, char in enumerate(value):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted and char in "(<":
            depth += 1
        elif not quoted and char in ")>":
            depth = max(0, depth - 1)
        elif char == "," and not quoted and depth == 0:
            entries.append(value[start:at])
            start = at + 1
            if len(entries) >= MAX_ADDRESSES:
                return entries
    entries.append(value[start:])
    return entries


def _parsed_pairs(values: list[str]) -> list[tuple[str, str]]:
    """(name, address) pairs as ``email.policy.default`` reads them: the structure is
    parsed before encoded words are decoded, so a display name never supplies an address
    (``=?utf-8?q?Kari:evil@x;?= <kari@acme.no>`` is Kari's, cf. CVE-2023-27043)."""
    pairs: list[tuple[str, str]] = []
    for value in values:
        for entry in _list_entries(value):
            if not entry.strip() or len(entry) > MAX_ADDRESS_CHARS:
                continue
            try:
                header = _ADDRESS_HEADER("to", entry)
            except Exception:  # noqa: BLE001 - an unreadable entry gives no address
                continue
            pairs.extend((a.display_name, a.addr_spec) for a in header.addresses)  # type: ignore[attr-defined]
            if len(pairs) >= MAX_ADDRESSES:
                return pairs
    return pairs


# The same few address fields come again and again (the user's own address in To, a
# newsletter's From): their parsed form is kept, up to a bound.
_ADDRESS_MEMO: dict[tuple[str, ...], tuple[Address, ...]] = {}
_ADDRESS_MEMO_SIZE = 4096


def _addresses(values: list[str]) -> tuple[Address, ...]:
    if not values:
        return ()
    key = tuple(values)
    found = _ADDRESS_MEMO.get(key)
    if found is None:
        found = _read_addresses(values)
        if len(_ADDRESS_MEMO) >= _ADDRESS_MEMO_SIZE:
            _ADDRESS_MEMO.clear()
        _ADDRESS_MEMO[key] = found
    return found


def _read_addresses(values: list[str]) -> tuple[Address, ...]:
    out = []
    pairs = _plain_pairs(values)
    plain = pairs is not None
    if pairs is None:
        pairs = _parsed_pairs(values)
    for name, addr in pairs:
        if not plain or not addr.isprintable():  # an everyday address needs no cleaning
            addr = _clean_header(addr)
            if "@" not in addr:
                continue
        out.append(Address(_clean_header(name).strip("\"' ") if name else "", addr.lower()))
    return tuple(out[:100])


# The Date almost every mailer writes: "Mon, 2 Mar 2026 09:00:00 +0100" (RFC 5322 3.3).
_COMMON_DATE = re.compile(
    r"(?:[A-Z][a-z]{2}, ?)?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? ([+-])(\d{2})(\d{2})"
    r"(?: \(?[A-Za-z0-9 +:-]*\)?)?"
)
_MONTHS = {m: n for n, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
_OFFSETS: dict[str, timezone] = {}
# The widest offsets in use are -12:00 and +14:00; RFC 5322 allows up to 99:59, Python 23:59.
_MAX_OFFSET_SECONDS = 14 * 3600


def _common_date(raw: str) -> datetime | None:
    """The common form read directly; None for anything else (the email package reads it)."""
    match = _COMMON_DATE.fullmatch(raw)
    if match is None or match[2] not in _MONTHS:
        return None
    day, _, year, hour, minute, second, sign, off_h, off_m = match.groups()
    offset = sign + off_h + off_m
    zone = _OFFSETS.get(offset)
    if zone is None:
        seconds = (int(off_h) * 3600 + int(off_m) * 60) * (-1 if sign == "-" else 1)
        if int(off_m) >= 60 or abs(seconds) > _MAX_OFFSET_SECONDS:
            return None  # "+2400", "+9999": no such zone; the email package decides below
        zone = UTC if offset == "-0000" or seconds == 0 else timezone(timedelta(seconds=seconds))
        _OFFSETS[offset] = zone
    try:
        return datetime(
            int(year), _MONTHS[match[2]], int(day), int(hour), int(minute), int(second or 0),
            tzinfo=zone,
        )  # fmt: skip
    except ValueError:
        return None


def _parse_date(raw: str) -> datetime | None:
    raw = _clean_header(raw)
    if not raw:
        return None
    common = _common_date(raw)
    if common is not None:
        return common if 1990 <= common.year <= 2100 else None
    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        parsed = None  # an offset beyond a day ("+2400") is refused here too
    if parsed is not None and parsed.utcoffset() is not None:
        if abs(parsed.utcoffset().total_seconds()) > _MAX_OFFSET_SECONDS:  # type: ignore[union-attr]
            parsed = None
    if parsed is None:
        # Formats seen in the wild: "2002/09/14 Sat 13:06:03 GMT", ISO 8601.
        m = re.search(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\D+?(\d{1,2}):(\d{2})(?::(\d{2}))?", raw)
        if not m:
            return None
        try:
            y, mo, d, h, mi = (int(x) for x in m.groups()[:5])
            s = int(m.group(6) or 0)
            parsed = datetime(y, mo, d, h, mi, s, tzinfo=UTC)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if not (1990 <= parsed.year <= 2100):
        return None
    return parsed


_SINGLE_BYTE_LATIN = frozenset(
    ("iso-8859-1", "iso8859-1", "latin-1", "latin1", "iso-8859-15", "windows-1252", "cp1252")
)


def _is_utf8_with_non_ascii(payload: bytes) -> bool:
    """True for bytes that hold multi-byte UTF-8 sequences (rare by chance in Latin-1 text)."""
    if payload.isascii():
        return False
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Codecs Python knows that no mailer uses for a body, some of them quadratic (punycode)
# or not text at all; a part that names one is read as UTF-8 or Windows-1252 instead.
_NOT_MAIL_CHARSETS = frozenset(
    ("punycode", "idna", "unicode-escape", "raw-unicode-escape", "palmos")
)


def _is_mail_charset(name: str) -> bool:
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return True  # unknown: the decode step records it
    return getattr(info, "_is_text_encoding", True) and info.name not in _NOT_MAIL_CHARSETS


def _decode_part(part: EmailMessage, defects: list[str]) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    charset = (part.get_content_charset() or "").lower()
    if charset in _SINGLE_BYTE_LATIN and _is_utf8_with_non_ascii(payload):
        # Declared Latin-1 (or a cousin) but the bytes are UTF-8: common from web forms and
        # ATS mailers; decoding as declared would turn "søknad" into "sÃ¸knad".
        defects.append(f"decoded as utf-8 instead of {charset}")
        return payload.decode("utf-8")
    if len(payload) > MAX_PART_BYTES:
        defects.append(f"text part cut at {MAX_PART_BYTES} bytes")
        payload = payload[:MAX_PART_BYTES]
    for candidate in (charset, "utf-8", "windows-1252"):
        if not candidate or candidate in ("unknown-8bit", "x-unknown", "bogus"):
            continue
        if not _is_mail_charset(candidate):
            defects.append(f"charset {charset!r} is not a mail charset")
            continue
        try:
            text = payload.decode(candidate)
        except (LookupError, UnicodeError, ValueError):
            if candidate == charset:
                defects.append(f"charset {charset!r} did not decode")
            continue
        if candidate != charset and charset:
            defects.append(f"decoded as {candidate} instead of {charset}")
        return text
    return payload.decode("utf-8", errors="replace")


# A MIME header field with its continuation lines, anywhere in a message. The email
# package reads a field's parameters in time that grows with the square of its length,
# both while it parses and afterwards, so longer fields are cut before it sees them.
_MIME_FIELD = re.compile(rb"^content-[a-z-]{0,40}:[^\n]*(?:\n[ \t][^\n]*)*", re.I | re.M)
MAX_MIME_FIELD_BYTES = 4_000


def _shorten_mime_fields(raw: bytes, defects: list[str]) -> bytes:
    def cut(match: re.Match[bytes]) -> bytes:
        field = match.group(0)
        if len(field) <= MAX_MIME_FIELD_BYTES:
            return field
        defects.append(f"MIME field cut at {MAX_MIME_FIELD_BYTES} bytes")
        return field[:MAX_MIME_FIELD_BYTES].rstrip(b"\r")

    return _MIME_FIELD.sub(cut, raw)


def _filename(part: EmailMessage) -> str:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - a broken parameter names no file
        return ""
    return str(name or "")[:MAX_HEADER_CHARS]  # an 8-bit name comes back as a Header


def _body_parts(msg: EmailMessage, defects: list[str]) -> tuple[str, str, list[bytes]]:
    plain, html = "", ""
    calendars: list[bytes] = []
    for count, part in enumerate(msg.walk()):
        if count >= MAX_PARTS:
            defects.append(f"parts after the first {MAX_PARTS} not read")
            break
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disposition = str(part.get("Content-Disposition") or "")[:MAX_HEADER_CHARS].lower()
        if ctype == "text/calendar" or _filename(part).lower().endswith(".ics"):
            try:
                data = part.get_payload(decode=True)
            except Exception:  # noqa: BLE001
                data = None
            if isinstance(data, bytes) and data and len(calendars) < 3:
                calendars.append(data[:MAX_PART_BYTES])
            continue
        if "attachment" in disposition:
            continue
        if ctype == "text/plain" and not plain:
            plain = _decode_part(part, defects)
        elif ctype == "text/html" and not html:
            html = _decode_part(part, defects)
            if len(html) > MAX_HTML_CHARS:
                # Markup is mostly tags: this is far more text than is ever read (200,000).
                defects.append(f"HTML cut at {MAX_HTML_CHARS} characters")
                html = html[:MAX_HTML_CHARS]
    return plain, html, calendars


MAX_CALENDAR_TEXT = 4_000
_CALENDAR_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]+")
_MEETING_URL_PROPERTIES = (
    "URL",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-GOOGLE-CONFERENCE",
    "X-MICROSOFT-ONLINEMEETINGCONFLINK",
)


@dataclass(frozen=True)
class _CalendarEvent:
    start: datetime | None = None
    method: str | None = None
    location: str | None = None
    url: str | None = None
    description: str = ""


def _calendar_text(event: Any, name: str) -> str:
    try:
        value = event.get(name)
    except Exception:  # noqa: BLE001 - a broken property is no property
        return ""
    if value is None:
        return ""
    text = value.decode() if isinstance(value, bytes) else str(value)
    return _CALENDAR_CONTROL.sub(" ", text[:MAX_CALENDAR_TEXT]).strip()


def _calendar_event(blobs: list[bytes], defects: list[str]) -> _CalendarEvent:
    """The first timed event of the attached invitations: start, method, place and link."""
    for blob in blobs:
        try:
            from icalendar import Calendar

            cal = Calendar.from_ical(blob)
        except Exception:  # noqa: BLE001
            defects.append("unreadable calendar attachment")
            continue
        method = str(cal.get("METHOD") or "").upper()[:40] or None
        for event in cal.walk("VEVENT")[:20]:
            try:
                value = event.decoded("DTSTART")
            except Exception:  # noqa: BLE001 - no start, or an empty or broken one
                continue
            if not isinstance(value, datetime):
                continue
            if value.tzinfo is None:
                value = value.replace(tzinfo=UTC)
            location = _calendar_text(event, "LOCATION")[:MAX_HEADER_CHARS] or None
            url = next(
                (u for u in (_calendar_text(event, n) for n in _MEETING_URL_PROPERTIES) if u),
                None,
            )
            return _CalendarEvent(
                value, method, location, url, _calendar_text(event, "DESCRIPTION")
            )
    return _CalendarEvent()


def _calendar_start(blobs: list[bytes], defects: list[str]) -> tuple[datetime | None, str | None]:
    event = _calendar_event(blobs, defects)
    return event.start, event.method


def synthetic_message_id(raw: bytes) -> str:
    return f"<{hashlib.sha256(raw).hexdigest()[:32]}@followup.invalid>"


_FIELD_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{0,76}:", re.M)


def _check_mail(raw: bytes) -> tuple[bytes, int]:
    """``raw`` as bytes, and where its header block ends; refused if it is no mail."""
    if not isinstance(raw, (bytes, bytearray)):
        raise TypeError("parse_message expects bytes")
    raw = bytes(raw)
    end = _end_of_header(raw)
    head = raw[: min(end, 4096)]
    if not raw.strip() or not _FIELD_LINE.search(head) or b"\x00" in head:
        raise BadInputError("not an email message (no header lines)")
    return raw, end


def _end_of_header(raw: bytes) -> int:
    """Where the header block ends: before the blank line (or the end of ``raw``)."""
    lf, crlf = raw.find(b"\n\n"), raw.find(b"\n\r\n")
    at = lf if crlf < 0 or 0 <= lf < crlf else crlf
    if at < 0:
        return len(raw)
    return at - 1 if at > 0 and raw[at - 1] == 13 else at  # before a CR


def read_header_fields(raw: bytes) -> dict[str, list[str]]:
    """The fields of :data:`HEADER_FIELDS` in the header block of ``raw``, as text, in order.

    Values stay encoded (RFC 2047) and folded; 8-bit bytes are decoded as UTF-8,
    else Windows-1252. Lines that are not header fields are passed over.
    """
    return _fields_of(raw[: _end_of_header(raw)])


def _fields_of(block: bytes) -> dict[str, list[str]]:
    """:func:`read_header_fields` of a header block."""
    if block.startswith((b"\r\n", b"\n")):
        return {}  # an empty header: everything is body
    fields: dict[str, list[str]] = {}
    for name, value in _HEADER_FIELD.findall(block):
        key = _WANTED.get(name.lower())
        if key is not None:
            values = fields.get(key)
            if values is None:
                fields[key] = [_header_text(value)]
            else:
                values.append(_header_text(value))
    return fields


def _first(fields: dict[str, list[str]], name: str) -> str:
    """The first ``name`` field, decoded and cleaned; "" when there is none."""
    values = fields.get(name)
    return _clean_header(values[0]) if values else ""


def _lists(fields: dict[str, list[str]], name: str) -> list[str]:
    """Every ``name`` field as an address or id list: unfolded, bounded, still encoded.

    Lists are split while still encoded: decoding first would let an encoded word such
    as =?utf-8?B?...?= smuggle in commas, brackets or a new address.
    """
    values = fields.get(name)
    return [_unfolded_list(v) for v in values] if values else []


def _unfolded_list(value: str) -> str:
    """One list field unfolded, its control characters and runs of space made one space."""
    plain = value[:-1] if value.endswith("\r") else value  # the CR of a CRLF line end
    if plain.isprintable() and "  " not in plain and len(value) <= MAX_LIST_HEADER_CHARS:
        return plain.strip()
    return _SPACE_OR_CONTROL.sub(" ", value[:MAX_LIST_HEADER_CHARS]).strip()


def _head(fields: dict[str, list[str]], fallback_date: datetime | None) -> dict[str, Any]:
    """The Message attributes that come from the header, and the header's defects."""
    get = fields.get
    if not (get("from") or get("subject") or get("date") or get("message-id") or get("to")):
        raise BadInputError("not an email message (no From, To, Subject, Date or Message-ID)")
    defects: list[str] = []
    ids = _msgids(_first(fields, "message-id"))
    if ids:
        message_id = ids[0]
    else:
        # Stable whatever part of the message was fetched: derived from the header alone.
        identity = "\0".join("\1".join(fields.get(h, ())) for h in _IDENTITY_FIELDS)
        message_id = synthetic_message_id(identity.encode("utf-8", "surrogatepass"))
        defects.append("no Message-ID")
    date = _parse_date(_first(fields, "date"))
    date_missing = date is None
    if date is None:
        defects.append("no usable Date")
        date = fallback_date or datetime(1970, 1, 1, tzinfo=UTC)
    in_reply_to = _msgids(_first(fields, "in-reply-to")) if "in-reply-to" in fields else ()
    from_list = _addresses(_lists(fields, "from"))
    references = _lists(fields, "references")
    return {
        "message_id": message_id,
        "subject": _first(fields, "subject"),
        "date": date,
        "date_missing": date_missing,
        "from_": from_list[0] if from_list else None,
        "reply_to": _addresses(_lists(fields, "reply-to")),
        "to": _addresses(_lists(fields, "to")),
        "cc": _addresses(_lists(fields, "cc")),
        "in_reply_to": in_reply_to[0] if in_reply_to else None,
        "references": _msgids(" ".join(references)) if references else (),
        "headers": {h: _first(fields, h) for h in KEPT_HEADERS if h in fields},
        "defects": defects,
    }


def parse_header(raw: bytes, *, fallback_date: datetime | None = None) -> Message:
    """A Message from the header alone (``raw`` may be just the header block): no text.

    The same values as :func:`parse_message` gives for the whole message, at a
    fraction of its cost: a scan reads every message's header this way.
    """
    raw, end = _check_mail(raw)
    return Message(**_head(_fields_of(raw[:end]), fallback_date))


def parse_message(raw: bytes, *, fallback_date: datetime | None = None) -> Message:
    """Parse one RFC 5322 message. ``fallback_date`` (e.g. INTERNALDATE) fills a missing Date."""
    raw, end = _check_mail(raw)
    head = _head(_fields_of(raw[:end]), fallback_date)
    defects: list[str] = head.pop("defects")
    # The MIME parser gets the top level's MIME fields and the body: the other fields are
    # read above, and a header block of megabytes would cost it time and memory for nothing.
    mime_fields = [m.group(0) for m in _MIME_FIELD.finditer(raw, 0, end) if m.end() <= end]
    blank = re.match(rb"\r?\n\r?\n", raw[end : end + 4])
    start = end + (blank.end() if blank else 0)
    body = raw[start : start + MAX_MESSAGE_BYTES]  # as much as a scan fetches
    if len(raw) - start > len(body):
        defects.append(f"body read up to {MAX_MESSAGE_BYTES} bytes")
    mime = b"".join(field + b"\n" for field in mime_fields) + b"\n" + body
    mime = _shorten_mime_fields(mime, defects)
    try:
        msg = email.message_from_bytes(mime, policy=email.policy.compat32)
    except Exception as exc:  # noqa: BLE001
        raise BadInputError(f"unreadable message: {exc.__class__.__name__}") from None
    defects = [d.__class__.__name__ for d in getattr(msg, "defects", None) or []] + defects
    plain, html, calendars = _body_parts(msg, defects)
    text, quoted, signature = clean_body(plain, html)
    invite = _calendar_event(calendars, defects)
    return Message(
        **head,
        text=text,
        quoted=quoted,
        signature=signature,
        calendar_start=invite.start,
        calendar_method=invite.method,
        calendar_location=invite.location,
        calendar_url=invite.url,
        calendar_description=invite.description,
        defects=defects,
    )
