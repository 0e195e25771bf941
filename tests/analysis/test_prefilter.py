"""The header-only prefilter decides which messages' text is fetched at all: it must let
through every piece of hiring mail in the corpus, and keep most look-alikes out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from locations import CORPUS

from agent.message import parse_message

CORPUS = CORPUS


@pytest.fixture(scope="module")
def analyzer():  # type: ignore[no-untyped-def]
    from agent.analysis import Analyzer

    return Analyzer()


def _headers_only(raw: bytes) -> bytes:
    end = raw.find(b"\r\n\r\n")
    end = raw.find(b"\n\n") if end < 0 else end
    return raw[: end + 2] if end >= 0 else raw


def _cases(job: bool) -> list[Path]:
    out = []
    for eml in sorted(CORPUS.glob("*.eml")):
        kind = json.loads(eml.with_suffix(".json").read_text(encoding="utf-8")).get("kind")
        if (kind != "not_job") == job:
            out.append(eml)
    return out


def test_every_hiring_message_in_the_corpus_passes_the_prefilter(analyzer) -> None:  # type: ignore[no-untyped-def]
    """A reply counts as in a known thread: in a scan the Sent folder is read first, and a
    reply to anything the user sent (by In-Reply-To, or by its subject when the client
    dropped the threading headers) is always read; tests/pipeline/test_sync.py shows both."""
    missed = []
    for eml in _cases(job=True):
        head = parse_message(_headers_only(eml.read_bytes()))
        is_reply = head.subject.lower().startswith(("re:", "sv:", "aw:"))
        if not analyzer.is_candidate(head, in_known_thread=bool(head.in_reply_to) or is_reply):
            missed.append(f"{eml.name}: {head.subject!r} from {head.from_}")
    assert not missed, "hiring mail the prefilter would never read:\n  " + "\n  ".join(missed)


def test_bulk_mail_from_a_known_domain_needs_more_than_the_domain(analyzer) -> None:  # type: ignore[no-untyped-def]
    raw = (
        b"From: Acme News <news@acme.no>\r\nSubject: This week at Acme\r\nList-Unsubscribe: <mailto:u@acme.no>\r\n"
        b"Date: Tue, 24 Nov 2026 10:00:00 +0100\r\nMessage-ID: <n1@acme.no>\r\n\r\n"
    )
    head = parse_message(raw)
    assert not analyzer.is_candidate(head, known_domains={"acme.no"})
    personal = parse_message(raw.replace(b"List-Unsubscribe: <mailto:u@acme.no>\r\n", b""))
    assert analyzer.is_candidate(personal, known_domains={"acme.no"})


def test_most_look_alikes_are_kept_out(analyzer) -> None:  # type: ignore[no-untyped-def]
    kept_out = [
        eml.name
        for eml in _cases(job=False)
        if not analyzer.is_candidate(parse_message(_headers_only(eml.read_bytes())))
    ]
    assert len(kept_out) >= len(_cases(job=False)) // 3, kept_out


@pytest.mark.parametrize(
    "subject",
    ["Frontend-utvikler – Acme AS", "Frontend-udvikler hos Acme ApS", "UX-designer på Acme AB"],
)
def test_a_title_joined_by_a_hyphen_passes_the_prefilter(analyzer, subject: str) -> None:  # type: ignore[no-untyped-def]
    raw = (
        f"From: Kari Holm <kari@example.no>\r\nSubject: {subject}\r\n"
        "Date: Tue, 24 Nov 2026 10:00:00 +0100\r\nMessage-ID: <h1@example.no>\r\n\r\n"
    ).encode()
    assert analyzer.is_candidate(parse_message(raw))
