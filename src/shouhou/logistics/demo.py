"""Demo parcel problems at several steps, through the same services as real traffic (`shouhou demo`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from shouhou.accounts import service as accounts
from shouhou.cases import service as cases
from shouhou.engine.context import Ctx


def load(ctx: Ctx, photo: Callable[[str], str]) -> None:
    """`photo(name)` saves an upload and gives its link (the evidence of a report)."""
    def as_(name: str) -> Ctx:
        return replace(ctx, actor=accounts.actor_for(ctx.session, accounts.get_user(ctx.session, name)))

    agent, warehouse, finance, buyer2 = as_("agent"), as_("warehouse"), as_("finance"), as_("buyer2")
    # Signed for, never received: the buyer asks; the agent calls the carrier.
    case = cases.create(buyer2, {"type": "logistics", "order_no": "D1010", "problem": "signed_not_received",
                                 "description": "物流显示已签收，但我没有收到"})
    cases.transition(agent, case.no, "log_query", case.version, {
        "agent_id": "851", "query_result": "快递员称放在小区快递柜，已让网点核实",
        "message": "已为您联系顺丰（工号 851），快递员称放在小区快递柜，请查看取件码短信；我们也在让网点核实"})
    # A lamp that arrived broken: queried, reported with its evidence, paid for by the carrier.
    case = cases.create(agent, {"type": "logistics", "order_no": "D1011", "problem": "damaged", "channel": "hotline",
                                "description": "买家签收时发现台灯灯罩碎裂"})
    case = cases.transition(agent, case.no, "log_query", case.version, {
        "agent_id": "3307", "query_result": "快递客服确认运输途中破损，可以报损", "message": "快递已确认破损，我们马上为您处理"})
    case = cases.transition(warehouse, case.no, "report_damage", case.version, {
        "delivery_area": "杭州市西湖区", "delivery_result": "已签收，灯罩碎裂",
        "transaction_copy": [photo("deal")], "waybill_copy": [photo("waybill")],
        "sender_id_copy": [photo("sender-id")], "damage_photos": [photo("broken-lamp")]})
    cases.transition(finance, case.no, "record_carrier_compensation", case.version,
                     {"amount": "229.00", "claim_no": "SF-LP-0001"})
