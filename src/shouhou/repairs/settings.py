"""A store's price list (价目表), the repair department's deadlines, and its fault-code catalogue."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from shouhou.accounts import service as accounts
from shouhou.db.cache import cache_of
from shouhou.engine.context import Ctx
from shouhou.errors import Invalid, forbidden
from shouhou.fields import yuan
from shouhou.models import Store
from shouhou.models.repairs import FaultCode, RepairSettings
from shouhou.policy import VEHICLE_FAULTS
from shouhou.repairs import repository as repo
from shouhou.repairs.schemas import FaultCodeIn, PriceListIn

ADMINS = frozenset({"admin", "supervisor"})
READERS = frozenset({"agent", "technician", "supervisor", "warehouse", "finance", "admin", "integration", "platform"})


@dataclass(frozen=True)
class Settings:
    hourly_rate_fen: int = 8000  # labour per hour
    call_out_fee_fen: int = 5000  # 上门费
    inspection_fee_fen: int = 3000  # 检测费, charged when a quote is declined
    rework_days: int = 90  # 返修: a repair within this many days of the last one (seed 001: under 2 %)
    quote_days: int = 7  # the customer's quote decision, then auto-decline
    confirm_days: int = 7  # the customer confirms a returned unit, or the system does
    pickup_reminder_days: int = 7  # remind the customer to collect, every this many days
    pickup_flag_days: int = 90  # then flag the unit as unclaimed
    maintenance_lead_days: int = 7  # open a contract's maintenance visit this long before it is due
    response_hours: int = 24  # promised response without a contract


DAY_FIELDS = ("rework_days", "quote_days", "confirm_days", "pickup_reminder_days", "pickup_flag_days",
              "maintenance_lead_days", "response_hours")
PRICES = {"hourly_rate": "hourly_rate_fen", "call_out_fee": "call_out_fee_fen", "inspection_fee": "inspection_fee_fen"}

# The catalogue a store starts with: (code, 中文, English, serious).
DEFAULT_FAULT_CODES = (
    ("no_power", "不通电/无法开机", "No power", True),
    ("no_cooling", "不制冷/不制热", "Not cooling or heating", True),
    ("leak", "漏水/漏液", "Leak", True),
    ("noise", "异响/振动", "Noise or vibration", True),
    ("display", "显示/控制故障", "Display or controls", True),
    ("drain", "不排水/不进水", "Water in or out", True),
    ("error_code", "报故障代码", "Shows an error code", True),
    ("cosmetic", "外观损伤", "Cosmetic damage", False),
    ("adjustment", "调试/使用指导", "Adjustment or how-to", False),
    ("other", "其他", "Other", True),
)


def of_store(ctx: Ctx, store_id: int) -> Settings:
    def load() -> Settings:
        row = repo.settings(ctx.session, store_id)
        if row is None:
            return Settings()
        known = {f.name for f in fields(Settings)}
        data = {k: v for k, v in (row.data or {}).items() if k in known}
        return replace(Settings(), hourly_rate_fen=row.hourly_rate_fen, call_out_fee_fen=row.call_out_fee_fen,
                       inspection_fee_fen=row.inspection_fee_fen, **data)

    return cache_of(ctx.session).get(("repair_settings", store_id), load)


def _store(ctx: Ctx, code: str, roles: frozenset[str]) -> Store:
    store = accounts.store_for_caller(ctx, code)  # a store the caller holds no role in is not found
    if not ctx.actor.roles_in(store.id) & roles:
        raise forbidden("repair_settings", store=code)
    return store


def price_list(ctx: Ctx, code: str) -> dict[str, Any]:
    store = _store(ctx, code, READERS)
    s = of_store(ctx, store.id)
    return {"store": store.code, "hourly_rate": yuan(s.hourly_rate_fen), "call_out_fee": yuan(s.call_out_fee_fen),
            "inspection_fee": yuan(s.inspection_fee_fen), **{k: getattr(s, k) for k in DAY_FIELDS}}


def put_price_list(ctx: Ctx, code: str, body: PriceListIn) -> dict[str, Any]:
    """Fields left out (or null) keep their value."""
    store = _store(ctx, code, ADMINS)
    given = {k: v for k, v in body.model_dump().items() if v is not None}
    changes: dict[str, Any] = {inner: given[edge] for edge, inner in PRICES.items() if edge in given}
    changes |= {name: given[name] for name in DAY_FIELDS if name in given}
    new = replace(of_store(ctx, store.id), **changes)
    row = repo.settings(ctx.session, store.id)
    if row is None:
        row = RepairSettings(store_id=store.id, data={})
        ctx.session.add(row)
    row.hourly_rate_fen, row.call_out_fee_fen, row.inspection_fee_fen = (new.hourly_rate_fen, new.call_out_fee_fen,
                                                                         new.inspection_fee_fen)
    row.data = {k: getattr(new, k) for k in DAY_FIELDS}
    row.updated_at = ctx.clock.now()
    ctx.session.flush()
    cache_of(ctx.session).put(("repair_settings", store.id), new)
    return price_list(ctx, code)


@dataclass(frozen=True)
class Fault:
    code: str
    zh: str
    en: str
    serious: bool
    category: str = ""
    vehicle_fault: str | None = None


def fault_codes(ctx: Ctx, store_id: int) -> dict[str, Fault]:
    """The store's catalogue, or the default one while the store has none."""
    def load() -> dict[str, Fault]:
        rows = repo.fault_codes(ctx.session, store_id)
        if not rows:
            return {c: Fault(c, zh, en, serious) for c, zh, en, serious in DEFAULT_FAULT_CODES}
        return {r.code: Fault(r.code, r.label_zh, r.label_en, r.serious, r.category, r.vehicle_fault) for r in rows}

    return cache_of(ctx.session).get(("fault_codes", store_id), load)


def check_fault_code(ctx: Ctx, store_id: int, code: str | None) -> Fault | None:
    if code is None:
        return None
    found = fault_codes(ctx, store_id).get(code)
    if found is None:
        raise Invalid("unknown_fault_code", en="Unknown fault code {code}", zh="未知的故障代码 {code}", code=code,
                      known=sorted(fault_codes(ctx, store_id)))
    return found


def fault_codes_document(ctx: Ctx, code: str) -> dict[str, Any]:
    store = _store(ctx, code, READERS)
    return {"store": store.code, "items": [
        {"code": f.code, "label": ctx.label(f.zh, f.en), "label_zh": f.zh, "label_en": f.en, "serious": f.serious,
         "category": f.category, "vehicle_fault": f.vehicle_fault} for f in fault_codes(ctx, store.id).values()]}


def put_fault_codes(ctx: Ctx, code: str, items: list[FaultCodeIn]) -> dict[str, Any]:
    """Replace the store's catalogue. Cases keep the codes they recorded."""
    store = _store(ctx, code, ADMINS)
    seen: set[str] = set()
    for item in items:
        if item.code in seen:
            raise Invalid("invalid_fault_code", en="Fault code {code} is given twice", zh="故障代码 {code} 重复",
                          code=item.code)
        seen.add(item.code)
        if item.vehicle_fault and item.vehicle_fault not in VEHICLE_FAULTS:
            raise Invalid("invalid_fault", en="Unknown vehicle fault {fault}", zh="未知的汽车故障类型 {fault}",
                          fault=item.vehicle_fault, known=sorted(VEHICLE_FAULTS))
    for row in repo.fault_codes(ctx.session, store.id):
        ctx.session.delete(row)
    ctx.session.flush()
    for item in items:
        ctx.session.add(FaultCode(store_id=store.id, code=item.code, label_zh=item.label_zh or item.code,
                                  label_en=item.label_en or item.code, category=item.category, serious=item.serious,
                                  vehicle_fault=item.vehicle_fault or None))
    ctx.session.flush()
    cache_of(ctx.session).forget(("fault_codes", store.id))
    return fault_codes_document(ctx, code)
