"""上门取件 as actions on a return (issue 22, item 12): request, book, collect, cancel.

The booking goes through the store's carrier adapter (pickups.py). Collection records the
return parcel, as `ship_return` would, so the receipt deadline and the warehouse's lookup by
tracking number work the same.
"""

from __future__ import annotations

from shouhou.engine import timers
from shouhou.engine.runner import Step
from shouhou.errors import Invalid
from shouhou.fields import local_iso
from shouhou.models import Order, Store
from shouhou.models.returns import ReturnPickup
from shouhou.returns import repository as repo
from shouhou.returns import steps
from shouhou.returns.pickups import PickupRequest, adapter_named

ACTIVE = ("requested", "booked")


def _pickup(step: Step) -> ReturnPickup | None:
    return repo.pickup(step.ctx.session, step.case.id)


def no_pickup(step: Step) -> bool:
    found = _pickup(step)
    return found is None or found.status not in ACTIVE


def pickup_pending(step: Step) -> bool:
    found = _pickup(step)
    return found is not None and found.status in ACTIVE


def request_pickup(step: Step) -> None:
    """The buyer's window and address; the store's adapter books it (or lists it for staff)."""
    ctx, case, p = step.ctx, step.case, step.payload
    now = ctx.clock.now()
    store = ctx.session.get_one(Store, case.store_id)
    if p.window_end <= p.window_start or p.window_end <= now:
        raise Invalid("invalid_pickup_window", en="The pickup window must end after it starts, in the future",
                      zh="取件时间段须晚于开始时间且尚未过去")
    deadline = timers.next_deadline(ctx, step.workflow, case)
    if deadline is not None and p.window_start > deadline.at:
        raise Invalid("pickup_after_deadline", en="The return must be on its way by {until}; pick an earlier window",
                      zh="须在 {until} 前寄出退货，请选择更早的取件时间", until=local_iso(deadline.at, store.timezone))
    name = str((store.settings or {}).get("pickup_adapter") or "manual")
    order = ctx.session.get_one(Order, case.order_id)
    booking = adapter_named(name).book(PickupRequest(
        case.no, order.order_no, store.code, p.window_start, p.window_end, p.address.contact, p.address.phone,
        p.address.address))
    found = _pickup(step)
    if found is None:
        found = ReturnPickup(store_id=case.store_id, case_id=case.id)
        repo.add_pickup(ctx.session, found)
    found.window_start, found.window_end = p.window_start, p.window_end
    found.contact, found.phone, found.address = p.address.contact, p.address.phone, p.address.address
    found.adapter, found.status, found.requested_at = name, booking.status, now
    found.booking_ref, found.carrier, found.tracking_no = booking.booking_ref, booking.carrier, booking.tracking_no
    found.booked_at = now if booking.status == "booked" else None
    found.picked_up_at = None
    step.record.update(adapter=name, pickup_status=booking.status)


def book_pickup(step: Step) -> None:
    """Staff (or the carrier's integration) booked the courier; the tracking number if known."""
    found = _pickup(step)
    assert found is not None  # offered only then
    p = step.payload
    found.status, found.booked_at = "booked", step.ctx.clock.now()
    found.carrier, found.booking_ref = p.carrier, p.booking_ref or found.booking_ref
    found.tracking_no = p.tracking_no or found.tracking_no


def record_pickup(step: Step) -> None:
    """The courier collected the parcel: it is the return on its way, as if the buyer shipped it."""
    found = _pickup(step)
    assert found is not None
    found.status, found.picked_up_at = "picked_up", step.ctx.clock.now()
    found.carrier, found.tracking_no = step.payload.carrier, step.payload.tracking_no
    steps.ship(step, "return", steps.detail(step).return_payer)


def cancel_pickup(step: Step) -> None:
    found = _pickup(step)
    assert found is not None
    adapter_named(found.adapter).cancel(found.booking_ref)
    found.status = "cancelled"
