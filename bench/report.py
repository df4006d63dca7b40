"""The bench's tables, printed as Markdown (docs/benchmarks.md says what each figure is)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

MEASURES = (("applications", "applications/s (HTTP, {clients} clients, {workers} worker(s))"),
            ("transitions", "transitions/s (approve)"))


def _n(v: float | None, fmt: str = ",.0f") -> str:
    return "—" if v is None else format(v, fmt)


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def report(results: dict[str, Any]) -> None:
    peers = results.get("peers") or {}
    if any("api" in out for out in results["runs"].values()):
        _targets(results, peers)
        _per_request(results)
    _timers(results)
    _peer_note(results, peers)


def _targets(results: dict[str, Any], peers: dict[str, Any]) -> None:
    print("\nTargets (issue 21): shouhou ≥ 3× django-helpdesk in the same sitting, p99 < 50 ms at "
          f"{results['args']['clients']} clients, floor ÷ shouhou ≤ 3.\n")
    print("| database | measure | shouhou | p99 ms | helpdesk | shouhou ÷ helpdesk | floor | floor ÷ shouhou "
          "| raw database |\n|---|---|---|---|---|---|---|---|---|")
    for backend, out in results["runs"].items():
        a = out.get("api")
        if not a:
            continue
        for measure, label in MEASURES:
            s, f = a["shouhou"][measure], a["floor"][measure]
            peer = peers.get(backend, {}).get(measure)
            vs_peer = s["per_s"] / peer["per_s"] if peer and peer.get("per_s") else None
            over = f["per_s"] / s["per_s"] if s["per_s"] else None
            print(f"| {backend} | {label.format(**a)} | {_n(s['per_s'])} | "
                  f"{_n(s['p99_ms'], '.1f')} {_mark(s['p99_ms'] < 50)} | "
                  f"{_n(peer['per_s'], '.1f') if peer else '—'} | "
                  f"{(_n(vs_peer, '.1f') + '× ' + _mark(vs_peer >= 3)) if vs_peer else '—'} | {_n(f['per_s'])} | "
                  f"{_n(over, '.2f')}× {_mark(over is not None and over <= 3)} | {_n(a['raw'][measure]['per_s'])} |")


def _per_request(results: dict[str, Any]) -> None:
    print("\nPer request, all measured rounds together (CPU: the server's processes; PostgreSQL's backends "
          "separately; SQLite works inside the server).\n")
    print("| database | operation | server | req/s | p50 / p95 / p99 / max ms | server CPU µs/req | PostgreSQL CPU "
          "µs/req |\n|---|---|---|---|---|---|---|")
    for backend, out in results["runs"].items():
        a = out.get("api")
        if not a:
            continue
        for measure, _ in MEASURES:
            for name in ("shouhou", "floor"):
                x = a[name][measure]
                lat = " / ".join(_n(x[k], ".1f") for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms"))
                db_cpu = _n(x["db_cpu_us"]) if backend == "postgresql" else "—"
                print(f"| {backend} | {measure} | {name} | {_n(x['per_s'])} | {lat} | {_n(x['server_cpu_us'])} | "
                      f"{db_cpu} |")


def _timers(results: dict[str, Any]) -> None:
    rows = [(b, out["timers"]) for b, out in results["runs"].items() if "timers" in out]
    if not rows:
        return
    print("\n| database | measure | shouhou | raw database | ratio |\n|---|---|---|---|---|")
    for backend, t in rows:
        print(f"| {backend} | timers fired/s ({t['pending']:,} pending, close, set-based, {t['sweepers']} "
              f"sweeper(s)) | {t['fired_per_s']:,.0f} | {t['raw_fired_per_s']:,.0f} | {t['ratio']:.0%} |")
        r = t.get("review")
        if r:
            print(f"| {backend} | timers fired/s (review_timeout → approve through the engine, {r['fired']:,} "
                  f"timers, batches of {r['batch']}) | {r['fired_per_s']:,.0f} | — | — |")
        if not t["one_event_per_timer"] or (r and not r["one_event_per_timer"]):
            print(f"| {backend} | WARNING: events ≠ fired timers | | | |")
    pg = [t for b, t in rows if b == "postgresql"]
    if pg:
        print(f"\nTarget: ≥ 20,000 timers/s on PostgreSQL with 1,000,000 pending: {pg[0]['fired_per_s']:,.0f} "
              f"{_mark(pg[0]['fired_per_s'] >= 20_000)}" + ("" if pg[0]["pending"] >= 1_000_000 else
                                                           f" (only {pg[0]['pending']:,} pending in this run)"))


def _peer_note(results: dict[str, Any], peers: dict[str, Any]) -> None:
    if not peers:
        print("\nhelpdesk: not given. Run `bash ../shared/peers/run_all.sh` in the same sitting and pass "
              "`--peers latest` (or a results directory / .jsonl / .md).")
        return
    gap = (datetime.fromisoformat(results["when"]) - datetime.fromisoformat(peers["finished"])).total_seconds() / 60
    when = (f"finished {gap:.0f} min before this run started" if gap >= 0
            else f"finished {-gap:.0f} min after it started")
    print(f"\nhelpdesk: {peers['source']} ({when}); its REST API under gunicorn, 2 sync workers, 8 client threads, "
          "a new connection per request, medians of its repetitions; its SQLite runs with synchronous=NORMAL "
          "(shouhou and the floor: FULL).")
    if abs(gap) > 90:
        print("WARNING: more than 90 minutes apart — not the same sitting; the ratio to helpdesk says little.")
