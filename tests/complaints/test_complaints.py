"""投诉 (SPEC §6, seeds 000/001/002): register → investigate → propose → supervisor approves →
the customer agrees → departments carry it out → follow-up until satisfied; and who answers for it."""

from __future__ import annotations

from shouhou.engine.sweep import run_due
from tests.builders import auth
from tests.returns.helpers import act, delivered, error, events, get, setup


def register(client, token: str, expect: int = 201, **body):
    r = client.post("/api/v1/cases", headers=auth(token), json={
        "type": "complaint", "category": "service_attitude", "reason": "客服答应回电却一直没有回电", **body})
    assert r.status_code == expect, r.text
    return r.json()


PROPOSAL = {"substantiated": True, "responsible": "staff", "responsible_staff": "agent-S1", "remedy": "compensation",
            "description": "向您致歉，补偿 20 元并赠送清洁套装", "compensation": "20.00", "gift": "清洁套装一份"}


def settled(client, t, no: str, **proposal):
    """Investigated, proposed and approved: the customer is asked to agree."""
    act(client, t["agent"], no, "investigate", message="您反映客服承诺回电未回电，是否属实？", wish="道歉并给予补偿")
    act(client, t["agent"], no, "propose", **(proposal or PROPOSAL))
    return act(client, t["supervisor"], no, "approve_proposal")


class TestTheWholePath:
    def test_a_hotline_complaint_goes_from_the_register_to_a_satisfied_follow_up(self, world, client):
        t = setup(world)
        delivered(world, "T1")
        case = register(client, t["agent"], order_no="T1", channel="hotline", company="张记商行")
        no = case["no"]
        assert (case["type"], case["status"], case["priority"]) == ("complaint", "registered", "high")
        # the register: who (the order's customer when not given), company, phone and address, recorder
        assert (case["complainant"], case["company"], case["recorded_by"]) == ("张三", "张记商行", "agent-S1")
        assert case["phone"] and case["address"]
        # the service level: answered within 24 hours, closed within a month [000]
        assert {c["target"]: c["minutes"] for c in case["sla"]}["first_response"] == 24 * 60
        case = act(client, t["agent"], no, "investigate", message="您反映客服承诺回电未回电", wish="道歉并补偿")
        assert (case["status"], case["restatement"], case["wish"]) == ("investigating", "您反映客服承诺回电未回电",
                                                                       "道歉并补偿")
        assert {c["target"]: c["status"] for c in case["sla"]}["first_response"] == "met"
        case = act(client, t["agent"], no, "propose", **PROPOSAL)
        assert case["status"] == "proposed"
        # only a supervisor approves a settlement
        act(client, t["agent"], no, "approve_proposal", expect=403)
        case = act(client, t["supervisor"], no, "approve_proposal", note="同意")
        assert case["status"] == "awaiting_agreement" and case["proposal"]["approved_by"] == "supervisor-S1"
        # the buyer reads the settlement but not the finding
        seen = get(client, t["buyer"], no)
        assert seen["proposal"]["compensation"] == "20.00"
        assert [seen["proposal"][k] for k in ("substantiated", "responsible", "responsible_staff", "proposed_by")] == [
            None, None, None, None]
        case = act(client, t["buyer"], no, "agree")
        assert (case["status"], case["signed_by"]) == ("executing", "张三")
        assert [(x["department"], x["what"]) for x in case["tasks"]] == [("finance", "¥20.00"), ("marketing", "清洁套装一份")]
        # no goods to ship here; finance pays, but may not send marketing's gift
        offered = {a["name"] for a in get(client, t["agent"], no)["available_actions"]}
        assert offered >= {"pay_compensation", "send_gift"} and "ship_goods" not in offered
        act(client, t["finance"], no, "send_gift", expect=403)
        case = act(client, t["finance"], no, "pay_compensation", note="已转账")
        assert case["status"] == "executing" and case["tasks"][0]["done_by"] == "finance-S1"
        assert error(client.post(f"/api/v1/cases/{no}/transitions", headers=auth(t["agent"]), json={
            "action": "pay_compensation", "version": case["version"]})) == "invalid_transition"
        case = act(client, t["agent"], no, "send_gift")
        assert case["status"] == "following_up"
        case = act(client, t["agent"], no, "follow_up", satisfied=True, score=4, note="客户表示满意")
        assert (case["status"], case["satisfied"]) == ("closed", True)
        assert [f["score"] for f in case["follow_ups"]] == [4]
        # the month in figures: one registered, founded, agreed (¥20.00 paid), closed, one satisfied call
        figures = client.get("/api/v1/complaints/analysis?month=2026-11", headers=auth(t["supervisor"])).json()
        assert {k: figures[k] for k in ("registered", "founded", "agreed", "compensation", "closed", "open_at_end",
                                        "follow_ups", "satisfied", "average_score")} == {
            "registered": 1, "founded": 1, "agreed": 1, "compensation": "20.00", "closed": 1, "open_at_end": 0,
            "follow_ups": 1, "satisfied": 1, "average_score": 4.0}
        assert figures["by_category"] == [{"category": "service_attitude", "count": 1}]
        assert [e["action"] for e in events(client, t["supervisor"], no)] == [
            "register", "investigate", "propose", "approve_proposal", "agree", "pay_compensation", "send_gift",
            "follow_up"]

    def test_an_unhappy_follow_up_goes_back_to_the_investigation_and_a_declined_one_too(self, world, client):
        t = setup(world)
        delivered(world, "T1")
        no = register(client, t["buyer"], order_no="T1")["no"]
        settled(client, t, no, substantiated=True, responsible="supplier", supplier="华东面料厂", remedy="apology",
                description="向您郑重道歉")
        case = act(client, t["buyer"], no, "decline", reason="只道歉不够")
        assert case["status"] == "investigating"
        assert get(client, t["agent"], no)["proposal"]["approved_at"] is None
        act(client, t["agent"], no, "propose", substantiated=True, responsible="supplier", supplier="华东面料厂",
            remedy="apology", description="致歉")
        act(client, t["supervisor"], no, "approve_proposal")
        # an apology needs nobody to carry anything out: straight to the follow-up
        case = act(client, t["agent"], no, "agree", signed_by="张三")
        assert (case["status"], case["tasks"]) == ("following_up", [])
        case = act(client, t["agent"], no, "follow_up", satisfied=False, note="仍不满意")
        assert (case["status"], case["satisfied"]) == ("investigating", False)

    def test_a_follow_up_overdue_after_a_week_marks_the_complaint_urgent(self, world, client, clock):
        t = setup(world)
        no = register(client, t["agent"], store="S1", complainant="李四", phone="13900000000")["no"]
        settled(client, t, no, substantiated=False, responsible="none", remedy="apology", description="解释说明")
        case = act(client, t["agent"], no, "agree", signed_by="李四")
        assert case["status"] == "following_up"
        assert case["next_deadline"]["action"] == "follow_up_overdue"
        clock.advance(days=8)
        run_due(world.db, world.settings, clock.now())
        case = get(client, t["agent"], no)
        assert (case["status"], case["priority"]) == ("following_up", "urgent")


class TestWhatTheBuyerReads:
    def test_neither_the_finding_nor_an_unapproved_amount_nor_the_teams_notes(self, world, client):
        t = setup(world)
        delivered(world, "T1")
        no = register(client, t["buyer"], order_no="T1")["no"]
        act(client, t["agent"], no, "investigate", message="复述", wish="补偿")
        act(client, t["agent"], no, "propose", **PROPOSAL)

        def row(token):
            return next(r for r in client.get("/api/v1/cases?type=complaint", headers=auth(token)).json()["items"]
                        if r["no"] == no)

        assert (row(t["buyer"])["substantiated"], row(t["buyer"])["compensation"]) == (None, None)
        assert (get(client, t["buyer"], no)["proposal"], get(client, t["buyer"], no)["substantiated"]) == (None, None)
        assert row(t["agent"])["compensation"] == "20.00"
        act(client, t["supervisor"], no, "approve_proposal")
        assert (row(t["buyer"])["substantiated"], row(t["buyer"])["compensation"]) == (None, "20.00")
        assert row(t["agent"])["substantiated"] is True
        act(client, t["buyer"], no, "agree")
        act(client, t["finance"], no, "pay_compensation")
        act(client, t["agent"], no, "send_gift")
        act(client, t["agent"], no, "follow_up", satisfied=False, score=2, message="我们会再处理", note="客户很难缠")
        seen = get(client, t["buyer"], no)
        assert seen["follow_ups"][0] | {"at": None} == {"at": None, "by": None, "satisfied": False, "score": 2,
                                                        "message": "我们会再处理", "note": None}
        assert seen["recorded_by"] is None and [x["done_by"] for x in seen["tasks"]] == [None, None]
        assert "客户很难缠" not in client.get(f"/api/v1/cases/{no}/events", headers=auth(t["buyer"])).text
        # the propose event says money in yuan
        staff_events = events(client, t["agent"], no)
        assert next(e for e in staff_events if e["action"] == "propose")["payload"]["compensation"] == "20.00"


class TestRefusals:
    def test_a_founded_complaint_names_who_answers_for_it_and_an_unfounded_one_nobody(self, world, client):
        t = setup(world)
        no = register(client, t["agent"], store="S1", complainant="李四")["no"]
        act(client, t["agent"], no, "investigate", message="复述", wish="道歉")
        base = {"remedy": "apology", "description": "致歉"}
        for fields, code in (({"substantiated": True, "responsible": "none"}, "responsible_required"),
                             ({"substantiated": False, "responsible": "staff", "responsible_staff": "agent-S1"},
                              "not_substantiated"),
                             ({"substantiated": True, "responsible": "supplier"}, "responsible_unnamed"),
                             ({"substantiated": True, "responsible": "staff", "responsible_staff": "nobody"},
                              "user_not_found")):
            refused = act(client, t["agent"], no, "propose", expect=404 if code == "user_not_found" else 422,
                          **base, **fields)
            assert refused["error"]["code"] == code, refused
        case = get(client, t["agent"], no)
        assert (case["status"], case["proposal"]) == ("investigating", None)

    def test_a_settlement_says_what_it_gives_and_its_approver_is_not_the_one_responsible(self, world, client):
        t = setup(world)
        no = register(client, t["agent"], store="S1", complainant="李四")["no"]
        act(client, t["agent"], no, "investigate", message="复述", wish="补偿")
        version = get(client, t["agent"], no)["version"]
        for fields in ({"remedy": "compensation"}, {"remedy": "exchange", "goods": "  "}, {"remedy": "gift"}):
            refused = act(client, t["agent"], no, "propose", expect=422, substantiated=False, responsible="none",
                          description="方案", **fields)
            assert refused["error"]["code"] == "settlement_incomplete", refused
        assert get(client, t["agent"], no)["version"] == version  # refusals change nothing
        act(client, t["agent"], no, "propose", **{**PROPOSAL, "responsible_staff": "supervisor-S1"})
        refused = act(client, t["supervisor"], no, "approve_proposal", expect=422)
        assert refused["error"]["code"] == "approver_responsible"

    def test_a_supervisor_closes_one_that_cannot_be_settled(self, world, client):
        t = setup(world)
        no = register(client, t["agent"], store="S1", complainant="李四")["no"]
        act(client, t["agent"], no, "investigate", message="复述", wish="十倍赔偿")
        act(client, t["agent"], no, "close_unresolved", expect=403, note="x")
        case = act(client, t["supervisor"], no, "close_unresolved", note="客户诉求超出法定标准，多次沟通未果")
        assert (case["status"], case["satisfied"]) == ("closed", None)

    def test_a_complaint_needs_a_complainant_and_a_category(self, world, client):
        t = setup(world)
        assert register(client, t["agent"], expect=422, store="S1")["error"]["code"] == "complainant_required"
        r = client.post("/api/v1/cases", headers=auth(t["agent"]), json={
            "type": "complaint", "store": "S1", "complainant": "李四", "reason": "x"})
        assert r.status_code == 422 and r.json()["error"]["details"]["errors"][0]["loc"][-1] == "category"
        assert client.get("/api/v1/cases?type=complaint", headers=auth(t["agent"])).json()["items"] == []

    def test_a_complaint_about_a_case_links_the_two(self, world, client):
        t = setup(world)
        delivered(world, "T1")
        other = world.consultation("agent-S1", order_no="T1")
        case = register(client, t["buyer"], order_no="T1", case_no=other)
        assert case["about_case"] == other
        assert [(x["case"], x["kind"]) for x in case["links"]] == [(other, "complaint_about")]
        assert [(x["case"], x["kind"]) for x in get(client, t["agent"], other)["links"]] == [
            (case["no"], "complaint_about")]


class TestAccountability:
    def test_founded_complaints_count_against_staff_and_suppliers_from_the_approval(self, world, client, clock):
        t = setup(world)
        for _ in range(3):
            no = register(client, t["agent"], store="S1", complainant="王五")["no"]
            settled(client, t, no)  # founded, against agent-S1
        for _ in range(4):
            no = register(client, t["agent"], store="S1", complainant="王五", category="product_quality")["no"]
            settled(client, t, no, substantiated=True, responsible="supplier", supplier="华东面料厂",
                    remedy="exchange", description="换新", goods="新衬衫一件")
        # one proposed but not approved does not count; nor one approved as unfounded
        no = register(client, t["agent"], store="S1", complainant="王五")["no"]
        settled(client, t, no, substantiated=False, responsible="none", remedy="apology", description="解释")
        no = register(client, t["agent"], store="S1", complainant="王五")["no"]
        act(client, t["agent"], no, "investigate", message="复述", wish="道歉")
        act(client, t["agent"], no, "propose", **PROPOSAL)
        r = client.get("/api/v1/complaints/accountability?month=2026-11", headers=auth(t["supervisor"]))
        assert r.status_code == 200, r.text
        report = r.json()
        assert report["staff"] == [{"user": "agent-S1", "in_month": 3, "total": 3, "flag": "dismissal"}]
        assert report["suppliers"] == [{"supplier": "华东面料厂", "in_month": 4, "previous_month": 0,
                                        "last_12_months": 4, "total": 4, "flags": ["written_notice"]}]
        # the next month: nothing new; the staff member's count carries on, the supplier's month is quiet
        report = client.get("/api/v1/complaints/accountability?month=2026-12", headers=auth(t["supervisor"])).json()
        assert report["staff"] == [{"user": "agent-S1", "in_month": 0, "total": 3, "flag": None}]
        assert report["suppliers"][0]["flags"] == []
        # October knew none of it
        earlier = client.get("/api/v1/complaints/accountability?month=2026-10", headers=auth(t["supervisor"])).json()
        assert (earlier["staff"], earlier["suppliers"]) == ([], [])
        # agents do not read it; a month must be yyyy-mm
        assert client.get("/api/v1/complaints/accountability?month=2026-11", headers=auth(t["agent"])).status_code == 403
        assert client.get("/api/v1/complaints/accountability?month=2026-13",
                          headers=auth(t["supervisor"])).status_code == 422

    def test_a_finding_stands_when_the_customer_declines_and_follows_a_later_approval(self, world, client, clock):
        t = setup(world)
        world.user("zhao-wei", "agent", "S1")
        no = register(client, t["agent"], store="S1", complainant="王五")["no"]
        settled(client, t, no)  # founded, against agent-S1, approved in November
        act(client, t["agent"], no, "decline", reason="补偿太少")
        report = client.get("/api/v1/complaints/accountability?month=2026-11", headers=auth(t["supervisor"])).json()
        assert [(r["user"], r["in_month"]) for r in report["staff"]] == [("agent-S1", 1)]
        # a month later a new settlement, approved, names someone else: it counts once, still in November
        clock.advance(days=30)
        act(client, t["agent"], no, "propose", **{**PROPOSAL, "responsible_staff": "zhao-wei"})
        act(client, t["supervisor"], no, "approve_proposal")
        nov = client.get("/api/v1/complaints/accountability?month=2026-11", headers=auth(t["supervisor"])).json()
        dec = client.get("/api/v1/complaints/accountability?month=2026-12", headers=auth(t["supervisor"])).json()
        assert [(r["user"], r["in_month"], r["total"]) for r in nov["staff"]] == [("zhao-wei", 1, 1)]
        assert [(r["user"], r["in_month"], r["total"]) for r in dec["staff"]] == [("zhao-wei", 0, 1)]

    def test_the_month_is_the_stores_month_of_the_approval(self, world, client, clock):
        t = setup(world)
        # 2026-11-30 16:30 UTC is 2026-12-01 00:30 in Shanghai
        clock.set(clock.now().replace(day=30, hour=16, minute=30))
        no = register(client, t["agent"], store="S1", complainant="王五")["no"]
        settled(client, t, no)
        nov = client.get("/api/v1/complaints/accountability?month=2026-11", headers=auth(t["supervisor"])).json()
        dec = client.get("/api/v1/complaints/accountability?month=2026-12", headers=auth(t["supervisor"])).json()
        assert nov["staff"] == [] and dec["staff"][0]["in_month"] == 1
