"""Case types and the context that serves each: `create(ctx, raw)` and `describe(ctx, case)`.

A new type registers its workflow in its own `workflow.py` and is listed here.
"""

from __future__ import annotations

from types import ModuleType

from shouhou.consultations import service as consultations
from shouhou.engine.registry import workflow_for
from shouhou.returns import service as returns

KINDS: dict[str, ModuleType] = {
    "consultation": consultations,
    "refund_only": returns,
    "return_refund": returns,
    "exchange": returns,
}


# One-to-one detail tables (keyed by case_id) that a case is read with, whatever its type.
COMPANIONS: tuple[type, ...] = tuple(dict.fromkeys(m for k in KINDS.values() for m in getattr(k, "COMPANIONS", ())))
# Small per-case tables read along too; the kind's `preload(session, case_id, found)` keeps them.
COLLECTIONS: tuple[type | tuple[type, ...], ...] = tuple(dict.fromkeys(m for k in KINDS.values() for m in getattr(k, "COLLECTIONS", ())))


def kind_of(case_type: str) -> ModuleType:
    workflow_for(case_type)  # refuses an unknown type with `unknown_case_type`
    return KINDS[case_type]
