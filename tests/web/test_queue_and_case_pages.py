"""Issue 19 through HTTP: the queue's search and deadline sorting, the case page's one primary
next step with destructive actions confirmed, the consultation's one reply box and transfer
picker, the buyer's page (stepper, deadline in words, carrier list, what a modification changed,
nothing internal), and the type's own fields only."""

from __future__ import annotations

import re
from datetime import timedelta

from shouhou.cases import service as cases
from tests.returns.helpers import SIGNED
from tests.web.conftest import csrf_of, login_form

PW = "pw12345678"


def _shop(world) -> None:
    world.store(name="优选旗舰店", return_contact="刘师傅", return_phone="021-1", return_address="上海市嘉定区售后仓")
    for role in ("reviewer", "agent", "supervisor"):
        world.user(role, role, "S1", password=PW)
    world.user("buyer", "customer", "S1", customer="u1001", password=PW)


def _return(world, order_no: str, case_type: str = "return_refund", reason: str = "no_longer_wanted") -> str:
    world.order(order_no, signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
    with world.ctx(world.actor("buyer")) as ctx:
        body = {"type": case_type, "order_no": order_no, "reason": reason, "lines": [{"line_no": 1, "qty": 1}]}
        if case_type == "exchange":
            body["exchange_sku"] = "TSHIRT-L"
        return cases.create(ctx, body).no


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-no="([^"]+)"', html)


class TestQueue:
    def test_one_search_box_finds_a_case_by_tracking_number_order_number_or_phone(self, world, client):
        _shop(world)
        first, second = _return(world, "T1"), _return(world, "T2")
        world.move("reviewer", first, "approve")
        world.move("buyer", first, ("ship_return", {"carrier": "SF", "tracking_no": "SF7788"}))
        login_form(client, "reviewer")
        assert _rows(client.get("/console/cases?q=7788").text) == [first]
        assert _rows(client.get("/console/cases?q=T2").text) == [second]
        assert set(_rows(client.get("/console/cases?q=13800000000").text)) == {first, second}
        assert _rows(client.get("/console/cases?q=nothing-like-it").text) == []

    def test_the_deadline_column_sorts_the_closest_first(self, world, client, clock):
        _shop(world)
        older = _return(world, "T1")
        clock.advance(hours=5)
        newer = _return(world, "T2")
        login_form(client, "reviewer")
        html = client.get("/console/cases?status=pending_review&sort=deadline&dir=asc").text
        assert _rows(html) == [older, newer]  # auto-approval comes first for the older one
        assert "还剩" in html
        assert _rows(client.get("/console/cases?status=pending_review&sort=deadline&dir=desc").text) == [newer, older]


class TestCasePage:
    def test_the_next_step_is_one_primary_button_and_rejecting_asks_first(self, world, client):
        _shop(world)
        no = _return(world, "T1")
        login_form(client, "reviewer")
        html = client.get(f"/console/cases/{no}").text
        actions = html[html.index('id="actions"'):html.index('class="grid"')]
        assert len(re.findall(r'<button class="primary"', actions)) == 1
        assert re.search(r'data-action="approve"[^>]*>', actions)
        assert re.search(r'class="action a-reject danger" data-action="reject"\s+data-confirm=', actions)
        assert 'name="price_difference"' not in html  # an exchange's field, not a return's

    def test_after_an_action_a_message_says_what_happened_and_what_comes_next(self, world, client):
        _shop(world)
        no = _return(world, "T1")
        login_form(client, "reviewer")
        page = client.get(f"/console/cases/{no}").text
        after = client.post(f"/console/cases/{no}/act",
                            data={"_csrf": csrf_of(page), "_action": "approve", "_version": "1"})  # → the case page
        flash = re.search(r'<div class="flash ok"[^>]*>(.*?)</div>', after.text, re.S)
        assert flash and "「同意」已完成" in flash.group(1) and "审核通过，待买家退货" in flash.group(1)

    def test_a_consultation_has_one_reply_box_and_a_transfer_picker(self, world, client):
        _shop(world)
        no = world.consultation("agent", subject="冰箱噪音")
        world.move("agent", no, "assign")
        login_form(client, "agent")
        html = client.get(f"/console/cases/{no}").text
        assert html.count('name="_say"') == 1 and 'value="reply"' in html and 'value="note"' in html
        assert 'data-action="reply"' not in html and 'data-action="note"' not in html  # not three forms
        transfer = html[html.index('data-action="transfer"'):]
        transfer = transfer[:transfer.index("</form>")]
        assert '<select name="assignee"' in transfer and 'value="supervisor"' in transfer
        assert html.count('class="on"') == 1  # one navigation item highlighted


class TestBuyersPage:
    def test_it_shows_the_steps_the_deadline_in_words_and_a_carrier_list(self, world, client):
        _shop(world)
        no = _return(world, "T1")
        world.move("reviewer", no, "approve")
        login_form(client, "buyer")
        html = client.get(f"/portal/cases/{no}").text
        assert re.search(r'<li class="now"><span>3</span>退货</li>', html)
        assert "您需要在 2026-11-30 10:00 前寄回商品" in html
        ship = html[html.index('data-action="ship_return"'):]
        assert '<select name="carrier"' in ship[:ship.index("</form>")] and "顺丰速运" in ship
        assert html.index('data-action="ship_return"') < html.index("<h2>售后单</h2>")  # the next step on top
        assert re.search(r'data-action="cancel"\s+data-confirm=', html)  # cancelling asks first

    def test_a_modified_request_shows_what_changed(self, world, client):
        _shop(world)
        no = _return(world, "T1")
        world.move("reviewer", no, ("reject", {"reason": "请补充照片"}))
        world.move("buyer", no, ("modify", {"reason": "quality_issue", "description": "领口开线"}))
        login_form(client, "buyer")
        html = client.get(f"/portal/cases/{no}").text
        changes = re.search(r'<div class="changes">(.*?)</li>', html, re.S).group(1)
        assert "<del>不想要了/七天无理由</del> → <ins>质量问题</ins>" in changes

    def test_nothing_internal_reaches_the_buyer(self, world, client):
        _shop(world)
        no = _return(world, "T1")
        world.move("reviewer", no, ("note", {"note": "内部：买家退货多"}))
        login_form(client, "buyer")
        html = client.get(f"/portal/cases/{no}").text
        for internal in ("内部：买家退货多", "渠道", "会员等级", "版本", ">S1<", "installation_required", "sanbao",
                         "VIP"):
            assert internal not in html, internal

    def test_a_cancelled_request_reads_as_ended(self, world, client):
        _shop(world)
        no = _return(world, "T1")
        world.move("buyer", no, "cancel")
        login_form(client, "buyer")
        html = client.get(f"/portal/cases/{no}").text
        assert "已撤销" in html and 'class="amount"' not in html and "有进展会通知您" not in html


class TestPresetRejections:
    def test_a_stores_admin_edits_the_texts_the_reject_form_offers(self, world, client):
        _shop(world)
        world.user("boss", "admin", "S1", password=PW)
        no = _return(world, "T1")
        login_form(client, "reviewer")
        assert "超出售后期限" in client.get(f"/console/cases/{no}").text  # the defaults
        client.cookies.clear()
        login_form(client, "boss")
        page = client.get("/console/reasons?store=S1").text
        client.post("/console/reasons/rejections", data={"_csrf": csrf_of(page), "store": "S1",
                                                          "texts": "吊牌已剪\n\n包装缺失\n"})
        client.cookies.clear()
        login_form(client, "reviewer")
        reject = client.get(f"/console/cases/{no}").text
        reject = reject[reject.index('data-action="reject"'):]
        reject = reject[:reject.index("</form>")]
        assert re.findall(r"<option>([^<]+)</option>", reject) == ["吊牌已剪", "包装缺失"]
