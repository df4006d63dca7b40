"""The repair and installation case types at the API edge: the call registration (叫修登记), the
actions' payloads, the other endpoints' bodies (names fixed by issue 18), and what the endpoints
and the case document answer (documentation of the documents the service builds)."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from annotated_types import Ge, Le
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

from shouhou.fields import (
    DayText,
    Fen,
    FilledIdent,
    FilledLine,
    FilledText,
    Ident,
    Instant,
    Integer,
    Line,
    Link,
    Percent,
    Text,
    TimeText,
    YuanText,
    whole,
)
from shouhou.units.schemas import EntitlementOut

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
    model_config = ConfigDict(extra="forbid", strict=True)


class Contact(Strict):
    name: FilledLine = Field(min_length=1, max_length=100)
    phone: FilledIdent = Field(min_length=1, max_length=40)
    address: Line = Field(default="", max_length=500)
    district: Line = Field(default="", max_length=100, description="the service area the technicians cover")


class Window(Strict):
    """A time span; one that does not end after it starts is `invalid_window` (the service says so)."""

    start: Instant
    end: Instant


class _Call(Strict):
    store: Ident | None = Field(default=None, description="store code; taken from the order when given")
    customer: Ident | None = Field(default=None, description="the customer's external id")
    contact: Contact
    serial: Ident | None = Field(default=None, max_length=100)
    order_no: Ident | None = Field(default=None, max_length=64)
    line_no: Annotated[int, Ge(1), Le(1_000_000), BeforeValidator(whole)] | None = None
    model: Ident | None = Field(default=None, max_length=100, description="when the unit is not on record")
    category: Ident | None = Field(default=None, max_length=100)
    channel: Channel = "api"
    priority: Priority = "normal"
    preferred_time: Window | None = None
    description: Text = Field(default="", max_length=5000)


class RepairIn(_Call):
    """叫修登记: who calls, for which unit, what is wrong, and how it will be served."""

    type: Literal["repair"] = "repair"
    fault: FilledText = Field(min_length=1, max_length=2000)
    fault_code: Ident | None = Field(default=None, max_length=40, description="from the fault-code catalogue")
    mode: Mode = "onsite"
    kind: Literal["repair", "maintenance"] = "repair"
    photos: list[Link] = Field(default_factory=list, max_length=20)


class InstallationIn(_Call):
    """安装调试, booked from an order (or by hand)."""

    type: Literal["installation"] = "installation"


class PartQty(Strict):
    sku: FilledIdent = Field(min_length=1, max_length=100)
    qty: Integer = Field(default=1, ge=1, le=1000)


class PartUse(PartQty):
    old_serial: Ident | None = Field(default=None, max_length=100, description="the faulty part's serial")
    new_serial: Ident | None = Field(default=None, max_length=100)
    location: Ident | None = Field(default=None, max_length=120,
                                 description="central or van:<user>; the technician's van on site, else central")


class DispatchIn(Strict):
    technician: FilledIdent = Field(min_length=1, description="user name")
    window: Window
    parts: list[PartQty] = Field(default_factory=list, description="reserved in the technician's van")
    distance_km: Annotated[int, Ge(0), Le(2000), BeforeValidator(whole)] | None = None
    note: Text | None = Field(default=None, max_length=2000)


class RescheduleIn(Strict):
    window: Window
    reason: Text | None = Field(default=None, max_length=2000)


class RedispatchIn(Strict):
    technician: FilledIdent = Field(min_length=1)
    window: Window | None = None
    reason: Text | None = Field(default=None, max_length=2000)


class OutletIn(Strict):
    outlet: FilledIdent = Field(min_length=1, max_length=40)


class CheckInIn(Strict):
    geo_note: Line | None = Field(default=None, max_length=300, description="e.g. where the technician is")


class ReceiveIn(Strict):
    condition: Text | None = Field(default=None, max_length=2000)
    accessories: list[FilledLine] = Field(default_factory=list, max_length=50)
    photos: list[Link] = Field(default_factory=list, max_length=20)
    carrier: Ident | None = Field(default=None, max_length=50)
    tracking_no: Ident | None = Field(default=None, max_length=100)


class TakeInIn(ReceiveIn):
    signature: Signature | None = None


class WorkIn(Strict):
    """A work session on the repair card (log_work): the last one comes with finish_repair."""

    diagnosis: Text | None = Field(default=None, max_length=5000)
    fault_code: Ident | None = Field(default=None, max_length=40)
    labour_minutes: Integer = Field(default=0, ge=0, le=24 * 60)
    parts: list[PartUse] = Field(default_factory=list, max_length=50)
    started_at: Instant | None = None
    ended_at: Instant | None = None
    note: Text | None = Field(default=None, max_length=5000)


class FinishIn(WorkIn):
    result: Literal["fixed", "not_fixable"]


class FeeLineIn(Strict):
    description: FilledLine = Field(min_length=1, max_length=300)
    amount: Fen
    kind: Literal["labour", "call_out", "part", "extra"] = "extra"


class PaymentIn(Strict):
    amount: Fen
    method: PaymentMethod


class CompleteOnsiteIn(WorkIn):
    result: Literal["fixed", "not_fixable"] = "fixed"
    work_done: Text | None = Field(default=None, max_length=5000)
    fee_lines: list[FeeLineIn] = Field(default_factory=list, max_length=50)
    signature: Signature
    collected: PaymentIn | None = Field(default=None, description="paid on the spot")


class InstallIn(Strict):
    serial: Ident | None = Field(default=None, max_length=100, description="the unit installed, if not on record")
    labour_minutes: Integer = Field(default=0, ge=0, le=24 * 60)
    parts: list[PartUse] = Field(default_factory=list, max_length=50)
    work_done: Text | None = Field(default=None, max_length=5000)
    fee_lines: list[FeeLineIn] = Field(default_factory=list, max_length=50)
    signature: Signature
    collected: PaymentIn | None = None


class ExtraLine(Strict):
    description: FilledLine = Field(min_length=1, max_length=300)
    amount: Fen


class QuoteIn(Strict):
    labour_minutes: Integer = Field(default=0, ge=0, le=100 * 60)
    parts: list[PartQty] = Field(default_factory=list, max_length=50)
    call_out: bool = False
    extra_lines: list[ExtraLine] = Field(default_factory=list, max_length=20)


class AnswerIn(Strict):
    note: Text | None = Field(default=None, max_length=2000)


class WaitPartsIn(Strict):
    parts: list[PartQty] = Field(default_factory=list, max_length=50)
    note: Text | None = Field(default=None, max_length=2000)


class VendorIn(Strict):
    vendor: Line | None = Field(default=None, max_length=200, description="the maker")
    rma_no: FilledIdent = Field(min_length=1, max_length=100, description="the maker's RMA number")
    carrier: FilledIdent = Field(min_length=1, max_length=50)
    tracking_no: FilledIdent = Field(min_length=1, max_length=100)


class VendorBackIn(Strict):
    carrier: Ident | None = Field(default=None, max_length=50)
    tracking_no: Ident | None = Field(default=None, max_length=100)
    note: Text | None = Field(default=None, max_length=2000)


class ReasonIn(Strict):
    reason: FilledText = Field(min_length=1, max_length=2000)


class NoteIn(Strict):
    note: FilledText = Field(min_length=1, max_length=5000)


class OptionalNoteIn(Strict):
    note: Text | None = Field(default=None, max_length=2000)


class ReturnIn(Strict):
    """还商品: in person (the customer signs; the receipt is voided) or by parcel."""

    method: Literal["in_person", "parcel"] = "in_person"
    signature: Signature | None = None
    receiver: Line | None = Field(default=None, max_length=100)
    carrier: Ident | None = Field(default=None, max_length=50)
    tracking_no: Ident | None = Field(default=None, max_length=100)

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
    invoice_no: FilledIdent = Field(min_length=1, max_length=60)


class ServiceTypeIn(Strict):
    service_type: ServiceType
    reason: FilledText = Field(min_length=1, max_length=2000, description="e.g. damage by misuse (a 三包 exclusion)")


class RateIn(Strict):
    score: Integer = Field(ge=1, le=5)
    comment: Text | None = Field(default=None, max_length=2000)


class ReportIn(Strict):
    """A technician's on-site report, as a phone sends it (perhaps more than once)."""

    report_id: FilledIdent = Field(min_length=1, max_length=64, description="made by the browser; the same on every send")
    version: Integer = Field(ge=1, le=2**31 - 1, description="the case version the report was filled in at")
    action: Literal["check_in", "take_in", "complete_onsite"]
    fields: dict[str, Any] = Field(default_factory=dict)


# -- the other endpoints' bodies ------------------------------------------------------------------

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
HHMM = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["09:00"])]
Span = Annotated[list[HHMM], Field(min_length=2, max_length=2, description="[start, end]")]
Month = Annotated[str, Field(pattern=r"^(19\d\d|2[01]\d\d|2200)-(0[1-9]|1[0-2])$", examples=["2026-11"])]
WorkLogKind = Literal["inspection", "parts_management", "tool_upkeep", "training", "other"]
JobKind = Literal["repair", "maintenance", "installation"]


class TechnicianIn(Strict):
    """Fields left out keep their value."""

    skills: list[Annotated[FilledLine, Field(min_length=1, max_length=100)]] | None = Field(
        default=None, max_length=100, description="product categories")
    areas: list[Annotated[FilledLine, Field(min_length=1, max_length=100)]] | None = Field(
        default=None, max_length=200, description="districts served")
    hours: dict[Weekday, list[Span]] | None = Field(
        default=None, description="per weekday, spans of [start, end] (start before end: `invalid_hours`)")
    active: bool | None = None
    outlet: Ident | None = Field(default=None, max_length=40, description="the outlet's code; null: none")


class PriceListIn(Strict):
    """Fields left out (or null) keep their value."""

    hourly_rate: Fen | None = None
    call_out_fee: Fen | None = None
    inspection_fee: Fen | None = None
    rework_days: Annotated[int, Ge(1), Le(3650), BeforeValidator(whole)] | None = None
    quote_days: Annotated[int, Ge(1), Le(3650), BeforeValidator(whole)] | None = None
    confirm_days: Annotated[int, Ge(1), Le(3650), BeforeValidator(whole)] | None = None
    pickup_reminder_days: Annotated[int, Ge(1), Le(3650), BeforeValidator(whole)] | None = None
    pickup_flag_days: Annotated[int, Ge(1), Le(3650), BeforeValidator(whole)] | None = None
    maintenance_lead_days: Annotated[int, Ge(1), Le(3650), BeforeValidator(whole)] | None = None
    response_hours: Annotated[int, Ge(1), Le(3650), BeforeValidator(whole)] | None = None


class FaultCodeIn(Strict):
    code: FilledIdent = Field(min_length=1, max_length=40, description="unique in the catalogue")
    label_zh: Line | None = Field(default=None, max_length=100, description="the code when omitted")
    label_en: Line | None = Field(default=None, max_length=100)
    category: Ident = Field(default="", max_length=100)
    serious: bool = Field(default=True, description="a performance failure (性能故障): counts for 三包")
    vehicle_fault: Ident | None = Field(default=None, max_length=40, description="for vehicles: the 三包 fault kind")


class NewOutletIn(Strict):
    """An authorised service outlet (服务网点) and its fee schedule."""

    code: FilledIdent = Field(min_length=1, max_length=40)
    name: Line = Field(default="", max_length=200, description="the code when omitted")
    areas: list[Annotated[FilledLine, Field(min_length=1, max_length=100)]] = Field(default_factory=list, max_length=200)
    job_fees: dict[JobKind, Fen] = Field(default_factory=dict, description="per job kind")
    per_km: Fen = Field(default=0, description="per km beyond the radius")
    radius_km: Integer = Field(default=0, ge=0, le=10_000)
    parts_margin_percent: Percent = Field(default=0, description="on parts at cost, e.g. \"12.50\"")
    supervisors: list[FilledIdent] = Field(default_factory=list, max_length=50, description="supervisors of the store")


class WorkLogIn(Strict):
    store: Ident | None = None
    technician: Ident | None = Field(default=None, max_length=100, description="the caller when omitted")
    kind: WorkLogKind
    minutes: Integer = Field(ge=1, le=24 * 60)
    note: Text = Field(default="", max_length=2000)
    at: Instant | None = None


class PaidIn(Strict):
    ref: FilledIdent = Field(min_length=1, max_length=100, description="the payment's reference")


# -- what the endpoints and the case document answer --------------------------------------------

class RuleText(BaseModel):
    rule: str
    text: str = Field(description="in the caller's language")


class SpanOut(BaseModel):
    start: TimeText | None
    end: TimeText | None


class RepairSummary(BaseModel):
    """What a repair or an installation adds to a case list row."""

    mode: str = Field(description="onsite | carry_in | mail_in")
    kind: str = Field(description="repair | maintenance | installation")
    service_type: str = Field(description="paid | contract | warranty")
    serial: str | None
    model: str
    district: str
    rework: bool = Field(description="返修: the unit was repaired shortly before")
    appointment_start: TimeText | None
    receipt_no: str | None


class CaseWarrantyOut(BaseModel):
    covered: bool
    until: TimeText | None
    starts: TimeText | None
    basis: list[RuleText]


class CaseUnitOut(BaseModel):
    serial: str | None
    model: str
    category: str
    warranty_until: TimeText | None


class ContactOut(BaseModel):
    name: str
    phone: str
    address: str
    district: str


class ReceiptOut(BaseModel):
    no: str
    status: str | None = Field(description="issued | voided")
    issued_at: TimeText | None
    voided_at: TimeText | None


class IntakeOut(BaseModel):
    received_at: TimeText
    condition: str | None
    accessories: list[str]
    carrier: str | None
    tracking_no: str | None


class VendorOut(BaseModel):
    vendor: str | None = Field(description="the maker")
    rma_no: str
    carrier: str
    tracking_no: str
    sent_at: TimeText | None
    returned_at: TimeText | None
    back_carrier: str | None
    back_tracking_no: str | None


class SessionOut(BaseModel):
    technician: str
    started_at: TimeText | None
    ended_at: TimeText | None
    minutes: int
    diagnosis: str | None
    fault_code: str | None
    note: str | None
    result: str | None
    onsite: bool


class FittedPartOut(BaseModel):
    sku: str
    name: str
    qty: int
    unit_price: YuanText
    old_serial: str | None
    new_serial: str | None
    location: str | None
    under_warranty: bool


class RepairCardOut(BaseModel):
    """修护卡: the work sessions, the parts fitted and the result."""

    sessions: list[SessionOut]
    labour_minutes: int
    parts: list[FittedPartOut]
    diagnosis: str | None
    result: str | None = Field(description="fixed | not_fixable")
    finished_at: TimeText | None
    parts_wait_days: int
    waiting_for_parts_since: TimeText | None


class QcOut(BaseModel):
    at: TimeText
    by: str | None


class QuoteLineOut(BaseModel):
    kind: str = Field(description="labour | call_out | part | extra")
    description: str
    sku: str | None
    qty: int
    unit: YuanText
    amount: YuanText


class QuoteOut(BaseModel):
    lines: list[QuoteLineOut]
    total: YuanText
    status: str | None = Field(description="pending | accepted | declined")


class FeeLineOut(BaseModel):
    kind: str
    description: str
    amount: YuanText
    source: str = Field(description="quote | onsite | contract | decline")


class PaymentOut(BaseModel):
    amount: YuanText
    method: str
    at: TimeText
    by: str


class FeesOut(BaseModel):
    lines: list[FeeLineOut]
    total: YuanText
    paid: YuanText
    written_off: YuanText
    due: YuanText
    payments: list[PaymentOut]
    invoice_no: str | None


class ReturnOut(BaseModel):
    at: TimeText
    method: str | None = Field(description="in_person | parcel")
    to: str | None
    carrier: str | None
    tracking_no: str | None


class SignatureOut(BaseModel):
    id: int
    purpose: str = Field(description="onsite | take_in | return | installation")
    sha256: str
    signed_at: TimeText
    signer: str
    url: str = Field(description="the PNG")


class RatingOut(BaseModel):
    score: int
    comment: str | None


class RepairCaseDetail(RepairSummary):
    """What a repair or an installation adds to the case document."""

    model_config = ConfigDict(populate_by_name=True)
    location: str = Field(description="where the unit is: customer | workshop | vendor | in_transit")
    workshop: bool
    service_type_basis: list[RuleText]
    warranty: CaseWarrantyOut
    unit: CaseUnitOut
    contact: ContactOut
    fault: str
    fault_code: str | None
    preferred_time: SpanOut | None
    technician: str | None
    technician_name: str | None
    appointment: SpanOut | None
    checked_in_at: TimeText | None
    receipt: ReceiptOut | None = Field(description="客户商品领取收据, once the unit is taken in")
    intake: IntakeOut | None
    photos: list[str]
    vendor: VendorOut | None
    repair_card: RepairCardOut
    qc: QcOut | None
    quote: QuoteOut | None
    fees: FeesOut
    return_: ReturnOut | None = Field(alias="return")
    signatures: list[SignatureOut]
    rework_of: str | None = Field(description="the earlier repair's case number")
    entitlements: list[EntitlementOut] = Field(description="三包 exchange or return due now, with the rule")
    response_overdue: bool
    unclaimed: bool
    rating: RatingOut | None
    distance_km: int | None = Field(description="null for the buyer")


class SuggestionOut(BaseModel):
    technician: str
    name: str
    suitable: bool = Field(description="skilled, within hours, of the case's outlet, and free")
    skill: bool
    within_hours: bool
    outlet: bool
    free: bool
    area: bool
    load: int = Field(description="open jobs")
    busy_with: list[str]
    rank: int


class Suggestions(BaseModel):
    case: str
    window: SpanOut
    items: list[SuggestionOut]


class BookLine(BaseModel):
    no: str
    type: str
    status: str
    kind: str
    mode: str
    registered_at: TimeText
    contact: str
    phone: str
    address: str
    district: str
    model: str
    serial: str | None
    fault: str
    service_type: str
    preferred_start: TimeText | None
    preferred_end: TimeText | None


class RegistrationBook(BaseModel):
    store: str
    items: list[BookLine]


class TechnicianOut(BaseModel):
    user: str
    name: str
    store: str
    skills: list[str]
    areas: list[str]
    hours: dict[str, list[list[str]]]
    active: bool
    outlet_id: int | None
    location: str = Field(description="the technician's van as a stock location")


class TechnicianItems(BaseModel):
    items: list[TechnicianOut]


class AppointmentOut(BaseModel):
    case: str
    type: str
    status: str
    version: int
    start: TimeText | None
    end: TimeText | None
    contact: str
    phone: str
    address: str
    district: str
    model: str
    fault: str


class ScheduleOut(BaseModel):
    technician: str
    date: DayText
    hours: list[list[str]] | None = Field(description="the day's working hours; null: none recorded")
    items: list[AppointmentOut]


class RegisterLine(BaseModel):
    case: str
    status: str
    store: str
    serial: str | None
    model: str
    receipt_no: str | None
    in_at: TimeText
    in_by: str
    in_from: str
    out_at: TimeText | None
    out_by: str | None
    out_to: str | None


class WorkshopRegister(BaseModel):
    items: list[RegisterLine]


class PriceListOut(BaseModel):
    store: str
    hourly_rate: YuanText
    call_out_fee: YuanText
    inspection_fee: YuanText
    rework_days: int
    quote_days: int
    confirm_days: int
    pickup_reminder_days: int
    pickup_flag_days: int
    maintenance_lead_days: int
    response_hours: int


class FaultCodeOut(BaseModel):
    code: str
    label: str = Field(description="in the caller's language")
    label_zh: str
    label_en: str
    serious: bool
    category: str
    vehicle_fault: str | None


class FaultCodes(BaseModel):
    store: str
    items: list[FaultCodeOut]


class WorkLogOut(BaseModel):
    id: int
    technician: str
    kind: str
    minutes: int
    note: str
    at: TimeText
    by: str


class WorkLogs(BaseModel):
    items: list[WorkLogOut]
    minutes: dict[str, dict[str, int]] = Field(description="per technician: minutes per kind and total")


class OutletOut(BaseModel):
    code: str
    name: str
    areas: list[str]
    job_fees: dict[str, YuanText]
    per_km: YuanText
    radius_km: int
    parts_margin_percent: YuanText
    supervisors: list[str]
    active: bool


class OutletItems(BaseModel):
    items: list[OutletOut]


class StatementLine(BaseModel):
    case: str
    kind: str
    completed_at: TimeText | None
    technician: str | None
    distance_km: int
    job_fee: YuanText
    distance_fee: YuanText
    parts_cost: YuanText
    parts: YuanText = Field(description="at cost plus the outlet's margin")
    amount: YuanText


class Statement(BaseModel):
    outlet: str
    month: str = Field(examples=["2026-11"])
    status: str = Field(description="draft | approved | paid")
    lines: list[StatementLine]
    total: YuanText
    approved_by: str | None
    approved_at: TimeText | None
    paid_at: TimeText | None
    paid_ref: str | None


class ClaimPartOut(BaseModel):
    sku: str
    qty: int
    cost: YuanText
    old_serial: str | None
    new_serial: str | None
    returned: str | None = Field(description="the faulty part: in_bin | shipped; null: not kept")


class ClaimCase(BaseModel):
    case: str
    completed_at: TimeText | None
    parts: list[ClaimPartOut]
    labour_minutes: int
    labour: YuanText
    parts_amount: YuanText
    amount: YuanText


class MakerClaim(BaseModel):
    maker: str
    cases: list[ClaimCase]
    total: YuanText


class WarrantyClaims(BaseModel):
    store: str
    month: str
    hourly_rate: YuanText
    makers: list[MakerClaim]


class ReworkRate(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    store: str
    from_: TimeText | None = Field(alias="from")
    to: TimeText | None
    repairs: int = Field(description="repair calls registered in the period")
    rework: int
    rework_rate: str = Field(description="percent, two decimals", examples=["1.25"])
    target: str = Field(examples=["2.00"])
    met: bool
    rework_days: int


class ReportResult(BaseModel):
    ok: bool
    replayed: bool = Field(description="this report had been applied before: nothing changed")
    no: str
    status: str
    status_label: str
    version: int
