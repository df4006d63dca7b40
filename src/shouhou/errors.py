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
    zh_names = {"case": "售后单", "order": "订单", "store": "店铺", "user": "用户", "customer": "客户",
                "reason": "原因", "product": "商品", "order_line": "订单行", "timer": "定时器",
                "webhook": "Webhook", "unit": "机器", "outlet": "服务网点", "refund": "退款记录", "token": "API 令牌",
                "signature": "签名", "photo": "照片", "part_request": "配件申领", "part": "配件", "form": "表单",
                "contract": "服务合同", "action": "操作"}
    en_names = {"order_line": "order line", "part_request": "parts request", "token": "API token",
                "unit": "registered unit"}
    return NotFound(f"{what}_not_found", en="No {what_en} {key}", zh="找不到{what_zh} {key}",
                    what=what, what_en=en_names.get(what, what), what_zh=zh_names.get(what, what), key=str(key))


def forbidden(action: str, **details: Any) -> Forbidden:
    return Forbidden("forbidden", en="You may not {action} here", zh="您无权执行此操作：{action}",
                     action=action, **details)


def validation_failed(errors: list[dict[str, Any]]) -> Invalid:
    return Invalid("validation_failed", en="The request has invalid fields", zh="请求中有字段不合法",
                   errors=errors)
