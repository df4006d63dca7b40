"""Real headless Chromium (Debian's), driven by Playwright, against a live server on the test database."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from shouhou.cases import service as cases

pytestmark = pytest.mark.browser
SIGNED = datetime.fromisoformat("2026-11-20T15:00:00+08:00")
PW = "pw12345678"


def sign_in(page, base: str, user: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PW)
    page.click("button.primary")


class TestAgentInTheBrowser:
    def test_it_signs_in_filters_opens_a_case_and_assigns_it(self, world, live_server, page):
        world.store()
        world.user("agent", "agent", "S1", password=PW)
        with world.ctx(world.actor("agent")) as ctx:
            wanted = cases.create(ctx, {"type": "consultation", "store": "S1", "subject": "冰箱噪音"}).no
            other = cases.create(ctx, {"type": "consultation", "store": "S1", "subject": "遥控器"}).no
            cases.transition(ctx, other, "assign", 1, {})
        sign_in(page, live_server, "agent")
        page.wait_for_url("**/console/cases?type=consultation")  # an agent starts on the consultations
        with page.expect_navigation():
            page.click("nav.tabs a[data-status=new]")
        rows = page.locator("table.list tbody tr")
        assert rows.count() == 1 and wanted in rows.first.inner_text()
        page.click(f"text={wanted}")
        page.wait_for_url(f"**/console/cases/{wanted}")
        with page.expect_navigation():
            page.click("form[data-action=assign] button.primary")
        assert page.locator("h1 .status").inner_text() == "处理中"
        assert "受理" in page.locator("ol.timeline").inner_text()
        with world.ctx() as ctx:
            case = cases.get(ctx, wanted)
            assert (case.status, case.version) == ("open", 2)


class TestReturnInTheBrowser:
    def test_it_lets_a_buyer_apply_and_a_reviewer_approve(self, world, live_server, page):
        world.store(return_contact="刘师傅", return_phone="021-1", return_address="上海市嘉定区售后仓")
        world.user("reviewer", "reviewer", "S1", password=PW)
        world.user("buyer", "customer", "S1", customer="u1001", password=PW)
        world.order("T77", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
        sign_in(page, live_server, "buyer")
        page.wait_for_url("**/portal")
        page.click("a[href='/portal/orders/T77']")
        page.check("input[name=type][value=return_refund]")
        page.fill("input[name=qty_1]", "1")
        page.select_option("select[name=reason]", "size_fit")
        page.fill("textarea[name=description]", "偏小一码")
        with page.expect_navigation():
            page.click("form.apply button.primary")
        no = page.locator("h1 .no").inner_text()
        assert page.locator("h1 .status").inner_text() == "待审核"
        assert "¥99.00" in page.locator("dd.amount").inner_text()

        page.context.clear_cookies()
        sign_in(page, live_server, "reviewer")
        page.goto(f"{live_server}/console/cases/{no}")
        approve = page.locator("form[data-action=approve]")
        approve.locator("input[name=refund_amount]").fill("90.00")
        approve.locator("textarea[name=adjustment_reason]").fill("吊牌已拆，扣 9 元")
        with page.expect_navigation():
            approve.locator("button.primary").click()
        assert page.locator("h1 .status").inner_text() == "审核通过，待买家退货"
        assert "上海市嘉定区售后仓" in page.content()

        page.context.clear_cookies()
        sign_in(page, live_server, "buyer")
        page.goto(f"{live_server}/portal/cases/{no}")
        body = page.content()
        assert "¥90.00" in body and "吊牌已拆，扣 9 元" in body and 'data-action="ship_return"' in body


class TestTheMenu:
    def test_a_long_menu_wraps_inside_the_window_and_hides_nothing(self, world, live_server, page):
        """A supervisor's menu in English is wider than a 1400 px window: it wraps, every entry in sight."""
        world.store()
        world.user("sup", "supervisor", "S1", password=PW)
        page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
        sign_in(page, live_server, "sup")
        page.wait_for_load_state()
        links = page.locator("header.top nav.main a")
        assert links.count() >= 14
        who = page.locator("header.top .who").bounding_box()
        rows = set()
        for box in (links.nth(i).bounding_box() for i in range(links.count())):
            assert box["x"] >= 0 and box["x"] + box["width"] <= who["x"]  # left of the user's name, never under it
            rows.add(round(box["y"]))
        assert len(rows) == 2  # wrapped onto a second line
