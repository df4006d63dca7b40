"""Finding rows a request already has, instead of asking the database again.

SQLAlchemy's identity map holds objects weakly: a store or order loaded in one helper
and dropped is collected, and the next `session.get` goes back to the database. Every
row loaded (and every row passed to `hold`) stays identity-mapped until the session closes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import event, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from shouhou.db.base import Base

T = TypeVar("T")


@event.listens_for(Base, "load", propagate=True)
def _hold_loaded(target: Any, context: Any) -> None:
    """Every row a unit of work loads stays identity-mapped until it ends (one request, job or command)."""
    if context.session is not None:
        context.session.info.setdefault("shouhou.held", []).append(target)


def hold(session: Session, obj: T) -> T:
    if obj is not None:
        session.info.setdefault("shouhou.held", []).append(obj)
    return obj


def by_ids(session: Session, model: type, ids: Iterable[int | None]) -> dict[int, Any]:
    """Rows by id; those the session already holds cost no query."""
    wanted = {i for i in ids if i is not None}
    found = {}
    for i in wanted:
        obj = session.identity_map.get(identity_key(model, i))
        if obj is not None:
            found[i] = obj
    missing = wanted - found.keys()
    if missing:
        found.update({row.id: hold(session, row)
                      for row in session.scalars(select(model).where(model.id.in_(missing)))})
    return found


def memo(session: Session, name: str) -> dict[Any, Any]:
    """A dictionary that lives as long as the unit of work (one request, job or command)."""
    return session.info.setdefault(f"shouhou.memo.{name}", {})
