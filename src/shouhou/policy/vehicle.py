"""家用汽车产品修理更换退货责任规定 (2021): the household-vehicle 三包.

Periods run from the invoice date, or from delivery when that differs (Art. 18), restart
after an exchange (Art. 29), and, per the 2024 实施条例 Art. 18, exclude repair time.
Mileage limits are part of the windows: a window closed by mileage is `not_eligible`,
since only a passed date makes a refusal `window_expired`.
"""

from __future__ import annotations

from datetime import datetime

from shouhou.calendar import Period
from shouhou.policy.decision import Basis, Note
from shouhou.policy.deductions import usage_compensation
from shouhou.policy.facts import VEHICLE_ART23_FAULTS, VEHICLE_MAJOR_ASSEMBLIES, VEHICLE_SERIOUS_FAULTS
from shouhou.policy.outcomes import Ctx, Option, Outcome, refuse

SANBAO_MONTHS, SANBAO_KM = 24, 50_000  # Art. 18 minimums
REPAIR_MONTHS, REPAIR_KM = 36, 60_000
EARLY_DAYS, EARLY_KM = 60, 3_000  # Arts. 20, 23
FIRST_WEEK_DAYS = 7  # Art. 22
REPEAT, MAX_REPAIRS, MAX_REPAIR_DAYS = 2, 4, 30  # Art. 24

_SWAP = ("exchange", "return_refund")


def _within_km(mileage: int | None, limit: int) -> bool:
    return mileage is None or mileage <= limit  # unknown mileage: judged by date alone (noted)


def vehicle(ctx: Ctx) -> list[Outcome]:
    claim, line, sale = ctx.claim, ctx.line, ctx.sale
    if claim.misuse:
        return refuse(("return_refund", "exchange", "repair"),
                      (Basis("VEHICLE-2021-32", "未按说明书使用维护或擅自改装拆卸造成的损坏，免除三包责任",
                             "damage from misuse or unauthorised modification is outside 三包"),),
                      "使用维护不当或擅自改装拆卸造成的损坏，不属于三包范围",
                      "damage from misuse or unauthorised modification is outside the vehicle 三包")
    start: datetime | None
    if sale.last_exchange_at is not None:
        start, start_basis = sale.last_exchange_at, Basis("VEHICLE-2021-29", "更换后三包有效期和包修期重新计算",
                                                          "the periods restart after an exchange")
    elif sale.received_at is not None:
        start, start_basis = sale.received_at, Basis("VEHICLE-2021-18", "自交付之日起计算", "counted from delivery")
    else:
        start, start_basis = line.invoice_at, Basis("VEHICLE-2021-18", "自开具购车发票之日起计算",
                                                    "counted from the invoice date")
    if start is None:
        return [Note("vehicle_start_unknown", "发票和交付日期均未知，无法计算汽车三包期限",
                     "no invoice or delivery date: the vehicle 三包 periods cannot be computed")]
    out: list[Outcome] = []
    km, fault = claim.mileage_km, claim.fault
    if km is None:
        out.append(Note("mileage_unknown", "行驶里程未知，仅按时间判断", "mileage unknown: judged by date only"))
    extra = sale.repair_days_total

    def period(days: int = 0, months: int = 0) -> Period:
        return ctx.period(start, days=days, months=months, extra_days=extra)

    # Art. 19: free repair within the repair warranty (包修期).
    repair_months = max(REPAIR_MONTHS, line.repair_warranty_months)
    if _within_km(km, REPAIR_KM):
        out.append(Option("repair", (Basis("VEHICLE-2021-19", "包修期内出现质量问题，免费修理",
                                           "free repair of quality problems within the repair warranty"), start_basis),
                          period(months=repair_months), f"{repair_months}个月包修期", f"the {repair_months}-month repair warranty"))
    else:
        out += refuse("repair", (Basis("VEHICLE-2021-18", "包修期以3年或6万公里先到者为准",
                                       "the repair warranty ends at 3 years or 60,000 km"),),
                      f"行驶里程{km}公里，已超过包修里程", f"{km} km: beyond the repair warranty mileage")

    early_km_ok = _within_km(km, EARLY_KM)
    if fault in VEHICLE_MAJOR_ASSEMBLIES:
        # Art. 22: within 7 days, a needed engine/gearbox replacement allows a new vehicle or a return.
        art22 = Basis("VEHICLE-2021-22", "7日内因质量问题需要更换发动机、变速器等或其主要零部件",
                      "within 7 days a quality problem needs a new engine, gearbox, battery or motor")
        for remedy in _SWAP:
            out.append(Option(remedy, (art22, start_basis), period(days=FIRST_WEEK_DAYS), "汽车三包7日期", "the vehicle 7-day window"))
        if early_km_ok:  # Art. 20: within 60 days/3,000 km the assembly itself is replaced free.
            out.append(Option("repair", (Basis("VEHICLE-2021-20", "60日或3000公里内主要零部件质量问题，免费更换总成",
                                               "within 60 days/3,000 km: free replacement of the assembly"), start_basis),
                              period(days=EARLY_DAYS), "60日/3000公里期", "the 60-day/3,000 km window"))
    if fault in VEHICLE_ART23_FAULTS:
        art23 = Basis("VEHICLE-2021-23", "60日或3000公里内转向、制动失效、车身开裂、燃油泄漏或动力蓄电池起火",
                      "within 60 days/3,000 km: steering or brake failure, body crack, fuel leak or battery fire")
        if early_km_ok:
            for remedy in _SWAP:
                out.append(Option(remedy, (art23, start_basis), period(days=EARLY_DAYS), "60日/3000公里期",
                                  "the 60-day/3,000 km window"))
        else:
            out += refuse(_SWAP, (art23,), f"行驶里程{km}公里，已超过3000公里", f"{km} km: beyond 3,000 km")
    out += _repeated_failures(ctx, period(months=max(SANBAO_MONTHS, line.warranty_months)), start_basis)
    return out


def _repeated_failures(ctx: Ctx, window: Period, start_basis: Basis) -> list[Outcome]:
    """Art. 24: exchange or return within the 三包 period after repeated failures, less the
    usage compensation of Art. 27."""
    claim, sale = ctx.claim, ctx.sale
    fault, km = claim.fault, claim.mileage_km
    because: list[Basis] = []
    if fault in VEHICLE_SERIOUS_FAULTS and claim.prior_repairs >= REPEAT:
        because.append(Basis("VEHICLE-2021-24", f"严重安全性能故障累计修理{claim.prior_repairs}次仍未排除",
                             f"serious safety fault repaired {claim.prior_repairs} times, not cured"))
    if (fault in VEHICLE_MAJOR_ASSEMBLIES or fault == "major_part") and claim.prior_replacements >= REPEAT:
        because.append(Basis("VEHICLE-2021-24", f"同一总成或主要零部件累计更换{claim.prior_replacements}次仍不能正常使用",
                             f"the same assembly or main part replaced {claim.prior_replacements} times, still failing"))
    repair_days = sale.repair_days_total + claim.repair_days
    if repair_days > MAX_REPAIR_DAYS:
        because.append(Basis("VEHICLE-2021-24", f"累计修理时间{repair_days}天，超过30日",
                             f"{repair_days} days in repair in total, over 30"))
    if claim.prior_repairs > MAX_REPAIRS:
        because.append(Basis("VEHICLE-2021-24", f"同一质量问题累计修理{claim.prior_repairs}次，超过4次",
                             f"the same problem repaired {claim.prior_repairs} times, over 4"))
    if not because:
        return []
    if not _within_km(km, SANBAO_KM):
        return refuse(_SWAP, (because[0],), f"行驶里程{km}公里，已超过三包有效期里程（5万公里）",
                      f"{km} km: beyond the 三包 mileage (50,000 km)")
    fee = usage_compensation(ctx.line, km)
    label_zh, label_en = "汽车三包有效期", "the vehicle 三包 period"
    return [Option(remedy, (*because, start_basis), window, label_zh, label_en, (fee,)) for remedy in _SWAP]
