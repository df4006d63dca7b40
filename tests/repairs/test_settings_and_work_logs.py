"""The store's price list and fault-code catalogue, technicians' profiles, and type D work logs
(一般行政工作) through the HTTP API (SQLite and PostgreSQL)."""

from __future__ import annotations

from tests.builders import auth, error_of
from tests.repairs.helpers import new_unit, register, setup


class TestPriceListAndFaultCodes:
    def test_it_keeps_the_price_list_and_day_counts(self, world, client):
        t = setup(world)
        got = client.get("/api/v1/stores/S1/price-list", headers=auth(t["agent"])).json()
        assert (got["hourly_rate"], got["call_out_fee"], got["inspection_fee"], got["rework_days"]) == (
            "80.00", "50.00", "30.00", 90)
        r = client.put("/api/v1/stores/S1/price-list", json={"hourly_rate": "95.50", "rework_days": 60},
                       headers=auth(t["admin"]))
        assert r.status_code == 200 and (r.json()["hourly_rate"], r.json()["rework_days"]) == ("95.50", 60)
        assert client.put("/api/v1/stores/S1/price-list", json={"hourly_rate": "1"},
                          headers=auth(t["technician"])).status_code == 403
        # the body's schema names the bounds and the fields (OpenAPI)
        r = client.put("/api/v1/stores/S1/price-list", json={"rework_days": 0}, headers=auth(t["admin"]))
        assert error_of(r, 422, "validation_failed")["details"]["errors"][0]["loc"] == ["body", "rework_days"]
        r = client.put("/api/v1/stores/S1/price-list", json={"hourly": "1"}, headers=auth(t["admin"]))
        assert error_of(r, 422, "validation_failed")["details"]["errors"][0]["loc"] == ["body", "hourly"]
        r = client.put("/api/v1/stores/S1/price-list", json={"hourly_rate": "abc"}, headers=auth(t["admin"]))
        assert r.status_code == 422 and client.get("/api/v1/stores/S1/price-list",
                                                   headers=auth(t["agent"])).json()["hourly_rate"] == "95.50"

    def test_it_checks_fault_codes_against_the_store_s_catalogue(self, world, client):
        t = setup(world)
        new_unit(client, t["agent"], "WM-1")
        r = register(client, t["agent"], serial="WM-1", fault_code="smoke", expect=422)
        assert r["error"]["code"] == "unknown_fault_code"
        r = client.put("/api/v1/stores/S1/fault-codes", json=[
            {"code": "smoke", "label_zh": "冒烟", "label_en": "Smoke", "serious": True},
            {"code": "scratch", "label_zh": "划痕", "label_en": "Scratch", "serious": False}], headers=auth(t["admin"]))
        assert r.status_code == 200 and [c["code"] for c in r.json()["items"]] == ["scratch", "smoke"]
        assert register(client, t["agent"], serial="WM-1", fault_code="smoke")["fault_code"] == "smoke"
        assert register(client, t["agent"], serial="WM-1", fault_code="drain", expect=422)["error"]["code"] == \
            "unknown_fault_code"


class TestTechnicians:
    def test_it_keeps_skills_areas_and_hours(self, world, client):
        t = setup(world)
        r = client.put("/api/v1/technicians/technician-S1", json={
            "skills": ["appliance", "appliance"], "areas": ["浦东新区"], "hours": {"mon": [["09:00", "18:00"]]}},
            headers=auth(t["supervisor"]))
        assert r.status_code == 200 and r.json()["skills"] == ["appliance"]
        bad = client.put("/api/v1/technicians/technician-S1", json={"hours": {"mon": [["18:00", "09:00"]]}},
                         headers=auth(t["supervisor"]))
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_hours"
        not_tech = client.put("/api/v1/technicians/agent-S1", json={}, headers=auth(t["supervisor"]))
        assert not_tech.status_code == 422 and not_tech.json()["error"]["code"] == "assignee_not_staff"
        listed = client.get("/api/v1/technicians", headers=auth(t["agent"])).json()["items"]
        assert [x["user"] for x in listed] == ["technician-S1"]

    def test_a_technician_of_another_store_is_not_found_here(self, world, client):
        t = setup(world)
        world.store("S2", "别的店铺")
        world.user("tech-S2", "technician", "S2")
        for r in (client.get("/api/v1/technicians/tech-S2", headers=auth(t["supervisor"])),
                  client.get("/api/v1/technicians/tech-S2/schedule", headers=auth(t["supervisor"])),
                  client.put("/api/v1/technicians/tech-S2", json={"skills": ["appliance"]},
                             headers=auth(t["supervisor"]))):
            error_of(r, 404, "user_not_found")  # as for a name nobody has, not "not staff here"


class TestWorkLogs:
    def test_it_refuses_time_logged_in_the_future(self, world, client):
        t = setup(world, client)
        r = client.post("/api/v1/work-logs", json={"kind": "training", "minutes": 60, "at": "2199-01-01T10:00:00+08:00"},
                        headers=auth(t["technician"]) | {"Accept-Language": "en"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_time", r.text
        assert r.json()["error"]["message"] == "at is in the future"
        assert client.get("/api/v1/work-logs", headers=auth(t["technician"])).json()["items"] == []
        r = client.post("/api/v1/work-logs", json={"kind": "training", "minutes": 60, "at": "2026-11-23T09:00:00+08:00"},
                        headers=auth(t["technician"]))
        assert r.status_code == 201, r.text

    def test_it_adds_up_a_technician_s_time_off_cases(self, world, client):
        t = setup(world)
        for kind, minutes in (("training", 120), ("tool_upkeep", 30), ("training", 60)):
            r = client.post("/api/v1/work-logs", json={"kind": kind, "minutes": minutes, "note": "月度培训"},
                            headers=auth(t["technician"]))
            assert r.status_code == 201, r.text
        r = client.post("/api/v1/work-logs", json={"kind": "nap", "minutes": 10}, headers=auth(t["technician"]))
        assert error_of(r, 422, "validation_failed")["details"]["errors"][0]["loc"] == ["body", "kind"]
        assert client.post("/api/v1/work-logs", json={"kind": "training", "minutes": 10, "technician": "tech2"},
                           headers=auth(t["technician"])).status_code == 403
        r = client.post("/api/v1/work-logs", json={"kind": "inspection", "minutes": 45, "technician": "tech2"},
                        headers=auth(t["supervisor"]))
        assert r.status_code == 201 and r.json()["technician"] == "tech2"
        everyone = client.get("/api/v1/work-logs", headers=auth(t["supervisor"])).json()
        assert everyone["minutes"] == {"technician-S1": {"training": 180, "tool_upkeep": 30, "total": 210},
                                       "tech2": {"inspection": 45, "total": 45}}
        mine = client.get("/api/v1/work-logs", headers=auth(t["technician"])).json()
        assert set(mine["minutes"]) == {"technician-S1"}
