"""Console sign-in under attack: verified off the event loop, throttled per account and per
address with back-off (across server processes), unknown names treated like known ones,
failures logged as security events, and sessions that end on the server when signed out."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import timedelta

import anyio.to_thread
import httpx
from sqlalchemy import select
from starlette.testclient import TestClient

from shouhou.accounts import signin
from shouhou.app import create_app
from shouhou.db import Database
from shouhou.models import SignInThrottle
from tests.aio import run
from tests.builders import auth
from tests.web.conftest import csrf_of, login_form

PW = "pw12345678"


def _agent(world) -> str:
    world.store()
    return world.user("agent", "agent", "S1", password=PW)


class TestBackOff:
    def test_it_answers_429_after_the_free_failures_and_doubles_the_wait(self, world, client, clock):
        _agent(world)
        # given five wrong passwords, each answered 401
        assert [login_form(client, "agent", "wrong").status_code for _ in range(5)] == [401] * 5
        # then even the right password waits a second, told so by Retry-After
        refused = login_form(client, "agent", PW)
        assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
        assert "登录失败次数过多" in refused.text
        # and after the wait, one more failure makes the next wait 2 s, then 4 s
        clock.advance(seconds=1)
        assert login_form(client, "agent", "wrong").status_code == 401
        assert login_form(client, "agent", PW).headers["retry-after"] == "2"
        clock.advance(seconds=2)
        assert login_form(client, "agent", "wrong").status_code == 401
        assert login_form(client, "agent", PW).headers["retry-after"] == "4"
        # and once it has waited, the right password signs in and the account starts afresh
        clock.advance(seconds=4)
        assert login_form(client, "agent", PW).status_code == 303
        client.cookies.clear()
        assert [login_form(client, "agent", "wrong").status_code for _ in range(5)] == [401] * 5

    def test_it_stops_at_the_longest_wait_and_forgets_after_a_quiet_window(self, world, client, clock):
        _agent(world)
        for _ in range(30):
            clock.advance(minutes=15)  # always waited long enough
            assert login_form(client, "agent", "wrong").status_code == 401
        assert login_form(client, "agent", PW).headers["retry-after"] == "900"  # 15 min, the cap
        clock.advance(minutes=61)
        assert login_form(client, "agent", "wrong").status_code == 401

    def test_it_throttles_a_client_address_trying_many_names(self, world, settings, db, clock):
        _agent(world)
        app = create_app(settings.model_copy(update={"sign_in_free_failures_per_address": 3}), db=db, clock=clock)
        with TestClient(app, client=("203.0.113.7", 5000)) as guesser:
            assert [login_form(guesser, f"user{i}", "wrong").status_code for i in range(3)] == [401] * 3
            assert login_form(guesser, "agent", PW).status_code == 429
        # while another address signs the same account in
        with TestClient(app, client=("198.51.100.1", 5000)) as office:
            assert login_form(office, "agent", PW).status_code == 303

    def test_it_counts_failures_in_every_server_process(self, world, settings, db, clock):
        # given two server processes (apps with their own database engines) on one database
        _agent(world)
        other = Database(db.url)
        try:
            with TestClient(create_app(settings, db=db, clock=clock)) as one, \
                    TestClient(create_app(settings, db=other, clock=clock)) as two:
                # when failures alternate between them
                codes = [login_form(one if i % 2 else two, "agent", "wrong").status_code for i in range(5)]
                # then both count them: the sixth attempt is refused by either
                assert codes == [401] * 5
                assert login_form(one, "agent", PW).status_code == 429
                assert login_form(two, "agent", PW).status_code == 429
        finally:
            other.dispose()


class TestUnknownNames:
    def test_it_verifies_a_dummy_hash_for_an_unknown_name_and_throttles_it_the_same(self, world, client,
                                                                                    monkeypatch):
        _agent(world)
        verified: list[str] = []
        original = signin.verify_password

        def noted(password_hash: str | None, password: str) -> bool:
            verified.append(password_hash or "")
            return original(password_hash, password)

        monkeypatch.setattr(signin, "verify_password", noted)
        # when a known and an unknown name are tried
        known = login_form(client, "agent", "wrong")
        unknown = login_form(client, "nobody", "wrong")
        # then both are verified once with argon2 (the unknown against the dummy hash) and answered alike
        assert len(verified) == 2 and all(h.startswith("$argon2") for h in verified)
        assert verified[1] == signin.dummy_hash()
        assert (known.status_code, unknown.status_code) == (401, 401)
        assert known.text.replace("agent", "nobody") == unknown.text.replace(csrf_of(known.text),
                                                                             csrf_of(unknown.text))
        # and the unknown name is throttled after the same number of failures
        assert [login_form(client, "nobody", "wrong").status_code for _ in range(5)] == [401] * 4 + [429]


class TestVerificationOffTheLoop:
    """While a password is being verified the server goes on: reads and, on SQLite, writes
    (a sign-in takes no writer turn)."""

    @staticmethod
    def meanwhile(world, app, monkeypatch, request) -> tuple[int, int, bool]:
        """(the request's status, the sign-in's status, whether it was answered meanwhile)."""
        token = _agent(world)
        started, answered = threading.Event(), threading.Event()
        seen: dict[str, bool] = {}
        original = signin.verify_password

        def slow(password_hash: str | None, password: str) -> bool:
            started.set()
            seen["answered"] = answered.wait(20)  # on the event loop, or behind a turn, in vain
            return original(password_hash, password)

        monkeypatch.setattr(signin, "verify_password", slow)

        async def scenario() -> tuple[int, int]:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                csrf = csrf_of((await http.get("/login")).text)
                login = asyncio.ensure_future(http.post("/login", data={"_csrf": csrf, "username": "agent",
                                                                        "password": PW}))
                await anyio.to_thread.run_sync(started.wait, 20)
                other = await request(http, token)
                answered.set()
                return other.status_code, (await login).status_code

        status, login = run(scenario())
        return status, login, seen["answered"]

    def test_it_serves_other_requests_while_a_password_is_being_verified(self, world, app, monkeypatch):
        assert self.meanwhile(world, app, monkeypatch,
                              lambda http, token: http.get("/api/v1/me", headers=auth(token))) == (200, 303, True)

    def test_it_takes_writes_too_while_a_password_is_being_verified(self, world, app, monkeypatch):
        body = {"type": "consultation", "store": "S1", "subject": "滤网"}
        assert self.meanwhile(world, app, monkeypatch,
                              lambda http, token: http.post("/api/v1/cases", headers=auth(token), json=body)
                              ) == (201, 303, True)


class TestSecurityLog:
    def test_it_logs_failed_and_throttled_sign_ins_without_the_password(self, world, client, caplog):
        _agent(world)
        with caplog.at_level(logging.WARNING, logger="shouhou.security"):
            for _ in range(6):
                login_form(client, "agent", "hunter2-secret")
        events = [r.fields for r in caplog.records if r.name == "shouhou.security"]
        assert [e["event"] for e in events] == ["sign_in_failed"] * 5 + ["sign_in_throttled"]
        assert events[0]["user"] == "agent" and events[0]["client"] == "testclient" and events[0]["known_user"]
        assert events[-1]["retry_after"] == 1
        assert "hunter2" not in caplog.text


class TestSessionsEndOnTheServer:
    def test_it_refuses_a_copied_session_cookie_after_sign_out(self, world, client):
        _agent(world)
        login_form(client, "agent")
        cookie = client.cookies["shouhou_session"]
        assert client.get("/console/cases").status_code == 200
        # when the user signs out
        page = client.get("/console/cases").text
        assert client.post("/logout", data={"_csrf": csrf_of(page)}, follow_redirects=False).status_code == 303
        # then the old cookie, replayed, signs no one in
        client.cookies.set("shouhou_session", cookie)
        r = client.get("/console/cases", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")

    def test_it_ends_other_sessions_of_the_user_too(self, world, app):
        _agent(world)
        with TestClient(app) as laptop, TestClient(app) as phone:
            login_form(laptop, "agent")
            login_form(phone, "agent")
            page = laptop.get("/console/cases").text
            laptop.post("/logout", data={"_csrf": csrf_of(page)})
            assert phone.get("/console/cases", follow_redirects=False).status_code == 303


class TestPurge:
    def test_it_forgets_only_counters_that_no_longer_count(self, world, client, clock, settings):
        _agent(world)
        login_form(client, "agent", "wrong")
        clock.advance(minutes=59)
        login_form(client, "other", "wrong")  # and the address's counter is touched again
        with world.db.session() as session:
            assert signin.purge(session, signin.Limits.of(settings), clock.now() + timedelta(minutes=2)) == 1
            assert {r.key for r in session.scalars(select(SignInThrottle))} == {"user:other", "addr:testclient"}


class TestOddNames:
    def test_it_refuses_a_name_with_a_nul_byte_before_looking_it_up(self, world, client):
        _agent(world)
        r = login_form(client, "agent\x00", PW)
        assert r.status_code == 422 and r.json()["error"]["code"] == "nul_character"  # the boundary's refusal
