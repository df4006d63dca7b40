"""When a buyer may still open a dispute (维权), pure (seed 000, issue 22 item 10).

Seed 000: "确认收货 > 确认放款 > 交易成功, 之日起15日之内'申请售后'。超出期限的, 维权通道关闭。
除非, 该商品属于三包产品". So: within 15 days of the order's completion (or of the closing
of the after-sales case it is about, when the order never completed), the 15th day counted
in the store's zone to its end; later only for a 三包 product still within its 三包 period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from shouhou.calendar import make_period

WINDOW_DAYS = 15
PLATFORM_RULE = "PLATFORM-AFTERSALES-15"
SANBAO_RULE = "SANBAO-FREE-REPAIR"
DEFAULT_SANBAO_MONTHS = 12  # the usual whole-unit 三包 period when the line names none


@dataclass(frozen=True)
class Line:
    line_no: int
    sanbao: bool
    warranty_months: int


@dataclass(frozen=True)
class Window:
    allowed: bool
    until: datetime | None
    rule: str
    zh: str
    en: str
    code: str | None = None  # why not: window_expired | not_eligible


def window(*, completed_at: datetime | None, closed_at: datetime | None, received_at: datetime | None,
           lines: list[Line], as_of: datetime, tz: ZoneInfo) -> Window:
    start = completed_at or closed_at
    if start is None:
        return Window(False, None, PLATFORM_RULE, "交易尚未成功；进行中的售后请在售后单上申请平台介入",
                      "the order has not completed: escalate the open after-sales case instead", "not_eligible")
    until = make_period(start, tz, None, days=WINDOW_DAYS).until(tz)
    since = "交易成功" if completed_at else "售后关闭"
    since_en = "the order completed" if completed_at else "the after-sales case closed"
    if as_of <= until:
        return Window(True, until, PLATFORM_RULE, f"{since}之日起15日内可申请维权",
                      f"a dispute may be opened within 15 days after {since_en}")
    for line in lines:
        if not line.sanbao:
            continue
        months = line.warranty_months or DEFAULT_SANBAO_MONTHS
        sanbao_until = make_period(received_at or start, tz, None, months=months).until(tz)
        if as_of <= sanbao_until:
            return Window(True, sanbao_until, SANBAO_RULE,
                          f"订单行 {line.line_no} 属三包商品，三包有效期（{months}个月）内仍可申请售后",
                          f"line {line.line_no} is a 三包 product within its {months}-month 三包 period")
    return Window(False, until, PLATFORM_RULE, f"{since}已超过15日，维权通道已关闭",
                  f"more than 15 days since {since_en}: disputes are closed", "window_expired")
