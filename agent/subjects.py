"""Subject lines of a thread: the prefixes replies and forwards add, and the bare
subject a thread's messages share."""

from __future__ import annotations

import re

# Subject prefixes of replies ("Re:", Norwegian/Danish/Swedish "SV:", German "AW:", Dutch
# "Antw:", "Ang:") and of forwards ("Fwd:", "VS:", "TR:"), with a counter ("Re[2]:").
_PREFIX = r"\s*(?:{words})\s*(?:\[\d+\]|\(\d+\))?\s*:\s*"
_REPLY_WORDS = "re|sv|aw|antw|ang"
_FORWARD_WORDS = "fwd?|vs|tr"
REPLY_PREFIX = re.compile("^" + _PREFIX.format(words=_REPLY_WORDS), re.I)
THREAD_PREFIXES = re.compile(
    "^(?:" + _PREFIX.format(words=f"{_REPLY_WORDS}|{_FORWARD_WORDS}") + ")+", re.I
)


def strip_thread_prefixes(subject: str) -> str:
    """'Re: SV: Fwd: Interview' -> 'Interview'."""
    return THREAD_PREFIXES.sub("", subject).strip()


def bare_subject(subject: str) -> str:
    """'Re: SV: Interview' -> 'interview': the subject a thread's messages share."""
    return strip_thread_prefixes(subject).lower()
