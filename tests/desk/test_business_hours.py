"""The store's business hours and its business clock over the API."""

from __future__ import annotations

from tests.builders import auth, error_of

WEEK = {d: [["09:00", "12:00"], ["13:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


class TestBusinessHours:
    def test_it_answers_the_default_week_until_the_store_sets_its_own(self, world, client):
        world.store()
        token = world.user("agent1", "agent")
        doc = client.get("/api/v1/stores/S1/business-hours", headers=auth(token)).json()
        assert doc["default"] is True and doc["weekdays"]["mon"] == [["09:00", "12:00"], ["13:00", "18:00"]]
        assert doc["weekdays"]["sat"] == [] and doc["timezone"] == "Asia/Shanghai"

    def test_an_admin_sets_hours_and_the_clock_follows_them(self, world, client):
        world.store()
        admin = world.user("admin1", "admin")
        body = {"timezone": "Asia/Shanghai", "weekdays": {**WEEK, "sat": [["10:00", "16:00"]]},
                "exceptions": [{"date": "2026-11-24", "hours": []}]}
        put = client.put("/api/v1/stores/S1/business-hours", json=body, headers=auth(admin))
        assert put.status_code == 200, put.text
        assert put.json()["default"] is False and put.json()["exceptions"] == [{"date": "2026-11-24", "hours": []}]
        # Monday 17:00 + 120 min: one hour on Monday; Tuesday is closed; one hour on Wednesday
        due = client.post("/api/v1/stores/S1/business-time", json={"start": "2026-11-23T17:00:00+08:00", "minutes": 120},
                          headers=auth(admin))
        assert due.json() == {"due_at": "2026-11-25T10:00:00+08:00"}
        # Friday 17:00 + 120 min: Saturday is open from 10:00 for this store
        due = client.post("/api/v1/stores/S1/business-time", json={"start": "2026-11-27T09:00:00Z", "minutes": 120},
                          headers=auth(admin))
        assert due.json() == {"due_at": "2026-11-28T11:00:00+08:00"}

    def test_the_clock_answers_by_the_new_hours_once_they_change(self, world, client):
        # The store's clock keeps the days it has worked out; a change of hours must start a new one.
        world.store()
        admin = world.user("admin1", "admin")
        ask = {"start": "2026-11-23T17:00:00+08:00", "minutes": 120}
        before = client.post("/api/v1/stores/S1/business-time", json=ask, headers=auth(admin))
        assert before.json() == {"due_at": "2026-11-24T10:00:00+08:00"}  # the default week
        body = {"timezone": "Asia/Shanghai", "weekdays": {**WEEK, "tue": [["14:00", "18:00"]]}, "exceptions": []}
        assert client.put("/api/v1/stores/S1/business-hours", json=body, headers=auth(admin)).status_code == 200
        after = client.post("/api/v1/stores/S1/business-time", json=ask, headers=auth(admin))
        assert after.json() == {"due_at": "2026-11-24T15:00:00+08:00"}

    def test_holidays_and_make_up_days_need_no_entry(self, world, client):
        world.store()
        token = world.user("agent1", "agent")
        due = client.post("/api/v1/stores/S1/business-time", json={"start": "2026-09-30T17:00:00+08:00", "minutes": 120},
                          headers=auth(token))
        assert due.json() == {"due_at": "2026-10-08T10:00:00+08:00"}  # National Day week skipped
        due = client.post("/api/v1/stores/S1/business-time", json={"start": "2026-10-09T17:00:00+08:00", "minutes": 120},
                          headers=auth(token))
        assert due.json() == {"due_at": "2026-10-10T10:00:00+08:00"}  # the make-up Saturday works

    def test_bad_hours_are_refused_and_nothing_changes(self, world, client):
        world.store()
        admin = world.user("admin1", "admin")
        bad = client.put("/api/v1/stores/S1/business-hours", json={"weekdays": {"mon": [["12:00", "09:00"]]}},
                         headers=auth(admin))
        error_of(bad, 422, "invalid_business_hours")
        bad = client.put("/api/v1/stores/S1/business-hours", json={"timezone": "Mars/Base", "weekdays": {}},
                         headers=auth(admin))
        error_of(bad, 422, "invalid_timezone")
        assert client.get("/api/v1/stores/S1/business-hours", headers=auth(admin)).json()["default"] is True

    def test_only_an_admin_sets_them(self, world, client):
        world.store()
        agent = world.user("agent1", "agent")
        put = client.put("/api/v1/stores/S1/business-hours", json={"weekdays": WEEK}, headers=auth(agent))
        error_of(put, 403, "forbidden")
