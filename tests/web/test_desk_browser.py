"""The service desk in real headless Chromium: an agent opens the inbox, picks the case due soonest,
inserts a canned reply with a variable filled in, sends it, and the first response shows `met`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.builders import auth
from tests.web.test_browser import PW, sign_in

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("SHOUHOU_SCREENSHOTS", "test-results"))


class TestAgentsDay:
    def test_the_agent_answers_the_case_due_soonest_with_a_canned_reply(self, world, client, clock, live_server,
                                                                          page):
        world.store()
        world.user("agent", "agent", "S1", password=PW)
        admin = world.user("admin1", "admin", None)
        world.order("T20261101001", customer="u1001")
        made = client.post("/api/v1/canned-replies", json={
            "title": "受理确认", "folder": "开场", "store": "S1",
            "body": "{{customer_name}}您好, 您的售后单 {{case_no}} 已受理, 我们会尽快处理。"}, headers=auth(admin))
        assert made.status_code == 201, made.text
        later = world.consultation("agent", subject="遥控器失灵")
        clock.advance(hours=-2)  # opened two hours earlier: due soonest
        soonest = world.consultation("agent", subject="洗衣机漏水", order_no="T20261101001")
        clock.advance(hours=2, minutes=10)
        world.move("agent", later, "assign")
        world.move("agent", soonest, "assign")

        sign_in(page, live_server, "agent")
        page.goto(live_server + "/console/desk")
        mine = page.locator("section[data-view=mine] table.inbox tbody tr")
        assert mine.count() == 2 and soonest in mine.first.inner_text()
        with page.expect_navigation():
            mine.first.locator("a.caseno").click()
        page.wait_for_url(f"**/console/desk/cases/{soonest}")
        page.select_option("select[name=reply]", label="受理确认")
        with page.expect_navigation():
            page.click("form.canned button.insert")
        draft = page.locator("#reply-form textarea[name=message]").input_value()
        assert soonest in draft and "{{" not in draft
        with page.expect_navigation():
            page.click("#reply-form button[value=reply]")
        first = page.locator("tr.sla-first_response .sla")
        assert first.get_attribute("data-status") == "met" and first.inner_text() == "已达成"
        assert "您的售后单" in page.locator("ol.messages").inner_text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "desk-workspace.png"), full_page=True)
        page.goto(live_server + "/console/desk")
        answered = page.locator(f"section[data-view=mine] tr:has(a:text('{soonest}')) td.due").inner_text()
        assert "解决" in answered and "首次响应" not in answered  # what is due next on it now
        assert later in page.locator("section[data-view=mine] table.inbox tbody tr").first.inner_text()
        page.screenshot(path=str(SHOTS / "desk-inbox.png"), full_page=True)
