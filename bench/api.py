"""Applications and transitions per second through the real HTTP API (uvicorn, keep-alive clients)."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select

from shouhou.accounts import service as accounts
from shouhou.clock import SystemClock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.engine.actor import Actor
from shouhou.engine.context import Ctx
from shouhou.models import OrderLine
from shouhou.orders import service as orders
from shouhou.orders.schemas import OrderIn
from bench.clients import timed
from tests.builders import order_doc
from tests.pg import free_port

RECONNECT_EVERY = int(os.environ.get("BENCH_RECONNECT", "20"))
OPERATOR = Actor(user_id=None, name="bench", grants=(("admin", None),))


def seed(url: str, n_orders: int, var_dir: Path) -> dict[str, Any]:
    """A store, an integration and a reviewer with tokens, and n delivered orders."""
    settings = Settings(database_url=url, var_dir=var_dir, secret_key="bench")
    db = Database(url)
    signed = datetime.now(UTC) - timedelta(days=1)
    with db.session() as session:
        ctx = Ctx(session=session, actor=OPERATOR, clock=SystemClock(), settings=settings, lang="en")
        accounts.create_store(ctx, "S1", "Bench store", return_address="上海仓")
        accounts.add_user(ctx, "shop", "integration", store_code="S1")
        accounts.add_user(ctx, "rev", "reviewer", store_code="S1")
        tokens = {"shop": accounts.issue_token(ctx, "shop"), "rev": accounts.issue_token(ctx, "rev")}
        targets = []
        for i in range(n_orders):
            order, _ = orders.push_order(ctx, OrderIn.model_validate(
                order_doc(f"B{i:07d}", signed_at=signed, shipped_at=signed - timedelta(days=1))))
            targets.append({"order_no": order.order_no, "order_id": order.id, "customer_id": order.customer_id,
                            "store_id": order.store_id})
        lines = dict(session.execute(select(OrderLine.order_id, OrderLine.id)).all())
        for t in targets:
            t["order_line_id"] = lines[t["order_id"]]
    db.dispose()
    return {"tokens": tokens, "targets": targets}


class Server:
    def __init__(self, url: str, var_dir: Path, workers: int) -> None:
        self.port = free_port()
        env = {**os.environ, "SHOUHOU_DATABASE_URL": url, "SHOUHOU_VAR_DIR": str(var_dir),
               "SHOUHOU_LOG_LEVEL": "WARNING", "SHOUHOU_SECRET_KEY": "bench"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "shouhou.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(workers), "--no-access-log", "--log-level", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if httpx.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the API server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def load(base: str, token: str, requests: list[tuple[str, dict[str, Any]]], clients: int) -> tuple[float, list]:
    """POST every request from `clients` threads; returns (requests/s, responses in order).

    Each thread keeps one HTTP/1.1 connection through the standard library's client, the
    leanest on CPU here (httpx costs several times more per request, and the load generator
    shares the machine with the server it measures).
    """
    out: list[Any] = [None] * len(requests)
    errors: list[str] = []
    host, port = urlsplit(base).hostname, urlsplit(base).port
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def work(k: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        try:
            for n, i in enumerate(range(k, len(requests), clients)):
                if n and n % RECONNECT_EVERY == 0:
                    # A new connection now and then, as from many callers: with several
                    # workers, long-lived connections would leave the split to chance.
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=60)
                path, body = requests[i]
                conn.request("POST", path, body=json.dumps(body).encode(), headers=headers)
                r = conn.getresponse()
                data = r.read()
                if r.status >= 300:
                    errors.append(f"{r.status} {data[:300]!r}")
                    return
                out[i] = json.loads(data)
        finally:
            conn.close()

    elapsed = timed([lambda k=k: work(k) for k in range(clients)])
    if errors:
        raise RuntimeError(f"{len(errors)} request(s) failed, e.g. {errors[0]}")
    return len(requests) / elapsed, out


def applications(targets: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [("/api/v1/cases", {"type": "return_refund", "order_no": t["order_no"],
                               "lines": [{"line_no": 1, "qty": 1}], "reason": "no_longer_wanted"}) for t in targets]


def approvals(cases: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(f"/api/v1/cases/{c['no']}/transitions", {"action": "approve", "version": c["version"]}) for c in cases]
