"""Corrections: ``followup add``, ``close``, ``snooze``, ``edit`` and ``offer``.

What the user says wins over what the mail says. Each command stores one
correction (an override, a process added by hand, a competing offer) and brings the
kept processes up to date with it (``agent.kept``); the processes are derived from
the mail and the corrections together, so a correction never drifts from the mail
and is explained in ``followup show``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import click

from agent import views
from agent.commands.common import config_option, load, now_option, open_store, resolve_now
from agent.errors import UsageError
from agent.records import CompetingOffer, ManualProcess, ProcessOverride
from agent.tracker import CLOSE_REASONS, Process


def _open(config_path: str | None, now_text: str | None):
    from agent.commands.review import Review

    config = load(config_path)
    now = resolve_now(now_text, config.timezone)
    store = open_store(config)
    return config, store, Review(config, store, now), now


def parse_day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option}: expected a date like 2026-12-04, got {text!r}") from None


def parse_moment(text: str | None, option: str, tz: ZoneInfo) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is None or len(text.strip()) <= 10:
        raise UsageError(f"{option}: expected a date and time like 2026-12-01T10:00, got {text!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def _label(process: Process) -> str:
    return views.company_label(process) + (f" ({process.role})" if process.role else "")


def _override_for(store: Any, process: Process) -> ProcessOverride:
    """The process's current override (perhaps stored under an older id of it), or a blank one."""
    overrides = store.overrides()
    for key in (process.id, *sorted(process.aliases)):
        if key in overrides:
            return replace(overrides[key], process_id=process.id)
    return ProcessOverride(process_id=process.id)


# -- add ----------------------------------------------------------------------------------


def _manual_record(
    config: Any,
    now: datetime,
    tz: ZoneInfo,
    company: str,
    role: str | None,
    contact: str | None,
    interview_at: str | None,
    promised_by: str | None,
    language: str | None,
) -> ManualProcess:
    from agent.drafts import clean_address, clean_text
    from agent.tracker import short_hash

    name = clean_text(company, 100)
    if not name:
        raise UsageError("--company: a company name is needed")
    address = None
    if contact is not None:
        address = clean_address(contact)
        if address is None:
            raise UsageError(
                f"--contact: expected an e-mail address like name@example.com, got {contact!r}"
            )
    from agent.rules import Rules

    languages = tuple(config.languages) or tuple(Rules.load(config.rules_dir).languages())
    lang = (language or ("en" if "en" in languages else languages[0])).strip().lower()
    if lang not in languages:
        raise UsageError(f"--language: expected one of {', '.join(languages)}, got {language!r}")
    return ManualProcess(
        process_id=short_hash(f"manual\0{name}\0{role or ''}\0{now.isoformat()}"),
        company=name,
        created_at=now,
        role=clean_text(role, 100) or None,
        contact=address,
        interview_at=parse_moment(interview_at, "--interview-at", tz),
        promised_by=parse_day(promised_by, "--promised-by"),
        language=lang,
    )


@click.command("add")
@config_option
@now_option
@click.option("--company", required=True, help="The employer, as you would write it.")
@click.option("--role", help="The position.")
@click.option("--contact", metavar="EMAIL", help="Who to write follow-ups to.")
@click.option(
    "--interview-at",
    "interview_at",
    metavar="ISO",
    help="When the interview is or was, e.g. 2026-12-01T10:00.",
)
@click.option(
    "--promised-by",
    "promised_by",
    metavar="DATE",
    help="The day they promised an answer by, e.g. 2026-12-04.",
)
@click.option(
    "--language",
    help="Language of follow-ups to this employer (en, nb; default: your first language).",
)
def add_command(
    config_path: str | None,
    now_text: str | None,
    company: str,
    role: str | None,
    contact: str | None,
    interview_at: str | None,
    promised_by: str | None,
    language: str | None,
) -> None:
    """Add a hiring process the mail missed, e.g. one that started with a phone call.

    Mail from the same employer joins it on the next scan.
    """
    from agent.commands.review import Review

    config, store, review, now = _open(config_path, now_text)
    tz = review.tz
    with store:
        if not config.accounts:
            raise UsageError("no accounts configured", hint="run `followup init` first")
        record = _manual_record(
            config, now, tz, company, role, contact, interview_at, promised_by, language
        )
        store.add_manual_process(record)
        after = Review(config, store, now)
        after.keep()
        added = next(
            (
                after.find_view(pid)
                for pid, _ in after.boards()[config.accounts[0].name].ids_and_aliases()
                if pid == record.process_id
            ),
            None,
        )
    name = record.company
    address = record.contact
    details = []
    if record.interview_at:
        details.append(f"interview {views.when(record.interview_at, tz, now)}")
    if record.promised_by:
        details.append(f"answer promised by {record.promised_by.isoformat()}")
    if address:
        details.append(f"contact {address}")
    click.echo(
        f"Added process {record.process_id}: {name}"
        + (f" ({record.role})" if record.role else "")
        + (f", {', '.join(details)}" if details else "")
        + "."
    )
    if added is not None and added.process.messages:
        click.echo(
            f"It joins {len(added.process.messages)} message(s) already tracked from this employer."
        )


# -- close --------------------------------------------------------------------------------


@click.command("close")
@config_option
@now_option
@click.argument("process_id", metavar="ID")
@click.option(
    "--reason",
    required=True,
    type=click.Choice(sorted(CLOSE_REASONS)),
    help="withdrawn: you pulled out; hired: you took this job; other: anything else.",
)
def close_command(
    config_path: str | None, now_text: str | None, process_id: str, reason: str
) -> None:
    """Close a process: no more follow-ups, and its pending drafts are withdrawn at the next scan."""
    config, store, review, now = _open(config_path, now_text)
    with store:
        process = review.find_process(process_id)
        current = _override_for(store, process)
        store.put_override(replace(current, closed_reason=reason, updated_at=now))
        review.keep()
    click.echo(f"Closed {process.id} {_label(process)}: {reason}. No more follow-ups for it.")


# -- snooze -------------------------------------------------------------------------------


@click.command("snooze")
@config_option
@now_option
@click.argument("process_id", metavar="ID")
@click.option(
    "--until",
    "until",
    required=True,
    metavar="DATE",
    help="The first day follow-ups may resume, e.g. 2026-12-14.",
)
def snooze_command(
    config_path: str | None, now_text: str | None, process_id: str, until: str
) -> None:
    """Pause follow-ups for a process until a date (e.g. they asked you to wait)."""
    config, store, review, now = _open(config_path, now_text)
    with store:
        day = parse_day(until, "--until")
        assert day is not None
        if day <= _today(now, review.tz):
            raise UsageError(f"--until: {day.isoformat()} is not in the future")
        process = review.find_process(process_id)
        current = _override_for(store, process)
        store.put_override(replace(current, snoozed_until=day, updated_at=now))
        review.keep()
    click.echo(
        f"Snoozed {process.id} {_label(process)} until {day.isoformat()}: no follow-ups before then."
    )


# -- edit ---------------------------------------------------------------------------------


@click.command("edit")
@config_option
@now_option
@click.argument("process_id", metavar="ID")
@click.option("--company", help="The employer's name.")
@click.option("--role", help="The position.")
@click.option(
    "--promised-by", "promised_by", metavar="DATE", help="The day they promised an answer by."
)
def edit_command(
    config_path: str | None,
    now_text: str | None,
    process_id: str,
    company: str | None,
    role: str | None,
    promised_by: str | None,
) -> None:
    """Fix what followup got wrong about a process: company, role or promised date.

    A promise in newer mail from the employer replaces a date set here.
    """
    from agent.drafts import clean_text

    if company is None and role is None and promised_by is None:
        raise UsageError("nothing to change", hint="give --company, --role or --promised-by")
    day = parse_day(promised_by, "--promised-by")
    changes: dict[str, Any] = {}
    said: list[str] = []
    if company is not None:
        if not clean_text(company, 100):
            raise UsageError("--company: the name is empty")
        changes["company"] = clean_text(company, 100)
        said.append(f"company {changes['company']!r}")
    if role is not None:
        if not clean_text(role, 100):
            raise UsageError("--role: the role is empty")
        changes["role"] = clean_text(role, 100)
        said.append(f"role {changes['role']!r}")
    if day is not None:
        changes["promised_by"] = day
        said.append(f"answer promised by {day.isoformat()}")
    config, store, review, now = _open(config_path, now_text)
    changes["updated_at"] = now
    with store:
        process = review.find_process(process_id)
        current = _override_for(store, process)
        store.put_override(replace(current, **changes))
        review.keep()
    click.echo(f"Updated {process.id}: {', '.join(said)}.")


# -- offer --------------------------------------------------------------------------------


@click.command("offer")
@config_option
@now_option
@click.option(
    "--deadline", required=True, metavar="DATE", help="The day you must answer the offer by."
)
@click.option(
    "--from",
    "from_id",
    metavar="ID",
    help="The process that made the offer, if followup tracks it.",
)
def offer_command(
    config_path: str | None, now_text: str | None, deadline: str, from_id: str | None
) -> None:
    """Record a competing offer. The next scan drafts a polite note to every other active
    process: you have another offer; can they tell you when they will decide?"""
    from agent.commands.review import Review

    config, store, review, now = _open(config_path, now_text)
    with store:
        day = parse_day(deadline, "--deadline")
        assert day is not None
        if day < _today(now, review.tz):
            raise UsageError(f"--deadline: {day.isoformat()} has passed")
        source = review.find_process(from_id) if from_id else None
        store.add_offer(
            CompetingOffer(created_at=now, deadline=day, process_id=source.id if source else None)
        )
        after = Review(config, store, now)
        after.keep()
        rows = after.rows()
    notes = [r for r in rows if r.next_status == "due" and r.next_action == "competing_offer"]
    origin = f" from {_label(source)}" if source else ""
    click.echo(f"Recorded an offer{origin}; you answer by {day.isoformat()}.")
    if not review.policy.competing_offer:
        click.echo(
            "Notes about competing offers are turned off (competing_offer = false in policy.toml)."
        )
    elif notes:
        click.echo(f"The next scan drafts a note to {len(notes)} other process(es):")
        for r in notes:
            label = (r.company or r.agency or "?") + (f" ({r.role})" if r.role else "")
            click.echo(f"  {r.id}  {label}")
    else:
        click.echo("No other active process to write to.")
