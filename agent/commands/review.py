"""``followup processes`` and ``followup show`` (``followup status`` is in ``status``).

These read the state database only (no mailbox, no analysis), so they start fast:
nothing here imports spaCy or dateparser. :class:`Review` builds the processes
from the stored messages and the user's corrections exactly as a scan does, and is
shared with the draft and correction commands.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import click

from agent import views
from agent.commands.coach import coaching_detail, print_coaching
from agent.commands.common import config_option, load, now_option, open_store, resolve_now
from agent.errors import UsageError
from agent.records import DraftRecord
from agent.tracker import Process


class Review:
    """The processes, drafts and next steps of every account, as of ``now``."""

    def __init__(self, config: Any, store: Any, now: datetime) -> None:
        from agent.analysis.calendar import BusinessCalendar
        from agent.employers import EmployerDirectory
        from agent.policy import load_policy
        from agent.rules import Rules

        self.config = config
        self.store = store
        self.now = now
        rules = Rules.load(config.rules_dir)
        self.policy = load_policy(rules)
        if config.max_drafts_per_pass != self.policy.max_drafts_per_pass:
            self.policy = replace(self.policy, max_drafts_per_pass=config.max_drafts_per_pass)
        self.calendar = BusinessCalendar(config.country)
        self.tz = ZoneInfo(config.timezone)
        self.directory = EmployerDirectory.from_rules(rules)
        self._views: dict[str, list[views.ProcessView]] | None = None
        self._drafts: list[DraftRecord] | None = None

    # -- processes, as a scan derives them ----------------------------------------------
    def processes_of(self, account: Any) -> list[Process]:
        from agent.tracker import build_processes

        # Processes added by hand belong to the first account (the one drafts go from).
        first = self.config.accounts[0].name
        return build_processes(
            self.store.tracked_messages(account.name),
            own_addresses={account.address.lower(), *(a.lower() for a in account.aliases)},
            directory=self.directory,
            overrides=self.store.overrides(),
            manual=self.store.manual_processes() if account.name == first else [],
            now=self.now,
        )

    @property
    def drafts(self) -> list[DraftRecord]:
        if self._drafts is None:
            self._drafts = self.store.drafts()
        return self._drafts

    def views_by_account(self) -> dict[str, list[views.ProcessView]]:
        if self._views is None:
            offers = self.store.offers()
            self._views = {}
            for account in self.config.accounts:
                processes = self.processes_of(account)
                drafts = [d for d in self.drafts if d.account == account.name]
                self._views[account.name] = views.board(
                    processes,
                    drafts,
                    now=self.now,
                    policy=self.policy,
                    calendar=self.calendar,
                    tz=self.tz,
                    offers=offers,
                )
        return self._views

    def views(self) -> list[views.ProcessView]:
        return [v for vs in self.views_by_account().values() for v in vs]

    def processes(self) -> list[Process]:
        return [v.process for v in self.views()]

    def pending_cancels(self) -> dict[str, str]:
        """Draft id -> why the next scan withdraws it."""
        return {k: r for v in self.views() for k, r in v.pending_cancels.items()}

    def process_for_draft(self, draft: DraftRecord) -> Process | None:
        for v in self.views_by_account().get(draft.account, []):
            if v.process.answers_to(draft.process_id):
                return v.process
        return None

    # -- finding things by id -----------------------------------------------------------
    def find_view(self, text: str) -> views.ProcessView:
        """The process whose id (or an older id of it) starts with ``text``."""
        all_views = self.views()
        needle = text.strip().lower()
        if not needle:
            raise UsageError(
                "a process id is needed", hint="list them with `followup processes --all`"
            )
        exact = [v for v in all_views if v.process.answers_to(needle)]
        if exact:
            return exact[0]
        found = [v for v in all_views if v.id.startswith(needle)]
        if not found:
            found = [v for v in all_views if any(a.startswith(needle) for a in v.process.aliases)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise UsageError(
                f"process id {text!r} is ambiguous: it starts {len(found)} ids",
                hint="use more characters: " + _list_processes(found),
            )
        raise UsageError(f"no process with id {text!r}", hint=_suggest(needle, all_views))

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
            ids = ", ".join(d.followup_id for d in found[:8])
            raise UsageError(f"draft id {text!r} is ambiguous", hint=f"use more characters: {ids}")
        ids = [d.followup_id for d in self.drafts]
        close = difflib.get_close_matches(needle, [i[: len(needle)] for i in ids], n=3, cutoff=0.5)
        near = [i for i in ids if i[: len(needle)] in close][:3]
        hint = f"did you mean {', '.join(near)}?" if near else "list them with `followup drafts`"
        raise UsageError(f"no draft with id {text!r}", hint=hint)


def _list_processes(found: Sequence[views.ProcessView]) -> str:
    shown = [f"{v.id} ({views.company_label(v.process)})" for v in found[:6]]
    more = f" and {len(found) - 6} more" if len(found) > 6 else ""
    return ", ".join(shown) + more


def _suggest(needle: str, all_views: Sequence[views.ProcessView]) -> str:
    """Close matches by id, or processes whose company or role contains the text."""
    ids = [v.id for v in all_views]
    close_ids = set(
        difflib.get_close_matches(needle, [i[: len(needle)] for i in ids], n=3, cutoff=0.6)
    )
    matches = [v for v in all_views if v.id[: len(needle)] in close_ids]
    words = [
        v
        for v in all_views
        if needle in (v.process.company or "").lower() or needle in (v.process.role or "").lower()
    ]
    matches += [v for v in words if v not in matches]
    if matches:
        return "did you mean " + _list_processes(matches) + "?"
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
        shown = [v for v in review.views() if show_all or v.active]
    tz = review.tz
    if as_json:
        click.echo(json.dumps([views.process_json(v, tz) for v in shown], ensure_ascii=False))
        return
    if not shown:
        click.echo("No active processes." if not show_all else "No processes yet.")
        if not show_all:
            click.echo("Closed ones: `followup processes --all`. Missing one? `followup add`.")
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    narrow = console.width < 110  # the role goes under the company
    table = Table(
        box=None,
        padding=(0, 1),
        header_style="bold",
        title=None if show_all else "Active hiring processes",
    )
    table.add_column("id", no_wrap=True)
    table.add_column("company", ratio=3, min_width=10)
    if not narrow:
        table.add_column("role", ratio=3, min_width=6)
    table.add_column("state", ratio=2, min_width=8)
    table.add_column("rnd", justify="right", no_wrap=True)
    table.add_column("last", no_wrap=True)
    table.add_column("promised", no_wrap=True)
    table.add_column("next", ratio=4, min_width=14)
    for v in shown:
        cells = [Text(cell) for cell in views.process_row(v, tz, now)]  # mail text is never markup
        if narrow:
            company, role = cells.pop(1), cells.pop(1)
            cells.insert(1, Text.assemble(company, "\n", (role.plain, "dim")) if role else company)
        table.add_row(*cells)
    console.print(table)


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
        pending = review.pending_cancels()
        tz = review.tz
        data = views.process_detail_json(view, tz, pending)
        data.update(coaching_detail(config, store, view, now, tz))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    _print_detail(view, data, tz, now)
    print_coaching(config, data, view.process, tz, now)


def _next_sentence(view: views.ProcessView, tz: ZoneInfo, now: datetime) -> str:
    label = views.action_label(view.next_action)
    due = views.when(view.next_due_at, tz, now)
    if view.next_status == "due":
        return f"{label} due {due}; the next scan writes the draft ({view.next_reason})"
    if view.next_status == "scheduled":
        return f"{label} on {due} ({view.next_reason})"
    if view.next_status == "draft_ready":
        return f"{label}: {view.next_reason}"
    return view.next_reason or "nothing"


def _print_detail(
    view: views.ProcessView, data: dict[str, Any], tz: ZoneInfo, now: datetime
) -> None:
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
    echo(f"Next: {_next_sentence(view, tz, now)}")
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
                f"  {d['id']}  {views.action_label(d['action'])}  {d['state'].replace('_', ' ')}  due {due}  to {d['to'] or '(no recipient)'}"
            )
            if d["note"]:
                echo(f"      note: {d['note']}")
            if d["pending_cancel"]:
                echo(f"      the next scan withdraws it: {d['pending_cancel']}")
