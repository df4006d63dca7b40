"""Demo data: stores, a user per role, products, orders and cases in many states.

Everything goes through the same services as real traffic, so the demo is also a smoke test.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from shouhou import uploads
from shouhou.accounts import service as accounts
from shouhou.cases import service as cases
from shouhou.complaints.demo import load as load_complaints
from shouhou.engine.context import Ctx
from shouhou.fields import local_iso
from shouhou.logistics.demo import load as load_logistics
from shouhou.models import Product
from shouhou.orders import service as orders
from shouhou.orders.schemas import OrderIn
from shouhou.repairs.demo import load as load_repairs
from shouhou.reviews.demo import load as load_reviews

PASSWORD = "shouhou123"  # published in the README: demo users alone may have it (no password policy)
STAFF = [("admin", "admin", None), ("platform", "platform", None), ("supervisor", "supervisor", "S1"),
         ("agent", "agent", "S1"), ("reviewer", "reviewer", "S1"), ("finance", "finance", "S1"),
         ("warehouse", "warehouse", "S1"), ("technician", "technician", "S1"), ("agent2", "agent", "S2"),
         ("reviewer2", "reviewer", "S2"), ("shop", "integration", "S1")]
BUYERS = [("buyer", "S1", "u1001", "张三"), ("buyer2", "S1", "u1002", "李四"), ("buyer3", "S2", "u2001", "王五")]


def logins() -> list[tuple[str, str, str, str]]:
    """Every demo login (user / password / role / store), as `make run` prints them on each run."""
    from shouhou.repairs.demo import LOGINS as REPAIR_LOGINS

    staff = [(username, PASSWORD, role, store or "*") for username, role, store in STAFF]
    buyers = [(username, PASSWORD, f"customer {external_id}", store) for username, store, external_id, _ in BUYERS]
    return staff + buyers + list(REPAIR_LOGINS)


def reset_database(url: str, locations: list[str] | None = None) -> None:
    """Drop everything and migrate from scratch."""
    from shouhou.db import Base, make_engine
    from shouhou.db.migrate import upgrade

    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
    else:
        from sqlalchemy import text

        import shouhou.models  # noqa: F401

        engine = make_engine(url)
        with engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        engine.dispose()
    upgrade(url, locations=locations or [])


def load_demo(ctx: Ctx) -> list[tuple[str, str, str, str]]:
    accounts.create_store(ctx, "S1", "优选家电旗舰店", return_contact="售后仓 刘师傅", return_phone="021-55550000",
                          return_address="上海市嘉定区安亭镇墨玉路 88 号 售后仓")
    accounts.create_store(ctx, "S2", "潮流服饰店", return_contact="退货组", return_phone="0571-88880000",
                          return_address="杭州市余杭区文一西路 1 号")
    logins = []
    for username, role, store in STAFF:
        accounts.add_user(ctx, username, role, store_code=store, password=PASSWORD,
                          display_name=username, password_policy_applies=False)
        logins.append((username, PASSWORD, role, store or "*"))
    now = ctx.clock.now()
    for doc in _orders(ctx, now):
        orders.push_order(ctx, OrderIn.model_validate(doc))
    # The running shoe's other sizes are in the catalogue though nobody ordered them yet (an exchange asks for one).
    shop = accounts.get_store(ctx.session, "S1")
    ctx.session.add_all([Product(store_id=shop.id, sku=f"SHOE-{size}", name=f"跑步鞋 {size}码", category="鞋靴",
                                 created_at=now) for size in ("40", "42")])
    for username, store, external_id, name in BUYERS:
        accounts.add_user(ctx, username, "customer", store_code=store, customer_external_id=external_id,
                          password=PASSWORD, display_name=name, password_policy_applies=False)
        logins.append((username, PASSWORD, f"customer {external_id}", store))
    _consultations(ctx)
    _returns(ctx)
    logins += load_repairs(ctx)
    load_complaints(ctx)
    load_reviews(ctx)
    load_logistics(ctx, lambda name: _photo(ctx, name, (150, 150, 150)))
    ctx.session.flush()
    return logins


def _as(ctx: Ctx, username: str) -> Ctx:
    return replace(ctx, actor=accounts.actor_for(ctx.session, accounts.get_user(ctx.session, username)))


def _consultations(ctx: Ctx) -> None:
    agent, buyer = _as(ctx, "agent"), _as(ctx, "buyer")
    plan: list[tuple[Ctx, dict[str, Any], list[tuple[str, dict[str, Any]]]]] = [
        (buyer, {"type": "consultation", "order_no": "D1001", "subject": "滚筒洗衣机怎么清洗滤网？",
                 "channel": "portal"}, []),
        (agent, {"type": "consultation", "store": "S1", "customer": "u1002", "subject": "空调遥控器失灵",
                 "channel": "hotline"}, [("assign", {})]),
        (agent, {"type": "consultation", "order_no": "D1002", "subject": "冰箱噪音较大是否正常",
                 "channel": "chat"}, [("assign", {}), ("reply", {"message": "请提供冰箱型号和噪音视频"}),
                                      ("wait_on_customer", {})]),
        (agent, {"type": "consultation", "order_no": "D1001", "subject": "安装预约时间",
                 "channel": "hotline"}, [("assign", {}), ("resolve", {"resolution": "已预约周六上午安装"})]),
        (agent, {"type": "consultation", "store": "S1", "customer": "u1001", "subject": "发票抬头修改",
                 "channel": "email"}, [("assign", {}), ("resolve", {"resolution": "已重开发票"}), ("close", {})]),
    ]
    for who, body, steps in plan:
        case = cases.create(who, body)
        for action, fields in steps:
            cases.transition(agent, case.no, action, case.version, fields)


def _returns(ctx: Ctx) -> None:
    """Refunds, returns and exchanges at every step, through the same services as real traffic."""
    buyer, buyer2 = _as(ctx, "buyer"), _as(ctx, "buyer2")
    reviewer, warehouse, finance = _as(ctx, "reviewer"), _as(ctx, "warehouse"), _as(ctx, "finance")

    def apply(who: Ctx, order_no: str, case_type: str, reason: str, line_no: int = 1, qty: int = 1,
              **extra: Any) -> Any:
        return cases.create(who, {"type": case_type, "order_no": order_no, "reason": reason,
                                  "lines": [{"line_no": line_no, "qty": qty}], **extra})

    def run(who: Ctx, case: Any, action: str, **fields: Any) -> None:
        cases.transition(who, case.no, action, case.version, fields)

    apply(buyer, "D1003", "refund_only", "other", line_no=1, qty=1, description="不想要了，还没发货")
    apply(buyer, "D1004", "return_refund", "no_longer_wanted", description="颜色不喜欢")
    c = apply(buyer, "D1005", "return_refund", "quality_issue", description="开机有异响",
              photos=[_photo(ctx, "noise", (200, 80, 60))])
    run(reviewer, c, "approve")
    c = apply(buyer, "D1006", "return_refund", "size_fit")
    run(reviewer, c, "approve")
    run(buyer, c, "ship_return", carrier="SF", tracking_no="SF2026RET001")
    c = apply(buyer, "D1007", "return_refund", "not_as_described", description="与详情页颜色不符")
    run(reviewer, c, "approve", refund_amount="350.00", adjustment_reason="吊牌已剪，扣除二次销售损失 49 元")
    run(buyer, c, "ship_return", carrier="YTO", tracking_no="YT2026RET002")
    run(warehouse, c, "receive", result="accepted", note="外包装完好")
    c = apply(buyer, "D1008", "return_refund", "damaged_in_transit", photos=[_photo(ctx, "box", (120, 90, 40))])
    run(reviewer, c, "approve")
    run(buyer, c, "ship_return", carrier="SF", tracking_no="SF2026RET003")
    run(warehouse, c, "receive", result="accepted")
    run(finance, c, "approve_refund")
    c = apply(buyer2, "D1009", "exchange", "size_fit", exchange_sku="SHOE-42", photos=[_photo(ctx, "shoe", (60, 60, 200))])
    run(reviewer, c, "approve")
    run(buyer2, c, "ship_return", carrier="ZTO", tracking_no="ZT2026EXC001")
    run(warehouse, c, "receive", result="accepted")
    c = apply(buyer2, "D1010", "return_refund", "no_longer_wanted", description="买多了")
    run(reviewer, c, "reject", reason="商品已拆封使用，影响二次销售")
    c = apply(buyer2, "D1011", "refund_only", "missing_parts", description="少发了一个配件")
    run(reviewer, c, "reject", reason="仓库称重记录无误")
    run(buyer2, c, "escalate", reason="确实少了配件，有开箱视频")
    # The states pages must also show in words: a thread, a cancelled and a modified request, an
    # automatic refund before shipment, and the platform's award waiting for finance.
    c = cases.get(reviewer, _case_of(ctx, "D1004"))
    run(buyer, c, "message", message="请问什么时候可以审核？")
    run(reviewer, c, "message", message="今天内处理，请保持电话畅通")
    run(reviewer, c, "note", note="买家近期退货较多，注意核对商品")
    c = apply(buyer2, "D1010", "return_refund", "no_longer_wanted", description="多买了一条")
    run(buyer2, c, "cancel")
    c = apply(buyer, "D1008", "return_refund", "no_longer_wanted", description="颜色不喜欢")
    run(reviewer, c, "reject", reason="超出售后期限")
    run(buyer, c, "modify", reason="quality_issue", description="杯口有裂纹，附照片")
    apply(buyer, "D1003", "refund_only", "ordered_by_mistake", line_no=2, description="拍错了型号")
    platform = _as(ctx, "platform")
    c = apply(buyer2, "D1002", "refund_only", "quality_issue", description="冷藏室不制冷")
    run(reviewer, c, "reject", reason="请先联系售后上门检测")
    run(buyer2, c, "escalate", reason="已检测确认不制冷")
    run(platform, c, "arbitrate", decision="partial", refund_amount="500.00", note="按检测结果部分退款")


def _case_of(ctx: Ctx, order_no: str) -> str:
    """The first case of an order (the demo's own, to continue it)."""
    from sqlalchemy import select

    from shouhou.models import Case, Order

    return str(ctx.session.scalars(select(Case.no).join(Order, Order.id == Case.order_id)
                                   .where(Order.order_no == order_no).order_by(Case.id)).first())


def _orders(ctx: Ctx, now: Any) -> list[dict[str, Any]]:
    t = lambda days: local_iso(now - timedelta(days=days), "Asia/Shanghai")  # noqa: E731
    buyer = {"external_id": "u1001", "name": "张三", "phone": "13800000000", "level": "vip",
             "address": "上海市浦东新区世纪大道 100 号"}
    buyer2 = {"external_id": "u1002", "name": "李四", "phone": "13900000000", "level": "normal",
              "address": "北京市朝阳区建国路 1 号"}
    buyer3 = {"external_id": "u2001", "name": "王五", "phone": "13700000000", "level": "normal",
              "address": "杭州市西湖区文三路 2 号"}
    washer = {"line_no": 1, "sku": "WM-10KG", "name": "滚筒洗衣机 10kg", "category": "家电", "qty": 1,
              "unit_price": "2999.00", "tags": ["sanbao", "installation_required"], "warranty_months": 12,
              "serials": ["WM10-2026-0001"]}
    return [
        _order("D1001", "S1", buyer, t(3), "alipay", [washer], shipped=(t(3), t(1)), free_shipping=True),
        _order("D1002", "S1", buyer2, t(20), "wechat",
               [{"line_no": 1, "sku": "FR-500L", "name": "对开门冰箱 500L", "category": "家电", "qty": 1,
                 "unit_price": "4599.00", "tags": ["sanbao"], "warranty_months": 12, "serials": ["FR5-0042"]}],
               shipped=(t(19), t(17)), free_shipping=True),
        _order("D1003", "S1", buyer, t(1), "bank_card",
               [{"line_no": 1, "sku": "KT-01", "name": "电热水壶", "category": "小家电", "qty": 2,
                 "unit_price": "129.00"},
                {"line_no": 2, "sku": "FLT-3", "name": "净水滤芯 3 支装", "category": "耗材", "qty": 1,
                 "unit_price": "199.00", "discount": "20.00"}], shipping_fee="10.00", discount="30.00"),
        _order("D1004", "S1", buyer, t(5), "credit_card",
               [{"line_no": 1, "sku": "HD-9", "name": "吹风机", "category": "小家电", "qty": 1,
                 "unit_price": "399.00"}], shipped=(t(5), t(3)), free_shipping=True),
        _order("D1005", "S1", buyer, t(6), "alipay",
               [{"line_no": 1, "sku": "MW-20", "name": "微波炉 20L", "category": "小家电", "qty": 1,
                 "unit_price": "499.00", "tags": ["sanbao"], "warranty_months": 12}],
               shipped=(t(6), t(4)), free_shipping=True),
        _order("D1006", "S1", buyer, t(5), "wechat",
               [{"line_no": 1, "sku": "SHIRT-L", "name": "衬衫 L码", "category": "服装", "qty": 1,
                 "unit_price": "259.00"}], shipped=(t(5), t(2)), shipping_fee="8.00"),
        _order("D1007", "S1", buyer, t(6), "alipay",
               [{"line_no": 1, "sku": "BAG-01", "name": "通勤双肩包", "category": "箱包", "qty": 1,
                 "unit_price": "399.00"}], shipped=(t(6), t(3)), free_shipping=True),
        _order("D1008", "S1", buyer, t(7), "bank_card",
               [{"line_no": 1, "sku": "CUP-SET", "name": "陶瓷杯 4 只装", "category": "厨具", "qty": 2,
                 "unit_price": "89.00"}], shipped=(t(7), t(4)), free_shipping=True),
        _order("D1009", "S1", buyer2, t(6), "alipay",
               [{"line_no": 1, "sku": "SHOE-41", "name": "跑步鞋 41码", "category": "鞋靴", "qty": 1,
                 "unit_price": "599.00"}], shipped=(t(6), t(3)), free_shipping=True),
        _order("D1010", "S1", buyer2, t(4), "wechat",
               [{"line_no": 1, "sku": "TOWEL-2", "name": "纯棉毛巾 2 条", "category": "家居", "qty": 3,
                 "unit_price": "39.00"}], shipped=(t(4), t(2)), shipping_fee="6.00"),
        _order("D1011", "S1", buyer2, t(3), "alipay",
               [{"line_no": 1, "sku": "LAMP-1", "name": "护眼台灯", "category": "小家电", "qty": 1,
                 "unit_price": "229.00"}], shipped=(t(3), t(1)), free_shipping=True),
        _order("T2001", "S2", buyer3, t(4), "alipay",
               [{"line_no": 1, "sku": "TSHIRT-M", "name": "T恤 M码", "category": "服装", "qty": 2,
                 "unit_price": "99.00"}], shipped=(t(4), t(2)), shipping_fee="10.00", discount="20.00"),
    ]


def _order(no: str, store: str, customer: dict, placed: Any, method: str, lines: list[dict[str, Any]], *,
           shipped: tuple[Any, Any] | None = None, shipping_fee: str = "0.00", discount: str = "0.00",
           free_shipping: bool = False) -> dict[str, Any]:
    from shouhou.money import format_fen, parse_yuan

    goods = sum(line["qty"] * parse_yuan(line["unit_price"]) - parse_yuan(line.get("discount", "0"))
                for line in lines)
    amount = goods - parse_yuan(discount) + parse_yuan(shipping_fee)
    doc: dict[str, Any] = {"order_no": no, "store": store, "customer": customer, "channel": "online",
                           "placed_at": placed, "paid_at": placed, "payment": {"method": method,
                                                                                 "amount": format_fen(amount)},
                           "shipping_fee": shipping_fee, "free_shipping": free_shipping, "discount": discount,
                           "lines": lines, "shipments": []}
    if shipped:
        doc["shipments"] = [{"carrier": "SF", "tracking_no": f"SF{no}", "shipped_at": shipped[0],
                             "delivered_at": shipped[1], "signed_at": shipped[1]}]
    return doc


def _photo(ctx: Ctx, name: str, rgb: tuple[int, int, int]) -> str:
    """A one-pixel PNG saved as an upload, as a buyer's photo would be (links accept uploads)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\x00" + bytes(rgb))) + chunk(b"IEND", b""))
    file_name = hashlib.sha256(f"demo:{name}".encode()).hexdigest()[:32]
    return uploads.save(ctx.settings.var_dir, png, ".png", name=file_name)
