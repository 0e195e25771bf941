"""How the trained kind model's second opinion is weighed against the cue rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from short_mail import short_mail

from agent.analysis import Analyzer
from agent.message import parse_message
from agent.rules import Rules


class FixedModel:
    """A kind model that gives every message the same probabilities."""

    available = True

    def __init__(self, probabilities: dict[str, float]) -> None:
        self._probabilities = probabilities
        self.signals: list[str] = []

    def probabilities(self, msg: object, signals: Sequence[str] = ()) -> dict[str, float]:
        self.signals = list(signals)
        return dict(self._probabilities)


def analyzer_with(probabilities: dict[str, float]) -> Analyzer:
    analyzer = Analyzer(Rules.load(None))
    analyzer.model = FixedModel(probabilities)  # type: ignore[assignment]
    analyzer.not_job_at, analyzer.not_job_at_with_job_context = 0.25, 0.7
    analyzer.other_kind_at = 0.9
    # The thresholds alone; the protections are tested on their own below.
    analyzer.keep_promises_about_a_job = False
    analyzer.keep_mail_to_the_candidate = False
    analyzer.kinds_the_model_barely_knows = {}
    analyzer.not_job_whatever_is_kept_at = 1.01
    return analyzer


def mail(subject: str, body: str) -> bytes:
    return short_mail(
        subject,
        body,
        sender="Lageret <post@example.no>",  # a sender that names no recruiting
        date="Mon, 2 Mar 2026 10:00:00 +0100",
    )


RECEIPT_FOR_A_JOB = mail(
    "Takk for søknaden din",
    "Hei Kari,\n\nTakk for din søknad på stillingen som lagerarbeider. "
    "Vi har mottatt søknaden din og går gjennom den i løpet av neste uke.\n\nHilsen Lageret",
)
RECEIPT_FOR_A_CAMP = mail(
    "Takk for søknaden din",
    "Hei Kari,\n\nTakk for din søknad til sommerleiren. "
    "Vi har mottatt søknaden din og går gjennom den i løpet av neste uke.\n\nHilsen Leiren",
)


@pytest.mark.parametrize(
    ("raw", "not_job", "kind"),
    [
        # The model is unsure (0.4): words about a job keep the rules' kind ...
        (RECEIPT_FOR_A_JOB, 0.4, "application_received"),
        # ... a receipt that names no job is discarded.
        (RECEIPT_FOR_A_CAMP, 0.4, "not_job"),
        # The model is sure (0.9): even words about a job do not save it.
        (RECEIPT_FOR_A_JOB, 0.9, "not_job"),
        # The model is hardly worried (0.1): both keep the rules' kind.
        (RECEIPT_FOR_A_CAMP, 0.1, "application_received"),
    ],
)
def test_words_about_employment_make_the_veto_harder(raw: bytes, not_job: float, kind: str) -> None:
    rest = (1 - not_job) / 7
    probabilities = {"not_job": not_job, "application_received": rest, "status_update": rest}
    analysis = analyzer_with(probabilities).analyze(parse_message(raw))
    assert analysis.kind == kind


def _receipt_signed(sign_off: str) -> bytes:
    return short_mail(
        "Tack för din ansökan",
        "Hej Gustav,\n\nTack för din ansökan! Vi har tagit emot den och granskar den inom "
        f"kort. Vanligtvis hör du från oss inom 5-7 arbetsdagar.\n\n{sign_off}\n",
        sender="Fixco <info@fixco.example>",  # the envelope names no recruiting
        date="Mon, 2 Mar 2026 10:00:00 +0100",
    )


@pytest.mark.parametrize(
    ("sign_off", "kind"),
    [
        # A sign-off that names recruiting counts as a sender named for it ...
        ("Med vänliga hälsningar,\nFixco Rekrytering", "application_received"),
        ("Med vänliga hälsningar,\nAnna Berg\nRekryterare", "application_received"),
        # ... one that names only a person or a shop does not.
        ("Med vänliga hälsningar,\nAnna Berg\nFixco Kundtjänst", "not_job"),
    ],
)
def test_a_sign_off_that_names_recruiting_makes_the_veto_harder(sign_off: str, kind: str) -> None:
    probabilities = {"not_job": 0.4, "application_received": 0.6}
    analysis = analyzer_with(probabilities).analyze(parse_message(_receipt_signed(sign_off)))
    assert analysis.kind == kind


@pytest.mark.parametrize(("sure", "kind"), [(0.95, "rejection"), (0.6, "application_received")])
def test_a_sure_model_names_another_hiring_kind(sure: float, kind: str) -> None:
    rest = (1 - sure) / 7
    probabilities = {k: rest for k in ("not_job", "application_received", "status_update")}
    probabilities["rejection"] = sure
    analysis = analyzer_with(probabilities).analyze(parse_message(RECEIPT_FOR_A_JOB))
    assert analysis.kind == kind


@pytest.mark.parametrize(
    ("by_language", "kind"), [({}, "application_received"), ({"nb": 0.3}, "rejection")]
)
def test_a_language_the_model_knows_well_has_a_lower_bar_for_another_hiring_kind(
    by_language: dict[str, float], kind: str
) -> None:
    # The model's first choice among the hiring kinds, though "not_job" is likelier still
    # (and below the bar at which the mail would be discarded).
    probabilities = {"not_job": 0.45, "rejection": 0.35, "application_received": 0.2}
    analyzer = analyzer_with(probabilities)
    analyzer.other_kind_at_by_language = by_language
    assert analyzer.analyze(parse_message(RECEIPT_FOR_A_JOB)).kind == kind


@pytest.mark.parametrize(
    ("by_language", "kind"), [({}, "not_job"), ({"nb": 0.8}, "application_received")]
)
def test_a_language_the_model_knows_little_has_a_higher_bar_to_discard_mail_about_a_job(
    by_language: dict[str, float], kind: str
) -> None:
    probabilities = {"not_job": 0.75, "application_received": 0.25}
    analyzer = analyzer_with(probabilities)  # 0.7 for mail about a job
    analyzer.not_job_at_with_job_context_by_language = by_language
    assert analyzer.analyze(parse_message(RECEIPT_FOR_A_JOB)).kind == kind


def test_the_shipped_rules_ask_more_of_the_model_in_the_nordic_languages() -> None:
    analyzer = Analyzer(Rules.load(None))
    bars = analyzer.not_job_at_with_job_context_by_language
    assert "en" not in bars
    for lang in ("nb", "da", "sv"):
        assert bars[lang] > analyzer.not_job_at_with_job_context


def test_the_shipped_rules_give_english_its_own_bar_for_another_hiring_kind() -> None:
    analyzer = Analyzer(Rules.load(None))
    assert analyzer.other_kind_at_by_language["en"] < analyzer.other_kind_at


@pytest.mark.parametrize(
    ("needs_a_strong_cue", "kind"), [(True, "not_job"), (False, "status_update")]
)
def test_a_job_boards_own_suggestion_needs_a_strong_cue_to_be_hiring_mail(
    needs_a_strong_cue: bool, kind: str
) -> None:
    raw = short_mail(
        "Stilling som kan passe for deg?",
        "Hei!\n\nVi har vurdert at kompetansen din kan passe til en stilling. Logg inn på Nav "
        "for å se stillingen.\n\nVennlig hilsen\nNav",
        sender="Nav <ikke-svar@nav.no>",
    )
    analyzer = analyzer_with({"status_update": 0.9, "not_job": 0.1})
    analyzer.job_board_needs_a_strong_cue = needs_a_strong_cue
    assert analyzer.analyze(parse_message(raw)).kind == kind


def test_job_context_cues_load_for_every_shipped_language() -> None:
    analyzer = Analyzer(Rules.load(None))
    for lang in ("en", "nb", "da", "sv"):
        assert analyzer.lang_data[lang].get("job_context", {}).get("cues"), lang


def test_a_window_where_silence_means_no_is_no_rejection_however_sure_the_model() -> None:
    raw = mail(
        "Din søknad",
        "Hei Kari,\n\nTakk for din søknad på stillingen som lagerarbeider. Hvis du ikke hører "
        "fra oss innen 14 dager, betyr det at vi har valgt å gå videre med andre kandidater."
        "\n\nHilsen Lageret",
    )
    rest = 0.05 / 7
    probabilities = {k: rest for k in ("not_job", "application_received", "status_update")}
    probabilities["rejection"] = 0.95
    analysis = analyzer_with(probabilities).analyze(parse_message(raw))
    assert analysis.kind == "application_received"
    assert analysis.promise_condition == "silence_means_no"


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Søknaden din er mottatt",
            "Hei Kari,\n\nTakk for din søknad om boliglån. Vi har mottatt søknaden og gir deg "
            "svar innen fem virkedager.\n\nHilsen Banken",
        ),
        (
            "Application update - 418 Alder Street, Unit 2B",
            "Hi there,\n\nThank you for your interest in the property. After reviewing your "
            "application, we are unable to move forward at this time.\n\nProperty Management",
        ),
        (
            "Your REU application",
            "Dear Jin,\n\nThank you for your application to join our REU team this summer. We "
            "are still reviewing applications and will contact you after the Spring break.",
        ),
        # A place in a queue is no position of employment.
        (
            "Waitlist Notification",
            "Dear Hannah,\n\nAfter careful review of your application, the admissions "
            "committee has placed you on the waitlist for the MSc Data Science program.\n\n"
            "Waitlist Position: 14\nWe will notify you of a final decision by May 1, 2025.",
        ),
    ],
)
def test_mail_about_something_other_than_a_job_stays_so_however_sure_the_model(
    subject: str, body: str
) -> None:
    raw = mail(subject, body)
    rest = 0.05 / 7
    probabilities = {k: rest for k in ("not_job", "rejection", "status_update")}
    probabilities["application_received"] = 0.95
    assert analyzer_with(probabilities).analyze(parse_message(raw)).kind == "not_job"


def test_mail_the_model_discards_keeps_the_rules_reading_for_a_hiring_thread() -> None:
    sure = {"not_job": 0.9, "status_update": 0.1}
    thanks = mail("Sv: torsdag", "Hei Kari,\n\nTakk for i dag. Du får svar innen fredag.\n\nOla")
    analysis = analyzer_with(sure).analyze(parse_message(thanks))
    assert (analysis.kind, analysis.promised_by, analysis.evidence) == ("not_job", None, [])
    kept = analysis.if_about_a_job
    assert kept is not None and kept.kind == "status_update"
    assert kept.promised_by == date(2026, 3, 6) and kept.evidence
    # Mail the rules read as not about a job, and mail that stays hiring mail, have none.
    dinner = mail("Middag", "Hei Kari,\n\nSees vi til middag på fredag?\n\nOla")
    assert analyzer_with(sure).analyze(parse_message(dinner)).if_about_a_job is None
    unsure = {"not_job": 0.01, "status_update": 0.99}
    assert analyzer_with(unsure).analyze(parse_message(thanks)).if_about_a_job is None


@pytest.mark.parametrize(
    ("subject", "body", "model_says", "kind"),
    [
        (
            "Tilbudet ditt",
            "Hei Kari,\n\nVi har dessverre trukket tilbake jobbtilbudet.",
            "offer",
            "rejection",
        ),
        (
            "Jobbtilbud",
            "Hei Kari,\n\nVi er glade for å kunne tilby deg stillingen.",
            "rejection",
            "offer",
        ),
    ],
)
def test_a_decision_in_a_strong_cue_is_not_turned_into_the_other(
    subject: str, body: str, model_says: str, kind: str
) -> None:
    sure = {"not_job": 0.01, model_says: 0.99}
    analyzer = analyzer_with(sure)
    assert analyzer.analyze(parse_message(mail(subject, body))).kind == kind
    analyzer.a_decision_in_words_stands = False
    assert analyzer.analyze(parse_message(mail(subject, body))).kind == model_says


def test_the_model_is_told_what_the_rules_saw_in_words_of_no_language() -> None:
    """The model weighs the rules' cues beside the words, so what it learns of a Danish
    receipt's cues holds for a Swedish one."""
    analyzer = analyzer_with({"not_job": 0.1, "application_received": 0.9})
    analyzer.analyze(parse_message(RECEIPT_FOR_A_JOB))
    signals = analyzer.model.signals  # type: ignore[attr-defined]
    assert "cue_application_received_strong" in signals
    assert "rules_application_received" in signals
    assert "has_job_context" in signals
    assert "has_promise" in signals
    assert "has_reader_as_candidate" in signals  # "Takk for din søknad"
    camp = analyzer_with({"not_job": 0.1, "application_received": 0.9})
    camp.analyze(parse_message(RECEIPT_FOR_A_CAMP))
    assert "has_job_context" not in camp.model.signals  # type: ignore[attr-defined]


def test_what_the_model_reads_ends_with_the_signals() -> None:
    from agent.analysis.model import model_text

    msg = parse_message(RECEIPT_FOR_A_JOB)
    text = model_text(msg, ["cue_progress", "rules_status_update"])
    assert text.startswith("Takk for søknaden din\n")
    assert text.endswith("\ncue_progress rules_status_update")


DANISH_RECEIPT_WITH_A_PROMISE = short_mail(
    "Din jobansøgning: Lagerkoordinator",
    "Hej Mette,\n\nVi bekræfter hermed, at vi har modtaget din ansøgning til stillingen som "
    "lagerkoordinator. Du hører fra os inden for 5 hverdage.\n\nMed venlig hilsen\nLageret",
    sender="Rekruttering <job@example.dk>",
    date="Mon, 2 Mar 2026 10:00:00 +0100",
)
# A silence window and no word of the job: the condition says it is a selection.
SWEDISH_RECEIPT_WITH_A_SILENCE_WINDOW = short_mail(
    "Tack för din ansökan",
    "Hej,\n\nTack för din ansökan. Om du inte har hört något från oss inom tre veckor har du "
    "tyvärr inte gått vidare i processen.\n\nVänliga hälsningar\nRegionen",
    sender="Rekrytering <rekrytering@example.se>",
    date="Mon, 2 Mar 2026 10:00:00 +0100",
)


@pytest.mark.parametrize(
    "raw", [DANISH_RECEIPT_WITH_A_PROMISE, SWEDISH_RECEIPT_WITH_A_SILENCE_WINDOW]
)
@pytest.mark.parametrize(("keep", "kind"), [(True, "application_received"), (False, "not_job")])
def test_a_promise_in_a_strong_cue_about_a_job_or_a_selection_outlasts_a_sure_model(
    raw: bytes, keep: bool, kind: str
) -> None:
    analyzer = analyzer_with({"not_job": 0.99, "application_received": 0.01})
    analyzer.keep_promises_about_a_job = keep
    analysis = analyzer.analyze(parse_message(raw))
    assert analysis.kind == kind
    assert (analysis.promised_by is not None) == keep


NORWEGIAN_OFFER = mail(
    "Jobbtilbud – Regnskapsmedarbeider",
    "Hei Ingrid,\n\nVi er glade for å kunne tilby deg stillingen som regnskapsmedarbeider! "
    "Tiltredelse etter avtale.\n\nHilsen Avargo",
)
# The same words, but no job is named: an offer of a place on a course.
NORWEGIAN_COURSE_OFFER = mail(
    "Tilbud om plass",
    "Hei Ingrid,\n\nVi er glade for å kunne tilby deg plass på kurset i regnskap!\n\nHilsen Avargo",
)


@pytest.mark.parametrize(
    ("raw", "keep", "kind"),
    [
        (NORWEGIAN_OFFER, True, "offer"),
        (NORWEGIAN_OFFER, False, "not_job"),
        (NORWEGIAN_COURSE_OFFER, True, "not_job"),
    ],
)
def test_a_strong_cue_to_the_candidate_about_a_job_outlasts_a_sure_model(
    raw: bytes, keep: bool, kind: str
) -> None:
    analyzer = analyzer_with({"not_job": 0.99, "offer": 0.01})
    analyzer.keep_mail_to_the_candidate = keep
    assert analyzer.analyze(parse_message(raw)).kind == kind


@pytest.mark.parametrize(("not_job", "kind"), [(0.85, "offer"), (0.95, "not_job")])
def test_a_model_sure_enough_discards_even_kept_mail(not_job: float, kind: str) -> None:
    analyzer = analyzer_with({"not_job": not_job, "offer": 1 - not_job})
    analyzer.keep_mail_to_the_candidate = True
    analyzer.not_job_whatever_is_kept_at = 0.9
    assert analyzer.analyze(parse_message(NORWEGIAN_OFFER)).kind == kind


@pytest.mark.parametrize("name", ["kinds", "kinds-translated"])
def test_the_shipped_model_gives_the_probabilities_it_was_trained_to_give(name: str) -> None:
    """The trainer wrote texts and its own probabilities for them beside the weights; the
    product, reading the weights with numpy alone, must give the same."""
    import json

    from agent.analysis.model import MODELS, KindModel

    checks = json.loads((MODELS / name / "model.json").read_text(encoding="utf-8"))["checks"]
    assert len(checks) >= 3
    model = KindModel(MODELS / name)
    for check in checks:
        got = model.text_probabilities(check["text"])
        assert got.keys() == check["probabilities"].keys()
        for kind, p in check["probabilities"].items():
            assert got[kind] == pytest.approx(p, abs=1e-4), kind
        assert sum(got.values()) == pytest.approx(1.0)


def test_the_model_reads_words_their_letters_and_the_signals_apart() -> None:
    from agent.analysis.model import features, model_text

    msg = parse_message(RECEIPT_FOR_A_JOB)
    counts = features(model_text(msg, ["cue_application_received_strong", "has_promise"]))
    assert counts["søknaden"] == 2  # the subject and the text
    assert counts["søknaden din"] == 2  # a pair of words
    assert counts[" søk"] >= 2 and counts["den "] >= 2  # letters at a word's start and end
    assert counts["signal:cue_application_received_strong"] == 1
    assert counts["signal:cue_application_received"] == 1  # the cue, whatever its strength
    assert counts["signal:has_promise"] == 1
    assert "has_promise" not in counts  # a signal is no word of the mail ...
    mail_saying_it = model_text(parse_message(mail("has_promise", "has_promise")))
    assert "signal:has_promise" not in features(mail_saying_it)  # ... nor a word a signal
    link = features("Se https://example.no/abc123\n")
    assert link["abc123"] == 1 and " abc" not in link  # letters inside words alone
    assert " exa" in link


def test_the_model_finds_the_features_it_was_trained_on() -> None:
    """The product finds a text's columns its own, faster way; they must be those of
    ``vector(features(text))``, which built the training matrix."""
    import numpy as np

    from agent.analysis.model import KindModel, features, model_text, vector

    model = KindModel()
    m = model._load()
    signals = ["cue_rejection_strong", "cue_rejection_weak", "rules_rejection", "has_promise"]
    for raw in (RECEIPT_FOR_A_JOB, DANISH_RECEIPT_WITH_A_PROMISE, NORWEGIAN_OFFER):
        for given in (signals, []):
            text = model_text(parse_message(raw), given)
            for _ in range(2):  # the second time from the words' kept columns
                got = dict(zip(*model._vector(text, m), strict=True))
                want = dict(zip(*vector(features(text), m.vocabulary, m.idf, 0.0), strict=True))
                for column, weight in want.items():
                    if weight == 0.0:  # a signal, at the model's own weight
                        want[column] = m.signal_weight
                assert got.keys() == want.keys()
                assert np.allclose([got[c] for c in want], list(want.values()))
    assert model._vector("\n", m)[0].size == 0


def test_a_signal_weighs_the_same_however_long_the_mail() -> None:
    import numpy as np

    from agent.analysis.model import features, vector

    for text in ("kort\nhas_promise", "en mye lengre tekst med mange ord\nhas_promise"):
        counts = features(text)
        vocabulary = {f: i for i, f in enumerate(counts)}
        columns, weights = vector(counts, vocabulary, np.ones(len(vocabulary)), 0.1)
        words = [w for f, w in zip(vocabulary, weights, strict=True) if not f.startswith("signal:")]
        assert np.linalg.norm(words) == pytest.approx(1.0)
        assert weights[vocabulary["signal:has_promise"]] == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("lang", "subject", "body"),
    [
        (
            "en",
            "Your application for UX Designer",
            "Hi Kari,\n\nThank you for your application. We will review it shortly.\n\nBest, Acme",
        ),
        (
            "nb",
            "Søknad – Frontend-utvikler",
            "Hei Kari,\n\nTakk for din søknad. Vi ser på den snart.\n\nHilsen Acme",
        ),
        (
            "da",
            "Ansøgning: Salgskonsulent",
            "Hej Kari,\n\nTak for din ansøgning. Vi vender tilbage snarest.\n\nHilsen Acme",
        ),
        (
            "sv",
            "Re: Ansökan UX-designer",
            "Hej Kari,\n\nTack för din ansökan! Vi återkommer inom kort.\n\nHälsningar Acme",
        ),
    ],
)
def test_a_job_title_in_the_subject_speaks_of_a_job(lang: str, subject: str, body: str) -> None:
    analyzer = Analyzer(Rules.load(None))
    msg = parse_message(mail(subject, body))
    assert analyzer._job_words(msg, lang)[0]
    # The same words without the title name no job; a title in the text does not count.
    plain = parse_message(mail("Re: " + subject.split()[0], f"{body}\n\n{subject.split()[-1]}"))
    assert not analyzer._job_words(plain, lang)[0]


@pytest.mark.parametrize(
    ("lang", "subject", "body"),
    [
        (
            "en",
            "Your application",
            "Hi Kari,\n\nYou have been offered the apprenticeship in joinery.",
        ),
        ("nb", "Søknaden din", "Hei Kari,\n\nDin søknad på Lærling i elektrofaget er godkjent."),
        ("da", "Din ansøgning", "Hej Kari,\n\nVi kan tilbyde dig en elevplads hos os fra august."),
        ("sv", "Din ansökan", "Hej Kari,\n\nDu har fått en lärlingsplats hos oss i höst."),
    ],
)
def test_an_apprenticeship_speaks_of_a_job(lang: str, subject: str, body: str) -> None:
    """An apprentice is employed: the place is a job, as a position is."""
    analyzer = Analyzer(Rules.load(None))
    assert analyzer._job_words(parse_message(mail(subject, body)), lang)[0]
    placeless = body.rsplit("\n", 1)[0]
    assert not analyzer._job_words(parse_message(mail(subject, placeless)), lang)[0]


@pytest.mark.parametrize(
    ("lang", "body"),
    [
        ("nb", "Vedlagt finner du arbeidskontrakten til underskrift."),
        ("nb", "Du vil motta en lenke til en personlighetstest på e-post."),
        ("da", "Vi har nu afsluttet første samtalerunde."),
        ("da", "Vi sender dig en personlighedstest i morgen."),
        ("sv", "Vi har nu avslutat första intervjuomgången."),
        ("sv", "Vi påbörjar nu referenstagningen."),
    ],
)
def test_the_papers_and_tests_of_hiring_speak_of_a_job(lang: str, body: str) -> None:
    """A work contract, a personality test, an interview round, a reference check: words
    only employment uses, though no position is named."""
    analyzer = Analyzer(Rules.load(None))
    assert analyzer._job_words(parse_message(mail("Hei", f"Hei Kari,\n\n{body}")), lang)[0]


@pytest.mark.parametrize(
    ("body", "speaks"),
    [
        ("We have changed the time of your interview for Year 4 Class Teacher.", True),
        ('You have completed the "Phone Screen" round for Home Health Aide (HHA).', True),
        ("You have been shortlisted for Night Shift Supervisor.", True),
        ("We have changed the time of your interview for Year 4.", False),
        ("We have received your application for qualified teacher status.", False),
        ("Your application for a travel grant for the teacher training day.", False),
    ],
)
def test_a_title_after_what_one_applies_for_speaks_of_a_job(body: str, speaks: bool) -> None:
    """In the new text a title signs mail of every kind, but one that ends the phrase
    after "interview for" or "round for" is the job applied for."""
    analyzer = Analyzer(Rules.load(None))
    msg = parse_message(mail("An update", f"Dear Farah,\n\n{body}\n\nKind regards,\nHR"))
    assert analyzer._job_words(msg, "en")[0] is speaks


def test_an_english_title_is_a_word_of_its_own() -> None:
    analyzer = Analyzer(Rules.load(None))
    talk = parse_message(mail("Proposal accepted: Async Rust on microcontrollers", "Hi Kari"))
    assert not analyzer._job_words(talk, "en")[0]
    job = parse_message(mail("Your application: Senior UX-Designer", "Hi Kari"))
    assert analyzer._job_words(job, "en")[0]


@pytest.mark.parametrize(
    ("subject", "body", "kind"),
    [
        (
            "Interview Schedule for Brent Olsen",
            "Team,\n\nBrent Olsen is coming in on Thursday for interviews. Her resume is attached; "
            "please let me know your thoughts after you meet with him.\n\nShirley",
            "not_job",
        ),
        (
            "Approval Required: Offer for Ola Hansen — Data Engineer",
            "An offer requires your approval.\n\nCandidate: Ola Hansen\nPosition: Data "
            "Engineer\nSalary: $128,000.00 USD/year\n\nPlease review and approve.",
            "not_job",
        ),
        (
            "Acceptance of offer",
            "Dear Mr. Lay,\n\nI am pleased to accept your offer of the Analyst position and look "
            "forward to starting on June 1.\n\nSincerely, Tom Hughes",
            "not_job",
        ),
        (
            "Interview assignment: Ola Hansen",
            "Dear Ms Berg,\n\nYou have been scheduled to conduct an interview as part of our "
            "hiring process.\n\nApplicant: Ola Hansen\nPosition: Planner\nDate: 14 August, "
            "14:00\n\nPlease confirm your availability.\n\nRecruitment Team",
            "not_job",
        ),
        (
            "New application: Solutions Architect",
            "Hello,\n\nOla Hansen has applied to the job posting Solutions Architect. Log in to "
            "read the candidate's profile and move the application on.\n\nTeam Aspire",
            "not_job",
        ),
        (
            "Interview feedback submitted: Ola Hansen",
            "Hello,\n\nInterviewer Kari Berg has submitted feedback for candidate Ola Hansen at "
            "the stage Technical Interview.\nDecision: move forward\nRating: 4/5\n\nRecruitment "
            "Platform",
            "not_job",
        ),
        (
            "Intervjuplan for Ola Hansen",
            "Hei alle,\n\nHer er intervjuplan for Ola Hansen på torsdag. Hans CV ligger vedlagt. "
            "Gi meg tilbakemelding på kandidaten etterpå.\n\nHilsen Kari",
            "not_job",
        ),
        (
            "Offer Accepted - Ola Hansen for Planner",
            "Hi Dana,\n\nGreat news! Ola Hansen has accepted the offer for the Planner position. "
            "Next steps: begin the onboarding and agree the start date.\n\nRecruitment Platform",
            "not_job",
        ),
        (
            "Planner interview",
            "Dear Ms Berg,\n\nThank you for taking the time to interview me for the Planner "
            "position today. I am very interested in the role and look forward to the next "
            "step.\n\nKind regards, Ola Hansen",
            "not_job",
        ),
        (
            "Interview: Ola Hansen",
            "Hello!\n\nYou have been selected to interview Planner candidate Ola Hansen on "
            "Thursday at 13:30. The interview packet is in the shared folder.\n\nRecruiting",
            "not_job",
        ),
        (
            "Re: Document",
            "Samantha,\n\nPlease schedule an interview with this candidate for Monday; I would "
            "like Kari to join.\n\nMark",
            "not_job",
        ),
        # Thanks for one's time is everyone's politeness, not words to a candidate.
        (
            "Ola Hansen: interview slots",
            "Kari has set up interviews with Ola Hansen on Friday and would like you to meet "
            "with him at 14:00 in room 3.\n\nThanks for your time,\nPatty",
            "not_job",
        ),
        (
            "Acceptance of offer",
            "Sir,\n\nI have decided to accept your offer of employment here at Acme. May I ask "
            "what the effective hire date is?\n\nSincerely, Sam Smith",
            "not_job",
        ),
        (
            "Candidate for the analyst opening",
            "Brian,\n\nPlease take a look at the resume of Ola Hansen; he could suit the analyst "
            "opening. Set up the interview through his headhunter if interested.\n\nVictor",
            "not_job",
        ),
        # "Your interview" said to the interviewer, inside words of the other side.
        (
            "Reminder: feedback for Ola Hansen's interview",
            "Hi Kari,\n\nYou haven't yet submitted feedback for your interview with Ola Hansen "
            "on Monday, December 1. Timely feedback helps us make better hiring decisions."
            "\n\nRecruiting",
            "not_job",
        ),
        # The reader as someone else's referee or reviewer.
        (
            "Tomas Berg listed you as a reference",
            "Hi Kari,\n\nTomas Berg has listed you as a reference for a Senior Controller role "
            "with Meridian Foods. The questionnaire takes about 8 minutes.\n\nAllan",
            "not_job",
        ),
        (
            "Review request: Ola Hansen",
            "Dear Kari,\n\nClaire Dunn has nominated you to review the suitability of the "
            "applicant for the position of PhD in Marine Robotics.\n\nClaire",
            "not_job",
        ),
        (
            "Reference Request",
            "Hello,\n\nThe candidate Tobias Lindqvist has requested a reference from Annika "
            "Berg. Please click the button below to complete the reference request and "
            "provide feedback about the candidate.\n\nHirePlans",
            "not_job",
        ),
        (
            "Referanseforespørsel",
            "Hei Kari,\n\nKandidaten Ola Hansen har bedt om en referanse fra deg. Klikk på "
            "knappen for å fylle ut referansen.\n\nHirePlans",
            "not_job",
        ),
        (
            "Referanse for Ola Hansen",
            "Hei Kari,\n\nOla Hansen har oppgitt deg som referanse i søknaden sin på stillingen "
            "som rådgiver. Passer det med en samtale i morgen?\n\nHilsen Per",
            "not_job",
        ),
        # "Deres" is the formal "your" in Danish, not "their".
        (
            "Vedrørende Deres ansøgning",
            "Kære Kari Holm\n\nTak for Deres ansøgning til stillingen som fuldmægtig. Vi skal "
            "hermed meddele, at De er udvalgt til en samtale tirsdag den 10. marts kl. 10.\n\n"
            "Med venlig hilsen\nKommunen",
            "interview_invitation",
        ),
        # Words to the reader as the candidate outweigh those of the other side.
        (
            "Interview invitation – Analyst",
            "Dear Kari,\n\nThank you for your application. We would like to invite you to an "
            "interview on Thursday at 10:00; your interview schedule for the day is below, and "
            "the panel has read your CV.\n\nBest regards, Acme Recruiting",
            "interview_invitation",
        ),
        # A contract signed by someone else, a requisition, applications to assess.
        (
            "Contract Signed - Brian Ssekandi - Field Data Analyst",
            "Great news!\n\nBrian Ssekandi has signed the contract for the Field Data Analyst "
            "position.\n\nStart date: 1 July\n\nKampala Agritech",
            "not_job",
        ),
        (
            "Job Requisition Approved - REQ-2025-0142",
            "Hello Sarah!\n\nYour job requisition has been approved.\n\nPosition: Clinical "
            "Nurse Specialist\nHeadcount: 2",
            "not_job",
        ),
        (
            "Applications awaiting your assessment",
            "Dear Helen,\n\nOne or more applications for the research position have been "
            "assigned to you for consideration. Please log in to assess them.",
            "not_job",
        ),
        # An agency offering the reader a candidate for the reader's own vacancy.
        (
            "A Product Designer candidate for Loomly",
            "Hi Marcus,\n\nI'm reaching out because I have a candidate who could be a strong "
            "fit for your open Product Designer role. She could interview "
            "on Thursday at 10:00.\n\nNadia, Brightpath Talent",
            "not_job",
        ),
        # A reply keeps the subject its recipient wrote.
        (
            "Re: My application for the Analyst role",
            "Hi Kari,\n\nThanks for checking in. The team would like a second interview "
            "on Tuesday at 10:00 – does that suit?\n\nBest, Acme Recruiting",
            "interview_invitation",
        ),
    ],
)
def test_the_other_side_of_hiring(subject: str, body: str, kind: str) -> None:
    """Mail among those who hire, or from a candidate to them, is someone else's job search,
    however sure the model; words to the reader as the candidate outweigh it."""
    raw = short_mail(subject, body, sender="Shirley Crenshaw <shirley@example.com>")
    analysis = analyzer_with({"not_job": 0.05, "interview_invitation": 0.95}).analyze(
        parse_message(raw)
    )
    assert analysis.kind == kind
    assert any(e.startswith("other side:") for e in analysis.cues) == (kind == "not_job")


@pytest.mark.parametrize(
    ("sender", "kind"),
    [
        ("Fixco Rekrytering <rekrytering@fixco.example>", "application_received"),
        ("Fixco Talent <talent@fixco.example>", "application_received"),
        ("MerchDrop <hello@merchdrop.example>", "not_job"),
    ],
)
def test_a_sender_named_for_recruiting_speaks_of_a_job(sender: str, kind: str) -> None:
    """A receipt with no word of the job: from a recruiting sender the model must be surer
    to discard it."""
    raw = short_mail(
        "Tack för din ansökan",
        "Hej Gustav,\n\nTack för din ansökan! Vi har tagit emot den och granskar den inom kort."
        "\n\nVänliga hälsningar",
        sender=sender,
    )
    analysis = analyzer_with({"not_job": 0.4, "application_received": 0.6}).analyze(
        parse_message(raw)
    )
    assert analysis.kind == kind


# Reference requests in the words of each language: the model has read none outside
# English, and reads them as referee requests for others.
REFERENCE_REQUESTS = [
    ("Referansesjekk", "Hei Kari,\n\nVi kommer til å ringe referansene dine i morgen."),
    ("Referencer", "Hej Karen,\n\nJeg ringer til dine referencer i morgen formiddag."),
    ("Referencer", "Hej Karen,\n\nInden vi går videre, vil vi gerne tage referencer."),
    ("Referenser", "Hej Karin,\n\nVi skulle gärna vilja ta referenser innan vi går vidare."),
    ("Referenser", "Hej Karin,\n\nInnan beslut behöver vi minst två referenspersoner."),
]


@pytest.mark.parametrize(("subject", "body"), REFERENCE_REQUESTS)
@pytest.mark.parametrize(("barely", "kind"), [(True, "reference_request"), (False, "not_job")])
def test_a_kind_the_model_barely_knows_outlasts_it_in_a_strong_cue(
    subject: str, body: str, barely: bool, kind: str
) -> None:
    analyzer = reference_requests_barely_known({"not_job": 0.8, "reference_request": 0.2}, barely)
    assert analyzer.analyze(parse_message(short_mail(subject, body))).kind == kind


def reference_requests_barely_known(probabilities: dict[str, float], barely: bool) -> Analyzer:
    """An analyzer with ``probabilities`` whose model barely knows the Nordic reference
    requests, or (``barely`` false) is trusted with them."""
    analyzer = analyzer_with(probabilities)
    barely_known = {"reference_request"} if barely else set()
    analyzer.kinds_the_model_barely_knows = {lang: barely_known for lang in ("nb", "da", "sv")}
    return analyzer


@pytest.mark.parametrize(("subject", "body"), REFERENCE_REQUESTS)
@pytest.mark.parametrize(
    ("barely", "kind"), [(True, "reference_request"), (False, "status_update")]
)
def test_a_kind_the_model_barely_knows_is_not_renamed_by_it(
    subject: str, body: str, barely: bool, kind: str
) -> None:
    """Nor does the model, sure of another hiring kind, rename it: it has read too few to
    tell a reference check from the news around it."""
    analyzer = reference_requests_barely_known(
        {"status_update": 0.95, "reference_request": 0.05}, barely
    )
    assert analyzer.analyze(parse_message(short_mail(subject, body))).kind == kind


def test_a_kind_barely_known_in_one_language_is_known_in_another() -> None:
    analyzer = analyzer_with({"not_job": 0.8, "assessment_request": 0.2})
    analyzer.kinds_the_model_barely_knows = {"sv": {"assessment_request"}}
    swedish = short_mail("Arbetsprov", "Hej Karin,\n\nVi skickar här ett kort arbetsprov att göra.")
    english = short_mail("Assessment", "Hi Kari,\n\nPlease complete the online assessment below.")
    assert analyzer.analyze(parse_message(swedish)).kind == "assessment_request"
    assert analyzer.analyze(parse_message(english)).kind == "not_job"


def test_the_shipped_rules_name_the_kinds_barely_known_in_each_language() -> None:
    barely_known = Analyzer(Rules.load(None)).kinds_the_model_barely_knows
    assert barely_known["en"] == {"reference_request"}
    assert barely_known["sv"] == {"reference_request", "assessment_request"}


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Søknad om sommerjobb", "Hei Alva,\n\nTakk for søknaden din om sommerjobb hos oss."),
        ("Ansøgning om sommerjob", "Hej Alva,\n\nTak for din ansøgning om sommerjob hos os."),
        ("Din ansökan om sommarjobb", "Hej Alva,\n\nTack för din ansökan om sommarjobb."),
        ("Feriearbete", "Hej Alva,\n\nDu har sökt feriearbete hos kommunen i sommar."),
    ],
)
def test_a_kind_of_job_in_one_word_speaks_of_employment(subject: str, body: str) -> None:
    """Norwegian, Danish and Swedish name a kind of job in one word ("sommarjobb",
    "feriearbete"): it speaks of employment as "jobb" does."""
    analyzer = analyzer_with({"not_job": 0.1, "application_received": 0.9})
    analyzer.analyze(parse_message(mail(subject, body)))
    assert "has_job_context" in analyzer.model.signals  # type: ignore[attr-defined]


def test_an_interview_called_off_is_not_turned_back_into_an_invitation() -> None:
    """The model reads the words of an interview; the rules read it called off."""
    body = (
        "Dear Sam,\n\nWe have to cancel your interview for the Analyst position on Friday. "
        "We will be in touch about the next steps."
    )
    analyzer = analyzer_with({"not_job": 0.01, "interview_invitation": 0.99})
    assert analyzer.analyze(parse_message(mail("Your interview", body))).kind == "status_update"


# The model has read few Nordic tests; it is as sure of the ones it has not read as of
# anything ("Programmeringsuppgift", "kodutmaning", "Kodeoppgave"). A sure model still
# discards other kept mail (test_a_model_sure_enough_discards_even_kept_mail).
NORDIC_TESTS = [
    (
        "Programmeringsuppgift – Wizardworks",
        "Hej Viktor,\n\nHär kommer programmeringsuppgiften. Skapa en webbsida som ritar "
        "kvadrater, och skicka länken till ditt repo när du är klar.",
    ),
    (
        "Intervjuuppgift",
        "Hej Oscar,\n\nTack för att du tar dig tid att genomföra denna kodutmaning inför "
        "intervjun.",
    ),
    (
        "Kodeoppgave",
        "Hei Truls,\n\nHer er kodeoppgaven vi snakket om. Du kan bruke hvilket språk du vil.",
    ),
]


@pytest.mark.parametrize(("subject", "body"), NORDIC_TESTS)
def test_a_kind_the_model_barely_knows_outlasts_even_a_sure_model(subject: str, body: str) -> None:
    analyzer = analyzer_with({"not_job": 0.97, "assessment_request": 0.03})
    analyzer.not_job_whatever_is_kept_at = 0.9
    analyzer.kinds_the_model_barely_knows = {
        "nb": {"assessment_request"},
        "sv": {"assessment_request"},
    }
    analysis = analyzer.analyze(parse_message(short_mail(subject, body)))
    assert analysis.kind == "assessment_request"


def test_each_language_is_read_by_the_model_the_rules_name(tmp_path: Path) -> None:
    analyzer = Analyzer(Rules.load(None))
    assert {lang: analyzer.model_for(lang).path.name for lang in ("en", "nb", "da", "sv")} == {
        "en": "kinds",
        "nb": "kinds-translated",
        "da": "kinds-translated",
        "sv": "kinds-translated",
    }
    nordic = short_mail("Din søknad", "Hei Kari,\n\nTakk for søknaden din på stillingen.")
    assert analyzer.analyze(parse_message(nordic)).kind == "application_received"
    # One model set for all (the rules alone, a model under test) reads every language.
    analyzer.model = FixedModel({"not_job": 1.0})  # type: ignore[assignment]
    assert analyzer.model_for("nb") is analyzer.model


@pytest.mark.parametrize(
    ("name", "message"),
    [("../kinds", "is not the name of a shipped model"), ("kinds-nordic", "no shipped model")],
)
def test_a_model_the_rules_name_must_be_shipped(tmp_path: Path, name: str, message: str) -> None:
    from agent.errors import RulesError

    (tmp_path / "model.toml").write_text(
        f'enabled = true\nlanguages = ["nb"]\n[model_by_language]\nnb = "{name}"\n',
        encoding="utf-8",
    )
    raw = short_mail("Din søknad", "Hei Kari,\n\nTakk for søknaden din på stillingen.")
    with pytest.raises(RulesError, match=message):
        Analyzer(Rules.load(tmp_path)).analyze(parse_message(raw))


INTERVIEW_AT_A_TIME = mail(
    "Your interview is confirmed",
    "Hi Jordan,\n\nThanks, your interview is confirmed.\n\nDate: Thursday 5 March 2026\n"
    "Time: 10:00 - 10:45\n\nInterview Scheduler",
)
INTERVIEW_AT_NO_TIME = mail(
    "Your interview is confirmed",
    "Hi Jordan,\n\nThanks, your interview is confirmed. We will send you the details "
    "later.\n\nInterview Scheduler",
)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [(INTERVIEW_AT_A_TIME, "interview_invitation"), (INTERVIEW_AT_NO_TIME, "not_job")],
)
def test_an_invitation_that_names_its_time_needs_a_surer_model(raw: bytes, kind: str) -> None:
    analyzer = analyzer_with({"not_job": 0.35, "interview_invitation": 0.65})
    analyzer.not_job_at_with_an_interview_time = 0.5
    assert analyzer.analyze(parse_message(raw)).kind == kind
