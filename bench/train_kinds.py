"""Train the kind models shipped in ``agent/models/`` (linear classifiers).

    python bench/train_kinds.py [--folds 5] [--out agent/models]

Trains on the project's corpus (``tests/corpus``), the public emails of
``shared/testdata`` and the ``dev`` half of ``tests/realworld`` — never on its
``test`` half. Two models: ``kinds`` on that mail, and ``kinds-translated`` on that
mail and the Norwegian, Danish and Swedish translations of dev mail in
``tests/realworld/translated``. The product reads each language with the model
``[model_by_language]`` of ``rules/model.toml`` names (the Nordic languages with
``kinds-translated``), the others with ``kinds``: the translations teach the Nordic words
of hiring mail, and cost English some of its look-alikes (the folder's README has the
figures). A multinomial logistic regression (scikit-learn, the ``bench`` extra) over
the words, word pairs and letter sequences of the subject and the new text
(``agent.analysis.model.features``), the eight kinds exclusive. The product reads the
weights with numpy alone. With ``--folds`` it first prints the out-of-fold scores on
dev (each dev mail read by the model of its language, trained without the mail's
source and without the translations of it), which is where the thresholds in
``rules/model.toml`` come from:

    python bench/train_kinds.py --oof /tmp/oof.json
    python bench/understanding.py --oof /tmp/oof.json   # dev, each message by a model that never saw it
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from understanding import (  # noqa: E402
    LABEL_TO_KIND,
    build_message,
    load_analyzer,
    load_rows,
    realworld_rows,
    source_group,
)

from agent.analysis.model import KindModel, Loaded, features, model_text, vector  # noqa: E402
from agent.message import parse_message  # noqa: E402

PUBLIC = ROOT.parent / "shared" / "testdata" / "emails-public.jsonl"
TRANSLATED = ROOT / "tests" / "realworld" / "translated"
C = 300.0  # the inverse of the regularisation strength, chosen out of fold on dev
SIGNAL_WEIGHT = 0.1  # each rules' signal beside the words at unit length (out of fold on dev)
MIN_COUNT = 2  # a feature seen in fewer training mails is not read


class _Reader:
    """Stands in for the model while the analyzer reads a message, and keeps what the
    model would have been given: the message and the rules' signals."""

    available = True

    def __init__(self) -> None:
        self.text = ""

    def probabilities(self, msg: Any, signals: Any = ()) -> dict[str, float]:
        self.text = model_text(msg, signals)
        return {}


def model_input(analyzer: Any, reader: _Reader, msg: Any) -> str:
    """The text the shipped analyzer hands its model for ``msg``."""
    reader.text = ""
    analysis = analyzer.analyze(msg)
    # A message settled by the rules is never weighed; it trains as the rules saw it.
    return reader.text or model_text(msg, [f"rules_{analysis.kind}", "cue_about"])


Example = tuple[str, str, str]  # a training mail's id, the text the model reads, its kind
PLAIN_MODEL, TRANSLATED_MODEL = "kinds", "kinds-translated"
LANGUAGE = {"nn": "nb"}  # the rules' language of a row's language


def translated_languages() -> set[str]:
    """The languages ``rules/model.toml`` has the model with translations read."""
    from agent.rules import Rules

    by_language = Rules.load(None).toml("model.toml").get("model_by_language", {})
    unknown = {name for name in by_language.values() if name != TRANSLATED_MODEL}
    if unknown:
        raise SystemExit(
            f"rules/model.toml: model_by_language names {unknown}; this script "
            f"trains {PLAIN_MODEL} and {TRANSLATED_MODEL}"
        )
    return set(by_language)


def translations() -> list[dict[str, Any]]:
    """The rows of ``tests/realworld/translated``; each names the dev row it translates
    (``of``), and one that names another is refused."""
    dev = {row["id"] for row in realworld_rows("dev")}
    rows = []
    for path in sorted(TRANSLATED.glob("*.jsonl")):
        for row in load_rows(path):
            if row.get("of") not in dev:
                raise SystemExit(
                    f"{path.name}: {row['id']} translates no dev row ({row.get('of')})"
                )
            rows.append(row)
    return rows


def examples(
    with_translations: bool = False,
) -> tuple[list[Example], list[Example], list[tuple[Example, str]]]:
    """The fixed training mail; dev's; and the translations, each with the dev row it
    translates."""
    analyzer = load_analyzer()
    reader = _Reader()
    analyzer.model = reader
    fixed = []
    for eml in sorted((ROOT / "tests" / "corpus").glob("*.eml")):
        label = json.loads(eml.with_suffix(".json").read_text(encoding="utf-8")).get("kind")
        if label:
            msg = parse_message(eml.read_bytes())
            fixed.append((eml.stem, model_input(analyzer, reader, msg), label))
    if PUBLIC.exists():
        for n, row in enumerate(load_rows(PUBLIC)):
            msg = parse_message(build_message(row, n))
            label = LABEL_TO_KIND.get(row["label"], row["label"])
            fixed.append((row["id"], model_input(analyzer, reader, msg), label))
    dev = [
        (
            row["id"],
            model_input(analyzer, reader, parse_message(build_message(row, 0))),
            row["label"],
        )
        for row in realworld_rows("dev")
    ]
    translated = [
        (
            (
                row["id"],
                model_input(analyzer, reader, parse_message(build_message(row, 0))),
                row["label"],
            ),
            row["of"],
        )
        for row in (translations() if with_translations else [])
    ]
    return fixed, dev, translated


def fold_of(dev_rows: list[dict[str, Any]], folds: int) -> dict[str, int]:
    """Each dev row's fold, a source's rows in one fold (largest sources first, each
    to the fold that has fewest rows so far)."""
    groups: dict[str, list[str]] = {}
    for row in dev_rows:
        groups.setdefault(source_group(row), []).append(row["id"])
    sizes = [0] * folds
    fold: dict[str, int] = {}
    for _, ids in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        smallest = sizes.index(min(sizes))
        sizes[smallest] += len(ids)
        fold.update((row_id, smallest) for row_id in ids)
    return fold


class Trained:
    """A fitted model: the kinds, the vocabulary, the weights (what ``KindModel`` loads)."""

    def __init__(self, loaded: Loaded, vocabulary: list[str]) -> None:
        self.loaded, self.vocabulary = loaded, vocabulary

    def model(self) -> KindModel:
        model = KindModel(None)
        model._loaded = self.loaded
        return model

    def probabilities(self, text: str) -> dict[str, float]:
        """The probabilities as the trainer computes them: the features and weights the
        training matrix was built of (the product finds them its own, faster way)."""
        m = self.loaded
        return m.probabilities(*vector(features(text), m.vocabulary, m.idf, m.signal_weight))

    def save(self, out: Path, checks: list[str]) -> None:
        import numpy as np

        out.mkdir(parents=True, exist_ok=True)
        for old in out.iterdir():  # the files of an earlier model format
            if old.name not in ("model.json", "weights.npz"):
                shutil.rmtree(old) if old.is_dir() else old.unlink()
        meta = {
            "kinds": self.loaded.kinds,
            "vocabulary": self.vocabulary,
            "signal_weight": self.loaded.signal_weight,
            # Texts and the probabilities the trainer gave them: the tests read them back.
            "checks": [{"text": t, "probabilities": self.probabilities(t)} for t in checks],
        }
        (out / "model.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        np.savez_compressed(
            out / "weights.npz",
            weights=self.loaded.weights.astype(np.float32),
            intercept=self.loaded.intercept.astype(np.float32),
            idf=self.loaded.idf.astype(np.float32),
        )


def train(data: list[tuple[str, str, str]], c: float = C) -> Trained:
    """A multinomial logistic regression over ``features``, weighted as ``vector``."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counted = [features(text) for _, text, _ in data]
    seen: Counter[str] = Counter()
    for counts in counted:
        seen.update(counts.keys())
    vocabulary = sorted(f for f, n in seen.items() if n >= MIN_COUNT)
    index = {f: i for i, f in enumerate(vocabulary)}
    idf = np.array([math.log((1 + len(data)) / (1 + seen[f])) + 1 for f in vocabulary])
    rows, cols, vals = [], [], []
    for row, counts in enumerate(counted):
        columns, values = vector(counts, index, idf, SIGNAL_WEIGHT)
        rows += [row] * len(columns)
        cols += columns
        vals += list(values)
    x = csr_matrix((vals, (rows, cols)), shape=(len(data), len(vocabulary)))
    classifier = LogisticRegression(C=c, max_iter=5000)
    classifier.fit(x, [kind for _, _, kind in data])
    kinds = [str(k) for k in classifier.classes_]
    weights, intercept = classifier.coef_.T.copy(), classifier.intercept_.copy()
    return Trained(Loaded(kinds, index, weights, intercept, idf, SIGNAL_WEIGHT), vocabulary)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "agent" / "models")
    parser.add_argument("--oof", type=Path, help="write dev's out-of-fold probabilities here")
    parser.add_argument(
        "--split",
        choices=("source", "row"),
        default="source",
        help="folds keep each source's rows together (default), or deal rows out in turn",
    )
    parser.add_argument("--c", type=float, default=C, help=f"inverse regularisation (default {C})")
    parser.add_argument("--no-save", action="store_true", help="do not write the models")
    args = parser.parse_args()
    fixed, dev, translated = examples(with_translations=True)
    print(
        f"training mail: {len(fixed)} fixed + {len(dev)} dev"
        f" + {len(translated)} translations of dev (for {TRANSLATED_MODEL} alone)"
    )
    dev_rows = realworld_rows("dev")
    by_translated = translated_languages()
    read_translated = {
        row["id"] for row in dev_rows if LANGUAGE.get(row["lang"], row["lang"]) in by_translated
    }
    if args.folds > 1:
        oof: dict[str, dict[str, float]] = {}
        if args.split == "source":
            fold_by_id = fold_of(dev_rows, args.folds)
        else:
            fold_by_id = {row_id: i % args.folds for i, (row_id, _, _) in enumerate(dev)}
        for fold in range(args.folds):
            held = [x for x in dev if fold_by_id[x[0]] == fold]
            kept = [x for x in dev if fold_by_id[x[0]] != fold]
            plain = train(fixed + kept, args.c).model()
            kept += [x for x, of in translated if fold_by_id[of] != fold]
            with_translations = train(fixed + kept, args.c).model()
            for row_id, text, _ in held:
                model = with_translations if row_id in read_translated else plain
                oof[row_id] = model.text_probabilities(text)
        right = sum(1 for row_id, _, kind in dev if max(oof[row_id], key=oof[row_id].get) == kind)
        print(f"out-of-fold on dev: kind right {right}/{len(dev)}")
        if args.oof:
            args.oof.write_text(json.dumps(oof), encoding="utf-8")
    if args.no_save:
        return 0
    checks = [text for _, text, _ in fixed[:: max(1, len(fixed) // 5)]]
    for name, extra in ((PLAIN_MODEL, []), (TRANSLATED_MODEL, [x for x, _ in translated])):
        out = args.out / name
        train(fixed + dev + extra, args.c).save(out, checks)
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        print(f"model written to {out} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
