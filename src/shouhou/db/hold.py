"""Keep rows a request will use again alive in the session.

SQLAlchemy's identity map holds objects weakly: a store or order loaded in one helper
and dropped is collected, and the next `session.get` goes back to the database. Rows
held here stay identity-mapped until the session closes.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")


def hold(session: Session, obj: T) -> T:
    if obj is not None:
        session.info.setdefault("shouhou.held", []).append(obj)
    return obj
