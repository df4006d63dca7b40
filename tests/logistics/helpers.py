"""Shared steps for logistics tests: an order on its way, a case registered, a report made (HTTP API)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.builders import auth
from tests.returns.helpers import act

SHIPPED = datetime.fromisoformat("2026-11-19T15:00:00+08:00")  # four days before the clock's T0
EVIDENCE = {"transaction_copy": ["https://img.example.com/deal.jpg"],
            "waybill_copy": ["https://img.example.com/waybill.jpg"],
            "sender_id_copy": ["https://img.example.com/sender-id.jpg"]}
PHOTOS = {"damage_photos": ["https://img.example.com/broken-box.jpg"]}
REPORT = {"delivery_area": "上海市浦东新区", "delivery_result": "派送途中丢失", **EVIDENCE}


def on_its_way(world, order_no: str = "T2", **kw: Any) -> dict[str, Any]:
    """An order shipped on 2026-11-19 by SF (tracking SF<order no.>), not yet signed for: 2 × T恤 at 99.00."""
    kw.setdefault("shipped_at", SHIPPED)
    return world.order(order_no, **kw)


def register(client, token: str, expect: int = 201, **body: Any) -> dict[str, Any]:
    r = client.post("/api/v1/cases", headers=auth(token), json={
        "type": "logistics", "problem": "not_moving", "description": "物流三天没有更新", **body})
    assert r.status_code == expect, r.text
    return r.json()


def queried(client, token: str, no: str, agent_id: str = "851", **more: Any) -> dict[str, Any]:
    return act(client, token, no, "log_query", agent_id=agent_id,
               query_result=more.pop("query_result", "网点称包裹在转运中心滞留"), **more)
