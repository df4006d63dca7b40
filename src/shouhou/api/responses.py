"""JSON responses for documents that are already JSON-safe (strings, numbers, lists, dicts).

FastAPI would otherwise walk every value through jsonable_encoder, which costs more than
building the document.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response


class Document(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
