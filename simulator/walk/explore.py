"""The exhaustive walk: every configuration reachable from the domain's initial worlds.

A *configuration* is the current screen, the world variables the walk keeps
(every variable except the domain's counters), and a bounded history: for each
flow the properties declare (e.g. One-Click Buy), which of its steps were taken
since it opened, and whether a user step in it changed the account. The flags
are cleared when the flow's screens are left, so the history stays finite.

Not kept, on purpose: the domain's *counters* (``charges``: no guard reads
them, so they cannot change what happens next; each edge records how much it
added) and the latest note kind (no guard reads it either). A test path
recomputes both exactly along its steps.

The walk fires every user event a screen handles and every environment event
on every configuration, breadth first, so the first path found to a
configuration is a shortest one. Steps that would take a whole-number variable
beyond its bound (or out of its declared range) are counted and checked, not
explored further; refused events are not edges.

Speed: firing events one by one through ``transitions`` machines is too slow
for the walk's size, so the spec is compiled once into plain per-(state, event)
lists of transitions with the rule book's guards and effects, which replicate
:mod:`simulator.runtime.machine` exactly: the first enabled transition in spec order
wins, effects run before/after the state change, signals go to the account
region, system steps run to completion. :func:`walk_with_machine` walks the
same spec through the real :class:`~simulator.runtime.machine.Flow`; tests assert both
give identical nodes and edges.
"""
from __future__ import annotations

import gc
import operator
import sys
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple

import networkx as nx

from .domain import Domain, domain_of, initial_worlds
from ..errors import FlowRuntimeError
from ..runtime.machine import MAX_SYSTEM_STEPS, Flow
from ..spec.model import Spec
from ..rules import load_rules
from ..runtime.world import World, make_world

__all__ = ["Configuration", "FlowHistory", "Step", "ProductGraph", "explore_spec", "walk_with_machine",
           "Progress", "paused_gc"]


@contextmanager
def paused_gc():
    """Pause Python's cyclic garbage collector for a big walk or search.

    They create millions of small tuples and lists and no reference cycles;
    each automatic collection would rescan all of them, which makes a
    10,000-screen walk grow faster than its size. Reference counting still
    frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # Re-enabling alone would make the next allocation rescan everything built meanwhile; what was
            # built holds no cycles, so it moves to the permanent generation (reference counting frees it).
            gc.freeze()
            gc.enable()



class Configuration(NamedTuple):
    """A node of the product graph: screen, kept world values (spec order), history flags per flow."""

    screen: str
    world: tuple
    history: tuple = ()


@dataclass(frozen=True)
class FlowHistory:
    """A flow whose steps a configuration remembers while it stays on the flow's screens.

    ``steps`` maps a flag name to the (screen, event) pairs that set it;
    ``account`` names the variables whose change by a user step sets the
    ``account_changed`` flag (empty: not tracked).
    """

    name: str
    screens: frozenset
    steps: tuple  # ((flag, frozenset((screen, event), ...)), ...)
    account: tuple = ()

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(flag for flag, _ in self.steps) + (("account_changed",) if self.account else ())

    def bit(self, flag: str) -> int:
        return 1 << self.flags.index(flag)


@dataclass(frozen=True)
class Step:
    """What one edge did, shared by every edge that did the same (interned)."""

    taken: tuple  # transition ids in order: the event's, system steps, signals
    counters: tuple  # how much each counter grew
    outcomes: frozenset  # guard-outcome ids seen while dispatching (see ProductGraph.outcome_names)
    entered: tuple  # screens entered, system screens included, in order


class _LightWorld(World):
    """A world whose history is not kept: the walk does not need it and it would grow forever."""

    def record(self, kind: str, *detail: Any) -> None:
        pass

    def show_note(self, kind: str) -> None:
        self.note = kind


class _Compiled:
    """One spec transition, ready to dispatch: guards with their outcome ids, effects, destination."""

    __slots__ = ("index", "id", "guards", "before", "dest", "after", "sends")

    def __init__(self, index, tid, guards, before, dest, after, sends):
        self.index, self.id, self.guards = index, tid, guards
        self.before, self.dest, self.after, self.sends = before, dest, after, sends


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


class _Walker:
    """The compiled spec: fires one event on one configuration, the way the real machine does."""

    def __init__(self, spec: Spec, domain: Domain, flows: tuple[FlowHistory, ...]):
        self.spec, self.domain, self.flows = spec, domain, flows
        rules = load_rules(spec.rules)
        self.variables = domain.kept_variables(spec)
        self.counters = domain.counters
        # A kept int leaves the walk when it passes the domain's bound or its variable's own range (a
        # negative balance is already a violation; following it further would never end).
        self.bounds = tuple(
            (position, -float("inf") if spec.variables[name].min is None else spec.variables[name].min,
             domain.bounds.get(name, float("inf") if spec.variables[name].max is None else spec.variables[name].max))
            for position, name in enumerate(self.variables) if spec.variables[name].type == "int")
        self.world = _LightWorld({name: spec.variables[name].initial for name in spec.variables},
                                 dict(domain.parameters))
        self.kinds = {name: event.kind for name, event in spec.events.items()}
        self.outcome_names: list[tuple[str, str, bool]] = []
        self._outcome_ids: dict[tuple[str, str, bool], int] = {}
        self.account_variable = spec.account.variable if spec.account else None
        self.screen_table = self._table(spec.transitions, list(spec.screens), rules)
        self.account_table = self._table(spec.account.transitions, list(spec.account.states), rules) \
            if spec.account else {}
        self.note_screens = {name for name, screen in spec.screens.items() if screen.note}
        self.system_screens = {name for name, screen in spec.screens.items() if screen.is_system}
        # The system events that can leave each system screen, in spec order (as machine.Flow does).
        self.system_steps: dict[str, list[str]] = {}
        for t in spec.transitions:
            if self.kinds.get(t.trigger) == "system":
                for source in t.sources:
                    steps = self.system_steps.setdefault(source, [])
                    if t.trigger not in steps:
                        steps.append(t.trigger)
        self.flow_steps = [{pair: flow.bit(flag) for flag, pairs in flow.steps for pair in pairs} for flow in flows]
        self.account_positions = [tuple(i for i, n in enumerate(self.variables) if n in flow.account)
                                  for flow in flows]
        self.account_counters = [tuple(i for i, n in enumerate(self.counters) if n in flow.account)
                                 for flow in flows]
        self._steps: dict[tuple, int] = {}
        self.steps: list[Step] = []
        self._read_values = _reader(self.variables)
        self._read_counters = _reader(self.counters)

    def outcome_id(self, key: tuple[str, str, bool]) -> int:
        if key not in self._outcome_ids:
            self._outcome_ids[key] = len(self.outcome_names)
            self.outcome_names.append(key)
        return self._outcome_ids[key]

    def _table(self, transitions, states, rules) -> dict[str, dict[str, list[_Compiled]]]:
        table: dict[str, dict[str, list[_Compiled]]] = {state: {} for state in states}
        for index, t in enumerate(transitions):
            guards = tuple(
                [(rules.guards[g], False, self.outcome_id((t.id, g, True)), self.outcome_id((t.id, g, False)))
                 for g in t.conditions]
                + [(rules.guards[g], True, self.outcome_id((t.id, g, True)), self.outcome_id((t.id, g, False)))
                   for g in t.unless])
            compiled = _Compiled(index, t.id, guards, tuple(rules.effects[e] for e in t.before), t.dest,
                                 tuple(rules.effects[e] for e in t.after), t.send)
            for source in (states if t.sources == ("*",) else t.sources):
                if source in table:
                    table[source].setdefault(t.trigger, []).append(compiled)
        return table

    def handles(self, screen: str, event: str) -> bool:
        kind = self.kinds[event]
        if kind == "user":
            return event in self.screen_table.get(screen, {})
        return kind == "environment" and self.account_variable is not None

    # -- firing ----------------------------------------------------------------------
    def _dispatch(self, region: str, state: str, event: str, run: dict) -> bool:
        table = self.screen_table if region == "screens" else self.account_table
        candidates = table.get(state, {}).get(event)
        if not candidates:
            return False
        world = self.world
        chosen = None
        enabled = []
        outcomes = run["outcomes"]
        for candidate in candidates:
            ok = True
            for fn, negate, id_true, id_false in candidate.guards:
                value = bool(fn(world))
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

    def fire(self, config: Configuration, event: str):
        """Fire ``event`` on ``config``.

        Returns (accepted, target configuration, step, nondeterminism records,
        guard outcomes — None when the target is beyond the bounds). Raises FlowRuntimeError
        when the spec leaves the app stuck on a system screen.
        """
        world = self.world
        world.__dict__.update(zip(self.variables, config.world))
        for name in self.counters:
            setattr(world, name, 0)
        self.screen = config.screen
        run = {"taken": [], "outcomes": set(), "nondeterminism": [], "entered": []}
        if self.kinds[event] == "user":
            accepted = self._dispatch("screens", config.screen, event, run)
        else:
            accepted = self.account_variable is not None and self._dispatch(
                "account", getattr(world, self.account_variable), event, run)
        if not accepted:
            return False, None, None, run["nondeterminism"], frozenset(run["outcomes"])
        for _ in range(MAX_SYSTEM_STEPS):
            if self.screen not in self.system_screens:
                break
            for step in self.system_steps.get(self.screen, []):
                if self._dispatch("screens", self.screen, step, run):
                    break
            else:
                raise FlowRuntimeError(f"the app is stuck on system screen {self.screen!r}: no system step is "
                                       "enabled")
        else:
            raise FlowRuntimeError(f"system steps loop for more than {MAX_SYSTEM_STEPS} steps")
        values = self._read_values(world)
        counters = self._read_counters(world)
        step = (tuple(run["taken"]), counters, frozenset(run["outcomes"]), tuple(run["entered"]))
        history = self.next_history(config, event, self.screen, values, counters)
        target = Configuration(self.screen, values, history)
        for position, low, high in self.bounds:
            if not low <= values[position] <= high:
                return True, target, step, run["nondeterminism"], None  # beyond the bounds: not explored
        return True, target, step, run["nondeterminism"], step[2]

    def flags_during(self, flow_index: int, config: Configuration, event: str) -> int:
        """A flow's flags right after ``event``'s own step is counted, before the flow may close."""
        return config.history[flow_index] | self.flow_steps[flow_index].get((config.screen, event), 0)

    def next_history(self, config: Configuration, event: str, screen_after: str, values: tuple,
                     counters: tuple) -> tuple:
        if not self.flows:
            return ()
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
                bits |= flow.bit("account_changed")
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


def explore_spec(spec: Spec, domain: Domain | None = None, flows: tuple[FlowHistory, ...] | None = None,
                 progress: Callable[[str], None] | None = None) -> ProductGraph:
    """Walk ``spec`` exhaustively from every initial world of ``domain`` (default: the spec's own).

    ``flows``: the bounded history to keep (default: the flows the spec's
    ``properties`` section declares). Raises SpecError for a bad domain or
    properties section, FlowRuntimeError (with the path that got there) when
    the spec leaves the app stuck.
    """
    with paused_gc():
        return _explore(spec, domain, flows, progress)


def _explore(spec: Spec, domain: Domain | None, flows: tuple[FlowHistory, ...] | None,
             progress: Callable[[str], None] | None) -> ProductGraph:
    started = time.perf_counter()
    domain = domain or domain_of(spec)
    if flows is None:
        from .properties import parse_properties
        flows = parse_properties(spec).flows
    walker = _Walker(spec, domain, tuple(flows))
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
    graph = ProductGraph(spec, domain, walker.variables, walker.flows, events, nodes, index, initial,
                         initial_world, [], [], [], [], walker.steps, out, parent, depth, {}, walker.outcome_names)
    src, dst, ev, st = graph.src, graph.dst, graph.event, graph.step
    handled_cache: dict[str, list[tuple[str, int]]] = {}
    nondeterminism = graph.nondeterminism
    handled = graph.handled
    enabled = graph.enabled
    fire, intern = walker.fire, walker.intern
    queue = deque(initial)
    processed = 0
    while queue:
        node = queue.popleft()
        processed += 1
        if progress is not None and processed & 1023 == 0:
            progress(f"exploring: {len(nodes)} configurations, {len(src)} edges, {len(queue)} to go")
        config = nodes[node]
        screen_events = handled_cache.get(config.screen)
        if screen_events is None:
            screen_events = handled_cache[config.screen] = [
                (e, event_index[e]) for e in events if walker.handles(config.screen, e)]
        for event, e_index in screen_events:
            try:
                accepted, target, step, nondet, outcomes = fire(config, event)
            except FlowRuntimeError as exc:
                path = " -> ".join(events[ev[e]] for e in graph.path_to(node)) or "(no step)"
                raise FlowRuntimeError(f"{exc}; reached from {graph.initial_world[graph.root_of(node)]} by "
                                       f"{path} then {event}") from None
            for record in nondet:
                nondeterminism.setdefault(record, []).append((node, event))
            counts = handled.get((config.screen, event))
            if counts is None:
                counts = handled[(config.screen, event)] = [0, 0]
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
            target_id = index.get(target)
            edge = len(src)
            if target_id is None:
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


def walk_with_machine(spec: Spec, domain: Domain | None = None, flows: tuple[FlowHistory, ...] = ()
                      ) -> tuple[set[Configuration], set[tuple]]:
    """The reference walk: the same exploration through the real machine (slow; for tests).

    Returns the configurations and the edges (source, event, target, taken).
    """
    domain = domain or domain_of(spec)
    walker = _Walker(spec, domain, tuple(flows))  # only for the shared history rule
    world = make_world(spec, {**{n: spec.variables[n].initial for n in spec.variables}, **domain.parameters})
    flow = Flow(spec, world)
    events = spec.events_of_kind("user") + spec.events_of_kind("environment")
    seen: set[Configuration] = set()
    edges: set[tuple] = set()
    queue = deque()
    for config, _ in _initial_configurations(spec, domain, walker):
        if config not in seen:
            seen.add(config)
            queue.append(config)
    while queue:
        config = queue.popleft()
        for event in events:
            for name, value in zip(walker.variables, config.world):
                setattr(world, name, value)
            for name in walker.counters:
                setattr(world, name, 0)
            flow.set_screen(config.screen)
            result = flow.fire(event)
            if not result.accepted:
                continue
            values = tuple(getattr(world, name) for name in walker.variables)
            counters = tuple(getattr(world, name) for name in walker.counters)
            if any(not low <= values[position] <= high for position, low, high in walker.bounds):
                continue
            target = Configuration(flow.screen, values,
                                   walker.next_history(config, event, flow.screen, values, counters))
            edges.add((config, event, target, tuple(result.taken)))
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen, edges
