"""The daemon's clock: the real one, or a simulated one that moves only when slept on.

The daemon reads the time only through a :class:`Clock`, so tests and
``bench/soak.py`` can run days of its life in seconds. Waiting for a server's
announcement (IMAP IDLE) is sleeping too: :meth:`Clock.wait` sleeps until a
descriptor is readable or the time is up.
"""

from __future__ import annotations

import select
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...  # aware (UTC)

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    def wait(self, readable: Sequence[int], seconds: float) -> list[int]:
        """Sleep up to ``seconds``; return early with the descriptors that became readable."""
        ...


class RealClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))

    def wait(self, readable: Sequence[int], seconds: float) -> list[int]:
        descriptors = [fd for fd in readable if fd >= 0]
        if not descriptors:
            self.sleep(seconds)
            return []
        try:
            return list(select.select(descriptors, [], [], max(0.0, seconds))[0])
        except (OSError, ValueError):
            return descriptors  # a descriptor closed under us: reading it tells what happened


class SimulatedClock:
    """A clock that only moves when slept on (or advanced)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("SimulatedClock needs an aware start time")
        self._start = start.astimezone(UTC)
        self._elapsed = 0.0

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        return self._elapsed

    def sleep(self, seconds: float) -> None:
        self._elapsed += max(0.0, seconds)

    def wait(self, readable: Sequence[int], seconds: float) -> list[int]:
        """Nothing arrives in simulated time by itself: the time passes."""
        self.sleep(seconds)
        return []

    advance = sleep
