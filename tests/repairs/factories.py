"""Repair and installation cases in any state for the generated engine tests (tests/engine/factories.py)."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shouhou.cases import service as cases
from shouhou.models import Case, Store, User
from shouhou.models.outlets import Outlet
from shouhou.models.repairs import RepairDetail, RepairFee
from shouhou.units import service as units
from shouhou.units.schemas import UnitIn
from tests.builders import World
from tests.engine.factories import Sample, put_in_state, register
from tests.repairs.helpers import CONTACT, SIGNATURE, WINDOW, unit_body

_serials = itertools.count(1)
AFTER_DISPATCH = frozenset({"scheduled", "on_site", "in_workshop", "awaiting_approval", "in_repair", "awaiting_parts",
                            "at_vendor", "qc", "ready_for_return", "returned", "awaiting_payment", "completed"})


def _fee(session: Session, case: Case) -> None:
    session.add(RepairFee(store_id=case.store_id, case_id=case.id, kind="extra", description="上门费", amount_fen=1000,
                          source="onsite", created_at=case.created_at))


def _paid(session: Session, case: Case) -> None:
    session.execute(update(RepairDetail).where(RepairDetail.case_id == case.id).values(service_type="paid"))


COMMON: dict[str, dict[str, Any] | Sample] = {
    "dispatch": {"technician": "technician-S1", "window": WINDOW},
    "assign_outlet": {"outlet": "OUT1"},
    "reschedule": {"window": {"start": "2026-11-26T14:00:00+08:00", "end": "2026-11-26T16:00:00+08:00"}},
    "redispatch": {"technician": "technician-S1", "window": WINDOW},
    "check_in": {"geo_note": "小区门口"},
    "collect_fee": Sample({"amount": "10.00", "method": "cash"}, _fee),
    "issue_invoice": Sample({"invoice_no": "INV-1"}, _fee),
    "write_off": Sample({"reason": "客户困难，经理同意减免"}, _fee),
    "change_service_type": {"service_type": "paid", "reason": "人为损坏，不属三包"},
    "cancel": {}, "note": {"note": "内部备注"}, "rate": {"score": 5, "comment": "很满意"},
    "response_overdue": {}, "remind_appointment": {},
}
REPAIR_SAMPLES: dict[str, dict[str, Any] | Sample] = {
    **COMMON,
    "complete_onsite": {"diagnosis": "排水管堵塞", "fault_code": "drain", "labour_minutes": 30, "signature": SIGNATURE},
    "take_in": {"condition": "外观完好", "accessories": ["进水管"], "signature": SIGNATURE},
    "receive_unit": {"condition": "外观完好", "carrier": "SF", "tracking_no": "SF-IN-1"},
    "quote": Sample({"labour_minutes": 60, "call_out": True}, _paid),
    "approve_quote": {}, "decline_quote": {"note": "太贵"},
    "start_repair": {}, "log_work": {"diagnosis": "排水泵堵塞", "labour_minutes": 20},
    "wait_parts": {"note": "等排水泵"}, "parts_arrived": {},
    "send_to_vendor": {"rma_no": "RMA-1", "carrier": "SF", "tracking_no": "SF-V-1"}, "vendor_returned": {},
    "finish_repair": {"result": "fixed", "fault_code": "drain", "labour_minutes": 30},
    "pass_qc": {}, "fail_qc": {"reason": "仍有异响"},
    "return_unit": {"method": "in_person", "signature": SIGNATURE},
    "confirm_return": {}, "propose_exchange": {}, "propose_return": {},
    "remind_pickup": {}, "flag_unclaimed": {},
}
INSTALLATION_SAMPLES: dict[str, dict[str, Any] | Sample] = {
    **COMMON, "complete_onsite": {"labour_minutes": 45, "signature": SIGNATURE, "work_done": "安装调试完成"},
}


def _given(world: World) -> None:
    """An outlet the cases may be given to (once per test)."""
    with world.db.session() as s:
        if s.scalars(select(Outlet).where(Outlet.code == "OUT1")).first() is None:
            s.add(Outlet(store_id=_store_id(s), code="OUT1", name="浦东网点",
                         areas=["浦东新区"], job_fees={"repair": 8000}, per_km_fen=200, radius_km=10,
                         parts_margin_bp=1000, supervisors=[], active=True, created_at=world.clock.now()))


def _store_id(session: Session) -> int:
    return session.scalars(select(Store.id).where(Store.code == "S1")).one()


def repair(world: World, case_type: str, status: str) -> Case:
    serial = f"F-{case_type}-{status}-{next(_serials)}"
    with world.ctx() as ctx:
        units.create(ctx, UnitIn.model_validate(unit_body(serial)))
    body: dict[str, Any] = {"type": case_type, "store": "S1", "customer": "u1001", "serial": serial,
                            "contact": CONTACT}
    if case_type == "repair":
        body |= {"fault": "不排水", "fault_code": "drain", "mode": "onsite", "channel": "hotline"}
    with world.ctx(world.actor("agent-S1")) as ctx:
        case = cases.create(ctx, body)
    _given(world)
    if status in AFTER_DISPATCH:
        with world.db.session() as s:
            tech = s.scalars(select(User.id).where(User.username == "technician-S1")).one()
            s.execute(update(RepairDetail).where(RepairDetail.case_id == case.id).values(technician_id=tech))
    return put_in_state(world, case.id, status)


register("repair", samples=REPAIR_SAMPLES)(repair)
register("installation", samples=INSTALLATION_SAMPLES)(repair)
