"""How the console and the portal show a refund, return or exchange: what each action's form
offers on this case (reasons of its type, preset rejection texts, the replacement's variants,
only the fields of its type), and the buyer's progress stepper with the next deadline in words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shouhou.engine.context import Ctx
from shouhou.models import Case, Store
from shouhou.orders import service as orders
from shouhou.plugins import FieldOptions, Progress
from shouhou.returns import reasons, service
from shouhou.returns.schemas import ONLY_FOR

HIDE = FieldOptions(hidden=True)


def field_options(ctx: Ctx, case: Case) -> dict[str, FieldOptions]:
    store = ctx.session.get_one(Store, case.store_id)
    out = {key: HIDE for key, types in ONLY_FOR.items() if case.type not in types}
    choices = tuple((v.code, reasons.label(v, ctx.lang)) for v in reasons.for_type(ctx, store, case.type))
    known = {c for c, _ in choices}
    labels = tuple((v.code, reasons.label(v, ctx.lang)) for v in reasons.catalogue(ctx, store, include_hidden=True)
                   if v.code not in known)
    out["apply.reason"] = FieldOptions(choices=choices + labels)  # the timeline names old codes too
    out["modify.reason"] = FieldOptions(choices=choices)
    out["reject.reason"] = FieldOptions(suggestions=tuple(reasons.reject_reasons(store, ctx.lang)))
    if case.type != "refund_only" and case.status == "awaiting_return":  # 上门取件: start from what is known
        for key, value in service.pickup_contact(ctx, case).items():
            out[f"request_pickup.address.{key}"] = FieldOptions(value=value or None)
    if case.type == "exchange":
        variants = exchange_choices(ctx, case)
        if variants:
            out["modify.exchange_sku"] = FieldOptions(choices=tuple(variants))
        # The timeline names the replacement asked for on applying, not only its SKU.
        chosen = service.exchange_sku_of(ctx, case)
        name = orders.product_name(ctx, case.store_id, chosen)
        if chosen and name and chosen not in dict(variants):
            variants.append((chosen, f"{name}（{chosen}）" if ctx.lang != "en" else f"{name} ({chosen})"))
        out["apply.exchange_sku"] = FieldOptions(choices=tuple(variants))
    return out


def exchange_choices(ctx: Ctx, case: Case) -> list[tuple[str, str]]:
    """What the buyer may exchange for: the other variants of the case's products."""
    seen: dict[str, str] = {}
    for line in service.describe_lines(ctx, case):
        for sku, name in orders.variants_of(ctx, case.store_id, line["sku"]):
            seen.setdefault(sku, f"{name}（{sku}）" if ctx.lang != "en" else f"{name} ({sku})")
    return list(seen.items())


STEPS = {
    "refund_only": (("申请", "Applied"), ("审核", "Review"), ("退款", "Refund"), ("完成", "Done")),
    "return_refund": (("申请", "Applied"), ("审核", "Review"), ("退货", "Send back"), ("收货", "Received"),
                      ("退款", "Refund"), ("完成", "Done")),
    "exchange": (("申请", "Applied"), ("审核", "Review"), ("退货", "Send back"), ("收货", "Received"),
                 ("换货发出", "Replacement sent"), ("完成", "Done")),
}
AT = {"pending_review": 1, "rejected": 1, "in_arbitration": 1, "awaiting_return": 2, "awaiting_receipt": 3,
      "pending_reship": 4, "reshipped": 4}
# The next deadline as the buyer reads it, by timer kind: (中文, English), {at} is the time.
TO_BUYER = {
    "review_timeout": ("商家需在 {at} 前处理您的申请，逾期将自动同意",
                       "The shop must answer by {at}; after that it is approved automatically"),
    "modify_timeout": ("请在 {at} 前修改申请或申请平台介入，逾期申请将关闭",
                       "Modify your request or ask the platform by {at}, or the request closes"),
    "ship_timeout": ("您需要在 {at} 前寄回商品，逾期申请将关闭",
                     "Send the goods back by {at}, or the request closes"),
    "receipt_timeout": ("商家需在 {at} 前确认收货，逾期将先行处理", "The shop must confirm receipt by {at}"),
    "refund_due": ("退款将在 {at} 前完成", "The refund is made by {at}"),
    "reship_timeout": ("商家需在 {at} 前发出换货，逾期您可改为退款",
                       "The shop must send the replacement by {at}; after that you may take a refund"),
    "confirm_timeout": ("请在 {at} 前确认收到换货，逾期将自动确认",
                        "Confirm you received the replacement by {at}, or it is confirmed for you"),
}


def progress(ctx: Ctx, doc: dict[str, Any]) -> Progress:
    steps = tuple(ctx.label(zh, en) for zh, en in STEPS[doc["type"]])
    status = doc["status"]
    ended = None
    if status in ("cancelled", "closed"):
        ended = doc["status_label"]
        current = 0
    elif status == "completed":
        current = len(steps)
    elif status in ("pending_refund", "refunding"):
        current = len(steps) - 2
    else:
        current = AT.get(status, 1)
    note = doc["status_label"] if status in ("rejected", "in_arbitration") else None
    deadline = None
    nd = doc.get("next_deadline")
    if nd and nd.get("kind") in TO_BUYER and not ended:
        zh, en = TO_BUYER[nd["kind"]]
        at = datetime.fromisoformat(nd["at"]).strftime("%Y-%m-%d %H:%M")
        deadline = ctx.label(zh, en).format(at=at)
    return Progress(steps, current, ended, note, deadline)
