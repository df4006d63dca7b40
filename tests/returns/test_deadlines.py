"""Every refund/return/exchange deadline fires exactly when the store policy says, once."""

from __future__ import annotations

from typer.testing import CliRunner

from shouhou.config import get_settings
from shouhou.engine.sweep import run_due
from tests.builders import auth
from tests.returns.helpers import act, apply, delivered, events, get, setup


def sweep(world, settings, clock, **delta):
    """Move the clock on and fire whatever is due then."""
    clock.advance(**delta)
    return run_due(world.db, settings, clock.now())


class TestReviewTimeout:
    def test_it_auto_approves_after_48_hours_as_the_system(self, world, client, settings, clock):
        t = setup(world)
        delivered(world)
        case = apply(client, t["buyer"])
        assert case["next_deadline"]["at"] == "2026-11-25T10:00:00+08:00"
        assert case["next_deadline"]["action"] == "approve"
        english = client.get(f"/api/v1/cases/{case['no']}", headers=auth(t["buyer"], "en")).json()
        assert english["next_deadline"]["effect"] == "auto-approved when the review is overdue"
        assert sweep(world, settings, clock, hours=47, minutes=59).fired == 0
        assert sweep(world, settings, clock, minutes=1).fired == 1
        after = get(client, t["buyer"], case["no"])
        assert after["status"] == "awaiting_return" and after["reviewed_by"] is None
        assert events(client, t["reviewer"], case["no"])[-1]["actor"] == "system"
        assert after["next_deadline"]["action"] == "close"

    def test_it_never_fires_once_the_reviewer_decided(self, world, client, settings, clock):
        t = setup(world)
        delivered(world)
        no = apply(client, t["buyer"])["no"]
        act(client, t["reviewer"], no, "reject", reason="不符合")
        assert sweep(world, settings, clock, hours=49).fired == 0
        assert [e["action"] for e in events(client, t["reviewer"], no)] == ["apply", "reject"]


class TestBuyerDeadlines:
    def test_it_closes_when_the_buyer_does_not_ship_within_7_days(self, world, client, settings, clock):
        t = setup(world)
        delivered(world)
        no = apply(client, t["buyer"])["no"]
        act(client, t["reviewer"], no, "approve")
        assert get(client, t["buyer"], no)["next_deadline"]["at"] == "2026-11-30T10:00:00+08:00"
        assert sweep(world, settings, clock, days=7, seconds=1).fired == 1
        case = get(client, t["buyer"], no)
        assert case["status"] == "closed" and case["closed_at"] is not None
        lines = client.get("/api/v1/orders/T1/after-sales", headers=auth(t["agent"])).json()["lines"]
        assert (lines[0]["held_qty"], lines[0]["available_qty"]) == (0, 2)  # a closed case releases its units

    def test_it_closes_a_rejection_the_buyer_leaves_for_7_days(self, world, client, settings, clock):
        t = setup(world)
        delivered(world)
        no = apply(client, t["buyer"])["no"]
        act(client, t["reviewer"], no, "reject", reason="x")
        sweep(world, settings, clock, days=7, seconds=1)
        assert get(client, t["buyer"], no)["status"] == "closed"

    def test_it_completes_an_exchange_the_buyer_does_not_confirm(self, world, client, settings, clock):
        t = setup(world)
        delivered(world)
        no = apply(client, t["buyer"], type="exchange", reason="size_fit")["no"]
        for who, action, fields in (("reviewer", "approve", {}), ("buyer", "ship_return", {"carrier": "SF", "tracking_no": "1"}),
                                    ("warehouse", "receive", {"result": "accepted"}),
                                    ("warehouse", "reship", {"carrier": "SF", "tracking_no": "2"})):
            act(client, t[who], no, action, **fields)
        assert sweep(world, settings, clock, days=9).fired == 0
        assert sweep(world, settings, clock, days=1, seconds=1).fired == 1
        assert get(client, t["buyer"], no)["status"] == "completed"


class TestMerchantDeadlines:
    """Seeds 001/004: "商家需要在十日内确认是否有收到货品" — else the refund is made, at the deadline
    (issue 22, items 5 and 6: formerly the parcel was "received" by the system, stock was booked
    for goods nobody had, and the money moved only 7 days later)."""

    def test_the_refund_is_made_at_the_receipt_deadline_without_booking_stock(self, world, client, settings, clock):
        t = setup(world)
        delivered(world)
        no = apply(client, t["buyer"])["no"]
        act(client, t["reviewer"], no, "approve")
        act(client, t["buyer"], no, "ship_return", carrier="SF", tracking_no="SF9")
        assert get(client, t["buyer"], no)["next_deadline"]["action"] == "receipt_overdue"
        assert sweep(world, settings, clock, days=10, seconds=-1).fired == 0
        assert sweep(world, settings, clock, seconds=1).fired == 1
        # then the money moved at day 10, as the system, and nothing was booked in
        case = get(client, t["buyer"], no)
        assert (case["status"], case["refunded_amount"], case["received_at"]) == ("completed", "99.00", None)
        assert case["receipt_overdue_at"] == "2026-12-03T10:00:00+08:00"
        assert events(client, t["reviewer"], no)[-1]["actor"] == "system"
        moves = client.get("/api/v1/stock-movements", headers=auth(t["warehouse"])).json()["items"]
        assert moves == []
        # and the warehouse sees it on its exceptions list until the parcel is received and inspected
        listed = client.get("/api/v1/warehouse/exceptions", headers=auth(t["warehouse"])).json()["items"]
        assert [(x["no"], x["return_tracking_no"]) for x in listed] == [(no, "SF9")]
        case = act(client, t["warehouse"], no, "receive", result="accepted", note="晚到")
        assert (case["status"], case["receive_result"]) == ("completed", "accepted")
        moves = client.get("/api/v1/stock-movements", headers=auth(t["warehouse"])).json()["items"]
        assert [(m["kind"], m["operator"]) for m in moves] == [("return_in", "warehouse-S1")]
        assert client.get("/api/v1/warehouse/exceptions", headers=auth(t["warehouse"])).json()["items"] == []
        assert "receive" not in [a["name"] for a in get(client, t["warehouse"], no)["available_actions"]]

    def test_an_exchange_goes_on_to_the_replacement_at_the_receipt_deadline(self, world, client, settings, clock):
        t = setup(world)
        delivered(world)
        no = apply(client, t["buyer"], type="exchange", reason="quality_issue", photos=["https://img.example.com/p.jpg"])["no"]
        act(client, t["reviewer"], no, "approve")
        act(client, t["buyer"], no, "ship_return", carrier="SF", tracking_no="SFX")
        assert sweep(world, settings, clock, days=10, seconds=1).fired == 1
        case = get(client, t["warehouse"], no)
        assert (case["status"], case["received_at"]) == ("pending_reship", None)
        assert {"receive", "reship"} <= {a["name"] for a in case["available_actions"]}
        assert client.get("/api/v1/stock-movements", headers=auth(t["warehouse"])).json()["items"] == []
        case = act(client, t["warehouse"], no, "reship", carrier="SF", tracking_no="R1")
        case = act(client, t["warehouse"], no, "receive", result="accepted")
        assert case["status"] == "reshipped"
        kinds = sorted(m["kind"] for m in client.get("/api/v1/stock-movements", headers=auth(t["warehouse"])).json()["items"])
        assert kinds == ["aftersales_out", "exchange_in"]


class TestReshipDeadline:
    """Item 7: 待换货 has a deadline too (SPEC §4.7): `reship_days`, 3 by default (seed 001's 72 h)."""

    def test_a_late_replacement_is_escalated_and_the_buyer_may_take_a_refund(self, world, client, settings, clock):
        t = setup(world)
        delivered(world)
        no = apply(client, t["buyer"], type="exchange", reason="size_fit", exchange_sku="TSHIRT-L",
                   photos=["https://img.example.com/p.jpg"])["no"]
        for who, action, fields in (("reviewer", "approve", {}),
                                    ("buyer", "ship_return", {"carrier": "SF", "tracking_no": "1"}),
                                    ("warehouse", "receive", {"result": "accepted"})):
            act(client, t[who], no, action, **fields)
        case = get(client, t["buyer"], no)
        assert case["next_deadline"]["action"] == "reship_overdue"
        assert case["next_deadline"]["at"] == "2026-11-26T10:00:00+08:00"
        assert "refund_instead" not in [a["name"] for a in case["available_actions"]]
        assert sweep(world, settings, clock, days=3, seconds=1).fired == 1
        # then a supervisor has it, urgently, and the buyer is told
        case = get(client, t["supervisor"], no)
        assert (case["status"], case["priority"], case["assignee"]) == ("pending_reship", "urgent", "supervisor-S1")
        told = events(client, t["buyer"], no)[-1]
        assert told["action"] == "reship_overdue" and "退款" in told["payload"]["message_zh"]
        # and the buyer may take a refund instead: the exchange closes, a linked refund goes to finance
        case = act(client, t["buyer"], no, "refund_instead")
        assert case["status"] == "closed" and case["refund_case"]
        refund = get(client, t["buyer"], case["refund_case"])
        assert (refund["type"], refund["status"], refund["refund_amount"], refund["instead_of"]) == (
            "return_refund", "pending_refund", "99.00", no)
        assert act(client, t["finance"], refund["no"], "approve_refund")["refunded_amount"] == "99.00"

    def test_the_store_sets_the_reship_deadline(self, world, client, settings, clock):
        t = setup(world)
        delivered(world)
        assert client.put("/api/v1/stores/S1/policy", json={"reship_days": 1},
                          headers=auth(t["admin"])).status_code == 200
        bad = client.put("/api/v1/stores/S1/policy", json={"reship_days": 0}, headers=auth(t["admin"]))
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_policy"
        no = apply(client, t["buyer"], type="exchange", reason="size_fit", photos=["https://img.example.com/p.jpg"])["no"]
        for who, action, fields in (("reviewer", "approve", {}),
                                    ("buyer", "ship_return", {"carrier": "SF", "tracking_no": "1"}),
                                    ("warehouse", "receive", {"result": "accepted"})):
            act(client, t[who], no, action, **fields)
        assert get(client, t["buyer"], no)["next_deadline"]["at"] == "2026-11-24T10:00:00+08:00"


class TestPolicyDurations:
    def test_it_uses_the_policy_in_force_when_the_case_was_applied_for(self, world, client, settings, clock):
        t = setup(world)
        delivered(world, lines=[{"line_no": 1, "sku": "A", "name": "a", "qty": 2, "unit_price": "50.00"}])
        old = apply(client, t["buyer"])
        r = client.put("/api/v1/stores/S1/policy", json={"review_timeout_hours": 24}, headers=auth(t["admin"]))
        assert r.status_code == 200 and r.json()["version"] == 1
        new = apply(client, t["buyer"])
        assert old["next_deadline"]["at"] == "2026-11-25T10:00:00+08:00"
        assert new["next_deadline"]["at"] == "2026-11-24T10:00:00+08:00"
        assert new["policy_version_id"] is not None and old["policy_version_id"] is None
        sweep(world, settings, clock, hours=25)
        assert get(client, t["buyer"], new["no"])["status"] == "awaiting_return"
        assert get(client, t["buyer"], old["no"])["status"] == "pending_review"


class TestTimersFromTheCommandLine:
    def test_it_fires_what_is_due_at_the_given_instant(self, world, client, db, monkeypatch):
        from shouhou.cli.main import app

        t = setup(world)
        delivered(world)
        no = apply(client, t["buyer"])["no"]
        monkeypatch.setenv("SHOUHOU_DATABASE_URL", db.url)
        get_settings.cache_clear()
        try:
            early = CliRunner().invoke(app, ["timers", "run", "--as-of", "2026-11-25T09:59:00+08:00"])
            late = CliRunner().invoke(app, ["timers", "run", "--as-of", "2026-11-25T10:00:00+08:00"])
        finally:
            get_settings.cache_clear()
        assert early.exit_code == 0 and "fired 0" in early.output
        assert late.exit_code == 0 and "fired 1" in late.output, late.output
        assert get(client, t["buyer"], no)["status"] == "awaiting_return"
