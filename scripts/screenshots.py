"""`make screenshots`: the main console and portal pages as PNG files for the README and docs.

A throwaway SQLite database with the demo data, the app on a free local port, headless Chromium
(Debian's, driven by Playwright) signed in as each role; nothing touches var/ or a real database.
Chinese needs a CJK font (fonts-noto-cjk), or the pages show boxes.
"""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import select

from shouhou.app import create_app, load_all, migration_locations
from shouhou.clock import SystemClock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.db.migrate import upgrade
from shouhou.demo import PASSWORD, load_demo
from shouhou.engine.actor import Actor
from shouhou.engine.context import Ctx
from shouhou.models import Case

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--lang=zh-CN"]  # the browser's own words (a file input's button) in Chinese too
WIDE = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _case(db: Database, case_type: str, status: str) -> str:
    with db.session() as s:
        return s.scalars(select(Case.no).where(Case.type == case_type, Case.status == status)
                         .order_by(Case.id)).first() or ""


def _sign_in(page: Page, base: str, user: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button.primary")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/demo.sqlite3"
        settings = Settings(database_url=url, var_dir=Path(tmp), secret_key="screenshots", log_json=False,
                            log_level="WARNING", tune_collector=False)
        load_all(settings)
        upgrade(url, locations=migration_locations())
        db = Database(url)
        with db.session() as session:
            load_demo(Ctx(session=session, actor=Actor(user_id=None, name="demo", grants=(("admin", None),)),
                          clock=SystemClock(), settings=settings, lang="zh"))
        app = create_app(settings, db=db)
        port = _port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        pending = _case(db, "return_refund", "pending_review")
        arbitration = _case(db, "refund_only", "in_arbitration")
        returning = _case(db, "return_refund", "awaiting_return")
        shots = [
            ("reviewer", "/console", "console-queue.png", WIDE, False),
            ("reviewer", f"/console/cases/{pending}", "console-case.png", WIDE, True),
            ("finance", "/console/finance", "console-finance.png", WIDE, False),
            ("warehouse", "/console/warehouse", "console-warehouse.png", WIDE, False),
            ("platform", f"/console/cases/{arbitration}", "console-arbitration.png", WIDE, True),
            ("agent", "/console/cases?type=consultation", "console-consultations.png", WIDE, False),
            ("buyer", "/portal", "portal-home.png", PHONE, False),
            ("buyer", "/portal/orders/D1001", "portal-apply.png", PHONE, True),
            ("buyer", f"/portal/cases/{returning}", "portal-case.png", PHONE, True),
        ]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for user, path, name, size, full in shots:
                context = browser.new_context(locale="zh-CN", viewport=size,
                                              device_scale_factor=2 if size is PHONE else 1)
                page = context.new_page()
                _sign_in(page, base, user)
                page.goto(base + path)
                page.screenshot(path=str(out / name), full_page=full)
                context.close()
                print(out / name)
            browser.close()
        server.should_exit = True
        db.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
