"""维权 after 交易成功 (issue 22, item 10; seed 000): "确认收货>确认放款>交易成功, 之日起15日之内
'申请售后'。超出期限的, 维权通道关闭。除非, 该商品属于三包产品"."""

from __future__ import annotations

from datetime import datetime

from shouhou.engine.sweep import run_due
from tests.builders import auth
from tests.returns.helpers import act, apply, delivered, events, get, setup

COMPLETED = datetime.fromisoformat("2026-11-21T12:00:00+08:00")  # two days before the clock's T0


def open_dispute(client, token: str, order_no: str, expect: int = 201, **body):
    r = client.post("/api/v1/cases", headers=auth(token), json={
        "type": "dispute", "order_no": order_no, "description": "交易成功后发现衣服开线，商家不处理", **body})
    assert r.status_code == expect, r.text
    return r.json()


class TestOpening:
    def test_within_15_days_of_completion_the_buyer_opens_one_and_both_sides_give_evidence(self, world, client):
        t = setup(world)
        delivered(world, "W1", completed_at=COMPLETED)
        case = open_dispute(client, t["buyer"], "W1", amount="50.00", photos=["https://img.example.com/seam.jpg"])
        assert (case["type"], case["status"]) == ("dispute", "open")
        assert case["window"]["until"] == "2026-12-06T23:59:59+08:00"  # the 15th day after 11-21, to its end
        assert case["window"]["rule"] == "PLATFORM-AFTERSALES-15"
        assert case["next_deadline"]["action"] == "to_review"
        no = case["no"]
        # the merchant answers with its evidence; the buyer adds more
        case = act(client, t["reviewer"], no, "respond", note="已按约发货，开线属人为", photos=["https://img.example.com/qc.jpg"])
        assert case["status"] == "in_review"
        case = act(client, t["buyer"], no, "add_evidence", note="收到即开线", photos=["https://img.example.com/unbox.jpg"])
        assert [(e["side"], e["note"]) for e in case["evidence"]] == [
            ("buyer", "交易成功后发现衣服开线，商家不处理"), ("merchant", "已按约发货，开线属人为"), ("buyer", "收到即开线")]
        # the merchant may not decide; the platform does, as it arbitrates
        assert act(client, t["reviewer"], no, "decide", decision="merchant", note="x", expect=403)
        case = act(client, t["platform"], no, "decide", decision="partial", refund_amount="30.00",
                   note="质量瑕疵存在，部分支持")
        assert case["status"] == "decided"
        assert {k: case["decision"][k] for k in ("decision", "refund_amount", "by")} == {
            "decision": "partial", "refund_amount": "30.00", "by": "platform-S1"}
        seen = get(client, t["buyer"], no)
        assert seen["decision"]["note"] == "质量瑕疵存在，部分支持"
        assert [e["action"] for e in events(client, t["buyer"], no)] == [
            "open_dispute", "respond", "add_evidence", "decide"]

    def test_it_refuses_to_open_one_asking_more_than_was_paid(self, world, client):
        t = setup(world)
        delivered(world, "W1", completed_at=COMPLETED)
        paid = client.get("/api/v1/orders/W1", headers=auth(t["buyer"])).json()["payment"]["amount"]
        r = client.post("/api/v1/cases", headers=auth(t["buyer"]) | {"Accept-Language": "en"}, json={
            "type": "dispute", "order_no": "W1", "description": "开线", "amount": "99999.00"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "amount_exceeds_refundable", r.text
        assert r.json()["error"]["message"] == f"99999.00 is more than was paid for the order ({paid})"
        assert client.get("/api/v1/cases?type=dispute", headers=auth(t["buyer"])).json()["items"] == []
        assert open_dispute(client, t["buyer"], "W1", amount=paid)["requested_amount"] == paid

    def test_past_15_days_the_channel_is_closed(self, world, client):
        t = setup(world)
        delivered(world, "W2", completed_at=datetime.fromisoformat("2026-11-01T12:00:00+08:00"))
        refused = open_dispute(client, t["buyer"], "W2", expect=422)
        assert refused["error"]["code"] == "window_expired"
        assert refused["error"]["details"]["until"] == "2026-11-16T23:59:59+08:00"
        assert refused["error"]["details"]["rule"] == "PLATFORM-AFTERSALES-15"
        zh = client.post("/api/v1/cases", headers=auth(t["buyer"], "zh"), json={
            "type": "dispute", "order_no": "W2", "description": "x"}).json()
        assert "维权通道已关闭" in zh["error"]["message"]

    def test_a_sanbao_product_may_have_one_later_citing_its_rule(self, world, client):
        t = setup(world)
        lines = [{"line_no": 1, "sku": "FRIDGE", "name": "冰箱", "qty": 1, "unit_price": "2999.00",
                  "tags": ["sanbao"], "warranty_months": 12}]
        delivered(world, "W3", lines=lines, completed_at=datetime.fromisoformat("2026-06-01T12:00:00+08:00"))
        case = open_dispute(client, t["buyer"], "W3", remedy="repair")
        assert case["window"]["rule"] == "SANBAO-FREE-REPAIR"
        assert case["window"]["until"] == "2027-11-20T23:59:59+08:00"  # 12 months from delivery

    def test_an_order_not_completed_has_its_open_cases_escalated_instead(self, world, client):
        t = setup(world)
        delivered(world, "W4")
        assert open_dispute(client, t["buyer"], "W4", expect=422)["error"]["code"] == "not_eligible"

    def test_a_closed_case_of_an_order_never_completed_counts_from_its_closing(self, world, client, settings, clock):
        t = setup(world)
        delivered(world, "W5")
        no = apply(client, t["buyer"], "W5")["no"]
        act(client, t["reviewer"], no, "reject", reason="不符合")
        assert open_dispute(client, t["buyer"], "W5", case_no=no, expect=409)["error"]["code"] == "case_still_open"
        clock.advance(days=7, seconds=1)
        run_due(world.db, settings, clock.now())  # the buyer did not modify: closed
        assert get(client, t["buyer"], no)["status"] == "closed"
        case = open_dispute(client, t["buyer"], "W5", case_no=no)
        assert case["about_case"] == no and case["window"]["until"] == "2026-12-15T23:59:59+08:00"
        # one open dispute per order
        assert open_dispute(client, t["buyer"], "W5", case_no=no, expect=409)["error"]["code"] == "dispute_open"


class TestDeadlines:
    def test_it_goes_to_the_platform_when_the_merchant_does_not_answer(self, world, client, settings, clock):
        t = setup(world)
        delivered(world, "W6", completed_at=COMPLETED)
        no = open_dispute(client, t["buyer"], "W6")["no"]
        clock.advance(days=3, seconds=1)
        assert run_due(world.db, settings, clock.now()).fired == 1
        case = get(client, t["platform"], no)
        assert case["status"] == "in_review" and case["next_deadline"]["action"] == "decision_overdue"
        clock.advance(days=7, seconds=1)
        run_due(world.db, settings, clock.now())
        assert get(client, t["platform"], no)["priority"] == "urgent"

    def test_the_buyer_may_withdraw(self, world, client):
        t = setup(world)
        delivered(world, "W7", completed_at=COMPLETED)
        no = open_dispute(client, t["buyer"], "W7")["no"]
        assert act(client, t["buyer"], no, "withdraw")["status"] == "withdrawn"
