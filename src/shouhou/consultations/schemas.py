from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shouhou.fields import Filled

ConsultationChannel = Literal["hotline", "chat", "email", "portal", "api"]
Priority = Literal["low", "normal", "high", "urgent"]


class ConsultationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    type: Literal["consultation"] = "consultation"
    store: str | None = Field(default=None, description="store code; taken from the order when given")
    order_no: str | None = None
    customer: str | None = Field(default=None, description="the customer's external id")
    subject: Filled = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=20000)
    channel: ConsultationChannel = "api"
    priority: Priority = "normal"


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    assignee: str | None = Field(default=None, description="user name; the caller when omitted")


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    message: Filled = Field(min_length=1, max_length=20000)


class OptionalMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    message: str | None = Field(default=None, max_length=20000)


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    into: Filled = Field(min_length=1, max_length=32, description="the surviving case's number")


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    resolution: str | None = Field(default=None, max_length=20000)
