"""Rejections that never say "unfortunately": the cue rules still read them."""

from __future__ import annotations

import pytest
from short_mail import rules_only_analyzer, short_mail

from agent.analysis import Analyzer
from agent.message import parse_message


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return rules_only_analyzer()


def mail(subject: str, body: str) -> bytes:
    return short_mail(
        subject,
        body,
        sender="Talent Team <jobs@example.com>",
        date="Tue, 3 Mar 2026 09:00:00 +0100",
    )


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
