"""Faulty parts back to the maker (旧件返还) and its claim list, service outlets (服务网点) and their
monthly settlement exact to the fen, and the re-repair rate, through the HTTP API."""

from __future__ import annotations

from datetime import datetime

from tests.builders import auth
from tests.repairs.helpers import SIGNATURE, WEEKDAYS, act, new_unit, part, register, setup, window


def warranty_repair_with_part(client, t, serial: str = "WM-1") -> str:
    new_unit(client, t["agent"], serial)
    no = register(client, t["agent"], serial=serial, mode="carry_in")["no"]
    act(client, t["agent"], no, "receive_unit")
    act(client, t["technician"], no, "start_repair")
    act(client, t["technician"], no, "finish_repair", result="fixed", labour_minutes=45,
        parts=[{"sku": "PUMP-1", "qty": 1, "old_serial": "P-OLD-9", "new_serial": "P-NEW-9"}])
    act(client, t["supervisor"], no, "pass_qc")
    act(client, t["agent"], no, "return_unit", method="in_person", signature=SIGNATURE)
    act(client, t["buyer"], no, "confirm_return")
    return no


class TestOldPartsAndClaims:
    def test_it_bins_the_faulty_part_ships_it_and_claims_it_with_the_labour(self, world, client):
        t = setup(world, client)
        part(client, t["warehouse"], stock={"central": 2})
        no = warranty_repair_with_part(client, t)
        bin_ = client.get("/api/v1/parts/returns-bin", params={"store": "S1"}, headers=auth(t["warehouse"])).json()
        assert [(x["case"], x["sku"], x["old_serial"], x["maker"], x["status"]) for x in bin_["items"]] == [
            (no, "PUMP-1", "P-OLD-9", "海尔", "in_bin")]
        r = client.post("/api/v1/parts/returns-bin/ship", json={"store": "S1", "maker": "海尔", "carrier": "SF",
                                                                "tracking_no": "SF-OLD-1"}, headers=auth(t["warehouse"]))
        assert r.status_code == 201, r.text
        assert r.json()["parts"][0]["batch"]["tracking_no"] == "SF-OLD-1"
        claims = client.get("/api/v1/warranty-claims", params={"store": "S1", "month": "2026-11"},
                            headers=auth(t["supervisor"])).json()
        (maker,) = claims["makers"]
        (line,) = maker["cases"]
        # parts at cost (60.00) and 45 minutes at 80.00 an hour (60.00)
        assert (maker["maker"], line["case"], line["parts_amount"], line["labour"], line["amount"]) == (
            "海尔", no, "60.00", "60.00", "120.00")
        assert line["parts"][0]["returned"] == "shipped" and maker["total"] == "120.00"


class TestOutlets:
    def test_it_settles_an_outlet_s_month_exact_to_the_fen(self, world, client, clock):
        t = setup(world, client)
        world.user("pd-sup", "supervisor", "S1")
        world.user("pd-tech", "technician", "S1")
        r = client.post("/api/v1/outlets", params={"store": "S1"}, json={
            "code": "PD01", "name": "浦东服务网点", "areas": ["浦东新区"], "job_fees": {"repair": "80.00"},
            "per_km": "2.50", "radius_km": 10, "parts_margin_percent": "12.50", "supervisors": ["pd-sup"]},
            headers=auth(t["supervisor"]))
        assert r.status_code == 201, r.text
        client.put("/api/v1/technicians/pd-tech", json={"skills": ["appliance"], "hours": WEEKDAYS, "outlet": "PD01"},
                   headers=auth(t["supervisor"]))
        part(client, t["warehouse"], "PUMP-1", cost="33.33", stock={"van:pd-tech": 1})
        new_unit(client, t["agent"], "WM-1")
        no = register(client, t["agent"], serial="WM-1")["no"]
        # an outlet's supervisor dispatches only the outlet's cases, to the outlet's technicians
        r = act(client, world.tokens["pd-sup"], no, "dispatch", technician="pd-tech", window=window(), expect=403)
        assert r["error"]["code"] == "forbidden"
        act(client, t["supervisor"], no, "assign_outlet", outlet="PD01")
        r = act(client, world.tokens["pd-sup"], no, "dispatch", technician="technician-S1", window=window(),
                expect=422)
        assert r["error"]["details"]["why"] == "outlet"
        act(client, world.tokens["pd-sup"], no, "dispatch", technician="pd-tech", window=window(), distance_km=17)
        act(client, world.tokens["pd-tech"], no, "check_in")
        act(client, world.tokens["pd-tech"], no, "complete_onsite", signature=SIGNATURE,
            parts=[{"sku": "PUMP-1", "qty": 1}])
        s = client.get("/api/v1/outlets/PD01/statements/2026-11", params={"store": "S1"},
                       headers=auth(t["supervisor"])).json()
        (line,) = s["lines"]
        # 80.00 + 7 km × 2.50 + 33.33 × 1.125 = 80.00 + 17.50 + 37.50 (37.49625 rounded half up)
        assert (line["case"], line["job_fee"], line["distance_fee"], line["parts"], line["amount"]) == (
            no, "80.00", "17.50", "37.50", "135.00")
        assert (s["status"], s["total"]) == ("draft", "135.00")
        assert client.get("/api/v1/outlets/PD01/statements/2026-11", params={"store": "S1"},
                          headers=auth(world.tokens["pd-sup"])).status_code == 200
        # November is approved once it is over (in the store's zone: from 12-01 00:00 in Shanghai)
        early = client.post("/api/v1/outlets/PD01/statements/2026-11/approve", params={"store": "S1"},
                            headers=auth(t["supervisor"]))
        assert early.status_code == 409 and early.json()["error"]["code"] == "month_not_over"
        assert client.get("/api/v1/outlets/PD01/statements/2026-11", params={"store": "S1"},
                          headers=auth(t["supervisor"])).json()["status"] == "draft"
        clock.set(datetime.fromisoformat("2026-12-01T00:00:00+08:00"))
        r = client.post("/api/v1/outlets/PD01/statements/2026-11/approve", params={"store": "S1"},
                        headers=auth(world.tokens["pd-sup"]))
        assert r.status_code == 403  # the outlet does not approve its own statement
        s = client.post("/api/v1/outlets/PD01/statements/2026-11/approve", params={"store": "S1"},
                        headers=auth(t["supervisor"])).json()
        assert (s["status"], s["approved_by"]) == ("approved", "supervisor-S1")
        s = client.post("/api/v1/outlets/PD01/statements/2026-11/pay", params={"store": "S1"}, json={"ref": "BANK-1"},
                        headers=auth(t["finance"])).json()
        assert (s["status"], s["paid_ref"], s["total"]) == ("paid", "BANK-1", "135.00")
        empty = client.get("/api/v1/outlets/PD01/statements/2026-12", params={"store": "S1"},
                           headers=auth(t["supervisor"])).json()
        assert (empty["lines"], empty["total"]) == ([], "0.00")


    def test_it_approves_no_month_before_it_is_over_so_no_later_job_goes_unpaid(self, world, client, clock):
        t = setup(world, client)
        client.post("/api/v1/outlets", params={"store": "S1"}, json={"code": "PD01", "job_fees": {"repair": "80.00"}},
                    headers=auth(t["supervisor"]))
        url = "/api/v1/outlets/PD01/statements/{}/approve"
        clock.set(datetime.fromisoformat("2026-11-30T23:59:00+08:00"))
        for month in ("2026-11", "2026-12", "2099-01"):  # under way, to come
            r = client.post(url.format(month), params={"store": "S1"}, headers=auth(t["supervisor"]) | {
                "Accept-Language": "en"})
            assert r.status_code == 409 and r.json()["error"]["code"] == "month_not_over", r.text
            assert month in r.json()["error"]["message"]
            assert client.get(f"/api/v1/outlets/PD01/statements/{month}", params={"store": "S1"},
                              headers=auth(t["supervisor"])).json()["status"] == "draft"
        clock.set(datetime.fromisoformat("2026-12-01T00:00:00+08:00"))
        r = client.post(url.format("2026-11"), params={"store": "S1"}, headers=auth(t["supervisor"]))
        assert r.status_code == 200 and r.json()["status"] == "approved"

    def test_it_takes_a_parts_margin_of_up_to_1000_percent_and_refuses_more(self, world, client):
        t = setup(world, client)
        body = {"code": "PD01", "per_km": "2.50", "radius_km": 10}
        for margin, status in (("87304748", 422), ("1000.01", 422), ("12.505", 422), ("1000.00", 201)):
            r = client.post("/api/v1/outlets", params={"store": "S1"}, json={**body, "parts_margin_percent": margin},
                            headers=auth(t["supervisor"]))
            assert r.status_code == status, (margin, r.text)
            if status == 422:  # refused as a bad field, with nothing kept
                assert r.json()["error"]["code"] == "validation_failed"
                assert client.get("/api/v1/outlets", params={"store": "S1"},
                                  headers=auth(t["supervisor"])).json()["items"] == []
        assert r.json()["parts_margin_percent"] == "1000.00"


class TestReRepairRate:
    def test_it_counts_re_repairs_among_the_period_s_repair_calls(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "WM-1")
        new_unit(client, t["agent"], "WM-2")
        first = register(client, t["agent"], serial="WM-1")["no"]
        act(client, t["supervisor"], first, "dispatch", technician="technician-S1", window=window())
        act(client, t["technician"], first, "check_in")
        act(client, t["technician"], first, "complete_onsite", signature=SIGNATURE)
        register(client, t["agent"], serial="WM-1")
        register(client, t["agent"], serial="WM-2")
        kpi = client.get("/api/v1/repairs/kpi", params={"store": "S1"}, headers=auth(t["supervisor"])).json()
        assert (kpi["repairs"], kpi["rework"], kpi["rework_rate"], kpi["target"], kpi["met"]) == (
            3, 1, "33.33", "2.00", False)
        assert client.get("/api/v1/repairs/kpi", params={"store": "S1"},
                          headers=auth(t["technician"])).status_code == 403
