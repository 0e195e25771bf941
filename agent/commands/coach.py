"""Interview coaching at the edge: ``followup reflect``, and the checklist, reflections and
"look back on it" hints that ``followup show`` and ``followup status`` print.

The texts and the rules of when to show what are in :mod:`agent.coaching` (pure); here
the store is read and written, the user is asked, and the answers are printed.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from agent import coaching, views
from agent.board import ProcessView, action_label
from agent.commands.common import config_option, load, now_option, open_store, resolve_now
from agent.config import holiday_country
from agent.errors import UsageError
from agent.records import Reflection

if TYPE_CHECKING:
    from agent.tracker import Process


def _rules(config: Any) -> Any:
    from agent.rules import Rules

    return Rules.load(config.rules_dir)


# -- what show and status print --------------------------------------------------------


def coaching_detail(
    config: Any, store: Any, view: ProcessView, now: datetime, tz: ZoneInfo
) -> dict[str, Any]:
    """``checklist``, ``reflections`` and ``reflect_suggested`` of one process (show --json)."""
    rules = _rules(config)
    p = view.process
    texts = coaching.coaching_texts(rules, p.language)
    settings = coaching.coaching_settings(rules)
    checklist = coaching.interview_checklist(
        p, texts, offers=store.offers(), today=now.astimezone(tz).date()
    )
    mine = coaching.reflections_of(p, store.reflections())
    from agent.ics import interviews_of

    latest = next((i for i in reversed(interviews_of(p, now)) if i.start == p.interview_at), None)
    return {
        "interview_place": latest.place if latest else None,
        "interview_link": latest.link if latest else None,
        "checklist": checklist.to_json() if checklist else None,
        "reflections": [
            coaching.reflection_json(r, coaching.coaching_texts(rules, r.language), tz)
            for r in mine
        ],
        "reflect_suggested": coaching.reflection_due(
            p, mine, now=now, within_days=settings.suggest_reflect_within_days
        ),
    }


def print_coaching(
    config: Any, data: dict[str, Any], process: Process, tz: ZoneInfo, now: datetime
) -> None:
    echo = click.echo
    rules = _rules(config)
    checklist = data.get("checklist")
    if checklist:
        echo("")
        echo(click.style(checklist["title"], bold=True))
        for section in checklist["sections"]:
            if section["title"]:
                echo(f"  {section['title']}")
            for item in section["items"]:
                echo(f"    - {item}" if section["title"] else f"  {item}")
    for r in data.get("reflections") or []:
        echo("")
        when = views.when(datetime.fromisoformat(r["updated_at"]), tz, now)
        round_text = f"round {r['round']}, " if r["round"] else ""
        echo(click.style("Looking back", bold=True) + f" ({round_text}written {when})")
        labels = {q.key: q.label for q in coaching.coaching_texts(rules, r["language"]).questions}
        for answer in r["answers"]:
            echo(f"  {labels.get(answer['key'], answer['key'])}: {answer['answer']}")
        if r["answer_by"]:
            echo(f"  {labels.get(coaching.ANSWER_BY, 'Answer by')}: {r['answer_by']}")
        if r["interest"]:
            echo(f"  {labels.get(coaching.INTEREST, 'Interest')}: {r['interest']}/5")
    if data.get("reflect_suggested"):
        echo("")
        echo(f"The interview has passed: look back on it with `followup reflect {process.id}`.")


# -- reflect ---------------------------------------------------------------------------


def resolve_answer_by(
    text: str | None, language: str, ref: datetime, tz: ZoneInfo, country: str | None
) -> date | None:
    """A day from what the user wrote: an ISO date, or a phrase such as "within two weeks"
    read against ``ref`` (the interview) with the date rules of ``language``."""
    if text is None or not text.strip():
        return None
    raw = text.strip()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    from agent.analysis.calendar import BusinessCalendar
    from agent.analysis.dates.grammar import resolve_phrase
    from agent.errors import RulesError

    local = ref.astimezone(tz)
    for lang in dict.fromkeys((language, "en")):
        try:
            day = resolve_phrase(raw, lang, local, BusinessCalendar(country))
        except (RulesError, FileNotFoundError, KeyError):
            continue
        if day is not None:
            return day
    raise ValueError(f"cannot read a date from {raw!r}; write it like 2026-12-04")


_SECTION = re.compile(r"^## ([a-z_]+):", re.M)


def editor_template(
    texts: coaching.CoachingTexts, title: str, answers: dict[str, str], extra: dict[str, str]
) -> str:
    lines = [f"# {texts.reflection_title}: {title}", f"# {texts.reflection_intro}", ""]
    for q in texts.questions:
        prompt = q.prompt
        if q.key == coaching.INTEREST:
            prompt += f" ({texts.interest_scale})"
        lines.append(f"## {q.key}: {prompt}")
        hint = texts.answer_by_help if q.key == coaching.ANSWER_BY else q.hint
        if hint:
            lines.append(f"# {hint}")
        previous = answers.get(q.key) or extra.get(q.key) or ""
        lines.extend([previous, ""] if previous else [""])
    return "\n".join(lines) + "\n"


def parse_editor_text(text: str) -> dict[str, str]:
    """``## key: question`` sections back into answers; lines starting with # are ignored."""
    found: dict[str, str] = {}
    marks = list(_SECTION.finditer(text))
    for n, mark in enumerate(marks):
        end = marks[n + 1].start() if n + 1 < len(marks) else len(text)
        body = text[mark.end() : end].split("\n")[1:]
        kept = [line.rstrip() for line in body if not line.lstrip().startswith("#")]
        found[mark.group(1)] = "\n".join(kept).strip()
    return found


def _parse_pairs(pairs: tuple[str, ...], texts: coaching.CoachingTexts) -> dict[str, str]:
    known = {q.key for q in texts.text_questions}
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in known:
            raise UsageError(
                f"--answer: expected KEY=TEXT with KEY one of {', '.join(sorted(known))}, got {pair!r}"
            )
        out[key] = value.strip()
    return out


def _ask(
    texts: coaching.CoachingTexts,
    previous: Reflection | None,
    read_day: Any,
) -> tuple[dict[str, str], int | None, date | None]:
    """One question at a time on the terminal; blank skips (keeps an earlier answer)."""
    click.echo(click.style(texts.reflection_title, bold=True))
    click.echo(texts.reflection_intro)
    answers: dict[str, str] = {}
    interest = previous.interest if previous else None
    answer_by = previous.answer_by if previous else None
    for q in texts.questions:
        click.echo("")
        click.echo(click.style(q.prompt, bold=True))
        if q.key == coaching.INTEREST:
            click.echo(click.style(texts.interest_scale, dim=True))
            while True:
                text = click.prompt(">", default="", show_default=False, prompt_suffix=" ")
                try:
                    interest = coaching.parse_interest(text) or interest
                    break
                except ValueError as exc:
                    click.echo(str(exc))
            continue
        if q.key == coaching.ANSWER_BY:
            click.echo(click.style(texts.answer_by_help, dim=True))
            while True:
                text = click.prompt(">", default="", show_default=False, prompt_suffix=" ")
                try:
                    answer_by = read_day(text) or answer_by
                    break
                except ValueError as exc:
                    click.echo(str(exc))
            continue
        if q.hint:
            click.echo(click.style(q.hint, dim=True))
        text = click.prompt(">", default="", show_default=False, prompt_suffix=" ").strip()
        if text:
            answers[q.key] = text
        elif previous and previous.answers.get(q.key):
            answers[q.key] = previous.answers[q.key]
    return answers, interest, answer_by


@click.command("reflect")
@config_option
@now_option
@click.argument("process_id", metavar="ID")
@click.option(
    "--answer",
    "-a",
    "pairs",
    multiple=True,
    metavar="KEY=TEXT",
    help="Answer one question without being asked (keys: went_well, do_better, employer, next_steps).",
)
@click.option(
    "--answer-by",
    "answer_by_text",
    metavar="DATE",
    help="The day they said you would hear by (2026-12-04, or a phrase like 'within two weeks'); "
    "it becomes the process's promised date.",
)
@click.option("--interest", metavar="1-5", help="How much you want the job now (1-5).")
@click.option("--editor", is_flag=True, help="Write the answers in $EDITOR (for long answers).")
@click.option("--round", "round_", type=int, help="The interview round (default: the latest).")
@click.option("--language", help="Ask in this language (default: the thread's language).")
@click.option("--json", "as_json", is_flag=True, help="Print the saved reflection as JSON.")
def reflect_command(
    config_path: str | None,
    now_text: str | None,
    process_id: str,
    pairs: tuple[str, ...],
    answer_by_text: str | None,
    interest: str | None,
    editor: bool,
    round_: int | None,
    language: str | None,
    as_json: bool,
) -> None:
    """Look back on an interview: what went well, what to do better, what you learnt about
    the employer, what they said about the next steps and when they decide, and how much
    you want the job now.

    Without answers on the command line each question is asked in turn (blank skips);
    --editor opens $EDITOR instead. The answers stay in the local state database and
    `followup show ID` displays them. A day they said you would hear by becomes the
    process's promised date, as with `followup edit --promised-by`.
    """
    from agent.commands.correct import _override_for
    from agent.commands.review import Review

    config = load(config_path)
    now = resolve_now(now_text, config.timezone)
    with open_store(config) as store:
        review = Review(config, store, now)
        tz = review.tz
        view = review.find_view(process_id)
        p = view.process
        rules = _rules(config)
        lang = (language or p.language).strip().lower()
        texts = coaching.coaching_texts(rules, lang)
        round_no = p.round if round_ is None else round_
        if round_no < 0:
            raise UsageError("--round: expected 0 or more")
        earlier = coaching.reflections_of(p, store.reflections())
        previous = next((r for r in reversed(earlier) if r.round == round_no), None)
        ref = p.interview_at if p.interview_at and p.interview_at <= now else now

        def read_day(text: str | None) -> date | None:
            return resolve_answer_by(text, lang, ref, tz, holiday_country(config, rules))

        scripted = bool(pairs or answer_by_text or interest)
        try:
            given_interest = coaching.parse_interest(interest)
        except ValueError as exc:
            raise UsageError(f"--interest: {exc}") from None
        try:
            given_day = read_day(answer_by_text)
        except ValueError as exc:
            raise UsageError(f"--answer-by: {exc}") from None
        answers = dict(previous.answers) if previous else {}
        answers.update(_parse_pairs(pairs, texts))
        level = given_interest or (previous.interest if previous else None)
        day = given_day or (previous.answer_by if previous else None)
        title = views.company_label(p) + (f" — {p.role}" if p.role else "")
        if p.interview_at:
            title += f" ({views.when(p.interview_at, tz, now)})"
        if editor:
            extra = {
                coaching.ANSWER_BY: day.isoformat() if day else "",
                coaching.INTEREST: str(level or ""),
            }
            written = click.edit(editor_template(texts, title, answers, extra), extension=".md")
            if written is None:
                click.echo("Nothing saved (the editor was closed without saving).")
                return
            found = parse_editor_text(written)
            try:
                level = coaching.parse_interest(found.pop(coaching.INTEREST, "")) or None
                day = read_day(found.pop(coaching.ANSWER_BY, "")) or None
            except ValueError as exc:
                raise UsageError(f"in the editor: {exc}") from None
            answers = {q.key: found[q.key] for q in texts.text_questions if found.get(q.key)}
        elif not scripted:
            click.echo(f"{title}  [{p.id}]")
            answers, level, day = _ask(texts, previous, read_day)
        answers = {k: v for k, v in answers.items() if v}
        record = Reflection(
            process_id=p.id,
            round=round_no,
            created_at=previous.created_at if previous else now,
            updated_at=now,
            language=texts.language,
            interview_at=p.interview_at,
            answers=answers,
            interest=level,
            answer_by=day,
        )
        store.put_reflection(record)
        promise_changed = day is not None and day != p.promised_by
        if promise_changed:
            current = _override_for(store, p)
            store.put_override(replace(current, promised_by=day, updated_at=now))
        after = Review(config, store, now).find_view(p.id)
    if as_json:
        data = coaching.reflection_json(record, texts, tz)
        data["promised_by"] = views.iso_day(after.process.promised_by)
        data["next_action"] = after.next_action
        data["next_due_at"] = views.iso(after.next_due_at, tz)
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    click.echo("")
    click.echo(f"Saved your notes on {title} [{p.id}].")
    if promise_changed and day is not None:
        click.echo(
            f"They said you would hear by {views.day_text(day, now)}: that is now the promised date."
        )
    if after.next_action and after.next_due_at:
        label = action_label(after.next_action)
        click.echo(f"Next: {label} {views.when(after.next_due_at, tz, now)} ({after.next_reason}).")
