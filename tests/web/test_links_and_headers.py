"""User-supplied links pass one allow-list on the way in and on the way out; every response
carries the security headers, and the pages need no inline script."""

from __future__ import annotations

import base64
import hashlib
import re
from importlib.resources import files

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from shouhou.links import safe_link
from shouhou.models import Case, ReturnDetail
from tests.builders import auth
from tests.returns.helpers import act, apply, delivered, error, get, setup
from tests.web.conftest import login_form

PW = "pw12345678"
EVIL = ["javascript:alert(document.domain)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/x.jpg",
        "https://trusted.example@evil.example/", "https:/\\evil.example", "/media/../secret_key", "p1.jpg",
        "/media/ABC.png", "https://", "http://[::1", "file:///etc/passwd"]
GOOD = ["https://img.example.com/1.jpg", "http://cdn.example.cn/a/b.png?x=1#y", "/media/" + "a" * 32 + ".png"]


class TestTheAllowList:
    @pytest.mark.parametrize("url", EVIL)
    def test_it_refuses_anything_but_uploads_and_http_urls(self, url):
        assert safe_link(url) is None

    @pytest.mark.parametrize("url", GOOD)
    def test_it_passes_uploads_and_http_urls_unchanged(self, url):
        assert safe_link(url) == url

    @given(st.text(max_size=60))
    def test_it_never_passes_a_link_of_another_scheme(self, text):
        passed = safe_link(text)
        assert passed is None or (passed == text and (
            text.startswith(("http://", "https://")) or re.fullmatch(r"/media/[0-9a-f]{32}\.\w+", text)))

    @given(st.sampled_from(["javascript", "data", "vbscript", "file"]), st.text(max_size=20))
    def test_it_refuses_script_schemes_whatever_follows(self, scheme, rest):
        assert safe_link(f"{scheme}:{rest}") is None


@pytest.fixture
def received(world, client):
    """A return parcel on its way back to the warehouse."""
    tokens = setup(world)
    delivered(world)
    no = apply(client, tokens["buyer"])["no"]
    act(client, tokens["reviewer"], no, "approve")
    act(client, tokens["buyer"], no, "ship_return", carrier="SF", tracking_no="SF1")
    return tokens, no


class TestLinksOnTheWayIn:
    @pytest.mark.parametrize("url", EVIL[:5])
    def test_it_refuses_a_script_link_as_evidence_and_changes_nothing(self, client, world, received, url):
        tokens, no = received
        before = get(client, tokens["warehouse"], no)
        r = client.post(f"/api/v1/cases/{no}/transitions", headers=auth(tokens["warehouse"]),
                        json={"action": "receive", "version": before["version"], "result": "refused",
                              "photos": ["https://img.example.com/ok.jpg", url]})
        assert r.status_code == 422 and error(r) == "unsafe_url"
        assert r.json()["error"]["details"]["errors"][0]["loc"] == ["photos", 1]
        after = get(client, tokens["warehouse"], no)
        assert (after["version"], after["status"]) == (before["version"], before["status"])

    def test_it_refuses_a_script_link_in_an_application(self, client, world):
        tokens = setup(world)
        delivered(world)
        r = client.post("/api/v1/cases", headers=auth(tokens["buyer"], "zh"),
                        json={"type": "return_refund", "order_no": "T1", "lines": [{"line_no": 1, "qty": 1}],
                              "reason": "quality_issue", "photos": ["javascript:alert(1)"]})
        assert r.status_code == 422 and error(r) == "unsafe_url" and "链接" in r.json()["error"]["message"]
        assert world.count(Case) == 0

    def test_it_refuses_it_from_the_console_form_too(self, client, world, received):
        tokens, no = received
        world.user("keeper", "warehouse", "S1", password=PW)
        login_form(client, "keeper")
        page = client.get(f"/console/cases/{no}").text
        csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        # photos come as uploaded files: a link typed into the form is not taken as one
        client.post(f"/console/cases/{no}/act", data={"_csrf": csrf, "_action": "receive", "_version": "3",
                                                       "result": "refused", "photos": "javascript:alert(1)"})
        assert "javascript" not in str(get(client, tokens["warehouse"], no))


class TestLinksOnTheWayOut:
    def test_it_never_renders_an_old_stored_script_link_as_a_link(self, client, world, received):
        # given a photo stored before links were checked
        _, no = received
        with world.db.session() as s:
            detail = s.scalars(select(ReturnDetail).join(Case, Case.id == ReturnDetail.case_id)
                               .where(Case.no == no)).one()
            detail.photos = ["javascript:alert(document.domain)", "https://img.example.com/ok.jpg"]
        world.user("boss", "admin", None, password=PW)
        world.user("me", "customer", "S1", customer="u1001", password=PW)
        for user, path in (("boss", f"/console/cases/{no}"), ("me", f"/portal/cases/{no}")):
            client.cookies.clear()
            login_form(client, user)
            page = client.get(path).text
            # then the console and the portal show it as text, never as an href; the good one stays a link
            assert "javascript:" not in page.split('class="blocked-link"')[0].rsplit("<a ", 1)[-1]
            assert not re.search(r'href="\s*javascript:', page, re.I)
            assert 'class="blocked-link"' in page
            assert '<a href="https://img.example.com/ok.jpg" target="_blank" rel="noopener noreferrer">' in page


class TestSecurityHeaders:
    def test_it_sends_a_strict_policy_with_every_console_page(self, client, world):
        world.store()
        world.user("agent", "agent", "S1", password=PW)
        login_form(client, "agent")
        for path in ("/login", "/console/cases", "/console/cases/AS404"):  # the last: an error page
            r = client.get(path)
            csp = r.headers["content-security-policy"]
            assert "script-src 'self';" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
            assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["referrer-policy"] == "same-origin"
            assert "strict-transport-security" not in r.headers

    def test_every_page_names_its_icon_so_no_browser_asks_for_a_missing_one(self, client, world):
        page = client.get("/login").text
        (href,) = re.findall(r'<link rel="icon" href="([^"]+)"', page)
        icon = client.get(href)
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
        assert "<svg" in icon.text and "售" in icon.text

    def test_it_lets_the_api_load_nothing(self, client, world):
        for r in (client.get("/api/v1/me"), client.get("/healthz"), client.get("/api/openapi.json")):
            assert r.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
            assert r.headers["x-content-type-options"] == "nosniff"

    def test_it_sends_hsts_only_behind_https(self, settings, db, clock):
        from starlette.testclient import TestClient

        from shouhou.app import create_app

        app = create_app(settings.model_copy(update={"cookie_secure": True}), db=db, clock=clock)
        with TestClient(app) as c:
            assert c.get("/healthz").headers["strict-transport-security"].startswith("max-age=31536000")

    def test_it_allows_the_api_docs_exactly_their_own_inline_script(self, client):
        r = client.get("/api/docs")
        (script,) = re.findall(r"<script>(.*?)</script>", r.text, re.S)
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        csp = r.headers["content-security-policy"]
        assert f"script-src 'self' 'sha256-{digest}';" in csp and "frame-ancestors 'none'" in csp


class TestNoInlineScript:
    def test_it_has_no_inline_script_handler_or_script_url_in_any_template(self):
        root = files("shouhou.web") / "templates"
        found = []
        for path in _walk(root):
            text = path.read_text(encoding="utf-8")
            found += [(path.name, m) for m in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:",
                                                          text, re.I)]
        assert found == []


def _walk(folder):
    for item in folder.iterdir():
        if item.is_dir():
            yield from _walk(item)
        elif item.name.endswith(".html"):
            yield item


class TestNotFoundInWords:
    """A missing thing is named in the page's language, never by its code (找不到part NOPE)."""

    @pytest.mark.parametrize(("lang", "said"), [("zh", "找不到配件 NOPE"), ("en", "No part NOPE")])
    def test_a_missing_part_is_named_in_the_page_language(self, world, client, lang, said):
        world.store()
        world.user("kai", "warehouse", "S1", password="pw12345678")
        login_form(client, "kai")
        client.cookies.set("lang", lang)
        r = client.get("/console/parts/NOPE")
        assert r.status_code == 404 and said in r.text

    def test_every_kind_of_missing_thing_has_a_chinese_name_and_no_code_in_english(self):
        from shouhou.errors import not_found

        for what in ("unit", "outlet", "refund", "token", "signature", "photo", "part_request", "part", "form",
                     "contract", "action", "order_line"):
            zh, en = not_found(what, "X").message("zh"), not_found(what, "X").message("en")
            assert what not in zh and "_" not in en, (zh, en)
