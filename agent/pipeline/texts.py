"""Reading the texts of candidate messages: parse, then analyse.

On a long scan this runs in a helper process, so that one core analyses the
texts of one chunk while the other reads the headers of the next (the helper
builds its own analyzer from the same rules). A short pass, and any pass where
the helper cannot start or dies, reads the texts in this process with the same
result. A broken rules file stops the pass either way.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from agent.errors import BadInputError, RulesError
from agent.message import Message, parse_message

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextItem:
    """One candidate's fetched text."""

    uid: int
    data: bytes
    internaldate: datetime | None


@dataclass(frozen=True)
class Reading:
    """What reading one text gave: a message and its analysis, or why there are none."""

    uid: int
    message: Message | None = None
    analysis: Any = None  # agent.analysis.types.Analysis
    problem: str | None = None  # "unreadable: ..." or "analysis failed: ..."
    counter: str | None = None  # the skip counter it goes under


def read_text(analyzer: Any, item: TextItem) -> Reading:
    """Parse and analyse one text; a bad message gives a Reading with its problem."""
    try:
        msg = parse_message(item.data, fallback_date=item.internaldate)
        analysis = analyzer.analyze(msg)
    except BadInputError as exc:
        return Reading(item.uid, problem=f"unreadable: {exc}", counter="unreadable")
    except RulesError:
        raise  # a broken rules file is not the message's fault: stop the pass, lose nothing
    except Exception as exc:  # noqa: BLE001 - a bad message never stops a pass
        log.debug("analysis of uid %s failed", item.uid, exc_info=True)
        name = exc.__class__.__name__
        return Reading(item.uid, problem=f"analysis failed: {name}", counter="analysis failed")
    return Reading(item.uid, message=msg, analysis=analysis)


# -- the helper process ------------------------------------------------------------------

_helper_analyzer: Any = None


def _start_helper(
    rule_dirs: tuple[Path, ...], languages: tuple[str, ...], country: str | None
) -> None:
    global _helper_analyzer
    from agent.analysis import Analyzer
    from agent.rules import Rules

    _helper_analyzer = Analyzer(Rules(rule_dirs), languages=languages, country=country)
    try:  # while this process's first chunks are in their header FETCH
        _helper_analyzer.warm_up()
    except Exception:  # noqa: BLE001 - only an optimisation: the first text meets it again
        log.debug("warming up the helper's analyzer failed", exc_info=True)


def _helper_ready() -> None:
    """Nothing: submitted first, so that the helper starts and builds its analyzer now."""


def _read_in_helper(items: Sequence[TextItem]) -> list[Reading]:
    return [read_text(_helper_analyzer, item) for item in items]


class TextReader:
    """Reads candidates' texts in this process or in the background (the helper)."""

    def __init__(self, analyzer: Any) -> None:
        self.analyzer = analyzer
        self._pool: ProcessPoolExecutor | None = None
        self._helper_failed = False

    @property
    def has_helper(self) -> bool:
        return self._pool is not None

    def start_helper(self) -> None:
        """Start the helper process (once), at once; on failure, texts are read in this
        process."""
        if self._pool is not None or self._helper_failed:
            return
        try:
            # "spawn": a fresh interpreter, safe beside threads and on every platform.
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_helper,
                initargs=(
                    tuple(self.analyzer.rules.dirs),
                    tuple(self.analyzer.lang_data),
                    self.analyzer.country,
                ),
            )
            # The pool starts its process on the first task: this one, so that spaCy's
            # import and the rules' compilation overlap the first chunks' headers.
            self._pool.submit(_helper_ready)
        except (OSError, RuntimeError, ValueError) as exc:
            self._helper_failed = True
            self.close()
            log.info("texts are read in this process: the helper did not start (%s)", exc)

    def submit(self, items: list[TextItem]) -> Batch:
        """Start reading ``items``: in the helper if there is one, else when asked for."""
        pool = self._pool
        if pool is None or not items:
            return Batch(self, items, None)
        try:
            return Batch(self, items, pool.submit(_read_in_helper, items))
        except (BrokenProcessPool, RuntimeError) as exc:
            self._give_up(exc)
            return Batch(self, items, None)

    def read_here(self, items: list[TextItem]) -> list[Reading]:
        return [read_text(self.analyzer, item) for item in items]

    def _give_up(self, exc: BaseException) -> None:
        log.warning("the helper process stopped (%s); reading texts in this process", exc)
        self._helper_failed = True
        self.close()

    def close(self) -> None:
        """Stop the helper. Every result has been collected by then: nothing is lost by
        ending it at once rather than waiting for its interpreter to wind down."""
        pool, self._pool = self._pool, None
        if pool is not None:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            pool.shutdown(wait=True, cancel_futures=True)


class Batch:
    """Texts being read; :meth:`result` gives the readings in the order of the items."""

    def __init__(
        self, reader: TextReader, items: list[TextItem], future: Future[list[Reading]] | None
    ) -> None:
        self._reader = reader
        self._items = items
        self._future = future

    def done(self) -> bool:
        """Would :meth:`result` return without waiting for the helper?"""
        return self._future is None or self._future.done()

    def result(self) -> list[Reading]:
        if self._future is None:
            return self._reader.read_here(self._items)
        try:
            return self._future.result()
        except RulesError:
            raise
        except Exception as exc:  # noqa: BLE001 - the helper broke: this process reads
            self._reader._give_up(exc)
            return self._reader.read_here(self._items)
