"""Everything the bench takes from shouhou, in one place.

shouhou's insides are being reshaped (case types become plug-ins loaded by an explicit
call, app assembly moves above the contexts), so the bench touches only its services
(accounts, orders), `Database`, `Settings`, the migration and the timer sweep, and only
here; each name that is about to move is looked up with a fallback.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from sqlalchemy import text

from shouhou.config import Settings
from shouhou.db import Database


@cache
def load_case_types() -> None:
    """Register every case type's workflow, as the app, CLI and worker do at start."""
    try:
        from shouhou.app import load_all
    except ImportError:  # a revision before plug-ins (the bench measures older ones too)
        import_module("shouhou.cases.kinds")
    else:
        load_all()


def app_factory() -> str:
    """uvicorn's --factory target for shouhou's API: the app `shouhou serve` runs, without the
    timer sweep it adds on SQLite (the bench sweeps timers itself, measured on their own)."""
    return "shouhou.app:create_app" if find_spec("shouhou.app") else "shouhou.api.app:create_app"


def migrate(url: str) -> None:
    """Build the schema with shouhou's Alembic migrations, as `shouhou init` does."""
    from shouhou.db.migrate import upgrade

    upgrade(url)


def seed(url: str, n_orders: int, var_dir: Path) -> dict[str, Any]:
    """A store, an integration and a reviewer with tokens, and n delivered orders."""
    from shouhou.accounts import service as accounts
    from shouhou.clock import SystemClock
    from shouhou.engine.actor import Actor
    from shouhou.engine.context import Ctx
    from shouhou.orders import service as orders
    from shouhou.orders.schemas import OrderIn

    operator = Actor(user_id=None, name="bench", grants=(("admin", None),))
    settings = Settings(database_url=url, var_dir=var_dir, secret_key="bench")
    db = Database(url)
    signed = datetime.now(UTC) - timedelta(days=1)
    with db.session() as session:
        ctx = Ctx(session=session, actor=operator, clock=SystemClock(), settings=settings, lang="en")
        accounts.create_store(ctx, "S1", "Bench store", return_address="上海仓")
        accounts.add_user(ctx, "shop", "integration", store_code="S1")
        accounts.add_user(ctx, "rev", "reviewer", store_code="S1")
        tokens = {"shop": accounts.issue_token(ctx, "shop"), "rev": accounts.issue_token(ctx, "rev")}
        targets = []
        for i in range(n_orders):
            order, _ = orders.push_order(ctx, OrderIn.model_validate(_order_doc(f"B{i:07d}", signed)))
            targets.append({"order_no": order.order_no, "order_id": order.id, "customer_id": order.customer_id,
                            "store_id": order.store_id})
        lines = dict(session.execute(text("SELECT order_id, id FROM order_line")).all())
        for t in targets:
            t["order_line_id"] = lines[t["order_id"]]
    db.dispose()
    return {"tokens": tokens, "targets": targets}


def _order_doc(order_no: str, signed_at: datetime) -> dict[str, Any]:
    """A delivered order of two T-shirts at 99.00, signed for a day ago (inside every return window)."""
    placed = signed_at - timedelta(days=2)
    return {
        "order_no": order_no, "store": "S1",
        "customer": {"external_id": "u1001", "name": "张三", "phone": "13800000000", "level": "vip",
                     "address": "上海市浦东新区"},
        "channel": "online", "placed_at": placed.isoformat(), "paid_at": (placed + timedelta(minutes=1)).isoformat(),
        "payment": {"method": "alipay", "amount": "198.00"}, "shipping_fee": "0.00", "free_shipping": False,
        "discount": "0.00",
        "lines": [{"line_no": 1, "sku": "TSHIRT-M", "name": "T恤 M码", "category": "apparel", "qty": 2,
                   "unit_price": "99.00"}],
        "shipments": [{"carrier": "SF", "tracking_no": f"SF{order_no}",
                       "shipped_at": (signed_at - timedelta(days=1)).isoformat(),
                       "delivered_at": signed_at.isoformat(), "signed_at": signed_at.isoformat()}],
    }


_DATABASES: dict[str, Database] = {}


def sweep(url: str, as_of: datetime, batch: int) -> tuple[int, int]:
    """Fire every timer due at `as_of` as `shouhou worker` does; (fired, failed).

    One Database per sweeper process, kept across rounds as a running worker keeps it
    (its statement cache warm)."""
    from shouhou.engine.sweep import run_due

    load_case_types()
    db = _DATABASES.get(url)
    if db is None:
        db = _DATABASES[url] = Database(url)
    result = run_due(db, Settings(database_url=url, timer_batch_size=batch, log_level="WARNING"), as_of)
    return result.fired, result.failed


def connect(url: str) -> None:
    """Open the sweeper's pooled connection before the clock starts."""
    db = _DATABASES.get(url)
    if db is None:
        db = _DATABASES[url] = Database(url)
    db.engine.connect().close()
