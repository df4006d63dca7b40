"""The document answered when a case is opened is the one read afterwards: its service-level
clocks (from the events this unit queued, not read back) and its links (none, unless one was
added in the same unit), for a case opened alone and for one moved on in the same request."""

from __future__ import annotations

from tests.builders import auth
from tests.returns.helpers import apply, delivered, setup


def read(client, token: str, no: str) -> dict:
    r = client.get(f"/api/v1/cases/{no}", headers=auth(token))
    assert r.status_code == 200, r.text
    return r.json()


def same_parts(answered: dict, later: dict) -> None:
    assert answered["sla"] and answered["sla"] == later["sla"]
    assert answered["links"] == later["links"] == []
    assert answered["version"] == later["version"]


def test_a_new_case_answers_the_clocks_and_links_a_later_read_gives(world, client):
    t = setup(world)
    delivered(world)
    world.order("U1", shipping_fee="10.00")  # paid, not shipped: refunded at once, three events in one unit
    opened = apply(client, t["buyer"], "T1")
    refunded = apply(client, t["buyer"], "U1", type="refund_only", reason="other")
    assert (opened["version"], refunded["version"]) == (1, 3)
    consultation = client.post("/api/v1/cases", headers=auth(t["agent"]), json={
        "type": "consultation", "store": "S1", "subject": "滤网怎么洗", "channel": "api"})
    assert consultation.status_code == 201, consultation.text
    for answered in (opened, refunded, consultation.json()):
        same_parts(answered, read(client, t["agent"], answered["no"]))
