from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class StubIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["stub"]
    store: str
    subject: str = Field(min_length=1, max_length=300)
    model: str = Field(min_length=1, max_length=100, description="the product's model")


class VerdictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verdict: str = Field(min_length=1, max_length=200)
