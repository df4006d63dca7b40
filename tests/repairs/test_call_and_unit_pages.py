"""The console's call registration (叫修登记) and product records (客户资料袋): an agent finds the product by
serial, sees its warranty, registers the repair with the caller's details already filled in; a refusal
keeps what was typed and saves nothing; the product's record shows its service history in words."""

from __future__ import annotations

import re

from shouhou.models import Case
from tests.repairs.helpers import get, new_unit, register
from tests.repairs.test_pages import as_user, people
from tests.web.conftest import csrf_of


def test_an_agent_registers_a_call_for_a_product_on_record(world, client):
    t = people(world, client)
    new_unit(client, t["agent"], "WM-1", address="上海市浦东新区世纪大道 100 号", district="浦东新区")
    as_user(client, "ann")
    page = client.get("/console/repairs/new", params={"serial": "WM-1"})
    assert page.status_code == 200
    assert 'class="card unit-found"' in page.text and "保修期内" in page.text  # 三包 from 2026-11-20
    assert 'name="address" value="上海市浦东新区世纪大道 100 号"' in page.text  # from the product's record
    r = client.post("/console/repairs/new", data={
        "_csrf": csrf_of(page.text), "store": "S1", "type": "repair", "serial": "WM-1", "name": "王先生",
        "phone": "13900000000", "address": "上海市浦东新区世纪大道 100 号", "district": "浦东新区",
        "fault": "不排水", "fault_code": "drain", "mode": "onsite", "kind": "repair", "day": "2026-11-25",
        "part": "am", "channel": "hotline", "priority": "high"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    no = re.search(r"/console/cases/(AS\d+)", r.headers["location"]).group(1)
    case = get(client, t["agent"], no)
    assert (case["type"], case["channel"], case["priority"], case["serial"]) == ("repair", "hotline", "high", "WM-1")
    assert case["contact"]["name"] == "王先生" and case["service_type"] == "warranty"
    assert case["preferred_time"] == {"start": "2026-11-25T09:00:00+08:00", "end": "2026-11-25T12:00:00+08:00"}


def test_a_refused_call_keeps_what_was_typed_and_saves_nothing(world, client):
    t = people(world, client)
    new_unit(client, t["agent"], "WM-1")
    as_user(client, "ann")
    page = client.get("/console/repairs/new")
    before = world.count(Case)
    r = client.post("/console/repairs/new", data={
        "_csrf": csrf_of(page.text), "store": "S1", "type": "repair", "serial": "WM-1", "name": "王先生",
        "phone": "13900000000", "fault": "   ", "mode": "onsite", "channel": "hotline"})
    assert r.status_code == 422 and "请检查：故障" in r.text  # the refused field by its label
    assert 'value="13900000000"' in r.text and 'value="王先生"' in r.text
    assert world.count(Case) == before


def test_a_serial_not_on_record_is_entered_by_model(world, client):
    t = people(world, client)
    as_user(client, "ann")
    page = client.get("/console/repairs/new", params={"serial": "NOPE-9"})
    assert page.status_code == 200 and "not-on-record" in page.text and 'name="model"' in page.text
    r = client.post("/console/repairs/new", data={
        "_csrf": csrf_of(page.text), "store": "S1", "type": "repair", "serial": "NOPE-9", "model": "KFR-35",
        "category": "appliance", "name": "李女士", "phone": "13700000000", "fault": "不制冷", "channel": "counter"},
        follow_redirects=False)
    assert r.status_code == 303, r.text
    no = r.headers["location"].rsplit("/", 1)[1]
    assert get(client, t["agent"], no)["model"] == "KFR-35"


def test_the_product_record_lists_and_shows_warranty_and_history_in_words(world, client):
    t = people(world, client)
    new_unit(client, t["agent"], "WM-1")
    new_unit(client, t["agent"], "WM-2", customer="u1002")
    no = register(client, t["agent"], serial="WM-1", fault_code="drain")["no"]
    as_user(client, "ann")
    listing = client.get("/console/units", params={"serial": "WM-1"})
    assert listing.status_code == 200 and "/console/units/WM-1?store=S1" in listing.text and "WM-2" not in listing.text
    record = client.get("/console/units/WM-1")
    assert record.status_code == 200
    assert f'href="/console/cases/{no}"' in record.text and "不排水" in record.text  # the fault code in words
    assert ">drain<" not in record.text
    assert '/console/repairs/new?serial=WM-1&store=S1' in record.text
    as_user(client, "tom")  # a technician reads records but takes no calls
    assert "/console/repairs/new" not in client.get("/console/units/WM-1").text
    as_user(client, "wang")  # a buyer: the console is not theirs
    assert client.get("/console/units", follow_redirects=False).status_code in (303, 403)
