"""Timers fired per second with 1,000,000 pending, beside the raw database's rate for the same rows;
and a workload the sweep must run through the engine case by case (review_timeout → approve)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench import shouhou_setup
from bench.raw import Raw


def seed(url: str, pending: int, due_each: int, rounds: int) -> list[datetime]:
    """`pending` resolved consultations, each with an auto_close timer. 2 × `due_each` of them fall
    due in 2 × `rounds` successive slots (the engine and the bare driver take turns, a slot each);
    the rest are far in the future. Returns each slot's as-of time."""
    raw = Raw(url)
    now = datetime.now(UTC).replace(microsecond=0)
    base = now - timedelta(hours=1)
    slot = -(-due_each // rounds)
    store_id = _store(raw)

    def due(i: int) -> datetime:
        if i < 2 * due_each:
            return base + timedelta(minutes=i // slot)
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
    return [base + timedelta(minutes=k, seconds=30) for k in range(-(-2 * due_each // slot))]


def _store(raw: Raw) -> int:
    cur = raw.conn.execute("SELECT id FROM store WHERE code = 'S1'")
    row = cur.fetchone()
    if row:
        return row[0]
    raise RuntimeError("seed the store first")


def _start_together(at: float) -> None:
    while time.time() < at:
        time.sleep(0.001)


def engine_worker(url: str, as_of: datetime, batch: int, at: float) -> tuple[int, float, int]:
    """shouhou's sweep (`shouhou worker`'s); (fired, seconds, failed)."""
    shouhou_setup.connect(url)
    _start_together(at)
    start = time.perf_counter()
    fired, failed = shouhou_setup.sweep(url, as_of, batch)
    return fired, time.perf_counter() - start, failed


def raw_worker(url: str, as_of: datetime, batch: int, at: float) -> tuple[int, float, int]:
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
        _write(raw, mine, now)
        raw.conn.commit() if raw.pg else raw.conn.execute("COMMIT")
        fired += len(mine)
    elapsed = time.perf_counter() - start
    raw.conn.close()
    return fired, elapsed, 0


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
        # 'pending' bound, as the engine binds it on PostgreSQL (db/filters.is_state)
        done = {r[0] for r in raw.conn.execute("UPDATE timer SET state = 'fired', fired_at = %s WHERE id = ANY(%s) "
                                               "AND state = %s RETURNING id", (now, ids, "pending")).fetchall()}
    else:
        done = {r[0] for r in raw.conn.execute(
            f"UPDATE timer SET state = 'fired', fired_at = ? WHERE id IN ({','.join('?' * len(ids))}) "
            "AND state = 'pending' RETURNING id", [raw.value(now), *ids]).fetchall()}
    return [r for r in rows if r[0] in done]


# The engine's statements (bulk._move) for a batch of consultations closing, as SQL text.
_MOVED = ("UPDATE cases SET status = 'closed', version = version + 1, updated_at = {p}, closed_at = {p} "
          "WHERE id {ids} AND status = 'resolved'")
_EVENTS = ("INSERT INTO case_event (store_id, case_id, seq, action, from_status, to_status, actor_id, actor_name, "
           "actor_role, at, visibility, payload) SELECT store_id, id, version, 'close', 'resolved', 'closed', NULL, "
           "'system', 'system', {p}, 'public', '{{}}' FROM {moved}")
_OUTBOX = ("INSERT INTO outbox (store_id, topic, case_id, payload, created_at) SELECT store_id, 'case.transitioned', "
           "id, {obj}('case', no, 'type', type, 'action', 'close', 'from', 'resolved', 'to', 'closed', 'version', "
           "version, 'at', {stamp}, 'actor', 'system'), {p} FROM {moved}")
_CANCEL = "UPDATE timer SET state = 'cancelled', fired_at = {p} WHERE id {pending}"
_PENDING = "SELECT id FROM timer WHERE case_id {ids} AND state = {pending}"
_PG_WRITE = (f"WITH moved AS ({_MOVED} RETURNING id, store_id, no, type, version), "
             f"w0 AS ({_EVENTS}), w1 AS ({_OUTBOX}) {_CANCEL}").format(
    p="%(now)s", stamp="%(stamp)s::text", ids="= ANY(%(ids)s)", moved="moved", obj="json_build_object",
    pending=f"= ANY(ARRAY({_PENDING} FOR UPDATE SKIP LOCKED))".format(ids="= ANY(%(ids)s)", pending="%(pending)s"))


def _write(raw: Raw, rows: list, now: datetime) -> None:
    """The moved cases feed their event and outbox rows inside the database: one statement with
    data-modifying WITH clauses on PostgreSQL, the same parts in turn on SQLite."""
    if not rows:
        return
    ids = [cid for _, cid, _ in rows]
    if raw.pg:
        raw.conn.execute(_PG_WRITE, {"now": now, "ids": ids, "stamp": now.isoformat(), "pending": "pending"})
        return
    among = f"IN ({','.join('?' * len(ids))})"
    moved = f"(SELECT id, store_id, no, type, version FROM cases WHERE id {among})"
    at, stamp = raw.value(now), now.isoformat()
    raw.conn.execute(_MOVED.format(p="?", ids=among), [at, at, *ids])
    raw.conn.execute(_EVENTS.format(p="?", moved=moved), [at, *ids])
    raw.conn.execute(_OUTBOX.format(p="?", stamp="?", moved=moved, obj="json_object"), [stamp, at, *ids])
    pending = _PENDING.format(ids=among, pending="'pending'")  # written in, as the engine does on SQLite
    raw.conn.execute(_CANCEL.format(p="?", pending=f"IN ({pending})"), [at, *ids])


def rate(pool: Any, worker: Any, url: str, as_of: datetime, batch: int, processes: int) -> tuple[float, int]:
    """Fired per second with `processes` sweepers of `pool` sharing the due timers, timed from a common start."""
    at = time.time() + 2.0
    results = list(pool.map(worker, *zip(*[(url, as_of, batch, at)] * processes, strict=True)))
    failed = sum(f for _, _, f in results)
    if failed:
        raise RuntimeError(f"{failed} timer(s) failed in the sweep (see timer.result)")
    fired = sum(f for f, _, _ in results)
    return fired / max(e for _, e, _ in results), fired


def review_slots(url: str, warm: int, rounds: int) -> tuple[datetime | None, list[datetime]]:
    """As-of times that bring the pending review_timeout timers due in turn: `warm` of them
    first (not timed), then the rest in `rounds` equal parts."""
    raw = Raw(url)
    dues = [r[0] for r in raw.conn.execute("SELECT due_at FROM timer WHERE kind = 'review_timeout' "
                                           "AND state = 'pending' ORDER BY due_at, id").fetchall()]
    raw.conn.close()
    dues = [d if isinstance(d, datetime) else datetime.fromisoformat(d).replace(tzinfo=UTC) for d in dues]
    if not dues:
        return None, []
    warm = min(warm, len(dues) - 1)
    rest = dues[warm:]
    size = -(-len(rest) // rounds)
    ends = [rest[min(len(rest), k + size) - 1] for k in range(0, len(rest), size)]
    return (dues[warm - 1] if warm else None), ends


def approvals_by_timer(url: str) -> int:
    """Approve events the sweep wrote (the system's), to check each timer fired once."""
    raw = Raw(url)
    n = raw.conn.execute("SELECT count(*) FROM case_event WHERE action = 'approve' AND actor_name = 'system'"
                         ).fetchone()[0]
    raw.conn.close()
    return n


def sweepers(processes: int) -> Any:
    """The sweeper processes, started once for every round."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    return ProcessPoolExecutor(processes, mp_context=get_context("spawn"))
