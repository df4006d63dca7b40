"""Small bilingual phrase builders shared by the rule modules."""

from __future__ import annotations

from datetime import date

from shouhou.money import format_fen

REMEDY_ZH = {"refund_only": "仅退款", "return_refund": "退货退款", "exchange": "换货", "repair": "维修"}
REMEDY_EN = {"refund_only": "refund only", "return_refund": "return and refund", "exchange": "exchange",
             "repair": "repair"}

_ZH_DIGITS = "零一二三四五六七八九十"


def zh_days(n: int) -> str:
    """7 → "七天", 15 → "15天": Chinese numerals for the short statutory periods."""
    return f"{_ZH_DIGITS[n]}天" if 0 < n <= 10 else f"{n}天"


def day(d: date) -> str:
    return d.isoformat()


def yuan(fen: int) -> str:
    return format_fen(fen)
