"""Where the tests' data lives, for test files in any folder under ``tests/``."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
CORPUS = TESTS / "corpus"
REALWORLD = TESTS / "realworld"
REPLIES = TESTS / "replies"
COACHING = TESTS / "coaching"
