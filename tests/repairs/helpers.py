"""Shared givens for repair and installation tests: a store with staff, technicians, units, parts."""

from __future__ import annotations

import base64
import struct
import zlib
from datetime import datetime, timedelta
from typing import Any

from tests.builders import auth

DELIVERED = datetime.fromisoformat("2026-11-20T15:00:00+08:00")  # three days before the clock's T0
CONTACT = {"name": "张三", "phone": "13800000000", "address": "上海市浦东新区世纪大道 100 号", "district": "浦东新区"}
WINDOW = {"start": "2026-11-25T10:00:00+08:00", "end": "2026-11-25T12:00:00+08:00"}  # Wednesday
WEEKDAYS = {d: [["09:00", "12:00"], ["13:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def png(width: int = 2, height: int = 2) -> bytes:
    """A tiny valid PNG (what a signature pad sends, only smaller)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


SIGNATURE = "data:image/png;base64," + base64.b64encode(png()).decode()


def unit_body(serial: str, *, customer: str = "u1001", delivered: datetime = DELIVERED, **extra: Any) -> dict[str, Any]:
    return {"store": "S1", "serial": serial, "model": "WM-10KG", "name": "滚筒洗衣机 10kg", "category": "appliance",
            "customer": customer, "tags": ["sanbao"], "warranty_months": 12, "delivered_at": delivered.isoformat(),
            "price": "2999.00", "channel": "online", "district": "浦东新区", **extra}


def setup(world, client=None) -> dict[str, str]:
    """Store S1, a token per staff role, buyers u1001 ('buyer') and u1002 ('buyer2'), a second technician
    ('tech2'), and the technicians' profiles when a client is given."""
    world.store()
    tokens = world.staff()
    tokens["buyer"] = world.user("buyer", "customer", "S1", customer="u1001")
    tokens["buyer2"] = world.user("buyer2", "customer", "S1", customer="u1002")
    tokens["tech2"] = world.user("tech2", "technician", "S1")
    if client is not None:
        for who in ("technician-S1", "tech2"):
            r = client.put(f"/api/v1/technicians/{who}", json={"skills": ["appliance"], "areas": ["浦东新区"],
                                                               "hours": WEEKDAYS}, headers=auth(tokens["supervisor"]))
            assert r.status_code == 200, r.text
    return tokens


def new_unit(client, token: str, serial: str, **extra: Any) -> dict[str, Any]:
    r = client.post("/api/v1/units", json=unit_body(serial, **extra), headers=auth(token))
    assert r.status_code == 201, r.text
    return r.json()


def register(client, token: str, *, expect: int = 201, **body: Any) -> dict[str, Any]:
    payload = {"type": "repair", "contact": CONTACT, "fault": "洗衣机不排水", "fault_code": "drain", "mode": "onsite",
               "channel": "hotline", **body}
    r = client.post("/api/v1/cases", json=payload, headers=auth(token))
    assert r.status_code == expect, r.text
    return r.json()


def get(client, token: str, no: str) -> dict[str, Any]:
    r = client.get(f"/api/v1/cases/{no}", headers=auth(token))
    assert r.status_code == 200, r.text
    return r.json()


def act(client, token: str, no: str, action: str, *, expect: int = 200, key: str | None = None,
        **fields: Any) -> dict[str, Any]:
    version = get(client, token, no)["version"] if token else 1
    headers = auth(token) | ({"Idempotency-Key": key} if key else {})
    r = client.post(f"/api/v1/cases/{no}/transitions", json={"action": action, "version": version, **fields},
                    headers=headers)
    assert r.status_code == expect, r.text
    return r.json()


def window(day: int = 25, start: int = 10, hours: int = 2) -> dict[str, str]:
    s = datetime.fromisoformat(f"2026-11-{day:02d}T{start:02d}:00:00+08:00")
    return {"start": s.isoformat(), "end": (s + timedelta(hours=hours)).isoformat()}


def part(client, token: str, sku: str = "PUMP-1", *, price: str = "120.00", cost: str = "60.00",
         stock: dict[str, int] | None = None, **extra: Any) -> dict[str, Any]:
    r = client.post("/api/v1/parts", json={"store": "S1", "sku": sku, "name": "排水泵", "price": price, "cost": cost,
                                           "reorder_point": 1, "models": ["WM-10KG"], "maker": "海尔", **extra},
                    headers=auth(token))
    assert r.status_code == 201, r.text
    for location, qty in (stock or {}).items():
        r = client.post(f"/api/v1/parts/{sku}/movements", json={"store": "S1", "location": location, "qty": qty,
                                                                "kind": "receipt"}, headers=auth(token))
        assert r.status_code == 201, r.text
    return r.json()
