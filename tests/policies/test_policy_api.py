"""Store policies, eligibility and the holiday calendar over the API (issue 3)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.builders import auth
from tests.returns.helpers import SIGNED, apply, delivered, setup


class TestStorePolicy:
    def test_it_shows_each_field_with_its_statutory_floor(self, world, client):
        t = setup(world)
        doc = client.get("/api/v1/stores/S1/policy", headers=auth(t["reviewer"])).json()
        assert doc["version"] == 0 and doc["policy"]["no_reason_return_days"] == 7
        assert doc["policy"]["fast_refund_max"] == "0.00"
        floor = doc["statutory_floor"]["no_reason_return_days"]
        assert (floor["op"], floor["bound"], floor["rule"]) == ("at_least", 7, "CPL-25")
        assert doc["statutory_floor"]["refund_due_days"]["op"] == "at_most"

    def test_it_keeps_every_version_and_fields_left_out(self, world, client):
        t = setup(world)
        h = auth(t["admin"])
        client.put("/api/v1/stores/S1/policy", json={"no_reason_return_days": 15, "free_return_shipping": True},
                   headers=h)
        doc = client.put("/api/v1/stores/S1/policy", json={"exchange_days": 30}, headers=h).json()
        assert doc["version"] == 2
        assert (doc["policy"]["no_reason_return_days"], doc["policy"]["exchange_days"],
                doc["policy"]["free_return_shipping"]) == (15, 30, True)
        versions = client.get("/api/v1/stores/S1/policy/versions", headers=h).json()["items"]
        assert [v["version"] for v in versions] == [2, 1] and versions[0]["created_by"] == "admin-S1"
        assert doc["effective_from"].endswith("+08:00")  # in the store's zone, as every time shown

    def test_it_narrows_a_category_and_checks_the_override_against_the_law(self, world, client):
        t = setup(world)
        h = auth(t["admin"])
        bad = client.put("/api/v1/stores/S1/policy", headers=h,
                         json={"category_overrides": {"apparel": {"no_reason_return_days": 3}}})
        err = bad.json()["error"]
        assert err["code"] == "policy_below_statutory" and err["details"]["field"].startswith("category_overrides")
        good = client.put("/api/v1/stores/S1/policy", headers=h, json={
            "no_reason_return_days": 30, "category_overrides": {"apparel": {"no_reason_return_days": 7}}})
        assert good.status_code == 200
        delivered(world)  # a T-shirt: apparel keeps the 7 days although the store gives 30
        assert apply(client, t["buyer"], expect=201)
        world.clock.advance(days=6)
        r = client.post("/api/v1/cases", json={"type": "return_refund", "order_no": "T1", "reason": "size_fit",
                                               "lines": [{"line_no": 1, "qty": 1}]}, headers=auth(t["buyer"]))
        assert r.json()["error"]["code"] == "window_expired"


class TestEligibility:
    def test_it_answers_every_remedy_with_its_window_shipping_and_rule(self, world, client):
        t = setup(world)
        delivered(world, free_shipping=True)
        r = client.post("/api/v1/orders/T1/eligibility", json={"line_no": 1}, headers=auth(t["agent"]))
        doc = r.json()
        assert (doc["order_no"], doc["line_no"]) == ("T1", 1)
        by_type = {x["type"]: x for x in doc["remedies"]}
        assert set(by_type) == {"refund_only", "return_refund", "exchange", "repair"}
        ret = by_type["return_refund"]
        assert ret["allowed"] is True and ret["until"] == "2026-11-27T23:59:59+08:00"
        assert ret["shipping"] == {"outbound": "merchant", "return": "buyer"}
        assert ret["refund_due_within_days"] == 7 and any(b["rule"] == "CPL-25" for b in ret["basis"])
        for key in ("deductions", "message", "refusal_code", "needs_review"):
            assert key in ret

    def test_it_answers_as_of_a_later_instant_and_for_a_quality_problem(self, world, client):
        t = setup(world)
        delivered(world)
        later = (SIGNED + timedelta(days=10)).isoformat()
        doc = client.post("/api/v1/orders/T1/eligibility", json={"as_of": later}, headers=auth(t["agent"])).json()
        ret = {x["type"]: x for x in doc["remedies"]}["return_refund"]
        assert ret["allowed"] is False and ret["refusal_code"] == "window_expired"
        quality = client.post("/api/v1/orders/T1/eligibility", json={"as_of": later, "ground": "quality"},
                              headers=auth(t["agent"])).json()
        assert {x["type"]: x for x in quality["remedies"]}["exchange"]["allowed"] is True

    def test_it_lets_a_buyer_ask_about_their_own_order_only(self, world, client):
        t = setup(world)
        delivered(world)
        delivered(world, "T2", customer="u2002")
        assert client.post("/api/v1/orders/T1/eligibility", json={}, headers=auth(t["buyer"])).status_code == 200
        r = client.post("/api/v1/orders/T2/eligibility", json={}, headers=auth(t["buyer"]))
        assert r.status_code == 404 and r.json()["error"]["code"] == "order_not_found"


class TestCalendar:
    def test_it_says_which_years_have_built_in_holidays_and_keeps_admin_days(self, world, client):
        t = setup(world)
        h = auth(t["admin"])
        assert client.get("/api/v1/calendar/2026", headers=h).json()["built_in"] is True
        assert client.get("/api/v1/calendar/2027", headers=h).json()["built_in"] is False
        days = [{"day": "2027-01-01", "workday": False, "note": "元旦"},
                {"day": "2027-01-02", "workday": True, "note": "调休"}]
        doc = client.put("/api/v1/calendar/2027", json=days, headers=h).json()
        assert doc["days"] == days and (doc["built_in"], doc["covered"]) == (False, True)
        wrong = client.put("/api/v1/calendar/2027", json=[{"day": "2028-01-01", "workday": False}], headers=h)
        assert wrong.json()["error"]["code"] == "wrong_year"
        assert client.put("/api/v1/calendar/2027", json=days, headers=auth(t["agent"])).status_code == 403

    def test_it_refuses_a_day_given_twice_or_a_note_too_long_and_keeps_the_year_as_it_was(self, world, client):
        t = setup(world)
        h = auth(t["admin"]) | {"Accept-Language": "en"}
        kept = [{"day": "2027-01-01", "workday": False, "note": "元旦"}]
        client.put("/api/v1/calendar/2027", json=kept, headers=h)
        # a rest day and a working day at once: the last one used to win, silently
        twice = [{"day": "2027-10-01", "workday": False}, {"day": "2027-10-01", "workday": True}]
        r = client.put("/api/v1/calendar/2027", json=twice, headers=h)
        assert r.status_code == 422 and r.json()["error"]["code"] == "duplicate_day"
        assert r.json()["error"]["message"] == "2027-10-01 given more than once"
        long = client.put("/api/v1/calendar/2027", json=[{"day": "2027-10-01", "workday": False, "note": "节" * 201}],
                          headers=h)
        assert long.status_code == 422 and long.json()["error"]["code"] == "validation_failed"
        assert client.get("/api/v1/calendar/2027", headers=h).json()["days"] == kept

    def test_it_runs_a_window_ending_on_a_holiday_to_the_next_working_day(self, world, client):
        t = setup(world)
        signed = datetime.fromisoformat("2026-09-24T12:00:00+08:00")  # day 7 is 10-01, National Day
        delivered(world, signed_at=signed, shipped_at=signed - timedelta(days=1))
        doc = client.post("/api/v1/orders/T1/eligibility", json={"as_of": "2026-10-05T12:00:00+08:00"},
                          headers=auth(t["agent"])).json()
        ret = {x["type"]: x for x in doc["remedies"]}["return_refund"]
        assert ret["allowed"] is True and ret["until"] == "2026-10-08T23:59:59+08:00"
