"""Logistics pages: the console's list, registration form, case page and damage register (with its
CSV); the portal's form and case page (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

from shouhou.accounts import service as accounts
from tests.builders import auth
from tests.logistics.helpers import REPORT, on_its_way, queried, register
from tests.returns.helpers import act, get, setup
from tests.web.conftest import csrf_of, login_form

PW = "pw12345678"


def people(world) -> dict[str, str]:
    """setup()'s store, staff and buyer, with passwords for the agent, the technician and the buyer."""
    t = setup(world)
    with world.ctx() as ctx:
        for name in ("agent-S1", "technician-S1", "buyer"):
            accounts.set_password(ctx, name, PW)
    return t


def as_user(client, name: str) -> None:
    client.cookies.clear()
    assert login_form(client, name, PW).status_code == 303


def post_form(client, path: str, files=None, **fields: str):
    """Post a form the way the browser does: with the CSRF token of the page that shows it."""
    token = csrf_of(client.get(path).text)
    return client.post(path, data={"_csrf": token, **fields}, files=files, follow_redirects=False)


def reported(client, t, order_no: str = "T2") -> str:
    no = register(client, t["agent"], order_no=order_no)["no"]
    queried(client, t["agent"], no, agent_id="851")
    act(client, t["warehouse"], no, "report_loss", **REPORT)
    return no


class TestConsole:
    def test_the_list_shows_open_parcel_problems_in_words(self, world, client):
        t = people(world)
        on_its_way(world, "T2")
        no = reported(client, t)
        as_user(client, "agent-S1")
        assert 'href="/console/logistics"' in client.get("/console").text
        page = client.get("/console/logistics")
        assert page.status_code == 200
        row = re.search(rf'<tr><td><a href="/console/cases/{no}">.*?</tr>', page.text, re.DOTALL).group(0)
        assert "顺丰速运" in row and "SFT2" in row and "物流不更新" in row and "丢失" in row
        assert "not_moving" not in row  # codes in words
        assert 'href="/console/logistics/new"' in page.text

    def test_an_agent_registers_one_and_lands_on_its_case_page(self, world, client):
        t = people(world)
        on_its_way(world, "T2")
        as_user(client, "agent-S1")
        r = post_form(client, "/console/logistics/new", order_no="T2", problem="delayed", channel="hotline",
                      priority="high", description="买家说五天还没到")
        assert r.status_code == 303, r.text
        no = r.headers["location"].removeprefix("/console/cases/")
        case = get(client, t["agent"], no)
        assert (case["carrier"], case["tracking_no"], case["problem"], case["channel"], case["priority"]) == (
            "SF", "SFT2", "delayed", "hotline", "high")
        page = client.get(r.headers["location"]).text
        section = re.search(r'<section class="card logistics">.*?</section>', page, re.DOTALL).group(0)
        assert "顺丰速运" in section and "SFT2" in section and "派送延误" in section and "agent-S1" in section
        # the report's form asks for the evidence as uploads
        assert re.search(r'name="damage_photos" type="file"', page) and re.search(r'name="waybill_copy" type="file"', page)
        assert "快递底单" in page and "寄件人身份证" in page

    def test_a_refused_registration_shows_the_form_again_with_what_was_typed(self, world, client):
        t = people(world)
        world.order("T4")  # not shipped: which parcel?
        as_user(client, "agent-S1")
        r = post_form(client, "/console/logistics/new", order_no="T4", problem="lost", skus="TSHIRT-M",
                      description="包裹丢了")
        assert r.status_code == 422 and 'action="/console/logistics/new"' in r.text
        assert "请填写运单号" in r.text
        assert 'value="T4"' in r.text and "包裹丢了</textarea>" in r.text and '<option value="lost" selected>' in r.text
        assert client.get("/api/v1/cases?type=logistics", headers=auth(t["agent"])).json()["items"] == []

    def test_the_case_page_shows_the_queries_and_the_report(self, world, client):
        t = people(world)
        on_its_way(world, "T2")
        no = reported(client, t)
        as_user(client, "agent-S1")
        section = re.search(r'<section class="card logistics">.*?</section>',
                            client.get(f"/console/cases/{no}").text, re.DOTALL).group(0)
        assert re.search(r"<td>851</td><td[^>]*>网点称包裹在转运中心滞留", section), section
        assert "派件地区" in section and "上海市浦东新区" in section and "¥198.00" in section
        assert "sender-id.jpg" in section and "待快递答复" in section

    def test_the_damage_register_and_its_csv(self, world, client):
        t = people(world)
        on_its_way(world, "T2")
        no = reported(client, t)
        as_user(client, "agent-S1")
        assert 'href="/console/logistics/register"' in client.get("/console/logistics").text
        page = client.get("/console/logistics/register", params={"month": "2026-11"})
        assert page.status_code == 200
        row = re.search(rf"<tr><td>2026-11-23</td><td><a href=\"/console/cases/{no}\">.*?</tr>", page.text,
                        re.DOTALL).group(0)
        assert all(s in row for s in ("顺丰速运", "SFT2", "丢失", "851", "¥198.00", "TSHIRT-M", "warehouse-S1",
                                      "待快递答复"))
        assert "2026-11" in client.get("/console/logistics/register").text  # this month (the clock's) by default
        assert no not in client.get("/console/logistics/register", params={"month": "2026-10"}).text
        csv = client.get("/console/logistics/register/export.csv", params={"month": "2026-11"})
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        lines = csv.content.decode("utf-8-sig").splitlines()
        assert lines[0].split(",")[:5] == ["报案日期", "售后单号", "快递公司", "运单号", "包裹情况"]
        assert lines[1].split(",") == ["2026-11-23", no, "顺丰速运", "SFT2", "丢失", "851", "198.00", "TSHIRT-M",
                                       "warehouse-S1", "待快递答复", ""]

    def test_a_technician_gets_no_register(self, world, client):
        t = people(world)
        on_its_way(world, "T2")
        reported(client, t)
        as_user(client, "technician-S1")
        assert 'href="/console/logistics/register"' not in client.get("/console").text  # no menu entry of its own
        page = client.get("/console/logistics/register", params={"month": "2026-11"})
        assert page.status_code == 403 and "SFT2" not in page.text
        assert client.get("/console/logistics/register/export.csv", params={"month": "2026-11"}).status_code == 403


class TestPortal:
    def test_the_buyer_picks_the_parcel_of_the_order_and_sends_photos(self, world, client):
        t = people(world)
        on_its_way(world, "T2")
        as_user(client, "buyer")
        assert "/portal/logistics/new?order_no=T2" in client.get("/portal/orders/T2").text
        form = client.get("/portal/logistics/new", params={"order_no": "T2"})
        assert form.status_code == 200 and '<option value="SFT2"' in form.text
        png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
               b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
        r = post_form(client, "/portal/logistics/new", files={"photos": ("box.png", png, "image/png")},
                      order_no="T2", tracking_no="SFT2", problem="damaged", description="外箱压坏了")
        assert r.status_code == 303, r.text
        no = r.headers["location"].removeprefix("/portal/cases/")
        case = get(client, t["agent"], no)
        assert (case["channel"], case["problem"], case["tracking_no"]) == ("portal", "damaged", "SFT2")
        photos = events(client, t["agent"], no)[0]["payload"]["photos"]
        assert len(photos) == 1 and photos[0].startswith("/media/")
        assert client.get(r.headers["location"]).status_code == 200

    def test_a_refused_form_keeps_what_was_typed(self, world, client):
        people(world)
        world.order("T4")  # no parcel on record
        as_user(client, "buyer")
        r = post_form(client, "/portal/logistics/new", order_no="T4", problem="lost", description="一直没收到")
        assert r.status_code == 422 and "请填写运单号" in r.text and "一直没收到</textarea>" in r.text

    def test_the_buyers_case_page_has_nothing_internal(self, world, client):
        t = people(world)
        on_its_way(world, "T2")
        no = register(client, t["buyer"], order_no="T2")["no"]
        queried(client, t["agent"], no, agent_id="851", message="正在为您催件")
        act(client, t["warehouse"], no, "report_loss", **REPORT)
        act(client, t["finance"], no, "record_carrier_compensation", amount="150.00")
        as_user(client, "buyer")
        page = client.get(f"/portal/cases/{no}").text
        section = re.search(r'<section class="card logistics">.*?</section>', page, re.DOTALL).group(0)
        assert "正在为您催件" in section and "我们已向快递公司报案" in section
        for internal in ("sender-id.jpg", "150.00", "warehouse-S1", "agent-S1", "派件地区"):
            assert internal not in page, internal


def events(client, token: str, no: str):
    return client.get(f"/api/v1/cases/{no}/events", headers=auth(token)).json()["items"]


def test_the_menu_lists_parcel_problems_for_everyone_who_works_them():
    from shouhou.web import nav

    entry = next(e for e in nav.all_entries() if e.path == "/console/logistics")
    assert entry.roles == {"agent", "supervisor", "warehouse", "finance"}
