"""Service levels: due times on the store's business calendar, read from the event log; pauses while
the case waits on the customer; warnings and breaches fire once each, even with two workers; the
policy's escalation chain."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select

from shouhou.clock import FrozenClock
from shouhou.db import Database
from shouhou.desk.sla_sweep import sweep
from shouhou.models import Case, OutboxMessage
from shouhou.models.desk import DeskNotification, SlaClock
from tests.builders import auth, workers_at_once


def local(text: str) -> datetime:
    return datetime.fromisoformat(text)


def sla(client, token: str, no: str) -> dict[str, dict]:
    doc = client.get(f"/api/v1/cases/{no}", headers=auth(token)).json()
    return {entry["target"]: entry for entry in doc["sla"]}


def sla_events(world, topic: str) -> Counter:
    with world.db.session() as s:
        return Counter(s.scalars(select(Case.no).join(OutboxMessage, OutboxMessage.case_id == Case.id)
                                 .where(OutboxMessage.topic == topic)))


def desk_world(world) -> str:
    world.store()
    world.user("super1", "supervisor")
    return world.user("agent1", "agent")


class TestDueTimes:
    def test_a_new_case_is_due_on_business_time(self, world, client):
        token = desk_world(world)
        no = world.consultation("agent1")  # Monday 10:00 in Shanghai
        found = sla(client, token, no)
        assert found["first_response"]["due_at"] == "2026-11-23T15:00:00+08:00"  # 4 h, lunch skipped
        assert found["first_response"]["status"] == "running"
        assert found["resolution"]["due_at"] == "2026-11-26T10:00:00+08:00"  # 24 business hours
        assert "next_response" not in found  # until the customer writes again

    def test_a_reply_meets_the_first_response(self, world, client, clock):
        token = desk_world(world)
        no = world.consultation("agent1")
        clock.advance(hours=1)
        world.move("agent1", no, "assign", ("reply", {"message": "请提供型号"}))
        found = sla(client, token, no)["first_response"]
        assert found["status"] == "met" and found["elapsed_business_seconds"] == 3600

    def test_due_times_skip_the_weekend_a_holiday_and_work_a_make_up_saturday(self, world, client, clock):
        token = desk_world(world)
        expected = {"2026-11-27T16:00:00+08:00": "2026-11-30T11:00:00+08:00",  # Friday → Monday
                    "2026-09-30T16:00:00+08:00": "2026-10-08T11:00:00+08:00",  # National Day week
                    "2026-10-09T16:00:00+08:00": "2026-10-10T11:00:00+08:00"}  # 调休 Saturday
        for opened, due in expected.items():
            clock.set(local(opened))
            no = world.consultation("agent1")
            assert sla(client, token, no)["first_response"]["due_at"] == due, opened

    def test_an_urgent_case_is_due_on_the_wall_clock(self, world, client):
        token = desk_world(world)
        no = world.consultation("agent1", priority="urgent")
        found = sla(client, token, no)["first_response"]
        assert found["due_at"] == "2026-11-23T10:10:00+08:00" and found["business"] is False


class TestPauses:
    def test_waiting_on_the_customer_stops_the_clock_and_their_answer_starts_it(self, world, client, clock):
        token = desk_world(world)
        no = world.consultation("agent1")
        world.move("agent1", no, "assign", ("reply", {"message": "请提供型号"}))
        clock.advance(hours=1)  # 11:00
        world.move("agent1", no, "wait_on_customer")
        paused = sla(client, token, no)["resolution"]
        assert paused["status"] == "paused" and paused["elapsed_business_seconds"] == 3600
        clock.set(local("2026-11-24T10:00:00+08:00"))
        assert sla(client, token, no)["resolution"]["elapsed_business_seconds"] == 3600  # frozen
        world.move("agent1", no, ("customer_reply", {"message": "型号是 XQG100"}))
        resumed = sla(client, token, no)
        # 23 h left from Tuesday 10:00: Tuesday 7 h, Wednesday 8 h, Thursday 8 h → Thursday 18:00
        assert resumed["resolution"]["status"] == "running"
        assert resumed["resolution"]["due_at"] == "2026-11-26T18:00:00+08:00"
        # and the customer's answer starts the next-response clock: 4 business hours
        assert resumed["next_response"]["due_at"] == "2026-11-24T15:00:00+08:00"

    def test_a_policy_may_keep_the_clock_running_while_waiting(self, world, client, clock):
        token = desk_world(world)
        admin = world.user("admin1", "admin")
        policy = {"name": "不暂停", "targets": {"resolution": {"minutes": 480, "business": True}}, "pause_on": []}
        assert client.put("/api/v1/sla-policies", params={"store": "S1"}, json=[policy],
                          headers=auth(admin)).status_code == 200
        no = world.consultation("agent1")
        world.move("agent1", no, "assign", "wait_on_customer")
        clock.advance(hours=1)
        found = sla(client, token, no)["resolution"]
        assert found["status"] == "running" and found["elapsed_business_seconds"] == 3600

    def test_resolving_meets_the_resolution(self, world, client, clock):
        token = desk_world(world)
        no = world.consultation("agent1")
        clock.advance(hours=2)
        world.move("agent1", no, "assign", ("resolve", {"resolution": "已解答"}))
        found = sla(client, token, no)
        assert found["resolution"]["status"] == "met" and found["first_response"]["status"] == "met"


class TestWarningsAndBreaches:
    def test_each_fires_once_and_tells_the_supervisor(self, world, clock):
        desk_world(world)
        no = world.consultation("agent1")
        world.move("agent1", no, "assign")
        sweep(world.db, world.settings, clock)  # looks at the moved case, nothing due
        assert sla_events(world, "sla.warning") == Counter()
        clock.set(local("2026-11-23T14:00:00+08:00"))  # 3 of 4 business hours
        sweep(world.db, world.settings, clock)
        sweep(world.db, world.settings, clock)
        assert sla_events(world, "sla.warning") == Counter({no: 1})
        assert sla_events(world, "sla.breached") == Counter()
        clock.set(local("2026-11-23T15:00:01+08:00"))
        for _ in range(3):
            sweep(world.db, world.settings, clock)
        assert sla_events(world, "sla.breached") == Counter({no: 1})
        with world.db.session() as s:
            told = Counter((n.user_id, n.kind) for n in s.scalars(select(DeskNotification)))
            clock_row = s.scalars(select(SlaClock).where(SlaClock.target == "first_response")).one()
        assert sorted(k for _, k in told) == ["sla_breach", "sla_breach", "sla_warning", "sla_warning"]
        assert clock_row.status == "breached" and clock_row.breached_at is not None

    def test_a_case_met_in_time_never_warns(self, world, clock):
        desk_world(world)
        no = world.consultation("agent1")
        world.move("agent1", no, "assign", ("reply", {"message": "您好"}))
        clock.set(local("2026-11-23T16:00:00+08:00"))
        sweep(world.db, world.settings, clock)
        assert sla_events(world, "sla.breached") == Counter() and sla_events(world, "sla.warning") == Counter()

    def test_two_workers_fire_each_once(self, world, settings):
        desk_world(world)
        numbers = [world.consultation("agent1", subject=f"问题 {i}") for i in range(30)]
        late = FrozenClock(local("2026-11-23T16:00:00+08:00"))
        def drain(db: Database) -> None:
            while sweep(db, settings, late, batch=7):
                pass

        workers_at_once(world.db.url, drain)
        assert sla_events(world, "sla.breached") == Counter(dict.fromkeys(numbers, 1))
        assert sla_events(world, "sla.warning") == Counter(dict.fromkeys(numbers, 1))


class TestEscalation:
    def test_a_breach_raises_the_priority_and_reassigns_to_the_supervisor(self, world, client, clock):
        token = desk_world(world)
        admin = world.user("admin1", "admin")
        policy = {"name": "快", "targets": {"first_response": {"minutes": 30, "business": False}},
                  "escalation": [{"at": "breach", "action": "raise_priority"},
                                 {"at": "breach", "target": "first_response", "action": "reassign", "to": "supervisor"}]}
        client.put("/api/v1/sla-policies", params={"store": "S1"}, json=[policy], headers=auth(admin))
        no = world.consultation("agent1")
        world.move("agent1", no, "assign")
        clock.advance(minutes=31)
        sweep(world.db, world.settings, clock)
        doc = client.get(f"/api/v1/cases/{no}", headers=auth(token)).json()
        assert doc["priority"] == "high" and doc["assignee"] == "super1"
        assert doc["followers"] == ["agent1"]  # the agent it was taken from follows it
        assert doc["sla"][0]["status"] == "breached"
