"""Hiring processes from tracked messages: grouping and the state machine.

A process is one application at one employer. Messages join a process by thread
first (Message-ID, In-Reply-To and References, union-find over the ids), then by
employer (the company behind the sender, or its own mail domain; ATS, agency,
job-board and free-mail domains never name an employer by themselves). Agency mail
is grouped by (agency, client company or role). The user's sent mail joins by
thread, by a job-related recipient company or domain, or by writing to someone who
wrote to the user in the process.

States::

    applied -> interviewing -> awaiting_decision -> offer | rejected
    closed by the user: withdrawn | hired | closed      (ProcessOverride.closed_reason)
    ghosted: decided by agent.policy, never here

Processes are derived from scratch on every pass, so they never drift from the mail:
everything here is a pure function of the messages, the user's overrides and ``now``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from agent.analysis.types import Evidence, Kind
from agent.parties import PartyRules, thread_parties
from agent.records import (  # the states are named in records; the tracker decides them
    ACTIVE_STATES,
    APPLIED,
    AWAITING_DECISION,
    CLOSED,
    HIRED,
    INBOUND,
    INTERVIEWING,
    OFFER,
    OUTBOUND,
    REJECTED,
    REJECTED_BY_SILENCE,
    SILENCE_MEANS_NO,
    WITHDRAWN,
    ManualProcess,
    ProcessOverride,
    TrackedMessage,
)
from agent.records import (
    GHOSTED as GHOSTED,
)

AFTER_INTERVIEW_KINDS = (
    "status_update",
    "rejection",
    "offer",
    "reference_request",
    "assessment_request",
)
# ProcessOverride.closed_reason -> state
CLOSE_REASONS = {"withdrawn": WITHDRAWN, "hired": HIRED, "other": CLOSED}

NOT_JOB = "not_job"
_INSTANT = timedelta(microseconds=1)
_ROLE_NOISE = re.compile(r"\((?:m/f|m/w|f/m|w/m|m/k|k/m)[^)]*\)|[^\w]+", re.I)


@dataclass(frozen=True)
class Contact:
    name: str  # display name as written ("" when unknown)
    address: str
    phone: str | None = None  # as signed in their latest mail that gives one


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # a message kind, or interview_held | application_sent | outbound | reply | manual | override
    message_id: str | None
    summary: str
    sentence: str | None
    state_from: str | None
    state_to: str | None


@dataclass(frozen=True)
class ThreadAnchor:
    """The message a follow-up replies to."""

    message_id: str
    subject: str
    references: tuple[str, ...]  # the anchor's own thread ids, oldest first
    date: datetime


@dataclass
class Process:
    id: str
    account: str
    company: str | None  # as written ("Acme AS")
    role: str | None
    state: str
    round: int  # interview rounds invited to (0 before the first invitation)
    language: str
    contact: Contact | None
    greeting_name: str | None  # the first name to greet, when a person is known
    last_inbound: TrackedMessage | None
    last_outbound: TrackedMessage | None
    interview_at: datetime | None
    interview_held: bool
    promised_by: date | None
    promise_evidence: Evidence | None
    events: list[Event]
    anchor: ThreadAnchor | None
    started_at: datetime
    messages: tuple[TrackedMessage, ...] = ()
    company_short: str | None = None  # as said in a draft ("Acme")
    promise_source: str | None = None  # the promising message's id, or "user"
    stage: str | None = None  # "assessment" | "references" (late stage)
    agency: str | None = None
    ats: str | None = None
    contact_note: str | None = None
    snoozed_until: date | None = None
    closed_reason: str | None = None
    manual: bool = False
    aliases: frozenset[str] = frozenset()  # ids this process would have had with fewer messages
    # The next moment time alone changes this process (an interview's time comes, a
    # window whose silence is the answer lapses), as derived at a given now; None: never.
    changes_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def inbound(self) -> list[TrackedMessage]:
        return [m for m in self.messages if m.direction == INBOUND]

    @property
    def outbound(self) -> list[TrackedMessage]:
        return [m for m in self.messages if m.direction == OUTBOUND]

    def answers_to(self, process_id: str) -> bool:
        return process_id == self.id or process_id in self.aliases


def short_hash(text: str, length: int = 10) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def role_key(role: str | None) -> str:
    return " ".join(_ROLE_NOISE.sub(" ", role or "").casefold().split())


def roles_compatible(known: Iterable[str], role: str | None) -> bool:
    """True unless both sides name a role and the roles share too few words."""
    key = role_key(role)
    keys = [k for k in known if k]
    if not key or not keys:
        return True
    words = set(key.split())
    for other in keys:
        other_words = set(other.split())
        if words <= other_words or other_words <= words:
            return True
        if len(words & other_words) * 2 >= min(len(words), len(other_words)) + 1:
            return True
    return False


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class _Group:
    account: str
    messages: list[TrackedMessage] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    manual: ManualProcess | None = None
    seq: int = 0  # creation order: the order groups are matched in

    @property
    def last(self) -> datetime:
        dates = [m.date for m in self.messages]
        if self.manual:
            dates.append(self.manual.created_at)
        return max(dates)

    @property
    def first(self) -> datetime:
        dates = [m.date for m in self.messages]
        if self.manual:
            dates.append(self.manual.created_at)
        return min(dates)


@dataclass(frozen=True)
class Membership:
    """Which records make up one process: what :func:`derive_process` needs besides them."""

    account: str
    message_ids: tuple[str, ...]  # date order
    manual_id: str | None = None


def _order(m: TrackedMessage) -> tuple[datetime, str]:
    return (m.date, m.message_id)


def _relevant(messages: Iterable[TrackedMessage]) -> list[TrackedMessage]:
    """One record per (account, Message-ID); agent drafts count only once seen in Sent."""
    seen: dict[tuple[str, str], TrackedMessage] = {}
    rank = {"inbox": 0, "sent": 0, "other": 1}
    for m in messages:
        if m.followup_id and (m.direction != OUTBOUND or m.folder_role != "sent"):
            continue
        key = (m.account, m.message_id)
        if key not in seen or rank.get(m.folder_role, 1) < rank.get(seen[key].folder_role, 1):
            seen[key] = m
    return sorted(seen.values(), key=_order)


def _keys_and_role(
    messages: Iterable[TrackedMessage], parties: PartyRules, own_domains: set[str]
) -> tuple[set[str], str | None]:
    keys: set[str] = set()
    role: str | None = None
    for m in messages:
        if m.role:
            role = m.role
        if m.direction == INBOUND:
            domain = _domain(m.from_addr)
            agency = m.agency or parties.agency_for_domain(domain)
            if agency:
                client = parties.company_key(m.company) or role_key(m.role).replace(" ", "")
                keys.add(f"agency:{parties.company_key(agency)}:{client}")
                continue
            domains = [domain] if domain not in own_domains else []
            keys |= parties.employer_keys(m.company, domains)
        elif m.kind != NOT_JOB:
            domains = [d for d in map(_domain, m.to) if d not in own_domains]
            if m.agency:
                client = parties.company_key(m.company) or role_key(m.role).replace(" ", "")
                keys.add(f"agency:{parties.company_key(m.agency)}:{client}")
            else:
                keys |= parties.employer_keys(m.company, domains)
    return keys, role


class _Groups:
    """The groups found so far, in creation order, found by key without a full search."""

    def __init__(self) -> None:
        self.live: dict[int, _Group] = {}  # seq -> group; dicts keep insertion order
        self.by_key: dict[str, set[int]] = {}
        self._next = 0

    def add(self, group: _Group) -> None:
        group.seq = self._next
        self._next += 1
        self.live[group.seq] = group
        self.index(group, group.keys)

    def index(self, group: _Group, keys: Iterable[str]) -> None:
        for key in keys:
            self.by_key.setdefault(key, set()).add(group.seq)

    def remove(self, group: _Group) -> None:
        del self.live[group.seq]
        for key in group.keys:
            self.by_key.get(key, set()).discard(group.seq)

    def sharing(self, keys: Iterable[str]) -> list[_Group]:
        """Groups with a key among ``keys``, in creation order."""
        seqs: set[int] = set()
        for key in keys:
            seqs |= self.by_key.get(key, set())
        return [self.live[s] for s in sorted(seqs)]


def _group(
    messages: list[TrackedMessage],
    manual: Iterable[ManualProcess],
    parties: PartyRules,
    own: set[str],
) -> list[_Group]:
    own_domains = {_domain(a) for a in own} - parties.free_mail_domains
    uf = _UnionFind()
    for m in messages:
        uf.find(f"{m.account}\0{m.message_id}")
        for ref in m.thread_ids:
            uf.union(f"{m.account}\0{m.message_id}", f"{m.account}\0{ref}")
    components: dict[str, list[TrackedMessage]] = {}
    for m in messages:
        components.setdefault(uf.find(f"{m.account}\0{m.message_id}"), []).append(m)
    ordered = sorted(components.values(), key=lambda c: _order(c[0]))

    groups = _Groups()
    for mp in sorted(manual, key=lambda p: (p.created_at, p.process_id)):
        keys = parties.employer_keys(mp.company, [_domain(mp.contact)] if mp.contact else [])
        groups.add(_Group(account="", keys=keys, roles={role_key(mp.role)}, manual=mp))

    leftovers: list[list[TrackedMessage]] = []
    for comp in ordered:
        if all(m.kind == NOT_JOB for m in comp):
            leftovers.append(comp)
            continue
        keys, role = _keys_and_role(comp, parties, own_domains)
        account = comp[0].account
        matches = [
            g
            for g in groups.sharing(keys)
            if g.account in (account, "") and roles_compatible(g.roles, role)
        ]
        if not role and len(matches) > 1:
            matches = [max(matches, key=lambda g: g.last)]
        if not matches:
            groups.add(_Group(account, list(comp), keys, {role_key(role)}))
            continue
        target = matches[0]
        target.account = account
        for other in matches[1:]:
            groups.remove(other)
            target.messages.extend(other.messages)
            groups.index(target, other.keys - target.keys)
            target.keys |= other.keys
            target.roles |= other.roles
            target.manual = target.manual or other.manual
        target.messages.extend(comp)
        groups.index(target, keys - target.keys)
        target.keys |= keys
        target.roles.add(role_key(role))

    # Unclassified sent mail joins when it goes to someone who wrote in a process. Only
    # outbound mail joins here, so who wrote in each process stays as it is now.
    writers: dict[str, set[int]] = {}
    for g in groups.live.values():
        senders = {m.from_addr.lower() for m in g.messages if m.direction == INBOUND}
        senders |= {a.lower() for m in g.messages if m.direction == INBOUND for a in m.reply_to}
        if g.manual and g.manual.contact:
            senders.add(g.manual.contact.lower())
        for sender in senders:
            writers.setdefault(sender, set()).add(g.seq)
    for comp in leftovers:
        if any(m.direction == INBOUND for m in comp):
            continue
        recipients = {a.lower() for m in comp for a in m.to} - own
        seqs: set[int] = set()
        for address in recipients:
            seqs |= writers.get(address, set())
        candidates = [
            groups.live[s] for s in sorted(seqs) if groups.live[s].account in (comp[0].account, "")
        ]
        if candidates:
            target = max(candidates, key=lambda g: g.last)
            target.messages.extend(comp)
            target.account = target.account or comp[0].account
    return [g for g in groups.live.values() if g.messages or g.manual]


def group_processes(
    messages: Iterable[TrackedMessage],
    *,
    own_addresses: set[str],
    parties: PartyRules,
    manual: Iterable[ManualProcess] = (),
) -> list[Membership]:
    """Which records make up each hiring process in ``messages``, oldest first.

    Grouping reads no clock and no correction but the processes added by hand, so it
    changes only when the mail or those do."""
    own = {a.lower() for a in own_addresses}
    groups = _group(_relevant(messages), manual, parties, own)
    return [
        Membership(
            g.account,
            tuple(m.message_id for m in sorted(g.messages, key=_order)),
            g.manual.process_id if g.manual else None,
        )
        for g in sorted(groups, key=lambda g: g.first)
    ]


def derive_process(
    messages: Iterable[TrackedMessage],
    *,
    account: str,
    manual: ManualProcess | None,
    own_addresses: set[str],
    parties: PartyRules,
    overrides: Mapping[str, ProcessOverride] | None = None,
    now: datetime,
) -> Process:
    """One process from the records of its :class:`Membership`, with overrides applied."""
    own = {a.lower() for a in own_addresses}
    group = _Group(account, list(messages), manual=manual)
    process = _derive(group, parties, own, now)
    override = _find_override(process, overrides or {})
    if override:
        process = apply_override(process, override, now=now)
    return process


def build_processes(
    messages: Iterable[TrackedMessage],
    *,
    own_addresses: set[str],
    parties: PartyRules,
    overrides: Mapping[str, ProcessOverride] | None = None,
    manual: Iterable[ManualProcess] = (),
    now: datetime,
) -> list[Process]:
    """Every hiring process in ``messages``, oldest first, with overrides applied."""
    own = {a.lower() for a in own_addresses}
    groups = _group(_relevant(messages), manual, parties, own)
    processes = []
    for g in sorted(groups, key=lambda g: g.first):
        process = _derive(g, parties, own, now)
        override = _find_override(process, overrides or {})
        if override:
            process = apply_override(process, override, now=now)
        processes.append(process)
    return processes


def _find_override(
    process: Process, overrides: Mapping[str, ProcessOverride]
) -> ProcessOverride | None:
    if process.id in overrides:
        return overrides[process.id]
    for alias in sorted(process.aliases):
        if alias in overrides:
            return overrides[alias]
    return None


def apply_override(process: Process, override: ProcessOverride, *, now: datetime) -> Process:
    """The user's corrections win over what the mail says."""
    changes: dict[str, object] = {}
    if override.company:
        changes["company"] = override.company
        changes["company_short"] = override.company
    if override.role:
        changes["role"] = override.role
    if override.promised_by:
        newer_promise = override.updated_at is not None and any(
            m.promised_by and m.date > override.updated_at for m in process.inbound
        )
        if not newer_promise:
            changes.update(
                promised_by=override.promised_by, promise_evidence=None, promise_source="user"
            )
    if override.snoozed_until:
        changes["snoozed_until"] = override.snoozed_until
    events = list(process.events)
    if override.closed_reason:
        state = CLOSE_REASONS.get(override.closed_reason, CLOSED)
        at = override.updated_at or now
        events.append(
            Event(
                at,
                "override",
                None,
                f"closed: {override.closed_reason}",
                None,
                process.state,
                state,
            )
        )
        changes.update(state=state, closed_reason=override.closed_reason)
        if override.updated_at is None:  # the closing is dated by the clock: always anew
            changes["changes_at"] = now + _INSTANT
    changes["events"] = events
    return replace(process, **changes)  # type: ignore[arg-type]


def _evidence_for(m: TrackedMessage) -> Evidence | None:
    for ev in m.evidence:
        if ev.resolved == m.promised_by:
            return ev
    return m.evidence[0] if m.evidence else None


# What a message of each kind does to a process: the event's summary and the state it
# moves to, from the state before and whether an interview has been held (``None``:
# the state stays). Kinds not listed (not_job) are a plain reply.
_Target = Callable[[str | None, bool], str | None]
_TRANSITIONS: dict[str, tuple[str, _Target]] = {
    Kind.APPLICATION_RECEIVED: ("application received", lambda state, held: state or APPLIED),
    Kind.INTERVIEW_INVITATION: ("interview invitation (round {round})", lambda *_: INTERVIEWING),
    Kind.ASSESSMENT_REQUEST: ("assessment requested", lambda *_: INTERVIEWING),
    Kind.REFERENCE_REQUEST: ("references requested (late stage)", lambda *_: AWAITING_DECISION),
    Kind.STATUS_UPDATE: (
        "status update",
        lambda state, held: AWAITING_DECISION if held else (state or APPLIED),
    ),
    Kind.OFFER: ("offer", lambda *_: OFFER),
    Kind.REJECTION: ("rejection", lambda *_: REJECTED),
}
# The stage a kind of message opens (or, for None, closes): shown beside the state.
_STAGES: dict[str, str | None] = {
    Kind.INTERVIEW_INVITATION: None,
    Kind.ASSESSMENT_REQUEST: "assessment",
    Kind.REFERENCE_REQUEST: "references",
    Kind.OFFER: None,
}


class _Machine:
    """Walks a process's messages in date order and records every state change."""

    def __init__(self) -> None:
        self.state: str | None = None
        self.round = 0
        self.stage: str | None = None
        self.interview_at: datetime | None = None
        self.held = False
        self.promised_by: date | None = None
        self.evidence: Evidence | None = None
        self.promise_source: str | None = None
        self.events: list[Event] = []

    def record(
        self,
        at: datetime,
        kind: str,
        summary: str,
        new_state: str | None = None,
        message: TrackedMessage | None = None,
        sentence: str | None = None,
    ) -> None:
        before = self.state
        if new_state is not None:
            self.state = new_state
        if sentence is None and message is not None and message.evidence:
            sentence = message.evidence[0].sentence
        self.events.append(
            Event(
                at,
                kind,
                message.message_id if message else None,
                summary,
                sentence,
                before,
                self.state,
            )
        )

    def clock(self, at: datetime) -> None:
        """An interview whose time has come is an interview held; a window whose silence
        is the answer ("if you have not heard from us by …") is a rejection once it lapses."""
        ev = self.evidence
        if (
            ev is not None
            and ev.condition == SILENCE_MEANS_NO
            and self.promised_by is not None
            and self.state in ACTIVE_STATES
        ):
            lapsed = datetime.combine(self.promised_by + timedelta(days=1), time(0), at.tzinfo)
            if lapsed <= at:
                self.record(
                    lapsed,
                    REJECTED_BY_SILENCE,
                    f"no word by {self.promised_by.isoformat()}: rejected by silence",
                    REJECTED,
                    sentence=ev.sentence,
                )
                self.promised_by = self.evidence = self.promise_source = None
        if self.interview_at is not None and not self.held and self.interview_at <= at:
            self.held = True
            target = AWAITING_DECISION if self.state == INTERVIEWING else None
            self.record(
                self.interview_at, "interview_held", f"interview held (round {self.round})", target
            )

    def next_change(self, now: datetime) -> datetime | None:
        """The first moment after ``now`` at which :meth:`clock` would change something."""
        moments = []
        if self.interview_at is not None and not self.held:
            moments.append(self.interview_at)
        ev = self.evidence
        if (
            ev is not None
            and ev.condition == SILENCE_MEANS_NO
            and self.promised_by is not None
            and self.state in ACTIVE_STATES
        ):
            moments.append(
                datetime.combine(self.promised_by + timedelta(days=1), time(0), now.tzinfo)
            )
        return min((m for m in moments if m > now), default=None)

    def manual(self, mp: ManualProcess) -> None:
        self.clock(mp.created_at)
        if mp.promised_by:
            self.promised_by, self.evidence, self.promise_source = mp.promised_by, None, "user"
        if mp.interview_at:
            self.round = max(self.round, 1)
            self.interview_at, self.held = mp.interview_at, False
            self.record(mp.created_at, "manual", "added by hand: interview", INTERVIEWING)
        else:
            self.record(mp.created_at, "manual", "added by hand", self.state or APPLIED)
        self.clock(mp.created_at)

    def message(self, m: TrackedMessage) -> None:
        self.clock(m.date)
        if m.direction == OUTBOUND:
            if self.state is None:
                self.record(m.date, "application_sent", "application sent", APPLIED, m)
            else:
                self.record(m.date, "outbound", "you wrote", None, m)
            return
        kind = m.kind
        if m.after_interview and self.round == 0 and kind in AFTER_INTERVIEW_KINDS:
            # "Thank you for the interview": one was held, though its invitation is not here.
            self.round, self.held = 1, True
            self.record(m.date, "interview_held", "interview held (said by this message)", None, m)
        if kind != NOT_JOB:
            if m.promised_by:
                self.promised_by, self.evidence = m.promised_by, _evidence_for(m)
                self.promise_source = m.message_id
            else:  # a later answer settles an earlier promise
                self.promised_by = self.evidence = self.promise_source = None
        if kind == Kind.INTERVIEW_INVITATION:
            if self.held and self.round > 0:
                self.round += 1
                self.interview_at, self.held = m.interview_at, False
            else:
                self.round = max(self.round, 1)
                self.interview_at = m.interview_at or self.interview_at
        if kind in _STAGES:
            self.stage = _STAGES[kind]
        step = _TRANSITIONS.get(kind)
        if step is None:
            self.record(m.date, "reply", "reply", None, m)
        else:
            summary, target = step
            after_interview = self.held or self.state == AWAITING_DECISION
            self.record(
                m.date,
                kind,
                summary.format(round=self.round),
                target(self.state, after_interview),
                m,
            )
        if m.interview_at and kind != "interview_invitation" and not self.held:
            if self.state == INTERVIEWING:
                self.interview_at = m.interview_at


def _latest(messages: Iterable[TrackedMessage], attr: str) -> str | None:
    value = None
    for m in messages:
        value = getattr(m, attr) or value
    return value


def _derive(group: _Group, parties: PartyRules, own: set[str], now: datetime) -> Process:
    messages = sorted(group.messages, key=_order)
    mp = group.manual
    machine = _Machine()
    pending_manual = mp
    for m in messages:
        if pending_manual and pending_manual.created_at <= m.date:
            machine.manual(pending_manual)
            pending_manual = None
        machine.message(m)
    if pending_manual:
        machine.manual(pending_manual)
    machine.clock(now)

    inbound = [m for m in messages if m.direction == INBOUND]
    outbound = [m for m in messages if m.direction == OUTBOUND]
    job_inbound = [m for m in inbound if m.kind != NOT_JOB]
    who = thread_parties(
        messages,
        own=own,
        rules=parties,
        manual=mp is not None,
        company=mp.company if mp else None,
        role=mp.role if mp else None,
    )
    company = who.company
    language = (
        (job_inbound or inbound or messages)[-1].language
        if messages
        else (mp.language if mp else "en")
    )
    choice = who.contact
    contact = None
    if choice.address:
        phone = next(
            (
                m.contact_phone
                for m in reversed(inbound)
                if m.contact_phone and m.from_addr.lower() == choice.address.lower()
            ),
            None,
        )
        contact = Contact(choice.name, choice.address, phone)
    if contact is None and mp and mp.contact:
        contact = Contact("", mp.contact.lower())

    anchor_msg = None
    if contact:
        anchor_msg = next(
            (
                m
                for m in reversed(inbound)
                if contact.address in {m.from_addr.lower(), *(a.lower() for a in m.reply_to)}
            ),
            None,
        )
    anchor_msg = anchor_msg or (inbound[-1] if inbound else (outbound[-1] if outbound else None))
    anchor = None
    if anchor_msg:
        refs = anchor_msg.references or (
            (anchor_msg.in_reply_to,) if anchor_msg.in_reply_to else ()
        )
        anchor = ThreadAnchor(
            anchor_msg.message_id, anchor_msg.subject, tuple(refs), anchor_msg.date
        )

    first_id = messages[0].message_id if messages else ""
    process_id = mp.process_id if mp else short_hash(first_id)
    return Process(
        id=process_id,
        account=group.account or (messages[0].account if messages else ""),
        company=company or None,
        role=who.role.value if who.role else None,
        state=machine.state or APPLIED,
        round=machine.round,
        language=language or "en",
        contact=contact,
        greeting_name=choice.greeting_name,
        last_inbound=inbound[-1] if inbound else None,
        last_outbound=outbound[-1] if outbound else None,
        interview_at=machine.interview_at,
        interview_held=machine.held,
        promised_by=machine.promised_by,
        promise_evidence=machine.evidence,
        promise_source=machine.promise_source,
        events=machine.events,
        anchor=anchor,
        started_at=group.first,
        messages=tuple(messages),
        company_short=parties.display_company(company)
        if who.employer and who.employer.confident
        else None,
        stage=machine.stage,
        agency=_latest(inbound, "agency"),
        ats=_latest(inbound, "ats"),
        contact_note=choice.note,
        manual=mp is not None,
        aliases=frozenset(short_hash(m.message_id) for m in messages) - {process_id},
        changes_at=machine.next_change(now),
    )
