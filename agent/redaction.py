"""Secrets out of every text that leaves the process: log lines, run summaries, errors.

``register_secret`` remembers a password or token (and the forms it takes on its way
into text); ``redact`` replaces each of them, and the argument of any IMAP
``LOGIN``/``AUTHENTICATE`` line, with ``**REDACTED**``.
"""

from __future__ import annotations

import base64
import json
import re
import threading

REDACTED = "**REDACTED**"
_MIN_SECRET_LENGTH = 3

_lock = threading.Lock()
_secrets: set[str] = set()  # every form of every registered secret
_fixed: set[str] = set()  # secrets registered for the life of the process
_slots: dict[str, list[str]] = {}  # slot -> its last few values
_pattern: re.Pattern[str] | None = None

# "A001 LOGIN user pass", "A001 AUTHENTICATE PLAIN <base64>" and a bare SASL
# continuation line of base64 that follows an AUTHENTICATE.
_IMAP_AUTH = re.compile(
    r"(?P<head>\bLOGIN\s+(?:\"(?:[^\"\\]|\\.)*\"|\{\d+\+?\}|\S+)\s+)(?P<secret>\"(?:[^\"\\]|\\.)*\"|\S+)"
    r"|(?P<head2>\bAUTHENTICATE\s+\S+\s+)(?P<secret2>[A-Za-z0-9+/=]{8,})"
)


def _variants(secret: str) -> set[str]:
    """The forms a secret takes on its way into text: raw, repr-escaped, JSON, base64."""
    forms = {secret, secret.encode("unicode_escape").decode("ascii"), json.dumps(secret)[1:-1]}
    raw = secret.encode("utf-8")
    forms.add(repr(raw)[2:-1])
    forms.add(base64.b64encode(raw).decode("ascii").rstrip("="))
    forms = {f for f in forms if len(f) >= _MIN_SECRET_LENGTH}
    # Inside a longer base64 blob (AUTHENTICATE PLAIN, XOAUTH2) the secret starts at
    # any of three byte offsets; the groups made of its bytes alone are fixed text.
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode("ascii")
        first_group = -(-offset // 3)
        last_group = (offset + len(raw)) // 3
        core = encoded[first_group * 4 : last_group * 4]
        if len(core) >= 8:
            forms.add(core)
    return forms


SLOT_MEMORY = 3  # values kept per slot: the current one and a few before it


def register_secret(value: str | None, *, slot: str | None = None) -> None:
    """Redact ``value`` (and its encodings) from all log output from now on.

    A value that is replaced over time (an access token renewed every hour) is
    registered under a ``slot``: only the last few values of a slot stay registered,
    so a long-running daemon neither grows the list nor slows every log line down.
    """
    global _pattern
    if not value or len(value) < _MIN_SECRET_LENGTH:
        return
    with _lock:
        if slot is not None:
            recent = _slots.setdefault(slot, [])
            if value in recent:
                return
            recent.append(value)
            del recent[:-SLOT_MEMORY]
        elif value in _fixed:
            return
        else:
            _fixed.add(value)
        forms: set[str] = set()
        for secret in _fixed.union(*_slots.values()):
            forms |= _variants(secret)
        if forms != _secrets:
            _secrets.clear()
            _secrets.update(forms)
            ordered = sorted(_secrets, key=len, reverse=True)
            _pattern = re.compile("|".join(_tolerant(s) for s in ordered))


def _tolerant(form: str) -> str:
    """A pattern for ``form`` that also matches it with quotes and backslashes escaped
    once more (an IMAP quoted string shown through a bytes repr, say)."""
    return "".join("\\\\*" + re.escape(ch) if ch in "\\\"'" else re.escape(ch) for ch in form)


def redact(text: str) -> str:
    """``text`` with registered secrets and IMAP credentials replaced."""
    if not text:
        return text
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    return _IMAP_AUTH.sub(_replace_auth, text)


def _replace_auth(match: re.Match[str]) -> str:
    if match.group("head") is not None:
        return match.group("head") + REDACTED
    return match.group("head2") + REDACTED
