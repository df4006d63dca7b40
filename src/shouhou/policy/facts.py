"""The facts a decision reads: the order line, the sale, and the customer's claim.

Plain frozen dataclasses with a small closed vocabulary, checked on construction so a
typo in a tag or a channel fails loudly instead of silently losing a right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

REMEDIES = ("refund_only", "return_refund", "exchange", "repair")
GROUNDS = ("none", "quality", "not_as_described", "damaged_in_transit", "merchant")
# Grounds that mean the goods do not conform: 不符合质量要求 in 消费者权益保护法 Art. 24.
QUALITY_GROUNDS = frozenset({"quality", "not_as_described", "damaged_in_transit"})
# The merchant's fault without a defect in the goods (缺货, 未按约定时间发货): the merchant
# bears the shipping, but no statutory quality right follows from it.
MERCHANT_GROUNDS = frozenset({"merchant"})

CHANNELS = ("online", "tv", "phone", "mail", "store")
DISTANCE_CHANNELS = frozenset({"online", "tv", "phone", "mail"})  # 消费者权益保护法 Art. 25

TAGS = frozenset({
    "custom_made",            # 消费者定作
    "fresh",                  # 鲜活易腐
    "digital_media",          # 音像制品、计算机软件等数字化商品 (excluded once unsealed/downloaded)
    "periodical",             # 交付的报纸、期刊
    "excluded_confirmed",     # customer confirmed "not returnable" at purchase
    "near_expiry",            # sold as near its expiry date, disclosed at sale
    "disclosed_defect",       # sold with a defect disclosed at sale
    "sanbao",                 # in the 三包 catalogue (部分商品修理更换退货责任规定)
    "vehicle",                # 家用汽车产品 (家用汽车产品三包规定)
    "installation_required",  # needs installation; the 三包 period runs from installation
})

# 家用汽车产品修理更换退货责任规定 (2021) vocabulary for Claim.fault.
VEHICLE_ART23_FAULTS = frozenset({"steering_failure", "brake_failure", "body_crack", "fuel_leak", "battery_fire"})
VEHICLE_MAJOR_ASSEMBLIES = frozenset({"engine", "gearbox", "traction_battery", "drive_motor"})
VEHICLE_SERIOUS_FAULTS = VEHICLE_ART23_FAULTS | {"serious_safety"}
VEHICLE_FAULTS = VEHICLE_SERIOUS_FAULTS | VEHICLE_MAJOR_ASSEMBLIES | {"major_part", "other"}


def _check(value: object, allowed: frozenset[str] | tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {sorted(allowed)}")


def _check_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.tzinfo.utcoffset(value) is None):
        raise ValueError(f"{name} is a naive datetime; a time zone is required")


@dataclass(frozen=True)
class Gift:
    """A gift given with the line; `value_fen` is the price marked at sale, if any."""

    description: str
    value_fen: int | None = None


@dataclass(frozen=True)
class LineFacts:
    category: str = ""
    tags: frozenset[str] = frozenset()
    unit_price_fen: int = 0
    qty: int = 1
    paid_fen: int = 0  # cash paid for the line after discounts
    warranty_months: int = 0  # whole-unit 三包 period (vehicles: 三包有效期)
    serials: tuple[str, ...] = ()
    gifts: tuple[Gift, ...] = ()
    invoice_at: datetime | None = None
    # Vehicles: 包修期 in months (0 = the statutory minimum of 36).
    repair_warranty_months: int = 0
    # 三包 depreciation rate per day of use from the 三包 catalogue, e.g. Decimal("0.001").
    depreciation_rate_per_day: Decimal | None = None
    # Vehicles: 使用补偿系数 n printed on the 三包凭证 (at most 0.5 %).
    usage_coefficient: Decimal | None = None

    def __post_init__(self) -> None:
        tags = frozenset(self.tags)
        for tag in tags:
            _check(tag, TAGS, "tag")
        object.__setattr__(self, "tags", tags)
        gifts = tuple(g if isinstance(g, Gift) else Gift(str(g)) for g in self.gifts)
        object.__setattr__(self, "gifts", gifts)
        object.__setattr__(self, "serials", tuple(self.serials))
        if self.qty < 1 or self.paid_fen < 0 or self.unit_price_fen < 0 or self.warranty_months < 0:
            raise ValueError("qty must be ≥ 1 and amounts and warranty months must not be negative")
        _check_aware("invoice_at", self.invoice_at)

    def has(self, tag: str) -> bool:
        return tag in self.tags


@dataclass(frozen=True)
class SaleFacts:
    channel: str = "online"
    free_shipping: bool = False
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    signed_at: datetime | None = None
    installed_at: datetime | None = None  # installed by the seller
    last_exchange_at: datetime | None = None  # a 三包 exchange restarts the period
    repair_days_total: int = 0  # days spent in repair, excluded from the 三包 period

    def __post_init__(self) -> None:
        _check(self.channel, CHANNELS, "channel")
        for name in ("shipped_at", "delivered_at", "signed_at", "installed_at", "last_exchange_at"):
            _check_aware(name, getattr(self, name))
        if self.repair_days_total < 0:
            raise ValueError("repair_days_total must not be negative")

    @property
    def distance(self) -> bool:
        return self.channel in DISTANCE_CHANNELS

    @property
    def received_at(self) -> datetime | None:
        """When the customer got the goods: sign-for, else the carrier's delivery time."""
        return self.signed_at or self.delivered_at


@dataclass(frozen=True)
class Claim:
    ground: str = "none"
    goods_intact: bool = True  # 完好; opening the box to inspect keeps goods intact
    unsealed: bool = False  # digital media opened or downloaded
    misuse: bool = False  # customer damage, improper use, unauthorised disassembly
    prior_repairs: int = 0  # earlier repairs of the same fault within the period
    repair_days: int = 0  # days the current repair has taken
    parts_unavailable: bool = False  # the producer did not supply parts
    mileage_km: int | None = None
    fault: str | None = None  # vehicles: see VEHICLE_FAULTS
    received: bool = True  # False: not shipped, lost, or refused
    refused_delivery: bool = False  # the customer refused the parcel
    asked_before_shipment: bool = False  # asked to cancel before the merchant shipped
    fundamental_breach: bool = False  # the fault defeats the purpose of the contract (民法典 Art. 563)
    replacement_unavailable: bool = False  # no same model/spec to exchange for
    prior_replacements: int = 0  # vehicles: times the same major assembly/part was replaced

    def __post_init__(self) -> None:
        _check(self.ground, GROUNDS, "ground")
        if self.fault is not None:
            _check(self.fault, VEHICLE_FAULTS, "fault")
        for name in ("prior_repairs", "repair_days", "prior_replacements"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.mileage_km is not None and self.mileage_km < 0:
            raise ValueError("mileage_km must not be negative")

    @property
    def quality(self) -> bool:
        return self.ground in QUALITY_GROUNDS

    @property
    def merchant_fault(self) -> bool:
        """A quality problem, or the merchant's fault without one: the merchant bears the shipping."""
        return self.ground in QUALITY_GROUNDS or self.ground in MERCHANT_GROUNDS


__all__ = [
    "CHANNELS", "DISTANCE_CHANNELS", "GROUNDS", "MERCHANT_GROUNDS", "QUALITY_GROUNDS", "REMEDIES", "TAGS",
    "VEHICLE_ART23_FAULTS", "VEHICLE_FAULTS", "VEHICLE_MAJOR_ASSEMBLIES", "VEHICLE_SERIOUS_FAULTS",
    "Claim", "Gift", "LineFacts", "SaleFacts",
]
