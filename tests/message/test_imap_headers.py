"""The IMAP header phase: header blocks read from Dovecot's answers, plain and otherwise.

The plain answer shape is read with one regular expression; any other shape (here:
unsolicited FETCH data Dovecot sends when another session changed flags) goes to
imapclient's parser. Both give the same blocks.
"""

from __future__ import annotations

import imapclient.response_parser
import pytest
from dovecot import Dovecot, MailUser

import agent.sources.imap as imap
from agent.message import parse_header


def _message(n: int, extra: str = "") -> bytes:
    return (
        f"From: =?utf-8?q?Troms=C3=B8_Havn?= <jobs{n}@tromsohavn.no>\r\n"
        f"To: kari@example.org\r\n"
        f"Subject: Application {n}\r\n"
        f"  folded part\r\n"
        f"Date: Mon, 02 Mar 2026 09:0{n % 10}:00 +0100\r\n"
        f"Message-ID: <hdr-{n}@tromsohavn.no>\r\n"
        f"X-Not-Wanted: {'x' * 500}\r\n"
        f"{extra}"
        f"\r\nThank you for applying.\r\n"
    ).encode()


@pytest.fixture
def parsed_by_imapclient(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the answers that went to imapclient's parser (which still does the work)."""
    calls: list[int] = []
    real = imapclient.response_parser.parse_fetch_response

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(imap, "parse_fetch_response", counting)
    return calls


def test_plain_answers_are_read_without_the_generic_parser(
    dovecot: Dovecot, mail_user: MailUser, imap_factory, parsed_by_imapclient: list[int]
) -> None:
    uids = [dovecot.deliver(mail_user, _message(n)) for n in range(1, 6)]
    dovecot.deliver(mail_user, b"X-Not-Wanted: 1\r\n\r\nno wanted field at all\r\n")
    source = imap_factory(mail_user)

    blocks = list(source.fetch_headers("INBOX", source.uids_after("INBOX", 0)))

    assert parsed_by_imapclient == []
    assert [b.uid for b in blocks][:5] == uids
    heads = [parse_header(b.data) for b in blocks[:5]]
    assert [h.subject for h in heads] == [f"Application {n} folded part" for n in range(1, 6)]
    assert heads[0].from_ is not None and heads[0].from_.name == "Tromsø Havn"
    assert all(b"X-Not-Wanted" not in b.data and b"Thank you" not in b.data for b in blocks)
    assert blocks[5].data.strip() == b""  # the server's empty block for no wanted field


def test_unsolicited_fetch_data_goes_to_imapclient_with_the_same_result(
    dovecot: Dovecot, mail_user: MailUser, imap_factory, parsed_by_imapclient: list[int]
) -> None:
    uids = [dovecot.deliver(mail_user, _message(n)) for n in range(1, 5)]
    source = imap_factory(mail_user)
    first = {b.uid: b.data for b in source.fetch_headers("INBOX", uids)}
    assert parsed_by_imapclient == []

    # Another mail program flags a message: Dovecot tells this session with the
    # answer to its next command, as an extra untagged FETCH.
    other = dovecot.admin_client(mail_user)
    try:
        other.select_folder("INBOX")
        other.add_flags([uids[0]], [b"\\Flagged"])
    finally:
        other.logout()
    again = {b.uid: b.data for b in source.fetch_headers("INBOX", uids[1:])}

    assert parsed_by_imapclient == [1]
    assert again == {uid: first[uid] for uid in uids[1:]}  # nothing for the flagged one


@pytest.mark.parametrize(
    "data",
    [
        [(b"1 (UID 7 BODY[HEADER.FIELDS (FROM)] {5}", b"abc\r\n"), b")", b"2 (FLAGS (\\Seen))"],
        [(b"1 (BODY[HEADER.FIELDS (FROM)] {5} UID 7", b"abc\r\n"), b")"],
        [(b"1 (UID 7 BODY[HEADER.FIELDS (FROM)] {6}", b"abc\r\n"), b")"],
        [(b"1 (UID 7 BODY[HEADER.FIELDS (FROM)] {5}", b"abc\r\n"), b" FLAGS ())"],
        [(b"1 (UID 7 BODY[HEADER.FIELDS (FROM)] {5}", b"abc\r\n")],
    ],
    ids=["unsolicited", "other-order", "wrong-size", "more-items", "unclosed"],
)
def test_other_shapes_are_not_read_as_plain(data: list) -> None:
    assert imap._plain_header_blocks(data) is None


def test_plain_shape_is_read() -> None:
    data = [
        (b"1 (UID 7 BODY[HEADER.FIELDS (FROM TO)] {5}", b"abc\r\n"),
        b")",
        (b"2 (UID 9 BODY[HEADER.FIELDS (FROM TO)] {2}", b"\r\n"),
        b")",
    ]
    assert imap._plain_header_blocks(data) == {7: b"abc\r\n", 9: b"\r\n"}
