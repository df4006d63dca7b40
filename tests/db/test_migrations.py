"""Models and migrations never drift: after `upgrade head`, autogenerate finds nothing to do."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import shouhou.models  # noqa: F401  (registers every table)
from shouhou.db import Base
from shouhou.db.migrate import alembic_config, current


class TestMigrations:
    def test_it_is_at_the_single_head(self, db):
        # given a database the fixtures built with `upgrade head`
        heads = ScriptDirectory.from_config(alembic_config(db.url)).get_heads()
        # then there is one history, and the database is at its end
        assert len(heads) == 1, f"several migration heads: {heads}"
        assert current(db.url) == heads[0]

    def test_it_finds_no_difference_between_models_and_database(self, db):
        # given the schema the migrations built
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False,
                                                             "include_name": _modelled})
            # when autogenerate compares it with the models
            diff = compare_metadata(context, Base.metadata)
        # then there is nothing to migrate
        assert diff == [], "models and migrations differ:\n" + "\n".join(map(str, diff))


def _modelled(name, type_, parent_names) -> bool:
    """What the models can describe: not SQLite's FTS5 table of the desk's search index (and its shadow
    tables), nor PostgreSQL's expression index over it — the migration makes those (desk/search.py)."""
    if type_ == "table" and name and name.startswith("search_fts"):
        return False
    return not (type_ == "index" and name == "ix_search_doc_words")
