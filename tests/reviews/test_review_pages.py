"""The console's pages of review handling: log a review, the month's register (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

from shouhou.accounts import service as accounts
from tests.returns.helpers import delivered, setup
from tests.web.conftest import csrf_of, login_form

PW = "pw12345678"


def signed_in(world, client, name: str) -> dict[str, str]:
    t = setup(world)
    with world.ctx() as ctx:
        accounts.set_password(ctx, name, PW)
    client.cookies.clear()
    assert login_form(client, name, PW).status_code == 303
    return t


def post_form(client, path: str, **fields: str):
    token = csrf_of(client.get(path).text)
    return client.post(path, data={"_csrf": token, **fields}, follow_redirects=False)


class TestPages:
    def test_an_agent_logs_a_review_and_finds_it_in_the_months_register(self, world, client):
        signed_in(world, client, "agent-S1")
        delivered(world, "T1")
        r = post_form(client, "/console/reviews/new", store="S1", order_no="T1", platform="tmall", rating="negative",
                      content="鞋子开胶了", reviewed_at="2026-11-22T20:15", sku="SHOE-41")
        assert r.status_code == 303, r.text
        no = r.headers["location"].removeprefix("/console/cases/")
        case_page = client.get(r.headers["location"]).text
        section = re.search(r'<section class="card review">.*?</section>', case_page, re.DOTALL).group(0)
        assert "天猫" in section and "鞋子开胶了" in section and "2026-11-22 20:15" in section  # the store's zone
        page = client.get("/console/reviews", params={"month": "2026-11"})
        assert page.status_code == 200
        row = re.search(rf'<tr><td><a href="/console/cases/{no}">.*?</tr>', page.text, re.DOTALL).group(0)
        assert "差评" in row and "天猫" in row and "T1" in row

    def test_a_refused_review_keeps_what_was_typed(self, world, client):
        signed_in(world, client, "agent-S1")
        r = post_form(client, "/console/reviews/new", store="S1", order_no="NOPE", rating="neutral", content="一般般",
                      reviewed_at="2026-11-22T20:15")
        assert r.status_code == 404 and "一般般" in r.text and 'role="alert"' in r.text

    def test_the_warehouse_does_not_read_the_register(self, world, client):
        signed_in(world, client, "warehouse-S1")
        assert client.get("/console/reviews").status_code == 403
        assert 'href="/console/reviews"' not in client.get("/console").text
