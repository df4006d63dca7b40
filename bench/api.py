"""Requests per second and latency through a real HTTP server (uvicorn, keep-alive clients).

The same server wrapper and clients serve shouhou and the floor, so the two differ only in
the app that answers.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import cpu
from bench.clients import timed
from bench.pg import free_port

RECONNECT_EVERY = int(os.environ.get("BENCH_RECONNECT", "20"))
ROOT = Path(__file__).resolve().parents[1]


class Server:
    """`uvicorn <factory> --factory` on a free port, as `shouhou serve` runs it."""

    def __init__(self, factory: str, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = free_port()
        self.log = log
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", factory, "--factory", "--app-dir", str(ROOT),
                 "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers),
                 "--no-access-log", "--log-level", "warning"],
                env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=out)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is None and self._healthy():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        tail = log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"the server {factory} did not start:\n{tail}")

    def _healthy(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
            conn.request("GET", "/healthz")
            ok = conn.getresponse().status == 200
            conn.close()
            return ok
        except OSError:
            return False

    def cpu_seconds(self) -> float:
        """CPU time of the server: the uvicorn process and its workers."""
        return cpu.tree_seconds(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@dataclass
class Tally:
    """One server's requests of one kind, summed over the rounds."""

    requests: int = 0
    seconds: float = 0.0
    server_cpu: float = 0.0  # the app server's processes
    db_cpu: float = 0.0  # PostgreSQL's backends (SQLite works inside the server)
    latencies: list[float] = field(default_factory=list)

    def add(self, n: int, seconds: float, server_cpu: float, db_cpu: float, latencies: list[float]) -> None:
        self.requests += n
        self.seconds += seconds
        self.server_cpu += server_cpu
        self.db_cpu += db_cpu
        self.latencies += latencies

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies)

        def pct(q: float) -> float | None:  # nearest rank, in ms
            return round(lat[max(0, math.ceil(q * len(lat)) - 1)] * 1000, 2) if lat else None

        n = max(self.requests, 1)
        return {"requests": self.requests, "per_s": self.requests / self.seconds if self.seconds else 0.0,
                "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
                "max_ms": round(lat[-1] * 1000, 2) if lat else None,
                "server_cpu_us": self.server_cpu / n * 1e6, "db_cpu_us": self.db_cpu / n * 1e6}


def measured(server: Server, db_pid: int | None, tally: Tally, token: str,
             requests: list[tuple[str, dict[str, Any]]], clients: int) -> list:
    """One measured round: load, with the server's and the database's CPU read around it."""
    s0, d0 = server.cpu_seconds(), cpu.tree_seconds(db_pid)
    rate, out, latencies = load(server.port, token, requests, clients)
    tally.add(len(requests), len(requests) / rate, server.cpu_seconds() - s0, cpu.tree_seconds(db_pid) - d0,
              latencies)
    return out


def load(port: int, token: str, requests: list[tuple[str, dict[str, Any]]],
         clients: int) -> tuple[float, list, list[float]]:
    """POST every request from `clients` threads; (requests/s, responses in order, seconds each).

    Each thread keeps one HTTP/1.1 connection through the standard library's client, the
    leanest on CPU here (httpx costs several times more per request, and the load generator
    shares the machine with the server it measures).
    """
    out: list[Any] = [None] * len(requests)
    took: list[float] = [0.0] * len(requests)
    errors: list[str] = []
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def work(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            for n, i in enumerate(range(k, len(requests), clients)):
                if n and n % RECONNECT_EVERY == 0:
                    # A new connection now and then, as from many callers: with several
                    # workers, long-lived connections would leave the split to chance.
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                path, body = requests[i]
                start = time.perf_counter()
                conn.request("POST", path, body=json.dumps(body).encode(), headers=headers)
                r = conn.getresponse()
                data = r.read()
                took[i] = time.perf_counter() - start
                if r.status >= 300:
                    errors.append(f"{r.status} {data[:300]!r}")
                    return
                out[i] = json.loads(data)
        finally:
            conn.close()

    elapsed = timed([lambda k=k: work(k) for k in range(clients)])
    if errors:
        raise RuntimeError(f"{len(errors)} request(s) failed, e.g. {errors[0]}")
    return len(requests) / elapsed, out, took


def applications(targets: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [("/api/v1/cases", {"type": "return_refund", "order_no": t["order_no"],
                               "lines": [{"line_no": 1, "qty": 1}], "reason": "no_longer_wanted"}) for t in targets]


def approvals(cases: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(f"/api/v1/cases/{c['no']}/transitions", {"action": "approve", "version": c["version"]}) for c in cases]
