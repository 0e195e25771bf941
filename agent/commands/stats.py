"""``followup stats``: the job search in numbers, drawn in the terminal or as JSON.

Reads the state database only. The numbers come from :mod:`agent.stats` (pure).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import click

from agent.commands.common import config_option, load, now_option, open_store, resolve_now

OUTCOME_LABELS = {
    "offer": "offer",
    "rejected": "rejected",
    "ghosted": "ghosted after follow-ups",
    "quiet_before_tracking": "went quiet before tracking",
    "withdrawn": "withdrawn or closed",
    "open": "still open",
}
STATUS_LABELS = {
    "kept": "kept",
    "late": "late",
    "broken": "no answer",
    "silent_as_said": "silence, as they said",
    "pending": "not due yet",
}
BAR_WIDTH = 20


def _user_promises(store: Any) -> list[Any]:
    """Dates you entered as the employer's: `followup edit --promised-by` and `reflect`."""
    from agent.stats import UserPromise

    found: dict[tuple[str, date], UserPromise] = {}
    for r in store.reflections():
        if r.answer_by is not None:
            found.setdefault(
                (r.process_id, r.answer_by), UserPromise(r.process_id, r.updated_at, r.answer_by)
            )
    for o in store.overrides().values():
        if o.promised_by is not None and o.updated_at is not None:
            found.setdefault(
                (o.process_id, o.promised_by),
                UserPromise(o.process_id, o.updated_at, o.promised_by),
            )
    return list(found.values())


def stats_data(config: Any, store: Any, now: datetime, since: date | None = None) -> Any:
    from agent.coaching import coaching_settings
    from agent.commands.review import Review
    from agent.rules import Rules
    from agent.stats import job_search_stats

    review = Review(config, store, now)
    shown = [
        v
        for v in review.views()
        if since is None or v.process.started_at.astimezone(review.tz).date() >= since
    ]
    settings = coaching_settings(Rules.load(config.rules_dir))
    return job_search_stats(
        shown,
        now=now,
        tz=review.tz,
        tracking_started=store.tracking_started_at(),
        quiet_days=settings.quiet_before_tracking_days,
        user_promises=_user_promises(store),
    )


def _bar(count: int, most: int) -> str:
    if most <= 0 or count <= 0:
        return ""
    return "█" * max(1, round(BAR_WIDTH * count / most))


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:g} days"


def print_stats(stats: Any, tz: ZoneInfo, now: datetime) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    if stats.applied == 0:
        console.print("No hiring processes yet: nothing to count. Run `followup scan` first.")
        return
    most = stats.applied
    funnel = Table(
        box=None,
        padding=(0, 1),
        collapse_padding=True,
        title="Funnel",
        title_justify="left",
        header_style="dim",
    )
    funnel.add_column("", no_wrap=True)
    funnel.add_column("", justify="right", no_wrap=True)
    funnel.add_column("", justify="right", no_wrap=True, style="dim")
    funnel.add_column("", no_wrap=True, min_width=BAR_WIDTH)
    funnel.add_column("after interview", justify="right", no_wrap=True)

    def share(count: int) -> str:
        return f"{100 * count / most:.0f}%"

    funnel.add_row(
        "applied",
        str(stats.applied),
        share(stats.applied),
        Text(_bar(stats.applied, most), style="cyan"),
        "",
    )
    funnel.add_row(
        "interview",
        str(stats.interview),
        share(stats.interview),
        Text(_bar(stats.interview, most), style="blue"),
        "",
    )
    styles = {"offer": "green", "rejected": "red", "ghosted": "yellow", "open": "white"}
    for key, label in OUTCOME_LABELS.items():
        count = stats.outcomes[key]
        if not count and key not in ("offer", "rejected", "ghosted"):
            continue
        after = stats.outcomes_after_interview[key]
        funnel.add_row(
            f"  {label}",
            str(count),
            share(count),
            Text(_bar(count, most), style=styles.get(key, "magenta")),
            str(after) if after else "",
        )
    console.print(funnel)
    if stats.rejected_by_silence:
        console.print(f"  ({stats.rejected_by_silence} rejected by silence after a stated date)")
    console.print("")
    times = Table(box=None, padding=(0, 1), title="Answer times", title_justify="left")
    times.add_column("")
    times.add_column("median", justify="right")
    times.add_column("fastest", justify="right")
    times.add_column("slowest", justify="right")
    times.add_column("of", justify="right")
    for label, d in (("to first answer", stats.first_answer), ("to decision", stats.decision)):
        times.add_row(label, _days(d.median), _days(d.shortest), _days(d.longest), str(d.count))
    console.print(times)
    console.print("")
    if not stats.promises:
        console.print("Promises: no employer has promised a date yet.")
        return
    table = Table(box=None, padding=(0, 1), title="Promised dates", title_justify="left")
    table.add_column("employer", ratio=3)
    table.add_column("said on", no_wrap=True)
    table.add_column("promised by", no_wrap=True)
    table.add_column("answered", no_wrap=True)
    table.add_column("", no_wrap=True)
    colours = {"kept": "green", "late": "yellow", "broken": "red"}
    for p in stats.promises:
        answered = p.answered_at.astimezone(tz).date() if p.answered_at else None
        status = STATUS_LABELS.get(p.status, p.status)
        if p.status == "late" and answered is not None:
            status = f"late by {(answered - p.promised_by).days} d"
        table.add_row(
            Text(p.company + (" (you entered)" if p.source == "user" else "")),
            _day(p.made_at.astimezone(tz).date(), now),
            _day(p.promised_by, now),
            _day(answered, now) if answered else "—",
            Text(status, style=colours.get(p.status, "dim")),
        )
    console.print(table)
    settled, kept = stats.promises_settled, stats.promises_kept
    kept_share = f" ({100 * kept / settled:.0f}%)" if settled else ""
    console.print(f"Promises kept: {kept} of {settled} settled{kept_share}")
    width = max((len(e.company) for e in stats.by_employer if e.settled), default=0)
    for e in stats.by_employer:
        if e.settled:
            line = Text(f"  {e.company.ljust(width)}  {e.kept} of {e.settled}  ")
            line.append("■ " * e.kept, style="green")
            line.append("□ " * (e.settled - e.kept), style="red")
            console.print(line)


def _day(day: date | None, now: datetime) -> str:
    if day is None:
        return ""
    return day.strftime("%d %b" if day.year == now.year else "%d %b %Y")


@click.command("stats")
@config_option
@now_option
@click.option("--since", metavar="DATE", help="Count only processes that started on or after DATE.")
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object (funnel, days, promises)."
)
def stats_command(
    config_path: str | None, now_text: str | None, since: str | None, as_json: bool
) -> None:
    """Your job search in numbers: how many applications reached an interview and how
    they ended (offer, rejection, ghosted after follow-ups, or gone quiet before followup
    watched them), the median days to a first answer and to a decision, and each promised
    date beside the day the employer actually wrote next: how many promises were kept.

    Reads the local state only.
    """
    from agent.commands.correct import parse_day

    config = load(config_path)
    now = resolve_now(now_text, config.timezone)
    tz = ZoneInfo(config.timezone)
    start = parse_day(since, "--since")
    with open_store(config) as store:
        stats = stats_data(config, store, now, start)
    if as_json:
        click.echo(json.dumps(stats.to_json(tz), ensure_ascii=False))
        return
    print_stats(stats, tz, now)
