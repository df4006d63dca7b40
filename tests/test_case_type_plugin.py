"""A case type is a plug-in: the test-only `stub` type (tests/stubkind: its package, models,
migration and templates, nothing else) is served end to end once SHOUHOU_PLUGINS names it —
the API with its schema in the create union, its workflow and timers, the console's case page
with its partial, the generated docs. It runs in a process of its own, as the registry is
per process and the other tests must not see the type."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_a_case_type_in_a_package_of_its_own_works_end_to_end(backend, pg_server, tmp_path, worker_id):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'stub.sqlite3'}"
    else:
        if pg_server is None:
            pytest.skip("PostgreSQL is not installed here (no initdb/pg_ctl); .ci/run installs it")
        url = pg_server.create_database(f"stubkind_{worker_id}")
    run = subprocess.run([sys.executable, "-m", "tests.stubkind.check", url, str(tmp_path / "var")], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert "stub" in seen["types"] and "stub" in seen["openapi_union"]
    assert seen["create"] == 201
    assert seen["created"] == {"type": "stub", "status": "registered", "stub": {"model": "KFR-35", "verdict": None},
                               "stub_watched": "stub"}
    assert (seen["deadline"], seen["offered"]) == ("close", ["close", "inspect"])
    assert seen["refused"] == [422, "validation_failed", [["model"]]]
    assert seen["inspected"] == [200, "inspected", "压缩机故障"]
    assert seen["console"] == [200, True]
    assert seen["events"] == ["register", "inspect"]
    assert seen["swept"] == [1, 0]
    assert seen["after_sweep"] == {"forgotten": "closed", "inspected": "inspected"}
    assert seen["docs"] is True
