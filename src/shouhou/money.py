"""Money is integer fen inside, decimal strings in yuan at the edges.

Rounding is half-up on exact rationals; allocations use largest remainder so that
parts always add up to the whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from shouhou.errors import Invalid

# [0-9], not \d: \d also matches full-width and other scripts' digits ("１００.００").
_YUAN = re.compile(r"^(-)?([0-9]{1,13})(?:\.([0-9]{1,2}))?$")


def parse_yuan(value: str | int | Decimal, *, field: str = "amount", allow_negative: bool = False,
               trim: bool = False) -> int:
    """'199.00' → 19900. Refuses floats, more than two decimals and junk; spaces around the
    number too, unless `trim` (what a person typed, or text stored before the API refused them)."""
    if isinstance(value, (bool, float)):
        raise Invalid("invalid_amount", en="{field} must be a decimal string in yuan, e.g. \"199.00\"",
                      zh="{field} 必须是以元为单位的十进制字符串，例如 \"199.00\"", field=field)
    text = str(value).strip() if trim else str(value)
    m = _YUAN.fullmatch(text)  # fullmatch: $ alone would let a final newline through
    if not m:
        raise Invalid("invalid_amount", en="{field} must be a decimal string in yuan with at most 2 decimals, got {value!r}",
                      zh="{field} 必须是最多两位小数的金额（元），收到 {value!r}", field=field, value=text)
    sign, whole, frac = m.groups()
    fen = int(whole) * 100 + int((frac or "0").ljust(2, "0"))
    if sign:
        if not allow_negative:
            raise Invalid("invalid_amount", en="{field} must not be negative", zh="{field} 不能为负数", field=field, value=text)
        fen = -fen
    return fen


def format_fen(fen: int) -> str:
    """19900 → '199.00'; -150 → '-1.50'."""
    sign = "-" if fen < 0 else ""
    q, r = divmod(abs(int(fen)), 100)
    return f"{sign}{q}.{r:02d}"


def div_round_half_up(numerator: int, denominator: int) -> int:
    """Exact integer division rounded half away from zero."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return q if numerator >= 0 else -q


def alloc(total: int, n: int, j: int) -> int:
    """The share of `total` that belongs to j of n units: round-half-up(total·j/n)."""
    if not 0 <= j <= n:
        raise ValueError("j must be within 0..n")
    return div_round_half_up(total * j, n)


def partial_amount(total: int, n: int, already: int, more: int) -> int:
    """What `more` units are worth when `already` of `n` were taken before.

    Successive partial refunds of one line always sum to exactly `total`.
    """
    return alloc(total, n, already + more) - alloc(total, n, already)


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights`; the parts sum to `total` exactly.

    Leftover fen go to the largest fractional remainders, ties to the earlier part.
    """
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    if total < 0:
        return [-p for p in largest_remainder(-total, weights)]
    base = sum(weights)
    if base == 0:
        if total == 0:
            return [0] * len(weights)
        raise ValueError("cannot allocate a non-zero total over zero weights")
    parts = [total * w // base for w in weights]
    remainders = [total * w % base for w in weights]
    leftover = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:leftover]:
        parts[i] += 1
    return parts
