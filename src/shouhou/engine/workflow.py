"""Workflows as data: states, actions, who may act, guards, effects, timers.

One engine (runner.py) executes every declaration; the console's buttons, the API's
`available_actions`, the generated tests and the docs' state diagrams all read these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from shouhou.engine.runner import Step

Duration = timedelta | Callable[["Step"], timedelta]


@dataclass(frozen=True)
class TimerSpec:
    """A deadline: when it passes, `action` runs as the system."""

    kind: str
    action: str
    after: Duration
    zh: str  # what happens then, e.g. 自动同意
    en: str
    payload: dict[str, Any] | None = None  # fields the fired action receives

    def duration(self, step: Step) -> timedelta:
        return self.after(step) if callable(self.after) else self.after


@dataclass(frozen=True)
class State:
    name: str
    zh: str
    en: str
    terminal: bool = False
    # Timers armed on entering the state and cancelled on leaving it.
    timers: tuple[TimerSpec, ...] = ()


@dataclass(frozen=True)
class Action:
    name: str
    zh: str
    en: str
    sources: frozenset[str]
    # Possible targets; None in the tuple means "stays where it is". The effect picks one
    # when there are several.
    targets: tuple[str | None, ...] = (None,)
    roles: frozenset[str] = frozenset()
    payload: type[BaseModel] | None = None
    guard: Callable[[Step], None] | None = None
    effect: Callable[[Step], str | None] | None = None
    sets_timers: tuple[TimerSpec, ...] = ()
    cancels_timers: tuple[str, ...] = ()
    visibility: str = "public"  # 'internal' events are hidden from the customer
    # Offer the action only when this holds (e.g. `confirm_receipt` only after reship).
    offered: Callable[[Step], bool] | None = None

    @property
    def changes_state(self) -> bool:
        return self.targets != (None,)

    @property
    def system_only(self) -> bool:
        return self.roles == frozenset({"system"})


@dataclass(frozen=True)
class Workflow:
    type: str
    zh: str
    en: str
    states: tuple[State, ...]
    create: Action  # the action that opens a case (no source state)
    actions: tuple[Action, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = {s.name for s in self.states}
        seen: set[str] = set()
        for a in (self.create, *self.actions):
            if a.name in seen:
                raise ValueError(f"{self.type}: duplicate action {a.name}")
            seen.add(a.name)
            unknown = (set(a.sources) | {t for t in a.targets if t}) - names
            if unknown:
                raise ValueError(f"{self.type}.{a.name}: unknown states {sorted(unknown)}")
        for s in self.states:
            for t in s.timers:
                if t.action not in seen:
                    raise ValueError(f"{self.type}: timer {t.kind} fires unknown action {t.action}")

    def state(self, name: str) -> State:
        for s in self.states:
            if s.name == name:
                return s
        raise KeyError(name)

    def action(self, name: str) -> Action | None:
        for a in self.actions:
            if a.name == name:
                return a
        return None

    @property
    def state_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states)

    def open_states(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states if not s.terminal)


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


def sources(*names: str) -> frozenset[str]:
    return frozenset(names)
