"""API tokens that expire and can be revoked (CLI and console), their last use, and the
password policy wherever a password is set."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from shouhou.accounts import service as accounts
from shouhou.accounts import token_use
from shouhou.errors import Conflict, Invalid, NotFound
from shouhou.models import ApiToken, User
from tests.builders import auth, run_cli
from tests.web.conftest import csrf_of, login_form

PW = "pw12345678"


def code_of(response) -> str:
    return response.json()["error"]["code"]


def token_row(world, token: str) -> ApiToken:
    with world.db.session() as s:
        return s.scalars(select(ApiToken).where(ApiToken.token_hash == accounts.hash_token(token))).one()


class TestExpiryAndRevocation:
    def test_it_refuses_a_token_once_it_has_expired(self, world, client, clock):
        world.store()
        world.user("agent1", "agent")
        with world.ctx() as ctx:
            token = accounts.issue_token(ctx, "agent1", expires_in_days=7)
        assert client.get("/api/v1/me", headers=auth(token)).status_code == 200
        clock.advance(days=7)
        r = client.get("/api/v1/me", headers=auth(token))
        assert r.status_code == 401 and code_of(r) == "token_expired"
        assert r.headers["www-authenticate"] == "Bearer"

    @pytest.mark.parametrize("days", [0, -1, 3651])
    def test_it_refuses_an_expiry_out_of_range(self, world, days):
        world.store()
        world.user("agent1", "agent")
        with pytest.raises(Invalid) as refused, world.ctx() as ctx:
            accounts.issue_token(ctx, "agent1", expires_in_days=days)
        assert refused.value.code == "invalid_token_expiry"

    def test_it_revokes_by_id_or_prefix_and_refuses_the_token_after(self, world, client):
        world.store()
        first = world.user("agent1", "agent")
        with world.ctx() as ctx:
            second = accounts.issue_token(ctx, "agent1")
        second_id = token_row(world, second).id
        with world.ctx() as ctx:
            accounts.revoke_token(ctx, first[:10])
            accounts.revoke_token(ctx, str(second_id))
            accounts.revoke_token(ctx, first[:10])  # again: nothing more happens
        for token in (first, second):
            r = client.get("/api/v1/cases", headers=auth(token))
            assert r.status_code == 401 and code_of(r) == "token_revoked"

    def test_it_says_which_token_it_cannot_find_or_tell_apart(self, world):
        world.store()
        world.user("agent1", "agent")
        with world.ctx() as ctx, pytest.raises(NotFound) as missing:
            accounts.revoke_token(ctx, "shh_nothere")
        assert missing.value.code == "token_not_found"
        with world.db.session() as s:
            for t in s.scalars(select(ApiToken)):
                t.prefix = "shh_same00"
        with world.ctx() as ctx:
            accounts.issue_token(ctx, "agent1")
        with world.db.session() as s:
            for t in s.scalars(select(ApiToken)):
                t.prefix = "shh_same00"
        with world.ctx() as ctx, pytest.raises(Conflict) as ambiguous:
            accounts.revoke_token(ctx, "shh_same00")
        assert ambiguous.value.code == "ambiguous_token"


class TestLastUse:
    def test_it_records_the_last_use_at_most_once_a_minute(self, world, client, clock):
        world.store()
        token = world.user("agent1", "agent")
        assert token_row(world, token).last_used_at is None
        t0 = clock.now()
        for advance, expected in ((0, t0), (30, t0), (31, t0 + timedelta(seconds=61))):
            clock.advance(seconds=advance)
            assert client.get("/api/v1/me", headers=auth(token)).status_code == 200
            token_use.wait()
            assert token_row(world, token).last_used_at == expected

    def test_it_records_the_use_by_a_write_too(self, world, client, clock):
        world.store()
        token = world.user("agent1", "agent")
        r = client.post("/api/v1/cases", json={"type": "consultation", "store": "S1", "subject": "x"},
                        headers=auth(token))
        assert r.status_code == 201
        token_use.wait()
        assert token_row(world, token).last_used_at == clock.now()


class TestTokenCommands:
    def test_it_issues_lists_and_revokes_from_the_command_line(self, db, world, client):
        world.store()
        world.user("agent1", "agent")
        issued = run_cli(db.url, "token", "issue", "agent1", "--label", "erp", "--expires-in-days", "30")
        token = issued.output.strip().splitlines()[-1]
        assert client.get("/api/v1/me", headers=auth(token)).status_code == 200
        listed = run_cli(db.url, "token", "list", "--user", "agent1").output.splitlines()
        assert listed[0].split("\t") == ["id", "prefix", "user", "name", "created", "expires", "last_used",
                                         "revoked"]
        row = next(line.split("\t") for line in listed[1:] if line.split("\t")[1] == token[:10])
        assert row[2:4] == ["agent1", "erp"] and row[5] != "-" and row[7] == "-"  # expires (the real clock's +30 d)
        assert token not in "\n".join(listed)
        revoked = run_cli(db.url, "token", "revoke", token[:10])
        assert revoked.exit_code == 0 and "revoked" in revoked.output
        assert code_of(client.get("/api/v1/me", headers=auth(token))) == "token_revoked"
        assert run_cli(db.url, "token", "revoke", "shh_nothere").exit_code == 2


class TestTokensPage:
    def test_it_lets_an_admin_see_and_revoke_tokens(self, world, client):
        world.store()
        token = world.user("agent1", "agent")
        world.user("boss", "admin", None, password=PW)
        login_form(client, "boss")
        page = client.get("/console/tokens").text
        row = token_row(world, token)
        assert f"{row.prefix}…" in page and token not in page and "agent1" in page
        assert client.post(f"/console/tokens/{row.id}/revoke", data={"_csrf": "forged"}).status_code == 403
        r = client.post(f"/console/tokens/{row.id}/revoke", data={"_csrf": csrf_of(page)}, follow_redirects=False)
        assert r.status_code == 303 and token_row(world, token).revoked_at is not None
        assert code_of(client.get("/api/v1/me", headers=auth(token))) == "token_revoked"

    def test_it_shows_the_page_to_admins_only(self, world, client):
        world.store()
        world.user("agent1", "agent", password=PW)
        login_form(client, "agent1")
        assert client.get("/console/tokens").status_code == 403
        assert "/console/tokens" not in client.get("/console/cases").text


class TestPasswordPolicy:
    @pytest.mark.parametrize(("password", "code"), [
        ("short1!", "password_too_short"), ("alice-the-agent", "password_is_user_name"),
        ("ALICEALICE", "password_is_user_name"), ("Password123", "password_too_common"),
        ("qwertyuiop", "password_too_common"), ("1qaz2wsx3edc", "password_too_common"),
        ("shouhou123", "password_too_common"),
    ])
    def test_it_refuses_a_weak_password_when_adding_a_user(self, db, world, password, code):
        world.store()
        result = run_cli(db.url, "user", "add", "alice", "--role", "agent", "--store", "S1", "--password", password)
        assert result.exit_code == 2 and f"[{code}]" in result.output
        assert world.count(User) == 0

    def test_it_accepts_a_good_password_and_its_minimum_length_is_a_setting(self, db, world):
        world.store()
        assert run_cli(db.url, "user", "add", "alice", "--role", "agent", "--store", "S1",
                       "--password", "Tea-kettle 7").exit_code == 0
        short = run_cli(db.url, "user", "add", "bob", "--role", "agent", "--store", "S1",
                        "--password", "Tea-kettle 7", SHOUHOU_PASSWORD_MIN_LENGTH="14")
        assert short.exit_code == 2 and "[password_too_short]" in short.output

    def test_a_new_password_ends_the_users_sessions(self, db, world, client):
        world.store()
        world.user("alice", "agent", "S1", password=PW)
        login_form(client, "alice")
        assert client.get("/console/cases").status_code == 200
        weak = run_cli(db.url, "user", "password", "alice", "--password", "123456789")
        assert weak.exit_code == 2 and "[password_too_short]" in weak.output
        assert client.get("/console/cases", follow_redirects=False).status_code == 200  # a refusal changes nothing
        assert run_cli(db.url, "user", "password", "alice", "--password", "Tea-kettle 7").exit_code == 0
        assert client.get("/console/cases", follow_redirects=False).status_code == 303
        client.cookies.clear()
        assert login_form(client, "alice", "Tea-kettle 7").status_code == 303

    def test_demo_users_sign_in_with_the_published_password(self, db, world, client):
        assert run_cli(db.url, "demo").exit_code == 0
        assert login_form(client, "agent", "shouhou123").headers["location"] == "/console"  # their start page
