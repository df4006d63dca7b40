"""python -m bench — API vs raw database, and the timer sweep, on SQLite and PostgreSQL.

Every figure is reported beside the raw database's own rate for the same rows, measured
in the same run; the ratio is the figure to compare with the targets (API ≥ 25 % of the
raw rate for the same writes; timers ≥ 20,000 fired/s on PostgreSQL).
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench import api, raw, timers
from bench.databases import database


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench")
    p.add_argument("--db", default="sqlite,postgresql")
    p.add_argument("--applications", type=int, default=2000)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--warmup", type=int, default=200,
                   help="applications and approvals sent through the API before the measured rounds, as a "
                        "server that has been running a while has its caches filled")
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (one per core)")
    p.add_argument("--rounds", type=int, default=4,
                   help="API and raw runs alternate in this many rounds, so that a change in the machine's "
                        "speed during the run touches both alike")
    p.add_argument("--timers", type=int, default=1_000_000, help="pending timers")
    p.add_argument("--fire", type=int, default=100_000,
                   help="how many of them fall due for each of the engine and the bare driver")
    p.add_argument("--batch", type=int, default=2000, help="timers per sweep transaction")
    p.add_argument("--sweepers", type=int, default=2, help="timer worker processes sharing the due timers")
    p.add_argument("--skip", default="", help="comma-separated: api,timers")
    p.add_argument("--out", default="bench/results/latest.json", help="where the results go (JSON)")
    args = p.parse_args()
    results = {"when": datetime.now(UTC).isoformat(), "machine": platform.platform(), "args": vars(args),
               "runs": {}}
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
    n = args.applications
    with database(backend) as url, tempfile.TemporaryDirectory() as var:
        print(f"[{backend}] seeding {2 * n + args.warmup} orders …", flush=True)
        seeded = api.seed(url, 2 * n + args.warmup, Path(var))
        targets, warm = seeded["targets"][:2 * n], seeded["targets"][2 * n:]
        day = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d")
        raw_params = raw.apply_params(n, targets[n:], day)
        workers = args.workers if backend == "postgresql" else 1  # SQLite has one writer: one process
        server = api.Server(url, Path(var), workers)
        times = {"api_apply": 0.0, "raw_apply": 0.0, "api_approve": 0.0, "raw_approve": 0.0}
        try:
            if warm:
                print(f"[{backend}] warming up the server with {len(warm)} applications and approvals …", flush=True)
                _, made_warm = api.load(server.base, seeded["tokens"]["shop"], api.applications(warm), args.clients)
                api.load(server.base, seeded["tokens"]["rev"], api.approvals(made_warm), args.clients)
            cases: list = []
            print(f"[{backend}] {n} applications through the API and through the bare driver, "
                  f"in {args.rounds} alternating rounds …", flush=True)
            for part, raw_part in zip(_rounds(api.applications(targets[:n]), args.rounds),
                                      _rounds(raw_params, args.rounds), strict=True):
                rate, out = api.load(server.base, seeded["tokens"]["shop"], part, args.clients)
                times["api_apply"] += len(part) / rate
                cases += out
                times["raw_apply"] += len(raw_part) / raw.rate(url, raw.APPLY, raw_part, args.clients)
            print(f"[{backend}] {n} approvals, the same way …", flush=True)
            made = raw.approve_params(_raw_cases(url, n))
            for part, raw_part in zip(_rounds(api.approvals(cases), args.rounds), _rounds(made, args.rounds),
                                      strict=True):
                times["api_approve"] += len(part) / api.load(server.base, seeded["tokens"]["rev"], part,
                                                             args.clients)[0]
                times["raw_approve"] += len(raw_part) / raw.rate(url, raw.APPROVE, raw_part, args.clients)
        finally:
            server.stop()
        apply_rate, raw_apply = n / times["api_apply"], n / times["raw_apply"]
        approve_rate, raw_approve = n / times["api_approve"], n / times["raw_approve"]
    return {"applications_per_s": apply_rate, "raw_applications_per_s": raw_apply,
            "applications_ratio": apply_rate / raw_apply,
            "transitions_per_s": approve_rate, "raw_transitions_per_s": raw_approve,
            "transitions_ratio": approve_rate / raw_approve, "clients": args.clients, "workers": workers,
            "rounds": args.rounds}


def _rounds(items: list, k: int) -> list[list]:
    size = -(-len(items) // k)
    return [items[i:i + size] for i in range(0, len(items), size)]


def _raw_cases(url: str, n: int) -> list[dict]:
    conn = raw.Raw(url)
    rows = conn.conn.execute("SELECT id, no, store_id FROM cases WHERE no LIKE 'RAW%' ORDER BY id").fetchall()
    conn.conn.close()
    return [{"case_id": r[0], "no": r[1], "store_id": r[2]} for r in rows[:n]]


def run_timers(backend: str, args: argparse.Namespace) -> dict:
    with database(backend) as url, tempfile.TemporaryDirectory() as var:
        api.seed(url, 0, Path(var))
        print(f"[{backend}] seeding {args.timers:,} pending timers …", flush=True)
        slots = timers.seed(url, args.timers, args.fire, args.rounds)
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
        engine_rate, raw_rate = fired["engine"] / spent["engine"], fired["raw"] / spent["raw"]
    return {"pending": args.timers, "fired": fired["engine"], "fired_per_s": engine_rate,
            "raw_fired": fired["raw"], "raw_fired_per_s": raw_rate, "ratio": engine_rate / raw_rate,
            "batch": args.batch, "sweepers": sweepers, "rounds": args.rounds, "one_event_per_timer": exactly_once}


def _closes(url: str) -> int:
    conn = raw.Raw(url)
    n = conn.conn.execute("SELECT count(*) FROM case_event WHERE action = 'close'").fetchone()[0]
    conn.conn.close()
    return n


def report(results: dict) -> None:
    print("\n| database | measure | shouhou | raw database | ratio |\n|---|---|---|---|---|")
    for backend, out in results["runs"].items():
        if "api" in out:
            a = out["api"]
            print(f"| {backend} | applications/s (HTTP, {a['clients']} clients, {a['workers']} worker(s)) | "
                  f"{a['applications_per_s']:.0f} | "
                  f"{a['raw_applications_per_s']:.0f} | {a['applications_ratio']:.0%} |")
            print(f"| {backend} | transitions/s (approve) | {a['transitions_per_s']:.0f} | "
                  f"{a['raw_transitions_per_s']:.0f} | {a['transitions_ratio']:.0%} |")
        if "timers" in out:
            t = out["timers"]
            print(f"| {backend} | timers fired/s ({t['pending']:,} pending, {t['sweepers']} sweeper(s)) | "
                  f"{t['fired_per_s']:.0f} | "
                  f"{t['raw_fired_per_s']:.0f} | {t['ratio']:.0%} |")
            if not t["one_event_per_timer"]:
                print(f"| {backend} | WARNING: events ≠ fired timers | | | |")


if __name__ == "__main__":
    main()
