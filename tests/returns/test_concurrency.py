"""Concurrent actions on one case never both succeed; a retried refund pays once."""

from __future__ import annotations

from sqlalchemy import func, select

from shouhou.models import Case, CaseEvent, Refund
from tests.builders import at_once, auth
from tests.returns.helpers import apply, delivered, setup, walk


def count(world, model, *where) -> int:
    with world.db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


class TestTwoReviewers:
    def test_it_lets_only_one_of_two_simultaneous_approvals_through(self, world, client, app):
        t = setup(world)
        world.user("reviewer2", "reviewer", "S1")
        delivered(world)
        no = apply(client, t["buyer"])["no"]
        body = {"action": "approve", "version": 1}
        responses = at_once(app, [
            lambda c: c.post(f"/api/v1/cases/{no}/transitions", json=body, headers=auth(t["reviewer"])),
            lambda c: c.post(f"/api/v1/cases/{no}/transitions", json=body, headers=auth(world.tokens["reviewer2"]))])
        assert sorted(r.status_code for r in responses) == [200, 409]
        loser = next(r for r in responses if r.status_code == 409)
        assert loser.json()["error"]["code"] == "version_conflict"
        approvals = count(world, CaseEvent, CaseEvent.action == "approve",
                          CaseEvent.case_id.in_(select(Case.id).where(Case.no == no)))
        assert approvals == 1


class TestTheLastUnit:
    def test_it_gives_the_last_unit_to_one_of_two_simultaneous_applications(self, world, client, app):
        t = setup(world)
        delivered(world)  # qty 2
        apply(client, t["buyer"], reason="size_fit")  # one unit taken: one left
        body = {"type": "return_refund", "order_no": "T1", "reason": "size_fit", "lines": [{"line_no": 1, "qty": 1}]}
        responses = at_once(app, [lambda c: c.post("/api/v1/cases", json=body, headers=auth(t["buyer"])),
                                  lambda c: c.post("/api/v1/cases", json=body, headers=auth(t["integration"]))])
        assert sorted(r.status_code for r in responses) == [201, 422]
        assert next(r for r in responses if r.status_code == 422).json()["error"]["code"] == \
            "quantity_exceeds_refundable"
        assert count(world, Case) == 2


class TestRetriedRefund:
    def _ready(self, world, client):
        t = setup(world)
        delivered(world)
        no = apply(client, t["buyer"])["no"]
        return t, no, walk(client, t, no)["version"]

    def test_it_refunds_once_when_approve_refund_is_retried_with_the_same_key(self, world, client):
        t, no, version = self._ready(world, client)
        headers = auth(t["finance"]) | {"Idempotency-Key": "refund-" + no}
        body = {"action": "approve_refund", "version": version}
        first = client.post(f"/api/v1/cases/{no}/transitions", json=body, headers=headers)
        again = client.post(f"/api/v1/cases/{no}/transitions", json=body, headers=headers)
        assert first.status_code == again.status_code == 200
        assert again.headers.get("idempotent-replayed") == "true" and again.content == first.content
        assert count(world, Refund) == 1

    def test_it_refunds_once_when_the_retries_race(self, world, client, app):
        t, no, version = self._ready(world, client)
        headers = auth(t["finance"]) | {"Idempotency-Key": "race-" + no}
        body = {"action": "approve_refund", "version": version}
        responses = at_once(app, [lambda c: c.post(f"/api/v1/cases/{no}/transitions", json=body, headers=headers)
                                  for _ in range(3)])
        assert [r.status_code for r in responses] == [200, 200, 200]
        assert len({r.content for r in responses}) == 1
        assert count(world, Refund) == 1
