"""What the request boundary refuses before any endpoint sees the request: bodies over their
limit (413 `payload_too_large`, judged by Content-Length before a byte is read, then by what
arrives), JSON too deep to parse, text that is not UTF-8, and NUL characters, which
PostgreSQL cannot store and no field of ours has a use for.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

MiB = 1024 * 1024


class PayloadTooLarge(Exception):
    """The body passed its limit while it was being read (413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the body is over {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    en: str
    zh: str


def too_large(limit: int) -> Refusal:
    return Refusal(413, "payload_too_large", f"The request body is over its limit of {limit:,} bytes",
                   f"请求内容超过上限 {limit:,} 字节")


def is_multipart(headers: dict[bytes, bytes]) -> bool:
    return headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data")


def is_json(headers: dict[bytes, bytes]) -> bool:
    kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    return kind == b"application/json" or kind.endswith(b"+json")


def declared_length(headers: dict[bytes, bytes]) -> int | None:
    value = headers.get(b"content-length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


async def read_body(receive: Callable[[], Awaitable[dict[str, Any]]], limit: int) -> bytes:
    """The whole body, or PayloadTooLarge as soon as more than `limit` bytes have come."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(limit)
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def limited(receive: Callable[[], Awaitable[dict[str, Any]]], limit: int) -> Callable[[], Awaitable[dict[str, Any]]]:
    """`receive` for a body read as it streams (an upload spooled to disk by the form parser)."""
    size = 0

    async def counted() -> dict[str, Any]:
        nonlocal size
        message = await receive()
        size += len(message.get("body", b""))
        if size > limit:
            raise PayloadTooLarge(limit)
        return message

    return counted


def refused_json(body: bytes) -> Refusal | None:
    """Why a JSON body cannot be taken as it is, if it cannot (a syntax error is left to the
    endpoint's own validation, which names where it is)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Refusal(422, "invalid_utf8", f"The body is not UTF-8 text (byte {exc.start})",
                       f"请求内容不是 UTF-8 文本（第 {exc.start} 字节）")
    try:
        json.loads(text)
    except RecursionError:
        return Refusal(422, "json_too_deep", "The JSON body is nested too deeply", "JSON 嵌套层数过多")
    except ValueError:
        return None
    if "\\u0000" in text or "\x00" in text:
        return nul_refusal()
    return None


def refused_text(raw: bytes) -> Refusal | None:
    """A query string or a path: NUL characters, or bytes that are not UTF-8 once decoded."""
    decoded = unquote_to_bytes(raw)
    if b"\x00" in decoded:
        return nul_refusal()
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(422, "invalid_utf8", "The address is not UTF-8 text", "请求地址不是 UTF-8 文本")
    return None


def refused_form(body: bytes) -> Refusal | None:
    """An url-encoded form: the same checks as a query string."""
    return refused_text(body)


def nul_refusal() -> Refusal:
    return Refusal(422, "nul_character", "Text may not contain NUL characters (\\u0000)",
                   "文本不能包含空字符（\\u0000）")
