"""Conditions on a fixed list of values, for statements built once and run on every request.

SQLAlchemy renders an IN list into the SQL text at each execution (its "post-compile"
step); plain comparisons keep the cached SQL as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, or_


def one_of(column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    return or_(*(column == v for v in values))


def none_of(column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    return and_(*(column != v for v in values))
