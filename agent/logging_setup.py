"""Logging, configured once at the edge, with secrets redacted from every record.

``setup_logging`` installs one stderr handler. Under systemd (``$JOURNAL_STREAM``)
lines carry a syslog priority prefix and no timestamp, since the journal adds
its own. A filter on the handler replaces every registered secret (and its
common encodings) and the argument of any IMAP ``LOGIN``/``AUTHENTICATE`` line
with ``**REDACTED**``, in the message, its arguments and exception text alike.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterable
from typing import Any, TextIO

from agent.redaction import redact, register_secret

_lock = threading.Lock()

_JOURNAL_PRIORITY = {
    logging.CRITICAL: "<2>",
    logging.ERROR: "<3>",
    logging.WARNING: "<4>",
    logging.INFO: "<6>",
    logging.DEBUG: "<7>",
}


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
