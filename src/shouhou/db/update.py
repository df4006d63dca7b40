"""Writing a loaded object's changed columns with one plain UPDATE, then marking it clean.

For the action path: an effect changes a few columns of a row it loaded (a return's
review fields), and the ORM's flush costs several times the statement. The statement is
queued with the action's other rows; the object then reads as the database now holds it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Table, Update, and_, bindparam, inspect
from sqlalchemy.orm import ColumnProperty, Session


def changes(obj: Any) -> tuple[Table, dict[str, Any], dict[str, Any]] | None:
    """(table, changed column values, primary key values), by column name; None when the
    object has changed in another way than plain columns (left to the ORM's flush)."""
    state = inspect(obj)
    mapper = state.mapper
    if not state.persistent or mapper.version_id_col is not None or mapper.inherits is not None:
        return None
    values: dict[str, Any] = {}
    for key in state.committed_state:
        prop = mapper.attrs.get(key)
        if not isinstance(prop, ColumnProperty) or key not in state.dict or len(prop.columns) != 1:
            return None
        column = prop.columns[0]
        if column.primary_key:
            return None
        values[column.name] = state.dict[key]
    if not values:
        return None
    keys = {c.name: state.dict[mapper.get_property_by_column(c).key] for c in mapper.primary_key}
    return mapper.local_table, values, keys


def mark_clean(session: Session, obj: Any) -> None:
    """As after a flush: what the object holds is what its row holds."""
    state = inspect(obj)
    state._commit_all(state.dict, session.identity_map)  # what the flush itself does after writing


@cache
def update_statement(table: Table, names: tuple[str, ...], keys: tuple[str, ...]) -> Update:
    """Keys bind as `k_<name>` (a column may be both set and matched on)."""
    return (table.update().where(and_(*(table.c[k] == bindparam(f"k_{k}") for k in keys)))
            .values({n: bindparam(n) for n in names}))


@cache
def pg_update_sql(table: Table, names: tuple[str, ...], keys: tuple[str, ...]) -> str:
    sets = ", ".join(f"{n} = %({n})s" for n in names)
    where = " AND ".join(f"{k} = %(k_{k})s" for k in keys)
    return f"UPDATE {table.name} SET {sets} WHERE {where}"
