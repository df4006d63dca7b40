from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shouhou.fields import FilledIdent, FilledLine, FilledText, Ident, Text

ConsultationChannel = Literal["hotline", "chat", "email", "portal", "api"]
Priority = Literal["low", "normal", "high", "urgent"]


class ConsultationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    type: Literal["consultation"] = "consultation"
    store: Ident | None = Field(default=None, description="store code; taken from the order when given")
    order_no: Ident | None = None
    customer: Ident | None = Field(default=None, description="the customer's external id")
    subject: FilledLine = Field(min_length=1, max_length=300)
    description: Text = Field(default="", max_length=20000)
    channel: ConsultationChannel = "api"
    priority: Priority = "normal"


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    assignee: Ident | None = Field(default=None, description="user name; the caller when omitted")


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    message: FilledText = Field(min_length=1, max_length=20000)


class OptionalMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    message: Text | None = Field(default=None, max_length=20000)


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    into: FilledIdent = Field(min_length=1, max_length=32, description="the surviving case's number")


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    resolution: Text | None = Field(default=None, max_length=20000)
