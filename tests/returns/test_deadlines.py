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
    def test_it_treats_an_unconfirmed_parcel_as_received_then_refunds_by_the_statutory_deadline(
            self, world, client, settings, clock):
        t = setup(world)
        delivered(world)
        no = apply(client, t["buyer"])["no"]
        act(client, t["reviewer"], no, "approve")
        act(client, t["buyer"], no, "ship_return", carrier="SF", tracking_no="SF9")
        assert sweep(world, settings, clock, days=10, seconds=1).fired == 1
        case = get(client, t["buyer"], no)
        assert (case["status"], case["receive_result"]) == ("pending_refund", "accepted")
        assert case["next_deadline"]["action"] == "approve_refund"
        assert sweep(world, settings, clock, days=7, seconds=1).fired == 1
        case = get(client, t["buyer"], no)
        assert (case["status"], case["refunded_amount"]) == ("completed", "99.00")


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
