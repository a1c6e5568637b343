"""The properties a flow must keep, declared in the spec and checked on the whole product graph.

The spec's ``properties:`` section says what "the account" is, which flows a
configuration remembers (a bounded history: which steps of the flow it is in
were taken), and the properties, each by name with its sentence and one or
more checks. A check is a *kind* defined here (generic code) with parameters
from the spec: which events are No/Cancel/Back, which steps are consent, which
system events use the network, which guards a charge needs. So the same code
checks any spec that declares the same kinds of promise::

    properties:
      account: [subscription, days_left, balance, charges]
      charge_counter: charges
      history:
        one_click_buy:
          screens: [terms, access_point, ...]
          steps: {terms_accepted: {screen: terms, event: press_yes}, ...}
      must_hold:
        - name: no_charge_without_consent
          text: "A charge made in the One-Click Buy flow comes after Yes on the terms and Yes on the price."
          check: {kind: steps_before_charge, flow: one_click_buy, steps: [terms_accepted, price_accepted]}

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
from ..spec.model import PropertyDecl, Spec
from ..spec.resolve import properties_problems
from ..rules import load_rules
from ..runtime.world import make_world

__all__ = ["PropertyDecl", "PropertySet", "Violation", "PropertyResult", "parse_properties",
           "check_properties", "CHECK_KINDS", "dead_end_nodes"]


@dataclass
class PropertySet:
    account: tuple[str, ...] = ()
    charge_counter: str | None = None
    flows: tuple[FlowHistory, ...] = ()
    properties: list[PropertyDecl] = field(default_factory=list)


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
    account = tuple(ref.name for ref in decl.account)
    flows = declared_flows(spec)
    counter = decl.charge_counter.name if decl.charge_counter else None
    return PropertySet(account, counter, flows, list(decl.must_hold))


# -- checking ------------------------------------------------------------------------

class _Context:
    """Shared, lazily computed views of a product graph for the checks."""

    def __init__(self, graph: ProductGraph, props: PropertySet):
        self.graph, self.props = graph, props
        spec = graph.spec
        self.spec = spec
        self.rules = load_rules(spec.rules)
        self.kinds = [spec.events[name].kind for name in graph.events]
        self.position = {name: i for i, name in enumerate(graph.variables)}
        self.counter_position = {name: i for i, name in enumerate(graph.domain.counters)}
        self.flow_index = {flow.name: i for i, flow in enumerate(graph.flows)}
        self.flow_steps = [{pair: flow.bit(flag) for flag, pairs in flow.steps for pair in pairs}
                           for flow in graph.flows]
        self.notes = {name: screen.note for name, screen in spec.screens.items() if screen.note}
        self._edges_by_step: dict[int, list[int]] | None = None

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

    def charged(self, step: int) -> int:
        counter = self.props.charge_counter
        if counter is None:
            return 0
        if counter in self.counter_position:
            return self.graph.steps[step].counters[self.counter_position[counter]]
        return 0

    def charge_between(self, node: int, target: Configuration, step: int) -> int:
        """How much the charge counter grew on an edge (kept or counted)."""
        counter = self.props.charge_counter
        if counter in self.position:
            position = self.position[counter]
            return target.world[position] - self.graph.nodes[node].world[position]
        return self.charged(step)

    def flags_during(self, flow: str, node: int, event: int) -> int:
        index = self.flow_index[flow]
        config = self.graph.nodes[node]
        return config.history[index] | self.flow_steps[index].get((config.screen, self.graph.events[event]), 0)

    def account_changed(self, node: int, target: Configuration, step: int) -> bool:
        before = self.graph.nodes[node].world
        for name in self.props.account:
            if name in self.position:
                if before[self.position[name]] != target.world[self.position[name]]:
                    return True
            elif self.graph.steps[step].counters[self.counter_position[name]]:
                return True
        return False

    def world(self, values: tuple):
        return make_world(self.spec, {**dict(zip(self.graph.variables, values)), **self.graph.domain.parameters})


def _charging_edges(ctx: _Context):
    if ctx.props.charge_counter in ctx.position:
        return ((n, e, t, s) for n, e, t, s in ctx.all_edges() if ctx.charge_between(n, t, s) > 0)
    return ctx.edges_where(lambda step: ctx.charged(step) > 0)


def _needs_text(flow: FlowHistory, needed: int, have: int) -> str:
    return ", ".join(flag for i, flag in enumerate(flow.flags) if needed >> i & 1 and not have >> i & 1)


def _check_steps_before_charge(ctx: _Context, params: dict) -> Iterator[Violation]:
    flow = ctx.graph.flows[ctx.flow_index[params["flow"]]]
    needed = sum(flow.bit(flag) for flag in _as_list(params["steps"]))
    for node, event, target, _step in _charging_edges(ctx):
        if ctx.kinds[event] != "user":
            continue
        have = ctx.flags_during(params["flow"], node, event)
        if have & needed != needed:
            yield Violation(node, event, target, f"charged by {ctx.graph.events[event]} before "
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


def _check_charge_requires(ctx: _Context, params: dict) -> Iterator[Violation]:
    by = params.get("by", "any")
    guards = [(name, ctx.rules.guards[name]) for name in _as_list(params.get("guards", []))]
    # Literal ranges, so the property does not lean only on the guards it is meant to check.
    ranges = [(ctx.position[name], name, low, high) for name, (low, high) in (params.get("within") or {}).items()]
    for node, event, target, _step in _charging_edges(ctx):
        if by != "any" and ctx.kinds[event] != by:
            continue
        values = ctx.graph.nodes[node].world
        world = ctx.world(values)
        failing = [name for name, guard in guards if not guard(world)]
        failing += [f"{name} in {low}..{high} (it was {values[position]})" for position, name, low, high in ranges
                    if not low <= values[position] <= high]
        if failing:
            yield Violation(node, event, target, f"charged by {ctx.graph.events[event]} although "
                            f"{', '.join(failing)} did not hold before")


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


def _check_notes_keep_account(ctx: _Context, params: dict) -> Iterator[Violation]:
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
        if earlier or ctx.account_changed(node, target, step):
            yield Violation(node, event, target, f"the activation failed ({target.screen}) but the account "
                            f"changed{' earlier in the flow' if earlier else ''}")


def _check_events_keep_account(ctx: _Context, params: dict) -> Iterator[Violation]:
    watched = {ctx.graph.events.index(e) for e in _as_list(params["events"]) if e in ctx.graph.events}
    for node, event, target, step in ctx.all_edges():
        if event in watched and ctx.account_changed(node, target, step):
            yield Violation(node, event, target, f"{ctx.graph.events[event]} changed the account")


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


def _check_charge_buys_period(ctx: _Context, params: dict) -> Iterator[Violation]:
    days = ctx.position[params["days"]]
    period = ctx.graph.domain.parameters[params["period"]]
    slack = int(params.get("slack", 1))
    for node, event, target, step in _charging_edges(ctx):
        charged = ctx.charge_between(node, target, step)
        gained = target.world[days] - ctx.graph.nodes[node].world[days]
        if gained < charged * period - slack:
            yield Violation(node, event, target, f"{charged} charge(s) but the license gained {gained} days, not "
                            f"{charged} period(s) of {period}")


def dead_end_nodes(graph: ProductGraph) -> list[int]:
    """Nodes from which no configuration on the spec's home screen can be reached (breadth-first order)."""
    incoming: list[list[int]] = [[] for _ in graph.nodes]
    for u, v in zip(graph.src, graph.dst):
        incoming[v].append(u)
    home = graph.spec.home_screen
    reached = [False] * len(graph.nodes)
    queue = deque()
    for node, config in enumerate(graph.nodes):
        if config.screen == home:
            reached[node] = True
            queue.append(node)
    while queue:
        node = queue.popleft()
        for u in incoming[node]:
            if not reached[u]:
                reached[u] = True
                queue.append(u)
    return [node for node, ok in enumerate(reached) if not ok]


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
    for node, config in enumerate(ctx.graph.nodes):
        world = ctx.world(config.world)
        failing = [name for name, guard in guards if not guard(world)]
        if failing:
            yield Violation(node, message=f"{', '.join(failing)} does not hold here")


CHECK_KINDS: dict[str, Callable[[_Context, dict], Iterator[Violation]]] = {
    "steps_before_charge": _check_steps_before_charge,
    "steps_before_events": _check_steps_before_events,
    "charge_requires": _check_charge_requires,
    "never_below": _check_never_below,
    "notes_keep_account": _check_notes_keep_account,
    "events_keep_account": _check_events_keep_account,
    "note_sets": _check_note_sets,
    "charge_buys_period": _check_charge_buys_period,
    "home_reachable": _check_home_reachable,
    "deterministic": _check_deterministic,
    "constraints_hold": _check_constraints_hold,
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
