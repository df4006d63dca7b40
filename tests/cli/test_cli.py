"""The `shouhou` command line: set-up, users and tokens, demo data, timers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select

from shouhou.db.migrate import alembic_config, current
from shouhou.models import ROLES, Case, Order, Store, User
from tests.builders import auth, run_cli


def fresh_sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'fresh' / 'shouhou.sqlite3'}"


def head(url: str) -> str:
    return ScriptDirectory.from_config(alembic_config(url)).get_heads()[0]


class TestInit:
    def test_it_creates_a_fresh_database_and_is_safe_to_run_again(self, tmp_path):
        url = fresh_sqlite(tmp_path)
        first = run_cli(url, "init")
        again = run_cli(url, "init")
        assert (first.exit_code, again.exit_code) == (0, 0)
        assert "database ready" in first.output and current(url) == head(url)

    def test_it_leaves_a_migrated_database_as_it_is(self, db, world):
        world.store()
        result = run_cli(db.url, "init")
        assert result.exit_code == 0 and current(db.url) == head(db.url)
        assert world.count(Store) == 1


class TestStoresUsersTokens:
    def test_it_adds_a_store_once(self, db, world):
        assert run_cli(db.url, "store", "add", "S1", "--name", "旗舰店").exit_code == 0
        again = run_cli(db.url, "store", "add", "S1", "--name", "旗舰店")
        assert again.exit_code == 2 and "store_exists" in again.output
        assert world.count(Store) == 1

    def test_it_refuses_a_bad_store_code_or_time_zone(self, db, world):
        assert "invalid_store_code" in run_cli(db.url, "store", "add", "S 1", "--name", "x").output
        assert "invalid_timezone" in run_cli(db.url, "store", "add", "S2", "--name", "x",
                                             "--timezone", "Mars/Olympus").output
        assert world.count(Store) == 0

    def test_it_adds_a_user_for_every_role(self, db, world):
        # given a store
        run_cli(db.url, "store", "add", "S1", "--name", "旗舰店")
        # when a user of each role is added (a customer names its store and customer; platform/admin span stores)
        for role in ROLES:
            args = ["user", "add", f"u-{role}", "--role", role]
            if role == "customer":
                args += ["--store", "S1", "--customer", "u1001"]
            elif role not in ("platform", "admin"):
                args += ["--store", "S1"]
            result = run_cli(db.url, *args)
            # then each is added
            assert result.exit_code == 0, result.output
        assert world.count(User) == len(ROLES)
        assert world.actor("u-customer").customer_id is not None
        assert world.actor("u-admin").grants == (("admin", None),)

    @pytest.mark.parametrize(("args", "code"), [
        (["--role", "customer", "--store", "S1"], "customer_required"),
        (["--role", "customer", "--customer", "u1"], "store_required"),
        (["--role", "integration"], "store_required"),
        (["--role", "wizard", "--store", "S1"], "invalid_role"),
        (["--role", "agent", "--store", "S9"], "store_not_found"),
    ])
    def test_it_refuses_a_user_it_cannot_place(self, db, world, args, code):
        run_cli(db.url, "store", "add", "S1", "--name", "旗舰店")
        result = run_cli(db.url, "user", "add", "someone", *args)
        assert result.exit_code == 2 and code in result.output
        assert world.count(User) == 0

    def test_it_issues_a_token_that_works_against_the_api(self, db, client):
        # given an agent
        run_cli(db.url, "store", "add", "S1", "--name", "旗舰店")
        run_cli(db.url, "user", "add", "agent1", "--role", "agent", "--store", "S1")
        # when a token is issued
        result = run_cli(db.url, "token", "issue", "agent1")
        # then it is alone on the last line, and the API knows whose it is
        assert result.exit_code == 0
        token = result.output.strip().splitlines()[-1]
        assert token.startswith("shh_") and " " not in token
        me = client.get("/api/v1/me", headers=auth(token))
        assert me.status_code == 200
        assert me.json()["user"] == "agent1" and me.json()["roles"] == [{"role": "agent", "store": "S1"}]

    def test_it_refuses_a_token_for_an_unknown_user(self, db):
        result = run_cli(db.url, "token", "issue", "ghost")
        assert result.exit_code == 2 and "user_not_found" in result.output


class TestDemo:
    def test_it_loads_cases_in_many_states_once(self, db, world):
        # when the demo is loaded into an empty database
        first = run_cli(db.url, "demo")
        # then it prints the logins and there are cases of several types in many states
        assert first.exit_code == 0, first.output
        assert "agent / shouhou123 / agent / S1" in first.output
        with world.db.session() as s:
            statuses = {(t, st) for t, st in s.execute(select(Case.type, Case.status))}
        assert {("consultation", st) for st in ("new", "open", "pending", "resolved", "closed")} <= statuses
        assert len({t for t, _ in statuses}) >= 4 and world.count(Order) >= 10
        # and a second run refuses, while --if-empty quietly does nothing
        cases = world.count(Case)
        second = run_cli(db.url, "demo")
        assert second.exit_code == 2 and "database_not_empty" in second.output
        skipped = run_cli(db.url, "demo", "--if-empty")
        assert skipped.exit_code == 0 and "not loaded" in skipped.output
        assert world.count(Case) == cases

    @pytest.mark.parametrize("local", ["07:00", "11:30", "12:30", "19:30", "23:30"])
    def test_it_loads_whatever_the_time_of_day(self, world, clock, local):
        """Today's visits take the technicians' working hours going on or next (after hours, tomorrow's
        first), so loading never meets `technician_unsuitable` or `window_in_past`."""
        from shouhou.demo import load_demo

        clock.set(datetime.fromisoformat(f"2026-12-05T{local}:00+08:00"))
        with world.ctx() as ctx:
            load_demo(ctx)
        with world.db.session() as s:
            statuses = {(t, st) for t, st in s.execute(select(Case.type, Case.status))}
        assert {("repair", "scheduled"), ("repair", "on_site"), ("repair", "completed")} <= statuses

    def test_it_starts_over_with_force(self, tmp_path):
        # given a database that already has a store S1 (which the demo creates too)
        url = fresh_sqlite(tmp_path)
        run_cli(url, "init")
        run_cli(url, "store", "add", "S1", "--name", "old")
        # when the demo is forced, then it wipes the database first and loads
        forced = run_cli(url, "demo", "--force")
        assert forced.exit_code == 0, forced.output
        assert "demo loaded" in forced.output


class TestTimersRun:
    def test_it_fires_what_is_due_at_the_instant_given(self, db, world):
        # given a consultation resolved at 2026-11-23 10:00 (Shanghai)
        world.store()
        world.user("agent1", "agent")
        no = world.consultation("agent1")
        world.move("agent1", no, "assign", "resolve")
        # when timers are run just before and then at the deadline
        early = run_cli(db.url, "timers", "run", "--as-of", "2026-11-30T09:59:59+08:00")
        due = run_cli(db.url, "timers", "run", "--as-of", "2026-11-30T10:00:00+08:00")
        again = run_cli(db.url, "timers", "run", "--as-of", "2026-12-30T10:00:00+08:00")
        # then only the run at the deadline closed it, once
        assert early.exit_code == 0 and "fired 0, skipped 0, failed 0" in early.output
        assert due.exit_code == 0 and "fired 1, skipped 0, failed 0" in due.output
        assert "fired 0" in again.output
        assert world.case(no).status == "closed"
        assert [e.actor_name for e in world.history(no)][-1] == "system"

    @pytest.mark.parametrize("as_of", ["yesterday", "2026-11-30T10:00:00"])
    def test_it_refuses_an_instant_without_a_zone(self, db, as_of):
        result = run_cli(db.url, "timers", "run", "--as-of", as_of)
        assert result.exit_code == 2 and "invalid_time" in result.output


class TestPurge:
    def test_it_forgets_stored_responses_older_than_the_retention(self, world, client, db, monkeypatch):
        from datetime import UTC, datetime, timedelta

        from typer.testing import CliRunner

        from shouhou.cli.main import app
        from shouhou.config import get_settings
        from shouhou.models import IdempotencyRecord

        with db.session() as s:
            now = datetime.now(UTC)
            s.add_all([IdempotencyRecord(scope="a", key="old", request_hash="h", status_code=200, body=b"{}",
                                         created_at=now - timedelta(hours=49)),
                       IdempotencyRecord(scope="a", key="new", request_hash="h", status_code=200, body=b"{}",
                                         created_at=now - timedelta(hours=1))])
        monkeypatch.setenv("SHOUHOU_DATABASE_URL", db.url)
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(app, ["purge"])
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 0 and "forgot 1" in result.output
        with db.session() as s:
            assert [r.key for r in s.query(IdempotencyRecord).all()] == ["new"]

    @pytest.mark.parametrize("hours", ["0", "-5"])
    def test_it_refuses_to_forget_responses_a_client_may_still_retry(self, world, db, hours):
        from datetime import UTC, datetime

        from shouhou.models import IdempotencyRecord

        with db.session() as s:
            s.add(IdempotencyRecord(scope="a", key="fresh", request_hash="h", status_code=200, body=b"{}",
                                    created_at=datetime.now(UTC)))
        result = run_cli(db.url, "purge", "--hours", hours)
        assert result.exit_code == 2 and "--hours" in result.output
        with db.session() as s:
            assert [r.key for r in s.query(IdempotencyRecord).all()] == ["fresh"]
