"""The warehouse's `reship` form on an exchange asks for the registered units it replaces, in the
reader's language, one per line, and records them as the API's `replacements` does."""

from __future__ import annotations

import re

from tests.builders import auth
from tests.returns.helpers import apply, delivered, setup, walk
from tests.units.helpers import appliance_order
from tests.web.conftest import csrf_of, login_form


def test_the_reship_form_records_the_units_replaced(world, client):
    t = setup(world)
    world.user("wh", "warehouse", "S1", password="pw12345678")  # one who signs in to the console
    appliance_order(world, "T1", serials=["WM-1", "WM-2"])
    assert client.post("/api/v1/orders/T1/units", headers=auth(t["agent"])).status_code == 201
    no = apply(client, t["buyer"], type="exchange", reason="quality_issue")["no"]
    walk(client, t, no)
    login_form(client, "wh")
    page = client.get(f"/console/cases/{no}").text
    form = re.search(r'<form[^>]*data-action="reship".*?</form>', page, re.DOTALL).group(0)
    assert "替换的产品" in form and "每行一件" in form and 'name="replacements"' in form
    version = client.get(f"/api/v1/cases/{no}", headers=auth(t["agent"])).json()["version"]
    r = client.post(f"/console/cases/{no}/act", data={
        "_csrf": csrf_of(page), "_action": "reship", "_version": str(version), "carrier": "SF", "tracking_no": "R1",
        "replacements": "WM-1 WM-1N\nWM-2 → WM-2N\n"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    units = {u["serial"]: u for u in client.get("/api/v1/units", headers=auth(t["agent"])).json()["items"]}
    assert (units["WM-1N"]["replaces"], units["WM-2N"]["replaces"]) == ("WM-1", "WM-2")
    assert units["WM-1"]["replaced_by"] == "WM-1N"


def test_an_exchange_names_its_replacement_to_staff_and_buyer(world, client):
    """The replacement by its product name, its SKU beside it — on the case page, the portal and the timeline."""
    t = setup(world)
    shoe = {"category": "shoes", "qty": 1, "unit_price": "299.00"}
    delivered(world, "T0", lines=[{"line_no": 1, "sku": "SHOE-42", "name": "跑鞋 42 码", **shoe}])  # in the catalogue
    delivered(world, "T1", lines=[{"line_no": 1, "sku": "SHOE-41", "name": "跑鞋 41 码", **shoe}])
    no = apply(client, t["buyer"], "T1", type="exchange", reason="size_fit", exchange_sku="SHOE-42")["no"]
    assert client.get(f"/api/v1/cases/{no}", headers=auth(t["agent"])).json()["exchange_name"] == "跑鞋 42 码"
    world.user("rv", "reviewer", "S1", password="pw12345678")
    world.user("buyer-web", "customer", "S1", customer="u1001", password="pw12345678")
    for who, path in (("rv", f"/console/cases/{no}"), ("buyer-web", f"/portal/cases/{no}")):
        client.cookies.clear()
        login_form(client, who)
        page = client.get(path).text
        assert re.search(r'跑鞋 42 码 <small class="muted">SHOE-42</small>', page), who
        assert "跑鞋 42 码（SHOE-42）" in page  # the application in the timeline
