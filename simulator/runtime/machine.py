"""The running flow, built from a spec with the ``transitions`` package.

This is the only module that imports ``transitions``. A flow has two regions,
each a flat ``transitions.Machine``:

- the *screens* region (what the device shows), driven by user events and by the
  app's own system steps;
- the *account* region (the spec's ``account:``: the lifecycle of one enum variable, such
  as a keypad's lock), driven by environment events and by the signals screen
  transitions send (``send: [unlock]``).

Flat machines, not a nested ``HierarchicalMachine``: menu nesting is a drawing
matter (``parent`` in the spec), and a flat machine fires events several times
faster, which the exhaustive walk needs. ``auto_transitions`` is off so the only
events are the spec's.

System steps run to completion inside the user event that led to a system
screen: a caller never sends them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from transitions import Machine
from transitions import Transition as _MachineTransition

from ..errors import FlowRuntimeError
from ..rules import RuleBook, rules_of
from ..spec.model import Spec
from .compiled import (MAX_SYSTEM_STEPS, CompiledFlow, CompiledTransition, GuardWrite, UnkeptRead, guard_view,
                       run_system_steps)
from .world import World

__all__ = ["Flow", "StepResult", "build_flow", "MAX_SYSTEM_STEPS"]

# transitions logs each step at INFO and DEBUG; its logger is left as the caller configured it (Python shows
# neither level unless asked), so importing kmsflow changes no logging state.


class SpecTransition(_MachineTransition):
    """A ``transitions`` transition that knows which compiled spec transition it is."""

    def __init__(self, *args, compiled: CompiledTransition | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.compiled = compiled


class _SpecMachine(Machine):
    transition_cls = SpecTransition


class _RegionModel:
    """The model of one region; its state lives in the world (account) or here (screens)."""

    def __init__(self, world: World, attribute: str | None, initial: str):
        self._world = world
        self._attribute = attribute
        self._own = initial

    @property
    def state(self) -> str:
        return getattr(self._world, self._attribute) if self._attribute else self._own

    @state.setter
    def state(self, value: str) -> None:
        if self._attribute:
            setattr(self._world, self._attribute, value)
        else:
            self._own = value


@dataclass
class StepResult:
    """What one event did: the spec transitions taken (the event's, then system steps and signals)."""

    event: str
    screen_before: str
    screen_after: str
    accepted: bool
    taken: list[str] = field(default_factory=list)
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    out_of_range: list[str] = field(default_factory=list)  # variables the step left outside their declared range


class Flow:
    """A spec running on a world: fire events, ask what is allowed, read the screen.

    Both regions are ``transitions`` machines built from the spec's
    :class:`~simulator.runtime.compiled.CompiledFlow`; guards see the world
    through a :func:`~simulator.runtime.compiled.guard_view` of its variables
    and parameters.
    """

    def __init__(self, spec: Spec, world: World, screen: str | None = None, rules: RuleBook | None = None,
                 compiled: CompiledFlow | None = None):
        self.spec = spec
        self.world = world
        self.compiled = compiled or CompiledFlow(spec, rules or rules_of(spec))
        self.rules = self.compiled.rules
        self._taken: list[str] = []
        self._guard_view = guard_view(tuple(world.variable_names) + tuple(world.parameter_names))(world)
        self._screen_model = _RegionModel(world, None, screen or spec.initial_screen)
        self._screens = self._build_machine(self._screen_model, list(spec.screens), "screens", note_screens=True)
        self._account_model = None
        self._account = None
        if spec.account:
            region = spec.account
            self._account_model = _RegionModel(world, region.variable, getattr(world, region.variable))
            self._account = self._build_machine(self._account_model, list(region.states), "account",
                                                note_screens=False)
        self._user_events = list(self.compiled.user_events)
        self._environment_events = list(self.compiled.environment_events)

    # -- construction --------------------------------------------------------------
    def _build_machine(self, model: _RegionModel, states: list[str], region: str, note_screens: bool) -> Machine:
        state_configs = []
        for name in states:
            config: dict[str, Any] = {"name": name}
            note = self.compiled.note_of.get(name) if note_screens else None
            if note:
                config["on_enter"] = [partial(self.world.show_note, note)]
            state_configs.append(config)
        # One transition per (state, candidate) of the compiled table, added in its order: the machine's
        # own candidate lists are then the table's (see candidates()).
        shared: dict[str, dict[str, Any]] = {}
        configs = []
        for state, row in self.compiled.table[region].items():
            for candidates in row.values():
                for t in candidates:
                    if t.id not in shared:
                        shared[t.id] = self._transition_config(t)
                    configs.append({**shared[t.id], "source": state})
        return _SpecMachine(
            model=model, states=state_configs, initial=model.state, auto_transitions=False,
            ignore_invalid_triggers=True, send_event=False, transitions=configs,
        )

    def _guard(self, name: str, fn) -> bool:
        try:
            return fn(self._guard_view)
        except (UnkeptRead, GuardWrite) as exc:
            raise self.compiled.guard_error(name, exc) from None

    def _transition_config(self, t: CompiledTransition) -> dict[str, Any]:
        world = self.world
        return {
            "trigger": t.spec.trigger,
            "dest": t.dest,
            "conditions": [partial(self._guard, name, fn) for name, fn, negated in t.guards if not negated],
            "unless": [partial(self._guard, name, fn) for name, fn, negated in t.guards if negated],
            # Record first, so the signal and system steps it leads to come after it in `taken`.
            "before": [partial(self._taken.append, t.id)] + [partial(fn, world) for _, fn in t.before],
            "after": [partial(fn, world) for _, fn in t.after] + [partial(self._send, signal, t) for signal in t.sends],
            "compiled": t,
        }

    def _send(self, signal: str, sender: CompiledTransition) -> None:
        if self._account is None or not self._account_model.trigger(signal):
            raise FlowRuntimeError(
                f"transition {sender.id} (line {sender.spec.loc.line}) sends {signal!r}, but the account region "
                f"refuses it while {self.spec.account.variable if self.spec.account else 'it'} is "
                f"{self._account_model.state if self._account_model else 'missing'!r}")

    # -- the machines' own candidate lists (equal to the compiled table the walk dispatches on) -----
    def candidates(self, region: str, state: str, event: str) -> list[CompiledTransition]:
        """The transitions ``event`` may take in ``state``, in the order the machine tries them."""
        machine = self._screens if region == "screens" else self._account
        if machine is None or event not in machine.events:
            return []
        return [t.compiled for t in machine.events[event].transitions.get(state, ())]

    # -- reading -------------------------------------------------------------------
    @property
    def screen(self) -> str:
        return self._screen_model.state

    def set_screen(self, screen: str) -> None:
        """Put the flow on ``screen`` without firing anything (for undo and test set-up)."""
        self._screens.set_state(screen, model=self._screen_model)

    def is_allowed(self, event: str) -> bool:
        """Would ``event`` be accepted now? Evaluates guards without firing.

        The machine's own transitions and conditions for the current state, as
        ``may_trigger`` checks them (no prepare callbacks are configured), without
        its scan of every event of the state on each call: a session asks this
        for every event after every step.
        """
        kind = self.compiled.kinds.get(event)
        if kind == "user":
            machine, state = self._screens, self._screen_model.state
        elif kind == "environment" and self._account is not None:
            machine, state = self._account, self._account_model.state
        else:
            return False
        found = machine.events.get(event)
        candidates = found.transitions.get(state, ()) if found is not None else ()
        return any(all(c.func() == c.target for c in t.conditions) for t in candidates)

    def allowed_events(self) -> list[str]:
        """User events then environment events accepted now, in the spec's order."""
        return [e for e in self._user_events + self._environment_events if self.is_allowed(e)]

    # -- firing --------------------------------------------------------------------
    def fire(self, event: str, check_ranges: bool = False) -> StepResult:
        """Fire a user or environment event, then run the app's system steps to completion.

        A refused event changes nothing and returns ``accepted=False``.
        Raises FlowRuntimeError when the spec leaves the app stuck on a system
        screen, a guard reads what it may not, or (``check_ranges``) a step
        leaves a variable outside its declared range. Without ``check_ranges``
        such a step is taken and its result says so (``out_of_range``): a
        counterexample that shows a variable below its minimum must be replayable.
        """
        before_screen = self.screen
        before = self.world.variables()
        self._taken.clear()
        if not self.is_allowed(event):
            return StepResult(event, before_screen, before_screen, accepted=False)
        if self.compiled.kinds[event] == "user":
            self._screen_model.trigger(event)
        else:
            self._account_model.trigger(event)
        run_system_steps(self.compiled, lambda: self.screen, self._screen_model.trigger)
        after = self.world.variables()
        changes = {k: (before[k], after[k]) for k in after if before.get(k) != after[k]}
        problems = self.compiled.range_problems({k: new for k, (_, new) in changes.items()})
        if problems:
            effects = sorted({e for tid in self._taken for e in self.compiled.by_id[tid].effect_names})
            problems = [f"{p} after {event} (transitions {', '.join(self._taken)}; effects "
                        f"{', '.join(effects) or 'none'})" for p in problems]
            if check_ranges:
                raise FlowRuntimeError("; ".join(problems))
        return StepResult(event, before_screen, self.screen, True, list(self._taken), changes, problems)


def build_flow(spec: Spec, world: World, screen: str | None = None) -> Flow:
    """The running flow of ``spec`` on ``world``, starting on ``screen`` (default: the initial screen)."""
    return Flow(spec, world, screen)
