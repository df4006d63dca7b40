"""python -m bench — shouhou through HTTP beside a minimal FastAPI + SQLAlchemy floor, the bare
driver and (from a run of ../shared/peers/run_all.sh) django-helpdesk; and the timer sweep.

Targets (issue 21): applications and approvals ≥ 3× django-helpdesk measured in the same
sitting with p99 < 50 ms at 8 clients; floor rate ÷ shouhou rate ≤ 3; ≥ 20,000 timers/s on
PostgreSQL with 1,000,000 pending. docs/benchmarks.md says how each figure is measured.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench import api, floor, peers, raw, shouhou_setup, timers
from bench.databases import BenchDb, database
from bench.report import report

SERVERS = ("shouhou", "floor")


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench")
    p.add_argument("--db", default="sqlite,postgresql")
    p.add_argument("--applications", type=int, default=2000, help="measured per server (shouhou, floor, raw)")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--warmup", type=int, default=200,
                   help="applications and approvals sent to each server before the measured rounds, as a "
                        "server that has been running a while has its caches filled")
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes on PostgreSQL (one per core)")
    p.add_argument("--rounds", type=int, default=4,
                   help="shouhou, the floor and the bare driver take turns in this many rounds, so that a change "
                        "in the machine's speed during the run touches all alike")
    p.add_argument("--timers", type=int, default=1_000_000, help="pending timers")
    p.add_argument("--fire", type=int, default=100_000,
                   help="how many of them fall due for each of the engine and the bare driver")
    p.add_argument("--batch", type=int, default=2000, help="timers per sweep transaction")
    p.add_argument("--sweepers", type=int, default=2, help="timer worker processes sharing the due timers")
    p.add_argument("--review-timers", type=int, default=None,
                   help="return cases whose review_timeout fires approve through the engine "
                        "(default: 2,000, at most --fire; 0 skips)")
    p.add_argument("--review-batch", type=int, default=100,
                   help="timers per sweep transaction for them (small enough for the sweepers to share a round)")
    p.add_argument("--peers", default=None, metavar="PATH|latest",
                   help="django-helpdesk's results from ../shared/peers/run_all.sh in this sitting: 'latest' "
                        "(newest under /tmp/peer-results), a run directory, or its .jsonl / .md")
    p.add_argument("--skip", default="", help="comma-separated: api,timers")
    p.add_argument("--out", default="bench/results/latest.json", help="where the results go (JSON)")
    args = p.parse_args()
    if args.review_timers is None:
        args.review_timers = min(2000, args.fire)
    results = {"when": datetime.now(UTC).isoformat(), "machine": platform.platform(), "args": vars(args),
               "runs": {}}
    if args.peers:
        results["peers"] = peers.read(args.peers)  # read first: a wrong path fails before the long run
    for backend in args.db.split(","):
        out = results["runs"][backend] = {}
        if "api" not in args.skip:
            out["api"] = run_api(backend, args)
        if "timers" not in args.skip:
            out["timers"] = run_timers(backend, args)
    report(results)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))


def run_api(backend: str, args: argparse.Namespace) -> dict:
    n, w, k = args.applications, args.warmup, min(args.rounds, args.applications)
    with database(backend) as db, tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp)
        print(f"[{backend}] seeding {3 * n + 2 * w} orders …", flush=True)
        seeded = shouhou_setup.seed(db.url, 3 * n + 2 * w, var)
        t = seeded["targets"]
        targets = {"shouhou": t[:n], "floor": t[2 * n:3 * n]}
        warm = {"shouhou": t[3 * n:3 * n + w], "floor": t[3 * n + w:]}
        day = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d")
        raw_apply = raw.apply_params(n, t[n:2 * n], day)
        tokens = {"shouhou": seeded["tokens"],
                  "floor": {u: floor.issue_token(db.url, u) for u in ("shop", "rev")}}
        workers = args.workers if backend == "postgresql" else 1  # SQLite has one writer: one process
        servers = _servers(db, var, workers)
        tally = {(s, m): api.Tally() for s in SERVERS for m in ("applications", "transitions")}
        raw_seconds = {"applications": 0.0, "transitions": 0.0}
        try:
            if w:
                print(f"[{backend}] warming up shouhou and the floor with {w} applications and approvals each …",
                      flush=True)
                for s in SERVERS:
                    _, made, _ = api.load(servers[s].port, tokens[s]["shop"], api.applications(warm[s]), args.clients)
                    api.load(servers[s].port, tokens[s]["rev"], api.approvals(made), args.clients)
            print(f"[{backend}] {n} applications each through shouhou, the floor and the bare driver, "
                  f"taking turns in {k} rounds …", flush=True)
            parts = {s: _rounds(api.applications(targets[s]), k) for s in SERVERS}
            parts["raw"] = _rounds(raw_apply, k)
            made: dict[str, list] = {s: [] for s in SERVERS}
            for r in range(k):
                for who in _turns(r):
                    if who == "raw":
                        raw_seconds["applications"] += len(parts[who][r]) / raw.rate(
                            db.url, raw.APPLY, parts[who][r], args.clients)
                    else:
                        made[who] += api.measured(servers[who], db.pid, tally[who, "applications"],
                                                  tokens[who]["shop"], parts[who][r], args.clients)
            print(f"[{backend}] {n} approvals each, the same way …", flush=True)
            parts = {s: _rounds(api.approvals(made[s]), k) for s in SERVERS}
            parts["raw"] = _rounds(raw.approve_params(_raw_cases(db.url, n)), k)
            for r in range(k):
                for who in _turns(r):
                    if who == "raw":
                        raw_seconds["transitions"] += len(parts[who][r]) / raw.rate(
                            db.url, raw.APPROVE, parts[who][r], args.clients)
                    else:
                        api.measured(servers[who], db.pid, tally[who, "transitions"], tokens[who]["rev"],
                                     parts[who][r], args.clients)
        finally:
            for s in servers.values():
                s.stop()
    figures = {s: {m: tally[s, m].summary() for m in ("applications", "transitions")} for s in SERVERS}
    figures["raw"] = {m: {"per_s": n / sec} for m, sec in raw_seconds.items()}
    sh, fl, rw = figures["shouhou"], figures["floor"], figures["raw"]
    return {"applications_per_s": sh["applications"]["per_s"], "raw_applications_per_s": rw["applications"]["per_s"],
            "applications_ratio": sh["applications"]["per_s"] / rw["applications"]["per_s"],
            "transitions_per_s": sh["transitions"]["per_s"], "raw_transitions_per_s": rw["transitions"]["per_s"],
            "transitions_ratio": sh["transitions"]["per_s"] / rw["transitions"]["per_s"],
            "floor_over_shouhou": {m: fl[m]["per_s"] / sh[m]["per_s"] for m in ("applications", "transitions")},
            **figures, "clients": args.clients, "workers": workers, "rounds": k}


def _servers(db: BenchDb, var: Path, workers: int) -> dict[str, api.Server]:
    """shouhou and the floor, served alike, both up for the whole run (an idle one costs nothing)."""
    shouhou = api.Server(shouhou_setup.app_factory(), {
        "SHOUHOU_DATABASE_URL": db.url, "SHOUHOU_VAR_DIR": str(var), "SHOUHOU_LOG_LEVEL": "WARNING",
        "SHOUHOU_SECRET_KEY": "bench"}, workers, var / "shouhou.log")
    try:
        return {"shouhou": shouhou, "floor": api.Server("bench.floor:create_app", {
            "BENCH_FLOOR_DATABASE_URL": db.url}, workers, var / "floor.log")}
    except BaseException:
        shouhou.stop()
        raise


def _turns(r: int) -> list[str]:
    """Who goes first rotates from round to round, so that none always follows another."""
    order = ["shouhou", "floor", "raw"]
    return order[r % 3:] + order[:r % 3]


def _rounds(items: list, k: int) -> list[list]:
    size = -(-len(items) // k)
    return [items[i:i + size] for i in range(0, len(items), size)]


def _raw_cases(url: str, n: int) -> list[dict]:
    conn = raw.Raw(url)
    rows = conn.conn.execute("SELECT id, no, store_id FROM cases WHERE no LIKE 'RAW%' ORDER BY id").fetchall()
    conn.conn.close()
    return [{"case_id": r[0], "no": r[1], "store_id": r[2]} for r in rows[:n]]


def run_timers(backend: str, args: argparse.Namespace) -> dict:
    with database(backend) as db, tempfile.TemporaryDirectory() as tmp:
        url, var, review_n = db.url, Path(tmp), args.review_timers
        seeded = shouhou_setup.seed(url, review_n, var)
        print(f"[{backend}] seeding {args.timers:,} pending timers …", flush=True)
        slots = timers.seed(url, args.timers, args.fire, args.rounds)
        if review_n:
            print(f"[{backend}] {review_n:,} return applications (through the API) to be approved by their "
                  "review_timeout …", flush=True)
            server = api.Server(shouhou_setup.app_factory(), {
                "SHOUHOU_DATABASE_URL": url, "SHOUHOU_VAR_DIR": str(var), "SHOUHOU_LOG_LEVEL": "WARNING",
                "SHOUHOU_SECRET_KEY": "bench"}, 1, var / "shouhou.log")
            try:
                api.load(server.port, seeded["tokens"]["shop"], api.applications(seeded["targets"]), args.clients)
            finally:
                server.stop()
        sweepers = args.sweepers if backend == "postgresql" else 1  # SQLite has one writer
        print(f"[{backend}] sweeping 2 × {args.fire:,} due timers, the engine and the bare driver taking turns "
              f"in {args.rounds} rounds …", flush=True)
        fired = {"engine": 0, "raw": 0}
        spent = {"engine": 0.0, "raw": 0.0}
        with timers.sweepers(sweepers) as pool:
            for r in range(args.rounds):
                turns = ("engine", "raw") if r % 2 == 0 else ("raw", "engine")  # neither always goes first
                for name, as_of in zip(turns, slots[2 * r:2 * r + 2], strict=True):
                    worker = timers.engine_worker if name == "engine" else timers.raw_worker
                    per_s, n = timers.rate(pool, worker, url, as_of, args.batch, sweepers)
                    fired[name] += n
                    spent[name] += n / per_s if n else 0.0
            exactly_once = _closes(url) == fired["engine"] + fired["raw"]
            review = _review(pool, backend, url, args, sweepers) if review_n else None
        engine_rate, raw_rate = fired["engine"] / spent["engine"], fired["raw"] / spent["raw"]
    return {"pending": args.timers, "fired": fired["engine"], "fired_per_s": engine_rate,
            "raw_fired": fired["raw"], "raw_fired_per_s": raw_rate, "ratio": engine_rate / raw_rate,
            "batch": args.batch, "sweepers": sweepers, "rounds": args.rounds, "one_event_per_timer": exactly_once,
            "review": review}


def _review(pool: object, backend: str, url: str, args: argparse.Namespace, sweepers: int) -> dict:
    """review_timeout → approve: the approve effect (policy, amounts, return address) runs for
    each case, so the sweep takes every timer through the engine in a savepoint."""
    warm_until, ends = timers.review_slots(url, max(sweepers, args.review_timers // 10), args.rounds)
    print(f"[{backend}] sweeping the review timeouts: through the engine, case by case …", flush=True)
    if warm_until:
        timers.rate(pool, timers.engine_worker, url, warm_until, args.review_batch, sweepers)  # not timed
    fired, spent = 0, 0.0
    for as_of in ends:
        per_s, n = timers.rate(pool, timers.engine_worker, url, as_of, args.review_batch, sweepers)
        fired, spent = fired + n, spent + (n / per_s if n else 0.0)
    return {"fired": fired, "fired_per_s": fired / spent if spent else 0.0, "batch": args.review_batch,
            "one_event_per_timer": timers.approvals_by_timer(url) == args.review_timers}


def _closes(url: str) -> int:
    conn = raw.Raw(url)
    n = conn.conn.execute("SELECT count(*) FROM case_event WHERE action = 'close'").fetchone()[0]
    conn.conn.close()
    return n


if __name__ == "__main__":
    main()
