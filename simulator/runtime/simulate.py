"""The simulator: a flow plus its trace, with undo. The API scenarios, the CLI and the interactive session share.

>>> from simulator import load_checked_spec, Simulator
>>> sim = Simulator(load_checked_spec(), {"balance": 0})
>>> sim.fire("select_additional").screen_after
'additional_menu'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .machine import Flow, StepResult
from ..spec.model import Spec
from .world import World, make_world

__all__ = ["Simulator", "TraceStep", "OBSERVERS"]

#: Objects told about every run (``trace_started(sim)``, ``step_fired(sim, step)``), e.g. the pytest
#: plugin's spec-coverage recorder. Empty unless someone registers: then firing costs nothing extra.
OBSERVERS: list = []


@dataclass
class TraceStep(StepResult):
    """One event in a run (a :class:`StepResult`) and its place in the run, counted from 1."""

    number: int = 0


class Simulator:
    """Runs a spec from a given world: fire events, read the screen and world, undo.

    ``given`` may set world variables, parameters, ``note`` and ``screen``
    (names and values already validated by the caller, e.g. scenario loading).
    """

    def __init__(self, spec: Spec, given: dict[str, Any] | None = None):
        given = dict(given or {})
        self.spec = spec
        start_screen = given.pop("screen", spec.home_screen)
        self._world: World = make_world(spec, given)
        self.flow = Flow(spec, self._world, start_screen)
        # What this run started from: the screen, the world, and any parameter not at its default.
        changed = {k: v for k, v in self.parameters.items() if v != spec.parameters[k].default}
        self.given = {"screen": start_screen, **self.world, **changed}
        self.trace: list[TraceStep] = []
        self._undo: list[tuple[str, tuple]] = []
        for observer in OBSERVERS:
            observer.trace_started(self)

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
        """Send ``event``; a refused event is recorded in the trace but changes nothing."""
        self._undo.append((self.screen, self._world.snapshot()))
        result: StepResult = self.flow.fire(event)
        if not result.accepted:
            self._undo.pop()
        step = TraceStep(**vars(result), number=len(self.trace) + 1)
        self.trace.append(step)
        for observer in OBSERVERS:
            observer.step_fired(self, step)
        return step

    def set_world(self, **values: Any) -> None:
        """Change world variables directly (the interactive session's controls); undoable."""
        self._undo.append((self.screen, self._world.snapshot()))
        for name, value in values.items():
            setattr(self._world, name, value)

    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> None:
        """Step back over the last accepted event or world change."""
        screen, snapshot = self._undo.pop()
        self._world.restore(snapshot)
        self.flow.set_screen(screen)
        while self.trace and not self.trace[-1].accepted:
            self.trace.pop()
        if self.trace:
            self.trace.pop()
