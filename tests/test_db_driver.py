"""execute_all, fetch_all, count: Core statements straight through the DBAPI cursor, with SQLAlchemy's compiled
SQL, bind processing and exceptions, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, event, select
from sqlalchemy.exc import IntegrityError

from shouhou.db.driver import count, execute_all, fetch_all
from shouhou.db.insert import insert_statement
from shouhou.models import Case, OutboxMessage, Store, Timer

T0 = datetime(2026, 11, 30, 2, 0, 0, 123456, tzinfo=UTC)
_T = Timer.__table__
CANCEL = (_T.update().where(_T.c.case_id == bindparam("b_case"), _T.c.kind.in_(bindparam("kinds", expanding=True)))
          .values(state="cancelled", fired_at=bindparam("now")))
RENAME = Store.__table__.update().where(Store.__table__.c.id == bindparam("b_id")).values(name=bindparam("name"))


def a_case(s) -> tuple[int, int]:  # noqa: ANN001
    store = Store(code="D1", name="店", created_at=T0)
    s.add(store)
    s.flush()
    case = Case(no="AS1", type="consultation", status="new", version=1, priority="normal", channel="api",
                subject="s", description="", store_id=store.id, created_at=T0, updated_at=T0, data={})
    s.add(case)
    s.flush()
    return store.id, case.id


def three_pending_timers(db) -> int:  # noqa: ANN001
    """A case with pending timers of kinds a, b and c; its id."""
    with db.session() as s:
        store_id, case_id = a_case(s)
        for kind in ("a", "b", "c"):
            s.add(Timer(store_id=store_id, case_id=case_id, kind=kind, action="close", due_at=T0, state="pending",
                        created_at=T0, payload={}))
    return case_id


def test_values_go_through_the_same_processing_as_sqlalchemys(db):
    # given a store, when an outbox row with a JSON document and an aware time is written by execute_all
    with db.session() as s:
        store_id, case_id = a_case(s)
        row = {"store_id": store_id, "topic": "t", "case_id": case_id, "payload": {"缘由": "中文", "n": [1, 2]},
               "dispatched_at": None, "created_at": T0}
        execute_all(s.connection(), [(insert_statement(OutboxMessage.__table__), row)] * 2)
    # then SQLAlchemy reads back exactly what it was given
    with db.session() as s:
        got = s.execute(select(OutboxMessage.payload, OutboxMessage.created_at, OutboxMessage.dispatched_at)).all()
        assert [tuple(r) for r in got] == [({"缘由": "中文", "n": [1, 2]}, T0, None)] * 2


def test_in_lists_and_values_the_statement_holds(db):
    case_id = three_pending_timers(db)
    # when two kinds are cancelled (an expanding IN list; state is held by the statement itself)
    with db.session() as s:
        execute_all(s.connection(), [(CANCEL, {"b_case": case_id, "kinds": ["a", "c"], "now": T0})])
    # then those two are cancelled at that time, the third untouched
    with db.session() as s:
        rows = s.execute(select(Timer.kind, Timer.state, Timer.fired_at).order_by(Timer.kind)).all()
        assert [tuple(r) for r in rows] == [("a", "cancelled", T0), ("b", "pending", None), ("c", "cancelled", T0)]


def test_a_missing_value_is_refused_not_sent_as_null(db):
    with db.session() as s:
        store_id, _ = a_case(s)
    with db.session() as s, pytest.raises(KeyError, match="name"):
        execute_all(s.connection(), [(RENAME, {"b_id": store_id})])
    with db.session() as s:
        assert s.scalar(select(Store.name)) == "店"


def test_a_driver_error_is_sqlalchemys_and_the_transaction_writes_nothing(db):
    # given a case; when a row breaks a constraint (no topic), after a good row in the same transaction
    with db.session() as s:
        store_id, case_id = a_case(s)
    good = {"store_id": store_id, "topic": "ok", "case_id": case_id, "payload": {}, "dispatched_at": None,
            "created_at": T0}
    bad = good | {"topic": None}
    with pytest.raises(IntegrityError), db.session() as s:
        execute_all(s.connection(), [(insert_statement(OutboxMessage.__table__), r) for r in (good, bad)])
    # then neither row was kept
    with db.session() as s:
        assert s.scalars(select(OutboxMessage.id)).all() == []


def test_statement_listeners_see_what_the_driver_sends(db):
    # A test that checks what a refused action wrote listens for statements this way.
    with db.session() as s:
        store_id, _ = a_case(s)
    seen: list[str] = []

    def listen(conn, cursor, statement, *args):  # noqa: ANN001, ANN002
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        with db.session() as s:
            execute_all(s.connection(), [(RENAME, {"b_id": store_id, "name": "新"})])
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert [q for q in seen if q.lstrip().upper().startswith("UPDATE STORE")], seen


def test_count_tells_how_many_rows_an_update_changed_and_fetch_all_returns_plain_rows(db):
    case_id = three_pending_timers(db)
    with db.session() as s:
        conn = s.connection()
        # an update counts the rows it matched: two, then none for a kind that has no timer
        assert count(conn, CANCEL, {"b_case": case_id, "kinds": ["a", "b"], "now": T0}) == 2
        assert count(conn, CANCEL, {"b_case": case_id, "kinds": ["z"], "now": T0}) == 0
        # and every row comes back as the driver gives it, in the statement's order
        kinds = select(_T.c.kind, _T.c.state).where(_T.c.case_id == bindparam("b_case")).order_by(_T.c.kind)
        assert [tuple(r) for r in fetch_all(conn, kinds, {"b_case": case_id})] == [
            ("a", "cancelled"), ("b", "cancelled"), ("c", "pending")]
        assert fetch_all(conn, kinds, {"b_case": case_id + 1}) == []
