"""While PostgreSQL is down every request answers 503 `database_unavailable` with Retry-After
and saves nothing; once it is back the pool recovers within a request or two (issue 17,
finding 8). A server of its own, since this one is stopped and started again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from shouhou.accounts import service as accounts
from shouhou.app import create_app
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.db.migrate import upgrade
from shouhou.engine.context import Ctx
from shouhou.models import Case
from tests.builders import OPERATOR, auth
from tests.pg import PostgresServer

BODY = {"type": "consultation", "store": "S1", "subject": "滤网怎么洗"}


@pytest.fixture
def outage_server(backend: str) -> Iterator[PostgresServer]:
    if backend != "postgresql":
        pytest.skip("SQLite is a file in the server's own process: it cannot be down while the server is up")
    server = PostgresServer()
    if not server.available:
        pytest.skip("PostgreSQL is not installed here (no initdb/pg_ctl); .ci/run installs it")
    server.start()
    yield server
    server.stop()


def test_an_outage_answers_503_and_saves_nothing_and_the_pool_recovers(outage_server, clock, tmp_path):
    url = outage_server.create_database("outage")
    upgrade(url)
    settings = Settings(database_url=url, var_dir=tmp_path, secret_key="t", log_json=False, log_level="CRITICAL",
                        tune_collector=False)
    db = Database(url)
    with db.session() as session:
        ctx = Ctx(session=session, actor=OPERATOR, clock=clock, settings=settings)
        accounts.create_store(ctx, "S1", "店")
        accounts.add_user(ctx, "agent1", "agent", store_code="S1")
        token = accounts.issue_token(ctx, "agent1")
    try:
        with TestClient(create_app(settings, db=db, clock=clock), raise_server_exceptions=False) as client:
            assert client.post("/api/v1/cases", json=BODY, headers=auth(token)).status_code == 201
            outage_server.pause()
            during = [
                client.get("/api/v1/me", headers=auth(token)),
                client.get("/api/v1/cases", headers=auth(token)),
                client.post("/api/v1/cases", json=BODY, headers=auth(token)),
                client.post("/api/v1/cases", json=BODY, headers={**auth(token), "Idempotency-Key": "k1"}),
                client.get("/healthz"),
            ]
            for r in during[:4]:
                assert (r.status_code, r.json()["error"]["code"]) == (503, "database_unavailable"), r.text
                assert r.headers["retry-after"] == "1"
            assert during[4].status_code == 503
            outage_server.resume()
            after = [client.get("/api/v1/me", headers=auth(token)).status_code for _ in range(4)]
            assert after.count(503) <= 1 and after[-2:] == [200, 200], after
            assert client.post("/api/v1/cases", json=BODY, headers=auth(token)).status_code == 201
    finally:
        with db.session() as session:
            from sqlalchemy import func, select

            saved = session.scalar(select(func.count()).select_from(Case))
        db.dispose()
    assert saved == 2  # before and after the outage; nothing from during it
