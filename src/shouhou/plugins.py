"""The registry of contexts and case types: what the app, console, portal, docs and tests read.

A context registers a `Plugin` in its own `plugin.py` (its routers, its pages, and the case
types it serves as `CaseKind`s); `shouhou.app.load_all()` imports every such module at start.
Nothing else lists contexts or case types, so adding one touches its own package, its
migration and its models only (docs/adding-a-case-type.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from shouhou.clock import Clock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.engine import registry as workflows
from shouhou.engine.context import Ctx
from shouhou.engine.workflow import Workflow
from shouhou.errors import Invalid
from shouhou.models import Case

if TYPE_CHECKING:  # only a type here: services read the registry without loading FastAPI
    from fastapi import APIRouter


@dataclass(frozen=True)
class PortalOffer:
    """How the customer portal offers a case type to a buyer."""

    # A template rendered on the portal's order page (an application form), with what
    # `order_context(ctx, order)` returns; kinds sharing one form name the same template.
    order_form: str | None = None
    order_context: Callable[[Ctx, Any], dict[str, Any]] | None = None
    # The create body from that form's fields (the portal adds type, order, channel, photos).
    body_from_form: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # A page of the type's own, linked from the portal's order page: (path, label zh, label en).
    link: tuple[str, str, str] | None = None
    position: int = 100  # the order in which the portal offers types


@dataclass(frozen=True)
class OrderPanel:
    """What a context adds to the console's order page: a section and/or a button."""

    template: str | None = None  # rendered with what `context(ctx, order)` returns
    context: Callable[[Ctx, Any], dict[str, Any]] | None = None
    # A button: (path, label zh, label en); the path may use {order_no} and {store}.
    link: tuple[str, str, str] | None = None
    position: int = 100


@dataclass(frozen=True)
class FieldOptions:
    """How the console and the portal offer one field of an action's form on a given case."""

    choices: tuple[tuple[str, str], ...] = ()  # (code, label in the caller's language): a list to pick from
    suggestions: tuple[str, ...] = ()  # texts to pick from or type over (preset rejection reasons…)
    hidden: bool = False  # not a field of this case (a price difference on a return)
    value: str | None = None  # what the form starts with, editable (the contact already known for the case)


@dataclass(frozen=True)
class Progress:
    steps: tuple[str, ...]  # labels in the caller's language: 申请 → 审核 → 退货 → 收货 → 退款
    current: int  # index of the step under way; len(steps) when all are done
    ended: str | None = None  # a case that stopped short: its status label (已撤销, 已关闭)
    note: str | None = None  # where it stands besides the steps (平台介入中)
    deadline: str | None = None  # the next deadline written to the buyer: 您需要在 … 前寄回商品


@dataclass(frozen=True)
class CaseKind:
    """A case type: its workflow and what the generic case service needs to serve it."""

    workflow: Workflow
    # The body of POST /api/v1/cases for this type: a model with `type: Literal[...]`.
    create_schema: type[BaseModel]
    create: Callable[[Ctx, Any], Case]  # takes a validated create_schema instance
    describe: Callable[[Ctx, Case], dict[str, Any]]  # the type's part of the case document
    summarize: Callable[[Ctx, Case], dict[str, Any]] | None = None  # its part of a list row
    # One-to-one detail tables keyed by case_id, read along with the case.
    companions: tuple[type, ...] = ()
    # Small per-case tables read along too; `(model, parent)` brings each row's parent.
    collections: tuple[type | tuple[type, ...], ...] = ()
    # Keeps what was read along for the unit of work: preload(session, case_id, found by model).
    preload: Callable[[Session, int, dict[type, list[Any]]], None] | None = None
    detail_template: str | None = None  # console/portal partial shown on the case page
    portal: PortalOffer | None = None
    # Example create bodies for the API docs: {name: {"summary", "value"}}.
    examples: dict[str, dict[str, Any]] = field(default_factory=dict)
    # For the API docs: the fields `summarize` adds to a list row and `describe` to the case
    # document, as pydantic models (None: the type adds nothing, or says nothing of it).
    summary_schema: type[BaseModel] | None = None
    document_schema: type[BaseModel] | None = None
    # For forms and the timeline: per "action.field" (or "*.field" for every action), what the
    # field offers on this case, and how a code in it reads (a reason code → its label).
    field_options: Callable[[Ctx, Case], dict[str, FieldOptions]] | None = None
    # For the buyer's case page: the steps of this type, where the case is, and its next
    # deadline in words to the buyer — from the case document.
    progress: Callable[[Ctx, dict[str, Any]], Progress | None] | None = None

    @property
    def type(self) -> str:
        return self.workflow.type


@dataclass(frozen=True)
class Plugin:
    """A context: what it adds to the app."""

    name: str
    kinds: tuple[CaseKind, ...] = ()
    # API routers, or a function making them once every plugin is loaded (the case
    # endpoints' body is a union of every type's create schema).
    api: Sequence[APIRouter] | Callable[[], Sequence[APIRouter]] = ()
    pages: Sequence[APIRouter] = ()  # console and portal pages
    order_panels: tuple[OrderPanel, ...] = ()  # sections of the console's order page
    # Fields this context adds to every case's document, whatever its type (e.g. service levels).
    case_document: Callable[[Ctx, Case], dict[str, Any]] | None = None
    # One-to-one tables keyed by case_id that a case of any type may have: read along with it.
    case_companions: tuple[type, ...] = ()
    # Called for every case created or moved through the engine (engine.registry.observe).
    observers: tuple[Callable[[Any], None], ...] = ()
    # Routers are mounted in these orders (routes match in order): the busiest API first, and
    # pages with catch-all paths (/console/cases/{no}) after the more specific ones.
    order: int = 100
    page_order: int = 100
    # Work the worker does on every pass, after the timer sweep: job(db, settings, clock) → how
    # many things it did (0 lets the worker rest).
    jobs: tuple[Callable[[Database, Settings, Clock], int], ...] = ()
    housekeeping: tuple[Callable[[Database, Settings, Clock], int], ...] = ()  # the same, hourly
    # The case list: cases whose own rows match a search text (tracking numbers…), as a select of
    # case ids; and columns the list may sort by, as SQL expressions correlated to the case.
    search: Callable[[str], Any] | None = None
    sort_keys: dict[str, Callable[[], Any]] = field(default_factory=dict)
    # A plug-in outside shouhou may bring its own Alembic versions and templates.
    migrations: str | None = None
    templates: str | None = None


_PLUGINS: dict[str, Plugin] = {}
_KINDS: dict[str, CaseKind] = {}


def register(plugin: Plugin) -> Plugin:
    """Called by each context's plugin.py at import; registering the same plugin twice is a no-op."""
    known = _PLUGINS.get(plugin.name)
    if known is not None:
        if known is not plugin:
            raise ValueError(f"two plugins named {plugin.name}")
        return plugin
    for kind in plugin.kinds:
        if kind.type in _KINDS:
            raise ValueError(f"case type {kind.type} registered twice")
        workflows.register(kind.workflow)
        _KINDS[kind.type] = kind
    for observer in plugin.observers:
        workflows.observe(observer)
    _PLUGINS[plugin.name] = plugin
    return plugin


def plugins() -> list[Plugin]:
    return sorted(_PLUGINS.values(), key=lambda p: (p.order, p.name))


def order_panels() -> list[OrderPanel]:
    return sorted((panel for p in plugins() for panel in p.order_panels), key=lambda panel: panel.position)


def searches() -> list[Callable[[str], Any]]:
    return [p.search for p in plugins() if p.search is not None]


def sort_keys() -> dict[str, Callable[[], Any]]:
    return {name: key for p in plugins() for name, key in p.sort_keys.items()}


def options_for(ctx: Ctx, case: Case) -> dict[str, FieldOptions]:
    hook = kind_for(case.type).field_options
    return hook(ctx, case) if hook else {}


def kinds() -> list[CaseKind]:
    return sorted(_KINDS.values(), key=lambda k: k.type)


def kind_for(case_type: str) -> CaseKind:
    try:
        return _KINDS[case_type]
    except KeyError:
        raise Invalid("unknown_case_type", en="Unknown case type {type}", zh="未知的售后类型 {type}",
                      type=case_type, known=sorted(_KINDS)) from None


def companions() -> tuple[type, ...]:
    """Every type's one-to-one detail tables and the plug-ins' tables any case may have (a case is
    read with all of them, whatever its type)."""
    return tuple(dict.fromkeys([*(m for k in kinds() for m in k.companions),
                                *(m for p in plugins() for m in p.case_companions)]))


def collections() -> tuple[type | tuple[type, ...], ...]:
    return tuple(dict.fromkeys(m for k in kinds() for m in k.collections))
