"""Who may do what, per store. Workflow actions declare their roles; other operations are here."""

from __future__ import annotations

from shouhou.engine.actor import Actor
from shouhou.errors import forbidden

STAFF = frozenset({"agent", "reviewer", "finance", "warehouse", "technician", "supervisor", "platform", "admin"})

# Operations outside the workflows (reading, configuring, importing).
OPERATIONS: dict[str, frozenset[str]] = {
    "case.read": STAFF | {"integration"},
    "order.read": STAFF | {"integration"},
    "order.write": frozenset({"integration", "admin"}),
    "store.read": STAFF | {"integration"},
    "store.admin": frozenset({"admin"}),
    "policy.read": STAFF | {"integration"},
    "policy.write": frozenset({"admin"}),
    "reason.write": frozenset({"admin"}),
    "user.admin": frozenset({"admin"}),
    "webhook.admin": frozenset({"admin", "integration"}),
    "stock.read": frozenset({"warehouse", "supervisor", "admin", "finance", "reviewer"}),
    "report.read": frozenset({"supervisor", "admin", "platform", "finance"}),
}


def may(actor: Actor, operation: str, store_id: int | None) -> bool:
    return bool(actor.roles_in(store_id) & OPERATIONS[operation])


def require(actor: Actor, operation: str, store_id: int | None) -> None:
    if not may(actor, operation, store_id):
        raise forbidden(operation, store_id=store_id)


def may_act(actor: Actor, allowed: frozenset[str], store_id: int, customer_id: int | None) -> bool:
    """May `actor` take an action open to `allowed` roles on a case of this store and customer?

    `customer` means the case's own customer; an integration acts for its store's buyers.
    """
    mine = actor.roles_in(store_id)
    if mine & (allowed - {"customer"}):
        return True
    if "customer" in allowed:
        if "integration" in mine:
            return True
        if "customer" in mine and actor.customer_id is not None and actor.customer_id == customer_id:
            return True
    return False


def is_customer_view(actor: Actor, store_id: int) -> bool:
    """A buyer (not staff) looking at a case: internal events and notes stay hidden."""
    roles = actor.roles_in(store_id)
    return "customer" in roles and not (roles & (STAFF | {"integration"}))
