"""Quoted mail and signatures: the public reply-parser fixture sets, targeted cases, linear time."""

from __future__ import annotations

import email
import email.policy
import json
import re
import signal
from pathlib import Path

import pytest
from locations import REPLIES

from agent.quoting import (
    clean_body,
    html_to_text,
    html_to_text_split,
    split_quoted,
    split_signature,
)

REPLIES = REPLIES


# --- fixtures and how a result is judged ---------------------------------------------------


def load_body(path: Path) -> tuple[str, str]:
    """(plain, html) of a fixture: ``.eml`` parsed as mail, ``.html`` as HTML, others as text."""
    raw = path.read_bytes()
    if path.suffix == ".eml":
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
        return (plain.get_content() if plain else ""), (html.get_content() if html else "")
    text = raw.decode("utf-8", "replace")
    return ("", text) if path.suffix == ".html" else (text, "")


def reply_fixtures():
    """(set, file name, path, expectation) for every fixture with an expectation."""
    for folder in sorted(p for p in REPLIES.iterdir() if p.is_dir()):
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        for name, expectation in sorted(expected.items()):
            yield folder.name, name, folder / name, expectation


def _norm(line: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"^[\s>]*", "", line)).strip()


def judge(text: str, expectation: dict) -> tuple[list[str], list[str]]:
    """(reply lines missing from ``text``, quoted lines that leaked into it)."""
    lines = [_norm(line) for line in text.splitlines()]
    joined = " ".join(line for line in lines if line)
    missing = [r for r in expectation["reply"] if r not in joined]
    present = set(lines)
    leaked = [q for q in expectation["quoted"] if q in present or (len(q) >= 20 and q in joined)]
    return missing, leaked


FIXTURES = list(reply_fixtures())
KNOWN_MISSES = {
    # a synthetic chain where unquoted older replies follow a "> " block: read as an
    # answer written below the quote, so they are kept
    ("mail_parser_reply", "email_3_1.txt"),
}


@pytest.mark.parametrize(
    ("set_name", "name", "path", "expectation"),
    FIXTURES,
    ids=[f"{s}/{n}" for s, n, _, _ in FIXTURES],
)
def test_fixture_reply_kept_without_leak(set_name, name, path, expectation):
    if (set_name, name) in KNOWN_MISSES:
        pytest.xfail("known miss, counted in the share test")
    text, _, _ = clean_body(*load_body(path))
    missing, leaked = judge(text, expectation)
    assert not missing, f"reply lost: {missing}"
    assert not leaked, f"quoted text leaked: {leaked}"


def test_share_kept_without_leak_is_at_least_90_percent():
    failures = []
    for set_name, name, path, expectation in FIXTURES:
        missing, leaked = judge(clean_body(*load_body(path))[0], expectation)
        if missing or leaked:
            failures.append(f"{set_name}/{name}: missing={missing[:1]} leaked={leaked[:1]}")
    share = 1 - len(failures) / len(FIXTURES)
    assert len(FIXTURES) >= 100
    assert share >= 0.90, "\n".join(failures)


# --- targeted cases ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Von: Anna <a@x.de>\nGesendet: Dienstag, 3. März 2026 10:00\nAn: HR\nBetreff: Bewerbung",
        "Från: Anna <a@x.se>\nSkickat: den 3 mars 2026 10:00\nTill: Erik\nÄmne: Intervju",
        "Fra: Kari <k@x.no>\nSendt: tirsdag 3. mars 2026 10:00\nTil: Per\nEmne: Søknad",
        "De : Marie <m@x.fr>\nEnvoyé : mardi 3 mars 2026 10:00\nÀ : RH\nObjet : Candidature",
        "Van: Sanne <s@x.nl>\nVerzonden: dinsdag 3 maart 2026 10:00\nAan: HR\nOnderwerp: Sollicitatie",
        "*From:* Kari <k@x.no>\n*Sent:* Tuesday, March 3, 2026 10:00 AM\n*To:* Ola\n*Subject:* Status",
        "From: Kari Hansen\n<k@x.no>\nSent: Tuesday, March 3, 2026\n10:00 AM\nTo: Ola",
        "On Tue, Mar 3, 2026 at 10:00 AM,\nKari Hansen <k@x.no>\nwrote:",
        "Am Di., 3. März 2026 um 10:00 Uhr schrieb Anna Schmidt <a@x.de>:",
        "Le mar. 3 mars 2026 à 10:00, Marie Dupont <m@x.fr> a écrit :",
        "Op di 3 mrt. 2026 om 10:00 schreef Sanne de Vries <s@x.nl>:",
        "Il giorno mar 3 mar 2026 alle ore 10:00 Giulia Rossi <g@x.it> ha scritto:",
        "Den tis 3 mars 2026 kl 10:00 skrev Anna Andersson <a@x.se>:",
        "ti 3. maalisk. 2026 klo 10.00 Aino Virtanen (a@x.fi) kirjoitti:",
        "-----Ursprüngliche Nachricht-----",
        "-----Oprindelig meddelelse-----",
        "-----Ursprungligt meddelande-----",
        "-----Opprinnelig melding-----",
        "2026-03-03 10:00 GMT+01:00 Kari <k@x.no>:",
        "tir. 3. mar. 2026 kl. 10:00 skrev Kari Hansen <\nkari.hansen@example.no>:",
    ],
)
def test_reply_headers_quote_what_follows(header):
    body = f"We will decide by Friday.\n\n{header}\n\nYou promised an answer within two weeks."
    text, quoted = split_quoted(body)
    assert text == "We will decide by Friday."
    assert "within two weeks" in quoted


def test_answers_between_quoted_lines_are_kept():
    body = (
        "On 03/03/2026 10:00, Kari Hansen wrote:\n> When will I hear back?\n\n"
        "By the end of the month.\n\n> Do you need references?\n\nYes, two please."
    )
    text, quoted = split_quoted(body)
    assert [line for line in text.splitlines() if line] == [
        "By the end of the month.",
        "Yes, two please.",
    ]
    assert "When will I hear back?" in quoted and "Do you need references?" in quoted


def test_on_without_wrote_is_not_a_header():
    body = "On Monday we met.\nOn Tuesday, 3 March at 10:00 we decide:\nthe list follows."
    assert split_quoted(body) == (body, "")


def test_a_sentence_about_someone_writing_is_not_a_header():
    body = "Our CEO wrote on 3 March:\nwe will decide within two weeks."
    assert split_quoted(body) == (body, "")


def test_a_time_slot_list_is_not_an_outlook_header():
    body = "Interview slots\nFrom: 10:00\nTo: 11:00\nFrom: 13:00\nTo: 14:00"
    assert split_quoted(body) == (body, "")


@pytest.mark.parametrize(
    "footer",
    [
        "Sent from my iPhone",
        "Sendt fra min iPhone",
        "Skickat från min iPhone",
        "Sendt fra Outlook for Android",
        "Get Outlook for iOS",
        "Get Outlook for iOS<https://aka.ms/o0ukef>",
        "Von meinem iPhone gesendet",
        "Med venlig hilsen\nJens Jensen",
        "Venlig hilsen\nJens",
        "Mvh\nPer",
        "MVH\nLisa Berg",
        "Med vänliga hälsningar\nErik",
        "Vänliga hälsningar\nErik",
        "Hälsningar,\nAnna",
        "Med vennlig hilsen\nOla Nordmann",
        "Best regards,\nOla",
    ],
)
def test_sign_offs_and_mobile_footers_are_signatures(footer):
    text, signature = split_signature(f"We will get back to you next week.\n\n{footer}")
    assert text == "We will get back to you next week."
    assert signature == footer


def test_a_sentence_starting_like_a_mobile_footer_is_kept():
    body = "Here it is\n\nSent from my desk, is much easier than my mobile phone."
    assert split_signature(body) == (body, "")


def test_a_layout_blockquote_does_not_cut_the_message():
    html = (
        "<html><body><blockquote><img src='logo.png' alt='Acme Careers'></blockquote>"
        "<p>Thank you for applying.</p><blockquote><p>Position: Developer</p></blockquote>"
        "<p>We will reply within two weeks.</p></body></html>"
    )
    new, quoted = html_to_text_split(html)
    assert "We will reply within two weeks." in new and quoted == ""


@pytest.mark.parametrize(
    "container",
    [
        '<div class="gmail_quote">On Tue, Kari wrote:<blockquote>OLD</blockquote></div>',
        '<div class="yahoo_quoted">OLD</div>',
        '<div class="moz-cite-prefix">Kari wrote:</div><blockquote type="cite">OLD</blockquote>',
        '<blockquote type="cite">OLD</blockquote>',
        '<div id="divRplyFwdMsg"><b>From:</b> Kari</div><div>OLD</div>',
        '<div id="appendonsend"></div><hr><div>OLD</div>',
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt"><b>Fra:</b> Kari</div><p>OLD</p>',
    ],
)
def test_client_quote_containers_are_quoted(container):
    new, quoted = html_to_text_split(f"<html><body><p>NEW words</p>{container}</body></html>")
    assert "NEW words" in new and "OLD" not in new
    assert "OLD" in quoted


def test_script_style_and_head_are_dropped():
    html = "<html><head><title>T</title><style>p{}</style></head><body><script>x()</script>Hi</body></html>"
    assert html_to_text(html).strip() == "Hi"


def test_old_promise_in_quoted_text_is_not_new_text():
    text, quoted, _ = clean_body(
        "Takk, vi ser på saken.\n\nFra: Per <p@x.no>\nSendt: 3. mars 2026\nTil: Kari\n"
        "Emne: Søknad\n\nVi gir deg svar innen fredag.",
        "",
    )
    assert "innen fredag" not in text and "innen fredag" in quoted


# --- linear time on hostile input ------------------------------------------------------------


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


HOSTILE_INPUTS = {
    # name -> size -> (plain, html)
    "<div × n": lambda n: ("", _repeat("<div ", n)),
    "<script> × n": lambda n: ("", _repeat("<script>", n)),
    "<blockquote> nesting": lambda n: ("", _repeat("<blockquote>", n) + "x"),
    "< × n": lambda n: ("", _repeat("< a", n)),
    "long 'On' line, no wrote": lambda n: (_repeat("On 3 Mar 2026 at 10:00 Kari ", n) + ":", ""),
    "'On … <a@b>' lines": lambda n: (_repeat("On 3 Mar 10:00 Kari <k@x.no> said\nx:\n", n), ""),
    "'>' lines": lambda n: (_repeat(">\n", n), ""),
    "header key lines": lambda n: (_repeat("From: Kari\nTo: Per\n", n), ""),
    "sign-off lines": lambda n: (_repeat("Best regards Ola Nordmann Kari Per Hansen x\n", n), ""),
    "one long word": lambda n: ("Sent from my " + "a" * n, ""),
}


def run_every_function(plain: str, html: str) -> None:
    """Each public function on the input as it is (no 200 KB cap), then ``clean_body``."""
    if html:
        html_to_text(html)
        html_to_text_split(html)
    if plain:
        split_quoted(plain)
        split_signature(plain)
    clean_body(plain, html)


@pytest.fixture
def ten_second_limit():
    def on_alarm(signum, frame):
        raise TimeoutError("took over 10 s: no longer linear")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", list(HOSTILE_INPUTS))
def test_two_megabytes_of_hostile_input_finish(name, ten_second_limit):
    run_every_function(*HOSTILE_INPUTS[name](2 * 1024 * 1024))
