"""``followup`` as a user runs it: a child process, so crashes and exits are real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def followup(
    config: Path, *args: str, crash_at: int | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``followup ARGS --config CONFIG``; ``crash_at`` ends it hard at that durable step."""
    env = {k: v for k, v in os.environ.items() if k != "FOLLOWUP_CRASH_AT_STEP"}
    if crash_at is not None:
        env["FOLLOWUP_CRASH_AT_STEP"] = str(crash_at)
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
