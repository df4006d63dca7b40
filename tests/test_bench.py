"""The benchmark command keeps working: a tiny run on SQLite, end to end (figures not judged here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_small_bench_run_reports_every_figure_and_fires_each_timer_once(tmp_path):
    out = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--db", "sqlite", "--applications", "16", "--clients", "2",
         "--warmup", "4", "--rounds", "2", "--timers", "2000", "--fire", "200", "--batch", "50", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ})
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(out.read_text())["runs"]["sqlite"]
    api, timers = result["api"], result["timers"]
    for key in ("applications_per_s", "raw_applications_per_s", "transitions_per_s", "raw_transitions_per_s"):
        assert api[key] > 0
    assert (timers["fired"], timers["raw_fired"]) == (200, 200)
    assert timers["one_event_per_timer"] is True
    assert "| sqlite | applications/s" in run.stdout
