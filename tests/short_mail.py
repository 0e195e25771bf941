"""A short RFC 5322 message from a subject and a body, for the analysis tests."""

from __future__ import annotations

from email.message import EmailMessage

from agent.analysis import Analyzer
from agent.analysis.model import KindModel
from agent.message import parse_message
from agent.rules import Rules


def short_mail(
    subject: str,
    body: str,
    *,
    sender: str = "Recruitment <careers@example.com>",
    date: str = "Wed, 4 Mar 2026 10:00:00 +0100",
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "candidate@example.org"
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = f"<{abs(hash(subject + body))}@example.com>"
    msg.set_content(body)
    return msg.as_bytes()


def rules_only_analyzer() -> Analyzer:
    """The shipped rules without the kind model: what the cue rules alone decide."""
    analyzer = Analyzer(Rules.load(None))
    analyzer.model = KindModel(None)  # for every language
    return analyzer


def rules_only_kind(subject: str, body: str, *, sender: str) -> str:
    """The kind the cue rules alone give a short mail sent on Tue 3 March 2026."""
    raw = short_mail(subject, body, sender=sender, date="Tue, 3 Mar 2026 09:00:00 +0100")
    return str(rules_only_analyzer().analyze(parse_message(raw)).kind)
