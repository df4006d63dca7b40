"""Refund arithmetic, pure (SPEC §4.1, issue 4 "Rules", issue 22).

A line paid P for n units. When units already held by other refund cases are worth H in
total (m units), k more units are worth alloc(P, n, m+k) − H, clamped to [0, P − H]. Without
cancellations H = alloc(P, n, m), so successive partial refunds are
alloc(P, n, m+k) − alloc(P, n, m) and add up to exactly P; with cancellations the clamp
keeps every sum ≤ P and the application that takes the last unit tops it up to exactly P.

The same rule splits every other amount that belongs to an order's units ("pools"): the
order's shipping fee, each kind of voucher (coupons, red packets, points), the outbound
postage of a 包邮 order. Each pool is first allocated over the order's lines by largest
remainder, weighted by the lines' goods after line and bundle discounts, then over a
line's units as above. A case line records what its units are worth in every pool,
whether or not the case pays it out, so all of an order's cases together take each pool
exactly once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from shouhou.errors import Invalid
from shouhou.money import alloc, format_fen, largest_remainder

# Pools beyond the goods (paid_fen) and all vouchers together (voucher_fen).
SHIPPING, COUPON, RED_PACKET, POINTS, POSTAGE = "shipping", "coupon", "red_packet", "points", "postage"
VOUCHER_KINDS = (COUPON, RED_PACKET, POINTS)
POOLS = (SHIPPING, *VOUCHER_KINDS, POSTAGE)


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
    pools: Mapping[str, int] = field(default_factory=dict)  # the line's share of each pool
    held_pools: Mapping[str, int] = field(default_factory=dict)  # what live refund cases' units are worth in each


@dataclass(frozen=True)
class LineShare:
    line_no: int
    qty: int
    amount_fen: int
    voucher_fen: int
    pools: Mapping[str, int] = field(default_factory=dict)

    def pool(self, name: str) -> int:
        return self.pools.get(name, 0)


def refundable_qty(book: LineBook) -> int:
    return book.qty - book.held_qty


def share(book: LineBook, k: int, *, refunds: bool) -> LineShare:
    """What k more units of the line are worth (0 for an exchange, which refunds nothing)."""
    if k < 1:
        raise Invalid("invalid_quantity", en="Line {line_no}: quantity must be at least 1",
                      zh="订单行 {line_no} 的数量至少为 1", line_no=book.line_no)
    if k > refundable_qty(book) == 0:
        raise Invalid("quantity_exceeds_refundable",
                      en="Line {line_no}: every unit is already refunded or in an after-sales request",
                      zh="订单行 {line_no} 的商品已全部退款或正在售后中", line_no=book.line_no, qty=k, available=0,
                      total=book.qty)
    if k > refundable_qty(book):
        raise Invalid("quantity_exceeds_refundable",
                      en="Line {line_no}: {qty} asked, only {available} of {total} units left for after-sales",
                      zh="订单行 {line_no} 申请 {qty} 件，只剩 {available}/{total} 件可申请售后",
                      line_no=book.line_no, qty=k, available=refundable_qty(book), total=book.qty)
    if not refunds:
        return LineShare(book.line_no, k, 0, 0)
    m = book.refund_qty
    amount = units_worth(book.paid_fen, book.qty, m, k, book.refund_fen)
    voucher = units_worth(book.voucher_fen, book.qty, m, k, book.refund_voucher_fen)
    pools = {name: units_worth(total, book.qty, m, k, book.held_pools.get(name, 0))
             for name, total in book.pools.items()}
    return LineShare(book.line_no, k, amount, voucher, MappingProxyType(pools))


def units_worth(total: int, n: int, m: int, k: int, held: int) -> int:
    """k more of n units, m of which (worth `held`) other cases hold: alloc(total, n, m+k) − held,
    within [0, total − held]."""
    return _clamp(alloc(total, n, m + k) - held, total - held)


def _clamp(value: int, ceiling: int) -> int:
    return max(0, min(value, ceiling))


@dataclass(frozen=True)
class LineWeight:
    """An order line as the pools are allocated over it."""

    qty: int
    goods_fen: int  # qty × unit price − line discount − bundle discount


def line_pools(lines: Sequence[LineWeight], totals: Mapping[str, int]) -> list[dict[str, int]]:
    """Each pool's total allocated over the lines by largest remainder, weighted by their goods
    (by their quantities when the goods are all free); the parts add up to each total exactly."""
    weights = [max(0, ln.goods_fen) for ln in lines]
    if not any(weights):
        weights = [ln.qty for ln in lines]
    out: list[dict[str, int]] = [{} for _ in lines]
    for name, total in totals.items():
        for part, parts in zip(out, largest_remainder(total, weights) if total else [0] * len(lines), strict=True):
            part[name] = parts
    return out


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
                      zh="退款金额低于 {max} 时须填写原因（买家可见）", max=format_fen(requested_max))
    return adjusted


REFUND_TYPES = ("refund_only", "return_refund")


def books(order_lines: Sequence[Any], held: Sequence[Any],
          pools: Mapping[int, Mapping[str, int]] | None = None) -> dict[int, LineBook]:
    """Per order line (by id): what other live cases already hold, in units and in money.
    `held` are those cases' lines (order_line_id, qty, amount_fen, voucher_fen, shares,
    case_type, status); `pools` the lines' shares of the order's other amounts (shipping,
    vouchers by kind, …) by line id."""
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    held_pools: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line_id, qty, amount_fen, voucher_fen, shares, case_type, status in held:
        h = sums[line_id]
        if case_type == "exchange" and status == "completed":
            continue  # the replacement unit can come back again
        h[0] += qty
        if case_type in REFUND_TYPES:
            h[1] += qty
            h[2] += amount_fen
            h[3] += voucher_fen
            for name, value in (shares or {}).items():
                held_pools[line_id][name] += int(value)
    return {ln.id: LineBook(line_no=ln.line_no, qty=ln.qty, paid_fen=ln.paid_fen, voucher_fen=ln.voucher_fen,
                            held_qty=sums[ln.id][0], refund_qty=sums[ln.id][1], refund_fen=sums[ln.id][2],
                            refund_voucher_fen=sums[ln.id][3], pools=(pools or {}).get(ln.id, {}),
                            held_pools=dict(held_pools[ln.id]))
            for ln in order_lines}
