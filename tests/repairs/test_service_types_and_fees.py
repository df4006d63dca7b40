"""Service types (A/B/C of seed 000 (六)) decided at registration, the quote a paid case needs, fees,
payments, invoices and write-offs, through the HTTP API (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta

from shouhou.engine.sweep import run_due
from tests.builders import auth
from tests.repairs.helpers import SIGNATURE, act, get, new_unit, register, setup, window

LONG_AGO = datetime.fromisoformat("2024-06-01T10:00:00+08:00")  # out of its 12-month 三包 period


def paid_in_workshop(client, t: dict[str, str]) -> str:
    new_unit(client, t["agent"], "OLD-1", delivered=LONG_AGO)
    no = register(client, t["agent"], serial="OLD-1", mode="carry_in")["no"]
    act(client, t["agent"], no, "receive_unit", condition="外观旧")
    return no


class TestServiceType:
    def test_it_is_warranty_within_三包(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "WM-1")
        case = register(client, t["agent"], serial="WM-1")
        assert case["service_type"] == "warranty" and case["service_type_basis"][0]["rule"] == "SERVICE-C"

    def test_it_is_contract_service_out_of_warranty_under_a_valid_contract(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "OLD-1", delivered=LONG_AGO)
        r = client.post("/api/v1/contracts", json={"store": "S1", "customer": "u1001", "serials": ["OLD-1"],
                                                   "starts_on": "2026-01-01", "ends_on": "2026-12-31", "fee": "300.00",
                                                   "response_hours": 4}, headers=auth(t["agent"]))
        contract = r.json()["no"]
        case = register(client, t["agent"], serial="OLD-1")
        assert case["service_type"] == "contract" and case["warranty"]["covered"] is False
        assert case["service_type_basis"][0]["rule"] == "SERVICE-B" and contract in case["service_type_basis"][0]["text"]
        # the contract's response time is the deadline
        assert case["next_deadline"] == {"at": "2026-11-23T14:00:00+08:00", "kind": "response_due",
                                         "action": "response_overdue", "effect": case["next_deadline"]["effect"]}

    def test_it_is_paid_otherwise_with_the_rule_that_ended_the_warranty(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "OLD-1", delivered=LONG_AGO)
        case = register(client, t["agent"], serial="OLD-1")
        assert case["service_type"] == "paid"
        assert next(b["rule"] for b in case["service_type_basis"]) == "SERVICE-A"
        assert case["warranty"]["until"] == "2025-06-03T23:59:59+08:00"  # 2025-06-01 is a Sunday

    def test_it_is_paid_for_a_model_not_on_record(self, world, client):
        t = setup(world, client)
        case = register(client, t["agent"], store="S1", customer="u1001", model="KFR-35")
        assert case["service_type"] == "paid" and case["unit"]["serial"] is None and case["unit"]["model"] == "KFR-35"

    def test_it_lets_a_supervisor_change_it_with_a_reason(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "WM-1")
        no = register(client, t["agent"], serial="WM-1")["no"]
        r = act(client, t["agent"], no, "change_service_type", service_type="paid", reason="人为损坏", expect=403)
        assert r["error"]["code"] == "forbidden"
        case = act(client, t["supervisor"], no, "change_service_type", service_type="paid",
                   reason="进水损坏，属使用不当（三包除外）")
        assert case["service_type"] == "paid" and case["service_type_basis"][0]["rule"] == "SUPERVISOR"
        last = client.get(f"/api/v1/cases/{no}/events", headers=auth(t["agent"])).json()["items"][-1]
        assert (last["action"], last["payload"]["from_service_type"], last["payload"]["service_type"]) == (
            "change_service_type", "warranty", "paid")


class TestPaidRepair:
    def test_it_books_no_work_before_the_customer_accepts_the_quote(self, world, client):
        t = setup(world, client)
        no = paid_in_workshop(client, t)
        r = act(client, t["technician"], no, "start_repair", expect=409)
        assert r["error"]["code"] == "quote_not_accepted"
        # the quote is priced from the store's price list, exact to the fen
        client.put("/api/v1/stores/S1/price-list", json={"hourly_rate": "100.00", "inspection_fee": "35.50"},
                   headers=auth(t["admin"]))
        case = act(client, t["technician"], no, "quote", labour_minutes=50,
                   extra_lines=[{"description": "清洗", "amount": "20.05"}])
        assert case["status"] == "awaiting_approval"
        assert [(q["kind"], q["amount"]) for q in case["quote"]["lines"]] == [("labour", "83.33"), ("extra", "20.05")]
        assert (case["quote"]["total"], case["quote"]["status"]) == ("103.38", "pending")
        assert case["next_deadline"]["kind"] == "quote_timeout"
        # the customer accepts in the portal
        case = act(client, t["buyer"], no, "approve_quote")
        assert case["status"] == "in_repair" and case["quote"]["status"] == "accepted"
        assert case["fees"]["total"] == "103.38" and case["fees"]["due"] == "103.38"
        act(client, t["technician"], no, "finish_repair", result="fixed", labour_minutes=50)
        act(client, t["supervisor"], no, "pass_qc")
        act(client, t["agent"], no, "return_unit", method="in_person", signature=SIGNATURE)
        case = act(client, t["buyer"], no, "confirm_return")
        # money is still due: it waits, and cannot be completed until paid or written off
        assert case["status"] == "awaiting_payment"
        r = act(client, t["agent"], no, "collect_fee", amount="200.00", method="cash", expect=422)
        assert r["error"]["code"] == "amount_exceeds_due"
        case = act(client, t["agent"], no, "collect_fee", amount="100.00", method="wechat")
        assert (case["status"], case["fees"]["paid"], case["fees"]["due"]) == ("awaiting_payment", "100.00", "3.38")
        case = act(client, t["finance"], no, "issue_invoice", invoice_no="INV-0001")
        assert case["fees"]["invoice_no"] == "INV-0001"
        case = act(client, t["agent"], no, "collect_fee", amount="3.38", method="cash")
        assert case["status"] == "completed" and case["fees"]["due"] == "0.00"

    def test_it_returns_the_unit_unrepaired_with_the_inspection_fee_when_declined(self, world, client):
        t = setup(world, client)
        no = paid_in_workshop(client, t)
        act(client, t["technician"], no, "quote", labour_minutes=60, parts=[])
        case = act(client, t["agent"], no, "decline_quote", note="客户电话表示太贵")
        assert case["status"] == "ready_for_return" and case["quote"]["status"] == "declined"
        assert case["fees"]["lines"] == [{"kind": "inspection", "description": "检测费", "amount": "30.00",
                                          "source": "decline"}]

    def test_it_declines_a_quote_the_customer_never_answers(self, world, client):
        t = setup(world, client)
        no = paid_in_workshop(client, t)
        act(client, t["technician"], no, "quote", labour_minutes=60)
        run_due(world.db, world.settings, world.clock.now() + timedelta(days=7, minutes=1))
        case = get(client, t["agent"], no)
        assert case["status"] == "ready_for_return" and case["quote"]["status"] == "declined"

    def test_it_lets_only_a_supervisor_write_off_what_is_due(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "OLD-1", delivered=LONG_AGO)
        no = register(client, t["agent"], serial="OLD-1")["no"]
        act(client, t["supervisor"], no, "dispatch", technician="technician-S1", window=window())
        act(client, t["technician"], no, "check_in")
        act(client, t["technician"], no, "quote", call_out=True, labour_minutes=30)
        case = act(client, t["agent"], no, "approve_quote", note="客户电话同意")
        assert case["status"] == "on_site"
        case = act(client, t["technician"], no, "complete_onsite", labour_minutes=30, signature=SIGNATURE,
                   collected={"amount": "50.00", "method": "cash"})
        assert (case["status"], case["fees"]["total"], case["fees"]["due"]) == ("awaiting_payment", "90.00", "40.00")
        act(client, t["agent"], no, "write_off", reason="老客户", expect=403)
        case = act(client, t["supervisor"], no, "write_off", reason="老客户，经理同意减免")
        assert (case["status"], case["fees"]["written_off"], case["fees"]["due"]) == ("completed", "40.00", "0.00")

    def test_it_refuses_fees_on_a_warranty_case(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "WM-1")
        no = register(client, t["agent"], serial="WM-1")["no"]
        act(client, t["supervisor"], no, "dispatch", technician="technician-S1", window=window())
        act(client, t["technician"], no, "check_in")
        r = act(client, t["technician"], no, "complete_onsite", signature=SIGNATURE,
                fee_lines=[{"description": "上门费", "amount": "50.00"}], expect=422)
        assert r["error"]["code"] == "no_fees_under_warranty"
        assert get(client, t["agent"], no)["status"] == "on_site"


class TestContractCharges:
    def test_it_charges_what_the_contract_does_not_cover(self, world, client):
        t = setup(world, client)
        new_unit(client, t["agent"], "OLD-1", delivered=LONG_AGO)
        client.post("/api/v1/contracts", json={"store": "S1", "customer": "u1001", "serials": ["OLD-1"],
                                               "starts_on": "2026-01-01", "ends_on": "2026-12-31",
                                               "covers": {"labour": False, "call_out": False}},
                    headers=auth(t["agent"]))
        no = register(client, t["agent"], serial="OLD-1")["no"]
        act(client, t["supervisor"], no, "dispatch", technician="technician-S1", window=window())
        act(client, t["technician"], no, "check_in")
        case = act(client, t["technician"], no, "complete_onsite", labour_minutes=90, signature=SIGNATURE)
        assert [(f["kind"], f["amount"]) for f in case["fees"]["lines"]] == [("call_out", "50.00"), ("labour", "120.00")]
        assert case["status"] == "awaiting_payment"
