"""PostgreSQL writes done on the event loop use connections that stop waiting for a row lock
after LOOP_LOCK_TIMEOUT_MS, set when each connection starts; other connections wait."""

from __future__ import annotations

import pytest
from sqlalchemy import make_url, text

from shouhou.db import Database


def test_writes_on_the_loop_stop_waiting_for_a_row_lock_after_50_ms_and_others_wait(db, backend):
    if backend != "postgresql":
        pytest.skip("SQLite writes on the loop begin only when the write lock is free: they wait for nothing")
    with db.loop_engine.connect() as conn:
        assert conn.execute(text("SHOW lock_timeout")).scalar() == "50ms"
    with db.engine.connect() as conn:
        assert conn.execute(text("SHOW lock_timeout")).scalar() == "0"


def test_connection_options_given_in_the_url_are_kept(db, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has no connection options")
    url = make_url(db.url).update_query_dict({"options": "-c search_path=public,pg_catalog"})
    other = Database(url.render_as_string(hide_password=False))
    try:
        with other.loop_engine.connect() as conn:
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "50ms"
            assert conn.execute(text("SHOW search_path")).scalar() == "public,pg_catalog"
    finally:
        other.dispose()
