"""Spare parts through the HTTP API (SQLite and PostgreSQL): catalogue, stock per location, every
movement a row, the reorder list, parts requests — and stock that never goes negative, even when
two technicians take the last part at the same moment."""

from __future__ import annotations

from sqlalchemy import func, select

from shouhou.models.parts import PartMovement, PartStock
from tests.builders import at_once, auth
from tests.repairs.helpers import SIGNATURE, act, get, new_unit, part, register, setup, window
from tests.web.conftest import login_form


class TestStock:
    def test_it_keeps_stock_per_location_with_every_movement(self, world, client):
        t = setup(world, client)
        p = part(client, t["warehouse"], stock={"central": 10})
        assert (p["price"], p["cost"], p["models"], p["maker"]) == ("120.00", "60.00", ["WM-10KG"], "海尔")
        move = lambda **b: client.post("/api/v1/parts/PUMP-1/movements", json={"store": "S1", **b},  # noqa: E731
                                       headers=auth(t["warehouse"]))
        r = move(location="central", qty=4, kind="transfer", to_location="van:technician-S1")
        assert r.status_code == 201, r.text
        assert {s["location"]: s["qty"] for s in r.json()["stock"]} == {"central": 6, "van:technician-S1": 4}
        r = move(location="central", qty=-1, kind="adjustment", note="盘点少一件")
        assert r.json()["on_hand"] == 9
        r = move(location="central", qty=100, kind="transfer", to_location="van:technician-S1")
        assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_stock"
        r = move(location="van:nobody", qty=1, kind="receipt")
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_location"
        kinds = [(m["kind"], m["location"], m["qty"]) for m in client.get(
            "/api/v1/parts/PUMP-1/movements", params={"store": "S1"}, headers=auth(t["warehouse"])).json()["items"]]
        assert kinds == [("adjustment", "central", -1), ("transfer", "van:technician-S1", 4),
                         ("transfer", "central", -4), ("receipt", "central", 10)]

    def test_it_lists_parts_at_or_below_their_reorder_point(self, world, client):
        t = setup(world, client)
        part(client, t["warehouse"], "PUMP-1", stock={"central": 1}, reorder_point=1)
        part(client, t["warehouse"], "BELT-1", stock={"central": 5}, reorder_point=2)
        r = client.get("/api/v1/parts/reorder", params={"store": "S1"}, headers=auth(t["supervisor"]))
        assert [(x["sku"], x["available"]) for x in r.json()["items"]] == [("PUMP-1", 1)]

    def test_it_moves_parts_to_a_van_when_a_supervisor_approves_a_request(self, world, client):
        t = setup(world, client)
        part(client, t["warehouse"], stock={"central": 3})
        r = client.post("/api/v1/parts/requests", json={"store": "S1", "sku": "PUMP-1", "qty": 2, "note": "明天上门用"},
                        headers=auth(t["technician"]))
        assert r.status_code == 201, r.text
        req = r.json()
        assert (req["to_location"], req["status"]) == ("van:technician-S1", "pending")
        assert client.post(f"/api/v1/parts/requests/{req['id']}/approve", headers=auth(t["technician"])).status_code \
            == 403
        r = client.post(f"/api/v1/parts/requests/{req['id']}/approve", headers=auth(t["supervisor"]))
        assert r.json()["status"] == "approved"
        stock = client.get("/api/v1/parts/PUMP-1", params={"store": "S1"}, headers=auth(t["technician"])).json()
        assert {s["location"]: s["qty"] for s in stock["stock"]} == {"central": 1, "van:technician-S1": 2}
        again = client.post(f"/api/v1/parts/requests/{req['id']}/reject", headers=auth(t["supervisor"]))
        assert again.status_code == 409

    def test_a_transfer_keeps_its_facts_and_the_ledger_says_them_in_the_readers_language(self, world, client):
        """Nothing English is stored for a transfer: its other location and request are facts, words on reading."""
        t = setup(world, client)
        part(client, t["warehouse"], stock={"central": 3})
        req = client.post("/api/v1/parts/requests", json={"store": "S1", "sku": "PUMP-1", "qty": 2},
                          headers=auth(t["technician"])).json()
        client.post(f"/api/v1/parts/requests/{req['id']}/approve", headers=auth(t["supervisor"]))
        items = client.get("/api/v1/parts/PUMP-1/movements", params={"store": "S1"},
                           headers=auth(t["warehouse"])).json()["items"]
        facts = [(m["location"], m["counterpart"], m["request_id"], m["note"]) for m in items[:2]]
        assert facts == [("van:technician-S1", "central", req["id"], None),
                         ("central", "van:technician-S1", req["id"], None)]
        world.user("keeper", "warehouse", "S1", password="pw12345678")
        login_form(client, "keeper")
        page = client.get("/console/parts/PUMP-1", params={"store": "S1"}).text
        assert f"调往 technician-S1 的车载库 · 配件申领单 {req['id']}" in page and "调自 中心仓" in page
        client.cookies.set("lang", "en")
        page = client.get("/console/parts/PUMP-1", params={"store": "S1"}).text
        assert "Transferred to Van of technician-S1" in page and " to van:" not in page

    def test_it_refuses_a_request_to_the_central_store_as_a_transfer_to_where_the_parts_are(self, world, client):
        t = setup(world, client)
        part(client, t["warehouse"], stock={"central": 3})
        r = client.post("/api/v1/parts/requests", json={"store": "S1", "sku": "PUMP-1", "qty": 1,
                                                         "to_location": "central"}, headers=auth(t["technician"]))
        # the same answer as POST /parts/{sku}/movements gives a transfer from central to central
        assert r.status_code == 422 and r.json()["error"]["code"] == "same_location", r.text
        assert client.get("/api/v1/parts/requests", params={"store": "S1"},
                          headers=auth(t["supervisor"])).json()["items"] == []


class TestConsumption:
    def _in_repair(self, client, t, serial: str) -> str:
        new_unit(client, t["agent"], serial)
        no = register(client, t["agent"], serial=serial, mode="carry_in")["no"]
        act(client, t["agent"], no, "receive_unit")
        act(client, t["technician"], no, "start_repair")
        return no

    def test_it_takes_fitted_parts_out_of_stock_and_refuses_more_than_there_is(self, world, client):
        t = setup(world, client)
        part(client, t["warehouse"], stock={"central": 1})
        no = self._in_repair(client, t, "WM-1")
        r = act(client, t["technician"], no, "finish_repair", result="fixed",
                parts=[{"sku": "PUMP-1", "qty": 2}], expect=409)
        assert r["error"]["code"] == "insufficient_stock" and r["error"]["details"]["available"] == 1
        assert get(client, t["agent"], no)["status"] == "in_repair"  # nothing changed
        case = act(client, t["technician"], no, "finish_repair", result="fixed", labour_minutes=30,
                   parts=[{"sku": "PUMP-1", "qty": 1, "old_serial": "OLD-P-1", "new_serial": "NEW-P-1"}])
        (fitted,) = case["repair_card"]["parts"]
        assert (fitted["location"], fitted["old_serial"], fitted["new_serial"], fitted["under_warranty"]) == (
            "central", "OLD-P-1", "NEW-P-1", True)
        assert client.get("/api/v1/parts/PUMP-1", params={"store": "S1"},
                          headers=auth(t["warehouse"])).json()["on_hand"] == 0

    def test_it_gives_the_last_part_to_one_of_two_technicians_at_the_same_moment(self, world, client, app):
        t = setup(world, client)
        part(client, t["warehouse"], stock={"central": 1})
        first, second = self._in_repair(client, t, "WM-1"), self._in_repair(client, t, "WM-2")
        body = {"action": "log_work", "labour_minutes": 10, "parts": [{"sku": "PUMP-1", "qty": 1}]}
        v1, v2 = get(client, t["agent"], first)["version"], get(client, t["agent"], second)["version"]
        responses = at_once(app, [
            lambda c: c.post(f"/api/v1/cases/{first}/transitions", json={**body, "version": v1},
                             headers=auth(t["technician"])),
            lambda c: c.post(f"/api/v1/cases/{second}/transitions", json={**body, "version": v2},
                             headers=auth(t["tech2"]))])
        assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
        assert next(r for r in responses if r.status_code == 409).json()["error"]["code"] == "insufficient_stock"
        with world.db.session() as s:
            assert s.scalar(select(PartStock.qty)) == 0
            assert s.scalar(select(func.count()).select_from(PartMovement).where(PartMovement.kind == "consumption")) == 1

    def test_it_reserves_parts_in_the_van_on_dispatch(self, world, client):
        t = setup(world, client)
        part(client, t["warehouse"], stock={"van:technician-S1": 1})
        new_unit(client, t["agent"], "WM-1")
        new_unit(client, t["agent"], "WM-2")
        mine = register(client, t["agent"], serial="WM-1")["no"]
        other = register(client, t["agent"], serial="WM-2")["no"]
        act(client, t["supervisor"], mine, "dispatch", technician="technician-S1", window=window(25, 9, 1),
            parts=[{"sku": "PUMP-1", "qty": 1}])
        stock = client.get("/api/v1/parts/PUMP-1", params={"store": "S1"}, headers=auth(t["warehouse"])).json()
        assert (stock["on_hand"], stock["reserved"]) == (1, 1)
        # another job of the same technician cannot take the reserved part
        act(client, t["supervisor"], other, "dispatch", technician="technician-S1", window=window(25, 10, 1))
        act(client, t["technician"], other, "check_in")
        r = act(client, t["technician"], other, "complete_onsite", signature=SIGNATURE,
                parts=[{"sku": "PUMP-1", "qty": 1}], expect=409)
        assert r["error"]["code"] == "insufficient_stock"
        # the job it was reserved for takes it from the van
        act(client, t["technician"], mine, "check_in")
        case = act(client, t["technician"], mine, "complete_onsite", signature=SIGNATURE,
                   parts=[{"sku": "PUMP-1", "qty": 1}])
        assert case["repair_card"]["parts"][0]["location"] == "van:technician-S1"
        stock = client.get("/api/v1/parts/PUMP-1", params={"store": "S1"}, headers=auth(t["warehouse"])).json()
        assert (stock["on_hand"], stock["reserved"]) == (0, 0)
