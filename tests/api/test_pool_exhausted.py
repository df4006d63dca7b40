"""PostgreSQL: a request that finds every pooled connection taken waits the pool's timeout, then is
refused with 503 `database_busy` and `Retry-After` (nothing done), not a 500; once a connection is
free again the same request works."""

from __future__ import annotations

from typing import Any

from shouhou.models import Case
from tests.builders import auth
from tests.pools import crowded, postgresql_only

BODY = {"type": "consultation", "store": "S1", "subject": "滤网怎么洗"}
ZH = "服务器正忙于处理其他请求，未做任何更改，请重试"
EN = "The server is busy with other requests; nothing was changed. Retry the request"


def busy(response: Any, message: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "1"
    assert response.json()["error"] == {"code": "database_busy", "message": message, "details": {}}


def test_a_write_a_read_and_an_idempotent_write_are_refused_while_the_pool_is_taken(world, db, settings, clock,
                                                                                     backend):
    postgresql_only(backend)
    world.store()
    agent = world.staff()["agent"]
    with crowded(db.url, settings, clock) as (client, hold):
        with hold():
            # the token is checked before the body is read: that checkout is the one refused
            busy(client.post("/api/v1/cases", json=BODY, headers=auth(agent, "zh-CN")), ZH)
            busy(client.get("/api/v1/cases", headers=auth(agent)), EN)
            busy(client.get("/api/v1/cases", headers=auth(agent, "zh-CN")), ZH)
            busy(client.post("/api/v1/cases", json=BODY, headers={**auth(agent), "Idempotency-Key": "k1"}), EN)
        assert world.count(Case) == 0
        # the connection is back: the same requests work, the idempotent one once
        assert client.get("/api/v1/cases", headers=auth(agent)).status_code == 200
        assert client.post("/api/v1/cases", json=BODY, headers=auth(agent)).status_code == 201
        first = client.post("/api/v1/cases", json=BODY, headers={**auth(agent), "Idempotency-Key": "k1"})
        again = client.post("/api/v1/cases", json=BODY, headers={**auth(agent), "Idempotency-Key": "k1"})
        assert first.status_code == again.status_code == 201
        assert again.json()["no"] == first.json()["no"]
    assert world.count(Case) == 2


def test_the_endpoints_own_checkout_is_refused_too(world, db, settings, clock, backend, monkeypatch):
    """Past the token check (answered here without the database), the endpoint's session, or an
    idempotent write's key lookup, finds the pool taken."""
    postgresql_only(backend)
    world.store()
    agent = world.staff()["agent"]
    from shouhou.api import early_auth

    with crowded(db.url, settings, clock) as (client, hold):
        actor = world.actor("agent-S1")
        monkeypatch.setattr(early_auth, "_by_token", lambda *_: actor)
        with hold():
            busy(client.post("/api/v1/cases", json=BODY, headers=auth(agent)), EN)
            # an idempotent write's key is looked up first, in a session of its own
            busy(client.post("/api/v1/cases", json=BODY, headers={**auth(agent), "Idempotency-Key": "k2"}), EN)
        assert world.count(Case) == 0
        assert client.post("/api/v1/cases", json=BODY, headers=auth(agent)).status_code == 201
        assert client.post("/api/v1/cases", json=BODY, headers={**auth(agent), "Idempotency-Key": "k2"}).status_code == 201
