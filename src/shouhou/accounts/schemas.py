"""What the accounts endpoints answer (documentation of the documents they build)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class GrantOut(BaseModel):
    role: str
    store: str | None = Field(description="store code; null: every store")


class Me(BaseModel):
    user: str
    display_name: str
    roles: list[GrantOut]


class StoreOut(BaseModel):
    code: str
    name: str
    timezone: str = Field(examples=["Asia/Shanghai"])


class StoreList(BaseModel):
    items: list[StoreOut]
