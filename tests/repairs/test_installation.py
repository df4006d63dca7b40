"""安装调试 end to end through the HTTP API (SQLite and PostgreSQL): booked from an order or by hand,
dispatched like a repair, completed on site with the customer's signature — which starts the
unit's 三包 periods (实施条例 2024 Art. 18)."""

from __future__ import annotations

from tests.builders import auth
from tests.repairs.helpers import CONTACT, SIGNATURE, act, setup, window
from tests.units.helpers import appliance_order


def book(client, token: str, **body) -> dict:
    r = client.post("/api/v1/cases", json={"type": "installation", "contact": CONTACT, "channel": "hotline", **body},
                    headers=auth(token))
    assert r.status_code == 201, r.text
    return r.json()


class TestInstallationFromAnOrder:
    def test_it_installs_and_starts_the_三包_periods_then(self, world, client):
        t = setup(world, client)
        appliance_order(world, "A1", serials=["WM-1"], tags=["sanbao", "installation_required"])
        # given an installation booked from the order (the seller installs what it sells)
        case = book(client, t["buyer"], order_no="A1", line_no=1, channel="portal")
        no = case["no"]
        assert (case["type"], case["status"], case["service_type"]) == ("installation", "registered", "warranty")
        assert case["service_type_basis"][0]["rule"] == "SERVICE-INSTALL"
        assert case["order_no"] == "A1" and case["unit"]["serial"] == "WM-1"
        unit = client.get("/api/v1/units/WM-1", headers=auth(t["agent"])).json()
        assert unit["installed_at"] is None and unit["warranty"]["until"] is None  # not started yet
        # when it is dispatched and completed on site with the customer's signature
        act(client, t["supervisor"], no, "dispatch", technician="technician-S1", window=window(24, 14, 2))
        world.clock.advance(days=1, hours=5)  # 2026-11-24 15:00
        act(client, t["technician"], no, "check_in")
        case = act(client, t["technician"], no, "complete_onsite", labour_minutes=45, work_done="安装调试完成，试机正常",
                   signature=SIGNATURE)
        # then the unit's periods run from the installation
        assert case["status"] == "completed" and [s["purpose"] for s in case["signatures"]] == ["installation"]
        unit = client.get("/api/v1/units/WM-1", headers=auth(t["agent"])).json()
        assert unit["installed_at"] == "2026-11-24T15:00:00+08:00"
        assert unit["warranty"]["starts"] == "2026-11-24T15:00:00+08:00"
        assert unit["warranty"]["until"] == "2027-11-24T23:59:59+08:00"
        assert [(h["kind"], h["result"]) for h in unit["history"]] == [("installation", "installed")]

    def test_it_is_not_offered_quotes_or_the_workshop(self, world, client):
        t = setup(world, client)
        appliance_order(world, "A1", serials=["WM-1"], tags=["sanbao", "installation_required"])
        no = book(client, t["agent"], order_no="A1")["no"]
        act(client, t["supervisor"], no, "dispatch", technician="technician-S1", window=window())
        case = act(client, t["technician"], no, "check_in")
        names = {a["name"] for a in case["available_actions"]}
        assert "complete_onsite" in names and not names & {"take_in", "quote", "receive_unit"}
        r = act(client, t["technician"], no, "take_in", expect=422)
        assert r["error"]["code"] == "unknown_action"


class TestInstallationByHand:
    def test_it_enters_the_unit_installed_and_charges_a_paid_installation(self, world, client):
        t = setup(world, client)
        # a product bought elsewhere: paid installation, the unit entered when installed
        case = book(client, t["agent"], store="S1", customer="u1001", model="KFR-35", category="appliance")
        no = case["no"]
        assert case["service_type"] == "paid" and case["unit"]["serial"] is None
        act(client, t["supervisor"], no, "dispatch", technician="technician-S1", window=window())
        act(client, t["technician"], no, "check_in")
        case = act(client, t["technician"], no, "complete_onsite", serial="AC-NEW-1", labour_minutes=90,
                   fee_lines=[{"description": "安装费", "amount": "150.00"}, {"description": "铜管 2 米", "amount": "80.00",
                                                                          "kind": "part"}],
                   signature=SIGNATURE, collected={"amount": "230.00", "method": "alipay"})
        assert (case["status"], case["fees"]["total"], case["fees"]["paid"]) == ("completed", "230.00", "230.00")
        assert case["unit"]["serial"] == "AC-NEW-1"
        unit = client.get("/api/v1/units/AC-NEW-1", headers=auth(t["agent"])).json()
        assert (unit["customer"], unit["installed_at"], unit["source"]) == (
            "u1001", "2026-11-23T10:00:00+08:00", "installation")
