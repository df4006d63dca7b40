"""Fee arithmetic is exact to the fen (repairs/pricing.py): properties over any price list."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from shouhou.repairs.pricing import balance, labour_fen, quote_lines

fen = st.integers(min_value=0, max_value=10_000_000)
minutes = st.integers(min_value=0, max_value=6000)
parts = st.lists(st.tuples(st.text(min_size=1, max_size=8), st.text(max_size=8), st.integers(1, 50), fen), max_size=6)
extras = st.lists(st.tuples(st.text(min_size=1, max_size=8), fen), max_size=4)


class TestLabour:
    @given(fen, minutes)
    def test_it_is_the_hourly_rate_pro_rata_rounded_half_up(self, rate, mins):
        exact = Fraction(rate * mins, 60)
        got = labour_fen(rate, mins)
        assert abs(got - exact) <= Fraction(1, 2)
        assert got - exact != Fraction(-1, 2)  # a half fen goes up

    @given(fen, minutes, minutes)
    def test_it_never_charges_less_for_more_time(self, rate, a, b):
        lo, hi = sorted((a, b))
        assert labour_fen(rate, lo) <= labour_fen(rate, hi)


class TestQuote:
    @given(fen, minutes, st.booleans(), fen, parts, extras)
    def test_its_total_is_the_sum_of_its_lines_and_each_line_is_exact(self, rate, mins, call_out, fee, ps, xs):
        lines = quote_lines(hourly_rate_fen=rate, labour_minutes=mins, call_out=call_out, call_out_fee_fen=fee,
                            parts=ps, extra=xs)
        by_kind: dict[str, int] = {}
        for line in lines:
            by_kind[line.kind] = by_kind.get(line.kind, 0) + line.amount_fen
        assert by_kind.get("labour", 0) == (labour_fen(rate, mins) if mins else 0)
        assert by_kind.get("call_out", 0) == (fee if call_out else 0)
        assert by_kind.get("part", 0) == sum(q * p for _, _, q, p in ps)
        assert by_kind.get("extra", 0) == sum(a for _, a in xs)
        assert all(line.amount_fen >= 0 for line in lines)


class TestBalance:
    @given(st.lists(fen, max_size=8), st.data())
    def test_what_is_due_is_what_is_left_after_payments_and_write_offs(self, fees, data):
        total = sum(fees)
        paid = data.draw(st.lists(st.integers(0, max(total, 0)), max_size=4).filter(lambda p: sum(p) <= total))
        written_off = data.draw(st.integers(0, total - sum(paid)))
        b = balance(fees, paid, written_off)
        assert b.total_fen == total and b.paid_fen == sum(paid)
        assert b.due_fen == total - sum(paid) - written_off
        assert b.due_fen + b.paid_fen + b.written_off_fen == b.total_fen
