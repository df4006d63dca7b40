"""What the webhook endpoints answer (documentation of the documents they build)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shouhou.fields import TimeText


class WebhookCreated(BaseModel):
    id: int
    url: str
    topics: list[str]
    secret: str = Field(description="the signing secret, shown this once")


class WebhookOut(BaseModel):
    id: int
    url: str
    topics: list[str]
    active: bool


class WebhookList(BaseModel):
    items: list[WebhookOut]


class DeliveryOut(BaseModel):
    id: int
    state: str
    attempts: int
    last_status: int | None = Field(description="the receiver's HTTP status")
    last_error: str | None
    last_body_sha256: str | None
    next_attempt_at: TimeText | None
    delivered_at: TimeText | None


class DeliveryList(BaseModel):
    items: list[DeliveryOut]
