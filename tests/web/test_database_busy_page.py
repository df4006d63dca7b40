"""A browser that meets a crowded database gets a page in its language saying to retry (503,
`Retry-After`), not the API's JSON; the API under the same conditions keeps its JSON."""

from __future__ import annotations

from tests.pools import crowded, postgresql_only
from tests.web.conftest import login_form


def test_a_console_page_says_to_retry_while_the_pool_is_taken(world, db, settings, clock, backend):
    postgresql_only(backend)
    world.store()
    token = world.user("agent", "agent", "S1", password="pw12345678")
    with crowded(db.url, settings, clock) as (client, hold):
        assert login_form(client, "agent").status_code == 303
        assert client.get("/console/cases").status_code == 200
        with hold():
            page = client.get("/console/cases")
            assert page.status_code == 503
            assert page.headers["retry-after"] == "1"
            assert page.headers["content-type"].startswith("text/html")
            assert "请稍后重试" in page.text and "服务器正忙于处理其他请求，未做任何更改，请重试" in page.text
            client.cookies.set("lang", "en")
            page = client.get("/console/cases")
            assert page.status_code == 503 and "Please retry" in page.text
            assert "The server is busy with other requests" in page.text
            api = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
            assert api.status_code == 503 and api.json()["error"]["code"] == "database_busy"
        assert client.get("/console/cases").status_code == 200
