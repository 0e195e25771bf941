"""``followup status``: accounts and their last scan, how the background service learns
of new mail in each (IMAP IDLE or a scan every interval, and why), processes, the next
follow-up due and the drafts waiting; and what holds drafting back (a folder whose
UIDVALIDITY keeps changing, the draft-storm breaker) or a scan that died.

Reads the state database only (no mailbox, no analysis), so it starts fast.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import click

from agent import views
from agent.board import action_label, next_due, state_counts
from agent.commands.common import config_option, load, now_option, open_store, resolve_now
from agent.commands.review import Review
from agent.records import DRAFT_APPENDED, DRAFT_INTENT, DRAFT_USER_EDITED
from agent.store import RUN_INTERRUPTED
from agent.store.mail import STEADY_PASSES

HELD_FOLDER_REASON = "the server reports a different UIDVALIDITY again and again"


def _run_state(store: Any, run: dict[str, Any]) -> str:
    """ok, failed, running (its process is alive and holds the lock) or interrupted."""
    if run["finished_at"] is not None:
        return "failed" if run["error"] else "ok"
    return "running" if store.run_is_live(run) else "interrupted"


def daemon_state(store: Any) -> dict[str, Any]:
    """Whether the background service runs, from the record it keeps in the database."""
    from agent.daemon.status import daemon_status

    return dict(daemon_status(store))


def _account_status(
    config: Any, store: Any, review: Review, daemon: dict[str, Any]
) -> list[dict[str, Any]]:
    runs = store.last_runs(limit=max(50, 10 * len(config.accounts)))
    checkpoints = store.folder_checkpoints()
    tz = review.tz
    out = []
    for account in config.accounts:
        run = next((r for r in runs if r["account"] == account.name), None)
        last_scan = None
        if run is not None:
            summary = run["summary"] or {}
            state = _run_state(store, run)
            last_scan = {
                "state": state,
                "started_at": views.iso(run["started_at"], tz),
                "finished_at": views.iso(run["finished_at"], tz),
                "ok": state == "ok",
                "error": RUN_INTERRUPTED if state == "interrupted" else run["error"],
                "pid": run["pid"] if state == "running" else None,
                "messages_seen": summary.get("messages_seen"),
                "drafts_created": len(summary.get("drafts_created") or []),
                "drafts_refused": summary.get("drafts_refused") or [],
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
                # How the running daemon learns of new mail here (None: it is not running).
                "push": (daemon.get("accounts", {}).get(account.name) or {}).get("push")
                if daemon.get("running")
                else None,
                "held_folders": [
                    {
                        "folder": folder,
                        "reason": HELD_FOLDER_REASON,
                        "held_since": views.iso(validity.held_since, tz),
                        "uidvalidity_changes": validity.changes,
                        "steady_passes": validity.steady_passes,
                        "steady_passes_needed": STEADY_PASSES,
                    }
                    for _, folder, validity in store.held_folders(account.name)
                ],
                "draft_breaker": store.draft_breaker(account.name),
                "drafts_release_requested": store.draft_release_requested(account.name),
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


# -- interviews to look back on -------------------------------------------------------


@dataclass(frozen=True)
class _Interviewed:
    """What looking back on an interview reads of a process, from what the passes keep."""

    id: str
    aliases: frozenset[str]
    interview_at: datetime | None
    interview_held: bool
    round: int

    def answers_to(self, process_id: str) -> bool:
        return process_id == self.id or process_id in self.aliases


def reflect_suggestions(review: Any) -> list[dict[str, Any]]:
    """Processes whose interview has passed without a look back (for ``followup status``,
    from what the passes keep: no process is derived for it)."""
    from agent import coaching

    settings = coaching.coaching_settings(review.engine.rules)
    reflections = review.store.reflections()
    out = []
    for board in review.boards().values():
        aliases = dict(board.ids_and_aliases())
        since = review.now - timedelta(days=settings.suggest_reflect_within_days)
        for data in board.json_rows(interviewed_since=since):
            at = datetime.fromisoformat(data["interview_at"]) if data["interview_at"] else None
            seen = _Interviewed(
                data["id"], aliases[data["id"]], at, data["interview_held"], data["round"]
            )
            if coaching.reflection_due(
                seen,  # type: ignore[arg-type]
                reflections,
                now=review.now,
                within_days=settings.suggest_reflect_within_days,
            ):
                out.append(
                    {
                        "process": data["id"],
                        "company": data["company"],
                        "role": data["role"],
                        "interview_at": views.iso(at, review.tz),
                    }
                )
    return out


def print_reflect_suggestions(items: list[dict[str, Any]], tz: ZoneInfo, now: datetime) -> None:
    for s in items:
        who = s["company"] or s["role"] or "an employer"
        at = views.when(datetime.fromisoformat(s["interview_at"]), tz, now)
        click.echo(
            f"Look back on the interview with {who} ({at}): `followup reflect {s['process']}`"
        )


def status_data(config: Any, store: Any, now: datetime) -> dict[str, Any]:
    """Everything ``followup status`` shows, as one JSON object."""
    review = Review(config, store, now)
    all_views = review.rows()
    tz = review.tz
    upcoming = next_due(all_views)
    next_action = None
    if upcoming is not None:
        next_action = {
            "process": upcoming.id,
            "company": upcoming.company,
            "role": upcoming.role,
            "action": upcoming.next_action,
            "due_at": views.iso(upcoming.next_due_at, tz),
            "overdue": upcoming.next_due_at is not None and upcoming.next_due_at <= now,
        }
    draft_states = store.draft_counts()
    counts = store.message_counts()
    daemon = daemon_state(store)
    return {
        "now": views.iso(now, tz),
        "timezone": config.timezone,
        "accounts": _account_status(config, store, review, daemon),
        "daemon": daemon,
        "processes": {
            "total": len(all_views),
            "active": sum(1 for v in all_views if v.active),
            "by_state": state_counts(all_views),
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
        "reflect": reflect_suggestions(review),
    }


def _print_status(data: dict[str, Any], now: datetime, tz: ZoneInfo) -> None:
    echo = click.echo
    if not data["accounts"]:
        echo("No accounts configured. Run `followup init`.")
    for acc in data["accounts"]:
        scan = acc["last_scan"]
        if scan is None:
            state = "never scanned"
        elif scan["state"] == "running":
            state = f"scan running since {_at(scan['started_at'], tz, now)} (pid {scan['pid']})"
        elif scan["state"] == "interrupted":
            state = click.style(
                f"last scan interrupted (started {_at(scan['started_at'], tz, now)}; "
                "its process is gone): the next scan goes on from where it stopped",
                fg="yellow",
            )
        elif scan["error"]:
            state = click.style(
                f"last scan failed {_ago(scan['finished_at'], now)}: {scan['error']}", fg="red"
            )
        else:
            state = f"last scan {_ago(scan['finished_at'], now)} ({scan['messages_seen'] or 0} messages seen)"
        echo(f"Account {acc['name']} <{acc['address']}>: {state}")
        if acc.get("push"):
            echo(_push_line(acc["push"], tz, now))
        for held in acc["held_folders"]:
            echo(
                click.style(
                    f"  error: folder {held['folder']} is not read and no drafts are written for "
                    f"this account since {_at(held['held_since'], tz, now)}: {held['reason']} "
                    f"({held['uidvalidity_changes']} changes). Nothing is lost; it resumes by "
                    f"itself once the server keeps one value for {held['steady_passes_needed']} "
                    f"scans ({held['steady_passes']} so far)",
                    fg="red",
                )
            )
        for refused in (scan or {}).get("drafts_refused") or []:
            echo(
                click.style(
                    f"  a {refused['action'].replace('_', ' ')} for process {refused['process_id']} "
                    f"was not written: {'; '.join(refused['problems'])}. Write it yourself, or "
                    "correct the process (`followup edit`) and the next scan tries again",
                    fg="yellow",
                )
            )
        breaker = acc["draft_breaker"]
        if breaker and acc["drafts_release_requested"]:
            echo(
                f"  draft limit: release requested; the next scan writes the {breaker['held']} held draft(s)"
            )
        elif breaker:
            echo(
                click.style(
                    f"  draft limit reached: {breaker['held']} due draft(s) held back since "
                    f"{_at(breaker['tripped_at'], tz, now)} (at most {breaker['limit']} a scan). "
                    "Check them with `followup scan --dry-run --release-drafts`, then write them "
                    "with `followup scan --release-drafts`",
                    fg="yellow",
                )
            )
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
        label = action_label(nxt["action"])
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
    print_reflect_suggestions(data.get("reflect") or [], tz, now)


def _push_line(push: dict[str, Any], tz: ZoneInfo, now: datetime) -> str:
    """How the background service learns of new mail in one account, and why."""
    every = push.get("poll_every") or 0
    interval = f"{every:g} s" if every < 120 else f"{every / 60:.0f} min"
    if push["mode"] == "idle":
        return (
            f"  new mail: announced by the server (IMAP IDLE) since {_at(push['since'], tz, now)}; "
            f"Sent and Drafts are read every {interval}"
        )
    retry = push.get("retry_at")
    if push["mode"] == "reconnecting":
        again = f"; reconnecting, next try {_at(retry, tz, now)}" if retry else "; reconnecting"
        return click.style(
            f"  new mail: read every {interval} until IDLE is back: {push['reason']}{again}",
            fg="yellow",
        )
    again = f"; trying IDLE again {_at(retry, tz, now)}" if retry else ""
    return f"  new mail: read every {interval} (polling): {push['reason']}{again}"


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
