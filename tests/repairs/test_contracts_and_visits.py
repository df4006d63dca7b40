"""Service contracts (合同服务) and their preventive-maintenance visits: the worker opens a
`repair` case with `kind: maintenance` for each visit when it falls due (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from shouhou.worker import Worker
from tests.builders import auth
from tests.repairs.helpers import SIGNATURE, act, get, new_unit, register, setup, window

LONG_AGO = datetime.fromisoformat("2024-06-01T10:00:00+08:00")


class TestMaintenanceVisits:
    def test_it_opens_a_visit_s_case_when_due_and_only_once(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "AC-1", delivered=LONG_AGO)
        r = client.post("/api/v1/contracts", json={
            "store": "S1", "customer": "u1001", "serials": ["AC-1"], "starts_on": "2026-06-01",
            "ends_on": "2027-05-31", "fee": "480.00", "visits": {"every_months": 6}, "response_hours": 8},
            headers=auth(t["agent"]))
        contract = r.json()
        assert [v["due_on"] for v in contract["visits"]] == ["2026-12-01"]
        worker = Worker(world.db, world.settings, world.clock)
        # a week and a day before: nothing yet
        worker.run_once()
        assert client.get(f"/api/v1/contracts/{contract['no']}", headers=auth(t["agent"])).json()["visits"][0]["case"] \
            is None
        # the store opens visits 7 days ahead: on 11-24 it is due
        world.clock.advance(days=1)
        worker.run_once()
        visit = client.get(f"/api/v1/contracts/{contract['no']}", headers=auth(t["agent"])).json()["visits"][0]
        no = visit["case"]
        assert no is not None
        case = get(client, t["agent"], no)
        assert (case["type"], case["kind"], case["service_type"], case["channel"], case["mode"]) == (
            "repair", "maintenance", "contract", "contract", "onsite")
        assert case["preferred_time"]["start"] == "2026-12-01T09:00:00+08:00"
        assert case["unit"]["serial"] == "AC-1" and contract["no"] in case["fault"]
        # another pass opens nothing more
        worker.run_once()
        listed = client.get("/api/v1/cases", params={"type": "repair"}, headers=auth(t["agent"])).json()["items"]
        assert [c["no"] for c in listed] == [no]
        # and it is served like any on-site job, free under the contract
        act(client, t["supervisor"], no, "dispatch", technician="technician-S1", window=window(30, 9, 2))
        act(client, t["technician"], no, "check_in")
        done = act(client, t["technician"], no, "complete_onsite", labour_minutes=40, signature=SIGNATURE,
                   work_done="清洗滤网，检查冷媒")
        assert done["status"] == "completed" and done["fees"]["total"] == "0.00"
        unit = client.get("/api/v1/units/AC-1", headers=auth(t["agent"])).json()
        assert [(h["kind"], h["case"]) for h in unit["history"]] == [("maintenance", no)]

    def test_a_visit_whose_day_has_passed_is_opened_without_a_time_already_past(self, world, client):
        # the worker was down over the visit's day: the case still opens, asking for no time gone by
        t = setup(world, client)
        new_unit(client, t["agent"], "AC-2", delivered=LONG_AGO)
        contract = client.post("/api/v1/contracts", json={
            "store": "S1", "customer": "u1001", "serials": ["AC-2"], "starts_on": "2026-06-01",
            "ends_on": "2027-05-31", "fee": "480.00", "visits": {"every_months": 6}}, headers=auth(t["agent"])).json()
        world.clock.advance(days=9)  # 2026-12-02: the visit was due on 12-01
        Worker(world.db, world.settings, world.clock).run_once()
        no = client.get(f"/api/v1/contracts/{contract['no']}", headers=auth(t["agent"])).json()["visits"][0]["case"]
        case = get(client, t["agent"], no)
        assert case["kind"] == "maintenance" and case["preferred_time"] is None and "2026-12-01" in case["fault"]

    def test_it_responds_within_the_contract_s_promised_time_or_flags_it(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "AC-1", delivered=LONG_AGO)
        client.post("/api/v1/contracts", json={"store": "S1", "customer": "u1001", "serials": ["AC-1"],
                                               "starts_on": "2026-01-01", "ends_on": "2026-12-31",
                                               "response_hours": 4}, headers=auth(t["agent"]))
        no = register(client, t["agent"], serial="AC-1")["no"]
        world.clock.advance(hours=4, minutes=1)
        Worker(world.db, world.settings, world.clock).run_once()
        case = get(client, t["agent"], no)
        assert case["response_overdue"] is True and case["status"] == "registered"
