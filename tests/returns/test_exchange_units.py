"""An exchange's `reship` names the registered units it replaces (客户资料袋): each new unit takes the
returned one's place with its 三包 periods starting again, as `POST /units/{serial}/replace` does by
hand, counted from the day the buyer has it (换货之日: `confirm_receipt`, or its timeout); a wrong or
repeated serial refuses the whole shipment and saves nothing."""

from __future__ import annotations

from datetime import datetime

from shouhou.engine.sweep import run_due
from shouhou.models import CaseShipment
from shouhou.models.units import Unit
from tests.builders import auth
from tests.returns.helpers import act, apply, get, setup, walk
from tests.units.helpers import appliance_order


def exchanged(world, client) -> tuple[dict[str, str], str]:
    """A quality exchange of one of two registered washing machines, returned and received."""
    t = setup(world)
    appliance_order(world, "T1", serials=["WM-1", "WM-2"])
    appliance_order(world, "T2", serials=["WM-9"])
    for order in ("T1", "T2"):
        assert client.post(f"/api/v1/orders/{order}/units", headers=auth(t["agent"])).status_code == 201
    no = apply(client, t["buyer"], type="exchange", reason="quality_issue")["no"]
    walk(client, t, no)
    return t, no


def unit(client, token: str, serial: str) -> dict:
    r = client.get(f"/api/v1/units/{serial}", headers=auth(token))
    assert r.status_code == 200, r.text
    return r.json()


def test_the_units_sent_replace_the_units_returned_with_fresh_periods(world, client):
    t, no = exchanged(world, client)
    case = act(client, t["warehouse"], no, "reship", carrier="SF", tracking_no="R1",
               replacements=[{"serial": "WM-1", "new_serial": "WM-1N"}])
    assert case["status"] == "reshipped"
    new = unit(client, t["agent"], "WM-1N")
    assert (new["replaces"], new["exchanged_at"]) == ("WM-1", "2026-11-23T10:00:00+08:00")
    assert new["warranty"]["until"] == "2027-11-23T23:59:59+08:00"  # 三包 counted again from the exchange
    assert unit(client, t["agent"], "WM-1")["replaced_by"] == "WM-1N"
    assert unit(client, t["agent"], "WM-2")["replaced_by"] is None  # the one kept stays as it was
    event = next(e for e in client.get(f"/api/v1/cases/{no}/events", headers=auth(t["agent"])).json()["items"]
                 if e["action"] == "reship")
    assert event["payload"]["replacements"] == [{"serial": "WM-1", "new_serial": "WM-1N"}]


def test_the_fresh_periods_run_from_the_buyers_receipt_not_the_shipment(world, client, clock):
    t, no = exchanged(world, client)
    act(client, t["warehouse"], no, "reship", carrier="SF", tracking_no="R1",
        replacements=[{"serial": "WM-1", "new_serial": "WM-1N"}])
    clock.advance(days=3)  # three days on the road
    assert act(client, t["buyer"], no, "confirm_receipt")["status"] == "completed"
    new = unit(client, t["agent"], "WM-1N")
    assert new["exchanged_at"] == "2026-11-26T10:00:00+08:00"
    assert new["warranty"]["until"] == "2027-11-26T23:59:59+08:00"
    line = next(h for h in unit(client, t["agent"], "WM-1")["history"] if h["case"] == no)
    assert (line["kind"], line["result"], line["finished_at"]) == ("exchange", "exchanged", "2026-11-26T10:00:00+08:00")
    assert get(client, t["buyer"], no)["reship_shipment"]["received_at"] == "2026-11-26T10:00:00+08:00"


def test_a_receipt_by_timeout_starts_the_periods_when_it_fires(world, client, settings, clock):
    t, no = exchanged(world, client)
    act(client, t["warehouse"], no, "reship", carrier="SF", tracking_no="R1",
        replacements=[{"serial": "WM-1", "new_serial": "WM-1N"}])
    due = get(client, t["buyer"], no)["next_deadline"]
    assert due["action"] == "confirm_receipt"
    clock.set(datetime.fromisoformat(due["at"]))
    assert run_due(world.db, settings, clock.now()).fired == 1
    assert get(client, t["buyer"], no)["status"] == "completed"
    assert unit(client, t["agent"], "WM-1N")["exchanged_at"] == due["at"]


def test_a_shipment_without_replacements_registers_no_unit(world, client):
    t, no = exchanged(world, client)
    act(client, t["warehouse"], no, "reship", carrier="SF", tracking_no="R1")
    assert world.count(Unit) == 3


def test_a_wrong_or_repeated_serial_refuses_the_shipment_and_saves_nothing(world, client):
    t, no = exchanged(world, client)
    refusals = [
        ([{"serial": "WM-9", "new_serial": "N1"}], 422, "replacement_not_in_order"),  # another order's unit
        ([{"serial": "NOPE", "new_serial": "N1"}], 422, "replacement_not_in_order"),
        ([{"serial": "WM-1", "new_serial": "N1"}, {"serial": "WM-1", "new_serial": "N2"}], 422,
         "replacement_repeated"),
        ([{"serial": "WM-1", "new_serial": "N1"}, {"serial": "WM-2", "new_serial": "N1"}], 422,
         "replacement_repeated"),
        ([{"serial": "WM-1", "new_serial": "WM-2"}], 409, "unit_exists"),
    ]
    for replacements, status, code in refusals:
        refused = act(client, t["warehouse"], no, "reship", carrier="SF", tracking_no="R1", expect=status,
                      replacements=replacements)
        assert refused["error"]["code"] == code, replacements
    assert get(client, t["warehouse"], no)["status"] == "pending_reship"
    assert world.count(Unit) == 3 and world.count(CaseShipment) == 1  # the return leg only
    assert unit(client, t["agent"], "WM-1")["replaced_by"] is None
