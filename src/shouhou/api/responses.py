"""JSON responses for documents that are already JSON-safe (strings, numbers, lists, dicts).

FastAPI would otherwise walk every value through jsonable_encoder, which costs more than
building the document.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response


class Document(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
