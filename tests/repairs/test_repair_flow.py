"""The repair workflow end to end through the HTTP API (SQLite and PostgreSQL): on site, taken in,
carried in, mailed in and sent to the maker; the receipt, the register, the repair card, QC."""

from __future__ import annotations

from datetime import timedelta

from shouhou.engine.sweep import run_due
from tests.builders import auth
from tests.repairs.helpers import SIGNATURE, act, get, new_unit, png, register, setup, window


def events(client, token: str, no: str) -> list[dict]:
    return client.get(f"/api/v1/cases/{no}/events", headers=auth(token)).json()["items"]


def on_the_bench(client, t: dict[str, str]) -> tuple[str, dict]:
    """A repair taken in on site and started on the bench: its number, and the case then."""
    new_unit(client, t["agent"], "WM-1")
    no = register(client, t["agent"], serial="WM-1")["no"]
    act(client, t["supervisor"], no, "dispatch", technician="technician-S1", window=window())
    act(client, t["technician"], no, "check_in")
    act(client, t["technician"], no, "take_in", condition="外观完好", signature=SIGNATURE)
    return no, act(client, t["technician"], no, "start_repair")


class TestPreferredTime:
    def test_a_preferred_time_already_past_is_refused_and_nothing_registered(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "WM-1")
        # the clock is 2026-11-23: a visit wished for on the 20th cannot be made
        r = register(client, t["agent"], expect=422, serial="WM-1", preferred_time=window(20, 9, 3))
        assert r["error"]["code"] == "invalid_window" and "already passed" in r["error"]["message"]
        assert client.get("/api/v1/cases", params={"type": "repair"}, headers=auth(t["agent"])).json()["items"] == []
        assert register(client, t["agent"], serial="WM-1", preferred_time=window(23, 20, 3))["status"] == "registered"


class TestOnSite:
    def test_it_serves_a_call_on_site_and_the_customer_signs(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "WM-1")
        # given a call registered by an agent (叫修登记)
        case = register(client, t["agent"], serial="WM-1", preferred_time=window(25, 9, 3))
        no = case["no"]
        assert (case["type"], case["status"], case["mode"], case["service_type"]) == (
            "repair", "registered", "onsite", "warranty")
        assert case["unit"] == {"serial": "WM-1", "model": "WM-10KG", "category": "appliance",
                                "warranty_until": "2027-11-22T23:59:59+08:00"}
        assert case["warranty"]["covered"] and "SANBAO-FREE-REPAIR" in [b["rule"] for b in case["warranty"]["basis"]]
        assert case["service_type_basis"][0]["rule"] == "SERVICE-C"
        assert case["contact"]["phone"] == "13800000000" and case["fault_code"] == "drain"
        assert case["next_deadline"]["kind"] == "response_due"
        book = client.get("/api/v1/repairs/registrations", params={"store": "S1"}, headers=auth(t["agent"])).json()
        assert [r["no"] for r in book["items"]] == [no]
        # when a supervisor dispatches, the technician checks in and finishes on site
        case = act(client, t["supervisor"], no, "dispatch", technician="technician-S1", window=window())
        assert case["status"] == "scheduled" and case["technician"] == "technician-S1"
        assert case["appointment"] == {"start": "2026-11-25T10:00:00+08:00", "end": "2026-11-25T12:00:00+08:00"}
        assert case["next_deadline"]["kind"] in ("appointment_reminder", "response_due")
        act(client, t["technician"], no, "check_in", geo_note="小区门口")
        case = act(client, t["technician"], no, "complete_onsite", diagnosis="排水管堵塞", labour_minutes=30,
                   work_done="疏通排水管", signature=SIGNATURE)
        # then it is completed, free, with the signature on record
        assert case["status"] == "completed"
        assert case["repair_card"]["labour_minutes"] == 30 and case["repair_card"]["result"] == "fixed"
        assert case["fees"] == {"lines": [], "total": "0.00", "paid": "0.00", "written_off": "0.00", "due": "0.00",
                                "payments": [], "invoice_no": None}
        (sig,) = case["signatures"]
        assert sig["purpose"] == "onsite"
        r = client.get(sig["url"], headers=auth(t["agent"]))
        assert r.status_code == 200 and r.content == png() and r.headers["content-type"] == "image/png"
        assert [e["action"] for e in events(client, t["agent"], no)] == ["register", "dispatch", "check_in",
                                                                         "complete_onsite"]
        assert events(client, t["agent"], no)[-1]["payload"]["signature"].startswith("sha256:")
        unit = client.get("/api/v1/units/WM-1", headers=auth(t["agent"])).json()
        assert [(h["case"], h["result"], h["fault_code"]) for h in unit["history"]] == [(no, "fixed", "drain")]

    def test_it_takes_the_unit_back_with_a_receipt_and_returns_it_after_qc(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "WM-1")
        no = register(client, t["agent"], serial="WM-1")["no"]
        act(client, t["supervisor"], no, "dispatch", technician="technician-S1", window=window())
        act(client, t["technician"], no, "check_in")
        # the repair cannot be finished on site: the technician takes it back (客户商品领取收据)
        case = act(client, t["technician"], no, "take_in", condition="外观完好", accessories=["进水管"],
                   signature=SIGNATURE)
        assert case["status"] == "in_workshop" and case["location"] == "workshop" and case["workshop"] is True
        assert case["receipt"]["no"] == f"SJ{no}" and case["receipt"]["status"] == "issued"
        register_ = client.get("/api/v1/workshop/register", headers=auth(t["agent"])).json()["items"]
        assert [(r["case"], r["out_at"]) for r in register_] == [(no, None)]
        assert register_[0]["in_from"].startswith("张三")
        # the repair card: two sessions, then QC (验讫)
        act(client, t["technician"], no, "start_repair")
        act(client, t["technician"], no, "log_work", diagnosis="排水泵卡死", labour_minutes=20)
        case = act(client, t["technician"], no, "finish_repair", result="fixed", fault_code="drain", labour_minutes=40)
        assert case["status"] == "qc"
        assert [s["minutes"] for s in case["repair_card"]["sessions"]] == [20, 40]
        assert case["repair_card"]["labour_minutes"] == 60
        act(client, t["supervisor"], no, "fail_qc", reason="仍有异响", expect=200)
        act(client, t["technician"], no, "finish_repair", result="fixed", labour_minutes=15)
        case = act(client, t["supervisor"], no, "pass_qc")
        assert case["status"] == "ready_for_return" and case["qc"]["by"] == "supervisor-S1"
        # back to the customer in person: they sign, the receipt is voided (收回作废)
        case = act(client, t["agent"], no, "return_unit", method="in_person", signature=SIGNATURE)
        assert case["status"] == "returned" and case["receipt"]["status"] == "voided"
        register_ = client.get("/api/v1/workshop/register", headers=auth(t["agent"])).json()["items"]
        assert register_[0]["out_at"] is not None and register_[0]["out_to"] == "张三"
        assert client.get("/api/v1/workshop/register", params={"open": "true"},
                          headers=auth(t["agent"])).json()["items"] == []
        case = act(client, t["buyer"], no, "confirm_return")
        assert case["status"] == "completed"
        assert [s["purpose"] for s in case["signatures"]] == ["take_in", "return"]

    def test_it_refuses_an_empty_work_session(self, world, client):
        t = setup(world, client)
        no, before = on_the_bench(client, t)
        r = act(client, t["technician"], no, "log_work", expect=422)
        assert r["error"]["code"] == "nothing_to_log"
        after = get(client, t["agent"], no)
        assert after["version"] == before["version"] and after["repair_card"] == before["repair_card"]

    def test_it_refuses_a_work_session_in_the_future_and_books_nothing(self, world, client):
        t = setup(world, client)
        no, before = on_the_bench(client, t)
        # the clock is at 2026-11-23 10:00 in Shanghai: a session typed as 2062, or ending this afternoon
        for started, ended, field in [("2062-11-23T09:00:00+08:00", "2062-11-23T10:00:00+08:00", "started_at"),
                                      ("2026-11-23T09:00:00+08:00", "2026-11-23T15:00:00+08:00", "ended_at")]:
            r = act(client, t["technician"], no, "log_work", labour_minutes=60, started_at=started, ended_at=ended,
                    expect=422)
            assert r["error"]["code"] == "invalid_session" and r["error"]["details"]["field"] == field
            assert field in r["error"]["message"]
        case = get(client, t["agent"], no)
        assert case["version"] == before["version"] and case["repair_card"]["sessions"] == []
        # a session that has just ended (a phone's clock a minute ahead) is booked
        case = act(client, t["technician"], no, "log_work", labour_minutes=60,
                   started_at="2026-11-23T09:01:00+08:00", ended_at="2026-11-23T10:01:00+08:00")
        assert [s["minutes"] for s in case["repair_card"]["sessions"]] == [60]

    def test_it_refuses_a_technician_who_is_busy_or_unsuitable(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "WM-1")
        new_unit(client, t["agent"], "WM-2")
        first = register(client, t["agent"], serial="WM-1")["no"]
        second = register(client, t["agent"], serial="WM-2")["no"]
        act(client, t["supervisor"], first, "dispatch", technician="technician-S1", window=window(25, 10, 2))
        # an overlapping window of the same technician: 409 technician_busy, nothing written
        r = act(client, t["supervisor"], second, "dispatch", technician="technician-S1", window=window(25, 11, 1),
                expect=409)
        assert r["error"]["code"] == "technician_busy" and r["error"]["details"]["case"] == first
        assert get(client, t["agent"], second)["status"] == "registered"
        # outside working hours (Sunday), or without the skill: 422 technician_unsuitable
        r = act(client, t["supervisor"], second, "dispatch", technician="tech2", window=window(29, 10, 2), expect=422)
        assert (r["error"]["code"], r["error"]["details"]["why"]) == ("technician_unsuitable", "hours")
        client.put("/api/v1/technicians/tech2", json={"skills": ["phone"]}, headers=auth(t["supervisor"]))
        r = act(client, t["supervisor"], second, "dispatch", technician="tech2", window=window(25, 10, 2), expect=422)
        assert r["error"]["details"]["why"] == "skill"
        # a window next to the first one is fine
        case = act(client, t["supervisor"], second, "dispatch", technician="technician-S1", window=window(25, 13, 2))
        assert case["status"] == "scheduled"
        # rescheduling into the other appointment is refused too, and keeps the history
        r = act(client, t["supervisor"], second, "reschedule", window=window(25, 11, 1), expect=409)
        assert r["error"]["code"] == "technician_busy"
        act(client, t["agent"], second, "reschedule", window=window(26, 9, 2), reason="客户改约")
        client.put("/api/v1/technicians/tech2", json={"skills": ["appliance", "phone"]}, headers=auth(t["supervisor"]))
        case = act(client, t["supervisor"], second, "redispatch", technician="tech2", window=window(26, 9, 2),
                   reason="原技术员请假")
        assert case["technician"] == "tech2"
        history = [(e["action"], e["payload"].get("previous_window"), e["payload"].get("previous_technician"))
                   for e in events(client, t["agent"], second)][-2:]
        assert history[0][1] == {"start": "2026-11-25T13:00:00+08:00", "end": "2026-11-25T15:00:00+08:00"}
        assert history[1][2] == "technician-S1"

    def test_it_ranks_technicians_for_a_job(self, world, client):
        t = setup(world, client)
        world.user("tech3", "technician", "S1")
        client.put("/api/v1/technicians/tech3", json={"skills": ["appliance"], "areas": ["徐汇区"]},
                   headers=auth(t["supervisor"]))
        new_unit(client, t["agent"], "WM-1")
        new_unit(client, t["agent"], "WM-2")
        busy = register(client, t["agent"], serial="WM-1")["no"]
        act(client, t["supervisor"], busy, "dispatch", technician="technician-S1", window=window(25, 10, 2))
        no = register(client, t["agent"], serial="WM-2", preferred_time=window(25, 10, 2))["no"]
        r = client.get(f"/api/v1/cases/{no}/technician-suggestions", headers=auth(t["supervisor"]))
        assert r.status_code == 200, r.text
        ranked = [(s["technician"], s["suitable"], s["area"], s["free"]) for s in r.json()["items"]]
        # tech2: skilled, free, in the area; tech3: free but elsewhere; technician-S1: busy then
        assert ranked == [("tech2", True, True, True), ("tech3", True, False, True),
                          ("technician-S1", False, True, False)]
        schedule = client.get("/api/v1/technicians/technician-S1/schedule", params={"date": "2026-11-25"},
                              headers=auth(t["supervisor"])).json()
        assert [i["case"] for i in schedule["items"]] == [busy] and schedule["hours"][0] == ["09:00", "12:00"]


class TestCarryInAndMailIn:
    def test_it_receives_a_unit_at_the_counter(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "WM-1")
        no = register(client, t["agent"], serial="WM-1", mode="carry_in")["no"]
        case = get(client, t["supervisor"], no)
        assert "dispatch" not in [a["name"] for a in case["available_actions"]]
        case = act(client, t["agent"], no, "receive_unit", condition="门体划痕", accessories=["电源线"],
                   photos=["https://img.example.com/a.jpg"])
        assert case["status"] == "in_workshop" and case["receipt"]["status"] == "issued"
        assert case["intake"]["condition"] == "门体划痕" and case["photos"] == ["https://img.example.com/a.jpg"]

    def test_it_has_the_maker_repair_a_mailed_in_unit_and_ships_it_back(self, world, client):
        # the Taobao mail-in repair: the buyer ships it, the seller has the maker repair it, ships it back
        t = setup(world, client)
        new_unit(client, t["agent"], "WM-1")
        no = register(client, t["buyer"], serial="WM-1", mode="mail_in", channel="portal")["no"]
        case = act(client, t["warehouse"], no, "receive_unit", carrier="SF", tracking_no="SF-IN-9", condition="包装完好")
        assert case["intake"]["tracking_no"] == "SF-IN-9"
        assert client.get("/api/v1/workshop/register", headers=auth(t["agent"])).json()["items"][0]["in_from"] == \
            "SF SF-IN-9"
        act(client, t["technician"], no, "start_repair")
        case = act(client, t["technician"], no, "send_to_vendor", vendor="海尔售后", rma_no="RMA-77", carrier="SF",
                   tracking_no="SF-V-1")
        assert case["status"] == "at_vendor" and case["location"] == "vendor" and case["vendor"]["rma_no"] == "RMA-77"
        act(client, t["warehouse"], no, "vendor_returned", carrier="SF", tracking_no="SF-V-2")
        act(client, t["technician"], no, "finish_repair", result="fixed", fault_code="drain")
        act(client, t["supervisor"], no, "pass_qc")
        case = act(client, t["warehouse"], no, "return_unit", method="parcel", carrier="SF", tracking_no="SF-OUT-1")
        assert case["status"] == "returned" and case["location"] == "in_transit"
        assert case["receipt"]["status"] == "issued"  # the receipt is voided once the parcel arrives
        assert case["next_deadline"]["kind"] == "confirm_timeout"
        # when nobody confirms, the timer does
        run_due(world.db, world.settings, world.clock.now() + timedelta(days=8))
        case = get(client, t["agent"], no)
        assert (case["status"], case["receipt"]["status"], case["location"]) == ("completed", "voided", "customer")

    def test_it_refuses_a_parcel_return_without_tracking(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "WM-1")
        no = register(client, t["agent"], serial="WM-1", mode="carry_in")["no"]
        for action, fields in (("receive_unit", {}), ("start_repair", {}), ("finish_repair", {"result": "fixed"}),
                               ("pass_qc", {})):
            act(client, t["supervisor"], no, action, **fields)
        r = act(client, t["agent"], no, "return_unit", method="parcel", carrier="SF", expect=422)
        assert r["error"]["code"] == "validation_failed"
        r = act(client, t["agent"], no, "return_unit", method="in_person", expect=422)
        assert r["error"]["code"] == "validation_failed"


class TestTheUnitAfterwards:
    def test_it_extends_the_三包_period_by_the_days_in_repair(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "WM-1")
        before = client.get("/api/v1/units/WM-1", headers=auth(t["agent"])).json()["warranty_until"]
        no = register(client, t["agent"], serial="WM-1", mode="carry_in")["no"]
        act(client, t["agent"], no, "receive_unit")
        act(client, t["technician"], no, "start_repair")
        act(client, t["technician"], no, "finish_repair", result="fixed")
        act(client, t["supervisor"], no, "pass_qc")
        world.clock.advance(days=12)
        act(client, t["agent"], no, "return_unit", method="in_person", signature=SIGNATURE)
        unit = client.get("/api/v1/units/WM-1", headers=auth(t["agent"])).json()
        assert unit["repair_days"] == 12
        assert before == "2027-11-22T23:59:59+08:00" and unit["warranty_until"] == "2027-12-02T23:59:59+08:00"
        assert any("12" in b["text"] for b in unit["warranty"]["basis"])

    def test_it_flags_a_re_repair_within_90_days(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "WM-1")
        first = register(client, t["agent"], serial="WM-1")["no"]
        act(client, t["supervisor"], first, "dispatch", technician="technician-S1", window=window())
        act(client, t["technician"], first, "check_in")
        act(client, t["technician"], first, "complete_onsite", fault_code="noise", signature=SIGNATURE)
        world.clock.advance(days=30)
        again = register(client, t["agent"], serial="WM-1", fault="又有异响", fault_code="noise")
        assert again["rework"] is True and again["rework_of"] == first
        assert again["links"] == [{"case": first, "type": "repair", "status": "completed", "kind": "rework_of",
                                   "direction": "to"}]
        assert get(client, t["agent"], first)["links"][0]["direction"] == "from"
        world.clock.advance(days=100)
        later = register(client, t["agent"], serial="WM-1", fault="再次异响")
        assert later["rework"] is False
