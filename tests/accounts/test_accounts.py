"""Users, role grants per store, API tokens (stored hashed) and passwords (argon2)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select, update

from shouhou.accounts import service as accounts
from shouhou.errors import Conflict, Forbidden, Invalid, Unauthorized
from shouhou.models import ApiToken, User
from tests.builders import auth


@pytest.fixture
def stores(world):
    world.store("S1")
    world.store("S2", "别的店铺")
    return world


class TestTokens:
    def test_it_keeps_only_a_hash_of_the_token(self, stores):
        token = stores.user("agent1", "agent")
        with stores.db.session() as s:
            row = s.scalars(select(ApiToken)).one()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert row.prefix == token[:10] and token not in (row.token_hash, row.prefix, row.name)

    def test_it_refuses_a_revoked_token_and_a_disabled_user(self, stores, client, clock):
        token = stores.user("agent1", "agent")
        other = stores.user("agent2", "agent")
        assert client.get("/api/v1/me", headers=auth(token)).status_code == 200
        with stores.db.session() as s:
            s.execute(update(ApiToken).where(ApiToken.token_hash == accounts.hash_token(token))
                      .values(revoked_at=clock.now()))
            s.execute(update(User).where(User.username == "agent2").values(is_active=False))
        assert client.get("/api/v1/me", headers=auth(token)).json()["error"]["code"] == "token_revoked"
        assert client.get("/api/v1/me", headers=auth(other)).json()["error"]["code"] == "user_inactive"


class TestPasswords:
    def test_it_signs_in_with_an_argon2_password(self, stores):
        stores.user("agent1", "agent", password="s3cret-密码-长一点")
        with stores.db.session() as s:
            assert s.scalars(select(User.password_hash)).one().startswith("$argon2")
            assert accounts.authenticate_password(s, "agent1", "s3cret-密码-长一点").name == "agent1"
            for name, password in [("agent1", "wrong"), ("ghost", "s3cret-密码-长一点")]:
                with pytest.raises(Unauthorized) as refused:
                    accounts.authenticate_password(s, name, password)
                assert refused.value.code == "bad_credentials"

    def test_it_never_signs_in_a_user_without_a_password(self, stores):
        stores.user("shop", "integration", "S1")
        with stores.db.session() as s, pytest.raises(Unauthorized):
            accounts.authenticate_password(s, "shop", "")


class TestGrants:
    def test_it_binds_a_customer_user_to_one_customer(self, stores):
        stores.user("buyer", "customer", "S1", customer="u1001")
        with stores.ctx() as ctx:
            user = accounts.get_user(ctx.session, "buyer")
            with pytest.raises(Conflict) as refused:
                accounts.grant(ctx, user, "customer", store_code="S1", customer_external_id="u1002")
        assert refused.value.code == "customer_bound"

    def test_it_refuses_a_second_user_of_the_same_name(self, stores):
        stores.user("agent1", "agent")
        with pytest.raises(Conflict) as refused, stores.ctx() as ctx:
            accounts.add_user(ctx, "agent1", "agent", store_code="S2")
        assert refused.value.code == "user_exists"

    @pytest.mark.parametrize("name", ["agent\u202e1", "agent\u200b1", "agent\t1", " "])
    def test_it_refuses_a_user_name_with_a_control_or_invisible_character(self, stores, name):
        with pytest.raises(Invalid) as refused, stores.ctx() as ctx:
            accounts.add_user(ctx, name, "agent", store_code="S1")
        assert refused.value.code == "validation_failed"
        assert refused.value.details["errors"][0]["loc"] == ["username"]

    def test_it_lets_only_an_admin_manage_users(self, stores):
        stores.user("agent1", "agent")
        with pytest.raises(Forbidden), stores.ctx(stores.actor("agent1")) as ctx:
            accounts.add_user(ctx, "sneaky", "admin")

    def test_it_scopes_roles_to_their_store(self, stores, client):
        agent = stores.user("agent1", "agent", "S1")
        admin = stores.user("root", "admin", None)
        me = client.get("/api/v1/me", headers=auth(agent)).json()
        assert me["roles"] == [{"role": "agent", "store": "S1"}]
        assert [s["code"] for s in client.get("/api/v1/stores", headers=auth(agent)).json()["items"]] == ["S1"]
        assert [s["code"] for s in client.get("/api/v1/stores", headers=auth(admin)).json()["items"]] == ["S1", "S2"]
        actor = stores.actor("agent1")
        s1 = next(g for _, g in actor.grants)
        assert actor.roles_in(s1) == {"agent"} and actor.roles_in(s1 + 1) == frozenset()
