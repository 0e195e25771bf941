"""A keyring backend kept in a JSON file, for followup processes started by the tests.

    PYTHON_KEYRING_BACKEND=file_keyring.FileKeyring FOLLOWUP_TEST_KEYRING=/path/keyring.json

(with ``tests/`` on PYTHONPATH). Each write replaces the file in one rename, as a
real keyring replaces an item; the tests read the file to see what was saved. It
stands for the system keyring, so it is the one place a refresh token may be.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


def _path() -> Path:
    return Path(os.environ["FOLLOWUP_TEST_KEYRING"])


def read_items(path: Path) -> dict[str, str]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def write_item(path: Path, service: str, username: str, secret: str) -> None:
    items = read_items(path)
    items[f"{service}/{username}"] = secret
    staging = path.with_name(path.name + ".tmp")
    staging.write_text(json.dumps(items), encoding="utf-8")
    os.chmod(staging, 0o600)
    staging.replace(path)


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return read_items(_path()).get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        write_item(_path(), service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        items = read_items(_path())
        items.pop(f"{service}/{username}", None)
        _path().write_text(json.dumps(items), encoding="utf-8")
