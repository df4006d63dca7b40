"""The server's files are its user's alone: var/ 0700, the SQLite database 0600 (SQLite gives
its -wal and -shm files the database file's mode; the secret and uploads are made 0600 where
they are written)."""

from __future__ import annotations

import os
from pathlib import Path


def private_var_dir(var_dir: Path) -> None:
    path = Path(var_dir)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def private_database_file(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        return
    path = database_url.split("///", 1)[-1]
    if not path or path == ":memory:":
        return
    Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-writer"):
        if Path(path + suffix).exists():
            os.chmod(path + suffix, 0o600)
