"""Interview coaching: the preparation checklist and the questions to look back with.

The texts are data (``rules/coaching/<lang>.toml``, one file a language, English when
a language has none); the numbers are in ``rules/coaching/settings.toml``. Everything
here is a pure function of a process, the texts, the user's reflections and ``now``.

A checklist is shown while an interview is ahead: what to prepare, the questions worth
asking (when they expect to decide among them) and, from the second round on, what
usually comes then (tests, a case, references). After the interview, ``followup
reflect`` asks the same questions every time, so each interview teaches something.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from agent.errors import RulesError
from agent.records import ACTIVE_STATES, CompetingOffer, Reflection
from agent.rules import Rules

if TYPE_CHECKING:  # `followup status` asks for coaching without deriving processes
    from agent.tracker import Process

FALLBACK_LANGUAGE = "en"
SETTINGS_FILE = "coaching/settings.toml"
# Question keys with a meaning of their own; the others are free text.
ANSWER_BY = "answer_by"
INTEREST = "interest"
INTEREST_RANGE = (1, 5)


@dataclass(frozen=True)
class Question:
    key: str
    label: str  # short, for `followup show`
    prompt: str
    hint: str = ""


@dataclass(frozen=True)
class Section:
    key: str  # prepare | ask | later_round | other_offer | after
    title: str
    items: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "items": list(self.items)}


@dataclass(frozen=True)
class Checklist:
    language: str
    round: int
    title: str
    sections: tuple[Section, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "round": self.round,
            "title": self.title,
            "sections": [s.to_json() for s in self.sections],
        }


@dataclass(frozen=True)
class CoachingTexts:
    """One language's coaching texts, checked when loaded."""

    language: str
    checklist_title: str
    sections: tuple[Section, ...]
    later_round: Section
    other_offer: str
    after: str
    reflection_title: str
    reflection_intro: str
    interest_scale: str
    answer_by_help: str
    questions: tuple[Question, ...]

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    @property
    def text_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.key not in (ANSWER_BY, INTEREST))


@dataclass(frozen=True)
class CoachingSettings:
    suggest_reflect_within_days: int = 14
    quiet_before_tracking_days: int = 21

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = SETTINGS_FILE) -> CoachingSettings:
        values: dict[str, int] = {}
        for key, default in cls().__dict__.items():
            value = data.get(key, default)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 3650:
                raise RulesError(f"{where}:{key}: expected a whole number 1-3650, got {value!r}")
            values[key] = value
        unknown = set(data) - set(values)
        if unknown:
            raise RulesError(f"{where}:{sorted(unknown)[0]}: unknown setting")
        return cls(**values)


# -- loading ---------------------------------------------------------------------------


def _text(table: Mapping[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str):
        raise RulesError(f"{where}:{key}: expected a string")
    return value.strip()


def _items(table: Mapping[str, Any], where: str) -> tuple[str, ...]:
    value = table.get("items")
    if not isinstance(value, list) or not value or not all(isinstance(i, str) for i in value):
        raise RulesError(f"{where}:items: expected a list of strings")
    return tuple(i.strip() for i in value)


def texts_from_mapping(data: Mapping[str, Any], language: str, where: str) -> CoachingTexts:
    """Check one coaching file; an error names ``file:table.key``."""
    checklist = data.get("checklist")
    reflection = data.get("reflection")
    if not isinstance(checklist, dict) or not isinstance(reflection, dict):
        raise RulesError(f"{where}: expected [checklist] and [reflection] tables")
    sections = []
    for n, raw in enumerate(checklist.get("sections") or []):
        at = f"{where}:checklist.sections[{n}]"
        if not isinstance(raw, dict):
            raise RulesError(f"{at}: expected a table")
        sections.append(Section(_text(raw, "key", at), _text(raw, "title", at), _items(raw, at)))
    if not sections:
        raise RulesError(f"{where}:checklist.sections: expected at least one section")
    later = checklist.get("later_round") or {}
    other = checklist.get("other_offer") or {}
    after = checklist.get("after") or {}
    questions = []
    for n, raw in enumerate(reflection.get("questions") or []):
        at = f"{where}:reflection.questions[{n}]"
        if not isinstance(raw, dict):
            raise RulesError(f"{at}: expected a table")
        questions.append(
            Question(
                _text(raw, "key", at),
                _text(raw, "label", at),
                _text(raw, "prompt", at),
                str(raw.get("hint") or "").strip(),
            )
        )
    keys = [q.key for q in questions]
    if len(set(keys)) != len(keys) or not questions:
        raise RulesError(f"{where}:reflection.questions: expected questions with distinct keys")
    return CoachingTexts(
        language=language,
        checklist_title=_text(checklist, "title", f"{where}:checklist"),
        sections=tuple(sections),
        later_round=Section(
            "later_round",
            _text(later, "title", f"{where}:checklist.later_round"),
            _items(later, f"{where}:checklist.later_round"),
        ),
        other_offer=_text(other, "item", f"{where}:checklist.other_offer"),
        after=_text(after, "item", f"{where}:checklist.after"),
        reflection_title=_text(reflection, "title", f"{where}:reflection"),
        reflection_intro=_text(reflection, "intro", f"{where}:reflection"),
        interest_scale=_text(reflection, "interest_scale", f"{where}:reflection"),
        answer_by_help=_text(reflection, "answer_by_help", f"{where}:reflection"),
        questions=tuple(questions),
    )


def coaching_texts(rules: Rules, language: str) -> CoachingTexts:
    """The texts of ``language``; else those of the language it is read as (Nynorsk as
    Bokmål, ``read_as`` in langid.toml); else English."""
    profile = rules.toml("langid.toml", required=False).get(language)
    read_as = profile.get("read_as") if isinstance(profile, dict) else None
    for lang in dict.fromkeys((language, str(read_as or language), FALLBACK_LANGUAGE)):
        relative = f"coaching/{lang}.toml"
        if rules.has(relative):
            return texts_from_mapping(rules.toml(relative), lang, relative)
    raise RulesError(f"rules file coaching/{FALLBACK_LANGUAGE}.toml not found")


def coaching_settings(rules: Rules) -> CoachingSettings:
    return CoachingSettings.from_mapping(rules.toml(SETTINGS_FILE, required=False))


# -- the checklist ---------------------------------------------------------------------


def interview_ahead(process: Process) -> bool:
    """An invitation is recorded and the interview has not been held yet."""
    return process.round >= 1 and not process.interview_held and process.state in ACTIVE_STATES


def holds_other_offer(process: Process, offers: Iterable[CompetingOffer], today: date) -> bool:
    return any(
        o.deadline >= today and not (o.process_id and process.answers_to(o.process_id))
        for o in offers
    )


def interview_checklist(
    process: Process,
    texts: CoachingTexts,
    *,
    offers: Sequence[CompetingOffer] = (),
    today: date | None = None,
) -> Checklist | None:
    """The checklist for the interview ahead, or None when there is none ahead."""
    if not interview_ahead(process):
        return None
    sections = list(texts.sections)
    if process.round >= 2:
        later = texts.later_round
        sections.append(
            Section(later.key, later.title.format(round=process.round, id=process.id), later.items)
        )
    if today is not None and holds_other_offer(process, offers, today):
        ask = next((s for s in sections if s.key == "ask"), None)
        if ask is not None:
            sections[sections.index(ask)] = Section(
                ask.key, ask.title, (*ask.items, texts.other_offer)
            )
    sections.append(Section("after", "", (texts.after.format(round=process.round, id=process.id),)))
    return Checklist(texts.language, process.round, texts.checklist_title, tuple(sections))


# -- looking back ----------------------------------------------------------------------


def reflections_of(process: Process, reflections: Iterable[Reflection]) -> list[Reflection]:
    """The process's reflections (stored under its id or an older id of it), oldest first."""
    mine = [r for r in reflections if process.answers_to(r.process_id)]
    return sorted(mine, key=lambda r: (r.round, r.created_at))


def looked_back(process: Process, reflections: Iterable[Reflection]) -> bool:
    """Has the user reflected on the process's latest interview?"""
    if process.interview_at is None:
        return any(r.round >= process.round for r in reflections_of(process, reflections))
    return any(
        r.round >= process.round or r.created_at >= process.interview_at
        for r in reflections_of(process, reflections)
    )


def reflection_due(
    process: Process,
    reflections: Iterable[Reflection],
    *,
    now: datetime,
    within_days: int,
) -> bool:
    """The interview's time has passed (within ``within_days``) and it has no reflection."""
    at = process.interview_at
    if at is None or not process.interview_held or at > now:
        return False
    if now - at > timedelta(days=within_days):
        return False
    return not looked_back(process, reflections)


def parse_interest(text: str | int | None) -> int | None:
    """1-5 from what the user typed ("4", "4/5"); None when blank; ValueError otherwise."""
    if text is None:
        return None
    raw = str(text).strip()
    if not raw:
        return None
    head = raw.split("/")[0].strip()
    if not head.isdigit() or not INTEREST_RANGE[0] <= int(head) <= INTEREST_RANGE[1]:
        raise ValueError(f"expected a number {INTEREST_RANGE[0]}-{INTEREST_RANGE[1]}, got {raw!r}")
    return int(head)


def reflection_json(reflection: Reflection, texts: CoachingTexts, tz: Any) -> dict[str, Any]:
    """A stored reflection as shown by ``followup show --json`` and ``reflect --json``."""
    answers = []
    for key, text in reflection.answers.items():
        q = texts.question(key)
        answers.append({"key": key, "question": q.prompt if q else key, "answer": text})
    return {
        "process": reflection.process_id,
        "round": reflection.round,
        "language": reflection.language,
        "interview_at": reflection.interview_at.astimezone(tz).isoformat()
        if reflection.interview_at
        else None,
        "created_at": reflection.created_at.astimezone(tz).isoformat(),
        "updated_at": reflection.updated_at.astimezone(tz).isoformat(),
        "answers": answers,
        "interest": reflection.interest,
        "answer_by": reflection.answer_by.isoformat() if reflection.answer_by else None,
    }
