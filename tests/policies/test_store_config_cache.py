"""The process-wide cache of a store's reasons and policy: used, and never stale after a change."""

from __future__ import annotations

from sqlalchemy import select

from shouhou.models import Store
from tests.builders import auth, statements
from tests.returns.helpers import apply, delivered, error, setup


def tag(db) -> str:
    with db.session() as s:
        return s.scalar(select(Store.config_tag).where(Store.code == "S1"))


REASON = {"store": "S1", "code": "late", "label_zh": "迟到", "label_en": "Late", "case_types": ["return_refund"],
          "ground": "quality"}


def test_a_second_application_reads_neither_reasons_nor_policy(world, client, db):
    t = setup(world)
    delivered(world, "A1")
    delivered(world, "A2")
    apply(client, t["buyer"], "A1")
    with statements(db) as seen:
        apply(client, t["buyer"], "A2")
    assert seen, "the listener saw the application's statements"
    assert not [s for s in seen if "FROM reason" in s or "FROM store_policy_version" in s], seen


def test_a_policy_change_gives_a_new_tag_and_the_next_application_uses_it(world, client, db):
    t = setup(world)
    delivered(world, "A1")
    delivered(world, "A2")
    first = apply(client, t["buyer"], "A1")
    before = tag(db)
    r = client.put("/api/v1/stores/S1/policy", json={"no_reason_return_days": 15}, headers=auth(t["admin"]))
    assert r.status_code == 200, r.text
    assert tag(db) != before
    second = apply(client, t["buyer"], "A2")
    assert first["policy_version_id"] is None  # the defaults: no version saved then
    assert second["policy_version_id"] is not None
    until = second["eligibility"]["lines"]["1"]["until"]
    assert until != first["eligibility"]["lines"]["1"]["until"]  # 15 days, not 7


def test_a_reason_change_is_seen_by_the_next_application(world, client, db):
    t = setup(world)
    delivered(world, "A1")
    delivered(world, "A2")
    r = client.post("/api/v1/cases", json={"type": "return_refund", "order_no": "A1", "reason": "late",
                                           "lines": [{"line_no": 1, "qty": 1}]}, headers=auth(t["buyer"]))
    assert error(r) == "unknown_reason"  # and the catalogue without it is now cached
    before = tag(db)
    assert client.post("/api/v1/reasons", json=REASON, headers=auth(t["admin"])).status_code == 201
    assert tag(db) != before
    assert apply(client, t["buyer"], "A1", reason="late")["reason"] == "late"
    client.put("/api/v1/reasons/late", json={**REASON, "visible": False}, headers=auth(t["admin"]))
    r = client.post("/api/v1/cases", json={"type": "return_refund", "order_no": "A2", "reason": "late",
                                           "lines": [{"line_no": 1, "qty": 1}]}, headers=auth(t["buyer"]))
    assert error(r) == "unknown_reason"


def test_a_refused_change_leaves_the_tag_alone(world, client, db):
    t = setup(world)
    before = tag(db)
    r = client.put("/api/v1/stores/S1/policy", json={"no_reason_return_days": 3}, headers=auth(t["admin"]))
    assert error(r) == "policy_below_statutory"
    assert tag(db) == before
