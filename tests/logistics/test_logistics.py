"""物流异常 (SPEC §6, seed 001) through the HTTP API: queries logged with the carrier's agent id, a
damage or loss report with its evidence, the carrier's answer, the outcome for the buyer; each
refusal with its code, changing nothing; what the buyer reads."""

from __future__ import annotations

from shouhou.engine.sweep import run_due
from shouhou.models import OutboxMessage
from tests.builders import auth
from tests.logistics.helpers import EVIDENCE, PHOTOS, REPORT, on_its_way, queried, register
from tests.returns.helpers import act, apply, delivered, error, events, get, setup


class TestTheWholePath:
    def test_a_lost_parcel_is_queried_reported_reshipped_and_paid_for_by_the_carrier(self, world, client, clock):
        t = setup(world)
        on_its_way(world, "T2")
        case = register(client, t["buyer"], order_no="T2")
        no = case["no"]
        # the parcel is the order's only one: its carrier, tracking number, ship time and items
        assert (case["type"], case["status"], case["carrier"], case["tracking_no"], case["skus"], case["queries"]) == (
            "logistics", "querying", "SF", "SFT2", ["TSHIRT-M"], [])
        assert case["shipped_at"] == "2026-11-19T15:00:00+08:00"
        # 查件: the agent's id, what the carrier said, and what the customer was told (the first response)
        case = queried(client, t["agent"], no, agent_id="851", query_result="网点称包裹在转运中心滞留",
                       message="已为您联系快递，包裹在转运中心滞留，正在催促")
        assert case["status"] == "querying" and case["version"] == 2
        assert [(q["agent_id"], q["query_result"], q["by"]) for q in case["queries"]] == [
            ("851", "网点称包裹在转运中心滞留", "agent-S1")]
        assert {c["target"]: c["status"] for c in case["sla"]}["first_response"] == "met"
        clock.advance(days=2)
        case = queried(client, t["warehouse"], no, agent_id="1024", query_result="快递确认包裹丢失")
        assert [q["agent_id"] for q in case["queries"]] == ["851", "1024"] and case["status"] == "querying"
        # 报失: the facts not given come from the last query and the order
        case = act(client, t["warehouse"], no, "report_loss", **REPORT)
        report = case["report"]
        assert case["status"] == "reported"
        assert (report["condition"], report["agent_id"], report["shipped_on"], report["goods_value"],
                report["reported_by"]) == ("lost", "1024", "2026-11-19", "198.00", "warehouse-S1")
        assert report["evidence"] == EVIDENCE
        assert case["claim"]["answer"] == "pending"
        assert case["next_deadline"]["action"] == "carrier_overdue"
        assert case["next_deadline"]["at"] == "2026-12-02T10:00:00+08:00"  # 7 days after the report
        assert world.count(OutboxMessage, topic="logistics.reported") == 1
        # the buyer is served before the carrier pays: reshipped with a new parcel
        case = act(client, t["agent"], no, "resolve", outcome="reshipped", tracking_no="SF-NEW-1",
                   message="已为您补发，新运单号 SF-NEW-1")
        assert (case["status"], case["outcome"], case["reship_carrier"], case["reship_tracking_no"]) == (
            "resolved", "reshipped", "SF", "SF-NEW-1")
        # the claim still waits on the carrier: the case cannot be closed yet, the timer still runs
        offered = {a["name"] for a in case["available_actions"]}
        assert "close" not in offered and "record_carrier_compensation" in offered
        assert error(client.post(f"/api/v1/cases/{no}/transitions", headers=auth(t["agent"]), json={
            "action": "close", "version": case["version"]})) == "invalid_transition"
        assert case["next_deadline"]["action"] == "carrier_overdue"
        # finance books what the carrier paid: money in yuan at the edges
        case = act(client, t["finance"], no, "record_carrier_compensation", amount="150.00", claim_no="LP2026")
        assert case["claim"] | {"answered_at": None} == {
            "answer": "paid", "compensation": "150.00", "claim_no": "LP2026", "answered_at": None,
            "answered_by": "finance-S1", "note": None}
        assert case["next_deadline"] is None
        case = act(client, t["agent"], no, "close")
        assert case["status"] == "closed"
        staff_events = events(client, t["supervisor"], no)
        assert [e["action"] for e in staff_events] == [
            "register", "log_query", "log_query", "report_loss", "resolve", "record_carrier_compensation", "close"]
        paid = next(e for e in staff_events if e["action"] == "record_carrier_compensation")
        assert paid["payload"]["amount"] == "150.00"
        reported = next(e for e in staff_events if e["action"] == "report_loss")
        assert (reported["payload"]["agent_id"], reported["payload"]["goods_value"]) == ("1024", "198.00")

    def test_a_damaged_parcel_settled_by_the_carriers_compensation(self, world, client):
        t = setup(world)
        delivered(world, "T1")
        no = register(client, t["agent"], order_no="T1", problem="damaged", channel="hotline",
                      description="买家签收后发现外箱破损")["no"]
        case = act(client, t["agent"], no, "report_damage", agent_id="851", goods_value="120.00",
                   shipped_on="2026-11-19", **{**REPORT, "delivery_result": "已签收，外箱破损"}, **PHOTOS)
        assert (case["report"]["condition"], case["report"]["goods_value"]) == ("damaged", "120.00")
        assert case["report"]["evidence"]["damage_photos"] == PHOTOS["damage_photos"]
        refused = act(client, t["agent"], no, "resolve", expect=422, outcome="compensated", message="已赔付")
        assert refused["error"]["code"] == "compensation_not_recorded"
        act(client, t["agent"], no, "record_carrier_compensation", amount="120.00")
        case = act(client, t["agent"], no, "resolve", outcome="compensated", message="快递已赔付 120 元，已转给您")
        assert (case["status"], case["outcome"]) == ("resolved", "compensated")
        assert act(client, t["supervisor"], no, "close")["status"] == "closed"

    def test_a_carrier_silent_for_a_week_marks_the_case_urgent(self, world, client, clock):
        t = setup(world)
        on_its_way(world, "T2")
        on_its_way(world, "T3")
        silent = register(client, t["agent"], order_no="T2")["no"]
        answered = register(client, t["agent"], order_no="T3")["no"]
        for no in (silent, answered):
            queried(client, t["agent"], no)
            act(client, t["agent"], no, "report_loss", **REPORT)
        act(client, t["agent"], answered, "record_carrier_refusal", reason="超过理赔时效")
        clock.advance(days=8)
        run_due(world.db, world.settings, clock.now())
        assert (get(client, t["agent"], silent)["status"], get(client, t["agent"], silent)["priority"]) == (
            "reported", "urgent")
        assert get(client, t["agent"], answered)["priority"] == "normal"  # its timer went with the answer
        # a carrier that never answers: the claim is given up as a refusal, and the case may end
        act(client, t["agent"], silent, "record_carrier_refusal", reason="快递逾期未答复，放弃索赔")
        act(client, t["agent"], silent, "resolve", outcome="delivered", message="包裹已找回并签收")
        assert act(client, t["agent"], silent, "close")["status"] == "closed"

    def test_a_claim_still_open_stays_with_a_reopened_case(self, world, client):
        t = setup(world)
        on_its_way(world, "T2")
        no = register(client, t["buyer"], order_no="T2")["no"]
        act(client, t["agent"], no, "report_loss", agent_id="851", **REPORT)
        act(client, t["agent"], no, "resolve", outcome="reshipped", tracking_no="SF-NEW-2", message="已补发")
        act(client, t["buyer"], no, "reopen", message="补发的也没收到")
        case = get(client, t["agent"], no)
        assert (case["status"], case["reship_tracking_no"], case["claim"]["answer"]) == ("querying", None, "pending")
        assert case["next_deadline"]["action"] == "carrier_overdue"
        # a reported parcel is not withdrawn (its claim would be lost), but the carrier's answer is still taken
        offered = {a["name"] for a in get(client, t["buyer"], no)["available_actions"]}
        assert offered == {"customer_message"}
        assert error(client.post(f"/api/v1/cases/{no}/transitions", headers=auth(t["buyer"]), json={
            "action": "withdraw", "version": case["version"]})) == "invalid_transition"
        case = act(client, t["finance"], no, "record_carrier_compensation", amount="198.00")
        assert (case["status"], case["claim"]["answer"], case["next_deadline"]) == ("querying", "paid", None)

    def test_a_refund_through_a_return_case_links_the_two(self, world, client):
        t = setup(world)
        delivered(world, "T1")
        no = register(client, t["buyer"], order_no="T1", problem="signed_not_received")["no"]
        refund = apply(client, t["buyer"], "T1", type="refund_only", reason="missing_parts")["no"]
        case = act(client, t["agent"], no, "resolve", outcome="refunded", case_no=refund,
                   message="已通过退款单为您退款")
        assert [(x["case"], x["kind"]) for x in case["links"]] == [(refund, "logistics_refund")]
        assert [(x["case"], x["kind"]) for x in get(client, t["agent"], refund)["links"]] == [(no, "logistics_refund")]

    def test_the_buyer_reopens_what_was_not_solved_and_withdraws_what_solved_itself(self, world, client):
        t = setup(world)
        on_its_way(world, "T2")
        no = register(client, t["buyer"], order_no="T2")["no"]
        queried(client, t["agent"], no)
        act(client, t["agent"], no, "resolve", outcome="delivered", message="快递显示已签收")
        case = act(client, t["buyer"], no, "reopen", message="我没有收到，是别人签收的")
        assert (case["status"], case["outcome"], case["resolution"]) == ("querying", None, None)
        case = act(client, t["buyer"], no, "withdraw", note="邻居代收了")
        assert case["status"] == "withdrawn"
        # the parcel may be registered again once nothing is open about it
        assert register(client, t["agent"], order_no="T2")["status"] == "querying"


class TestRefusals:
    def test_a_parcel_must_be_known_and_one_open_case_serves_it(self, world, client):
        t = setup(world)
        world.order("T4")  # not shipped: no parcel on record
        assert register(client, t["agent"], expect=422, order_no="T4")["error"]["code"] == "tracking_required"
        refused = register(client, t["agent"], expect=422, store="S1", tracking_no="YT123")
        assert refused["error"]["code"] == "carrier_required"
        on_its_way(world, "T2")
        assert register(client, t["agent"], expect=422, order_no="T2", skus=["NOPE"])["error"]["code"] == \
            "sku_not_in_order"
        assert client.get("/api/v1/cases?type=logistics", headers=auth(t["agent"])).json()["items"] == []
        first = register(client, t["agent"], order_no="T2")["no"]
        refused = register(client, t["buyer"], expect=409, order_no="T2")
        assert refused["error"]["code"] == "logistics_case_open" and refused["error"]["details"]["case"] == first
        assert len(client.get("/api/v1/cases?type=logistics", headers=auth(t["agent"])).json()["items"]) == 1

    def test_a_report_needs_its_evidence_and_its_facts(self, world, client):
        t = setup(world)
        world.order("T5")  # no shipment on record: the ship day must be given
        no = register(client, t["agent"], order_no="T5", carrier="YTO", tracking_no="YT5")["no"]
        before = get(client, t["agent"], no)
        photos_missing = act(client, t["agent"], no, "report_damage", expect=422, agent_id="851",
                             shipped_on="2026-11-19", **REPORT)["error"]
        assert (photos_missing["code"], photos_missing["details"]["field"]) == ("evidence_missing", "damage_photos")
        waybill = act(client, t["agent"], no, "report_loss", expect=422, agent_id="851", shipped_on="2026-11-19",
                      **{**REPORT, "waybill_copy": []})["error"]
        assert (waybill["code"], waybill["details"]["items"]) == ("evidence_missing", "waybill_copy")
        unstated = act(client, t["agent"], no, "report_loss", expect=422, **REPORT)["error"]
        assert (unstated["code"], unstated["details"]["fields"]) == ("report_incomplete", "agent_id, shipped_on")
        zero = act(client, t["agent"], no, "report_loss", expect=422, agent_id="851", shipped_on="2026-11-19",
                   goods_value="0.00", **REPORT)
        assert zero["error"]["code"] == "amount_not_positive"
        future = act(client, t["agent"], no, "report_loss", expect=422, agent_id="851", shipped_on="2026-11-24",
                     **REPORT)
        assert future["error"]["code"] == "invalid_time"
        # nothing changed: no report, no timer, no event, the same version
        after = get(client, t["agent"], no)
        assert (after["version"], after["status"], after["report"], after["next_deadline"]) == (
            before["version"], "querying", None, None)
        assert [e["action"] for e in events(client, t["agent"], no)] == ["register"]

    def test_an_outcome_takes_what_it_needs_and_nothing_else(self, world, client):
        t = setup(world)
        delivered(world, "T1")
        on_its_way(world, "T2")
        no = register(client, t["agent"], order_no="T1")["no"]
        other = apply(client, t["buyer"], "T2", type="refund_only", reason="missing_parts")["no"]
        question = world.consultation("agent-S1", order_no="T1")
        version = get(client, t["agent"], no)["version"]
        for fields, code in (({"outcome": "reshipped"}, "reship_tracking_required"),
                             ({"outcome": "reshipped", "tracking_no": "SFT1"}, "reship_tracking_required"),
                             ({"outcome": "delivered", "tracking_no": "SF9"}, "not_for_outcome"),
                             ({"outcome": "refunded"}, "refund_case_required"),
                             ({"outcome": "refunded", "case_no": question}, "not_a_refund_case"),
                             ({"outcome": "refunded", "case_no": other}, "case_not_of_order"),
                             ({"outcome": "compensated"}, "compensation_not_recorded")):
            refused = act(client, t["agent"], no, "resolve", expect=422, message="处理结果", **fields)
            assert refused["error"]["code"] == code, (fields, refused)
        case = get(client, t["agent"], no)
        assert (case["version"], case["status"], case["outcome"], case["links"]) == (version, "querying", None, [])

    def test_a_query_is_not_dated_in_the_future_nor_a_payment_zero(self, world, client):
        t = setup(world)
        on_its_way(world, "T2")
        no = register(client, t["agent"], order_no="T2")["no"]
        refused = act(client, t["agent"], no, "log_query", expect=422, agent_id="851", query_result="x",
                      queried_at="2026-11-23T11:00:00+08:00")
        assert (refused["error"]["code"], refused["error"]["details"]["field"]) == ("invalid_time", "queried_at")
        # a call made earlier is logged at its time, in its place
        queried(client, t["agent"], no, agent_id="2", queried_at="2026-11-23T09:00:00+08:00")
        case = queried(client, t["agent"], no, agent_id="1", queried_at="2026-11-22T09:00:00+08:00")
        assert [(q["agent_id"], q["at"]) for q in case["queries"]] == [
            ("1", "2026-11-22T09:00:00+08:00"), ("2", "2026-11-23T09:00:00+08:00")]
        # queries that told the customer nothing have not answered them
        assert {c["target"]: c["status"] for c in case["sla"]}["first_response"] == "running"
        # no claim before a report
        assert error(client.post(f"/api/v1/cases/{no}/transitions", headers=auth(t["finance"]), json={
            "action": "record_carrier_compensation", "version": case["version"], "amount": "10.00"})) == \
            "invalid_transition"
        act(client, t["agent"], no, "report_loss", **REPORT)
        version = get(client, t["agent"], no)["version"]
        refused = act(client, t["finance"], no, "record_carrier_compensation", expect=422, amount="0.00")
        assert refused["error"]["code"] == "amount_not_positive"
        case = get(client, t["agent"], no)
        assert (case["version"], case["claim"]["answer"]) == (version, "pending")

    def test_who_may_do_what(self, world, client):
        t = setup(world)
        on_its_way(world, "T2")
        no = register(client, t["buyer"], order_no="T2")["no"]
        act(client, t["buyer"], no, "log_query", expect=403, agent_id="1", query_result="x")
        act(client, t["finance"], no, "report_loss", expect=403, agent_id="1", shipped_on="2026-11-19", **REPORT)
        act(client, t["technician"], no, "log_query", expect=403, agent_id="1", query_result="x")
        assert get(client, t["agent"], no)["status"] == "querying"


class TestWhatTheBuyerReads:
    def test_that_a_report_was_made_but_not_its_evidence_nor_the_claim(self, world, client):
        t = setup(world)
        on_its_way(world, "T2")
        no = register(client, t["buyer"], order_no="T2")["no"]
        queried(client, t["agent"], no, message="正在为您查件")
        act(client, t["agent"], no, "report_loss", **REPORT)
        act(client, t["agent"], no, "note", note="网点负责人态度很差")
        act(client, t["finance"], no, "record_carrier_compensation", amount="150.00")
        seen = get(client, t["buyer"], no)
        assert seen["report"]["condition"] == "lost" and seen["report"]["reported_at"]
        assert all(seen["report"][k] is None for k in ("reported_by", "agent_id", "goods_value", "evidence",
                                                       "delivery_area", "shipped_on"))
        assert (seen["claim"], seen["recorded_by"]) == (None, None)
        # the query's result and message are for the buyer; the name of whoever called is not
        assert [(q["query_result"], q["message"], q["by"]) for q in seen["queries"]] == [
            ("网点称包裹在转运中心滞留", "正在为您查件", None)]
        row = next(r for r in client.get("/api/v1/cases?type=logistics", headers=auth(t["buyer"])).json()["items"]
                   if r["no"] == no)
        assert (row["condition"], row["compensation"]) == ("lost", None)
        timeline = client.get(f"/api/v1/cases/{no}/events", headers=auth(t["buyer"]))
        assert [e["action"] for e in timeline.json()["items"]] == ["register", "log_query"]
        for secret in ("sender-id.jpg", "150.00", "网点负责人"):
            assert secret not in timeline.text and secret not in str(seen)
        # staff read it all
        staff = get(client, t["agent"], no)
        assert staff["claim"]["compensation"] == "150.00" and staff["report"]["evidence"] == EVIDENCE
