"""The draft each hiring message would lead to, checked as it would be before appending.

    python bench/drafts.py [--show N] [--lang en,nb,da,sv]

For every hiring message of ``tests/corpus`` and ``tests/realworld`` (look-alikes and
``not_job`` left out): parse and analyse it, make the one-message process the tracker
would make, and render the draft its situation calls for (a follow-up after a promise, a
next-steps question after an interview, a feedback request after a rejection, a
reminder otherwise), as if its window had lapsed. Prints how many drafts fail the
check (they would not be appended) and why, how many needed a neutral wording for a
slot and which, and ``--show`` drafts per language with the mail they answer.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from understanding import build_message, realworld_rows  # noqa: E402

from agent.analysis import Analyzer  # noqa: E402
from agent.drafts import TemplateSet, render_draft  # noqa: E402
from agent.message import parse_message  # noqa: E402
from agent.pipeline.ingest import tracked_from  # noqa: E402
from agent.policy import (  # noqa: E402
    FEEDBACK_REQUEST,
    FOLLOWUP_AFTER_PROMISE,
    NEXT_STEPS,
    NUDGE,
    CreateDraft,
)
from agent.records import INBOUND  # noqa: E402
from agent.rules import Rules, load_parties  # noqa: E402
from agent.tracker import build_processes  # noqa: E402

ME = "candidate@example.org"
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
TZ = ZoneInfo("Europe/Oslo")


def messages(source: str = "both") -> list[tuple[str, bytes]]:
    out = []
    if source in ("both", "corpus"):
        out = [(p.stem, p.read_bytes()) for p in sorted((ROOT / "tests" / "corpus").glob("*.eml"))]
    for row in realworld_rows("both") if source in ("both", "realworld") else ():
        if row["label"] != "not_job" and not row.get("lookalike"):
            out.append((row["id"], build_message(row, 0)))
    return out


def action_for(process: Any) -> str:
    if process.state == "rejected":
        return FEEDBACK_REQUEST
    if process.promised_by:
        return FOLLOWUP_AFTER_PROMISE
    if process.interview_held or process.interview_at:
        return NEXT_STEPS
    return NUDGE


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=0, help="drafts to print per language")
    parser.add_argument("--lang", default="en,nb,da,sv")
    parser.add_argument("--verbose", action="store_true", help="name each neutral slot")
    parser.add_argument("--source", choices=("both", "corpus", "realworld"), default="both")
    args = parser.parse_args()
    rules = Rules.load(None)
    analyzer = Analyzer(rules)
    templates = TemplateSet.from_rules(rules)
    parties = load_parties(rules)
    failed: Counter[str] = Counter()
    neutral: Counter[str] = Counter()
    uncertain: Counter[str] = Counter()  # slots the parties were too unsure of to offer
    total = 0
    shown: dict[str, int] = defaultdict(int)
    by_lang: Counter[str] = Counter()
    actions_shown: dict[str, set[str]] = defaultdict(set)
    for name, raw in messages(args.source):
        msg = parse_message(raw)
        analysis = analyzer.analyze(msg)
        if analysis.kind == "not_job":
            continue
        tm = tracked_from(
            msg, analysis.kind, analysis, account="me", direction=INBOUND, folder_role="inbox"
        )
        if not tm.to:
            tm = type(tm)(**{**tm.__dict__, "to": (ME,)})
        now = msg.date + timedelta(days=60)
        [process] = build_processes([tm], own_addresses={ME}, parties=parties, now=now)
        kind = action_for(process)
        action = CreateDraft(
            process_id=process.id,
            account="me",
            action=kind,
            followup_id="0" * 16,
            due_at=now,
            language=process.language,
            reason="bench",
            anchor_message_id=tm.message_id,
        )
        draft = render_draft(
            process, action, account_address=ME, account_name="Ola Nordmann",
            templates=templates, now=now, tz=TZ,
        )  # fmt: skip
        total += 1
        by_lang[draft.language] += 1
        for problem in draft.problems:
            failed[_QUOTED.sub("…", problem)] += 1
        for note in draft.notes:
            if note.startswith("left out: "):
                uncertain[_QUOTED.sub("…", note.removeprefix("left out: "))] += 1
            if note.startswith("said neutrally: "):
                reason = note.removeprefix("said neutrally: ")
                neutral[_QUOTED.sub("…", reason)] += 1
                if args.verbose:
                    print(f"  {name}: {reason}")
        lang = draft.language
        if (
            lang in args.lang.split(",")
            and shown[lang] < args.show
            and not draft.problems
            and kind not in actions_shown[lang]  # one of each situation first
        ):
            shown[lang] += 1
            actions_shown[lang].add(kind)
            print(f"==== {name} ({lang}, {analysis.kind}) -> {kind}")
            print(
                f"---- the mail: {msg.subject}\n{msg.text[:700]}\n---- the draft: {draft.subject}"
            )
            print(draft.body)
    fails = sum(1 for _ in failed.elements())
    needing = sum(neutral.values())
    print(f"drafts rendered: {total} ({', '.join(f'{k} {v}' for k, v in sorted(by_lang.items()))})")
    print(f"failing the check (not appended): {fails} ({100 * fails / max(1, total):.1f}%)")
    for reason, n in failed.most_common():
        print(f"  {n:4}  {reason}")
    print(f"a slot said neutrally: {needing} ({100 * needing / max(1, total):.1f}%)")
    for reason, n in neutral.most_common():
        print(f"  {n:4}  {reason}")
    left = sum(uncertain.values())
    print(f"a slot left out as uncertain: {left} ({100 * left / max(1, total):.1f}%)")
    for reason, n in uncertain.most_common():
        print(f"  {n:4}  {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
