"""Units (客户资料袋) and service contracts (合同服务) at the API edge (names fixed by issue 18):
the request bodies, and what the endpoints answer (documentation of service.document and
contracts.document)."""

from __future__ import annotations

from typing import Annotated, Literal

from annotated_types import Ge, Le
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from shouhou.fields import (
    Day,
    DayText,
    Fen,
    FilledIdent,
    Ident,
    Instant,
    Integer,
    Line,
    Text,
    TimeText,
    YuanText,
    whole,
)

Channel = Literal["online", "tv", "phone", "mail", "store"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class UnitIn(Strict):
    """A unit entered by hand, or attached to the order line it was sold on."""

    store: Ident | None = Field(default=None, description="store code; taken from the order when given")
    serial: FilledIdent = Field(min_length=1, max_length=100)
    model: Ident | None = Field(default=None, max_length=100, description="the order line's SKU when omitted")
    name: Line = Field(default="", max_length=300)
    category: Ident | None = Field(default=None, max_length=100)
    customer: Ident | None = Field(default=None, description="the customer's external id")
    order_no: Ident | None = None
    line_no: Annotated[int, Ge(1), Le(10_000), BeforeValidator(whole)] | None = None
    tags: list[FilledIdent] | None = Field(default=None, description="policy tags, e.g. sanbao, installation_required")
    warranty_months: Annotated[int, Ge(0), Le(1200), BeforeValidator(whole)] | None = Field(
        default=None, description="the 三包 period")
    price: Fen | None = None
    channel: Channel | None = None
    invoice_at: Instant | None = None
    delivered_at: Instant | None = None
    installed_at: Instant | None = None
    address: Line = Field(default="", max_length=500)
    district: Line = Field(default="", max_length=100)
    note: Text = Field(default="", max_length=2000)


class ReplaceIn(Strict):
    """A 三包 exchange: a new unit replaces this one and its periods start again."""

    new_serial: FilledIdent = Field(min_length=1, max_length=100)
    exchanged_at: Instant | None = Field(default=None, description="now when omitted")
    note: Text = Field(default="", max_length=2000)


class CoversIn(Strict):
    labour: bool = True
    parts: bool = True
    call_out: bool = True


class VisitsIn(Strict):
    """The included preventive-maintenance visits: every N months from the start, or on given days."""

    every_months: Annotated[int, Ge(1), Le(60), BeforeValidator(whole)] | None = None
    dates: list[Day] = Field(default_factory=list, max_length=500)


class ContractIn(Strict):
    store: Ident | None = None
    no: Ident | None = Field(default=None, max_length=40, description="generated when omitted")
    customer: FilledIdent = Field(min_length=1, description="the customer's external id")
    serials: list[FilledIdent] = Field(min_length=1, max_length=500, description="the units covered")
    starts_on: Day
    ends_on: Day
    fee: Fen = 0
    covers: CoversIn = Field(default_factory=CoversIn)
    visits: VisitsIn = Field(default_factory=VisitsIn)
    response_hours: Integer = Field(default=24, ge=1, le=24 * 30, description="promised response time")
    note: Text = Field(default="", max_length=2000)


# -- what the endpoints answer ----------------------------------------------------------------

class BasisOut(BaseModel):
    rule: str = Field(description="a statutory rule's id, or STORE")
    text: str = Field(description="in the caller's language")


class WarrantyOut(BaseModel):
    covered: bool = Field(description="decided by the policy engine now, for a quality failure")
    starts: TimeText | None
    until: TimeText | None
    basis: list[BasisOut]
    message: str


class DeductionOut(BaseModel):
    kind: str
    amount: YuanText | None = Field(description="null when the facts cannot say")
    rule: str
    text: str


class EntitlementOut(BaseModel):
    remedy: str = Field(examples=["exchange", "return"])
    until: TimeText | None
    basis: list[BasisOut]
    rule: str | None
    message: str
    deductions: list[DeductionOut]


class ServiceLineOut(BaseModel):
    case: str
    type: str
    kind: str = Field(description="repair | maintenance | installation | exchange")
    status: str
    opened_at: TimeText
    finished_at: TimeText | None
    fault_code: str | None
    result: str | None


class UnitContractOut(BaseModel):
    no: str
    starts_on: DayText
    ends_on: DayText
    status: str
    valid: bool = Field(description="active and covering today")


class UnitSummary(BaseModel):
    """A unit as lists show it: its facts and its warranty now."""

    serial: str
    model: str
    name: str
    category: str
    store: str
    customer: str | None = Field(description="the customer's external id")
    customer_name: str | None
    order_no: str | None
    line_no: int | None
    source: str = Field(description="order | manual | installation | exchange")
    tags: list[str]
    warranty_months: int
    price: YuanText
    channel: str
    invoice_at: TimeText | None
    delivered_at: TimeText | None
    installed_at: TimeText | None
    exchanged_at: TimeText | None
    replaces: str | None = Field(description="the serial this unit replaced (a 三包 exchange)")
    replaced_by: str | None
    repair_days: int = Field(description="days in repair, which do not count towards the 三包 period")
    address: str
    district: str
    note: str
    warranty: WarrantyOut
    warranty_until: TimeText | None


class UnitDocument(UnitSummary):
    """A unit with what it is entitled to now, its service history and its contracts."""

    entitlements: list[EntitlementOut]
    history: list[ServiceLineOut]
    contracts: list[UnitContractOut]


class UnitItems(BaseModel):
    items: list[UnitSummary]


class UnitList(BaseModel):
    items: list[UnitSummary]
    next_cursor: int | None = Field(description="give it as ?cursor= for the next page; null: no more")


class CoversOut(BaseModel):
    labour: bool
    parts: bool
    call_out: bool


class ContractUnitOut(BaseModel):
    serial: str
    model: str
    name: str


class VisitOut(BaseModel):
    serial: str
    due_on: DayText
    case: str | None = Field(description="the maintenance case, once opened")
    opened_at: TimeText | None


class ContractDocument(UnitContractOut):
    """A service contract with its units and its maintenance visits."""

    store: str
    customer: str = Field(description="the customer's external id")
    customer_name: str
    fee: YuanText
    covers: CoversOut
    response_hours: int
    note: str
    units: list[ContractUnitOut]
    visits: list[VisitOut]


class ContractItems(BaseModel):
    items: list[ContractDocument]
