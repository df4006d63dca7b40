"""The service department in headless Chromium: dispatch from the board, the technician's phone view
(check in, take the unit in with the customer's signature), QC, the customer signing on the canvas at
the counter, the printed receipt's QR code — and an on-site report filled in without a connection."""

from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from shouhou.cases import service as cases
from shouhou.repairs import dispatch
from shouhou.units import service as units
from shouhou.units.schemas import UnitIn
from tests.repairs.helpers import CONTACT, WEEKDAYS
from tests.web.test_browser_csp import watch

pytestmark = pytest.mark.browser
PW = "pw12345678"
PHONE = {"width": 390, "height": 844}


def sign_in(page, base: str, user: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PW)
    with page.expect_navigation():
        page.click("button.primary")


def draw(page, pad) -> None:
    """A signature: a few strokes across the canvas."""
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 20, y + box["height"] * 0.6)
    page.mouse.down()
    for i in range(12):
        page.mouse.move(x + 20 + i * box["width"] / 14, y + box["height"] * (0.3 + 0.4 * (i % 2)), steps=3)
    page.mouse.up()


def given(world) -> str:
    world.store()
    for name, role, customer in (("sup", "supervisor", None), ("tom", "technician", None), ("ann", "agent", None),
                                 ("wang", "customer", "u1001")):
        world.user(name, role, "S1", customer=customer, password=PW)
    with world.ctx() as ctx:
        dispatch.put_profile(ctx, "tom", "S1", {"skills": ["appliance"], "areas": ["浦东新区"], "hours": WEEKDAYS})
        units.create(ctx, UnitIn(store="S1", serial="WM-1", model="WM-10KG", category="appliance", customer="u1001",
                                 tags=["sanbao"], warranty_months=12,
                                 delivered_at=datetime.fromisoformat("2026-11-20T15:00:00+08:00")))
    with world.ctx(world.actor("ann")) as ctx:
        return cases.create(ctx, {"type": "repair", "serial": "WM-1", "contact": CONTACT, "fault": "不排水",
                                  "fault_code": "drain", "mode": "onsite",
                                  "preferred_time": {"start": "2026-11-25T09:00:00+08:00",
                                                     "end": "2026-11-25T11:00:00+08:00"}}).no


class TestRepairInTheBrowser:
    def test_from_the_board_to_the_signed_return_and_the_printed_receipt(self, world, live_server, page):
        no = given(world)
        # a supervisor dispatches from the board
        seen = watch(page)
        sign_in(page, live_server, "sup")
        page.goto(f"{live_server}/console/repairs/board?day=2026-11-25")
        job = page.locator(f'.job[data-no="{no}"]')
        job.locator("select[name=technician]").select_option("tom")
        with page.expect_navigation():
            job.locator("button.primary").click()
        appt = page.locator(f'.lane[data-technician="tom"] a.appt[href="/console/cases/{no}"]')
        assert appt.count() == 1
        # on the day's 07:00–21:00 line, 09:00–11:00 starts a seventh of the way in and is as wide
        track, box = page.locator('.lane[data-technician="tom"] .track').bounding_box(), appt.bounding_box()
        assert abs((box["x"] - track["x"]) / track["width"] - 120 / 840) < 0.01
        assert abs(box["width"] / track["width"] - 120 / 840) < 0.01
        ticks = [t.bounding_box()["x"] for t in page.locator(".lanes .ticks span").all()]
        assert len(ticks) == 15 and ticks == sorted(ticks) and ticks[-1] - ticks[0] > 0.9 * track["width"]
        assert [s for s in seen if "Content Security Policy" in s or "pageerror" in s] == []

        # the technician, on a phone, checks in and takes the unit back; the customer signs the voucher
        page.set_viewport_size(PHONE)
        sign_in(page, live_server, "tom")
        page.goto(f"{live_server}/console/tech?day=2026-11-25")
        with page.expect_navigation():
            page.click(f'a[href="/console/tech/jobs/{no}"]')
        with page.expect_navigation():
            page.click("form[data-action=check_in] button.primary")
        take_in = page.locator("form[data-action=take_in]")
        take_in.locator("input[name=condition]").fill("外观完好")
        draw(page, take_in.locator(".sigpad canvas"))
        with page.expect_navigation():
            take_in.locator("button.primary").click()
        assert "已收件" in page.locator("h1 .status").inner_text()

        # the repair is done; a supervisor passes QC from the workshop
        with world.ctx(world.actor("tom")) as ctx:
            cases.transition(ctx, no, "start_repair", cases.get(ctx, no).version, {})
            cases.transition(ctx, no, "finish_repair", cases.get(ctx, no).version,
                             {"result": "fixed", "diagnosis": "排水泵堵塞", "labour_minutes": 40})
        page.set_viewport_size({"width": 1400, "height": 900})
        sign_in(page, live_server, "sup")
        page.goto(f"{live_server}/console/workshop")
        with page.expect_navigation():
            page.locator("form[data-action=pass_qc] button.primary").click()
        assert page.locator("section.qc .job").count() == 0

        # at the counter the customer signs on the canvas and takes it home; the receipt is voided
        sign_in(page, live_server, "ann")
        page.goto(f"{live_server}/console/cases/{no}")
        form = page.locator("form[data-action=return_unit]")
        form.locator("select[name=method]").select_option("in_person")
        draw(page, form.locator(".sigpad canvas"))
        with page.expect_navigation():
            form.locator("button.primary").click()
        assert page.locator("h1 .status").inner_text() == "已交还客户", page.locator("p.error").all_inner_texts()
        assert page.locator("section.signatures img").count() == 2
        assert page.locator("section.signatures img").nth(1).evaluate("img => img.naturalWidth") == 480

        # the printed receipt carries the case number as a QR code, and says it was voided
        page.goto(f"{live_server}/console/repairs/{no}/print/receipt")
        qr = page.locator(f'span.qr[data-qr="{no}"] svg')
        assert qr.count() == 1 and qr.bounding_box()["width"] > 40
        assert "已作废" in page.locator("p.voided").inner_text()
        assert f"SJ{no}" in page.content()

    def test_a_report_filled_in_without_signal_is_sent_when_the_connection_returns(self, world, live_server, page):
        no = given(world)
        with world.ctx(world.actor("sup")) as ctx:
            cases.transition(ctx, no, "dispatch", 1, {"technician": "tom", "window": {
                "start": "2026-11-25T09:00:00+08:00", "end": "2026-11-25T11:00:00+08:00"}})
        with world.ctx(world.actor("tom")) as ctx:
            cases.transition(ctx, no, "check_in", 2, {})
        page.set_viewport_size(PHONE)
        sign_in(page, live_server, "tom")
        page.goto(f"{live_server}/console/tech/jobs/{no}")
        form = page.locator("form.offline-report")
        form.locator("textarea[name=diagnosis]").fill("排水管堵塞")
        form.locator("input[name=labour_minutes]").fill("35")
        draw(page, form.locator(".sigpad canvas"))
        # in the basement: no connection
        page.context.set_offline(True)
        form.locator("button.primary").click()
        # (a locator, not wait_for_function: its polling evaluates a string, which the CSP forbids)
        expect(page.locator(".report-status")).to_contain_text("已保存在本机")
        assert page.evaluate("window.shouhouReports.queue().length") == 1
        with world.ctx() as ctx:
            assert cases.get(ctx, no).status == "on_site"
        # back upstairs: the report goes out by itself and the page shows the completed job
        page.context.set_offline(False)
        with page.expect_navigation():
            page.evaluate("window.dispatchEvent(new Event('online'))")
        assert "已完成" in page.locator("h1 .status").inner_text()
        assert page.evaluate("window.shouhouReports.queue().length") == 0
        with world.ctx() as ctx:
            case = cases.get(ctx, no)
            assert case.status == "completed" and case.version == 4


class TestPortalRepairsOnAPhone:
    @pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
    def test_my_repair_requests_fit_390_pixels(self, world, live_server, chromium, locale):
        no = given(world)
        with world.ctx(world.actor("sup")) as ctx:
            cases.transition(ctx, no, "dispatch", 1, {"technician": "tom", "window": {
                "start": "2026-11-25T09:00:00+08:00", "end": "2026-11-25T11:00:00+08:00"}})
        context = chromium.new_context(locale=locale, viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        try:
            sign_in(page, live_server, "wang")
            page.goto(live_server + "/portal/repairs")
            assert page.locator(f'a[href="/portal/cases/{no}"]').count() == 1
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"/portal/repairs is {width}px wide in {locale}"
        finally:
            context.close()
