"""Webhooks: outbox rows become signed deliveries to subscribed endpoints, retried with backoff."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest

from shouhou.models import WebhookDelivery
from shouhou.webhooks.delivery import deliver_due, dispatch_outbox
from shouhou.webhooks.signing import verify
from tests.builders import auth


class Receiver:
    """An HTTP endpoint on an httpx.MockTransport that answers with the statuses it is given."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.requests: list[httpx.Request] = []
        self.client = httpx.Client(transport=httpx.MockTransport(self.handle))

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.statuses.pop(0) if self.statuses else 200, text="ok")


@pytest.fixture
def hooked(world, client):
    """Store S1 with an agent and an integration that subscribed to every topic; store S2 subscribed too."""
    world.store("S1")
    world.store("S2", "别的店铺")
    agent = world.user("agent1", "agent")
    shop = world.user("shop1", "integration", "S1")
    other = world.user("shop2", "integration", "S2")
    r = client.post("/api/v1/webhooks", json={"store": "S1", "url": "https://shop.example/hooks"},
                    headers=auth(shop))
    assert r.status_code == 201, r.text
    client.post("/api/v1/webhooks", json={"store": "S2", "url": "https://other.example/hooks"}, headers=auth(other))
    return {"agent": agent, "shop": shop, "secret": r.json()["secret"], "id": r.json()["id"]}


def open_case(client, token: str) -> str:
    r = client.post("/api/v1/cases", json={"type": "consultation", "store": "S1", "subject": "滤网怎么洗"},
                    headers=auth(token))
    return r.json()["no"]


def deliveries(world) -> list[WebhookDelivery]:
    from sqlalchemy import select

    with world.db.session() as s:
        return list(s.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


class TestWebhookDelivery:
    def test_it_delivers_each_change_signed_to_the_stores_subscriber(self, client, hooked, world, settings, clock):
        # given a case created and assigned in S1
        no = open_case(client, hooked["agent"])
        client.post(f"/api/v1/cases/{no}/transitions", json={"action": "assign", "version": 1},
                    headers=auth(hooked["agent"]))
        # when the outbox is dispatched and delivered
        assert dispatch_outbox(world.db, settings, clock) == 2
        receiver = Receiver()
        assert deliver_due(world.db, settings, clock, client=receiver.client) == 2
        # then S1's endpoint got both changes, in order, each verifiably signed; S2's got nothing
        assert [str(r.url) for r in receiver.requests] == ["https://shop.example/hooks"] * 2
        bodies = [json.loads(r.content) for r in receiver.requests]
        assert [(b["topic"], b["store"], b["data"]["case"], b["data"]["to"]) for b in bodies] == [
            ("case.created", "S1", no, "new"), ("case.transitioned", "S1", no, "open")]
        now = int(clock.now().timestamp())
        for r in receiver.requests:
            assert verify(hooked["secret"], r.headers["x-shouhou-signature"], r.content, now=now)
            assert not verify("whsec_wrong", r.headers["x-shouhou-signature"], r.content, now=now)
            assert not verify(hooked["secret"], r.headers["x-shouhou-signature"], r.content + b" ", now=now)
        assert [d.state for d in deliveries(world)] == ["delivered", "delivered"]
        # and nothing is delivered twice
        assert dispatch_outbox(world.db, settings, clock) == 0
        assert deliver_due(world.db, settings, clock, client=receiver.client) == 0

    def test_it_sends_only_the_topics_asked_for(self, client, hooked, world, settings, clock):
        client.delete(f"/api/v1/webhooks/{hooked['id']}", headers=auth(hooked["shop"]))
        r = client.post("/api/v1/webhooks", json={"store": "S1", "url": "https://shop.example/moves",
                                                  "topics": ["case.transitioned", "case.transitioned"]},
                        headers=auth(hooked["shop"]))
        assert r.status_code == 201 and r.json()["topics"] == ["case.transitioned"]  # a topic named twice: once
        no = open_case(client, hooked["agent"])
        client.post(f"/api/v1/cases/{no}/transitions", json={"action": "assign", "version": 1},
                    headers=auth(hooked["agent"]))
        dispatch_outbox(world.db, settings, clock)
        receiver = Receiver()
        deliver_due(world.db, settings, clock, client=receiver.client)
        assert [json.loads(r.content)["topic"] for r in receiver.requests] == ["case.transitioned"]

    def test_it_retries_with_backoff_and_gives_up_after_the_last_attempt(self, client, hooked, world, clock):
        # given a receiver that keeps failing, and three attempts allowed

        settings = world.settings.model_copy(update={"webhook_max_attempts": 3})
        open_case(client, hooked["agent"])
        dispatch_outbox(world.db, settings, clock)
        receiver = Receiver(500, 500, 500)
        # when delivery fails the first time
        assert deliver_due(world.db, settings, clock, client=receiver.client) == 1
        (d,) = deliveries(world)
        assert (d.state, d.attempts, d.last_status) == ("pending", 1, 500)
        assert d.next_attempt_at == clock.now() + timedelta(seconds=30)
        # then it is not retried before the backoff, and waits twice as long after the second failure
        assert deliver_due(world.db, settings, clock, client=receiver.client) == 0
        clock.advance(seconds=30)
        assert deliver_due(world.db, settings, clock, client=receiver.client) == 1
        (d,) = deliveries(world)
        assert (d.state, d.attempts, d.next_attempt_at) == ("pending", 2, clock.now() + timedelta(seconds=60))
        # and after the last attempt it is dead
        clock.advance(seconds=60)
        deliver_due(world.db, settings, clock, client=receiver.client)
        (d,) = deliveries(world)
        assert (d.state, d.attempts) == ("dead", 3)
        clock.advance(days=1)
        assert deliver_due(world.db, settings, clock, client=receiver.client) == 0
        assert len(receiver.requests) == 3

    def test_it_delivers_on_a_retry_after_a_failure(self, client, hooked, world, settings, clock):
        open_case(client, hooked["agent"])
        dispatch_outbox(world.db, settings, clock)
        receiver = Receiver(503)
        deliver_due(world.db, settings, clock, client=receiver.client)
        clock.advance(seconds=30)
        deliver_due(world.db, settings, clock, client=receiver.client)
        (d,) = deliveries(world)
        assert (d.state, d.attempts, d.last_status, d.delivered_at) == ("delivered", 2, 200, clock.now())
        assert receiver.requests[0].headers["x-shouhou-delivery"] == receiver.requests[1].headers[
            "x-shouhou-delivery"]

    def test_it_treats_an_unreachable_endpoint_as_a_failed_attempt(self, client, hooked, world, settings, clock):
        open_case(client, hooked["agent"])
        dispatch_outbox(world.db, settings, clock)

        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        deliver_due(world.db, settings, clock, client=httpx.Client(transport=httpx.MockTransport(refuse)))
        (d,) = deliveries(world)
        assert (d.state, d.attempts, d.last_status, d.last_error) == ("pending", 1, None, "unreachable")


class TestWebhookSubscriptions:
    def test_it_lets_only_the_stores_integration_or_an_admin_subscribe(self, client, hooked):
        r = client.post("/api/v1/webhooks", json={"store": "S1", "url": "https://x.example"},
                        headers=auth(hooked["agent"]))
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"

    @pytest.mark.parametrize(("body", "code"), [
        ({"url": "ftp://x.example"}, "invalid_url"),
        ({"url": "https://x.example", "topics": ["case.deleted"]}, "unknown_topic"),
    ])
    def test_it_refuses_a_bad_subscription(self, client, hooked, body, code):
        r = client.post("/api/v1/webhooks", json={"store": "S1", **body}, headers=auth(hooked["shop"]))
        assert r.status_code == 422 and r.json()["error"]["code"] == code
