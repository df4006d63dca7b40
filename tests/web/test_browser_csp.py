"""In Chromium: a `javascript:` evidence link is refused on input and never rendered as a link,
and the console, the portal and the API docs work under their Content-Security-Policy."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shouhou.cases import service as cases
from shouhou.models import Case, ReturnDetail
from tests.returns.helpers import SIGNED
from tests.web.test_browser import PW, sign_in

pytestmark = pytest.mark.browser
EVIL = "javascript:document.title='pwned'"


def watch(page) -> list[str]:
    """What the browser reports: console errors and warnings (CSP violations among them), page errors."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: seen.append(f"pageerror: {e}"))
    return seen


def parcel_on_its_way(world) -> str:
    world.store(return_contact="刘师傅", return_phone="021-1", return_address="上海市嘉定区售后仓")
    world.store("S2", "别的店铺")
    for name, role, store in (("keeper", "warehouse", "S1"), ("reviewer", "reviewer", "S1"), ("boss", "admin", None)):
        world.user(name, role, store, password=PW)
    world.user("buyer", "customer", "S1", customer="u1001", password=PW)
    world.order("T1", signed_at=SIGNED, shipped_at=SIGNED)
    with world.ctx(world.actor("buyer")) as ctx:
        no = cases.create(ctx, {"type": "return_refund", "order_no": "T1", "lines": [{"line_no": 1, "qty": 1}],
                                "reason": "quality_issue"}).no
    world.move("reviewer", no, "approve")
    world.move("buyer", no, ("ship_return", {"carrier": "SF", "tracking_no": "SF1"}))
    return no


class TestScriptLinks:
    def test_it_refuses_a_script_link_on_input_and_never_renders_a_stored_one(self, world, live_server, page):
        no = parcel_on_its_way(world)
        seen = watch(page)
        # when the warehouse inspects the parcel, evidence is a photo to upload: no box to type a link in
        sign_in(page, live_server, "keeper")
        page.wait_for_url("**/console/warehouse")  # the warehouse starts on the parcels expected in
        page.goto(f"{live_server}/console/cases/{no}")
        receive = page.locator("form[data-action=receive]")
        assert receive.locator("input[type=file][name=photos]").count() == 1
        assert receive.locator("textarea[name=photos], input[type=text][name=photos]").count() == 0
        # given such a link stored before links were checked
        with world.db.session() as s:
            detail = s.scalars(select(ReturnDetail).join(Case, Case.id == ReturnDetail.case_id)
                               .where(Case.no == no)).one()
            detail.photos = [EVIL]
        # then neither an admin in the console nor the buyer in the portal gets a link to click
        for user, path in (("boss", f"/console/cases/{no}"), ("buyer", f"/portal/cases/{no}")):
            page.context.clear_cookies()
            sign_in(page, live_server, user)
            page.wait_for_load_state()
            page.goto(live_server + path)
            assert page.locator("a[href^='javascript' i]").count() == 0
            blocked = page.locator(".blocked-link")
            assert blocked.count() == 1
            blocked.click()
            assert page.title() != "pwned"
        assert [s for s in seen if "Content Security Policy" in s or "pageerror" in s] == []


class TestUnderTheContentSecurityPolicy:
    def test_the_console_and_the_portal_work_with_no_violation(self, world, live_server, page):
        no = parcel_on_its_way(world)
        seen = watch(page)
        sign_in(page, live_server, "boss")
        page.wait_for_url("**/console/cases")
        # the column picker's script runs: moving a column keeps the hidden order field in step
        order = page.locator("#column-form input[name=order]")
        before = order.input_value()
        page.click("details.columns summary")
        page.locator("#column-form ol.colpicker li").nth(1).locator(".up").click()
        assert order.input_value() != before
        # the store picker submits itself on change (a data attribute, no inline handler)
        page.goto(f"{live_server}/console/reasons")
        with page.expect_navigation():
            page.select_option("select[data-autosubmit]", "S2")
        assert page.url.endswith("store=S2")
        page.goto(f"{live_server}/console/cases/{no}/print")
        assert page.locator("button[data-print]").count() == 1
        page.goto(f"{live_server}/console/cases/AS404")
        assert page.locator("a[data-back]").count() == 1
        page.context.clear_cookies()
        sign_in(page, live_server, "buyer")
        page.wait_for_url("**/portal")
        page.goto(f"{live_server}/portal/cases/{no}")
        assert page.locator("h1 .no").inner_text() == no
        assert [s for s in seen if "Content Security Policy" in s or "pageerror" in s] == []

    def test_the_api_docs_render_under_their_own_policy(self, world, live_server, page):
        seen = watch(page)
        page.goto(f"{live_server}/api/docs")
        page.wait_for_selector(".swagger-ui .info .title")
        assert "shouhou" in page.locator(".swagger-ui .info .title").inner_text()
        assert page.locator(".opblock").count() > 10
        page.locator(".opblock .opblock-summary").first.click()  # an operation opens, with its schemas
        page.wait_for_selector(".opblock.is-open .opblock-body")
        assert [s for s in seen if "Content Security Policy" in s or "pageerror" in s] == []
