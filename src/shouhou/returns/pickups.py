"""上门取件 (courier pickup): the store's carrier adapter books a courier to collect the return.

Seed 002: "若平台提供快递邮寄服务, 则买家通过商城预约快递上门取件, 进行退货". The buyer picks a
window and an address (`request_pickup`); the store's adapter books it. An adapter is a small
class with a name and `book`/`cancel`; the `manual` adapter books nothing itself: the request
waits on the staff's pickup list (console /console/pickups, API GET /api/v1/pickups) until
staff book the courier (`book_pickup`) and record the tracking number at collection
(`record_pickup`), which moves the case on as if the buyer had shipped it. A carrier's API
adapter would book at once and report the tracking number through `record_pickup`
(role integration). The store picks its adapter with the store setting `pickup_adapter`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class PickupRequest:
    case_no: str
    order_no: str
    store: str
    window_start: datetime
    window_end: datetime
    contact: str
    phone: str
    address: str


@dataclass(frozen=True)
class PickupBooking:
    status: str  # requested (staff will book it) | booked (the carrier confirmed)
    booking_ref: str | None = None
    carrier: str | None = None
    tracking_no: str | None = None  # when the carrier gives it at booking


class CarrierAdapter(Protocol):
    name: str

    def book(self, request: PickupRequest) -> PickupBooking: ...

    def cancel(self, booking_ref: str | None) -> None: ...


class ManualAdapter:
    """Puts the request on the staff's pickup list; they call the courier."""

    name = "manual"

    def book(self, request: PickupRequest) -> PickupBooking:
        return PickupBooking("requested")

    def cancel(self, booking_ref: str | None) -> None:
        return None  # staff cancel with the carrier themselves, if they had booked it


ADAPTERS: dict[str, type] = {"manual": ManualAdapter}


def adapter_named(name: str | None) -> CarrierAdapter:
    return ADAPTERS.get(name or "manual", ManualAdapter)()
