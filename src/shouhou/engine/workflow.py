"""Workflows as data: states, actions, who may act, guards, effects, timers.

One engine (runner.py) executes every declaration; the console's buttons, the API's
`available_actions`, the generated tests and the docs' state diagrams all read these.

A context declares its workflow in its `workflow.py` as plain data, naming its guards,
effects, `offered` tests and computed durations by the names of functions in its service
layer; its plugin binds them (`Workflow.bind`) before the workflow is registered, so a
declaration imports no use-case code and the engine only ever runs bound workflows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from shouhou.engine.runner import Step

# A handler given by name is bound to a function of the context's service layer (Workflow.bind).
Duration = timedelta | str | Callable[["Step"], timedelta]
Handler = str | Callable[["Step"], Any]


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
        if isinstance(self.after, str):
            raise RuntimeError(f"timer {self.kind}: duration {self.after!r} is not bound")
        return self.after(step) if callable(self.after) else self.after


@dataclass(frozen=True)
class State:
    name: str
    zh: str
    en: str
    terminal: bool = False
    # Timers armed on entering the state and cancelled on leaving it.
    timers: tuple[TimerSpec, ...] = ()
    # Whom the case waits on here, if not the team: "customer" or "third_party" (parts, the
    # maker, a parcel); service-level clocks may pause meanwhile.
    waits_on: str | None = None


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
    guard: Handler | None = None  # refuses by raising; runs before the claim
    effect: Handler | None = None  # may return the target when there are several
    sets_timers: tuple[TimerSpec, ...] = ()
    cancels_timers: tuple[str, ...] = ()
    visibility: str = "public"  # 'internal' events are hidden from the customer
    # Offer the action only when this holds (e.g. `confirm_receipt` only after reship).
    offered: Handler | None = None

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

    def bind(self, handlers: object) -> Workflow:
        """This workflow with every handler named by a string replaced by the attribute of
        that name of `handlers` (a module); an unknown name fails here, at start-up."""
        def look(name: str, where: str) -> Callable[..., Any]:
            found = getattr(handlers, name, None)
            if not callable(found):
                raise ValueError(f"{self.type}: {where} names {name!r}, which {handlers!r} does not define")
            return found

        def bound_timer(t: TimerSpec) -> TimerSpec:
            return replace(t, after=look(t.after, f"timer {t.kind}")) if isinstance(t.after, str) else t

        def bound_action(a: Action) -> Action:
            changes: dict[str, Any] = {name: look(value, f"{a.name}.{name}")
                                       for name in ("guard", "effect", "offered")
                                       if isinstance(value := getattr(a, name), str)}
            return replace(a, sets_timers=tuple(bound_timer(t) for t in a.sets_timers), **changes)

        return replace(self, states=tuple(replace(s, timers=tuple(bound_timer(t) for t in s.timers))
                                          for s in self.states),
                       create=bound_action(self.create), actions=tuple(bound_action(a) for a in self.actions))

    def unbound(self) -> list[str]:
        """The handlers still named by a string (a registered workflow has none)."""
        out = [f"timer {t.kind}" for s in self.states for t in s.timers if isinstance(t.after, str)]
        for a in (self.create, *self.actions):
            out += [f"{a.name}.{n}" for n in ("guard", "effect", "offered") if isinstance(getattr(a, n), str)]
            out += [f"timer {t.kind}" for t in a.sets_timers if isinstance(t.after, str)]
        return out

    @property
    def state_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states)

    def open_states(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states if not s.terminal)


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


def sources(*names: str) -> frozenset[str]:
    return frozenset(names)
