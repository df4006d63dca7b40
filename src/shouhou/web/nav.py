"""The console's navigation: each context registers its pages; the base template lists them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shouhou.engine.actor import Actor
from shouhou.engine.permissions import STAFF
from shouhou.engine.workflow import Workflow


@dataclass(frozen=True)
class NavEntry:
    path: str
    label: str  # English msgid, translated in the template
    roles: frozenset[str]  # shown to actors holding any of these roles somewhere
    order: int = 100


_ENTRIES: list[NavEntry] = []


def register(path: str, label: str, roles: set[str] | frozenset[str], order: int = 100) -> None:
    if not any(e.path == path for e in _ENTRIES):
        _ENTRIES.append(NavEntry(path, label, frozenset(roles), order))


def may_take(workflows: Iterable[Workflow], *actions: str) -> frozenset[str]:
    """The console roles the workflows let take any of `actions`: a page built for those actions
    is listed for them alone, so the menu never leads someone to a list they cannot work."""
    found: set[str] = set()
    for wf in workflows:
        for name in actions:
            action = wf.action(name)
            found |= action.roles if action is not None else set()
    return frozenset(found & STAFF)


def entries_for(actor: Actor) -> list[NavEntry]:
    return sorted((e for e in _ENTRIES if actor.roles & e.roles), key=lambda e: (e.order, e.path))


def current(entries: list[NavEntry], path: str) -> str | None:
    """The one entry to highlight: the longest whose path the page's path starts with."""
    best = None
    for e in entries:
        if (path == e.path or path.startswith(e.path.rstrip("/") + "/")) and (best is None or len(e.path) > len(best)):
            best = e.path
    return best


_LANDINGS: list[tuple[int, str, frozenset[str]]] = []


def landing(path: str, roles: set[str] | frozenset[str], priority: int = 100) -> None:
    """Where a user holding one of `roles` starts (the lowest priority wins when several match)."""
    if not any(p == path for _, p, _ in _LANDINGS):
        _LANDINGS.append((priority, path, frozenset(roles)))


def landing_for(actor: Actor, default: str = "/console/cases") -> str:
    found = sorted((prio, path) for prio, path, roles in _LANDINGS if actor.roles & roles)
    return found[0][1] if found else default


def all_entries() -> list[NavEntry]:
    return list(_ENTRIES)
