from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shouhou import plugins
from shouhou.fields import Integer, TimeText


class TransitionIn(BaseModel):
    """`{"action": "...", "version": N, ...action fields}`; the rest is the action's payload."""

    model_config = ConfigDict(extra="allow", strict=True)
    action: str = Field(min_length=1, max_length=40)
    version: Integer = Field(ge=1, le=2**31 - 1)

    def fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


# What the case endpoints answer (documentation of the documents cases/service.py builds).


class TypeParts:
    """A case's JSON schema with each case type's own fields (its CaseKind's `summary_schema` or
    `document_schema`), one variant per type, told apart by `type`; read when the OpenAPI is
    built, once every plug-in is loaded."""

    part: ClassVar[str] = "summary_schema"

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> Any:
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        variants: list[dict[str, Any]] = []
        by_model: dict[Any, list[str]] = {}
        for kind in plugins.kinds():
            by_model.setdefault(getattr(kind, cls.part), []).append(kind.type)
        for model, types in by_model.items():
            variant: dict[str, Any] = {"properties": {"type": {"enum": types}}}
            if model is not None:
                variant["allOf"] = [handler(model.__pydantic_core_schema__)]
            variants.append(variant)
        if variants:
            target["anyOf"] = variants
            target["properties"]["type"]["enum"] = sorted(t for types in by_model.values() for t in types)
        return schema


class CaseSummary(TypeParts, BaseModel):
    """A row of a case list: what every case has, and its type's own columns."""

    model_config = ConfigDict(extra="allow")
    no: str = Field(examples=["AS2026112300001"])
    type: str
    type_label: str
    store: str
    status: str
    status_label: str
    version: int = Field(description="send it back with a transition")
    priority: str
    channel: str
    subject: str
    order_no: str | None
    order_placed_at: TimeText | None
    customer: str | None = Field(description="the customer's external id")
    customer_name: str | None
    assignee: str | None
    created_at: TimeText
    updated_at: TimeText
    closed_at: TimeText | None


class CustomerDetail(BaseModel):
    external_id: str
    name: str
    phone: str
    level: str
    address: str


class DeadlineOut(BaseModel):
    at: TimeText
    kind: str
    action: str
    effect: str = Field(description="what happens when it passes")


class ActionOut(BaseModel):
    name: str
    label: str
    fields: dict[str, Any] | None = Field(description="the JSON schema of the action's payload")


class CaseDocument(CaseSummary):
    """A case: the list row's fields, its next deadline, what the caller may do now, and its type's part."""

    part: ClassVar[str] = "document_schema"
    description: str
    first_owner: str | None
    customer_detail: CustomerDetail | None = Field(default=None, description="absent for a case without customer")
    next_deadline: DeadlineOut | None
    available_actions: list[ActionOut]


class CaseList(BaseModel):
    items: list[CaseSummary]
    next_cursor: str | None = Field(description="give it as ?cursor= for the next page; null: no more")


class CaseRows(BaseModel):
    items: list[CaseSummary]


class CaseEventOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    seq: int
    action: str
    action_label: str
    from_: str | None = Field(alias="from")
    to: str
    to_label: str
    actor: str
    actor_role: str
    at: TimeText
    visibility: str = Field(examples=["public", "internal"], description="internal: hidden from the buyer")
    payload: dict[str, Any]


class CaseEvents(BaseModel):
    items: list[CaseEventOut]
