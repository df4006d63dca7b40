"""What the repair-side endpoints answer, with real data in it, is what the OpenAPI document
declares: a repair taken through every part of its document (workshop, quote, parts, the maker,
QC, return, fees, invoice, rating), an on-site warranty repair for an outlet (old parts in the bin,
a maker's claim, the outlet's statement), a dispute decided, and every list and document the
units, contracts, parts, technicians, settings, work logs and reports endpoints give about them.
(schemathesis and the generated states reach the documents mostly empty.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import jsonschema_rs

from tests.api.test_access_matrix import openapi
from tests.builders import auth
from tests.repairs.helpers import SIGNATURE, WEEKDAYS, act, new_unit, part, register, setup, window
from tests.returns.helpers import delivered

LONG_AGO = datetime.fromisoformat("2024-06-01T10:00:00+08:00")  # out of its 12-month 三包 period
COMPLETED = datetime.fromisoformat("2026-11-21T12:00:00+08:00")


def problems(response: Any, method: str, template: str) -> list[str]:
    """How the answer differs from what the document declares for its status."""
    declared = openapi()["paths"][template][method.lower()]["responses"].get(str(response.status_code))
    if declared is None:
        return [f"{method} {template}: {response.status_code} is not declared: {response.text[:300]}"]
    schema = declared["content"]["application/json"]["schema"]
    check = jsonschema_rs.validator_for({**schema, "components": openapi()["components"]}, validate_formats=True)
    return [f"{method} {template} {response.status_code}: {e.instance_path}: {e.message}"
            for e in check.iter_errors(response.json())]


class TestRepairSideAnswers:
    def test_every_document_with_data_in_it_is_as_declared(self, world, client, clock):
        t = setup(world, client)
        found: list[str] = []

        def call(method: str, template: str, expect: int = 200, params: dict[str, Any] | None = None,
                 json: Any = None, token: str | None = None, **path: Any) -> Any:
            r = client.request(method, template.format(**path), params=params, json=json,
                               headers=auth(token or t["admin"]))
            assert r.status_code == expect, f"{method} {template}: {r.text}"
            found.extend(problems(r, method, template))
            return r.json()

        def case(no: str) -> None:
            for who in ("supervisor", "buyer"):
                call("GET", "/api/v1/cases/{no}", no=no, token=t[who])
                call("GET", "/api/v1/cases", params={"no": no}, token=t[who])

        # given parts in the central store and the technician's van, an outlet, a contract
        part(client, t["warehouse"], "PUMP-1", stock={"central": 5, "van:technician-S1": 5})
        call("POST", "/api/v1/outlets", 201, params={"store": "S1"}, json={
            "code": "PD01", "name": "浦东服务网点", "areas": ["浦东新区"], "job_fees": {"repair": "80.00"},
            "per_km": "2.50", "radius_km": 10, "parts_margin_percent": "12.50"}, token=t["supervisor"])
        call("PUT", "/api/v1/technicians/{user}", user="technician-S1", json={
            "skills": ["appliance"], "areas": ["浦东新区"], "hours": WEEKDAYS, "outlet": "PD01"},
             token=t["supervisor"])
        new_unit(client, t["agent"], "OLD-1", delivered=LONG_AGO)
        new_unit(client, t["agent"], "WM-1")
        contract = call("POST", "/api/v1/contracts", 201, json={
            "store": "S1", "customer": "u1001", "serials": ["WM-1"], "starts_on": "2026-11-01",
            "ends_on": "2027-10-31", "fee": "300.00", "visits": {"every_months": 3}}, token=t["agent"])["no"]

        # a paid carry-in repair through the workshop, the maker and QC, paid, invoiced and rated
        paid = register(client, t["agent"], serial="OLD-1", mode="carry_in")["no"]
        act(client, t["agent"], paid, "receive_unit", condition="外观旧", accessories=["电源线"],
            photos=["https://img.example.com/a.jpg"])
        act(client, t["technician"], paid, "quote", labour_minutes=60, parts=[{"sku": "PUMP-1", "qty": 1}],
            extra_lines=[{"description": "清洗", "amount": "20.00"}])
        case(paid)
        act(client, t["buyer"], paid, "approve_quote")
        act(client, t["technician"], paid, "log_work", diagnosis="排水泵坏", labour_minutes=30,
            parts=[{"sku": "PUMP-1", "qty": 1, "old_serial": "P-OLD", "new_serial": "P-NEW"}])
        act(client, t["technician"], paid, "send_to_vendor", vendor="海尔售后", rma_no="RMA-1", carrier="SF",
            tracking_no="SF-V-1")
        act(client, t["warehouse"], paid, "vendor_returned", carrier="SF", tracking_no="SF-V-2")
        act(client, t["technician"], paid, "finish_repair", result="fixed", fault_code="drain", labour_minutes=15)
        act(client, t["supervisor"], paid, "pass_qc")
        act(client, t["agent"], paid, "return_unit", method="in_person", signature=SIGNATURE)
        done = act(client, t["buyer"], paid, "confirm_return")
        act(client, t["agent"], paid, "collect_fee", amount=done["fees"]["due"], method="cash")
        act(client, t["finance"], paid, "issue_invoice", invoice_no="INV-1")
        act(client, t["buyer"], paid, "rate", score=5, comment="很好")
        case(paid)

        # an on-site warranty repair given to the outlet: a part from the van, the old one kept
        onsite = register(client, t["agent"], serial="WM-1")["no"]
        act(client, t["supervisor"], onsite, "assign_outlet", outlet="PD01")
        call("GET", "/api/v1/cases/{no}/technician-suggestions", no=onsite, token=t["supervisor"])
        act(client, t["supervisor"], onsite, "dispatch", technician="technician-S1", window=window(), distance_km=17)
        call("GET", "/api/v1/technicians/{user}/schedule", user="technician-S1", params={"date": "2026-11-25", "store": "S1"})
        act(client, t["technician"], onsite, "check_in")
        act(client, t["technician"], onsite, "complete_onsite", fault_code="drain", signature=SIGNATURE,
            parts=[{"sku": "PUMP-1", "qty": 1, "old_serial": "P-OLD-2"}])
        case(onsite)
        call("GET", "/api/v1/cases/{no}/events", no=onsite, token=t["buyer"])

        # a dispute, answered and decided
        delivered(world, "W1", completed_at=COMPLETED)
        r = client.post("/api/v1/cases", headers=auth(t["buyer"]), json={
            "type": "dispute", "order_no": "W1", "description": "开线", "amount": "50.00",
            "photos": ["https://img.example.com/seam.jpg"]})
        found.extend(problems(r, "POST", "/api/v1/cases"))
        dispute = r.json()["no"]
        act(client, t["reviewer"], dispute, "respond", note="已按约发货", photos=["https://img.example.com/qc.jpg"])
        act(client, t["platform"], dispute, "decide", decision="partial", refund_amount="30.00", note="部分支持")
        case(dispute)

        # then every document about them is as declared
        for who in ("agent", "buyer"):
            call("GET", "/api/v1/units/{serial}", serial="WM-1", token=t[who])
            call("GET", "/api/v1/units", token=t[who])
            call("GET", "/api/v1/contracts/{no}", no=contract, params={"store": "S1"}, token=t[who])
            call("GET", "/api/v1/contracts", token=t[who])
        call("POST", "/api/v1/units/{serial}/replace", 201, serial="WM-1", json={"new_serial": "WM-1B"},
             token=t["agent"])
        s1 = {"store": "S1"}
        for template in ("/api/v1/parts", "/api/v1/parts/reorder", "/api/v1/parts/requests",
                         "/api/v1/parts/returns-bin", "/api/v1/repairs/registrations", "/api/v1/workshop/register",
                         "/api/v1/technicians", "/api/v1/work-logs", "/api/v1/outlets", "/api/v1/repairs/kpi"):
            call("GET", template, params=s1)
        for template in ("/api/v1/parts/{sku}", "/api/v1/parts/{sku}/movements"):
            call("GET", template, sku="PUMP-1", params=s1)
        request = call("POST", "/api/v1/parts/requests", 201, json={"store": "S1", "sku": "PUMP-1", "qty": 1},
                       token=t["technician"])
        call("POST", "/api/v1/parts/requests/{request_id}/approve", request_id=request["id"], json={"note": "好"},
             token=t["supervisor"])
        call("POST", "/api/v1/parts/returns-bin/ship", 201, json={"store": "S1", "maker": "海尔", "carrier": "SF",
                                                                  "tracking_no": "SF-OLD"}, token=t["warehouse"])
        call("POST", "/api/v1/work-logs", 201, json={"kind": "training", "minutes": 60}, token=t["technician"])
        call("GET", "/api/v1/warranty-claims", params={"store": "S1", "month": "2026-11"})
        call("GET", "/api/v1/outlets/{code}/statements/{month}", code="PD01", month="2026-11", params=s1,
             token=t["supervisor"])
        clock.set(datetime.fromisoformat("2026-12-01T00:00:00+08:00"))  # a month is approved once it is over
        call("POST", "/api/v1/outlets/{code}/statements/{month}/approve", code="PD01", month="2026-11", params=s1,
             token=t["supervisor"])
        call("POST", "/api/v1/outlets/{code}/statements/{month}/pay", code="PD01", month="2026-11", params=s1,
             json={"ref": "BANK-1"}, token=t["finance"])
        for template in ("/api/v1/stores/{code}/price-list", "/api/v1/stores/{code}/fault-codes"):
            call("GET", template, code="S1")
        assert not found, "\n".join(found[:30])
        # and the statement's lines give money in yuan only
        statement = client.get("/api/v1/outlets/PD01/statements/2026-11", params=s1,
                               headers=auth(t["supervisor"])).json()
        assert statement["status"] == "paid" and "amount_fen" not in statement["lines"][0]
