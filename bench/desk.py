"""python -m bench.desk — the service desk's figures (issue 20), not part of `make test`:

- SLA due times computed per second on a store's business calendar (weekday intervals with a
  lunch gap, Chinese holidays and 调休 from the calendar) — pure, one process;
- the SLA sweep over `--open-cases` open cases (1,000,000), of which `--breaching` fall due: the
  breach fired once each through desk.sla_sweep.sweep, rows per second;
- search latency (median, p99) of desk.search.find over `--articles` articles (100,000) and
  `--messages` messages (1,000,000) of segmented text, two words of the after-sales vocabulary
  typed together as the query (each word in about 4 % of the documents);

on SQLite and PostgreSQL, each in a fresh database migrated by shouhou's Alembic. `--scale 0.01`
runs everything at a hundredth of its size (a quick look; say so when quoting it).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench import shouhou_setup
from bench.databases import database
from bench.raw import Raw

# Words of after-sales questions, already segmented; documents are drawn from them.
_WORDS = (
    "洗衣机 冰箱 空调 电视 热水器 油烟机 微波炉 电饭煲 扫地机 净水器 手机 笔记本 电脑 屏幕 遥控器 滤网 压缩机 "
    "不亮 不制冷 不加热 不脱水 漏水 噪音 异响 异味 卡顿 死机 黑屏 闪烁 发热 结冰 报错 故障 维修 安装 上门 "
    "更换 退货 换货 退款 发票 保修 三包 配件 主板 电源 开机 关机 重启 一直 突然 偶尔 每次 使用 之后 以后 "
    "已经 还是 仍然 无法 不能 正常 工作 显示 代码 指示灯 按键 门封 排水 进水 温度 制冷 制热 风扇 电机 "
    "快递 签收 破损 缺件 包装 说明书 型号 序列号 购买 订单 客服 师傅 预约 时间 费用 收费 免费 延保"
)
VOCABULARY = tuple(_WORDS.split(" "))
QUERY_PAIRS = 400


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.desk")
    p.add_argument("--db", default="sqlite,postgresql")
    p.add_argument("--scale", type=float, default=1.0, help="multiply every size below (0.01: a quick look)")
    p.add_argument("--due", type=int, default=200_000, help="SLA due-time computations")
    p.add_argument("--open-cases", type=int, default=1_000_000)
    p.add_argument("--breaching", type=int, default=20_000, help="of them, due to breach at the sweep")
    p.add_argument("--batch", type=int, default=500, help="clocks per sweep transaction (the worker's)")
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--messages", type=int, default=1_000_000)
    p.add_argument("--queries", type=int, default=300, help="searches timed per kind")
    p.add_argument("--skip", default="", help="comma-separated: due,sweep,search")
    p.add_argument("--out", default="bench/results/desk.json")
    args = p.parse_args()
    size = {k: max(1, int(getattr(args, k) * args.scale)) for k in ("due", "open_cases", "breaching", "articles",
                                                                      "messages")}
    size["breaching"] = min(size["breaching"], size["open_cases"])
    results: dict[str, Any] = {"when": datetime.now(UTC).isoformat(), "machine": platform.platform(),
                               "args": vars(args), "sizes": size, "runs": {}}
    if "due" not in args.skip:
        results["due"] = due_rate(size["due"])
        print(f"SLA due times: {results['due']['per_s']:,.0f}/s", flush=True)
    for backend in args.db.split(","):
        out = results["runs"][backend] = {}
        if "sweep" not in args.skip:
            out["sweep"] = run_sweep(backend, size["open_cases"], size["breaching"], args.batch)
        if "search" not in args.skip:
            out["search"] = run_search(backend, size["articles"], size["messages"], args.queries)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))


# -- SLA due times ----------------------------------------------------------------------------


def due_rate(n: int) -> dict[str, Any]:
    """BusinessHours.add, the function the SLA and POST …/business-time share, from starts spread
    over 2026 (National Day and Spring Festival included), 4 business hours to 3 working days."""
    from shouhou.calendar.business import DEFAULT_WEEK, BusinessHours
    from shouhou.calendar.holidays import HolidayCalendar

    hours = BusinessHours(ZoneInfo("Asia/Shanghai"), DEFAULT_WEEK, {date(2026, 12, 24): ((540, 900),)},
                          HolidayCalendar())
    rnd = random.Random(20)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    starts = [start + timedelta(minutes=rnd.randrange(365 * 24 * 60)) for _ in range(n)]
    spans = [rnd.choice((4 * 3600, 8 * 3600, 24 * 3600)) for _ in range(n)]
    began = time.perf_counter()
    for s, sec in zip(starts, spans, strict=True):
        hours.add(s, sec)
    spent = time.perf_counter() - began
    return {"computations": n, "seconds": spent, "per_s": n / spent}


# -- the breach sweep -------------------------------------------------------------------------


def run_sweep(backend: str, open_cases: int, breaching: int, batch: int) -> dict[str, Any]:
    from shouhou.clock import FrozenClock
    from shouhou.config import Settings
    from shouhou.db import Database
    from shouhou.desk.sla_sweep import sweep

    shouhou_setup.load_case_types()
    with database(backend) as db, tempfile.TemporaryDirectory() as tmp:
        shouhou_setup.seed(db.url, 0, Path(tmp))
        now = datetime.now(UTC).replace(microsecond=0)
        print(f"[{backend}] seeding {open_cases:,} open cases with their first-response clocks, "
              f"{breaching:,} of them due …", flush=True)
        began = time.perf_counter()
        _seed_clocks(db.url, open_cases, breaching, now)
        seeded = time.perf_counter() - began
        settings = Settings(database_url=db.url, var_dir=Path(tmp), secret_key="bench")
        shouhou = Database(db.url)
        clock = FrozenClock(now)
        print(f"[{backend}] sweeping …", flush=True)
        began = time.perf_counter()
        looked = 0
        while (n := sweep(shouhou, settings, clock, batch)) > 0:
            looked += n
        spent = time.perf_counter() - began
        began = time.perf_counter()
        idle = sweep(shouhou, settings, clock, batch)  # nothing due: the index answers
        idle_ms = (time.perf_counter() - began) * 1000
        raw = Raw(db.url)
        fired = raw.conn.execute("SELECT count(*) FROM sla_clock WHERE breached_at IS NOT NULL").fetchone()[0]
        raw.conn.close()
        shouhou.dispose()
    print(f"[{backend}] {looked:,} clocks looked at in {spent:.1f} s ({looked / spent:,.0f}/s); "
          f"{fired:,} breaches", flush=True)
    return {"open_cases": open_cases, "due": breaching, "looked": looked, "seconds": spent,
            "per_s": looked / spent if spent else 0.0, "breaches_fired": fired, "exactly_once": fired == breaching,
            "idle_pass_ms": idle_ms, "idle_looked": idle, "seed_seconds": seeded, "batch": batch}


def _seed_clocks(url: str, n: int, due: int, now: datetime) -> None:
    """n open consultations (a create event each) with a running first-response clock; the first
    `due` were opened 5 hours ago and are past their 4 hours, the rest look again in a week."""
    raw = Raw(url)
    store_id = raw.conn.execute("SELECT id FROM store WHERE code = 'S1'").fetchone()[0]
    late, later = now - timedelta(hours=5), now + timedelta(days=7)

    def opened(i: int) -> datetime:
        return late if i < due else now - timedelta(minutes=5)

    def check(i: int) -> datetime:
        return now - timedelta(minutes=60) if i < due else later

    base = 10_000_000  # clear of the ids the engine hands out
    policy = {"name": "bench", "case_types": [], "tiers": [], "priorities": [], "escalation": [],
              "targets": {"first_response": {"minutes": 240, "business": False}}, "pause_on": ["customer"]}
    raw.conn.execute(raw.sql("INSERT INTO sla_policy (store_id, position, name, data) VALUES (:s, 0, 'bench', :d)"),
                     {"s": store_id, "d": json.dumps(policy)})
    if raw.pg:
        raw.conn.commit()
    if raw.pg:
        with raw.conn.cursor() as cur:
            with cur.copy("COPY cases (id, no, type, status, version, priority, channel, subject, description, "
                          "store_id, created_at, updated_at, data) FROM STDIN") as cp:
                for i in range(n):
                    cp.write_row((base + i, f"SL{i:09d}", "consultation", "new", 1, "normal", "email", "bench", "",
                                  store_id, opened(i), opened(i), "{}"))
            with cur.copy("COPY case_event (store_id, case_id, seq, action, from_status, to_status, actor_name, "
                          "actor_role, at, visibility, payload) FROM STDIN") as cp:
                for i in range(n):
                    cp.write_row((store_id, base + i, 1, "create", None, "new", "bench", "system", opened(i),
                                  "public", "{}"))
            with cur.copy("COPY sla_clock (store_id, case_id, target, policy, minutes, business, status, due_at, "
                          "elapsed_seconds, check_at, updated_at) FROM STDIN") as cp:
                for i in range(n):
                    cp.write_row((store_id, base + i, "first_response", "bench", 240, False, "running",
                                  opened(i) + timedelta(hours=4), 0, check(i), opened(i)))
        raw.conn.commit()
        raw.conn.autocommit = True
        for table in ("cases", "case_event", "sla_clock"):
            raw.conn.execute(f"VACUUM ANALYZE {table}")
    else:
        v = raw.value
        raw.conn.execute("BEGIN")
        raw.conn.executemany(
            "INSERT INTO cases (id, no, type, status, version, priority, channel, subject, description, store_id, "
            "created_at, updated_at, data) VALUES (?, ?, 'consultation', 'new', 1, 'normal', 'email', 'bench', '', "
            "?, ?, ?, '{}')", ((base + i, f"SL{i:09d}", store_id, v(opened(i)), v(opened(i))) for i in range(n)))
        raw.conn.executemany(
            "INSERT INTO case_event (store_id, case_id, seq, action, from_status, to_status, actor_name, actor_role, "
            "at, visibility, payload) VALUES (?, ?, 1, 'create', NULL, 'new', 'bench', 'system', ?, 'public', '{}')",
            ((store_id, base + i, v(opened(i))) for i in range(n)))
        raw.conn.executemany(
            "INSERT INTO sla_clock (store_id, case_id, target, policy, minutes, business, status, due_at, "
            "elapsed_seconds, check_at, updated_at) VALUES (?, ?, 'first_response', 'bench', 240, 0, 'running', ?, "
            "0, ?, ?)", ((store_id, base + i, v(opened(i) + timedelta(hours=4)), v(check(i)), v(opened(i)))
                         for i in range(n)))
        raw.conn.execute("COMMIT")
        raw.conn.execute("ANALYZE")
    raw.conn.close()


# -- search -----------------------------------------------------------------------------------


FILLER = 20_000  # other words, each rare (as most words of real text are); never asked for


def _text(rnd: random.Random, words: int) -> list[str]:
    """A document: mostly rare words, and 2-6 of the after-sales vocabulary (each then stands in
    about 4 % of documents, a pair of them in a few per thousand), in random order."""
    from shouhou.desk.segment import index_terms  # as the desk indexes a word (不制冷: 不 制冷 不制冷)

    known = rnd.randint(2, 6)
    out = [f"w{rnd.randrange(FILLER)}" for _ in range(max(0, words - known))] + rnd.sample(VOCABULARY, known)
    rnd.shuffle(out)
    return [index_terms(w) if not w.startswith("w") else w for w in out]


def run_search(backend: str, articles: int, messages: int, queries: int) -> dict[str, Any]:
    from shouhou.db import Database
    from shouhou.desk import search

    shouhou_setup.load_case_types()
    with database(backend) as db, tempfile.TemporaryDirectory() as tmp:
        shouhou_setup.seed(db.url, 0, Path(tmp))
        print(f"[{backend}] indexing {articles:,} articles and {messages:,} messages …", flush=True)
        began = time.perf_counter()
        store_id = _seed_docs(db.url, articles, messages)
        seeded = time.perf_counter() - began
        rnd = random.Random(7)
        pairs = ["".join(rnd.sample(VOCABULARY, 2)) for _ in range(QUERY_PAIRS)]  # 屏幕不亮, as typed
        shouhou = Database(db.url)
        out: dict[str, Any] = {"articles": articles, "messages": messages, "index_seconds": seeded}
        for kind in ("article", "message"):
            with shouhou.session(write=False) as session:
                for q in pairs[:20]:  # warm the caches
                    search.find(session, q, kinds=(kind,), store_ids={store_id})
                times, hits = [], 0
                for i in range(queries):
                    q = pairs[i % len(pairs)]
                    began = time.perf_counter()
                    _, found = search.find(session, q, kinds=(kind,), store_ids={store_id})
                    times.append((time.perf_counter() - began) * 1000)
                    hits += bool(found)
            times.sort()
            out[kind] = {"queries": queries, "median_ms": statistics.median(times),
                         "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))], "found_some": hits}
            print(f"[{backend}] {kind}: median {out[kind]['median_ms']:.1f} ms, p99 {out[kind]['p99_ms']:.1f} ms",
                  flush=True)
        shouhou.dispose()
    return out


def _seed_docs(url: str, articles: int, messages: int) -> int:
    """search_doc rows as the desk writes them (segmented words, space-separated): articles of
    20–80 words, messages of 5–40 words over 10 messages a case."""
    raw = Raw(url)
    store_id = raw.conn.execute("SELECT id FROM store WHERE code = 'S1'").fetchone()[0]
    rnd = random.Random(11)

    def rows() -> Any:
        for i in range(articles):
            yield (store_id, "article", i + 1, None, i % 2 == 0, " ".join(_text(rnd, rnd.randint(20, 80))))
        for i in range(messages):
            yield (store_id, "message", i + 1, 1 + i // 10, True, " ".join(_text(rnd, rnd.randint(5, 40))))

    if raw.pg:
        with raw.conn.cursor() as cur, cur.copy(
                "COPY search_doc (store_id, kind, ref_id, case_id, public, terms) FROM STDIN") as cp:
            for row in rows():
                cp.write_row(row)
        raw.conn.commit()
        raw.conn.autocommit = True
        raw.conn.execute("VACUUM ANALYZE search_doc")
    else:
        raw.conn.execute("BEGIN")
        raw.conn.executemany("INSERT INTO search_doc (store_id, kind, ref_id, case_id, public, terms) "
                             "VALUES (?, ?, ?, ?, ?, ?)", rows())
        raw.conn.execute("COMMIT")
        raw.conn.execute("ANALYZE")
    raw.conn.close()
    return int(store_id)


if __name__ == "__main__":
    main()
