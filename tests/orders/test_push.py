"""Orders pushed by integrations: validated to the fen, idempotent on (store, order_no)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from shouhou.models import Customer, Order, OrderLine, Product
from tests.builders import auth, order_doc

LINES = [{"line_no": 1, "sku": "PEN", "name": "钢笔", "category": "stationery", "qty": 3, "unit_price": "33.33"},
         {"line_no": 2, "sku": "INK", "name": "墨水", "category": "stationery", "qty": 1, "unit_price": "10.00"}]


@pytest.fixture
def shop(world):
    """Store S1 with its integration; store S2 with its own; a buyer of S1."""
    world.store("S1")
    world.store("S2", "别的店铺")
    return {"S1": world.user("shop1", "integration", "S1"), "S2": world.user("shop2", "integration", "S2"),
            "admin": world.user("root", "admin", None), "agent": world.user("agent1", "agent", "S1"),
            "buyer": world.user("buyer", "customer", "S1", customer="u1001"),
            "other": world.user("other", "customer", "S1", customer="u1002")}


def push(client, token: str, doc: dict):
    return client.post("/api/v1/orders", json=doc, headers=auth(token))


def error(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


class TestPushOrder:
    def test_it_creates_the_order_with_money_in_yuan_and_local_times(self, client, shop):
        # given an order of 3 × 33.33 + 10.00 with a 10.00 order discount and 8.00 shipping
        doc = order_doc("T1", lines=LINES, discount="10.00", shipping_fee="8.00")
        # when the shop pushes it
        r = push(client, shop["S1"], doc)
        # then it is created and shown back in yuan strings and Shanghai times
        assert r.status_code == 201, r.text
        order = r.json()
        assert order["payment"] == {"method": "alipay", "amount": "107.99"}
        assert (order["shipping_fee"], order["discount"], order["status"]) == ("8.00", "10.00", "paid")
        assert order["placed_at"] == "2026-11-01T10:00:00+08:00"
        assert order["paid_at"] == "2026-11-01T10:01:00+08:00"
        # and the order discount is split over the lines by largest remainder (99.99 : 10.00)
        assert [(ln["order_discount"], ln["paid"]) for ln in order["lines"]] == [("9.09", "90.90"), ("0.91", "9.09")]
        assert order["customer"]["external_id"] == "u1001"

    def test_it_allocates_vouchers_and_keeps_extra_fields(self, client, shop):
        doc = order_doc("T2", lines=LINES, discount="1.00", coupon="5.00", points="0.01", shipping_insurance=True)
        order = push(client, shop["S1"], doc).json()
        assert [ln["voucher"] for ln in order["lines"]] == ["4.55", "0.46"]
        assert sum(int(ln["paid"].replace(".", "")) for ln in order["lines"]) == 10999 - 100 - 501
        assert order["extra"] == {"shipping_insurance": True}

    def test_it_answers_200_with_the_same_order_when_pushed_again(self, client, shop, world):
        doc = order_doc("T1", lines=LINES)
        first = push(client, shop["S1"], doc)
        again = push(client, shop["S1"], doc)
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json() == first.json()
        assert world.count(Order) == 1 and world.count(OrderLine) == 2

    def test_it_treats_the_same_amount_written_differently_as_the_same_order(self, client, shop):
        push(client, shop["S1"], order_doc("T1", shipping_fee="8.00"))
        doc = order_doc("T1", shipping_fee="8.00")
        doc["shipping_fee"] = "8"
        assert push(client, shop["S1"], doc).status_code == 200

    def test_it_refuses_another_document_for_an_existing_order(self, client, shop, world):
        push(client, shop["S1"], order_doc("T1"))
        r = push(client, shop["S1"], order_doc("T1", method="wechat"))
        assert error(r) == (409, "order_conflict")
        assert r.json()["error"]["details"] == {"order_no": "T1"}
        assert world.count(Order) == 1

    def test_it_keeps_order_numbers_per_store(self, client, shop, world):
        assert push(client, shop["S1"], order_doc("T1")).status_code == 201
        assert push(client, shop["S2"], order_doc("T1", store="S2")).status_code == 201
        assert world.count(Order) == 2

    def test_it_refuses_a_payment_that_does_not_add_up(self, client, shop, world):
        # given lines of 198.00, a 20.00 discount and 10.00 shipping, paid 190.00
        doc = order_doc("T1", discount="20.00", shipping_fee="10.00")
        doc["payment"]["amount"] = "190.00"
        # then it is refused with the amount expected, and nothing is stored
        r = push(client, shop["S1"], doc)
        assert error(r) == (422, "payment_mismatch")
        assert r.json()["error"]["details"] == {"paid": "190.00", "expected": "188.00"}
        assert world.count(Order) == 0 and world.count(Product) == 0

    @pytest.mark.parametrize("amount", [188.0, "188.001", "-188.00", "188,00", "", "1e2", True])
    def test_it_refuses_money_that_is_not_a_yuan_string(self, client, shop, amount):
        doc = order_doc("T1", discount="20.00", shipping_fee="10.00")
        doc["payment"]["amount"] = amount
        r = push(client, shop["S1"], doc)
        assert error(r) == (422, "validation_failed")
        assert [e["loc"][-2:] for e in r.json()["error"]["details"]["errors"]] == [["payment", "amount"]]

    def test_it_refuses_a_negative_unit_price_by_field(self, client, shop):
        doc = order_doc("T1")
        doc["lines"][0]["unit_price"] = "-99.00"
        r = push(client, shop["S1"], doc)
        assert error(r) == (422, "validation_failed")
        assert r.json()["error"]["details"]["errors"][0]["loc"][-3:] == ["lines", 0, "unit_price"]

    def test_it_refuses_an_unknown_policy_tag(self, client, shop, world):
        lines = [{**LINES[0], "tags": ["sanbao", "fresh_fruit"]}]
        r = push(client, shop["S1"], order_doc("T1", lines=lines))
        assert error(r) == (422, "unknown_tag")
        assert r.json()["error"]["details"]["tags"] == ["fresh_fruit"]
        assert world.count(Order) == 0

    @pytest.mark.parametrize(("change", "code"), [
        (lambda d: d["lines"].append({**d["lines"][0]}), "duplicate_line_no"),
        (lambda d: d.update(channel="tiktok"), "validation_failed"),
        (lambda d: d.update(placed_at="2026-11-01T10:00:00"), "validation_failed"),
        (lambda d: d.update(lines=[]), "validation_failed"),
    ])
    def test_it_refuses_other_bad_documents(self, client, shop, change, code):
        doc = order_doc("T1")
        change(doc)
        assert error(push(client, shop["S1"], doc)) == (422, code)

    @pytest.mark.parametrize(("change", "where"), [
        (lambda d: d.update(order_no="   "), ["order_no"]),
        (lambda d: d["customer"].update(external_id="\u00a0 "), ["customer", "external_id"]),
        (lambda d: d["lines"][0].update(sku=" "), ["lines", 0, "sku"]),
        (lambda d: d["lines"][0].update(name="\u3000"), ["lines", 0, "name"]),  # an ideographic space
    ])
    def test_it_refuses_an_identifier_or_name_of_spaces_alone_as_if_empty(self, client, shop, world, change, where):
        doc = order_doc("T1")
        change(doc)
        r = push(client, shop["S1"], doc)
        assert error(r) == (422, "validation_failed")
        [e] = r.json()["error"]["details"]["errors"]
        assert e["loc"][-len(where):] == where and e["type"] == "string_blank"
        assert world.count(Order) == 0

    @pytest.mark.parametrize(("change", "where"), [
        (lambda d: d.update(order_no="DD\x1f123"), ["order_no"]),
        (lambda d: d["customer"].update(name="王\u202e伟"), ["customer", "name"]),  # a bidi override
        (lambda d: d["customer"].update(address="上海\n浦东"), ["customer", "address"]),  # one line
        (lambda d: d["customer"].update(phone="138\u200b0000"), ["customer", "phone"]),  # a zero-width space
        (lambda d: d["lines"][0].update(sku="PEN\x85"), ["lines", 0, "sku"]),  # C1
        (lambda d: d["lines"][0].update(serials=["SN1", "SN\ufeff2"]), ["lines", 0, "serials", 1]),
    ])
    def test_it_refuses_control_bidi_and_invisible_characters(self, client, shop, world, change, where):
        doc = order_doc("T1")
        change(doc)
        r = push(client, shop["S1"], doc)
        assert error(r) == (422, "validation_failed")
        [e] = r.json()["error"]["details"]["errors"]
        assert e["loc"] == ["body", *where] and e["type"] == "string_control_characters"
        assert world.count(Order) == 0

    @pytest.mark.parametrize(("change", "where"), [
        (lambda d: d["lines"][0].update(tags=["sanbao", "  "]), ["lines", 0, "tags", 1]),
        (lambda d: d["lines"][0].update(serials=[""]), ["lines", 0, "serials", 0]),
    ])
    def test_it_refuses_a_blank_item_of_a_list(self, client, shop, world, change, where):
        doc = order_doc("T1")
        change(doc)
        r = push(client, shop["S1"], doc)
        assert error(r) == (422, "validation_failed")
        [e] = r.json()["error"]["details"]["errors"]
        assert e["loc"] == ["body", *where] and e["type"] in ("string_blank", "string_too_short")
        assert world.count(Order) == 0

    @pytest.mark.parametrize("amount", [" 12.00", "12.00 ", "\u300012.00", "12.00\n"])
    def test_it_refuses_money_with_spaces_around_it(self, client, shop, world, amount):
        doc = order_doc("T1", shipping_fee="12.00")
        doc["shipping_fee"] = amount
        r = push(client, shop["S1"], doc)
        assert error(r) == (422, "validation_failed")
        [e] = r.json()["error"]["details"]["errors"]
        assert e["loc"] == ["body", "shipping_fee"] and "decimal string in yuan" in e["msg"]
        assert world.count(Order) == 0

    def test_it_lets_only_the_stores_integration_or_an_admin_push(self, client, shop):
        # another store's integration: that store is not found (what a caller holds no role in does not exist)
        assert error(push(client, shop["S2"], order_doc("T1"))) == (404, "store_not_found")
        assert error(push(client, shop["agent"], order_doc("T1"))) == (403, "forbidden")
        assert push(client, shop["admin"], order_doc("T1")).status_code == 201

    def test_it_stores_a_new_order_once_when_pushed_concurrently(self, client, shop, world):
        # given the same new order sent four times at once
        doc = order_doc("T1", customer="u9999", lines=LINES)
        start = threading.Barrier(4)

        def send(_: int):
            start.wait()
            return push(client, shop["S1"], doc)

        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(send, range(4)))
        # then one push created it, the others got it back unchanged
        assert sorted(r.status_code for r in answers) == [200, 200, 200, 201]
        assert len({r.content for r in answers}) == 1
        assert (world.count(Order), world.count(Customer, external_id="u9999"), world.count(Product)) == (1, 1, 2)

    def test_it_stores_concurrent_orders_of_one_new_buyer(self, client, shop, world):
        # given two different orders of a buyer the system has not seen, with the same new product
        start = threading.Barrier(2)

        def send(no: str):
            start.wait()
            return push(client, shop["S1"], order_doc(no, customer="u9999", lines=LINES))

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(send, ["T1", "T2"]))
        # then both are stored, for one customer and one product catalogue
        assert [r.status_code for r in answers] == [201, 201], [r.text for r in answers]
        assert (world.count(Order), world.count(Customer, external_id="u9999"), world.count(Product)) == (2, 1, 2)


class TestGetOrder:
    def test_it_shows_an_order_by_number(self, client, shop):
        pushed = push(client, shop["S1"], order_doc("T1")).json()
        r = client.get("/api/v1/orders/T1", headers=auth(shop["agent"]))
        assert r.status_code == 200 and r.json() == pushed

    def test_it_asks_which_store_when_the_number_is_in_several(self, client, shop):
        push(client, shop["S1"], order_doc("T1"))
        push(client, shop["S2"], order_doc("T1", store="S2", method="wechat"))
        assert error(client.get("/api/v1/orders/T1", headers=auth(shop["admin"]))) == (422, "store_required")
        r = client.get("/api/v1/orders/T1?store=S2", headers=auth(shop["admin"]))
        assert r.status_code == 200 and (r.json()["store"], r.json()["payment"]["method"]) == ("S2", "wechat")
        # and a store's own staff only ever see their store's order
        assert client.get("/api/v1/orders/T1", headers=auth(shop["agent"])).json()["store"] == "S1"

    def test_it_shows_a_buyer_only_their_own_orders(self, client, shop):
        push(client, shop["S1"], order_doc("T1", customer="u1001"))
        push(client, shop["S1"], order_doc("T2", customer="u1002"))
        assert client.get("/api/v1/orders/T1", headers=auth(shop["buyer"])).status_code == 200
        assert error(client.get("/api/v1/orders/T2", headers=auth(shop["buyer"]))) == (404, "order_not_found")
        assert client.get("/api/v1/orders/T2", headers=auth(shop["other"])).status_code == 200

    def test_it_hides_another_stores_order(self, client, shop):
        push(client, shop["S2"], order_doc("T9", store="S2"))
        assert error(client.get("/api/v1/orders/T9", headers=auth(shop["agent"]))) == (404, "order_not_found")
        # a store the caller holds no role in is not found, as one that does not exist
        assert error(client.get("/api/v1/orders/T9?store=S2", headers=auth(shop["agent"]))) == (
            404, "store_not_found")
