"""Broken, hostile and huge mail never stops, hangs or fools parsing and analysis.

Sizes here are large enough that time growing with the square of the input shows as a
hang (the alarm below fails the test); the time per size is printed by
``bench/hostile.py``. Property-based tests throw generated headers, dates, charsets,
MIME shapes and sizes at the parser and assert that nothing but the product's own
``BadInputError`` escapes.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import BUILDERS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.cli import cli
from agent.errors import BadInputError
from agent.message import parse_header, parse_message

HOSTILE_SIZE = 1_000_000


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (not hang) when the block outlasts ``seconds``: a slowdown from linear to
    quadratic turns a second into minutes at these sizes."""

    def expired(*_: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def analyzer():  # type: ignore[no-untyped-def]
    from agent.analysis import Analyzer
    from agent.rules import Rules

    return Analyzer(Rules.load(None))


@pytest.mark.parametrize("shape", sorted(BUILDERS))
def test_a_megabyte_of_hostile_mail_is_read_in_bounded_time(shape: str, analyzer) -> None:  # type: ignore[no-untyped-def]
    raw = BUILDERS[shape](HOSTILE_SIZE)
    with deadline(15):
        try:
            msg = parse_message(raw)
        except BadInputError:
            return  # refused with a reason (a MIME tree too deep to read) is an answer too
        analysis = analyzer.analyze(msg)
    assert analysis.kind in {"not_job", "status_update", "interview_invitation"}


CRASHERS = {
    "zone beyond a day": b"Date: Mon, 2 Mar 2026 09:00:00 +2400\r\nContent-Type: text/plain\r\n\r\nhei",
    "zone of 99 hours": b"Date: Mon, 2 Mar 2026 09:00:00 +9999\r\nContent-Type: text/plain\r\n\r\nhei",
    "minutes of 75": b"Date: Mon, 2 Mar 2026 09:00:00 +0175\r\nContent-Type: text/plain\r\n\r\nhei",
    "punycode": b"Date: Mon, 2 Mar 2026 09:00:00 +0100\r\nContent-Type: text/plain; charset=punycode\r\n\r\nabc-\xff\xfe",
    "8-bit file name": b"Date: Mon, 2 Mar 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhei\r\n"
    b'--B\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="s\xc3\xb8knad.pdf"\r\n\r\nAA\r\n--B--\r\n',
    "empty DTSTART": b"Date: Mon, 2 Mar 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nintervju\r\n"
    b"--B\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n--B--\r\n",
    "rot13 charset": b"Date: Mon, 2 Mar 2026 09:00:00 +0100\r\nContent-Type: text/plain; charset=rot13\r\n\r\nuv",
    "base64 charset": b"Date: Mon, 2 Mar 2026 09:00:00 +0100\r\nContent-Type: text/plain; charset=base64\r\n\r\n!!!",
    "8-bit boundary": b"Date: Mon, 2 Mar 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=\xff\xfe\r\n\r\n--\xff\xfe\r\nContent-Type: text/plain\r\n\r\nhei\r\n--\xff\xfe--\r\n",
}


@pytest.mark.parametrize("case", sorted(CRASHERS))
def test_mail_that_once_crashed_is_read(case: str, analyzer) -> None:  # type: ignore[no-untyped-def]
    raw = (
        b"From: Kari <kari@acme.no>\r\nMessage-ID: <c@acme.no>\r\nSubject: Intervju\r\n"
        + CRASHERS[case]
    )
    msg = parse_message(raw)
    analyzer.analyze(msg)
    assert parse_header(raw).message_id == msg.message_id == "<c@acme.no>"


def test_an_impossible_zone_leaves_the_date_to_the_arrival_time() -> None:
    from datetime import UTC, datetime

    arrived = datetime(2026, 3, 2, 8, 1, tzinfo=UTC)
    raw = b"From: Kari <kari@acme.no>\r\nSubject: x\r\n" + CRASHERS["zone beyond a day"]
    msg = parse_message(raw, fallback_date=arrived)
    assert msg.date == arrived and msg.date_missing


@pytest.mark.parametrize(
    "from_value, address",
    [
        (
            "=?utf-8?q?Kari_Lund:evil@attacker.example;?= <kari.lund@acme1-robotics.no>",
            "kari.lund@acme1-robotics.no",
        ),
        ("=?utf-8?b?S2FyaSA8ZXZpbEBhdHRhY2tlci5leGFtcGxlPg==?= <kari@acme.no>", "kari@acme.no"),
        ('"Kari, evil@attacker.example" <kari@acme.no>', "kari@acme.no"),
        ("Kari (evil@attacker.example) <kari@acme.no>", "kari@acme.no"),
        ("alice@example.org)<bob@example.org>", None),
    ],
)
def test_a_display_name_never_supplies_the_address(from_value: str, address: str | None) -> None:
    raw = f"From: {from_value}\r\nSubject: x\r\nMessage-ID: <a@b>\r\n\r\nhei".encode()
    for msg in (parse_header(raw), parse_message(raw)):
        assert "attacker" not in (msg.from_.addr if msg.from_ else "")
        if address is not None:
            assert msg.from_ is not None and msg.from_.addr == address


def test_analyze_goes_on_after_a_file_it_cannot_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.analysis import Analyzer

    good = b"From: Kari <kari@acme.no>\r\nSubject: Intervju\r\nDate: Tue, 24 Nov 2026 10:00:00 +0100\r\n\r\nVi gir deg svar innen fredag.\r\n"
    files = []
    for name, data in [
        ("a.eml", good.replace(b"Kari", b"Anne")),
        ("garbage.eml", b"\x00\x01 not mail"),
        ("faulty.eml", good.replace(b"Intervju", b"fault-here")),
        ("b.eml", good),
    ]:
        (tmp_path / name).write_bytes(data)
        files.append(str(tmp_path / name))
    real = Analyzer.analyze

    def analyze(self, msg):  # type: ignore[no-untyped-def]
        if "fault-here" in msg.subject:
            raise RecursionError("a fault no rule foresaw")
        return real(self, msg)

    monkeypatch.setattr(Analyzer, "analyze", analyze)
    result = CliRunner().invoke(cli, ["analyze", "--json", *files])
    assert result.exit_code == 2
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 2  # a.eml and b.eml, after the two bad ones
    assert "garbage.eml" in result.stderr and "faulty.eml" in result.stderr
    assert "Traceback" not in result.output


# --- property-based: nothing but BadInputError escapes ---------------------------------------

_header_names = st.sampled_from(
    ["From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
     "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "MIME-Version", "X-Junk"]
)  # fmt: skip
_header_values = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [b"=?utf-8?q?Kari:evil@x;?= <k@a.no>", b"=?x-unknown?b?////?=", b"=?utf-8?b?", b"<<<@@>>>",
         b"Mon, 2 Mar 2026 09:00:00 +2400", b"2002/09/14 Sat 13:06:03 GMT", b"31 Feb 2026 25:61:61 -9999",
         b"text/plain; charset=punycode", b"text/plain; charset=\"", b"multipart/mixed; boundary=",
         b"multipart/mixed", b"attachment; filename*=utf-8''%ff%fe", b"quoted-printable", b"base64",
         b"text/calendar; method=REQUEST", b"text/html; charset=utf-7"]
    ),
)  # fmt: skip
_bodies = st.one_of(
    st.binary(max_size=2000),
    st.sampled_from(
        [b"<div <script><blockquote>", b"=\r\n=XX=", b"--\r\n--B\r\nContent-Type: text/plain\r\n\r\n",
         b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Nowhere:2026\r\nEND:VEVENT\r\nEND:VCALENDAR",
         b"On Tue, Kari wrote:\r\n> old promise within two weeks", b"\xff\xfe\x00\x00"]
    ),
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fields=st.lists(st.tuples(_header_names, _header_values), max_size=12),
    body=_bodies,
    crlf=st.booleans(),
)
def test_generated_mail_gives_a_message_or_bad_input_error(
    fields: list[tuple[str, bytes]],
    body: bytes,
    crlf: bool,
    analyzer,  # type: ignore[no-untyped-def]
) -> None:
    eol = b"\r\n" if crlf else b"\n"
    raw = b"".join(name.encode() + b": " + value + eol for name, value in fields) + eol + body
    for parse in (parse_header, parse_message):
        try:
            msg = parse(raw)
        except BadInputError:
            continue
        assert msg.message_id
        assert msg.date.tzinfo is not None
        if parse is parse_message:
            analyzer.analyze(msg)


_parts = st.recursive(
    st.tuples(
        st.sampled_from([b"text/plain", b"text/html", b"text/calendar", b"application/pdf"]),
        _bodies,
    ),
    lambda children: st.lists(children, min_size=1, max_size=4),
    max_leaves=8,
)


def _mime(node: object, depth: int = 0) -> bytes:
    if isinstance(node, tuple):
        ctype, body = node
        return b"Content-Type: " + ctype + b"; charset=utf-8\r\n\r\n" + body + b"\r\n"
    boundary = b"b%d" % depth
    out = b"Content-Type: multipart/mixed; boundary=" + boundary + b"\r\n\r\n"
    for child in node:  # type: ignore[attr-defined]
        out += b"--" + boundary + b"\r\n" + _mime(child, depth + 1)
    return out + b"--" + boundary + b"--\r\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=_parts)
def test_generated_mime_trees_are_read(tree: object, analyzer) -> None:  # type: ignore[no-untyped-def]
    raw = b"From: a@b.no\r\nSubject: s\r\nMessage-ID: <t@b.no>\r\nMIME-Version: 1.0\r\n" + _mime(
        tree
    )
    analyzer.analyze(parse_message(raw))
