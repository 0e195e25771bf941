"""The trained kind model: a spaCy text classifier over a message's subject and new text.

It is trained by ``bench/train_kinds.py`` on labelled mail (never on the real-world
set's test half) and shipped inside the package; nothing is downloaded. It is loaded
on first use, so commands that read no text never pay for it. The cue rules decide a
kind; the model's probabilities are a second opinion that the analyzer weighs with the
thresholds of ``rules/model.toml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agent.message import Message

SHIPPED = Path(__file__).resolve().parent.parent / "models" / "kinds"
MAX_MODEL_CHARS = 1500  # the opening of a mail says what it is


def model_text(msg: Message, signals: Sequence[str] = ()) -> str:
    """What the model reads: the subject, the start of the sender's new words, and what
    the cue rules saw in them (``signals``: words of no language, so that what the model
    learns of them in one language holds in the others)."""
    return f"{_words(msg)}{' '.join(signals)}"


def _words(msg: Message) -> str:
    return f"{msg.subject}\n{msg.text[:MAX_MODEL_CHARS]}\n"


def model_doc(nlp: Any, msg: Message, signals: Sequence[str] = ()) -> Any:
    """``model_text`` as a spaCy Doc, with the same tokens as ``nlp.make_doc`` gives it.
    The signals are added as tokens of their own: the tokenizer is slow on such words."""
    doc = nlp.make_doc(_words(msg))
    if not signals:
        return doc
    from spacy.tokens import Doc

    return Doc(nlp.vocab, words=[token.text for token in doc] + list(signals))


class KindModel:
    """Probabilities of the eight kinds for a message; loaded on first use."""

    def __init__(self, path: Path | None = SHIPPED) -> None:
        self.path = path
        self._nlp: Any = None

    @property
    def available(self) -> bool:
        if self.path is None:
            return False
        return self._nlp is not None or (self.path / "config.cfg").is_file()

    def probabilities(self, msg: Message, signals: Sequence[str] = ()) -> dict[str, float]:
        if not self.available:
            return {}
        if self._nlp is None:
            import spacy

            assert self.path is not None  # available
            self._nlp = spacy.load(self.path)
        return dict(self._nlp(model_doc(self._nlp, msg, signals)).cats)
