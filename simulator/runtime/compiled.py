"""The spec compiled once into what runs: the one definition of a step's semantics.

Both the running flow (:class:`~simulator.runtime.machine.Flow`, a pair of
``transitions`` machines) and the exhaustive walk are built from one
:class:`CompiledFlow`. It fixes, in one place:

- *which transitions an event may take*: every spec transition becomes one
  :class:`CompiledTransition`, and :attr:`CompiledFlow.table` lists, per
  region, state and event, the candidates in the order they are tried (the
  first whose guards pass wins). The ``transitions`` machines are built from
  that table entry by entry, so their own candidate lists are the table (a test
  reads them back and compares), and the walk dispatches on the same table;
- *what a guard may read*: guards see the world through a :func:`guard_view`,
  which exposes the variables and parameters named when it is built and refuses
  everything else (the latest note, the history, a typo, and in the walk the
  counters a configuration does not keep) with :class:`UnkeptRead`, so a guard
  can never depend on something the walk forgot;
- *the order of a step*: ``before`` effects, the state change (a note screen
  shows its note), ``after`` effects, then the signals sent to the account
  region (:attr:`CompiledTransition.after_all` is that tail as one list);
- *run to completion*: :func:`run_system_steps` leaves system screens the same
  way for both;
- *declared ranges*: :meth:`CompiledFlow.range_problems` says which variable
  left its ``min``/``max``/``values``.
"""
from __future__ import annotations

import operator
from typing import Any, Callable, NamedTuple

from ..errors import FlowRuntimeError
from ..rules import RuleBook
from ..spec.model import Spec, Transition

__all__ = ["CompiledTransition", "CompiledFlow", "UnkeptRead", "GuardWrite", "guard_view", "read_only_view",
           "run_system_steps", "MAX_SYSTEM_STEPS"]

#: A system screen that keeps stepping this long is a loop in the spec.
MAX_SYSTEM_STEPS = 100


class UnkeptRead(FlowRuntimeError):
    """A guard read a name its view does not expose (see :func:`guard_view`)."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"reads {name!r}")


class GuardWrite(FlowRuntimeError):
    """A guard tried to change the world: guards only look."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"writes {name!r}")


def guard_view(readable: tuple[str, ...]) -> Callable[[Any], Any]:
    """A class whose instances show an object's ``readable`` attributes, read-only, and nothing else.

    ``guard_view(("credit",))(world).credit`` reads ``world.credit``; any
    other attribute raises :class:`UnkeptRead`, any assignment
    :class:`GuardWrite`. Reads go through C-level ``attrgetter`` properties, so
    the view costs about one attribute lookup per read.
    """
    namespace: dict[str, Any] = {"__slots__": ("_w",)}
    for name in readable:
        namespace[name] = property(operator.attrgetter(f"_w.{name}"))

    def __init__(self, target):
        object.__setattr__(self, "_w", target)

    def __getattr__(self, name):  # only called when no property of that name exists
        raise UnkeptRead(name)

    def __setattr__(self, name, value):
        raise GuardWrite(name)

    namespace.update(__init__=__init__, __getattr__=__getattr__, __setattr__=__setattr__)
    return type("GuardView", (), namespace)


class _ReadOnlyView:
    """See :func:`read_only_view`. No ``__getattr__``: with one, every read would take a slower path."""

    def __setattr__(self, name, value):
        raise GuardWrite(name)

    def __delattr__(self, name):
        raise GuardWrite(name)


def read_only_view(target: Any) -> Any:
    """A read-only view of every attribute ``target`` holds, sharing its ``__dict__``.

    Reads cost exactly what reads of ``target`` cost (the same dictionary);
    a name ``target`` does not hold raises AttributeError (its ``name`` says
    which), any assignment :class:`GuardWrite`. For an object that holds nothing but what guards may
    read (the walk's world); :func:`guard_view` chooses names instead.
    """
    view = object.__new__(_ReadOnlyView)
    object.__setattr__(view, "__dict__", target.__dict__)
    return view


class CompiledTransition(NamedTuple):
    """One spec transition, ready to run: its guards and effects resolved from the rule book.

    ``guards`` holds ``(name, function, negated)`` in the order they are
    evaluated (``conditions``, then ``unless``); ``before`` and ``after`` hold
    ``(name, function)``; ``sends`` the signals sent to the account region
    after the ``after`` effects. A tuple: tens of thousands are made for a big
    spec, and they never change.
    """

    index: int  # position in the spec's list of its region
    id: str
    region: str
    spec: Transition
    guards: tuple[tuple[str, Callable, bool], ...]
    before: tuple[tuple[str, Callable], ...]
    dest: str | None
    after: tuple[tuple[str, Callable], ...]
    sends: tuple[str, ...]

    @property
    def effect_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.before + self.after)


class CompiledFlow:
    """A spec bound to its rule book: the transitions, the events and the screens as the runtime needs them."""

    def __init__(self, spec: Spec, rules: RuleBook):
        self.spec = spec
        self.rules = rules
        self.kinds = {name: event.kind for name, event in spec.events.items()}
        self.user_events = tuple(e for e, k in self.kinds.items() if k == "user")
        self.environment_events = tuple(e for e, k in self.kinds.items() if k == "environment")
        self.account_variable = spec.account.variable if spec.account else None
        self.screen_transitions = [self._compile(i, t) for i, t in enumerate(spec.transitions)]
        self.account_transitions = [self._compile(i, t) for i, t in enumerate(spec.account.transitions)] \
            if spec.account else []
        self.by_id = {t.id: t for t in self.screen_transitions + self.account_transitions}
        # Which transitions an event may take in a state, in the order they are tried (the first whose
        # guards pass wins): spec order, a "*" source standing for every state of its region. The
        # machines are built from this table entry by entry, and the walk dispatches on it.
        self.table = {"screens": self._table(self.screen_transitions, list(spec.screens)),
                      "account": self._table(self.account_transitions, list(spec.account.states))
                      if spec.account else {}}
        self.note_of = {name: screen.note for name, screen in spec.screens.items() if screen.note}
        self.system_screens = frozenset(name for name, screen in spec.screens.items() if screen.is_system)
        # The system events that can leave each system screen, tried in spec order.
        self.system_steps: dict[str, tuple[str, ...]] = {}
        for t in spec.transitions:
            if self.kinds.get(t.trigger) == "system":
                for source in (list(spec.screens) if t.sources == ("*",) else t.sources):
                    steps = self.system_steps.setdefault(source, ())
                    if t.trigger not in steps:
                        self.system_steps[source] = steps + (t.trigger,)

    def _compile(self, index: int, t: Transition) -> CompiledTransition:
        # Called once per transition of a spec that may have tens of thousands: empty parts cost nothing.
        guards, effects = self.rules.guards, self.rules.effects
        checks = tuple([(g, guards[g], False) for g in t.conditions] + [(g, guards[g], True) for g in t.unless]) \
            if t.conditions or t.unless else ()
        before = tuple([(e, effects[e]) for e in t.before]) if t.before else ()
        after = tuple([(e, effects[e]) for e in t.after]) if t.after else ()
        return CompiledTransition(index, t.id, t.region, t, checks, before, t.dest, after, t.send)

    @staticmethod
    def _table(transitions: list[CompiledTransition], states: list[str]) -> dict[str, dict[str, list]]:
        table: dict[str, dict[str, list[CompiledTransition]]] = {state: {} for state in states}
        for t in transitions:
            for source in (states if t.spec.sources == ("*",) else t.spec.sources):
                if source in table:  # an unknown source is the checker's to report
                    table[source].setdefault(t.spec.trigger, []).append(t)
        return table

    def candidates(self, region: str, state: str, event: str) -> list[CompiledTransition]:
        """The transitions ``event`` may take in ``state`` of ``region``, in the order they are tried."""
        return self.table[region].get(state, {}).get(event, [])

    def range_problems(self, values: dict[str, Any]) -> list[str]:
        """What in ``values`` is outside its variable's declared type and range, one sentence each."""
        problems = []
        for name, value in values.items():
            variable = self.spec.variables.get(name)
            if variable is None:
                continue
            if variable.type == "enum":
                if value not in variable.values:
                    problems.append(f"{name} = {value!r} is not one of {', '.join(variable.values)}")
            elif type(value) is not int:
                problems.append(f"{name} = {value!r} is not a whole number")
            elif variable.min is not None and value < variable.min:
                problems.append(f"{name} = {value} is below its min {variable.min}")
            elif variable.max is not None and value > variable.max:
                problems.append(f"{name} = {value} is above its max {variable.max}")
        return problems

    def guard_error(self, guard: str, exc: FlowRuntimeError) -> FlowRuntimeError:
        """The error for a guard that read or wrote what it may not, naming the guard and where it is declared."""
        declared = self.spec.guards.get(guard)
        where = f" (declared at {declared.loc})" if declared else ""
        if isinstance(exc, GuardWrite):
            return FlowRuntimeError(f"guard {guard!r}{where} changes {exc.name!r}: a guard only reads the world")
        return FlowRuntimeError(f"guard {guard!r}{where} reads {exc.name!r}: a guard may read the world variables "
                                "and parameters only")


def run_system_steps(flow: CompiledFlow, screen: Callable[[], str], step: Callable[[str], bool]) -> None:
    """Leave system screens until the app rests: on each, the first system step ``step`` accepts is taken.

    ``screen()`` reads the current screen; ``step(event)`` fires a system
    event and says whether it was accepted. Raises FlowRuntimeError when no
    system step is enabled, or when the app keeps stepping (a loop in the spec).
    """
    for _ in range(MAX_SYSTEM_STEPS):
        current = screen()
        if current not in flow.system_screens:
            return
        for event in flow.system_steps.get(current, ()):
            if step(event):
                break
        else:
            raise FlowRuntimeError(f"the app is stuck on system screen {current!r}: no system step is enabled")
    raise FlowRuntimeError(f"system steps loop for more than {MAX_SYSTEM_STEPS} steps (at {screen()!r})")
