"""Fee arithmetic, exact to the fen: a quote's lines from the price list, and a case's balance.

Pure: integers in, integers out. Labour is the hourly rate × minutes / 60, rounded half up once
per line; a total is the sum of its lines, so what the customer sees adds up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shouhou.money import div_round_half_up


@dataclass(frozen=True)
class Line:
    kind: str  # labour | call_out | part | extra | inspection
    description: str
    amount_fen: int
    sku: str | None = None
    qty: int = 1
    unit_fen: int = 0


def labour_fen(hourly_rate_fen: int, minutes: int) -> int:
    if hourly_rate_fen < 0 or minutes < 0:
        raise ValueError("rate and minutes must not be negative")
    return div_round_half_up(hourly_rate_fen * minutes, 60)


def quote_lines(*, hourly_rate_fen: int, labour_minutes: int, call_out: bool, call_out_fee_fen: int,
                parts: Sequence[tuple[str, str, int, int]], extra: Sequence[tuple[str, int]]) -> list[Line]:
    """The lines of a quote. `parts`: (sku, name, qty, unit price); `extra`: (description, amount)."""
    lines: list[Line] = []
    if labour_minutes:
        lines.append(Line("labour", f"工时 {labour_minutes} 分钟", labour_fen(hourly_rate_fen, labour_minutes),
                          qty=labour_minutes, unit_fen=hourly_rate_fen))
    if call_out:
        lines.append(Line("call_out", "上门费", call_out_fee_fen, unit_fen=call_out_fee_fen))
    for sku, name, qty, price in parts:
        if qty < 1 or price < 0:
            raise ValueError("parts need a positive quantity and a price")
        lines.append(Line("part", name or sku, qty * price, sku=sku, qty=qty, unit_fen=price))
    for description, amount in extra:
        if amount < 0:
            raise ValueError("extra lines must not be negative")
        lines.append(Line("extra", description, amount, unit_fen=amount))
    return lines


@dataclass(frozen=True)
class Balance:
    total_fen: int
    paid_fen: int
    written_off_fen: int

    @property
    def due_fen(self) -> int:
        return max(0, self.total_fen - self.paid_fen - self.written_off_fen)


def balance(fees: Sequence[int], payments: Sequence[int], written_off_fen: int = 0) -> Balance:
    return Balance(sum(fees), sum(payments), written_off_fen)
