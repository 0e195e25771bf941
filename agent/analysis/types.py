"""Result types of the analysis (pure data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What a message is. Members are strings: stored, printed and compared as such."""

    APPLICATION_RECEIVED = "application_received"
    INTERVIEW_INVITATION = "interview_invitation"
    STATUS_UPDATE = "status_update"
    ASSESSMENT_REQUEST = "assessment_request"
    REFERENCE_REQUEST = "reference_request"
    OFFER = "offer"
    REJECTION = "rejection"
    NOT_JOB = "not_job"


KINDS = tuple(Kind)


@dataclass(frozen=True)
class Evidence:
    sentence: str
    phrase: str
    resolved: date
    # None for a plain promise; "shortlisted": only candidates who go on will hear;
    # "silence_means_no": no word by the date is the answer.
    condition: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "sentence": self.sentence,
            "phrase": self.phrase,
            "resolved": self.resolved.isoformat(),
        }
        if self.condition:
            out["condition"] = self.condition
        return out


@dataclass
class Analysis:
    message_id: str
    language: str
    kind: str
    confidence: float
    promised_by: date | None = None
    interview_at: datetime | None = None
    company: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    # Beyond the JSON contract: used by the tracker, drafts and `followup show`.
    cues: list[str] = field(default_factory=list)
    role: str | None = None
    ats: str | None = None
    contact_name: str | None = None
    agency: str | None = None
    promise_condition: str | None = None  # the condition of the promise behind promised_by
    after_interview: bool = False  # it thanks for or follows an interview already held
    contact_phone: str | None = None  # the phone number the sender signs with
    interview_place: str | None = None  # where the interview is: an address, or "Microsoft Teams"
    interview_link: str | None = None  # the video meeting link
    # For a message read as not about a job although the cue rules read hiring mail in
    # it: the rules' reading, which a reply inside a hiring process is taken as.
    if_about_a_job: Analysis | None = None

    def to_json(self) -> dict[str, Any]:
        """The DESIGN.md contract, exactly these keys in this order."""
        return {
            "message_id": self.message_id,
            "language": self.language,
            "kind": self.kind,
            "confidence": round(self.confidence, 2),
            "promised_by": self.promised_by.isoformat() if self.promised_by else None,
            "interview_at": self.interview_at.isoformat() if self.interview_at else None,
            "company": self.company,
            "promise_condition": self.promise_condition,
            "evidence": [e.to_json() for e in self.evidence],
        }
