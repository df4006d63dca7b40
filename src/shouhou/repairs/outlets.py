"""Authorised service outlets (服务网点): cases dispatched to them, and their monthly settlement."""

from __future__ import annotations

from sqlalchemy import select

from shouhou.engine.context import Ctx
from shouhou.errors import not_found
from shouhou.models.outlets import Outlet


def by_code(ctx: Ctx, store_id: int, code: str) -> Outlet | None:
    return ctx.session.scalars(select(Outlet).where(Outlet.store_id == store_id, Outlet.code == code)).first()


def outlet_id(ctx: Ctx, store_id: int, code: str) -> int:
    outlet = by_code(ctx, store_id, code)
    if outlet is None or not outlet.active:
        raise not_found("outlet", code)
    return outlet.id
