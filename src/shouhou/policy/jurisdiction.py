"""A jurisdiction: its rule table, its statutory floors for store policies, and the
function that turns the facts into options and refusals.

`decide` judges whatever a jurisdiction gathers; it knows nothing of Chinese law itself.
Adding a jurisdiction means adding one of these (see docs/policy.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from shouhou.policy.outcomes import Ctx, Outcome
from shouhou.policy.rules import Rule
from shouhou.policy.store_policy import Floor


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    rules: Mapping[str, Rule]
    floors: tuple[Floor, ...]
    gather: Callable[[Ctx], list[Outcome]]

    def cap(self, field: str, value: int) -> int:
        """`value` held within this jurisdiction's statutory bounds for a policy field."""
        for floor in self.floors:
            if floor.field == field:
                value = max(value, floor.bound) if floor.op == "at_least" else min(value, floor.bound)
        return value
