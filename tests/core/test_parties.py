"""Who is behind a thread: the employer, the contact person and the intermediary, each
with a confidence and its evidence; who is greeted by first name; which role is named."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import pytest

from agent.errors import RulesError
from agent.message import parse_message
from agent.parties import AGENCY, ATS, CONFIDENT, PartyRules, thread_parties
from agent.records import INBOUND, OUTBOUND, TrackedMessage
from agent.rules import shipped_parties, shipped_rules
from agent.subjects import strip_reply_prefixes

OSLO = ZoneInfo("Europe/Oslo")
ME = "ola.nordmann@gmail.com"
PARTIES = shipped_parties()


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=OSLO)


def tracked(mid: str, when: datetime, kind: str = "status_update", **kw: object) -> TrackedMessage:
    direction = kw.pop("direction", INBOUND)
    fields: dict[str, object] = {
        "account": "me",
        "direction": direction,
        "folder_role": "inbox" if direction == INBOUND else "sent",
        "subject": "Your application",
        "from_addr": ME if direction == OUTBOUND else "someone@example.org",
        "to": (ME,) if direction == INBOUND else ("jobs@example.org",),
    }
    fields.update(kw)
    return TrackedMessage(message_id=f"<{mid}>", date=when, kind=kind, **fields)  # type: ignore[arg-type]


def thread(*messages: TrackedMessage, **kw: object):  # type: ignore[no-untyped-def]
    return thread_parties(messages, own={ME}, rules=PARTIES, **kw)  # type: ignore[arg-type]


def mail(sender: str, subject: str, body: str, **headers: str):  # type: ignore[no-untyped-def]
    m = EmailMessage()
    m["From"] = sender
    m["To"] = ME
    m["Subject"] = subject
    m["Date"] = format_datetime(at(11, 16))
    m["Message-ID"] = "<m1@example.org>"
    for name, value in headers.items():
        m[name.replace("_", "-")] = value
    m.set_content(body)
    return parse_message(m.as_bytes())


# -- the rules are data ------------------------------------------------------------------------


def test_rules_come_in_as_data_and_errors_name_the_file_and_key() -> None:
    rules = PartyRules.from_data(
        {"ats": {"teamtailor.com": "Teamtailor"}},
        {"addresses": {"noreply_local": ["no[-_.]?reply"]}},
    )
    assert rules.ats_for("mail.teamtailor.com") == "Teamtailor"
    assert rules.is_noreply("noreply@acme.no")
    with pytest.raises(RulesError, match="employers.toml:addresses.noreply_local"):
        PartyRules.from_data({}, {"addresses": {"noreply_local": ["("]}})
    with pytest.raises(RulesError, match="ats.toml:agencies:names"):
        PartyRules.from_data({"agencies": {"names": "adecco"}}, {})


def test_the_shipped_default_is_read_once() -> None:
    assert shipped_parties() is shipped_parties()
    assert "en" in shipped_parties().company_patterns


@pytest.mark.parametrize(
    ("address", "no_reply"),
    [
        ("noreply@acme.no", True),
        ("no-reply+123@teamtailor.com", True),
        ("careers-noreply@acme.com", True),  # one rule, whichever part says it
        ("karriar.noreply@kustbanken.se", True),
        ("ikke-svar@arbeidsplassen.no", True),
        ("notifications@jobs.example.org", True),
        ("kari.nordmann@acme.no", False),
        ("systemutvikler@acme.no", False),
    ],
)
def test_one_no_reply_rule(address: str, no_reply: bool) -> None:
    assert PARTIES.is_noreply(address) is no_reply


def test_reply_prefixes_have_one_owner() -> None:
    assert strip_reply_prefixes("SV: Re: AW[2]: Intervju") == "Intervju"
    assert strip_reply_prefixes("VS: Tilbud") == "VS: Tilbud"  # a reply keeps a forward's mark
    assert strip_reply_prefixes("Re: Fwd: VS: Tilbud", forwards=True) == "Tilbud"


@pytest.mark.parametrize(
    ("domain", "registrable"),
    [
        ("mail.tindralabs.co.uk", "tindralabs.co.uk"),
        ("jobs.acme.com.au", "acme.com.au"),
        ("post.vestvik.kommune.no", "vestvik.kommune.no"),
        ("elev.nordby.vgs.no", "nordby.vgs.no"),
        ("hr.acme.no", "acme.no"),
    ],
)
def test_registrable_domains(domain: str, registrable: str) -> None:
    assert PARTIES.registrable_domain(domain) == registrable


# -- one message ---------------------------------------------------------------------------------


def test_an_ats_sender_names_the_employer_and_is_the_intermediary() -> None:
    msg = mail(
        "Acme AS via Teamtailor <no-reply@teamtailor.com>",
        "Thank you for your application",
        "Hi Ola,\n\nThank you for applying to Acme. We will be in touch.\n",
    )
    found = PARTIES.read(msg, "en")
    assert found.company == "Acme AS" and found.ats == "Teamtailor" and found.no_reply
    assert found.employer is not None and found.employer.confident
    assert "Acme AS via Teamtailor" in found.employer.evidence
    [intermediary] = found.intermediaries
    assert (intermediary.kind, intermediary.confidence) == (ATS, 1.0)
    assert found.contact is None  # a system wrote, not a person


def test_an_agency_is_an_intermediary_and_its_client_the_employer() -> None:
    msg = mail(
        "Kari Lund <kari.lund@adecco.no>",
        "Intervju",
        "Hei,\n\nTakk for interessen for stillingen som lagermedarbeider.\n\n"
        "Vi rekrutterer på vegne av Nordlager AS.\n",
    )
    found = PARTIES.read(msg, "nb")
    assert found.agency == "Adecco"
    assert any(f.kind == AGENCY for f in found.intermediaries)
    assert found.contact is not None and found.contact.value == "Kari Lund"


def test_the_name_that_spells_the_mail_domain_is_the_employer() -> None:
    msg = mail(
        "Beth Morgan <beth@tindralabs.co.uk>",
        "Interview invitation - Data Analyst",
        "Dear Ola,\n\nWe would like to invite you to an interview.\n\n"
        "Best,\nBeth Morgan\nCTO, Tindra Labs\n",
    )
    found = PARTIES.read(msg, "en")
    assert found.employer is not None
    assert (found.employer.value, found.employer.confidence) == ("Tindra Labs", 0.9)
    assert "tindralabs.co.uk" in found.employer.evidence
    assert found.contact is not None and found.contact.value == "Beth Morgan"
    assert found.role is not None and found.role.value == "Data Analyst"


def test_a_domain_alone_is_a_low_confidence_employer() -> None:
    msg = mail("Recruiting <jobs@lakesidebuilding.com>", "Your application", "Thanks.\n")
    found = PARTIES.read(msg, "en")
    assert found.employer is not None and not found.employer.confident
    assert "only the mail domain" in found.employer.evidence


def test_a_role_never_equals_the_employer() -> None:
    msg = mail(
        "Brekke Engineering <jobs@brekke-engineering.no>",
        "Brekke Engineering",
        "Thank you for applying to Brekke Engineering.\n",
    )
    found = PARTIES.read(msg, "en")
    assert found.company == "Brekke Engineering" and found.role is None


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Kari Lund", True),
        ("Søren Kragh", True),
        ("Acme Recruiting", False),
        ("Human Resources", False),
        ("Phil at ZipRecruiter", False),
        ("Fjordtech Graduate Programme", False),
        ("Københavns Kommune", False),
        ("Region Västerdal", False),
        ("DoHR", False),
        ("Nordbygg AB", False),
        ("Acme Ltd.", False),
        ("Kari Da Silva", True),
    ],
)
def test_a_person_is_told_from_a_team_a_programme_or_a_company(name: str, person: bool) -> None:
    assert PARTIES.looks_like_person(name) is person


# -- a thread --------------------------------------------------------------------------------------


def test_no_reply_sender_falls_back_to_the_recruiter_seen_elsewhere() -> None:
    human = tracked(
        "k1@acme.no",
        at(11, 16),
        from_name="Nordmann, Kari",
        from_addr="kari.nordmann@acme.no",
        company="Acme",
    )
    robot = tracked(
        "tt@teamtailor.com",
        at(12, 1),
        "rejection",
        from_name="Acme via Teamtailor",
        from_addr="no-reply@teamtailor.com",
        company="Acme AS",
        ats="Teamtailor",
    )
    found = thread(human, robot)
    assert found.contact.address == "kari.nordmann@acme.no"
    assert found.contact.greeting_name == "Kari" and found.contact.message_id == "<k1@acme.no>"
    assert found.contact.confidence >= CONFIDENT and "<k1@acme.no>" in found.contact.evidence
    assert found.company == "Acme AS"
    assert found.intermediary is not None and found.intermediary.value == "Teamtailor"


def test_no_human_anywhere_leaves_no_contact_but_keeps_the_signature_name() -> None:
    robot = tracked(
        "tt@teamtailor.com",
        at(12, 1),
        "rejection",
        from_name="Acme via Teamtailor",
        from_addr="noreply@teamtailor.com",
        company="Acme AS",
        contact_name="Kari Nordmann",
    )
    found = thread(robot)
    assert found.contact.address is None and found.contact.greeting_name == "Kari"


def test_the_user_wrote_to_a_human_in_a_no_reply_thread() -> None:
    robot = tracked(
        "w1@myworkday.com",
        at(11, 3),
        "application_received",
        from_addr="donotreply@myworkday.com",
        company="Delta",
    )
    mine = tracked(
        "o1@gmail.com",
        at(11, 5),
        direction=OUTBOUND,
        to=("anne.lie@delta.com",),
        to_names=("Anne Lie",),
        in_reply_to="<w1@myworkday.com>",
    )
    found = thread(robot, mine)
    assert (found.contact.name, found.contact.address) == ("Anne Lie", "anne.lie@delta.com")
    assert found.contact.greeting_name == "Anne"


def test_reply_to_is_honoured_but_a_foreign_one_is_noted_and_passed_over() -> None:
    via_ats = tracked(
        "tt@teamtailor.com",
        at(11, 16),
        from_name="Kari via Teamtailor",
        from_addr="no-reply@teamtailor.com",
        reply_to=("kari@acme.no",),
        company="Acme",
    )
    found = thread(via_ats)
    assert found.contact.address == "kari@acme.no" and found.contact.note is None
    lookalike = tracked(
        "k1@acme.no",
        at(11, 16),
        from_name="Kari",
        from_addr="kari@acme.no",
        reply_to=("kari@acme-hr.co",),
        company="Acme",
    )
    found = thread(lookalike)
    # The employer's own address wrote: a Reply-To elsewhere is flagged, not followed (T26).
    assert found.contact.address == "kari@acme.no"
    assert found.contact.note is not None and "acme-hr.co" in found.contact.note
    assert found.contact.confidence < 0.9


@pytest.mark.parametrize(
    ("display", "address", "greeting"),
    [
        ("Kari Nordmann via Teamtailor", "kari@acme.no", "Kari"),
        ("KARI NORDMANN", "kari@acme.no", "Kari"),
        ("Jonas", "jonas@acme.no", "Jonas"),
        ("Kari", "recruiting@acme.no", None),  # one word the address does not bear out
        ("Acme Recruiting", "kari@acme.no", None),
        ("HR", "kari@acme.no", None),
        ("Rekrutteringsteamet i Acme", "kari@acme.no", None),
        ("Acme", "kari@acme.no", None),
        ("Human Resources", "hr@brekke-engineering.no", None),
        ("Nordvik International Engineers", "jobs@nordvik.no", None),
    ],
)
def test_a_first_name_only_when_the_contact_is_a_person(
    display: str, address: str, greeting: str | None
) -> None:
    m = tracked("k1@acme.no", at(11, 16), from_name=display, from_addr=address, company="Acme")
    assert thread(m).contact.greeting_name == greeting


def test_an_employer_known_only_by_its_domain_is_left_out_of_drafts() -> None:
    m = tracked("k1@acme.no", at(11, 16), from_addr="kari@acme.no")
    found = thread(m)
    assert found.employer is not None and found.employer.value == "acme.no"
    assert not found.employer.confident


def test_the_users_own_word_outranks_the_mail() -> None:
    m = tracked("g1@gamma.no", at(12, 5), from_addr="siri@gamma.no", company="Gamma")
    found = thread(m, manual=True, company="Gamma AS", role="Controller")
    assert found.employer is not None
    assert (found.employer.value, found.employer.confidence) == ("Gamma AS", 1.0)
    assert found.role is not None and found.role.value == "Controller"


def test_a_thread_role_that_is_the_employers_name_is_dropped() -> None:
    m = tracked(
        "n1@nuts.com", at(11, 16), from_addr="careers@nuts.com", company="Nuts.com", role="Nuts"
    )
    assert thread(m).role is None
    m = tracked("a1@acme.no", at(11, 16), from_addr="kari@acme.no", company="Acme", role="Tester")
    role = thread(m).role
    assert role is not None and role.value == "Tester" and role.confident


def test_parties_read_no_files() -> None:
    """The module is handed its data: it imports neither the rules loader nor any I/O."""
    import agent.parties as parties

    source = open(parties.__file__, encoding="utf-8").read()  # noqa: SIM115
    for banned in ("from agent.rules", "open(", "Path(", "datetime.now", "import socket"):
        assert banned not in source
    assert shipped_rules().toml("employers.toml")["addresses"]["noreply_local"]
