"""Folder roles from a LIST result: SPECIAL-USE first, configuration over that,
then a short list of well-known exact names for Drafts and Sent only.

Pure: the IMAP and Maildir sources feed it ``(flags, delimiter, name)`` entries
with names already decoded from modified UTF-7. A name is never guessed from a
substring or a translation table: a mailbox whose only candidate is
"Brouillons" gets no Drafts role until the user configures it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from agent.sources.base import ALL, ARCHIVE, DRAFTS, INBOX, JUNK, SENT, TRASH, Folder

# RFC 6154 attributes, plus the XLIST ones that legacy Gmail servers send.
ROLE_BY_ATTRIBUTE = {
    "\\drafts": DRAFTS,
    "\\sent": SENT,
    "\\trash": TRASH,
    "\\junk": JUNK,
    "\\archive": ARCHIVE,
    "\\all": ALL,
    "\\inbox": INBOX,
    "\\allmail": ALL,
    "\\spam": JUNK,
}

NOT_SELECTABLE = frozenset({"\\noselect", "\\nonexistent"})

# Exact full names only (compared after normalising the case of a leading INBOX).
FALLBACK_NAMES: Mapping[str, tuple[str, ...]] = {
    DRAFTS: (
        "Drafts",
        "INBOX.Drafts",
        "Utkast",
        "Kladder",
        "[Gmail]/Drafts",
        "[Gmail]/Utkast",
    ),
    SENT: (
        "Sent",
        "INBOX.Sent",
        "Sent Items",
        "Sendt",
        "Sendte elementer",
        "Sent Messages",
        "[Gmail]/Sent Mail",
        "[Gmail]/Sendt e-post",
    ),
}

Entry = tuple[Sequence[str | bytes], str | bytes | None, str]


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def normalise_name(name: str) -> str:
    """INBOX is case-insensitive (RFC 3501 §5.1), also as a prefix; the rest is not."""
    if name[:5].upper() == "INBOX" and (len(name) == 5 or name[5] in "./"):
        return "INBOX" + name[5:]
    return name


def assign_roles(
    entries: Iterable[Entry],
    *,
    configured: Mapping[str, str] | None = None,
) -> list[Folder]:
    """Folders with their roles.

    ``configured`` maps a role to a folder name the user set (``drafts_folder``).
    It wins over SPECIAL-USE and the name fallback; when that folder does not
    exist, no folder gets the role (the user's choice is never second-guessed).
    """
    parsed: list[tuple[str, str, set[str], bool]] = []
    for flags, delimiter, name in entries:
        attributes = {_text(flag).lower() for flag in flags}
        roles: set[str] = {ROLE_BY_ATTRIBUTE[a] for a in attributes if a in ROLE_BY_ATTRIBUTE}
        if name.upper() == "INBOX":
            roles.add(INBOX)
        selectable = not (attributes & NOT_SELECTABLE)
        if not selectable:
            roles.clear()
        parsed.append((name, _text(delimiter) if delimiter else "/", roles, selectable))

    for role, wanted in (configured or {}).items():
        if not wanted:
            continue
        for entry in parsed:
            entry[2].discard(role)
        match = [p for p in parsed if p[3] and normalise_name(p[0]) == normalise_name(wanted)]
        if match:
            match[0][2].add(role)

    for role, names in FALLBACK_NAMES.items():
        if (configured or {}).get(role) or any(role in p[2] for p in parsed):
            continue
        by_name = {normalise_name(p[0]): p for p in parsed if p[3]}
        for candidate in names:
            found = by_name.get(normalise_name(candidate))
            if found is not None:
                found[2].add(role)
                break

    return [
        Folder(name=name, roles=frozenset(roles), delimiter=delimiter, selectable=selectable)
        for name, delimiter, roles, selectable in parsed
    ]
