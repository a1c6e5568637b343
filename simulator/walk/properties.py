"""The properties a flow must keep, declared in the spec and checked on the whole product graph.

The spec's ``properties:`` section names the *watched* variables (what No, Cancel
or a failure must not change; ``watched_called`` says how messages name them),
the *counter* (a whole-number variable whose every rise the ``counter_*`` kinds
check), which flows a configuration remembers (a bounded history: which steps of
the flow it is in were taken), and the properties, each by name with its
sentence and one or more checks. A check is a *kind* defined here (generic code)
with parameters from the spec: which events are No/Cancel/Back, which steps must
come first, which system events use the network, which guards must hold when
the counter rises. So the same code checks any spec that declares the same kinds
of promise, as the coffee machine of ``kmsflow init`` could::

    properties:
      watched: [credit, cups]
      watched_called: the customer's money and cups
      counter: cups
      history:
        buying:
          screens: [confirm, note_served, note_no_credit, note_empty]
          steps: {confirmed: {screen: confirm, event: press_yes}}
      must_hold:
        - name: served_only_when_confirmed
          text: "A cup is served only after Yes on the confirmation, for the price taken once from the credit."
          check:
            - {kind: counter_rises_after_steps, flow: buying, steps: [confirmed]}
            - {kind: counter_rise_trades, takes: price, takes_from: credit}
        - name: no_changes_nothing
          text: "No on the confirmation changes neither the credit nor the cups."
          check: {kind: events_keep_watched, events: [press_no]}

Each violation is reported with a shortest path from an initial configuration
(the walk is breadth first, so its tree gives one).
"""
from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from ..errors import SpecError
from .explore import Configuration, ProductGraph, paused_gc
from ..spec.resolve import ACCOUNT_CHANGED
from .history import FlowHistory, declared_flows
from ..spec.model import WATCHED_CALLED, PropertyDecl, Spec
from ..spec.resolve import conditions_of, properties_problems
from ..runtime.compiled import CompiledFlow, CompiledTransition
from ..rules import rules_of
from ..runtime.world import make_world

__all__ = ["PropertyDecl", "PropertySet", "Violation", "PropertyResult", "parse_properties",
           "check_properties", "CHECK_KINDS", "dead_end_nodes"]


@dataclass
class PropertySet:
    watched: tuple[str, ...] = ()
    counter: str | None = None
    flows: tuple[FlowHistory, ...] = ()
    properties: list[PropertyDecl] = field(default_factory=list)
    watched_called: str = WATCHED_CALLED


@dataclass
class Violation:
    """Where a property fails: at a node, or on the edge ``event`` leaving ``node`` (ending in ``target``)."""

    node: int
    event: int | None = None
    target: Configuration | None = None
    message: str = ""

    @property
    def length(self) -> int:
        return 0 if self.event is None else 1


@dataclass
class PropertyResult:
    name: str
    text: str
    holds: bool
    violations: int = 0
    first: Violation | None = None  # one reached by a shortest path


# -- building from the spec's section -------------------------------------------------

def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def parse_properties(spec: Spec) -> PropertySet:
    """The spec's properties section (an empty set when it has none); SpecError with every problem."""
    decl = spec.properties
    if decl is None:
        return PropertySet()
    problems = properties_problems(spec)
    if problems:
        raise SpecError(sorted(problems))
    watched = tuple(ref.name for ref in decl.watched)
    flows = declared_flows(spec)
    counter = decl.counter.name if decl.counter else None
    return PropertySet(watched, counter, flows, list(decl.must_hold), decl.watched_called)


# -- checking ------------------------------------------------------------------------

class _Context:
    """Shared, lazily computed views of a product graph for the checks."""

    def __init__(self, graph: ProductGraph, props: PropertySet):
        self.graph, self.props = graph, props
        spec = graph.spec
        self.spec = spec
        self.rules = rules_of(spec)
        self.kinds = [spec.events[name].kind for name in graph.events]
        self.position = {name: i for i, name in enumerate(graph.variables)}
        self.counter_position = {name: i for i, name in enumerate(graph.domain.counters)}
        self.flow_index = {flow.name: i for i, flow in enumerate(graph.flows)}
        self.flow_steps = [{pair: flow.bit(flag) for flag, pairs in flow.steps for pair in pairs}
                           for flow in graph.flows]
        self.notes = {name: screen.note for name, screen in spec.screens.items() if screen.note}
        self._edges_by_step: dict[int, list[int]] | None = None
        self._compiled: CompiledFlow | None = None
        # Many configurations share one world (it differs by screen only): values by name are built once
        # per world and shared, so callers must treat them as read-only.
        self._values: dict[tuple, dict[str, Any]] = {}

    def value(self, node: int, name: str) -> Any:
        """A variable or parameter as the node's configuration has it (a parameter the domain varies is kept)."""
        position = self.position.get(name)
        return self.graph.domain.parameters[name] if position is None else self.graph.nodes[node].world[position]

    def moments(self, node: int, step: int) -> list[tuple[CompiledTransition, dict, dict]]:
        """Each transition a step took, with the world just before it (what its guards read) and just after.

        The walk keeps only where a step starts and ends; a property about the
        moment something happened (a counter that rises in a step's second
        transition rises in the world the first one left) replays the step's recorded transitions
        with the same compiled effects, from the node's world and the counters at 0.
        """
        if self._compiled is None:
            self._compiled = CompiledFlow(self.spec, self.rules)
        compiled = self._compiled
        world = self.world(self.graph.nodes[node].world)
        for name in self.graph.domain.counters:
            setattr(world, name, 0)
        names = (*world.variable_names, *world.parameter_names)
        account = compiled.account_variable
        out = []
        for transition_id in self.graph.steps[step].taken:
            t = compiled.by_id[transition_id]
            before = {name: getattr(world, name) for name in names}
            for _, effect in t.before:
                effect(world)
            if t.dest is not None and t.region == "account":
                setattr(world, account, t.dest)
            for _, effect in t.after:
                effect(world)
            out.append((t, before, {name: getattr(world, name) for name in names}))
        return out

    def edges_by_step(self) -> dict[int, list[int]]:
        if self._edges_by_step is None:
            groups: dict[int, list[int]] = defaultdict(list)
            for edge, step in enumerate(self.graph.step):
                groups[step].append(edge)
            self._edges_by_step = groups
        return self._edges_by_step

    def all_edges(self) -> Iterator[tuple[int, int, Configuration, int]]:
        """(source node, event index, target configuration, step id) of every edge, cut ones included."""
        graph = self.graph
        nodes = graph.nodes
        for step, edges in self.edges_by_step().items():
            for edge in edges:
                yield graph.src[edge], graph.event[edge], nodes[graph.dst[edge]], step
        for node, event, target, step in graph.cut:
            yield node, event, target, step

    def edges_where(self, step_test: Callable[[int], bool]) -> Iterator[tuple[int, int, Configuration, int]]:
        graph = self.graph
        nodes = graph.nodes
        for step, edges in self.edges_by_step().items():
            if step_test(step):
                for edge in edges:
                    yield graph.src[edge], graph.event[edge], nodes[graph.dst[edge]], step
        for node, event, target, step in graph.cut:
            if step_test(step):
                yield node, event, target, step

    def counted_rise(self, step: int) -> int:
        """How much a step raised the section's counter, when the domain counts it (else 0)."""
        counter = self.props.counter
        if counter is None:
            return 0
        if counter in self.counter_position:
            return self.graph.steps[step].counters[self.counter_position[counter]]
        return 0

    def rise_between(self, node: int, target: Configuration, step: int) -> int:
        """How much the section's counter grew on an edge (kept or counted)."""
        counter = self.props.counter
        if counter in self.position:
            position = self.position[counter]
            return target.world[position] - self.graph.nodes[node].world[position]
        return self.counted_rise(step)

    def change(self, node: int, target: Configuration, step: int, name: str) -> int:
        """How much a whole-number variable changed on an edge: kept ones by their values, counted ones
        (the domain's counters, which a configuration forgets) by what the step recorded."""
        if name in self.position:
            position = self.position[name]
            return target.world[position] - self.graph.nodes[node].world[position]
        return self.graph.steps[step].counters[self.counter_position[name]]

    def flags_during(self, flow: str, node: int, event: int) -> int:
        index = self.flow_index[flow]
        config = self.graph.nodes[node]
        return config.history[index] | self.flow_steps[index].get((config.screen, self.graph.events[event]), 0)

    def watched_changed(self, node: int, target: Configuration, step: int) -> bool:
        before = self.graph.nodes[node].world
        for name in self.props.watched:
            if name in self.position:
                if before[self.position[name]] != target.world[self.position[name]]:
                    return True
            elif self.graph.steps[step].counters[self.counter_position[name]]:
                return True
        return False

    def values(self, world: tuple) -> dict[str, Any]:
        """A configuration's kept values by name, over the domain's parameters: the configuration's own
        values win, since a domain that ranges over a parameter keeps it there."""
        return {**self.graph.domain.parameters, **dict(zip(self.graph.variables, world))}

    def world(self, values: tuple):
        return make_world(self.spec, self.values(values))


def _rising_edges(ctx: _Context):
    """Every edge on which the section's counter rose."""
    if ctx.props.counter in ctx.position:
        return ((n, e, t, s) for n, e, t, s in ctx.all_edges() if ctx.rise_between(n, t, s) > 0)
    return ctx.edges_where(lambda step: ctx.counted_rise(step) > 0)


def _needs_text(flow: FlowHistory, needed: int, have: int) -> str:
    return ", ".join(flag for i, flag in enumerate(flow.flags) if needed >> i & 1 and not have >> i & 1)


def _check_counter_rises_after_steps(ctx: _Context, params: dict) -> Iterator[Violation]:
    # A rise caused by a user step comes after the flow's listed steps, taken in the same flow.
    flow = ctx.graph.flows[ctx.flow_index[params["flow"]]]
    needed = sum(flow.bit(flag) for flag in _as_list(params["steps"]))
    for node, event, target, _step in _rising_edges(ctx):
        if ctx.kinds[event] != "user":
            continue
        have = ctx.flags_during(params["flow"], node, event)
        if have & needed != needed:
            yield Violation(node, event, target, f"{ctx.props.counter} rose on {ctx.graph.events[event]} before "
                            f"{_needs_text(flow, needed, have)}")


def _check_steps_before_events(ctx: _Context, params: dict) -> Iterator[Violation]:
    flow = ctx.graph.flows[ctx.flow_index[params["flow"]]]
    needed = sum(flow.bit(flag) for flag in _as_list(params["steps"]))
    watched = set(_as_list(params["events"]))
    transitions = {t.id for t in ctx.spec.all_transitions() if t.trigger in watched}
    steps = ctx.graph.steps
    for node, event, target, step in ctx.edges_where(lambda s: not transitions.isdisjoint(steps[s].taken)):
        have = ctx.flags_during(params["flow"], node, event)
        if have & needed != needed:
            used = [t for t in steps[step].taken if t in transitions]
            yield Violation(node, event, target, f"{', '.join(used)} ran before {_needs_text(flow, needed, have)}")


def _check_counter_rises_only_when(ctx: _Context, params: dict) -> Iterator[Violation]:
    # Checked on the world the raising transition was chosen in (see _Context.moments): for a transition
    # that follows another in one step, that is the world the first one left, not where the step started.
    by = params.get("by", "any")
    guards = [(name, ctx.rules.guards[name]) for name in _as_list(params.get("guards", []))]
    # Literal ranges, so the property does not lean only on the guards it is meant to check.
    ranges = list((params.get("within") or {}).items())
    counter = ctx.props.counter
    for node, event, target, step in _rising_edges(ctx):
        if by != "any" and ctx.kinds[event] != by:
            continue
        for transition, before, after in ctx.moments(node, step):
            if after[counter] <= before[counter]:
                continue
            world = make_world(ctx.spec, before)
            failing = [name for name, guard in guards if not guard(world)]
            failing += [f"{name} in {low}..{high} (it was {before[name]})" for name, (low, high) in ranges
                        if not low <= before[name] <= high]
            if failing:
                yield Violation(node, event, target, f"{counter} rose on {ctx.graph.events[event]} "
                                f"({transition.id}) although {', '.join(failing)} did not hold when it rose")


def _check_never_below(ctx: _Context, params: dict) -> Iterator[Violation]:
    limits = [(ctx.position[name], name, minimum) for name, minimum in params["values"].items()
              if name in ctx.position]
    for node, config in enumerate(ctx.graph.nodes):
        for position, name, minimum in limits:
            if config.world[position] < minimum:
                yield Violation(node, message=f"{name} = {config.world[position]} is below {minimum}")
    for node, event, target, _step in ctx.graph.cut:
        for position, name, minimum in limits:
            if target.world[position] < minimum:
                yield Violation(node, event, target, f"{name} = {target.world[position]} is below {minimum}")


def _check_notes_keep_watched(ctx: _Context, params: dict) -> Iterator[Violation]:
    notes = set(_as_list(params["notes"]))
    failure_screens = {screen for screen, note in ctx.notes.items() if note in notes}
    steps = ctx.graph.steps
    flow_index = ctx.flow_index[params["flow"]]
    flow = ctx.graph.flows[flow_index]
    touched = flow.bit(ACCOUNT_CHANGED) if flow.account else 0
    for node, event, target, step in ctx.edges_where(lambda s: not failure_screens.isdisjoint(steps[s].entered)):
        if ctx.kinds[event] != "user":
            continue
        earlier = ctx.graph.nodes[node].history[flow_index] & touched
        if earlier or ctx.watched_changed(node, target, step):
            yield Violation(node, event, target, f"{target.screen} ({ctx.notes.get(target.screen, 'a listed')} note) "
                            f"was reached but {ctx.props.watched_called} changed"
                            f"{' earlier in the flow' if earlier else ''}")


def _check_events_keep_watched(ctx: _Context, params: dict) -> Iterator[Violation]:
    events = {ctx.graph.events.index(e) for e in _as_list(params["events"]) if e in ctx.graph.events}
    for node, event, target, step in ctx.all_edges():
        if event in events and ctx.watched_changed(node, target, step):
            yield Violation(node, event, target, f"{ctx.graph.events[event]} changed {ctx.props.watched_called}")


def _check_note_sets(ctx: _Context, params: dict) -> Iterator[Violation]:
    screens = {screen for screen, note in ctx.notes.items() if note == params["note"]}
    steps = ctx.graph.steps
    keeps = [ctx.position[name] for name in params.get("keeps", []) if name in ctx.position]
    sets = [(ctx.position[name], name, value) for name, value in (params.get("sets") or {}).items()]
    for node, event, target, _step in ctx.edges_where(lambda s: not screens.isdisjoint(steps[s].entered)):
        before = ctx.graph.nodes[node].world
        wrong = [f"{ctx.graph.variables[p]} changed {before[p]} -> {target.world[p]}" for p in keeps
                 if before[p] != target.world[p]]
        wrong += [f"{name} is {target.world[p]!r}, not {value!r}" for p, name, value in sets
                  if target.world[p] != value]
        if wrong:
            yield Violation(node, event, target, "; ".join(wrong))


def _check_counter_rise_trades(ctx: _Context, params: dict) -> Iterator[Violation]:
    # Exact, not "at least": with a domain that varies the parameter, a rule that adds or takes a fixed
    # amount (the default value, hard-coded) shows here. What is added may fall short by `slack`: another
    # transition of the same step may take some of it away again.
    slack = int(params.get("slack", 0))
    counter = ctx.props.counter
    sides = [(params[f"{way}_{to}"], params[way], sign)
             for way, to, sign in (("adds", "to", 1), ("takes", "from", -1)) if way in params]
    for node, event, target, step in _rising_edges(ctx):
        rose = ctx.rise_between(node, target, step)
        for variable, amount_name, sign in sides:
            amount = ctx.value(node, amount_name)
            moved = sign * ctx.change(node, target, step, variable)
            low = rose * amount - (slack if sign > 0 else 0)
            if not low <= moved <= rose * amount:
                verb = "gained" if sign > 0 else "lost"
                yield Violation(node, event, target, f"{counter} rose by {rose} but {variable} {verb} {moved}, not "
                                f"{rose} time(s) {amount_name} ({amount})")


def _check_within_ranges(ctx: _Context, params: dict) -> Iterator[Violation]:
    # The walk does not explore a step that leaves a variable's declared range (it is cut, like one beyond
    # the domain's bounds); this is where such a step becomes a failed property, not only a count.
    compiled = CompiledFlow(ctx.spec, ctx.rules)
    variables = [name for name in ctx.graph.variables if name in ctx.spec.variables]
    for node, event, target, _step in ctx.graph.cut:
        values = dict(zip(ctx.graph.variables, target.world))
        problems = compiled.range_problems({name: values[name] for name in variables})
        if problems:
            yield Violation(node, event, target, "; ".join(problems))


def _place_nodes(ctx: _Context, place: dict) -> list[int]:
    conditions = conditions_of(ctx.spec, place["where"])
    note_screens = {screen for screen, note in ctx.notes.items() if note == place["note"]}
    out = []
    for node, config in enumerate(ctx.graph.nodes):
        if place["screen"] is not None and config.screen != place["screen"]:
            continue
        if place["note"] is not None and config.screen not in note_screens:
            continue
        values = ctx.values(config.world)
        if all(condition.holds(values) for condition in conditions):
            out.append(node)
    return out


def _place_text(place: dict) -> str:
    where = " and ".join(text for text, _ in place["where"])
    at = f"screen {place['screen']}" if place["screen"] else f"a {place['note']} note"
    return at + (f" where {where}" if where else "")


def _check_can_reach(ctx: _Context, params: dict) -> Iterator[Violation]:
    # A liveness promise: from every reachable configuration matching `from`, steps of the allowed kind
    # (by default the user's own, the world standing still) can reach one matching `to`.
    by = params.get("by", "user")
    graph = ctx.graph
    starts = _place_nodes(ctx, params["from"])
    if not starts:
        yield Violation(graph.initial[0], message=f"no reachable configuration is at {_place_text(params['from'])}, "
                        "so the promise says nothing: the domain never gets there")
        return
    incoming: list[list[int]] = [[] for _ in graph.nodes]
    for u, v, e in zip(graph.src, graph.dst, graph.event):
        if by == "any" or ctx.kinds[e] == by:
            incoming[v].append(u)
    reached = _reaching(incoming, _place_nodes(ctx, params["to"]))
    steps = "user steps" if by == "user" else f"{by} steps" if by != "any" else "any steps"
    for node in starts:
        if not reached[node]:
            yield Violation(node, message=f"no {steps} lead from here to {_place_text(params['to'])}")


def _check_note_requires(ctx: _Context, params: dict) -> Iterator[Violation]:
    # A note is a resting screen, so a step that shows one ends on it: the promise is checked on the
    # world the note is shown in, the step's target.
    screens = {screen for screen, note in ctx.notes.items() if note == params["note"]}
    conditions = conditions_of(ctx.spec, params["where"])
    steps = ctx.graph.steps
    for node, event, target, _step in ctx.edges_where(lambda s: not screens.isdisjoint(steps[s].entered)):
        if target.screen not in screens:
            continue
        values = ctx.values(target.world)
        failing = [c.text for c in conditions if not c.holds(values)]
        if failing:
            yield Violation(node, event, target, f"the {params['note']} note ({target.screen}) is shown "
                            f"although {' and '.join(failing)} does not hold")


def _check_returns_to_parent(ctx: _Context, params: dict) -> Iterator[Violation]:
    watched = {ctx.graph.events.index(e) for e in _as_list(params["events"]) if e in ctx.graph.events}
    on = set(params.get("on", ())) or None
    parents = {name: screen.parent for name, screen in ctx.spec.screens.items()
               if screen.parent and (on is None or screen.kind in on)}
    graph = ctx.graph
    edges = ((graph.src[e], graph.event[e], graph.nodes[graph.dst[e]]) for e in range(graph.edge_count)
             if graph.event[e] in watched)
    cut = ((node, event, target) for node, event, target, _step in graph.cut if event in watched)
    for node, event, target in (*edges, *cut):
        source = ctx.graph.nodes[node].screen
        parent = parents.get(source)
        if parent is not None and target.screen != parent:
            yield Violation(node, event, target, f"{ctx.graph.events[event]} on {source} leads to {target.screen}, "
                            f"not to its parent {parent}")


def _check_offered_when(ctx: _Context, params: dict) -> Iterator[Violation]:
    # On every reachable configuration of the screen, the event is accepted exactly when the comparisons
    # hold: a menu item is listed when it should be, and only then.
    graph = ctx.graph
    if params["event"] not in graph.events:
        return
    event = graph.events.index(params["event"])
    conditions = conditions_of(ctx.spec, params["where"])
    accepted = {graph.src[e] for e in range(graph.edge_count) if graph.event[e] == event}
    accepted |= {node for node, e, _target, _step in graph.cut if e == event}
    for node, config in enumerate(graph.nodes):
        if config.screen != params["screen"]:
            continue
        values = ctx.values(config.world)
        should = all(c.holds(values) for c in conditions)
        if should != (node in accepted):
            where = " and ".join(c.text for c in conditions)
            yield Violation(node, message=f"{params['event']} is {'refused' if should else 'accepted'} on "
                            f"{params['screen']} although {where} {'holds' if should else 'does not hold'}")


def _check_parameters_vary(ctx: _Context, params: dict) -> Iterator[Violation]:
    graph = ctx.graph
    for name in _as_list(params["parameters"]):
        seen = {ctx.value(node, name) for node in graph.initial}
        if len(seen) < 2:
            yield Violation(graph.initial[0], message=f"the walk ran with {name} = {', '.join(map(str, sorted(seen)))} "
                            "only: a rule that hard-codes that value would pass; list two or more values of it under "
                            "domain.initial (or --domain)")


def dead_end_nodes(graph: ProductGraph) -> list[int]:
    """Nodes from which no configuration on the spec's home screen can be reached (breadth-first order)."""
    incoming: list[list[int]] = [[] for _ in graph.nodes]
    for u, v in zip(graph.src, graph.dst):
        incoming[v].append(u)
    home = graph.spec.home_screen
    reached = _reaching(incoming, [node for node, config in enumerate(graph.nodes) if config.screen == home])
    return [node for node, ok in enumerate(reached) if not ok]


def _reaching(incoming: list[list[int]], targets: list[int]) -> list[bool]:
    """For each node, whether some path along the edges ``incoming`` lists (backwards) leads into ``targets``."""
    reached = [False] * len(incoming)
    queue = deque(targets)
    for node in targets:
        reached[node] = True
    while queue:
        node = queue.popleft()
        for u in incoming[node]:
            if not reached[u]:
                reached[u] = True
                queue.append(u)
    return reached


def _check_home_reachable(ctx: _Context, params: dict) -> Iterator[Violation]:
    for node in dead_end_nodes(ctx.graph):
        yield Violation(node, message=f"{ctx.spec.home_screen} cannot be reached from here")


def _check_deterministic(ctx: _Context, params: dict) -> Iterator[Violation]:
    for (_region, state, event, ids), places in ctx.graph.nondeterminism.items():
        for node, fired in places:
            yield Violation(node, ctx.graph.events.index(fired), None,
                            f"{event} on {state}: {' and '.join(ids)} are enabled together")


def _check_constraints_hold(ctx: _Context, params: dict) -> Iterator[Violation]:
    # The spec's world constraints say which worlds cannot occur; none may become reachable.
    guards = [(name, ctx.rules.guards[name]) for name in _as_list(params["guards"])]
    failing_in: dict[tuple, list[str]] = {}  # a verdict per world, not per configuration: screens share worlds
    for node, config in enumerate(ctx.graph.nodes):
        failing = failing_in.get(config.world)
        if failing is None:
            world = ctx.world(config.world)
            failing = failing_in[config.world] = [name for name, guard in guards if not guard(world)]
        if failing:
            yield Violation(node, message=f"{', '.join(failing)} does not hold here")


CHECK_KINDS: dict[str, Callable[[_Context, dict], Iterator[Violation]]] = {
    "counter_rises_after_steps": _check_counter_rises_after_steps,
    "steps_before_events": _check_steps_before_events,
    "counter_rises_only_when": _check_counter_rises_only_when,
    "never_below": _check_never_below,
    "notes_keep_watched": _check_notes_keep_watched,
    "events_keep_watched": _check_events_keep_watched,
    "note_sets": _check_note_sets,
    "counter_rise_trades": _check_counter_rise_trades,
    "home_reachable": _check_home_reachable,
    "deterministic": _check_deterministic,
    "constraints_hold": _check_constraints_hold,
    "within_ranges": _check_within_ranges,
    "can_reach": _check_can_reach,
    "note_requires": _check_note_requires,
    "returns_to_parent": _check_returns_to_parent,
    "parameters_vary": _check_parameters_vary,
    "offered_when": _check_offered_when,
}


def check_properties(graph: ProductGraph, props: PropertySet | None = None) -> list[PropertyResult]:
    """Check every declared property on ``graph``; each result keeps one violation a shortest path reaches."""
    props = props if props is not None else parse_properties(graph.spec)
    with paused_gc():
        return _check_all(graph, props)


def _check_all(graph: ProductGraph, props: PropertySet) -> list[PropertyResult]:
    ctx = _Context(graph, props)
    results = []
    for decl in props.properties:
        count = 0
        best: Violation | None = None
        for check in decl.checks:
            for violation in CHECK_KINDS[check.kind](ctx, check.params):
                count += 1
                key = (graph.depth[violation.node] + violation.length, violation.node,
                       -1 if violation.event is None else violation.event)
                if best is None or key < (graph.depth[best.node] + best.length, best.node,
                                          -1 if best.event is None else best.event):
                    best = violation
        results.append(PropertyResult(decl.name, decl.text, count == 0, count, best))
    return results
