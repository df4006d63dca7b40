"""A store may be more generous than the law, never less."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest

from shouhou.errors import Invalid
from shouhou.policy import STATUTORY_FLOORS, STATUTORY_RULES, StorePolicy, validate_store_policy


class TestValidateStorePolicy:
    def test_it_accepts_the_defaults(self) -> None:
        validate_store_policy(StorePolicy())

    def test_it_accepts_a_store_more_generous_than_the_law(self) -> None:
        validate_store_policy(StorePolicy(no_reason_return_days=30, quality_return_days=15, quality_exchange_days=30,
                                          refund_due_days=1, free_return_shipping=True, exchange_days=0))

    @pytest.mark.parametrize(("field", "value", "rule", "bound"), [
        ("no_reason_return_days", 5, "CPL-25", 7),
        ("quality_return_days", 6, "CPL-24", 7),
        ("quality_exchange_days", 10, "SANBAO-10", 15),
        ("refund_due_days", 10, "CPL-25", 7),
    ])
    def test_it_refuses_a_store_less_generous_than_the_law(self, field: str, value: int, rule: str, bound: int) -> None:
        with pytest.raises(Invalid) as caught:
            validate_store_policy(StorePolicy(**_kw(field, value)))
        error = caught.value
        assert error.code == "policy_below_statutory"
        assert error.details["field"] == field
        assert error.details["rule"] == rule
        assert error.details["minimum"] == bound
        assert rule in error.message("en") and rule in error.message("zh")

    def test_it_checks_each_category_override(self) -> None:
        policy = StorePolicy(category_overrides=MappingProxyType({"food": {"no_reason_return_days": 3}}))
        with pytest.raises(Invalid) as caught:
            validate_store_policy(policy)
        assert caught.value.details["field"] == "category_overrides[food].no_reason_return_days"
        assert caught.value.details["rule"] == "CPL-25"

    def test_it_refuses_an_unknown_override_field(self) -> None:
        policy = StorePolicy(category_overrides=MappingProxyType({"food": {"return_days": 30}}))
        with pytest.raises(Invalid) as caught:
            validate_store_policy(policy)
        assert caught.value.code == "invalid_policy_override"

    @pytest.mark.parametrize(("field", "value"), [
        ("exchange_days", -1), ("review_timeout_hours", 0), ("refund_timing", "someday"), ("buyer_ship_days", True),
    ])
    def test_it_refuses_nonsense(self, field: str, value: object) -> None:
        with pytest.raises(Invalid) as caught:
            validate_store_policy(StorePolicy(**_kw(field, value)))
        assert caught.value.code == "invalid_policy"
        assert caught.value.details["field"] == field

    def test_every_floor_names_a_statutory_rule(self) -> None:
        for floor in STATUTORY_FLOORS:
            assert floor.rule in STATUTORY_RULES
            assert floor.field in StorePolicy.__dataclass_fields__


class TestForCategory:
    def test_it_applies_only_that_category(self) -> None:
        policy = StorePolicy(category_overrides=MappingProxyType({"apparel": {"no_reason_return_days": 30}}))
        assert policy.for_category("apparel").no_reason_return_days == 30
        assert policy.for_category("books").no_reason_return_days == 7

    def test_it_is_idempotent(self) -> None:
        policy = StorePolicy(category_overrides=MappingProxyType({"apparel": {"exchange_days": 0}}))
        once = policy.for_category("apparel")
        assert once.for_category("apparel") == once
        assert dict(once.category_overrides) == {}


def _kw(field: str, value: object) -> dict[str, Any]:
    return {field: value}
