"""Requests leave no reference cycles, so the server may let the cycle collector pass
rarely (api/collector.py); and the app sets it so when it starts."""

from __future__ import annotations

import gc
import json
from typing import Any

from shouhou.api import collector
from shouhou.app import create_app
from tests.aio import run
from tests.returns.helpers import delivered, setup


async def call(app, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    """One request straight into the ASGI app: no HTTP client whose own objects would be counted."""
    raw = json.dumps(body).encode() if body is not None else b""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"t"), (b"content-type", b"application/json"),
                         (b"authorization", f"Bearer {token}".encode())],
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000)}
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": raw, "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], json.loads(b"".join(m.get("body", b"") for m in sent[1:]))


def test_case_writes_and_reads_leave_no_cyclic_garbage(app, world):
    tokens = setup(world)
    for k in range(6):
        delivered(world, f"T{k}")

    async def requests(order_no: str) -> None:
        status, case = await call(app, "POST", "/api/v1/cases", tokens["buyer"], {
            "type": "return_refund", "order_no": order_no, "lines": [{"line_no": 1, "qty": 1}],
            "reason": "no_longer_wanted"})
        assert status == 201, case
        status, doc = await call(app, "POST", f"/api/v1/cases/{case['no']}/transitions", tokens["reviewer"],
                                 {"action": "approve", "version": case["version"]})
        assert (status, doc["status"]) == (200, "awaiting_return")
        status, doc = await call(app, "GET", f"/api/v1/cases/{case['no']}", tokens["buyer"])
        assert (status, doc["version"]) == (200, 2)

    async def scenario() -> int:
        await requests("T0")  # first use: caches, compiled statements, the writer queue
        gc.collect()
        gc.disable()
        try:
            for k in range(1, 6):
                await requests(f"T{k}")
            return gc.collect()  # unreachable objects found: those only a collector pass could free
        finally:
            gc.enable()

    assert run(scenario()) == 0


def test_the_app_settles_the_collector_when_it_starts(settings, db, clock):
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    app = create_app(settings.model_copy(update={"tune_collector": True}), db=db, clock=clock)

    async def start() -> tuple[tuple[int, int, int], int]:
        async with app.router.lifespan_context(app):
            return gc.get_threshold(), gc.get_freeze_count()

    try:
        threshold, frozen_now = run(start())
        assert threshold == (collector.YOUNG_THRESHOLD, *before[1:])
        assert frozen_now > frozen
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_the_collector_is_left_alone_when_the_setting_is_off(settings, db, clock):
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    app = create_app(settings, db=db, clock=clock)  # the tests' settings turn it off

    async def start() -> tuple[tuple[int, int, int], int]:
        async with app.router.lifespan_context(app):
            return gc.get_threshold(), gc.get_freeze_count()

    assert run(start()) == (before, frozen)
