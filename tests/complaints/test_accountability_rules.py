"""The accountability rules (complaints/accountability.py) against oracles written here, over generated
months and findings: the system counts and flags, people decide."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhou.complaints.accountability import Finding, shift, staff_flag, supplier_flags, tally

# yyyy-mm from 2000-01 to 2100-12
months = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(2000, 2100), st.integers(1, 12))


def step(month: str, k: int) -> str:
    """Oracle for shift: walk one month at a time."""
    y, m = int(month[:4]), int(month[5:])
    for _ in range(abs(k)):
        if k > 0:
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        else:
            y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return f"{y:04d}-{m:02d}"


def expected_supplier(by_month: dict[str, int], month: str) -> set[str]:
    """The docstring's rules, spelled out."""
    now, before = by_month.get(month, 0), by_month.get(step(month, -1), 0)
    total = sum(n for m, n in by_month.items() if m <= month)
    year = sum(by_month.get(step(month, -k), 0) for k in range(12))
    flags = set()
    if now > 3:  # a written notice, or removal when the month before also had more than 3
        flags.add("removal" if before > 3 else "written_notice")
    elif now > 2:
        flags.add("verbal_warning")
    if total > 25:
        flags.add("fund_deduction")
    if total > 0 and year == 0:
        flags.add("award")
    return flags


class TestShift:
    @given(months, st.integers(-2400, 2400))
    def test_it_walks_month_by_month_and_back(self, m, k):
        assert shift(m, k) == step(m, k)
        assert shift(shift(m, k), -k) == m
        assert shift(m, 0) == m

    @given(months, st.integers(-1200, 1200), st.integers(-1200, 1200))
    def test_later_months_sort_later(self, m, a, b):
        assert (shift(m, a) < shift(m, b)) == (a < b)

    @given(st.integers(2000, 2100), st.integers(1, 12))
    def test_the_year_wraps(self, y, mm):
        assert shift(f"{y}-12", 1) == f"{y + 1}-01"
        assert shift(f"{y}-01", -1) == f"{y - 1}-12"
        assert shift(f"{y}-{mm:02d}", 12) == f"{y + 1}-{mm:02d}"
        assert shift(f"{y}-{mm:02d}", -24) == f"{y - 2}-{mm:02d}"

    def test_examples(self):
        assert [shift("2026-11", k) for k in (-11, -1, 1, 2, 14)] == [
            "2025-12", "2026-10", "2026-12", "2027-01", "2028-01"]


class TestStaffFlag:
    @given(st.integers(-5, 10_000))
    def test_first_a_warning_then_a_penalty_then_dismissal(self, n):
        want = None if n <= 0 else {1: "warning", 2: "penalty"}.get(n, "dismissal")
        assert staff_flag(n) == want


counts = st.dictionaries(st.integers(-30, 6), st.integers(0, 30), max_size=12)


class TestSupplierFlags:
    @given(months, counts)
    def test_the_flags_follow_the_rules(self, month, by_offset):
        by_month = Counter({step(month, k): n for k, n in by_offset.items()})
        flags = supplier_flags(by_month, month)
        assert len(flags) == len(set(flags)) and set(flags) == expected_supplier(by_month, month)
        assert not {"verbal_warning", "written_notice", "removal"} <= set(flags)  # at most one per month
        assert not {"written_notice", "removal"} <= set(flags)

    @given(months, counts, st.dictionaries(st.integers(1, 30), st.integers(1, 30), min_size=1))
    def test_months_after_the_month_are_ignored(self, month, by_offset, later):
        by_month = Counter({step(month, k): n for k, n in by_offset.items() if k <= 0})
        more = by_month + Counter({step(month, k): n for k, n in later.items()})
        assert supplier_flags(more, month) == supplier_flags(by_month, month)

    @pytest.mark.parametrize("by_month, month, flags", [
        ({"2026-11": 2}, "2026-11", []),
        ({"2026-11": 3}, "2026-11", ["verbal_warning"]),
        ({"2026-11": 4}, "2026-11", ["written_notice"]),
        ({"2026-10": 3, "2026-11": 4}, "2026-11", ["written_notice"]),
        ({"2026-10": 4, "2026-11": 4}, "2026-11", ["removal"]),
        ({"2026-10": 4, "2026-11": 3}, "2026-11", ["verbal_warning"]),
        ({"2025-12": 4, "2026-01": 5}, "2026-01", ["removal"]),  # across the new year
        ({"2026-09": 4, "2026-11": 4}, "2026-11", ["written_notice"]),  # not the month just before
        ({"2026-10": 25}, "2026-11", []),
        ({"2026-10": 26}, "2026-11", ["fund_deduction"]),
        ({"2026-11": 26}, "2026-11", ["written_notice", "fund_deduction"]),
        ({"2025-11": 1}, "2026-11", ["award"]),  # the 12 months to 2026-11 start in 2025-12
        ({"2025-12": 1}, "2026-11", []),
        ({"2020-01": 30}, "2026-11", ["fund_deduction", "award"]),
        ({}, "2026-11", []),  # never complained about: nothing to award
        ({"2026-12": 9}, "2026-11", []),  # a later month does not count
        ({"2026-10": 4, "2026-11": 4, "2026-12": 30}, "2026-11", ["removal"]),
    ])
    def test_decision_table(self, by_month, month, flags):
        assert sorted(supplier_flags(Counter(by_month), month)) == sorted(flags)


names = st.sampled_from(["a", "b", "c", "a", "b", "c", None])
findings = st.lists(st.builds(
    Finding, month=st.sampled_from(["2025-10", "2025-11", "2025-12", "2026-10", "2026-11", "2026-12", "2027-01"]),
    responsible=st.sampled_from(["staff", "department", "supplier", "none"]),
    staff=names, department=names, supplier=names), max_size=60)


def brute(found: list[Finding], kind: str, name: str, month: str, pick=lambda m, month: m <= month) -> int:
    return sum(1 for f in found if f.responsible == kind and getattr(f, kind) == name and pick(f.month, month))


class TestTally:
    @given(findings, st.sampled_from(["2025-11", "2026-11", "2026-12"]))
    def test_counts_are_the_brute_force_counts(self, found, month):
        report = tally(found, month)
        for kind, key, rows in (("staff", "user", report["staff"]),
                                ("department", "department", report["departments"])):
            named = {getattr(f, kind) for f in found if f.responsible == kind and f.month <= month} - {None}
            assert sorted(r[key] for r in rows) == sorted(named)
            for r in rows:
                assert r["total"] == brute(found, kind, r[key], month) > 0
                assert r["in_month"] == brute(found, kind, r[key], month, str.__eq__) <= r["total"]
                if kind == "staff":  # flagged only in a month with a new one
                    want = {1: "warning", 2: "penalty"}.get(r["total"], "dismissal") if r["in_month"] else None
                    assert r["flag"] == want
            # the most first, then by name
            assert [(-r["total"], r[key]) for r in rows] == sorted((-r["total"], r[key]) for r in rows)
        named = {f.supplier for f in found if f.responsible == "supplier" and f.month <= month} - {None}
        assert sorted(r["supplier"] for r in report["suppliers"]) == sorted(named)
        for r in report["suppliers"]:
            s = r["supplier"]
            per = Counter(f.month for f in found if f.responsible == "supplier" and f.supplier == s)
            assert r["in_month"] == per[month] <= r["total"] == brute(found, "supplier", s, month)
            assert r["previous_month"] == per[step(month, -1)]
            assert r["last_12_months"] == sum(per[step(month, -k)] for k in range(12))
            upto = {m: n for m, n in per.items() if m <= month}
            assert set(r["flags"]) == expected_supplier(upto, month)
        # the most this month first, then by name
        order = [(-r["in_month"], r["supplier"]) for r in report["suppliers"]]
        assert order == sorted(order)

    @given(findings, findings, st.sampled_from(["2025-11", "2026-11"]))
    def test_findings_after_the_month_are_ignored(self, found, later, month):
        later = [Finding(step(month, 1 + i % 3), f.responsible, f.staff, f.department, f.supplier)
                 for i, f in enumerate(later)]
        assert tally(found + later, month) == tally([f for f in found if f.month <= month], month)

    def test_an_example(self):
        found = [Finding("2026-10", "staff", staff="bob"), Finding("2026-11", "staff", staff="bob"),
                 Finding("2026-11", "staff", staff="ann"), Finding("2026-12", "staff", staff="ann"),
                 Finding("2026-11", "department", department="warehouse"),
                 Finding("2026-10", "supplier", supplier="A厂"), Finding("2026-10", "supplier", supplier="A厂"),
                 *[Finding("2026-11", "supplier", supplier="华东面料厂")] * 4,
                 Finding("2026-11", "none", staff="ann", supplier="华东面料厂")]
        assert tally(found, "2026-11") == {
            "staff": [{"user": "bob", "in_month": 1, "total": 2, "flag": "penalty"},
                      {"user": "ann", "in_month": 1, "total": 1, "flag": "warning"}],
            "departments": [{"department": "warehouse", "in_month": 1, "total": 1}],
            "suppliers": [{"supplier": "华东面料厂", "in_month": 4, "previous_month": 0, "last_12_months": 4,
                           "total": 4, "flags": ["written_notice"]},
                          {"supplier": "A厂", "in_month": 0, "previous_month": 2, "last_12_months": 2, "total": 2,
                           "flags": []}]}
