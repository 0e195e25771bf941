"""``followup status``, ``followup processes`` and ``followup show``.

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
from agent.commands.common import config_option, load, now_option, open_store, resolve_now
from agent.errors import UsageError
from agent.records import DRAFT_APPENDED, DRAFT_INTENT, DRAFT_USER_EDITED, DraftRecord
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


# -- status ------------------------------------------------------------------------------


def daemon_state(store: Any) -> dict[str, Any]:
    """Whether the background service runs, from the record it keeps in the database."""
    from agent.daemon_status import daemon_status

    return dict(daemon_status(store))


def _account_status(config: Any, store: Any, review: Review) -> list[dict[str, Any]]:
    runs = store.last_runs(limit=max(50, 10 * len(config.accounts)))
    checkpoints = store.folder_checkpoints()
    tz = review.tz
    out = []
    for account in config.accounts:
        run = next((r for r in runs if r["account"] == account.name), None)
        last_scan = None
        if run is not None:
            summary = run["summary"] or {}
            last_scan = {
                "started_at": views.iso(run["started_at"], tz),
                "finished_at": views.iso(run["finished_at"], tz),
                "ok": run["finished_at"] is not None and not run["error"],
                "error": run["error"],
                "messages_seen": summary.get("messages_seen"),
                "drafts_created": len(summary.get("drafts_created") or []),
            }
        source = (
            f"maildir:{account.maildir}"
            if account.maildir
            else f"imap://{account.host}:{account.port}"
        )
        out.append(
            {
                "name": account.name,
                "address": account.address,
                "source": source,
                "last_scan": last_scan,
                "folders": [
                    {
                        "folder": c["folder"],
                        "uidvalidity": c["uidvalidity"],
                        "last_uid": c["last_uid"],
                        "updated_at": views.iso(c["updated_at"], tz),
                    }
                    for c in checkpoints
                    if c["account"] == account.name
                ],
            }
        )
    return out


def status_data(config: Any, store: Any, now: datetime) -> dict[str, Any]:
    """Everything ``followup status`` shows, as one JSON object."""
    review = Review(config, store, now)
    all_views = review.views()
    tz = review.tz
    upcoming = views.next_due(all_views)
    next_action = None
    if upcoming is not None:
        next_action = {
            "process": upcoming.id,
            "company": upcoming.process.company,
            "role": upcoming.process.role,
            "action": upcoming.next_action,
            "due_at": views.iso(upcoming.next_due_at, tz),
            "overdue": upcoming.next_due_at is not None and upcoming.next_due_at <= now,
        }
    draft_states: dict[str, int] = {}
    for d in review.drafts:
        draft_states[d.state] = draft_states.get(d.state, 0) + 1
    counts = store.message_counts()
    return {
        "now": views.iso(now, tz),
        "timezone": config.timezone,
        "accounts": _account_status(config, store, review),
        "daemon": daemon_state(store),
        "processes": {
            "total": len(all_views),
            "active": sum(1 for v in all_views if v.active),
            "by_state": views.state_counts(all_views),
        },
        "next_action": next_action,
        "due_now": sum(1 for v in all_views if v.next_status == "due"),
        "drafts": {
            "waiting": sum(
                draft_states.get(s, 0) for s in (DRAFT_INTENT, DRAFT_APPENDED, DRAFT_USER_EDITED)
            ),
            "by_state": dict(sorted(draft_states.items())),
        },
        "skipped_messages": counts.get("skipped", 0),
    }


def _print_status(data: dict[str, Any], now: datetime, tz: ZoneInfo) -> None:
    echo = click.echo
    if not data["accounts"]:
        echo("No accounts configured. Run `followup init`.")
    for acc in data["accounts"]:
        scan = acc["last_scan"]
        if scan is None:
            state = "never scanned"
        elif scan["finished_at"] is None:
            state = f"scan running since {_at(scan['started_at'], tz, now)}"
        elif scan["error"]:
            state = click.style(
                f"last scan failed {_ago(scan['finished_at'], now)}: {scan['error']}", fg="red"
            )
        else:
            state = f"last scan {_ago(scan['finished_at'], now)} ({scan['messages_seen'] or 0} messages seen)"
        echo(f"Account {acc['name']} <{acc['address']}>: {state}")
    daemon = data["daemon"]
    if daemon.get("running"):
        extra = (
            f", next scan {_at(daemon['next_scan_at'], tz, now)}"
            if daemon.get("next_scan_at")
            else ""
        )
        echo(f"Background service: running (pid {daemon.get('pid')}){extra}")
        if daemon.get("status"):
            echo(f"  {daemon['status']}")
    else:
        echo(
            "Background service: not running (start it with `followup run` or `followup service install`)"
        )
    error = daemon.get("last_error")
    if error:
        text = error.get("error") or error.get("message") if isinstance(error, dict) else error
        where = f"{error['account']}: " if isinstance(error, dict) and error.get("account") else ""
        echo(click.style(f"  last error: {where}{text}", fg="yellow"))
    procs = data["processes"]
    states = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in procs["by_state"].items())
    echo(
        f"Processes: {procs['active']} active of {procs['total']}"
        + (f" ({states})" if states else "")
    )
    nxt = data["next_action"]
    if nxt:
        label = views.action_label(nxt["action"])
        who = nxt["company"] or (f"the {nxt['role']} employer" if nxt["role"] else "an employer")
        timing = "due now (next scan writes it)" if nxt["overdue"] else _at(nxt["due_at"], tz, now)
        echo(f"Next: {label} to {who} [{nxt['process']}], {timing}")
    else:
        echo("Next: nothing scheduled")
    if data["due_now"] > 1:
        echo(f"  {data['due_now']} follow-ups are due at the next scan")
    drafts = data["drafts"]
    echo(
        f"Drafts waiting in your Drafts folder: {drafts['waiting']}"
        + (" (see `followup drafts`)" if drafts["waiting"] else "")
    )
    if data["skipped_messages"]:
        echo(
            f"Skipped messages (could not be read): {data['skipped_messages']} (see `followup doctor`)"
        )


def _at(text: str | None, tz: ZoneInfo, now: datetime) -> str:
    return views.when(datetime.fromisoformat(text), tz, now) if text else "?"


def _ago(text: str | None, now: datetime) -> str:
    return views.age_text(datetime.fromisoformat(text) if text else None, now)


@click.command("status")
@config_option
@now_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def status_command(config_path: str | None, now_text: str | None, as_json: bool) -> None:
    """Accounts and their last scan, whether the background service runs, processes
    by state, the next follow-up due and the drafts waiting in your Drafts folder.

    Reads the local state only; it never connects to the mailbox.
    """
    config = load(config_path)
    now = resolve_now(now_text, config.timezone)
    with open_store(config) as store:
        data = status_data(config, store, now)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        _print_status(data, now, ZoneInfo(config.timezone))


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
    help="Print one JSON object (process keys plus promise, events, drafts).",
)
def show_command(
    config_path: str | None, now_text: str | None, process_id: str, as_json: bool
) -> None:
    """Show one process (ID may be a unique prefix): the timeline with the sentence
    behind each step, the promised date, the contact, the next follow-up and its drafts."""
    config = load(config_path)
    now = resolve_now(now_text, config.timezone)
    with open_store(config) as store:
        review = Review(config, store, now)
        view = review.find_view(process_id)
        pending = review.pending_cancels()
    tz = review.tz
    data = views.process_detail_json(view, tz, pending)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    _print_detail(view, data, tz, now)


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
    else:
        echo("Contact: none known (a follow-up would have no recipient)")
    if p.contact_note:
        echo(f"  {p.contact_note}")
    if p.interview_at:
        held = "held" if p.interview_held else "upcoming"
        echo(f"Interview: {views.when(p.interview_at, tz, now)} ({held})")
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
