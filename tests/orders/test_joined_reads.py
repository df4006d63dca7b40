"""An order read by number brings its store, customer, lines and shipments in one query."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event

from shouhou.orders import repository as repo
from shouhou.orders import service
from shouhou.orders.schemas import OrderIn
from tests.builders import order_doc

SHIPPED = datetime.fromisoformat("2026-11-02T10:00:00+08:00")


def test_one_query_brings_every_line_and_every_shipment_once(world, db):
    world.store()
    lines = [{"line_no": n, "sku": f"SKU{n}", "name": f"商品{n}", "category": "apparel", "qty": 1,
              "unit_price": "10.00"} for n in (3, 1, 2)]
    doc = order_doc("M1", lines=lines, shipped_at=SHIPPED)
    doc["shipments"].append({"carrier": "YTO", "tracking_no": "YT2", "shipped_at": SHIPPED.isoformat()})
    with world.ctx() as ctx:
        service.push_order(ctx, OrderIn.model_validate(doc))
    seen: list[str] = []

    def listen(conn, cursor, statement, *args):
        seen.append(statement)

    with db.session() as s:
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            (order,) = repo.orders_by_no(s, "M1", None, lock=True)
            got_lines = repo.lines_of(s, order.id)
            got_parcels = repo.shipments_of(s, order.id)
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
    assert [ln.line_no for ln in got_lines] == [1, 2, 3]  # each once, in order, though rows were 3 × 2
    assert [p.tracking_no for p in got_parcels] == ["SFM1", "YT2"]
    assert len([q for q in seen if q.lstrip().upper().startswith("SELECT")]) == 1, seen
