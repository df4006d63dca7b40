"""The installed base and service contracts through the HTTP API (SQLite and PostgreSQL)."""

from __future__ import annotations

from shouhou.models.units import Unit
from tests.builders import auth
from tests.units.helpers import APPLIANCE, DELIVERED, appliance_order, setup


class TestUnitsFromOrders:
    def test_it_enters_every_serial_of_an_order_with_the_sale_s_facts(self, world, client):
        t = setup(world)
        appliance_order(world, "A1", serials=["WM-1", "WM-2"])
        r = client.post("/api/v1/orders/A1/units", headers=auth(t["agent"]))
        assert r.status_code == 201, r.text
        items = r.json()["items"]
        assert [u["serial"] for u in items] == ["WM-1", "WM-2"]
        unit = items[0]
        assert (unit["model"], unit["category"], unit["customer"], unit["order_no"], unit["line_no"]) == (
            "WM-10KG", "appliance", "u1001", "A1", 1)
        assert unit["delivered_at"] == DELIVERED.isoformat() and unit["source"] == "order"
        # entering them again changes nothing
        again = client.post("/api/v1/orders/A1/units", headers=auth(t["agent"])).json()["items"]
        assert [u["serial"] for u in again] == ["WM-1", "WM-2"]
        assert world.count(Unit) == 2

    def test_it_shows_the_warranty_decided_by_the_policy_engine(self, world, client):
        t = setup(world)
        appliance_order(world, "A1", serials=["WM-1"])
        client.post("/api/v1/orders/A1/units", headers=auth(t["agent"]))
        unit = client.get("/api/v1/units/WM-1", headers=auth(t["agent"])).json()
        w = unit["warranty"]
        # delivered 2026-11-20, 12 months of 三包
        assert w["covered"] is True and w["until"] == "2027-11-22T23:59:59+08:00"  # 11-20 is a Saturday in 2027
        assert "SANBAO-FREE-REPAIR" in [b["rule"] for b in w["basis"]]
        assert unit["warranty_until"] == w["until"]
        assert w["starts"] == DELIVERED.isoformat()
        # within 15 days of delivery the customer may also ask for an exchange instead
        assert "exchange" in [e["remedy"] for e in unit["entitlements"]]

    def test_it_attaches_a_hand_entered_serial_to_its_order_line(self, world, client):
        t = setup(world)
        appliance_order(world, "A1", serials=["WM-1"])
        bad = client.post("/api/v1/units", json={"serial": "XX", "order_no": "A1", "line_no": 1},
                          headers=auth(t["agent"]))
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "serial_not_on_line"
        ok = client.post("/api/v1/units", json={"serial": "WM-1", "order_no": "A1", "line_no": 1,
                                                "district": "浦东新区"}, headers=auth(t["agent"]))
        assert ok.status_code == 201 and ok.json()["district"] == "浦东新区"


class TestUnitsByHand:
    def test_it_enters_a_unit_without_an_order(self, world, client):
        t = setup(world)
        body = {"store": "S1", "serial": "AC-9", "model": "KFR-35", "name": "空调", "category": "appliance",
                "customer": "u1001", "tags": ["sanbao"], "warranty_months": 36,
                "delivered_at": "2026-01-10T10:00:00+08:00"}
        r = client.post("/api/v1/units", json=body, headers=auth(t["agent"]))
        assert r.status_code == 201, r.text
        assert r.json()["warranty"]["until"] == "2029-01-10T23:59:59+08:00"
        dup = client.post("/api/v1/units", json=body, headers=auth(t["agent"]))
        assert dup.status_code == 409 and dup.json()["error"]["code"] == "unit_exists"

    def test_it_refuses_unknown_tags_and_customers(self, world, client):
        t = setup(world)
        body = {"store": "S1", "serial": "AC-9", "model": "KFR-35"}
        r = client.post("/api/v1/units", json={**body, "tags": ["forever"]}, headers=auth(t["agent"]))
        assert r.json()["error"]["code"] == "unknown_tag"
        r = client.post("/api/v1/units", json={**body, "customer": "nobody"}, headers=auth(t["agent"]))
        assert r.status_code == 404 and r.json()["error"]["code"] == "customer_not_found"

    def test_it_refuses_a_sale_delivery_or_installation_in_the_future(self, world, client):
        t = setup(world)
        body = {"store": "S1", "serial": "AC-9", "model": "KFR-35", "tags": ["sanbao"], "warranty_months": 36}
        for field in ("invoice_at", "delivered_at", "installed_at"):  # the clock is at 2026-11-23 10:00 +08:00
            r = client.post("/api/v1/units", json={**body, field: "2199-01-10T10:00:00+08:00"},
                            headers=auth(t["agent"]) | {"Accept-Language": "en"})
            assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_time", r.text
            assert r.json()["error"]["details"]["field"] == field and r.json()["error"]["message"] == (
                f"{field} is in the future")
        assert world.count(Unit) == 0
        r = client.post("/api/v1/units", json={**body, "delivered_at": "2026-11-23T10:00:00+08:00"},
                        headers=auth(t["agent"]))
        assert r.status_code == 201, r.text

    def test_it_lets_no_one_but_staff_enter_units(self, world, client):
        t = setup(world)
        r = client.post("/api/v1/units", json={"store": "S1", "serial": "AC-9", "model": "KFR-35"},
                        headers=auth(t["finance"]))
        assert r.status_code == 403


class TestListsAndAccess:
    def test_it_lists_with_filters_and_by_warranty(self, world, client):
        t = setup(world)
        appliance_order(world, "A1", serials=["WM-1"])
        client.post("/api/v1/orders/A1/units", headers=auth(t["agent"]))
        client.post("/api/v1/units", json={"store": "S1", "serial": "OLD-1", "model": "KFR-35", "customer": "u1001",
                                           "tags": ["sanbao"], "warranty_months": 12,
                                           "delivered_at": "2024-01-10T10:00:00+08:00"}, headers=auth(t["agent"]))

        def serials(**q: object) -> list[str]:
            r = client.get("/api/v1/units", params=q, headers=auth(t["agent"]))
            assert r.status_code == 200, r.text
            return [u["serial"] for u in r.json()["items"]]

        assert serials() == ["OLD-1", "WM-1"]
        assert serials(in_warranty="true") == ["WM-1"]
        assert serials(in_warranty="false") == ["OLD-1"]
        assert serials(model="WM-10KG") == ["WM-1"]
        assert serials(order_no="A1") == ["WM-1"]
        assert serials(customer="u1001", limit=1) == ["OLD-1"]

    def test_it_shows_a_buyer_only_their_own_units(self, world, client):
        t = setup(world)
        appliance_order(world, "A1", serials=["WM-1"])
        appliance_order(world, "A2", serials=["WM-9"], customer="u1002")
        client.post("/api/v1/orders/A1/units", headers=auth(t["agent"]))
        client.post("/api/v1/orders/A2/units", headers=auth(t["agent"]))
        mine = client.get("/api/v1/units", headers=auth(t["buyer"])).json()["items"]
        assert [u["serial"] for u in mine] == ["WM-1"]
        assert client.get("/api/v1/units/WM-9", headers=auth(t["buyer"])).status_code == 404


class TestExchangeRestartsThePeriod:
    def test_it_gives_the_replacement_a_fresh_period(self, world, client):
        t = setup(world)
        client.post("/api/v1/units", json={**APPLIANCE, "serial": "OLD-1", "delivered_at": "2026-01-10T10:00:00+08:00"},
                    headers=auth(t["agent"]))
        r = client.post("/api/v1/units/OLD-1/replace", json={"new_serial": "NEW-1"}, headers=auth(t["agent"]))
        assert r.status_code == 201, r.text
        new = r.json()
        assert new["replaces"] == "OLD-1" and new["exchanged_at"] == "2026-11-23T10:00:00+08:00"
        assert new["warranty"]["until"] == "2027-11-23T23:59:59+08:00"
        assert "SANBAO-14" in [b["rule"] for b in new["warranty"]["basis"]]
        old = client.get("/api/v1/units/OLD-1", headers=auth(t["agent"])).json()
        assert old["replaced_by"] == "NEW-1"
        again = client.post("/api/v1/units/OLD-1/replace", json={"new_serial": "NEW-2"}, headers=auth(t["agent"]))
        assert again.status_code == 409 and again.json()["error"]["code"] == "unit_replaced"

    def test_it_refuses_an_exchange_before_the_unit_was_handed_over_or_in_the_future(self, world, client):
        t = setup(world)
        client.post("/api/v1/units", json={**APPLIANCE, "serial": "OLD-1", "delivered_at": "2026-01-10T10:00:00+08:00"},
                    headers=auth(t["agent"]))
        # a replacement dated 2020 would start its 三包 periods then: run out before it reached the buyer
        for at, message in [("2020-01-10T10:00:00+08:00",
                             "exchanged_at is before unit OLD-1 was handed over (2026-01-10T10:00:00+08:00)"),
                            ("2062-01-10T10:00:00+08:00", "exchanged_at is in the future")]:
            r = client.post("/api/v1/units/OLD-1/replace", json={"new_serial": "NEW-1", "exchanged_at": at},
                            headers=auth(t["agent"]) | {"Accept-Language": "en"})
            assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_time", r.text
            assert r.json()["error"]["message"] == message
        assert client.get("/api/v1/units/NEW-1", headers=auth(t["agent"])).status_code == 404
        assert client.get("/api/v1/units/OLD-1", headers=auth(t["agent"])).json()["replaced_by"] is None


class TestContracts:
    def test_it_makes_a_contract_with_its_visits(self, world, client):
        t = setup(world)
        client.post("/api/v1/units", json={**APPLIANCE, "serial": "AC-1"}, headers=auth(t["agent"]))
        body = {"store": "S1", "customer": "u1001", "serials": ["AC-1"], "starts_on": "2026-12-01",
                "ends_on": "2027-11-30", "fee": "680.00", "covers": {"parts": False},
                "visits": {"every_months": 6}, "response_hours": 8}
        r = client.post("/api/v1/contracts", json=body, headers=auth(t["agent"]))
        assert r.status_code == 201, r.text
        c = r.json()
        assert c["no"].startswith("HT20261123") and c["fee"] == "680.00" and c["response_hours"] == 8
        assert c["covers"] == {"labour": True, "parts": False, "call_out": True}
        assert [(v["serial"], v["due_on"], v["case"]) for v in c["visits"]] == [("AC-1", "2027-06-01", None)]
        assert c["valid"] is False  # starts next week
        listed = client.get("/api/v1/contracts", params={"customer": "u1001", "store": "S1"},
                            headers=auth(t["agent"])).json()["items"]
        assert [x["no"] for x in listed] == [c["no"]]
        assert client.get(f"/api/v1/contracts/{c['no']}", headers=auth(t["buyer"])).json()["no"] == c["no"]
        unit = client.get("/api/v1/units/AC-1", headers=auth(t["agent"])).json()
        assert [x["no"] for x in unit["contracts"]] == [c["no"]]

    def test_it_refuses_other_customers_units_and_visits_outside_the_period(self, world, client):
        t = setup(world)
        client.post("/api/v1/units", json={**APPLIANCE, "serial": "AC-1", "customer": "u1002"},
                    headers=auth(t["agent"]))
        base = {"store": "S1", "customer": "u1001", "serials": ["AC-1"], "starts_on": "2026-12-01",
                "ends_on": "2027-11-30"}
        r = client.post("/api/v1/contracts", json=base, headers=auth(t["agent"]))
        assert r.json()["error"]["code"] == "unit_not_customers"
        client.post("/api/v1/units", json={**APPLIANCE, "serial": "AC-2"}, headers=auth(t["agent"]))
        r = client.post("/api/v1/contracts", json={**base, "serials": ["AC-2"], "visits": {"dates": ["2028-01-01"]}},
                        headers=auth(t["agent"]))
        assert r.json()["error"]["code"] == "visit_outside_contract"
