"""The registered units an exchange replaces (客户资料袋): each unit sent takes a returned one's place,
its 三包 periods starting again (三包规定: 换货后重新计算), as `POST /units/{serial}/replace` records by hand.
The periods run from the day the buyer has it (`confirm_receipt`), not the day it was shipped."""

from __future__ import annotations

from shouhou.engine.runner import Step
from shouhou.errors import Invalid
from shouhou.units import service as units
from shouhou.units.schemas import ReplaceIn


def record(step: Step) -> None:
    ctx, case = step.ctx, step.case
    given = list(step.payload.replacements)
    if len({r.serial for r in given}) < len(given) or len({r.new_serial for r in given}) < len(given):
        raise Invalid("replacement_repeated", en="Each unit is replaced once, by a unit of its own",
                      zh="每件产品只能被替换一次，且替换品序列号不能重复")
    for r in given:
        unit = units.by_serial(ctx, case.store_id, r.serial)
        if unit is None or case.order_id is None or unit.order_id != case.order_id:
            raise Invalid("replacement_not_in_order", en="Unit {serial} is not registered for this case's order",
                          zh="产品 {serial} 不属于本售后单的订单", serial=r.serial)
        units.replaced(ctx, unit, ReplaceIn(new_serial=r.new_serial, note=f"换货 {case.no}"))
        units.record_service(ctx, unit, case, "exchange")


def received(step: Step) -> None:
    units.exchange_received(step.ctx, step.case.id, step.ctx.clock.now())
