"""Sync one folder: new UIDs → headers → prefilter → text of candidates → analysis → store.

Each chunk of UIDs commits in one transaction together with the folder's
high-water mark, so a crash loses nothing and repeats nothing (I1). A message
that cannot be read is recorded as skipped with its reason and the scan goes on
(T6). Scanning is read-only on the mailbox.
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from agent.analysis import Analyzer
from agent.errors import BadInputError, RulesError
from agent.message import MARKER_HEADER, MAX_MESSAGE_BYTES, Message, parse_header
from agent.pipeline.texts import Batch, Reading, TextItem, TextReader
from agent.records import INBOUND, OUTBOUND, PassedOver, TrackedMessage
from agent.sources.base import Fetched, Source
from agent.store import Store
from agent.store.mail import FLAP_WINDOW, STEADY_PASSES, FolderValidity
from agent.subjects import bare_subject

log = logging.getLogger(__name__)

CHUNK = 2000  # UIDs per FETCH and per transaction (the source's FETCH batch)
HELPER_MIN_UIDS = 4 * CHUNK  # a folder with this many new messages is read with a helper process
WINDOW = 10  # chunks whose texts may be in the helper at once


@dataclass
class SyncStats:
    seen: int = 0
    known: int = 0
    candidates: int = 0
    analyzed: int = 0
    own_drafts: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    rebaselined: list[str] = field(default_factory=list)
    sent_followups: list[str] = field(default_factory=list)
    held: dict[str, str] = field(default_factory=dict)  # folder -> why it was not read

    def merge(self, other: SyncStats) -> None:
        self.seen += other.seen
        self.known += other.known
        self.candidates += other.candidates
        self.analyzed += other.analyzed
        self.own_drafts += other.own_drafts
        self.kinds.update(other.kinds)
        self.skipped.update(other.skipped)
        self.rebaselined.extend(other.rebaselined)
        self.sent_followups.extend(other.sent_followups)
        self.held.update(other.held)


# UIDVALIDITY: a change is a genuine reset (re-read the folder by Message-ID, T8) unless
# it follows another change within FLAP_WINDOW or before the value was seen unchanged in
# STEADY_PASSES passes: then the server does not keep its numbers, and the folder is
# held (T9) until STEADY_PASSES passes in a row see one value. State is kept throughout.
READ, REBASELINE, HOLD = "read", "rebaseline", "hold"


def judge_uidvalidity(
    before: FolderValidity | None, checkpoint: int | None, observed: int, now: datetime
) -> tuple[FolderValidity, str]:
    """What to do with a folder whose server says UIDVALIDITY is ``observed`` now:
    READ from the checkpoint, REBASELINE (start over, matching by Message-ID) or HOLD."""
    if before is None:
        before = FolderValidity(seen_validity=checkpoint if checkpoint is not None else observed)
    if observed == before.seen_validity:
        after = replace(before, steady_passes=before.steady_passes + 1)
        if after.held_since is not None:
            if after.steady_passes < STEADY_PASSES:
                return after, HOLD
            after = replace(after, held_since=None)
    else:
        recent = before.changes > 0 and (
            (before.changed_at is not None and now - before.changed_at < FLAP_WINDOW)
            or before.steady_passes < STEADY_PASSES
        )
        after = FolderValidity(
            seen_validity=observed,
            changed_at=now,
            steady_passes=0,
            changes=before.changes + 1,
            held_since=before.held_since or (now if recent else None),
        )
        if after.held_since is not None:
            return after, HOLD
    if checkpoint is not None and checkpoint != observed:
        return after, REBASELINE
    return after, READ


def tracked_from(
    msg: Message,
    analysis_kind: str,
    analysis: object | None,
    *,
    account: str,
    direction: str,
    folder_role: str,
) -> TrackedMessage:
    from agent.analysis.types import Analysis

    a = analysis if isinstance(analysis, Analysis) else None
    return TrackedMessage(
        message_id=msg.message_id,
        account=account,
        direction=direction,
        folder_role=folder_role,
        date=msg.date,
        subject=msg.subject,
        from_name=msg.from_.name if msg.from_ else "",
        from_addr=msg.from_.addr if msg.from_ else "",
        reply_to=tuple(a_.addr for a_ in msg.reply_to),
        to=tuple(t.addr for t in msg.to + msg.cc),
        to_names=tuple(t.name for t in msg.to + msg.cc),
        in_reply_to=msg.in_reply_to,
        references=msg.references,
        language=a.language if a else "en",
        kind=analysis_kind,
        confidence=a.confidence if a else 0.0,
        promised_by=a.promised_by if a else None,
        interview_at=a.interview_at if a else None,
        company=a.company if a else None,
        role=a.role if a else None,
        ats=a.ats if a else None,
        agency=a.agency if a else None,
        contact_name=a.contact_name if a else None,
        evidence=tuple(a.evidence) if a else (),
        followup_id=msg.headers.get(MARKER_HEADER.lower()) or None,
        after_interview=bool(a.after_interview) if a else False,
        contact_phone=a.contact_phone if a else None,
        interview_place=a.interview_place if a else None,
        interview_link=a.interview_link if a else None,
    )


class FolderSync:
    """Syncs folders of one account into the store."""

    def __init__(
        self,
        source: Source,
        store: Store,
        analyzer: Analyzer,
        *,
        account: str,
        own_addresses: set[str],
        now: datetime,
        progress: Callable[[int], None] | None = None,
        crash: Callable[[str], None] | None = None,
    ) -> None:
        self.source = source
        self.store = store
        self.analyzer = analyzer
        self.account = account
        self.own = {a.lower() for a in own_addresses}
        self.now = now
        self.progress = progress
        self.crash = crash or (lambda step: None)
        self._thread_ids: set[str] | None = None
        self._domains: set[str] | None = None
        self._hiring_ids: set[str] | None = None  # the threads that hold hiring mail
        self._hiring_contacts: set[str] = set()  # the people who wrote it
        self.texts = TextReader(analyzer)
        self._header_faults: dict[tuple[str, int], str] = {}  # (folder, uid) -> what failed
        self._rebaselined: set[str] = set()

    # -- what we already know, for the prefilter -------------------------------------------
    def _known_context(self) -> tuple[set[str], set[str]]:
        if self._thread_ids is None or self._domains is None:
            self._thread_ids, self._domains = set(), set()
            self._extend_context(self.store.tracked_messages(self.account))
        assert self._thread_ids is not None and self._domains is not None
        return self._thread_ids, self._domains

    def _hiring_context(self) -> tuple[set[str], set[str]]:
        """The threads that hold hiring mail, and the people who wrote it (from the store
        on first use, then from what is recorded)."""
        if self._hiring_ids is None:
            self._hiring_ids = set()
            for tm in self.store.tracked_messages(self.account):
                self._note_hiring(tm)
        return self._hiring_ids, self._hiring_contacts

    def _in_hiring_thread(self, msg: Message) -> bool:
        """Does ``msg`` reply inside a thread that holds mail from an employer, or the
        user's own mail under a subject that speaks of a job ("Søknad på stillingen som
        lagermedarbeider")? Any mail of the user's is not enough: look-alikes answer the
        user's applications for housing, grants and memberships too."""
        return not self._hiring_context()[0].isdisjoint(msg.thread_ids)

    def _from_a_hiring_contact(self, msg: Message) -> bool:
        """Is ``msg`` from a person who has written to the user about a job before (a
        recruiter's "quick update" in a thread of its own)? A person, by name and address:
        not a team, a no-reply address, an applicant tracking system or a job board, which
        write to many about many things."""
        return msg.from_ is not None and msg.from_.addr.lower() in self._hiring_context()[1]

    def _note_hiring(self, tm: TrackedMessage) -> None:
        if self._hiring_ids is None:
            return
        if tm.direction == INBOUND or self.analyzer.subject_speaks_of_a_job(
            tm.subject, tm.language
        ):
            self._hiring_ids.update((tm.message_id, *tm.thread_ids))
        if self._is_contact(tm):
            self._hiring_contacts.add(tm.from_addr.lower())

    def _is_contact(self, tm: TrackedMessage) -> bool:
        """Was ``tm`` written to the user by a person (not a team, a company, a no-reply
        address, an ATS or a job board)?"""
        parties = self.analyzer.parties
        addr = tm.from_addr.lower()
        return (
            tm.direction == INBOUND
            and parties.is_human_address(addr)
            and not parties.is_job_board(addr.rpartition("@")[2])
            and parties.looks_like_person(tm.from_name)
        )

    def _extend_context(self, tracked: Iterable[TrackedMessage], news: _News | None = None) -> None:
        """Job mail's threads and senders' domains join the prefilter's context (and
        ``news``, which also gets the user's own mail among them)."""
        parties = self.analyzer.parties
        built = self._thread_ids is not None and self._domains is not None
        for tm in tracked:
            ids = {tm.message_id, *tm.thread_ids}
            addr = tm.from_addr if tm.direction == INBOUND else (tm.to[0] if tm.to else "")
            domain = addr.rpartition("@")[2] if "@" in addr else ""
            known_domain = bool(domain) and not parties.is_free_mail(domain)
            if news is not None:
                news.thread_ids.update(ids)
                if self._is_contact(tm):
                    news.senders.add(tm.from_addr.lower())
                if known_domain:
                    news.domains.add(domain)
                if tm.direction == OUTBOUND:
                    news.own_subjects.add(bare_subject(tm.subject))
            if built:
                assert self._thread_ids is not None and self._domains is not None
                self._thread_ids.update(ids)
                if known_domain:
                    self._domains.add(domain)

    def pending_uids(self, folder: str) -> tuple[int, list[int]] | None:
        """(uidvalidity, new UIDs); re-baselines the folder when UIDVALIDITY changed once,
        None when it keeps changing (the folder is held: nothing read, nothing reset)."""
        state = self.source.folder_state(folder)
        checkpoint = self.store.folder_checkpoint(self.account, folder)
        before = self.store.folder_validity(self.account, folder)
        after, verdict = judge_uidvalidity(
            before, checkpoint[0] if checkpoint else None, state.uidvalidity, self.now
        )
        where = f"{self.account}/{folder}"
        if verdict == HOLD:
            with self.store.transaction():
                self.store.set_folder_validity(self.account, folder, after)
            if before is None or before.held_since is None:
                log.error(
                    "%s: UIDVALIDITY changed again (%s changes, now %s): the server does not keep "
                    "its message numbers; not reading this folder and not writing drafts for "
                    "the account until it is steady for %d passes",
                    where,
                    after.changes,
                    state.uidvalidity,
                    STEADY_PASSES,
                )
            return None
        last_uid = checkpoint[1] if checkpoint else 0
        with self.store.transaction():
            self.store.set_folder_validity(self.account, folder, after)
            if verdict == REBASELINE:
                assert checkpoint is not None
                log.warning(
                    "%s: UIDVALIDITY changed (%s -> %s); re-reading the folder, matching by Message-ID",
                    where,
                    checkpoint[0],
                    state.uidvalidity,
                )
                self.store.reset_folder(self.account, folder, state.uidvalidity)
                self._rebaselined.add(folder)
                last_uid = 0
        if before is not None and before.held_since is not None:
            log.warning("%s: UIDVALIDITY steady again; reading the folder again", where)
        uids = [u for u in self.source.uids_after(folder, last_uid) if u > last_uid]
        return state.uidvalidity, sorted(uids)

    def sync_folder(self, folder: str, role: str) -> SyncStats:
        """Sync one folder, chunk by chunk; each chunk commits with its checkpoint, in order.

        On a long scan the texts of candidates are read in the helper process while
        this one goes on reading the headers of the next chunks (up to ``WINDOW``
        chunks wait for their texts). A chunk's prefilter may then have run before
        the chunks ahead of it were recorded: when one is, the later chunks' passed-
        over messages that its job mail makes interesting (its threads, its senders'
        domains, the user's own mail and Message-IDs) are taken up after all, so the
        outcome is the one a chunk-by-chunk pass gives.
        """
        stats = SyncStats()
        pending = self.pending_uids(folder)
        if pending is None:
            stats.held[folder] = "UIDVALIDITY keeps changing"
            return stats
        uidvalidity, uids = pending
        if folder in self._rebaselined:
            stats.rebaselined.append(folder)
        if not uids and self.store.folder_checkpoint(self.account, folder) is None:
            with self.store.transaction():
                self.store.set_folder_checkpoint(self.account, folder, uidvalidity, 0)
        if len(uids) >= HELPER_MIN_UIDS:
            self.texts.start_helper()
        window: deque[_Chunk] = deque()
        for start in range(0, len(uids), CHUNK):
            chunk = uids[start : start + CHUNK]
            headers = self._read_headers(folder, chunk)
            while window and (len(window) >= WINDOW or window[0].done()):
                self._record_oldest(window, stats)
            window.append(self._select(folder, role, uidvalidity, chunk, headers, stats))
        while window:
            self._record_oldest(window, stats)
        return stats

    def _record_oldest(self, window: deque[_Chunk], stats: SyncStats) -> None:
        news = self._record_chunk(window.popleft(), stats)
        for later in window:
            self._take_up(later, news, stats)

    def _take_up(self, chunk: _Chunk, news: _News, stats: SyncStats) -> None:
        """Apply what a recorded chunk taught to a later chunk whose prefilter ran before."""
        late = self._late_candidates(chunk, news, stats)
        if late:
            chunk.batches.append(self._fetch_texts(chunk, late))

    def _late_candidates(self, chunk: _Chunk, news: _News, stats: SyncStats) -> list[int]:
        """The messages of ``chunk`` passed over that ``news`` makes worth reading (a reply
        in a thread of job mail, mail from its sender's domain), now candidates."""
        index = chunk.index()
        for message_id in news.message_ids & index.by_message_id.keys():
            for uid in index.by_message_id[message_id]:  # the same message, seen just before
                stats.known += 1
                stats.candidates -= chunk.decisions[uid] == "candidate"
                chunk.decisions[uid] = "known"
        suspects: set[int] = set()
        for ref in news.thread_ids & index.by_ref.keys():
            suspects |= index.by_ref[ref]
        for domain in news.domains & index.by_domain.keys():
            suspects |= index.by_domain[domain]
        for subject in news.own_subjects & index.by_reply_subject.keys():
            suspects |= index.by_reply_subject[subject]
        for sender in news.senders & index.by_sender.keys():
            suspects |= index.by_sender[sender]
        thread_ids, domains = self._known_context()
        contacts = self._hiring_context()[1] | news.senders
        late: list[int] = []
        for uid in sorted(suspects):
            head = chunk.headers[uid][0]
            if head is None or chunk.decisions[uid] != "not_candidate":
                continue
            refs = set(head.thread_ids)
            in_thread = bool(refs & (news.thread_ids | thread_ids)) or (
                bare_subject(head.subject) in news.own_subjects
                and head.subject != bare_subject(head.subject)
            )
            if self.analyzer.is_candidate(
                head,
                in_known_thread=in_thread,
                known_domains=domains,
                known_senders=contacts,
                outbound=bool(head.from_ and head.from_.addr in self.own),
                recipient_domains={a.domain for a in head.to + head.cc},
            ):
                chunk.decisions[uid] = "candidate"
                late.append(uid)
        stats.candidates += len(late)
        return late

    def close(self) -> None:
        """Stop the helper process, if one was started."""
        self.texts.close()

    def _select(
        self,
        folder: str,
        role: str,
        uidvalidity: int,
        uids: list[int],
        headers: dict[int, tuple[Message | None, Fetched]],
        stats: SyncStats,
    ) -> _Chunk:
        """Prefilter a chunk, fetch its candidates' texts and hand them to the reader."""
        ids = [h.message_id for h, _ in headers.values() if h is not None]
        known = self.store.known_message_ids(self.account, ids)
        thread_ids, domains = self._known_context()
        contacts = self._hiring_context()[1]
        # Replies to anything the user sent are read whatever their subject ("re: intervew").
        referenced = {ref for h, _ in headers.values() if h is not None for ref in h.thread_ids}
        thread_ids = thread_ids | self.store.own_message_ids(self.account, referenced)
        own_subjects = self.store.own_subjects(self.account)
        candidates: list[int] = []
        decisions: dict[int, str] = {}
        for uid, (head, _fetched) in headers.items():
            stats.seen += 1
            if head is None:
                fault = self._header_faults.pop((folder, uid), None)
                decisions[uid] = (
                    f"skip:header reading failed: {fault}" if fault else "skip:unreadable header"
                )
                continue
            if head.message_id in known:
                stats.known += 1
                decisions[uid] = "known"
                continue
            if head.is_own_draft:
                stats.own_drafts += 1
                decisions[uid] = "own"
                continue
            outbound = bool(head.from_ and head.from_.addr in self.own)
            thread = not thread_ids.isdisjoint(head.thread_ids)
            if not thread and own_subjects:
                bare = bare_subject(head.subject)
                thread = head.subject != bare and bare in own_subjects
            to_domains = {a.domain for a in head.to + head.cc}
            try:
                candidate = self.analyzer.is_candidate(
                    head,
                    in_known_thread=thread,
                    known_domains=domains,
                    known_senders=contacts,
                    outbound=outbound,
                    recipient_domains=to_domains,
                )
            except RulesError:
                raise
            except Exception as exc:  # noqa: BLE001 - a bad message never stops a pass
                log.warning("%s: prefilter failed", head.message_id, exc_info=True)
                decisions[uid] = f"skip:prefilter failed: {exc.__class__.__name__}"
                continue
            if candidate:
                candidates.append(uid)
                decisions[uid] = "candidate"
            else:
                decisions[uid] = "not_candidate"
        stats.candidates += len(candidates)
        chunk = _Chunk(folder, role, uidvalidity, uids, headers, decisions)
        chunk.batches.append(self._fetch_texts(chunk, candidates))
        return chunk

    def _fetch_texts(self, chunk: _Chunk, uids: list[int]) -> Batch:
        """Fetch the texts of ``uids`` and hand them to the reader."""
        items = []
        if uids:
            for fetched in self.source.fetch_messages(
                chunk.folder, uids, max_bytes=MAX_MESSAGE_BYTES
            ):
                chunk.bodies[fetched.uid] = fetched
                items.append(TextItem(fetched.uid, fetched.data, fetched.internaldate))
        return self.texts.submit(items)

    def _record_chunk(self, chunk: _Chunk, stats: SyncStats) -> _News:
        """Record a chunk's messages and its checkpoint in one transaction."""
        folder, role, uidvalidity, uids = chunk.folder, chunk.role, chunk.uidvalidity, chunk.uids
        readings = {r.uid: r for batch in chunk.batches for r in batch.result()}
        tracked: list[TrackedMessage] = []  # job mail recorded
        passed: list[PassedOver] = []
        with self.store.transaction():
            for uid in uids:
                if uid not in chunk.headers:
                    continue  # expunged between SEARCH and FETCH
                head, fetched = chunk.headers[uid]
                decision = chunk.decisions[uid]
                if decision.startswith("skip:"):
                    reason = decision[5:]
                    mid = _synthetic_id(fetched)
                    where = (folder, uid, uidvalidity)
                    self._skip(stats, mid, where, fetched.internaldate, reason, reason)
                    continue
                assert head is not None
                if decision == "known":
                    self.store.update_message_location(
                        self.account, head.message_id, folder, uid, uidvalidity
                    )
                    continue
                if decision == "own":
                    if role == "sent":
                        stats.sent_followups.append(head.headers.get(MARKER_HEADER.lower(), ""))
                    continue
                direction = OUTBOUND if head.from_ and head.from_.addr in self.own else INBOUND
                if decision == "not_candidate":
                    passed.append(
                        PassedOver(
                            head.message_id,
                            folder,
                            uid,
                            uidvalidity,
                            direction,
                            role,
                            head.date,
                            head.subject,
                        )
                    )
                    stats.kinds["not_job"] += 1
                    continue
                self._record_candidate(chunk, uid, readings, direction, stats, tracked)
            self._read_replies_within(chunk, tracked, passed, stats)
            self.store.record_passed_over(self.account, passed, first_seen_at=self.now)
            if uids:
                self.store.set_folder_checkpoint(self.account, folder, uidvalidity, max(uids))
        self.crash("checkpoint committed")
        news = _News(message_ids={h.message_id for h, _ in chunk.headers.values() if h})
        self._extend_context(tracked, news)
        news.learn_own_mail(passed)
        if self.progress:
            self.progress(len(uids))
        return news

    def _skip(
        self,
        stats: SyncStats,
        message_id: str,
        where: tuple[str, int, int],
        date: datetime | None,
        reason: str,
        counter: str,
    ) -> None:
        """Record a message passed over with ``reason`` (at folder, UID, UIDVALIDITY
        ``where``), counted under ``counter``."""
        folder, uid, uidvalidity = where
        self.store.record_skip(
            self.account,
            message_id,
            folder=folder,
            uid=uid,
            uidvalidity=uidvalidity,
            reason=reason,
            date=date,
            first_seen_at=self.now,
        )
        stats.skipped[counter] += 1

    def _record_candidate(
        self,
        chunk: _Chunk,
        uid: int,
        readings: dict[int, Reading],
        direction: str,
        stats: SyncStats,
        tracked: list[TrackedMessage],
    ) -> None:
        """Record one candidate of ``chunk`` whose text was read; job mail joins ``tracked``."""
        folder, uidvalidity = chunk.folder, chunk.uidvalidity
        head = chunk.headers[uid][0]
        assert head is not None
        body = chunk.bodies.get(uid)

        def skip(reason: str, counter: str) -> None:
            where = (folder, uid, uidvalidity)
            self._skip(stats, head.message_id, where, head.date, reason, counter)

        if body is None:
            skip("vanished before its text was fetched", "vanished")
            return
        try:
            with self.store.transaction():  # a savepoint: one message's writes
                tm = self._record_reading(
                    head, body, readings[uid], folder, chunk.role, uidvalidity, direction, stats
                )
        except RulesError:
            raise
        except Exception as exc:  # noqa: BLE001 - a bad message never stops a pass
            log.warning("%s: not recorded", head.message_id, exc_info=True)
            skip(f"recording failed: {exc.__class__.__name__}", "recording failed")
            return
        if tm is not None:
            tracked.append(tm)
            self._note_hiring(tm)

    def _read_replies_within(
        self,
        chunk: _Chunk,
        tracked: list[TrackedMessage],
        passed: list[PassedOver],
        stats: SyncStats,
    ) -> None:
        """Read the messages of ``chunk`` passed over that its own job mail makes worth
        reading: a reply to an employer's mail in the same chunk, mail from its domain.
        (Later chunks learn the same from the store and from :meth:`_take_up`.)"""
        seen = -1  # the first round also takes up replies to the user's own mail passed over
        while len(tracked) > seen:
            news = _News(message_ids=set())
            self._extend_context(tracked[max(seen, 0) :], news)
            seen = len(tracked)
            news.learn_own_mail(passed)
            late = self._late_candidates(chunk, news, stats)
            if not late:
                return
            readings = {r.uid: r for r in self._fetch_texts(chunk, late).result()}
            taken = set(late)
            passed[:] = [item for item in passed if item.uid not in taken]
            stats.kinds["not_job"] -= len(late)
            for uid in late:
                head = chunk.headers[uid][0]
                assert head is not None
                own = bool(head.from_ and head.from_.addr in self.own)
                self._record_candidate(
                    chunk, uid, readings, OUTBOUND if own else INBOUND, stats, tracked
                )

    def _read_headers(
        self, folder: str, uids: list[int]
    ) -> dict[int, tuple[Message | None, Fetched]]:
        """Each message's header; the arrival time stands in for a missing or broken Date."""
        headers: dict[int, tuple[Message | None, Fetched]] = {}
        undated: list[int] = []
        for fetched in self.source.fetch_headers(folder, uids):
            try:
                head = parse_header(fetched.data, fallback_date=fetched.internaldate)
            except BadInputError as exc:
                head = None
                log.info(
                    "%s/%s uid %s: unreadable header (%s)", self.account, folder, fetched.uid, exc
                )
            except Exception as exc:  # noqa: BLE001 - a bad message never stops a pass
                head = None
                self._header_faults[(folder, fetched.uid)] = exc.__class__.__name__
                log.warning(
                    "%s/%s uid %s: header reading failed", self.account, folder, fetched.uid,
                    exc_info=True,
                )  # fmt: skip
            headers[fetched.uid] = (head, fetched)
            if head is not None and head.date_missing and fetched.internaldate is None:
                undated.append(fetched.uid)
        if undated:
            for uid, arrived in self.source.fetch_internaldates(folder, undated).items():
                head, fetched = headers[uid]
                assert head is not None
                headers[uid] = (replace(head, date=arrived), fetched)
        return headers

    def _record_reading(
        self,
        head: Message,
        body: Fetched,
        reading: Reading,
        folder: str,
        role: str,
        uidvalidity: int,
        direction: str,
        stats: SyncStats,
    ) -> TrackedMessage | None:
        """Record one read candidate; the job mail recorded, if it is that."""
        msg, analysis = reading.message, reading.analysis
        if msg is None or analysis is None:
            reason = reading.problem or "unreadable"
            log.warning("%s: skipped (%s)", head.message_id, reason)
            where = (folder, body.uid, uidvalidity)
            self._skip(
                stats, head.message_id, where, head.date, reason, reading.counter or "unreadable"
            )
            return None
        tm = None
        kind = analysis.kind
        if direction == OUTBOUND:
            # The user's own mail: an application, a reply or a follow-up written by hand.
            kind = "outbound"
        elif (
            kind == "not_job"
            and analysis.if_about_a_job is not None
            and (self._in_hiring_thread(msg) or self._from_a_hiring_contact(msg))
        ):
            # Words the model found no job in, but the cue rules read as hiring mail, in
            # reply to an employer's mail or from the person who wrote it: the thread, or
            # the recruiter, is the job the words do not name.
            analysis = analysis.if_about_a_job
            kind = analysis.kind
            log.info("%s: read as %s, in a hiring thread or from its contact", msg.message_id, kind)
        if kind == "not_job":  # read and found not to be about a job: kept as little as passed over
            passed = PassedOver(
                msg.message_id,
                folder,
                body.uid,
                uidvalidity,
                direction,
                role,
                msg.date,
                msg.subject,
            )
            self.store.record_passed_over(self.account, [passed], first_seen_at=self.now)
        else:
            tm = tracked_from(
                msg, kind, analysis, account=self.account, direction=direction, folder_role=role
            )
            self.store.record_message(
                tm, folder=folder, uid=body.uid, uidvalidity=uidvalidity, first_seen_at=self.now
            )
        stats.analyzed += 1
        stats.kinds[kind] += 1
        if body.truncated:
            log.info("%s: text truncated at %d bytes", msg.message_id, MAX_MESSAGE_BYTES)
        return tm


@dataclass
class _Chunk:
    """A chunk between its prefilter and its transaction: texts being read."""

    folder: str
    role: str
    uidvalidity: int
    uids: list[int]
    headers: dict[int, tuple[Message | None, Fetched]]
    decisions: dict[int, str]
    bodies: dict[int, Fetched] = field(default_factory=dict)
    batches: list[Batch] = field(default_factory=list)

    _index: _ChunkIndex | None = None

    def done(self) -> bool:
        """Are its texts read (so recording it waits for nothing)?"""
        return all(batch.done() for batch in self.batches)

    def index(self) -> _ChunkIndex:
        """Its messages by Message-ID, and its passed-over ones by what could change that."""
        if self._index is None:
            index = _ChunkIndex()
            for uid, (head, _) in self.headers.items():
                decision = self.decisions[uid]
                if head is None or decision in ("known", "own") or decision.startswith("skip:"):
                    continue
                index.by_message_id.setdefault(head.message_id, set()).add(uid)
                if decision != "not_candidate":
                    continue
                for ref in head.thread_ids:
                    index.by_ref.setdefault(ref, set()).add(uid)
                for addr in (head.from_, *head.to, *head.cc):
                    if addr is not None:
                        index.by_domain.setdefault(addr.domain, set()).add(uid)
                if head.from_ is not None:
                    index.by_sender.setdefault(head.from_.addr.lower(), set()).add(uid)
                bare = bare_subject(head.subject)
                if bare != head.subject:
                    index.by_reply_subject.setdefault(bare, set()).add(uid)
            self._index = index
        return self._index


@dataclass
class _ChunkIndex:
    by_message_id: dict[str, set[int]] = field(default_factory=dict)
    by_ref: dict[str, set[int]] = field(default_factory=dict)
    by_domain: dict[str, set[int]] = field(default_factory=dict)
    by_reply_subject: dict[str, set[int]] = field(default_factory=dict)
    by_sender: dict[str, set[int]] = field(default_factory=dict)


@dataclass
class _News:
    """What recording a chunk taught: its Message-IDs, and the threads, domains and
    subjects (of the user's own mail) that make a later message worth reading."""

    message_ids: set[str]
    thread_ids: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    own_subjects: set[str] = field(default_factory=set)
    senders: set[str] = field(default_factory=set)  # people who wrote about a job

    def learn_own_mail(self, passed: Iterable[PassedOver]) -> None:
        """The user's own mail passed over: a reply to it is worth reading."""
        for item in passed:
            if item.direction == OUTBOUND:
                self.thread_ids.add(item.message_id)
                self.own_subjects.add(bare_subject(item.subject))


def _synthetic_id(fetched: Fetched) -> str:
    from agent.message import synthetic_message_id

    return synthetic_message_id(fetched.data[:65536] + str(fetched.uid).encode())


def folders_to_scan(source: Source, configured: Iterable[str]) -> list[tuple[str, str]]:
    """(folder, role) pairs: the configured folders, else INBOX and the Sent folder."""
    from agent.sources.base import SENT

    roles = {f.name: f.roles for f in source.folders()}
    wanted = list(configured)
    if not wanted:
        wanted = ["INBOX"]
        sent = source.folder_for_role(SENT)
        if sent is not None:
            wanted.append(sent.name)
    out = []
    # Sent first: replies in INBOX are recognised by the user's own messages they answer.
    wanted.sort(key=lambda name: 0 if "sent" in roles.get(name, frozenset()) else 1)
    for name in wanted:
        r = roles.get(name, frozenset())
        role = (
            "sent"
            if "sent" in r
            else "inbox"
            if name.upper() == "INBOX" or "inbox" in r
            else "other"
        )
        out.append((name, role))
    return out
