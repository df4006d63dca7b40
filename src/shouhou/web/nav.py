"""The console's navigation: each context registers its pages; the base template lists them."""

from __future__ import annotations

from dataclasses import dataclass

from shouhou.engine.actor import Actor


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


def entries_for(actor: Actor) -> list[NavEntry]:
    return sorted((e for e in _ENTRIES if actor.roles & e.roles), key=lambda e: (e.order, e.path))
