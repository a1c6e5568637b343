"""The exhaustive walk: every configuration reachable from the domain's initial worlds.

A *configuration* is the current screen, the world variables the walk keeps
(every variable except the domain's counters), and a bounded history: for each
flow the properties declare (e.g. One-Click Buy), which of its steps were taken
since it opened, and whether a user step in it changed the account. The flags
are cleared when the flow's screens are left, so the history stays finite.

Not kept, on purpose: the domain's *counters* (a coffee machine's ``cups``) and the latest
note kind. That is checked, not promised: guards read the world through a view
that holds only what a configuration keeps, so a guard that reads the note, the
history or a counter is refused with a located error; a counter may only grow
or shrink by whole numbers (:class:`CounterDelta`), so an effect that compares
it or copies it into a kept variable is refused too. Each edge records how much
each counter grew; a test path recomputes counters and notes along its steps.

The walk fires every user event a screen handles and every environment event
on every configuration, breadth first, so the first path found to a
configuration is a shortest one. Steps that would take a whole-number variable
beyond its bound (or out of its declared range) are counted and checked, not
explored further; refused events are not edges.

One semantics: the walk dispatches on the table of
:class:`~simulator.runtime.compiled.CompiledFlow` (which transitions an event
may take, in the order they are tried) and runs the same compiled guards and
effects in the same order as the ``transitions`` machines built from that
table, with the same system-step loop. Firing events one by one through the
machines would be several times slower at the walk's size; only the firing
loop is the walk's own, and the semantics corpus (tests/semantics/) checks it
against a reference walk that fires the real machine.
"""
from __future__ import annotations

import operator
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

from ..errors import FlowRuntimeError, LimitError, Loc, Problem, SpecError, UsageError

if TYPE_CHECKING:  # networkx is loaded when the graph is asked for as one (a tenth of a second of start-up)
    import networkx as nx
from ..rules import rules_of
from ..rules.check import check_initial_world
from ..runtime.compiled import CompiledFlow, GuardWrite, read_only_view, run_system_steps
from ..spec.memory import paused_gc  # noqa: F401  (re-exported: the walk's callers pause with it)
from ..spec.model import Spec
from .budget import ESTIMATE_AT, MAX_CONFIGURATIONS, estimate, limit_error, widest_variable
from .domain import Domain, domain_of, initial_worlds, start_combinations
from ..spec.resolve import ACCOUNT_CHANGED
from .history import FlowHistory, declared_flows

__all__ = ["Configuration", "Step", "ProductGraph", "explore_spec", "Progress", "paused_gc",
           "CounterMisuse", "MAX_CONFIGURATIONS"]


class Configuration(NamedTuple):
    """A node of the product graph: screen, kept world values (spec order), history flags per flow."""

    screen: str
    world: tuple
    history: tuple = ()


@dataclass(frozen=True, slots=True)  # slots: a big walk holds one per distinct step, 150,000 at 50,000 screens
class Step:
    """What one edge did, shared by every edge that did the same (interned)."""

    taken: tuple  # transition ids in order: the event's, system steps, signals
    counters: tuple  # how much each counter grew
    outcomes: frozenset  # guard-outcome ids seen while dispatching (see ProductGraph.outcome_names)
    entered: tuple  # screens entered, system screens included, in order


class CounterMisuse(Exception):
    """A counter was used as more than a count: compared, converted, or copied into a kept variable."""

    def __init__(self, name: str, how: str):
        self.name, self.how = name, how
        super().__init__(f"{name} {how}")


class CounterDelta:
    """What the walk puts in a counter for one step: how much it grew, and nothing else.

    A configuration does not keep counters (``domain.counters``), so the walk
    runs every step from 0 and records the growth on the edge. That is sound
    only if no guard or effect depends on the counter's value: adding or
    subtracting whole numbers is allowed; anything else (a comparison, a
    truth test, a conversion, hashing as part of a configuration) raises
    :class:`CounterMisuse`, so a spec that lies about a counter is refused
    instead of walked wrongly.
    """

    __slots__ = ("name", "delta")

    def __init__(self, name: str, delta: int = 0):
        self.name, self.delta = name, delta

    def __add__(self, other):
        if type(other) is not int:
            raise CounterMisuse(self.name, f"is added to {other!r}")
        return CounterDelta(self.name, self.delta + other)

    __radd__ = __add__

    def __sub__(self, other):
        if type(other) is not int:
            raise CounterMisuse(self.name, f"has {other!r} taken from it")
        return CounterDelta(self.name, self.delta - other)

    def _misuse(how: str):  # noqa: N805 - builds methods, not one
        def method(self, *args):
            raise CounterMisuse(self.name, how)
        return method

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _misuse("is compared")
    __bool__ = _misuse("is tested for truth")
    __int__ = __index__ = __float__ = _misuse("is converted to a number")
    __hash__ = _misuse("is kept in a configuration")
    __neg__ = __mul__ = __rmul__ = __floordiv__ = __truediv__ = __mod__ = _misuse("is used in arithmetic")
    del _misuse

    def __repr__(self) -> str:
        return f"<{self.name} +{self.delta}>"


def _walk_world_class() -> type:
    """The world the walk fires on: it holds exactly the kept variables, parameters and counters.

    Nothing else is ever set on it (no note, no history), so a rule that reads
    anything else fails with AttributeError, which the walk reports instead of
    walking on a value it does not keep. Its ``__dict__`` is loaded in one call
    per step.
    """
    def record(self, kind, *detail):  # the walk keeps no history: it would grow forever
        pass

    def show_note(self, kind):  # notes are screens: the configuration's screen already says which
        pass

    return type("WalkWorld", (), {"record": record, "show_note": show_note})


class Progress:
    """Progress on stderr, shown only once a walk has taken more than ``delay`` seconds."""

    def __init__(self, stream=None, delay: float = 1.0, interval: float = 0.5):
        self.stream = stream if stream is not None else sys.stderr
        self.delay, self.interval = delay, interval
        self.start = time.monotonic()
        self._last = 0.0
        self.shown = False

    def __call__(self, message: str) -> None:
        now = time.monotonic()
        if now - self.start < self.delay or now - self._last < self.interval:
            return
        self._last = now
        self.shown = True
        self.stream.write(f"\r{message} ({now - self.start:.1f} s)\x1b[K")
        self.stream.flush()

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


@dataclass
class ProductGraph:
    """The result of a walk: configurations, edges and what was seen on the way.

    Nodes are numbered in breadth-first order; edge ``e`` goes from ``src[e]``
    to ``dst[e]`` on event ``events[event[e]]`` and did ``steps[step[e]]``.
    ``parent[n]`` is the edge that first reached node ``n`` (None for an
    initial configuration), so following parents gives a shortest path.
    """

    spec: Spec
    domain: Domain
    variables: tuple[str, ...]
    flows: tuple[FlowHistory, ...]
    events: tuple[str, ...]
    nodes: list[Configuration]
    index: dict[Configuration, int]
    initial: list[int]
    initial_world: dict[int, dict[str, Any]]
    src: list[int]
    dst: list[int]
    event: list[int]
    step: list[int]
    steps: list[Step]
    out: list[list[int]]
    parent: list[int | None]
    depth: list[int]
    refusals: dict[int, list[tuple[int, frozenset]]]
    outcome_names: list[tuple[str, str, bool]]
    cut: list[tuple[int, int, Configuration, int]] = field(default_factory=list)  # beyond the bounds
    enabled: set[str] = field(default_factory=set)
    nondeterminism: dict[tuple, list] = field(default_factory=dict)
    handled: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    seconds: float = 0.0
    _graph: nx.MultiDiGraph | None = None

    @property
    def edge_count(self) -> int:
        return len(self.src)

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The product graph as networkx: node = Configuration, edge key = event, data ``taken``."""
        if self._graph is None:
            import networkx as nx
            graph = nx.MultiDiGraph()
            nodes = self.nodes
            graph.add_nodes_from(nodes)
            events, steps = self.events, self.steps
            graph.add_edges_from((nodes[u], nodes[v], events[e], {"taken": steps[s].taken})
                                 for u, v, e, s in zip(self.src, self.dst, self.event, self.step))
            self._graph = graph
        return self._graph

    def world_of(self, node: int) -> dict[str, Any]:
        """The kept world values of a node, by name."""
        return dict(zip(self.variables, self.nodes[node].world))

    def path_to(self, node: int) -> list[int]:
        """The edges of a shortest path from an initial configuration to ``node``."""
        edges = []
        while self.parent[node] is not None:
            edge = self.parent[node]
            edges.append(edge)
            node = self.src[edge]
        edges.reverse()
        return edges

    def refusals_of(self, node: int, event: int) -> frozenset:
        """The guard outcomes seen when ``event`` was refused on ``node``."""
        return next(outcomes for e, outcomes in self.refusals.get(node, ()) if e == event)

    def root_of(self, node: int) -> int:
        while self.parent[node] is not None:
            node = self.src[self.parent[node]]
        return node

    def configuration_text(self, node: int) -> str:
        config = self.nodes[node]
        world = " ".join(f"{k}={v}" for k, v in zip(self.variables, config.world))
        flags = []
        for flow, bits in zip(self.flows, config.history):
            set_flags = [f for i, f in enumerate(flow.flags) if bits >> i & 1]
            if set_flags:
                flags.append(f"{flow.name}: {', '.join(set_flags)}")
        return f"{config.screen} [{world}]" + (f" ({'; '.join(flags)})" if flags else "")


def _reader(names: tuple[str, ...]) -> Callable[[Any], tuple]:
    """A fast function reading ``names`` off an object as a tuple (attrgetter returns a bare value for one)."""
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        getter = operator.attrgetter(names[0])
        return lambda obj: (getter(obj),)
    return operator.attrgetter(*names)


_NO_OUTCOMES: frozenset = frozenset()


def _outcome_set(outcomes: set) -> frozenset:
    """The guard outcomes of a step as kept: most steps read no guard, and share one empty set (an empty
    frozenset is 216 bytes, and a big walk keeps a step per transition)."""
    return frozenset(outcomes) if outcomes else _NO_OUTCOMES


_NO_ROW: dict = {}  # the row of a state no transition leaves (shared, never written)


class _Entry:
    """A candidate as the firing loop wants it: guards with their outcome ids, effects as bare functions.

    A class with ``__slots__`` rather than a named tuple: the firing loop reads these fields for every
    candidate of every edge, and slot reads are the fastest attribute reads Python specialises.
    """

    __slots__ = ("id", "guards", "before", "dest", "after", "sends")

    def __init__(self, id: str, guards: tuple, before: tuple, dest: str | None, after: tuple, sends: tuple):
        # guards: (name, function, negated, outcome id if true, outcome id if false)
        self.id, self.guards, self.before, self.dest, self.after, self.sends = id, guards, before, dest, after, sends

    def _replace(self, **changes) -> _Entry:
        fields = {name: getattr(self, name) for name in self.__slots__}
        return _Entry(**{**fields, **changes})


class _Walker:
    """Fires one event on one configuration, with the spec's compiled transitions in the machine's own order.

    The candidate lists are the :class:`~simulator.runtime.compiled.CompiledFlow`'s
    table, from which the simulator's ``transitions`` machines are built too,
    so what the walk explores is what the simulator runs; only the firing is
    done here, on a world that holds nothing but what a configuration keeps.
    """

    def __init__(self, spec: Spec, domain: Domain, flows: tuple[FlowHistory, ...]):
        self.spec, self.domain, self.flows = spec, domain, flows
        compiled = CompiledFlow(spec, rules_of(spec))
        self.compiled = compiled
        self.variables = domain.kept_variables(spec)
        self.counters = domain.counters
        # A kept int leaves the walk when it passes the domain's bound or its variable's own range (a
        # negative amount is already a violation; following it further would never end). A domain that
        # varies parameters has bounds per combination (2 * period_days): the varied parameters are the
        # last values of a configuration, and they pick the bounds.
        def bounds_of(bounds: dict[str, int]) -> tuple:
            return tuple(
                (position, -float("inf") if spec.variables[name].min is None else spec.variables[name].min,
                 bounds.get(name, float("inf") if spec.variables[name].max is None else spec.variables[name].max))
                for position, name in enumerate(self.variables)
                if name in spec.variables and spec.variables[name].type == "int")
        self.bounds = bounds_of(domain.bounds)
        self.varied_count = len(domain.varied)
        self.bounds_by_set = {tuple(parameters[name] for name in domain.varied): bounds_of(bounds)
                              for parameters, _, bounds in domain.sets} if domain.varied else {}
        self.world = _walk_world_class()()
        self.world.__dict__.update(domain.parameters)
        # Guards read the world's own dictionary (as fast as reading the world) and cannot write to it;
        # it holds only kept variables, parameters and counters, the last as CounterDelta, which
        # refuses to be compared or tested, so a guard that reads a counter is caught too.
        self.guard_world = read_only_view(self.world)
        self.zero_counters = tuple((name, CounterDelta(name)) for name in self.counters)
        self.kinds = compiled.kinds
        self.outcome_names: list[tuple[str, str, bool]] = []
        self._outcome_ids: dict[tuple[str, str, bool], int] = {}
        self.account_variable = compiled.account_variable
        self.screen_table = self._table("screens")
        self.account_table = self._table("account") if spec.account else {}
        self.system_screens = compiled.system_screens
        self.system_steps = compiled.system_steps
        self.flow_steps = [{pair: flow.bit(flag) for flag, pairs in flow.steps for pair in pairs} for flow in flows]
        self.account_positions = [tuple(i for i, n in enumerate(self.variables) if n in flow.account)
                                  for flow in flows]
        self.account_counters = [tuple(i for i, n in enumerate(self.counters) if n in flow.account)
                                 for flow in flows]
        self._steps: dict[tuple, int] = {}
        self.steps: list[Step] = []
        # Made once, not per edge: what runtime.compiled.run_system_steps calls back.
        self._current_screen = partial(getattr, self, "screen")
        self._run: dict = {}
        self._read_values = _reader(self.variables)
        self._read_growth = operator.attrgetter(*(f"{name}.delta" for name in self.counters)) if self.counters \
            else None
        self._one_counter = len(self.counters) == 1

    def outcome_id(self, key: tuple[str, str, bool]) -> int:
        if key not in self._outcome_ids:
            self._outcome_ids[key] = len(self.outcome_names)
            self.outcome_names.append(key)
        return self._outcome_ids[key]

    def _table(self, region: str) -> dict[str, dict[str, list["_Entry"]]]:
        """The compiled table of ``region``, each candidate flattened for the firing loop (see :class:`_Entry`)."""
        transitions = self.compiled.screen_transitions if region == "screens" else self.compiled.account_transitions
        # Outcome ids are numbered in spec order of the transitions, whatever order the table lists them in.
        entries = {}
        outcome_id = self.outcome_id
        for t in transitions:
            guards = tuple((name, fn, negated, outcome_id((t.id, name, True)), outcome_id((t.id, name, False)))
                           for name, fn, negated in t.guards) if t.guards else ()
            entries[t.id] = _Entry(t.id, guards, tuple(fn for _, fn in t.before) if t.before else (), t.dest,
                                   tuple(fn for _, fn in t.after) if t.after else (), t.sends)
        return {state: {event: [entries[t.id] for t in candidates] for event, candidates in row.items()}
                for state, row in self.compiled.table[region].items()}

    def handles(self, screen: str, event: str) -> bool:
        kind = self.kinds[event]
        if kind == "user":
            return event in self.screen_table.get(screen, {})
        return kind == "environment" and self.account_variable is not None

    # -- firing ----------------------------------------------------------------------
    def _dispatch(self, region: str, state: str, event: str, run: dict) -> bool:
        table = self.screen_table if region == "screens" else self.account_table
        candidates = table.get(state, _NO_ROW).get(event)
        if not candidates:
            return False
        world, view = self.world, self.guard_world
        chosen = None
        enabled = []
        outcomes = run["outcomes"]
        # Every candidate's guards are evaluated (guards only read, through the view), so the walk sees
        # each guard outcome and any second enabled transition; the first enabled one is taken, as the
        # machine takes it.
        for candidate in candidates:
            ok = True
            for name, fn, negate, id_true, id_false in candidate.guards:
                try:
                    value = bool(fn(view))
                except (AttributeError, GuardWrite, CounterMisuse) as exc:
                    raise self._guard_error(name, exc) from None
                outcomes.add(id_true if value else id_false)
                if value == negate:
                    ok = False
            if ok:
                enabled.append(candidate.id)
                if chosen is None:
                    chosen = candidate
        if len(enabled) > 1:
            run["nondeterminism"].append((region, state, event, tuple(enabled)))
        if chosen is None:
            return False
        run["taken"].append(chosen.id)
        for effect in chosen.before:
            effect(world)
        if chosen.dest is not None:
            if region == "screens":
                self.screen = chosen.dest
                run["entered"].append(chosen.dest)
            else:
                setattr(world, self.account_variable, chosen.dest)
        for effect in chosen.after:
            effect(world)
        for signal in chosen.sends:
            account_state = getattr(world, self.account_variable) if self.account_variable else None
            if self.account_variable is None or not self._dispatch("account", account_state, signal, run):
                raise FlowRuntimeError(f"transition {chosen.id} sends {signal!r}, but the account region refuses "
                                       f"it while {self.account_variable} is {account_state!r}")
        return True

    def _guard_error(self, guard: str, exc: Exception) -> SpecError:
        """A located error: the guard reads (or writes) what a configuration does not keep.

        Reading a name the walk's world does not hold is an AttributeError naming it; reading a
        counter fails when the guard uses its value (CounterMisuse); writing is refused by the view.
        """
        name = getattr(exc, "name", None) or "?"
        if isinstance(exc, GuardWrite):
            reason = "a guard only reads the world"
        elif name in self.counters:
            reason = ("it is a counter (domain.counters), which a configuration does not keep; a guard may not "
                      "read one: take it out of domain.counters and give it a bound in domain.bounds")
        elif name in ("note", "history"):
            reason = f"a configuration keeps no {name}; a guard may read the world variables and parameters only"
        else:
            reason = "not a world variable or parameter of the spec"
        declared = self.spec.guards.get(guard)
        loc = declared.loc if declared else self.spec.loc_of("guards")
        verb = "changes" if isinstance(exc, GuardWrite) else "reads"
        return SpecError(Problem(loc, "error", f"guard {guard!r} {verb} {name!r}: {reason}", "guard-reads-unkept"))

    def _effect_error(self, exc: Exception, taken: list[str]) -> SpecError:
        """A located error: an effect of the step used what the walk does not keep, or used a counter as a value."""
        effects = sorted({e for tid in taken for e in self.compiled.by_id[tid].effect_names})
        first = self.spec.effects.get(effects[0]) if effects else None
        if isinstance(exc, CounterMisuse):
            message = (f"counter {exc.name!r} {exc.how} in a step taking {', '.join(taken)} (effects "
                       f"{', '.join(effects) or 'none'}): a counter (domain.counters) may only grow or shrink by "
                       "whole numbers, since a configuration does not keep its value; take it out of "
                       "domain.counters and give it a bound in domain.bounds")
            return SpecError(Problem(self.spec.loc_of("domain"), "error", message, "counter-misused"))
        message = (f"an effect of a step taking {', '.join(taken)} (effects {', '.join(effects) or 'none'}) "
                   f"{exc}: effects may use the world variables and parameters only")
        return SpecError(Problem(first.loc if first else self.spec.loc_of("effects"), "error", message,
                                 "effect-reads-unkept"))

    def fire(self, config: Configuration, event: str):
        """Fire ``event`` on ``config``.

        Returns (accepted, target configuration, step, nondeterminism records,
        guard outcomes — None when the target is beyond the bounds). Raises
        FlowRuntimeError when the spec leaves the app stuck on a system screen,
        SpecError when a guard or an effect uses what a configuration does not keep.
        """
        world = self.world
        values_of = world.__dict__
        values_of.update(zip(self.variables, config.world))
        if self.zero_counters:
            values_of.update(self.zero_counters)
        self.screen = config.screen
        run = {"taken": [], "outcomes": set(), "nondeterminism": [], "entered": []}
        try:
            if self.kinds[event] == "user":
                accepted = self._dispatch("screens", config.screen, event, run)
            else:
                accepted = self.account_variable is not None and self._dispatch(
                    "account", values_of[self.account_variable], event, run)
            if not accepted:
                return False, None, None, run["nondeterminism"], _outcome_set(run["outcomes"])
            if self.screen in self.system_screens:
                self._run = run
                run_system_steps(self.compiled, self._current_screen, self._system_step)
            values = self._read_values(world)
            # Each counter's growth, read as counter.delta in one C call; a counter that was set instead of
            # grown has no delta (AttributeError, reported below as what it is).
            if self.zero_counters:
                counters = self._read_growth(world)
                if self._one_counter:  # attrgetter gives a bare value for one name
                    counters = (counters,)
            else:
                counters = ()
            step = (tuple(run["taken"]), counters, _outcome_set(run["outcomes"]), tuple(run["entered"]))
            target = Configuration(self.screen, values, self.next_history(config, event, self.screen, values,
                                                                          counters) if self.flows else ())
            # A counter copied into a kept variable refuses to be compared (here) or hashed (when the
            # walk looks the target up, see counter_leak): either way the step is refused, not walked.
            for position, low, high in (self.bounds_by_set[values[-self.varied_count:]] if self.varied_count
                                        else self.bounds):
                if not low <= values[position] <= high:
                    if self.zero_counters:
                        hash(values)
                    return True, target, step, run["nondeterminism"], None  # beyond the bounds: not explored
        except (CounterMisuse, AttributeError) as exc:
            if isinstance(exc, AttributeError) and self.zero_counters:
                exc = self._set_counter() or exc
            raise self._effect_error(exc, run["taken"]) from None
        return True, target, step, run["nondeterminism"], step[2]

    def _system_step(self, event: str) -> bool:
        return self._dispatch("screens", self.screen, event, self._run)

    def counter_leak(self, exc: CounterMisuse, step: tuple) -> SpecError:
        """The error for a counter found in a target configuration when the walk hashed it."""
        return self._effect_error(exc, list(step[0]))

    def _set_counter(self) -> CounterMisuse | None:
        """The counter an effect set to a value instead of growing it, if any (for the error message)."""
        for name in self.counters:
            value = getattr(self.world, name)
            if type(value) is not CounterDelta:
                return CounterMisuse(name, f"was set to {value!r} instead of grown")
        return None

    def flags_during(self, flow_index: int, config: Configuration, event: str) -> int:
        """A flow's flags right after ``event``'s own step is counted, before the flow may close."""
        return config.history[flow_index] | self.flow_steps[flow_index].get((config.screen, event), 0)

    def next_history(self, config: Configuration, event: str, screen_after: str, values: tuple,
                     counters: tuple) -> tuple:
        history = []
        user = self.kinds[event] == "user"
        for index, flow in enumerate(self.flows):
            if screen_after not in flow.screens:
                history.append(0)
                continue
            bits = self.flags_during(index, config, event) if config.screen in flow.screens or \
                (config.screen, event) in self.flow_steps[index] else 0
            if flow.account and user and (any(values[i] != config.world[i] for i in self.account_positions[index])
                                          or any(counters[i] for i in self.account_counters[index])):
                bits |= flow.bit(ACCOUNT_CHANGED)
            history.append(bits)
        return tuple(history)

    def intern(self, step: tuple) -> int:
        """The id of a step given as (taken, counters, outcomes, entered); equal steps share one Step."""
        found = self._steps.get(step)
        if found is None:
            found = self._steps[step] = len(self.steps)
            self.steps.append(Step(*step))
        return found


def _initial_configurations(spec: Spec, domain: Domain, walker: _Walker) -> list[tuple[Configuration, dict]]:
    out = []
    history = (0,) * len(walker.flows)
    for world in initial_worlds(spec, domain):
        config = Configuration(spec.home_screen, tuple(world[name] for name in walker.variables), history)
        out.append((config, world))
    return out


def _enum_error(walker: _Walker, target: Configuration, step: tuple) -> SpecError:
    """A step gave an enum variable a value it does not declare (a silent typo otherwise)."""
    for position, allowed in walker.enum_checks:
        value = target.world[position]
        if value not in allowed:
            name = walker.variables[position]
            effects = sorted({e for tid in step[0] for e in walker.compiled.by_id[tid].effect_names})
            first = walker.spec.effects.get(effects[0]) if effects else None
            return SpecError(Problem(
                first.loc if first else walker.spec.variables[name].loc, "error",
                f"a step taking {', '.join(step[0])} (effects {', '.join(effects) or 'none'}) sets {name} to "
                f"{value!r}, which is not one of its values ({', '.join(sorted(allowed))})", "value-out-of-range"))
    raise AssertionError("called without an enum out of its values")  # a bug of the caller, not input


def explore_spec(spec: Spec, domain: Domain | None = None, flows: tuple[FlowHistory, ...] | None = None,
                 progress: Callable[[str], None] | None = None,
                 max_configurations: int | None = None) -> ProductGraph:
    """Walk ``spec`` exhaustively from every initial world of ``domain`` (default: the spec's own).

    ``flows``: the bounded history to keep (default: the flows the spec's
    ``properties`` section declares). ``max_configurations``: the walk's
    budget (default :data:`MAX_CONFIGURATIONS`; see :mod:`simulator.walk.budget`).
    Raises SpecError for a bad domain or properties section, or a domain with
    no start world that meets the constraints; LimitError when the walk does
    not fit its budget (as early as that can be told); FlowRuntimeError (with
    the path that got there) when the spec leaves the app stuck.
    """
    budget = MAX_CONFIGURATIONS if max_configurations is None else max_configurations
    if type(budget) is not int or budget < 1:
        raise UsageError(Problem(Loc("--max-configurations"), "error", f"the walk's budget must be a whole number "
                                 f"of at least 1, found {budget!r}", "bad-value"))
    with paused_gc():
        return _explore(spec, domain, flows, progress, budget)


def _explore(spec: Spec, domain: Domain | None, flows: tuple[FlowHistory, ...] | None,
             progress: Callable[[str], None] | None, budget: int) -> ProductGraph:
    started = time.perf_counter()
    domain = domain or domain_of(spec)
    if flows is None:
        flows = declared_flows(spec)
    broken = list(check_initial_world(spec))  # as `kmsflow check` says: the spec contradicts itself
    if broken:
        raise SpecError(broken)
    walker = _Walker(spec, domain, tuple(flows))
    spec_loc = spec.domain.loc if spec.domain is not None else Loc(spec.path)
    combinations = start_combinations(spec, domain)
    if combinations > budget:  # each start world is a configuration: known before a single step
        widest = max(spec.variables, key=lambda name: max(len(initial[name]) for _, initial, _ in
                                                           domain.parameter_sets()))
        count = max(len(initial[widest]) for _, initial, _ in domain.parameter_sets())
        listed = {entry.variable: entry.loc for entry in spec.domain.initial} if spec.domain is not None else {}
        spec_loc = listed.get(widest, spec.variables[widest].loc)
        raise limit_error(f"would start from {combinations:,} combinations of start values, over its budget of "
                          f"{budget:,} configurations", None, f"{widest} alone has {count:,}", domain, spec_loc,
                          "narrow the domain's start values (--domain)")
    user_events = tuple(spec.events_of_kind("user"))
    environment_events = tuple(spec.events_of_kind("environment"))
    events = user_events + environment_events
    event_index = {name: i for i, name in enumerate(events)}
    nodes: list[Configuration] = []
    index: dict[Configuration, int] = {}
    initial: list[int] = []
    initial_world: dict[int, dict] = {}
    parent: list[int | None] = []
    depth: list[int] = []
    out: list[list[int]] = []
    for config, world in _initial_configurations(spec, domain, walker):
        if config not in index:
            index[config] = len(nodes)
            nodes.append(config)
            initial.append(index[config])
            initial_world[index[config]] = world
            parent.append(None)
            depth.append(0)
            out.append([])
    if not nodes:
        raise SpecError(Problem(spec_loc, "error", "no start world of the domain meets the spec's constraints ("
                                f"{', '.join(spec.constraints)}), so the walk would have nothing to check and every "
                                "property would hold on nothing; widen the domain's start values", "empty-domain"))
    graph = ProductGraph(spec, domain, walker.variables, walker.flows, events, nodes, index, initial,
                         initial_world, [], [], [], [], walker.steps, out, parent, depth, {}, walker.outcome_names)
    src, dst, ev, st = graph.src, graph.dst, graph.event, graph.step
    handled_cache: dict[str, list[tuple[str, int, list[int]]]] = {}
    nondeterminism = graph.nondeterminism
    handled = graph.handled
    enabled = graph.enabled
    fire, intern = walker.fire, walker.intern
    # Enum values are checked on new configurations only: an edge into a known one carries known values.
    enum_checks = [(position, frozenset(spec.variables[name].values)) for position, name in enumerate(walker.variables)
                   if name in spec.variables and spec.variables[name].type == "enum"]
    walker.enum_checks = enum_checks
    queue = deque(initial)
    processed = 0
    ints = {name for name, variable in spec.variables.items() if variable.type == "int"}

    def over_budget() -> LimitError:
        seconds = time.perf_counter() - started
        widest = widest_variable(nodes, walker.variables, ints)
        what = (f"reached its budget of {budget:,} configurations after {seconds:.1f} s, with {len(queue):,} "
                "still to explore")
        if widest is not None and widest[1] > len(spec.screens):
            return limit_error(what, widest[0], f"{widest[0]} took {widest[1]:,} values so far", domain, spec_loc)
        return limit_error(what, None, f"the spec has {len(spec.screens):,} screens and the domain "
                           f"{len(initial):,} start worlds", domain, spec_loc)

    def estimated() -> None:
        """Refuse now if an estimate of the whole walk is over the budget (see budget.estimate)."""
        def events_of(config: Configuration) -> list[str]:
            return [e for e in events if walker.handles(config.screen, e)]

        def limits_of(world: tuple) -> dict[int, tuple]:
            limits = walker.bounds_by_set[world[-walker.varied_count:]] if walker.varied_count else walker.bounds
            return {position: (low, high) for position, low, high in limits}

        total, cause = estimate(fire, [nodes[n] for n in initial], events_of, limits_of, budget)
        if total > budget and cause is not None:
            position, amount, event = cause
            name = walker.variables[position]
            seconds = time.perf_counter() - started
            raise limit_error(f"is heading for at least about {total:,} configurations, over its budget of "
                              f"{budget:,} (estimated after {len(nodes):,}, in {seconds:.1f} s)", name,
                              f"each {event} moves {name} by {amount:+}, so the walk meets every value of {name} on "
                              "the way", domain, spec_loc)

    estimate_at = min(ESTIMATE_AT, budget // 2)
    check_at = estimate_at if estimate_at >= 1000 else budget
    if len(nodes) >= check_at and check_at < budget:  # many start worlds: estimate before the first step
        estimated()
        check_at = budget
    while queue:
        node = queue.popleft()
        processed += 1
        if progress is not None and processed & 1023 == 0:
            progress(f"exploring: {len(nodes)} configurations, {len(src)} edges, {len(queue)} to go")
        config = nodes[node]
        screen_events = handled_cache.get(config.screen)
        if screen_events is None:  # the screen's events, each with its index and its accepted/refused counts
            screen_events = handled_cache[config.screen] = [
                (e, event_index[e], handled.setdefault((config.screen, e), [0, 0]))
                for e in events if walker.handles(config.screen, e)]
        for event, e_index, counts in screen_events:
            try:
                accepted, target, step, nondet, outcomes = fire(config, event)
            except FlowRuntimeError as exc:
                path = " -> ".join(events[ev[e]] for e in graph.path_to(node)) or "(no step)"
                raise FlowRuntimeError(f"{exc}; reached from {graph.initial_world[graph.root_of(node)]} by "
                                       f"{path} then {event}") from None
            for record in nondet:
                nondeterminism.setdefault(record, []).append((node, event))
            if not accepted:
                counts[1] += 1
                if outcomes:
                    graph.refusals.setdefault(node, []).append((e_index, outcomes))
                continue
            counts[0] += 1
            enabled.update(step[0])
            if outcomes is None:
                graph.cut.append((node, e_index, target, intern(step)))
                continue
            try:
                target_id = index.get(target)
            except CounterMisuse as exc:
                raise walker.counter_leak(exc, step) from None
            edge = len(src)
            if target_id is None:
                for position, allowed in enum_checks:
                    if target.world[position] not in allowed:
                        raise _enum_error(walker, target, step)
                if len(nodes) >= check_at:
                    if check_at == budget:
                        raise over_budget()
                    estimated()
                    check_at = budget
                target_id = index[target] = len(nodes)
                nodes.append(target)
                parent.append(edge)
                depth.append(depth[node] + 1)
                out.append([])
                queue.append(target_id)
            src.append(node)
            dst.append(target_id)
            ev.append(e_index)
            st.append(intern(step))
            out[node].append(edge)
    graph.seconds = time.perf_counter() - started
    return graph
