"""The state database: SQLite is the source of truth for everything followup knows.

``Store`` is the whole API, one class over one connection, made of a module per
family of tables:

- ``db``: opening, privacy, migrations, transactions, the writer lock (``Database``);
- ``schema``: the numbered migrations; ``codec``: records to rows and back;
- ``mail``: folder checkpoints and the messages seen;
- ``drafts``: drafts and their state log;
- ``corrections``: the user's overrides, processes added by hand, offers;
- ``kept``: what the tracker derives, kept between commands;
- ``reflections``: the user's notes on interviews, and when tracking began;
- ``runs``: runs, the draft-storm breaker, key/value facts.
"""

from __future__ import annotations

from agent.store.corrections import CorrectionTables
from agent.store.db import Database
from agent.store.drafts import DraftTables
from agent.store.kept import KeptTables
from agent.store.mail import MailTables
from agent.store.reflections import ReflectionTables
from agent.store.runs import RUN_INTERRUPTED, RunTables

__all__ = ["RUN_INTERRUPTED", "Database", "Store"]


class Store(
    MailTables,
    DraftTables,
    CorrectionTables,
    KeptTables,
    ReflectionTables,
    RunTables,
    Database,
):
    """An open state database. Use ``Store.open(path)``; close it (or use ``with``)."""
