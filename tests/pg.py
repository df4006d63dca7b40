"""The test session's PostgreSQL server: the bench's, without durability (fsync off)."""

from __future__ import annotations

from bench.pg import PostgresServer as _Server
from bench.pg import find_bin, free_port

__all__ = ["PostgresServer", "find_bin", "free_port"]


class PostgresServer(_Server):
    def __init__(self) -> None:
        super().__init__(durable=False)
