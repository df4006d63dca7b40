"""Spare parts at the API edge (names fixed by issue 18): the request bodies, and what the
endpoints answer (documentation of the service's documents)."""

from __future__ import annotations

from typing import Annotated, Literal

from annotated_types import Ge, Le
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from shouhou.fields import Fen, FilledIdent, FilledLine, Ident, Integer, Line, Text, TimeText, YuanText, whole

QTY_MAX = 1_000_000


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class PartIn(Strict):
    store: Ident | None = None
    sku: FilledIdent = Field(min_length=1, max_length=100)
    name: FilledLine = Field(min_length=1, max_length=300)
    price: Fen = 0
    cost: Fen = 0
    reorder_point: Integer = Field(default=0, ge=0, le=QTY_MAX)
    models: list[FilledIdent] = Field(default_factory=list, max_length=200, description="compatible models")
    maker: Line = Field(default="", max_length=200, description="who takes faulty parts back (旧件返还)")


class MovementIn(Strict):
    store: Ident | None = None
    location: FilledIdent = Field(min_length=1, max_length=120, description="central or van:<user>")
    qty: Integer = Field(ge=-QTY_MAX, le=QTY_MAX,
                         description="receipt/transfer: positive; adjustment: ± the counted difference")
    kind: Literal["receipt", "transfer", "adjustment"]
    to_location: Ident | None = Field(default=None, max_length=120)
    note: Text | None = Field(default=None, max_length=2000)


class RequestIn(Strict):
    store: Ident | None = None
    sku: FilledIdent = Field(min_length=1, max_length=100)
    qty: Integer = Field(ge=1, le=10_000)
    to_location: Ident | None = Field(default=None, max_length=120, description="the requester's van when omitted")
    case: Ident | None = Field(default=None, max_length=32, description="the case the parts are for")
    note: Text | None = Field(default=None, max_length=2000)


class DecisionIn(Strict):
    note: Text | None = Field(default=None, max_length=2000)


class ShipIn(Strict):
    store: Ident | None = None
    maker: FilledLine = Field(min_length=1, max_length=200)
    carrier: FilledIdent = Field(min_length=1, max_length=50)
    tracking_no: FilledIdent = Field(min_length=1, max_length=100)
    # Below 2^53: JSON numbers beyond are not exact (a row id never gets there).
    ids: list[Annotated[int, Ge(1), Le(2**53), BeforeValidator(whole)]] | None = Field(default=None, max_length=1000,
                                      description="which parts; every one of the maker's in the bin when omitted")


# -- what the endpoints answer ----------------------------------------------------------------

class StockOut(BaseModel):
    location: str = Field(description="central or van:<user>")
    qty: int
    reserved: int
    available: int


class PartDocument(BaseModel):
    sku: str
    name: str
    price: YuanText
    cost: YuanText
    reorder_point: int
    models: list[str]
    maker: str
    on_hand: int = Field(description="in every location")
    reserved: int
    stock: list[StockOut]


class PartItems(BaseModel):
    items: list[PartDocument]


class ReorderOut(PartDocument):
    available: int = Field(description="on hand less reserved, in every location")
    short_by: int = Field(description="to order to be above the reorder point")


class ReorderItems(BaseModel):
    items: list[ReorderOut]


class PartRequestOut(BaseModel):
    id: int
    sku: str
    name: str
    qty: int
    to_location: str
    from_location: str
    case: str | None
    status: Literal["pending", "approved", "rejected"]
    requested_by: str
    requested_at: TimeText
    decided_by: str | None
    decided_at: TimeText | None
    note: str | None


class PartRequestItems(BaseModel):
    items: list[PartRequestOut]


class BatchOut(BaseModel):
    id: int
    carrier: str
    tracking_no: str
    shipped_at: TimeText


class OldPartOut(BaseModel):
    id: int
    case: str
    sku: str
    qty: int
    old_serial: str | None
    maker: str
    status: Literal["in_bin", "shipped"]
    in_bin_since: TimeText
    batch: BatchOut | None = Field(description="the parcel it went back in")


class OldPartItems(BaseModel):
    items: list[OldPartOut]


class ShippedBatch(BaseModel):
    id: int
    maker: str
    carrier: str
    tracking_no: str
    parts: list[OldPartOut] = Field(description="every part of the maker's shipped so far")


class MovementOut(BaseModel):
    location: str
    qty: int
    kind: str = Field(description="receipt | transfer | adjustment | consumption | reservation …")
    case: str | None
    by: str
    at: TimeText
    note: str | None = Field(description="what the person who made it typed, if anything")
    counterpart: str | None = Field(default=None, description="a transfer's other location (central | van:<user>)")
    request_id: int | None = Field(default=None, description="the parts request (配件申领) it carried out")
    held: int | None = Field(default=None, description="reservation / release: the quantity set aside or freed")


class MovementItems(BaseModel):
    items: list[MovementOut]
