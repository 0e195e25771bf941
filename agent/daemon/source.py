"""How the daemon sees a pass from the inside.

:class:`WatchedSource` wraps the mailbox source of a pass: every call (and
every item of a fetch) lets the daemon ping the watchdog and notice a stop
request, and the last failure of each account is kept so the daemon can tell
a refused login from a dropped connection. :class:`StopRequested` abandons a
pass; :class:`PassErrorsOnce` keeps ``run_pass``'s per-pass error lines out of
the log, because the daemon reports each fault once per streak itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from agent.sources.base import Source


class StopRequested(BaseException):  # noqa: N818 - a control-flow signal, not an error
    """Raised inside a pass to abandon it when the daemon is told to stop."""


class PassErrorsOnce(logging.Filter):
    """``run_pass`` logs each failed account at ERROR on every pass; the daemon reports
    faults itself, once per streak, so those records go down to DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.funcName == "run_pass" and record.levelno == logging.ERROR:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


class WatchedSource:
    """A source as the daemon sees it: every call pings the watchdog and checks for a
    stop; the last failure per account is kept for classification."""

    def __init__(
        self,
        inner: Source,
        account: str,
        failures: dict[str, BaseException],
        tick: Callable[[], None],
    ) -> None:
        self._inner = inner
        self._account = account
        self._failures = failures
        self._tick = tick

    def __enter__(self) -> WatchedSource:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if exc_type is not None and issubclass(exc_type, StopRequested):
            return  # abandoning: no LOGOUT on what may be a stalled connection
        self._inner.close()

    def close(self) -> None:
        self._inner.close()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if name.startswith("_") or not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            self._tick()
            try:
                result = attr(*args, **kwargs)
            except Exception as exc:
                self._failures[self._account] = exc
                raise
            if isinstance(result, Iterator):
                return self._watch(result)
            return result

        return call

    def _watch(self, items: Iterator[Any]) -> Iterator[Any]:
        try:
            for item in items:
                yield item
                self._tick()
        except Exception as exc:
            self._failures[self._account] = exc
            raise
