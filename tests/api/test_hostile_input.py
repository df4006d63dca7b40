"""What an attacker or a fuzzer sends is refused with a 4xx and a specific code, and nothing
is written: bodies over their limit (before the token is checked and before a byte of the body
is read), JSON nested too deeply, bytes that are not UTF-8, NUL characters, numbers and times
out of any sensible range (issue 17, findings 3 and 4)."""

from __future__ import annotations

import json

import pytest

from shouhou.models import Case, StorePolicyVersion
from tests.aio import run
from tests.builders import auth, error_of

BODY = {"type": "consultation", "store": "S1", "subject": "滤网怎么洗"}


def deep(depth: int) -> bytes:
    return b'{"type": "consultation", "store": "S1", "subject": "x", "description": ' + b"[" * depth + \
        b"]" * depth + b"}"


async def asgi(app, method: str, path: str, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> dict:
    """Call the app as a server would, noting how much of the body it asked for."""
    sent: list[dict] = []
    asked = {"chunks": 0}
    pending = list(chunks)

    async def receive() -> dict:
        asked["chunks"] += 1
        if pending:
            chunk = pending.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(pending)}
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": headers, "http_version": "1.1", "scheme": "http", "server": ("t", 80),
             "client": ("127.0.0.1", 1), "root_path": ""}
    async with app.router.lifespan_context(app):
        await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return {"status": start["status"], "body": json.loads(body), "asked": asked["chunks"],
            "headers": dict(start.get("headers", []))}


class TestBodyLimits:
    def test_a_declared_oversize_body_is_refused_unread_and_unauthenticated(self, app, parties, world):
        seen = run(asgi(app, "POST", "/api/v1/cases", [(b"content-type", b"application/json"),
                                                        (b"content-length", str(100 * 1024 * 1024).encode())],
                        [b"{" * 10]))
        assert (seen["status"], seen["body"]["error"]["code"], seen["asked"]) == (413, "payload_too_large", 0)
        assert world.count(Case) == 1  # the fixture's own case only

    def test_an_unknown_caller_is_refused_before_its_body_is_read(self, app, parties):
        seen = run(asgi(app, "POST", "/api/v1/cases", [(b"content-type", b"application/json"),
                                                        (b"content-length", b"60"),
                                                        (b"authorization", b"Bearer shh_nobody")],
                        [json.dumps(BODY).encode()]))
        assert (seen["status"], seen["body"]["error"]["code"], seen["asked"]) == (401, "invalid_token", 0)

    def test_a_body_that_grows_past_its_limit_while_streamed_is_cut_off(self, app, parties, settings):
        limit = settings.max_body_bytes
        chunks = [b" " * (64 * 1024)] * (limit // (64 * 1024) + 4)
        seen = run(asgi(app, "POST", "/api/v1/cases", [(b"content-type", b"application/json"),
                                                        (b"transfer-encoding", b"chunked"),
                                                        (b"authorization", f"Bearer {parties['agent']}".encode())],
                        chunks))
        assert (seen["status"], seen["body"]["error"]["code"]) == (413, "payload_too_large")
        assert seen["asked"] <= limit // (64 * 1024) + 1  # it stopped reading at the limit

    def test_an_upload_over_its_own_limit_is_refused(self, client, settings):
        r = client.post("/portal/orders/T1/apply", content=b"x", headers={
            "content-type": "multipart/form-data; boundary=b",
            "content-length": str(settings.max_upload_bytes + 1)})
        error_of(r, 413, "payload_too_large")


class TestMalformedBodies:
    @pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/cases/{no}/transitions"])
    def test_json_nested_too_deeply_is_refused(self, client, parties, world, path):
        r = client.post(path.format(no=parties["no"]), content=deep(5000),
                        headers={**auth(parties["agent"]), "content-type": "application/json"})
        error_of(r, 422, "json_too_deep")
        assert world.count(Case) == 1

    def test_a_body_that_is_not_utf8_is_refused(self, client, parties, world):
        r = client.post("/api/v1/cases", content=b'{"type": "consultation", "subject": "\xff\xfe"}',
                        headers={**auth(parties["agent"]), "content-type": "application/json"})
        error_of(r, 422, "invalid_utf8")
        assert world.count(Case) == 1

    @pytest.mark.parametrize(("path", "body"), [
        ("/api/v1/cases", {**BODY, "subject": "   "}),
        ("/api/v1/cases", {**BODY, "subject": "\n\t"}),
        ("/api/v1/desk/calls", {"store": "S1", "phone": "13800000000", "subject": "  "}),
    ])
    def test_text_of_spaces_alone_is_refused_as_if_empty(self, client, parties, world, path, body):
        empty = client.post(path, json={**body, "subject": ""}, headers=auth(parties["agent"]))
        blank = client.post(path, json=body, headers=auth(parties["agent"]))
        error_of(empty, 422, "validation_failed")
        error_of(blank, 422, "validation_failed")
        assert blank.json()["error"]["details"]["errors"][0]["loc"][-1] == "subject"
        assert world.count(Case) == 1

    def test_a_note_of_spaces_alone_changes_nothing(self, client, parties, world):
        before = client.get(f"/api/v1/cases/{parties['no']}", headers=auth(parties["agent"])).json()["version"]
        r = client.post(f"/api/v1/cases/{parties['no']}/transitions", headers=auth(parties["agent"]),
                        json={"action": "note", "version": before, "message": " \n "})
        assert error_of(r, 422, "validation_failed")["details"]["errors"][0]["type"] == "string_blank"
        after = client.get(f"/api/v1/cases/{parties['no']}", headers=auth(parties["agent"])).json()["version"]
        assert after == before

    @pytest.mark.parametrize(("path", "body", "loc"), [
        ("/api/v1/cases", {**BODY, "subject": "王\u202e伟的滤网"}, ["subject"]),  # a bidi override
        ("/api/v1/cases", {**BODY, "subject": "滤网\n怎么洗"}, ["subject"]),  # a subject is one line
        ("/api/v1/cases", {**BODY, "order_no": "T1\u200b"}, ["order_no"]),  # a zero-width space
        ("/api/v1/cases", {**BODY, "description": "响\x07铃"}, ["description"]),
        ("/api/v1/desk/calls", {"store": "S1", "phone": "138\x9b0000", "subject": "来电"}, ["phone"]),  # C1
    ])
    def test_control_bidi_and_invisible_characters_are_refused(self, client, parties, world, path, body, loc):
        r = client.post(path, json=body, headers=auth(parties["agent"]))
        [e] = error_of(r, 422, "validation_failed")["details"]["errors"]
        assert e["loc"][-len(loc):] == loc and e["type"] == "string_control_characters"
        assert world.count(Case) == 1

    def test_a_multi_line_text_keeps_its_line_breaks_and_tabs(self, client, parties, world):
        r = client.post("/api/v1/cases", json={**BODY, "description": "第一行\r\n\t第二行"},
                        headers=auth(parties["agent"]))
        assert r.status_code == 201, r.text
        assert r.json()["description"] == "第一行\r\n\t第二行"

    def test_a_note_with_a_bidi_override_changes_nothing(self, client, parties, world):
        before = client.get(f"/api/v1/cases/{parties['no']}", headers=auth(parties["agent"])).json()["version"]
        r = client.post(f"/api/v1/cases/{parties['no']}/transitions", headers=auth(parties["agent"]),
                        json={"action": "note", "version": before, "message": "已处理\u2066"})
        assert error_of(r, 422, "validation_failed")["details"]["errors"][0]["type"] == "string_control_characters"
        after = client.get(f"/api/v1/cases/{parties['no']}", headers=auth(parties["agent"])).json()["version"]
        assert after == before

    @pytest.mark.parametrize("text", ["滤网\u0000怎么洗", "\u0000"])
    def test_a_nul_character_is_refused_on_every_database(self, client, parties, world, text):
        r = client.post("/api/v1/cases", json={**BODY, "subject": text}, headers=auth(parties["agent"]))
        error_of(r, 422, "nul_character")
        assert world.count(Case) == 1

    def test_a_nul_in_a_query_or_a_sign_in_form_is_refused(self, client, parties):
        error_of(client.get("/api/v1/cases?no=AS%00", headers=auth(parties["agent"])), 422, "nul_character")
        error_of(client.post("/login", content=b"_csrf=x&username=agent1%00&password=y",
                             headers={"content-type": "application/x-www-form-urlencoded"}), 422, "nul_character")


class TestHeaders:
    """Sent as raw ASGI: the test client re-encodes header values it cannot decode."""

    def test_a_request_id_that_is_not_text_is_replaced(self, app, parties):
        seen = run(asgi(app, "GET", "/api/v1/cases", [(b"authorization", f"Bearer {parties['agent']}".encode()),
                                                       (b"x-request-id", b"\xff\xfe")], []))
        assert seen["status"] == 200
        rid = seen["headers"][b"x-request-id"]
        assert rid != b"\xff\xfe" and len(rid) == 32 and rid.isalnum()

    def test_an_idempotency_key_that_is_not_utf8_is_refused(self, app, parties, world):
        body = json.dumps(BODY).encode()
        seen = run(asgi(app, "POST", "/api/v1/cases", [(b"authorization", f"Bearer {parties['agent']}".encode()),
                                                        (b"content-type", b"application/json"),
                                                        (b"content-length", str(len(body)).encode()),
                                                        (b"idempotency-key", b"\xff\xfe")], [body]))
        assert (seen["status"], seen["body"]["error"]["code"]) == (422, "invalid_idempotency_key")
        assert world.count(Case) == 1


class TestRanges:
    @pytest.mark.parametrize("year", ["0", "99999", "-1"])
    def test_a_calendar_year_out_of_range_is_refused(self, client, parties, world, year):
        token = world.user("admin1", "admin", None)
        error_of(client.get(f"/api/v1/calendar/{year}", headers=auth(token)), 422, "validation_failed")

    def test_an_id_past_any_row_is_refused(self, client, parties):
        r = client.post(f"/api/v1/refunds/{2**70}/callback", json={"status": "succeeded"},
                        headers=auth(parties["agent"]))
        error_of(r, 422, "validation_failed")

    @pytest.mark.parametrize("value", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00"])
    def test_a_time_filter_out_of_range_is_refused(self, client, parties, value):
        r = client.get("/api/v1/cases", params={"created_from": value}, headers=auth(parties["agent"]))
        assert error_of(r, 422, "invalid_time")["details"]["field"] == "created_from"

    def test_a_cursor_past_any_row_is_refused(self, client, parties):
        import base64

        cursor = base64.urlsafe_b64encode(json.dumps({"id": 2**80}).encode()).decode()
        error_of(client.get("/api/v1/cases", params={"cursor": cursor}, headers=auth(parties["agent"])), 422,
                 "invalid_cursor")

    def test_a_policy_setting_past_its_bound_is_refused_and_says_the_bound(self, client, parties, world):
        token = world.user("admin1", "admin", None)
        r = client.put("/api/v1/stores/S1/policy", json={"review_timeout_hours": 1_000_000_000},
                       headers=auth(token))
        details = error_of(r, 422, "invalid_policy")["details"]
        assert (details["field"], details["max"]) == ("review_timeout_hours", 24 * 366)
        assert world.count(StorePolicyVersion) == 0
        # and applications in the store go on working
        assert client.post("/api/v1/cases", json=BODY, headers=auth(parties["agent"])).status_code == 201

    def test_every_integer_a_request_may_carry_is_bounded(self, app):
        """A number past a column's range reaches the database (a 500 on PostgreSQL's int4): every
        integer in a request body, a path or a query names its minimum and its maximum."""
        doc = app.openapi()
        components = doc["components"]["schemas"]
        unbounded: set[str] = set()

        def walk(schema: dict, where: str, seen: frozenset[str]) -> None:
            if "$ref" in schema:
                name = schema["$ref"].rsplit("/", 1)[-1]
                if name not in seen:
                    walk(components[name], name, seen | {name})
                return
            if schema.get("type") == "integer" and ("minimum" not in schema or "maximum" not in schema):
                unbounded.add(where)
            for key, sub in schema.get("properties", {}).items():
                walk(sub, f"{where}.{key}", seen)
            for key in ("items", "additionalProperties"):
                if isinstance(schema.get(key), dict):
                    walk(schema[key], f"{where}[]", seen)
            for key in ("anyOf", "oneOf", "allOf"):
                for sub in schema.get(key, []):
                    walk(sub, where, seen)

        for path, ops in doc["paths"].items():
            for method, op in ops.items():
                for p in op.get("parameters", []):
                    walk(p.get("schema", {}), f"{method.upper()} {path} {p['name']}", frozenset())
                for media in op.get("requestBody", {}).get("content", {}).values():
                    walk(media.get("schema", {}), f"{method.upper()} {path} body", frozenset())
        assert sorted(unbounded) == [], sorted(unbounded)
