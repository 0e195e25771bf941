"""Plain records shared by the store (which persists them) and the pure core (which reads them).

A ``TrackedMessage`` is everything the product keeps about one message: headers and
the analysis, never the whole body. Processes are derived from these records and the
user's corrections on every pass, so they are always explainable and never drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

_Date = date  # for classes with a field named "date"

if TYPE_CHECKING:  # the review commands read records without loading the analysis
    from agent.analysis.types import Evidence

INBOUND = "inbound"
OUTBOUND = "outbound"


class State(StrEnum):
    """The states of a hiring process (``agent.tracker`` decides them; ghosted:
    ``agent.policy``). Members are strings: stored, printed and compared as such."""

    APPLIED = "applied"
    INTERVIEWING = "interviewing"
    AWAITING_DECISION = "awaiting_decision"
    OFFER = "offer"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    HIRED = "hired"
    CLOSED = "closed"
    GHOSTED = "ghosted"


APPLIED = State.APPLIED
INTERVIEWING = State.INTERVIEWING
AWAITING_DECISION = State.AWAITING_DECISION
OFFER = State.OFFER
REJECTED = State.REJECTED
WITHDRAWN = State.WITHDRAWN
HIRED = State.HIRED
CLOSED = State.CLOSED
GHOSTED = State.GHOSTED
# A promise window whose silence means no, and the event that closes it when it lapses.
SILENCE_MEANS_NO = "silence_means_no"
REJECTED_BY_SILENCE = "rejected_by_silence"  # the event that closes such a window

ACTIVE_STATES = (APPLIED, INTERVIEWING, AWAITING_DECISION)

# Draft states. "intent" is committed before the APPEND; the others follow it.
DRAFT_INTENT = "intent"  # decided and committed; APPEND not confirmed yet
DRAFT_APPENDED = "appended"  # our draft is in the Drafts folder, untouched
DRAFT_USER_EDITED = (
    "user_edited"  # the user changed or replaced it: theirs now, never touched again
)
DRAFT_USER_DELETED = "user_deleted"  # the user deleted it: never recreated
DRAFT_SENT = "sent"  # seen in Sent: counts as a follow-up
DRAFT_CANCELLED = "cancelled"  # a reply came first; our untouched draft was removed
DRAFT_DISCARDED = "discarded"  # removed with `followup drafts discard`
DRAFT_STATES = (
    DRAFT_INTENT,
    DRAFT_APPENDED,
    DRAFT_USER_EDITED,
    DRAFT_USER_DELETED,
    DRAFT_SENT,
    DRAFT_CANCELLED,
    DRAFT_DISCARDED,
)
OPEN_DRAFT_STATES = (DRAFT_INTENT, DRAFT_APPENDED)


@dataclass(frozen=True, slots=True)
class PassedOver:
    """A message the prefilter passed over: only where it is and which way it went.

    The store keeps no more of mail that is not about a job; the subject only of
    the user's own mail (a reply to it is recognised by its subject).
    """

    message_id: str
    folder: str
    uid: int
    uidvalidity: int
    direction: str
    folder_role: str
    date: datetime
    subject: str


@dataclass(frozen=True)
class TrackedMessage:
    message_id: str
    account: str
    direction: str  # INBOUND or OUTBOUND (From is one of the user's own addresses)
    folder_role: str  # "inbox", "sent", or "other"
    date: datetime  # aware
    subject: str
    from_name: str = ""
    from_addr: str = ""
    reply_to: tuple[str, ...] = ()
    to: tuple[str, ...] = ()  # addresses
    to_names: tuple[str, ...] = ()  # display names aligned with ``to`` ("" when absent)
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    language: str = "en"
    kind: str = "not_job"
    confidence: float = 0.0
    promised_by: _Date | None = None
    interview_at: datetime | None = None
    company: str | None = None
    role: str | None = None
    ats: str | None = None
    agency: str | None = None
    contact_name: str | None = None
    evidence: tuple[Evidence, ...] = ()
    followup_id: str | None = None  # set when this is one of our drafts (e.g. seen in Sent)
    after_interview: bool = False  # it thanks for or follows an interview already held
    contact_phone: str | None = None  # the phone number the sender signs with
    interview_place: str | None = None  # where the interview is, as the invitation says
    interview_link: str | None = None  # its video meeting link

    @property
    def thread_ids(self) -> tuple[str, ...]:
        ids: list[str] = []
        if self.in_reply_to:
            ids.append(self.in_reply_to)
        ids.extend(r for r in self.references if r not in ids)
        return tuple(ids)


@dataclass
class DraftRecord:
    followup_id: str  # deterministic: the X-Followup-Id header value
    account: str
    process_id: str
    action: str  # followup_after_promise | next_steps | nudge | feedback_request | competing_offer
    state: str
    due_at: datetime
    message_id: str  # the draft's own Message-ID (deterministic)
    language: str = "en"
    subject: str = ""
    to: str = ""
    body: str = ""
    in_reply_to: str | None = None
    folder: str | None = None
    uid: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    note: str | None = None  # e.g. "no recipient: the sender was a no-reply address"


@dataclass(frozen=True)
class ProcessOverride:
    """What the user told us about a process (``followup close/snooze/edit``)."""

    process_id: str
    closed_reason: str | None = None  # withdrawn | hired | other
    snoozed_until: date | None = None
    company: str | None = None
    role: str | None = None
    promised_by: date | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ManualProcess:
    """A process the mail missed (``followup add``), e.g. a phone interview."""

    process_id: str
    company: str
    created_at: datetime
    role: str | None = None
    contact: str | None = None  # an address to write to
    interview_at: datetime | None = None
    promised_by: date | None = None
    language: str = "en"
    note: str | None = None


@dataclass(frozen=True)
class CompetingOffer:
    """``followup offer --deadline DATE``: the user holds an offer elsewhere."""

    created_at: datetime
    deadline: date
    process_id: str | None = None  # the process that made the offer, if tracked
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reflection:
    """What the user noted after an interview (``followup reflect``); kept only locally.

    ``answers`` maps a question key of ``rules/coaching/<lang>.toml`` (went_well,
    do_better, employer, next_steps) to the text written; ``answer_by`` is the day the
    employer said they would answer by, ``interest`` how much the user wants the job (1-5).
    """

    process_id: str
    round: int  # the interview round looked back on (0 when unknown)
    created_at: datetime
    updated_at: datetime
    language: str = "en"
    interview_at: datetime | None = None
    answers: dict[str, str] = field(default_factory=dict)
    interest: int | None = None
    answer_by: date | None = None
