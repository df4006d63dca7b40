"""JSON responses for documents that are already JSON-safe (strings, numbers, lists, dicts).

FastAPI would otherwise walk every value through jsonable_encoder, which costs more than
building the document.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse


class Document(JSONResponse):
    """A JSONResponse, so that the OpenAPI shows the route's declared model (not a string)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def answers(model: Any, status: int = 200, *, description: str = "", also: dict[int, str] | None = None,
            errors: dict[int, str] | None = None, files: tuple[str, ...] = ()) -> dict[str, Any]:
    """A route decorator's arguments saying it answers `status` (and the statuses `also` names, with
    their descriptions) with a `model` document, or a file of a media type in `files`; `errors`
    describes what its error statuses mean here (the error document itself is added to every
    route, api/openapi.py).

    For the OpenAPI only: the endpoint builds its document (often already JSON-safe), and FastAPI
    neither validates nor re-encodes it (the schemathesis test holds the two together)."""
    responses: dict[int | str, dict[str, Any]] = {status: {"model": model, "description": description or "OK"}}
    if files:
        responses[status]["content"] = {media: {"schema": {"type": "string", "format": "binary"}} for media in files}
    for code, text in (also or {}).items():
        responses[code] = {"model": model, "description": text}
    for code, text in (errors or {}).items():
        responses[code] = {"description": text}
    return {"status_code": status, "response_model": None, "responses": responses}
