"""A state database truncated to nothing, or overwritten with something that is not
SQLite, is reported with what to do; it is never quietly taken for a new, empty state
(which would forget every draft the user deleted and every correction they made)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_process import followup

from agent.config import load_config
from agent.store import Store


def write_config(root: Path) -> Path:
    mail = root / "mail"
    for folder in ("", ".Sent", ".Drafts"):
        for sub in ("cur", "new", "tmp"):
            (mail / folder / sub).mkdir(parents=True, exist_ok=True)
    path = root / "config.toml"
    path.write_text(
        f'state_dir = "{root / "state"}"\ntimezone = "Europe/Oslo"\n'
        f'[[accounts]]\nname = "local"\nmaildir = "{mail}"\naddress = "me@example.org"\n',
        encoding="utf-8",
    )
    return path


DAMAGE = {
    "truncated to zero bytes": b"",
    "overwritten with text": b"# notes\nnot a database at all\n" * 40,
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize("command", [["status"], ["scan", "--json"], ["processes"]])
def test_a_damaged_state_file_is_reported_not_rebuilt(
    tmp_path: Path, damage: str, command: list[str]
) -> None:
    config = write_config(tmp_path)
    db_path = load_config(config).db_path
    with Store.open(db_path) as store:  # a state that knew something
        store.set_meta("known", "yes")
    for sidecar in ("-wal", "-shm"):
        Path(f"{db_path}{sidecar}").unlink(missing_ok=True)
    db_path.write_bytes(DAMAGE[damage])

    result = followup(config, *command)

    assert result.returncode == 6, result.stdout + result.stderr
    assert str(db_path) in result.stderr
    assert (
        "empty (0 bytes)" in result.stderr
        if not DAMAGE[damage]
        else "not a SQLite" in result.stderr
    )
    assert "does not start afresh on its own" in result.stderr
    assert "Hint: restore it from a backup" in result.stderr and ".broken" in result.stderr
    assert "Traceback" not in result.stderr
    assert db_path.read_bytes() == DAMAGE[damage]  # left as it was, for the user to rescue


def test_doctor_names_the_damaged_state_file(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    db_path = load_config(config).db_path
    Store.open(db_path).close()
    db_path.write_bytes(b"")
    result = followup(config, "doctor")
    assert result.returncode != 0
    assert "empty (0 bytes)" in result.stdout + result.stderr
    assert db_path.read_bytes() == b""


def test_a_new_state_file_is_made_whole_before_it_appears(tmp_path: Path) -> None:
    """Starting afresh (no file) still works, and leaves no staging file behind."""
    config = write_config(tmp_path)
    db_path = load_config(config).db_path
    assert followup(config, "status").returncode == 0
    assert db_path.read_bytes()[:16] == b"SQLite format 3\0"
    assert not Path(f"{db_path}.new").exists()
    assert followup(config, "status").returncode == 0  # and it opens again
