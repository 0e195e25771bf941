"""Logging, configured once at the edge, with secrets redacted from every record.

``setup_logging`` installs one stderr handler. Under systemd (``$JOURNAL_STREAM``)
lines carry a syslog priority prefix and no timestamp, since the journal adds
its own. A filter on the handler replaces every registered secret (and its
common encodings) and the argument of any IMAP ``LOGIN``/``AUTHENTICATE`` line
with ``**REDACTED**``, in the message, its arguments and exception text alike.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Iterable
from typing import Any, TextIO

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

_JOURNAL_PRIORITY = {
    logging.CRITICAL: "<2>",
    logging.ERROR: "<3>",
    logging.WARNING: "<4>",
    logging.INFO: "<6>",
    logging.DEBUG: "<7>",
}


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


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string must not hide the record
        message = f"{record.msg!r} {record.args!r}"
    record.msg = redact(message)
    record.args = None
    if record.exc_info and record.exc_info[0] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        record.exc_text = redact(text)
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


class RedactingFilter(logging.Filter):
    """Rewrites each record so that no handler downstream can print a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


_factory_installed = False


def _install_record_factory() -> None:
    """Redact records as they are made, so that every handler (ours or not) gets clean text."""
    global _factory_installed
    with _lock:
        if _factory_installed:
            return
        make = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = make(*args, **kwargs)
            _redact_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _factory_installed = True


class _JournalFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        prefix = _JOURNAL_PRIORITY.get(record.levelno, "<6>")
        text = super().format(record)
        return "\n".join(prefix + line for line in text.splitlines()) or prefix


_HANDLER_NAME = "followup-stderr"


def setup_logging(
    level: str = "INFO",
    *,
    journald: bool | None = None,
    secrets: Iterable[str] = (),
    protocol_debug: bool | None = None,
    stream: TextIO | None = None,
) -> logging.Handler:
    """Configure the root logger once (calling again replaces our handler).

    ``journald=None`` detects systemd via ``$JOURNAL_STREAM``. ``protocol_debug``
    (``-vv``) lets imapclient's protocol log through; otherwise it stays at WARNING.
    ``None`` means: on exactly when ``level`` is DEBUG (which ``-vv`` selects).
    """
    if protocol_debug is None:
        protocol_debug = level.upper() == "DEBUG"
    for secret in secrets:
        register_secret(secret)
    if journald is None:
        journald = bool(os.environ.get("JOURNAL_STREAM"))
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.set_name(_HANDLER_NAME)
    if journald:
        handler.setFormatter(_JournalFormatter("%(name)s: %(message)s"))
    else:
        handler.setFormatter(
            logging.Formatter(
                "%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S"
            )
        )
    handler.addFilter(RedactingFilter())

    _install_record_factory()
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == _HANDLER_NAME:
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    imap_level = logging.DEBUG if protocol_debug else logging.WARNING
    for name in ("imapclient", "imapclient.imaplib"):
        logging.getLogger(name).setLevel(imap_level)
    logging.captureWarnings(True)
    return handler
