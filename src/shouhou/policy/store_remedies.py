"""Remedies that exist only because the store offers them (basis `STORE`).

The no-reason exchange has no statutory floor; a store that offers it applies the same
exclusions as the statutory no-reason return (you cannot swap a custom-made suit either).
"""

from __future__ import annotations

from shouhou.policy.consumer_law import no_reason_blockers
from shouhou.policy.decision import Basis, Note
from shouhou.policy.outcomes import Ctx, Option, Outcome, Refusal, refuse
from shouhou.policy.texts import zh_days


def no_reason_exchange(ctx: Ctx) -> list[Outcome]:
    days = ctx.policy.exchange_days
    store = Basis("STORE", f"店铺承诺{zh_days(days)}无理由换货（法律无无理由换货的最低要求）",
                  f"the store offers no-reason exchanges for {days} days (no statutory floor)")
    if days <= 0:
        return refuse("exchange", (Basis("STORE", "店铺未提供无理由换货（法律无此要求）",
                                         "the store offers no no-reason exchange (not required by law)"),),
                      "本店不支持无理由换货", "this store offers no no-reason exchange")
    if not ctx.claim.received:
        return refuse("exchange", (store,), "尚未收到商品，不能换货", "goods not received yet: nothing to exchange")
    blockers = no_reason_blockers(ctx, "exchange", store)
    if any(isinstance(b, Refusal) for b in blockers):
        return blockers
    start = ctx.sale.received_at or ctx.line.invoice_at
    if start is None:
        return [*blockers, Option("exchange", (store,), None, "无理由换货期", "the no-reason exchange window"),
                Note("receipt_time_unknown", "收货时间未知，无法计算换货期限", "receipt time unknown: no exchange deadline")]
    return [*blockers, Option("exchange", (store,), ctx.period(start, days=days),
                              f"{zh_days(days)}无理由换货期", f"the {days}-day no-reason exchange window")]
