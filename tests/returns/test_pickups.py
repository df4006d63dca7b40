"""上门取件 (issue 22, item 12; seed 002: "若平台提供快递邮寄服务, 则买家通过商城预约快递上门取件,
进行退货"): the buyer picks a window and an address, the store's carrier adapter books it, the
tracking number is recorded when known."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import update

from shouhou.models import Store
from shouhou.returns import pickups
from tests.builders import auth
from tests.returns.helpers import act, apply, delivered, get, setup
from tests.web.conftest import login_form

HOME = {"contact": "张三", "phone": "13800000000", "address": "上海市浦东新区世纪大道 1 号"}
WINDOW = {"window_start": "2026-11-24T09:00:00+08:00", "window_end": "2026-11-24T12:00:00+08:00"}


def approved(client, t: dict[str, str], order_no: str = "T1") -> str:
    no = apply(client, t["buyer"], order_no)["no"]
    act(client, t["reviewer"], no, "approve")
    return no


def listed(client, token: str, **params: str) -> list[tuple[str, str]]:
    r = client.get("/api/v1/pickups", params=params, headers=auth(token))
    assert r.status_code == 200, r.text
    return [(x["no"], x["pickup"]["status"]) for x in r.json()["items"]]


class TestManualAdapter:
    def test_staff_book_the_courier_and_record_the_tracking_number_at_collection(self, world, client):
        t = setup(world)
        delivered(world)
        no = approved(client, t)
        # given the buyer asks for a pickup instead of shipping
        case = act(client, t["buyer"], no, "request_pickup", **WINDOW, address=HOME)
        assert case["status"] == "awaiting_return"
        assert {k: case["pickup"][k] for k in ("status", "adapter", "window_start", "window_end", "address")} == {
            "status": "requested", "adapter": "manual", **WINDOW, "address": HOME}
        assert "request_pickup" not in [a["name"] for a in case["available_actions"]]
        # then it waits on the staff's list
        assert listed(client, t["warehouse"]) == [(no, "requested")]
        assert listed(client, t["buyer"]) == []
        # staff book the courier, then record the parcel when it is collected
        case = act(client, t["agent"], no, "book_pickup", carrier="SF", booking_ref="SF-BOOK-1")
        assert (case["pickup"]["status"], case["pickup"]["carrier"]) == ("booked", "SF")
        case = act(client, t["warehouse"], no, "record_pickup", carrier="SF", tracking_no="SF123456")
        assert case["status"] == "awaiting_receipt" and case["pickup"]["status"] == "picked_up"
        assert (case["return_shipment"]["tracking_no"], case["next_deadline"]["action"]) == ("SF123456",
                                                                                               "receipt_overdue")
        assert listed(client, t["warehouse"]) == []
        assert listed(client, t["warehouse"], status="picked_up") == [(no, "picked_up")]
        found = client.get("/api/v1/warehouse/lookup", params={"q": "SF123456"}, headers=auth(t["warehouse"]))
        assert [x["no"] for x in found.json()["items"]] == [no]

    def test_the_window_must_be_ahead_and_before_the_shipping_deadline(self, world, client):
        t = setup(world)
        delivered(world)
        no = approved(client, t)
        late = act(client, t["buyer"], no, "request_pickup", window_start="2026-12-05T09:00:00+08:00",
                   window_end="2026-12-05T12:00:00+08:00", address=HOME, expect=422)
        assert late["error"]["code"] == "pickup_after_deadline"
        past = act(client, t["buyer"], no, "request_pickup", window_start="2026-11-22T09:00:00+08:00",
                   window_end="2026-11-22T12:00:00+08:00", address=HOME, expect=422)
        assert past["error"]["code"] == "invalid_pickup_window"
        assert get(client, t["buyer"], no)["pickup"] is None

    def test_the_buyer_may_cancel_and_ship_it_themselves(self, world, client):
        t = setup(world)
        delivered(world)
        no = approved(client, t)
        act(client, t["buyer"], no, "request_pickup", **WINDOW, address=HOME)
        case = act(client, t["buyer"], no, "cancel_pickup")
        assert case["pickup"]["status"] == "cancelled"
        assert "request_pickup" in [a["name"] for a in case["available_actions"]]
        assert act(client, t["buyer"], no, "ship_return", carrier="YTO", tracking_no="YT1")["status"] == \
            "awaiting_receipt"


class TestAnAdapterThatBooks:
    def test_a_carriers_adapter_books_at_once_with_the_tracking_number(self, world, client, monkeypatch):
        class Booked:
            name = "fake"

            def book(self, request: pickups.PickupRequest) -> pickups.PickupBooking:
                return pickups.PickupBooking("booked", booking_ref=f"FK-{request.case_no}", carrier="JD",
                                             tracking_no="JD0001")

            def cancel(self, booking_ref: Any) -> None:
                return None

        monkeypatch.setitem(pickups.ADAPTERS, "fake", Booked)
        t = setup(world)
        with world.db.session() as s:
            s.execute(update(Store).where(Store.code == "S1").values(settings={"pickup_adapter": "fake"}))
            s.commit()
        delivered(world)
        no = approved(client, t)
        case = act(client, t["buyer"], no, "request_pickup", **WINDOW, address=HOME)
        assert {k: case["pickup"][k] for k in ("status", "adapter", "carrier", "tracking_no", "booking_ref")} == {
            "status": "booked", "adapter": "fake", "carrier": "JD", "tracking_no": "JD0001",
            "booking_ref": f"FK-{no}"}
        # the carrier's integration reports the collection
        case = act(client, t["integration"], no, "record_pickup", carrier="JD", tracking_no="JD0001")
        assert case["status"] == "awaiting_receipt"


class TestTheForm:
    def _form(self, client, path: str) -> str:
        page = client.get(path).text
        return re.search(r'<form[^>]*data-action="request_pickup".*?</form>', page, re.DOTALL).group(0)

    def test_it_starts_from_the_buyers_contact_then_from_the_last_pickup(self, world, client):
        """Staff and the buyer book with the name, phone and address already known, and may change them."""
        t = setup(world)
        delivered(world)  # the buyer u1001: 张三, 13800000000, 上海市浦东新区
        no = approved(client, t)
        world.user("desk", "agent", "S1", password="pw12345678")
        world.user("me", "customer", "S1", customer="u1001", password="pw12345678")
        login_form(client, "desk")
        form = self._form(client, f"/console/cases/{no}")
        for name, value in (("contact", "张三"), ("phone", "13800000000"), ("address", "上海市浦东新区")):
            assert f'name="address.{name}" value="{value}"' in form
        act(client, t["buyer"], no, "request_pickup", **WINDOW, address=HOME)
        act(client, t["buyer"], no, "cancel_pickup")
        client.cookies.clear()
        login_form(client, "me")
        assert f'name="address.address" value="{HOME["address"]}"' in self._form(client, f"/portal/cases/{no}")
