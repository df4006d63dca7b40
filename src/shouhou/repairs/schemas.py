"""The repair and installation case types at the API edge: the call registration (叫修登记) and the
actions' payloads (names fixed by issue 18)."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

from shouhou.fields import Fen, Instant

Mode = Literal["onsite", "carry_in", "mail_in"]
ServiceType = Literal["paid", "contract", "warranty"]
PaymentMethod = Literal["cash", "wechat", "alipay", "bank_card", "transfer"]
Channel = Literal["hotline", "portal", "api", "counter", "wechat", "email", "taobao", "contract", "visit"]
Priority = Literal["low", "normal", "high", "urgent"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SIGNATURE_BYTES = 512 * 1024


@dataclass(frozen=True)
class SignatureData:
    """A signature drawn in the browser: the PNG and its SHA-256 (what the event records)."""

    png: bytes
    sha256: str


def _signature(value: object) -> SignatureData:
    if isinstance(value, SignatureData):
        return value
    text = str(value or "")
    prefix = "data:image/png;base64,"
    if not text.startswith(prefix):
        raise ValueError("a signature is a PNG data URL (data:image/png;base64,…)")
    try:
        png = base64.b64decode(text[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the signature's base64 is not valid") from None
    if not png.startswith(PNG_MAGIC) or len(png) > MAX_SIGNATURE_BYTES:
        raise ValueError("the signature must be a PNG of at most 512 KB")
    return SignatureData(png, hashlib.sha256(png).hexdigest())


# In the event and the outbox a signature is its hash; the PNG itself goes to the signature table.
Signature = Annotated[SignatureData, BeforeValidator(_signature),
                      PlainSerializer(lambda s: f"sha256:{s.sha256}", return_type=str),
                      WithJsonSchema({"type": "string", "format": "signature",
                                      "description": "the customer's signature: a PNG data URL"})]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Contact(Strict):
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(min_length=1, max_length=40)
    address: str = Field(default="", max_length=500)
    district: str = Field(default="", max_length=100, description="the service area the technicians cover")


class Window(Strict):
    start: Instant
    end: Instant

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end <= self.start:
            raise ValueError("the window must end after it starts")
        return self


class _Call(Strict):
    store: str | None = Field(default=None, description="store code; taken from the order when given")
    customer: str | None = Field(default=None, description="the customer's external id")
    contact: Contact
    serial: str | None = Field(default=None, max_length=100)
    order_no: str | None = Field(default=None, max_length=64)
    line_no: int | None = Field(default=None, ge=1)
    model: str | None = Field(default=None, max_length=100, description="when the unit is not on record")
    category: str | None = Field(default=None, max_length=100)
    channel: Channel = "api"
    priority: Priority = "normal"
    preferred_time: Window | None = None
    description: str = Field(default="", max_length=5000)


class RepairIn(_Call):
    """叫修登记: who calls, for which unit, what is wrong, and how it will be served."""

    type: Literal["repair"] = "repair"
    fault: str = Field(min_length=1, max_length=2000)
    fault_code: str | None = Field(default=None, max_length=40, description="from the fault-code catalogue")
    mode: Mode = "onsite"
    kind: Literal["repair", "maintenance"] = "repair"
    photos: list[str] = Field(default_factory=list, max_length=20)


class InstallationIn(_Call):
    """安装调试, booked from an order (or by hand)."""

    type: Literal["installation"] = "installation"


class PartQty(Strict):
    sku: str = Field(min_length=1, max_length=100)
    qty: int = Field(default=1, ge=1, le=1000)


class PartUse(PartQty):
    old_serial: str | None = Field(default=None, max_length=100, description="the faulty part's serial")
    new_serial: str | None = Field(default=None, max_length=100)
    location: str | None = Field(default=None, max_length=120,
                                 description="central or van:<user>; the technician's van on site, else central")


class DispatchIn(Strict):
    technician: str = Field(min_length=1, description="user name")
    window: Window
    parts: list[PartQty] = Field(default_factory=list, description="reserved in the technician's van")
    distance_km: int | None = Field(default=None, ge=0, le=2000)
    note: str | None = Field(default=None, max_length=2000)


class RescheduleIn(Strict):
    window: Window
    reason: str | None = Field(default=None, max_length=2000)


class RedispatchIn(Strict):
    technician: str = Field(min_length=1)
    window: Window | None = None
    reason: str | None = Field(default=None, max_length=2000)


class OutletIn(Strict):
    outlet: str = Field(min_length=1, max_length=40)


class CheckInIn(Strict):
    geo_note: str | None = Field(default=None, max_length=300, description="e.g. where the technician is")


class ReceiveIn(Strict):
    condition: str | None = Field(default=None, max_length=2000)
    accessories: list[str] = Field(default_factory=list, max_length=50)
    photos: list[str] = Field(default_factory=list, max_length=20)
    carrier: str | None = Field(default=None, max_length=50)
    tracking_no: str | None = Field(default=None, max_length=100)


class TakeInIn(ReceiveIn):
    signature: Signature | None = None


class WorkIn(Strict):
    """A work session on the repair card (log_work): the last one comes with finish_repair."""

    diagnosis: str | None = Field(default=None, max_length=5000)
    fault_code: str | None = Field(default=None, max_length=40)
    labour_minutes: int = Field(default=0, ge=0, le=24 * 60)
    parts: list[PartUse] = Field(default_factory=list, max_length=50)
    started_at: Instant | None = None
    ended_at: Instant | None = None
    note: str | None = Field(default=None, max_length=5000)


class FinishIn(WorkIn):
    result: Literal["fixed", "not_fixable"]


class FeeLineIn(Strict):
    description: str = Field(min_length=1, max_length=300)
    amount: Fen
    kind: Literal["labour", "call_out", "part", "extra"] = "extra"


class PaymentIn(Strict):
    amount: Fen
    method: PaymentMethod


class CompleteOnsiteIn(WorkIn):
    result: Literal["fixed", "not_fixable"] = "fixed"
    work_done: str | None = Field(default=None, max_length=5000)
    fee_lines: list[FeeLineIn] = Field(default_factory=list, max_length=50)
    signature: Signature
    collected: PaymentIn | None = Field(default=None, description="paid on the spot")


class InstallIn(Strict):
    serial: str | None = Field(default=None, max_length=100, description="the unit installed, if not on record")
    labour_minutes: int = Field(default=0, ge=0, le=24 * 60)
    parts: list[PartUse] = Field(default_factory=list, max_length=50)
    work_done: str | None = Field(default=None, max_length=5000)
    fee_lines: list[FeeLineIn] = Field(default_factory=list, max_length=50)
    signature: Signature
    collected: PaymentIn | None = None


class ExtraLine(Strict):
    description: str = Field(min_length=1, max_length=300)
    amount: Fen


class QuoteIn(Strict):
    labour_minutes: int = Field(default=0, ge=0, le=100 * 60)
    parts: list[PartQty] = Field(default_factory=list, max_length=50)
    call_out: bool = False
    extra_lines: list[ExtraLine] = Field(default_factory=list, max_length=20)


class AnswerIn(Strict):
    note: str | None = Field(default=None, max_length=2000)


class WaitPartsIn(Strict):
    parts: list[PartQty] = Field(default_factory=list, max_length=50)
    note: str | None = Field(default=None, max_length=2000)


class VendorIn(Strict):
    vendor: str | None = Field(default=None, max_length=200, description="the maker")
    rma_no: str = Field(min_length=1, max_length=100, description="the maker's RMA number")
    carrier: str = Field(min_length=1, max_length=50)
    tracking_no: str = Field(min_length=1, max_length=100)


class VendorBackIn(Strict):
    carrier: str | None = Field(default=None, max_length=50)
    tracking_no: str | None = Field(default=None, max_length=100)
    note: str | None = Field(default=None, max_length=2000)


class ReasonIn(Strict):
    reason: str = Field(min_length=1, max_length=2000)


class NoteIn(Strict):
    note: str = Field(min_length=1, max_length=5000)


class OptionalNoteIn(Strict):
    note: str | None = Field(default=None, max_length=2000)


class ReturnIn(Strict):
    """还商品: in person (the customer signs; the receipt is voided) or by parcel."""

    method: Literal["in_person", "parcel"] = "in_person"
    signature: Signature | None = None
    receiver: str | None = Field(default=None, max_length=100)
    carrier: str | None = Field(default=None, max_length=50)
    tracking_no: str | None = Field(default=None, max_length=100)

    @model_validator(mode="after")
    def _complete(self) -> ReturnIn:
        if self.method == "parcel" and not (self.carrier and self.tracking_no):
            raise ValueError("a parcel return needs carrier and tracking_no")
        if self.method == "in_person" and self.signature is None:
            raise ValueError("the customer signs for a unit collected in person")
        return self


class CollectIn(PaymentIn):
    pass


class InvoiceIn(Strict):
    invoice_no: str = Field(min_length=1, max_length=60)


class ServiceTypeIn(Strict):
    service_type: ServiceType
    reason: str = Field(min_length=1, max_length=2000, description="e.g. damage by misuse (a 三包 exclusion)")


class RateIn(Strict):
    score: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=2000)


class ReportIn(Strict):
    """A technician's on-site report, as a phone sends it (perhaps more than once)."""

    report_id: str = Field(min_length=1, max_length=64, description="made by the browser; the same on every send")
    version: int = Field(ge=1, description="the case version the report was filled in at")
    action: str = Field(description="check_in | take_in | complete_onsite")
    fields: dict[str, Any] = Field(default_factory=dict)
