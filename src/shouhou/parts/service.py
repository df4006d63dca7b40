"""Use-cases of spare parts (保证维修零配件的供应): the catalogue, stock and movements, the
reorder list, parts requests (配件申领) and faulty parts back to the maker (旧件返还)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from shouhou.accounts import service as accounts
from shouhou.engine.context import Ctx
from shouhou.errors import Conflict, Invalid, forbidden, not_found
from shouhou.fields import local_iso, yuan
from shouhou.models import Case, RoleGrant, Store, User
from shouhou.models.parts import (
    CENTRAL,
    OldPart,
    OldPartBatch,
    Part,
    PartMovement,
    PartRequest,
    PartStock,
)
from shouhou.parts import stock

READERS = frozenset({"technician", "supervisor", "warehouse", "admin", "agent", "finance"})
KEEPERS = frozenset({"warehouse", "supervisor", "admin"})  # receive, count, transfer, ship old parts
MOVERS = KEEPERS | {"technician"}  # technicians: transfers only (into or out of a van)
REQUESTERS = frozenset({"technician", "supervisor", "warehouse"})
APPROVERS = frozenset({"supervisor", "admin"})


def _require(ctx: Ctx, roles: frozenset[str], store_id: int, what: str) -> None:
    if not ctx.actor.roles_in(store_id) & roles:
        raise forbidden(what, store_id=store_id)


def van(username: str) -> str:
    return f"van:{username}"


def check_location(ctx: Ctx, store_id: int, location: str) -> str:
    """`central`, or `van:<user>` of a technician of the store."""
    if location == CENTRAL:
        return location
    if location.startswith("van:"):
        user = ctx.session.scalars(select(User).where(User.username == location[4:])).first()
        if user is not None and ctx.session.scalar(select(func.count()).select_from(RoleGrant).where(
                RoleGrant.user_id == user.id, RoleGrant.role == "technician",
                (RoleGrant.store_id == store_id) | RoleGrant.store_id.is_(None))):
            return location
    raise Invalid("invalid_location", en="Location {location} is neither central nor a technician's van (van:<user>)",
                  zh="库位 {location} 无效：应为 central 或技术员的车载库 van:<用户名>", location=location)


def part_by_sku(ctx: Ctx, store_id: int, sku: str) -> Part | None:
    return ctx.session.scalars(select(Part).where(Part.store_id == store_id, Part.sku == sku)).first()


def require_part(ctx: Ctx, store_id: int, sku: str) -> Part:
    part = part_by_sku(ctx, store_id, sku)
    if part is None:
        raise not_found("part", sku)
    return part


def create_part(ctx: Ctx, store_code: str | None, *, sku: str, name: str, price: int, cost: int,
                reorder_point: int, models: list[str], maker: str) -> Part:
    store = accounts.store_for_caller(ctx, store_code)
    _require(ctx, KEEPERS, store.id, "part.write")
    if part_by_sku(ctx, store.id, sku) is not None:
        raise Conflict("part_exists", en="Part {sku} already exists", zh="配件 {sku} 已存在", sku=sku)
    part = Part(store_id=store.id, sku=sku, name=name, price_fen=price, cost_fen=cost, reorder_point=reorder_point,
                models=list(dict.fromkeys(models)), maker=maker, created_at=ctx.clock.now())
    ctx.session.add(part)
    ctx.session.flush()
    return part


def find(ctx: Ctx, sku: str, store_code: str | None = None) -> Part:
    store = accounts.store_for_caller(ctx, store_code)
    _require(ctx, READERS, store.id, "part.read")
    return require_part(ctx, store.id, sku)


def locations_of(ctx: Ctx, part: Part) -> list[PartStock]:
    return list(ctx.session.scalars(select(PartStock).where(PartStock.part_id == part.id).order_by(PartStock.location)))


def document(ctx: Ctx, part: Part) -> dict[str, Any]:
    rows = locations_of(ctx, part)
    return {"sku": part.sku, "name": part.name, "price": yuan(part.price_fen), "cost": yuan(part.cost_fen),
            "reorder_point": part.reorder_point, "models": part.models, "maker": part.maker,
            "on_hand": sum(r.qty for r in rows), "reserved": sum(r.reserved for r in rows),
            "stock": [{"location": r.location, "qty": r.qty, "reserved": r.reserved, "available": r.qty - r.reserved}
                      for r in rows]}


def record_movement(ctx: Ctx, part: Part, *, location: str, qty: int, kind: str, to_location: str | None = None,
                    note: str | None = None) -> None:
    """`POST /parts/{sku}/movements`: a receipt (+qty), a transfer (qty to `to_location`), or an
    adjustment after a count (± qty)."""
    _require(ctx, KEEPERS | ({"technician"} if kind == "transfer" else set()), part.store_id, "part.move")
    location = check_location(ctx, part.store_id, location)
    if kind == "receipt":
        if qty <= 0:
            raise Invalid("invalid_qty", en="A receipt adds a positive quantity", zh="入库数量须为正数")
        stock.add(ctx, part, location, qty, "receipt", note=note)
    elif kind == "transfer":
        if qty <= 0:
            raise Invalid("invalid_qty", en="A transfer moves a positive quantity", zh="调拨数量须为正数")
        if not to_location:
            raise Invalid("to_location_required", en="A transfer needs to_location",
                          zh="调拨须填写目标库位 to_location")
        target = check_location(ctx, part.store_id, to_location)
        if target == location:
            raise Invalid("same_location", en="A transfer needs two different locations", zh="调出与调入库位相同")
        transfer(ctx, part, location, target, qty, note=note)
    elif kind == "adjustment":
        if qty == 0:
            raise Invalid("invalid_qty", en="An adjustment changes the quantity", zh="盘点调整数量不能为 0")
        if qty > 0:
            stock.add(ctx, part, location, qty, "adjustment", note=note)
        else:
            stock.take(ctx, part, location, -qty, "adjustment", note=note)
    else:
        raise Invalid("invalid_kind", en="kind is receipt, transfer or adjustment",
                      zh="kind 须为 receipt、transfer 或 adjustment")


def transfer(ctx: Ctx, part: Part, source: str, target: str, qty: int, *, case_id: int | None = None,
             note: str | None = None, request_id: int | None = None) -> None:
    """Two movements, each naming the other location (words in the reader's language, on reading)."""
    stock.take(ctx, part, source, qty, "transfer", case_id, note, stock.Facts(counterpart=target, request_id=request_id))
    stock.add(ctx, part, target, qty, "transfer", case_id, note, stock.Facts(counterpart=source, request_id=request_id))


def consume(ctx: Ctx, store_id: int, sku: str, qty: int, location: str, case_id: int) -> Part:
    """A part fitted on a case: out of `location`, never below zero."""
    part = require_part(ctx, store_id, sku)
    stock.take(ctx, part, check_location(ctx, store_id, location), qty, "consumption", case_id)
    return part


def reserve(ctx: Ctx, store_id: int, sku: str, qty: int, location: str, case_id: int) -> Part:
    part = require_part(ctx, store_id, sku)
    stock.reserve(ctx, part, check_location(ctx, store_id, location), qty, case_id)
    return part


def release(ctx: Ctx, case_id: int) -> None:
    stock.release_all(ctx, case_id)


def movements(ctx: Ctx, part: Part, limit: int = 200) -> list[dict[str, Any]]:
    tz = ctx.session.get_one(Store, part.store_id).timezone
    rows = ctx.session.execute(select(PartMovement, Case.no).outerjoin(Case, Case.id == PartMovement.case_id)
                               .where(PartMovement.part_id == part.id)
                               .order_by(PartMovement.id.desc()).limit(limit)).all()
    return [{"location": m.location, "qty": m.qty, "kind": m.kind, "case": no, "by": m.by, "at": local_iso(m.at, tz),
             "note": m.note, "counterpart": m.counterpart, "request_id": m.request_id, "held": m.held}
            for m, no in rows]


def to_returns_bin(ctx: Ctx, part: Part, case_id: int, qty: int, old_serial: str | None) -> OldPart:
    """旧件返还: the faulty part replaced under warranty waits in the returns bin for its maker."""
    row = OldPart(store_id=part.store_id, case_id=case_id, part_id=part.id, sku=part.sku, qty=qty,
                  old_serial=old_serial, maker=part.maker, status="in_bin", created_at=ctx.clock.now())
    ctx.session.add(row)
    ctx.session.flush()
    return row


def listing(ctx: Ctx, store_code: str | None) -> list[Part]:
    store = accounts.store_for_caller(ctx, store_code)
    _require(ctx, READERS, store.id, "part.read")
    return list(ctx.session.scalars(select(Part).where(Part.store_id == store.id).order_by(Part.sku)))


def reorder_list(ctx: Ctx, store_code: str | None) -> list[dict[str, Any]]:
    """Parts at or below their reorder point, counting what is free in every location."""
    out = []
    for part in listing(ctx, store_code):
        doc = document(ctx, part)
        available = doc["on_hand"] - doc["reserved"]
        if available <= part.reorder_point:
            out.append({**doc, "available": available, "short_by": part.reorder_point - available + 1})
    return out


# -- 配件申领 ------------------------------------------------------------------------------------

def request_parts(ctx: Ctx, store_code: str | None, *, sku: str, qty: int, to_location: str | None,
                  case_no: str | None, note: str | None) -> PartRequest:
    store = accounts.store_for_caller(ctx, store_code)
    _require(ctx, REQUESTERS, store.id, "part.request")
    part = require_part(ctx, store.id, sku)
    if qty < 1:
        raise Invalid("invalid_qty", en="Ask for at least one", zh="申领数量至少为 1")
    target = check_location(ctx, store.id, to_location or van(ctx.actor.name))
    if target == CENTRAL:  # parts come from the central store: to it, they would move nowhere
        raise Invalid("same_location", en="A transfer needs two different locations", zh="调出与调入库位相同")
    case_id = None
    if case_no:
        found = ctx.session.scalars(select(Case).where(Case.no == case_no, Case.store_id == store.id)).first()
        if found is None:
            raise not_found("case", case_no)
        case_id = found.id
    row = PartRequest(store_id=store.id, part_id=part.id, qty=qty, to_location=target, from_location=CENTRAL,
                      case_id=case_id, requested_by=ctx.actor.name, status="pending", note=note,
                      created_at=ctx.clock.now())
    ctx.session.add(row)
    ctx.session.flush()
    return row


def decide_request(ctx: Ctx, request_id: int, approve: bool, note: str | None) -> PartRequest:
    row = ctx.session.get(PartRequest, request_id)
    if row is None or not ctx.actor.roles_in(row.store_id) & READERS:
        raise not_found("part_request", request_id)
    _require(ctx, APPROVERS, row.store_id, "part.approve")
    if row.status != "pending":
        raise Conflict("request_decided", en="Request {id} is already {status}", zh="申领单 {id} 已{status}",
                       id=request_id, status=row.status)
    if approve:  # the parts move from the central store to the van now
        part = ctx.session.get_one(Part, row.part_id)
        transfer(ctx, part, row.from_location, row.to_location, row.qty, case_id=row.case_id, request_id=row.id)
    row.status = "approved" if approve else "rejected"
    row.decided_by, row.decided_at = ctx.actor.name, ctx.clock.now()
    if note:
        row.note = f"{row.note or ''}\n{note}".strip()
    ctx.session.flush()
    return row


def requests(ctx: Ctx, store_code: str | None, status: str | None) -> list[PartRequest]:
    store = accounts.store_for_caller(ctx, store_code)
    _require(ctx, READERS, store.id, "part.read")
    stmt = select(PartRequest).where(PartRequest.store_id == store.id)
    if status:
        stmt = stmt.where(PartRequest.status == status)
    return list(ctx.session.scalars(stmt.order_by(PartRequest.id.desc()).limit(500)))


def request_document(ctx: Ctx, row: PartRequest) -> dict[str, Any]:
    tz = ctx.session.get_one(Store, row.store_id).timezone
    part = ctx.session.get_one(Part, row.part_id)
    case = ctx.session.get(Case, row.case_id) if row.case_id else None
    return {"id": row.id, "sku": part.sku, "name": part.name, "qty": row.qty, "to_location": row.to_location,
            "from_location": row.from_location, "case": case.no if case else None, "status": row.status,
            "requested_by": row.requested_by, "requested_at": local_iso(row.created_at, tz),
            "decided_by": row.decided_by, "decided_at": local_iso(row.decided_at, tz), "note": row.note}


# -- 旧件返还 ------------------------------------------------------------------------------------

def returns_bin(ctx: Ctx, store_code: str | None, *, maker: str | None, status: str | None) -> list[dict[str, Any]]:
    store = accounts.store_for_caller(ctx, store_code)
    _require(ctx, READERS, store.id, "part.read")
    stmt = select(OldPart, Case.no).join(Case, Case.id == OldPart.case_id).where(OldPart.store_id == store.id)
    if maker:
        stmt = stmt.where(OldPart.maker == maker)
    if status:
        stmt = stmt.where(OldPart.status == status)
    batches = {b.id: b for b in ctx.session.scalars(select(OldPartBatch).where(OldPartBatch.store_id == store.id))}
    return [{"id": o.id, "case": no, "sku": o.sku, "qty": o.qty, "old_serial": o.old_serial, "maker": o.maker,
             "status": o.status, "in_bin_since": local_iso(o.created_at, store.timezone),
             "batch": None if o.batch_id is None else {
                 "id": o.batch_id, "carrier": batches[o.batch_id].carrier,
                 "tracking_no": batches[o.batch_id].tracking_no,
                 "shipped_at": local_iso(batches[o.batch_id].shipped_at, store.timezone)}}
            for o, no in ctx.session.execute(stmt.order_by(OldPart.id))]


def ship_old_parts(ctx: Ctx, store_code: str | None, *, maker: str, carrier: str, tracking_no: str,
                   ids: list[int] | None) -> OldPartBatch:
    """A batch of faulty parts back to their maker, so that the reimbursement can be claimed."""
    store = accounts.store_for_caller(ctx, store_code)
    _require(ctx, KEEPERS, store.id, "part.ship")
    stmt = select(OldPart).where(OldPart.store_id == store.id, OldPart.maker == maker, OldPart.status == "in_bin")
    if ids:
        stmt = stmt.where(OldPart.id.in_(ids))
    rows = list(ctx.session.scalars(stmt))
    if not rows:
        raise Invalid("nothing_to_ship", en="No faulty parts of {maker} are in the returns bin",
                      zh="旧件箱中没有 {maker} 的旧件", maker=maker)
    batch = OldPartBatch(store_id=store.id, maker=maker, carrier=carrier, tracking_no=tracking_no,
                         shipped_at=ctx.clock.now(), by=ctx.actor.name, created_at=ctx.clock.now())
    ctx.session.add(batch)
    ctx.session.flush()
    for row in rows:
        row.status, row.batch_id = "shipped", batch.id
    ctx.session.flush()
    return batch


def old_parts_of(ctx: Ctx, case_id: int) -> list[OldPart]:
    return list(ctx.session.scalars(select(OldPart).where(OldPart.case_id == case_id).order_by(OldPart.id)))


def maker_of(ctx: Ctx, part_id: int | None) -> str:
    part = ctx.session.get(Part, part_id) if part_id else None
    return part.maker if part else ""
