"""The server's files are readable by its own user only: var/, the SQLite database, the
generated secret and uploaded photos."""

from __future__ import annotations

import stat
from pathlib import Path

from shouhou import uploads
from shouhou.config import Settings
from tests.builders import run_cli


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class TestFileModes:
    def test_init_makes_var_and_the_database_private(self, tmp_path):
        var = tmp_path / "var"
        url = f"sqlite:///{var / 'shouhou.sqlite3'}"
        result = run_cli(url, "init", SHOUHOU_VAR_DIR=str(var))
        assert result.exit_code == 0, result.output
        assert mode(var) == 0o700 and mode(var / "shouhou.sqlite3") == 0o600

    def test_init_tightens_a_var_folder_made_before(self, tmp_path):
        var = tmp_path / "var"
        var.mkdir(mode=0o755)
        (var / "shouhou.sqlite3").touch(mode=0o644)
        run_cli(f"sqlite:///{var / 'shouhou.sqlite3'}", "init", SHOUHOU_VAR_DIR=str(var))
        assert mode(var) == 0o700 and mode(var / "shouhou.sqlite3") == 0o600

    def test_the_secret_and_uploads_are_private(self, tmp_path):
        Settings(var_dir=tmp_path / "var").resolved_secret()
        url = uploads.save(tmp_path / "var", b"\x89PNG", ".png")
        assert mode(tmp_path / "var" / "secret_key") == 0o600
        assert mode(uploads.folder(tmp_path / "var")) == 0o700 and mode(uploads.path_of(tmp_path / "var", url)) == 0o600
