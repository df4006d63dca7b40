"""The raw database's own rate for the same rows, written with the bare driver.

Same tables, same columns, one transaction per application (or per transition), same
number of concurrent clients as the API run; no framework, no reads beyond RETURNING.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from bench.clients import timed

NUMBER = {True: "SELECT nextval('case_no_seq')",  # as the engine does (engine/numbers.py)
          False: "UPDATE case_number SET last = last + 1 WHERE name = 'case' RETURNING last"}

APPLY = [
    ("{number}", "num"),
    ("INSERT INTO cases (no, type, status, version, priority, channel, subject, description, customer_id, "
     "order_id, store_id, created_at, updated_at, data) VALUES (:no, 'return_refund', 'pending_review', 1, "
     "'normal', 'api', :subject, '', :customer_id, :order_id, :store_id, :now, :now, :empty) RETURNING id", "case"),
    ("INSERT INTO return_detail (case_id, store_id, reason_code, ground, quality, photos, applied_at, eligibility, "
     "goods_fen, voucher_fen, shipping_fen, refund_shipping, refund_vouchers, refund_fen, refunded_fen, "
     "return_payer, outbound_payer, refused_delivery, urgent, price_difference_fen, price_difference_settled) "
     "VALUES (:case, :store_id, 'no_longer_wanted', 'none', :f, :list, :now, :elig, 9900, 0, 0, :f, :f, 9900, 0, "
     "'buyer', 'buyer', :f, :f, 0, :t)", None),
    ("INSERT INTO case_line (store_id, case_id, order_line_id, line_no, sku, qty, amount_fen, voucher_fen) "
     "VALUES (:store_id, :case, :order_line_id, 1, 'TSHIRT-M', 1, 9900, 0)", None),
    ("INSERT INTO case_event (store_id, case_id, seq, action, from_status, to_status, actor_id, actor_name, "
     "actor_role, at, visibility, payload) VALUES (:store_id, :case, 1, 'apply', NULL, 'pending_review', NULL, "
     "'bench', 'integration', :now, 'public', :payload)", None),
    ("INSERT INTO timer (store_id, case_id, kind, action, due_at, state, created_at, payload) VALUES "
     "(:store_id, :case, 'review_timeout', 'approve', :due, 'pending', :now, :empty)", None),
    ("INSERT INTO outbox (store_id, topic, case_id, payload, created_at) VALUES "
     "(:store_id, 'case.created', :case, :payload, :now)", None),
]

APPROVE = [
    ("UPDATE cases SET version = :v1, updated_at = :now WHERE id = :case AND version = :v0", None),
    ("UPDATE return_detail SET refund_fen = 9900, reviewed_at = :now, reviewed_by = 'bench', return_contact = 'c', "
     "return_phone = 'p', return_address = 'a' WHERE case_id = :case", None),
    ("UPDATE timer SET state = 'cancelled', fired_at = :now WHERE case_id = :case AND state = 'pending' "
     "AND kind IN ('review_timeout')", None),
    ("INSERT INTO timer (store_id, case_id, kind, action, due_at, state, created_at, payload) VALUES "
     "(:store_id, :case, 'ship_timeout', 'close', :due, 'pending', :now, :empty)", None),
    ("INSERT INTO case_event (store_id, case_id, seq, action, from_status, to_status, actor_id, actor_name, "
     "actor_role, at, visibility, payload) VALUES (:store_id, :case, :v1, 'approve', 'pending_review', "
     "'awaiting_return', NULL, 'bench', 'reviewer', :now, 'public', :payload)", None),
    ("INSERT INTO outbox (store_id, topic, case_id, payload, created_at) VALUES "
     "(:store_id, 'case.transitioned', :case, :payload, :now)", None),
    ("UPDATE cases SET status = 'awaiting_return' WHERE id = :case", None),
]


class Raw:
    """A bare DBAPI connection that speaks :named parameters on both databases."""

    def __init__(self, url: str) -> None:
        self.pg = url.startswith("postgresql")
        if self.pg:
            dsn = url.replace("postgresql+psycopg://", "postgresql://")
            self.conn = psycopg.connect(dsn, autocommit=False)
        else:
            path = url.split("///", 1)[1]
            self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=60)
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=60000"):
                self.conn.execute(f"PRAGMA {pragma}")

    def sql(self, text: str) -> str:
        return re.sub(r":(\w+)", r"%(\1)s", text) if self.pg else text

    def value(self, v: Any) -> Any:
        if isinstance(v, datetime) and not self.pg:
            return v.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
        if isinstance(v, (dict, list)):
            return json.dumps(v)
        return v

    def _counter_key(self) -> str:
        """The counter row's key column: `name` (0008counter on), `day` in older schemas."""
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(case_number)")}
        return "name" if "name" in columns else "day"

    def run(self, statements: list[tuple[str, str | None]], params: dict[str, Any]) -> dict[str, Any]:
        p = {k: self.value(v) for k, v in params.items()}
        if not self.pg:
            self.conn.execute("BEGIN IMMEDIATE")
        for text, keep in statements:
            if text == "{number}":
                text = NUMBER[self.pg] if self.pg else NUMBER[False].replace("name", self._counter_key())
            cur = self.conn.execute(self.sql(text), p)
            if keep:
                p[keep] = cur.fetchone()[0]
        self.conn.commit() if self.pg else self.conn.execute("COMMIT")
        return p


def rate(url: str, statements: list[tuple[str, str | None]], param_sets: list[dict[str, Any]],
         clients: int) -> float:
    """Transactions per second with `clients` concurrent connections."""
    chunks = [param_sets[i::clients] for i in range(clients)]
    conns = [Raw(url) for _ in range(clients)]
    errors: list[BaseException] = []

    def work(conn: Raw, chunk: list[dict[str, Any]]) -> None:
        try:
            for params in chunk:
                conn.run(statements, params)
        except BaseException as exc:
            errors.append(exc)

    elapsed = timed([lambda c=c, ch=ch: work(c, ch) for c, ch in zip(conns, chunks, strict=True)])
    for c in conns:
        c.conn.close()
    if errors:
        raise errors[0]
    return len(param_sets) / elapsed


def apply_params(n: int, targets: list[dict[str, Any]], day: str) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    payload = {"type": "return_refund", "order_no": "X", "lines": [{"line_no": 1, "qty": 1}],
               "reason": "no_longer_wanted"}
    return [{"day": day, "no": f"RAW{day}{i:07d}", "subject": "退货退款 X", "customer_id": t["customer_id"],
             "order_id": t["order_id"], "order_line_id": t["order_line_id"], "store_id": t["store_id"], "now": now,
             "due": now + timedelta(hours=48), "empty": {}, "list": [], "elig": {"lines": {}}, "payload": payload,
             "f": False, "t": True} for i, t in zip(range(n), targets, strict=False)]


def approve_params(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [{"case": c["case_id"], "store_id": c["store_id"], "v0": 1, "v1": 2, "now": now,
             "due": now + timedelta(days=7), "empty": {}, "payload": {"case": c["no"], "action": "approve"}}
            for c in cases]
