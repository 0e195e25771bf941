"""Subject lines: the reply and forward prefixes they gather.

Defined once for drafts (``Re:`` without stacking), parties (a role named in a subject)
and the store (the user's own subjects). Small on purpose: the review commands import
the store without loading the mail parser.
"""

from __future__ import annotations

import re

# Replies ("Re:", "SV:", "AW:", "Re[2]:") and forwards ("Fwd:", "VS:" in Danish and
# Norwegian, "TR:" in French).
_REPLY_WORDS = r"re|sv|aw|antw|ang"
_FORWARD_WORDS = r"fwd?|vs|tr"
_PREFIX = r"\s*(?:{})\s*(?:\[\d+\]|\(\d+\))?\s*:\s*"
_REPLY_PREFIXES = re.compile(rf"^(?:{_PREFIX.format(_REPLY_WORDS)})+", re.I)
_ANY_PREFIXES = re.compile(rf"^(?:{_PREFIX.format(_REPLY_WORDS + '|' + _FORWARD_WORDS)})+", re.I)


def strip_reply_prefixes(subject: str, *, forwards: bool = False) -> str:
    """The subject without the reply prefixes it gathered ("SV: Re: Intervju" -> "Intervju");
    with ``forwards``, without forward prefixes too ("Fwd: VS: Tilbud" -> "Tilbud")."""
    return (_ANY_PREFIXES if forwards else _REPLY_PREFIXES).sub("", subject)


def bare_subject(subject: str) -> str:
    """'Re: SV: Fwd: Interview' -> 'interview': the subject a thread's messages share."""
    return strip_reply_prefixes(subject, forwards=True).strip().lower()
