"""How well followup understands mail: dates, kinds, promises, and how fast.

    python bench/understanding.py DATASET.jsonl... [--verbose] [--speed]

A dataset is recognised by its fields:
- dates (``phrase``, ``expected``, ``ref``): our date grammar (``resolve_phrase``) against
  dateparser alone (``parse`` and ``search_dates``), scored by the rules of the test data
  README: a day is right when it equals ``expected``, is in ``accept``, or is the last day
  or the last business day of ``span``.
- emails (``body``, ``sent``, ``label``): each row becomes an RFC 5322 message, parsed with
  ``agent.message.parse_message`` and analysed with ``agent.analysis.Analyzer``; kind and
  ``promised_by`` accuracy per language.
- sentences (``text``, ``sent``, ``promised_by``): promise reading alone, each sentence read
  by its language's promise finder as if in a hiring mail (``tests/realworld/sentences/``),
  dev and test halves apart.
With ``FOLLOWUP_RULES_ONLY=1`` the kind model is left out (the cue rules alone, to
compare). ``FOLLOWUP_REALWORLD=DIR`` scores another copy of the real-world set.
``--speed`` times the whole analysis of ``tests/corpus/**/*.eml`` on one core and the
start of ``.venv/bin/followup --help``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.analysis.calendar import BusinessCalendar, country_for_language  # noqa: E402
from agent.analysis.dates.grammar import resolve_phrase  # noqa: E402

LABEL_TO_KIND = {"recruiter_update": "status_update", "interview_followup_promise": "status_update"}

# Phrases the grammar reads otherwise than Duckling on purpose (regex on the phrase).
DELIBERATE = [
    (
        r"\b(beginning|start) of (this|current|coming|next|the following) week\b",
        "early in a week is its Tuesday (DESIGN: 'early next week' -> Tuesday); Duckling ends it on Wednesday",
    ),
    (
        r"\bnext (3|three) (weeks|months)\b|\bneste (3|tre) (uker|måneder)\b",
        "a count of weeks or months runs from the message's day (ref + N), not to the end of whole calendar units",
    ),
    (
        r"^(March|sun|sat)$",
        "'March', 'sun' and 'sat' are also ordinary words: alone they need a preposition, a dot or a date beside them",
    ),
    (
        r"^\d{1,2}-\d{1,2}$",
        "'2-15' without a year, a preposition or a clock time is more often a range of numbers than a date",
    ),
    (
        r"\b9a to 11a\b",
        "'9a' is not read as 9 am: a bare 'a' after a number is too often the article",
    ),
]


def load_rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def dataset_type(rows: list[dict[str, Any]]) -> str:
    fields = set(rows[0]) if rows else set()
    if {"expected", "ref"} <= fields and ("phrase" in fields or "text" in fields):
        return "dates"
    if {"body", "sent", "label"} <= fields:
        return "emails"
    if {"text", "sent", "promised_by"} <= fields:
        return "sentences"
    raise SystemExit(f"unknown dataset type (fields: {', '.join(sorted(fields))})")


# -- dates -----------------------------------------------------------------------------------
def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


class Scorer:
    def __init__(self) -> None:
        self.calendars: dict[str, BusinessCalendar] = {}

    def calendar(self, lang: str) -> BusinessCalendar:
        if lang not in self.calendars:
            self.calendars[lang] = BusinessCalendar(country_for_language(lang))
        return self.calendars[lang]

    def right(self, row: dict[str, Any], got: date | None) -> bool:
        if got is None:
            return False
        ok = {_day(row["expected"])}
        ok.update(_day(a) for a in row.get("accept") or [])
        span = row.get("span")
        if span:
            first, last = _day(span[0]), _day(span[1])
            if first and last:
                ok.add(last)
                ok.add(self.calendar(row["lang"]).last_business_day_in(first, last))
        return got in ok


def _dateparser_settings(ref: datetime) -> dict[str, Any]:
    return {
        "RELATIVE_BASE": ref.replace(tzinfo=None),
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }


def dateparser_parse(phrase: str, lang: str, ref: datetime) -> date | None:
    import dateparser

    try:
        found = dateparser.parse(phrase, languages=[lang], settings=_dateparser_settings(ref))
    except Exception:  # noqa: BLE001 - a baseline failing on a phrase is a miss
        return None
    return found.date() if found else None


def dateparser_search(phrase: str, lang: str, ref: datetime) -> date | None:
    from dateparser.search import search_dates

    try:
        found = search_dates(phrase, languages=[lang], settings=_dateparser_settings(ref))
    except Exception:  # noqa: BLE001
        return None
    return found[0][1].date() if found else None


def deliberate_reason(phrase: str) -> str | None:
    for pattern, reason in DELIBERATE:
        if re.search(pattern, phrase, re.IGNORECASE):
            return reason
    return None


def run_dates(rows: list[dict[str, Any]], verbose: bool) -> None:
    scorer = Scorer()
    engines = {
        "followup": lambda p, lang, ref: resolve_phrase(p, lang, ref, scorer.calendar(lang)),
        "dateparser.parse": dateparser_parse,
        "dateparser.search_dates": dateparser_search,
    }
    totals: dict[str, dict[str, list[int]]] = {
        name: defaultdict(lambda: [0, 0]) for name in engines
    }
    failures: list[tuple[dict[str, Any], date | None]] = []
    deliberate: list[tuple[dict[str, Any], date | None, str]] = []
    elapsed = 0.0
    for row in rows:
        phrase = row.get("phrase") or row["text"]
        ref = datetime.fromisoformat(row["ref"])
        lang = row["lang"]
        for name, engine in engines.items():
            started = time.perf_counter()
            got = engine(phrase, lang, ref)
            if name == "followup":
                elapsed += time.perf_counter() - started
            right = scorer.right(row, got)
            totals[name][lang][0] += int(right)
            totals[name][lang][1] += 1
            if name == "followup" and not right:
                reason = deliberate_reason(phrase)
                if reason:
                    deliberate.append((row, got, reason))
                else:
                    failures.append((row, got))
    langs = sorted({row["lang"] for row in rows})
    print(f"dates: {len(rows)} phrases ({', '.join(langs)})")
    width = max(len(n) for n in engines)
    for name in engines:
        cells = []
        for lang in langs:
            right, count = totals[name][lang]
            cells.append(f"{lang} {right}/{count} = {100 * right / count:5.1f}%")
        print(f"  {name:<{width}}  " + "   ".join(cells))
    print(f"  followup time: {1000 * elapsed / max(1, len(rows)):.2f} ms per phrase")
    if deliberate:
        print(
            f"deliberate differences from Duckling ({len(deliberate)} phrases, counted as wrong above):"
        )
        by_reason: dict[str, list[str]] = defaultdict(list)
        for row, got, reason in deliberate:
            by_reason[reason].append(f"{row['lang']}:{row.get('phrase') or row['text']!r}->{got}")
        for reason, phrases in by_reason.items():
            print(f"  - {reason}")
            print(f"      {'; '.join(phrases)}")
    print(
        f"other failures: {len(failures)}"
        + ("" if verbose or not failures else " (--verbose lists them)")
    )
    if verbose:
        for row, got in failures:
            phrase = row.get("phrase") or row["text"]
            print(
                f"  {row['lang']} {phrase!r}: got {got}, expected {row['expected'][:10]} span {row.get('span')}"
            )


# -- emails ----------------------------------------------------------------------------------
def build_message(row: dict[str, Any], index: int) -> bytes:
    msg = EmailMessage()
    try:
        msg["From"] = row["from"]
    except (AttributeError, ValueError, IndexError):  # ".legal <…>": the library trips on it
        msg["From"] = formataddr(parseaddr(row["from"]))
    msg["To"] = "candidate@example.org"
    msg["Subject"] = row.get("subject") or ""
    msg["Date"] = format_datetime(datetime.fromisoformat(row["sent"]))
    msg["Message-ID"] = f"<bench-{row.get('id', index)}@followup.invalid>"
    msg.set_content(row["body"])
    return msg.as_bytes()


def load_analyzer() -> Any:
    try:
        from agent.analysis import Analyzer
    except ImportError as exc:
        raise SystemExit(f"emails: agent.analysis.Analyzer is not available yet ({exc})") from None
    from agent.rules import Rules

    analyzer = Analyzer(Rules.load(None))
    if os.environ.get("FOLLOWUP_RULES_ONLY"):
        from agent.analysis.model import KindModel

        analyzer.model = KindModel(None)  # the cue rules alone, for every language
    return analyzer


def run_emails(rows: list[dict[str, Any]], verbose: bool) -> None:
    from agent.message import parse_message

    analyzer = load_analyzer()
    kind_ok: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    promise_ok: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    mismatches: list[str] = []
    for index, row in enumerate(rows):
        lang = row["lang"]
        analysis = analyzer.analyze(parse_message(build_message(row, index)))
        want_kind = LABEL_TO_KIND.get(row["label"], row["label"])
        want_promise = row.get("promised_by")
        got_promise = analysis.promised_by.isoformat() if analysis.promised_by else None
        kind_ok[lang][0] += int(analysis.kind == want_kind)
        kind_ok[lang][1] += 1
        labelled = "promised_by" in row  # a set of kinds alone labels no promise
        if labelled:
            promise_ok[lang][0] += int(got_promise == want_promise)
            promise_ok[lang][1] += 1
        if analysis.kind != want_kind or (labelled and got_promise != want_promise):
            phrases = "; ".join(f"{e.phrase!r}->{e.resolved}" for e in analysis.evidence)
            mismatches.append(
                f"  {row.get('id', index)} [{lang}] kind {analysis.kind} (want {want_kind}), "
                f"promised_by {got_promise} (want {want_promise}) {phrases}"
            )
    print(f"emails: {len(rows)} messages")
    for lang in sorted(kind_ok):
        k, n = kind_ok[lang]
        p, m = promise_ok[lang]
        promised = f"   promised_by {p}/{m} = {100 * p / m:5.1f}%" if m else ""
        print(f"  {lang}: kind {k}/{n} = {100 * k / n:5.1f}%{promised}")
    print(
        f"mismatches: {len(mismatches)}"
        + ("" if verbose or not mismatches else " (--verbose lists them)")
    )
    if verbose:
        print("\n".join(mismatches))


# -- sentences ---------------------------------------------------------------------------------
def run_sentences(rows: list[dict[str, Any]], verbose: bool) -> None:
    """Promise reading alone: each row's ``text`` read by its language's promise finder
    against ``sent``, as in a hiring mail (no kind is decided). Each half of the split
    of the real-world set (``split_of``) is scored apart: tune on dev."""
    from agent.analysis import condition_of

    analyzer = load_analyzer()
    # Per half and language: promises right, promises, none read where none, nones,
    # promises right with their condition.
    scores: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    mismatches: list[str] = []
    for row in rows:
        lang = "nb" if row["lang"] == "nn" else row["lang"]
        ref = datetime.fromisoformat(row["sent"])
        finder = analyzer._finder(lang)
        found = finder.find(row["text"], ref, analyzer.calendar_for(lang), want_interview=False)
        got = found.promised_by.isoformat() if found.promised_by else None
        conditional = [analyzer._with_condition(e, lang) for e in found.evidence]
        condition = condition_of(conditional, found.promised_by)
        want = row.get("promised_by")
        score = scores[(split_of(row["id"]), lang)]
        if want:
            score[0] += int(got == want)
            score[1] += 1
            score[4] += int(got == want and condition == row.get("promise_condition"))
        else:
            score[2] += int(got is None)
            score[3] += 1
        if got != want or (want and condition != row.get("promise_condition")):
            mismatches.append(
                f"  {row['id']} [{split_of(row['id'])}] {got} {condition} (want {want} "
                f"{row.get('promise_condition')}): {row['text'][:160]!r}"
            )
    print(f"sentences: {len(rows)}")
    print("  half  lang   promised_by exact     no promise where none   with its condition")
    for (half, lang), (ok, n, none_ok, none_n, cond_ok) in sorted(scores.items()):
        print(
            f"  {half:5} {lang:4} {ok:4}/{n:<4} {_pct(ok, n):>7}   {none_ok:4}/{none_n:<4} "
            f"{_pct(none_ok, none_n):>7}   {cond_ok:4}/{n:<4}"
        )
    print(
        f"mismatches: {len(mismatches)}"
        + ("" if verbose or not mismatches else " (--verbose lists dev's)")
    )
    if verbose:
        print("\n".join(m for m in mismatches if "[dev]" in m))


# -- the real-world set ------------------------------------------------------------------------
KINDS = (
    "application_received",
    "interview_invitation",
    "status_update",
    "assessment_request",
    "reference_request",
    "offer",
    "rejection",
    "not_job",
)
REALWORLD = Path(os.environ.get("FOLLOWUP_REALWORLD", ROOT / "tests" / "realworld"))


def split_of(row_id: str) -> str:
    """``dev`` or ``test``, fixed once by a hash of the row's id (50/50)."""
    import hashlib

    return "dev" if hashlib.sha256(row_id.encode("utf-8")).digest()[0] % 2 == 0 else "test"


def realworld_rows(split: str) -> list[dict[str, Any]]:
    rows = []
    for path in sorted(REALWORLD.glob("*.jsonl")):
        rows.extend(r for r in load_rows(path) if split in ("both", split_of(r["id"])))
    return rows


def source_group(row: dict[str, Any]) -> str:
    """The source a row was taken from, as a key: its repository, its site, or its file.

    Rows of one source share wording, so out-of-fold scores that keep a source's rows
    together say more of mail from sources the set does not have.
    """
    source = str(row.get("source", ""))
    found = re.search(r"index id (\d+)", source)
    if found:
        return "file:" + found.group(1)
    found = re.search(r"github(?:\.com)?[:/]\s*([\w.-]+/[\w.-]+)", source, re.IGNORECASE)
    if found:
        return found.group(1).lower()
    found = re.search(r"https?://(?:www\.)?([^/\s]+)", source)
    if found:
        return found.group(1).lower()
    return source[:40].lower()


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    """Mean F1 over the kinds that occur as label or prediction (of the eight)."""
    scores = []
    for kind in KINDS:
        tp = sum(1 for want, got in pairs if want == kind and got == kind)
        fp = sum(1 for want, got in pairs if want != kind and got == kind)
        fn = sum(1 for want, got in pairs if want == kind and got != kind)
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores) if scores else 0.0


class OutOfFold:
    """The kind model's out-of-fold probabilities for dev (``train_kinds.py --oof``).

    The shipped model was trained on dev, so its dev figures are training figures; with
    these, each dev message is weighed by a model that never saw it. Other rows get none.
    """

    available = True

    def __init__(self, path: Path) -> None:
        self.by_id: dict[str, dict[str, float]] = json.loads(path.read_text(encoding="utf-8"))

    def probabilities(self, msg: Any, signals: Any = ()) -> dict[str, float]:
        found = re.fullmatch(r"<bench-(.+)@followup\.invalid>", msg.message_id)
        return dict(self.by_id.get(found.group(1), {})) if found else {}


def run_realworld(split: str, verbose: bool, oof: Path | None = None) -> dict[str, Any]:
    from agent.message import parse_message

    analyzer = load_analyzer()
    if oof is not None:
        analyzer.model = OutOfFold(oof)
        split = "dev"
    figures: dict[str, Any] = {}
    for part in ("dev", "test") if split == "both" else (split,):
        rows = realworld_rows(part)
        by_lang: dict[str, list[tuple[dict[str, Any], Any]]] = defaultdict(list)
        misses: list[str] = []
        for row in rows:
            analysis = analyzer.analyze(parse_message(build_message(row, 0)))
            lang = (
                "da+sv"
                if row["lang"] in ("da", "sv")
                else "nb"
                if row["lang"] == "nn"
                else row["lang"]
            )
            by_lang[lang].append((row, analysis))
            got_promise = analysis.promised_by.isoformat() if analysis.promised_by else None
            got_condition = getattr(analysis, "promise_condition", None)
            if (
                analysis.kind != row["label"]
                or got_promise != row.get("promised_by")
                or (row.get("promised_by") and got_condition != row.get("promise_condition"))
            ):
                phrases = "; ".join(f"{e.phrase!r}->{e.resolved}" for e in analysis.evidence)
                misses.append(
                    f"  {row['id']} kind {analysis.kind} (want {row['label']}), promised_by "
                    f"{got_promise} (want {row.get('promised_by')}), condition {got_condition} "
                    f"(want {row.get('promise_condition')}) {phrases}"
                )
        print(f"real-world {part}: {len(rows)} messages")
        print(
            f"  {'':6} {'n':>4} {'kind F1':>8} {'kind ok':>8} {'promise':>12} {'no promise':>12} "
            f"{'condition':>10} {'look-alikes as hiring':>22}"
        )
        for lang in sorted(by_lang) + ["all"]:
            items = (
                [x for values in by_lang.values() for x in values]
                if lang == "all"
                else by_lang[lang]
            )
            pairs = [(row["label"], a.kind) for row, a in items]
            f1 = macro_f1(pairs)
            kind_ok = sum(1 for want, got in pairs if want == got)
            promised = [
                (r, a) for r, a in items if r.get("promised_by") and r["label"] != "not_job"
            ]
            exact = sum(
                1
                for r, a in promised
                if a.promised_by and a.promised_by.isoformat() == r["promised_by"]
            )
            unpromised = [(r, a) for r, a in items if not r.get("promised_by")]
            quiet = sum(1 for _, a in unpromised if a.promised_by is None)
            conditions = sum(
                1
                for r, a in promised
                if getattr(a, "promise_condition", None) == r.get("promise_condition")
            )
            alikes = [(r, a) for r, a in items if r.get("lookalike")]
            fooled = sum(1 for _, a in alikes if a.kind != "not_job")
            print(
                f"  {lang:6} {len(items):>4} {f1:8.3f} {kind_ok:>4}/{len(items):<3} "
                f"{exact:>4}/{len(promised):<3}{_pct(exact, len(promised))} "
                f"{quiet:>4}/{len(unpromised):<3}{_pct(quiet, len(unpromised))} "
                f"{conditions:>4}/{len(promised):<3} "
                f"{fooled:>4}/{len(alikes):<3}{_pct(fooled, len(alikes))}"
            )
            figures[f"{part}.{lang}"] = {
                "kind_f1": f1,
                "promise_exact": exact / max(1, len(promised)),
                "no_promise": quiet / max(1, len(unpromised)),
                "lookalikes_as_hiring": fooled / max(1, len(alikes)),
            }
        intervals = ", ".join(
            "{} {:.2f}–{:.2f}".format(lang, *f1_interval(by_lang[lang])) for lang in sorted(by_lang)
        )
        print(f"  kind F1, 90% interval resampling sources: {intervals}")
        # Mail discarded alone is read as the cue rules read it when it replies in a
        # thread of an employer's mail (the rows are single messages: what that would give).
        items = [x for values in by_lang.values() for x in values]
        missed = [(r, a) for r, a in items if r["label"] != "not_job" and a.kind == "not_job"]
        in_thread = [a.if_about_a_job for _, a in missed if a.if_about_a_job is not None]
        right = sum(
            1
            for r, a in missed
            if a.if_about_a_job is not None and a.if_about_a_job.kind == r["label"]
        )
        alikes = [a for r, a in items if r.get("lookalike") and a.kind == "not_job"]
        print(
            f"  hiring mail discarded: {len(missed)}; inside a hiring thread {len(in_thread)} "
            f"would be kept, {right} of the right kind; look-alikes that would be: "
            f"{sum(1 for a in alikes if a.if_about_a_job is not None)}/{len(alikes)}"
        )
        if verbose and part == "dev":
            print(f"dev mismatches: {len(misses)}")
            print("\n".join(misses))
        elif misses:
            print(
                f"  mismatches: {len(misses)}"
                + (" (--verbose lists dev's)" if part == "dev" else "")
            )
    return figures


def f1_interval(
    items: list[tuple[dict[str, Any], Any]], draws: int = 500, seed: int = 0
) -> tuple[float, float]:
    """A 90% interval for the kind macro-F1 of ``items``, resampling whole sources (a
    source's rows share wording, so they are drawn together): what the same reading
    would likely score on another set drawn from sources like these."""
    by_source: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row, analysis in items:
        by_source[source_group(row)].append((row["label"], analysis.kind))
    groups = list(by_source.values())
    rng = random.Random(seed)
    scores = sorted(
        macro_f1([pair for _ in groups for pair in rng.choice(groups)]) for _ in range(draws)
    )
    return scores[int(0.05 * draws)], scores[int(0.95 * draws) - 1]


def _pct(part: int, whole: int) -> str:
    return f" {100 * part / whole:5.1f}%" if whole else "      -"


# -- speed -----------------------------------------------------------------------------------
def run_speed() -> None:
    from agent.message import parse_message

    paths = sorted((ROOT / "tests" / "corpus").rglob("*.eml"))
    if not paths:
        print("speed: no tests/corpus/**/*.eml found")
    else:
        blobs = [p.read_bytes() for p in paths]
        started = time.perf_counter()
        analyzer = load_analyzer()
        if hasattr(analyzer, "warm_up"):
            analyzer.warm_up()
        load_seconds = time.perf_counter() - started
        for blob in blobs:  # warm-up pass: lazy parts, caches
            analyzer.analyze(parse_message(blob))
        rounds = max(1, 600 // len(blobs))
        print(f"speed: pipeline load {1000 * load_seconds:.0f} ms")
        from agent.analysis.model import KindModel

        shipped, by_language = analyzer.model, dict(analyzer.models_by_language)
        for label, model in (
            ("cue rules alone", KindModel(None)),
            ("with the kind models", shipped),
        ):
            analyzer.model = model  # one model for every language ...
            if model is shipped:
                analyzer.models_by_language = by_language  # ... or each language's own
            started = time.perf_counter()
            for _ in range(rounds):
                for blob in blobs:
                    analyzer.analyze(parse_message(blob))
            seconds = time.perf_counter() - started
            count = rounds * len(blobs)
            print(
                f"speed: {count / seconds:.0f} messages/s {label} "
                f"(parse + analyze, {len(blobs)} messages x {rounds}, one core)"
            )
    followup = ROOT / ".venv" / "bin" / "followup"
    if not followup.exists():
        print("speed: .venv/bin/followup does not exist yet")
        return
    times = []
    for _ in range(10):
        started = time.perf_counter()
        done = subprocess.run([str(followup), "--help"], capture_output=True, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            print(f"speed: followup --help exited {done.returncode}: {done.stderr.decode()[-300:]}")
            return
    print(
        f"speed: followup --help starts in {1000 * statistics.median(times):.0f} ms (median of 10)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*", type=Path)
    parser.add_argument("--verbose", "-v", action="store_true", help="list every failure")
    parser.add_argument("--speed", action="store_true", help="time the analysis of tests/corpus")
    parser.add_argument(
        "--realworld",
        choices=("dev", "test", "both"),
        help="score tests/realworld/ (tune on dev; --verbose lists dev's mismatches only)",
    )
    parser.add_argument(
        "--oof",
        type=Path,
        help="score dev with the model's out-of-fold probabilities (train_kinds.py --oof FILE)",
    )
    args = parser.parse_args(argv)
    if args.oof and not args.realworld:
        args.realworld = "dev"
    if not args.datasets and not args.speed and not args.realworld:
        parser.error("give a dataset, --realworld or --speed")
    if args.realworld:
        run_realworld(args.realworld, args.verbose, args.oof)
    for path in args.datasets:
        rows = load_rows(path)
        print(f"== {path}")
        kind = dataset_type(rows)
        if kind == "dates":
            run_dates(rows, args.verbose)
        elif kind == "sentences":
            run_sentences(rows, args.verbose)
        else:
            run_emails(rows, args.verbose)
    if args.speed:
        run_speed()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
