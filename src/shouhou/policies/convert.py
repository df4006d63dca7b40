"""StorePolicy ↔ the JSON the API and the database hold. Money fields are yuan strings at the edge."""

from __future__ import annotations

from dataclasses import fields
from types import MappingProxyType
from typing import Any

from shouhou.errors import Invalid
from shouhou.fields import FilledIdent, parse_as
from shouhou.money import format_fen, parse_yuan
from shouhou.policy import StorePolicy
from shouhou.policy.store_policy import RATES

# Field name at the API edge → dataclass field, for money held in fen.
MONEY = {"fast_refund_max": "fast_refund_max_fen", "return_postage_cap": "return_postage_cap_fen",
         "free_shipping_postage": "free_shipping_postage_fen"}
FIELD_NAMES = tuple(f.name for f in fields(StorePolicy))


def to_data(policy: StorePolicy) -> dict[str, Any]:
    """What the database stores: plain JSON, fen as integers."""
    out: dict[str, Any] = {}
    for name in FIELD_NAMES:
        value = getattr(policy, name)
        if name == "category_overrides":
            value = {k: dict(v) for k, v in value.items()}
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out


def from_data(data: dict[str, Any]) -> StorePolicy:
    kwargs: dict[str, Any] = {}
    for name in FIELD_NAMES:
        if name not in data:
            continue
        value = data[name]
        if name == "fast_refund_levels":
            value = tuple(value or ())
        elif name == "category_overrides":
            value = MappingProxyType({k: MappingProxyType(dict(v)) for k, v in (value or {}).items()})
        kwargs[name] = value
    return StorePolicy(**kwargs)


def to_api(policy: StorePolicy) -> dict[str, Any]:
    data = to_data(policy)
    for edge, inner in MONEY.items():
        data[edge] = format_fen(data.pop(inner))
    for overrides in data["category_overrides"].values():
        for edge, inner in MONEY.items():
            if inner in overrides:
                overrides[edge] = format_fen(overrides.pop(inner))
    return data


def from_api(body: dict[str, Any], base: StorePolicy) -> StorePolicy:
    """Fields given replace the current ones; fields left out keep their current value."""
    data = to_data(base)
    unknown = sorted(set(body) - set(FIELD_NAMES) - set(MONEY) - set(MONEY.values()))
    if unknown:
        raise Invalid("unknown_policy_field", en="Unknown policy fields {fields}", zh="未知的政策字段 {fields}",
                      fields=unknown, known=sorted((set(FIELD_NAMES) - set(MONEY.values())) | set(MONEY)))
    for key, value in body.items():
        if key in RATES and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # 17 means "17"; a float is refused by the check
        data[MONEY.get(key, key)] = parse_yuan(value, field=key) if key in MONEY else value
    overrides = data.get("category_overrides") or {}
    if not isinstance(overrides, dict):
        raise Invalid("invalid_policy", en="category_overrides must be an object", zh="category_overrides 须为对象",
                      field="category_overrides")
    levels = data.get("fast_refund_levels")
    if isinstance(levels, list) and all(isinstance(v, str) for v in levels):  # what the API's fields refuse
        parse_as(list[FilledIdent], levels, "fast_refund_levels")
    for category, o in overrides.items():
        parse_as(FilledIdent, category, "category_overrides")
        if not isinstance(o, dict):
            raise Invalid("invalid_policy", en="category_overrides.{category} must be an object",
                          zh="category_overrides.{category} 须为对象", field=f"category_overrides.{category}",
                          category=category)
        for edge, inner in MONEY.items():
            if edge in o:
                o[inner] = parse_yuan(o.pop(edge), field=f"category_overrides.{category}.{edge}")
    try:
        return from_data(data)
    except TypeError as exc:
        raise Invalid("invalid_policy", en="Invalid policy: {error}", zh="政策不合法：{error}", error=str(exc)) from None
