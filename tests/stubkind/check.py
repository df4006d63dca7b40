"""Exercise the stub type end to end in a process of its own (the registry is per process):
`python -m tests.stubkind.check <database url> <var dir>` prints what it saw as JSON."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from starlette.testclient import TestClient

from shouhou.app import create_app, load_all, migration_locations
from shouhou.clock import FrozenClock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.db.migrate import upgrade
from shouhou.engine.actor import Actor
from shouhou.engine.context import Ctx
from shouhou.engine.diagram import document
from shouhou.engine.sweep import run_due
from shouhou.models import Case
from shouhou.plugins import kinds

ADMIN = Actor(user_id=None, name="check", grants=(("admin", None),))
PASSWORD = "stub-check-password-1"


def main(url: str, var: str) -> dict:
    settings = Settings(database_url=url, var_dir=Path(var), secret_key="stub", log_json=False, log_level="WARNING",
                        tune_collector=False, plugins="tests.stubkind.plugin")
    load_all(settings)
    upgrade(url, locations=migration_locations())
    db = Database(url)
    clock = FrozenClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    from shouhou.accounts import service as accounts

    with db.session() as session:
        ctx = Ctx(session=session, actor=ADMIN, clock=clock, settings=settings)
        accounts.create_store(ctx, "S1", "试用店")
        accounts.add_user(ctx, "tech", "agent", store_code="S1", password=PASSWORD)
        token = accounts.issue_token(ctx, "tech")
    seen: dict = {"types": [k.type for k in kinds()]}
    auth = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    with TestClient(create_app(settings, db=db, clock=clock)) as client:
        spec = client.get("/api/openapi.json").json()
        body = spec["paths"]["/api/v1/cases"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        seen["openapi_union"] = sorted(body["discriminator"]["mapping"])
        made = client.post("/api/v1/cases", headers=auth, json={"type": "stub", "store": "S1", "subject": "不制冷",
                                                                 "model": "KFR-35"})
        seen["create"] = made.status_code
        case = made.json()
        seen["created"] = {k: case.get(k) for k in ("type", "status", "stub", "stub_watched")}
        seen["deadline"] = (case.get("next_deadline") or {}).get("action")
        seen["offered"] = sorted(a["name"] for a in case["available_actions"])
        bad = client.post("/api/v1/cases", headers=auth, json={"type": "stub", "store": "S1", "subject": "x"})
        seen["refused"] = (bad.status_code, bad.json()["error"]["code"],
                           [e["loc"] for e in bad.json()["error"]["details"]["errors"]])
        moved = client.post(f"/api/v1/cases/{case['no']}/transitions", headers=auth,
                            json={"action": "inspect", "version": case["version"], "verdict": "压缩机故障"})
        seen["inspected"] = (moved.status_code, moved.json()["status"], moved.json()["stub"]["verdict"])
        html = client.get("/login").text
        csrf = re.search(r'name="_csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"_csrf": csrf, "username": "tech", "password": PASSWORD, "next": ""})
        page = client.get(f"/console/cases/{case['no']}")
        seen["console"] = (page.status_code, "stub-detail" in page.text and "KFR-35" in page.text)
        events = client.get(f"/api/v1/cases/{case['no']}/events", headers=auth).json()["items"]
        seen["events"] = [e["action"] for e in events]
        forgotten = client.post("/api/v1/cases", headers=auth, json={"type": "stub", "store": "S1",
                                                                      "subject": "异响", "model": "XQG100"}).json()
    swept = run_due(db, settings, clock.now() + timedelta(days=31))
    seen["swept"] = (swept.fired, swept.failed)
    with db.session() as session:
        statuses = dict(session.execute(select(Case.no, Case.status)).all())
    seen["after_sweep"] = {"forgotten": statuses[forgotten["no"]], "inspected": statuses[case["no"]]}
    seen["docs"] = "### `stub`" in document([k.workflow for k in kinds()])
    db.dispose()
    return seen


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2]), ensure_ascii=False))
