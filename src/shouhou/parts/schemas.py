"""Spare parts at the API edge (names fixed by issue 18)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shouhou.fields import Fen


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PartIn(Strict):
    store: str | None = None
    sku: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=300)
    price: Fen = 0
    cost: Fen = 0
    reorder_point: int = Field(default=0, ge=0, le=1_000_000)
    models: list[str] = Field(default_factory=list, description="compatible models")
    maker: str = Field(default="", max_length=200, description="who takes faulty parts back (旧件返还)")


class MovementIn(Strict):
    store: str | None = None
    location: str = Field(min_length=1, max_length=120, description="central or van:<user>")
    qty: int = Field(description="receipt/transfer: positive; adjustment: ± the counted difference")
    kind: Literal["receipt", "transfer", "adjustment"]
    to_location: str | None = Field(default=None, max_length=120)
    note: str | None = Field(default=None, max_length=2000)


class RequestIn(Strict):
    store: str | None = None
    sku: str = Field(min_length=1, max_length=100)
    qty: int = Field(ge=1, le=10_000)
    to_location: str | None = Field(default=None, description="the requester's van when omitted")
    case: str | None = Field(default=None, description="the case the parts are for")
    note: str | None = Field(default=None, max_length=2000)


class DecisionIn(Strict):
    note: str | None = Field(default=None, max_length=2000)


class ShipIn(Strict):
    store: str | None = None
    maker: str = Field(min_length=1, max_length=200)
    carrier: str = Field(min_length=1, max_length=50)
    tracking_no: str = Field(min_length=1, max_length=100)
    ids: list[int] | None = Field(default=None,
                                  description="which parts; every one of the maker's in the bin when omitted")
