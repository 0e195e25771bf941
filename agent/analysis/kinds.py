"""Kind classification: weighted cue phrases from the rules, plus mail-header signals.

Scores add up per kind: a strong cue counts 5, a weak cue 2 (at most three of them),
a subject cue 3. Bulk-mail headers and job-board senders push towards ``not_job``.
Conventions (they match how recruiting mail is labelled in practice):
  * a rejection or an offer outranks everything else in the same message;
  * a message that acknowledges an application ("thank you for applying", "vi har mottatt
    søknaden din", or a subject that announces it) is a receipt, whatever it says of the
    review ahead and the reply to come; it is a ``status_update`` only when it also says
    the process has moved on or stalled since (the ``progress`` cues of the status update:
    "still reviewing", "an update on your application", "delayed", "not decided yet").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from agent.analysis.cues import CueSet, compile_cues
from agent.analysis.types import KINDS

JOB_KINDS = tuple(k for k in KINDS if k != "not_job")
# Tie-break order: earlier wins when scores are equal.
_PRECEDENCE = (
    "rejection",
    "offer",
    "reference_request",
    "assessment_request",
    "interview_invitation",
    "status_update",
    "application_received",
)
STRONG, WEAK, SUBJECT = 5.0, 2.0, 3.0
# Kinds that state a decision, which a conditional sentence does not; a rejection
# outranks an offer.
_DECISIONS = ("rejection", "offer")
# What a mail asks of the reader: a cue inside a condition ("If you are invited to an
# interview, …") asks nothing.
_REQUESTS = ("interview_invitation", "assessment_request", "reference_request")
# A sentence ends at its stop, at a blank line, and after a greeting ("Dear Kari,"); not
# before a word in lower case ("innen 20. marts, …", "ca. 20 søkere").
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?![a-zæøåäö])|(?<=[,:])[ \t]*\n\s*|\n[ \t]*\n\s*")
MAX_WEAK = 3


@dataclass(frozen=True)
class KindCues:
    strong: CueSet
    weak: CueSet
    subject: CueSet


@dataclass
class KindResult:
    kind: str
    confidence: float
    cues: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    # Decided by what the message is about (a scholarship, a loan): no second opinion.
    settled: bool = False
    # What the rules saw, in words of no language ("cue_rejection_strong", "about"), for
    # the trained model to weigh beside the message's own words.
    signals: list[str] = field(default_factory=list)


def _cues_at(lang: str, data: Mapping[str, object], *path: str) -> CueSet:
    """The cue list at ``path`` of a language's rules (``"kinds", "rejection", "strong"``);
    an empty one where a table or the list is missing."""
    section: object = data
    for key in path[:-1]:
        section = section.get(key, {}) if isinstance(section, dict) else {}
    patterns = section.get(path[-1]) if isinstance(section, dict) else None
    return compile_cues(f"{lang}.toml:{'.'.join(path)}", patterns)


class KindClassifier:
    def __init__(self, lang: str, data: Mapping[str, object]) -> None:
        self.lang = lang
        self.progress = _cues_at(lang, data, "kinds", "status_update", "progress")
        self.test_done = _cues_at(lang, data, "kinds", "assessment_request", "done")
        self.called_off = _cues_at(lang, data, "kinds", "status_update", "called_off")
        self.invited = _cues_at(lang, data, "kinds", "interview_invitation", "invited")
        self.asked = _cues_at(lang, data, "kinds", "assessment_request", "asked")
        self.about = _cues_at(lang, data, "kinds", "not_job", "about")
        self.conditional = _cues_at(lang, data, "kinds", "rejection", "conditional")
        self.about_others = _cues_at(lang, data, "kinds", "rejection", "about_others")
        self.regret = _cues_at(lang, data, "kinds", "rejection", "regret")
        self.regretted = _cues_at(lang, data, "kinds", "rejection", "regretted")
        self.addressed = _cues_at(lang, data, "candidate", "addressed")
        self.other_side = _cues_at(lang, data, "candidate", "other_side")
        self.relay = _cues_at(lang, data, "job_board", "relay")
        self.cues: dict[str, KindCues] = {
            kind: KindCues(
                _cues_at(lang, data, "kinds", kind, "strong"),
                _cues_at(lang, data, "kinds", kind, "cues"),
                _cues_at(lang, data, "kinds", kind, "subject"),
            )
            for kind in KINDS
        }

    def _subject_announces_receipt(self, subject: str) -> bool:
        """A subject a receipt's cues name and a status update's do not ("takk for
        søknaden" is a receipt's, though "takk for" alone is also a status update's)."""
        receipt = {
            s.lower() for s in self.cues["application_received"].subject.matched_texts(subject)
        }
        status = {s.lower() for s in self.cues["status_update"].subject.matched_texts(subject)}
        return bool(receipt - status) and all(any(s in r for r in receipt) for s in status)

    def _without_conditions(self, sentences: list[str]) -> str:
        """The text of ``sentences`` less those that open with a condition ("If you are not
        …") or with the other applicants as their subject ("Applicants who are not selected
        will be notified …"), its white space made single."""
        for opening in (self.conditional, self.about_others):
            if opening:
                sentences = [s for s in sentences if not opening.starts(s)]
        return re.sub(r"\s+", " ", " ".join(sentences))

    def _without_condition_clauses(self, sentences: list[str]) -> str:
        """The text of ``sentences`` less the condition of each that opens with one (up to
        its first comma, or the whole sentence without one), its white space made single:
        "If you are invited to an interview, we will contact you by 20 March" invites no one."""
        kept = []
        for sentence in sentences:
            if self.conditional and self.conditional.starts(sentence):
                _, comma, rest = sentence.partition(",")
                sentence = rest if comma else ""
            kept.append(sentence)
        return re.sub(r"\s+", " ", " ".join(kept))

    def classify(
        self,
        subject: str,
        text: str,
        *,
        bulk: bool = False,
        job_board: bool = False,
        has_promise: bool = False,
        has_calendar_invite: bool = False,
        ats: bool = False,
        job_subject: bool = False,
        job_context: bool = True,
        job_named: bool = False,
        recruiting_sender: bool = False,
    ) -> KindResult:
        relayed = job_board and self.relay.found(subject)
        if relayed:
            job_board = False  # "Your application to …": the employer's news, passed on
        scores: dict[str, float] = {}
        strong_hits: dict[str, int] = {}
        text_hits = 0
        evidence: dict[str, list[str]] = {}
        signals: list[str] = []
        body = re.sub(r"\s+", " ", text[:20_000])
        subject = re.sub(r"\s+", " ", subject)
        sentences = _SENTENCE_END.split(text[:20_000])
        decided = self._without_conditions(sentences)
        stated = self._without_condition_clauses(sentences)
        # The text each kind's strong cues are read in: a decision's without conditional
        # sentences ("If you are not selected, …", "If you get a job offer, …"), a request's
        # without the condition's clause; a rejection's also without what is regretted.
        read_in = dict.fromkeys(_DECISIONS, decided) | dict.fromkeys(_REQUESTS, stated)
        called_off = self.called_off.matched_texts(decided)
        # An interview called off or moved is no refusal, whatever it names: "your interview
        # for the Bar Manager position has been cancelled" closes no position.
        refused = decided
        for words in [*called_off, *self.regretted.matched_texts(decided)]:
            refused = refused.replace(words, " ")
        for kind, cues in self.cues.items():
            strong = cues.strong.matched_texts(
                refused if kind == "rejection" else read_in.get(kind, body)
            )
            weak_texts = cues.weak.matched_texts(body)
            if kind == "rejection":
                # Regret refuses when nothing else is decided. Beside an offer made, an
                # interview moved or a process delayed it regrets that ("Unfortunately we
                # cannot offer parking", "vi må dessverre flytte intervjuet ditt").
                regret = self.regret.matched_texts(decided)
                if strong or not (
                    regret
                    and (self.cues["offer"].strong.found(decided) or self.regretted.found(decided))
                ):
                    strong = [*strong, *regret]
                else:
                    weak_texts = [*regret, *weak_texts]
            distinct_strong = list(dict.fromkeys(s.lower() for s in strong))
            weak = list(dict.fromkeys(w.lower() for w in weak_texts))[:MAX_WEAK]
            subj = list(dict.fromkeys(s.lower() for s in cues.subject.matched_texts(subject)))[:2]
            scores[kind] = STRONG * len(distinct_strong) + WEAK * len(weak) + SUBJECT * len(subj)
            strong_hits[kind] = len(distinct_strong)
            counts = {"strong": len(distinct_strong), "weak": len(weak), "subject": len(subj)}
            signals.extend(f"cue_{kind}_{name}" for name, n in counts.items() if n)
            if kind != "not_job":
                text_hits += len(distinct_strong) + len(weak)
            evidence[kind] = [*distinct_strong, *weak, *(f"subject: {s}" for s in subj)]

        moved_on = self.progress.found(body)

        def news_of_the_process(what: str) -> None:
            scores["status_update"] += STRONG
            strong_hits["status_update"] += 1
            evidence["status_update"].insert(0, what)

        done = self.test_done.matched_texts(f"{subject}\n{body}")
        if done:
            # "Thanks for completing your HackerRank assessment": the test named is behind
            # the candidate, and its confirmation is news of the process.
            scores["assessment_request"], strong_hits["assessment_request"] = 0.0, 0
            news_of_the_process(f"test done: {done[0].lower()}")
            signals.append("cue_test_done")
            moved_on = True
        if called_off:
            news_of_the_process(called_off[0].lower())  # "We need to postpone your interview"
            if "cue_status_update_strong" not in signals:
                signals.append("cue_status_update_strong")
            signals.append("cue_called_off")
            moved_on = True
        # The new text only: a reply keeps the subject its recipient wrote ("Re: My
        # application").
        other_side = self.other_side.matched_texts(body)
        # Words of the other side may address the reader too ("submit feedback for your
        # interview with Faisal" goes to the interviewer): inside them, they do not make
        # the reader the candidate.
        unsaid = body
        for words in other_side:
            unsaid = unsaid.replace(words, " ")
        shape = {
            "cue_progress": moved_on,
            "has_promise": has_promise,
            "has_ats_sender": ats,
            "has_job_board_sender": job_board,
            "has_job_board_relay": relayed,
            "has_job_subject": job_subject,
            "has_job_context": job_context,
            "has_recruiting_sender": recruiting_sender,
            "has_reader_as_candidate": self.addressed.found(f"{subject}\n{unsaid}"),
        }
        if other_side:
            signals.append("cue_other_side")
        # Mail among those who hire ("her resume", "interview schedule for …"), or from a
        # candidate to them ("my application"): someone else's job search.
        someone_else = bool(other_side) and not shape["has_reader_as_candidate"]
        other_side_evidence = f"other side: {other_side[0].lower()}" if other_side else ""
        signals.extend(name for name, present in shape.items() if present)
        if has_calendar_invite and strong_hits["interview_invitation"] + len(
            self.cues["interview_invitation"].weak.hits(body)
        ):
            scores["interview_invitation"] += STRONG
            evidence["interview_invitation"].append("calendar invitation")
        if has_promise and (text_hits or job_subject) and not bulk:
            others_strong = any(strong_hits[k] for k in JOB_KINDS if k != "status_update")
            scores["status_update"] += 1 if others_strong else STRONG - 1
            evidence["status_update"].append("promise of a reply")
        if job_subject:
            for kind in JOB_KINDS:
                if scores[kind] > 0:
                    scores[kind] += 1
        if bulk:
            scores["not_job"] += 4
            evidence["not_job"].append("bulk mail headers")
        if job_board:
            scores["not_job"] += 8
            evidence["not_job"].append("job board sender")
        if ats:
            for kind in JOB_KINDS:
                if scores[kind] > 0:
                    scores[kind] += 1

        best_job = max(JOB_KINDS, key=lambda k: (scores[k], -_PRECEDENCE.index(k)))
        best_score = scores[best_job]
        not_job = scores["not_job"]

        if (
            best_score < 4
            or (text_hits == 0 and not (has_promise and job_subject))
            or (bulk and strong_hits[best_job] == 0)
            or (not_job >= best_score and strong_hits[best_job] < 2)
            or (job_board and strong_hits[best_job] < 2)
        ):
            total = not_job + best_score
            conf = 0.9 if best_score == 0 else max(0.55, min(0.95, (not_job + 3) / (total + 3)))
            if someone_else:
                evidence["not_job"].insert(0, other_side_evidence)
            return KindResult(
                "not_job",
                conf,
                evidence["not_job"][:6],
                scores,
                settled=someone_else,
                signals=signals,
            )

        elsewhere = self.about.matched_texts(f"{subject}\n{body}")
        # What the subject names the mail for ("Update on your Volunteer Application",
        # "Your REU application") outweighs passing words of employment in its text ("your
        # resume", "the position") when no job is named: not in the subject, and no job
        # title in the text ("the position of lab technician").
        named = bool(elsewhere) and self.about.found(subject) and not job_named
        if elsewhere and (not job_context or named):
            # A scholarship, a loan, a talk, a study place: not a job, whatever the words
            # of application and decision around it.
            return KindResult(
                "not_job",
                0.8,
                [f"about: {elsewhere[0].lower()}"],
                scores,
                settled=True,
                signals=[*signals, "cue_about"],
            )

        if someone_else:
            return KindResult(
                "not_job",
                0.8,
                [other_side_evidence],
                scores,
                settled=True,
                signals=signals,
            )
        if elsewhere:
            signals.append("cue_about")
        kind = best_job
        # A rejection or an offer outranks the politeness around it.
        for decisive in _DECISIONS:
            if (
                strong_hits[decisive] >= 1
                and (
                    scores[decisive] >= 0.6 * best_score
                    or strong_hits[decisive] >= strong_hits[kind]
                )
                and kind != decisive
            ):
                if decisive == "offer" and strong_hits["rejection"] >= 1:
                    continue
                kind = decisive
                break
        if kind == "interview_invitation" and called_off:
            kind = "status_update"  # the interview named is called off or put off
        if kind == "application_received" and self.invited.found(decided):
            # "Thank you for your application. We would like to invite you to an interview":
            # the thanks are politeness, the invitation is what the mail is for.
            kind = "interview_invitation"
        elif kind == "application_received" and self.asked.found(decided):
            kind = "assessment_request"  # "Thank you for applying. Please complete the test"
        elif kind == "application_received" and moved_on and strong_hits["status_update"]:
            kind = "status_update"  # the application is acknowledged again, with news
        elif (
            kind == "status_update"
            and not moved_on
            and (strong_hits["application_received"] or self._subject_announces_receipt(subject))
        ):
            # "Thank you for applying … we will get back to you within two weeks": the
            # review ahead and the promise of a reply are what every receipt says.
            kind = "application_received"
        if kind == "status_update":
            # A concrete request (references, a test, an interview) is what the message is for;
            # any promise in it is still recorded.
            for request in ("reference_request", "assessment_request", "interview_invitation"):
                if request == "interview_invitation" and called_off:
                    continue  # the interview asked for is the one called off or lapsed
                if strong_hits[request] and scores[request] >= 0.5 * scores["status_update"]:
                    kind = request
                    break
        ordered = sorted((s for k, s in scores.items() if k != kind), reverse=True)
        runner_up = ordered[0] if ordered else 0.0
        confidence = scores[kind] / (scores[kind] + runner_up + 2.0)
        confidence = max(0.5, min(0.99, 0.45 + confidence * 0.6))
        return KindResult(kind, confidence, evidence[kind][:6], scores, signals=signals)
