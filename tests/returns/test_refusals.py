"""Every refusal names its reason with a stable code and changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from shouhou.models import Case, CaseEvent, Refund
from tests.builders import auth
from tests.returns.helpers import SIGNED, act, apply, delivered, get, setup


def counts(world) -> tuple[int, int, int]:
    with world.db.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Case, CaseEvent, Refund))  # type: ignore


class TestApplicationRefusals:
    @pytest.mark.parametrize("type", ["return_refund", "refund_only"])
    def test_it_refuses_a_replacement_sku_on_what_is_no_exchange(self, world, client, type):
        t = setup(world)
        delivered(world, lines=[{"line_no": 1, "sku": "TSHIRT-M", "name": "T恤 M", "qty": 1, "unit_price": "99.00"}])
        before = counts(world)
        r = client.post("/api/v1/cases", json={"type": type, "order_no": "T1", "reason": "quality_issue",
                                               "lines": [{"line_no": 1, "qty": 1}], "exchange_sku": "TSHIRT-L"},
                        headers=auth(t["buyer"]))
        assert r.status_code == 422 and r.json()["error"]["code"] == "field_not_for_type", r.text
        assert r.json()["error"]["details"]["field"] == "exchange_sku"
        assert counts(world) == before

    def test_it_refuses_the_eighth_day_naming_the_rule_and_the_deadline(self, world, client, clock):
        t = setup(world)
        delivered(world)  # signed 2026-11-20 15:00: the 7th day is 11-27
        clock.set(datetime.fromisoformat("2026-11-27T23:59:00+08:00"))
        apply(client, t["buyer"], reason="no_longer_wanted")  # still the 7th day
        clock.set(datetime.fromisoformat("2026-11-28T00:00:00+08:00"))
        before = counts(world)
        r = client.post("/api/v1/cases", json={"type": "return_refund", "order_no": "T1", "reason": "no_longer_wanted",
                                               "lines": [{"line_no": 1, "qty": 1}]}, headers=auth(t["buyer"]))
        assert r.status_code == 422
        err = r.json()["error"]
        assert err["code"] == "window_expired" and err["details"]["rule"] == "CPL-25"
        assert err["details"]["until"] == "2026-11-27T23:59:59+08:00" and "2026-11-27" in err["message"]
        assert counts(world) == before

    def test_it_refuses_what_the_law_excludes(self, world, client):
        t = setup(world)
        delivered(world, "C1", lines=[{"line_no": 1, "sku": "CAKE", "name": "定制蛋糕", "qty": 1, "unit_price": "99.00",
                                       "tags": ["custom_made"]}])
        delivered(world, "S1X", channel="store")
        for order_no in ("C1", "S1X"):
            r = client.post("/api/v1/cases", json={"type": "return_refund", "order_no": order_no,
                                                   "reason": "no_longer_wanted", "lines": [{"line_no": 1, "qty": 1}]},
                            headers=auth(t["buyer"]))
            assert r.status_code == 422 and r.json()["error"]["code"] == "not_eligible", r.text
        assert counts(world) == (0, 0, 0)

    def test_it_refuses_more_units_than_are_left(self, world, client):
        t = setup(world)
        delivered(world)  # qty 2
        body = {"type": "return_refund", "order_no": "T1", "reason": "size_fit"}
        r = client.post("/api/v1/cases", json={**body, "lines": [{"line_no": 1, "qty": 3}]}, headers=auth(t["buyer"]))
        assert r.status_code == 422 and r.json()["error"]["code"] == "quantity_exceeds_refundable"
        first = apply(client, t["buyer"], reason="size_fit")
        r = client.post("/api/v1/cases", json={**body, "lines": [{"line_no": 1, "qty": 2}]}, headers=auth(t["buyer"]))
        assert r.json()["error"]["details"] == {"line_no": 1, "qty": 2, "available": 1, "total": 2}
        act(client, t["buyer"], first["no"], "cancel")
        apply(client, t["buyer"], reason="size_fit", lines=[{"line_no": 1, "qty": 2}])

    def test_it_refuses_an_unknown_reason_and_bad_fields(self, world, client):
        t = setup(world)
        delivered(world)
        r = client.post("/api/v1/cases", json={"type": "return_refund", "order_no": "T1", "reason": "bored",
                                               "lines": [{"line_no": 1, "qty": 1}]}, headers=auth(t["buyer"]))
        assert r.json()["error"]["code"] == "unknown_reason" and "no_longer_wanted" in r.json()["error"]["details"]["reasons"]
        r = client.post("/api/v1/cases", json={"type": "return_refund", "order_no": "T1", "reason": "size_fit",
                                               "lines": [{"line_no": 1, "qty": 0}], "colour": "red"},
                        headers=auth(t["buyer"]))
        assert r.status_code == 422 and r.json()["error"]["code"] == "validation_failed"
        locs = [e["loc"] for e in r.json()["error"]["details"]["errors"]]
        assert ["lines", 0, "qty"] in locs and ["colour"] in locs
        assert counts(world) == (0, 0, 0)


class TestActionRefusals:
    def test_it_refuses_raising_the_amount_or_lowering_it_without_a_reason(self, world, client):
        t = setup(world)
        delivered(world)
        no = apply(client, t["buyer"])["no"]
        raised = act(client, t["reviewer"], no, "approve", refund_amount="99.01", expect=422)
        assert raised["error"]["code"] == "amount_exceeds_refundable"
        silent = act(client, t["reviewer"], no, "approve", refund_amount="80.00", expect=422)
        assert silent["error"]["code"] == "adjustment_reason_required"
        assert get(client, t["reviewer"], no)["version"] == 1

    @pytest.mark.parametrize(("type", "action", "fields"), [
        ("return_refund", "approve", {"price_difference": "-10.00"}),  # would have been ignored: nothing refunded
        ("refund_only", "approve", {"price_difference": "10.00"}),
        ("refund_only", "approve", {"return_address": {"contact": "刘", "phone": "021", "address": "仓"}}),
        ("exchange", "approve", {"refund_shipping": True}),
        ("exchange", "approve", {"refund_vouchers": True}),
        ("return_refund", "modify", {"exchange_sku": "TSHIRT-L"}),
    ])
    def test_it_refuses_a_field_of_another_types_form_instead_of_ignoring_it(self, world, client, type, action,
                                                                               fields):
        t = setup(world)
        delivered(world, lines=[{"line_no": 1, "sku": "TSHIRT-M", "name": "T恤 M", "qty": 1, "unit_price": "99.00"}])
        no = apply(client, t["buyer"], type=type, reason="quality_issue",
                   **({"exchange_sku": "TSHIRT-L"} if type == "exchange" else {}))["no"]
        if action == "modify":
            act(client, t["reviewer"], no, "reject", reason="x")
        before = get(client, t["buyer"], no)
        who = "buyer" if action == "modify" else "reviewer"
        err = act(client, t[who], no, action, **fields, expect=422)["error"]
        assert err["code"] == "field_not_for_type" and err["details"]["field"] == next(iter(fields))
        assert next(iter(fields)) in err["message"] and type in err["message"]
        after = get(client, t["buyer"], no)
        assert (after["version"], after["status"]) == (before["version"], before["status"])

    def test_a_rejection_needs_a_reason_the_buyer_can_read_not_spaces(self, world, client):
        t = setup(world)
        delivered(world)
        no = apply(client, t["buyer"])["no"]
        err = act(client, t["reviewer"], no, "reject", reason=" \u3000 ", expect=422)["error"]
        assert err["code"] == "validation_failed" and err["details"]["errors"][0]["loc"] == ["reason"]
        case = get(client, t["buyer"], no)
        assert (case["status"], case["version"]) == ("pending_review", 1)

    def test_an_exchange_still_refuses_a_refund_amount_as_not_refundable(self, world, client):
        t = setup(world)
        delivered(world, lines=[{"line_no": 1, "sku": "TSHIRT-M", "name": "T恤 M", "qty": 1, "unit_price": "99.00"}])
        no = apply(client, t["buyer"], type="exchange", reason="quality_issue", exchange_sku="TSHIRT-L")["no"]
        err = act(client, t["reviewer"], no, "approve", refund_amount="10.00", expect=422)["error"]
        assert err["code"] == "not_refundable"

    def test_it_refuses_a_partial_decision_above_what_may_be_refunded(self, world, client):
        t = setup(world)
        delivered(world)
        no = apply(client, t["buyer"], reason="quality_issue")["no"]
        act(client, t["reviewer"], no, "reject", reason="x")
        act(client, t["buyer"], no, "escalate", reason="y")
        err = act(client, t["platform"], no, "arbitrate", decision="partial", refund_amount="120.00", expect=422)
        assert err["error"]["code"] == "amount_exceeds_refundable"

    def test_it_refuses_an_amount_with_a_whole_decision_instead_of_recording_one_and_paying_another(self, world,
                                                                                                    client):
        t = setup(world)
        delivered(world)
        no = apply(client, t["buyer"], reason="quality_issue")["no"]
        act(client, t["reviewer"], no, "reject", reason="x")
        act(client, t["buyer"], no, "escalate", reason="y")
        before = get(client, t["platform"], no)
        for decision in ("buyer", "merchant"):
            err = act(client, t["platform"], no, "arbitrate", decision=decision, refund_amount="1.00", expect=422)
            assert err["error"]["code"] == "refund_amount_not_allowed" and decision in err["error"]["message"]
        after = get(client, t["platform"], no)
        assert (after["status"], after["version"], after["arbitration"]) == (
            "in_arbitration", before["version"], before["arbitration"])

    def test_it_refuses_the_wrong_role_state_and_payload(self, world, client):
        t = setup(world)
        delivered(world)
        no = apply(client, t["buyer"])["no"]
        assert act(client, t["buyer"], no, "approve", expect=403)["error"]["code"] == "forbidden"
        assert act(client, t["finance"], no, "approve_refund", expect=409)["error"]["code"] == "invalid_transition"
        assert act(client, t["reviewer"], no, "reject", expect=422)["error"]["code"] == "validation_failed"
        # The payload is checked first: a bad one is refused as such, whatever the state.
        assert act(client, t["warehouse"], no, "receive", result="maybe", expect=422)["error"]["code"] == "validation_failed"
        assert act(client, t["warehouse"], no, "receive", result="accepted", expect=409)["error"]["code"] == "invalid_transition"
        other = world.user("other", "customer", "S1", customer="u9999")
        r = client.post(f"/api/v1/cases/{no}/transitions", json={"action": "cancel", "version": 1},
                        headers=auth(other))
        assert r.status_code == 404 and r.json()["error"]["code"] == "case_not_found"
        assert get(client, t["buyer"], no)["version"] == 1


class TestPolicyRefusals:
    def test_it_refuses_a_policy_below_the_law_and_unknown_fields(self, world, client):
        t = setup(world)
        r = client.put("/api/v1/stores/S1/policy", json={"no_reason_return_days": 5}, headers=auth(t["admin"]))
        err = r.json()["error"]
        assert r.status_code == 422 and err["code"] == "policy_below_statutory"
        assert (err["details"]["rule"], err["details"]["field"], err["details"]["minimum"]) == (
            "CPL-25", "no_reason_return_days", 7)
        r = client.put("/api/v1/stores/S1/policy", json={"return_window": 30}, headers=auth(t["admin"]))
        assert r.json()["error"]["code"] == "unknown_policy_field"
        r = client.put("/api/v1/stores/S1/policy", json={"no_reason_return_days": 15}, headers=auth(t["reviewer"]))
        assert r.status_code == 403
        assert client.get("/api/v1/stores/S1/policy", headers=auth(t["admin"])).json()["version"] == 0

    def test_it_lets_a_generous_store_extend_the_window(self, world, client, clock):
        t = setup(world)
        delivered(world)
        client.put("/api/v1/stores/S1/policy", json={"no_reason_return_days": 15}, headers=auth(t["admin"]))
        clock.set(SIGNED + timedelta(days=14))
        case = apply(client, t["buyer"])
        assert any(b["rule"] == "STORE" for b in case["eligibility"]["lines"]["1"]["basis"])
