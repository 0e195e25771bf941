"""``followup processes`` and ``followup show`` (``followup status`` is in ``status``).

These read the state database only (no mailbox, no analysis), so they start fast:
nothing here imports spaCy or dateparser, and the tracker and policy only when a
process must be derived again. :class:`Review` reads the processes the passes keep
(``agent.kept``), derives in memory what changed since exactly as a scan does, and is
shared with the draft and correction commands.
"""

from __future__ import annotations

import json
import logging
import shutil
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from agent import views
from agent.board import ProcessView, action_label
from agent.commands.common import config_option, load, now_option, open_store, resolve_now
from agent.errors import UsageError
from agent.records import DraftRecord

if TYPE_CHECKING:
    from agent.tracker import Process

log = logging.getLogger(__name__)


class Review:
    """The processes, drafts and next steps of every account, as of ``now``: what the
    passes keep (``agent.kept``), with what changed since derived again in memory."""

    def __init__(self, config: Any, store: Any, now: datetime) -> None:
        from agent.pipeline.engine import Engine

        self.config = config
        self.store = store
        self.now = now
        self.engine = Engine(config)
        self.tz = self.engine.tz
        self._boards: dict[str, Any] | None = None
        self._drafts: list[DraftRecord] | None = None

    @property
    def policy(self) -> Any:
        return self.engine.policy

    def boards(self) -> dict[str, Any]:
        """Account name -> its :class:`agent.kept.Board`."""
        if self._boards is None:
            from agent.kept import refresh

            self._boards = {
                a.name: refresh(self.store, self.engine, a, self.now, save=False)
                for a in self.config.accounts
            }
        return self._boards

    def keep(self) -> None:
        """Derive what changed (a correction was just stored) and keep it. The
        correction is stored already: when the database is busy (a scan is writing),
        what changed is derived again on the next read instead."""
        from agent.errors import StateError
        from agent.kept import refresh

        try:
            self._boards = {
                a.name: refresh(self.store, self.engine, a, self.now, save=True)
                for a in self.config.accounts
            }
        except StateError as exc:
            self._boards = None
            log.info("processes not kept after the correction: %s", exc)

    @property
    def drafts(self) -> list[DraftRecord]:
        if self._drafts is None:
            self._drafts = self.store.drafts()
        return self._drafts

    # -- every process --------------------------------------------------------------------
    def rows(self) -> list[Any]:
        """Every process as the status line reads it (``agent.kept.Row``), in order."""
        return [r for board in self.boards().values() for r in board.rows()]

    def json_rows(self) -> list[dict[str, Any]]:
        """``followup processes --json`` of every process, in order."""
        return [d for board in self.boards().values() for d in board.json_rows()]

    def views_by_account(self) -> dict[str, list[ProcessView]]:
        return {name: board.views() for name, board in self.boards().items()}

    def views(self) -> list[ProcessView]:
        return [v for vs in self.views_by_account().values() for v in vs]

    def processes(self) -> list[Process]:
        return [v.process for v in self.views()]

    def pending_cancels(self) -> dict[str, str]:
        """Draft id -> why the next scan withdraws it."""
        return {
            c.followup_id: c.reason
            for board in self.boards().values()
            for plan in board.plans()
            for c in (*plan.cancels, *plan.offer_cancels)
        }

    def process_for_draft(self, draft: DraftRecord) -> Process | None:
        board = self.boards().get(draft.account)
        if board is None:
            return None
        for pid, aliases in board.ids_and_aliases():
            if draft.process_id == pid or draft.process_id in aliases:
                return board.view(pid).process
        return None

    # -- finding things by id -----------------------------------------------------------
    def _index(self) -> list[tuple[Any, str, frozenset[str]]]:
        return [
            (board, pid, aliases)
            for board in self.boards().values()
            for pid, aliases in board.ids_and_aliases()
        ]

    def find_view(self, text: str) -> ProcessView:
        """The process whose id (or an older id of it) starts with ``text``."""
        index = self._index()
        needle = text.strip().lower()
        if not needle:
            raise UsageError(
                "a process id is needed", hint="list them with `followup processes --all`"
            )
        exact = [(b, pid) for b, pid, aliases in index if needle == pid or needle in aliases]
        if exact:
            board, pid = exact[0]
            return board.view(pid)
        found = [(b, pid) for b, pid, _ in index if pid.startswith(needle)]
        if not found:
            found = [
                (b, pid) for b, pid, aliases in index if any(a.startswith(needle) for a in aliases)
            ]
        if len(found) == 1:
            board, pid = found[0]
            return board.view(pid)
        if len(found) > 1:
            shown = [b.view(pid) for b, pid in found[:6]]
            raise UsageError(
                f"process id {text!r} is ambiguous: it starts {len(found)} ids",
                hint="use more characters: " + _list_processes(shown, len(found)),
            )
        raise UsageError(f"no process with id {text!r}", hint=_suggest(needle, self.rows()))

    def find_process(self, text: str) -> Process:
        return self.find_view(text).process

    def find_draft(self, text: str) -> DraftRecord:
        needle = text.strip().lower()
        if not needle:
            raise UsageError("a draft id is needed", hint="list them with `followup drafts`")
        found = [d for d in self.drafts if d.followup_id.startswith(needle)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            listed = ", ".join(d.followup_id for d in found[:8])
            raise UsageError(
                f"draft id {text!r} is ambiguous", hint=f"use more characters: {listed}"
            )
        ids = [d.followup_id for d in self.drafts]
        import difflib

        close = difflib.get_close_matches(needle, [i[: len(needle)] for i in ids], n=3, cutoff=0.5)
        near = [i for i in ids if i[: len(needle)] in close][:3]
        hint = f"did you mean {', '.join(near)}?" if near else "list them with `followup drafts`"
        raise UsageError(f"no draft with id {text!r}", hint=hint)


def _list_processes(found: Sequence[ProcessView], total: int | None = None) -> str:
    shown = [f"{v.id} ({views.company_label(v.process)})" for v in found[:6]]
    total = len(found) if total is None else total
    more = f" and {total - 6} more" if total > 6 else ""
    return ", ".join(shown) + more


def _suggest(needle: str, rows: Sequence[Any]) -> str:
    """Close matches by id, or processes whose company or role contains the text."""
    import difflib

    ids = [r.process_id for r in rows]
    close_ids = set(
        difflib.get_close_matches(needle, [i[: len(needle)] for i in ids], n=3, cutoff=0.6)
    )
    matches = [r for r in rows if r.process_id[: len(needle)] in close_ids]
    words = [
        r for r in rows if needle in (r.company or "").lower() or needle in (r.role or "").lower()
    ]
    matches += [r for r in words if r not in matches]
    if matches:
        shown = [f"{r.process_id} ({r.company or r.agency or '?'})" for r in matches[:6]]
        more = f" and {len(matches) - 6} more" if len(matches) > 6 else ""
        return "did you mean " + ", ".join(shown) + more + "?"
    return "list them with `followup processes --all`"


# -- processes ---------------------------------------------------------------------------


@click.command("processes")
@config_option
@now_option
@click.option(
    "--all", "show_all", is_flag=True, help="Include closed, rejected, ghosted and offer processes."
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print a JSON list (keys: see agent/views.py PROCESS_KEYS).",
)
def processes_command(
    config_path: str | None, now_text: str | None, show_all: bool, as_json: bool
) -> None:
    """List hiring processes: company, role, state, interview round, the last message,
    the date the employer promised an answer by, and the next follow-up with its due time.

    Without --all only active processes (applied, interviewing, awaiting decision) are listed.
    """
    config = load(config_path)
    now = resolve_now(now_text, config.timezone)
    with open_store(config) as store:
        review = Review(config, store, now)
        shown = [d for d in review.json_rows() if show_all or d["active"]]
    tz = review.tz
    if as_json:
        click.echo(json.dumps(shown, ensure_ascii=False))
        return
    if not shown:
        click.echo("No active processes." if not show_all else "No processes yet.")
        if not show_all:
            click.echo("Closed ones: `followup processes --all`. Missing one? `followup add`.")
        return
    width = shutil.get_terminal_size().columns
    narrow = width < 110  # the role goes under the company
    columns = [
        _Column("id", 0, 0),
        _Column("company", 3, 10),
        _Column("role", 3, 6),
        _Column("state", 2, 12),
        _Column("rnd", 0, 0, right=True),
        _Column("last", 0, 0),
        _Column("promised", 0, 0),
        _Column("next", 4, 14),
    ]
    rows: list[list[Any]] = [list(views.row_from_json(data, tz, now)) for data in shown]
    if narrow:
        del columns[2]
        for row in rows:
            role = row.pop(2)
            row[1] = [row[1], click.style(role, dim=True)] if role else row[1]
    if not show_all:
        click.echo(click.style("Active hiring processes".center(width).rstrip(), italic=True))
    click.echo("\n".join(_table(columns, rows, width)))


@dataclass(frozen=True)
class _Column:
    name: str
    ratio: int  # share of the width it gives up when the table is too wide (0: never)
    min_width: int
    right: bool = False


def _visible_len(text: str) -> int:
    """How many columns ``text`` takes on screen (without its colour codes)."""
    return len(click.unstyle(text)) if "\x1b" in text else len(text)


def _table(columns: Sequence[_Column], rows: Sequence[Sequence[Any]], width: int) -> list[str]:
    """A plain table: a bold header, then the rows; the columns that may shrink (by
    ratio, down to their least width) wrap their text when the table is too wide.
    A cell is a string, or a list of lines (the first wraps, the others do not)."""

    def lines_of(cell: Any) -> list[str]:
        return list(cell) if isinstance(cell, list) else [cell]

    natural = [
        max([len(c.name)] + [_visible_len(line) for r in rows for line in lines_of(r[n])])
        for n, c in enumerate(columns)
    ]
    widths = list(natural)
    excess = sum(widths) + 2 * len(columns) + 1 - width
    while excess > 0:  # the widest column that may shrink gives up one character
        room = [
            (widths[n] * c.ratio, n)
            for n, c in enumerate(columns)
            if c.ratio and widths[n] > c.min_width
        ]
        if not room:
            break
        widths[max(room)[1]] -= 1
        excess -= 1
    out = [
        " "
        + "  ".join(
            click.style(c.name.ljust(w), bold=True) for c, w in zip(columns, widths, strict=True)
        )
    ]
    for row in rows:
        cells = []
        for n, (c, w) in enumerate(zip(columns, widths, strict=True)):
            first, *rest = lines_of(row[n])
            wrapped = textwrap.wrap(first, w) if c.ratio and len(first) > w else [first]
            cells.append((wrapped or [""]) + rest)
        for k in range(max(len(cell) for cell in cells)):
            parts = []
            for c, w, cell in zip(columns, widths, cells, strict=True):
                text = cell[k] if k < len(cell) else ""
                pad = " " * max(0, w - _visible_len(text))
                parts.append(pad + text if c.right else text + pad)
            out.append((" " + "  ".join(parts)).rstrip())
    return out


# -- show --------------------------------------------------------------------------------


@click.command("show")
@config_option
@now_option
@click.argument("process_id", metavar="ID")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object (process keys plus promise, events, drafts, checklist, reflections).",
)
def show_command(
    config_path: str | None, now_text: str | None, process_id: str, as_json: bool
) -> None:
    """Show one process (ID may be a unique prefix): the timeline with the sentence
    behind each step, the promised date, the contact, the next follow-up and its drafts;
    before an interview a preparation checklist, after it your notes (`followup reflect`)."""
    config = load(config_path)
    now = resolve_now(now_text, config.timezone)
    with open_store(config) as store:
        review = Review(config, store, now)
        view = review.find_view(process_id)
        tz = review.tz
        data = views.process_detail_json(view, tz, view.pending_cancels)
        from agent.commands.coach import coaching_detail, print_coaching

        data.update(coaching_detail(config, store, view, now, tz))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    _print_detail(view, data, tz, now)
    print_coaching(config, data, view.process, tz, now)


def _print_detail(view: ProcessView, data: dict[str, Any], tz: ZoneInfo, now: datetime) -> None:
    p = view.process
    echo = click.echo
    title = views.company_label(p) + (f" — {p.role}" if p.role else "")
    echo(click.style(title, bold=True) + f"  [{p.id}, account {p.account}]")
    state = view.state.replace("_", " ")
    if p.closed_reason:
        state += f" ({p.closed_reason})"
    echo(
        f"State: {state}"
        + (f", interview round {p.round}" if p.round else "")
        + f", language {p.language}"
    )
    if p.agency:
        echo(f"Agency: {p.agency}")
    if p.contact:
        echo(f"Contact: {p.contact.name + ' ' if p.contact.name else ''}<{p.contact.address}>")
        if p.contact.phone:
            # A call with real questions often does more than another email.
            who = p.contact.name or "them"
            echo(f"  or call {who}: {p.contact.phone}")
    else:
        echo("Contact: none known (a follow-up would have no recipient)")
    if p.contact_note:
        echo(f"  {p.contact_note}")
    if p.interview_at:
        held = "held" if p.interview_held else "upcoming"
        echo(f"Interview: {views.when(p.interview_at, tz, now)} ({held})")
        if data.get("interview_place") or data.get("interview_link"):
            echo(f"  {' '.join(filter(None, (data['interview_place'], data['interview_link'])))}")
    promise = data["promise"]
    if promise:
        by = "you set it" if promise["source"] == "user" else "promised in their mail"
        echo(f"Answer promised by: {views.day_text(p.promised_by, now)} ({by})")
        if promise["sentence"]:
            echo(f'  "{promise["sentence"]}"')
    if p.snoozed_until:
        echo(f"Snoozed until: {views.day_text(p.snoozed_until, now)}")
    echo(f"Next: {views.next_sentence(view, tz, now)}")
    echo("")
    echo(click.style("Timeline", bold=True))
    for e in data["events"]:
        change = ""
        if e["state_to"] and e["state_to"] != e["state_from"]:
            before = (e["state_from"] or "—").replace("_", " ")
            change = f"  [{before} → {e['state_to'].replace('_', ' ')}]"
        at = views.when(datetime.fromisoformat(e["at"]), tz, now)
        echo(f"  {at}  {e['summary']}{change}")
        if e["from"] or e["subject"]:
            echo(f"      from {e['from'] or '?'}: {e['subject'] or ''}")
        if e["sentence"]:
            echo(f'      "{e["sentence"]}"')
    if data["drafts"]:
        echo("")
        echo(click.style("Drafts", bold=True))
        for d in data["drafts"]:
            due = views.when(datetime.fromisoformat(d["due_at"]), tz, now)
            echo(
                f"  {d['id']}  {action_label(d['action'])}  {d['state'].replace('_', ' ')}  due {due}  to {d['to'] or '(no recipient)'}"
            )
            if d["note"]:
                echo(f"      note: {d['note']}")
            if d["pending_cancel"]:
                echo(f"      the next scan withdraws it: {d['pending_cancel']}")
