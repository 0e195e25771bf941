"""A short RFC 5322 message from a subject and a body, for the analysis tests."""

from __future__ import annotations

from email.message import EmailMessage

from agent.analysis import Analyzer
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
    analyzer.model.path = None
    return analyzer
