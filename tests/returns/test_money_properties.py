"""Issue 22's property: for any order and any sequence of partial cases, the goods, shipping
and coupon-as-cash refunded never exceed what was paid, and a full return refunds it exactly.

The arithmetic the application runs (amounts.line_pools → amounts.share → rules.decide →
breakdown), driven without a database over generated orders, bundles and case sequences
with cancellations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shouhou.money import largest_remainder
from shouhou.returns import amounts, breakdown, rules
from shouhou.returns.amounts import LineBook, LineWeight


@dataclass
class Line:
    qty: int
    goods: int  # after line and bundle discounts
    paid: int
    voucher: int
    pools: dict[str, int]


@dataclass
class Order:
    lines: list[Line]
    shipping: int
    kinds: dict[str, int]  # coupon, red_packet, points totals


@dataclass
class Case:
    takes: dict[int, tuple[int, int, int, dict[str, int]]]  # line → (qty, amount, voucher, pools)
    money: rules.Money
    goods: int

    @property
    def cash_vouchers(self) -> int:
        return self.money.coupon_cash_fen

    @property
    def shipping(self) -> int:
        return self.money.shipping_fen if self.money.refund_shipping else 0


@dataclass
class Detail:
    """The breakdown's view of a case."""

    goods_fen: int
    shipping_fen: int
    refund_shipping: bool
    coupon_cash_fen: int
    refund_vouchers: bool
    deductions: list[dict[str, Any]]
    return_postage_fen: int = 0
    postage: dict[str, Any] | None = None
    adjustment_fen: int = 0
    adjustment_reason: str | None = None
    rules: dict[str, str] = field(default_factory=dict)


@st.composite
def orders(draw: st.DrawFn) -> Order:
    n = draw(st.integers(1, 4))
    raw = [(draw(st.integers(1, 5)), draw(st.integers(0, 50_000))) for _ in range(n)]  # qty, unit price
    nets = [q * p for q, p in raw]
    # a bundle over some lines at a price up to their sum
    members = [i for i in range(n) if draw(st.booleans())]
    bundle = [0] * n
    if members and sum(nets[i] for i in members):
        price = draw(st.integers(0, sum(nets[i] for i in members)))
        for i, part in zip(members, largest_remainder(sum(nets[i] for i in members) - price,
                                                      [nets[i] for i in members]), strict=True):
            bundle[i] = part
    goods = [g - b for g, b in zip(nets, bundle, strict=True)]
    kinds = dict.fromkeys(amounts.VOUCHER_KINDS, 0)
    if sum(goods):
        budget = draw(st.integers(0, sum(goods)))
        kinds[amounts.COUPON] = draw(st.integers(0, budget))
        kinds[amounts.RED_PACKET] = draw(st.integers(0, budget - kinds[amounts.COUPON]))
        kinds[amounts.POINTS] = budget - kinds[amounts.COUPON] - kinds[amounts.RED_PACKET]
    vouchers = sum(kinds.values())
    shares = largest_remainder(vouchers, goods) if vouchers else [0] * n
    shipping = draw(st.integers(0, 5_000))
    pools = amounts.line_pools([LineWeight(q, g) for (q, _), g in zip(raw, goods, strict=True)],
                               {amounts.SHIPPING: shipping, **kinds, amounts.POSTAGE: 0})
    lines = [Line(q, g, g - v, v, p) for (q, _), g, v, p in zip(raw, goods, shares, pools, strict=True)]
    return Order(lines, shipping, kinds)


# A script: ("apply", line pick, qty, merchant outbound?, vouchers as cash?) or ("cancel", index).
steps = st.lists(st.one_of(
    st.tuples(st.just("apply"), st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True),
              st.integers(1, 5), st.booleans(), st.booleans()),
    st.tuples(st.just("cancel"), st.integers(0, 20))), max_size=12)


def book(order: Order, live: list[Case], i: int) -> LineBook:
    line = order.lines[i]
    held = [c.takes[i] for c in live if i in c.takes]
    pools: dict[str, int] = {}
    for _, _, _, p in held:
        for k, v in p.items():
            pools[k] = pools.get(k, 0) + v
    q = sum(h[0] for h in held)
    return LineBook(line_no=i + 1, qty=line.qty, paid_fen=line.paid, voucher_fen=line.voucher, held_qty=q,
                    refund_qty=q, refund_fen=sum(h[1] for h in held), refund_voucher_fen=sum(h[2] for h in held),
                    pools=line.pools, held_pools=pools)


def apply(order: Order, live: list[Case], wanted: dict[int, int], *, shipped: bool, merchant: bool,
          cash: bool) -> Case | None:
    takes = {}
    for i, k in wanted.items():
        b = book(order, live, i)
        k = min(k, b.qty - b.held_qty)
        if k >= 1:
            s = amounts.share(b, k, refunds=True)
            takes[i] = (k, s.amount_fen, s.voucher_fen, dict(s.pools))
    if not takes:
        return None
    taken = {i: sum(c.takes[i][0] for c in live if i in c.takes) + takes.get(i, (0,))[0]
             for i in range(len(order.lines))}
    facts = rules.Facts(
        case_type="return_refund" if shipped else "refund_only", ground="quality" if merchant else "none",
        shipped=shipped, whole_order=all(taken[i] == ln.qty for i, ln in enumerate(order.lines)),
        outbound_payer="merchant" if merchant else "buyer", refused_delivery=False, free_shipping=False,
        shipping_fee_fen=order.shipping, shipping_taken_fen=sum(c.shipping for c in live), completed_before=False,
        coupons_as_cash=cash, red_packets_as_cash=cash, points_as_cash=cash)
    goods = sum(t[1] for t in takes.values())
    pools = {k: sum(t[3].get(k, 0) for t in takes.values()) for k in amounts.POOLS}
    return Case(takes, rules.decide(facts, goods, pools), goods)


def run(order: Order, script: list[tuple], *, shipped: bool, generous: bool) -> list[Case]:
    live: list[Case] = []
    n = len(order.lines)
    for step in script:
        if step[0] == "cancel":
            if live:
                live.pop(step[1] % len(live))
            continue
        _, picks, k, merchant, cash = step
        case = apply(order, live, {p % n: k for p in picks}, shipped=shipped,
                     merchant=merchant or generous, cash=cash or generous)
        if case is not None:
            live.append(case)
            check_bounds(order, live)
    return live


def check_bounds(order: Order, live: list[Case]) -> None:
    assert sum(c.goods for c in live) <= sum(ln.paid for ln in order.lines)
    assert sum(c.shipping for c in live) <= order.shipping
    assert sum(c.cash_vouchers for c in live) <= sum(order.kinds.values())
    for c in live:
        d = Detail(c.goods, c.money.shipping_fen, c.money.refund_shipping, c.money.coupon_cash_fen,
                   c.money.coupon_cash_fen > 0, c.money.deductions)
        lines = breakdown.lines(d)  # type: ignore[arg-type]
        assert breakdown.total(d) == c.goods + c.shipping + c.cash_vouchers  # type: ignore[arg-type]
        assert {x.kind for x in lines} <= set(breakdown.KINDS)


@settings(max_examples=400, deadline=None)
@given(orders(), steps, st.booleans())
def test_partial_cases_never_refund_more_than_was_paid(order: Order, script: list[tuple], shipped: bool) -> None:
    run(order, script, shipped=shipped, generous=False)


@settings(max_examples=400, deadline=None)
@given(orders(), steps, st.booleans())
def test_a_full_return_refunds_exactly_what_was_paid(order: Order, script: list[tuple], shipped: bool) -> None:
    # given any sequence of cases under rules that refund everything (the merchant's fault,
    # vouchers as cash), then one case taking every unit left
    live = run(order, script, shipped=shipped, generous=True)
    last = apply(order, live, {i: ln.qty for i, ln in enumerate(order.lines)}, shipped=shipped, merchant=True,
                 cash=True)
    if last is not None:
        live.append(last)
    check_bounds(order, live)
    # then goods, shipping and vouchers come back exactly, to the fen
    assert sum(c.goods for c in live) == sum(ln.paid for ln in order.lines)
    assert sum(c.cash_vouchers for c in live) == sum(order.kinds.values())
    # (before shipment, seed 002: all of it with the case that completes the refund)
    assert sum(c.shipping for c in live) == order.shipping
    total = sum(Decimal(c.goods + c.shipping + c.cash_vouchers) for c in live)
    assert total == sum(ln.paid + ln.voucher for ln in order.lines) + order.shipping
