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


def _start_together(at: float) -> None:
    while time.time() < at:
        time.sleep(0.001)


def engine_worker(url: str, as_of: datetime, batch: int, at: float) -> tuple[int, float]:
    settings = Settings(database_url=url, timer_batch_size=batch, log_level="WARNING")
    db = Database(url)
    db.engine.connect().close()
    _start_together(at)
    start = time.perf_counter()
    result = run_due(db, settings, as_of)
    elapsed = time.perf_counter() - start
    db.dispose()
    return result.fired, elapsed


def raw_worker(url: str, as_of: datetime, batch: int, at: float) -> tuple[int, float]:
    """The statements the engine's batch path issues (bulk.py), sent by the bare driver."""
    raw = Raw(url)
    _start_together(at)
    fired = 0
    start = time.perf_counter()
    while True:
        now = datetime.now(UTC)
        if not raw.pg:
            raw.conn.execute("BEGIN IMMEDIATE")
        rows = _due(raw, as_of, batch)
        if not rows:
            raw.conn.commit() if raw.pg else raw.conn.execute("COMMIT")
            break
        cases = _lock_cases(raw, sorted({r[1] for r in rows}))
        mine = _mark_fired(raw, [r for r in rows if r[1] in cases], now)
        _write(raw, mine, cases, now)
        raw.conn.commit() if raw.pg else raw.conn.execute("COMMIT")
        fired += len(mine)
    elapsed = time.perf_counter() - start
    raw.conn.close()
    return fired, elapsed


def _due(raw: Raw, as_of: datetime, batch: int) -> list[tuple]:
    lock = " FOR UPDATE SKIP LOCKED" if raw.pg else ""
    sql = raw.sql("SELECT id, case_id, store_id FROM timer WHERE state = 'pending' AND due_at <= :as_of "
                  f"ORDER BY due_at, id LIMIT :n{lock}")
    return raw.conn.execute(sql, {"as_of": raw.value(as_of), "n": batch}).fetchall()


def _lock_cases(raw: Raw, ids: list[int]) -> dict[int, Any]:
    if raw.pg:
        cur = raw.conn.execute("SELECT id, no, version FROM cases WHERE id = ANY(%s) ORDER BY id "
                               "FOR UPDATE SKIP LOCKED", (ids,))
    else:
        cur = raw.conn.execute(f"SELECT id, no, version FROM cases WHERE id IN ({','.join('?' * len(ids))}) "
                               "ORDER BY id", ids)
    return {r[0]: r for r in cur.fetchall()}


def _mark_fired(raw: Raw, rows: list[tuple], now: datetime) -> list[tuple]:
    ids = [r[0] for r in rows]
    if not ids:
        return []
    if raw.pg:
        done = {r[0] for r in raw.conn.execute("UPDATE timer SET state = 'fired', fired_at = %s WHERE id = ANY(%s) "
                                               "AND state = 'pending' RETURNING id", (now, ids)).fetchall()}
    else:
        done = {r[0] for r in raw.conn.execute(
            f"UPDATE timer SET state = 'fired', fired_at = ? WHERE id IN ({','.join('?' * len(ids))}) "
            "AND state = 'pending' RETURNING id", [raw.value(now), *ids]).fetchall()}
    return [r for r in rows if r[0] in done]


def _write(raw: Raw, rows: list, cases: dict[int, Any], now: datetime) -> None:
    """One set-based UPDATE of the cases, the event and outbox rows (COPY on PostgreSQL), one cancel."""
    if not rows:
        return
    v = raw.value
    ids = [cid for _, cid, _ in rows]
    events = [(sid, cid, cases[cid][2] + 1, "close", "resolved", "closed", None, "system", "system", v(now),
               "public", "{}") for _, cid, sid in rows]
    outbox = [(sid, "case.transitioned", cid, v({
        "case": cases[cid][1], "type": "consultation", "action": "close", "from": "resolved", "to": "closed",
        "version": cases[cid][2] + 1, "at": now.isoformat(), "actor": "system"}), v(now)) for _, cid, sid in rows]
    event_cols = ("store_id, case_id, seq, action, from_status, to_status, actor_id, actor_name, actor_role, at, "
                  "visibility, payload")
    outbox_cols = "store_id, topic, case_id, payload, created_at"
    if raw.pg:
        cur = raw.conn.cursor()
        cur.execute("UPDATE cases SET status = 'closed', version = version + 1, updated_at = %s, closed_at = %s "
                    "WHERE id = ANY(%s) AND status = 'resolved'", (now, now, ids))
        with cur.copy(f"COPY case_event ({event_cols}) FROM STDIN") as cp:
            for row in events:
                cp.write_row(row)
        with cur.copy(f"COPY outbox ({outbox_cols}) FROM STDIN") as cp:
            for row in outbox:
                cp.write_row(row)
        cur.execute("UPDATE timer SET state = 'cancelled', fired_at = %s WHERE id = ANY(ARRAY(SELECT id FROM timer "
                    "WHERE case_id = ANY(%s) AND state = 'pending' FOR UPDATE SKIP LOCKED))", (now, ids))
        return
    marks = ",".join("?" * len(ids))
    raw.conn.execute(f"UPDATE cases SET status = 'closed', version = version + 1, updated_at = ?, closed_at = ? "
                     f"WHERE id IN ({marks}) AND status = 'resolved'", [v(now), v(now), *ids])
    raw.conn.executemany(f"INSERT INTO case_event ({event_cols}) VALUES ({','.join('?' * 12)})", events)
    raw.conn.executemany(f"INSERT INTO outbox ({outbox_cols}) VALUES (?, ?, ?, ?, ?)", outbox)
    raw.conn.execute(f"UPDATE timer SET state = 'cancelled', fired_at = ? WHERE id IN (SELECT id FROM timer "
                     f"WHERE case_id IN ({marks}) AND state = 'pending')", [v(now), *ids])


def rate(worker: Any, url: str, as_of: datetime, batch: int, processes: int) -> tuple[float, int]:
    """Fired per second with `processes` sweepers sharing the due timers, timed from a common start."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    at = time.time() + 3.0
    with ProcessPoolExecutor(processes, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(worker, *zip(*[(url, as_of, batch, at)] * processes, strict=True)))
    fired = sum(f for f, _ in results)
    return fired / max(e for _, e in results), fired
