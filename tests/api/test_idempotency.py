"""Idempotency-Key on POSTs: a retry gets the first answer again, and the effect happens once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from shouhou.models import Case, IdempotencyRecord
from tests.builders import auth

BODY = {"type": "consultation", "store": "S1", "subject": "滤网怎么洗", "channel": "api"}


@pytest.fixture
def agents(world):
    world.store()
    return world.user("agent1", "agent"), world.user("agent2", "agent")


def post(client, token: str, key: str | None, body: dict, path: str = "/api/v1/cases"):
    headers = auth(token) | ({"Idempotency-Key": key} if key else {})
    return client.post(path, json=body, headers=headers)


class TestIdempotencyKey:
    def test_it_replays_the_first_response_for_the_same_key_and_body(self, client, agents, world):
        # given a case created with a key
        first = post(client, agents[0], "k-1", BODY)
        assert first.status_code == 201 and "idempotent-replayed" not in first.headers
        # when the same request is sent again
        again = post(client, agents[0], "k-1", BODY)
        # then the first answer comes back, marked as a replay, and there is still one case
        assert (again.status_code, again.content) == (201, first.content)
        assert again.headers["idempotent-replayed"] == "true"
        assert world.count(Case) == 1

    def test_it_replays_a_transition_even_after_the_case_moved_on(self, client, agents, world):
        # given a transition taken with a key, and the case moved on since
        no = post(client, agents[0], None, BODY).json()["no"]
        body = {"action": "assign", "version": 1}
        first = post(client, agents[0], "t-1", body, f"/api/v1/cases/{no}/transitions")
        post(client, agents[0], None, {"action": "resolve", "version": 2}, f"/api/v1/cases/{no}/transitions")
        # when the client retries the transition
        again = post(client, agents[0], "t-1", body, f"/api/v1/cases/{no}/transitions")
        # then it gets the answer it missed, not a version conflict, and nothing moved again
        assert (again.status_code, again.json()) == (200, first.json())
        assert again.json()["status"] == "open"
        assert world.case(no).version == 3

    def test_it_refuses_the_same_key_with_another_body(self, client, agents, world):
        post(client, agents[0], "k-1", BODY)
        r = post(client, agents[0], "k-1", {**BODY, "subject": "另一个问题"})
        assert r.status_code == 422
        assert r.json()["error"]["code"] == "idempotency_key_reused"
        assert world.count(Case) == 1

    def test_it_keeps_keys_per_caller(self, client, agents, world):
        # when two callers happen to use the same key
        mine = post(client, agents[0], "shared", BODY)
        theirs = post(client, agents[1], "shared", BODY)
        # then each gets their own case
        assert (mine.status_code, theirs.status_code) == (201, 201)
        assert "idempotent-replayed" not in theirs.headers
        assert mine.json()["no"] != theirs.json()["no"]
        assert world.count(Case) == 2

    def test_it_does_not_store_a_failed_first_attempt(self, client, agents, world):
        # given a first attempt refused for a bad body
        bad = post(client, agents[0], "k-2", {**BODY, "subject": ""})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_failed"
        # when the same key is used again: the same bad body is checked afresh, a fixed one goes through
        again = post(client, agents[0], "k-2", {**BODY, "subject": ""})
        fixed = post(client, agents[0], "k-2", BODY)
        # then nothing was stored for the failure
        assert again.status_code == 422 and "idempotent-replayed" not in again.headers
        assert fixed.status_code == 201
        assert world.count(Case) == 1 and world.count(IdempotencyRecord) == 1

    def test_it_answers_concurrent_duplicates_once(self, client, agents, world):
        # given four copies of one request sent at the same moment
        start = threading.Barrier(4)

        def send(_: int):
            start.wait()
            return post(client, agents[0], "race", BODY)

        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(send, range(4)))
        # then there is one case, and every copy got the same answer
        assert [r.status_code for r in answers] == [201] * 4
        assert len({r.content for r in answers}) == 1
        assert sum(r.headers.get("idempotent-replayed") == "true" for r in answers) == 3
        assert world.count(Case) == 1

    def test_it_refuses_an_overlong_key(self, client, agents, world):
        r = post(client, agents[0], "x" * 201, BODY)
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_idempotency_key"
        assert world.count(Case) == 0
