"""django-helpdesk's figures from a run of ../shared/peers/run_all.sh, to print beside shouhou's.

run_all.sh appends one JSON line per measurement to /tmp/peer-results/<stamp>/results.jsonl
(a full run also copies it beside its report, results-<date>.jsonl). Only the lines of kind
"helpdesk_http" are read: its REST API under gunicorn, create (POST /api/tickets/) and
status change (POST /api/followups/ new_status), 8 client threads; medians over repetitions.
"""

from __future__ import annotations

import json
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path("/tmp/peer-results")
DB_NAMES = {"sqlite": "sqlite", "postgresql": "pg"}  # the bench's name → the peers' name
OPS = {"applications": "create", "transitions": "status"}


def locate(spec: str) -> Path:
    """'latest', a run directory, its results.jsonl, or a report's .md / .jsonl."""
    if spec == "latest":
        runs = [p for p in RESULTS.glob("*/results.jsonl") if _rows(p)]
        if not runs:
            raise SystemExit(f"--peers latest: no run with helpdesk HTTP results under {RESULTS}")
        return max(runs, key=lambda p: p.stat().st_mtime)
    path = Path(spec)
    if path.is_dir():
        path = path / "results.jsonl"
    elif path.suffix == ".md":
        path = path.with_suffix(".jsonl")
    if not path.is_file():
        raise SystemExit(f"--peers: no results file at {path}")
    return path


def _rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    for line in path.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            if row.get("kind") == "helpdesk_http" and not row.get("error") and row.get("op"):
                rows.append(row)
    return rows


def read(spec: str) -> dict[str, Any]:
    """{'source', 'finished', 'sqlite'|'postgresql': {'applications'|'transitions': figures}}."""
    path = locate(spec)
    finished = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    out: dict[str, Any] = {"source": str(path), "finished": finished.isoformat()}
    rows = _rows(path)
    for backend, db in DB_NAMES.items():
        for measure, op in OPS.items():
            mine = [r for r in rows if r["db"] == db and r["op"] == op]
            if not mine:
                continue

            def median(key: str, rs: list[dict[str, Any]] = mine) -> float | None:
                values = [r[key] for r in rs if r.get(key) is not None]
                return statistics.median(values) if values else None

            out.setdefault(backend, {})[measure] = {
                "per_s": median("rps"), "p50_ms": median("p50_ms"), "p99_ms": median("p99_ms"),
                "machine_cpu_ms": median("cpu_ms_per_op"), "repetitions": len(mine),
                "requests": mine[0].get("requests"), "failed": sum(r["non2xx"] + r["socket_errors"] + r["not_sent"]
                                                                   for r in mine)}
    return out
