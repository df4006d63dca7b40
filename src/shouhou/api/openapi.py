"""The OpenAPI document as the server answers: every error response, and who may call what.

FastAPI describes each route's success; what every route shares is added here, once, from the
route's access rule (api/access.py), its method and its parameters: the error document
(`{"error": {"code", "message", "details"}}`, api/errors.py) for each status the request
boundary and the services can answer, and the bearer token it needs.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from shouhou.api import access

REF = "#/components/schemas/"
WRITES = {"post", "put", "patch", "delete"}
# Answered before the unit of work (no database, no text checks): api/unit_of_work.py UNGUARDED.
NO_DATABASE = ("/metrics",)
UNCHECKED_TEXT = ("/healthz", "/metrics")


class ErrorBody(BaseModel):
    model_config = ConfigDict(title="ErrorBody")
    code: str = Field(description="Stable and machine-readable, e.g. `case_not_found`, `version_conflict`")
    message: str = Field(description="For people, in the caller's language (Accept-Language or ?lang=zh|en)")
    details: dict[str, Any] = Field(description="What the code is about, e.g. `errors` (field by field) for "
                                                "`validation_failed`, the conflicting `version`")


class ErrorDocument(BaseModel):
    """Every error answer, whatever the status."""

    model_config = ConfigDict(title="ErrorDocument")
    error: ErrorBody


ERRORS = {
    401: "No token, or an unknown, revoked or expired one (`unauthorized`, `invalid_token`, `token_revoked`, "
         "`token_expired`)",
    403: "The caller may see the resource but not do this (`forbidden`)",
    404: "No such resource, or one the caller may not see (`*_not_found`)",
    409: "The request collides with the resource's state (`version_conflict`, `*_exists`, "
         "`idempotency_in_progress`)",
    413: "The body is over its limit (`payload_too_large`)",
    422: "The request is not acceptable, field by field where it can say (`validation_failed` and specific codes)",
    503: "The database is busy or unavailable; nothing was changed, retry (`database_busy`, "
         "`database_unavailable`, `commit_failed`)",
}
HEADERS = {
    401: {"WWW-Authenticate": {"description": "Bearer", "required": True, "schema": {"type": "string"}}},
    503: {"Retry-After": {"description": "seconds", "required": True, "schema": {"type": "string"}}},
}
BEARER = {"type": "http", "scheme": "bearer",
          "description": "An API token: `shouhou token issue <user>` (shown once)."}


def install(app: FastAPI) -> None:
    build = app.openapi
    described: dict[str, Any] | None = None

    def openapi() -> dict[str, Any]:
        nonlocal described
        schema = build()  # FastAPI's, cached on the app
        if schema is not described:
            describe(schema)
            described = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def describe(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    error_schema = ErrorDocument.model_json_schema(ref_template=REF + "{model}")
    schemas.update(error_schema.pop("$defs", {}))
    schemas["ErrorDocument"] = error_schema
    components.setdefault("securitySchemes", {})["bearer"] = BEARER
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                _describe_operation(path, method, operation)
    used = str(schema.get("paths"))
    for name in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422, replaced by ours
        if name in schemas and REF + name not in used:
            del schemas[name]


def error_statuses(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation can answer, from its rule, method and parameters."""
    rule = access.of(operation) or {}
    kind = rule.get("rule")
    signed = kind not in ("public", "operator")
    write = method in WRITES
    takes = bool(operation.get("parameters") or operation.get("requestBody"))
    statuses = set()
    if signed or kind == "operator":
        statuses.add(401)
    if kind not in ("public", "signed_in"):
        statuses.add(403)
    if signed and takes:
        statuses.add(404)
    if signed and write:
        statuses.update((409, 413))
    if not path.startswith(UNCHECKED_TEXT):
        statuses.add(422)
    if not path.startswith(NO_DATABASE):
        statuses.add(503)
    return sorted(statuses)


def _describe_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    rule = access.of(operation) or {}
    if rule.get("rule") in ("public", "operator"):
        operation.setdefault("security", [])
    else:
        operation["security"] = [{"bearer": []}]
    responses = operation["responses"]
    for status in error_statuses(path, method, operation):
        response = responses.setdefault(str(status), {})
        response.setdefault("description", ERRORS[status])
        if response.get("description") == "Validation Error":  # FastAPI's wording for its own 422
            response["description"] = ERRORS[status]
        response["content"] = {"application/json": {"schema": {"$ref": REF + "ErrorDocument"}}}
        if status in HEADERS:
            response["headers"] = HEADERS[status]
