from tests.builders import auth


class TestConsultationOverHttp:
    def test_it_creates_and_assigns(self, world, client):
        world.store()
        agent = world.user("agent1", "agent")
        r = client.post("/api/v1/cases", json={"type": "consultation", "store": "S1", "subject": "滤网怎么洗",
                                               "channel": "hotline"}, headers=auth(agent))
        assert r.status_code == 201, r.text
        case = r.json()
        assert case["status"] == "new" and case["version"] == 1
        assert [a["name"] for a in case["available_actions"]] == ["assign", "reply", "note", "customer_message", "merge"]
        r = client.post(f"/api/v1/cases/{case['no']}/transitions", json={"action": "assign", "version": 1},
                        headers=auth(agent))
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "open" and r.json()["assignee"] == "agent1"
