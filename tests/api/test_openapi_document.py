"""The OpenAPI document describes errors, security and case types as the server answers them;
request bodies take the JSON types the document names, no others."""

from __future__ import annotations

from typing import Any

import jsonschema_rs  # schemathesis's validator
import pytest

from shouhou.engine.registry import all_workflows
from tests.api.test_access_matrix import openapi
from tests.builders import auth, error_of, order_doc
from tests.engine.factories import CASE_FACTORIES, SAMPLES


class TestTheDocument:
    def test_every_error_response_is_the_error_document(self):
        doc = openapi()
        for path, item in doc["paths"].items():
            for method, op in item.items():
                for status, response in op["responses"].items():
                    if status.startswith(("4", "5")):
                        schema = response["content"]["application/json"]["schema"]
                        assert schema == {"$ref": "#/components/schemas/ErrorDocument"}, f"{method} {path} {status}"
        assert "HTTPValidationError" not in doc["components"]["schemas"]
        assert doc["components"]["schemas"]["ErrorBody"]["required"] == ["code", "message", "details"]

    def test_every_api_operation_needs_a_bearer_token_and_health_none(self):
        doc = openapi()
        for path, item in doc["paths"].items():
            for method, op in item.items():
                if path.startswith("/api/"):
                    assert op["security"] == [{"bearer": []}], f"{method} {path}"
                    assert "401" in op["responses"] and "503" in op["responses"]
        assert doc["paths"]["/healthz"]["get"]["security"] == []
        assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"

    def test_writes_document_conflicts_and_oversized_bodies(self):
        responses = openapi()["paths"]["/api/v1/cases/{no}/transitions"]["post"]["responses"]
        assert {"200", "401", "403", "404", "409", "413", "422", "503"} <= set(responses)
        assert responses["503"]["headers"]["Retry-After"]["required"] is True

    def test_the_case_document_names_each_types_own_fields(self):
        case = openapi()["components"]["schemas"]["CaseDocument"]
        variants = {tuple(v["properties"]["type"]["enum"]): v.get("allOf") for v in case["anyOf"]}
        assert variants[("exchange", "refund_only", "return_refund")] == [
            {"$ref": "#/components/schemas/ReturnCaseDetail"}]
        assert variants[("consultation",)] is None  # a consultation adds nothing

    def test_money_and_times_are_documented_as_text(self):
        schemas = openapi()["components"]["schemas"]
        assert schemas["OrderDocument"]["properties"]["shipping_fee"]["pattern"] == r"^-?\d+\.\d{2}$"
        assert schemas["OrderDocument"]["properties"]["placed_at"]["format"] == "date-time"


class TestMethodNotAllowed:
    @pytest.mark.parametrize(("path", "allow"), [
        ("/api/v1/cases", "GET, POST"),
        ("/api/v1/reasons", "GET, POST"),
        ("/api/v1/reasons/order", "POST"),  # the fixed path, not /reasons/{code}
        ("/api/v1/reasons/size_fit", "DELETE, PUT"),
        ("/api/v1/stores/S1/policy", "GET, PUT"),
    ])
    def test_it_names_every_method_of_the_resource(self, client, path, allow):
        r = client.request("PATCH", path)
        assert r.status_code == 405 and r.headers["allow"] == allow
        error_of(r, 405, "method_not_allowed")


class TestRequestTypes:
    """Request models are strict: a JSON number without a fraction for an integer, JSON true/false
    for a boolean; never "2" for 2, false for 0 or "yes" for true."""

    @pytest.fixture
    def integration(self, world):
        world.store("S1")
        return world.user("shop", "integration", "S1")

    @pytest.mark.parametrize("qty", ["2", True])
    def test_it_refuses_an_integer_given_as_text_or_boolean(self, client, integration, qty):
        doc = order_doc("T1")
        doc["lines"][0]["qty"] = qty
        r = client.post("/api/v1/orders", json=doc, headers=auth(integration))
        assert error_of(r, 422, "validation_failed")["details"]["errors"][0]["loc"] == ["body", "lines", 0, "qty"]

    def test_it_takes_a_whole_number_written_with_a_fraction(self, client, integration):
        doc = order_doc("T1")
        doc["lines"][0]["qty"] = 2.0
        r = client.post("/api/v1/orders", json=doc, headers=auth(integration))
        assert r.status_code == 201 and r.json()["lines"][0]["qty"] == 2

    def test_it_refuses_a_boolean_given_as_text(self, client, integration):
        r = client.post("/api/v1/orders", json={**order_doc("T1"), "free_shipping": "yes"}, headers=auth(integration))
        assert error_of(r, 422, "validation_failed")["details"]["errors"][0]["loc"] == ["body", "free_shipping"]


def validator(component: str) -> Any:
    """A validator of one of the document's schemas (OpenAPI 3.1: JSON Schema 2020-12)."""
    doc = openapi()
    return jsonschema_rs.validator_for({"$ref": f"#/components/schemas/{component}", "components": doc["components"]},
                                       validate_formats=True)


class TestCaseDocuments:
    """Every case type in every state, with the facts its actions look for (a pending refund, an
    unpaid insurance claim, a price difference, a parcel on its way), as staff and as its buyer:
    the case, the list and the timeline are what the document says. (schemathesis reaches only
    the states its requests lead to.)"""

    @pytest.mark.parametrize("workflow", sorted(all_workflows(), key=lambda w: w.type), ids=lambda w: w.type)
    def test_every_state_answers_as_documented(self, world, client, workflow):
        world.store("S1", return_contact="售后仓", return_phone="021-1", return_address="上海仓")
        staff = {"admin": world.user("admin-S1", "admin", None)}
        world.user("agent-S1", "agent", "S1")
        world.user("technician-S1", "technician", "S1")  # the repair factories dispatch to them
        staff["buyer"] = world.user("buyer", "customer", "S1", customer="u1001")
        prepares = list(dict.fromkeys(s.prepare for s in SAMPLES[workflow.type].values() if s.prepare))
        case_doc, case_list, events = validator("CaseDocument"), validator("CaseList"), validator("CaseEvents")
        problems: list[str] = []
        for state in workflow.state_names:
            case = CASE_FACTORIES[workflow.type](world, state)
            with world.db.session() as s:
                for prepare in prepares:
                    prepare(s, case)
            extend = workflow.action("extend_receipt")  # an exchange's record of receipt extensions
            if extend is not None and state in extend.sources:
                world.move("agent-S1", case.no, ("extend_receipt", SAMPLES[workflow.type]["extend_receipt"].payload))
            for who, token in staff.items():
                if who == "buyer" and case.customer_id is None:  # the shop's own record (a review): not the buyer's
                    continue
                for url, check in ((f"/api/v1/cases/{case.no}", case_doc), (f"/api/v1/cases?no={case.no}", case_list),
                                   (f"/api/v1/cases/{case.no}/events", events)):
                    r = client.get(url, headers=auth(token))
                    assert r.status_code == 200, r.text
                    problems += [f"{state} as {who}, {url}: {e.instance_path}: {e.message}"
                                 for e in check.iter_errors(r.json())]
        assert not problems, "\n".join(problems[:20])
