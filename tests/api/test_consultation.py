"""A consultation (咨询) end to end over HTTP: the kernel's first case type proves the engine."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shouhou.engine.sweep import run_due
from tests.builders import act, auth


@pytest.fixture
def desk(world):
    """A store with an agent, a supervisor, a reviewer (not consultation staff), two buyers and an order."""
    world.store()
    tokens = {name: world.user(name, role, "S1") for name, role in
              (("agent1", "agent"), ("sup1", "supervisor"), ("rev1", "reviewer"))}
    tokens["buyer"] = world.user("buyer", "customer", "S1", customer="u1001")
    tokens["other"] = world.user("other", "customer", "S1", customer="u1002")
    world.order("T1", customer="u1001")
    return tokens


def create(client, token: str, **body) -> dict:
    r = client.post("/api/v1/cases", json={"type": "consultation", "subject": "洗衣机怎么清洗滤网？",
                                           "description": "滤网有异味", "channel": "hotline", **body},
                    headers=auth(token))
    assert r.status_code == 201, r.text
    return r.json()


def ok(response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


class TestConsultationLifecycle:
    def test_it_opens_a_case_for_the_order_and_its_buyer(self, client, desk):
        # when an agent registers a call about order T1
        case = create(client, desk["agent1"], order_no="T1")
        # then the store and the customer come from the order, and only new-state actions are offered
        assert (case["type"], case["status"], case["version"], case["store"]) == ("consultation", "new", 1, "S1")
        assert (case["order_no"], case["customer"], case["channel"]) == ("T1", "u1001", "hotline")
        assert case["no"].startswith("AS20261123") and case["next_deadline"] is None
        assert [a["name"] for a in case["available_actions"]] == ["assign", "reply", "note", "customer_message", "merge"]
        assert case["created_at"].endswith("+08:00")

    def test_it_lets_a_buyer_ask_about_their_own_order_only(self, client, desk):
        # when a buyer asks from the portal without naming themself
        case = create(client, desk["buyer"], channel="portal")
        # then the case is theirs and they see no staff actions (they may write again: the desk's)
        assert case["customer"] == "u1001" and [a["name"] for a in case["available_actions"]] == ["customer_message"]
        # and another buyer cannot ask about their order
        r = client.post("/api/v1/cases", json={"type": "consultation", "subject": "?", "order_no": "T1"},
                        headers=auth(desk["other"]))
        assert r.status_code == 404 and r.json()["error"]["code"] == "order_not_found"

    def test_it_assigns_to_the_caller_by_default_and_keeps_the_first_owner(self, client, desk):
        # given a new case
        no = create(client, desk["agent1"], order_no="T1")["no"]
        # when the agent takes it, then transfers it to the supervisor
        taken = ok(act(client, desk["agent1"], no, "assign", 1))
        moved = ok(act(client, desk["agent1"], no, "transfer", 2, assignee="sup1"))
        # then the assignee follows, but the first owner (首问负责) stays
        assert (taken["status"], taken["assignee"], taken["first_owner"]) == ("open", "agent1", "agent1")
        assert (moved["status"], moved["assignee"], moved["first_owner"]) == ("open", "sup1", "agent1")

    def test_it_assigns_to_a_named_assignee(self, client, desk):
        no = create(client, desk["agent1"], order_no="T1")["no"]
        case = ok(act(client, desk["agent1"], no, "assign", 1, assignee="sup1"))
        assert (case["assignee"], case["first_owner"], case["version"]) == ("sup1", "sup1", 2)

    def test_it_refuses_an_assignee_who_is_not_consultation_staff(self, client, desk, world):
        # given a new case
        no = create(client, desk["agent1"], order_no="T1")["no"]
        # when it is assigned to a reviewer, or to nobody known
        not_staff = act(client, desk["agent1"], no, "assign", 1, assignee="rev1")
        unknown = act(client, desk["agent1"], no, "assign", 1, assignee="ghost")
        # then both are refused and nothing changed
        assert not_staff.status_code == 422 and not_staff.json()["error"]["code"] == "assignee_not_staff"
        assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "user_not_found"
        case = world.case(no)
        assert (case.status, case.version, case.assignee_id) == ("new", 1, None)
        assert [e.action for e in world.history(no)] == ["create"]

    def test_it_hides_internal_notes_from_the_buyer(self, client, desk):
        # given an open case with a reply and an internal note
        no = create(client, desk["agent1"], order_no="T1")["no"]
        ok(act(client, desk["agent1"], no, "assign", 1))
        ok(act(client, desk["agent1"], no, "reply", 2, message="请拆下滤网用清水冲洗"))
        after = ok(act(client, desk["agent1"], no, "note", 3, message="客户第三次来电"))
        # then both are recorded, neither moves the case
        assert (after["status"], after["version"]) == ("open", 4)
        staff = client.get(f"/api/v1/cases/{no}/events", headers=auth(desk["agent1"])).json()["items"]
        buyer = client.get(f"/api/v1/cases/{no}/events", headers=auth(desk["buyer"])).json()["items"]
        # and the buyer's timeline leaves the note out
        assert [(e["action"], e["visibility"]) for e in staff] == [
            ("create", "public"), ("assign", "public"), ("reply", "public"), ("note", "internal")]
        assert [e["action"] for e in buyer] == ["create", "assign", "reply"]
        assert buyer[2]["payload"] == {"message": "请拆下滤网用清水冲洗"}
        assert (staff[3]["from"], staff[3]["to"], staff[3]["actor"]) == ("open", "open", "agent1")

    def test_it_waits_on_the_customer_until_they_reply_with_their_own_token(self, client, desk):
        # given a case waiting on the customer
        no = create(client, desk["agent1"], order_no="T1")["no"]
        ok(act(client, desk["agent1"], no, "assign", 1))
        waiting = ok(act(client, desk["agent1"], no, "wait_on_customer", 2, message="请提供型号"))
        assert waiting["status"] == "pending"
        # when another buyer tries to answer, then they cannot even see the case
        r = act(client, desk["other"], no, "customer_reply", 3, message="?")
        assert r.status_code == 404 and r.json()["error"]["code"] == "case_not_found"
        # when the case's buyer answers
        mine = client.get(f"/api/v1/cases/{no}", headers=auth(desk["buyer"])).json()
        assert [a["name"] for a in mine["available_actions"]] == ["customer_reply"]
        back = ok(act(client, desk["buyer"], no, "customer_reply", 3, message="型号 XQG100"))
        # then the case is open again and the event names the buyer as the customer
        assert (back["status"], back["version"]) == ("open", 4)
        last = client.get(f"/api/v1/cases/{no}/events", headers=auth(desk["agent1"])).json()["items"][-1]
        assert (last["action"], last["actor"], last["actor_role"]) == ("customer_reply", "buyer", "customer")

    def test_it_closes_seven_days_after_resolve_by_the_timer(self, client, desk, world, settings, clock):
        # given a resolved case
        no = create(client, desk["agent1"], order_no="T1")["no"]
        ok(act(client, desk["agent1"], no, "assign", 1))
        resolved_at = clock.advance(hours=2)
        case = ok(act(client, desk["agent1"], no, "resolve", 2, resolution="已指导清洗"))
        # then its next deadline says when it closes and what happens then, in the caller's language
        assert case["next_deadline"] == {"at": "2026-11-30T12:00:00+08:00", "kind": "auto_close",
                                         "action": "close", "effect": "closes automatically"}
        zh = client.get(f"/api/v1/cases/{no}", headers=auth(desk["agent1"], lang="zh-CN")).json()
        assert zh["next_deadline"]["effect"] == "自动关闭"
        # when the sweep runs a second before the deadline, nothing happens
        assert run_due(world.db, settings, resolved_at + timedelta(days=7, seconds=-1)).fired == 0
        assert world.case(no).status == "resolved"
        # when it runs at the deadline
        clock.advance(days=7)
        swept = run_due(world.db, settings, clock.now())
        # then the system closed it, once
        assert (swept.fired, swept.skipped, swept.failed) == (1, 0, 0)
        closed = client.get(f"/api/v1/cases/{no}", headers=auth(desk["agent1"])).json()
        assert (closed["status"], closed["version"], closed["next_deadline"]) == ("closed", 4, None)
        assert closed["closed_at"] == "2026-11-30T12:00:00+08:00"
        last = client.get(f"/api/v1/cases/{no}/events", headers=auth(desk["agent1"])).json()["items"][-1]
        assert (last["action"], last["from"], last["to"], last["actor"], last["actor_role"]) == (
            "close", "resolved", "closed", "system", "system")
        assert [t.state for t in world.timers(no)] == ["fired"]
        assert run_due(world.db, settings, clock.now() + timedelta(days=30)).total == 0

    def test_it_cancels_the_pending_close_when_reopened(self, client, desk, world, settings, clock):
        # given a resolved case whose auto-close is pending
        no = create(client, desk["agent1"], order_no="T1")["no"]
        ok(act(client, desk["agent1"], no, "assign", 1))
        ok(act(client, desk["agent1"], no, "resolve", 2))
        # when the buyer reopens it
        reopened = ok(act(client, desk["buyer"], no, "reopen", 3, message="还是有异味"))
        # then no deadline is left and the timer never fires
        assert (reopened["status"], reopened["next_deadline"], reopened["first_owner"]) == ("open", None, "agent1")
        assert [t.state for t in world.timers(no)] == ["cancelled"]
        assert run_due(world.db, settings, clock.now() + timedelta(days=8)).total == 0
        assert world.case(no).status == "open"

    def test_it_reopens_a_closed_case_and_arms_a_fresh_close(self, client, desk, world, settings, clock):
        # given a case the buyer closed themself
        no = create(client, desk["agent1"], order_no="T1")["no"]
        ok(act(client, desk["agent1"], no, "assign", 1))
        ok(act(client, desk["agent1"], no, "resolve", 2))
        closed = ok(act(client, desk["buyer"], no, "close", 3))
        assert closed["closed_at"] is not None and [t.state for t in world.timers(no)] == ["cancelled"]
        # when it is reopened and resolved again a day later
        clock.advance(days=1)
        ok(act(client, desk["agent1"], no, "reopen", 4))
        again = ok(act(client, desk["agent1"], no, "resolve", 5))
        # then it is no longer closed, and closes 7 days after the second resolve
        assert again["closed_at"] is None
        assert again["next_deadline"]["at"] == "2026-12-01T10:00:00+08:00"
        assert [t.state for t in world.timers(no)] == ["cancelled", "pending"]
