"""Writing the calendar file: ``followup calendar export`` and the ``calendar_file`` that
the daemon (and ``followup scan``) keep up to date after every pass.

The file is written atomically (a temporary file renamed into place), private to the
user (0600: it names employers and interview times), and only when an event changed.
"""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from agent.errors import FollowupError

log = logging.getLogger(__name__)


def calendar_bytes(config: Any, store: Any, now: datetime) -> tuple[bytes, int]:
    """The calendar of every account as of ``now``, and how many events it holds."""
    from agent.commands.review import Review
    from agent.ics import build_calendar, calendar_events, calendar_texts
    from agent.rules import Rules

    review = Review(config, store, now)
    texts = calendar_texts(Rules.load(config.rules_dir))
    shown = review.views()
    data = build_calendar(shown, now=now, tz=review.tz, texts=texts)
    return data, len(calendar_events(shown, now=now, tz=review.tz, texts=texts))


def write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, staging = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(staging, 0o600)
        os.replace(staging, path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise


def refresh_calendar_file(config: Any, store: Any, now: datetime) -> bool:
    """Bring ``calendar_file`` up to date; True when it was written. Never raises: the
    calendar is a convenience, and a pass must not fail because of it."""
    from agent.ics import same_calendar

    path = getattr(config, "calendar_file", None)
    if path is None:
        return False
    try:
        data, _ = calendar_bytes(config, store, now)
        try:
            if same_calendar(path.read_bytes(), data):
                return False
        except OSError:
            pass
        write_private(path, data)
    except (OSError, FollowupError) as exc:
        log.warning("cannot write the calendar file %s: %s", path, exc)
        return False
    log.info("calendar file %s updated", path)
    return True
