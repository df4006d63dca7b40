"""Human case numbers: prefix + local date + daily sequence, e.g. AS2026112300001."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from shouhou.engine.context import Ctx
from shouhou.models import CaseNumber


def next_case_no(ctx: Ctx) -> str:
    day = ctx.clock.now().astimezone(ZoneInfo(ctx.settings.timezone)).strftime("%Y%m%d")
    session = ctx.session
    bump = (update(CaseNumber).where(CaseNumber.day == day)
            .values(last=CaseNumber.last + 1).returning(CaseNumber.last))
    last = session.execute(bump).scalar_one_or_none()
    if last is None:
        try:
            with session.begin_nested():
                session.add(CaseNumber(day=day, last=1))
            last = 1
        except IntegrityError:  # another writer opened the day first
            last = session.execute(bump).scalar_one()
    return f"{ctx.settings.case_number_prefix}{day}{last:05d}"
