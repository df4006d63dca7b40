"""Webhooks cannot be pointed at internal addresses (at subscription, and at delivery after
resolving the name, against DNS rebinding), answers are kept only as a status and a hash,
failures to connect all look alike, and signing secrets are sealed at rest."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest
from sqlalchemy import select

from shouhou.models import Store, WebhookEndpoint
from shouhou.webhooks import destinations
from shouhou.webhooks.delivery import deliver_due, dispatch_outbox
from shouhou.webhooks.service import seal_plain_secrets
from shouhou.webhooks.signing import verify
from tests.builders import auth

PUBLIC = "93.184.216.34"
INTERNAL = ["http://127.0.0.1:5432/", "http://localhost:8000/x", "http://[::1]/", "http://169.254.169.254/latest/",
            "http://10.0.0.5/", "http://172.16.3.4/", "http://192.168.1.1/", "http://0.0.0.0/", "http://224.0.0.1/",
            "http://[::ffff:127.0.0.1]/", "http://100.64.0.1/", "http://[fe80::1]/", "http://[fc00::1]/",
            "http://240.0.0.1/"]


class Receiver:
    def __init__(self, answer: httpx.Response | Exception | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.answer = answer
        self.client = httpx.Client(transport=httpx.MockTransport(self.handle))

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer or httpx.Response(200, text="ok")


@pytest.fixture
def shop(world):
    world.store("S1")
    return {"shop": world.user("shop1", "integration", "S1"), "agent": world.user("agent1", "agent")}


def subscribe(client, token: str, url: str):
    return client.post("/api/v1/webhooks", json={"store": "S1", "url": url}, headers=auth(token))


def one_delivery(client, world, settings, clock, token: str, receiver: Receiver) -> None:
    client.post("/api/v1/cases", json={"type": "consultation", "store": "S1", "subject": "x"}, headers=auth(token))
    dispatch_outbox(world.db, settings, clock)
    deliver_due(world.db, settings, clock, client=receiver.client)


class TestSubscriptions:
    @pytest.mark.parametrize("url", INTERNAL)
    def test_it_refuses_internal_destinations(self, client, world, shop, url):
        r = subscribe(client, shop["shop"], url)
        assert r.status_code == 422 and r.json()["error"]["code"] == "webhook_destination_forbidden"
        assert world.count(WebhookEndpoint) == 0

    def test_it_refuses_a_name_that_resolves_to_an_internal_address(self, client, world, shop, monkeypatch):
        monkeypatch.setattr(destinations, "resolve", lambda host, port: [PUBLIC, "10.1.2.3"])
        r = subscribe(client, shop["shop"], "https://intranet.example/hook")
        assert r.status_code == 422 and r.json()["error"]["code"] == "webhook_destination_forbidden"

    @pytest.mark.parametrize("url", ["ftp://x.example/", "https://user:pw@x.example/", "https:///nohost", "x"])
    def test_it_refuses_what_is_not_a_plain_http_url(self, client, shop, url):
        r = subscribe(client, shop["shop"], url)
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_url"

    def test_it_accepts_internal_hosts_the_operator_allowed(self, client, world, settings, clock, shop):
        # given the operator's allow-list naming an internal host and an address
        from starlette.testclient import TestClient

        from shouhou.app import create_app

        allowed = settings.model_copy(update={"webhook_allow_hosts": "erp.internal, 10.0.0.5"})
        with TestClient(create_app(allowed, db=world.db, clock=clock)) as c:
            assert subscribe(c, shop["shop"], "http://erp.internal:8080/hooks").status_code == 201
            assert subscribe(c, shop["shop"], "http://10.0.0.5/hooks").status_code == 201
            assert subscribe(c, shop["shop"], "http://10.0.0.6/hooks").status_code == 422
        # then deliveries go to the allowed host by name
        receiver = Receiver()
        one_delivery(client, world, allowed, clock, shop["agent"], receiver)
        assert sorted(str(r.url) for r in receiver.requests) == ["http://10.0.0.5/hooks",
                                                                 "http://erp.internal:8080/hooks"]


class TestDeliveries:
    def test_it_connects_to_the_address_it_checked_keeping_the_name(self, client, world, settings, clock, shop,
                                                                     monkeypatch):
        monkeypatch.setattr(destinations, "resolve", lambda host, port: [PUBLIC])
        assert subscribe(client, shop["shop"], "https://hooks.example:8443/in?x=1").status_code == 201
        receiver = Receiver()
        one_delivery(client, world, settings, clock, shop["agent"], receiver)
        (sent,) = receiver.requests
        assert str(sent.url) == f"https://{PUBLIC}:8443/in?x=1" and sent.headers["host"] == "hooks.example:8443"
        assert sent.extensions["sni_hostname"] == "hooks.example"  # TLS checks the name's certificate

    def test_it_refuses_a_name_that_resolves_internally_at_delivery_time(self, client, world, settings, clock, shop,
                                                                         monkeypatch, caplog):
        # given a subscription accepted while its name resolved to a public address
        monkeypatch.setattr(destinations, "resolve", lambda host, port: [PUBLIC])
        hook = subscribe(client, shop["shop"], "https://rebind.example/hook").json()
        # when the name resolves to loopback by the time of delivery
        monkeypatch.setattr(destinations, "resolve", lambda host, port: ["127.0.0.1"])
        receiver = Receiver()
        one_delivery(client, world, settings, clock, shop["agent"], receiver)
        # then nothing is sent, and the subscriber reads only the one generic reason
        assert receiver.requests == []
        (d,) = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=auth(shop["shop"])).json()["items"]
        assert (d["last_status"], d["last_error"], d["attempts"]) == (None, "unreachable", 1)
        reasons = [r.fields["reason"] for r in caplog.records if r.name == "shouhou.webhooks"]
        assert reasons == ["Refused: rebind.example resolves to an internal address"]  # the operator's log says why

    @pytest.mark.parametrize("failure", [httpx.ConnectError("[Errno 111] Connection refused"),
                                         httpx.ConnectTimeout("timed out"), httpx.ReadTimeout("timed out"),
                                         httpx.RemoteProtocolError("Server disconnected")])
    def test_it_gives_one_reason_for_every_way_of_getting_no_answer(self, client, world, settings, clock, shop,
                                                                     monkeypatch, failure):
        monkeypatch.setattr(destinations, "resolve", lambda host, port: [PUBLIC])
        hook = subscribe(client, shop["shop"], "https://hooks.example/in").json()
        one_delivery(client, world, settings, clock, shop["agent"], Receiver(failure))
        (d,) = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=auth(shop["shop"])).json()["items"]
        assert (d["last_status"], d["last_error"]) == (None, "unreachable")

    def test_it_keeps_only_the_status_and_a_hash_of_the_answer(self, client, world, settings, clock, shop,
                                                                monkeypatch):
        monkeypatch.setattr(destinations, "resolve", lambda host, port: [PUBLIC])
        hook = subscribe(client, shop["shop"], "https://hooks.example/in").json()
        body = b"<html>admin console: token=abc123</html>"
        one_delivery(client, world, settings, clock, shop["agent"], Receiver(httpx.Response(500, content=body)))
        r = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=auth(shop["shop"]))
        (d,) = r.json()["items"]
        assert (d["last_status"], d["last_error"]) == (500, None)
        assert d["last_body_sha256"] == hashlib.sha256(body).hexdigest() and "abc123" not in r.text


class TestSealedSecrets:
    def test_it_stores_the_signing_secret_sealed_and_signs_with_it(self, client, world, settings, clock, shop,
                                                                    monkeypatch):
        monkeypatch.setattr(destinations, "resolve", lambda host, port: [PUBLIC])
        hook = subscribe(client, shop["shop"], "https://hooks.example/in").json()
        with world.db.session() as s:
            stored = s.scalars(select(WebhookEndpoint.secret)).one()
        assert stored.startswith("sealed:v1:") and hook["secret"] not in stored
        receiver = Receiver()
        one_delivery(client, world, settings, clock, shop["agent"], receiver)
        (sent,) = receiver.requests
        assert verify(hook["secret"], sent.headers["x-shouhou-signature"], sent.content,
                      now=int(clock.now().timestamp()))

    def test_it_seals_secrets_stored_in_plain_before(self, client, world, settings, clock, shop, monkeypatch):
        # given a subscription from before secrets were sealed
        monkeypatch.setattr(destinations, "resolve", lambda host, port: [PUBLIC])
        subscribe(client, shop["shop"], "https://hooks.example/in")
        subscribe(client, shop["shop"], "https://hooks.example/two")
        with world.db.session() as s:
            for n, ep in enumerate(s.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id))):
                ep.secret = f"whsec_plain{n}"
        # when a delivery reads one, and `shouhou init` seals the rest
        receiver = Receiver()
        one_delivery(client, world, settings, clock, shop["agent"], receiver)
        with world.db.session() as s:
            assert seal_plain_secrets(s, settings) == 0  # the delivery sealed both (both had a delivery)
            assert all(e.startswith("sealed:v1:") for e in s.scalars(select(WebhookEndpoint.secret)))
        # then each was signed with the secret its subscriber knows
        now = int(clock.now().timestamp())
        by_path = {r.url.path: r for r in receiver.requests}
        assert verify("whsec_plain0", by_path["/in"].headers["x-shouhou-signature"], by_path["/in"].content, now=now)
        assert json.loads(by_path["/two"].content)["topic"] == "case.created"

    def test_init_seals_plain_secrets(self, world, settings, shop):
        with world.db.session() as s:
            store_id = s.scalars(select(Store.id)).one()
            s.add(WebhookEndpoint(store_id=store_id, url="https://x.example/", secret="whsec_old", topics=[],
                                  active=True, created_at=world.clock.now()))
        with world.db.session() as s:
            assert seal_plain_secrets(s, settings) == 1
        with world.db.session() as s:
            assert s.scalars(select(WebhookEndpoint.secret)).one().startswith("sealed:v1:")
