"""Demo data for the service department: technicians, units, a contract, parts and repair cases in
many states — through the same services as real traffic (`shouhou demo` calls `load`)."""

from __future__ import annotations

import base64
import struct
import zlib
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shouhou.accounts import service as accounts
from shouhou.cases import service as cases
from shouhou.engine.context import Ctx
from shouhou.parts import service as parts
from shouhou.repairs import dispatch
from shouhou.units import service as units
from shouhou.units.schemas import ContractIn, CoversIn, UnitIn, VisitsIn

PASSWORD = "shouhou123"
EVERY_DAY = {d: [["08:00", "12:00"], ["13:00", "20:00"]] for d in dispatch.DAYS}
CONTACT = {"name": "张三", "phone": "13800000000", "address": "上海市浦东新区世纪大道 100 号", "district": "浦东新区"}
CONTACT2 = {"name": "李四", "phone": "13900000000", "address": "北京市朝阳区建国路 1 号", "district": "朝阳区"}


def _png() -> str:
    """A small signature-like PNG (a diagonal stroke), as a data URL."""
    width, height = 120, 40
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            ink = abs(y - x * height // width) < 2
            row += b"\x10\x10\x10" if ink else b"\xff\xff\xff"
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode()


LOGINS = (("technician2", PASSWORD, "technician", "S1"),)


def load(ctx: Ctx) -> list[tuple[str, str, str, str]]:
    """Returns the extra logins it made (user / password / role / store)."""
    accounts.add_user(ctx, "technician2", "technician", store_code="S1", password=PASSWORD, display_name="王师傅",
                      password_policy_applies=False)  # the published demo password
    dispatch.put_profile(ctx, "technician", "S1", {"skills": ["家电"], "areas": ["浦东新区", "闵行区"],
                                                   "hours": EVERY_DAY})
    dispatch.put_profile(ctx, "technician2", "S1", {"skills": ["家电", "小家电"],
                                                    "areas": ["朝阳区", "徐汇区"], "hours": EVERY_DAY})
    _parts(ctx)
    _units(ctx)
    _cases(ctx)
    ctx.session.flush()
    return list(LOGINS)


def _parts(ctx: Ctx) -> None:
    for sku, name, price, cost, point, models in (
            ("PUMP-WM10", "排水泵", 12000, 6000, 2, ["WM-10KG"]), ("BELT-WM10", "皮带", 4500, 1800, 2, ["WM-10KG"]),
            ("FAN-FR5", "冷凝风扇", 16800, 8800, 1, ["FR-500L"]),
            ("BOARD-AC", "空调主板", 32000, 19000, 1, ["KFR-35"])):
        part = parts.create_part(ctx, "S1", sku=sku, name=name, price=price, cost=cost, reorder_point=point,
                                 models=models, maker="海尔" if sku != "BOARD-AC" else "格力")
        parts.record_movement(ctx, part, location="central", qty=6 if sku != "BOARD-AC" else 1, kind="receipt",
                              note="期初入库")
        if sku == "PUMP-WM10":
            parts.record_movement(ctx, part, location="central", qty=2, kind="transfer",
                                  to_location="van:technician")


def _units(ctx: Ctx) -> None:
    units.create_from_order(ctx, "D1001")
    units.create_from_order(ctx, "D1002")
    long_ago = ctx.clock.now() - timedelta(days=600)
    for serial, model, name, customer, months in (("AC-KFR35-0007", "KFR-35", "壁挂空调 1.5 匹", "u1001", 12),
                                                  ("WM-OLD-2019", "WM-10KG", "滚筒洗衣机 10kg", "u1002", 12)):
        # Money in yuan text, as the API takes it (a number is refused, not read as fen).
        units.create(ctx, UnitIn.model_validate({
            "store": "S1", "serial": serial, "model": model, "name": name, "category": "家电",
            "customer": customer, "tags": ["sanbao"], "warranty_months": months, "delivered_at": long_ago,
            "channel": "online", "price": "2999.00", "district": "浦东新区" if customer == "u1001" else "朝阳区"}))
    today = ctx.clock.now().date()
    units.create_contract(ctx, ContractIn.model_validate({
        "store": "S1", "customer": "u1001", "serials": ["AC-KFR35-0007"], "starts_on": today - timedelta(days=30),
        "ends_on": today + timedelta(days=335), "fee": "480.00", "response_hours": 8,
        "visits": VisitsIn(every_months=6), "covers": CoversIn(labour=True, parts=False, call_out=True)}))


def _as(ctx: Ctx, username: str) -> Ctx:
    return replace(ctx, actor=accounts.actor_for(ctx.session, accounts.get_user(ctx.session, username)))


def _window(ctx: Ctx, days: int, hour: int) -> dict[str, str]:
    tz = ZoneInfo("Asia/Shanghai")
    day = ctx.clock.now().astimezone(tz).date() + timedelta(days=days)
    return _two_hours(datetime.combine(day, time(hour), tzinfo=tz))


def _working_now(ctx: Ctx) -> dict[str, str]:
    """The two working hours going on now or next (EVERY_DAY's 08–12 and 13–20; after 20:00,
    tomorrow's first), so that today's visits fit the technicians' hours whenever the demo loads."""
    tz = ZoneInfo("Asia/Shanghai")
    now = ctx.clock.now().astimezone(tz)
    starts = [datetime.combine(now.date(), time(h), tzinfo=tz) for h in (8, 9, 10, 13, 14, 15, 16, 17, 18)]
    return _two_hours(next((t for t in starts if t + timedelta(hours=2) > now),
                           datetime.combine(now.date() + timedelta(days=1), time(8), tzinfo=tz)))


def _two_hours(start: datetime) -> dict[str, str]:
    return {"start": start.isoformat(), "end": (start + timedelta(hours=2)).isoformat()}


def _cases(ctx: Ctx) -> None:
    agent, sup, tech, buyer = _as(ctx, "agent"), _as(ctx, "supervisor"), _as(ctx, "technician"), _as(ctx, "buyer")
    sign = _png()

    def call(who: Ctx, **body: Any) -> str:
        return cases.create(who, {"type": "repair", "channel": "hotline", "contact": CONTACT, **body}).no

    def run(who: Ctx, no: str, action: str, **fields: Any) -> None:
        cases.transition(who, no, action, cases.get(who, no).version, fields)

    def dispatched(no: str, technician: str = "technician") -> None:  # for the working hours now
        run(sup, no, "dispatch", technician=technician, window=_working_now(ctx))

    # waiting on the board
    call(agent, order_no="D1002", fault="冰箱冷藏室不制冷", fault_code="no_cooling", contact=CONTACT2)
    call(buyer, serial="WM10-2026-0001", fault="洗衣机排水慢", fault_code="drain", channel="portal")
    # completed on site today, signed
    no = call(agent, serial="WM10-2026-0001", fault="门锁报警", fault_code="error_code")
    dispatched(no)
    run(tech, no, "check_in")
    run(tech, no, "complete_onsite", diagnosis="门锁开关接触不良", labour_minutes=25, work_done="更换门锁插件",
        signature=sign)
    # scheduled for now: the technician's next job, once the one before is done
    no = call(agent, serial="AC-KFR35-0007", fault="空调漏水", fault_code="leak")
    dispatched(no)
    # on site now
    no = call(agent, serial="WM-OLD-2019", fault="脱水时异响", fault_code="noise", contact=CONTACT2)
    dispatched(no, "technician2")
    run(_as(ctx, "technician2"), no, "check_in", geo_note="小区东门")
    # carry-in, in the workshop, in repair, waiting for parts, at the maker, QC, ready for pickup
    stages: list[tuple[str, list[tuple[Ctx, str, dict[str, Any]]]]] = [
        ("in_workshop", []),
        ("in_repair", [(tech, "start_repair", {}),
                       (tech, "log_work", {"diagnosis": "主板电容鼓包", "labour_minutes": 30})]),
        ("awaiting_parts", [(tech, "start_repair", {}), (tech, "wait_parts", {"note": "等主板到货"})]),
        ("at_vendor", [(tech, "send_to_vendor", {"vendor": "格力售后", "rma_no": "GR-RMA-2026-118", "carrier": "SF",
                                                   "tracking_no": "SF1188001"})]),
        ("qc", [(tech, "start_repair", {}), (tech, "finish_repair", {"result": "fixed", "labour_minutes": 40,
                                                                     "diagnosis": "更换排水泵",
                                                                     "parts": [{"sku": "PUMP-WM10", "qty": 1,
                                                                                "old_serial": "P-OLD-01"}]})]),
        ("ready_for_return", [(tech, "start_repair", {}), (tech, "finish_repair", {"result": "fixed",
                                                                                   "labour_minutes": 20}),
                              (sup, "pass_qc", {})]),
    ]
    for _stage, steps in stages:
        no = call(agent, serial="WM10-2026-0001", fault="不排水", fault_code="drain", mode="carry_in",
                  channel="counter")
        run(agent, no, "receive_unit", condition="外观完好", accessories=["进水管"])
        for who, action, fields in steps:
            run(who, no, action, **fields)
    # paid work waiting for the customer's answer to the quote
    no = call(agent, serial="WM-OLD-2019", fault="不通电", fault_code="no_power", mode="mail_in", contact=CONTACT2,
              channel="taobao")
    run(_as(ctx, "warehouse"), no, "receive_unit", carrier="YTO", tracking_no="YT2026IN77", condition="包装完好")
    run(tech, no, "quote", labour_minutes=60, parts=[{"sku": "BELT-WM10", "qty": 1}])
    # an installation booked from the order
    cases.create(buyer, {"type": "installation", "order_no": "D1001", "line_no": 1, "contact": CONTACT,
                         "channel": "portal", "preferred_time": _window(ctx, 3, 14)})
