"""Refund arithmetic: never over-refund; partial refunds of a line add up to exactly what was paid."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from shouhou.errors import Invalid
from shouhou.money import alloc
from shouhou.returns.amounts import LineBook, check_adjusted, share


def book(paid: int, qty: int, voucher: int, live: list[tuple[int, int, int]]) -> LineBook:
    """The line as the arithmetic sees it, with `live` = (qty, amount, voucher) of cases holding units."""
    return LineBook(line_no=1, qty=qty, paid_fen=paid, voucher_fen=voucher, held_qty=sum(q for q, _, _ in live),
                    refund_qty=sum(q for q, _, _ in live), refund_fen=sum(a for _, a, _ in live),
                    refund_voucher_fen=sum(v for _, _, v in live))


lines = st.tuples(st.integers(0, 10_000_000), st.integers(1, 60), st.integers(0, 50_000))
# A script of operations: ("apply", k) or ("cancel", index into the live cases).
scripts = st.lists(st.tuples(st.sampled_from(["apply", "apply", "cancel"]), st.integers(1, 60)), max_size=40)


class TestShares:
    @settings(max_examples=300, deadline=None)
    @given(lines, scripts)
    def test_it_never_refunds_more_than_was_paid(self, line, script):
        paid, qty, voucher = line
        live: list[tuple[int, int, int]] = []
        for op, n in script:
            if op == "cancel" and live:
                live.pop(n % len(live))
                continue
            b = book(paid, qty, voucher, live)
            k = min(n, qty - b.held_qty)
            if k < 1:
                continue
            s = share(b, k, refunds=True)
            assert s.amount_fen >= 0 and s.voucher_fen >= 0
            live.append((k, s.amount_fen, s.voucher_fen))
            assert sum(a for _, a, _ in live) <= paid and sum(v for _, _, v in live) <= voucher
        if sum(q for q, _, _ in live) == qty:
            assert sum(a for _, a, _ in live) == paid  # every unit taken: exactly what was paid
            assert sum(v for _, _, v in live) == voucher

    @settings(max_examples=300, deadline=None)
    @given(lines, st.lists(st.integers(1, 60), min_size=1, max_size=30))
    def test_it_splits_without_cancellations_as_alloc_differences(self, line, ks):
        paid, qty, voucher = line
        live: list[tuple[int, int, int]] = []
        for k in ks:
            m = sum(q for q, _, _ in live)
            k = min(k, qty - m)
            if k < 1:
                break
            s = share(book(paid, qty, voucher, live), k, refunds=True)
            assert s.amount_fen == alloc(paid, qty, m + k) - alloc(paid, qty, m)
            live.append((k, s.amount_fen, s.voucher_fen))

    def test_it_refuses_more_units_than_are_left(self):
        b = book(19_800, 2, 0, [(1, 9_900, 0)])
        try:
            share(b, 2, refunds=True)
        except Invalid as exc:
            assert exc.code == "quantity_exceeds_refundable" and exc.details["available"] == 1
        else:
            raise AssertionError("over-quantity accepted")

    def test_it_values_an_exchange_at_nothing(self):
        assert share(book(19_800, 2, 0, []), 1, refunds=False).amount_fen == 0


class TestAdjustments:
    @given(st.integers(0, 10**9), st.integers(0, 10**9))
    def test_it_lets_a_reviewer_lower_never_raise(self, ceiling, asked):
        if asked > ceiling:
            try:
                check_adjusted(ceiling, asked, "reason")
            except Invalid as exc:
                assert exc.code == "amount_exceeds_refundable"
            else:
                raise AssertionError("a raised amount was accepted")
        else:
            assert check_adjusted(ceiling, asked, "reason") == asked

    def test_it_needs_a_reason_for_a_lower_amount(self):
        assert check_adjusted(9_900, None, None) == 9_900 and check_adjusted(9_900, 9_900, None) == 9_900
        try:
            check_adjusted(9_900, 9_000, " ")
        except Invalid as exc:
            assert exc.code == "adjustment_reason_required"
        else:
            raise AssertionError("a lower amount without a reason was accepted")


class TestAllocationThroughTheApi:
    def test_it_allocates_the_order_discount_to_the_fen(self, world, client):
        from tests.builders import auth

        world.store()
        token = world.user("shop", "integration", "S1")
        lines = [{"line_no": 1, "sku": "A", "name": "a", "qty": 3, "unit_price": "33.33"},
                 {"line_no": 2, "sku": "B", "name": "b", "qty": 1, "unit_price": "0.01"},
                 {"line_no": 3, "sku": "C", "name": "c", "qty": 7, "unit_price": "12.34", "discount": "1.01"}]
        order = world.order("D1", lines=lines, discount="10.00", shipping_fee="6.00")
        assert sum(int(ln["order_discount"].replace(".", "")) for ln in order["lines"]) == 1000
        paid = sum(int(ln["paid"].replace(".", "")) for ln in order["lines"])
        assert paid + 600 == int(order["payment"]["amount"].replace(".", ""))
        r = client.get("/api/v1/orders/D1", headers=auth(token))
        assert r.json()["lines"] == order["lines"]
