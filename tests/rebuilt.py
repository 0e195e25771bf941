"""The check the crash tests share: what is kept equals a derivation from the records."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from agent.config import load_config
from agent.kept import rebuild, refresh
from agent.pipeline.engine import Engine
from agent.policy import combine
from agent.store import Store


def assert_kept_equals_rebuild(config_path: Path, now: str) -> None:
    """Every account's processes as the review commands and the next pass read them
    (what the passes kept, brought up to date) equal a full derivation at ``now``."""
    config = load_config(config_path)
    moment = datetime.fromisoformat(now)
    engine = Engine(config)
    with Store.open(config.db_path) as store:
        for account in config.accounts:
            kept = refresh(store, engine, account, moment, save=False)
            full = rebuild(store, engine, account, moment, save=False)
            assert kept.json_rows() == full.json_rows()
            assert kept.rows() == full.rows()
            policy = engine.policy
            assert combine(kept.plans(), policy) == combine(full.plans(), policy)
            assert kept.next_wake() == full.next_wake()
