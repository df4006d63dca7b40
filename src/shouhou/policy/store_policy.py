"""A store's after-sales policy, its per-category overrides, and the statutory floor.

A store may be more generous than the law, never less. Which fields have a floor, and in
which direction, is data (`STATUTORY_FLOORS`), so the check names the rule it enforces.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, Literal

from shouhou.errors import Invalid

REFUND_TIMINGS = ("after_receipt", "on_approval")


@dataclass(frozen=True)
class StorePolicy:
    no_reason_return_days: int = 7  # distance sales, from the day after sign-for
    exchange_days: int = 15  # no-reason exchange window: a store promise, no statutory floor
    quality_return_days: int = 7
    quality_exchange_days: int = 15
    review_timeout_hours: int = 48
    buyer_ship_days: int = 7
    receipt_confirm_days: int = 10
    exchange_confirm_days: int = 10
    # 延长收货: how long the original order's receipt confirmation is held off while an
    # exchange is worked out (typically 5–7 days) [003]
    receipt_extension_days: int = 7
    buyer_modify_days: int = 7  # after a rejection: modify or escalate, else the case closes
    refund_due_days: int = 7  # refund within N days of receiving the return
    free_return_shipping: bool = False  # the merchant pays the customer's return parcel
    refund_timing: str = "after_receipt"
    fast_refund_max_fen: int = 0  # 极速退款 limit; 0 = off
    fast_refund_levels: tuple[str, ...] = ()
    refund_coupons_as_cash: bool = False
    # Red packets and points paid as cash too (seed 002: not refunded unless the policy says so)
    refund_red_packets_as_cash: bool = False
    refund_points_as_cash: bool = False
    # The buyer's return postage the merchant reimburses when it bears the return leg [004][001];
    # 0 = no cap. 20 yuan covers a domestic first-weight parcel (首重) with the usual carriers.
    return_postage_cap_fen: int = 2000
    # Seed 001's charges to the buyer, each off unless the store turns it on:
    # the outbound postage of a 包邮 order on a no-reason return ("退款扣除发货邮费") …
    deduct_outbound_postage_free_shipping: bool = False
    free_shipping_postage_fen: int = 0  # … what one delivery of a 包邮 order costs the store
    # a fee after 交易成功 ("退款扣除手续费5.5%"), percent of the goods refunded …
    after_completion_fee_rate: str = "0"
    # and the tax points of an invoice not sent back ("如有开发票未退回的扣17%点"), percent.
    missing_invoice_rate: str = "0"
    # 待换货: the replacement ships within N days of the return's receipt, else the case is
    # escalated and the buyer may take a refund instead. 3 days = seed 001's 72 h 发货 rule.
    reship_days: int = 3
    bundle_return_whole: bool = False  # a 套餐 comes back whole or not at all [003]
    in_store_return_days: int = 0  # a voluntary no-reason return for in-store sales; 0 = none
    category_overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: MappingProxyType({}))

    def for_category(self, category: str) -> StorePolicy:
        """This policy with `category`'s overrides applied (narrowing or widening)."""
        overrides = self.category_overrides.get(category)
        if not overrides:
            return replace(self, category_overrides=MappingProxyType({}))
        known = {f.name for f in fields(self)} - {"category_overrides"}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise Invalid("invalid_policy_override", en="Unknown policy field(s) {fields} for category {category}",
                          zh="品类 {category} 的覆盖项中有未知字段 {fields}", category=category, fields=unknown)
        return replace(self, **dict(overrides), category_overrides=MappingProxyType({}))


@dataclass(frozen=True)
class Floor:
    """A statutory bound on a policy field: the store's value must be `op` the bound."""

    field: str
    op: Literal["at_least", "at_most"]
    bound: int
    rule: str
    why_zh: str
    why_en: str


STATUTORY_FLOORS: tuple[Floor, ...] = (
    Floor("no_reason_return_days", "at_least", 7, "CPL-25",
          "远程销售七日无理由退货", "the 7-day no-reason return for distance sales"),
    Floor("quality_return_days", "at_least", 7, "CPL-24",
          "质量问题自收到商品之日起七日内可退货", "returns for quality problems within 7 days of receipt"),
    Floor("quality_exchange_days", "at_least", 15, "SANBAO-10",
          "三包商品15日内性能故障可换货", "三包 exchange within 15 days"),
    Floor("refund_due_days", "at_most", 7, "CPL-25",
          "自收到退回商品之日起七日内返还价款", "refund within 7 days of receiving the return"),
)

_NON_NEGATIVE = ("exchange_days", "buyer_ship_days", "receipt_confirm_days", "exchange_confirm_days",
                 "buyer_modify_days",
                 "fast_refund_max_fen", "in_store_return_days", "refund_due_days", "return_postage_cap_fen",
                 "free_shipping_postage_fen")
_POSITIVE = ("review_timeout_hours", "receipt_extension_days", "reship_days")
RATES = ("after_completion_fee_rate", "missing_invoice_rate")  # percent, as decimal strings


def rate_of(value: str) -> Decimal:
    """A percentage setting ("5.5") as a fraction (0.055)."""
    return Decimal(value) / 100


# The most a whole-number setting may be: past these, deadlines and amounts stop meaning anything
# (and a date far enough out no longer fits a database's date types).
MAXIMA = {"hours": 24 * 366, "days": 3660, "fen": 100_000_000_000}  # a year, ten years, ¥1,000,000,000.00
OTHER_MAXIMUM = 1_000_000


def maximum(field: str) -> int:
    return MAXIMA.get(field.rsplit("_", 1)[-1], OTHER_MAXIMUM)


def validate_store_policy(policy: StorePolicy, floors: tuple[Floor, ...] = ()) -> None:
    """Refuse a policy that is less favourable than the law, naming the rule it breaks.

    `floors` defaults to mainland China's `STATUTORY_FLOORS`.
    """
    floors = floors or STATUTORY_FLOORS
    _validate_one(policy, "", floors)
    for category, overrides in policy.category_overrides.items():
        _check_override_keys(category, overrides)
        _validate_one(policy.for_category(category), f"category_overrides[{category}].", floors)


def _check_override_keys(category: str, overrides: Mapping[str, Any]) -> None:
    if "category_overrides" in overrides:
        raise Invalid("invalid_policy_override", en="Category overrides cannot nest",
                      zh="品类覆盖项不能嵌套", category=category, fields=["category_overrides"])


def _validate_one(policy: StorePolicy, prefix: str, floors: tuple[Floor, ...]) -> None:
    for name in (*_NON_NEGATIVE, *_POSITIVE, *(f.field for f in floors)):
        value = getattr(policy, name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid("invalid_policy", en="{field} must be a whole number", zh="{field} 必须是整数",
                          field=prefix + name, value=value)
    for name in _NON_NEGATIVE:
        if getattr(policy, name) < 0:
            raise Invalid("invalid_policy", en="{field} must not be negative", zh="{field} 不能为负数",
                          field=prefix + name, value=getattr(policy, name))
    for name in _POSITIVE:
        if getattr(policy, name) < 1:
            raise Invalid("invalid_policy", en="{field} must be at least 1", zh="{field} 至少为 1",
                          field=prefix + name, value=getattr(policy, name))
    for name in (*_NON_NEGATIVE, *_POSITIVE, *(f.field for f in floors)):
        most = maximum(name)
        if getattr(policy, name) > most:
            raise Invalid("invalid_policy", en="{field} must be at most {max}", zh="{field} 不能超过 {max}",
                          field=prefix + name, value=getattr(policy, name), max=most)
    for name in RATES:
        _check_rate(prefix + name, getattr(policy, name))
    if policy.refund_timing not in REFUND_TIMINGS:
        raise Invalid("invalid_policy", en="refund_timing must be one of {allowed}",
                      zh="refund_timing 必须是 {allowed} 之一", field=prefix + "refund_timing",
                      value=policy.refund_timing, allowed=list(REFUND_TIMINGS))
    for floor in floors:
        value = getattr(policy, floor.field)
        ok = value >= floor.bound if floor.op == "at_least" else value <= floor.bound
        if not ok:
            raise Invalid(
                "policy_below_statutory",
                en="{field} = {value} is less favourable than the law allows: {why_en} ({rule}) needs {op_en} {minimum}",
                zh="{field} = {value} 低于法定标准：{why_zh}({rule})要求{op_zh}{minimum}",
                field=prefix + floor.field, rule=floor.rule, minimum=floor.bound, direction=floor.op,
                value=value, why_en=floor.why_en, why_zh=floor.why_zh,
                op_en="at least" if floor.op == "at_least" else "at most",
                op_zh="不少于" if floor.op == "at_least" else "不超过",
            )


def _check_rate(name: str, value: object) -> None:
    """A percentage from 0 to 100 with at most two decimals, given as a string ("5.5")."""
    try:
        rate = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        rate = None
    exponent = rate.as_tuple().exponent if rate is not None and rate.is_finite() else None
    if rate is None or not isinstance(exponent, int) or not 0 <= rate <= 100 or exponent < -2:
        raise Invalid("invalid_policy", en="{field} must be a percentage from 0 to 100 as a string, e.g. \"5.5\"",
                      zh="{field} 须为 0 到 100 之间的百分比字符串，例如 \"5.5\"", field=name, value=value)
