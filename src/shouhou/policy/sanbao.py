"""三包 for catalogue goods (部分商品修理更换退货责任规定, with the 2024 实施条例 Art. 18).

Performance failure within 7 days: return, exchange or repair; within 15 days: exchange
or repair; within the 三包 period: free repair, and exchange (or return, less
depreciation) after two failed repairs or when the repair takes too long.

When the periods start: on delivery, or on installation where the seller installs
(实施条例 Art. 18; the 1995 rules counted from the invoice, kept as the fallback). After
an exchange the 三包 period restarts (Art. 14 and 实施条例 Art. 18); the 7/15-day windows
stay tied to the sale. Repair time does not count.
"""

from __future__ import annotations

from datetime import datetime

from shouhou.calendar import Period
from shouhou.policy.decision import Basis, Note
from shouhou.policy.deductions import depreciation
from shouhou.policy.outcomes import Ctx, Option, Outcome, refuse
from shouhou.policy.texts import zh_days

RETURN_DAYS = 7  # SANBAO-9
EXCHANGE_DAYS = 15  # SANBAO-10
PARTS_WAIT_DAYS = 90  # SANBAO-12 ¶1
REPAIR_LIMIT_DAYS = 30  # SANBAO-12 ¶2
FAILED_REPAIRS = 2  # SANBAO-11

_REMEDIES = ("return_refund", "exchange", "repair")


def sale_start(ctx: Ctx) -> tuple[datetime | None, Basis]:
    """When the 三包 clock starts for the sale itself (not restarted by an exchange)."""
    sale, line = ctx.sale, ctx.line
    if sale.installed_at is not None:
        return sale.installed_at, Basis("CPL-IMPL-2024-18", "经营者安装的商品自安装完成之日起计算",
                                        "counted from the completed installation")
    if sale.received_at is not None:
        return sale.received_at, Basis("CPL-IMPL-2024-18", "自交付商品之日起计算", "counted from delivery")
    return line.invoice_at, Basis("SANBAO-8", "交付日期未知，按开具发票之日起计算（1995年规定）",
                                  "delivery date unknown: counted from the invoice date (1995 rules)")


def sanbao(ctx: Ctx) -> list[Outcome]:
    claim, line, sale, policy = ctx.claim, ctx.line, ctx.sale, ctx.policy
    if claim.misuse:
        return refuse(_REMEDIES, (Basis("SANBAO-EXCLUSIONS", "使用维护保管不当或非三包修理者拆动造成的损坏不实行三包",
                                        "damage from improper use or unauthorised disassembly is outside 三包"),),
                      "人为损坏或私自拆修，不属于三包范围，可有偿维修",
                      "customer damage or unauthorised disassembly: outside 三包，a paid repair is possible")
    if not claim.received:
        return refuse(_REMEDIES, (Basis("SANBAO-9", "三包以交付商品为前提", "三包 needs the goods delivered"),),
                      "尚未收到商品；可申请仅退款", "goods not received; ask for a refund only")
    if ctx.has("installation_required") and sale.installed_at is None:
        return _awaiting_installation()
    start, start_basis = sale_start(ctx)
    if start is None:
        return [Note("sanbao_start_unknown", "交付、安装和发票日期均未知，无法计算三包期限",
                     "no delivery, installation or invoice date: the 三包 periods cannot be computed")]
    out: list[Outcome] = []

    # 7 and 15 days from the sale, possibly widened by the store.
    out.append(Option("return_refund", (Basis("SANBAO-9", "售出7日内发生性能故障，可选择退货、换货或修理",
                                              "failure within 7 days: return, exchange or repair"), start_basis),
                      ctx.period(start, days=RETURN_DAYS), "三包七日包退期", "the 三包 7-day return window"))
    out.append(Option("exchange", (Basis("SANBAO-10", "售出15日内发生性能故障，可选择换货或修理",
                                         "failure within 15 days: exchange or repair"), start_basis),
                      ctx.period(start, days=EXCHANGE_DAYS), "三包15日包换期", "the 三包 15-day exchange window"))
    if claim.replacement_unavailable:  # SANBAO-13: an exchange is due but nothing to swap: refund in full
        out.append(Option("return_refund", (Basis("SANBAO-13", "符合换货条件但无同型号同规格产品，应予退货，不收折旧费",
                                                  "an exchange is due but no same model exists: full return"),
                                            start_basis),
                          ctx.period(start, days=EXCHANGE_DAYS), "三包15日包换期", "the 三包 15-day exchange window"))
    if policy.quality_return_days > RETURN_DAYS:
        n = policy.quality_return_days
        out.append(Option("return_refund", (Basis("STORE", f"店铺承诺质量问题{zh_days(n)}包退",
                                                  f"the store takes quality returns for {n} days"), start_basis),
                          ctx.period(start, days=n), f"{zh_days(n)}包退期", f"the {n}-day return window"))
    if policy.quality_exchange_days > EXCHANGE_DAYS:
        n = policy.quality_exchange_days
        out.append(Option("exchange", (Basis("STORE", f"店铺承诺质量问题{zh_days(n)}包换",
                                             f"the store takes quality exchanges for {n} days"), start_basis),
                          ctx.period(start, days=n), f"{zh_days(n)}包换期", f"the {n}-day exchange window"))

    # The 三包 period: free repair and the later exchange/return triggers.
    if line.warranty_months <= 0:
        out += refuse("repair", (Basis("SANBAO-8", "未记录三包有效期", "no 三包 period recorded for this product"),),
                      "未记录该商品的三包有效期，无法判断免费保修", "no 三包 period recorded: free repair cannot be decided")
        return out
    period_start: datetime = start
    period_basis: tuple[Basis, ...] = (start_basis,)
    if sale.last_exchange_at is not None:
        period_start = sale.last_exchange_at
        period_basis = (Basis("SANBAO-14", "换货后的三包有效期自换货之日起重新计算", "the period restarts on exchange"),
                        Basis("CPL-IMPL-2024-18", "更换后自更换完成之日起重新计算", "restarts when the exchange is done"))
    if sale.repair_days_total:
        period_basis += (Basis("CPL-IMPL-2024-18", f"修理时间{sale.repair_days_total}天不计入有效期限",
                               f"{sale.repair_days_total} days in repair do not count"),)
    window = ctx.period(period_start, months=line.warranty_months, extra_days=sale.repair_days_total)
    label_zh, label_en = f"{line.warranty_months}个月三包有效期", f"the {line.warranty_months}-month 三包 period"

    out.append(Option("repair", (Basis("SANBAO-FREE-REPAIR", "三包有效期内免费修理（材料费和工时费）",
                                       "free repair within the 三包 period"), *period_basis), window, label_zh, label_en))

    exchange_because: list[Basis] = []
    if claim.prior_repairs >= FAILED_REPAIRS:
        exchange_because.append(Basis("SANBAO-11", f"三包有效期内修理{claim.prior_repairs}次仍不能正常使用",
                                      f"still failing after {claim.prior_repairs} repairs"))
    if claim.parts_unavailable and claim.repair_days > PARTS_WAIT_DAYS:
        exchange_because.append(Basis("SANBAO-12", f"因生产者未供应零配件，送修{claim.repair_days}天未修好（超过90日）",
                                      f"no parts from the producer, unrepaired after {claim.repair_days} days (over 90)"))
    elif not claim.parts_unavailable and claim.repair_days > REPAIR_LIMIT_DAYS:
        exchange_because.append(Basis("SANBAO-12", f"修理期{claim.repair_days}天，超过30日",
                                      f"repair has taken {claim.repair_days} days, over 30"))
    elif claim.parts_unavailable:
        out += refuse("exchange", (Basis("SANBAO-12", "等待零配件自送修之日起超过90日方可换货",
                                         "an exchange for missing parts needs 90 days since hand-in"),),
                      f"等待零配件已{claim.repair_days}天，满90日未修好方可换货",
                      f"waiting {claim.repair_days} days for parts; an exchange is due after 90 days")
    if exchange_because:
        out.append(Option("exchange", (*exchange_because, *period_basis), window, label_zh, label_en))
        out.append(_return_instead(ctx, tuple(exchange_because) + period_basis, window, label_zh, label_en))
    return out


def _return_instead(ctx: Ctx, because: tuple[Basis, ...], window: Period, label_zh: str, label_en: str) -> Option:
    """SANBAO-11/13: instead of the exchange, a return; used goods pay depreciation unless
    no same-model replacement exists."""
    claim, line, sale = ctx.claim, ctx.line, ctx.sale
    if claim.replacement_unavailable:
        basis = Basis("SANBAO-13", "无同型号同规格产品可换，应予退货，不收折旧费",
                      "no same model to exchange for: full return, no depreciation")
        return Option("return_refund", (basis, *because), window, label_zh, label_en)
    used_from = line.invoice_at or sale_start(ctx)[0]
    basis = Basis("SANBAO-13", "有同型号产品而消费者要求退货的，应予退货，对已使用商品收取折旧费",
                  "the consumer prefers a return over an exchange: return less depreciation for use")
    assert used_from is not None  # sanbao() returned early without a start
    deduction = depreciation(line, used_from, ctx.as_of, ctx.tz, sale.repair_days_total)
    return Option("return_refund", (basis, *because), window, label_zh, label_en, (deduction,))


def _awaiting_installation() -> list[Outcome]:
    """The seller has not installed it yet: the 三包 periods have not started running."""
    pending = Basis("CPL-IMPL-2024-18", "需经营者安装的商品，三包期限自安装完成之日起计算，尚未安装",
                    "for goods the seller installs the periods start at installation, which has not happened")
    return [
        Option("return_refund", (Basis("SANBAO-9", "7日内性能故障可退货", "failure within 7 days: return"), pending),
               None, "三包七日包退期", "the 三包 7-day return window"),
        Option("exchange", (Basis("SANBAO-10", "15日内性能故障可换货", "failure within 15 days: exchange"), pending),
               None, "三包15日包换期", "the 三包 15-day exchange window"),
        Option("repair", (Basis("SANBAO-FREE-REPAIR", "三包有效期内免费修理", "free repair"), pending),
               None, "三包有效期", "the 三包 period"),
        Note("installation_pending", "商品尚未由经营者安装完成，三包期限尚未开始计算；如由消费者自行安装，请记录交付时间",
             "not yet installed by the seller, so the 三包 periods have not started; if the customer installs it, "
             "record the delivery time instead"),
    ]
