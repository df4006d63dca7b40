"""SLA policies: a store's ordered list (first match wins), or the seeds' defaults until it sets one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shouhou.accounts import service as accounts
from shouhou.desk import repository as repo
from shouhou.desk.schemas import SlaPolicyIn
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import require
from shouhou.models import Store

TARGETS = ("first_response", "next_response", "resolution")
WAITS = ("customer", "third_party")


@dataclass(frozen=True)
class Target:
    minutes: int
    business: bool

    @property
    def seconds(self) -> int:
        return self.minutes * 60


@dataclass(frozen=True)
class Policy:
    name: str
    case_types: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    targets: tuple[tuple[str, Target], ...] = ()
    escalation: tuple[dict[str, Any], ...] = ()
    pause_on: frozenset[str] = frozenset(WAITS)

    def matches(self, case_type: str, tier: str | None, priority: str) -> bool:
        return ((not self.case_types or case_type in self.case_types)
                and (not self.tiers or (tier or "") in self.tiers)
                and (not self.priorities or priority in self.priorities))

    def target(self, name: str) -> Target | None:
        return dict(self.targets).get(name)

    def to_api(self) -> dict[str, Any]:
        return {"name": self.name, "case_types": list(self.case_types), "tiers": list(self.tiers),
                "priorities": list(self.priorities),
                "targets": {k: {"minutes": t.minutes, "business": t.business} for k, t in self.targets},
                "escalation": [dict(e) for e in self.escalation], "pause_on": sorted(self.pause_on)}


def from_api(data: dict[str, Any]) -> Policy:
    return Policy(
        name=data["name"], case_types=tuple(data.get("case_types", ())), tiers=tuple(data.get("tiers", ())),
        priorities=tuple(data.get("priorities", ())),
        targets=tuple((k, Target(int(v["minutes"]), bool(v.get("business", True))))
                      for k, v in data["targets"].items() if k in TARGETS),
        escalation=tuple(data.get("escalation", ())), pause_on=frozenset(data.get("pause_on", WAITS)))


NOTIFY_SUPERVISOR = {"at": "breach", "target": None, "action": "notify", "to": "supervisor"}
# The seeds' targets, in the order they are tried. Minutes of business time unless `business` is false.
DEFAULTS: tuple[Policy, ...] = (
    # 投诉: answered within 24 hours, closed within a month [000] (a stricter store may set 002's
    # 4 hours / 48 hours); a breach raises the priority and tells the supervisor.
    Policy("投诉 complaint [000]", case_types=("complaint",), targets=(
        ("first_response", Target(24 * 60, False)), ("next_response", Target(24 * 60, False)),
        ("resolution", Target(30 * 24 * 60, False))),
        escalation=({"at": "breach", "target": None, "action": "raise_priority", "to": None}, NOTIFY_SUPERVISOR)),
    # 柜台/加急: a counter request handled within 10 minutes, a supervisor's answer within 30 [002].
    Policy("加急 urgent [002]", priorities=("urgent",), targets=(
        ("first_response", Target(10, False)), ("next_response", Target(30, False)),
        ("resolution", Target(8 * 60, True))),
        escalation=({"at": "breach", "target": "first_response", "action": "reassign", "to": "supervisor"},
                    NOTIFY_SUPERVISOR)),
    # Everything else: a reply within 4 hours [000][002]; an answer to a question one is unsure of
    # within 3 working days (3 × 8 business hours) [000].
    Policy("默认 default [000]", targets=(
        ("first_response", Target(4 * 60, True)), ("next_response", Target(4 * 60, True)),
        ("resolution", Target(3 * 8 * 60, True))),
        escalation=(NOTIFY_SUPERVISOR,)),
)


def _load(ctx: Ctx, store: Store) -> tuple[Policy, ...]:
    rows = repo.sla_policies(ctx.session, store.id)
    return tuple(from_api(r.data) for r in rows) if rows else DEFAULTS


def policies_of(ctx: Ctx, store: Store) -> tuple[Policy, ...]:
    return accounts.store_cached(store, "desk.sla", lambda: _load(ctx, store))


def policy_for(ctx: Ctx, store: Store, case_type: str, tier: str | None, priority: str) -> Policy | None:
    return next((p for p in policies_of(ctx, store) if p.matches(case_type, tier, priority)), None)


def document(ctx: Ctx, code: str | None) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, code)
    require(ctx.actor, "policy.read", store.id)
    found = policies_of(ctx, store)
    return {"store": store.code, "default": found is DEFAULTS, "items": [p.to_api() for p in found]}


def put(ctx: Ctx, code: str | None, body: list[SlaPolicyIn]) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, code)
    require(ctx.actor, "policy.write", store.id)
    repo.replace_sla_policies(ctx.session, store.id, [(p.name, p.model_dump(mode="json")) for p in body])
    accounts.store_config_changed(store)
    ctx.session.flush()
    return document(ctx, store.code)
