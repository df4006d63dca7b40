"""Refund arithmetic, pure (SPEC §4.1, issue 4 "Rules").

A line paid P for n units. When units already held by other refund cases are worth H in
total (m units), k more units are worth alloc(P, n, m+k) − H, clamped to [0, P − H]. Without
cancellations H = alloc(P, n, m), so successive partial refunds are
alloc(P, n, m+k) − alloc(P, n, m) and add up to exactly P; with cancellations the clamp
keeps every sum ≤ P and the application that takes the last unit tops it up to exactly P.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from shouhou.errors import Invalid
from shouhou.money import alloc, format_fen


@dataclass(frozen=True)
class LineBook:
    """One order line as the refund arithmetic sees it."""

    line_no: int
    qty: int
    paid_fen: int  # cash paid for the line after every discount
    voucher_fen: int  # coupons, red packets and points allocated to the line
    held_qty: int  # units held by live after-sales cases (any type), excluding this case
    refund_qty: int  # units held by live refund cases (refund_only, return_refund)
    refund_fen: int  # what those refund cases are worth
    refund_voucher_fen: int


@dataclass(frozen=True)
class LineShare:
    line_no: int
    qty: int
    amount_fen: int
    voucher_fen: int


def refundable_qty(book: LineBook) -> int:
    return book.qty - book.held_qty


def share(book: LineBook, k: int, *, refunds: bool) -> LineShare:
    """What k more units of the line are worth (0 for an exchange, which refunds nothing)."""
    if k < 1:
        raise Invalid("invalid_quantity", en="Line {line_no}: quantity must be at least 1",
                      zh="订单行 {line_no} 的数量至少为 1", line_no=book.line_no)
    if k > refundable_qty(book):
        raise Invalid("quantity_exceeds_refundable",
                      en="Line {line_no}: {qty} asked, only {available} of {total} units left for after-sales",
                      zh="订单行 {line_no} 申请 {qty} 件, 只剩 {available}/{total} 件可申请售后",
                      line_no=book.line_no, qty=k, available=refundable_qty(book), total=book.qty)
    if not refunds:
        return LineShare(book.line_no, k, 0, 0)
    m = book.refund_qty
    amount = _clamp(alloc(book.paid_fen, book.qty, m + k) - book.refund_fen, book.paid_fen - book.refund_fen)
    voucher = _clamp(alloc(book.voucher_fen, book.qty, m + k) - book.refund_voucher_fen,
                     book.voucher_fen - book.refund_voucher_fen)
    return LineShare(book.line_no, k, amount, voucher)


def _clamp(value: int, ceiling: int) -> int:
    return max(0, min(value, ceiling))


def maximum(goods_fen: int, voucher_fen: int, shipping_fen: int, *, vouchers: bool, shipping: bool) -> int:
    """The most a case may refund: its goods, plus vouchers and shipping when allowed."""
    return goods_fen + (voucher_fen if vouchers else 0) + (shipping_fen if shipping else 0)


def check_adjusted(requested_max: int, adjusted: int | None, reason: str | None) -> int:
    """A reviewer may lower the amount (with a reason the buyer sees), never raise it."""
    if adjusted is None:
        return requested_max
    if adjusted > requested_max:
        raise Invalid("amount_exceeds_refundable",
                      en="{amount} is more than this case may refund ({max})",
                      zh="金额 {amount} 超过本售后单可退金额 {max}",
                      amount=format_fen(adjusted), max=format_fen(requested_max))
    if adjusted < requested_max and not (reason and reason.strip()):
        raise Invalid("adjustment_reason_required",
                      en="Say why the refund is lower than {max}; the buyer will see it",
                      zh="退款金额低于 {max} 时须填写原因(买家可见)", max=format_fen(requested_max))
    return adjusted


REFUND_TYPES = ("refund_only", "return_refund")


def books(order_lines: list[Any], held: list[Any]) -> dict[int, LineBook]:
    """Per order line (by id): what other live cases already hold, in units and in money.
    `held` are those cases' lines (order_line_id, qty, amount_fen, voucher_fen, case_type, status)."""
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for line_id, qty, amount_fen, voucher_fen, case_type, status in held:
        h = sums[line_id]
        if case_type == "exchange" and status == "completed":
            continue  # the replacement unit can come back again
        h[0] += qty
        if case_type in REFUND_TYPES:
            h[1] += qty
            h[2] += amount_fen
            h[3] += voucher_fen
    return {ln.id: LineBook(line_no=ln.line_no, qty=ln.qty, paid_fen=ln.paid_fen, voucher_fen=ln.voucher_fen,
                            held_qty=sums[ln.id][0], refund_qty=sums[ln.id][1], refund_fen=sums[ln.id][2],
                            refund_voucher_fen=sums[ln.id][3])
            for ln in order_lines}
