"""Issue 22 on the console: store names, the finance list's products (seed 002), the order-date
filter, the refund breakdown, and the warehouse's "refunded, not received" list."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from shouhou.cases import service as cases
from shouhou.engine.sweep import run_due
from tests.returns.helpers import SIGNED
from tests.web.conftest import login_form

PW = "pw12345678"
LINES = [{"line_no": 1, "sku": "COAT", "name": "羊毛外套", "qty": 2, "unit_price": "150.00"},
         {"line_no": 2, "sku": "HAT", "name": "帽子", "qty": 1, "unit_price": "50.00"}]


def _world(world) -> None:
    world.store(name="杭州旗舰店", return_address="上海仓")
    for role in ("agent", "reviewer", "warehouse", "finance"):
        world.user(role, role, "S1", password=PW)
    world.user("buyer", "customer", "S1", customer="u1001")


def _refund_ready(world, order_no: str = "T1", **order) -> str:
    """A quality return of one coat and the hat, received: waiting for finance."""
    world.order(order_no, lines=LINES, shipping_fee="10.00", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1),
                **order)
    with world.ctx(world.actor("buyer")) as ctx:
        no = cases.create(ctx, {"type": "return_refund", "order_no": order_no, "reason": "quality_issue",
                                "lines": [{"line_no": 1, "qty": 1}, {"line_no": 2, "qty": 1}]}).no
    world.move("reviewer", no, "approve")
    world.move("buyer", no, ("ship_return", {"carrier": "SF", "tracking_no": f"SF-{order_no}", "postage": "12.00"}))
    world.move("warehouse", no, ("receive", {"result": "accepted"}))
    return no


class TestStoreNames:
    def test_the_list_and_the_case_page_show_the_stores_name(self, world, client):
        _world(world)
        no = _refund_ready(world)
        login_form(client, "agent")
        row = re.search(rf'<tr>.*?{no}.*?</tr>', client.get("/console/cases").text, re.DOTALL).group(0)
        assert "杭州旗舰店" in row
        page = client.get(f"/console/cases/{no}").text
        assert "杭州旗舰店" in page


class TestFinanceList:
    def test_it_shows_each_product_with_unit_price_quantity_line_refund_and_application_time(self, world, client):
        _world(world)
        no = _refund_ready(world)
        api = client.get("/api/v1/finance/refunds",
                         headers={"Authorization": f"Bearer {world.tokens['finance']}"}).json()["items"]
        assert [(r["no"], r["refund_amount"], r["applied_at"]) for r in api] == [
            (no, "217.72", "2026-11-23T10:00:00+08:00")]  # 150 + 50 + 5.72 of the shipping + 12.00 postage
        assert api[0]["lines"] == [
            {"line_no": 1, "sku": "COAT", "name": "羊毛外套", "unit_price": "150.00", "qty": 1, "amount": "150.00"},
            {"line_no": 2, "sku": "HAT", "name": "帽子", "unit_price": "50.00", "qty": 1, "amount": "50.00"}]
        login_form(client, "finance")
        page = client.get("/console/finance").text
        for text in ("羊毛外套", "帽子", "¥150.00", "¥50.00", "¥217.72", "2026-11-23 10:00", "单品小计退款"):
            assert text in page, text


class TestOrderDateFilter:
    def test_the_console_filters_by_the_orders_placed_date(self, world, client):
        _world(world)
        early = _refund_ready(world, "T1")
        late = _refund_ready(world, "T2", placed_at=datetime.fromisoformat("2026-11-10T09:00:00+08:00"))
        login_form(client, "agent")
        page = client.get("/console/cases", params={"order_placed_from": "2026-11-10",
                                                    "order_placed_to": "2026-11-10"}).text
        assert late in page and early not in page
        assert 'name="order_placed_from" value="2026-11-10"' in page


class TestBreakdownOnTheCasePage:
    def test_it_shows_the_refund_line_by_line(self, world, client):
        _world(world)
        no = _refund_ready(world)
        login_form(client, "reviewer")
        page = client.get(f"/console/cases/{no}").text
        table = re.search(r'<table class="list breakdown">.*?</table>', page, re.DOTALL).group(0)
        # the coat's share of the 10.00 shipping is 8.57 (300 : 50), one of two coats 4.29, the hat 1.43
        for text in ("商品金额", "¥200.00", "发货运费", "¥5.72", "退货运费", "¥12.00", "¥217.72", "SHIPPING-MERCHANT"):
            assert text in table, text


class TestWarehouseExceptions:
    def test_it_lists_what_was_refunded_at_the_deadline_and_not_received(self, world, client, settings, clock):
        _world(world)
        world.order("T9", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
        with world.ctx(world.actor("buyer")) as ctx:
            no = cases.create(ctx, {"type": "return_refund", "order_no": "T9", "reason": "no_longer_wanted",
                                    "lines": [{"line_no": 1, "qty": 1}]}).no
        world.move("reviewer", no, "approve")
        world.move("buyer", no, ("ship_return", {"carrier": "SF", "tracking_no": "SF-LATE"}))
        clock.advance(days=10, seconds=1)
        assert run_due(world.db, settings, clock.now()).fired == 1
        login_form(client, "warehouse")
        page = client.get("/console/warehouse").text
        listed = re.search(r'<table class="list unreceived">.*?</table>', page, re.DOTALL).group(0)
        assert no in listed and "SF-LATE" in listed and "已退款未收货" in page


class TestDisputePages:
    def test_the_buyer_opens_one_from_a_completed_order_and_the_platform_lists_it(self, world, client):
        _world(world)
        world.user("buyer-web", "customer", "S1", customer="u1001", password=PW)
        world.user("platform", "platform", None, password=PW)
        world.order("W1", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1), completed_at=SIGNED)
        world.order("W2", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))  # not completed: no form
        login_form(client, "buyer-web")
        assert "交易成功后仍有问题" not in client.get("/portal/orders/W2").text
        page = client.get("/portal/orders/W1").text
        assert "交易成功后仍有问题" in page
        from tests.web.conftest import csrf_of

        r = client.post("/portal/orders/W1/apply", data={"_csrf": csrf_of(page), "type": "dispute", "remedy": "refund",
                                                         "amount": "20.00", "description": "开线"},
                        follow_redirects=False)
        assert r.status_code == 303, r.text
        no = r.headers["location"].rsplit("/", 1)[-1]
        assert "开线" in client.get(f"/portal/cases/{no}").text
        client.cookies.clear()
        login_form(client, "platform")
        listed = client.get("/console/disputes").text
        assert no in listed and "杭州旗舰店" in listed
        assert "凭证" in client.get(f"/console/cases/{no}").text


class TestPickupList:
    def test_staff_see_the_pickup_and_record_its_collection(self, world, client):
        _world(world)
        world.order("P1", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
        with world.ctx(world.actor("buyer")) as ctx:
            no = cases.create(ctx, {"type": "return_refund", "order_no": "P1", "reason": "no_longer_wanted",
                                    "lines": [{"line_no": 1, "qty": 1}]}).no
        world.move("reviewer", no, "approve")
        world.move("buyer", no, ("request_pickup", {
            "window_start": "2026-11-24T09:00:00+08:00", "window_end": "2026-11-24T12:00:00+08:00",
            "address": {"contact": "张三", "phone": "138", "address": "浦东新区世纪大道 1 号"}}))
        login_form(client, "warehouse")
        page = client.get("/console/pickups").text
        assert no in page and "浦东新区世纪大道 1 号" in page and 'data-action="record_pickup"' in page
        from tests.web.conftest import csrf_of

        r = client.post(f"/console/cases/{no}/act", data={"_csrf": csrf_of(page), "_action": "record_pickup",
                                                           "_version": "3", "carrier": "SF", "tracking_no": "SF-P1",
                                                           "_back": "/console/pickups"}, follow_redirects=False)
        assert r.status_code == 303, r.text
        assert no not in client.get("/console/pickups").text
        with world.ctx() as ctx:
            assert cases.get(ctx, no).status == "awaiting_receipt"


class TestModifyAfterRejection:
    def test_the_buyer_changes_the_quantity_by_line_number_and_quantity(self, world, client):
        _world(world)
        world.user("wang", "customer", "S1", customer="u1001", password=PW)
        world.order("T1", lines=LINES, signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
        with world.ctx(world.actor("buyer")) as ctx:
            no = cases.create(ctx, {"type": "return_refund", "order_no": "T1", "reason": "quality_issue",
                                    "lines": [{"line_no": 1, "qty": 1}]}).no
        world.move("reviewer", no, ("reject", {"reason": "请补充照片"}))
        login_form(client, "wang", PW)
        page = client.get(f"/portal/cases/{no}").text
        form = re.search(r'<form[^>]*data-action="modify".*?</form>', page, re.S).group(0)
        assert 'name="lines"' in form and "每行一个商品：行号" in form  # says what to type
        token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        version = re.search(r'name="_version" value="(\d+)"', form).group(1)
        r = client.post(f"/portal/cases/{no}/act", data={"_csrf": token, "_action": "modify", "_version": version,
                                                         "lines": "1 2\n2×1"}, follow_redirects=False)
        assert r.status_code == 303, r.text[:2000]
        with world.ctx() as ctx:
            lines = cases.document(ctx, cases.get(ctx, no))["lines"]
        assert [(ln["line_no"], ln["qty"]) for ln in lines] == [(1, 2), (2, 1)]
