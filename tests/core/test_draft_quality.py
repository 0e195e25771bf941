"""Drafts a careful person would send: who to greet, which role and employer, what was
promised and in which words, and the check every draft passes before it is appended."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from test_drafts import ME, NOW, TEMPLATES, acme, action, at, inbound, render

from agent.analysis.types import Evidence
from agent.draft_check import DraftCheck
from agent.policy import ACTIONS
from agent.rules import shipped_parties, shipped_rules
from agent.tracker import build_processes

PARTIES = shipped_parties()


def _process(**kw: object):  # type: ignore[no-untyped-def]
    language = kw.pop("language", "en")
    mail = [
        inbound(
            "<s1@x>",
            at(11, 24, 15),
            "status_update",
            promised_by=date(2026, 12, 4),
            language=language,
            subject="Your application",
            **kw,
        )
    ]
    [process] = build_processes(mail, own_addresses={ME}, parties=PARTIES, now=NOW)
    return process


@pytest.mark.parametrize(
    ("from_name", "from_addr", "company"),
    [
        ("Human Resources", "hr@brekke-engineering.no", "Brekke Engineering"),
        ("Fjordtech Graduate Programme", "graduates@fjordtech.no", "Fjordtech"),
        ("Nordvik International Engineers", "jobs@nordvik.no", "Nordvik"),
        ("Recruiting", "kari@acme.no", "Acme"),
        ("Kari", "recruiting@acme.no", "Acme"),  # one word the address does not bear out
    ],
)
def test_a_team_or_company_is_greeted_neutrally(
    from_name: str, from_addr: str, company: str
) -> None:
    draft = render(_process(from_name=from_name, from_addr=from_addr, company=company))
    assert draft.body.startswith("Hi,\n")


@pytest.mark.parametrize(
    ("from_name", "from_addr", "first"),
    [
        ("Kari Lund", "kari.lund@acme.no", "Kari"),
        ("Søren Kragh", "soren.kragh@acme.dk", "Søren"),
        ("Maria Lund", "maria@acme.no", "Maria"),
        ("Jonas", "jonas@acme.no", "Jonas"),
    ],
)
def test_a_person_is_greeted_by_first_name(from_name: str, from_addr: str, first: str) -> None:
    draft = render(_process(from_name=from_name, from_addr=from_addr, company="Acme"))
    assert draft.body.startswith(f"Hi {first},\n")


@pytest.mark.parametrize(
    ("role", "company", "language", "not_in_body"),
    [
        ("Brekke Engineering", "Brekke Engineering", "en", "Brekke Engineering role"),
        ("Application Submitted Successfully", "Acme", "en", "Submitted"),
        ("Opptaksmøte", "Studentforeningen", "nb", "Opptaksmøte"),
    ],
)
def test_a_role_that_is_no_role_is_left_out(
    role: str, company: str, language: str, not_in_body: str
) -> None:
    process = _process(role=role, company=company, language=language)
    draft = render(process)
    assert not_in_body not in draft.body
    # A role that is the employer's name is never found (agent.parties); any other
    # non-role is caught by the check and said neutrally.
    assert process.role is None or any("said neutrally" in note for note in draft.notes)
    assert (process.role is None) == (role == company)
    assert not draft.problems


@pytest.mark.parametrize(
    ("company", "from_addr"),
    [
        ("Edu", "admissions@melbourne-institute.edu.au"),
        ("Lakesidebuilding", "hr@lakesidebuilding.com"),
        ("Riverside Food Bank and I and would be glad", "kari.nordmann@acme.no"),
        ("Kari Lund:evil@attacker.example;", "kari.lund@acme-robotics.no"),
    ],
)
def test_a_company_read_from_a_domain_or_a_signature_line_is_left_out(
    company: str, from_addr: str
) -> None:
    draft = render(_process(company=company, role="Volunteer Coordinator", from_addr=from_addr))
    assert company not in draft.body
    assert "the Volunteer Coordinator role" in draft.body


def test_an_employer_known_only_by_its_mail_domain_is_left_out() -> None:
    process = _process(company=None, role="Volunteer Coordinator", from_addr="kari@riverside.org")
    draft = render(process)
    assert process.company == "riverside.org" and "riverside" not in draft.body.lower()
    assert "Volunteer Coordinator" in draft.body
    assert any(note.startswith("left out: the employer") for note in draft.notes)
    assert not draft.problems


def test_a_compound_name_the_employer_signs_with_is_kept() -> None:
    draft = render(_process(company="Kompetansehuset", role="Rådgiver", language="nb",
                            from_addr="noreply@recman.no"))  # fmt: skip
    assert "Kompetansehuset" in draft.body


def test_a_shortlisted_promise_is_quoted_with_its_condition() -> None:
    evidence = Evidence(
        "Only shortlisted applicants will hear from us within 5-8 working days.",
        "within 5-8 working days",
        date(2026, 12, 4),
        "shortlisted",
    )
    draft = render(_process(evidence=(evidence,)))
    assert "shortlisted applicants would hear from you by Friday 4 December" in draft.body
    assert "you would get back to me" not in draft.body


def test_after_an_interview_the_norwegian_draft_thanks_for_the_interview() -> None:
    process = _process(language="nb", after_interview=True, from_name="Siri Hauge",
                       from_addr="siri.hauge@havbris.no", company="Havbris")  # fmt: skip
    draft = render(process)
    assert draft.body.startswith("Hei Siri,\n")
    assert "Takk igjen for intervjuet" in draft.body
    assert "vurderer søknaden" not in draft.body


def test_a_draft_that_still_fails_the_check_is_not_appended() -> None:
    broken = replace(
        TEMPLATES,
        templates={
            **TEMPLATES.templates,
            (
                "en",
                "followup_after_promise",
            ): "Subject: x\n$greeting\n\nI would would like to know.\n",
        },
    )
    process = acme()
    from agent.drafts import render_draft

    draft = render_draft(process, action(process), account_address=ME, account_name="Ola",
                         templates=broken, now=NOW, tz=NOW.tzinfo)  # type: ignore[arg-type]  # fmt: skip
    assert draft.problems == ("the word 'would' twice in a row",)
    assert any(note.startswith("not appended") for note in draft.notes)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("I applied for the role at Acme and.", "a sentence ends on 'and'"),
        ("Hi the the team,", "the word 'the' twice in a row"),
        ("Hi $name,", "a placeholder is left: $name"),
        ("I and would and be glad", "'and' twice around one word"),
        ("Write to me at x@evil.example.", "an address or a link in the text: x@evil.example."),
    ],
)
def test_the_text_check_names_what_is_wrong(text: str, problem: str) -> None:
    assert problem in TEMPLATES.check.text_problems(text)


@pytest.mark.parametrize("language", ["en", "nb", "da", "sv"])
@pytest.mark.parametrize("kind", ACTIONS)
def test_every_shipped_draft_passes_the_check_in_the_threads_language(
    language: str, kind: str
) -> None:
    process = acme(language)
    draft = render(process, action(process, kind, offer_deadline=date(2026, 12, 11)))
    assert draft.language == language
    assert not draft.problems, draft.body
    greeting = {"en": "Hi Kari,", "nb": "Hei Kari,", "da": "Hej Kari", "sv": "Hej Kari,"}
    assert draft.body.startswith(greeting[language] + "\n")


def test_an_empty_text_check_passes() -> None:
    assert DraftCheck().text_problems("Hi Kari,\n\nThank you.\n") == []


@pytest.mark.parametrize(
    ("signature", "phone"),
    [
        ("Maria Lund\nHR-rådgiver\nTlf: +47 912 34 567\nmaria@acme.no", "+47 912 34 567"),
        ("Kari Nilsen\n+47 41 22 33 44", "+47 41 22 33 44"),
        ("Jonas Vik\nMobile: (555) 123-4567", "(555) 123-4567"),
        ("Bluecrew AS (Org.nr: 936463843)\nErvikveien 110, 9402 Harstad", None),
        ("Sent 12.03.2026\nAcme AB · Storgatan 1, 111 22 Stockholm", None),
    ],
)
def test_a_phone_number_is_read_only_where_a_signature_gives_one(
    signature: str, phone: str | None
) -> None:
    from agent.analysis.phone import phone_in

    contact = shipped_rules().toml("employers.toml")["contact"]
    assert phone_in(signature, contact["phone_labels"], contact["not_phone_labels"]) == phone
