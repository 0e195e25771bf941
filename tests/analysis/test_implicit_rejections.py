"""Rejections that never say "unfortunately": the cue rules still read them."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from agent.analysis import Analyzer
from agent.message import parse_message
from agent.rules import Rules


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    analyzer = Analyzer(Rules.load(None))
    analyzer.model.path = None  # the cue rules alone
    return analyzer


def mail(subject: str, body: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Talent Team <jobs@example.com>"
    msg["To"] = "candidate@example.org"
    msg["Subject"] = subject
    msg["Date"] = "Tue, 3 Mar 2026 09:00:00 +0100"
    msg["Message-ID"] = f"<{abs(hash(body))}@example.com>"
    msg.set_content(body)
    return msg.as_bytes()


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Your application to Northwind",
            "Thank you for your interest in joining the team. Our hiring team reviewed your "
            "application and did not select it for further consideration. We wish you all the best.",
        ),
        (
            "Thank you for applying",
            "Thank you for applying for the Analyst role. While we enjoyed reading your CV, we "
            "don't see a strong fit for the position at this time. All the best for your future!",
        ),
        (
            "Svar på søknaden din",
            "Hei! Vi har gått videre med andre kandidater til stillingen som lagerleder. "
            "Takk for at du søkte hos oss.",
        ),
    ],
)
def test_implicit_rejection(analyzer: Analyzer, subject: str, body: str) -> None:
    assert analyzer.analyze(parse_message(mail(subject, body))).kind == "rejection"
