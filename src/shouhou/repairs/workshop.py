"""The workshop (seed 000 (十一)(十二)): a unit comes in with a receipt to the customer
(客户商品领取收据) and a line in the customer-product in/out register (客户商品进出登记簿); it may
go to the maker (the Taobao mail-in repair: the seller has the maker repair it); the supervisor
inspects it (验讫); it goes back, the customer signs, the receipt is voided (收回作废)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from shouhou.accounts import service as accounts
from shouhou.db.cache import by_ids
from shouhou.engine.context import Ctx
from shouhou.engine.outbox import emit
from shouhou.engine.runner import Step
from shouhou.errors import forbidden
from shouhou.fields import local_iso
from shouhou.models import Store
from shouhou.models.repairs import RepairDetail, Signature, WorkshopEntry
from shouhou.policy.warranty import days_in_repair
from shouhou.repairs import repository as repo
from shouhou.repairs.balance import balance_of
from shouhou.repairs.schemas import SignatureData
from shouhou.units import service as units

READERS = frozenset({"agent", "technician", "supervisor", "warehouse", "finance", "admin"})


def detail(step: Step) -> RepairDetail:
    return repo.detail(step.ctx.session, step.case.id)


def receipt_no(case_no: str) -> str:
    """The receipt's own number: SJ + the case number."""
    return f"SJ{case_no}"


def sign(step: Step, signature: SignatureData | None, purpose: str, signer: str = "") -> Signature | None:
    if signature is None:
        return None
    row = Signature(store_id=step.case.store_id, case_id=step.case.id, purpose=purpose, png=signature.png,
                    sha256=signature.sha256, signed_at=step.ctx.clock.now(), signer=signer)
    step.ctx.session.add(row)
    step.ctx.session.flush()
    step.record[f"{purpose}_signature"] = signature.sha256
    return row


def _into_workshop(step: Step, came_from: str) -> None:
    ctx, case, p = step.ctx, step.case, step.payload
    d = detail(step)
    now = ctx.clock.now()
    d.received_at, d.location = now, "workshop"
    d.condition = p.condition
    d.accessories, d.photos = list(p.accessories), [*d.photos, *p.photos]
    if p.carrier or p.tracking_no:
        d.inbound_carrier, d.inbound_tracking_no = p.carrier, p.tracking_no
    d.receipt_no, d.receipt_status, d.receipt_issued_at, d.receipt_voided_at = receipt_no(case.no), "issued", now, None
    ctx.session.add(WorkshopEntry(store_id=case.store_id, case_id=case.id, unit_id=d.unit_id, serial=d.serial,
                                  model=d.model, receipt_no=d.receipt_no, in_at=now, in_by=ctx.actor.name,
                                  in_from=came_from))
    ctx.session.flush()
    step.record["receipt_no"] = d.receipt_no


def take_in(step: Step) -> None:
    """On site the repair cannot be finished: the technician takes the unit back."""
    d = detail(step)
    sign(step, step.payload.signature, "take_in", d.contact_name)
    _into_workshop(step, f"{d.contact_name} ({step.ctx.actor.name})")


def receive_unit(step: Step) -> None:
    """Carry-in at the counter, or a mail-in parcel."""
    d, p = detail(step), step.payload
    came_from = f"{p.carrier} {p.tracking_no or ''}".strip() if p.carrier else d.contact_name
    _into_workshop(step, came_from)


def send_to_vendor(step: Step) -> None:
    d, p = detail(step), step.payload
    d.vendor = {"vendor": p.vendor, "rma_no": p.rma_no, "carrier": p.carrier, "tracking_no": p.tracking_no,
                "sent_at": step.ctx.clock.now().isoformat(), "returned_at": None}
    d.location = "vendor"


def vendor_returned(step: Step) -> None:
    d, p = detail(step), step.payload
    d.vendor = {**(d.vendor or {}), "returned_at": step.ctx.clock.now().isoformat(), "back_carrier": p.carrier,
                "back_tracking_no": p.tracking_no}
    d.location = "workshop"


def pass_qc(step: Step) -> None:
    d = detail(step)
    d.qc_at, d.qc_by = step.ctx.clock.now(), step.ctx.actor.name


def fail_qc(step: Step) -> None:
    d = detail(step)
    d.qc_at, d.qc_by = None, None
    d.result = None


def return_unit(step: Step) -> None:
    """还商品: in person the customer signs and the receipt is voided; by parcel it goes out with
    its tracking number. Either way the register line gets its out time."""
    ctx, case, p = step.ctx, step.case, step.payload
    d = detail(step)
    now = ctx.clock.now()
    d.returned_at, d.return_method = now, p.method
    if p.method == "in_person":
        sign(step, p.signature, "return", p.receiver or d.contact_name)
        d.returned_to, d.location = p.receiver or d.contact_name, "customer"
        void_receipt(d, now)
        out_to = d.returned_to
    else:
        d.return_carrier, d.return_tracking_no, d.location = p.carrier, p.tracking_no, "in_transit"
        out_to = f"{p.carrier} {p.tracking_no}"
    entry = repo.open_entry(ctx.session, case.id)
    if entry is not None:
        entry.out_at, entry.out_by, entry.out_to = now, ctx.actor.name, out_to
    if d.unit_id is not None:
        units.add_repair_days(ctx, d.unit_id, days_in_repair(d.received_at or case.created_at, now, _tz(step)))
    step.record["receipt_status"] = d.receipt_status


def void_receipt(d: RepairDetail, now: datetime) -> None:
    if d.receipt_status == "issued":
        d.receipt_status, d.receipt_voided_at = "voided", now


def confirm_return(step: Step) -> str:
    d = detail(step)
    void_receipt(d, step.ctx.clock.now())  # the parcel arrived: the receipt is no longer a claim on the unit
    if d.location == "in_transit":
        d.location = "customer"
    return "completed" if balance_of(step.ctx, step.case.id, d).due_fen == 0 else "awaiting_payment"


def remind_pickup(step: Step) -> None:
    d = detail(step)
    emit(step.ctx, "repair.pickup_reminder", {"case": step.case.no, "phone": d.contact_phone,
                                              "receipt_no": d.receipt_no},
         store_id=step.case.store_id, case=step.case, rows=step.rows)  # type: ignore[arg-type]


def flag_unclaimed(step: Step) -> None:
    detail(step).unclaimed = True
    emit(step.ctx, "repair.unclaimed", {"case": step.case.no, "receipt_no": detail(step).receipt_no},
         store_id=step.case.store_id, case=step.case, rows=step.rows)  # type: ignore[arg-type]


def _tz(step: Step) -> ZoneInfo:
    return ZoneInfo(step.ctx.session.get_one(Store, step.case.store_id).timezone)


def register_document(ctx: Ctx, *, store_code: str | None, open_only: bool, since: datetime | None,
                      until: datetime | None, limit: int = 500) -> dict[str, Any]:
    """客户商品进出登记簿: every unit in and out of the workshop."""
    ids = ctx.actor.store_ids()
    if store_code:  # a store the caller holds no role in is not found
        store = accounts.store_for_caller(ctx, store_code)
        ids = {store.id} if ids is None or store.id in ids else set()
    if ids is None:
        if not ctx.actor.roles & READERS:
            raise forbidden("workshop.read")
    else:
        ids = {s for s in ids if ctx.actor.roles_in(s) & READERS}
        if not ids:
            raise forbidden("workshop.read")
    rows = repo.register(ctx.session, ids, open_only=open_only, since=since, until=until, limit=limit)
    stores = by_ids(ctx.session, Store, (e.store_id for e, _ in rows))
    return {"items": [{
        "case": c.no, "status": c.status, "store": stores[e.store_id].code, "serial": e.serial, "model": e.model,
        "receipt_no": e.receipt_no, "in_at": local_iso(e.in_at, stores[e.store_id].timezone), "in_by": e.in_by,
        "in_from": e.in_from, "out_at": local_iso(e.out_at, stores[e.store_id].timezone), "out_by": e.out_by,
        "out_to": e.out_to} for e, c in rows]}
