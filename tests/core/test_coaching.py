"""Interview coaching as pure functions: the checklist in the thread's language, the
reflection questions, and when to suggest looking back."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from agent import coaching
from agent.commands.coach import editor_template, parse_editor_text
from agent.errors import RulesError
from agent.records import INBOUND, OUTBOUND, CompetingOffer, Reflection, TrackedMessage
from agent.rules import Rules, shipped_parties, shipped_rules
from agent.tracker import Process, build_processes

OSLO = ZoneInfo("Europe/Oslo")
ME = "ola.nordmann@gmail.com"
LANGUAGES = ("en", "nb", "da", "sv")


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=OSLO)


def invitation(
    mid: str, sent: datetime, interview: datetime, lang: str, **kw: object
) -> TrackedMessage:
    return TrackedMessage(
        message_id=f"<{mid}@fjellvind.no>",
        account="main",
        direction=INBOUND,
        folder_role="inbox",
        date=sent,
        subject=str(kw.pop("subject", "Intervju")),
        from_name="Kari Nilsen",
        from_addr="kari.nilsen@fjellvind.no",
        to=(ME,),
        language=lang,
        kind="interview_invitation",
        confidence=0.9,
        company="Fjellvind AS",
        interview_at=interview,
        **kw,  # type: ignore[arg-type]
    )


def process(messages: list[TrackedMessage], now: datetime) -> Process:
    (found,) = build_processes(
        messages,
        own_addresses={ME},
        parties=shipped_parties(),
        now=now,
    )
    return found


def first_round(lang: str, now: datetime | None = None) -> Process:
    now = now or at(11, 16)
    return process([invitation("r1", at(11, 12), at(11, 19), lang)], now)


def second_round(lang: str, now: datetime | None = None) -> Process:
    now = now or at(11, 27)
    thanks = TrackedMessage(
        message_id="<thanks@gmail.com>",
        account="main",
        direction=OUTBOUND,
        folder_role="sent",
        date=at(11, 19, 15),
        subject="Takk for intervjuet",
        from_addr=ME,
        to=("kari.nilsen@fjellvind.no",),
        in_reply_to="<r1@fjellvind.no>",
        references=("<r1@fjellvind.no>",),
    )
    again = invitation(
        "r2", at(11, 26), at(12, 10, 9), lang, in_reply_to="<thanks@gmail.com>",
        references=("<thanks@gmail.com>",),
    )  # fmt: skip
    return process([invitation("r1", at(11, 12), at(11, 19), lang), thanks, again], now)


def texts(lang: str) -> coaching.CoachingTexts:
    return coaching.coaching_texts(shipped_rules(), lang)


# -- the texts ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_the_same_sections_and_questions(lang: str) -> None:
    english, other = texts("en"), texts(lang)
    assert other.language == lang
    assert (
        [s.key for s in other.sections] == [s.key for s in english.sections] == ["prepare", "ask"]
    )
    assert [q.key for q in other.questions] == [q.key for q in english.questions]
    assert {q.key for q in other.questions} >= {
        "went_well", "do_better", "employer", "next_steps", "answer_by", "interest",
    }  # fmt: skip
    assert len(other.later_round.items) == len(english.later_round.items)
    assert "{round}" in other.later_round.title and "{id}" in other.after


def test_a_language_without_coaching_texts_falls_back_to_english() -> None:
    assert texts("de").language == "en"


def test_nynorsk_is_coached_with_the_bokmaal_texts() -> None:
    assert texts("nn").language == "nb"


def test_a_users_coaching_file_replaces_the_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "coaching").mkdir()
    shipped = (shipped_rules().path("coaching/en.toml")).read_text(encoding="utf-8")  # type: ignore[union-attr]
    (tmp_path / "coaching" / "en.toml").write_text(
        shipped.replace('title = "Before the interview"', 'title = "Get ready"'), encoding="utf-8"
    )
    assert coaching.coaching_texts(Rules.load(tmp_path), "en").checklist_title == "Get ready"


def test_a_broken_coaching_file_is_named_with_its_key(tmp_path: Path) -> None:
    (tmp_path / "coaching").mkdir()
    (tmp_path / "coaching" / "en.toml").write_text(
        '[checklist]\ntitle = "x"\n[[checklist.sections]]\nkey = "prepare"\ntitle = "P"\nitems = "one"\n'
        '[reflection]\ntitle = "t"\n', encoding="utf-8",
    )  # fmt: skip
    with pytest.raises(RulesError, match=r"coaching/en.toml:checklist.sections\[0\]:items"):
        coaching.coaching_texts(Rules.load(tmp_path), "en")


def test_settings_are_checked() -> None:
    assert coaching.coaching_settings(shipped_rules()).suggest_reflect_within_days == 14
    with pytest.raises(RulesError, match="quiet_before_tracking_days"):
        coaching.CoachingSettings.from_mapping({"quiet_before_tracking_days": 0})


# -- the checklist ------------------------------------------------------------------------


def test_english_checklist_before_a_first_interview() -> None:
    p = first_round("en")
    checklist = coaching.interview_checklist(p, texts("en"))
    assert checklist is not None and checklist.round == 1 and checklist.language == "en"
    keys = [s.key for s in checklist.sections]
    assert keys == ["prepare", "ask", "after"]
    ask = checklist.sections[1].items
    assert any("When do you expect to decide" in item for item in ask)
    assert any("CV" in item for item in checklist.sections[0].items)
    assert checklist.sections[-1].items == (
        f"Afterwards, while you still remember it: followup reflect {p.id}",
    )


def test_norwegian_checklist_before_a_second_interview_says_what_usually_comes() -> None:
    p = second_round("nb")
    assert p.round == 2 and not p.interview_held
    checklist = coaching.interview_checklist(p, texts("nb"))
    assert checklist is not None
    later = next(s for s in checklist.sections if s.key == "later_round")
    assert later.title == "Runde 2: dette kommer gjerne nå"
    joined = " ".join(later.items)
    assert "Tester og case-oppgaver" in joined and "referanser" in joined
    assert "organisasjonskartet" in joined
    ask = next(s for s in checklist.sections if s.key == "ask")
    assert ask.items[0] == "Når regner dere med å bestemme dere, og hvordan får jeg vite det?"
    data = checklist.to_json()
    assert [s["key"] for s in data["sections"]] == ["prepare", "ask", "later_round", "after"]


@pytest.mark.parametrize(
    ("lang", "title", "decide"),
    [
        ("da", "Runde 2: det kommer der typisk nu", "Hvornår forventer I at træffe en beslutning"),
        ("sv", "Omgång 2: det här brukar komma nu", "När räknar ni med att bestämma er"),
    ],
)
def test_danish_and_swedish_checklists(lang: str, title: str, decide: str) -> None:
    checklist = coaching.interview_checklist(second_round(lang), texts(lang))
    assert checklist is not None
    assert any(s.title == title for s in checklist.sections)
    assert checklist.sections[1].items[0].startswith(decide)


def test_no_checklist_once_the_interview_is_held_or_the_process_ended() -> None:
    assert coaching.interview_checklist(first_round("en", now=at(11, 20)), texts("en")) is None
    rejected = process(
        [
            invitation("r1", at(11, 12), at(11, 19), "en"),
            TrackedMessage(
                message_id="<no@fjellvind.no>", account="main", direction=INBOUND,
                folder_role="inbox", date=at(11, 13), subject="Re: Intervju",
                from_addr="kari.nilsen@fjellvind.no", to=(ME,), kind="rejection",
                company="Fjellvind AS", in_reply_to="<r1@fjellvind.no>",
            ),
        ],
        at(11, 14),
    )  # fmt: skip
    assert coaching.interview_checklist(rejected, texts("en")) is None


def test_holding_another_offer_adds_the_question_about_their_timing() -> None:
    p = first_round("en")
    offer = CompetingOffer(created_at=at(11, 15), deadline=date(2026, 11, 25))
    checklist = coaching.interview_checklist(
        p, texts("en"), offers=[offer], today=date(2026, 11, 16)
    )
    assert checklist is not None
    assert checklist.sections[1].items[-1].startswith("You hold another offer")
    expired = coaching.interview_checklist(p, texts("en"), offers=[offer], today=date(2026, 11, 26))
    assert expired is not None and len(expired.sections[1].items) == len(
        texts("en").sections[1].items
    )


# -- looking back -------------------------------------------------------------------------


def reflection(p: Process, written: datetime, round_: int = 1) -> Reflection:
    return Reflection(p.id, round_, written, written, "en", p.interview_at, {"went_well": "x"})


def test_reflection_is_due_after_the_interview_until_you_write_it() -> None:
    before = first_round("en", now=at(11, 18))
    assert not coaching.reflection_due(before, [], now=at(11, 18), within_days=14)
    after = first_round("en", now=at(11, 20))
    assert coaching.reflection_due(after, [], now=at(11, 20), within_days=14)
    done = [reflection(after, at(11, 19, 18))]
    assert not coaching.reflection_due(after, done, now=at(11, 20), within_days=14)
    assert not coaching.reflection_due(
        after, [], now=at(11, 19) + timedelta(days=15), within_days=14
    )


def test_a_reflection_on_round_one_does_not_cover_round_two() -> None:
    p = second_round("nb", now=at(12, 11))
    assert p.round == 2 and p.interview_held
    first = [reflection(p, at(11, 19, 18), round_=1)]
    assert coaching.reflection_due(p, first, now=at(12, 11), within_days=14)
    both = [*first, reflection(p, at(12, 10, 16), round_=2)]
    assert not coaching.reflection_due(p, both, now=at(12, 11), within_days=14)


@pytest.mark.parametrize(
    ("text", "value"), [("4", 4), (" 5/5 ", 5), ("", None), (None, None), (3, 3)]
)
def test_interest_is_one_to_five(text: object, value: int | None) -> None:
    assert coaching.parse_interest(text) == value  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["0", "6", "very", "-1"])
def test_interest_out_of_range_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="1-5"):
        coaching.parse_interest(text)


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_editor_template_round_trips_long_answers(lang: str) -> None:
    t = texts(lang)
    template = editor_template(t, "Fjellvind AS", {"went_well": "old"}, {"interest": ""})
    assert t.questions[0].prompt in template and t.interest_scale in template
    written = template.replace(
        f"## went_well: {t.questions[0].prompt}\n# {t.questions[0].hint}\nold\n",
        f"## went_well: {t.questions[0].prompt}\n# {t.questions[0].hint}\nFirst line.\n\nSecond paragraph.\n",
    ).replace(f"## interest: {t.question('interest').prompt} ({t.interest_scale})\n",  # type: ignore[union-attr]
              f"## interest: {t.question('interest').prompt} ({t.interest_scale})\n4\n")  # type: ignore[union-attr]  # fmt: skip
    answers = parse_editor_text(written)
    assert answers["went_well"] == "First line.\n\nSecond paragraph."
    assert answers["interest"] == "4" and answers["do_better"] == ""


def test_reflection_json_names_each_question_in_its_language() -> None:
    p = first_round("nb", now=at(11, 20))
    r = Reflection(p.id, 1, at(11, 19, 18), at(11, 19, 18), "nb", p.interview_at,
                   {"went_well": "God kjemi"}, 4, date(2026, 11, 27))  # fmt: skip
    data = coaching.reflection_json(r, texts("nb"), OSLO)
    assert data["answers"] == [
        {"key": "went_well", "question": "Hva gikk bra, og hvorfor?", "answer": "God kjemi"}
    ]
    assert (data["interest"], data["answer_by"], data["round"]) == (4, "2026-11-27", 1)
