"""The case endpoints every type shares: open, list, read, act, timeline.

No `from __future__ import annotations` here: the create endpoint's body annotation is a union
built at run time, which FastAPI must see as an object, not as a name to resolve."""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Union

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import Field

from shouhou import plugins
from shouhou.api import access, on_loop
from shouhou.api.deps import api_ctx
from shouhou.api.responses import Document, answers
from shouhou.cases import service
from shouhou.cases.schemas import CaseDocument, CaseEvents, CaseList, TransitionIn
from shouhou.engine.context import Ctx
from shouhou.errors import Invalid


def create_body() -> Any:
    """POST /cases takes any registered type's create schema, told apart by `type`."""
    schemas = tuple(dict.fromkeys(k.create_schema for k in plugins.kinds()))
    union = schemas[0] if len(schemas) == 1 else Annotated[Union[schemas], Field(discriminator="type")]  # noqa: UP007
    examples = {name: example for k in plugins.kinds() for name, example in k.examples.items()}
    return Annotated[union, Body(openapi_examples=examples)]  # type: ignore[arg-type]


class CreateRoute(APIRoute):
    """A create body's errors as each type's own schema names them: `["subject"]`, not the
    union's `["body", "consultation", "subject"]`; a missing or unknown `type` is
    `type_required` / `unknown_case_type`, as for any other caller of the case service."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                raise _relocated(exc) from None

        return route


def _relocated(exc: RequestValidationError) -> Exception:
    errors = list(exc.errors())
    for e in errors:
        if tuple(e.get("loc", ())) == ("body",) and e.get("type") == "union_tag_not_found":
            return Invalid("type_required", en="Give the case type", zh="请指定售后类型（type）")
        if tuple(e.get("loc", ())) == ("body",) and e.get("type") == "union_tag_invalid":
            plugins.kind_for(str(e.get("ctx", {}).get("tag")))  # raises unknown_case_type
    types = {k.type for k in plugins.kinds()}
    for e in errors:
        loc = tuple(e.get("loc", ()))
        if len(loc) >= 2 and loc[0] == "body" and loc[1] in types:
            e["loc"] = loc[2:]
    return RequestValidationError(errors, body=exc.body)


def make_router() -> APIRouter:
    """Made once every plugin is loaded: the create body names every case type."""
    router = APIRouter(prefix="/api/v1", tags=["cases"])
    body_type = create_body()
    creating = APIRouter(tags=["cases"], route_class=CreateRoute)

    @creating.post("/cases", summary="Open a case of any type", **answers(CaseDocument, 201),
                   openapi_extra=access.WORKFLOW)
    async def create_case(request: Request, body: body_type,  # type: ignore[valid-type]
                          ctx: Ctx = Depends(api_ctx)) -> Document:
        return await on_loop.run(request, lambda: Document(service.document(ctx, service.create(ctx, body)),
                                                           status_code=201))

    router.include_router(creating)

    @router.get("/cases", summary="Cases, newest first, with a keyset cursor", **answers(CaseList),
                openapi_extra=access.SCOPED)
    def list_cases(type: str | None = None, status: str | None = Query(default=None, description="comma-separated"),
                   order_no: str | None = None, customer: str | None = None, store: str | None = None,
                   no: str | None = None, created_from: str | None = None, created_to: str | None = None,
                   order_placed_from: str | None = Query(default=None, description="the order placed at or after"),
                   order_placed_to: str | None = Query(default=None, description="the order placed before"),
                   limit: int = Query(default=50, json_schema_extra={"minimum": 1, "maximum": 200}),
                   cursor: str | None = None, ctx: Ctx = Depends(api_ctx)) -> Document:
        criteria = {"type": type, "status": [s for s in status.split(",") if s] if status else None,
                    "order_no": order_no,
                    "customer": customer, "store_code": store, "no": no,
                    "created_from": service.parse_time(created_from, "created_from"),
                    "created_to": service.parse_time(created_to, "created_to"),
                    "order_placed_from": service.parse_time(order_placed_from, "order_placed_from"),
                    "order_placed_to": service.parse_time(order_placed_to, "order_placed_to")}
        service.check_filters(ctx, criteria)
        rows, next_cursor = service.list_page(ctx, criteria, limit=limit, cursor=cursor)
        return Document({"items": service.summaries(ctx, rows), "next_cursor": next_cursor})

    @router.get("/cases/{no}", summary="A case with its next deadline and the caller's available actions",
                **answers(CaseDocument), openapi_extra=access.operation("case.read", buyer=True))
    def get_case(no: str, ctx: Ctx = Depends(api_ctx)) -> Document:
        return Document(service.document(ctx, service.get(ctx, no)))

    @router.post("/cases/{no}/transitions", summary="Take an action on a case at the version you saw",
                 **answers(CaseDocument), openapi_extra=access.WORKFLOW)
    async def transition(request: Request, no: str, body: TransitionIn, ctx: Ctx = Depends(api_ctx)) -> Document:
        return await on_loop.run(request, lambda: Document(service.document(
            ctx, service.transition(ctx, no, body.action, body.version, body.fields()))))

    @router.get("/cases/{no}/events", summary="The case timeline (immutable events)", **answers(CaseEvents),
                openapi_extra=access.operation("case.read", buyer=True))
    def case_events(no: str, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
        return {"items": service.timeline(ctx, service.get(ctx, no))}

    return router
