"""中差评 (SPEC §6, seed 001): log the review, analyse, contact, offer a remedy, record progress;
never pressure the buyer."""

from __future__ import annotations

from shouhou.engine.sweep import run_due
from tests.builders import auth
from tests.returns.helpers import act, delivered, error, get, setup

REVIEW = {"type": "review", "platform": "taobao", "rating": "negative", "content": "衣服洗一次就起球了，差评",
          "reviewed_at": "2026-11-22T20:15:00+08:00", "sku": "TSHIRT-M"}


def log(client, token: str, order_no: str = "T1", expect: int = 201, **body):
    r = client.post("/api/v1/cases", headers=auth(token), json={**REVIEW, "order_no": order_no, **body})
    assert r.status_code == expect, r.text
    return r.json()


class TestHandling:
    def test_a_negative_review_is_analysed_the_buyer_contacted_and_the_outcome_recorded(self, world, client, clock):
        t = setup(world)
        delivered(world, "T1")
        case = log(client, t["agent"])
        no = case["no"]
        assert (case["type"], case["status"], case["priority"], case["rating"]) == ("review", "logged", "high",
                                                                                    "negative")
        assert case["buyer"].startswith("u1001") and case["contacts_left"] == 3
        case = act(client, t["agent"], no, "analyse", cause="quality", need="希望退货或补偿", attitude="upset")
        assert (case["status"], case["cause"]) == ("analysed", "quality")
        case = act(client, t["agent"], no, "contact", channel="wangwang", message="您好，看到您的评价，非常抱歉",
                   offer="compensation", amount="10.00", answer="考虑一下")
        assert (case["status"], case["offered"], case["contacts_left"]) == ("contacting", "10.00", 2)
        assert case["contacts"][0]["amount"] == "10.00"
        assert case["next_contact_from"] == "2026-11-24T10:00:00+08:00"  # a day after, in the store's zone
        clock.advance(days=1)
        case = act(client, t["agent"], no, "contact", channel="phone", message="给您补发一件新的", offer="exchange")
        case = act(client, t["agent"], no, "record_outcome", outcome="revised", note="买家已追评好评")
        assert (case["status"], case["outcome"]) == ("closed", "revised")

    def test_the_buyer_never_sees_the_shops_handling_of_their_review(self, world, client):
        t = setup(world)
        delivered(world, "T1")
        no = log(client, t["agent"])["no"]
        assert client.get(f"/api/v1/cases/{no}", headers=auth(t["buyer"])).status_code == 404
        assert client.get("/api/v1/cases?type=review", headers=auth(t["buyer"])).json()["items"] == []

    def test_a_week_without_an_answer_closes_it_as_unreachable(self, world, client, clock):
        t = setup(world)
        delivered(world, "T1")
        no = log(client, t["agent"])["no"]
        act(client, t["agent"], no, "analyse", cause="logistics", need="快递太慢")
        case = act(client, t["agent"], no, "contact", channel="sms", message="您好，关于您的评价想和您沟通")
        assert case["next_deadline"]["action"] == "give_up"
        clock.advance(days=8)
        run_due(world.db, world.settings, clock.now())
        case = get(client, t["agent"], no)
        assert (case["status"], case["outcome"]) == ("closed", "unreachable")


class TestNeverPressure:
    def test_at_most_three_contacts_a_day_apart(self, world, client, clock):
        t = setup(world)
        delivered(world, "T1")
        no = log(client, t["agent"])["no"]
        act(client, t["agent"], no, "analyse", cause="service", need="道歉")
        act(client, t["agent"], no, "contact", channel="wangwang", message="抱歉")
        version = get(client, t["agent"], no)["version"]
        refused = act(client, t["agent"], no, "contact", expect=409, channel="phone", message="再打一次")
        assert refused["error"]["code"] == "contact_too_soon"
        assert refused["error"]["details"]["at"] == "2026-11-24T10:00:00+08:00"
        assert get(client, t["agent"], no)["version"] == version  # the refusal changed nothing
        for _ in range(2):
            clock.advance(days=1, minutes=1)
            act(client, t["agent"], no, "contact", channel="phone", message="跟进")
        clock.advance(days=2)
        assert act(client, t["agent"], no, "contact", expect=409, channel="phone",
                   message="第四次")["error"]["code"] == "contact_limit"
        assert get(client, t["agent"], no)["contacts_left"] == 0

    def test_money_only_with_a_compensation_offer(self, world, client):
        t = setup(world)
        delivered(world, "T1")
        no = log(client, t["agent"])["no"]
        act(client, t["agent"], no, "analyse", cause="price", need="差价")
        for fields in ({"offer": "compensation"}, {"offer": "gift", "amount": "5.00"}):
            refused = act(client, t["agent"], no, "contact", expect=422, channel="phone", message="x", **fields)
            assert refused["error"]["code"] == "offer_amount"


class TestRegister:
    def test_the_month_lists_reviews_by_when_they_were_written_in_the_stores_zone(self, world, client):
        t = setup(world)
        delivered(world, "T1")
        delivered(world, "T2")
        a = log(client, t["agent"])["no"]
        # 2026-11-30 23:30 in Shanghai is still November; 2026-12-01 00:10 is December
        b = log(client, t["agent"], "T2", rating="neutral", reviewed_at="2026-11-30T23:30:00+08:00")["no"]
        log(client, t["agent"], "T2", sku="OTHER", reviewed_at="2026-12-01T00:10:00+08:00")
        act(client, t["agent"], a, "analyse", cause="quality", need="退货")
        act(client, t["agent"], a, "record_outcome", outcome="kept")
        r = client.get("/api/v1/reviews/register?month=2026-11", headers=auth(t["agent"]))
        assert r.status_code == 200, r.text
        report = r.json()
        assert [i["case"] for i in report["items"]] == [a, b]
        assert (report["neutral"], report["negative"], report["ended"], report["revised"]) == (1, 1, 1, 0)
        assert report["by_cause"] == [{"cause": None, "count": 1}, {"cause": "quality", "count": 1}]
        assert client.get("/api/v1/reviews/register?month=2026-11",
                          headers=auth(t["warehouse"])).status_code == 403

    def test_one_review_of_an_item_is_handled_once(self, world, client):
        t = setup(world)
        delivered(world, "T1")
        log(client, t["agent"])
        assert log(client, t["agent"], expect=409)["error"]["code"] == "review_open"
        assert error(client.post("/api/v1/cases", headers=auth(t["buyer"]), json={**REVIEW, "order_no": "T1",
                                                                                  "sku": "X"})) == "forbidden"
