"""Who is acting: a user with role grants per store, or the system (timers)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    # (role, store_id); store_id None = every store.
    grants: tuple[tuple[str, int | None], ...] = ()
    customer_id: int | None = None
    display_name: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def roles_in(self, store_id: int | None) -> frozenset[str]:
        return frozenset(r for r, s in self.grants if s is None or s == store_id)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r for r, _ in self.grants)

    def store_ids(self) -> set[int] | None:
        """Stores this actor may see; None means all of them."""
        if any(s is None for _, s in self.grants):
            return None
        return {s for _, s in self.grants if s is not None}

    @property
    def is_system(self) -> bool:
        return self.name == "system" and self.user_id is None

    def primary_role(self, store_id: int | None) -> str:
        roles = self.roles_in(store_id)
        for r in ("system", "platform", "admin", "supervisor", "reviewer", "finance", "warehouse",
                  "technician", "agent", "integration", "customer"):
            if r in roles:
                return r
        return "anonymous"


SYSTEM = Actor(user_id=None, name="system", grants=(("system", None),))
