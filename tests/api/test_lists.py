"""GET /api/v1/cases: filters, scope (own store, own cases), and keyset cursor paging."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

import pytest

from tests.builders import auth
from tests.engine.factories import SIGNED


@pytest.fixture
def cases(world, clock):
    """Seven cases in S1 an hour apart (five consultations in several states, two returns), one in S2."""
    world.store("S1")
    world.store("S2", "别的店铺")
    tokens = {"agent": world.user("agent1", "agent", "S1"), "agent2": world.user("agent2", "agent", "S2"),
              "buyer": world.user("buyer", "customer", "S1", customer="u1001"),
              "admin": world.user("root", "admin", None)}
    world.order("T1", customer="u1001", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
    world.order("T2", customer="u1002", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1),
                placed_at=datetime.fromisoformat("2026-11-05T09:00:00+08:00"))
    numbers = {}
    for name, body, moves in [
        ("c1", {"order_no": "T1"}, []),
        ("c2", {"order_no": "T2"}, ["assign"]),
        ("c3", {"customer": "u1002"}, ["assign", "wait_on_customer"]),
        ("c4", {"order_no": "T1"}, ["assign", "resolve"]),
        ("c5", {}, ["assign"]),
    ]:
        numbers[name] = world.consultation("agent1", **body)
        world.move("agent1", numbers[name], *moves)
        clock.advance(hours=1)
    with world.ctx(world.actor("buyer")) as ctx:
        from shouhou.cases import service

        numbers["r1"] = service.create(ctx, {"type": "return_refund", "order_no": "T1", "reason": "no_longer_wanted",
                                             "lines": [{"line_no": 1, "qty": 1}]}).no
        clock.advance(hours=1)
        numbers["r2"] = service.create(ctx, {"type": "exchange", "order_no": "T1", "reason": "size_fit",
                                             "lines": [{"line_no": 1, "qty": 1}], "exchange_sku": "TSHIRT-L",
                                             "photos": ["https://img.example.com/r2.jpg"]}).no
    clock.advance(hours=1)
    numbers["s2"] = world.consultation("agent2", store="S2")
    return {"tokens": tokens, "no": numbers}


def listed(client, token: str, **query) -> list[str]:
    r = client.get("/api/v1/cases?" + urlencode(query), headers=auth(token))
    assert r.status_code == 200, r.text
    return [c["no"] for c in r.json()["items"]]


class TestCaseListFilters:
    def test_it_lists_the_stores_cases_newest_first(self, client, cases):
        n = cases["no"]
        assert listed(client, cases["tokens"]["agent"]) == [n[k] for k in ("r2", "r1", "c5", "c4", "c3", "c2", "c1")]

    @pytest.mark.parametrize(("query", "expected"), [
        ({"type": "consultation"}, ["c5", "c4", "c3", "c2", "c1"]),
        ({"type": "exchange"}, ["r2"]),
        ({"status": "open"}, ["c5", "c2"]),
        ({"status": "open,pending"}, ["c5", "c3", "c2"]),
        ({"status": "pending_review", "type": "return_refund"}, ["r1"]),
        ({"order_no": "T1"}, ["r2", "r1", "c4", "c1"]),
        ({"order_no": "T1", "type": "consultation", "status": "resolved"}, ["c4"]),
        ({"customer": "u1002"}, ["c3", "c2"]),
        ({"created_from": "2026-11-23T12:00:00+08:00"}, ["r2", "r1", "c5", "c4", "c3"]),
        ({"created_to": "2026-11-23T12:00:00+08:00"}, ["c2", "c1"]),
        ({"created_from": "2026-11-23T03:00:00Z", "created_to": "2026-11-23T05:00:00Z"}, ["c3", "c2"]),
        ({"order_no": "NOPE"}, []),
        # the order's placed date (issue 22, item 11): T1 on 11-01, T2 on 11-05; c3 and c5 have no order
        ({"order_placed_from": "2026-11-01T00:00:00+08:00", "order_placed_to": "2026-11-02T00:00:00+08:00"},
         ["r2", "r1", "c4", "c1"]),
        ({"order_placed_from": "2026-11-05T09:00:00+08:00"}, ["c2"]),
        ({"order_placed_to": "2026-11-05T09:00:00+08:00", "type": "consultation"}, ["c4", "c1"]),
    ])
    def test_it_filters(self, client, cases, query, expected):
        assert listed(client, cases["tokens"]["agent"], **query) == [cases["no"][k] for k in expected]

    def test_it_shows_each_caller_only_what_they_may_see(self, client, cases):
        n = cases["no"]
        assert listed(client, cases["tokens"]["agent2"]) == [n["s2"]]
        assert listed(client, cases["tokens"]["buyer"]) == [n[k] for k in ("r2", "r1", "c4", "c1")]
        assert len(listed(client, cases["tokens"]["admin"])) == 8
        assert listed(client, cases["tokens"]["admin"], store="S2") == [n["s2"]]

    @pytest.mark.parametrize(("query", "code"), [
        ({"created_from": "2026-11-23"}, "invalid_time"),
        ({"created_to": "yesterday"}, "invalid_time"),
        ({"order_placed_from": "2026-11-01"}, "invalid_time"),
        ({"limit": 0}, "invalid_limit"),
        ({"limit": 201}, "invalid_limit"),
        ({"cursor": "not-a-cursor"}, "invalid_cursor"),
        ({"cursor": "eyJpZCI6ICJ4In0"}, "invalid_cursor"),  # {"id": "x"}
        # a filter naming nothing that exists is a mistake, as in every other list, not an empty list
        ({"type": "refund"}, "unknown_case_type"),
        ({"status": "opne"}, "invalid_status"),
        ({"status": "open,opne"}, "invalid_status"),
        ({"type": "consultation", "status": "pending_review"}, "invalid_status"),  # a status of another type
    ])
    def test_it_refuses_bad_parameters(self, client, cases, query, code):
        r = client.get("/api/v1/cases?" + urlencode(query), headers=auth(cases["tokens"]["agent"]))
        assert r.status_code == 422 and r.json()["error"]["code"] == code

    def test_it_says_which_status_is_unknown_in_the_callers_language(self, client, cases):
        headers = auth(cases["tokens"]["agent"])
        en = client.get("/api/v1/cases?type=consultation&status=opne", headers=headers | {"Accept-Language": "en"})
        zh = client.get("/api/v1/cases?type=consultation&status=opne", headers=headers | {"Accept-Language": "zh-CN"})
        assert en.json()["error"]["message"] == "Unknown status opne; status is one of closed, new, open, pending, resolved"
        assert zh.json()["error"]["message"] == "未知的状态 opne；status 须为 closed, new, open, pending, resolved 之一"

    @pytest.mark.parametrize(("caller", "store"), [("admin", "NOPE"), ("agent2", "S1"), ("agent", "S2")])
    def test_a_store_unknown_or_out_of_reach_is_not_found(self, client, cases, caller, store):
        # as GET /units, /contracts, /pickups … answer: another store's existence is not revealed either
        r = client.get(f"/api/v1/cases?store={store}", headers=auth(cases["tokens"][caller]))
        assert r.status_code == 404 and r.json()["error"]["code"] == "store_not_found"


class TestCaseListPaging:
    def test_it_pages_without_duplicates_or_gaps(self, client, cases):
        # given the full list
        token = cases["tokens"]["agent"]
        everything = listed(client, token)
        # when it is read two at a time, following next_cursor
        pages, cursor = [], None
        while True:
            query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
            body = client.get("/api/v1/cases?" + urlencode(query), headers=auth(token)).json()
            pages.append([c["no"] for c in body["items"]])
            cursor = body["next_cursor"]
            if cursor is None:
                break
        # then the pages are the list, in order, and the last page says there is no more
        assert [len(p) for p in pages] == [2, 2, 2, 1]
        assert [no for p in pages for no in p] == everything

    def test_it_keeps_its_place_when_cases_arrive_between_pages(self, client, cases, world):
        token = cases["tokens"]["agent"]
        first = client.get("/api/v1/cases?limit=3", headers=auth(token)).json()
        world.consultation("agent1", subject="新来的")
        rest = listed(client, token, limit=10, cursor=first["next_cursor"])
        seen = [c["no"] for c in first["items"]] + rest
        assert len(seen) == len(set(seen)) == 7

    def test_it_pages_a_filtered_list(self, client, cases):
        token = cases["tokens"]["agent"]
        body = client.get("/api/v1/cases?type=consultation&limit=3", headers=auth(token)).json()
        rest = listed(client, token, type="consultation", limit=3, cursor=body["next_cursor"])
        assert [c["no"] for c in body["items"]] + rest == [cases["no"][k] for k in ("c5", "c4", "c3", "c2", "c1")]
