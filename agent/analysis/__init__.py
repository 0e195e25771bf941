"""Understanding one message: language, kind, promise, interview time, employer.

``Analyzer`` compiles the rules once and loads spaCy's blank pipelines lazily, so
importing this package is cheap. ``analyze`` is pure: it reads only the message
and the rules, and resolves every date against the message's own ``Date``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from agent.analysis.types import KINDS, Analysis, Evidence
from agent.message import Address, Message
from agent.rules import Rules, load_parties

if TYPE_CHECKING:
    from datetime import date

    from agent.analysis.kinds import KindResult
    from agent.analysis.model import KindModel

__all__ = ["KINDS", "Analysis", "Analyzer", "Evidence"]

_SENDER_MEMO_SIZE = 4096  # senders whose prefilter verdict is kept
_SIGNOFF_LINES = 5  # the lines of a signature that name who signs
_BULK_PRECEDENCE = re.compile(r"\b(bulk|list|junk)\b", re.I)
_AUTO_SUBJECT = re.compile(
    r"^(automatic reply|auto[- ]?reply|out of (the )?office|automatisk svar|autosvar|fraværsmelding|abwesenheit)",
    re.I,
)


def _is_bulk(msg: Message) -> bool:
    """Mailing-list or bulk mail (newsletters, alerts): List-Unsubscribe, List-Id, Precedence."""
    headers = msg.headers
    return bool(headers.get("list-unsubscribe") or headers.get("list-id")) or bool(
        _BULK_PRECEDENCE.search(headers.get("precedence", ""))
    )


def _is_auto_reply(msg: Message) -> bool:
    auto = msg.headers.get("auto-submitted", "").lower()
    if auto.startswith("auto-replied"):
        return True
    return bool(_AUTO_SUBJECT.match(msg.subject)) or "x-autoreply" in msg.headers


class _NoPromise:
    promised_by = None
    evidence: list[Evidence] = []
    interview_at = None


_NO_PROMISE = _NoPromise()
# Kinds whose message may speak of an interview already held.
_AFTER_INTERVIEW_KINDS = (
    "status_update",
    "rejection",
    "offer",
    "reference_request",
    "assessment_request",
)


# When sentences promising the same day differ, the first of these found wins.
_CONDITION_WEIGHT = ("silence_means_no", "shortlisted")


def condition_of(evidence: Sequence[Evidence], promised_by: date | None) -> str | None:
    """The condition of the promise behind ``promised_by``. Of the sentences that promise
    that day, the one that says what silence means decides ("those selected will hear
    within two weeks; if you have not heard by then, assume you were not selected")."""
    conditions = {e.condition for e in evidence if e.resolved == promised_by}
    return next((c for c in _CONDITION_WEIGHT if c in conditions), None)


def _about_a_job(signals: Sequence[str]) -> bool:
    """Words of employment, or a sender named for recruiting."""
    return "has_job_context" in signals or "has_recruiting_sender" in signals


class _NoDates:
    """The finder of a language that has a cue file but no date rules: kinds, no dates."""

    def find(self, *_: object, **__: object) -> _NoPromise:
        return _NO_PROMISE


# Analysed by warm_up: loads what the first real message would wait for.
WARM_UP_MESSAGE = (
    b"From: Hiring Team <jobs@example.com>\r\nSubject: Application received\r\n"
    b"Date: Mon, 2 Mar 2026 10:00:00 +0100\r\nMessage-ID: <warm-up@followup.invalid>\r\n\r\n"
    b"Thank you for applying. We will get back to you within two weeks.\r\n"
)


class Analyzer:
    """Reusable analysis engine. Build once, call :meth:`analyze` per message."""

    def __init__(
        self,
        rules: Rules | None = None,
        *,
        languages: Sequence[str] = (),
        country: str | None = None,
    ) -> None:
        from agent.analysis.kinds import KindClassifier
        from agent.analysis.language import LanguageIdentifier

        self.rules = rules or Rules()
        self.country = country
        self.lang_data: dict[str, dict[str, Any]] = {}
        # Adding a language is adding its rule files: without a list, every cue file loads.
        for lang in languages or self.rules.languages():
            data = self.rules.toml(f"{lang}.toml", required=False)
            if data:
                self.lang_data[lang] = data
        if not self.lang_data:
            self.lang_data["en"] = self.rules.toml("en.toml")
        self.default_language = "en" if "en" in self.lang_data else next(iter(self.lang_data))
        self.identifier = LanguageIdentifier.from_rules(
            self.lang_data, self.rules.toml("langid.toml", required=False)
        )
        self.identifier.default = self.default_language
        self.classifiers = {
            lang: KindClassifier(lang, data) for lang, data in self.lang_data.items()
        }
        self.parties = load_parties(self.rules, self.lang_data)
        from agent.analysis.model import KindModel, shipped_model

        model_rules = self.rules.toml("model.toml", required=False)
        enabled = bool(model_rules.get("enabled", False))
        self._model = KindModel() if enabled else KindModel(None)
        # A language may be read by another of the shipped models ([model_by_language]:
        # the Nordic languages by one trained on translations of dev mail as well).
        self.models_by_language: dict[str, KindModel] = {
            lang: KindModel(shipped_model(str(name), origin), origin=origin)
            for lang, name in dict(model_rules.get("model_by_language", {})).items()
            for origin in [f"model.toml:model_by_language.{lang}"]
            if enabled
        }
        self.not_job_at = float(model_rules.get("not_job_at", 1.01))
        self.not_job_at_with_job_context = float(
            model_rules.get("not_job_at_with_job_context", self.not_job_at)
        )
        # Where the model has read little mail of a language, it must be surer still.
        self.not_job_at_with_job_context_by_language = {
            lang: float(at)
            for lang, at in dict(
                model_rules.get("not_job_at_with_job_context_by_language", {})
            ).items()
        }
        # An invitation that names its time in a strong cue: the model must be surer.
        self.not_job_at_with_an_interview_time = float(
            model_rules.get("not_job_at_with_an_interview_time", self.not_job_at)
        )
        self.hiring_at = float(model_rules.get("hiring_at", 1.01))
        self.other_kind_at = float(model_rules.get("other_kind_at", 1.01))
        # Where the model has read much mail of a language, its choice among the hiring
        # kinds is surer than the rules'; where little, the rules'.
        self.other_kind_at_by_language = {
            lang: float(at)
            for lang, at in dict(model_rules.get("other_kind_at_by_language", {})).items()
        }
        self.keep_promises_about_a_job = bool(model_rules.get("keep_promises_about_a_job", True))
        self.keep_mail_to_the_candidate = bool(model_rules.get("keep_mail_to_the_candidate", True))
        self.job_board_needs_a_strong_cue = bool(
            model_rules.get("job_board_needs_a_strong_cue", True)
        )
        self.a_decision_in_words_stands = bool(model_rules.get("a_decision_in_words_stands", True))
        # Kinds the model has read too little of, in a language, to overrule a strong cue.
        self.kinds_the_model_barely_knows = {
            lang: frozenset(kinds)
            for lang, kinds in dict(model_rules.get("kinds_the_model_barely_knows", {})).items()
        }
        self.not_job_whatever_is_kept_at = float(
            model_rules.get("not_job_whatever_is_kept_at", 1.01)
        )
        # The model knows the words of the languages it was trained on; mail in another
        # (a rules file the user added) is decided by its cue rules alone.
        self.model_languages = frozenset(model_rules.get("languages", ()))
        self._job_context: dict[str, tuple[Any, Any, Any]] = {}
        self._finders: dict[str, Any] = {}
        self._conditions: dict[str, tuple[list[tuple[str, Any]], Any]] = {}
        self._stage_cues: dict[str, Any] = {}
        self._calendars: dict[str | None, Any] = {}
        self._places: Any = None
        self._senders: dict[Address, tuple[bool | None, bool]] = {}
        self._signoff_cues: dict[str, Any] = {}

    @property
    def model(self) -> KindModel:
        """The kind model of the languages ``[model_by_language]`` does not name."""
        return self._model

    @model.setter
    def model(self, model: Any) -> None:
        """One model for every language (the rules alone, a model under test)."""
        self._model = model
        self.models_by_language = {}

    def model_for(self, lang: str) -> KindModel:
        """The kind model that reads mail in ``lang``."""
        return self.models_by_language.get(lang, self._model)

    def _phone(self, msg: Message) -> str | None:
        from agent.analysis.phone import phone_in

        contact = self.rules.toml("employers.toml", required=False).get("contact", {})
        labels = contact.get("phone_labels", ["tel", "phone", "mobile"])
        not_labels = contact.get("not_phone_labels", [])
        tail = "\n".join(msg.text.splitlines()[-8:])
        return phone_in(msg.signature, labels, not_labels) or phone_in(tail, labels, not_labels)

    def _after_interview(self, lang: str) -> Any:
        cues = self._stage_cues.get(lang)
        if cues is None:
            from agent.analysis.cues import compile_cues

            stage = self.lang_data.get(lang, {}).get("stage", {})
            cues = compile_cues(f"{lang}.toml:stage.after_interview", stage.get("after_interview"))
            self._stage_cues[lang] = cues
        return cues

    def _with_condition(self, evidence: Evidence, lang: str) -> Evidence:
        """The promise's condition, read from its own sentence by the language's cues. A
        window of silence that invites the candidate to ask ("if you have not heard from us
        by then, please get in touch") is no answer by silence."""
        conditions, follow_up_invited = self._condition_cues(lang)
        for condition, cues in conditions:
            if not cues.found(evidence.sentence):
                continue
            if condition == "silence_means_no" and follow_up_invited.found(evidence.sentence):
                continue
            return replace(evidence, condition=condition)
        return evidence

    def _condition_cues(self, lang: str) -> tuple[list[tuple[str, Any]], Any]:
        """The cues of each condition, in the order they are tried, and the cues of a
        follow-up the sender invites."""
        cached = self._conditions.get(lang)
        if cached is None:
            from agent.analysis.cues import compile_cues

            section = self.lang_data.get(lang, {}).get("promise_conditions", {})
            origin = f"{lang}.toml:promise_conditions"
            cached = (
                [
                    (name, compile_cues(f"{origin}.{name}", section.get(name)))
                    for name in ("silence_means_no", "shortlisted")
                    if section.get(name)
                ],
                compile_cues(f"{origin}.follow_up_invited", section.get("follow_up_invited")),
            )
            self._conditions[lang] = cached
        return cached

    def _second_opinion(
        self,
        msg: Message,
        result: KindResult,
        *,
        bulk: bool,
        lang: str,
        silence_means_no: bool = False,
        conditioned: bool = False,
        interview_time: bool = False,
    ) -> str:
        """The cue rules' kind, weighed against the trained model's probabilities.
        ``interview_time``: the message names the time of an interview (in its text or as
        a calendar invitation)."""
        kind = result.kind
        model = self.model_for(lang)
        if result.settled or lang not in self.model_languages or not model.available:
            return kind
        probabilities = model.probabilities(msg, self._signals(result, msg, bulk))
        if silence_means_no:
            # "If you have not heard from us by then, we have chosen other candidates" is
            # no rejection yet: the model reads those words as one, the rules know better.
            probabilities = {k: p for k, p in probabilities.items() if k != "rejection"}
        if not probabilities:
            return kind
        if kind != "not_job":
            # Words about employment make the rules' hiring kind harder to discard.
            not_job_at = (
                self.not_job_at_with_job_context_by_language.get(
                    lang, self.not_job_at_with_job_context
                )
                if _about_a_job(result.signals)
                else self.not_job_at
            )
            if (
                interview_time
                and kind == "interview_invitation"
                and "cue_interview_invitation_strong" in result.signals
            ):
                not_job_at = max(not_job_at, self.not_job_at_with_an_interview_time)
            not_job = probabilities.get("not_job", 0.0)
            if not_job >= not_job_at and (
                (
                    not_job >= self.not_job_whatever_is_kept_at
                    and not self._barely_known(result, lang)
                )
                or not self._kept(result, conditioned, lang)
            ):
                return "not_job"
            hiring = {k: p for k, p in probabilities.items() if k != "not_job"}
            best = max(hiring, key=hiring.__getitem__, default=kind)
            other_kind_at = self.other_kind_at_by_language.get(lang, self.other_kind_at)
            if best != kind and hiring[best] >= other_kind_at:
                if self._barely_known(result, lang):
                    return kind  # the model has read too few of this kind to call it another
                if (
                    self.a_decision_in_words_stands
                    and {best, kind} == {"offer", "rejection"}
                    and f"cue_{kind}_strong" in result.signals
                ):
                    return kind  # "we have decided to withdraw our offer": no offer
                if best == "interview_invitation" and "cue_called_off" in result.signals:
                    return kind  # "Your interview has been cancelled": no invitation
                return best  # a rejection in words no rule knows, around a rule's "update"
        if kind == "not_job" and not bulk:
            best = max(probabilities, key=probabilities.__getitem__)
            if best != "not_job" and probabilities[best] >= self.hiring_at:
                if self._job_board_says_otherwise(result.signals, best):
                    return kind
                return best
        return kind

    def _job_board_says_otherwise(self, signals: Sequence[str], kind: str) -> bool:
        """Whether the mail comes from a job board in its own name (not relaying an
        employer's words) and says nothing of ``kind`` in a strong cue: its job
        suggestions speak of jobs, but no employer has written."""
        return (
            self.job_board_needs_a_strong_cue
            and "has_job_board_sender" in signals
            and "has_job_board_relay" not in signals
            and f"cue_{kind}_strong" not in signals
        )

    def _kept(self, result: KindResult, conditioned: bool, lang: str) -> bool:
        """Whether the message says its kind in a strong cue and either promises a reply
        (and speaks of a job, or makes the reply the condition of a selection: "only
        candidates who go on will hear", "if you have not heard from us by then"), or
        speaks of a job to the reader as the one who applied ("your application for the
        position"), or is of a kind the model has barely read ("vi kommer til å ringe
        referansene dine"): then it is hiring mail, however unfamiliar its words are to
        the model."""
        signals = result.signals
        if f"cue_{result.kind}_strong" not in signals:
            return False
        if self._barely_known(result, lang):
            return True
        about_a_job = _about_a_job(signals)
        if self.keep_promises_about_a_job and "has_promise" in signals:
            if about_a_job or conditioned:
                return True
        return (
            self.keep_mail_to_the_candidate and about_a_job and "has_reader_as_candidate" in signals
        )

    def _barely_known(self, result: KindResult, lang: str) -> bool:
        """Whether the rules read, in a strong cue, a kind of this language the model has
        read too few of to judge (``kinds_the_model_barely_knows``), in mail that is not
        among those who hire."""
        return (
            result.kind in self.kinds_the_model_barely_knows.get(lang, frozenset())
            and f"cue_{result.kind}_strong" in result.signals
            and "cue_other_side" not in result.signals
        )

    def _signals(self, result: KindResult, msg: Message, bulk: bool) -> list[str]:
        """What the rules saw, for the model: their cues, their kind, the message's shape."""
        shape = {"bulk": bulk, "calendar_invite": msg.calendar_start is not None}
        return [
            *result.signals,
            f"rules_{result.kind}",
            *(f"has_{name}" for name, present in shape.items() if present),
        ]

    def _job_words(self, msg: Message, lang: str) -> tuple[bool, bool]:
        """Whether the message speaks of employment (``[job_context]`` cues in the subject
        or new text, or a job title in the subject: ``subject_titles``), and whether it
        names a job (in the subject, or a job title in the text)."""
        words, titles, applied_for = self._job_context_cues(lang)
        in_subject = self._subject_names_a_job(msg.subject, lang)
        speaks = in_subject or bool(words.found(msg.text) or applied_for.found(msg.text))
        return speaks, in_subject or bool(titles.found(msg.text))

    def _subject_names_a_job(self, subject: str, lang: str) -> bool:
        words, titles, _ = self._job_context_cues(lang)
        return bool(words.found(subject) or titles.found(subject))

    def subject_speaks_of_a_job(self, subject: str, language: str) -> bool:
        """Whether a subject names employment or a job title ("Søknad på stillingen som
        lagermedarbeider", "Application: Data Analyst"), read by the rules of ``language``."""
        lang = self.identifier.rules_language(language, self.lang_data) or self.default_language
        return self._subject_names_a_job(subject, lang)

    def _job_context_cues(self, lang: str) -> tuple[Any, Any, Any]:
        compiled = self._job_context.get(lang)
        if compiled is None:
            from agent.analysis.cues import compile_cues

            section = self.lang_data.get(lang, {}).get("job_context", {})
            titles = section.get("subject_titles") or []
            compiled = (
                compile_cues(f"{lang}.toml:job_context.cues", section.get("cues")),
                compile_cues(f"{lang}.toml:job_context.subject_titles", titles),
                # "your interview for Year 4 Class Teacher": a title after these words
                compile_cues(
                    f"{lang}.toml:job_context.title_after",
                    [
                        f"{before}(?:{title}){after}"
                        for before in section.get("title_after") or []
                        for title in titles
                        for after in section.get("title_ends") or [""]
                    ],
                ),
            )
            self._job_context[lang] = compiled
        return compiled

    def _from_recruiting(self, msg: Message, lang: str) -> bool:
        """Whether the sender's name or address names recruiting ("Talent Acquisition",
        careers@, rekrytering@: the ``[prefilter] sender`` cues of any language), or the
        sign-off does in the mail's language ("Daniel Kim / Senior Technical Recruiter",
        "Med vänliga hälsningar, Fixco Rekrytering"): the name a sender signs with says
        who writes as plainly as the name on the envelope."""
        sender = msg.from_
        if sender is not None and self._sender(sender, self._prefilter_cues()[1])[1]:
            return True
        if not msg.signature:
            return False
        cues = self._signoff_cues.get(lang)
        if cues is None:
            from agent.analysis.cues import compile_cues

            section = self.lang_data.get(lang, {}).get("prefilter", {})
            cues = compile_cues(f"{lang}.toml:prefilter.sender", section.get("sender"))
            self._signoff_cues[lang] = cues
        # The closing, the name and the title; not the addresses and disclaimers below.
        return bool(cues.found("\n".join(msg.signature.splitlines()[:_SIGNOFF_LINES])))

    # -- lazily built, heavy parts -------------------------------------------------------
    def _finder(self, lang: str) -> Any:
        finder = self._finders.get(lang)
        if finder is None:
            import spacy

            from agent.analysis.dates.grammar import DateGrammar
            from agent.analysis.promises import PromiseFinder

            if self.rules.date_rules(lang) is None:
                self._finders[lang] = _NoDates()
                return self._finders[lang]

            try:
                nlp = spacy.blank(lang)
            except (ImportError, KeyError, ValueError):
                nlp = spacy.blank("xx")
            nlp.add_pipe("sentencizer")
            from spacy.language import Language

            from agent.analysis.promises import keep_dates_together, month_words

            if "keep_dates_together" not in Language.factories:
                Language.factory(
                    "keep_dates_together",
                    default_config={"months": []},
                    func=lambda nlp, name, months: partial(
                        keep_dates_together, months=frozenset(months)
                    ),
                )
            months = sorted(month_words(self.rules.date_rules(lang)))
            nlp.add_pipe("keep_dates_together", after="sentencizer", config={"months": months})
            finder = PromiseFinder(lang, self.lang_data[lang], DateGrammar(lang, self.rules), nlp)
            self._finders[lang] = finder
        return finder

    def places(self) -> Any:
        if self._places is None:
            from agent.analysis.place import PlaceFinder

            self._places = PlaceFinder.from_rules(self.rules, self.lang_data)
        return self._places

    def calendar_for(self, lang: str, sender_domain: str = "") -> Any:
        from agent.analysis.calendar import BusinessCalendar, country_for_language

        # A promise counts in the sender's business days: a Swedish employer's
        # "5 arbetsdagar" skips Swedish holidays. A language of no one country (English)
        # counts in the country of the sender's domain where it names one ("….ca",
        # "….co.uk": the date rules' countries_by_domain), else in the user's.
        country = (
            country_for_language(lang, self.rules)
            or self._country_of_domain(lang, sender_domain)
            or self.country
        )
        if country not in self._calendars:
            self._calendars[country] = BusinessCalendar(country)
        return self._calendars[country]

    def _country_of_domain(self, lang: str, domain: str) -> str | None:
        """The holiday country the last label of ``domain`` names, by ``lang``'s date
        rules (``settings.countries_by_domain``)."""
        if not domain:
            return None
        table = (self.rules.date_rules(lang) or {}).get("settings", {}).get("countries_by_domain")
        country = dict(table or {}).get(domain.rpartition(".")[2])
        return str(country).upper() if country else None

    def warm_up(self) -> None:
        """Load what analysing is lazy about (spaCy, the date grammars, the calendars, the
        kind model, the cues) now, so that the first message does not wait for it."""
        from agent.message import parse_message

        for lang in self.lang_data:
            self._finder(lang)
            self.calendar_for(lang)
        self.analyze(parse_message(WARM_UP_MESSAGE))

    # -- the header-only prefilter ------------------------------------------------------
    def _prefilter_cues(self) -> tuple[Any, Any, Any]:
        cached = getattr(self, "_prefilter", None)
        if cached is None:
            from agent.analysis.cues import compile_cues

            subject: list[str] = []
            sender: list[str] = []
            bulk_subject: list[str] = []
            for data in self.lang_data.values():
                section = data.get("prefilter", {})
                subject.extend(section.get("subject", []))
                sender.extend(section.get("sender", []))
                bulk_subject.extend(section.get("bulk_subject", []))
                for kind, cues in data.get("kinds", {}).items():
                    if kind != "not_job":
                        subject.extend(cues.get("subject", []))
            cached = (
                compile_cues("prefilter.subject", subject),
                compile_cues("prefilter.sender", sender),
                compile_cues("prefilter.bulk_subject", bulk_subject),
            )
            self._prefilter = cached
        return cached

    def is_candidate(
        self,
        head: Message,
        *,
        in_known_thread: bool = False,
        known_domains: set[str] | frozenset[str] = frozenset(),
        known_senders: set[str] | frozenset[str] = frozenset(),
        outbound: bool = False,
        recipient_domains: set[str] | frozenset[str] = frozenset(),
    ) -> bool:
        """From headers alone: is this message worth fetching and analysing?"""
        if in_known_thread:
            return True
        subject_cues, sender_cues, bulk_cues = self._prefilter_cues()
        if outbound:
            return bool(recipient_domains & set(known_domains)) or subject_cues.found(head.subject)
        sender = head.from_
        if sender is None:
            return bool(subject_cues.found(head.subject))
        bulk = _is_bulk(head)
        if sender.addr.lower() in known_senders and not bulk:
            return True  # a person who has written to the user about a job, even from free mail
        if sender.domain in known_domains and not bulk:
            return (
                True  # a newsletter from a known employer's domain is not news about an application
            )
        verdict, sender_cue = self._sender(sender, sender_cues)
        if verdict is not None:
            return verdict
        if bulk:  # newsletters: only a subject that speaks of the user's own application
            return bool(bulk_cues.found(head.subject))
        return bool(subject_cues.found(head.subject)) or sender_cue

    def _sender(self, sender: Address, sender_cues: Any) -> tuple[bool | None, bool]:
        """What the sender alone tells the prefilter: False for a job board, True for an ATS
        or a staffing agency, else None; and whether a sender cue names it. Kept for each
        sender, as a mailbox has few (up to a bound)."""
        known = self._senders.get(sender)
        if known is None:
            parties = self.parties
            verdict: bool | None = None
            if parties.is_job_board(sender.domain):
                verdict = False
            elif parties.ats_for(sender.domain) or parties.agency_named(sender):
                verdict = True
            known = (verdict, sender_cues.found(f"{sender.name} {sender.addr}"))
            if len(self._senders) >= _SENDER_MEMO_SIZE:
                self._senders.clear()
            self._senders[sender] = known
        return known

    # -- the analysis -------------------------------------------------------------------
    def analyze(self, msg: Message) -> Analysis:
        language = self.identifier.identify(f"{msg.subject}\n{msg.text}")
        rules_lang = (
            self.identifier.rules_language(language, self.lang_data) or self.default_language
        )
        party = self.parties.read(msg, rules_lang)
        bulk = _is_bulk(msg)
        finder = self._finder(rules_lang)
        calendar = self.calendar_for(rules_lang, msg.from_.domain if msg.from_ else "")
        if (
            bulk
            and self.classifiers[rules_lang]
            .classify(msg.subject, msg.text, bulk=True, job_board=party.job_board)
            .kind
            == "not_job"
        ):
            promise = _NO_PROMISE  # a newsletter: no need to read it for promises
        else:
            promise = finder.find(
                msg.text,
                msg.date,
                calendar,
                want_interview=True,
                date_known=not msg.date_missing,
            )
        invite = msg.calendar_start is not None and (msg.calendar_method or "REQUEST") == "REQUEST"
        conditional = [self._with_condition(e, rules_lang) for e in promise.evidence]
        text = msg.text
        for e in conditional:
            if e.condition == "silence_means_no":
                # "… consider it unsuccessful" is no rejection (the evidence joins lines)
                words = (re.escape(word) for word in e.sentence.split())
                text = re.sub(r"\s+".join(words), " ", text)
        job_context, job_named = self._job_words(msg, rules_lang)
        result = self.classifiers[rules_lang].classify(
            msg.subject,
            text,
            bulk=bulk,
            job_board=party.job_board,
            has_promise=promise.promised_by is not None,
            has_calendar_invite=invite,
            ats=party.ats is not None,
            job_subject=self._prefilter_cues()[0].found(msg.subject),
            job_context=job_context,
            job_named=job_named,
            recruiting_sender=self._from_recruiting(msg, rules_lang),
        )
        kind = self._second_opinion(
            msg,
            result,
            bulk=bulk,
            lang=rules_lang,
            silence_means_no=any(e.condition == "silence_means_no" for e in conditional),
            conditioned=any(e.condition for e in conditional),
            interview_time=invite or promise.interview_at is not None,
        )
        if _is_auto_reply(msg):
            return self._reading(
                msg, "not_job", result, promise, conditional, party, language, rules_lang
            )
        analysis = self._reading(
            msg, kind, result, promise, conditional, party, language, rules_lang
        )
        if kind == "not_job" and result.kind != "not_job":
            # The model found no job in words the cue rules read as hiring mail. Inside a
            # thread that already holds hiring mail the thread says otherwise: the
            # tracker then reads the message as the rules did ("Takk for praten. Vi gir
            # deg svar innen fredag." in reply to an interview invitation).
            analysis.if_about_a_job = self._reading(
                msg, result.kind, result, promise, conditional, party, language, rules_lang
            )
        return analysis

    def _reading(
        self,
        msg: Message,
        kind: str,
        result: KindResult,
        promise: Any,
        conditional: list[Evidence],
        party: Any,
        language: str,
        rules_lang: str,
    ) -> Analysis:
        """The analysis of ``msg`` read as ``kind``."""
        invite = msg.calendar_start is not None and (msg.calendar_method or "REQUEST") == "REQUEST"
        interview_at = None
        place = None
        if kind in ("interview_invitation", "assessment_request"):
            interview_at = msg.calendar_start if invite else promise.interview_at
            place = self.places().find(msg, rules_lang)
        evidence = conditional
        if interview_at is not None:
            evidence = [
                e for e in evidence if e.resolved != interview_at.astimezone(msg.date.tzinfo).date()
            ]
        if kind in ("rejection", "not_job"):
            evidence = []
        promised_by = max((e.resolved for e in evidence), default=None)
        return Analysis(
            message_id=msg.message_id,
            language=language,
            kind=kind,
            confidence=result.confidence,
            promised_by=promised_by,
            promise_condition=condition_of(evidence, promised_by),
            after_interview=kind in _AFTER_INTERVIEW_KINDS
            and self._after_interview(rules_lang).found(msg.text),
            contact_phone=self._phone(msg) if kind != "not_job" else None,
            interview_at=interview_at,
            company=party.company if kind != "not_job" else None,
            evidence=evidence,
            cues=result.cues,
            role=party.role.value if party.role and kind != "not_job" else None,
            ats=party.ats,
            contact_name=party.contact_name,
            agency=party.agency,
            interview_place=place.place if place else None,
            interview_link=place.link if place else None,
        )
