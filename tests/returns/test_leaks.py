"""What a caller may not see is not found: another store's reason catalogue, hidden
reasons, a refund the caller could not report on; /metrics only for this host or a token."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from shouhou.app import create_app
from tests.builders import auth
from tests.returns.helpers import apply, setup
from tests.web.conftest import login_form

PW = "pw12345678"


@pytest.fixture
def two_stores(world):
    t = setup(world)
    world.store("S2", "别的店铺")
    t["other_shop"] = world.user("shop2", "integration", "S2")
    t["other_buyer"] = world.user("buyer2", "customer", "S2", customer="u2001")
    return t


def same_answer(a, b) -> bool:
    """Two refusals that tell nothing apart but the key the caller sent."""
    ea, eb = a.json()["error"], b.json()["error"]
    return (a.status_code, ea["code"]) == (b.status_code, eb["code"]) == (404, ea["code"])


class TestReasonCatalogues:
    @pytest.mark.parametrize("who", ["agent", "buyer", "integration", "reviewer"])
    def test_it_answers_another_stores_catalogue_as_not_found(self, client, two_stores, who):
        token = two_stores[who]
        other = client.get("/api/v1/reasons?store=S2", headers=auth(token))
        missing = client.get("/api/v1/reasons?store=S9", headers=auth(token))
        assert other.json()["error"]["code"] == "store_not_found" and same_answer(other, missing)
        assert client.get("/api/v1/reasons?store=S1", headers=auth(token)).status_code == 200

    def test_it_shows_staff_of_every_store_each_catalogue(self, client, two_stores):
        assert client.get("/api/v1/reasons?store=S2", headers=auth(two_stores["platform"])).status_code == 200

    def test_it_keeps_the_reason_page_to_the_stores_admins(self, client, world, two_stores):
        world.user("s1admin", "admin", "S1", password=PW)
        world.user("me", "customer", "S1", customer="u1001", password=PW)
        world.user("clerk", "agent", "S1", password=PW)
        r = client.post("/api/v1/reasons", headers=auth(two_stores["admin"]),
                        json={"store": "S1", "code": "secret_promo", "label_zh": "内部", "label_en": "Internal",
                              "visible": False})
        assert r.status_code == 201
        for user in ("me", "clerk"):
            client.cookies.clear()
            login_form(client, user)
            page = client.get("/console/reasons?store=S1", follow_redirects=False)
            # a buyer is sent to the portal; staff who are not the store's admin are refused
            assert page.status_code == (303 if user == "me" else 403) and "secret_promo" not in page.text
            other = client.get("/console/reasons?store=S2", follow_redirects=False).status_code
            assert other == (303 if user == "me" else 404)
        client.cookies.clear()
        login_form(client, "s1admin")
        assert "secret_promo" in client.get("/console/reasons?store=S1").text
        assert client.get("/console/reasons?store=S2").status_code == 404
        # and a buyer applying is offered only the visible reasons
        assert "secret_promo" not in client.get("/api/v1/reasons?store=S1&include_hidden=true",
                                                 headers=auth(two_stores["buyer"])).text


class TestRefundCallbacks:
    def test_it_tells_nothing_of_a_refund_the_caller_may_not_report_on(self, world, settings, db, clock, two_stores):
        t = two_stores
        world.order("A1")
        app = create_app(settings.model_copy(update={"refund_gateway": "async"}), db=db, clock=clock)
        with TestClient(app) as client:
            refund_id = apply(client, t["buyer"], "A1", type="refund_only", reason="other")["refunds"][0]["id"]
            body = {"status": "succeeded"}
            missing = client.post(f"/api/v1/refunds/{refund_id + 100}/callback", json=body,
                                  headers=auth(t["other_shop"]))
            for who in ("other_shop", "agent", "buyer", "other_buyer", "warehouse"):
                r = client.post(f"/api/v1/refunds/{refund_id}/callback", json=body, headers=auth(t[who]))
                assert r.json()["error"]["code"] == "refund_not_found" and same_answer(r, missing), who
            # and the store's own gateway is heard
            r = client.post(f"/api/v1/refunds/{refund_id}/callback", json=body, headers=auth(t["integration"]))
            assert r.status_code == 200 and r.json()["status"] == "completed"
            again = client.post(f"/api/v1/refunds/{refund_id}/callback", json=body, headers=auth(t["integration"]))
            assert again.json()["error"]["code"] == "refund_not_pending"


class TestMetrics:
    def test_it_serves_metrics_to_this_host_only_by_default(self, app):
        with TestClient(app, client=("127.0.0.1", 50000)) as local, TestClient(app, client=("::1", 5)) as local6, \
                TestClient(app, client=("203.0.113.9", 50000)) as remote:
            assert local.get("/metrics").status_code == 200 and local6.get("/metrics").status_code == 200
            r = remote.get("/metrics")
            assert r.status_code == 403 and r.json()["error"]["code"] == "metrics_local_only"

    def test_it_serves_metrics_to_the_tokens_bearer_only_when_a_token_is_set(self, settings, db, clock):
        app = create_app(settings.model_copy(update={"metrics_token": "m-3tr1cs"}), db=db, clock=clock)
        with TestClient(app, client=("127.0.0.1", 50000)) as local, \
                TestClient(app, client=("203.0.113.9", 50000)) as remote:
            assert local.get("/metrics").status_code == 401
            r = remote.get("/metrics", headers={"Authorization": "Bearer wrong"})
            assert r.status_code == 401 and r.json()["error"]["code"] == "metrics_token_required"
            assert remote.get("/metrics", headers={"Authorization": "Bearer m-3tr1cs"}).status_code == 200

    def test_it_can_be_opened_to_all_by_a_setting(self, settings, db, clock):
        app = create_app(settings.model_copy(update={"metrics_public": True}), db=db, clock=clock)
        with TestClient(app, client=("203.0.113.9", 50000)) as remote:
            assert remote.get("/metrics").status_code == 200
