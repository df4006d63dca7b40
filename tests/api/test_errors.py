"""Every API error has one shape — {"error": {"code", "message", "details"}} — in zh-CN or English."""

from __future__ import annotations

import pytest

from tests.builders import auth, error_of


class TestUnauthorized:
    @pytest.mark.parametrize(("headers", "code"), [
        ({}, "unauthorized"),
        ({"Authorization": "Basic YWdlbnQ6eA=="}, "unauthorized"),
        ({"Authorization": "Bearer "}, "unauthorized"),
        ({"Authorization": "Bearer shh_not-a-token"}, "invalid_token"),
        ({"Authorization": "Bearer something-else"}, "invalid_token"),
    ])
    def test_it_refuses_a_missing_or_unknown_token(self, client, parties, headers, code):
        r = client.get("/api/v1/cases", headers=headers)
        error_of(r, 401, code)
        assert r.headers["www-authenticate"] == "Bearer"


class TestForbiddenAndNotFound:
    def test_it_refuses_an_operation_the_role_may_not_do(self, client, parties):
        error = error_of(client.get("/api/v1/webhooks?store=S1", headers=auth(parties["agent"])), 403, "forbidden")
        assert error["details"]["action"] == "webhook.admin"

    def test_it_refuses_an_action_the_role_may_not_take(self, client, parties):
        # a warehouse clerk may read a consultation, not take it
        r = client.post(f"/api/v1/cases/{parties['no']}/transitions", json={"action": "assign", "version": 1},
                        headers=auth(parties["warehouse"]))
        assert error_of(r, 403, "forbidden")["details"] == {"action": "consultation.assign",
                                                           "store_id": r.json()["error"]["details"]["store_id"],
                                                           "case": parties["no"]}

    def test_it_reports_a_case_of_another_store_as_missing(self, client, parties):
        r = client.get(f"/api/v1/cases/{parties['no']}", headers=auth(parties["agent2"]))
        assert error_of(r, 404, "case_not_found")["details"] == {"what": "case", "key": parties["no"]}

    def test_it_reports_unknown_cases_and_orders(self, client, parties):
        error_of(client.get("/api/v1/cases/AS2099010100001", headers=auth(parties["agent"])), 404, "case_not_found")
        error_of(client.get("/api/v1/orders/NOPE", headers=auth(parties["agent"])), 404, "order_not_found")
        error_of(client.post("/api/v1/cases/AS2099010100001/transitions", json={"action": "assign", "version": 1},
                             headers=auth(parties["agent"])), 404, "case_not_found")


class TestConflicts:
    def test_it_refuses_an_action_the_state_does_not_allow(self, client, parties):
        r = client.post(f"/api/v1/cases/{parties['no']}/transitions", json={"action": "resolve", "version": 1},
                        headers=auth(parties["agent"]))
        details = error_of(r, 409, "invalid_transition")["details"]
        assert (details["status"], details["action"], details["allowed_from"]) == ("new", "resolve", ["open", "pending"])


class TestValidation:
    def test_it_names_each_invalid_field(self, client, parties):
        r = client.post("/api/v1/cases", json={"type": "consultation", "store": "S1", "subject": "",
                                               "channel": "fax", "colour": "red"}, headers=auth(parties["agent"]))
        errors = error_of(r, 422, "validation_failed")["details"]["errors"]
        assert sorted(e["loc"][0] for e in errors) == ["channel", "colour", "subject"]
        assert all(set(e) == {"loc", "msg", "type"} for e in errors)

    def test_it_names_a_missing_field_of_the_request_itself(self, client, parties):
        r = client.post(f"/api/v1/cases/{parties['no']}/transitions", json={"action": "assign"},
                        headers=auth(parties["agent"]))
        assert error_of(r, 422, "validation_failed")["details"]["errors"][0]["loc"] == ["body", "version"]

    def test_it_refuses_fields_an_action_does_not_take(self, client, parties):
        r = client.post(f"/api/v1/cases/{parties['no']}/transitions",
                        json={"action": "assign", "version": 1, "assignee": "agent1", "urgent": True},
                        headers=auth(parties["agent"]))
        assert error_of(r, 422, "validation_failed")["details"]["errors"][0]["loc"] == ["urgent"]

    @pytest.mark.parametrize(("body", "code"), [
        ({"subject": "x"}, "type_required"),
        ({"type": "teleport", "subject": "x"}, "unknown_case_type"),
    ])
    def test_it_refuses_a_case_of_no_known_type(self, client, parties, body, code):
        error_of(client.post("/api/v1/cases", json=body, headers=auth(parties["agent"])), 422, code)

    def test_it_refuses_an_unknown_action(self, client, parties):
        r = client.post(f"/api/v1/cases/{parties['no']}/transitions", json={"action": "teleport", "version": 1},
                        headers=auth(parties["agent"]))
        assert "assign" in error_of(r, 422, "unknown_action")["details"]["actions"]

    def test_it_refuses_a_body_that_is_not_json(self, client, parties):
        r = client.post("/api/v1/cases", content=b"{not json", headers={**auth(parties["agent"]),
                                                                        "content-type": "application/json"})
        error_of(r, 422, "validation_failed")


class TestLanguages:
    def test_it_speaks_chinese_by_default(self, client, parties):
        r = client.get("/api/v1/cases/AS2099010100001", headers={"Authorization": f"Bearer {parties['agent']}"})
        assert error_of(r, 404, "case_not_found")["message"] == "找不到售后单 AS2099010100001"

    @pytest.mark.parametrize("header", ["en", "en-US,en;q=0.9", "zh-CN;q=0.5, en;q=0.8"])
    def test_it_speaks_english_when_asked(self, client, parties, header):
        r = client.get("/api/v1/cases/AS2099010100001", headers=auth(parties["agent"], lang=header))
        assert error_of(r, 404, "case_not_found")["message"] == "No case AS2099010100001"

    @pytest.mark.parametrize(("lang", "message"), [("zh-CN", "找不到产品 NOPE-1"), ("en", "No unit NOPE-1")])
    def test_it_names_what_is_missing_in_words(self, client, parties, lang, message):
        # a unit is 产品 in Chinese, never the identifier `unit`
        r = client.get("/api/v1/units/NOPE-1", headers=auth(parties["agent"], lang=lang))
        assert error_of(r, 404, "unit_not_found")["message"] == message

    def test_every_missing_thing_has_a_name_in_both_languages(self):
        import re
        from pathlib import Path

        import shouhou
        from shouhou.errors import _NAMES, not_found

        source = Path(shouhou.__file__).parent
        used = {m for f in source.rglob("*.py") for m in re.findall(r'not_found\("([a-z_]+)"', f.read_text())}
        assert used and used <= set(_NAMES), used - set(_NAMES)
        for what in used:
            en, zh = not_found(what, "X").message("en"), not_found(what, "X").message("zh")
            assert "_" not in en and not re.search(r"[a-z]", zh.replace("Webhook", "")), (en, zh)

    def test_it_prefers_chinese_when_weighted_higher(self, client, parties):
        r = client.get("/api/v1/cases/AS2099010100001", headers=auth(parties["agent"], lang="en;q=0.3, zh-CN"))
        assert error_of(r, 404, "case_not_found")["message"].startswith("找不到")

    def test_it_translates_validation_and_unauthorized_messages(self, client, parties):
        en = client.get("/api/v1/cases", headers={"Accept-Language": "en"}).json()["error"]["message"]
        zh = client.get("/api/v1/cases").json()["error"]["message"]
        assert en.startswith("Send an API token") and zh.startswith("请提供 API 令牌")


class TestUnknownRoutes:
    def test_it_answers_an_unknown_api_route_with_an_error_document(self, client, parties):
        en = error_of(client.get("/api/v1/nothing-here", headers=auth(parties["agent"])), 404, "not_found")
        zh = error_of(client.get("/api/v1/nothing-here"), 404, "not_found")
        assert (en["message"], zh["message"]) == ("Not Found", "找不到该地址")

    def test_it_answers_a_wrong_method_with_an_error_document(self, client, parties):
        en = error_of(client.delete(f"/api/v1/cases/{parties['no']}", headers=auth(parties["agent"])), 405,
                      "method_not_allowed")
        zh = error_of(client.delete(f"/api/v1/cases/{parties['no']}"), 405, "method_not_allowed")
        assert (en["message"], zh["message"]) == ("Method Not Allowed", "不支持该请求方法")


class TestUnexpectedFailures:
    def test_it_answers_a_crash_during_a_write_with_500_and_keeps_nothing(self, client, parties, world,
                                                                          monkeypatch, caplog):
        # given a use-case that writes and then hits a bug
        from shouhou.cases import service
        from shouhou.models import Case

        create = service.create

        def buggy(ctx, raw):
            create(ctx, raw)
            raise RuntimeError("bug after the insert")

        monkeypatch.setattr(service, "create", buggy)
        # when a case is posted
        r = client.post("/api/v1/cases", json={"type": "consultation", "store": "S1", "subject": "x"},
                        headers=auth(parties["agent"]))
        # then the answer says it is an internal error, the insert was rolled back, and the bug was logged
        assert error_of(r, 500, "internal_error")["message"] == "Internal error; nothing was changed"
        assert world.count(Case) == 1  # only the fixture's case
        assert any(rec.exc_info and "bug after the insert" in str(rec.exc_info[1]) for rec in caplog.records)

    @pytest.mark.parametrize("idempotency", [{}, {"Idempotency-Key": "k-1"}], ids=["plain", "idempotent"])
    def test_it_answers_a_failed_commit_with_503(self, client, parties, world, db, backend, monkeypatch,
                                                 idempotency):
        # given a database that refuses to commit
        from sqlalchemy.exc import OperationalError
        from sqlalchemy.orm import Session

        from shouhou.models import Case

        def refuse(self):
            raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

        monkeypatch.setattr(Session, "commit", refuse)
        # when a case is posted (plain: work and commit in one step; idempotent: committed with its answer)
        r = client.post("/api/v1/cases", json={"type": "consultation", "store": "S1", "subject": "x"},
                        headers={**auth(parties["agent"]), "Accept-Language": "zh-CN", **idempotency})
        monkeypatch.undo()
        # then the caller is told nothing was saved, and the write lock is free again
        assert error_of(r, 503, "commit_failed")["message"] == "保存失败，未做任何更改"
        assert r.headers["retry-after"] == "1"
        assert world.count(Case) == 1
        if backend == "sqlite":
            assert not db.sqlite_writers.locked()

    @pytest.mark.parametrize("idempotency", [{}, {"Idempotency-Key": "k-1"}], ids=["plain", "idempotent"])
    def test_it_answers_a_database_held_by_another_writer_past_the_time_limits_with_503(
            self, parties, world, db, backend, settings, clock, monkeypatch, idempotency):
        import subprocess
        import sys
        import textwrap

        from fastapi.testclient import TestClient

        from shouhou.app import create_app
        from shouhou.db import Database
        from shouhou.models import Case

        # given another process in a long write transaction holding what a new case needs (SQLite:
        # the database; PostgreSQL: the store's row, which a new case's key shares), and the
        # writers' time limit at 0.2 s
        hold = textwrap.dedent("""
            import sqlite3, sys
            path = sys.argv[1]
            conn = sqlite3.connect(path, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            print("held", flush=True)
            sys.stdin.readline()
            conn.execute("ROLLBACK")
        """) if backend == "sqlite" else textwrap.dedent("""
            import psycopg, sys
            with psycopg.connect(sys.argv[1]) as conn:
                conn.execute("SELECT id FROM store WHERE code = 'S1' FOR UPDATE")
                print("held", flush=True)
                sys.stdin.readline()
                conn.rollback()
        """)
        target = db.url.split("///", 1)[1] if backend == "sqlite" else db.url.replace("postgresql+psycopg", "postgresql")
        holder = subprocess.Popen([sys.executable, "-c", hold, target], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        monkeypatch.setattr("shouhou.db.engine.BUSY_TIMEOUT_SECONDS", 0.2)
        busy_db = Database(db.url)
        try:
            assert holder.stdout.readline().strip() == "held"
            with TestClient(create_app(settings, db=busy_db, clock=clock), raise_server_exceptions=False) as c:
                # when a case is posted
                r = c.post("/api/v1/cases", json={"type": "consultation", "store": "S1", "subject": "x"},
                           headers={**auth(parties["agent"]), "Accept-Language": "en", **idempotency})
            if backend == "sqlite":
                assert not busy_db.sqlite_writers.locked()  # the failed writer left the queue
        finally:
            holder.communicate("\n", timeout=10)
            busy_db.dispose()
        # then the caller is told to retry, and nothing was saved
        assert error_of(r, 503, "database_busy")["message"].startswith("The database is busy")
        assert r.headers["retry-after"] == "1"
        assert world.count(Case) == 1
