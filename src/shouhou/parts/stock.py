"""Stock per location, changed only by conditional updates that keep it within bounds.

`qty >= 0` and `0 <= reserved <= qty` hold at all times: a consumption or a transfer beyond what
is there answers 409 `insufficient_stock`, and of two concurrent consumers of the last part one
gets it (the second's UPDATE finds the condition false once the first has committed, on
PostgreSQL, or waits its turn as SQLite's single writer). Every change is a movement row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from shouhou.engine.context import Ctx
from shouhou.errors import Conflict, Invalid
from shouhou.models.parts import Part, PartMovement, PartReservation, PartStock

_S = PartStock.__table__
_TAKE = (update(PartStock).where(_S.c.part_id == bindparam("p"), _S.c.location == bindparam("loc"),
                                 _S.c.qty - _S.c.reserved + bindparam("own") >= bindparam("n"))
         .values(qty=_S.c.qty - bindparam("n"), reserved=_S.c.reserved - bindparam("own")))
MAX_ON_HAND = 1_000_000_000  # per location: the column is a 32-bit integer
_ADD = (update(PartStock).where(_S.c.part_id == bindparam("p"), _S.c.location == bindparam("loc"),
                                _S.c.qty + bindparam("n") <= MAX_ON_HAND)
        .values(qty=_S.c.qty + bindparam("n")))
_RESERVE = (update(PartStock).where(_S.c.part_id == bindparam("p"), _S.c.location == bindparam("loc"),
                                    _S.c.qty - _S.c.reserved >= bindparam("n"))
            .values(reserved=_S.c.reserved + bindparam("n")))
_RELEASE = (update(PartStock).where(_S.c.part_id == bindparam("p"), _S.c.location == bindparam("loc"))
            .values(reserved=_S.c.reserved - bindparam("n")))


def _run(ctx: Ctx, stmt, **params: object) -> int:
    result = ctx.session.execute(stmt, params, execution_options={"synchronize_session": False})
    return int(getattr(result, "rowcount", 0))  # an UPDATE's result is a CursorResult


def row(ctx: Ctx, part: Part, location: str) -> PartStock | None:
    return ctx.session.scalars(select(PartStock).where(PartStock.part_id == part.id,
                                                       PartStock.location == location)).first()


def ensure_row(ctx: Ctx, part: Part, location: str) -> None:
    """The location's stock row, created empty on first use (a concurrent creator may win)."""
    if row(ctx, part, location) is not None:
        return
    try:
        with ctx.session.begin_nested():
            ctx.session.add(PartStock(store_id=part.store_id, part_id=part.id, location=location, qty=0, reserved=0))
    except IntegrityError:
        pass


def insufficient(part: Part, location: str, wanted: int, ctx: Ctx) -> Conflict:
    have = row(ctx, part, location)
    available = (have.qty - have.reserved) if have else 0
    return Conflict("insufficient_stock", en="Only {available} of {sku} at {location}; {wanted} wanted",
                    zh="{location} 的配件 {sku} 仅有 {available} 件，需要 {wanted} 件", sku=part.sku,
                    location=location, available=available, wanted=wanted)


@dataclass(frozen=True)
class Facts:
    """What a movement records besides its own quantity, for the reader to put in words."""

    counterpart: str | None = None  # a transfer's other location
    request_id: int | None = None  # the parts request it carried out
    held: int | None = None  # the quantity a reservation set aside or a release freed


def movement(ctx: Ctx, part: Part, location: str, qty: int, kind: str, case_id: int | None,
             note: str | None = None, facts: Facts = Facts()) -> None:
    ctx.session.add(PartMovement(store_id=part.store_id, part_id=part.id, location=location, qty=qty, kind=kind,
                                 case_id=case_id, by=ctx.actor.name, at=ctx.clock.now(), note=note,
                                 counterpart=facts.counterpart, request_id=facts.request_id, held=facts.held))


def add(ctx: Ctx, part: Part, location: str, qty: int, kind: str, case_id: int | None = None,
        note: str | None = None, facts: Facts = Facts()) -> None:
    ensure_row(ctx, part, location)
    if _run(ctx, _ADD, p=part.id, loc=location, n=qty) != 1:
        raise Invalid("stock_too_large", en="{location} would hold more than {max} of {sku}",
                      zh="{location} 的配件 {sku} 将超过 {max} 件", sku=part.sku, location=location, max=MAX_ON_HAND)
    movement(ctx, part, location, qty, kind, case_id, note, facts)
    ctx.session.flush()


def take(ctx: Ctx, part: Part, location: str, qty: int, kind: str, case_id: int | None = None,
         note: str | None = None, facts: Facts = Facts()) -> None:
    """Take `qty` out of what is free at `location` (plus what `case_id` reserved there)."""
    own = _reserved_for(ctx, case_id, part, location, qty)
    if _run(ctx, _TAKE, p=part.id, loc=location, n=qty, own=own) != 1:
        raise insufficient(part, location, qty, ctx)
    if own:
        _use_reservation(ctx, case_id, part, location, own)
    movement(ctx, part, location, -qty, kind, case_id, note, facts)
    ctx.session.flush()


def reserve(ctx: Ctx, part: Part, location: str, qty: int, case_id: int) -> None:
    if _run(ctx, _RESERVE, p=part.id, loc=location, n=qty) != 1:
        raise insufficient(part, location, qty, ctx)
    found = _reservation(ctx, case_id, part, location)
    if found is None:
        ctx.session.add(PartReservation(store_id=part.store_id, case_id=case_id, part_id=part.id, location=location,
                                        qty=qty))
    else:
        found.qty += qty
    movement(ctx, part, location, 0, "reservation", case_id, facts=Facts(held=qty))
    ctx.session.flush()


def release_all(ctx: Ctx, case_id: int) -> None:
    """A dispatched case that no longer needs its parts (cancelled, redispatched, done)."""
    for r in ctx.session.scalars(select(PartReservation).where(PartReservation.case_id == case_id)):
        part = ctx.session.get_one(Part, r.part_id)
        _run(ctx, _RELEASE, p=r.part_id, loc=r.location, n=r.qty)
        movement(ctx, part, r.location, 0, "release", case_id, facts=Facts(held=r.qty))
        ctx.session.delete(r)
    ctx.session.flush()


def _reservation(ctx: Ctx, case_id: int | None, part: Part, location: str) -> PartReservation | None:
    if case_id is None:
        return None
    return ctx.session.scalars(select(PartReservation).where(
        PartReservation.case_id == case_id, PartReservation.part_id == part.id,
        PartReservation.location == location)).first()


def _reserved_for(ctx: Ctx, case_id: int | None, part: Part, location: str, qty: int) -> int:
    found = _reservation(ctx, case_id, part, location)
    return min(found.qty, qty) if found else 0


def _use_reservation(ctx: Ctx, case_id: int | None, part: Part, location: str, used: int) -> None:
    found = _reservation(ctx, case_id, part, location)
    if found is None:
        return
    found.qty -= used
    if found.qty <= 0:
        ctx.session.delete(found)
