"""Issue 19's raw-value scan: headless Chromium signs in as every demo role, walks every console
and portal page it can reach, in Chinese and in English, and fails on anything a person should
not read there — a snake_case code, None/True/False, an amount in fen or without ¥, English on a
Chinese page, Chinese on an English one (tests/web/rawscan.py says exactly what) — or anything
the Content-Security-Policy refuses, or a script error.

What people typed and the identifiers a page may show are allowed, and listed explicitly: the
database columns in TYPED (case, order and tracking numbers, SKUs, serials, names, addresses,
notes…) and the free text buyers and staff wrote in the timeline's payloads.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import String, Text, select

from shouhou.db import Base
from shouhou.demo import PASSWORD, load_demo
from tests.web.rawscan import problems, visible_text

pytestmark = pytest.mark.browser

# Columns whose values are what people typed or identifiers, shown as they are (any table).
TYPED = {
    "no", "order_no", "sku", "name", "subject", "description", "display_name", "username", "external_id", "phone",
    "address", "tracking_no", "inbound_tracking_no", "return_tracking_no", "serial", "serials", "new_serial",
    "old_serial", "replaced_by_serial", "replaces_serial", "model", "models", "note", "decision_note",
    "reject_reason", "adjustment_reason", "return_address", "return_contact", "return_phone", "contact",
    "contact_name", "contact_phone", "maker", "diagnosis", "failure", "fault", "accessories", "areas", "district",
    "invoice_no", "receipt_no", "gateway_ref", "paid_ref", "booking_ref", "rating_comment", "write_off_reason",
    "supplier", "vendor", "signer", "actor_name", "approved_by", "reviewed_by", "decided_by", "created_by", "by",
    "in_by", "out_by", "qc_by", "technician", "requested_by", "operator", "category", "skills", "email", "prefix",
    "in_from", "out_to", "returned_to", "supervisors", "payload", "data", "extra",
}
# Who did something: user names are identifiers even when they look like a word (the demo's
# `agent`, `reviewer`…), so these columns are allowed whatever they hold.
WHO = {"username", "display_name", "actor_name", "operator", "created_by", "by", "in_by", "out_by", "qc_by",
       "technician", "requested_by", "approved_by", "reviewed_by", "decided_by", "supervisors", "signer"}
LABELS = {"zh": "label_zh", "en": "label_en"}  # a store's own labels, in the page's language
AMOUNT = re.compile(r"^[-−]?\d+(?:\.\d+)?$")  # a bare number or amount is never allowed for being stored
CODE = re.compile(r"^[a-z][a-z0-9]*(?:[_:][a-z0-9]+)*$")  # a code, never allowed for being in the database
ROLES = ("reviewer", "warehouse", "finance", "platform", "supervisor", "agent", "technician", "admin",
         "buyer", "buyer2", "buyer3")
NOT_PAGES = ("/logout", "/lang/", "/export", "/static/", "/media/", "/api/", "/print")
DETAIL = re.compile(r"^/(console|portal)/(cases|orders|repairs|units|parts|tech)/[^/]+")


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _leaves(v)


def allowed_texts(db: Any, lang: str) -> set[str]:
    """What the database holds that people typed, and identifiers (TYPED), minus anything code-like."""
    found: set[str] = set()
    who: set[str] = set()
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            cols = [c for c in table.columns if c.name in TYPED or c.name == LABELS[lang]]
            if not cols:
                continue
            for row in conn.execute(select(*cols)):
                for col, value in zip(cols, row, strict=True):
                    if value is None:
                        continue
                    texts = [value] if isinstance(col.type, String | Text) and isinstance(value, str) \
                        else list(_leaves(value))
                    (who if col.name in WHO else found).update(texts)
    typed = {t for t in found if not CODE.match(t) and not AMOUNT.match(t.strip())}
    return {t for t in typed | who if t.strip() and t not in ("None", "True", "False")}


def _sign_in(page: Any, base: str, user: str, lang: str) -> None:
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "lang", "value": lang, "url": base}])
    page.goto(base + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button.primary")


def _links(html: str) -> list[str]:
    out = []
    for href in re.findall(r'href="(/(?:console|portal)[^"#]*)"', html):
        href = htmllib.unescape(href)
        if not any(p in href for p in NOT_PAGES):
            out.append(href)
    return out


def crawl(page: Any, base: str, role: str, seen: set[Any], limit: int = 120) -> Iterator[tuple[str, int, str]]:
    """The pages a role reaches: its start page and what it links to (each page of a role's own
    once), and further pages no role has been to yet."""
    start = urlsplit(page.url)
    queue: list[tuple[str, int]] = [(start.path + (f"?{start.query}" if start.query else ""), 0)]
    visits = 0
    while queue and visits < limit:
        url, depth = queue.pop(0)
        path = urlsplit(url).path
        key = (role, path) if depth <= 1 or not DETAIL.match(path) else path
        if key in seen:
            continue
        seen.add(key)
        response = page.goto(base + url, wait_until="domcontentloaded")
        visits += 1
        # The DOM as the deferred scripts left it, as page.content() gives it; read so it took
        # 20-50 ms a page less here, right after DOMContentLoaded.
        content = page.evaluate("document.documentElement.outerHTML")
        yield url, response.status if response else 0, content
        queue += [(link, depth + 1) for link in _links(content)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_shows_a_raw_value(lang, world, db, live_server, page):
    with world.ctx() as ctx:
        load_demo(ctx)
    allowed = allowed_texts(db, lang)
    seen: set[Any] = set()
    found: dict[str, list[str]] = {}
    pages = 0
    # What the browser refused (the Content-Security-Policy) or a script threw, on any page crawled.
    refused: list[str] = []
    page.on("console", lambda m: refused.append(f"{page.url}: {m.text}")
            if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: refused.append(f"{page.url}: {e}"))
    for role in ROLES:
        _sign_in(page, live_server, role, lang)
        for url, status, content in crawl(page, live_server, role, seen):
            pages += 1
            assert status < 500, f"{role} {url}: {status}"
            for p in problems(visible_text(content, lang), lang, allowed):
                found.setdefault(p, []).append(f"{role} {url}")
    report = "\n".join(f"{p}\n    on {', '.join(where[:3])}" for p, where in sorted(found.items()))
    assert not found, f"{len(found)} raw value(s) on {pages} pages ({lang}):\n{report}"
    assert not refused, "\n".join(refused[:10])
    assert pages > 60  # every role's pages were reached
