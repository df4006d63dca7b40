"""A psycopg cursor whose `description` builds its Column objects only when read.

SQLAlchemy reads `cursor.description` after every statement, but once a statement's
result shape is cached it only asks whether there is one. psycopg builds a Column per
column on every read (a type lookup and a name decode each): for the wide joined reads of
the request path that was a tenth of the request's CPU.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import SimpleNamespace
from typing import Any

import psycopg
from psycopg import pq
from psycopg._column import Column

_TUPLES = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.SINGLE_TUPLE, pq.ExecStatus.TUPLES_CHUNK)


class Columns(Sequence[Column]):
    """The description of one result, built from that result on first use (so a later
    statement on the same cursor cannot change it)."""

    __slots__ = ("_source", "_n", "_built")

    def __init__(self, cursor: psycopg.Cursor[Any], result: pq.abc.PGresult) -> None:
        # Column reads exactly these three from its cursor.
        self._source = SimpleNamespace(pgresult=result, _encoding=cursor._encoding, adapters=cursor.adapters)
        self._n = result.nfields
        self._built: list[Column] | None = None

    def _columns(self) -> list[Column]:
        if self._built is None:
            self._built = [Column(self._source, i) for i in range(self._n)]  # type: ignore[arg-type]
        return self._built

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index: Any) -> Any:
        return self._columns()[index]

    def __iter__(self) -> Iterator[Column]:
        return iter(self._columns())

    def __repr__(self) -> str:
        return repr(self._columns())


class Cursor(psycopg.Cursor[Any]):
    @property
    def description(self) -> Columns | None:  # type: ignore[override]
        res = self.pgresult
        # As psycopg: a result with fields, or one that said it returns tuples ("SELECT ;").
        if res and (res.nfields or res.status in _TUPLES):
            return Columns(self, res)
        return None
