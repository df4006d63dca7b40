"""三包 escalation (SPEC §5, §7): a unit still failing after two repairs of the same fault, or a
repair beyond the time limit, qualifies for an exchange or a return; the case says so with the rule
and opens the linked case (SQLite and PostgreSQL)."""

from __future__ import annotations

from tests.builders import auth
from tests.repairs.helpers import SIGNATURE, act, get, register, setup
from tests.units.helpers import appliance_order


def repaired_once(world, client, t) -> str:
    """WM-1, sold on order A1 and delivered 2026-11-20, repaired on site for noise on 2027-01-11."""
    appliance_order(world, "A1", serials=["WM-1"])
    world.clock.advance(days=49)  # 2027-01-11, a Monday: past the 7- and 15-day windows
    first = register(client, t["agent"], order_no="A1", fault="有异响", fault_code="noise")
    assert first["entitlements"] == []
    act(client, t["supervisor"], first["no"], "dispatch", technician="technician-S1", window=window_on("2027-01-12"))
    act(client, t["technician"], first["no"], "check_in")
    act(client, t["technician"], first["no"], "complete_onsite", fault_code="noise", diagnosis="紧固螺丝",
        signature=SIGNATURE)
    return first["no"]


def window_on(day: str, hour: int = 10) -> dict[str, str]:
    return {"start": f"{day}T{hour:02d}:00:00+08:00", "end": f"{day}T{hour + 2:02d}:00:00+08:00"}


class TestSecondRepairOfTheSameFault:
    def test_it_proposes_an_exchange_when_the_second_repair_does_not_cure_it(self, world, client):
        t = setup(world, client)
        first = repaired_once(world, client, t)
        world.clock.advance(days=20)
        second = register(client, t["agent"], serial="WM-1", fault="仍有异响", fault_code="noise")
        no = second["no"]
        assert second["rework"] is True and second["entitlements"] == []
        act(client, t["supervisor"], no, "dispatch", technician="technician-S1", window=window_on("2027-02-01"))
        act(client, t["technician"], no, "check_in")
        act(client, t["technician"], no, "take_in", signature=SIGNATURE)
        act(client, t["technician"], no, "start_repair")
        case = act(client, t["technician"], no, "finish_repair", result="not_fixable", fault_code="noise",
                   diagnosis="电机轴承磨损，无法修复")
        # repaired twice for the same fault within the 三包 period and still failing: SANBAO-11
        remedies = {e["remedy"]: e for e in case["entitlements"]}
        assert set(remedies) == {"exchange", "return_refund"}
        assert "SANBAO-11" in [b["rule"] for b in remedies["exchange"]["basis"]]
        assert remedies["return_refund"]["deductions"][0]["kind"] == "depreciation"
        names = [a["name"] for a in case["available_actions"]]
        assert "propose_exchange" in [a["name"] for a in get(client, t["supervisor"], no)["available_actions"]]
        assert "propose_exchange" not in names  # the technician may not
        case = act(client, t["supervisor"], no, "propose_exchange", note="客户同意换新")
        (link,) = [x for x in case["links"] if x["kind"] == "sanbao_exchange"]
        assert (link["type"], link["status"], link["direction"]) == ("exchange", "pending_review", "to")
        exchange = get(client, t["agent"], link["case"])
        assert exchange["reason"] == "quality_issue" and exchange["quality_problem"] is True
        assert exchange["shipping_responsibility"] == {"return": "merchant", "outbound": "merchant"}
        assert exchange["links"] == [{"case": no, "type": "repair", "status": "qc", "kind": "sanbao_exchange",
                                      "direction": "from"}]
        # offered once only
        assert "propose_exchange" not in [a["name"] for a in get(client, t["supervisor"], no)["available_actions"]]
        assert first != no

    def test_it_offers_nothing_for_a_different_fault(self, world, client):
        t = setup(world, client)
        repaired_once(world, client, t)
        no = register(client, t["agent"], serial="WM-1", fault="不排水", fault_code="drain", mode="carry_in")["no"]
        act(client, t["agent"], no, "receive_unit")
        act(client, t["technician"], no, "start_repair")
        case = act(client, t["technician"], no, "finish_repair", result="not_fixable", fault_code="drain")
        assert case["entitlements"] == []
        r = act(client, t["supervisor"], no, "propose_exchange", expect=409)
        assert r["error"]["code"] == "invalid_transition"


class TestRepairBeyondTheTimeLimit:
    def test_it_offers_an_exchange_once_a_repair_has_taken_over_30_days(self, world, client):
        t = setup(world, client)
        appliance_order(world, "A1", serials=["WM-1"])
        world.clock.advance(days=49)
        no = register(client, t["agent"], order_no="A1", mode="carry_in")["no"]
        act(client, t["agent"], no, "receive_unit")
        act(client, t["technician"], no, "start_repair")
        world.clock.advance(days=30)
        assert get(client, t["supervisor"], no)["entitlements"] == []
        world.clock.advance(days=1)
        case = get(client, t["supervisor"], no)
        rules = {b["rule"] for e in case["entitlements"] for b in e["basis"]}
        assert "SANBAO-12" in rules
        case = act(client, t["supervisor"], no, "propose_return")
        (link,) = case["links"]
        assert (link["type"], link["kind"]) == ("return_refund", "sanbao_return")

    def test_it_waits_90_days_when_the_maker_supplies_no_parts(self, world, client):
        t = setup(world, client)
        appliance_order(world, "A1", serials=["WM-1"])
        world.clock.advance(days=49)
        no = register(client, t["agent"], order_no="A1", mode="carry_in")["no"]
        act(client, t["agent"], no, "receive_unit")
        act(client, t["technician"], no, "start_repair")
        act(client, t["technician"], no, "wait_parts", note="等主板，厂家缺货")
        world.clock.advance(days=60)
        assert get(client, t["supervisor"], no)["entitlements"] == []
        world.clock.advance(days=31)
        case = get(client, t["supervisor"], no)
        assert "SANBAO-12" in {b["rule"] for e in case["entitlements"] for b in e["basis"]}
        assert case["repair_card"]["waiting_for_parts_since"] is not None

    def test_it_refuses_a_proposal_for_a_unit_sold_elsewhere(self, world, client):
        t = setup(world, client)
        r = client.post("/api/v1/units", json={"store": "S1", "serial": "X-1", "model": "WM-10KG",
                                               "customer": "u1001", "tags": ["sanbao"], "warranty_months": 12,
                                               "delivered_at": "2026-11-21T10:00:00+08:00"}, headers=auth(t["agent"]))
        assert r.status_code == 201
        case = register(client, t["agent"], serial="X-1")
        assert {e["remedy"] for e in case["entitlements"]} == {"exchange", "return_refund"}  # 2 days after delivery
        names = [a["name"] for a in case["available_actions"]]
        assert "propose_exchange" not in names  # no sale on record to exchange against
