"""What the tracker derives, kept: every process with its next step, up to date.

Deriving every process from every stored record (``agent.tracker``) and planning each
one's next step (``agent.policy``) grows with a year of mail, so each account's
processes are kept in the state database (``kept_processes``: per process its
messages, what ``followup processes`` shows and what the next pass does), with what
they were derived from (``kept_accounts``):

* ``version``: the last change to the records taken in. Triggers log every change to
  job mail, drafts and the user's corrections (``kept_changes``), so no writer can
  forget to; a refresh re-derives only what the changes since touch. New mail or a
  process added by hand regroups the account and re-derives the processes whose
  messages changed; a draft re-plans its process; a correction its process; a
  competing offer every process.
* ``fingerprint``: the rules and settings derivation reads (policy.toml, ats.toml,
  employers.toml, the time zone, country and addresses) and the code that derives.
  When it differs, everything is derived again from the records.
* per process ``changes_at``: the first moment time alone changes the process or its
  next step (a due time, an interview's hour, a snooze's end, a lapsing window); from
  then on it is derived again. A ``now`` before the state was derived gets a full
  derivation; one in another zone re-derives the processes that read it.

So what is kept equals a full derivation at every ``now`` (``tests/store/test_kept_state.py``).
A pass (and a correction) refreshes and saves it; the review commands read it and
re-derive in memory only what changed since.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from agent.records import CompetingOffer, DraftRecord, ManualProcess, ProcessOverride
from agent.store import codec

# Bump when what is kept, or how it is derived, changes without the files below changing.
KEPT_FORMAT = "1"
_PACKAGE = Path(__file__).resolve().parent
_DERIVING = (
    "kept.py",
    "pipeline/engine.py",
    "tracker.py",
    "policy.py",
    "board.py",
    "views.py",
    "parties.py",
    "subjects.py",
    "records.py",
    "store/codec.py",
    "analysis/calendar.py",
)
_RULES = ("policy.toml", "ats.toml", "employers.toml")
_ROW_COLUMNS = (
    "process_id",
    "position",
    "state",
    "active",
    "company",
    "agency",
    "role",
    "next_status",
    "next_action",
    "next_due_at",
)


def zone_of(now: datetime) -> str:
    """The zone ``now`` is given in (the tracker dates a lapsing window in it)."""
    tz = now.tzinfo
    return str(getattr(tz, "key", None) or tz)


def fingerprint(config: Any, rules: Any) -> str:
    """Changes when anything derivation reads besides the records changes: the rules
    and settings below and the code that derives."""
    digest = hashlib.sha256(KEPT_FORMAT.encode())
    for name in _DERIVING:
        digest.update(name.encode() + b"\0" + (_PACKAGE / name).read_bytes())
    holidays = importlib.util.find_spec("holidays")
    if holidays is not None and holidays.origin:
        version = Path(holidays.origin).with_name("version.py")
        digest.update(version.read_bytes() if version.is_file() else holidays.origin.encode())
    for name in _RULES:
        digest.update(name.encode() + b"\0" + (rules.data(name) if rules.has(name) else b"-"))
    c = config
    settings = {
        "timezone": c.timezone,
        "country": c.country,
        "languages": list(c.languages),  # with no country, the first one's holidays count
        "max_drafts_per_pass": c.max_drafts_per_pass,
        "accounts": [
            [a.name, a.address.lower(), sorted(x.lower() for x in a.aliases)] for a in c.accounts
        ],
    }
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:32]


@dataclass
class Row:
    """One kept process as the status line reads it."""

    process_id: str
    position: int
    state: str  # as shown: the tracker's state, or "ghosted"
    active: bool
    company: str | None
    agency: str | None
    role: str | None
    next_status: str
    next_action: str | None
    next_due_at: datetime | None

    @property
    def id(self) -> str:
        return self.process_id


@dataclass
class _Inputs:
    """The records a derivation reads, loaded once per refresh and only when needed."""

    overrides: dict[str, ProcessOverride]
    manual: dict[str, ManualProcess]
    offers: list[CompetingOffer]
    known_ids: set[str]
    messages: dict[str, Any] = field(default_factory=dict)


class Board:
    """One account's processes and their next steps at ``now`` (see :func:`refresh`)."""

    def __init__(self, store: Any, engine: Any, account: Any, now: datetime) -> None:
        self.store = store
        self.engine = engine
        self.account = account
        self.now = now
        self.memberships: dict[str, Any] = {}  # process id -> Membership, where known
        self.fresh: dict[str, Any] = {}  # process id -> ProcessView derived in this refresh
        self.order: list[str] | None = None  # every process id in order, when regrouped
        self.removed: set[str] = set()
        self.rebuilt = False
        self._inputs: _Inputs | None = None
        self._ids: set[str] | None = None
        self._rank: dict[str, int] | None = None

    # -- reading ------------------------------------------------------------------------

    def rows(self) -> list[Row]:
        """Every process, in order, fresh at ``now``."""
        if self.rebuilt:
            return [_row_of(self.fresh[pid], n) for n, pid in enumerate(self._order())]
        kept = self.store.kept_rows(self.account.name, _ROW_COLUMNS)
        out = {r["process_id"]: _row_from(r) for r in kept if r["process_id"] not in self.removed}
        for pid, view in self.fresh.items():
            out[pid] = _row_of(view, out[pid].position if pid in out else len(out))
        ordered = self._ordered(out)
        for n, row in enumerate(ordered):
            row.position = n
        return ordered

    def json_rows(self, *, interviewed_since: datetime | None = None) -> list[dict[str, Any]]:
        """``views.process_json`` of every process, in order. With ``interviewed_since``,
        only of those whose interview was held on that day or later: the kept ones are
        chosen in SQL (a day early, whatever the offsets), so the rest are never decoded."""
        if self.rebuilt:
            rows = [_view_json(self.fresh[pid], self.engine.tz) for pid in self._order()]
        else:
            rows = self._kept_json_rows(interviewed_since)
        if interviewed_since is None:
            return rows
        return [
            d
            for d in rows
            if d["interview_held"]
            and d["interview_at"]
            and datetime.fromisoformat(d["interview_at"]) >= interviewed_since
        ]

    def _kept_json_rows(self, interviewed_since: datetime | None) -> list[dict[str, Any]]:
        where = ""
        params: tuple[str, ...] = ()
        if interviewed_since is not None:
            where = (
                "json_extract(view_json, '$.interview_held') "
                "AND substr(json_extract(view_json, '$.interview_at'), 1, 10) >= ?"
            )
            params = ((interviewed_since.date() - timedelta(days=1)).isoformat(),)
        kept = self.store.kept_rows(
            self.account.name, ("process_id", "position", "view_json"), where=where, params=params
        )
        out: dict[str, Any] = {
            r["process_id"]: (r["position"], r["view_json"])
            for r in kept
            if r["process_id"] not in self.removed
        }
        for pid, view in self.fresh.items():
            # A process derived again may be one the filter left out: its place is its own,
            # not the end of what the filter chose.
            out[pid] = (out[pid][0] if pid in out else self._position(pid), view)
        ranked = self._ordered(out)
        return [
            _view_json(v, self.engine.tz) if not isinstance(v, str) else json.loads(v)
            for _, v in ranked
        ]

    def plans(self) -> list[Any]:
        """The plan of every process that has something to do, in process order."""
        if self.rebuilt:
            return [self.fresh[pid].plan for pid in self._order()]
        kept = self.store.kept_rows(
            self.account.name,
            ("process_id", "position", "plan_json", "ghost_reason", "ghost_since"),
            where="plan_json IS NOT NULL OR ghost_reason IS NOT NULL",
        )
        rank = {pid: n for n, pid in enumerate(self.order)} if self.order is not None else None
        out: dict[str, Any] = {}
        for r in kept:
            pid = r["process_id"]
            if pid in self.removed or pid in self.fresh:
                continue
            out[pid] = (r["position"] if rank is None else rank[pid], r)
        for pid, view in self.fresh.items():
            out[pid] = (self._position(pid), view.plan)
        ordered = sorted(out.values(), key=lambda pv: pv[0])
        return [v if not isinstance(v, sqlite3.Row) else _plan_from(v) for _, v in ordered]

    def ids_and_aliases(self) -> list[tuple[str, frozenset[str]]]:
        """Every process id with its older ids, in order (for finding one by id)."""
        if self.rebuilt:
            return [(pid, self.fresh[pid].process.aliases) for pid in self._order()]
        kept = self.store.kept_rows(self.account.name, ("process_id", "position", "aliases_json"))
        out: dict[str, Any] = {
            r["process_id"]: (r["position"], frozenset(json.loads(r["aliases_json"])))
            for r in kept
            if r["process_id"] not in self.removed
        }
        for pid, view in self.fresh.items():
            out[pid] = (out[pid][0] if pid in out else len(out), view.process.aliases)
        return [(pid, aliases) for pid, (_, aliases) in self._ordered_items(out)]

    def view(self, process_id: str) -> Any:
        """The full view (process, plan, drafts) of one process, derived if need be."""
        if process_id not in self.fresh:
            membership = self.memberships.get(process_id)
            if membership is None:
                membership = self._kept_memberships([process_id])[process_id]
            self._derive([membership])
        return self.fresh[process_id]

    def views(self) -> list[Any]:
        """Every process's full view, in order (derives every one not derived yet)."""
        order = [pid for pid, _ in self.ids_and_aliases()]
        missing = [pid for pid in order if pid not in self.fresh]
        if missing:
            kept = self._kept_memberships(missing)
            self._derive([self.memberships.get(pid) or kept[pid] for pid in missing])
        return [self.fresh[pid] for pid in order]

    def next_wake(self) -> tuple[datetime | None, str | None]:
        """The first due time after ``now`` of any process's outlook, with its action (of
        two at one time, the earlier process's)."""
        now = self.now
        found: list[tuple[datetime, int, str | None]] = []
        if not self.rebuilt:
            kept = self.store.kept_rows(
                self.account.name,
                ("process_id", "position", "wake_at", "wake_action"),
                where="wake_at > ?",
                params=(codec.ts(now),),
            )
            rank = {pid: n for n, pid in enumerate(self.order)} if self.order is not None else None
            for r in kept:
                pid = r["process_id"]
                if pid not in self.removed and pid not in self.fresh:
                    at = codec.parse_ts(r["wake_at"])
                    assert at is not None
                    found.append(
                        (at, r["position"] if rank is None else rank[pid], r["wake_action"])
                    )
        for pid, view in self.fresh.items():
            look = view.plan.outlook
            if look.due_at is not None and look.due_at > now:
                found.append((look.due_at, self._position(pid), look.action))
        if not found:
            return None, None
        at, _, action = min(found, key=lambda f: (f[0], f[1]))
        return at, action

    def __len__(self) -> int:
        if self.rebuilt or self.order is not None:
            return len(self._order())
        return self.store.kept_count(self.account.name)  # without new mail, the same processes

    # -- deriving -----------------------------------------------------------------------

    def inputs(self) -> _Inputs:
        if self._inputs is None:
            store, account = self.store, self.account
            manual = store.manual_processes() if self.engine.takes_manual(account) else []
            self._inputs = _Inputs(
                overrides=store.overrides(),
                manual={m.process_id: m for m in manual},
                offers=store.offers(),
                known_ids=store.draft_ids(account.name),
            )
        return self._inputs

    def _derive(self, memberships: Sequence[Any]) -> None:
        """Derive the processes of ``memberships`` and plan their next steps."""
        if not memberships:
            return
        from agent.board import process_view
        from agent.policy import plan_process
        from agent.tracker import derive_process, short_hash

        d, account, inputs = self.engine, self.account, self.inputs()
        wanted = [i for m in memberships for i in m.message_ids if i not in inputs.messages]
        if wanted:
            inputs.messages.update(self.store.tracked_by_id(account.name, wanted))
        processes = []
        for m in memberships:
            process = derive_process(
                [inputs.messages[i] for i in m.message_ids],
                account=m.account,
                manual=inputs.manual.get(m.manual_id) if m.manual_id else None,
                own_addresses=d.own_addresses(account),
                parties=d.parties,
                overrides=inputs.overrides,
                now=self.now,
            )
            if not process.account:
                process.account = account.name
            expected = m.manual_id or short_hash(m.message_ids[0])
            assert process.id == expected, (process.id, expected)
            self.memberships[process.id] = m
            processes.append(process)
        keys = [k for p in processes for k in (p.id, *p.aliases)]
        drafts = self.store.drafts_of(account.name, keys)
        ids = self._all_ids()
        for p in processes:
            mine = [
                x
                for x in drafts
                if x.process_id == p.id or (x.process_id in p.aliases and x.process_id not in ids)
            ]
            plan = plan_process(
                p,
                mine,
                known_ids=inputs.known_ids,
                now=self.now,
                policy=d.policy,
                calendar=d.calendar,
                tz=d.tz,
                offers=inputs.offers,
            )
            self.fresh[p.id] = process_view(p, plan, mine, now=self.now, policy=d.policy, tz=d.tz)

    def _all_ids(self) -> set[str]:
        if self._ids is None:
            if self.order is not None:
                self._ids = set(self.order)
            else:
                kept = self.store.kept_rows(self.account.name, ("process_id",))
                self._ids = {r["process_id"] for r in kept} - self.removed
        return self._ids

    def _kept_memberships(self, process_ids: Iterable[str]) -> dict[str, Any]:
        from agent.tracker import Membership

        wanted = list(process_ids)
        out: dict[str, Any] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.store.kept_rows(
                self.account.name,
                ("process_id", "members_json", "manual_id"),
                where=f"process_id IN ({','.join('?' * len(chunk))})",
                params=chunk,
            )
            for r in rows:
                members = json.loads(r["members_json"])
                out[r["process_id"]] = Membership(members[0], tuple(members[1:]), r["manual_id"])
        missing = set(wanted) - set(out)
        if missing:
            raise KeyError(f"no kept process {sorted(missing)[0]}")
        return out

    # -- order ----------------------------------------------------------------------------

    def _order(self) -> list[str]:
        assert self.order is not None
        return self.order

    def _position(self, pid: str) -> int:
        if self.order is not None:
            if self._rank is None or len(self._rank) != len(self.order):
                self._rank = {p: n for n, p in enumerate(self.order)}
            return self._rank[pid]
        kept = self.store.kept_rows(self.account.name, ("position",), where="process_id = ?",
                                    params=(pid,))  # fmt: skip
        return kept[0]["position"] if kept else 1 << 40

    def _ordered(self, by_id: dict[str, Any]) -> list[Any]:
        return [v for _, v in self._ordered_items(by_id)]

    def _ordered_items(self, by_id: dict[str, Any]) -> list[tuple[str, Any]]:
        if self.order is not None:
            return [(pid, by_id[pid]) for pid in self.order if pid in by_id]

        def position(item: tuple[str, Any]) -> int:
            value = item[1]
            return value.position if isinstance(value, Row) else value[0]

        return sorted(by_id.items(), key=position)


def refresh(store: Any, engine: Any, account: Any, now: datetime, *, save: bool) -> Board:
    """``account``'s processes and next steps at ``now``: what is kept, with what changed
    since derived again; saved back when ``save`` (a pass, a correction)."""
    board = Board(store, engine, account, now)
    name = account.name
    changes: list[tuple[str, str | None, str | None]] = []
    with store.reading():  # the records and the version they are at, as of one moment
        version = store.kept_version()
        head = store.kept_head(name)
        usable = (
            head is not None
            and head["fingerprint"] == engine.fingerprint
            and head["computed_at"] <= now
        )
        if not usable:
            _rebuild(board)
        else:
            assert head is not None
            changes = store.kept_changes(name, head["version"])
            _catch_up(board, changes, rezone=head["zone"] != zone_of(now))
    if save and (not usable or changes or board.fresh or board.removed):
        _save(board, version, everything=not usable)
    return board


def rebuild(store: Any, engine: Any, account: Any, now: datetime, *, save: bool) -> Board:
    """Every process of ``account`` derived from the records (``followup doctor --rebuild``)."""
    board = Board(store, engine, account, now)
    with store.reading():
        version = store.kept_version()
        _rebuild(board)
    if save:
        _save(board, version, everything=True)
    return board


def _memberships(board: Board) -> list[Any]:
    from agent.tracker import group_processes

    d, account, inputs = board.engine, board.account, board.inputs()
    messages = board.store.tracked_messages(account.name)
    inputs.messages = {m.message_id: m for m in messages}
    return group_processes(
        messages,
        own_addresses=d.own_addresses(account),
        parties=d.parties,
        manual=list(inputs.manual.values()),
    )


def _pid(membership: Any) -> str:
    from agent.tracker import short_hash

    return membership.manual_id or short_hash(membership.message_ids[0])


def _rebuild(board: Board) -> None:
    memberships = _memberships(board)
    board.order = [_pid(m) for m in memberships]
    board._derive(memberships)
    board.rebuilt = True


def _catch_up(
    board: Board, changes: list[tuple[str, str | None, str | None]], *, rezone: bool = False
) -> None:
    """Re-derive what ``changes`` and the time since touch (and, when ``now`` is given in
    another zone than before, the processes whose derivation reads the zone)."""
    store, name, now = board.store, board.account.name, board.now
    regroup = any(what in ("message", "manual") for what, _, _ in changes)
    offers = any(what == "offer" for what, _, _ in changes)
    dirty: set[str] = set()
    if regroup:
        memberships = _memberships(board)
        kept = {
            r["process_id"]: (json.loads(r["members_json"]), r["manual_id"])
            for r in store.kept_rows(name, ("process_id", "members_json", "manual_id"))
        }
        board.order = [_pid(m) for m in memberships]
        changed = {key for what, key, _ in changes if what in ("message", "manual")}
        for pid, m in zip(board.order, memberships, strict=True):
            board.memberships[pid] = m
            if kept.get(pid) != ([m.account, *m.message_ids], m.manual_id):
                dirty.add(pid)
            elif m.manual_id in changed or changed.intersection(m.message_ids):
                dirty.add(pid)  # the same records, but one of them says something new
        board.removed = set(kept) - set(board.order)
    keys = [(what, key, extra) for what, key, extra in changes if what in ("override", "draft")]
    if offers:
        dirty |= {r["process_id"] for r in store.kept_rows(name, ("process_id",))}
    elif keys:
        dirty |= _touched(store, name, keys)
    stale = store.kept_rows(
        name, ("process_id",), where="changes_at IS NOT NULL AND changes_at <= ?",
        params=(codec.ts(now),),
    )  # fmt: skip
    dirty |= {r["process_id"] for r in stale}
    if rezone:
        dirty |= {r["process_id"] for r in store.kept_rows(name, ("process_id",), where="zoned")}
    dirty -= board.removed
    known = set(board.memberships)
    needed = [pid for pid in dirty if pid not in known]
    found = board._kept_memberships(needed) if needed else {}
    board._derive([board.memberships.get(pid) or found[pid] for pid in sorted(dirty)])


def _touched(store: Any, account: str, keys: list[tuple[str, str | None, str | None]]) -> set[str]:
    """The processes an override or a draft filed under these keys belongs to, and, for a
    new draft, any process whose due follow-up has its id (it is never created twice)."""
    touched: set[str] = set()
    for what, key, extra in keys:
        clauses = ["process_id = ?", "instr(aliases_json, ?) > 0"]
        params: list[Any] = [key, json.dumps(key)]
        if what == "draft" and extra:
            clauses.append("instr(plan_json, ?) > 0")
            params.append(json.dumps(extra))
        rows = store.kept_rows(account, ("process_id",), where=" OR ".join(clauses), params=params)
        touched |= {r["process_id"] for r in rows}
    return touched


def _save(board: Board, version: int, *, everything: bool) -> None:
    """Keep what ``board`` derived (saving is skipped when newer is kept already)."""
    tz = board.engine.tz
    rows = []
    for pid, view in board.fresh.items():
        m = board.memberships[pid]
        rows.append(_kept_row(view, m, board._position(pid), tz))
    positions = None
    if board.order is not None and not everything:
        positions = {pid: n for n, pid in enumerate(board.order) if pid not in board.fresh}
    head = {
        "fingerprint": board.engine.fingerprint,
        "version": version,
        "computed_at": board.now,
        "zone": zone_of(board.now),
    }
    board.store.save_kept(
        board.account.name,
        head,
        rows,
        removed=board.removed,
        positions=positions,
        everything=everything,
        accounts=[a.name for a in board.engine.config.accounts],
    )


# -- rows and their JSON ----------------------------------------------------------------


def _view_json(view: Any, tz: ZoneInfo) -> dict[str, Any]:
    from agent.views import process_json

    return process_json(view, tz)


def _row_of(view: Any, position: int) -> Row:
    p = view.process
    return Row(
        p.id,
        position,
        view.state,
        view.active,
        p.company,
        p.agency,
        p.role,
        view.next_status,
        view.next_action,
        view.next_due_at,
    )


def _row_from(r: Any) -> Row:
    return Row(
        r["process_id"],
        r["position"],
        r["state"],
        bool(r["active"]),
        r["company"],
        r["agency"],
        r["role"],
        r["next_status"],
        r["next_action"],
        codec.parse_ts(r["next_due_at"]),
    )


def _kept_row(view: Any, membership: Any, position: int, tz: ZoneInfo) -> dict[str, Any]:
    p, plan = view.process, view.plan
    look = plan.outlook
    return {
        "process_id": p.id,
        "position": position,
        "members_json": codec.dump([membership.account, *membership.message_ids]),
        "manual_id": membership.manual_id,
        "aliases_json": codec.dump(sorted(p.aliases)),
        "state": view.state,
        "active": int(view.active),
        "company": p.company,
        "agency": p.agency,
        "role": p.role,
        "next_status": view.next_status,
        "next_action": view.next_action,
        "next_due_at": codec.opt_ts(view.next_due_at),
        "wake_at": codec.opt_ts(look.due_at),
        "wake_action": look.action,
        "changes_at": codec.opt_ts(view.changes_at),
        "zoned": int(_zoned(p)),
        "view_json": codec.dump(_view_json(view, tz)),
        "plan_json": _plan_json(plan),
        "ghost_reason": plan.ghost.reason if plan.ghost else None,
        "ghost_since": plan.ghost.since.isoformat() if plan.ghost else None,
    }


def _zoned(process: Any) -> bool:
    """Does deriving ``process`` read the zone ``now`` is given in? A window whose silence
    is the answer lapses at midnight there."""
    from agent.records import SILENCE_MEANS_NO

    return any(ev.condition == SILENCE_MEANS_NO for m in process.messages for ev in m.evidence)


def _plan_json(plan: Any) -> str | None:
    """The actions of a plan but ghosting (kept in columns of its own: many processes
    are ghosted, each pass says so) as JSON; None when it has none."""
    if not (plan.cancels or plan.flags or plan.create or plan.offer_cancels):
        return None
    return codec.dump(
        {
            "process_id": plan.process_id,
            "cancels": [_fields(c) for c in plan.cancels],
            "flags": [_fields(f) for f in plan.flags],
            "create": _fields(plan.create) if plan.create else None,
            "offer_cancels": [_fields(c) for c in plan.offer_cancels],
            "offer_rank": plan.offer_rank,
        }
    )


def _fields(action: Any) -> dict[str, Any]:
    from dataclasses import fields

    out: dict[str, Any] = {}
    for f in fields(action):
        value = getattr(action, f.name)
        if isinstance(value, datetime):
            value = {"at": value.isoformat()}
        elif isinstance(value, date):
            value = {"day": value.isoformat()}
        out[f.name] = value
    return out


def _values(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in data.items():
        if isinstance(value, dict) and "at" in value:
            value = datetime.fromisoformat(value["at"])
        elif isinstance(value, dict) and "day" in value:
            value = date.fromisoformat(value["day"])
        out[key] = value
    return out


def _plan_from(row: sqlite3.Row) -> Any:
    """A process's plan from its kept row (its outlook is not kept: see ``view_json``)."""
    from agent.policy import CancelDraft, CreateDraft, FlagDraft, MarkGhosted, Outlook, ProcessPlan

    pid = row["process_id"]
    ghost = None
    if row["ghost_reason"] is not None:
        ghost = MarkGhosted(pid, row["ghost_reason"], datetime.fromisoformat(row["ghost_since"]))
    outlook = Outlook(pid, "", None, None, 0, "")
    if row["plan_json"] is None:
        return ProcessPlan(pid, outlook, ghost=ghost)
    data = json.loads(row["plan_json"])
    return ProcessPlan(
        process_id=pid,
        outlook=outlook,
        cancels=tuple(CancelDraft(**_values(c)) for c in data["cancels"]),
        flags=tuple(FlagDraft(**_values(f)) for f in data["flags"]),
        ghost=ghost,
        create=CreateDraft(**_values(data["create"])) if data["create"] else None,
        offer_cancels=tuple(CancelDraft(**_values(c)) for c in data["offer_cancels"]),
        offer_rank=data["offer_rank"],
    )


def drafts_by_owner(board: Board, drafts: Iterable[DraftRecord]) -> dict[str, str]:
    """Draft id -> the id of the process it belongs to (filed under its id or an older one)."""
    owner: dict[str, str] = {}
    for pid, aliases in board.ids_and_aliases():
        for alias in aliases:
            owner.setdefault(alias, pid)
        owner[pid] = pid
    return {d.followup_id: owner[d.process_id] for d in drafts if d.process_id in owner}
