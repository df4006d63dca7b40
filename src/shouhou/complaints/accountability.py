"""Accountability for complaints (SPEC §6, seeds 000 and 002): the system counts and flags,
people decide. Pure: findings in, counts and flags out.

- A staff member: the 1st founded complaint a warning, the 2nd a penalty, the 3rd dismissal
  (seed 000: 第一次发出警告，第二次进行处罚，第三次进行解雇), counted over all time, flagged in the
  month a new one comes.
- A supplier, per month: more than 2 a verbal warning, more than 3 a written notice, and more than
  3 again the month after a notice removal; more than 25 in all a deduction from its fund; a
  year (the 12 months to this one) with none an award.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from shouhou.calendar.months import month_of, shift

__all__ = ["Finding", "month_of", "shift", "staff_flag", "supplier_flags", "tally"]

STAFF_FLAGS = ("warning", "penalty", "dismissal")
VERBAL_WARNING_OVER, WRITTEN_NOTICE_OVER, FUND_DEDUCTION_OVER = 2, 3, 25


@dataclass(frozen=True)
class Finding:
    month: str  # yyyy-mm in the store's zone, when the supervisor approved it
    responsible: str  # staff | department | supplier
    staff: str | None = None
    department: str | None = None
    supplier: str | None = None


def staff_flag(total: int) -> str | None:
    """What the n-th founded complaint against a staff member calls for."""
    if total <= 0:
        return None
    return STAFF_FLAGS[min(total, len(STAFF_FLAGS)) - 1]


def supplier_flags(by_month: Counter[str], month: str) -> list[str]:
    """What a supplier's founded complaints call for in `month`, from its counts per month up to it."""
    now, before = by_month.get(month, 0), by_month.get(shift(month, -1), 0)
    total = sum(n for m, n in by_month.items() if m <= month)
    flags = []
    if now > WRITTEN_NOTICE_OVER:
        flags.append("removal" if before > WRITTEN_NOTICE_OVER else "written_notice")
    elif now > VERBAL_WARNING_OVER:
        flags.append("verbal_warning")
    if total > FUND_DEDUCTION_OVER:
        flags.append("fund_deduction")
    year = {shift(month, -k) for k in range(12)}
    if total and not any(by_month.get(m, 0) for m in year):
        flags.append("award")
    return flags


def tally(findings: list[Finding], month: str) -> dict[str, list[dict]]:
    """Counts and flags for `month` from every finding up to its end (later ones are ignored)."""
    upto = [f for f in findings if f.month <= month]
    staff_total = Counter(f.staff for f in upto if f.responsible == "staff" and f.staff)
    staff_month = Counter(f.staff for f in upto if f.responsible == "staff" and f.staff and f.month == month)
    depts_total = Counter(f.department for f in upto if f.responsible == "department" and f.department)
    depts_month = Counter(f.department for f in upto if f.responsible == "department" and f.department
                          and f.month == month)
    suppliers: dict[str, Counter[str]] = {}
    for f in upto:
        if f.responsible == "supplier" and f.supplier:
            suppliers.setdefault(f.supplier, Counter())[f.month] += 1
    return {
        # The flag is what this month's new complaints call for; a quiet month calls for nothing.
        "staff": [{"user": u, "in_month": staff_month.get(u, 0), "total": n,
                   "flag": staff_flag(n) if staff_month.get(u) else None}
                  for u, n in sorted(staff_total.items(), key=lambda kv: (-kv[1], kv[0]))],
        "departments": [{"department": d, "in_month": depts_month.get(d, 0), "total": n}
                        for d, n in sorted(depts_total.items(), key=lambda kv: (-kv[1], kv[0]))],
        "suppliers": [{"supplier": s, "in_month": c.get(month, 0), "previous_month": c.get(shift(month, -1), 0),
                       "last_12_months": sum(c.get(shift(month, -k), 0) for k in range(12)),
                       "total": sum(c.values()), "flags": supplier_flags(c, month)}
                      for s, c in sorted(suppliers.items(), key=lambda kv: (-kv[1].get(month, 0), kv[0]))],
    }
