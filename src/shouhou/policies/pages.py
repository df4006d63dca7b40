"""Console: the store's after-sales policy, with the statutory floor beside each field."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shouhou.accounts import service as accounts
from shouhou.engine.context import Ctx
from shouhou.errors import Invalid, ShouhouError
from shouhou.fields import local_iso
from shouhou.policies import service
from shouhou.web import nav
from shouhou.web.session import check_csrf, staff_only
from shouhou.web.templating import render

router = APIRouter(include_in_schema=False)
nav.register("/console/policy", "Store policy", {"admin"}, order=70)

# name, 中文, English, kind
FIELDS: list[tuple[str, str, str, str]] = [
    ("no_reason_return_days", "七天无理由退货天数", "No-reason return days", "int"),
    ("exchange_days", "无理由换货天数", "No-reason exchange days", "int"),
    ("quality_return_days", "质量问题退货天数", "Quality return days", "int"),
    ("quality_exchange_days", "质量问题换货天数", "Quality exchange days", "int"),
    ("in_store_return_days", "门店购买无理由退货天数", "In-store no-reason return days", "int"),
    ("review_timeout_hours", "审核超时（小时，超时自动同意）", "Review timeout (hours, then auto-approve)", "int"),
    ("buyer_ship_days", "买家退货期限（天）", "Buyer must ship within (days)", "int"),
    ("receipt_confirm_days", "商家确认收货期限（天）", "Merchant confirms receipt within (days)", "int"),
    ("refund_due_days", "收到退货后退款期限（天）", "Refund within (days of receiving the return)", "int"),
    ("exchange_confirm_days", "换货自动确认（天）", "Exchange auto-confirms after (days)", "int"),
    ("receipt_extension_days", "换货协商时延长收货（天）", "Extend the order's receipt confirmation during an exchange by (days)",
     "int"),
    ("buyer_modify_days", "拒绝后买家修改期限（天）", "Buyer may modify a rejection within (days)", "int"),
    ("reship_days", "换货发出期限（天，超时升级主管）", "Ship the replacement within (days, then escalate)", "int"),
    ("free_return_shipping", "商家承担退货运费", "Merchant pays return shipping", "bool"),
    ("return_postage_cap", "退货运费报销上限（元，0 为不限）", "Return postage reimbursed up to (yuan, 0 = no cap)",
     "money"),
    ("refund_coupons_as_cash", "优惠券以现金退还", "Refund coupons as cash", "bool"),
    ("refund_red_packets_as_cash", "红包以现金退还", "Refund red packets as cash", "bool"),
    ("refund_points_as_cash", "积分以现金退还", "Refund points as cash", "bool"),
    ("deduct_outbound_postage_free_shipping", "包邮商品无理由退货扣除发货邮费",
     "Deduct the outbound postage on a no-reason return of a free-shipping order", "bool"),
    ("free_shipping_postage", "包邮订单的发货邮费（元）", "Outbound postage of a free-shipping order (yuan)", "money"),
    ("after_completion_fee_rate", "交易成功后退款手续费（%）", "Fee on refunds after the order completed (%)", "rate"),
    ("missing_invoice_rate", "发票未退回扣点（%）", "Deduction when the invoice is not sent back (%)", "rate"),
    ("bundle_return_whole", "套餐须整套退回", "Bundles come back whole only", "bool"),
    ("refund_timing", "退款时机", "Refund timing", "timing"),
    ("fast_refund_max", "极速退款金额上限（元，0 为不限）", "Fast refund up to (yuan, 0 = no limit)", "money"),
    ("fast_refund_levels", "极速退款会员等级（逗号分隔，空为不限）", "Fast refund buyer levels (comma-separated)", "list"),
]


OVERRIDE_ROWS = 3  # empty rows offered for new per-category overrides


def _page(request: Request, ctx: Any, store: Any, error: str | None = None, status: int = 200,
          sent: dict[str, Any] | None = None) -> Response:
    """The policy form; `sent` (a refused form) is shown again as typed instead of the saved values."""
    doc = service.policy_document(ctx, store.code)
    overrides = [(category, name, value) for category, values in doc["policy"]["category_overrides"].items()
                 for name, value in values.items()]
    if sent is not None:
        doc = {**doc, "policy": {**doc["policy"], **{name: _as_typed(sent.get(name, ""), kind)
                                                      for name, _, _, kind in FIELDS if name in sent}}}
        n, overrides = 0, []
        while f"co_category_{n}" in sent:
            category, setting, value = (str(sent.get(f"co_{k}_{n}", "")) for k in ("category", "setting", "value"))
            row = (category, setting, value)
            if any(row):
                overrides.append(row)
            n += 1
    versions = [{"version": v.version, "created_by": v.created_by, "at": local_iso(v.created_at, store.timezone)}
                for v in service.versions(ctx, store.code)]
    return render(request, "policies/admin.html", ctx, status=status, store=store, doc=doc, fields=FIELDS,
                  overrides=overrides + [("", "", "")] * OVERRIDE_ROWS, stores=accounts.visible_stores(ctx),
                  versions=versions, error=error)


@router.get("/console/policy")
def policy_page(request: Request, store: str | None = None) -> Response:
    ctx = staff_only(request)
    stores = accounts.visible_stores(ctx)
    return _page(request, ctx, accounts.store_for_caller(ctx, store or (stores[0].code if stores else None)))


@router.post("/console/policy")
async def policy_save(request: Request) -> Response:
    ctx = staff_only(request)
    form = await check_csrf(request)
    store = accounts.store_for_caller(ctx, str(form.get("store", "")) or None)
    try:
        service.put_policy(ctx, store.code, _body(form))
    except ShouhouError as exc:
        ctx.session.rollback()
        return _page(request, ctx, store, _message(exc, ctx.lang), status=422, sent=form)
    return RedirectResponse(f"/console/policy?store={store.code}", status_code=303)


def _as_typed(raw: Any, kind: str) -> Any:
    if kind == "bool":
        return str(raw) == "true"
    if kind == "list":
        return [p.strip() for p in str(raw).split(",") if p.strip()]
    return str(raw)


def _message(exc: ShouhouError, lang: str) -> str:
    """The error with the setting's name as the page shows it, not its field code."""
    field = str(exc.details.get("field", ""))
    prefix, _, name = field.rpartition(".")
    labels = {n: (zh, en) for n, zh, en, _ in FIELDS}
    if name not in labels:
        return exc.message(lang)
    label = labels[name][1 if lang == "en" else 0]
    if prefix:  # category_overrides[大家电]
        category = prefix[prefix.find("[") + 1:prefix.rfind("]")] if "[" in prefix else prefix
        label = f"{category}: {label}" if lang == "en" else f"{category}：{label}"
    return type(exc)(exc.code, en=exc.en, zh=exc.zh, **{**exc.details, "field": label}).message(lang)


def _body(form: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name, _, _, kind in FIELDS:
        raw = str(form.get(name, "")).strip()
        if kind == "int":
            if not raw.lstrip("-").isdigit():
                zh, en = next((z, e) for n, z, e, _ in FIELDS if n == name)
                raise Invalid("invalid_policy", en="{label} must be a whole number", zh="{label_zh}必须是整数",
                              field=name, label=en, label_zh=zh)
            body[name] = int(raw)
        elif kind == "bool":
            body[name] = raw == "true"
        elif kind == "list":
            body[name] = [p.strip() for p in raw.split(",") if p.strip()]
        else:
            body[name] = raw
    body["category_overrides"] = _overrides(form)
    return body


def _overrides(form: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per-category overrides from the table's rows (co_category_N, co_setting_N, co_value_N)."""
    kinds = {name: kind for name, _, _, kind in FIELDS}
    labels = {name: (zh, en) for name, zh, en, _ in FIELDS}
    out: dict[str, dict[str, Any]] = {}
    n = 0
    while f"co_category_{n}" in form:
        category = str(form.get(f"co_category_{n}", "")).strip()
        name = str(form.get(f"co_setting_{n}", "")).strip()
        raw = str(form.get(f"co_value_{n}", "")).strip()
        n += 1
        if not category or name not in kinds:
            continue
        kind = kinds[name]
        if kind == "int":
            if not raw.lstrip("-").isdigit():
                zh, en = labels[name]
                raise Invalid("invalid_policy", en="{category}: {setting} must be a whole number",
                              zh="{category}：{setting_zh}须为整数", category=category, setting=en, setting_zh=zh)
            out.setdefault(category, {})[name] = int(raw)
        elif kind == "bool":
            out.setdefault(category, {})[name] = raw.lower() in ("true", "yes", "是", "1")
        elif kind == "list":
            out.setdefault(category, {})[name] = [p.strip() for p in raw.split(",") if p.strip()]
        else:
            out.setdefault(category, {})[name] = raw
    return out


def order_entitlements_panel(ctx: Ctx, order: Any) -> dict[str, Any]:
    """The console order page's panel: each line and what the buyer may ask for now."""
    return {"entitlements": service.order_entitlements(ctx, order)}
