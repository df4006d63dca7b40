"""Named domain errors. Each has a stable `code`, a message in zh-CN and English, and details.

`kind` says what sort of failure it is; the HTTP layer maps kinds to statuses.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ShouhouError(Exception):
    kind: ClassVar[str] = "invalid"

    def __init__(self, code: str, /, *, en: str, zh: str, **details: Any) -> None:
        # `code` is positional-only so that a detail may be called `code` too (a store's or reason's code).
        self.code = code
        self.en = en
        self.zh = zh
        self.details = details
        super().__init__(f"{code}: {self.message('en')}")

    def message(self, lang: str = "zh") -> str:
        template = self.en if lang.startswith("en") else self.zh
        try:
            return template.format(**self.details)
        except (KeyError, IndexError, ValueError):
            return template


class Invalid(ShouhouError):
    """The request is well-formed but not acceptable (422)."""

    kind = "invalid"


class NotFound(ShouhouError):
    kind = "not_found"


class Forbidden(ShouhouError):
    kind = "forbidden"


class Unauthorized(ShouhouError):
    kind = "unauthorized"


class Throttled(ShouhouError):
    """Too many attempts: retry after `retry_after` seconds (429)."""

    kind = "throttled"


class Conflict(ShouhouError):
    """The request collides with the current state (409): stale version, duplicate."""

    kind = "conflict"


def not_found(what: str, key: Any) -> NotFound:
    zh, en = _NAMES.get(what, (what, what.replace("_", " ")))
    return NotFound(f"{what}_not_found", en="No {what_en} {key}", zh="找不到{what_zh} {key}",
                    what=what, what_zh=zh, what_en=en, key=str(key))


# What a person calls each thing that may be missing (the code keeps the identifier).
_NAMES = {"case": ("售后单", "case"), "order": ("订单", "order"), "store": ("店铺", "store"),
          "user": ("用户", "user"), "customer": ("客户", "customer"), "reason": ("原因", "reason"),
          "product": ("商品", "product"), "order_line": ("订单行", "order line"), "timer": ("定时器", "timer"),
          "webhook": ("Webhook", "webhook"), "token": ("API 令牌", "API token"), "unit": ("产品", "unit"),
          "part": ("配件", "part"), "part_request": ("配件申领", "parts request"), "outlet": ("服务网点", "outlet"),
          "contract": ("服务合同", "contract"), "refund": ("退款记录", "refund"), "photo": ("照片", "photo"),
          "signature": ("签名", "signature"), "form": ("单据", "form"), "action": ("操作", "action")}


def forbidden(action: str, **details: Any) -> Forbidden:
    return Forbidden("forbidden", en="You may not {action} here", zh="您无权执行此操作：{action}",
                     action=action, **details)


def validation_failed(errors: list[dict[str, Any]]) -> Invalid:
    return Invalid("validation_failed", en="The request has invalid fields", zh="请求中有字段不合法",
                   errors=errors)
