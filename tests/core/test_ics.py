"""The calendar: interviews and follow-up days as an iCalendar file, parsed back and checked.

Pure part on the synthetic history (tests/history.py); the command and the calendar_file
kept up to date on the corpus mailbox of test_review_cli.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import history
import pytest
from history import NOW, OSLO
from icalendar import Calendar
from locations import CORPUS
from test_review_cli import LATER, SCAN_AT, make_mailbox, ok, scanned_mailbox

from agent.analysis.calendar import BusinessCalendar
from agent.board import board
from agent.ics import CalendarTexts, build_calendar, calendar_events, interviews_of, same_calendar
from agent.policy import load_policy
from agent.records import INBOUND, TrackedMessage
from agent.rules import load_parties, shipped_rules
from agent.tracker import build_processes

TEXTS = CalendarTexts.from_mapping(shipped_rules().toml("calendar.toml"))


def _views(messages: list[TrackedMessage] | None = None, now: datetime = NOW):  # type: ignore[no-untyped-def]
    rules = shipped_rules()
    processes = build_processes(
        messages if messages is not None else history.messages(),
        own_addresses={history.ME},
        parties=load_parties(rules),
        now=now,
    )
    return board(
        processes, [], now=now, policy=load_policy(rules), calendar=BusinessCalendar("NO"), tz=OSLO
    )


def _parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def _events(cal: Calendar) -> dict[str, dict[str, object]]:
    out = {}
    for e in cal.walk("VEVENT"):
        out[str(e["UID"])] = {
            "summary": str(e["SUMMARY"]),
            "start": e.decoded("DTSTART"),
            "end": e.decoded("DTEND"),
            "location": str(e.get("LOCATION")) if e.get("LOCATION") else None,
            "url": str(e.get("URL")) if e.get("URL") else None,
            "transp": str(e.get("TRANSP")),
            "description": str(e.get("DESCRIPTION") or ""),
        }
    return out


def test_the_file_is_a_valid_calendar_for_common_apps() -> None:
    data = build_calendar(_views(), now=NOW, tz=OSLO, texts=TEXTS)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines), "lines are folded at 75 octets"
    assert b"\n" not in data.replace(b"\r\n", b"")
    cal = _parse(data)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]).startswith("-//followup//")
    assert str(cal["X-WR-CALNAME"]) == "Job search"
    events = list(cal.walk("VEVENT"))
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)) and events
    for e in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in e, (required, e)
        assert e.decoded("DTSTAMP") == NOW.astimezone(UTC)
        assert e.decoded("DTEND") > e.decoded("DTSTART")


def test_interviews_are_timed_events_at_their_hour() -> None:
    events = _events(_parse(build_calendar(_views(), now=NOW, tz=OSLO, texts=TEXTS)))
    interviews = {k: v for k, v in events.items() if k.startswith("interview-")}
    by_summary = {v["summary"]: v for v in interviews.values()}
    assert set(by_summary) == {
        "Interview: Acme AS",
        "Interview: Dune Studio",
        "Interview: Fjord Kraft",
    }
    fjord = by_summary["Interview: Fjord Kraft"]
    assert fjord["start"] == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # 10:00 in Oslo
    assert fjord["end"] == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # an hour by default
    assert fjord["transp"] == "OPAQUE"
    assert by_summary["Interview: Acme AS"]["start"] == datetime(2026, 10, 13, 8, 0, tzinfo=UTC)
    assert "followup reflect" in str(fjord["description"])


def test_follow_up_days_are_all_day_and_do_not_block_time() -> None:
    views = _views()
    events = _events(_parse(build_calendar(views, now=NOW, tz=OSLO, texts=TEXTS)))
    followups = {k: v for k, v in events.items() if k.startswith("followup-")}
    expected = {
        v.process.company: v.next_due_at.astimezone(OSLO).date()
        for v in views
        if v.next_status in ("due", "scheduled", "draft_ready") and v.next_due_at
    }
    assert expected  # the history has follow-ups ahead
    got = {str(v["summary"]).rpartition(" to ")[2]: v for v in followups.values()}
    assert set(got) == set(expected)
    for company, day in expected.items():
        event = got[company]
        assert event["start"] == day and event["end"] == date.fromordinal(day.toordinal() + 1)
        assert event["transp"] == "TRANSPARENT"
        assert str(event["summary"]).startswith("Due: ")


def _invitation(mid: str, sent: datetime, when: datetime, **kw: object) -> TrackedMessage:
    return TrackedMessage(
        message_id=f"<{mid}@havbris.example>", account="main", direction=INBOUND,
        folder_role="inbox", date=sent, subject="Interview", from_addr="hr@havbris.example",
        to=(history.ME,), kind="interview_invitation", company="Havbris AS", interview_at=when,
        **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_a_moved_interview_appears_once_at_its_new_time_with_the_place_kept() -> None:
    first = _invitation(
        "i1", history.at(11, 20), history.at(11, 26, 10), interview_place="Strandkaien 2, Bergen"
    )
    moved = _invitation("i2", history.at(11, 24), history.at(11, 27, 9, 30),
                        in_reply_to="<i1@havbris.example>", references=("<i1@havbris.example>",))  # fmt: skip
    (view,) = _views([first, moved], now=history.at(11, 25))
    (interview,) = interviews_of(view.process, history.at(11, 25))
    assert (
        interview.start == history.at(11, 27, 9, 30) and interview.place == "Strandkaien 2, Bergen"
    )


def test_an_interview_still_ahead_in_an_ended_process_is_left_out() -> None:
    invite = _invitation("i1", history.at(11, 20), history.at(12, 4, 10))
    rejected = replace(invite, message_id="<no@havbris.example>", date=history.at(11, 25),
                       kind="rejection", interview_at=None, in_reply_to="<i1@havbris.example>")  # fmt: skip
    (view,) = _views([invite, rejected], now=history.at(11, 26))
    events = calendar_events([view], now=history.at(11, 26), tz=OSLO, texts=TEXTS)
    assert [e for e in events if e["kind"] == "interview"] == []


def test_mail_text_cannot_break_the_calendar() -> None:
    hostile = _invitation(
        "i1", history.at(11, 20), history.at(12, 4, 10),
        interview_place="Room 1\r\nEND:VEVENT\r\nBEGIN:VEVENT;x=\"y\", a;b\\c",
        role="Engineer\nDTSTART:19700101T000000Z",
    )  # fmt: skip
    data = build_calendar(
        _views([hostile], now=history.at(11, 21)), now=history.at(11, 21), tz=OSLO, texts=TEXTS
    )
    cal = _parse(data)
    (event,) = cal.walk("VEVENT")
    assert str(event["LOCATION"]).startswith("Room 1") and "END:VEVENT" in str(event["LOCATION"])
    assert event.decoded("DTSTART") == history.at(12, 4, 10).astimezone(UTC)
    assert data.count(b"\r\nBEGIN:VEVENT\r\n") == 1


def test_a_new_stamp_alone_is_no_change() -> None:
    views = _views()
    one = build_calendar(views, now=NOW, tz=OSLO, texts=TEXTS)
    two = build_calendar(views, now=history.at(12, 1, 13), tz=OSLO, texts=TEXTS)
    assert one != two and same_calendar(one, two)
    later = build_calendar(
        _views(now=history.at(12, 20)), now=history.at(12, 20), tz=OSLO, texts=TEXTS
    )
    assert not same_calendar(one, later)


# -- the command and the kept file -----------------------------------------------------------


@pytest.fixture
def config(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return scanned_mailbox(tmp_path_factory, tmp_path / "box")


def test_export_writes_a_private_file_with_the_teams_link(config: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "jobs.ics"
    text = ok(config, "calendar", "export", str(target), "--now", "2026-11-27T09:00:00+01:00")
    assert "event(s)" in text and str(target) in text
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    events = _events(_parse(target.read_bytes()))
    (kvarts,) = [e for e in events.values() if str(e["summary"]).startswith("Interview: Kvarts")]
    assert kvarts["start"] == datetime(2026, 11, 30, 14, 30, tzinfo=UTC)
    assert kvarts["location"] == "Microsoft Teams"
    assert str(kvarts["url"]).startswith("https://teams.microsoft.com/l/meetup-join/")
    assert any(
        str(e["summary"]).startswith("Due: follow-up to Brightwater") for e in events.values()
    )


def test_export_to_standard_output(config: Path) -> None:
    out = ok(config, "calendar", "export", "-", "--now", LATER)
    assert out.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in out


def test_calendar_file_is_kept_up_to_date_by_each_scan(tmp_path: Path) -> None:
    from agent.calendar_sync import refresh_calendar_file
    from agent.config import load_config
    from agent.store import Store

    config = make_mailbox(tmp_path)
    target = tmp_path / "cal" / "jobs.ics"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'languages = ["en", "nb"]\n', f'languages = ["en", "nb"]\ncalendar_file = "{target}"\n'),
        encoding="utf-8",
    )  # fmt: skip
    ok(config, "scan", "--now", SCAN_AT, "--json")
    assert target.is_file() and stat.S_IMODE(os.stat(target).st_mode) == 0o600
    first = target.read_bytes()
    assert b"Interview: Kvarts" in first
    loaded = load_config(config)
    assert loaded.calendar_file == target
    with Store.open(loaded.db_path) as store:
        assert not refresh_calendar_file(
            loaded, store, datetime.fromisoformat(LATER)
        )  # nothing new
        assert target.read_bytes() == first
        later = datetime(2027, 1, 20, 12, 0, tzinfo=OSLO)  # the follow-ups are past: events change
        assert refresh_calendar_file(loaded, store, later)
    assert target.read_bytes() != first


def test_a_calendar_file_that_cannot_be_written_does_not_fail_the_scan(tmp_path: Path) -> None:
    config = make_mailbox(tmp_path)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace(
        'languages = ["en", "nb"]\n', f'languages = ["en", "nb"]\ncalendar_file = "{blocker}/jobs.ics"\n'),
        encoding="utf-8",
    )  # fmt: skip
    ok(config, "scan", "--now", SCAN_AT, "--json")


def test_the_daemon_keeps_the_calendar_file_up_to_date(tmp_path: Path) -> None:
    from agent.config import load_config
    from agent.daemon.loop import Daemon, DaemonSettings, SimulatedClock
    from agent.notify import ServiceNotifier
    from agent.sources.maildir import MaildirSource
    from agent.store import Store

    corpus = CORPUS
    maildir = tmp_path / "Maildir"
    for folder in ("", ".Drafts", ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (maildir / folder / sub).mkdir(parents=True, exist_ok=True)
    target = tmp_path / "jobs.ics"
    (tmp_path / "config.toml").write_text(
        f'state_dir = "{tmp_path / "state"}"\ntimezone = "Europe/Oslo"\ncountry = "NO"\n'
        f'calendar_file = "{target}"\n\n[[accounts]]\nname = "local"\nmaildir = "{maildir}"\n'
        'address = "ingrid.lunde@hotmail.com"\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path / "config.toml")
    shutil.copy(corpus / "nb_invite_kalender.eml", maildir / "new" / "1763290000.M1P1.test")
    clock = SimulatedClock(datetime(2026, 11, 17, 8, 0, tzinfo=OSLO))
    with Store.open(config.db_path) as store:
        daemon = Daemon(
            config,
            store,
            settings=DaemonSettings(scan_interval=3600, tick=600),
            clock=clock,
            notifier=ServiceNotifier(send=lambda message: True, monotonic=clock.monotonic),
            source_factory=lambda account: MaildirSource(account.maildir, name=account.name),
        )
        daemon.run(until=datetime(2026, 11, 17, 8, 30, tzinfo=OSLO))
        (event,) = _parse(target.read_bytes()).walk("VEVENT")
        assert str(event["SUMMARY"]).startswith("Interview: Bølgen Data AS")
        assert str(event["LOCATION"]) == "Sandviksboder 1, Bergen"
        assert event.decoded("DTSTART") == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
        # A second employer's invitation arrives; the next pass adds it to the file.
        shutil.copy(corpus / "nb_invite_tid_i_tekst.eml", maildir / "new" / "1763290001.M2P1.test")
        daemon.run(until=datetime(2026, 11, 17, 10, 0, tzinfo=OSLO))
    summaries = sorted(str(e["SUMMARY"]) for e in _parse(target.read_bytes()).walk("VEVENT"))
    assert len(summaries) == 2 and summaries[1].startswith("Interview: Nordfjord Sparebank")
