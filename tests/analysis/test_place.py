"""Where an interview is: the invitation's calendar LOCATION, a place written in the text,
a video meeting link, or a phone call; rules in rules/places/."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from locations import CORPUS, REALWORLD

from agent.analysis import Analyzer
from agent.analysis.place import PlaceFinder
from agent.errors import RulesError
from agent.message import parse_message
from agent.rules import Rules, shipped_rules

CORPUS = CORPUS
FINDER = PlaceFinder.from_rules(shipped_rules(), ["en", "nb", "da", "sv"])


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(languages=("en", "nb"))


@pytest.mark.parametrize(
    ("name", "place", "link"),
    [
        ("en_invite_calendar_request", "Acme Robotics, Sandakerveien 24C, Oslo", None),  # LOCATION
        ("nb_invite_kalender", "Sandviksboder 1, Bergen", None),  # LOCATION
        ("en_invite_fixed_time", "Møllergata 12, Oslo", None),  # "at our office in ..."
        ("nb_invite_tid_i_tekst", "Eidsgata 10, Nordfjordeid", None),  # "i våre lokaler i ..."
        ("nb_invite_andre_runde", "Fjellvind AS, Kongens gate 4, Trondheim", None),  # "Sted:"
        ("en_invite_teams_video", "Microsoft Teams", "https://teams.microsoft.com/l/meetup-join/19%3ameeting_kvarts"),
        ("en_invite_us_eastern", "Zoom", "https://cobaltridge.zoom.us/j/8812345678"),
        ("nb_invite_teams", "Microsoft Teams", None),  # named; the link comes later
        ("en_invite_greenhouse_html", "Google Meet", None),
        ("en_invite_phone_screen_agency", "Phone", None),
        ("nb_invite_telefonintervju_byraa", "Telefon", None),
        ("en_invite_terse_mobile", None, None),  # nothing said
    ],
)  # fmt: skip
def test_place_and_link_of_real_invitations(
    analyzer: Analyzer, name: str, place: str | None, link: str | None
) -> None:
    result = analyzer.analyze(parse_message((CORPUS / f"{name}.eml").read_bytes()))
    assert result.kind == "interview_invitation"
    assert (result.interview_place, result.interview_link) == (place, link)


def test_mail_that_is_no_invitation_gets_no_place(analyzer: Analyzer) -> None:
    for name in ("en_notjob_team_meeting_invite", "en_status_within_two_weeks"):
        result = analyzer.analyze(parse_message((CORPUS / f"{name}.eml").read_bytes()))
        assert result.interview_place is None and result.interview_link is None


@pytest.mark.parametrize(
    ("lang", "text", "place"),
    [
        ("da", "Vi vil gerne invitere dig til samtale på vores kontor i Vestergade 12, Aarhus. Vel mødt.",
         "Vestergade 12, Aarhus"),
        ("da", "Hej Mette\n\nTid: tirsdag kl. 10\nSted: Havnegade 4, København\n", "Havnegade 4, København"),
        ("sv", "Välkommen på intervju i våra lokaler på Drottninggatan 5, Stockholm. Hälsningar",
         "Drottninggatan 5, Stockholm"),
        ("sv", "Intervjun äger rum hos oss på\nKungsgatan 2, Göteborg.", "Kungsgatan 2, Göteborg"),
        ("sv", "Vi ringer dig på torsdag för en telefonintervju.", None),
        ("en", "Location: Level 3, 1 Harbour St\nTime: 10:00", "Level 3, 1 Harbour St"),
        ("nb", "Oppmøte i resepsjonen,\nStorgata 1.", "resepsjonen, Storgata 1"),
    ],
)  # fmt: skip
def test_places_written_in_four_languages(lang: str, text: str, place: str | None) -> None:
    assert FINDER.written_place(text, lang) == place


def test_phone_interviews_in_danish_and_swedish() -> None:
    assert FINDER.by_phone("Vi ringer dig på torsdag för en telefonintervju.", "sv") == "Telefon"
    assert (
        FINDER.by_phone("Jeg ringer til dig torsdag kl. 14 til en kort telefonsamtale.", "da")
        == "Telefon"
    )


@pytest.mark.parametrize(
    ("text", "link", "service"),
    [
        ("Join: https://meet.google.com/abc-defg-hij.", "https://meet.google.com/abc-defg-hij", "Google Meet"),
        ("<https://us02web.zoom.us/j/123?pwd=x>", "https://us02web.zoom.us/j/123?pwd=x", "Zoom"),
        ("https://teams.microsoft.com.evil.example/l/x", None, None),  # not a Teams host
        ("https://evilzoom.us/j/1", None, None),
        ("https://example.com/careers", None, None),
    ],
)  # fmt: skip
def test_meeting_links_by_host(text: str, link: str | None, service: str | None) -> None:
    assert FINDER.meeting_link(text) == (link, service)


def test_a_pattern_without_a_place_group_is_named(tmp_path: Path) -> None:
    (tmp_path / "places").mkdir()
    (tmp_path / "places" / "en.toml").write_text(
        "line_patterns = ['(?i)where: (.*)']\n", encoding="utf-8"
    )
    with pytest.raises(RulesError, match=r"places/en.toml:line_patterns\[0\]"):
        PlaceFinder.from_rules(Rules.load(tmp_path), ["en"])


def test_long_hostile_text_is_read_in_linear_time() -> None:
    text = ("at our office in " + "x" * 119 + " ") * 20_000 + "Location: " + ":" * 100_000
    started = time.perf_counter()
    FINDER.written_place(text, "en")
    FINDER.meeting_link("https://" + "a" * 1_000_000)
    assert time.perf_counter() - started < 2.0


def _realworld(ident: str) -> tuple[str, str]:
    import json

    lang = ident.split("-", 1)[0]
    path = REALWORLD / f"{lang}.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] == ident:
            return row["body"], lang
    raise AssertionError(ident)


@pytest.mark.parametrize(
    ("ident", "place"),
    [
        ("en-rw-040", "Talent Core office, 7th floor, 12 Ton Duc Thang, District 1, Ho Chi Minh City"),
        ("en-rw-086", "Floor 18, Block Iris 3, Ha Do Centrosa, 118 3/2 street, District 10, HCMC"),
        ("nb-rw-029", "Industriveien 14, Sandnes"),
        ("nb-rw-031", "Microsoft Teams"),
        ("da-rw-008", "Vesterbrogade 149, 1620 København V"),
        ("da-rw-086", "Microsoft Teams"),
        ("sv-rw-012", "Kungsgatan 61, Uppsala"),
        ("sv-rw-071", "Telefon"),
    ],
)  # fmt: skip
def test_places_in_the_real_world_set(ident: str, place: str) -> None:
    text, lang = _realworld(ident)
    found = (
        FINDER.written_place(text, lang)
        or FINDER.meeting_link(text)[1]
        or FINDER.named_service(text)
        or FINDER.by_phone(text, lang)
    )
    assert found == place


def test_teams_as_a_word_is_no_meeting() -> None:
    assert FINDER.named_service("Our teams work across three offices.") is None
    assert FINDER.named_service("Intervjuet holdes på Teams.") == "Microsoft Teams"
