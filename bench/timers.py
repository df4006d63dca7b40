"""Timers fired per second with 1,000,000 pending, beside the raw database's rate for the same rows."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import shouhou.cases.kinds  # noqa: F401  (registers the workflows)
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.engine.sweep import run_due

from bench.raw import Raw


def seed(url: str, pending: int, due_each: int) -> tuple[datetime, datetime]:
    """`pending` resolved consultations, each with an auto_close timer: `due_each` due by t1 (engine run),
    `due_each` more due by t2 (raw run), the rest far in the future."""
    raw = Raw(url)
    now = datetime.now(UTC).replace(microsecond=0)
    t1, t2 = now, now + timedelta(hours=2)
    store_id = _store(raw)

    def due(i: int) -> datetime:
        if i < due_each:
            return t1 - timedelta(minutes=30)
        if i < 2 * due_each:
            return t1 + timedelta(hours=1)
        return now + timedelta(days=7)

    rows_cases = ((i + 1, f"TM{i + 1:09d}", store_id, now) for i in range(pending))
    rows_timers = ((store_id, i + 1, due(i), now) for i in range(pending))
    if raw.pg:
        with raw.conn.cursor() as cur:
            with cur.copy("COPY cases (id, no, type, status, version, priority, channel, subject, description, "
                          "store_id, created_at, updated_at, data) FROM STDIN") as cp:
                for cid, no, sid, ts in rows_cases:
                    cp.write_row((cid, no, "consultation", "resolved", 3, "normal", "api", "bench", "", sid, ts, ts,
                                  "{}"))
            with cur.copy("COPY timer (store_id, case_id, kind, action, due_at, state, created_at, payload) "
                          "FROM STDIN") as cp:
                for sid, cid, d, ts in rows_timers:
                    cp.write_row((sid, cid, "auto_close", "close", d, "pending", ts, "{}"))
            cur.execute("SELECT setval('cases_id_seq', %s)", (pending + 1,))
        raw.conn.commit()
        raw.conn.autocommit = True
        raw.conn.execute("VACUUM ANALYZE cases")
        raw.conn.execute("VACUUM ANALYZE timer")
    else:
        raw.conn.execute("BEGIN")
        raw.conn.executemany(
            "INSERT INTO cases (id, no, type, status, version, priority, channel, subject, description, store_id, "
            "created_at, updated_at, data) VALUES (?, ?, 'consultation', 'resolved', 3, 'normal', 'api', 'bench', "
            "'', ?, ?, ?, '{}')", ((c, n, s, raw.value(ts), raw.value(ts)) for c, n, s, ts in rows_cases))
        raw.conn.executemany(
            "INSERT INTO timer (store_id, case_id, kind, action, due_at, state, created_at, payload) VALUES "
            "(?, ?, 'auto_close', 'close', ?, 'pending', ?, '{}')",
            ((s, c, raw.value(d), raw.value(ts)) for s, c, d, ts in rows_timers))
        raw.conn.execute("COMMIT")
        raw.conn.execute("ANALYZE")
    raw.conn.close()
    return t1, t2


def _store(raw: Raw) -> int:
    cur = raw.conn.execute("SELECT id FROM store WHERE code = 'S1'")
    row = cur.fetchone()
    if row:
        return row[0]
    raise RuntimeError("seed the store first")


def engine_rate(url: str, as_of: datetime, batch: int) -> tuple[float, int]:
    settings = Settings(database_url=url, timer_batch_size=batch, log_level="WARNING")
    db = Database(url)
    start = time.perf_counter()
    result = run_due(db, settings, as_of)
    elapsed = time.perf_counter() - start
    db.dispose()
    return result.fired / elapsed, result.fired


CLAIM = ("UPDATE timer SET state = 'fired', fired_at = :now WHERE id IN (SELECT id FROM timer WHERE state = "
         "'pending' AND due_at <= :as_of ORDER BY due_at, id LIMIT :n{lock}) RETURNING id, case_id, store_id")


def raw_rate(url: str, as_of: datetime, batch: int) -> tuple[float, int]:
    """The same statements the engine's batch path runs, issued by the bare driver."""
    raw = Raw(url)
    lock = " FOR UPDATE SKIP LOCKED" if raw.pg else ""
    claim = raw.sql(CLAIM.format(lock=lock))
    fired = 0
    start = time.perf_counter()
    while True:
        now = datetime.now(UTC)
        if not raw.pg:
            raw.conn.execute("BEGIN IMMEDIATE")
        rows = raw.conn.execute(claim, {"now": raw.value(now), "as_of": raw.value(as_of), "n": batch}).fetchall()
        if not rows:
            raw.conn.commit() if raw.pg else raw.conn.execute("COMMIT")
            break
        ids = [r[1] for r in rows]
        cases = _select_cases(raw, ids)
        _write(raw, rows, cases, now)
        raw.conn.commit() if raw.pg else raw.conn.execute("COMMIT")
        fired += len(rows)
    elapsed = time.perf_counter() - start
    raw.conn.close()
    return fired / elapsed, fired


def _select_cases(raw: Raw, ids: list[int]) -> dict[int, Any]:
    if raw.pg:
        cur = raw.conn.execute("SELECT id, no, version FROM cases WHERE id = ANY(%s) ORDER BY id "
                               "FOR UPDATE SKIP LOCKED", (ids,))
    else:
        marks = ",".join("?" * len(ids))
        cur = raw.conn.execute(f"SELECT id, no, version FROM cases WHERE id IN ({marks}) ORDER BY id", ids)
    return {r[0]: r for r in cur.fetchall()}


def _write(raw: Raw, rows: list, cases: dict[int, Any], now: datetime) -> None:
    v = raw.value
    moves = [{"id": cid, "old": cases[cid][2], "new": cases[cid][2] + 1, "now": v(now), "closed": v(now)}
             for _, cid, _ in rows]
    events = [{"store_id": sid, "case_id": cid, "seq": cases[cid][2] + 1, "now": v(now), "payload": "{}"}
              for _, cid, sid in rows]
    outbox = [{"store_id": sid, "case_id": cid, "now": v(now), "payload": v({
        "case": cases[cid][1], "type": "consultation", "action": "close", "from": "resolved", "to": "closed",
        "version": cases[cid][2] + 1, "at": now.isoformat(), "actor": "system"})} for _, cid, sid in rows]
    cur = raw.conn.cursor()
    cur.executemany(raw.sql("UPDATE cases SET status = 'closed', version = :new, updated_at = :now, closed_at = "
                            ":closed WHERE id = :id AND version = :old"), moves)
    cur.executemany(raw.sql("INSERT INTO case_event (store_id, case_id, seq, action, from_status, to_status, actor_id, "
                            "actor_name, actor_role, at, visibility, payload) VALUES (:store_id, :case_id, :seq, "
                            "'close', 'resolved', 'closed', NULL, 'system', 'system', :now, 'public', :payload)"),
                    events)
    cur.executemany(raw.sql("INSERT INTO outbox (store_id, topic, case_id, payload, created_at) VALUES "
                            "(:store_id, 'case.transitioned', :case_id, :payload, :now)"), outbox)
    ids = [cid for _, cid, _ in rows]
    if raw.pg:
        cur.execute("UPDATE timer SET state = 'cancelled', fired_at = %s WHERE case_id = ANY(%s) AND state = "
                    "'pending'", (now, ids))
    else:
        marks = ",".join("?" * len(ids))
        cur.execute(f"UPDATE timer SET state = 'cancelled', fired_at = ? WHERE case_id IN ({marks}) AND state = "
                    "'pending'", [v(now), *ids])
