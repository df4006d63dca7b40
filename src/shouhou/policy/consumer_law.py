"""消费者权益保护法 Arts. 24/25 and the 2017 online no-reason return measures.

- no-reason return: distance sales, 7 days counted from the day after sign-for, with the
  statutory exclusions and the "goods intact" condition; a store may extend the window.
- general quality remedy (Art. 24) for goods outside the 三包 catalogue.
"""

from __future__ import annotations

from shouhou.calendar import Period
from shouhou.policy.categories import confirmable_by_nature
from shouhou.policy.decision import Basis, Note
from shouhou.policy.deductions import gift_deductions
from shouhou.policy.outcomes import Ctx, Option, Outcome, Refusal, refuse
from shouhou.policy.texts import zh_days

STATUTORY_NO_REASON_DAYS = 7
STATUTORY_QUALITY_RETURN_DAYS = 7
INSPECTION_MONTHS = 24  # CIVIL-621: 2 years from receipt when there is no guarantee period

_INTACT = Basis("NRR-2017-8", "退回商品应当完好；为查验打开包装或合理调试不影响完好",
                "returned goods must be intact; opening to inspect or reasonable testing keeps them intact")


def no_reason_blockers(ctx: Ctx, remedy: str, *extra: Basis) -> list[Outcome]:
    """Why goods cannot go back without a reason (the statutory exclusions and intactness).

    Also used for the store's no-reason exchange, which follows the same exclusions.
    """
    out: list[Outcome] = []

    def block(rule: str, zh: str, en: str, detail: Basis | None = None) -> None:
        basis = (Basis(rule, zh, en), *((detail,) if detail else ()), *extra)
        out.append(Refusal(remedy, basis, zh, en))

    if ctx.has("custom_made"):
        block("CPL-25", "定作商品不适用七日无理由退货", "custom-made goods are excluded from no-reason returns",
              Basis("NRR-2017-6", "消费者定作的商品", "goods made to the consumer's order"))
    if ctx.has("fresh"):
        block("CPL-25", "鲜活易腐商品不适用七日无理由退货", "perishable goods are excluded from no-reason returns",
              Basis("NRR-2017-6", "鲜活易腐的商品", "fresh and perishable goods"))
    if ctx.has("digital_media") and ctx.claim.unsealed:
        block("CPL-25", "已拆封或已下载的数字化商品不适用七日无理由退货",
              "unsealed or downloaded digital media are excluded from no-reason returns",
              Basis("NRR-2017-6", "在线下载或消费者拆封的音像制品、计算机软件等", "downloaded or unsealed media/software"))
    if ctx.has("periodical"):
        block("CPL-25", "已交付的报纸、期刊不适用七日无理由退货",
              "delivered newspapers and periodicals are excluded from no-reason returns",
              Basis("NRR-2017-6", "交付的报纸、期刊", "delivered newspapers and periodicals"))
    if ctx.has("excluded_confirmed"):
        if confirmable_by_nature(ctx.line.category) or ctx.has("near_expiry") or ctx.has("disclosed_defect"):
            block("CPL-25", "该商品依其性质不宜退货，且消费者购买时已确认不适用七日无理由退货",
                  "unsuitable for return by nature and confirmed by the customer at purchase",
                  Basis("NRR-2017-7", "经消费者购买时确认可不适用的商品", "goods excludable by confirmation at purchase"))
        else:
            out.append(Note("exclusion_not_by_nature",
                            f"品类「{ctx.line.category}」依其性质不属于可经确认排除无理由退货的商品，购买时的确认不生效"
                            "(不得擅自扩大不适用范围)",
                            f"category '{ctx.line.category}' is not unsuitable for return by nature, so the "
                            "customer's confirmation does not exclude it (exclusions may not be widened)"))
    if not ctx.claim.goods_intact:
        block("CPL-25", "退回商品应当完好，该商品已不完好", "returned goods must be intact; these are not", _INTACT)
    return out


def _distance_refusal(ctx: Ctx) -> list[Outcome]:
    return refuse("return_refund", (Basis("CPL-25", "七日无理由退货仅适用于网络、电视、电话、邮购等远程销售",
                                          "no-reason returns apply to distance sales only"),),
                  "门店（非远程）销售不适用法定七日无理由退货", "an in-store sale has no statutory no-reason return")


def no_reason_return(ctx: Ctx) -> list[Outcome]:
    sale, claim, policy = ctx.sale, ctx.claim, ctx.policy
    if not sale.distance and policy.in_store_return_days <= 0:
        return _distance_refusal(ctx)
    if not claim.received:
        return refuse("return_refund", (Basis("CPL-25", "无理由退货期自收到商品起算", "the window starts on receipt"),),
                      "尚未收到商品，不能退货；可申请仅退款", "goods not received yet: nothing to return; ask for a refund only")
    blockers = no_reason_blockers(ctx, "return_refund")
    if any(isinstance(b, Refusal) for b in blockers):
        return blockers
    out: list[Outcome] = list(blockers)
    start = sale.received_at if sale.distance else (sale.received_at or ctx.line.invoice_at)
    gifts = gift_deductions(ctx.line)

    def period(days: int) -> Period | None:
        return ctx.period(start, days=days) if start is not None else None

    if start is None:
        out.append(Note("receipt_time_unknown", "签收时间未知，无法计算无理由退货期限，请核实",
                        "the sign-for time is unknown, so the no-reason window cannot be computed: check it"))
    if sale.distance:
        out.append(Option("return_refund", (
            Basis("CPL-25", "远程销售商品，自收到商品之日起七日内可无理由退货",
                  "distance sale: no-reason return within 7 days of receipt"),
            Basis("NRR-2017-10", "七日自签收商品的次日起算", "the 7 days count from the day after sign-for"),
        ), period(STATUTORY_NO_REASON_DAYS), "七天无理由退货期", "the 7-day no-reason window", gifts))
        days = policy.no_reason_return_days
        if days > STATUTORY_NO_REASON_DAYS:
            out.append(Option("return_refund", (
                Basis("STORE", f"店铺承诺{zh_days(days)}无理由退货（法定为七天）",
                      f"the store offers {days}-day no-reason returns (the law requires 7)"),
            ), period(days), f"{zh_days(days)}无理由退货期", f"the {days}-day no-reason window", gifts))
    else:
        days = policy.in_store_return_days
        out.append(Option("return_refund", (
            Basis("STORE", f"店铺承诺门店购买商品{zh_days(days)}无理由退货（法律未规定门店无理由退货）",
                  f"the store offers {days}-day no-reason returns for in-store sales (not required by law)"),
        ), period(days), f"{zh_days(days)}无理由退货期", f"the {days}-day no-reason window", gifts))
    return out


def general_quality(ctx: Ctx, *, transit: bool = False) -> list[Outcome]:
    """CPL-24 for goods with no 三包 rules: return within 7 days of receipt, later exchange or
    repair (and return if the breach defeats the contract's purpose)."""
    claim, line, policy = ctx.claim, ctx.line, ctx.policy
    remedies = ("return_refund", "exchange", "repair")
    if claim.misuse:
        return refuse(remedies, (Basis("CPL-24", "人为损坏不属于商品不符合质量要求",
                                       "damage caused by the customer is not a quality failure"),),
                      "客户使用不当或人为损坏，不属于质量问题，可有偿维修",
                      "customer damage is not a quality problem; a paid repair is possible")
    if not claim.received:
        return refuse(remedies, (Basis("CPL-24", "质量退换修以收到商品为前提", "needs the goods to have been received"),),
                      "尚未收到商品；可申请仅退款", "goods not received; ask for a refund only")
    start = ctx.sale.received_at or line.invoice_at
    if start is None:
        return [Note("receipt_time_unknown", "收货时间未知，无法计算质量退货期限", "receipt time unknown")]
    extra = (Basis("ECL-20", "商品运输中的风险由经营者承担", "the seller bears the risk of damage in transit"),) if transit else ()
    cpl24 = Basis("CPL-24", "商品不符合质量要求，自收到商品之日起七日内可以退货",
                  "goods not meeting quality requirements may be returned within 7 days of receipt")
    out: list[Outcome] = [Option("return_refund", (cpl24, *extra), ctx.period(start, days=STATUTORY_QUALITY_RETURN_DAYS),
                                 "质量问题七日退货期", "the 7-day quality return window")]
    if policy.quality_return_days > STATUTORY_QUALITY_RETURN_DAYS:
        n = policy.quality_return_days
        out.append(Option("return_refund", (Basis("STORE", f"店铺承诺质量问题{zh_days(n)}内可退货",
                                                  f"the store accepts quality returns for {n} days"), *extra),
                          ctx.period(start, days=n), f"质量问题{zh_days(n)}退货期", f"the {n}-day quality return window"))
    months = line.warranty_months or INSPECTION_MONTHS
    label_zh, label_en = (("质量保证期", "the quality guarantee period") if line.warranty_months
                          else ("二年质量异议期", "the 2-year notice period"))
    inspection = Basis("CIVIL-621", f"质量异议应在{label_zh}内提出", f"defects must be notified within {label_en}")
    period = ctx.period(start, months=months)
    after7 = Basis("CPL-24", "七日后可以要求更换、修理", "after 7 days the consumer may ask for exchange or repair")
    out.append(Option("exchange", (after7, inspection, *extra), period, label_zh, label_en))
    out.append(Option("repair", (after7, inspection, *extra), period, label_zh, label_en))
    if claim.fundamental_breach:
        out.append(Option("return_refund", (
            Basis("CPL-24", "七日后符合法定解除合同条件的，可以及时退货", "after 7 days, a return if the contract may be terminated"),
            Basis("CIVIL-563", "质量问题致使不能实现合同目的", "the defect defeats the purpose of the contract"),
            inspection, *extra), period, label_zh, label_en))
    return out
