"""The agent's day through the console: the inbox sorted by SLA due time, the workspace (canned reply
with its variables filled, reply, internal note, collision notice), the hotline form and the
visitors' contact form on the portal."""

from __future__ import annotations

import re

from sqlalchemy import select

from shouhou.desk import calls
from shouhou.models import Case
from shouhou.models.desk import DeskMessage, OutboundMessage
from tests.builders import auth
from tests.web.conftest import csrf_of, login_form

PW = "pw12345678"


def desk_world(world) -> dict[str, str]:
    world.store()
    return {"agent1": world.user("agent1", "agent", "S1", password=PW),
            "agent2": world.user("agent2", "agent", "S1", password=PW),
            "admin": world.user("admin1", "admin", None)}


def signed_in(client, username: str) -> None:
    assert login_form(client, username).status_code == 303


def section(html: str, view: str) -> str:
    return html.split(f'data-view="{view}"', 1)[1].split("</section>", 1)[0]


class TestInbox:
    def test_it_sorts_each_view_by_the_due_time(self, world, client, clock):
        desk_world(world)
        later = world.consultation("agent1", subject="晚到的")
        clock.advance(hours=-1)  # opened an hour earlier: due an hour earlier
        sooner = world.consultation("agent1", subject="先到期的")
        clock.advance(hours=1)
        world.move("agent1", later, "assign")
        world.move("agent1", sooner, "assign")
        loose = world.consultation("agent2", subject="没人管")
        signed_in(client, "agent1")
        html = client.get("/console/desk").text
        mine = section(html, "mine")
        assert mine.index(sooner) < mine.index(later) and loose not in mine
        assert loose in section(html, "unassigned") and "首次响应" in mine
        # the countdown is said as the case list's deadline column says it ("还剩 5 小时", not "剩余 5小时0分")
        assert re.search(r"还剩 \d+ (天|小时|分钟)", mine) and "剩余" not in mine and not re.search(r"\d小时\d+分", mine)

    def test_strangers_are_sent_to_sign_in(self, world, client):
        assert client.get("/console/desk", follow_redirects=False).status_code == 303


class TestWorkspace:
    def test_a_canned_reply_is_inserted_filled_in_and_sent_and_meets_the_first_response(self, world, client, clock):
        tokens = desk_world(world)
        made = client.post("/api/v1/canned-replies", json={
            "title": "已收到", "folder": "开场", "store": "S1",
            "body": "您好, 您的售后单 {{case_no}} 已由 {{agent_name}} 受理。"}, headers=auth(tokens["admin"]))
        assert made.status_code == 201, made.text
        no = world.consultation("agent1", subject="洗衣机漏水")
        signed_in(client, "agent1")
        page = client.get(f"/console/desk/cases/{no}")
        assert page.status_code == 200 and 'data-status="running">计时中</span>' in page.text
        client.cookies.set("lang", "en")
        assert 'data-status="running">Running</span>' in client.get(f"/console/desk/cases/{no}").text  # a word, not the code
        client.cookies.set("lang", "zh")
        clock.advance(minutes=30)
        filled = client.post(f"/console/desk/cases/{no}/insert", data={
            "_csrf": csrf_of(page.text), "reply": str(made.json()["id"]), "message": ""})
        draft = re.search(r'<textarea name="message"[^>]*>([^<]*)</textarea>', filled.text).group(1)
        assert draft == f"您好, 您的售后单 {no} 已由 agent1 受理。"
        version = re.search(r'name="_version" value="(\d+)"', filled.text).group(1)
        sent = client.post(f"/console/desk/cases/{no}/send", data={
            "_csrf": csrf_of(page.text), "_version": version, "kind": "reply", "message": draft},
            follow_redirects=False)
        assert sent.status_code == 303, sent.text
        after = client.get(f"/console/desk/cases/{no}").text
        first = after.split('class="sla-first_response"', 1)[1].split("</tr>", 1)[0]
        assert 'data-status="met"' in first and "已达成" in first
        assert draft in after

    def test_an_internal_note_is_kept_but_never_sent(self, world, client):
        desk_world(world)
        no = world.consultation("agent1", subject="发票")
        signed_in(client, "agent1")
        page = client.get(f"/console/desk/cases/{no}").text
        client.post(f"/console/desk/cases/{no}/send", data={"_csrf": csrf_of(page), "_version": "1", "kind": "note",
                                                             "message": "客户是老客户, 优先处理"})
        with world.db.session() as s:
            assert [(m.direction, m.body) for m in s.scalars(select(DeskMessage))] == [("note", "客户是老客户, 优先处理")]
            assert s.scalars(select(OutboundMessage)).all() == []
        assert "m-note" in client.get(f"/console/desk/cases/{no}").text

    def test_a_stale_version_is_refused_with_the_draft_kept(self, world, client):
        desk_world(world)
        no = world.consultation("agent1")
        signed_in(client, "agent1")
        page = client.get(f"/console/desk/cases/{no}").text
        r = client.post(f"/console/desk/cases/{no}/send", data={"_csrf": csrf_of(page), "_version": "9",
                                                                 "kind": "reply", "message": "草稿还在"})
        assert r.status_code == 409 and "草稿还在" in r.text

    def test_another_agent_replying_to_the_same_case_is_shown(self, world, client, app):
        from fastapi.testclient import TestClient

        desk_world(world)
        no = world.consultation("agent1")
        with TestClient(app) as other:
            signed_in(other, "agent2")
            page = other.get(f"/console/desk/cases/{no}").text
            told = other.post(f"/console/desk/cases/{no}/here", data={"_csrf": csrf_of(page), "state": "replying"})
            assert told.json() == {"others": []}
        signed_in(client, "agent1")
        page = client.get(f"/console/desk/cases/{no}").text
        assert "agent2 正在回复此单" in page
        seen = client.post(f"/console/desk/cases/{no}/here", data={"_csrf": csrf_of(page), "state": "viewing"})
        assert seen.json() == {"others": [{"user": "agent2", "state": "replying"}]}

    def test_the_customers_other_cases_and_orders_are_beside(self, world, client):
        desk_world(world)
        world.order("T20261101001", customer="u1001")
        first = world.consultation("agent1", order_no="T20261101001", subject="第一次")
        second = world.consultation("agent1", order_no="T20261101001", subject="第二次")
        signed_in(client, "agent1")
        html = client.get(f"/console/desk/cases/{second}").text
        assert first in html.split('class="card others"', 1)[1] and "T20261101001" in html
        assert "¥" in html.split('class="card orders"', 1)[1]


class TestHotline:
    def test_a_call_registered_in_one_form_and_the_number_shows_its_open_cases_first(self, world, client):
        desk_world(world)
        signed_in(client, "agent1")
        page = client.get("/console/desk/call").text
        r = client.post("/console/desk/call", data={"_csrf": csrf_of(page), "phone": "13800000000", "caller": "李四",
                                                    "subject": "空调不制冷", "unit": "AC-9"}, follow_redirects=False)
        assert r.status_code == 303, r.text
        no = r.headers["location"].rsplit("/", 1)[1]
        assert world.case(no).channel == "hotline"
        world.move("agent1", no, "assign", ("resolve", {"resolution": "已指导"}))
        again = client.post("/console/desk/call", data={"_csrf": csrf_of(page), "phone": "13800000000",
                                                        "subject": "又坏了"}, follow_redirects=False)
        newer = again.headers["location"].rsplit("/", 1)[1]
        listed = client.get("/console/desk/call", params={"phone": "13800000000"}).text
        found = listed.split('class="card caller-cases"', 1)[1]
        assert found.index(newer) < found.index(no)  # the open one first

    def test_a_call_without_a_subject_is_refused_with_the_form_kept(self, world, client):
        desk_world(world)
        signed_in(client, "agent1")
        page = client.get("/console/desk/call").text
        r = client.post("/console/desk/call", data={"_csrf": csrf_of(page), "phone": "13800000000", "caller": "李四"})
        assert r.status_code == 422 and "李四" in r.text
        assert world.count(Case) == 0


class TestVisitorsForm:
    def test_a_visitor_without_an_account_opens_a_case_and_is_rate_limited(self, world, client):
        world.store()
        page = client.get("/portal/contact")
        assert page.status_code == 200 and "联系客服" in page.text
        token = csrf_of(page.text)
        form = {"_csrf": token, "name": "王五", "phone": "13700000000", "subject": "怎么退货", "order_no": "T1"}
        done = client.post("/portal/contact", data=form)
        assert done.status_code == 200 and "我们已收到您的问题" in done.text
        [case] = (world.case(n) for n in re.findall(r"AS\d{6,}", done.text)[:1])
        assert (case.channel, case.subject) == ("portal", "怎么退货")
        for _ in range(calls.FORM_LIMIT - 1):
            assert client.post("/portal/contact", data=form).status_code == 200
        refused = client.post("/portal/contact", data=form)
        assert refused.status_code == 429 and "Retry-After" in refused.headers
        assert world.count(Case) == calls.FORM_LIMIT

    def test_a_visitor_must_leave_a_way_back(self, world, client):
        world.store()
        token = csrf_of(client.get("/portal/contact").text)
        r = client.post("/portal/contact", data={"_csrf": token, "subject": "问题"})
        assert r.status_code == 422 and "手机号或邮箱" in r.text
        assert world.count(Case) == 0
