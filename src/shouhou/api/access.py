"""Who may call an endpoint, declared next to it: `openapi_extra=access.<rule>` on every route.

The rule is published in the OpenAPI document as the operation's `x-access` (and decides its
`security`), and tests/api/test_access_matrix.py sends every operation as every role × own
store / another store / every store / no grants / anonymous and holds the answer to it. A
route without a rule fails that test by name. The rules:

- `PUBLIC`: no token (`/healthz`).
- `OPERATOR`: not by role but by the deployment's settings (`/metrics`: its token or a local client).
- `SIGNED_IN`: any valid token; nothing store-scoped in the answer (`/me`, the holiday calendar).
- `SCOPED`: any valid token; the answer holds only what the caller's stores (a buyer: their own
  cases) contain — another store's caller sees none of it.
- `IN_STORE`: any role in the store named (customers included).
- `operation(name)`: the roles of `engine.permissions.OPERATIONS[name]` in the resource's store;
  `buyer=True`: also the resource's own buyer; `everywhere=True`: only from a grant for every store.
- `roles(*names)`: these roles in the resource's store (for a rule no operation names).
- `WORKFLOW`: the case type's workflow decides (the roles of the action taken).

Whatever the rule, a caller holding no role in the resource's store (or a buyer asking about
another buyer's order or case) is answered 404, as if it did not exist; a caller who may see it
but lacks the role is answered 403.
"""

from __future__ import annotations

from typing import Any

from shouhou.engine.permissions import OPERATIONS
from shouhou.models import ROLES

KEY = "x-access"


def _rule(rule: str, **more: Any) -> dict[str, Any]:
    return {KEY: {"rule": rule, **more}}


PUBLIC = _rule("public")
OPERATOR = _rule("operator")
SIGNED_IN = _rule("signed_in")
SCOPED = _rule("scoped")
IN_STORE = _rule("in_store")
WORKFLOW = _rule("workflow")


def operation(name: str, *, buyer: bool = False, everywhere: bool = False) -> dict[str, Any]:
    """The roles `OPERATIONS[name]` allows, in the resource's store (`everywhere`: in every store)."""
    if name not in OPERATIONS:
        raise KeyError(f"no operation {name!r} in engine.permissions.OPERATIONS")
    return _rule("operation", operation=name, roles=sorted(OPERATIONS[name]), buyer=buyer, everywhere=everywhere)


def roles(*names: str, buyer: bool = False, everywhere: bool = False) -> dict[str, Any]:
    unknown = sorted(set(names) - set(ROLES))
    if unknown:
        raise KeyError(f"unknown roles {unknown}")
    return _rule("roles", roles=sorted(names), buyer=buyer, everywhere=everywhere)


def of(operation_doc: dict[str, Any]) -> dict[str, Any] | None:
    """The rule an OpenAPI operation declares, if any."""
    rule = operation_doc.get(KEY)
    return rule if isinstance(rule, dict) else None
