"""Deductions from a refund: gifts kept, 三包 depreciation, vehicle usage compensation."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from shouhou.calendar import local_date
from shouhou.money import div_round_half_up
from shouhou.policy.decision import Deduction
from shouhou.policy.facts import LineFacts
from shouhou.policy.texts import yuan

MAX_USAGE_COEFFICIENT = Decimal("0.005")  # VEHICLE-2021-27: n ≤ 0.5 %


def _times(amount_fen: int, *factors: Decimal | Fraction | int) -> int:
    """amount × factors, exactly, rounded half-up to the fen."""
    value = Fraction(amount_fen)
    for f in factors:
        value *= Fraction(f)
    return div_round_half_up(value.numerator, value.denominator)


def gift_deductions(line: LineFacts) -> tuple[Deduction, ...]:
    """NRR-2017-13: gifts go back with the goods, or their marked price is deducted."""
    out = []
    for gift in line.gifts:
        if gift.value_fen is None:
            zh = f"赠品「{gift.description}」须随商品一并退回；未退回的按事先标明的赠品价格扣除（未标明价格）"
            en = f"gift '{gift.description}' must come back with the goods; if kept, its marked price (none recorded) is deducted"
        else:
            zh = f"赠品「{gift.description}」须随商品一并退回；未退回的扣除标明价格{yuan(gift.value_fen)}元"
            en = (f"gift '{gift.description}' must come back with the goods; if kept, "
                  f"its marked price {yuan(gift.value_fen)} yuan is deducted")
        out.append(Deduction("gift", gift.value_fen, zh, en, "NRR-2017-13"))
    return tuple(out)


def depreciation(line: LineFacts, used_from: datetime, as_of: datetime, tz: ZoneInfo,
                 repair_days: int) -> Deduction:
    """SANBAO-13: a used product returned while an exchange was possible pays depreciation,
    counted from the invoice date to the return, less days in repair."""
    days_used = max(0, (local_date(as_of, tz) - local_date(used_from, tz)).days - repair_days)
    rate = line.depreciation_rate_per_day
    if rate is None:
        return Deduction("depreciation", None,
                         f"已使用商品退货需按三包目录规定的日折旧率收取折旧费（使用{days_used}天，已扣除修理时间）",
                         f"depreciation for {days_used} days of use (repair time excluded) at the 三包 catalogue "
                         f"rate, which is not recorded for this product", "SANBAO-13")
    amount = min(line.paid_fen, _times(line.paid_fen, rate, days_used))
    return Deduction("depreciation", amount,
                     f"折旧费{yuan(amount)}元（使用{days_used}天 × 日折旧率{rate:%}）",
                     f"depreciation {yuan(amount)} yuan ({days_used} days of use × {rate:%} a day)", "SANBAO-13")


def usage_compensation(line: LineFacts, mileage_km: int | None) -> Deduction:
    """VEHICLE-2021-27: price × km/1000 × n, with n from the 三包 card and at most 0.5 %."""
    n = line.usage_coefficient
    if mileage_km is None:
        return Deduction("usage_compensation", None,
                         "使用补偿费 = 车价款 × 行驶里程/1000 × n(里程未知)",
                         "usage compensation = price × km/1000 × n (mileage unknown)", "VEHICLE-2021-27")
    if n is None:
        ceiling = _times(line.paid_fen, mileage_km, MAX_USAGE_COEFFICIENT, Fraction(1, 1000))
        return Deduction("usage_compensation", None,
                         f"使用补偿费 = 车价款 × {mileage_km}/1000 × n(n见三包凭证，最高不超过{yuan(ceiling)}元)",
                         f"usage compensation = price × {mileage_km}/1000 × n (n on the 三包 card; at most "
                         f"{yuan(ceiling)} yuan)", "VEHICLE-2021-27")
    n = min(n, MAX_USAGE_COEFFICIENT)
    amount = _times(line.paid_fen, mileage_km, n, Fraction(1, 1000))
    return Deduction("usage_compensation", amount,
                     f"使用补偿费{yuan(amount)}元（车价款 × {mileage_km}/1000 × {n:%}）",
                     f"usage compensation {yuan(amount)} yuan (price × {mileage_km}/1000 × {n:%})",
                     "VEHICLE-2021-27")


# Seed 001's charges to the buyer, each a store-policy setting that is off by default.
FEE_AFTER_COMPLETION = "STORE-AFTER-COMPLETION-FEE"
MISSING_INVOICE = "STORE-MISSING-INVOICE"
FREE_SHIPPING_POSTAGE = "STORE-FREE-SHIPPING-POSTAGE"


def after_completion_fee(goods_fen: int, rate: Decimal) -> Deduction | None:
    """Seed 001: "交易成功后 … 退款扣除手续费5.5%" — a fee on the goods refunded after the
    order completed (交易成功), for a return without a quality problem."""
    if rate <= 0 or goods_fen <= 0:
        return None
    amount = _times(goods_fen, rate)
    return Deduction("after_completion_fee", amount,
                     f"交易成功后退款，扣除手续费{yuan(amount)}元(商品金额{yuan(goods_fen)}元 × {rate:%})",
                     f"refund after the order completed: a fee of {yuan(amount)} yuan "
                     f"({yuan(goods_fen)} yuan of goods × {rate:%})", FEE_AFTER_COMPLETION)


def missing_invoice(goods_fen: int, rate: Decimal) -> Deduction | None:
    """Seed 001: "如有开发票未退回的扣17%点" — the invoice's tax points when it is not sent back."""
    if rate <= 0 or goods_fen <= 0:
        return None
    amount = _times(goods_fen, rate)
    return Deduction("missing_invoice", amount,
                     f"发票未退回，扣除{yuan(amount)}元(商品金额{yuan(goods_fen)}元 × {rate:%})",
                     f"the invoice was not sent back: {yuan(amount)} yuan ({yuan(goods_fen)} yuan of goods × {rate:%})",
                     MISSING_INVOICE)


def free_shipping_postage(amount_fen: int) -> Deduction | None:
    """Seed 001: "包邮活动的商品 … 退款扣除发货邮费" — on a no-reason return of a 包邮 order the
    buyer bears the outbound postage (its share for the goods returned)."""
    if amount_fen <= 0:
        return None
    return Deduction("free_shipping_postage", amount_fen,
                     f"包邮商品无理由退货，扣除发货邮费{yuan(amount_fen)}元",
                     f"no-reason return of a free-shipping order: the outbound postage of {yuan(amount_fen)} yuan "
                     "is the buyer's", FREE_SHIPPING_POSTAGE)
