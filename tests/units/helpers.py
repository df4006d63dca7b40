"""Shared givens for the installed base: a store with staff and two buyers, appliance orders."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

DELIVERED = datetime.fromisoformat("2026-11-20T15:00:00+08:00")  # three days before the clock's T0
APPLIANCE = {"store": "S1", "model": "KFR-35", "name": "空调 1.5 匹", "category": "appliance", "customer": "u1001",
             "tags": ["sanbao"], "warranty_months": 12, "delivered_at": "2026-11-01T10:00:00+08:00"}


def setup(world) -> dict[str, str]:
    """Store S1, a token per staff role, the buyers u1001 ('buyer') and u1002 ('buyer2')."""
    world.store()
    tokens = world.staff()
    tokens["buyer"] = world.user("buyer", "customer", "S1", customer="u1001")
    tokens["buyer2"] = world.user("buyer2", "customer", "S1", customer="u1002")
    return tokens


def appliance_order(world, order_no: str, *, serials: list[str], customer: str = "u1001",
                    delivered: datetime = DELIVERED, **line: Any) -> dict[str, Any]:
    """A washing machine in the 三包 catalogue (12 months), delivered on `delivered`."""
    return world.order(order_no, customer=customer, signed_at=delivered, shipped_at=delivered - timedelta(days=1),
                       lines=[{"line_no": 1, "sku": "WM-10KG", "name": "滚筒洗衣机 10kg", "category": "appliance",
                               "qty": len(serials) or 1, "unit_price": "2999.00", "tags": ["sanbao"],
                               "warranty_months": 12, "serials": serials, **line}])
