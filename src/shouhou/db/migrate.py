"""Create or upgrade the schema with Alembic (the same history on SQLite and PostgreSQL).

A plug-in outside shouhou may bring its own versions (a branch of its own that depends on
a shouhou revision); `locations` adds their folders and the upgrade goes to every head.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext


def alembic_config(url: str, locations: Iterable[str] = ()) -> Config:
    cfg = Config()
    script_location = files("shouhou") / "migrations"
    cfg.set_main_option("script_location", str(script_location))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join([str(script_location / "versions"), *locations]))
    cfg.set_main_option("file_template",
                        "%%(year)d-%%(month).2d-%%(day).2d-%%(hour).2d%%(minute).2d_%%(slug)s")
    cfg.set_main_option("timezone", "UTC")
    cfg.attributes["url"] = url
    return cfg


def upgrade(url: str, revision: str = "heads", locations: Iterable[str] = ()) -> None:
    command.upgrade(alembic_config(url, locations), revision)


def current(url: str) -> str | None:
    from shouhou.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        rev = MigrationContext.configure(conn).get_current_revision()
    engine.dispose()
    return rev
