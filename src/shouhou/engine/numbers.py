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
_NEXTVAL = text("SELECT nextval('case_no_seq')")
_BUMP = (update(CaseNumber).where(CaseNumber.name == COUNTER).values(last=CaseNumber.last + 1)
         .returning(CaseNumber.last))


def next_case_no(ctx: Ctx) -> str:
    day = ctx.clock.now().astimezone(ZoneInfo(ctx.settings.timezone)).strftime("%Y%m%d")
    return f"{ctx.settings.case_number_prefix}{day}{_next(ctx):05d}"


def _next(ctx: Ctx) -> int:
    session = ctx.session
    if session.get_bind().dialect.name == "postgresql":
        return int(session.execute(_NEXTVAL).scalar_one())
    last = session.execute(_BUMP, execution_options={"synchronize_session": False}).scalar_one_or_none()
    if last is None:
        try:
            with session.begin_nested():
                session.add(CaseNumber(name=COUNTER, last=1))
            last = 1
        except IntegrityError:  # another writer created the counter first
            last = session.execute(_BUMP, execution_options={"synchronize_session": False}).scalar_one()
    return last
