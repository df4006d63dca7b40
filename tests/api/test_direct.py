"""Case applications and transitions are served by the unit of work itself (api/direct.py),
past FastAPI's routing: each answer, refusals above all, is exactly what FastAPI gives."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from shouhou.api import direct
from shouhou.models import Case, CaseEvent
from tests.builders import auth
from tests.returns.helpers import apply, delivered, setup

KEPT_HEADERS = ("content-type", "www-authenticate", "retry-after")


@pytest.fixture
def parties(world, client):  # noqa: ANN001, ANN201
    tokens = setup(world)
    tokens["stranger"] = world.user("agent9", "agent", None)  # no store
    world.store("S2", "别的店铺")
    tokens["other_store"] = world.user("agent2", "reviewer", "S2")
    delivered(world, "T1")
    tokens["no"] = apply(client, tokens["buyer"])["no"]
    return tokens


def answers(client, monkeypatch, method: str, path: str, **kw: Any) -> list[tuple]:  # noqa: ANN001
    """The answer served directly, then through FastAPI: status, kept headers and body."""
    seen = []
    for directly in (True, False):
        monkeypatch.setattr(direct, "SERVE_DIRECTLY", directly)
        r = client.request(method, path, **kw)
        headers = {k: r.headers[k] for k in KEPT_HEADERS if k in r.headers}
        seen.append((r.status_code, headers, r.content))
    return seen


def cases_post(tokens: dict, name: str) -> tuple[str, dict[str, Any]]:
    no, buyer, reviewer = tokens["no"], auth(tokens["buyer"]), auth(tokens["reviewer"])
    json_type = {"content-type": "application/json"}
    transitions = f"/api/v1/cases/{no}/transitions"
    return {
        "no token": ("/api/v1/cases", {"json": {"type": "return_refund", "order_no": "T1"}}),
        "unknown token": ("/api/v1/cases", {"json": {"type": "consultation"},
                                            "headers": {"Authorization": "Bearer shh_nope"}}),
        "not json": ("/api/v1/cases", {"content": b"{not json", "headers": {**buyer, **json_type}}),
        "empty body": ("/api/v1/cases", {"content": b"", "headers": {**buyer, **json_type}}),
        "no content type": ("/api/v1/cases", {"content": b'{"type": "consultation"}', "headers": buyer}),
        "text content type": ("/api/v1/cases", {"content": b'{"type": "consultation"}',
                                                "headers": {**buyer, "content-type": "text/plain"}}),
        "a list": ("/api/v1/cases", {"json": [1, 2], "headers": buyer}),
        "+json type, unknown case type": ("/api/v1/cases", {
            "content": b'{"type": "teleport"}', "headers": {**buyer, "content-type": "application/problem+json"}}),
        "invalid fields": ("/api/v1/cases", {"json": {"type": "return_refund", "order_no": "T1", "lines": "all",
                                                      "colour": "red"}, "headers": auth(tokens["buyer"], "zh-CN")}),
        "unknown order": ("/api/v1/cases", {"json": {"type": "return_refund", "order_no": "NOPE",
                                                     "lines": [{"line_no": 1, "qty": 1}], "reason": "size_fit"},
                                            "headers": buyer}),
        "quantity exceeds": ("/api/v1/cases", {"json": {"type": "return_refund", "order_no": "T1",
                                                        "lines": [{"line_no": 1, "qty": 9}],
                                                        "reason": "size_fit"}, "headers": buyer}),
        "missing version": (transitions, {"json": {"action": "approve"}, "headers": reviewer}),
        "version not a number": (transitions, {"json": {"action": "approve", "version": "x"}, "headers": reviewer}),
        "unknown action": (transitions, {"json": {"action": "teleport", "version": 1}, "headers": reviewer}),
        "field the action does not take": (transitions, {"json": {"action": "approve", "version": 1, "urgent": True},
                                                         "headers": reviewer}),
        "stale version": (transitions, {"json": {"action": "approve", "version": 7}, "headers": reviewer}),
        "role may not": (transitions, {"json": {"action": "approve", "version": 1}, "headers": buyer}),
        "case of another store": (transitions, {"json": {"action": "approve", "version": 1},
                                                "headers": auth(tokens["other_store"])}),
        "unknown case": ("/api/v1/cases/AS2099010100001/transitions", {"json": {"action": "approve", "version": 1},
                                                                       "headers": reviewer}),
        "state does not allow": (transitions, {"json": {"action": "receive", "version": 1, "result": "accepted"},
                                               "headers": auth(tokens["warehouse"], "en")}),
    }[name]


REFUSALS = ["no token", "unknown token", "not json", "empty body", "no content type", "text content type", "a list",
            "+json type, unknown case type", "invalid fields", "unknown order", "quantity exceeds", "missing version",
            "version not a number", "unknown action", "field the action does not take", "stale version",
            "role may not", "case of another store", "unknown case", "state does not allow"]


@pytest.mark.parametrize("name", REFUSALS)
def test_each_refusal_answers_exactly_as_through_fastapi_and_changes_nothing(client, world, parties, monkeypatch,
                                                                             name):
    path, kw = cases_post(parties, name)
    before = (world.count(Case), world.count(CaseEvent))
    served, through_fastapi = answers(client, monkeypatch, "POST", path, **kw)
    assert served == through_fastapi
    assert served[0] >= 400
    assert (world.count(Case), world.count(CaseEvent)) == before


def test_an_application_and_a_transition_answer_as_through_fastapi(client, world, parties, monkeypatch):
    delivered(world, "T2")
    seen = []
    for directly in (True, False):
        monkeypatch.setattr(direct, "SERVE_DIRECTLY", directly)
        made = client.post("/api/v1/cases", json={"type": "return_refund", "order_no": "T2", "reason": "size_fit",
                                                  "lines": [{"line_no": 1, "qty": 1}]}, headers=auth(parties["buyer"]))
        case = made.json()
        done = client.post(f"/api/v1/cases/{case['no']}/transitions", headers=auth(parties["reviewer"]),
                           json={"action": "reject", "version": case["version"], "reason": "拆封影响二次销售"})
        doc = done.json()
        seen.append((made.status_code, made.headers["content-type"], sorted(case), case["status"],
                     done.status_code, sorted(doc), doc["status"], doc["version"]))
        # reject is final for this line's units only while it stands: withdraw it for the second round
        client.post(f"/api/v1/cases/{case['no']}/transitions", headers=auth(parties["buyer"]),
                    json={"action": "cancel", "version": doc["version"]})
    assert seen[0] == seen[1]
    assert seen[0][0] == 201 and seen[0][4] == 200 and seen[0][6] == "rejected"


def test_requests_served_directly_are_counted_under_their_route_template(client, app, parties):
    no = parties["no"]
    r = client.post(f"/api/v1/cases/{no}/transitions", json={"action": "approve", "version": 1},
                    headers=auth(parties["reviewer"]))
    assert r.status_code == 200
    metrics = TestClient(app, client=("127.0.0.1", 50000)).get("/metrics").text  # for this host only
    assert re.search(r'shouhou_http_requests_total\{method="POST",route="/api/v1/cases/\{no\}/transitions",'
                     r'status="200"\} [1-9]', metrics)
    assert re.search(r'shouhou_http_requests_total\{method="POST",route="/api/v1/cases",status="201"\} [1-9]',
                     metrics)  # the fixture's application
