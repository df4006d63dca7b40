"""Without pre-ping, a dead pooled connection costs one request a 503 (nothing saved); the next works."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from shouhou.models import Case
from tests.builders import auth


def test_a_lost_connection_answers_503_once_and_then_recovers(world, client, db, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has no connection to lose")
    world.store()
    staff = world.staff()
    token, agent = staff["admin"], staff["agent"]
    body = {"type": "consultation", "store": "S1", "subject": "滤网怎么洗"}
    assert client.get("/api/v1/me", headers=auth(token)).status_code == 200  # a pooled connection now exists
    assert client.post("/api/v1/cases", json=body, headers=auth(agent)).status_code == 201  # and one for writes
    other = create_engine(db.url, poolclass=NullPool)  # outside the app's pool
    with other.begin() as conn:  # as a database restart would: end every other session
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    other.dispose()
    lost = client.post("/api/v1/cases", json=body, headers=auth(agent))
    assert lost.status_code == 503, lost.text
    assert lost.json()["error"]["code"] == "database_unavailable"
    assert lost.headers["retry-after"] == "1"
    # the pool was renewed: reads and writes work again
    assert client.get("/api/v1/me", headers=auth(token)).status_code == 200
    assert client.post("/api/v1/cases", json=body, headers=auth(agent)).status_code == 201
    assert world.count(Case) == 2  # the refused write saved nothing
