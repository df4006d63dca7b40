from shouhou.db.base import Base
from shouhou.db.engine import Database, make_engine

__all__ = ["Base", "Database", "make_engine"]
