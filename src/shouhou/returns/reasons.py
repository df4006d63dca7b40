"""The reason catalogue (SPEC §4.8): per store, per type, ordered, hideable.

A store with no rows uses the default catalogue; its first edit copies the defaults in,
after which its rows are authoritative. Each reason names the policy ground it implies,
which decides whether it is a quality (merchant-side) problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from shouhou.accounts.service import store_cached, store_config_changed, store_for_caller
from shouhou.db.cache import cache_of
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import require
from shouhou.errors import Conflict, Invalid, not_found
from shouhou.fields import Line, parse_as
from shouhou.models import Reason, Store
from shouhou.policy.facts import GROUNDS as POLICY_GROUNDS
from shouhou.policy.facts import QUALITY_GROUNDS

RETURN_TYPES = ("refund_only", "return_refund", "exchange")
GROUNDS = POLICY_GROUNDS  # none | quality | not_as_described | damaged_in_transit | merchant


@dataclass(frozen=True)
class ReasonView:
    code: str
    label_zh: str
    label_en: str
    case_types: tuple[str, ...]
    ground: str
    visible: bool
    position: int

    @property
    def quality(self) -> bool:
        """A statutory quality ground; the merchant's fault without a defect (`merchant`) is not one."""
        return self.ground in QUALITY_GROUNDS

    def applies_to(self, case_type: str) -> bool:
        return not self.case_types or case_type in self.case_types


_ALL = RETURN_TYPES
DEFAULTS = (
    ReasonView("no_longer_wanted", "不想要了/七天无理由", "No longer wanted (7-day no reason)", _ALL, "none", True, 10),
    # 仅退款 without anybody at fault [002][004]: a refusal after shipment is then the buyer's cost.
    ReasonView("ordered_by_mistake", "拍错/多拍", "Ordered by mistake / too many", ("refund_only",), "none", True, 12),
    ReasonView("agreed_with_seller", "协商一致退款", "Agreed with the seller", ("refund_only",), "none", True, 14),
    # The merchant's fault without a defect: shipping on the merchant, no statutory quality ground.
    ReasonView("out_of_stock", "缺货", "Out of stock", ("refund_only",), "merchant", True, 16),
    ReasonView("late_shipment", "未按约定时间发货", "Not shipped when promised", ("refund_only", "return_refund"),
               "merchant", True, 18),
    ReasonView("size_fit", "尺码不合适", "Wrong size / fit", ("return_refund", "exchange"), "none", True, 20),
    ReasonView("quality_issue", "质量问题", "Quality problem", _ALL, "quality", True, 30),
    ReasonView("not_as_described", "与描述不符", "Not as described", _ALL, "not_as_described", True, 40),
    ReasonView("wrong_item", "发错货", "Wrong item sent", _ALL, "not_as_described", True, 50),
    ReasonView("missing_parts", "少件/漏发", "Missing parts", _ALL, "not_as_described", True, 60),
    ReasonView("damaged_in_transit", "运输破损", "Damaged in transit", _ALL, "damaged_in_transit", True, 70),
    ReasonView("not_received", "未收到货", "Not received", ("refund_only",), "quality", True, 80),
    ReasonView("other", "其他", "Other", _ALL, "quality", True, 90),
)


def _view(r: Reason) -> ReasonView:
    return ReasonView(r.code, r.label_zh, r.label_en, tuple(r.case_types), r.ground, r.visible, r.position)


def _rows(ctx: Ctx, store: Store) -> list[Reason]:
    return cache_of(ctx.session).get(("reasons", store.id), lambda: list(ctx.session.scalars(
        select(Reason).where(Reason.store_id == store.id).order_by(Reason.position, Reason.id))))


def catalogue(ctx: Ctx, store: Store, *, include_hidden: bool = False) -> list[ReasonView]:
    views = store_cached(store, "reasons", lambda: _views(ctx, store))
    return list(views) if include_hidden else [v for v in views if v.visible]


def _views(ctx: Ctx, store: Store) -> tuple[ReasonView, ...]:
    rows = _rows(ctx, store)
    views = [_view(r) for r in rows if not r.deleted] if rows else list(DEFAULTS)
    return tuple(sorted(views, key=lambda v: (v.position, v.code)))


def for_type(ctx: Ctx, store: Store, case_type: str, *, include_hidden: bool = False) -> list[ReasonView]:
    return [v for v in catalogue(ctx, store, include_hidden=include_hidden) if v.applies_to(case_type)]


def pick(ctx: Ctx, store: Store, case_type: str, code: str) -> ReasonView:
    for v in for_type(ctx, store, case_type):
        if v.code == code:
            return v
    raise Invalid("unknown_reason", en="{code} is not a reason offered for {type}",
                  zh="{code} 不是「{type}」可选的原因", code=code, type=case_type,
                  reasons=[v.code for v in for_type(ctx, store, case_type)])


def _materialise(ctx: Ctx, store: Store) -> list[Reason]:
    cache_of(ctx.session).forget(("reasons", store.id))  # about to change: read afresh
    store_config_changed(store)
    rows = _rows(ctx, store)
    if rows:
        return rows
    for d in DEFAULTS:
        ctx.session.add(Reason(store_id=store.id, code=d.code, label_zh=d.label_zh, label_en=d.label_en,
                               case_types=list(d.case_types), ground=d.ground, visible=d.visible,
                               position=d.position, deleted=False, extra={}))
    ctx.session.flush()
    cache_of(ctx.session).forget(("reasons", store.id))
    return _rows(ctx, store)


def _validate(case_types: list[str], ground: str) -> None:
    unknown = sorted(set(case_types) - set(RETURN_TYPES))
    if unknown:
        raise Invalid("invalid_case_types", en="Unknown case types {types}", zh="未知售后类型 {types}",
                      types=unknown, known=list(RETURN_TYPES))
    if ground not in GROUNDS:
        raise Invalid("invalid_ground", en="ground must be one of {known}", zh="ground 须为 {known} 之一",
                      ground=ground, known=list(GROUNDS))


# As the API's schema says (ReasonIn): the console's form reaches upsert without it.
_CODE = re.compile(r"[a-z0-9_]{1,40}")


def _check_row(code: str, label_zh: str, label_en: str) -> None:
    if not _CODE.fullmatch(code):
        raise Invalid("invalid_reason_code", en="A reason's code is 1-40 lowercase letters, digits or _ (e.g. "
                      "size_fit), not {code}", zh="原因代码须为 1-40 位小写字母、数字或下划线（如 size_fit），不能是 {code}",
                      code=code)
    if not label_zh.strip() or not label_en.strip():
        raise Invalid("reason_label_required", en="A reason needs a Chinese and an English label",
                      zh="原因须填写中文和英文名称")
    parse_as(Line, label_zh, "label_zh")  # as the API's ReasonIn, for the console's form too
    parse_as(Line, label_en, "label_en")


def upsert(ctx: Ctx, store_code: str, code: str, *, label_zh: str, label_en: str, case_types: list[str],
           ground: str, visible: bool = True, position: int | None = None, create: bool) -> ReasonView:
    store = store_for_caller(ctx, store_code)
    require(ctx.actor, "reason.write", store.id)
    _validate(case_types, ground)
    _check_row(code, label_zh, label_en)
    rows = {r.code: r for r in _materialise(ctx, store)}
    row = rows.get(code)
    if create and row is not None and not row.deleted:
        raise Conflict("reason_exists", en="Reason {code} already exists", zh="原因 {code} 已存在", code=code)
    if not create and (row is None or row.deleted):
        raise not_found("reason", code)
    if row is None:
        row = Reason(store_id=store.id, code=code, extra={})
        ctx.session.add(row)
    row.label_zh, row.label_en, row.case_types, row.ground = label_zh, label_en, case_types, ground
    row.visible, row.deleted = visible, False
    row.position = position if position is not None else (row.position or 10 * (len(rows) + 1))
    ctx.session.flush()
    return _view(row)


def delete(ctx: Ctx, store_code: str, code: str) -> None:
    """Soft delete: old cases keep pointing at the code."""
    store = store_for_caller(ctx, store_code)
    require(ctx.actor, "reason.write", store.id)
    row = {r.code: r for r in _materialise(ctx, store)}.get(code)
    if row is None or row.deleted:
        raise not_found("reason", code)
    row.deleted = True
    ctx.session.flush()


def reorder(ctx: Ctx, store_code: str, codes: list[str]) -> list[ReasonView]:
    store = store_for_caller(ctx, store_code)
    require(ctx.actor, "reason.write", store.id)
    rows = {r.code: r for r in _materialise(ctx, store) if not r.deleted}
    missing = [c for c in codes if c not in rows]
    if missing:
        raise not_found("reason", ",".join(missing))
    # The listed reasons first, in that order; the others after them, keeping their order.
    rest = [r.code for r in sorted(rows.values(), key=lambda r: (r.position, r.id)) if r.code not in codes]
    for i, c in enumerate([*codes, *rest], start=1):
        rows[c].position = i * 10
    ctx.session.flush()
    return catalogue(ctx, store, include_hidden=True)


def label(view: ReasonView, lang: str) -> str:
    return view.label_en if lang.startswith("en") else view.label_zh


def describe_code(ctx: Ctx, store: Store, code: str) -> ReasonView | None:
    for v in catalogue(ctx, store, include_hidden=True):
        if v.code == code:
            return v
    for d in DEFAULTS:
        if d.code == code:
            return d
    return None


# 拒绝理由: what a reviewer most often writes when refusing, offered on the reject form; a
# store's admin edits them on the reasons page (kept in the store's settings).
DEFAULT_REJECT_REASONS = (
    ("商品已拆封使用，影响二次销售", "The item was opened and used; it cannot be sold again"),
    ("超出售后期限", "The after-sales period is over"),
    ("退回商品缺少配件或赠品", "Accessories or gifts are missing from the parcel"),
    ("未提供有效凭证（照片或视频）", "No valid evidence (photos or a video)"),
    ("退回商品与订单商品不符", "The returned item is not the one ordered"),
    ("已与买家协商一致，由买家撤销申请", "Agreed with the buyer: the buyer withdraws the request"),
)


def reject_reasons(store: Store, lang: str = "zh") -> list[str]:
    """The store's own texts when its admin saved some, else the defaults in the reader's language."""
    saved = (store.settings or {}).get("reject_reasons")
    if isinstance(saved, list):
        return list(saved)
    return [en if lang == "en" else zh for zh, en in DEFAULT_REJECT_REASONS]


def set_reject_reasons(ctx: Ctx, store_code: str, texts: list[str]) -> list[str]:
    store = store_for_caller(ctx, store_code)
    require(ctx.actor, "reason.write", store.id)
    cleaned = list(dict.fromkeys(t.strip() for t in texts if t.strip()))
    if any(len(t) > 200 for t in cleaned) or len(cleaned) > 50:
        raise Invalid("invalid_reject_reasons", en="Up to 50 reasons of up to 200 characters each",
                      zh="最多 50 条，每条不超过 200 字")
    parse_as(list[Line], cleaned, "texts")  # one line each: a preset a reviewer picks as the rejection's reason
    store.settings = {**(store.settings or {}), "reject_reasons": cleaned}  # a new dict: the change is seen
    ctx.session.flush()
    return cleaned
