"""Issue 22: the money follows every rule of seeds 001–004, to the fen, on both databases.

Each test builds the seed's situation through the API and checks the refund breakdown
(`refund_breakdown`: kind, amount, rule, note; its sum is `refund_amount`).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from tests.builders import auth
from tests.returns.helpers import SIGNED, act, apply, delivered, get, setup, walk

COAT = [{"line_no": 1, "sku": "COAT", "name": "外套", "category": "apparel", "qty": 1, "unit_price": "150.00"}]


def parts(case: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The breakdown as (kind, amount, rule); checks that it adds up to the refund amount."""
    lines = case["refund_breakdown"]
    assert sum(Decimal(x["amount"]) for x in lines) == Decimal(case["refund_amount"]), lines
    assert all(x["note"] for x in lines)
    return [(x["kind"], x["amount"], x["rule"]) for x in lines]


def policy(client, t, **fields: Any) -> None:
    r = client.put("/api/v1/stores/S1/policy", json=fields, headers=auth(t["admin"]))
    assert r.status_code == 200, r.text


class TestWhoPaysShippingMovesMoney:
    """Item 1: the responsibility decides the money (SPEC §4.6, seeds 001/004)."""

    def test_a_quality_return_refunds_the_outbound_shipping_and_the_return_postage_up_to_the_cap(self, world, client):
        # given an order of 150.00 goods and 10.00 shipping, signed for, returned for a quality problem
        t = setup(world)
        delivered(world, "Q1", lines=COAT, shipping_fee="10.00")
        case = apply(client, t["buyer"], "Q1", reason="quality_issue")
        # then the merchant bears both legs: 160.00 = 150.00 + 10.00
        assert case["shipping_responsibility"] == {"return": "merchant", "outbound": "merchant"}
        assert parts(case) == [("goods", "150.00", "PAID-AMOUNT"), ("outbound_shipping", "10.00", "SHIPPING-MERCHANT")]
        no = case["no"]
        act(client, t["reviewer"], no, "approve")
        # and the buyer's postage (25.00 with a receipt) is reimbursed up to the store's cap, 20.00
        case = act(client, t["buyer"], no, "ship_return", carrier="SF", tracking_no="SFQ1", postage="25.00",
                   postage_receipt="https://img.example.com/receipt-q1.jpg")
        assert case["refund_amount"] == "180.00"
        assert parts(case)[-1] == ("return_postage", "20.00", "RETURN-POSTAGE-MERCHANT")
        assert case["return_postage"] == {"claimed": "25.00", "receipt": "https://img.example.com/receipt-q1.jpg",
                                          "reimbursed": "20.00", "cap": "20.00", "rule": "RETURN-POSTAGE-MERCHANT",
                                          "note": None}
        # a reviewer may lower it, with a reason the buyer sees
        case = act(client, t["reviewer"], no, "adjust_postage", amount="12.00", reason="按首重运费报销")
        assert case["refund_amount"] == "172.00"
        assert parts(case)[-1] == ("return_postage", "12.00", "RETURN-POSTAGE-LOWERED")
        assert "按首重运费报销" in get(client, t["buyer"], no)["refund_breakdown"][-1]["note"]
        assert act(client, t["reviewer"], no, "adjust_postage", amount="21.00", reason="x",
                   expect=422)["error"]["code"] == "amount_exceeds_refundable"
        # and the money moves: more than the order's 160.00, by the postage reimbursed
        act(client, t["warehouse"], no, "receive", result="accepted")
        case = act(client, t["finance"], no, "approve_refund")
        assert (case["status"], case["refunded_amount"]) == ("completed", "172.00")

    def test_the_shipping_fee_is_allocated_over_the_lines_and_refunded_exactly_once(self, world, client):
        # given 10.00 shipping over a 100.00 line and a 50.00 line (3 units), both sent back for quality
        t = setup(world)
        lines = [{"line_no": 1, "sku": "A", "name": "a", "qty": 1, "unit_price": "100.00"},
                 {"line_no": 2, "sku": "B", "name": "b", "qty": 3, "unit_price": "16.67"}]
        delivered(world, "Q2", lines=lines, shipping_fee="10.00")
        first = apply(client, t["buyer"], "Q2", reason="quality_issue", lines=[{"line_no": 2, "qty": 1}])
        second = apply(client, t["buyer"], "Q2", reason="quality_issue", lines=[{"line_no": 1, "qty": 1},
                                                                                 {"line_no": 2, "qty": 2}])
        # then the shares are 6.67 and 3.33 (largest remainder), 1.11 for one unit of line 2
        assert parts(first) == [("goods", "16.67", "PAID-AMOUNT"), ("outbound_shipping", "1.11", "SHIPPING-MERCHANT")]
        assert parts(second) == [("goods", "133.34", "PAID-AMOUNT"),
                                 ("outbound_shipping", "8.89", "SHIPPING-MERCHANT")]
        # and together they refund the 160.01 paid exactly, shipping once
        assert Decimal(first["refund_amount"]) + Decimal(second["refund_amount"]) == Decimal("160.01")

    def test_a_no_reason_return_keeps_the_shipping_with_the_buyer(self, world, client):
        t = setup(world)
        delivered(world, "N1", lines=COAT, shipping_fee="10.00")
        case = apply(client, t["buyer"], "N1", reason="no_longer_wanted")
        assert case["shipping_responsibility"] == {"return": "buyer", "outbound": "buyer"}
        assert parts(case) == [("goods", "150.00", "PAID-AMOUNT")]
        walk(client, t, case["no"], (("reviewer", "approve", {}),))
        case = act(client, t["buyer"], case["no"], "ship_return", carrier="SF", tracking_no="N1", postage="12.00")
        assert case["refund_amount"] == "150.00" and case["return_postage"]["reimbursed"] == "0.00"

    def test_shipping_insurance_pays_the_return_postage_instead(self, world, client):
        t = setup(world)
        delivered(world, "I1", lines=COAT, shipping_fee="10.00", shipping_insurance=True)
        no = apply(client, t["buyer"], "I1", reason="quality_issue")["no"]
        act(client, t["reviewer"], no, "approve")
        case = act(client, t["buyer"], no, "ship_return", carrier="SF", tracking_no="I1", postage="12.00")
        assert parts(case) == [("goods", "150.00", "PAID-AMOUNT"), ("outbound_shipping", "10.00", "SHIPPING-MERCHANT"),
                               ("return_postage", "0.00", "RETURN-POSTAGE-INSURED")]

    def test_the_buyers_charges_are_off_by_default(self, world, client):
        t = setup(world)
        delivered(world, "D0", lines=COAT, free_shipping=True, completed_at=SIGNED + timedelta(hours=1),
                  invoice_at=SIGNED - timedelta(days=1))
        no = apply(client, t["buyer"], "D0")["no"]
        case = walk(client, t, no, (("reviewer", "approve", {}),
                                    ("buyer", "ship_return", {"carrier": "SF", "tracking_no": "D0"}),
                                    ("warehouse", "receive", {"result": "accepted", "invoice_returned": False})))
        assert parts(case) == [("goods", "150.00", "PAID-AMOUNT")]

    def test_a_no_reason_return_of_a_free_shipping_order_deducts_the_outbound_postage(self, world, client):
        # seed 001: "包邮活动的商品 … 退款扣除发货邮费"
        t = setup(world)
        policy(client, t, deduct_outbound_postage_free_shipping=True, free_shipping_postage="8.00")
        delivered(world, "F1", lines=COAT, free_shipping=True)
        case = apply(client, t["buyer"], "F1")
        assert parts(case) == [("goods", "150.00", "PAID-AMOUNT"),
                               ("deduction", "-8.00", "STORE-FREE-SHIPPING-POSTAGE")]
        assert case["refund_amount"] == "142.00"
        # not on a quality return, which is the merchant's
        delivered(world, "F2", lines=COAT, free_shipping=True)
        assert apply(client, t["buyer"], "F2", reason="quality_issue")["refund_amount"] == "150.00"

    def test_a_return_after_the_order_completed_pays_the_stores_fee(self, world, client):
        # seed 001: "交易成功后 … 退款扣除手续费5.5%"
        t = setup(world)
        policy(client, t, after_completion_fee_rate="5.5")
        delivered(world, "C1", lines=COAT, completed_at=SIGNED + timedelta(days=1))
        case = apply(client, t["buyer"], "C1")
        assert parts(case) == [("goods", "150.00", "PAID-AMOUNT"),
                               ("deduction", "-8.25", "STORE-AFTER-COMPLETION-FEE")]
        delivered(world, "C2", lines=COAT)  # not completed: no fee
        assert apply(client, t["buyer"], "C2")["refund_amount"] == "150.00"

    def test_an_invoice_not_sent_back_costs_its_tax_points(self, world, client):
        # seed 001: "如有开发票未退回的扣17%点"
        t = setup(world)
        policy(client, t, missing_invoice_rate="17")
        delivered(world, "V1", lines=COAT, invoice_at=SIGNED - timedelta(days=1))
        no = apply(client, t["buyer"], "V1")["no"]
        case = walk(client, t, no, (("reviewer", "approve", {}),
                                    ("buyer", "ship_return", {"carrier": "SF", "tracking_no": "V1"}),
                                    ("warehouse", "receive", {"result": "accepted", "invoice_returned": False})))
        assert parts(case) == [("goods", "150.00", "PAID-AMOUNT"), ("deduction", "-25.50", "STORE-MISSING-INVOICE")]
        assert act(client, t["finance"], no, "approve_refund")["refunded_amount"] == "124.50"

    def test_the_buyer_pays_the_exchange_postage_before_the_replacement_ships(self, world, client):
        # seed 001: "换货邮费自理 … 假如无邮费 … 通知客户补邮费"
        t = setup(world)
        delivered(world, "E1", lines=COAT, shipping_fee="10.00")
        no = apply(client, t["buyer"], "E1", type="exchange", reason="size_fit", exchange_sku="COAT-L",
                   photos=["https://img.example.com/e1.jpg"])["no"]
        case = walk(client, t, no)
        assert (case["exchange_postage"], case["price_difference_settled"]) == ("10.00", False)
        refused = act(client, t["warehouse"], no, "reship", carrier="SF", tracking_no="R1", expect=422)
        assert refused["error"]["code"] == "exchange_postage_unpaid"
        act(client, t["finance"], no, "settle_difference", amount="10.00")
        assert act(client, t["warehouse"], no, "reship", carrier="SF", tracking_no="R1")["status"] == "reshipped"

    def test_the_reviewer_sees_the_computed_amount_and_may_lower_it_with_a_reason(self, world, client):
        t = setup(world)
        delivered(world, "A1", lines=COAT, shipping_fee="10.00")
        no = apply(client, t["buyer"], "A1", reason="quality_issue")["no"]
        case = act(client, t["reviewer"], no, "approve", refund_amount="150.00", adjustment_reason="运费另行补偿")
        assert parts(case) == [("goods", "150.00", "PAID-AMOUNT"), ("outbound_shipping", "10.00", "SHIPPING-MERCHANT"),
                               ("deduction", "-10.00", "REVIEWER-ADJUSTMENT")]


class TestRefusalOfDelivery:
    """Item 2 (seed 004): "拒收费用, 如在发货前说明, 费用由商家承担, 如在发货后说明费用由买家承担"."""

    def test_a_refusal_after_shipment_without_a_fault_is_the_buyers_cost(self, world, client):
        t = setup(world)
        world.order("R1", lines=COAT, shipping_fee="10.00", shipped_at=SIGNED)  # on its way, not signed for
        case = apply(client, t["buyer"], "R1", type="refund_only", reason="no_longer_wanted", received=False,
                     refused_delivery=True)
        assert case["shipping_responsibility"] == {"return": "buyer", "outbound": "buyer"}
        assert (case["quality_problem"], case["refund_amount"]) == (False, "150.00")
        assert parts(case) == [("goods", "150.00", "PAID-AMOUNT")]

    def test_a_cancellation_before_shipment_is_no_quality_problem_and_refunds_everything(self, world, client):
        t = setup(world)
        world.order("R2", lines=COAT, shipping_fee="10.00")  # paid, not shipped
        case = apply(client, t["buyer"], "R2", type="refund_only", reason="ordered_by_mistake")
        assert (case["status"], case["quality_problem"], case["reason"]) == ("completed", False, "ordered_by_mistake")
        assert case["shipping_responsibility"] == {"return": "merchant", "outbound": "merchant"}
        assert parts(case) == [("goods", "150.00", "PAID-AMOUNT"), ("outbound_shipping", "10.00", "SHIPPING-UNSHIPPED")]

    def test_a_refusal_of_a_late_parcel_is_the_merchants_cost_without_a_quality_ground(self, world, client):
        t = setup(world)
        world.order("R3", lines=COAT, shipping_fee="10.00", shipped_at=SIGNED)
        case = apply(client, t["buyer"], "R3", type="refund_only", reason="late_shipment", received=False,
                     refused_delivery=True)
        assert case["shipping_responsibility"] == {"return": "merchant", "outbound": "merchant"}
        assert (case["quality_problem"], case["refund_amount"]) == (False, "160.00")

    def test_a_refusal_after_shipment_of_a_free_shipping_order_may_cost_the_postage(self, world, client):
        t = setup(world)
        policy(client, t, deduct_outbound_postage_free_shipping=True, free_shipping_postage="8.00")
        world.order("R4", lines=COAT, free_shipping=True, shipped_at=SIGNED)
        case = apply(client, t["buyer"], "R4", type="refund_only", reason="no_longer_wanted", received=False,
                     refused_delivery=True)
        assert parts(case) == [("goods", "150.00", "PAID-AMOUNT"),
                               ("deduction", "-8.00", "STORE-FREE-SHIPPING-POSTAGE")]


class TestVouchersAsCash:
    """Item 4: `refund_coupons_as_cash` (and red packets, points) pays them out (seed 002)."""

    def test_a_coupon_is_refunded_as_cash_when_the_policy_says_so(self, world, client):
        t = setup(world)
        policy(client, t, refund_coupons_as_cash=True)
        lines = [{"line_no": 1, "sku": "P", "name": "p", "qty": 1, "unit_price": "100.00"}]
        delivered(world, "V1", lines=lines, coupon="10.00", red_packet="4.00", points="1.00")  # 85.00 in cash
        case = apply(client, t["buyer"], "V1")
        assert parts(case) == [("goods", "85.00", "PAID-AMOUNT"), ("coupon_as_cash", "10.00", "VOUCHERS-AS-CASH")]
        no = case["no"]
        case = walk(client, t, no, (("reviewer", "approve", {}),
                                    ("buyer", "ship_return", {"carrier": "SF", "tracking_no": "V1"}),
                                    ("warehouse", "receive", {"result": "accepted"}),
                                    ("finance", "approve_refund", {})))
        assert case["refunded_amount"] == "95.00"

    def test_red_packets_and_points_too_and_the_reviewer_may_allow_all(self, world, client):
        t = setup(world)
        policy(client, t, refund_red_packets_as_cash=True, refund_points_as_cash=True)
        lines = [{"line_no": 1, "sku": "P", "name": "p", "qty": 2, "unit_price": "50.00"}]
        delivered(world, "V2", lines=lines, coupon="10.00", red_packet="4.00", points="1.00")
        case = apply(client, t["buyer"], "V2")  # one of two units
        assert parts(case) == [("goods", "42.50", "PAID-AMOUNT"), ("coupon_as_cash", "2.50", "VOUCHERS-AS-CASH")]
        case = act(client, t["reviewer"], case["no"], "approve", refund_vouchers=True)
        assert parts(case) == [("goods", "42.50", "PAID-AMOUNT"), ("coupon_as_cash", "7.50", "VOUCHERS-REVIEWER")]
        # the other unit takes the rest of the cash and of the red packets and points
        other = apply(client, t["buyer"], "V2", type="return_refund")
        assert parts(other) == [("goods", "42.50", "PAID-AMOUNT"), ("coupon_as_cash", "2.50", "VOUCHERS-AS-CASH")]

    def test_vouchers_stay_vouchers_by_default(self, world, client):
        t = setup(world)
        delivered(world, "V3", lines=COAT, coupon="10.00")
        case = apply(client, t["buyer"], "V3")
        assert parts(case) == [("goods", "140.00", "PAID-AMOUNT")] and case["amounts"]["vouchers"] == "10.00"


class TestBundles:
    """Item 3 (seed 003, "关于退货套餐 … 那个差价就是退款的金额"): a bundle's discount stays in the bundle."""

    LINES = ({"line_no": 1, "sku": "SHIRT", "name": "衬衫", "qty": 1, "unit_price": "100.00", "bundle": "B1"},
             {"line_no": 2, "sku": "PANTS", "name": "裤子", "qty": 1, "unit_price": "60.00", "bundle": "B1"},
             {"line_no": 3, "sku": "SOCKS", "name": "袜子", "qty": 1, "unit_price": "40.00", "bundle": "B1"},
             {"line_no": 4, "sku": "HAT", "name": "帽子", "qty": 1, "unit_price": "50.00"})

    def _order(self, world, no: str) -> dict[str, Any]:
        return delivered(world, no, lines=list(self.LINES), bundles=[{"id": "B1", "name": "三件套", "price": "150.00"}])

    def test_the_order_document_names_the_bundle_and_its_discount(self, world, client):
        setup(world)
        order = self._order(world, "B1")
        assert order["bundles"] == [{"id": "B1", "name": "三件套", "price": "150.00"}]
        assert [(ln["bundle"], ln["bundle_discount"], ln["paid"]) for ln in order["lines"]] == [
            ("B1", "25.00", "75.00"), ("B1", "15.00", "45.00"), ("B1", "10.00", "30.00"), (None, "0.00", "50.00")]
        assert order["payment"]["amount"] == "200.00"

    def test_the_hat_refunds_its_price_and_two_components_their_share(self, world, client):
        t = setup(world)
        self._order(world, "B2")
        assert apply(client, t["buyer"], "B2", lines=[{"line_no": 4, "qty": 1}])["refund_amount"] == "50.00"
        pair = apply(client, t["buyer"], "B2", lines=[{"line_no": 1, "qty": 1}, {"line_no": 2, "qty": 1}])
        assert pair["refund_amount"] == "120.00"

    def test_a_store_may_take_bundles_back_whole_only(self, world, client):
        t = setup(world)
        policy(client, t, bundle_return_whole=True)
        self._order(world, "B3")
        r = client.post("/api/v1/cases", headers=auth(t["buyer"]), json={
            "type": "return_refund", "order_no": "B3", "reason": "no_longer_wanted",
            "lines": [{"line_no": 1, "qty": 1}, {"line_no": 2, "qty": 1}]})
        assert r.status_code == 422 and r.json()["error"]["code"] == "bundle_incomplete"
        assert r.json()["error"]["details"]["lines"] == [3]
        whole = apply(client, t["buyer"], "B3", lines=[{"line_no": n, "qty": 1} for n in (1, 2, 3)])
        assert whole["refund_amount"] == "150.00"
        assert apply(client, t["buyer"], "B3", lines=[{"line_no": 4, "qty": 1}])["refund_amount"] == "50.00"

    def test_an_order_whose_lines_name_an_undeclared_bundle_is_refused(self, world, client):
        t = setup(world)
        token = world.user("shop", "integration", "S1")
        from tests.builders import order_doc

        doc = order_doc("B4", lines=list(self.LINES), bundles=[{"id": "B9", "name": "x", "price": "10.00"}])
        r = client.post("/api/v1/orders", json=doc, headers=auth(token))
        assert r.status_code == 422 and r.json()["error"]["code"] in ("empty_bundle", "unknown_bundle")
        assert t  # the store exists


class TestExchangePhotos:
    """Item 8: seed 002 lists an exchange's photos without "(选填)", unlike a return's."""

    def test_an_exchange_without_photos_is_refused_and_creates_nothing(self, world, client):
        t = setup(world)
        delivered(world, "P1")
        r = client.post("/api/v1/cases", headers=auth(t["buyer"]), json={
            "type": "exchange", "order_no": "P1", "reason": "size_fit", "lines": [{"line_no": 1, "qty": 1}],
            "photos": []})
        assert r.status_code == 422 and r.json()["error"]["code"] == "photos_required"
        assert client.get("/api/v1/cases", headers=auth(t["agent"])).json()["items"] == []
        assert apply(client, t["buyer"], "P1", type="return_refund")["photos"] == []  # a return may have none
