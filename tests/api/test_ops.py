"""Operations: health, Prometheus metrics, request ids."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.builders import auth


class TestHealthAndMetrics:
    def test_it_reports_health_with_the_database_it_reached(self, client, backend):
        r = client.get("/healthz")
        assert r.status_code == 200 and r.json() == {"status": "ok", "database": backend}

    def test_it_counts_requests_by_route_template_and_status(self, app, world):
        # given a request to a case that does not exist
        world.store()
        token = world.user("agent1", "agent")
        client = TestClient(app, client=("127.0.0.1", 50000))  # metrics are for this host by default
        client.get("/api/v1/cases/AS0", headers=auth(token))
        # when the metrics are scraped
        r = client.get("/metrics")
        # then they are Prometheus text with the request counted under its route template
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        assert "# TYPE shouhou_http_requests_total counter" in r.text
        assert re.search(r'shouhou_http_requests_total\{method="GET",route="/api/v1/cases/\{no\}",status="404"\} '
                         r'[1-9]', r.text)


class TestRequestIds:
    def test_it_echoes_the_callers_request_id(self, client):
        r = client.get("/healthz", headers={"x-request-id": "trace-abc-123"})
        assert r.headers["x-request-id"] == "trace-abc-123"

    def test_it_makes_one_up_when_none_is_given_even_on_errors(self, client):
        ok = client.get("/healthz")
        refused = client.get("/api/v1/cases")
        assert re.fullmatch(r"[0-9a-f]{32}", ok.headers["x-request-id"])
        assert refused.status_code == 401 and re.fullmatch(r"[0-9a-f]{32}", refused.headers["x-request-id"])
        assert ok.headers["x-request-id"] != refused.headers["x-request-id"]

    def test_it_keeps_the_request_id_on_a_replayed_post(self, client, world):
        world.store()
        token = world.user("agent1", "agent")
        body = {"type": "consultation", "store": "S1", "subject": "滤网"}
        client.post("/api/v1/cases", json=body, headers={**auth(token), "Idempotency-Key": "k"})
        again = client.post("/api/v1/cases", json=body, headers={**auth(token), "Idempotency-Key": "k",
                                                                  "x-request-id": "retry-2"})
        assert again.headers["idempotent-replayed"] == "true" and again.headers["x-request-id"] == "retry-2"
