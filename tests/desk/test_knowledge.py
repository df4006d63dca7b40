"""Canned replies with variables; the knowledge base and Chinese full-text search; case search."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from tests.builders import auth, error_of
from tests.web.conftest import csrf_of, login_form

ARTICLES = [
    ("电视机开机后屏幕一直不亮怎么办", "开机后屏幕一直不亮: 先检查电源指示灯, 再拔掉电源等待一分钟后重新开机。", ["电视", "屏幕"]),
    ("屏幕有亮点", "屏幕上出现亮点多为坏点, 保修期内可以免费更换屏幕。", ["屏幕"]),
    ("遥控器不灵", "遥控器按键不亮、不灵: 更换电池。", ["遥控器"]),
    ("洗衣机不脱水", "检查排水管是否堵塞, 衣物是否放置均匀。", ["洗衣机"]),
]


def kb_world(world, client) -> str:
    world.store()
    world.order("T20261101001")
    token = world.user("agent1", "agent")
    for title, body, tags in ARTICLES:
        made = client.post("/api/v1/kb/articles", json={"title": title, "body": body, "tags": tags, "public": True,
                                                        "store": "S1"}, headers=auth(token))
        assert made.status_code == 201, made.text
    return token


class TestSearch:
    def test_it_finds_a_phrase_written_without_spaces_and_ranks_it_first(self, world, client):
        token = kb_world(world, client)
        found = client.get("/api/v1/kb/search", params={"q": "屏幕不亮"}, headers=auth(token)).json()
        assert found["words"] == ["屏幕", "不亮"]
        assert found["items"][0]["title"] == "电视机开机后屏幕一直不亮怎么办"
        assert "<mark>屏幕</mark>" in found["items"][0]["snippet"] and "<mark>不亮</mark>" in found["items"][0]["snippet"]

    def test_it_falls_back_to_any_word_and_never_shows_another_stores_articles(self, world, client):
        token = kb_world(world, client)
        found = client.get("/api/v1/kb/search", params={"q": "洗衣机 冰箱"}, headers=auth(token)).json()
        assert [a["title"] for a in found["items"]] == ["洗衣机不脱水"]
        world.store("S2", "别的店")
        other = world.user("agent2", "agent", "S2")
        assert client.get("/api/v1/kb/search", params={"q": "屏幕"}, headers=auth(other)).json()["items"] == []

    def test_a_buyer_finds_public_articles_only(self, world, client):
        token = kb_world(world, client)
        client.post("/api/v1/kb/articles", json={"title": "屏幕内部维修手册", "body": "内部资料 屏幕", "store": "S1"},
                    headers=auth(token))
        buyer = world.user("buyer", "customer", customer="u1001")
        titles = [a["title"] for a in client.get("/api/v1/kb/search", params={"q": "屏幕"},
                                                 headers=auth(buyer)).json()["items"]]
        assert "屏幕内部维修手册" not in titles and "屏幕有亮点" in titles

    def test_an_edit_is_a_new_version_and_is_found_by_its_new_words(self, world, client):
        token = kb_world(world, client)
        made = client.post("/api/v1/kb/articles", json={"title": "空调不制冷", "body": "检查滤网", "store": "S1"},
                           headers=auth(token)).json()
        edited = client.put(f"/api/v1/kb/articles/{made['id']}", json={"title": "空调不制冷", "body": "补充氟利昂",
                                                                        "store": "S1"}, headers=auth(token))
        assert edited.json()["version"] == 2
        found = client.get("/api/v1/kb/search", params={"q": "氟利昂"}, headers=auth(token)).json()["items"]
        assert [a["id"] for a in found] == [made["id"]]
        assert client.get("/api/v1/kb/search", params={"q": "滤网"}, headers=auth(token)).json()["items"] == []

    def test_an_edit_from_an_older_version_is_refused_and_changes_nothing(self, world, client):
        token = kb_world(world, client)
        made = client.post("/api/v1/kb/articles", json={"title": "空调不制冷", "body": "检查滤网", "store": "S1"},
                           headers=auth(token)).json()
        url = f"/api/v1/kb/articles/{made['id']}"
        mine = {"title": "空调不制冷", "body": "补充氟利昂", "store": "S1", "version": 1}
        assert client.put(url, json=mine, headers=auth(token)).json()["version"] == 2
        stale = client.put(url, json={**mine, "body": "清洗冷凝器"}, headers=auth(token))
        assert error_of(stale, 409, "version_conflict")["details"] == {"id": made["id"], "expected": 1, "current": 2}
        assert client.get(url, headers=auth(token)).json()["body"] == "补充氟利昂"

    def test_of_two_edits_of_one_version_at_the_same_moment_one_is_saved(self, world, client):
        token = kb_world(world, client)
        made = client.post("/api/v1/kb/articles", json={"title": "空调不制冷", "body": "检查滤网", "store": "S1"},
                           headers=auth(token)).json()
        start = threading.Barrier(2)

        def edit(body: str, version: int | None):
            start.wait()
            return client.put(f"/api/v1/kb/articles/{made['id']}", headers=auth(token),
                              json={"title": "空调不制冷", "body": body, "store": "S1", "version": version})

        for versions in ((1, 1), (None, None)):  # named, or left out (each reads the latest)
            seen = client.get(f"/api/v1/kb/articles/{made['id']}", headers=auth(token)).json()["version"]
            with ThreadPoolExecutor(2) as pool:
                answers = list(pool.map(edit, ("甲", "乙"), [v and seen for v in versions]))
            codes = sorted(r.status_code for r in answers)
            assert codes in ([200, 200], [200, 409]), [r.text for r in answers]
            after = client.get(f"/api/v1/kb/articles/{made['id']}", headers=auth(token)).json()
            assert after["version"] == seen + codes.count(200)
            if versions[0] is not None:
                assert codes == [200, 409]  # both started from `seen`: the second would overwrite the first

    def test_cases_are_found_by_their_subject_and_messages(self, world, client):
        token = kb_world(world, client)
        first = world.consultation("agent1", subject="电视开机黑屏")
        second = world.consultation("agent1", subject="咨询发票")
        world.move("agent1", second, "assign", ("reply", {"message": "电子发票已经发送到您的邮箱"}))
        found = client.get("/api/v1/cases/search", params={"q": "黑屏"}, headers=auth(token)).json()
        assert [c["no"] for c in found["items"]] == [first] and found["items"][0]["matched"] == "case"
        found = client.get("/api/v1/cases/search", params={"q": "电子发票"}, headers=auth(token)).json()
        assert [(c["no"], c["matched"]) for c in found["items"]] == [(second, "message")]


class TestCannedReplies:
    def test_variables_are_filled_in_from_the_case_and_uses_counted(self, world, client):
        token = kb_world(world, client)
        made = client.post("/api/v1/canned-replies", json={
            "title": "已收到", "folder": "通用", "store": "S1",
            "body": "{{customer_name}}您好, 您的订单 {{order_no}} 的售后单 {{case_no}} 已受理, {{deadline}} 前回复您。"},
            headers=auth(token))
        assert made.status_code == 201, made.text
        assert made.json()["variables"] == ["case_no", "customer_name", "deadline", "order_no"]
        no = world.consultation("agent1", order_no="T20261101001")
        rendered = client.post(f"/api/v1/canned-replies/{made.json()['id']}/render", json={"case_no": no},
                               headers=auth(token))
        assert rendered.json()["text"] == f"张三您好, 您的订单 T20261101001 的售后单 {no} 已受理, 2026-11-23 15:00 前回复您。"
        assert rendered.json()["uses"] == 1

    def test_an_unknown_case_is_refused_and_another_stores_reply_is_not_found(self, world, client):
        token = kb_world(world, client)
        made = client.post("/api/v1/canned-replies", json={"title": "t", "body": "b", "store": "S1"},
                           headers=auth(token)).json()
        error_of(client.post(f"/api/v1/canned-replies/{made['id']}/render", json={"case_no": "AS000000000001"},
                             headers=auth(token)), 422, "unknown_case")
        world.store("S2", "别的店铺")
        other = world.user("agent-s2", "agent", "S2")
        no = world.consultation("agent-s2", store="S2")
        error_of(client.post(f"/api/v1/canned-replies/{made['id']}/render", json={"case_no": no},
                             headers=auth(other)), 404, "canned_reply_not_found")

    def test_only_an_admin_of_every_store_shares_a_reply(self, world, client):
        token = kb_world(world, client)
        error_of(client.post("/api/v1/canned-replies", json={"title": "共享", "body": "您好"}, headers=auth(token)),
                 403, "forbidden")
        admin = world.user("root", "admin", None)
        assert client.post("/api/v1/canned-replies", json={"title": "共享", "body": "您好"},
                           headers=auth(admin)).status_code == 201
        listed = client.get("/api/v1/canned-replies", headers=auth(token)).json()["items"]
        assert [r["title"] for r in listed] == ["共享"] and listed[0]["store"] is None


class TestProblemsAndSuggestions:
    def test_reason_codes_are_counted_per_product_and_linked_to_their_article(self, world, client):
        from tests.engine.factories import CASE_FACTORIES, RETURN_REASONS

        token = kb_world(world, client)
        world.user("buyer", "customer", customer="u1001")
        code = RETURN_REASONS["return_refund"]
        article = client.post("/api/v1/kb/articles", json={"title": "T恤质量问题处理", "body": "质量问题可退",
                                                           "tags": [code], "store": "S1"}, headers=auth(token)).json()
        for status in ("pending_review", "completed"):
            CASE_FACTORIES["return_refund"](world, status)
        stats = client.get("/api/v1/kb/problem-stats", params={"store": "S1"}, headers=auth(token)).json()
        assert stats["items"] == [{"kind": "reason", "product": "TSHIRT-M", "code": code, "count": 2,
                                   "article": {"id": article["id"], "title": "T恤质量问题处理"}}]

    def test_a_new_case_shows_the_articles_its_text_matches(self, world, client):
        token = kb_world(world, client)
        no = world.consultation("agent1", subject="我家电视屏幕不亮了")
        found = client.get(f"/api/v1/cases/{no}/articles", headers=auth(token)).json()["items"]
        assert found[0]["title"] == "电视机开机后屏幕一直不亮怎么办"


class TestConsolePages:
    """The console's knowledge base: the same service and checks as the API, in the reader's language."""

    def test_an_agent_adds_searches_and_edits_an_article_and_a_refused_form_keeps_what_was_typed(self, world, client):
        kb_world(world, client)
        world.user("writer", "agent", password="pw12345678")
        login_form(client, "writer")
        page = client.get("/console/kb/new").text
        r = client.post("/console/kb/new", data={"_csrf": csrf_of(page), "store": "S1", "title": " ",
                                                 "body": "先检查进水阀", "tags": "冰箱"})
        assert r.status_code == 422 and "请检查：标题" in r.text and "先检查进水阀" in r.text
        r = client.post("/console/kb/new", data={"_csrf": csrf_of(page), "store": "S1", "title": "冰箱不制冷",
                                                 "body": "先检查进水阀", "tags": "冰箱, 制冷", "public": "yes"},
                        follow_redirects=False)
        assert r.status_code == 303
        article = r.headers["location"]
        assert "冰箱不制冷" in client.get("/console/kb").text
        found = client.get("/console/kb", params={"q": "屏幕不亮"}).text
        assert "<mark>屏幕</mark>" in found and "冰箱不制冷" not in found
        page = client.get(article + "/edit").text
        r = client.post(article + "/edit", data={"_csrf": csrf_of(page), "title": "冰箱冷藏室不制冷",
                                                 "body": "先检查进水阀", "tags": "冰箱"}, follow_redirects=False)
        view = client.get(r.headers["location"]).text
        assert "冰箱冷藏室不制冷" in view and "否，仅员工可见" in view and "<dd>2 · " in view
        r = client.post(article + "/edit", data={"_csrf": csrf_of(page), "version": "1", "title": "冰箱不制冷了",
                                                 "body": "先检查温控器", "tags": "冰箱"})  # the form opened at version 1
        assert r.status_code == 409 and "已被修改" in r.text and "先检查温控器" in r.text
        assert "冰箱冷藏室不制冷" in client.get(article).text

    def test_a_technician_reads_but_may_not_write(self, world, client):
        kb_world(world, client)
        world.user("tech", "technician", password="pw12345678")
        login_form(client, "tech")
        listing = client.get("/console/kb").text
        assert "洗衣机不脱水" in listing and "/console/kb/new" not in listing
        r = client.post("/console/kb/new", data={"_csrf": csrf_of(listing), "store": "S1", "title": "t", "body": "b"})
        assert r.status_code == 403
