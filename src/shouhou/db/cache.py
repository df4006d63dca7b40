"""What one unit of work has read already (one request, job or command), in one object.

SQLAlchemy's identity map holds objects weakly: a store loaded in one helper and dropped is
collected, and the next `session.get` asks the database again. The cache keeps the rows a
unit of work chose to keep (`keep`) and answers that are not rows by primary key (a case's
refunds, its pending timers) under explicit keys. It lives in the session and is emptied on
every rollback, savepoints included, so nothing a rolled-back step read or wrote survives it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from sqlalchemy import event, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

T = TypeVar("T")
_KEY = "shouhou.cache"


class UnitCache:
    def __init__(self) -> None:
        self._rows: list[Any] = []
        self._answers: dict[Hashable, Any] = {}

    def keep(self, obj: T) -> T:
        """Keep a loaded row alive, so `session.get` finds it without a query until the end."""
        if obj is not None:
            self._rows.append(obj)
        return obj

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The answer kept under `key`, loaded (and kept) the first time it is asked for."""
        try:
            return self._answers[key]
        except KeyError:
            value = self._answers[key] = load()
            return value

    def put(self, key: Hashable, value: T) -> T:
        self._answers[key] = value
        return value

    def peek(self, key: Hashable) -> Any:
        """The answer kept under `key`, or None when there is none."""
        return self._answers.get(key)

    def add_to(self, key: Hashable, item: Any) -> None:
        """A row just added joins the list kept under `key`, if one is kept (else the next read has it)."""
        known = self._answers.get(key)
        if known is not None:
            known.append(item)

    def forget(self, key: Hashable) -> None:
        self._answers.pop(key, None)

    def clear(self) -> None:
        self._rows.clear()
        self._answers.clear()


def cache_of(session: Session) -> UnitCache:
    cache = session.info.get(_KEY)
    if cache is None:
        cache = session.info[_KEY] = UnitCache()
    return cache


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, _transaction: Any) -> None:
    cache = session.info.get(_KEY)
    if cache is not None:
        cache.clear()


def by_ids(session: Session, model: Any, ids: Iterable[int | None]) -> dict[int, Any]:
    """Rows by id, kept for the unit of work; those the session already holds cost no query."""
    wanted = {i for i in ids if i is not None}
    found: dict[int, Any] = {}
    for i in wanted:
        obj = session.identity_map.get(identity_key(model, i))
        if obj is not None:
            found[i] = obj
    missing = wanted - found.keys()
    if missing:
        keep = cache_of(session).keep
        found.update({row.id: keep(row) for row in session.scalars(select(model).where(model.id.in_(missing)))})
    return found


def companion(session: Session, model: Any, case_id: int) -> Any:
    """A case's row of a one-to-one table keyed by `case_id` (a type's detail, the desk's facts):
    known when the case was read with it (cases.repository.case_by_no puts it, None included) or
    added by `add_companion`, else read once per unit of work."""
    return cache_of(session).get((model, case_id), lambda: session.scalars(
        select(model).where(model.case_id == case_id)).first())


def add_companion(session: Session, obj: T) -> T:
    session.add(obj)
    return cache_of(session).put((type(obj), obj.case_id), obj)  # type: ignore[attr-defined]
