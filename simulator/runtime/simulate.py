"""The simulator: a flow plus its trace, with undo. The API scenarios, the CLI and the interactive session share.

>>> from simulator import load_checked_spec, Simulator
>>> from simulator.spec.starter import starter_spec_path
>>> sim = Simulator(load_checked_spec(starter_spec_path()), {"credit": 0})
>>> sim.fire("select_coffee").screen_after
'confirm'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, NamedTuple, Protocol

from ..errors import FlowRuntimeError, Loc, Problem, UsageError
from ..spec.model import Spec
from .given import constraint_problems, validate_world_values
from .hooks import simulator_hooks
from .machine import Flow, StepResult
from .world import World, make_world

__all__ = ["Simulator", "TraceStep", "Observer"]


@dataclass
class TraceStep(StepResult):
    """One event in a run (a :class:`StepResult`) and its place in the run, counted from 1."""

    number: int = 0


class Observer(Protocol):
    """What a simulator tells its observers (e.g. the pytest plugin's spec-coverage recorder)."""

    def trace_started(self, sim: "Simulator") -> None:
        """The run starts on ``sim.screen`` with ``sim.world``."""

    def step_fired(self, sim: "Simulator", step: TraceStep) -> None:
        """``step`` (accepted or refused) was added to ``sim.trace``."""


class _Undo(NamedTuple):
    """How to step back over one action: where the run was, and how long its trace was, before it."""

    screen: str
    world: tuple
    trace_length: int


class Simulator:
    """Runs a spec from a given world: fire events, read the screen and world, undo.

    ``given`` may set world variables, parameters, ``note`` and ``screen``
    (default: the spec's home screen); a name or value the spec does not
    allow raises UsageError. ``observers`` are told of the run (see
    :class:`Observer`); so are those that the hooks of
    :mod:`simulator.runtime.hooks` add.
    """

    def __init__(self, spec: Spec, given: dict[str, Any] | None = None, observers: Iterable[Observer] = ()):
        given = dict(given or {})
        problems = validate_world_values(spec, given, "given", {"screen", "note"} | set(spec.parameters),
                                         Loc("Simulator given"))
        if problems:
            raise UsageError(problems)
        self.spec = spec
        start_screen = given.pop("screen", spec.home_screen)
        self._world: World = make_world(spec, given)
        self.flow = Flow(spec, self._world, start_screen)
        # What this run started from: the screen, the world, and any parameter not at its default.
        changed = {k: v for k, v in self.parameters.items() if v != spec.parameters[k].default}
        self.given = {"screen": start_screen, **self.world, **changed}
        self.trace: list[TraceStep] = []
        self._undo: list[_Undo] = []
        self.observers: list[Observer] = list(observers)
        for hook in simulator_hooks():
            hook(self)
        for observer in self.observers:
            observer.trace_started(self)

    def add_observer(self, observer: Observer) -> None:
        """Tell ``observer`` of the steps fired from now on (a hook adds it before the run starts)."""
        self.observers.append(observer)

    # -- reading -------------------------------------------------------------------
    @property
    def screen(self) -> str:
        return self.flow.screen

    @property
    def world(self) -> dict[str, Any]:
        """World variables and the latest note kind (a copy)."""
        return self._world.variables()

    @property
    def parameters(self) -> dict[str, int]:
        return self._world.parameters()

    @property
    def history(self) -> list[tuple]:
        return list(self._world.history)

    def allowed_events(self) -> list[str]:
        return self.flow.allowed_events()

    def is_allowed(self, event: str) -> bool:
        return self.flow.is_allowed(event)

    # -- acting --------------------------------------------------------------------
    def fire(self, event: str) -> TraceStep:
        """Send ``event``; a refused event is recorded in the trace but changes nothing (and is not undone).

        Raises FlowRuntimeError, changing nothing, when the spec leaves the app stuck.
        """
        undo = self._save_for_undo()
        try:
            result: StepResult = self.flow.fire(event)
        except FlowRuntimeError:
            # The spec got stuck part-way: put the run back as it was, so the error is all that happened.
            self._world.restore(undo.world)
            self.flow.set_screen(undo.screen)
            raise
        if result.accepted:
            self._undo.append(undo)
        step = TraceStep(**vars(result), number=len(self.trace) + 1)
        self.trace.append(step)
        for observer in self.observers:
            observer.step_fired(self, step)
        return step

    def set_world(self, **values: Any) -> None:
        """Change world variables or parameters directly (the interactive controls, a test's set-up).

        Raises UsageError, changing nothing, for a name that is not a world
        variable or parameter, a value outside its type or range, or a world
        the spec's constraints rule out. A world change is undoable like an
        event (:meth:`undo` steps back over exactly it), but it is not an
        event, so the trace does not list it.
        """
        where = Loc("set_world")
        problems = validate_world_values(self.spec, values, "set_world", set(self.spec.parameters), where)
        if not problems:
            problems = constraint_problems(self.spec, {**self.world, **self.parameters, **values}, where, "set_world")
        if problems:
            raise UsageError(problems)
        self._undo.append(self._save_for_undo())
        for name, value in values.items():
            setattr(self._world, name, value)

    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> None:
        """Step back over the last accepted event or world change; the refused events after it go too.

        Raises UsageError when there is nothing to undo (see :meth:`can_undo`).
        """
        if not self._undo:
            raise UsageError(Problem(Loc("undo"), "error", "nothing to undo: this is where the run started",
                                     "nothing-to-undo"))
        screen, snapshot, trace_length = self._undo.pop()
        self._world.restore(snapshot)
        self.flow.set_screen(screen)
        del self.trace[trace_length:]

    def _save_for_undo(self) -> _Undo:
        return _Undo(self.screen, self._world.snapshot(), len(self.trace))
