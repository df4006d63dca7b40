"""Teams and routing, transfer keeping the first owner (首问负责制), merging duplicates."""

from __future__ import annotations

from sqlalchemy import select

from shouhou.models import CaseLink
from shouhou.models.desk import DeskMessage
from tests.builders import act, auth, error_of


def staffed(world, client, strategy: str = "round_robin") -> str:
    world.store()
    admin = world.user("admin1", "admin")
    for name in ("agent1", "agent2", "agent3"):
        world.user(name, "agent")
    world.user("super1", "supervisor")
    teams = [{"code": "complaints", "name": "投诉组", "strategy": strategy, "supervisor": "super1",
              "members": [{"user": "agent1", "skills": ["投诉"]}, {"user": "agent2", "skills": ["投诉", "英语"]}]},
             {"code": "general", "name": "综合组", "members": [{"user": "agent3"}]}]
    put = client.put("/api/v1/stores/S1/teams", json=teams, headers=auth(admin))
    assert put.status_code == 200, put.text
    rules = [{"team": "complaints", "keywords": ["投诉", "差评"]}, {"team": "general"}]
    put = client.put("/api/v1/stores/S1/routing-rules", json=rules, headers=auth(admin))
    assert put.status_code == 200, put.text
    return admin


def doc(client, world, no: str) -> dict:
    return client.get(f"/api/v1/cases/{no}", headers=auth(world.tokens["agent1"])).json()


class TestRouting:
    def test_a_rule_picks_the_team_and_members_take_turns(self, world, client):
        staffed(world, client)
        numbers = [world.consultation("agent3", subject=f"我要投诉 {i}") for i in range(3)]
        docs = [doc(client, world, no) for no in numbers]
        assert [d["team"] for d in docs] == ["complaints"] * 3
        assert [d["assignee"] for d in docs] == ["agent1", "agent2", "agent1"]
        other = doc(client, world, world.consultation("agent3", subject="洗衣机怎么清洗"))
        assert other["team"] == "general" and other["assignee"] == "agent3"

    def test_new_rules_route_the_next_case(self, world, client):
        # Rules are kept per store configuration; putting new ones must reach the next case.
        admin = staffed(world, client)
        assert doc(client, world, world.consultation("agent3", subject="我要投诉"))["team"] == "complaints"
        put = client.put("/api/v1/stores/S1/routing-rules", json=[{"team": "general"}], headers=auth(admin))
        assert put.status_code == 200, put.text
        assert doc(client, world, world.consultation("agent3", subject="我要投诉"))["team"] == "general"

    def test_least_open_gives_the_case_to_whoever_has_fewest(self, world, client):
        staffed(world, client, strategy="least_open")
        first = world.consultation("agent3", subject="投诉 1")
        second = world.consultation("agent3", subject="投诉 2")
        third = world.consultation("agent3", subject="投诉 3")
        assignees = [doc(client, world, no)["assignee"] for no in (first, second, third)]
        assert assignees == ["agent1", "agent2", "agent1"]

    def test_a_team_member_must_be_staff_of_the_store(self, world, client):
        admin = staffed(world, client)
        world.user("buyer", "customer", customer="u1")
        bad = client.put("/api/v1/stores/S1/teams", json=[{"code": "x", "name": "X", "members": [{"user": "buyer"}]}],
                         headers=auth(admin))
        error_of(bad, 422, "assignee_not_staff")
        bad = client.put("/api/v1/stores/S1/routing-rules", json=[{"team": "nope"}], headers=auth(admin))
        error_of(bad, 422, "unknown_team")


class TestTransfer:
    def test_the_first_owner_follows_the_case_after_a_transfer(self, world, client):
        world.store()
        world.user("agent1", "agent")
        world.user("agent2", "agent")
        no = world.consultation("agent1")
        world.move("agent1", no, "assign", ("transfer", {"assignee": "agent2"}))
        found = doc(client, world, no)
        assert found["assignee"] == "agent2" and found["first_owner"] == "agent1"
        assert found["followers"] == ["agent1"]
        world.move("agent2", no, ("transfer", {"assignee": "agent1"}))  # back to the first owner
        assert doc(client, world, no)["first_owner"] == "agent1"


class TestMerge:
    def test_a_duplicate_moves_its_messages_and_points_to_the_survivor(self, world, client):
        world.store()
        token = world.user("agent1", "agent")
        survivor = world.consultation("agent1", subject="洗衣机不脱水")
        duplicate = world.consultation("agent1", subject="洗衣机不脱水(重复)")
        world.move("agent1", duplicate, "assign", ("note", {"message": "同一客户又来电"}))
        version = world.case(duplicate).version
        merged = act(client, token, duplicate, "merge", version, into=survivor)
        assert merged.status_code == 200, merged.text
        assert merged.json()["status"] == "closed" and merged.json()["merged_into"] == survivor
        with world.db.session() as s:
            moved = s.scalars(select(DeskMessage)).all()
            links = s.scalars(select(CaseLink)).all()
        assert [m.body for m in moved] == ["同一客户又来电"] and moved[0].case_id == world.case(survivor).id
        assert [(lk.case_id, lk.other_case_id, lk.kind) for lk in links] == [
            (world.case(duplicate).id, world.case(survivor).id, "merged_into")]

    def test_a_case_cannot_be_merged_into_itself_or_a_closed_one(self, world, client):
        world.store()
        token = world.user("agent1", "agent")
        no = world.consultation("agent1")
        error_of(act(client, token, no, "merge", 1, into=no), 422, "merge_into_itself")
        other = world.consultation("agent1")
        world.move("agent1", other, "assign", "resolve", "close")
        error_of(act(client, token, no, "merge", 1, into=other), 409, "merge_into_closed")
        assert world.case(no).status == "new" and world.case(no).version == 1
