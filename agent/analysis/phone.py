"""A contact's phone number, from the signature of their mail.

The seed's advice: a call with real questions often does more than another email. When
the person who wrote signs with a phone number, `followup show` and the drafts listing
offer it. Only a number on a line that names it (``Tel:``, ``Mobil:``) or a line of its
own in the signature counts; dates, organisation numbers and postcodes do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_NUMBER = re.compile(r"(?<![\w+(])(?:\+|00)?\(?\d[\d \t().\-/]{5,22}\d(?![\w])")
_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{2,4}$")


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


@lru_cache(maxsize=8)
def _any_word(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(x) for x in words) + r")\b", re.I)


def phone_in(signature: str, labels: Iterable[str], not_labels: Iterable[str] = ()) -> str | None:
    """The first phone number of ``signature``, as written, or None."""
    label_re = _any_word(tuple(labels))
    refuse_re = _any_word(tuple(not_labels))
    for line in signature.splitlines()[:40]:
        line = line.strip()
        if not line or len(line) > 120 or (refuse_re and refuse_re.search(line)):
            continue
        for match in _NUMBER.finditer(line):
            number = match.group(0).strip(" .-/")
            digits = _digits(number)
            if not 8 <= len(digits) <= 15 or _DATE_LIKE.match(number):
                continue
            rest = (line[: match.start()] + line[match.end() :]).strip(" :|·-–\t")
            if (label_re is not None and label_re.search(line)) or not rest:
                return number
    return None
