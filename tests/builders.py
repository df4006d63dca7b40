"""Deterministic builders for tests: stores, users with tokens, orders, cases."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event

from shouhou.accounts import service as accounts
from shouhou.clock import FrozenClock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.engine.actor import Actor
from shouhou.engine.context import Ctx
from shouhou.money import format_fen, parse_yuan
from shouhou.orders import service as orders
from shouhou.orders.schemas import OrderIn

OPERATOR = Actor(user_id=None, name="test", grants=(("admin", None),))


def order_doc(order_no: str = "T20261101001", *, store: str = "S1", customer: str = "u1001",
              placed_at: datetime | None = None, lines: list[dict[str, Any]] | None = None,
              shipping_fee: str = "0.00", discount: str = "0.00", free_shipping: bool = False,
              method: str = "alipay", channel: str = "online", signed_at: datetime | None = None,
              shipped_at: datetime | None = None, **extra: Any) -> dict[str, Any]:
    """A valid order document; the payment amount is computed so the arithmetic holds."""
    placed = placed_at or datetime.fromisoformat("2026-11-01T10:00:00+08:00")
    lines = lines or [{"line_no": 1, "sku": "TSHIRT-M", "name": "T恤 M码", "category": "apparel", "qty": 2,
                       "unit_price": "99.00"}]
    goods = sum(ln["qty"] * parse_yuan(ln["unit_price"]) - parse_yuan(ln.get("discount", "0")) for ln in lines)
    vouchers = sum(parse_yuan(extra.get(k, "0")) for k in ("coupon", "red_packet", "points"))
    bundled = sum(sum(ln["qty"] * parse_yuan(ln["unit_price"]) - parse_yuan(ln.get("discount", "0"))
                      for ln in lines if ln.get("bundle") == b["id"]) - parse_yuan(b["price"])
                  for b in extra.get("bundles", ()))  # a 套餐 costs its price, not its lines' sum
    amount = goods - bundled - parse_yuan(discount) - vouchers + parse_yuan(shipping_fee)
    doc: dict[str, Any] = {
        "order_no": order_no, "store": store,
        "customer": {"external_id": customer, "name": "张三", "phone": "13800000000", "level": "vip",
                     "address": "上海市浦东新区"},
        "channel": channel, "placed_at": placed.isoformat(), "paid_at": (placed + timedelta(minutes=1)).isoformat(),
        "payment": {"method": method, "amount": format_fen(amount)}, "shipping_fee": shipping_fee,
        "free_shipping": free_shipping, "discount": discount, "lines": lines, "shipments": [],
        **extra,
    }
    if shipped_at or signed_at:
        doc["shipments"] = [{"carrier": "SF", "tracking_no": f"SF{order_no}",
                             "shipped_at": (shipped_at or placed).isoformat(),
                             "delivered_at": signed_at.isoformat() if signed_at else None,
                             "signed_at": signed_at.isoformat() if signed_at else None}]
    return doc


@dataclass
class World:
    db: Database
    settings: Settings
    clock: FrozenClock
    tokens: dict[str, str] = field(default_factory=dict)

    @contextmanager
    def ctx(self, actor: Actor = OPERATOR) -> Iterator[Ctx]:
        with self.db.session() as session:
            yield Ctx(session=session, actor=actor, clock=self.clock, settings=self.settings, lang="en")

    def store(self, code: str = "S1", name: str = "测试店铺", **kw: Any) -> str:
        with self.ctx() as ctx:
            accounts.create_store(ctx, code, name, **kw)
        return code

    def user(self, username: str, role: str, store: str | None = "S1", customer: str | None = None,
             password: str | None = None) -> str:
        """Create a user and return an API token for it."""
        with self.ctx() as ctx:
            accounts.add_user(ctx, username, role, store_code=store, customer_external_id=customer,
                              password=password)
            token = accounts.issue_token(ctx, username)
        self.tokens[username] = token
        return token

    def actor(self, username: str) -> Actor:
        with self.db.session() as session:
            return accounts.actor_for(session, accounts.get_user(session, username))

    def order(self, order_no: str = "T20261101001", **kw: Any) -> dict[str, Any]:
        doc = order_doc(order_no, **kw)
        with self.ctx() as ctx:
            order, _ = orders.push_order(ctx, OrderIn.model_validate(doc))
            return orders.document(ctx, order)

    def staff(self, store: str = "S1") -> dict[str, str]:
        """One user per role in the store (plus platform and admin everywhere); name → token."""
        out = {}
        for role in ("agent", "reviewer", "finance", "warehouse", "technician", "supervisor", "integration"):
            out[role] = self.user(f"{role}-{store}", role, store)
        out["platform"] = self.user(f"platform-{store}", "platform", None)
        out["admin"] = self.user(f"admin-{store}", "admin", None)
        return out


    def consultation(self, username: str, **body: Any) -> str:
        """Open a consultation as `username` through the real service; returns the case number."""
        from shouhou.cases import service as cases

        with self.ctx(self.actor(username)) as ctx:
            fields = {"type": "consultation", "subject": "滤网怎么洗", "channel": "hotline", **body}
            if "order_no" not in fields:
                fields.setdefault("store", "S1")
            return cases.create(ctx, fields).no

    def move(self, username: str, no: str, *actions: str | tuple[str, dict[str, Any]]) -> None:
        """Take actions on a case through the real service, each at the version it is at."""
        from shouhou.cases import service as cases

        with self.ctx(self.actor(username)) as ctx:
            for step in actions:
                name, fields = (step, {}) if isinstance(step, str) else step
                case = cases.get(ctx, no)
                cases.transition(ctx, no, name, case.version, fields)

    def case(self, no: str) -> Any:
        """The case row as the database holds it now."""
        from sqlalchemy import select

        from shouhou.models import Case

        with self.db.session() as s:
            return s.scalars(select(Case).where(Case.no == no)).one()

    def history(self, no: str) -> list[Any]:
        """The case's events, in order."""
        from sqlalchemy import select

        from shouhou.models import Case, CaseEvent

        with self.db.session() as s:
            return list(s.scalars(select(CaseEvent).join(Case, Case.id == CaseEvent.case_id)
                                  .where(Case.no == no).order_by(CaseEvent.seq)))

    def timers(self, no: str) -> list[Any]:
        from sqlalchemy import select

        from shouhou.models import Case, Timer

        with self.db.session() as s:
            return list(s.scalars(select(Timer).join(Case, Case.id == Timer.case_id)
                                  .where(Case.no == no).order_by(Timer.id)))

    def count(self, model: type, **where: Any) -> int:
        from sqlalchemy import func, select

        with self.db.session() as s:
            stmt = select(func.count()).select_from(model)
            for name, value in where.items():
                stmt = stmt.where(getattr(model, name) == value)
            return int(s.scalar(stmt) or 0)


def auth(token: str, lang: str = "en") -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Language": lang}


def act(client: Any, token: str, no: str, action: str, version: int, **fields: Any) -> Any:
    """POST a transition over HTTP and return the response."""
    return client.post(f"/api/v1/cases/{no}/transitions", json={"action": action, "version": version, **fields},
                       headers=auth(token))


def run_cli(database_url: str, *args: str, **env: str) -> Any:
    """Run the `shouhou` CLI in-process against a database (its settings are read from the environment)."""
    from typer.testing import CliRunner

    from shouhou.cli.main import app
    from shouhou.config import get_settings

    get_settings.cache_clear()
    try:
        # var/ (uploads, the generated secret) in a folder of its own, not the working directory's
        env = {"SHOUHOU_DATABASE_URL": database_url, "SHOUHOU_VAR_DIR": tempfile.mkdtemp(prefix="shouhou-var-"), **env}
        return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    finally:
        get_settings.cache_clear()


def impure_routes(route: Any) -> Any:
    """`engine.bulk._route` with every route sent through the engine one case at a time, as an
    action with code of its own would be (the sweep's other path)."""
    return lambda *key: None if (found := route(*key)) is None else replace(found, pure=False)


def error_of(response: Any, status: int, code: str) -> dict:
    """The error document of a response, after checking its status, shape and code."""
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["error"] and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body["error"]


def at_once(app: Any, calls: list[Callable[[Any], Any]]) -> list[Any]:
    """Run each call on its own client and thread, released together."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        from starlette.testclient import TestClient

        with TestClient(app) as c:
            barrier.wait()
            results[i] = calls[i](c)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def workers_at_once(url: str, work: Callable[[Any], Any], n: int = 2, timeout: float = 120) -> list[Any]:
    """Run `work(db)` in n threads, each with its own Database (connections) on `url`, released
    together, as n worker processes would; the first error any of them met is raised."""
    from shouhou.db import Database

    barrier = threading.Barrier(n)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        db = Database(url)
        try:
            barrier.wait()
            results.append(work(db))
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    if errors:
        raise errors[0]
    assert len(results) == n, "a worker did not finish in time"
    return results


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """The SQL the database is sent inside the block, in order."""
    seen: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
