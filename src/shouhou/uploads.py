"""Files that users upload (photos), kept under var/uploads readable by the server's user only.

Each is named by 32 random hex digits and served at /media/<name> (portal/pages.py); that
is the form links.py accepts as an uploaded file.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

URL_PREFIX = "/media/"


def folder(var_dir: Path) -> Path:
    path = Path(var_dir) / "uploads"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def save(var_dir: Path, data: bytes, ext: str, name: str | None = None) -> str:
    """Write the file (0600) and return its URL."""
    name = (name or secrets.token_hex(16)) + ext
    fd = os.open(folder(var_dir) / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return URL_PREFIX + name


def path_of(var_dir: Path, url: str) -> Path:
    return Path(var_dir) / "uploads" / url.rsplit("/", 1)[-1]
