"""The trained kind model: a linear classifier over a message's subject and new text.

It is trained by ``bench/train_kinds.py`` on labelled mail (never on the real-world
set's test half) and shipped inside the package; nothing is downloaded. It is loaded
on first use, so commands that read no text never pay for it. The cue rules decide a
kind; the model's probabilities are a second opinion that the analyzer weighs with the
thresholds of ``rules/model.toml``.

The model reads words, word pairs and the letter sequences inside words (two to five
letters, with each word's start and end marked). The letter sequences carry what one word
teaches to its inflections and to its neighbours in related languages ("ansøgning",
"ansökan", "søknaden" share "ans", "søk"), which matters where the set has few mails
of a language. Each feature is weighted by its log count and its inverse document
frequency, and a message's vector has unit length (the training script and this module
share ``features`` and ``vector``, so what is trained is what is read).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from agent.message import Message

MODELS = Path(__file__).resolve().parent.parent / "models"
SHIPPED = MODELS / "kinds"
MAX_MODEL_CHARS = 1500  # the opening of a mail says what it is
LETTERS = (2, 3, 4, 5)  # the lengths of letter sequences read inside a word
LONGEST_WORD = 30  # longer "words" are links, hashes and tokens: read whole, not inside

SIGNAL = "signal:"  # marks a rules' signal among the features; no word has a colon

_WORD = re.compile(r"\w+")


def model_text(msg: Message, signals: Sequence[str] = ()) -> str:
    """What the model reads: the subject, the start of the sender's new words, and what
    the cue rules saw in them (``signals``: words of no language, so that what the model
    learns of them in one language holds in the others)."""
    return f"{msg.subject}\n{msg.text[:MAX_MODEL_CHARS]}\n{' '.join(signals)}"


def _inside(word: str) -> list[str]:
    if not word.isalpha() or len(word) > LONGEST_WORD:
        return []
    padded = f" {word} "
    return [padded[i : i + n] for n in LETTERS for i in range(len(padded) - n + 1)]


def _signal_features(signals: str) -> set[str]:
    """The rules' signals of ``model_text``'s last line, each marked as one, and each
    cue also without its strength ("cue_rejection" beside "cue_rejection_strong")."""
    marked = set()
    for signal in signals.split():
        marked.add(f"{SIGNAL}{signal}")
        if signal.startswith("cue_") and signal.count("_") >= 2:
            marked.add(f"{SIGNAL}{signal.rpartition('_')[0]}")
    return marked


def features(text: str) -> Counter[str]:
    """The counted features of ``text`` as ``model_text`` writes it: the lowercased words,
    each pair of neighbouring words and each word's letter sequences; and the rules'
    signals of its last line."""
    words_part, _, signals = text.rpartition("\n")
    words = _WORD.findall(words_part.lower())
    counts: Counter[str] = Counter(words)
    counts.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    for word in words:
        counts.update(_inside(word))
    counts.update(_signal_features(signals))
    return counts


def vector(
    counts: Counter[str], vocabulary: dict[str, int], idf: Any, signal_weight: float
) -> tuple[list[int], Any]:
    """The columns and weights of a message's known features: the words' at unit length
    together, each signal at ``signal_weight``."""
    import numpy as np

    known = [f for f in counts if f in vocabulary]
    if not known:
        return [], np.zeros(0)
    columns = [vocabulary[f] for f in known]
    is_signal = np.array([f.startswith(SIGNAL) for f in known])
    tf = np.array([1.0 + math.log(counts[f]) for f in known])
    weights = tf * idf[columns]
    norm = np.linalg.norm(weights[~is_signal])
    weights[~is_signal] /= norm or 1.0
    weights[is_signal] = signal_weight
    return columns, weights


class Loaded(NamedTuple):
    kinds: list[str]
    vocabulary: dict[str, int]
    weights: Any
    intercept: Any
    idf: Any
    signal_weight: float

    def probabilities(self, columns: Any, values: Any) -> dict[str, float]:
        """The kinds' probabilities for a message's columns and weights (``vector``)."""
        import numpy as np

        scores = self.intercept + (values @ self.weights[columns] if len(columns) else 0.0)
        scores = np.exp(scores - scores.max())
        scores /= scores.sum()
        return {kind: float(p) for kind, p in zip(self.kinds, scores, strict=True)}


def shipped_model(name: str, origin: str) -> Path:
    """The folder of the shipped model ``name`` (``agent/models/<name>``); ``origin``
    names the setting for the error. Whether it holds a model is asked on first use."""
    from agent.errors import RulesError

    if not re.fullmatch(r"[\w-]+", name):
        raise RulesError(f"{origin}: {name!r} is not the name of a shipped model")
    return MODELS / name


class KindModel:
    """Probabilities of the eight kinds for a message; loaded on first use.

    The shipped files: ``model.json`` (the kinds, in the order of the weights' columns;
    the vocabulary, in the order of their rows; the signals' weight) and ``weights.npz``
    (``weights``, one row per feature and one column per kind; ``intercept``; ``idf``)."""

    def __init__(self, path: Path | None = SHIPPED, *, origin: str | None = None) -> None:
        self.path = path
        self.origin = origin  # the setting that named it: a model that must be there
        self._loaded: Loaded | None = None
        self._cache: dict[str, Any] = {}  # a word's known columns

    @property
    def available(self) -> bool:
        if self.path is None:
            return False
        if self._loaded is not None or (self.path / "model.json").is_file():
            return True
        if self.origin:
            from agent.errors import RulesError

            known = sorted(p.name for p in MODELS.iterdir() if (p / "model.json").is_file())
            raise RulesError(
                f"{self.origin}: no shipped model named {self.path.name!r} (there are {known})"
            )
        return False

    def _load(self) -> Loaded:
        if self._loaded is None:
            import numpy as np

            assert self.path is not None  # available
            meta = json.loads((self.path / "model.json").read_text(encoding="utf-8"))
            vocabulary = {feature: row for row, feature in enumerate(meta["vocabulary"])}
            with np.load(self.path / "weights.npz") as arrays:
                weights = arrays["weights"].astype(np.float64)
                intercept = arrays["intercept"].astype(np.float64)
                idf = arrays["idf"].astype(np.float64)
            self._loaded = Loaded(
                list(meta["kinds"]), vocabulary, weights, intercept, idf, meta["signal_weight"]
            )
        return self._loaded

    def probabilities(self, msg: Message, signals: Sequence[str] = ()) -> dict[str, float]:
        if not self.available:
            return {}
        return self.text_probabilities(model_text(msg, signals))

    def text_probabilities(self, text: str) -> dict[str, float]:
        """The probabilities for a text as ``model_text`` writes it."""
        m = self._load()
        return m.probabilities(*self._vector(text, m))

    def _vector(self, text: str, m: Loaded) -> tuple[Any, Any]:
        """``vector(features(text), …)``, the same columns and weights, found faster: a
        word's known columns (itself and its letter sequences) are kept once found."""
        import numpy as np

        words_part, _, signals = text.rpartition("\n")
        words = _WORD.findall(words_part.lower())
        found: list[Any] = []
        for word in words:
            known = self._cache.get(word)
            if known is None:
                known = np.array(
                    [m.vocabulary[f] for f in (word, *_inside(word)) if f in m.vocabulary],
                    dtype=np.intp,
                )
                if len(self._cache) < 200_000:
                    self._cache[word] = known
            found.append(known)
        pairs = (m.vocabulary.get(f"{a} {b}") for a, b in zip(words, words[1:], strict=False))
        found.append(np.array([c for c in pairs if c is not None], dtype=np.intp))
        columns, counts = np.unique(np.concatenate(found), return_counts=True)
        weights = (1.0 + np.log(counts)) * m.idf[columns]
        weights /= np.linalg.norm(weights) or 1.0
        marked = _signal_features(signals)
        extra = sorted({m.vocabulary[f] for f in marked if f in m.vocabulary})
        return (
            np.concatenate([columns, np.array(extra, dtype=np.intp)]),
            np.concatenate([weights, np.full(len(extra), m.signal_weight)]),
        )
