"""A crash at a chosen durable step, for the crash tests (T1-T3 of RELIABILITY.md).

``FOLLOWUP_CRASH_AT_STEP=N`` in the environment of ``followup scan`` or ``followup
run`` ends the process hard at the N-th durable step of its passes. The environment
is read once, by the command, which hands the hook to the :class:`Engine`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)

ENV = "FOLLOWUP_CRASH_AT_STEP"


class CrashAt:
    """Ends the process (exit status 100, no clean-up) at the ``step``-th call."""

    def __init__(self, step: int) -> None:
        self.step = step
        self.count = 0

    def __call__(self, name: str) -> None:
        self.count += 1
        if self.count == self.step:
            log.warning("crash injected at step %s (%s)", self.step, name)
            os._exit(100)


def crash_hook(environ: Mapping[str, str]) -> Callable[[str], None] | None:
    target = environ.get(ENV)
    return CrashAt(int(target)) if target else None
