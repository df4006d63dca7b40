"""Complaint pages: the console's list, register form and accountability report; the portal's
complaint form and case page (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

from shouhou.accounts import service as accounts
from tests.builders import auth
from tests.returns.helpers import act, delivered, get, setup
from tests.web.conftest import csrf_of, login_form

PW = "pw12345678"


def people(world) -> dict[str, str]:
    """setup()'s store, staff and buyer, with passwords for the agent, the supervisor and the buyer."""
    t = setup(world)
    world.user("zhao-wei", "agent", "S1")  # answers for complaints; acts on nothing else
    with world.ctx() as ctx:
        for name in ("agent-S1", "supervisor-S1", "buyer"):
            accounts.set_password(ctx, name, PW)
    return t


def register(client, token: str, **body) -> dict:
    r = client.post("/api/v1/cases", headers=auth(token), json={
        "type": "complaint", "category": "service_attitude", "reason": "客服答应回电却一直没有回电", **body})
    assert r.status_code == 201, r.text
    return r.json()


def founded(client, t, no: str, staff: str = "zhao-wei") -> None:
    """Investigated, found against `staff` and approved by the supervisor (the finding counts from here)."""
    act(client, t["agent"], no, "investigate", message="您反映客服承诺回电未回电", wish="道歉并补偿")
    act(client, t["agent"], no, "propose", substantiated=True, responsible="staff", responsible_staff=staff,
        remedy="compensation", description="向您致歉，补偿 20 元", compensation="20.00")
    act(client, t["supervisor"], no, "approve_proposal")


def as_user(client, name: str) -> None:
    client.cookies.clear()
    assert login_form(client, name, PW).status_code == 303


def post_form(client, path: str, **fields: str):
    """Post a form the way the browser does: with the CSRF token of the page that shows it."""
    token = csrf_of(client.get(path).text)
    return client.post(path, data={"_csrf": token, **fields}, follow_redirects=False)


class TestConsole:
    def test_the_list_shows_open_complaints(self, world, client):
        t = people(world)
        no = register(client, t["agent"], store="S1", complainant="李四", reason="客服态度恶劣")["no"]
        as_user(client, "agent-S1")
        page = client.get("/console/complaints")
        assert page.status_code == 200
        row = re.search(rf"<tr><td><a href=\"/console/cases/{no}\">.*?</tr>", page.text, re.DOTALL)
        assert row is not None
        assert "服务态度" in row.group(0) and "service_attitude" not in row.group(0)  # in words, not the code
        assert 'href="/console/complaints/new"' in page.text

    def test_an_agent_registers_one_and_lands_on_its_case_page(self, world, client):
        t = people(world)
        delivered(world, "T1")
        as_user(client, "agent-S1")
        r = post_form(client, "/console/complaints/new", store="S1", order_no="T1", company="张记商行",
                      category="service_attitude", reason="客服答应回电却一直没有回电", channel="hotline",
                      priority="high")
        assert r.status_code == 303, r.text
        no = r.headers["location"].removeprefix("/console/cases/")
        case = get(client, t["agent"], no)
        assert (case["type"], case["complainant"], case["company"], case["channel"], case["recorded_by"]) == (
            "complaint", "张三", "张记商行", "hotline", "agent-S1")
        page = client.get(r.headers["location"])
        assert page.status_code == 200
        section = re.search(r'<section class="card complaint">.*?</section>', page.text, re.DOTALL).group(0)
        assert "张三" in section and "张记商行" in section and "agent-S1" in section

    def test_a_refused_registration_shows_the_form_again_with_what_was_typed(self, world, client):
        people(world)
        as_user(client, "agent-S1")
        # no category
        r = post_form(client, "/console/complaints/new", store="S1", complainant="李四", reason="等了三天没人理")
        assert r.status_code == 422 and 'action="/console/complaints/new"' in r.text
        assert re.search(r'role="alert">[^<]*类别', r.text)  # names the missing field
        assert 'value="李四"' in r.text and "等了三天没人理</textarea>" in r.text
        # no complainant, and no customer or order to take one from
        r = post_form(client, "/console/complaints/new", store="S1", category="delivery", company="张记商行",
                      reason="送货迟到")
        assert r.status_code == 422 and "请填写投诉人" in r.text
        assert 'value="张记商行"' in r.text and "送货迟到</textarea>" in r.text
        assert '<option value="delivery" selected>' in r.text
        assert client.get("/api/v1/cases?type=complaint", headers=auth(world.tokens["agent-S1"])).json()["items"] == []

    def test_the_supervisor_reads_who_answers_for_founded_complaints(self, world, client):
        t = people(world)
        no = register(client, t["agent"], store="S1", complainant="王五")["no"]
        founded(client, t, no)
        as_user(client, "supervisor-S1")
        assert 'href="/console/complaints/accountability"' in client.get("/console/complaints").text
        page = client.get("/console/complaints/accountability", params={"month": "2026-11"})
        assert page.status_code == 200
        table = re.search(r'<table class="list accountability-staff">.*?</table>', page.text, re.DOTALL).group(0)
        assert re.search(r"<td>zhao-wei</td><td>1</td><td>1</td>", table), table
        assert "flag-warning" in table
        figures = re.search(r'<section class="card analysis">.*?</section>', page.text, re.DOTALL).group(0)
        assert "本月投诉分析" in figures and re.search(r"新增投诉</dt><dd>1：服务态度 1", figures), figures
        # this month (the clock's, 2026-11) is the default
        assert "<td>zhao-wei</td>" in client.get("/console/complaints/accountability").text
        # October knew nothing of it
        october = client.get("/console/complaints/accountability", params={"month": "2026-10"}).text
        assert "zhao-wei" not in october

    def test_an_agent_gets_no_report(self, world, client):
        t = people(world)
        no = register(client, t["agent"], store="S1", complainant="王五")["no"]
        founded(client, t, no)
        as_user(client, "agent-S1")
        assert 'href="/console/complaints/accountability"' not in client.get("/console/complaints").text
        page = client.get("/console/complaints/accountability", params={"month": "2026-11"})
        assert page.status_code == 403
        assert "zhao-wei" not in page.text and "accountability-staff" not in page.text


class TestPortal:
    def test_the_buyer_makes_a_complaint_from_the_portal(self, world, client):
        t = people(world)
        delivered(world, "T1")
        as_user(client, "buyer")
        form = client.get("/portal/complaints/new", params={"order_no": "T1"})
        assert form.status_code == 200 and 'value="T1"' in form.text
        r = post_form(client, "/portal/complaints/new", order_no="T1", category="delivery", reason="快递员态度差")
        assert r.status_code == 303, r.text
        assert r.headers["location"].startswith("/portal/cases/")
        no = r.headers["location"].removeprefix("/portal/cases/")
        case = get(client, t["agent"], no)
        assert (case["type"], case["channel"], case["complainant"], case["category"]) == (
            "complaint", "portal", "张三", "delivery")
        assert client.get(r.headers["location"]).status_code == 200

    def test_the_buyer_does_not_see_who_answers_for_it(self, world, client):
        t = people(world)
        delivered(world, "T1")
        no = register(client, t["buyer"], order_no="T1")["no"]
        founded(client, t, no)
        as_user(client, "buyer")
        page = client.get(f"/portal/cases/{no}")
        assert page.status_code == 200
        section = re.search(r'<section class="card complaint">.*?</section>', page.text, re.DOTALL).group(0)
        assert "向您致歉" in section and "zhao-wei" not in section  # the settlement, not the finding
        # the staff's page names them
        as_user(client, "agent-S1")
        assert "zhao-wei" in client.get(f"/console/cases/{no}").text

    def test_nor_does_the_timeline_of_the_buyers_case_page(self, world, client):
        t = people(world)
        delivered(world, "T1")
        no = register(client, t["buyer"], order_no="T1")["no"]
        founded(client, t, no)
        as_user(client, "buyer")
        assert "zhao-wei" not in client.get(f"/portal/cases/{no}").text
        seen = client.get(f"/api/v1/cases/{no}/events", headers=auth(t["buyer"])).json()["items"]
        assert [e["action"] for e in seen] == ["register", "investigate"]  # the proposal and its approval are internal


def test_the_menu_lists_complaints_for_everyone_who_works_them():
    from shouhou.web import nav

    entry = next(e for e in nav.all_entries() if e.path == "/console/complaints")
    assert entry.roles == {"agent", "supervisor", "finance", "warehouse", "admin"}
