"""insert_now: one plain INSERT, and the object behaves as if the ORM had flushed it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, select

import pytest

from shouhou.db.insert import insert_now, new_row
from shouhou.models import Store

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def test_it_writes_the_row_fills_defaults_and_keeps_the_object_persistent(db):
    with db.session() as s:
        store = insert_now(s, Store(code="X1", name="店", created_at=T0))
        assert inspect(store).persistent and store.id is not None
        # Python-side defaults are on the object, as a flush would have put them there.
        assert (store.timezone, store.return_address, store.settings) == ("Asia/Shanghai", "", {})
        assert len(store.config_tag) == 32
        assert s.get(Store, store.id) is store  # identity-mapped: no second row, no second object
        store.name = "新名"  # a later change is an ordinary UPDATE
    with db.session() as s:
        row = s.scalars(select(Store).where(Store.code == "X1")).one()
        assert (row.name, row.timezone, row.created_at) == ("新名", "Asia/Shanghai", T0)
        assert row.config_tag == store.config_tag


def test_new_row_gives_the_same_object_a_constructor_would(db):
    with db.session() as s:
        store = insert_now(s, new_row(Store, code="X1", name="店", created_at=T0))
        assert inspect(store).persistent and s.get(Store, store.id) is store
        assert (store.code, store.timezone, store.settings) == ("X1", "Asia/Shanghai", {})
        assert not inspect(store).modified  # nothing left for a flush to write
        store.name = "新名"
        assert inspect(store).modified
    with db.session() as s:
        row = s.scalars(select(Store).where(Store.code == "X1")).one()
        assert (row.name, row.timezone, row.created_at) == ("新名", "Asia/Shanghai", T0)


def test_new_row_refuses_a_name_that_is_not_a_column():
    with pytest.raises(TypeError, match="nmae"):
        new_row(Store, code="X1", nmae="店")


def test_a_refused_insert_writes_nothing(db):
    with db.session() as s:
        insert_now(s, Store(code="X1", name="a", created_at=T0))
    try:
        with db.session() as s:
            insert_now(s, Store(code="X2", name="b", created_at=T0))
            insert_now(s, Store(code="X1", name="dup", created_at=T0))  # unique code
    except Exception as exc:  # noqa: BLE001
        assert "unique" in str(exc).lower() or "duplicate" in str(exc).lower()
    else:
        raise AssertionError("the duplicate was accepted")
    with db.session() as s:
        assert s.scalars(select(Store.code).order_by(Store.code)).all() == ["X1"]
