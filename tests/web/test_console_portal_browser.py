"""Issue 19 in a real browser (headless Chromium): the queue's status tabs and counts, batch
approval's confirmation total, a photo upload shown as a thumbnail, the buyer–merchant thread,
the portal's reasons following the type, the portal at a phone's width, and each side sent to
its own pages (a browser's 404 an HTML page, the API's JSON)."""

from __future__ import annotations

import struct
import zlib
from datetime import datetime, timedelta

import pytest

from shouhou.cases import service as cases
from tests.web.test_browser import PW, sign_in

pytestmark = pytest.mark.browser
SIGNED = datetime.fromisoformat("2026-11-20T15:00:00+08:00")
NOT_SHIPPED_REASONS = ("不想要了", "拍错/多拍", "协商一致退款", "缺货", "未按约定时间发货")


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes((200, 40, 40)) * 8 for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _shop(world) -> None:
    world.store(name="优选旗舰店", return_contact="刘师傅", return_phone="021-1", return_address="上海市嘉定区售后仓")
    for role in ("reviewer", "agent", "finance", "warehouse"):
        world.user(role, role, "S1", password=PW)
    world.user("buyer", "customer", "S1", customer="u1001", password=PW)


def _returns(world, *amounts: str) -> list[str]:
    """One pending return per amount (one item at that price each)."""
    out = []
    for i, price in enumerate(amounts, 1):
        world.order(f"T{i}", lines=[{"line_no": 1, "sku": f"SKU-{i}", "name": f"商品{i}", "category": "服装",
                                     "qty": 1, "unit_price": price}],
                    signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
        with world.ctx(world.actor("buyer")) as ctx:
            out.append(cases.create(ctx, {"type": "return_refund", "order_no": f"T{i}", "reason": "no_longer_wanted",
                                          "lines": [{"line_no": 1, "qty": 1}]}).no)
    return out


def _tab(page, status: str) -> str:
    return page.locator(f"nav.tabs a[data-status='{status}'] .count").inner_text()


class TestQueue:
    def test_the_status_tabs_count_again_after_an_approval(self, world, live_server, page):
        _shop(world)
        first, _ = _returns(world, "99.00", "50.00")
        sign_in(page, live_server, "reviewer")
        page.goto(live_server + "/console/cases")
        assert (_tab(page, ""), _tab(page, "pending_review")) == ("2", "2")
        page.click(f"a[href='/console/cases/{first}']")
        with page.expect_navigation():
            page.click("#actions form[data-action=approve] button.primary")
        assert "审核通过，待买家退货" in page.locator(".flash.ok").inner_text()
        page.goto(live_server + "/console/cases")
        assert (_tab(page, "pending_review"), _tab(page, "awaiting_return")) == ("1", "1")
        page.click("nav.tabs a[data-status='awaiting_return']")
        rows = page.locator("table.list tbody tr")
        assert rows.count() == 1 and first in rows.first.inner_text()

    def test_batch_approval_confirms_the_count_and_the_total_first(self, world, live_server, page):
        _shop(world)
        nos = _returns(world, "99.00", "50.50", "10.00")
        sign_in(page, live_server, "reviewer")
        page.goto(live_server + "/console/cases?status=pending_review")
        for no in nos[:2]:
            page.check(f"input[name=case][value^='{no}:']")
        assert page.locator("[data-picked]").inner_text() == "已选 2 个 · 合计 ¥149.50"
        with page.expect_navigation():
            page.click("button[name=op][value=approve]")
        assert "2" in page.locator("h1").inner_text() and page.locator("[data-total]").inner_text() == "¥149.50"
        for no in nos:
            assert cases_status(world, no) == "pending_review"  # nothing done before the confirmation
        with page.expect_navigation():
            page.click("button[data-confirmed]")
        assert "已同意 2 个申请，合计 ¥149.50。" in page.locator(".flash").inner_text()
        assert [cases_status(world, no) for no in nos] == ["awaiting_return", "awaiting_return", "pending_review"]


def cases_status(world, no: str) -> str:
    return world.case(no).status


class TestEvidenceAndThread:
    def test_a_photo_uploaded_with_an_application_shows_as_a_thumbnail(self, world, live_server, page):
        _shop(world)
        world.order("T9", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
        sign_in(page, live_server, "buyer")
        page.goto(live_server + "/portal/orders/T9")
        page.check("input[name=type][value=return_refund]")
        page.select_option("select[name=reason]", "quality_issue")
        page.set_input_files("form.apply input[name=photos]",
                             files=[{"name": "crack.png", "mimeType": "image/png", "buffer": _png()}])
        with page.expect_navigation():
            page.click("form.apply button.primary")
        thumb = page.locator("a.thumb img").first
        thumb.wait_for()
        # Loaded lazily, after the page: wait for the image itself, then check it is the 8-pixel PNG sent.
        page.wait_for_function("img => img.complete", arg=thumb.element_handle())
        assert page.evaluate("img => img.naturalWidth", thumb.element_handle()) == 8
        no = page.locator("h1 .no").inner_text()
        page.context.clear_cookies()
        sign_in(page, live_server, "reviewer")
        page.goto(f"{live_server}/console/cases/{no}")
        assert page.locator("a.thumb img").count() >= 1

    def test_the_thread_shows_each_sides_messages_to_both_and_notes_to_staff_only(self, world, live_server, page):
        _shop(world)
        (no,) = _returns(world, "99.00")
        sign_in(page, live_server, "buyer")
        page.goto(f"{live_server}/portal/cases/{no}")
        page.fill("form.say textarea[name=_say]", "请问什么时候审核？")
        with page.expect_navigation():
            page.click("form.say button.primary")

        page.context.clear_cookies()
        sign_in(page, live_server, "reviewer")
        page.goto(f"{live_server}/console/cases/{no}")
        assert "请问什么时候审核？" in page.locator("#thread").inner_text()
        page.fill("form.say textarea[name=_say]", "今天内处理，请稍候")
        with page.expect_navigation():
            page.click("form.say button.primary")
        page.fill("form.say textarea[name=_say]", "买家历史退货较多，注意核实")
        page.check("form.say input[name=_action][value=note]")
        with page.expect_navigation():
            page.click("form.say button.primary")
        thread = page.locator("#thread").inner_text()
        assert all(t in thread for t in ("请问什么时候审核？", "今天内处理，请稍候", "买家历史退货较多，注意核实"))

        page.context.clear_cookies()
        sign_in(page, live_server, "buyer")
        page.goto(f"{live_server}/portal/cases/{no}")
        body = page.content()
        assert "请问什么时候审核？" in body and "今天内处理，请稍候" in body
        assert "买家历史退货较多" not in body


class TestPortal:
    def test_the_reasons_follow_the_type_and_an_unshipped_order_offers_taobaos_list(self, world, live_server, page):
        _shop(world)
        world.order("T1", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
        world.order("T2")  # paid, not shipped
        sign_in(page, live_server, "buyer")

        def offered() -> list[str]:
            return [t.strip() for t in page.locator("select[name=reason] option:not([disabled])").all_inner_texts()
                    if t.strip() and "请选择" not in t]

        page.goto(live_server + "/portal/orders/T1")
        page.check("input[name=type][value=refund_only]")
        refund_only = offered()
        page.check("input[name=type][value=exchange]")
        exchange = offered()
        assert "未收到货" in refund_only and "未收到货" not in exchange
        assert "尺码不合适" in exchange and "尺码不合适" not in refund_only

        page.goto(live_server + "/portal/orders/T2")
        assert page.locator("input[name=type]").count() == 1  # nothing to send back yet: 仅退款 only
        reasons = offered()
        for wanted in NOT_SHIPPED_REASONS:
            assert any(r.startswith(wanted) for r in reasons), (wanted, reasons)
        assert "质量问题" not in reasons

    def test_every_portal_page_fits_a_phone_390_pixels_wide(self, world, live_server, chromium):
        _shop(world)
        (no,) = _returns(world, "99.00")
        world.order("T8", lines=[{"line_no": 1, "sku": "LONG-SKU-WITH-A-VERY-LONG-NAME-0001",
                                  "name": "超长名称的商品" * 6, "category": "服装", "qty": 3, "unit_price": "1299.00"}],
                    signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
        context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                       has_touch=True, device_scale_factor=2)
        page = context.new_page()
        try:
            sign_in(page, live_server, "buyer")
            page.wait_for_url("**/portal")
            for path in ("/portal", "/portal/orders/T1", "/portal/orders/T8", f"/portal/cases/{no}",
                         "/portal/consult", "/portal/repairs"):
                page.goto(live_server + path)
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, f"{path} is {width}px wide"
        finally:
            context.close()


class TestEachSide:
    def test_a_buyer_on_the_console_and_staff_on_the_portal_go_to_their_own_side(self, world, live_server, page):
        _shop(world)
        (no,) = _returns(world, "99.00")
        sign_in(page, live_server, "buyer")
        page.wait_for_url("**/portal")
        page.goto(live_server + "/console")
        assert page.url.endswith("/portal")
        page.goto(f"{live_server}/console/cases/{no}")
        assert page.url.endswith(f"/portal/cases/{no}")

        page.context.clear_cookies()
        sign_in(page, live_server, "reviewer")
        page.goto(live_server + "/portal")
        assert "/console" in page.url

    def test_a_browsers_404_is_a_page_and_the_apis_is_json(self, world, live_server, page):
        _shop(world)
        sign_in(page, live_server, "reviewer")
        response = page.goto(live_server + "/console/cases/NOPE-1")
        assert response.status == 404
        assert page.locator("header.top").count() == 1 and "页面不存在" in page.locator("h1").inner_text()
        response = page.goto(live_server + "/console/no-such-page")
        assert response.status == 404 and page.locator("header.top").count() == 1
        api = page.request.get(live_server + "/api/v1/cases/NOPE-1")
        assert api.status in (401, 404) and api.headers["content-type"].startswith("application/")


class TestAdminPagesFit:
    @pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
    def test_the_reasons_table_fits_a_1366_pixel_screen(self, world, live_server, chromium, locale):
        _shop(world)
        world.user("admin", "admin", None, password=PW)
        context = chromium.new_context(locale=locale, viewport={"width": 1366, "height": 900})
        page = context.new_page()
        try:
            sign_in(page, live_server, "admin")
            page.wait_for_url("**/console**")
            page.goto(live_server + "/console/reasons")
            assert page.locator("table.reasons tbody tr").count() > 5
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 1366, f"/console/reasons is {width}px wide in {locale}"
            delete = page.locator("table.reasons button[value=delete]").first.bounding_box()
            assert delete["x"] + delete["width"] <= 1366  # the row's last button on screen
        finally:
            context.close()
