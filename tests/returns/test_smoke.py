from datetime import datetime, timedelta

from tests.builders import auth

SIGNED = datetime.fromisoformat("2026-11-20T15:00:00+08:00")


class TestReturnRefundSmoke:
    def test_it_runs_the_happy_path(self, world, client):
        world.store(return_contact="仓库", return_phone="021-1", return_address="上海仓")
        staff = world.staff()
        buyer = world.user("buyer", "customer", "S1", customer="u1001")
        world.order("T1", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
        r = client.post("/api/v1/cases", json={"type": "return_refund", "order_no": "T1",
                                               "lines": [{"line_no": 1, "qty": 1}], "reason": "no_longer_wanted"},
                        headers=auth(buyer))
        assert r.status_code == 201, r.text
        case = r.json()
        assert case["status"] == "pending_review"
        assert case["refund_amount"] == "99.00"
        no = case["no"]

        def act(token, action, version, **fields):
            resp = client.post(f"/api/v1/cases/{no}/transitions", json={"action": action, "version": version, **fields},
                               headers=auth(token))
            assert resp.status_code == 200, resp.text
            return resp.json()

        c = act(staff["reviewer"], "approve", 1)
        assert c["status"] == "awaiting_return" and c["return_address"]["address"] == "上海仓"
        c = act(buyer, "ship_return", c["version"], carrier="SF", tracking_no="SF999")
        assert c["status"] == "awaiting_receipt"
        c = act(staff["warehouse"], "receive", c["version"], result="accepted")
        assert c["status"] == "pending_refund"
        c = act(staff["finance"], "approve_refund", c["version"])
        assert c["status"] == "completed"
        assert c["refunded_amount"] == "99.00" and c["refunds"][0]["channel"] == "alipay"
