"""Money: integer fen inside, yuan strings outside, allocations that always add up."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from shouhou.errors import Invalid
from shouhou.money import alloc, div_round_half_up, format_fen, largest_remainder, parse_yuan, partial_amount

FEN = st.integers(min_value=0, max_value=10**15 - 1)  # up to 13 digits of yuan
SIGNED_FEN = st.integers(min_value=-(10**15 - 1), max_value=10**15 - 1)


class TestYuanText:
    @given(SIGNED_FEN)
    def test_it_round_trips_fen_through_yuan_text(self, fen):
        assert parse_yuan(format_fen(fen), allow_negative=True) == fen

    @given(FEN)
    def test_it_formats_two_decimals_always(self, fen):
        text = format_fen(fen)
        whole, _, cents = text.partition(".")
        assert len(cents) == 2 and whole.isdigit() and Decimal(text) * 100 == fen

    @pytest.mark.parametrize(("text", "fen"), [("199.00", 19900), ("199", 19900), ("199.5", 19950), ("0.01", 1),
                                               ("0", 0), ("0000.10", 10)])
    def test_it_reads_yuan(self, text, fen):
        assert parse_yuan(text) == fen

    @pytest.mark.parametrize("value", [1.5, 199.0, True, "1.234", "-1.00", "1,000.00", "1e3", "¥10", "", ".5",
                                       "10.", "12345678901234.00", "NaN", "1_000"])
    def test_it_refuses_anything_but_a_plain_amount(self, value):
        with pytest.raises(Invalid) as refused:
            parse_yuan(value)
        assert refused.value.code == "invalid_amount"

    @given(FEN, st.sampled_from([0xFF10, 0x0660, 0x0966, 0x1D7CE]))  # full-width, Arabic-Indic, Devanagari, math
    @example(10000, 0xFF10)  # "１００.００"
    def test_it_accepts_only_ascii_digits(self, fen, zero):
        # given an amount written with another script's digits
        text = format_fen(fen).translate({ord(str(d)): chr(zero + d) for d in range(10)})
        # then it is refused as it is, not read as the ASCII amount it looks like
        with pytest.raises(Invalid) as refused:
            parse_yuan(text)
        assert refused.value.code == "invalid_amount"

    @pytest.mark.parametrize("text", [" 12.00", "12.00 ", "\u300012.00", "12.00\n", "\t12.00"])
    def test_it_refuses_spaces_around_the_amount_unless_asked_to_trim(self, text):
        with pytest.raises(Invalid) as refused:
            parse_yuan(text)
        assert refused.value.code == "invalid_amount"
        assert parse_yuan(text, trim=True) == 1200  # what a person typed into a console form

    def test_it_accepts_a_negative_amount_only_when_allowed(self):
        assert parse_yuan("-1.50", allow_negative=True) == -150
        assert parse_yuan(Decimal("2.5")) == 250 and parse_yuan(3) == 300


class TestRounding:
    @given(st.integers(-10**12, 10**12), st.integers(1, 10**6))
    def test_it_rounds_half_away_from_zero(self, numerator, denominator):
        exact = Fraction(numerator, denominator)
        got = div_round_half_up(numerator, denominator)
        assert abs(got - exact) <= Fraction(1, 2)
        if abs(got - exact) == Fraction(1, 2):
            assert abs(got) > abs(exact)


class TestPartialAmounts:
    @given(FEN, st.integers(1, 50), st.data())
    def test_it_makes_successive_partial_amounts_sum_to_the_total(self, total, n, data):
        # given a line of n units split into takes of any sizes
        takes, left = [], n
        while left:
            take = data.draw(st.integers(1, left))
            takes.append(take)
            left -= take
        # when each take is priced after the ones before it
        amounts, already = [], 0
        for take in takes:
            amounts.append(partial_amount(total, n, already, take))
            already += take
        # then no take is negative, and together they are exactly the total
        assert all(a >= 0 for a in amounts) and sum(amounts) == total

    @given(FEN, st.integers(1, 50), st.data())
    def test_it_is_monotone_and_near_the_exact_share(self, total, n, data):
        j = data.draw(st.integers(0, n - 1))
        assert alloc(total, n, j) <= alloc(total, n, j + 1)
        assert abs(alloc(total, n, j) - Fraction(total * j, n)) <= Fraction(1, 2)
        assert (alloc(total, n, 0), alloc(total, n, n)) == (0, total)

    @given(FEN, st.integers(2, 50), st.data())
    def test_it_prices_a_bigger_take_at_least_as_high(self, total, n, data):
        already = data.draw(st.integers(0, n - 2))
        more = data.draw(st.integers(1, n - already - 1))
        assert 0 <= partial_amount(total, n, already, more) <= partial_amount(total, n, already, more + 1)

    @given(FEN, st.integers(1, 50), st.data())
    def test_it_prices_what_was_taken_the_same_however_it_was_split(self, total, n, data):
        already = data.draw(st.integers(0, n))
        split = data.draw(st.integers(0, already))
        assert partial_amount(total, n, 0, split) + partial_amount(total, n, split, already - split) == alloc(
            total, n, already)

    def test_it_refuses_more_units_than_the_line_has(self):
        with pytest.raises(ValueError):
            alloc(100, 3, 4)


class TestLargestRemainder:
    @given(SIGNED_FEN, st.lists(st.integers(0, 10**9), min_size=1, max_size=20).filter(any))
    @example(100, [1, 1, 1])
    @example(-100, [1, 1, 1])
    @example(1, [0, 5, 5])
    def test_it_sums_to_the_total_within_a_fen_of_each_exact_share(self, total, weights):
        parts = largest_remainder(total, weights)
        assert sum(parts) == total and len(parts) == len(weights)
        base = sum(weights)
        for part, w in zip(parts, weights, strict=True):
            assert abs(part - Fraction(total * w, base)) < 1
            if w == 0:
                assert part == 0

    @given(FEN, st.lists(st.integers(0, 10**9), min_size=1, max_size=20).filter(any))
    def test_it_is_deterministic_and_never_negative_for_a_positive_total(self, total, weights):
        parts = largest_remainder(total, weights)
        assert parts == largest_remainder(total, list(weights)) and all(p >= 0 for p in parts)

    def test_it_gives_leftover_fen_to_the_largest_remainders_then_the_earlier_part(self):
        assert largest_remainder(1000, [9999, 1000]) == [909, 91]
        assert largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
        assert largest_remainder(0, [0, 0]) == [0, 0]

    def test_it_refuses_weights_it_cannot_use(self):
        with pytest.raises(ValueError):
            largest_remainder(1, [0, 0])
        with pytest.raises(ValueError):
            largest_remainder(1, [1, -1])
