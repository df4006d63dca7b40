"""The floor: the least a FastAPI + SQLAlchemy app can do to write what shouhou writes.

Plain public APIs only — routes, `Depends` for the session, Core statements on tables
reflected from shouhou's own migrated schema — and the same rows, in one transaction
committed before the response, as a shouhou return application and approval:
  apply    the case (its number from the same counter), its return_detail and case_line, the
           review_timeout timer, the 'apply' event, the 'case.created' outbox message;
  approve  compare-and-swap on the case's version (with the new status), the return_detail's
           review fields, review_timeout cancelled and ship_timeout armed, the 'approve'
           event, the 'case.transitioned' outbox message.
It reads only what any such endpoint must: the caller's token and grants, the order's lines
(apply), the case and its store's return address (approve). No policy, no other cases'
books, no idempotency keys, no metrics: what shouhou spends beyond this is its overhead.

Served like shouhou: `uvicorn bench.floor:create_app --factory`, database from
BENCH_FLOOR_DATABASE_URL. Case numbers start with FL, so they never meet shouhou's.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request
from pydantic import BaseModel
from sqlalchemy import Engine, MetaData, Sequence, create_engine, event, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

TABLES = ("cases", "return_detail", "case_line", "case_event", "timer", "outbox", "case_number", "orders",
          "order_line", "store", "api_token", "user_account", "role_grant")
REVIEW, SHIP = timedelta(hours=48), timedelta(days=7)  # shouhou's default store policy
ZONE = ZoneInfo("Asia/Shanghai")
# What shouhou keeps of the policy's decision for each line (about as many bytes).
DECIDED = {"needs_review": False, "refund_due_within_days": 7, "deductions": [],
           "shipping": {"return": "buyer", "outbound": "buyer"},
           "basis": [{"rule": "CPL-25", "zh": "远程销售商品,自收到商品之日起七日内可无理由退货",
                      "en": "distance sale: no-reason return within 7 days of receipt"}]}


class Line(BaseModel):
    line_no: int
    qty: int


class ApplyIn(BaseModel):
    type: str
    order_no: str
    lines: list[Line]
    reason: str


class TransitionIn(BaseModel):
    action: str
    version: int


@dataclass(frozen=True)
class Caller:
    user_id: int
    name: str
    grants: tuple[tuple[str, int | None], ...]

    def require(self, role: str, store_id: int) -> None:
        if not any(r == role and s in (None, store_id) for r, s in self.grants):
            raise HTTPException(403, "forbidden")


def make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_size=10, max_overflow=20)
    # SQLite has one writer: threads queue for the one connection instead of polling in
    # SQLite's busy handler (sleeps of up to 100 ms).
    engine = create_engine(url, pool_size=1, max_overflow=0, pool_timeout=60,
                           connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's pysqlite recipe: BEGIN is emitted below
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=30000"):
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # write lock first: a reader could not upgrade under WAL

    return engine


def session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions.begin() as s:  # commit on success, rollback on error
        yield s


# scope="function" (FastAPI ≥ 0.121): the commit is done before the response is sent, as shouhou does.
Db = Annotated[Session, Depends(session, scope="function")]


def caller(db: Db, authorization: Annotated[str, Header()] = "") -> Caller:
    t = db.info["tables"]
    tok, user, grant = t["api_token"], t["user_account"], t["role_grant"]
    digest = hashlib.sha256(authorization.removeprefix("Bearer ").encode()).hexdigest()
    rows = db.execute(select(user.c.id, user.c.username, grant.c.role, grant.c.store_id)
                      .join(user, user.c.id == tok.c.user_id).outerjoin(grant, grant.c.user_id == user.c.id)
                      .where(tok.c.token_hash == digest, tok.c.revoked_at.is_(None), user.c.is_active)).all()
    if not rows:
        raise HTTPException(401, "unauthorized")
    return Caller(rows[0].id, rows[0].username, tuple((r.role, r.store_id) for r in rows if r.role))


Who = Annotated[Caller, Depends(caller, scope="function")]
router = APIRouter()


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.post("/api/v1/cases", status_code=201)
def apply(body: ApplyIn, db: Db, who: Who) -> dict[str, Any]:
    t = db.info["tables"]
    o, ol, cases = t["orders"], t["order_line"], t["cases"]
    rows = {r.line_no: r for r in db.execute(
        select(o.c.id.label("order_id"), o.c.store_id, o.c.customer_id, ol.c.id, ol.c.line_no, ol.c.sku, ol.c.qty,
               ol.c.paid_fen).join(ol, ol.c.order_id == o.c.id).where(o.c.order_no == body.order_no))}
    if not rows or any(ln.line_no not in rows for ln in body.lines):
        raise HTTPException(404, "order_not_found")
    first = next(iter(rows.values()))
    store_id = first.store_id
    who.require("integration", store_id)
    shares = [(rows[ln.line_no], ln.qty, rows[ln.line_no].paid_fen * ln.qty // rows[ln.line_no].qty)
              for ln in body.lines]
    goods = sum(fen for _, _, fen in shares)
    now = datetime.now(UTC)
    no = f"FL{now.astimezone(ZONE):%Y%m%d}{_next_number(db, t['case_number']):05d}"
    # Values go with the execution, not into the statement: a statement of the same shape
    # every time is compiled once (SQLAlchemy's cache), as its tutorial writes inserts.
    case_id = db.execute(insert(cases).returning(cases.c.id), {
        "no": no, "type": body.type, "status": "pending_review", "version": 1, "priority": "normal", "channel": "api",
        "subject": f"退货退款 {body.order_no}", "description": "", "customer_id": first.customer_id,
        "order_id": first.order_id, "created_by_id": who.user_id, "updated_at": now, "data": {}, "store_id": store_id,
        "created_at": now}).scalar_one()
    db.execute(insert(t["return_detail"]), {
        "case_id": case_id, "reason_code": body.reason, "ground": "none", "quality": False, "photos": [], "applied_at": now,
        "eligibility": {"lines": {str(ln.line_no): DECIDED for ln in body.lines}},
        "goods_fen": goods, "voucher_fen": 0, "shipping_fen": 0, "refund_shipping": False, "refund_vouchers": False,
        "refund_fen": goods, "refunded_fen": 0, "return_payer": "buyer", "outbound_payer": "buyer", "refused_delivery": False,
        "urgent": False, "price_difference_fen": 0, "price_difference_settled": True, "store_id": store_id})
    db.execute(insert(t["case_line"]), [
        {"case_id": case_id, "order_line_id": line.id, "line_no": line.line_no, "sku": line.sku, "qty": qty,
         "amount_fen": fen, "voucher_fen": 0, "store_id": store_id} for line, qty, fen in shares])
    _arm(db, case_id, store_id, "review_timeout", "approve", now + REVIEW, now)
    _log(db, case_id, store_id, no, body.type, "apply", None, "pending_review", 1, who, "integration", now,
         {**body.model_dump(), "refund_amount": f"{goods / 100:.2f}"})
    return {"no": no, "version": 1, "status": "pending_review"}


@router.post("/api/v1/cases/{no}/transitions")
def transition(no: str, body: TransitionIn, db: Db, who: Who) -> dict[str, Any]:
    t = db.info["tables"]
    cases, detail, timer, store = t["cases"], t["return_detail"], t["timer"], t["store"]
    case = db.execute(select(cases.c.id, cases.c.store_id, cases.c.type, cases.c.status, store.c.return_contact,
                             store.c.return_phone, store.c.return_address)
                      .join(store, store.c.id == cases.c.store_id).where(cases.c.no == no)).first()
    if case is None:
        raise HTTPException(404, "case_not_found")
    who.require("reviewer", case.store_id)
    if body.action != "approve" or case.status != "pending_review":
        raise HTTPException(409, "invalid_transition")
    now, version = datetime.now(UTC), body.version + 1
    claimed = db.execute(update(cases).where(cases.c.id == case.id, cases.c.version == body.version),
                         {"version": version, "status": "awaiting_return", "updated_at": now}).rowcount
    if claimed != 1:
        raise HTTPException(409, "version_conflict")
    refund = db.execute(update(detail).where(detail.c.case_id == case.id).values(refund_fen=detail.c.goods_fen)
                        .returning(detail.c.refund_fen), {
        "adjustment_reason": None, "return_contact": case.return_contact or "", "return_phone": case.return_phone or "",
        "return_address": case.return_address, "reviewed_at": now, "reviewed_by": who.name}).scalar_one()
    db.execute(update(timer).where(timer.c.case_id == case.id, timer.c.state == "pending",
                                   timer.c.kind == "review_timeout"), {"state": "cancelled", "fired_at": now})
    _arm(db, case.id, case.store_id, "ship_timeout", "close", now + SHIP, now)
    amount = f"{refund / 100:.2f}"
    _log(db, case.id, case.store_id, no, case.type, "approve", "pending_review", "awaiting_return", version,
         who, "reviewer", now, {"refund_amount": amount, "computed_amount": amount})
    return {"no": no, "version": version, "status": "awaiting_return"}


def create_app() -> FastAPI:
    engine = make_engine(os.environ["BENCH_FLOOR_DATABASE_URL"])
    meta = MetaData()
    meta.reflect(engine, only=TABLES)  # shouhou's tables as its migrations built them
    app = FastAPI()
    app.state.sessions = sessionmaker(engine, info={"tables": meta.tables})
    app.include_router(router)
    return app


def _next_number(db: Session, counter: Any) -> int:
    """shouhou's counter: a sequence on PostgreSQL, the 'case' row of case_number on SQLite."""
    if db.get_bind().dialect.name == "postgresql":
        return db.execute(select(Sequence("case_no_seq").next_value())).scalar_one()
    key = counter.c.name if "name" in counter.c else counter.c.day  # `day` in schemas before 0008counter
    last = db.execute(update(counter).where(key == "case").values(last=counter.c.last + 1)
                      .returning(counter.c.last)).scalar_one_or_none()
    if last is None:  # the first case ever (one writer at a time here)
        db.execute(insert(counter).values({key.name: "case", "last": 1}))
        last = 1
    return last


def _arm(db: Session, case_id: int, store_id: int, kind: str, action: str, due: datetime, now: datetime) -> None:
    db.execute(insert(db.info["tables"]["timer"]), {
        "case_id": case_id, "kind": kind, "action": action, "due_at": due, "state": "pending", "payload": {}, "store_id": store_id,
        "created_at": now})


def _log(db: Session, case_id: int, store_id: int, no: str, case_type: str, action: str,
         before: str | None, after: str, version: int, who: Caller, role: str, now: datetime,
         payload: dict[str, Any]) -> None:
    """The action's event and its outbox message."""
    t = db.info["tables"]
    db.execute(insert(t["case_event"]), {
        "case_id": case_id, "seq": version, "action": action, "from_status": before, "to_status": after, "actor_id": who.user_id,
        "actor_name": who.name, "actor_role": role, "at": now, "visibility": "public", "payload": payload, "store_id": store_id})
    db.execute(insert(t["outbox"]), {
        "topic": "case.created" if before is None else "case.transitioned", "case_id": case_id, "store_id": store_id,
        "created_at": now, "payload": {"case": no, "type": case_type, "action": action, "from": before, "to": after,
                                 "version": version, "at": now.isoformat(), "actor": who.name}})


def issue_token(url: str, username: str) -> str:
    """A bearer token of the floor's own for one of shouhou's users (not served: bench setup)."""
    engine = make_engine(url)
    meta = MetaData()
    meta.reflect(engine, only=("api_token", "user_account"))
    tok, user = meta.tables["api_token"], meta.tables["user_account"]
    token = "flr_" + secrets.token_urlsafe(24)
    with engine.begin() as conn:
        user_id = conn.execute(select(user.c.id).where(user.c.username == username)).scalar_one()
        conn.execute(insert(tok).values(user_id=user_id, name="floor", token_hash=hashlib.sha256(token.encode())
                                        .hexdigest(), prefix=token[:12], created_at=datetime.now(UTC)))
    engine.dispose()
    return token
