"""A ``password_command`` that hangs is stopped with everything it started: it runs in
a process group of its own, and the whole group is killed when it times out."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from agent.config import AccountConfig
from agent.errors import SecretError
from agent.secrets import get_password
from agent.store.db import process_alive


def account(command: str) -> AccountConfig:
    return AccountConfig(
        name="work",
        host="imap.example.org",
        port=993,
        username="u",
        address="u@example.org",
        password_command=command,
    )


def gone(pid: int, within: float = 3.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not process_alive(pid):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("detach_output", [False, True], ids=["child-holds-pipes", "child-quiet"])
def test_a_timed_out_password_command_takes_its_children_with_it(
    tmp_path: Path, detach_output: bool
) -> None:
    pid_file = tmp_path / "child.pid"
    redirect = " >/dev/null 2>&1" if detach_output else ""
    command = f"sleep 300{redirect} & echo $! > {pid_file}; wait"
    started = time.monotonic()
    with pytest.raises(SecretError, match="did not finish within 0.5 s"):
        get_password(account(command), timeout=0.5)
    assert time.monotonic() - started < 3
    child = int(pid_file.read_text())
    try:
        assert gone(child), "the command's child `sleep` outlived the timeout"
    finally:
        if process_alive(child):
            os.kill(child, 9)


def test_a_password_command_that_finishes_is_read_as_before(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("pw-from-file\nsecond line\n")
    assert get_password(account(f"cat {secret}")) == "pw-from-file"
