"""Train the kind model shipped in ``agent/models/kinds/`` (a spaCy text classifier).

    python bench/train_kinds.py [--folds 5] [--out agent/models/kinds]

Trains on the project's corpus (``tests/corpus``), the public emails of
``shared/testdata`` and the ``dev`` half of ``tests/realworld`` — never on its
``test`` half. A bag of words and word pairs over the subject and the new text, the
eight kinds exclusive. With ``--folds`` it first prints the out-of-fold scores on
dev (the model's figures on mail it was not trained on), which is where the
thresholds in ``rules/model.toml`` come from:

    python bench/train_kinds.py --oof /tmp/oof.json
    python bench/understanding.py --oof /tmp/oof.json   # dev, each message by a model that never saw it
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from understanding import KINDS, LABEL_TO_KIND, build_message, load_rows, realworld_rows  # noqa: E402

from agent.analysis.model import model_text  # noqa: E402
from agent.message import parse_message  # noqa: E402

PUBLIC = ROOT.parent / "shared" / "testdata" / "emails-public.jsonl"
CONFIG = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": True,
    "ngram_size": 2,
    "no_output_layer": False,
    "length": 65536,
}


def examples() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(id, text, kind) of the fixed training mail, and of dev's."""
    fixed = []
    for eml in sorted((ROOT / "tests" / "corpus").glob("*.eml")):
        label = json.loads(eml.with_suffix(".json").read_text(encoding="utf-8")).get("kind")
        if label:
            fixed.append((eml.stem, model_text(parse_message(eml.read_bytes())), label))
    if PUBLIC.exists():
        for n, row in enumerate(load_rows(PUBLIC)):
            msg = parse_message(build_message(row, n))
            fixed.append(
                (row["id"], model_text(msg), LABEL_TO_KIND.get(row["label"], row["label"]))
            )
    dev = [
        (row["id"], model_text(parse_message(build_message(row, 0))), row["label"])
        for row in realworld_rows("dev")
    ]
    return fixed, dev


def train(data: list[tuple[str, str, str]], seed: int = 0, epochs: int = 12) -> Any:
    import spacy
    from spacy.training import Example

    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    nlp = spacy.blank("xx")
    textcat = nlp.add_pipe("textcat", config={"model": CONFIG})
    for kind in KINDS:
        textcat.add_label(kind)
    docs = [
        Example.from_dict(nlp.make_doc(text), {"cats": {k: float(k == kind) for k in KINDS}})
        for _, text, kind in data
    ]
    optimizer = nlp.initialize(lambda: docs)
    for _ in range(epochs):
        random.shuffle(docs)
        for start in range(0, len(docs), 16):
            nlp.update(docs[start : start + 16], sgd=optimizer, drop=0.1)
    return nlp


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "agent" / "models" / "kinds")
    parser.add_argument("--oof", type=Path, help="write dev's out-of-fold probabilities here")
    args = parser.parse_args()
    fixed, dev = examples()
    print(f"training mail: {len(fixed)} fixed + {len(dev)} dev")
    if args.folds > 1:
        oof: dict[str, dict[str, float]] = {}
        for fold in range(args.folds):
            held = [x for i, x in enumerate(dev) if i % args.folds == fold]
            nlp = train(fixed + [x for i, x in enumerate(dev) if i % args.folds != fold])
            for row_id, text, _ in held:
                oof[row_id] = dict(nlp(text).cats)
        right = sum(1 for row_id, _, kind in dev if max(oof[row_id], key=oof[row_id].get) == kind)
        print(f"out-of-fold on dev: kind right {right}/{len(dev)}")
        if args.oof:
            args.oof.write_text(json.dumps(oof), encoding="utf-8")
    nlp = train(fixed + dev)
    args.out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"model written to {args.out} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
