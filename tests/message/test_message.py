"""agent.message.parse_message: headers, dates, charsets, MIME structure, quoted history,
signatures, calendar invitations and hostile input."""

from __future__ import annotations

import base64
import email.utils
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.errors import BadInputError
from agent.message import MAX_HEADER_CHARS, parse_message
from agent.quoting import html_to_text, split_quoted, split_signature

OSLO_WINTER = timezone(timedelta(hours=1))


def mail(
    body: str | bytes = "Hei,\n\nvi tar kontakt.\n",
    *,
    headers: str = "",
    subject: str = "Intervju",
    date: str | None = "Tue, 24 Nov 2026 10:12:44 +0100",
    content_type: str = "text/plain; charset=utf-8",
    cte: str = "8bit",
) -> bytes:
    head = "From: Kari Nilsen <kari@example.no>\nTo: ola@example.com\n"
    head += f"Subject: {subject}\n"
    if date is not None:
        head += f"Date: {date}\n"
    head += "Message-ID: <m1@example.no>\n" + headers
    head += f"MIME-Version: 1.0\nContent-Type: {content_type}\nContent-Transfer-Encoding: {cte}\n\n"
    payload = body if isinstance(body, bytes) else body.encode("utf-8")
    return head.encode("utf-8") + payload


# --- headers -----------------------------------------------------------------------------


def test_basic_fields_and_thread_ids() -> None:
    raw = mail(
        headers=(
            "In-Reply-To: <parent@example.no>\n"
            "References: <root@example.no>\n <parent@example.no>\n"
            'Reply-To: Jobs <jobs@example.no>\nCc: a@example.no, "Berg, Ingrid" <i@example.no>\n'
        )
    )
    msg = parse_message(raw)
    assert msg.message_id == "<m1@example.no>"
    assert msg.from_ is not None and msg.from_.addr == "kari@example.no"
    assert msg.from_.name == "Kari Nilsen" and msg.from_.domain == "example.no"
    assert [a.addr for a in msg.cc] == ["a@example.no", "i@example.no"]
    assert msg.cc[1].name == "Berg, Ingrid"
    assert msg.reply_to[0].addr == "jobs@example.no"
    assert msg.in_reply_to == "<parent@example.no>"
    assert msg.references == ("<root@example.no>", "<parent@example.no>")
    assert msg.thread_ids == ("<parent@example.no>", "<root@example.no>")
    assert msg.date == datetime(2026, 11, 24, 10, 12, 44, tzinfo=OSLO_WINTER)
    assert not msg.date_missing


def test_rfc2047_subject_and_display_names() -> None:
    raw = mail(
        subject="=?iso-8859-1?Q?S=F8knad_mottatt?= - =?utf-8?B?w5hrb25vbWk=?=",
        headers="Reply-To: =?iso-8859-1?Q?Bj=F8rn_=C5sheim?= <bjorn@example.no>\n",
    )
    msg = parse_message(raw)
    assert msg.subject == "Søknad mottatt - Økonomi"
    assert msg.reply_to[0].name == "Bjørn Åsheim"
    assert msg.reply_to[0].addr == "bjorn@example.no"


def test_adjacent_encoded_words_join_without_space() -> None:
    msg = parse_message(mail(subject="=?utf-8?Q?Takk_for_s=C3=B8?= =?utf-8?Q?knaden?="))
    assert msg.subject == "Takk for søknaden"


def test_raw_utf8_and_latin1_headers_are_decoded() -> None:
    utf8 = b"From: Bj\xc3\xb8rn <b@example.no>\nSubject: S\xc3\xb8knad\nDate: Mon, 02 Nov 2026 10:00:00 +0100\n\nhei\n"
    latin1 = b"From: Bj\xf8rn <b@example.no>\nSubject: S\xf8knad\nDate: Mon, 02 Nov 2026 10:00:00 +0100\n\nhei\n"
    for raw in (utf8, latin1):
        msg = parse_message(raw)
        assert msg.subject == "Søknad"
        assert msg.from_ is not None and msg.from_.name == "Bjørn"


def test_encoded_words_cannot_inject_headers_or_addresses() -> None:
    evil_name = base64.b64encode(b"Eve\r\nBcc: thief@evil.example").decode()
    evil_subject = base64.b64encode(b"Hei\r\nBcc: thief@evil.example\r\n\r\nbody").decode()
    raw = (
        f"From: =?utf-8?B?{evil_name}?= <eve@example.no>\n"
        f"Subject: =?utf-8?B?{evil_subject}?=\n"
        "Date: Mon, 02 Nov 2026 10:00:00 +0100\nMessage-ID: <x@example.no>\n\nhei\n"
    ).encode()
    msg = parse_message(raw)
    assert msg.from_ is not None
    assert msg.from_.addr == "eve@example.no"
    for value in (msg.subject, msg.from_.name):
        assert "\r" not in value and "\n" not in value
    assert msg.subject.startswith("Hei ")


def test_control_characters_in_plain_headers_are_removed() -> None:
    msg = parse_message(mail(subject="Intervju\x07\x1b[31m i morgen"))
    assert "\x07" not in msg.subject and "\x1b" not in msg.subject
    assert msg.subject.startswith("Intervju")


def test_huge_single_header_line_is_bounded_and_fast() -> None:
    raw = mail(subject="A" * 1_500_000, headers="X-Junk: " + "b " * 400_000 + "\n")
    started = time.perf_counter()
    msg = parse_message(raw)
    assert time.perf_counter() - started < 5
    assert len(msg.subject) == MAX_HEADER_CHARS
    assert msg.text.startswith("Hei")


def test_missing_message_id_gets_a_stable_synthetic_one() -> None:
    raw = mail().replace(b"Message-ID: <m1@example.no>\n", b"")
    first, second = parse_message(raw), parse_message(raw)
    assert first.message_id == second.message_id
    assert first.message_id.endswith("@followup.invalid>")
    assert "no Message-ID" in first.defects


# --- dates -------------------------------------------------------------------------------


def test_missing_date_uses_the_fallback() -> None:
    internal = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    msg = parse_message(mail(date=None), fallback_date=internal)
    assert msg.date_missing
    assert msg.date == internal
    assert "no usable Date" in msg.defects


def test_missing_date_without_fallback_is_the_epoch() -> None:
    msg = parse_message(mail(date=None))
    assert msg.date_missing
    assert msg.date == datetime(1970, 1, 1, tzinfo=UTC)


def test_garbled_date_formats_seen_in_the_wild() -> None:
    msg = parse_message(mail(date="2002/09/14 Sat 13:06:03 GMT"))
    assert msg.date == datetime(2002, 9, 14, 13, 6, 3, tzinfo=UTC)
    assert not msg.date_missing
    iso = parse_message(mail(date="2026-11-24T10:12:44"))
    assert iso.date == datetime(2026, 11, 24, 10, 12, 44, tzinfo=UTC)


@pytest.mark.parametrize(
    "value", ["yesterday", "Mon, 99 Foo 2026 99:99:99 +0100", "Fri, 01 Jan 1900 00:00:00 +0000", ""]
)
def test_unusable_dates_are_flagged(value: str) -> None:
    internal = datetime(2026, 12, 1, tzinfo=UTC)
    msg = parse_message(mail(date=value), fallback_date=internal)
    assert msg.date_missing
    assert msg.date == internal


def test_date_keeps_its_own_zone() -> None:
    msg = parse_message(mail(date="Thu, 26 Nov 2026 22:10:00 -0500"))
    assert msg.date.utcoffset() == timedelta(hours=-5)
    assert msg.date.date().isoformat() == "2026-11-26"


# --- charsets and transfer encodings -----------------------------------------------------


@pytest.mark.parametrize("charset", ["bogus", "unknown-8bit", "x-no-such-charset"])
def test_unknown_charsets_do_not_raise(charset: str) -> None:
    msg = parse_message(
        mail(
            "Hei, takk for s\xf8knaden.\n".encode("latin-1"),
            content_type=f"text/plain; charset={charset}",
        )
    )
    assert msg.text == "Hei, takk for søknaden."
    assert any("decoded as" in d for d in msg.defects)


def test_utf8_bytes_declared_as_latin1_are_read_as_utf8() -> None:
    body = "Vi gir deg svar innen utgangen av måneden.\n".encode()
    msg = parse_message(mail(body, content_type='text/plain; charset="iso-8859-1"'))
    assert msg.text == "Vi gir deg svar innen utgangen av måneden."
    assert "decoded as utf-8 instead of iso-8859-1" in msg.defects


def test_genuine_latin1_stays_latin1() -> None:
    body = "Vi gir deg svar innen utgangen av m\xe5neden.\n".encode("latin-1")
    msg = parse_message(mail(body, content_type="text/plain; charset=iso-8859-1"))
    assert msg.text == "Vi gir deg svar innen utgangen av måneden."
    assert not any("decoded" in d for d in msg.defects)


def test_windows_1252_quoted_printable() -> None:
    body = b"Du h=F8rer fra oss om to=96tre uker =93helt sikkert=94.\n"
    msg = parse_message(
        mail(body, content_type="text/plain; charset=windows-1252", cte="quoted-printable")
    )
    assert msg.text == "Du hører fra oss om to–tre uker “helt sikkert”."


def test_base64_body() -> None:
    body = base64.encodebytes("Vi tar kontakt i løpet av neste uke.\n".encode())
    msg = parse_message(mail(body, cte="base64"))
    assert msg.text == "Vi tar kontakt i løpet av neste uke."


def test_broken_base64_does_not_raise() -> None:
    msg = parse_message(mail(b"VmkgdGFy***not base64***\n", cte="base64"))
    assert isinstance(msg.text, str)


# --- MIME structure ----------------------------------------------------------------------


def test_unterminated_multipart_boundary() -> None:
    body = (
        "--XYZ\nContent-Type: text/plain; charset=utf-8\n\nVi tar kontakt neste uke.\n"
        "--XYZ\nContent-Type: text/html; charset=utf-8\n\n<p>Vi tar kontakt"
    )
    msg = parse_message(mail(body, content_type='multipart/alternative; boundary="XYZ"'))
    assert msg.text == "Vi tar kontakt neste uke."
    assert "CloseBoundaryNotFoundDefect" in msg.defects


def test_multipart_without_any_boundary_line() -> None:
    msg = parse_message(
        mail("just text, no parts\n", content_type='multipart/mixed; boundary="nope"')
    )
    assert isinstance(msg.text, str)


def test_plain_part_preferred_and_attachments_ignored() -> None:
    body = (
        '--B\nContent-Type: multipart/alternative; boundary="A"\n\n'
        "--A\nContent-Type: text/plain; charset=utf-8\n\nPlain version.\n"
        "--A\nContent-Type: text/html; charset=utf-8\n\n<p>HTML version.</p>\n--A--\n"
        '--B\nContent-Type: text/plain; name="cv.txt"\nContent-Disposition: attachment; filename="cv.txt"\n\n'
        "Attachment text, not the message.\n--B--\n"
    )
    msg = parse_message(mail(body, content_type='multipart/mixed; boundary="B"'))
    assert msg.text == "Plain version."


def test_html_only_mail_becomes_readable_text() -> None:
    html = (
        "<html><head><style>.x{color:red}</style><script>var a=1;</script></head><body>"
        "<table><tr><td>Dato:</td><td>onsdag 2. desember</td></tr>"
        "<tr><td>Sted:</td><td>Storgata 88</td></tr></table>"
        "<p>Hei Ingrid,</p><p>Vi har gleden av &aring; invitere deg til <b>intervju</b>.</p>"
        "<ul><li>Ta med vitnem&aring;l</li></ul></body></html>"
    )
    msg = parse_message(mail(html, content_type="text/html; charset=utf-8"))
    assert "<" not in msg.text and "color:red" not in msg.text and "var a" not in msg.text
    assert "Vi har gleden av å invitere deg til intervju." in msg.text
    assert "onsdag 2. desember" in msg.text and "Ta med vitnemål" in msg.text
    assert html_to_text("<p>a</p><p>b</p>").split() == ["a", "b"]


def test_html_sent_as_text_plain_is_converted() -> None:
    msg = parse_message(mail("<html><body><div>Takk for s&oslash;knaden</div></body></html>"))
    assert msg.text == "Takk for søknaden"


# --- quoted history ----------------------------------------------------------------------

NEW = "Beklager forsinkelsen, vi er ikke ferdige ennå."
OLD = "Vi gir deg svar innen fredag."

QUOTE_STYLES = {
    "gmail": f"{NEW}\n\nOn Tue, 24 Nov 2026 at 10:12, Kari Nilsen <kari@example.no> wrote:\n\n> {OLD}\n",
    "gmail_wrapped": (
        f"{NEW}\n\nOn Tue, Nov 24, 2026 at 10:12 AM Kari Nilsen <\nkari.nilsen@example.no> wrote:\n> {OLD}\n"
    ),
    "norwegian_gmail": f"{NEW}\n\nDen tir. 24. nov. 2026 kl. 10:12 skrev Kari Nilsen <kari@example.no>:\n\n> {OLD}\n",
    "norwegian_apple": f"{NEW}\n\n24. nov. 2026 kl. 10:12 skrev Kari Nilsen <kari@example.no>:\n\n> {OLD}\n",
    "outlook_en": (
        f"{NEW}\n\n________________________________\nFrom: Kari Nilsen <kari@example.no>\n"
        f"Sent: Tuesday, November 24, 2026 10:12 AM\nTo: Ola\nSubject: Status\n\n{OLD}\n"
    ),
    "outlook_en_no_rule": (
        f"{NEW}\n\nFrom: Kari Nilsen <kari@example.no>\nSent: Tuesday, November 24, 2026 10:12 AM\n"
        f"To: Ola\nSubject: Status\n\n{OLD}\n"
    ),
    "outlook_nb": (
        f"{NEW}\n\nFra: Kari Nilsen <kari@example.no>\nSendt: tirsdag 24. november 2026 10:12\n"
        f"Til: Ola\nEmne: Status\n\n{OLD}\n"
    ),
    "original_message": (
        f"{NEW}\n\n-----Original Message-----\nFrom: Kari Nilsen [mailto:kari@example.no]\n"
        f"Sent: 24. november 2026 10:12\nSubject: Status\n\n{OLD}\n"
    ),
    "opprinnelig_melding": f"{NEW}\n\n-----Opprinnelig melding-----\nFra: Kari\n\n{OLD}\n",
    "inline_gt": f"> {OLD}\n\n{NEW}\n",
    "nested_gt": f"{NEW}\n\n>> {OLD}\n",
}


@pytest.mark.parametrize("style", sorted(QUOTE_STYLES))
def test_quoted_history_is_split_off(style: str) -> None:
    msg = parse_message(mail(QUOTE_STYLES[style]))
    assert msg.text == NEW, style
    assert "innen fredag" not in msg.text
    assert "innen fredag" in msg.quoted


def test_gmail_html_quote_goes_to_quoted() -> None:
    html = (
        f'<div dir="ltr">{NEW}</div><br><div class="gmail_quote"><div class="gmail_attr">'
        "Den tir. 24. nov. 2026 skrev Kari &lt;kari@example.no&gt;:</div>"
        f'<blockquote class="gmail_quote">{OLD}</blockquote></div>'
    )
    msg = parse_message(mail(html, content_type="text/html; charset=utf-8"))
    assert msg.text == NEW
    assert "innen fredag" in msg.quoted


def test_outlook_html_reply_goes_to_quoted() -> None:
    html = (
        f'<html><body><div>{NEW}</div><div id="appendonsend"></div><hr>'
        '<div id="divRplyFwdMsg"><b>From:</b> Kari<br><b>Sent:</b> 24 November 2026</div>'
        f"<div>{OLD}</div></body></html>"
    )
    msg = parse_message(mail(html, content_type="text/html; charset=utf-8"))
    assert msg.text == NEW
    assert "innen fredag" in msg.quoted


def test_text_without_history_is_left_alone() -> None:
    body = "On Monday we met the team.\nDen siste kandidaten skrev en god oppgave.\nVi svarer innen fredag.\n"
    text, quoted = split_quoted(body)
    assert text == body.strip() and quoted == ""


# --- signatures --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sign_off",
    [
        "Best regards,",
        "Kind regards",
        "Thanks,",
        "Cheers,",
        "Med vennlig hilsen",
        "Vennlig hilsen",
        "Mvh",
        "Hilsen Hanne",
        "--",
    ],
)
def test_signature_is_split_off(sign_off: str) -> None:
    body = f"Hi Ola,\n\nWe will get back to you by Friday.\n\n{sign_off}\nKari Nilsen\nHR | Fjellvind AS\n+47 412 33 908\n"
    msg = parse_message(mail(body))
    assert msg.text == "Hi Ola,\n\nWe will get back to you by Friday."
    assert msg.signature.startswith(sign_off)
    assert "+47 412 33 908" in msg.signature


def test_mobile_signature() -> None:
    msg = parse_message(mail("Passer torsdag kl 10?\n\nSendt fra min iPhone\n"))
    assert msg.text == "Passer torsdag kl 10?"
    assert msg.signature == "Sendt fra min iPhone"


def test_sign_off_followed_by_long_text_is_not_a_signature() -> None:
    body = (
        "Kort innledning.\n\nRegards\n"
        + ("Dette er et langt avsnitt som fortsetter brevet. " * 40)
        + "\n"
    )
    text, signature = split_signature(body)
    assert signature == ""
    assert text == body


def test_sentence_starting_with_a_sign_off_word_is_kept() -> None:
    body = "Thanks for coming in yesterday, we will decide within two weeks.\n"
    msg = parse_message(mail(body))
    assert msg.text == body.strip()
    assert msg.signature == ""


# --- calendar invitations ----------------------------------------------------------------

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example//EN
METHOD:{method}
BEGIN:VTIMEZONE
TZID:Europe/Oslo
BEGIN:STANDARD
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:abc-123@example.no
DTSTAMP:20261126T131500Z
DTSTART{start}
DTEND;TZID=Europe/Oslo:20261208T111500
SUMMARY:Intervju
END:VEVENT
END:VCALENDAR
"""


def calendar_mail(start: str, method: str = "REQUEST", *, as_attachment: bool = False) -> bytes:
    ics = ICS.format(method=method, start=start).replace("\n", "\r\n")
    if as_attachment:
        cal_head = (
            'Content-Type: application/octet-stream; name="invite.ics"\n'
            'Content-Disposition: attachment; filename="invite.ics"\nContent-Transfer-Encoding: base64\n\n'
        )
        cal_body = base64.encodebytes(ics.encode()).decode()
    else:
        cal_head = f"Content-Type: text/calendar; charset=utf-8; method={method}\n\n"
        cal_body = ics
    body = (
        "--C\nContent-Type: text/plain; charset=utf-8\n\nVelkommen til intervju.\n"
        f"--C\n{cal_head}{cal_body}\n--C--\n"
    )
    return mail(body, content_type='multipart/mixed; boundary="C"')


def test_calendar_request_start_in_oslo_time() -> None:
    msg = parse_message(calendar_mail(";TZID=Europe/Oslo:20261208T100000"))
    assert msg.calendar_method == "REQUEST"
    assert msg.calendar_start == datetime(2026, 12, 8, 10, 0, tzinfo=OSLO_WINTER)
    assert msg.calendar_start is not None and msg.calendar_start.utcoffset() == timedelta(hours=1)
    assert msg.text == "Velkommen til intervju."


def test_calendar_start_in_utc_and_as_ics_attachment() -> None:
    msg = parse_message(calendar_mail(":20261208T090000Z", as_attachment=True))
    assert msg.calendar_start == datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def test_calendar_cancel_method_is_reported() -> None:
    msg = parse_message(calendar_mail(";TZID=Europe/Oslo:20261208T100000", method="CANCEL"))
    assert msg.calendar_method == "CANCEL"


def test_all_day_event_has_no_start_time() -> None:
    msg = parse_message(calendar_mail(";VALUE=DATE:20261208"))
    assert msg.calendar_start is None


def test_broken_calendar_is_a_defect_not_an_error() -> None:
    body = "--C\nContent-Type: text/plain\n\nhei\n--C\nContent-Type: text/calendar\n\nBEGIN:VCALENDAR\nthis is not ical\n--C--\n"
    msg = parse_message(mail(body, content_type='multipart/mixed; boundary="C"'))
    assert msg.calendar_start is None
    assert msg.text == "hei"


# --- input that is not mail --------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   \n\n",
        b"\x00\x01\x02\x03" * 200,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        b"hello world, this is not mail\n",
        bytes(range(256)) * 8,
        b"X-Only-Junk: 1\n\nno addressing headers at all\n",
    ],
    ids=["empty", "blank", "binary", "png", "pdf", "prose", "all-bytes", "no-addressing"],
)
def test_garbage_is_bad_input(raw: bytes) -> None:
    with pytest.raises(BadInputError):
        parse_message(raw)


def test_non_bytes_input_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse_message("From: a@b.no\n\nhi")  # type: ignore[arg-type]


def test_own_drafts_are_recognised() -> None:
    assert parse_message(mail(headers="X-Followup-Id: 42\n")).is_own_draft
    assert not parse_message(mail()).is_own_draft


def test_list_headers_are_kept_for_the_classifier() -> None:
    raw = mail(headers="List-Unsubscribe: <https://finn.no/avmeld>\nPrecedence: bulk\n")
    msg = parse_message(raw)
    assert msg.headers["list-unsubscribe"] == "<https://finn.no/avmeld>"
    assert msg.headers["precedence"] == "bulk"


@given(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31)),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
    st.booleans(),
    st.sampled_from(["", " (CET)", " (UTC)", " (GMT+01:00)"]),
)
def test_common_dates_are_read_as_the_email_package_reads_them(
    when: datetime, offset_minutes: int, weekday: bool, comment: str
) -> None:
    from agent.message import _common_date, _parse_date

    aware = when.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=offset_minutes)))
    text = email.utils.format_datetime(aware)
    if not weekday:
        text = text.split(", ", 1)[1]
    text += comment
    expected = email.utils.parsedate_to_datetime(text)
    fast = _common_date(text)
    assert fast is not None
    assert fast == expected and fast.utcoffset() == expected.utcoffset()
    assert _parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Mon, 2 Mar 2026 09:00:00 -0000", "2 Mar 26 09:00 +0100", "Mon, 31 Feb 2026 09:00:00 +0100",
     "Mon, 2 Mar 2026 23:59:60 +0100", "Mon,  2 Mar 2026 09:00:00 +0100", "Mon, 2 Mar 2026 09:00:00 EST",
     "2002/09/14 Sat 13:06:03 GMT"],
)  # fmt: skip
def test_other_date_forms_are_read_as_before(text: str) -> None:
    from agent.message import _common_date, _parse_date

    fallback = None
    try:
        fallback = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    parsed = _parse_date(text)
    if fallback is not None and _common_date(text) is None:
        expected = fallback if fallback.tzinfo else fallback.replace(tzinfo=UTC)
        assert parsed == expected
    assert parsed is None or parsed.tzinfo is not None


@given(st.binary(max_size=40).map(lambda b: bytes(b"ab:\r\n "[x % 6] for x in b)))
def test_the_header_block_ends_at_the_first_blank_line(raw: bytes) -> None:
    import re

    from agent.message import _end_of_header

    blank = re.search(rb"\r?\n\r?\n", raw)
    assert _end_of_header(raw) == (blank.start() if blank else len(raw))


def test_decoded_subjects_are_kept_for_reuse_within_a_bound() -> None:
    """A mailbox repeats its encoded subjects, so their decoding is kept; a header of
    many kilobytes is not, and the memo never holds more than its size."""
    import agent.message as message

    message._DECODED_MEMO.clear()
    for n in range(message._DECODED_MEMO_SIZE + 10):
        subject = f"=?utf-8?q?S=C3=B8knad_{n}?="
        head = message.parse_header(f"Subject: {subject}\r\nMessage-ID: <{n}@x>\r\n\r\n".encode())
        assert head.subject == f"Søknad {n}"
        assert message.parse_header(f"Subject: {subject}\r\n\r\n".encode()).subject == head.subject
        assert len(message._DECODED_MEMO) <= message._DECODED_MEMO_SIZE
    long_subject = "=?utf-8?q?" + "a" * (MAX_HEADER_CHARS + 1) + "?="
    message.parse_header(f"Subject: {long_subject}\r\n\r\n".encode())
    assert all(len(text) <= MAX_HEADER_CHARS for text in message._DECODED_MEMO)
    assert message.parse_header(b"Subject: =?bogus?q?x?=\r\n\r\n").subject == "=?bogus?q?x?="
