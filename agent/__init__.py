"""followup: a personal agent that tracks hiring processes and drafts follow-ups."""

from __future__ import annotations

__version__ = "0.1.0"
