"""Shared steps for refund/return/exchange tests: apply and act through the HTTP API."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.builders import auth

SIGNED = datetime.fromisoformat("2026-11-20T15:00:00+08:00")  # three days before the clock's T0


def delivered(world, order_no: str = "T1", **kw: Any) -> dict[str, Any]:
    """An order signed for on 2026-11-20 (within every no-reason window at T0)."""
    kw.setdefault("signed_at", SIGNED)
    kw.setdefault("shipped_at", SIGNED - timedelta(days=1))
    return world.order(order_no, **kw)


def setup(world, **store: Any) -> dict[str, str]:
    """A store with its return address, one token per role, and the buyer u1001's token as 'buyer'."""
    world.store(return_contact="刘师傅", return_phone="021-55550000", return_address="上海市嘉定区售后仓", **store)
    tokens = world.staff()
    tokens["buyer"] = world.user("buyer", "customer", "S1", customer="u1001")
    return tokens


def apply(client, token: str, order_no: str = "T1", *, type: str = "return_refund",
          lines: list[dict[str, int]] | None = None, reason: str = "no_longer_wanted", expect: int = 201,
          **extra: Any) -> dict[str, Any]:
    if type == "exchange":
        extra.setdefault("photos", ["https://img.example.com/exchange.jpg"])  # an exchange needs photos (seed 002)
    body = {"type": type, "order_no": order_no, "lines": lines or [{"line_no": 1, "qty": 1}], "reason": reason,
            **extra}
    r = client.post("/api/v1/cases", json=body, headers=auth(token))
    assert r.status_code == expect, r.text
    return r.json()


def act(client, token: str, no: str, action: str, version: int | None = None, *, expect: int = 200,
        key: str | None = None, **fields: Any) -> dict[str, Any]:
    if version is None:
        version = get(client, token, no)["version"]
    headers = auth(token) | ({"Idempotency-Key": key} if key else {})
    r = client.post(f"/api/v1/cases/{no}/transitions", json={"action": action, "version": version, **fields},
                    headers=headers)
    assert r.status_code == expect, r.text
    return r.json()


RETURNED = (("reviewer", "approve", {}), ("buyer", "ship_return", {"carrier": "SF", "tracking_no": "SF-RET"}),
            ("warehouse", "receive", {"result": "accepted"}))


def walk(client, tokens: dict[str, str], no: str, steps=RETURNED) -> dict[str, Any]:
    """Take (role, action, fields) steps in turn; by default approve, ship the return and receive it."""
    case: dict[str, Any] = {}
    for who, action, fields in steps:
        case = act(client, tokens[who], no, action, **fields)
    return case


def get(client, token: str, no: str) -> dict[str, Any]:
    r = client.get(f"/api/v1/cases/{no}", headers=auth(token))
    assert r.status_code == 200, r.text
    return r.json()


def events(client, token: str, no: str) -> list[dict[str, Any]]:
    return client.get(f"/api/v1/cases/{no}/events", headers=auth(token)).json()["items"]


def error(response) -> str:
    return response.json()["error"]["code"]
