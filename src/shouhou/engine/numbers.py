"""Human case numbers: prefix + local date + a deployment-wide sequence, e.g. AS2026112300001.

PostgreSQL draws from a SEQUENCE, which takes no row lock, so concurrent applications do
not queue behind one counter row until commit. SQLite has a single writer anyway and
keeps the counter in a table. The sequence never restarts, so numbers stay unique.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError

from shouhou.engine.context import Ctx
from shouhou.models import CaseNumber

COUNTER = "case"


def next_case_no(ctx: Ctx) -> str:
    return _format(ctx, _next(ctx))


def allocate(ctx: Ctx) -> tuple[str, int | None]:
    """A new case's number and, on PostgreSQL, its id too, both from sequences in one
    statement: with its id known, the case row can be sent with the action's other rows.
    Elsewhere the id comes from the INSERT (None here)."""
    if ctx.session.get_bind().dialect.name != "postgresql":
        return next_case_no(ctx), None
    number, case_id = ctx.session.connection().execute(_BOTH).one()  # plain values: no ORM step
    return _format(ctx, number), case_id


_BOTH = text("SELECT nextval('case_no_seq'), nextval('cases_id_seq')")


def _format(ctx: Ctx, number: int) -> str:
    day = ctx.clock.now().astimezone(ZoneInfo(ctx.settings.timezone)).strftime("%Y%m%d")
    return f"{ctx.settings.case_number_prefix}{day}{number:05d}"


# Built once and run on the connection: a plain counter needs none of the ORM's UPDATE work.
_BUMP = (update(CaseNumber.__table__).where(CaseNumber.__table__.c.day == COUNTER)
         .values(last=CaseNumber.__table__.c.last + 1).returning(CaseNumber.__table__.c.last))


def _next(ctx: Ctx) -> int:
    session = ctx.session
    if session.get_bind().dialect.name == "postgresql":
        return int(session.execute(text("SELECT nextval('case_no_seq')")).scalar_one())
    last = session.connection().execute(_BUMP).scalar_one_or_none()
    if last is None:
        try:
            with session.begin_nested():
                session.add(CaseNumber(day=COUNTER, last=1))
            last = 1
        except IntegrityError:  # another writer created the counter first
            last = session.connection().execute(_BUMP).scalar_one()
    return last
