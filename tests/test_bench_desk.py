"""The service desk's benchmark command keeps working: a tiny run on SQLite (figures not judged here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_tiny_desk_bench_run_fires_each_breach_once_and_finds_words(tmp_path):
    out = tmp_path / "desk.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench.desk", "--db", "sqlite", "--due", "200", "--open-cases", "500",
         "--breaching", "20", "--articles", "200", "--messages", "500", "--queries", "20", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ})
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["due"]["per_s"] > 0
    sweep, search = result["runs"]["sqlite"]["sweep"], result["runs"]["sqlite"]["search"]
    assert (sweep["looked"], sweep["breaches_fired"], sweep["exactly_once"]) == (20, 20, True)
    assert search["article"]["found_some"] > 0 and search["message"]["median_ms"] > 0
