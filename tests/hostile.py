"""Hostile and broken mail, built at any size: shared by the tests and ``bench/hostile.py``.

Each builder takes a size in bytes (roughly) and returns a whole RFC 5322 message.
They cover the shapes that once made parsing or analysis slow down with the square
of the input, or crash: markup an HTML parser or a quote regex backtracks over, long
runs of encoded words, odd charsets, deep or wide MIME trees, lines that look like the
start of quoted history but never finish.
"""

from __future__ import annotations

from collections.abc import Callable

HEAD = (
    b"From: Kari Lund <kari.lund@acme-robotics.no>\r\n"
    b"To: ola@example.com\r\n"
    b"Subject: Intervju\r\n"
    b"Date: Tue, 24 Nov 2026 10:12:44 +0100\r\n"
    b"Message-ID: <hostile@acme-robotics.no>\r\n"
    b"MIME-Version: 1.0\r\n"
)
OPENING = b"Hei Ola,\r\n\r\nVi gir deg svar innen fredag.\r\n\r\n"


def _mail(ctype: bytes, body: bytes, extra_headers: bytes = b"") -> bytes:
    return HEAD + extra_headers + b"Content-Type: " + ctype + b"\r\n\r\n" + body


def _repeat(unit: bytes, size: int) -> bytes:
    return unit * max(1, size // len(unit))


def html_open_divs(size: int) -> bytes:
    return _mail(
        b"text/html; charset=utf-8",
        b"<p>Vi gir deg svar innen fredag.</p>" + _repeat(b"<div ", size),
    )


def html_scripts(size: int) -> bytes:
    return _mail(
        b"text/html; charset=utf-8",
        b"<p>Vi gir deg svar innen fredag.</p>" + _repeat(b"<script>", size),
    )


def html_nested_blockquotes(size: int) -> bytes:
    return _mail(
        b"text/html; charset=utf-8",
        b"<p>Vi gir deg svar innen fredag.</p>" + _repeat(b"<blockquote><div class=x>", size),
    )


def markup_as_plain_text(size: int) -> bytes:
    return _mail(b"text/plain; charset=utf-8", OPENING + _repeat(b"<div <script><div class=", size))


def encoded_subject(size: int) -> bytes:
    words = _repeat(b" =?utf-8?q?S=C3=B8knad?=", size)
    return HEAD.replace(b"Subject: Intervju\r\n", b"Subject:" + words + b"\r\n") + (
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + OPENING
    )


def punycode_body(size: int) -> bytes:
    return _mail(b"text/plain; charset=punycode", _repeat(b"soknad-", size) + b"\xff")


def long_line(size: int) -> bytes:
    return _mail(b"text/plain; charset=utf-8", OPENING + _repeat(b"svar innen ", size))


def unfinished_reply_headers(size: int) -> bytes:
    # "On ... " and "Den ... " that never say "wrote:"/"skrev", and "From:" without "Sent:".
    unit = b"On Tue 3 Mar 2026 Kari Lund said\r\nDen 3. mars 2026 kl. 10 \r\nFrom: Kari\r\n"
    return _mail(b"text/plain; charset=utf-8", OPENING + _repeat(unit, size))


def quoted_lines(size: int) -> bytes:
    return _mail(
        b"text/plain; charset=utf-8",
        OPENING + _repeat(b"> > vi gir deg svar innen to uker\r\n", size),
    )


def realistic_html(size: int) -> bytes:
    row = (
        b'<tr><td style="padding:4px;font-family:Arial"><a href="https://jobs.example/x?id=1">'
        b"Senior utvikler</a></td><td>Oslo</td><td>S\xc3\xb8knadsfrist 1. mars</td></tr>\r\n"
    )
    body = b"<html><body><p>Hei Ola,</p><p>Vi gir deg svar innen fredag.</p><table>"
    return _mail(b"text/html; charset=utf-8", body + _repeat(row, size) + b"</table></body></html>")


def many_parts(size: int) -> bytes:
    part = (
        b"--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVi gir deg svar innen fredag.\r\n"
    )
    return _mail(b"multipart/mixed; boundary=B", _repeat(part, size) + b"--B--\r\n")


def nested_multipart(size: int) -> bytes:
    depth = max(1, size // 60)
    body = b"".join(
        b"--B%d\r\nContent-Type: multipart/mixed; boundary=B%d\r\n\r\n" % (i, i + 1)
        for i in range(depth)
    )
    body += b"--B%d\r\nContent-Type: text/plain\r\n\r\nVi gir deg svar innen fredag.\r\n" % depth
    return _mail(b"multipart/mixed; boundary=B0", body)


def many_parameters(size: int) -> bytes:
    params = _repeat(b'; x="a\\"b"', size)
    return _mail(b"text/plain; charset=utf-8" + params, OPENING)


def long_address_list(size: int) -> bytes:
    names = _repeat(b'"a,(b" <x@y.z>, ', size)
    return HEAD.replace(b"To: ola@example.com\r\n", b"To: " + names + b"\r\n") + (
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + OPENING
    )


BUILDERS: dict[str, Callable[[int], bytes]] = {
    "html: unclosed <div": html_open_divs,
    "html: <script> runs": html_scripts,
    "html: nested <blockquote>": html_nested_blockquotes,
    "plain: markup as text": markup_as_plain_text,
    "subject: encoded words": encoded_subject,
    "charset: punycode": punycode_body,
    "plain: one long line": long_line,
    "plain: unfinished reply headers": unfinished_reply_headers,
    "plain: quoted lines": quoted_lines,
    "html: realistic table": realistic_html,
    "mime: many parts": many_parts,
    "mime: deep nesting": nested_multipart,
    "mime: many parameters": many_parameters,
    "header: long address list": long_address_list,
}
