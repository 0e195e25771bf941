"""Promises: sentences where the sender commits to a reply or decision, and the day.

spaCy (a blank pipeline with a rule-based sentencizer, no model download) splits the
new text into sentences; the date grammar finds temporal expressions; cue lists from
the rules decide whether the clause around an expression is the sender's commitment
or something else (a deadline for the candidate, the interview time, a start date).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from agent.analysis.calendar import BusinessCalendar
from agent.analysis.cues import compile_cues
from agent.analysis.dates.grammar import DateGrammar, TemporalMatch
from agent.analysis.types import Evidence
from agent.errors import RulesError

# "Interviews are held in week 12 and we will answer everyone by 27 March": a new
# subject or a sender's verb after "and" starts a clause of its own; a list of dates
# ("3/24, 3/31, and 4/1") does not.
_CLAUSE_BREAK = re.compile(
    r"[;:–—]|,\s+(?!(?:and|or|og|eller|och)\s+\d)(?=(?:and|but|or|og|men|eller|so|så|then|deretter|while|mens|before|after|før|etter|please|vennligst)\b)|\s+(?:but|men|however|imidlertid)\s+"
    r"|\s+(?:and|og|och)\s+(?=(?:(?:we|vi|our|the|a|an|vår|vårt|våre|vores|vor|vort|en|et|ett|din|your)\s+(?:[\w-]+\s+){0,3})?(?:will|shall|expect|aim|hope|plan|intend|vil|skal|kommer|regner|forventer|räknar|gir|giver|ger|lämnar|sender|skickar|melder|meddelar|svarer|svarar|kontakter|kontaktar|tar|tager|vender|återkommer)\b)",
    re.I,
)
_MAX_PROMISE_DAYS = 200
_NO_BREAK_AFTER = {
    "kl",
    "ca",
    "nr",
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "bl.a",
    "f.eks",
    "evt",
    "inkl",
    "jf",
    "tlf",
    "mob",
    "no",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "approx",
    "ref",
    "avd",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "okt",
    "oct",
    "nov",
    "des",
    "dec",
    "man",
    "tir",
    "ons",
    "tor",
    "fre",
    "lør",
    "søn",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
}


def _ordinal(prev: Any, before: Any) -> bool:
    """Is ``prev`` the dot of a day number ("11." as one token, or "11" then ".")?"""
    if prev.text == ".":
        return before is not None and before.like_num
    return prev.text.endswith(".") and prev.text[:-1].isdigit() and len(prev.text) <= 3


def month_words(date_rules: Mapping[str, Any] | None) -> frozenset[str]:
    """The month names and abbreviations of a language's date rules, lowercased."""
    vocab = (date_rules or {}).get("vocab", {})
    return frozenset(
        word.lower().rstrip(".")
        for table in ("month_word", "month_short", "month_by_day")
        for word in vocab.get(table, {})
    )


def keep_dates_together(doc: Any, months: frozenset[str]) -> Any:
    """A sentence never starts after 'kl.', before a lower-case word, or after '11.'
    before a month (``months``: ``month_words``): "fredag 11. desember kl. 16" and
    "11. Desember" stay one sentence."""
    for i in range(1, len(doc)):
        token = doc[i]
        prev = doc[i - 1]
        before = doc[i - 2] if i >= 2 else None
        if not token.is_sent_start:
            if (
                prev.text.endswith(".")
                and prev.text[:-1].isdigit()
                and token.text[:1].isupper()
                and token.lower_.rstrip(".") not in months
            ):
                # The tokenizer reads "42." as one ordinal: "i uke 42. Vi gir …" ends there.
                token.is_sent_start = True
            continue
        if token.text[:1].islower():
            token.is_sent_start = False
        elif prev.text == "." and before is not None and before.lower_ in _NO_BREAK_AFTER:
            token.is_sent_start = False
        elif prev.text.endswith(".") and prev.text[:-1].lower() in _NO_BREAK_AFTER:
            token.is_sent_start = False
        elif _ordinal(prev, before) and token.lower_.rstrip(".") in months:
            # "11. Desember" (a day), unlike "i uke 42. Vi gir beskjed …" (a sentence's end)
            token.is_sent_start = False
    return doc  # "we keep your CV for a year" is not a reply window


@dataclass(frozen=True)
class SentenceDates:
    sentence: str
    matches: tuple[TemporalMatch, ...]


@dataclass
class PromiseResult:
    promised_by: date | None
    evidence: list[Evidence]
    interview_at: datetime | None
    sentences: list[SentenceDates]


class PromiseFinder:
    def __init__(
        self, lang: str, data: Mapping[str, object], grammar: DateGrammar, nlp: object
    ) -> None:
        commitment = data.get("commitment", {})
        interview = data.get("interview", {})
        assert isinstance(commitment, dict) and isinstance(interview, dict)
        origin = f"{lang}.toml:commitment"
        self.lang = lang
        self.commitment = compile_cues(f"{origin}.cues", commitment.get("cues"))
        self.candidate = compile_cues(
            f"{origin}.candidate_deadline", commitment.get("candidate_deadline")
        )
        self.interview = compile_cues(f"{lang}.toml:interview.cues", interview.get("cues"))
        # "We expect to schedule interviews by the end of next week": the sender's plan for
        # the selection, a time by which those chosen will hear.
        self.selection_plan = compile_cues(
            f"{origin}.selection_plan", commitment.get("selection_plan")
        )
        conditions = data.get("promise_conditions", {})
        # "If you have not heard from us by …": the date is the sender's, though the
        # sentence speaks of the candidate's silence.
        self.silence = compile_cues(
            f"{lang}.toml:promise_conditions.silence_means_no",
            conditions.get("silence_means_no") if isinstance(conditions, dict) else None,
        )
        # "within three weeks of the closing date": the window runs from the deadline the
        # mail names ("The vacancy closes on 8 February"), not from the message's day.
        self.deadline = compile_cues(f"{origin}.deadline", commitment.get("deadline"))
        self._after_deadline = _anchor_regex(
            f"{origin}.after_deadline", commitment.get("after_deadline")
        )
        # "If you have not heard from us by then, …": a condition in the next sentence
        # that points back at the promised time.
        self._refers_back = _anchor_regex(
            f"{origin}.refers_back", commitment.get("refers_back"), anywhere=True
        )
        self.grammar = grammar
        self.nlp = nlp
        date_labels = [re.escape(x) for x in interview.get("date_labels", [])]
        time_labels = [re.escape(x) for x in interview.get("time_labels", [])]
        self._date_line = (
            re.compile(rf"^\s*\*?(?:{'|'.join(date_labels)})\*?\s*:\s*(.+)$", re.I | re.M)
            if date_labels
            else None
        )
        self._time_line = (
            re.compile(rf"^\s*\*?(?:{'|'.join(time_labels)})\*?\s*:\s*(.+)$", re.I | re.M)
            if time_labels
            else None
        )

    def labelled_time(
        self, text: str, ref: datetime, calendar: BusinessCalendar
    ) -> datetime | None:
        """'Date: Thursday 10 December' + 'Time: 13:00-14:30' on separate lines."""
        if self._date_line is None:
            return None
        date_match = self._date_line.search(text)
        if not date_match:
            return None
        value = date_match.group(1).strip()
        if self._time_line is not None:
            time_match = self._time_line.search(text)
            if time_match and time_match.start() != date_match.start():
                clock = re.match(
                    r"\s*(?:kl\.?\s*)?(\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}\b)?)",
                    time_match.group(1),
                    re.I,
                )
                if clock:
                    value = f"{value} {'at' if self.lang == 'en' else 'kl.'} {clock.group(1)}"
        for match in self.grammar.find(value, ref, calendar):
            if match.at is not None and match.at > ref:
                return match.at
        return None

    def sentences(self, text: str) -> list[str]:
        out: list[str] = []
        for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*•·–]|\d{1,2}[.)]\s+[A-ZÆØÅ]))", text):
            block = " ".join(line.strip() for line in block.splitlines() if line.strip())
            if not block:
                continue
            if len(block) > 5000:
                block = block[:5000]
            doc = self.nlp(block)  # type: ignore[operator]
            out.extend(s.text.strip() for s in doc.sents if s.text.strip())
        return out

    def _clause(self, sentence: str, match: TemporalMatch) -> str:
        start = 0
        label_start = 0
        for brk in _CLAUSE_BREAK.finditer(sentence):  # whole: a break looks ahead
            if brk.end() > match.start:
                break
            label_start, start = start, brk.end()
        if start and sentence[start - 1] == ":":
            # A labelled field ("Start Date: 1 December", "Response By: 11 November"): the
            # label says whose the time is.
            start = label_start
        end = len(sentence)
        nxt = _CLAUSE_BREAK.search(sentence, match.end)
        if nxt:
            end = nxt.start()
        return sentence[start:end]

    def _is_promise(
        self, sentence: str, match: TemporalMatch, others: tuple[TemporalMatch, ...] = ()
    ) -> bool:
        clause = self._clause(sentence, match)
        if match.at is not None and self.interview.found(clause):
            return False  # a clock time next to a meeting word is an appointment, not a deadline
        if self.silence.found(sentence):
            return True
        if self.candidate.found(clause):
            return False
        if self.commitment.found(clause):
            return True
        # The commitment may stand in another clause ("The panel meets on Monday, and we
        # will then decide, probably by Friday") but only one that has no date of its own
        # and sets the candidate no task.
        for other in others:
            if other is not match:
                self_clause = self._clause(sentence, other)
                if self.commitment.found(self_clause) and not self.candidate.found(self_clause):
                    return False
        for part in _CLAUSE_BREAK.split(sentence):
            if part and self.commitment.found(part) and not self.candidate.found(part):
                return True
        return False

    def _anchored(self, sentence: str, match: TemporalMatch) -> int:
        """The length of "of the closing date" right after a window, else 0."""
        if match.kind not in ("window", "business_days"):
            return 0
        after = self._after_deadline.match(sentence, match.end)
        return after.end() - match.end if after else 0

    def _closing_day(
        self, dated: list[tuple[str, list[TemporalMatch]]], ref: datetime
    ) -> date | None:
        """The day the mail names as the application deadline ("closes on 8 February")."""
        for sentence, matches in dated:
            if not self.deadline.found(sentence):
                continue
            for match in matches:
                if match.kind == "date" and match.at is None:
                    return match.resolved
        return None

    def find(
        self,
        text: str,
        ref: datetime,
        calendar: BusinessCalendar,
        *,
        want_interview: bool,
        date_known: bool = True,
    ) -> PromiseResult:
        evidence: list[Evidence] = []
        planned: list[Evidence] = []  # the sender's plan for the selection
        promised: date | None = None
        interview_at: datetime | None = None
        found: list[SentenceDates] = []
        ref_day = ref.date()
        sentences = self.sentences(text)
        dated = [(sentence, self.grammar.find(sentence, ref, calendar)) for sentence in sentences]
        closing: date | None = None
        for index, (sentence, matches) in enumerate(dated):
            if not matches:
                continue
            found.append(SentenceDates(sentence, tuple(matches)))
            following = sentences[index + 1] if index + 1 < len(sentences) else ""
            if following and (dated[index + 1][1] or not self._refers_back.search(following)):
                following = ""
            for match in matches:
                anchor = self._anchored(sentence, match)
                if anchor:
                    if closing is None:
                        closing = self._closing_day(dated, ref)
                    if closing is None:
                        continue  # a window from a deadline the mail does not name
                    start = datetime.combine(closing, ref.timetz())
                    again = self.grammar.find(match.phrase, start, calendar)
                    if not again:
                        continue
                    match = replace(match, resolved=again[0].resolved, first_day=closing)
                    sentence_for_cues = sentence[: match.end] + sentence[match.end + anchor :]
                else:
                    sentence_for_cues = sentence
                if want_interview and match.at is not None and interview_at is None:
                    if match.at > ref and (
                        self.interview.found(sentence) or self.candidate.found(sentence)
                    ):
                        interview_at = match.at
                if match.kind == "open_span":
                    continue  # "in the coming weeks" names no day to follow up after
                if not date_known:
                    if not re.search(r"\b(19|20)\d\d\b", match.phrase):
                        continue  # without the message's Date only a full date can be trusted
                elif (
                    match.resolved < ref_day or (match.resolved - ref_day).days > _MAX_PROMISE_DAYS
                ):
                    continue
                said = f"{sentence} {following}" if following else sentence
                said_by = Evidence(sentence=said, phrase=match.phrase, resolved=match.resolved)
                if self.selection_plan.found(self._clause(sentence_for_cues, match)):
                    planned.append(said_by)
                    continue
                if not self._is_promise(sentence_for_cues, match, tuple(matches)):
                    continue
                evidence.append(said_by)
                if promised is None or match.resolved > promised:
                    promised = match.resolved
        if not evidence and planned:
            # A plan for the selection is the promise only where the mail makes none of
            # its own ("If selected, we will reach out by Friday 20 March" comes first).
            evidence = planned
            promised = max(e.resolved for e in planned)
        if want_interview:
            interview_at = self.labelled_time(text, ref, calendar) or interview_at
        return PromiseResult(promised, evidence, interview_at, found)


def _anchor_regex(origin: str, patterns: Any, *, anywhere: bool = False) -> re.Pattern[str]:
    """One case-insensitive alternation of the rules' patterns; unless ``anywhere``, it
    must start where it is applied (after optional spaces)."""
    if not patterns:
        return re.compile(r"(?!)")
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise RulesError(f"{origin}: expected a list of strings")
    for index, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise RulesError(f"{origin}[{index}]: {exc}") from None
    body = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(rf"\b(?:{body})\b" if anywhere else rf"\s*,?\s*(?:{body})\b", re.I)
