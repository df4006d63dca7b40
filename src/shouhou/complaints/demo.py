"""Demo complaints at several steps, through the same services as real traffic (`shouhou demo`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from shouhou.accounts import service as accounts
from shouhou.cases import service as cases
from shouhou.engine.context import Ctx

FOUNDED = {"substantiated": True, "responsible": "staff", "responsible_staff": "technician", "remedy": "compensation",
           "description": "向您致歉，师傅迟到属实，补偿 50 元并赠送滤网一套", "compensation": "50.00", "gift": "洗衣机滤网一套"}
SUPPLIER = {"substantiated": True, "responsible": "supplier", "supplier": "华东电器配件厂", "remedy": "exchange",
            "description": "门封条质量问题属实，为您免费更换新门封条", "goods": "冰箱门封条一根"}


def load(ctx: Ctx) -> None:
    def as_(name: str) -> Ctx:
        return replace(ctx, actor=accounts.actor_for(ctx.session, accounts.get_user(ctx.session, name)))

    agent, supervisor, buyer, finance = as_("agent"), as_("supervisor"), as_("buyer"), as_("finance")
    investigate = ("investigate", {"message": "您反映的问题我们已记录，正在核实", "wish": "道歉并补偿"})
    plan: list[tuple[Ctx, dict[str, Any], list[tuple[Ctx, str, dict[str, Any]]]]] = [
        (buyer, {"type": "complaint", "order_no": "D1003", "category": "delivery", "reason": "送货师傅把包装箱扔在楼下"},
         []),
        (agent, {"type": "complaint", "order_no": "D1001", "category": "repair_service", "channel": "hotline",
                 "reason": "维修师傅迟到两个小时，态度也不好"},
         [(agent, *investigate), (agent, "propose", FOUNDED), (supervisor, "approve_proposal", {}),
          (agent, "agree", {"signed_by": "张三"}), (finance, "pay_compensation", {"note": "已通过支付宝转账"})]),
        (agent, {"type": "complaint", "store": "S1", "customer": "u1002", "category": "product_quality",
                 "channel": "hotline", "reason": "冰箱门封条用了一个月就开裂"},
         [(agent, *investigate), (agent, "propose", SUPPLIER)]),
    ]
    for who, body, steps in plan:
        case = cases.create(who, body)
        for actor, action, fields in steps:
            case = cases.transition(actor, case.no, action, case.version, fields)
