"""Units (客户资料袋) and service contracts (合同服务) at the API edge (names fixed by issue 18)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shouhou.fields import Fen, Instant

Channel = Literal["online", "tv", "phone", "mail", "store"]


class UnitIn(BaseModel):
    """A unit entered by hand, or attached to the order line it was sold on."""

    model_config = ConfigDict(extra="forbid")
    store: str | None = Field(default=None, description="store code; taken from the order when given")
    serial: str = Field(min_length=1, max_length=100)
    model: str | None = Field(default=None, max_length=100, description="the order line's SKU when omitted")
    name: str = Field(default="", max_length=300)
    category: str | None = Field(default=None, max_length=100)
    customer: str | None = Field(default=None, description="the customer's external id")
    order_no: str | None = None
    line_no: int | None = Field(default=None, ge=1)
    tags: list[str] | None = Field(default=None, description="policy tags, e.g. sanbao, installation_required")
    warranty_months: int | None = Field(default=None, ge=0, le=1200, description="the 三包 period")
    price: Fen | None = None
    channel: Channel | None = None
    invoice_at: Instant | None = None
    delivered_at: Instant | None = None
    installed_at: Instant | None = None
    address: str = Field(default="", max_length=500)
    district: str = Field(default="", max_length=100)
    note: str = Field(default="", max_length=2000)


class ReplaceIn(BaseModel):
    """A 三包 exchange: a new unit replaces this one and its periods start again."""

    model_config = ConfigDict(extra="forbid")
    new_serial: str = Field(min_length=1, max_length=100)
    exchanged_at: Instant | None = Field(default=None, description="now when omitted")
    note: str = Field(default="", max_length=2000)


class CoversIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    labour: bool = True
    parts: bool = True
    call_out: bool = True


class VisitsIn(BaseModel):
    """The included preventive-maintenance visits: every N months from the start, or on given days."""

    model_config = ConfigDict(extra="forbid")
    every_months: int | None = Field(default=None, ge=1, le=60)
    dates: list[date] = Field(default_factory=list)


class ContractIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    store: str | None = None
    no: str | None = Field(default=None, max_length=40, description="generated when omitted")
    customer: str = Field(min_length=1, description="the customer's external id")
    serials: list[str] = Field(min_length=1, description="the units covered")
    starts_on: date
    ends_on: date
    fee: Fen = 0
    covers: CoversIn = Field(default_factory=CoversIn)
    visits: VisitsIn = Field(default_factory=VisitsIn)
    response_hours: int = Field(default=24, ge=1, le=24 * 30, description="promised response time")
    note: str = Field(default="", max_length=2000)
