"""The running flow, built from a spec with the ``transitions`` package.

This is the only module that imports ``transitions``. A flow has two regions,
each a flat ``transitions.Machine``:

- the *screens* region (what the phone shows), driven by user events and by the
  app's own system steps;
- the *account* region (the subscription's lifecycle), driven by environment
  events and by the signals screen transitions send (``send: [cancel]``).

Flat machines, not a nested ``HierarchicalMachine``: menu nesting is a drawing
matter (``parent`` in the spec), and a flat machine fires events several times
faster, which the exhaustive walk needs. ``auto_transitions`` is off so the only
events are the spec's.

System steps run to completion inside the user event that led to a system
screen: a caller never sends them.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from transitions import Machine

from ..errors import FlowRuntimeError
from ..spec.model import Spec, Transition
from ..rules import RuleBook, load_rules
from .world import World

__all__ = ["Flow", "StepResult", "build_flow"]

# transitions logs every event at INFO; our own trace says it better.
logging.getLogger("transitions").setLevel(logging.WARNING)

#: A system screen that keeps stepping this long is a loop in the spec.
MAX_SYSTEM_STEPS = 100


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


class Flow:
    """A spec running on a world: fire events, ask what is allowed, read the screen."""

    def __init__(self, spec: Spec, world: World, screen: str | None = None, rules: RuleBook | None = None):
        self.spec = spec
        self.world = world
        self.rules = rules or load_rules(spec.rules)
        self._taken: list[str] = []
        self._screen_model = _RegionModel(world, None, screen or spec.initial_screen)
        self._screens = self._build_machine(self._screen_model, list(spec.screens), spec.transitions,
                                            self._screen_model.state, note_screens=True)
        self._account_model = None
        self._account = None
        if spec.account:
            region = spec.account
            self._account_model = _RegionModel(world, region.variable, getattr(world, region.variable))
            self._account = self._build_machine(self._account_model, list(region.states), region.transitions,
                                                self._account_model.state, note_screens=False)
        kinds = {name: event.kind for name, event in spec.events.items()}
        self._user_events = [e for e, k in kinds.items() if k == "user"]
        self._environment_events = [e for e, k in kinds.items() if k == "environment"]
        # The system steps that can leave each system screen, in spec order.
        self._system_steps: dict[str, list[str]] = {}
        for transition in spec.transitions:
            if kinds.get(transition.trigger) == "system":
                for source in transition.sources:
                    steps = self._system_steps.setdefault(source, [])
                    if transition.trigger not in steps:
                        steps.append(transition.trigger)

    # -- construction --------------------------------------------------------------
    def _build_machine(self, model: _RegionModel, states: list[str], transitions: list[Transition],
                       initial: str, note_screens: bool) -> Machine:
        state_configs = []
        for name in states:
            config: dict[str, Any] = {"name": name}
            screen = self.spec.screens.get(name) if note_screens else None
            if screen is not None and screen.note:
                config["on_enter"] = [partial(self.world.show_note, screen.note)]
            state_configs.append(config)
        return Machine(
            model=model, states=state_configs, initial=initial, auto_transitions=False,
            ignore_invalid_triggers=True, send_event=False,
            transitions=[self._transition_config(t) for t in transitions],
        )

    def _transition_config(self, t: Transition) -> dict[str, Any]:
        guards, effects, world = self.rules.guards, self.rules.effects, self.world
        return {
            "trigger": t.trigger,
            "source": "*" if t.sources == ("*",) else list(t.sources),
            "dest": t.dest,
            "conditions": [partial(guards[name], world) for name in t.conditions],
            "unless": [partial(guards[name], world) for name in t.unless],
            # Record first, so the signal and system steps it leads to come after it in `taken`.
            "before": [partial(self._taken.append, t.id)] + [partial(effects[name], world) for name in t.before],
            "after": [partial(effects[name], world) for name in t.after]
                     + [partial(self._send, signal, t) for signal in t.send],
        }

    def _send(self, signal: str, sender: Transition) -> None:
        if self._account is None or not self._account_model.trigger(signal):
            raise FlowRuntimeError(
                f"transition {sender.id} (line {sender.loc.line}) sends {signal!r}, but the account region "
                f"refuses it while {self.spec.account.variable if self.spec.account else 'it'} is "
                f"{self._account_model.state if self._account_model else 'missing'!r}")

    # -- reading -------------------------------------------------------------------
    @property
    def screen(self) -> str:
        return self._screen_model.state

    def set_screen(self, screen: str) -> None:
        """Put the flow on ``screen`` without firing anything (for undo and test set-up)."""
        self._screens.set_state(screen, model=self._screen_model)

    def is_allowed(self, event: str) -> bool:
        """Would ``event`` be accepted now? Evaluates guards without firing."""
        kind = self.spec.events[event].kind if event in self.spec.events else None
        if kind == "user":
            return event in self._screens.events and self._screen_model.may_trigger(event)
        if kind == "environment" and self._account is not None:
            return event in self._account.events and self._account_model.may_trigger(event)
        return False

    def allowed_events(self) -> list[str]:
        """User events then environment events accepted now, in the spec's order."""
        return [e for e in self._user_events + self._environment_events if self.is_allowed(e)]

    # -- firing --------------------------------------------------------------------
    def fire(self, event: str) -> StepResult:
        """Fire a user or environment event, then run the app's system steps to completion.

        A refused event changes nothing and returns ``accepted=False``.
        Raises FlowRuntimeError when the spec leaves the app stuck on a system screen.
        """
        before_screen = self.screen
        before = self.world.variables()
        self._taken.clear()
        if not self.is_allowed(event):
            return StepResult(event, before_screen, before_screen, accepted=False)
        if self.spec.events[event].kind == "user":
            self._screen_model.trigger(event)
        else:
            self._account_model.trigger(event)
        self._run_system_steps()
        after = self.world.variables()
        changes = {k: (before[k], after[k]) for k in after if before.get(k) != after[k]}
        return StepResult(event, before_screen, self.screen, True, list(self._taken), changes)

    def _run_system_steps(self) -> None:
        for _ in range(MAX_SYSTEM_STEPS):
            screen = self.spec.screens[self.screen]
            if not screen.is_system:
                return
            for step in self._system_steps.get(screen.name, []):
                if self._screen_model.trigger(step):
                    break
            else:
                raise FlowRuntimeError(f"the app is stuck on system screen {screen.name!r}: no system step "
                                       f"is enabled with {self.world!r}")
        raise FlowRuntimeError(f"system steps loop for more than {MAX_SYSTEM_STEPS} steps (at {self.screen!r})")


def build_flow(spec: Spec, world: World, screen: str | None = None) -> Flow:
    """The running flow of ``spec`` on ``world``, starting on ``screen`` (default: the initial screen)."""
    return Flow(spec, world, screen)
