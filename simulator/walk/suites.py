"""Test paths generated from the product graph, one suite per coverage criterion.

A test path is an initial world, a list of events, and the screen and world
expected after each step (a ``refused: true`` step expects the event to be
refused and nothing to change). Criteria:

- ``screens``: every screen entered (system screens included);
- ``transitions``: every spec transition taken;
- ``transition-pairs``: every two transitions taken one right after the other
  that occur in the product graph;
- ``guard-outcomes``: each guard of each transition seen true and seen false
  where the transition's event is dispatched (a refused event covers outcomes
  with a refused step);
- ``simple``: every simple path (no screen twice) of user events from the home
  screen, up to a cutoff.

The covering suites are built greedily: from where the current path stands, a
breadth-first search finds the nearest step that covers something new; when an
initial configuration is strictly nearer to something new, a new path starts
there instead. Each search stops at that distance, so the work stays close to
the graph's size times the log of the number of items.
"""
from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterable

import networkx as nx

from .explore import ProductGraph, paused_gc

__all__ = ["PathStep", "TestPath", "Suite", "CRITERIA", "generate_suite", "path_from_moves",
           "transitions_lower_bound", "naive_transitions_total"]

CRITERIA = ("screens", "transitions", "transition-pairs", "guard-outcomes", "simple")


class PathStep:
    """One step of a test path: the event, whether it is refused, and the screen and world expected after it.

    ``world`` (every world variable and the latest note) is built on first use:
    a big suite is generated much faster than it is printed.
    """

    __slots__ = ("event", "screen", "refused", "taken", "_names", "_world")

    def __init__(self, event: str, screen: str, world: dict[str, Any] | None = None, refused: bool = False,
                 taken: tuple[str, ...] = (), names: tuple = (), values: tuple = (), order: tuple = ()):
        self.event, self.screen, self.refused, self.taken = event, screen, refused, taken
        self._world = world
        self._names = (names, values, order)

    @property
    def world(self) -> dict[str, Any]:
        if self._world is None:
            names, values, order = self._names
            world = dict(zip(names, values))
            self._world = {name: world[name] for name in order}
        return self._world

    def __repr__(self) -> str:
        return f"PathStep({self.event!r}, {self.screen!r}, refused={self.refused})"


@dataclass
class TestPath:
    """An initial world, events, and the expected screen and world after each step."""

    __test__ = False  # not a pytest test class, despite its name
    given: dict[str, Any]
    start_screen: str
    steps: list[PathStep]

    @property
    def events(self) -> list[tuple[str, bool]]:
        return [(step.event, step.refused) for step in self.steps]

    def to_json(self) -> dict[str, Any]:
        return {"given": dict(self.given),
                "steps": [{"event": s.event, **({"refused": True} if s.refused else {}), "screen": s.screen,
                           "world": dict(s.world)} for s in self.steps]}


@dataclass
class Suite:
    criterion: str
    paths: list[TestPath]
    covered: set = field(default_factory=set)
    coverable: set = field(default_factory=set)  # what the product graph offers
    total_items: int = 0  # what exists (the denominator of the coverage figure)
    lower_bound: int | None = None
    lower_bound_method: str = ""
    naive_total: int | None = None

    @property
    def total_steps(self) -> int:
        return sum(len(p.steps) for p in self.paths)

    @property
    def coverage(self) -> float:
        return len(self.covered) / self.total_items if self.total_items else 1.0


# -- building test paths -------------------------------------------------------------

def path_from_moves(graph: ProductGraph, start: int, moves: Iterable[tuple]) -> TestPath:
    """A test path from initial node ``start`` through ``moves``.

    A move is ("edge", e), ("refuse", node, event index) or ("cut", index into
    ``graph.cut``) for a last step that goes beyond the bounds.
    """
    given = dict(graph.initial_world[start])
    counters = graph.domain.counters
    totals = [given[name] for name in counters]
    names = graph.variables + counters + ("note",)
    order = tuple(graph.spec.variables) + ("note",)
    note = None
    notes = _note_screens(graph)
    steps = []
    node = start
    nodes = graph.nodes

    for move in moves:
        if move[0] == "refuse":
            steps.append(PathStep(graph.events[move[2]], nodes[node].screen, None, True, (), names,
                                  nodes[node].world + tuple(totals) + (note,), order))
            continue
        if move[0] == "cut":  # a step whose target lies beyond the bounds (not a node)
            _, event, target, step_id = graph.cut[move[1]]
        else:
            edge = move[1]
            event, step_id = graph.event[edge], graph.step[edge]
            node = graph.dst[edge]
            target = nodes[node]
        step = graph.steps[step_id]
        for index, added in enumerate(step.counters):
            totals[index] += added
        for entered in step.entered:
            if entered in notes:
                note = notes[entered]
        steps.append(PathStep(graph.events[event], target.screen, None, False, step.taken, names,
                              target.world + tuple(totals) + (note,), order))
    return TestPath(given, nodes[start].screen, steps)


_NOTES_CACHE: dict[int, dict[str, str]] = {}


def _note_screens(graph: ProductGraph) -> dict[str, str]:
    key = id(graph.spec)
    if key not in _NOTES_CACHE:
        _NOTES_CACHE.clear()
        _NOTES_CACHE[key] = {name: s.note for name, s in graph.spec.screens.items() if s.note}
    return _NOTES_CACHE[key]


# -- the greedy covering search ------------------------------------------------------

_EMPTY: frozenset = frozenset()


class _Space:
    """The states a criterion searches: nodes, or (node, last transition) for transition pairs."""

    def __init__(self, graph: ProductGraph, criterion: str):
        self.graph, self.criterion = graph, criterion
        self.pairs = criterion == "transition-pairs"
        self.clean = [0] * len(graph.nodes)  # see _nearest_new_node
        steps = graph.steps
        if criterion == "screens":
            self._step_items = [frozenset(s.entered) for s in steps]
        elif criterion == "transitions":
            self._step_items = [frozenset(s.taken) for s in steps]
        elif criterion == "guard-outcomes":
            self._step_items = [s.outcomes for s in steps]
        else:
            self._step_items = [frozenset(zip(s.taken, s.taken[1:])) for s in steps]

    def start_states(self) -> list[Hashable]:
        return [(n, None) for n in self.graph.initial] if self.pairs else list(self.graph.initial)

    def node(self, state) -> int:
        return state[0] if self.pairs else state

    def state_items(self, state) -> frozenset:
        if self.criterion == "screens":
            return frozenset((self.graph.nodes[self.node(state)].screen,))
        return _EMPTY

    def moves(self, state) -> list[tuple[tuple, Hashable, frozenset]]:
        """(move, next state, items covered) for each step possible from ``state``."""
        graph = self.graph
        node = self.node(state)
        out = []
        if self.criterion == "guard-outcomes":
            for event, outcomes in graph.refusals.get(node, ()):
                out.append((("refuse", node, event), state, outcomes))
        for edge in graph.out[node]:
            step = graph.step[edge]
            items = self._step_items[step]
            if self.pairs:
                taken = graph.steps[step].taken
                if state[1] is not None:
                    items = items | {(state[1], taken[0])}
                out.append((("edge", edge), (graph.dst[edge], taken[-1]), items))
            else:
                out.append((("edge", edge), graph.dst[edge], items))
        return out


def _search_tree(space: _Space) -> tuple[dict, dict, dict]:
    """Breadth first from the initial states: distance, parent (state, move), and each item's nearest distance."""
    dist: dict = {}
    parent: dict = {}
    item_dist: dict = {}
    queue = deque()
    for state in space.start_states():
        if state not in dist:
            dist[state] = 0
            parent[state] = None
            queue.append(state)
            for item in space.state_items(state):
                item_dist.setdefault(item, (0, state, None))
    while queue:
        state = queue.popleft()
        d = dist[state]
        for move, target, items in space.moves(state):
            for item in items:
                if item not in item_dist:
                    item_dist[item] = (d + 1, state, move)
            if target not in dist:
                dist[target] = d + 1
                parent[target] = (state, move)
                queue.append(target)
            for item in space.state_items(target):
                if item not in item_dist:
                    item_dist[item] = (d + 1, state, move)
    return dist, parent, item_dist


def _moves_to(parent: dict, state) -> list[tuple]:
    moves = []
    while parent[state] is not None:
        state, move = parent[state]
        moves.append((state, move))
    moves.reverse()
    return moves


def _covering_suite(graph: ProductGraph, criterion: str) -> tuple[list[tuple[int, list[tuple]]], set, set]:
    space = _Space(graph, criterion)
    if space.pairs:
        dist, parent, item_dist = _search_tree(space)
    else:
        dist, parent, item_dist = _node_tree(graph, space)
    coverable = set(item_dist)
    uncovered = set(coverable)
    heap = [(d, _sort_key(item), item) for item, (d, _, _) in item_dist.items()]
    heapq.heapify(heap)
    paths: list[tuple[int, list[tuple]]] = []
    current = None  # (state, moves list)

    def cover(items: Iterable) -> None:
        uncovered.difference_update(items)

    while uncovered:
        while heap[0][2] not in uncovered:
            heapq.heappop(heap)
        best_restart, _, target_item = heap[0]
        found = None
        if current is not None:
            search = _nearest_new if space.pairs else _nearest_new_node
            found = search(space, current[0], uncovered, best_restart)
        if found is not None:
            for state, move, target, items in found:
                current[1].append(move)
                cover(items)
                cover(space.state_items(target))
            current[0] = found[-1][2]
            continue
        # Start a new path at the initial state nearest to the target item.
        _, state, move = item_dist[target_item]
        chain = _moves_to(parent, state) if state is not None else []
        start = chain[0][0] if chain else state
        moves = [m for _, m in chain] + ([move] if move is not None else [])
        current = [start, []]
        paths.append((space.node(start), current[1]))
        cover(space.state_items(start))
        for m in moves:
            items, nxt = _apply(space, current[0], m)
            current[1].append(m)
            cover(items)
            cover(space.state_items(nxt))
            current[0] = nxt
    covered = coverable - uncovered
    return paths, covered, coverable


def _node_tree(graph: ProductGraph, space: _Space) -> tuple[dict, dict, dict]:
    """The search tree for node-state criteria, read off the walk's own breadth-first tree."""
    parent_of = graph.parent
    item_dist: dict = {}
    for node in graph.initial:
        for item in space.state_items(node):
            item_dist.setdefault(item, (0, node, None))
    # Node ids are given in breadth-first order, so depth never decreases along them.
    out, dst, step_of, depth = graph.out, graph.dst, graph.step, graph.depth
    step_items = space._step_items
    screens = space.criterion == "screens"
    refusals = graph.refusals if space.criterion == "guard-outcomes" else {}
    for node in range(len(graph.nodes)):
        d = depth[node] + 1
        for event, outcomes in refusals.get(node, ()):
            for item in outcomes:
                if item not in item_dist:
                    item_dist[item] = (d, node, ("refuse", node, event))
        for e in out[node]:
            for item in step_items[step_of[e]]:
                if item not in item_dist:
                    item_dist[item] = (d, node, ("edge", e))
            if screens:
                screen = graph.nodes[dst[e]].screen
                if screen not in item_dist:
                    item_dist[screen] = (d, node, ("edge", e))

    class _Parents(dict):
        def __missing__(self, node):
            edge = parent_of[node]
            return None if edge is None else (graph.src[edge], ("edge", edge))

    return {}, _Parents(), item_dist


def _apply(space: _Space, state, move) -> tuple[frozenset, Hashable]:
    if not space.pairs:
        graph = space.graph
        if move[0] == "refuse":
            return graph.refusals_of(move[1], move[2]), state
        edge = move[1]
        return space._step_items[graph.step[edge]], graph.dst[edge]
    for candidate, target, items in space.moves(state):
        if candidate == move:
            return items, target
    raise AssertionError(f"move {move} is not possible from {state}")


def _nearest_new(space: _Space, start, uncovered: set, limit: int):
    """The shortest move sequence from ``start`` whose last move covers something new, if within ``limit``.

    Among the moves at the nearest distance, the one covering most wins.
    """
    if limit <= 0:
        return None
    parent = {start: None}
    frontier = [start]
    depth = 0
    while frontier and depth < limit and len(parent) < SEARCH_CAP:
        best = None
        best_gain = 0
        next_frontier = []
        for state in frontier:
            for move, target, items in space.moves(state):
                gain = sum(1 for item in items if item in uncovered) + \
                    sum(1 for item in space.state_items(target) if item in uncovered)
                if gain > best_gain:
                    best, best_gain = (state, move, target, items), gain
                if target not in parent:
                    parent[target] = (state, move, items)
                    next_frontier.append(target)
        if best is not None:
            state, move, target, items = best
            chain = [(state, move, target, items)]
            while parent[state] is not None:
                prev, prev_move, prev_items = parent[state]
                chain.append((prev, prev_move, state, prev_items))
                state = prev
            chain.reverse()
            return chain
        frontier = next_frontier
        depth += 1
    return None


#: A search from the current position that visits this many states without finding anything new gives up,
#: and a new path starts from an initial configuration instead (a safety net for huge graphs).
SEARCH_CAP = 100


def _nearest_new_node(space: _Space, start: int, uncovered: set, limit: int):
    """:func:`_nearest_new` for criteria whose states are plain nodes, on the walk's integer arrays.

    ``space.clean[n]`` remembers a radius around node ``n`` known to hold
    nothing new. The uncovered set only shrinks, so it stays true; a search
    does not enter a node whose clean radius covers the rest of its budget,
    and each search that scanned a level without a find widens the radii of
    the nodes it saw. Late searches, when little is left, stay small.
    """
    if limit <= 0:
        return None
    graph = space.graph
    out, dst, step_of, nodes = graph.out, graph.dst, graph.step, graph.nodes
    step_items = space._step_items
    clean = space.clean
    screens = space.criterion == "screens"
    refusals = graph.refusals if space.criterion == "guard-outcomes" else {}
    parent: dict[int, tuple | None] = {start: None}
    levels: list[list[int]] = []
    frontier = [start]
    depth = 0
    found = None
    while frontier and depth < limit and len(parent) < SEARCH_CAP:
        levels.append(frontier)
        best_gain = 0
        next_frontier = []
        budget = limit - depth
        for u in frontier:
            if clean[u] >= budget:
                continue  # nothing new within the rest of the budget from here
            if not clean[u]:
                for event, outcomes in refusals.get(u, ()):
                    if not outcomes.isdisjoint(uncovered):
                        gain = len(outcomes & uncovered)
                        if gain > best_gain:
                            found, best_gain = (u, ("refuse", u, event), u, outcomes), gain
            for e in out[u]:
                v = dst[e]
                if not clean[u]:
                    items = step_items[step_of[e]]
                    if not items.isdisjoint(uncovered) or (screens and nodes[v].screen in uncovered):
                        gain = len(items & uncovered) + (screens and nodes[v].screen in uncovered)
                        if gain > best_gain:
                            found, best_gain = (u, ("edge", e), v, items), gain
                if v not in parent:
                    parent[v] = (u, e)
                    next_frontier.append(v)
        if found is not None:
            break
        frontier = next_frontier
        depth += 1
    # Levels 0..k-1 scanned without a find: a node at depth d has nothing new within k - d moves.
    scanned = len(levels) - (1 if found is not None or (frontier and len(parent) >= SEARCH_CAP) else 0)
    for d, level in enumerate(levels[:scanned]):
        radius = scanned - d
        for u in level:
            if clean[u] < radius:
                clean[u] = radius
    if found is None:
        return None
    u, move, v, items = found
    chain = [(u, move, v, items)]
    while parent[u] is not None:
        prev, e = parent[u]
        chain.append((prev, ("edge", e), u, step_items[step_of[e]]))
        u = prev
    chain.reverse()
    return chain


def _sort_key(item) -> tuple:
    return tuple(str(part) for part in item) if isinstance(item, tuple) else (str(item),)


# -- bounds --------------------------------------------------------------------------

def naive_transitions_total(graph: ProductGraph) -> int:
    """Total steps of the naive suite: one shortest path per coverable transition (no sharing)."""
    best: dict[str, int] = {}
    for edge, step in enumerate(graph.step):
        length = graph.depth[graph.src[edge]] + 1
        for tid in graph.steps[step].taken:
            if length < best.get(tid, 1 << 60):
                best[tid] = length
    return sum(best.values())


#: Up to this many screen-graph nodes the feeding flow is solved exactly (networkx network simplex);
#: above, its capacities are relaxed (a weaker bound, computed in linear time).
EXACT_FLOW_LIMIT = 2000


def _min_cost_feed(flow: nx.DiGraph, balance: dict, starts: set, demand: dict) -> int:
    """The exact minimum cost of feeding every screen its missing entries (see transitions_lower_bound)."""
    network = flow.copy()
    source = ("source",)
    for vertex, delta in balance.items():
        if vertex in demand:
            network.nodes[vertex]["demand"] = delta
        elif delta < 0 and vertex not in starts:
            network.add_edge(source, vertex, weight=0, capacity=-delta)
    for start in starts:
        network.add_edge(source, start, weight=0)
    network.nodes[source]["demand"] = -sum(demand.values())
    return nx.min_cost_flow_cost(network)


def lower_bound_method(graph: ProductGraph) -> str:
    """How :func:`transitions_lower_bound` computes its figure for this graph, in words."""
    exact = len(graph.spec.screens) <= EXACT_FLOW_LIMIT
    return ("one step per environment transition + a Chinese-postman bound on the screen graph: each user "
            "transition once, plus the cheapest feeding of every screen with more exits to cover than entries ("
            + ("exact minimum-cost flow" if exact else "capacities relaxed: nearest start or spare entry") + ")")


def transitions_lower_bound(graph: ProductGraph, coverable: set[str]) -> int:
    """A lower bound on the total steps of any suite that covers every coverable transition.

    Environment steps: each takes exactly one environment-triggered account
    transition, so at least one step per such coverable transition. User steps:
    project any suite onto the screen graph (user transitions cost one step,
    system steps nothing); its walks start on the initial screens and must
    traverse every coverable screen transition. They cost at least the required
    transitions, plus, for every screen with more required exits than entries,
    one extra entry per missing one, each at least as long as the cheapest way
    in from a screen where a walk can start or that has spare entries (a
    Chinese-postman bound for open walks, solved as an exact minimum-cost flow
    on small screen graphs and with the capacities relaxed on big ones; a
    transition with several sources gets a hub node so any one source does).
    Worlds and guards are ignored, which can only lower the bound.
    """
    spec = graph.spec
    kinds = {name: event.kind for name, event in spec.events.items()}
    by_id = {t.id: t for t in spec.all_transitions()}
    env_required = sum(1 for t in (spec.account.transitions if spec.account else [])
                       if t.id in coverable and kinds.get(t.trigger) == "environment")
    sources: dict[str, set[str]] = {}
    nodes = graph.nodes
    for screen, step in sorted(set(zip((nodes[u].screen for u in graph.src), graph.step))):
        taken = graph.steps[step].taken
        if not taken or kinds.get(by_id[taken[0]].trigger) != "user":
            continue
        for tid in taken:
            transition = by_id[tid]
            if transition.region != "screens":
                continue
            sources.setdefault(tid, set()).add(screen)
            screen = transition.dest or screen
    costs: dict[tuple, int] = {}  # (u, v) -> cheapest step cost of going from u to v
    required_cost = 0
    balance: dict[Hashable, int] = {}

    def allow(u, v, cost):
        if costs.get((u, v), 1 << 30) > cost:
            costs[(u, v)] = cost

    def require(u, v, cost):
        nonlocal required_cost
        required_cost += cost
        balance[u] = balance.get(u, 0) + 1
        balance[v] = balance.get(v, 0) - 1
        allow(u, v, cost)

    for tid in sorted(sources):
        transition = by_id[tid]
        cost = 1 if kinds[transition.trigger] == "user" else 0
        srcs = sorted(sources[tid])
        if len(srcs) == 1:
            require(srcs[0], transition.dest or srcs[0], cost)
            continue
        # Several sources, any one will do: entering the hub costs the step, the hub's own edge is required.
        hub_in, hub_out = ("hub", tid, "in"), ("hub", tid, "out")
        require(hub_in, hub_out, 0)
        for s in srcs:
            allow(s, hub_in, cost)
            allow(hub_out, transition.dest or s, 0)
    starts = {graph.nodes[n].screen for n in graph.initial}
    # Each missing entry into a screen is a walk from somewhere a walk can come from: an initial screen or
    # a screen with spare entries. Charging every such entry the distance from the nearest of those (0/1
    # costs: breadth first with a deque) relaxes the flow's capacities, so it stays a lower bound.
    demand = {v: d for v, d in balance.items() if d > 0 and v not in starts}
    if not demand:
        return env_required + required_cost
    if len(spec.screens) <= EXACT_FLOW_LIMIT:
        flow = nx.DiGraph()
        flow.add_weighted_edges_from((u, v, cost) for (u, v), cost in sorted(costs.items(), key=str))
        return env_required + required_cost + _min_cost_feed(flow, balance, starts, demand)
    supplies = set(starts) | {v for v, d in balance.items() if d < 0}
    dist: dict[Hashable, int] = {v: 0 for v in supplies}
    queue = deque(sorted(supplies, key=str))
    adjacency: dict[Hashable, list[tuple[Hashable, int]]] = {}
    for (u, v), cost in costs.items():
        adjacency.setdefault(u, []).append((v, cost))
    while queue:
        u = queue.popleft()
        for v, cost in adjacency.get(u, ()):
            candidate = dist[u] + cost
            if candidate < dist.get(v, 1 << 60):
                dist[v] = candidate
                if cost:
                    queue.append(v)
                else:
                    queue.appendleft(v)
    extra = sum(d * dist[v] for v, d in demand.items() if v in dist)
    return env_required + required_cost + extra


# -- suites --------------------------------------------------------------------------

def _drop_prefixes(paths: list[TestPath]) -> list[TestPath]:
    """Drop paths that are a prefix of another (same start) or repeat an earlier one; order kept.

    Sorted by (start, events), a path that is a prefix of any other is a
    prefix of the very next one, so one pass over the sorted keys finds them.
    """
    keys = [(tuple(sorted(p.given.items(), key=str)), p.start_screen, tuple(p.events)) for p in paths]
    order = sorted(range(len(paths)), key=lambda i: (repr(keys[i][:2]), keys[i][2]))
    dropped = set()
    for a, b in zip(order, order[1:]):
        ka, kb = keys[a], keys[b]
        if ka[:2] == kb[:2] and kb[2][:len(ka[2])] == ka[2]:
            dropped.add(a if len(ka[2]) < len(kb[2]) or a > b else b)
    return [p for i, p in enumerate(paths) if i not in dropped]


def _all_items(graph: ProductGraph, criterion: str, coverable: set) -> int:
    spec = graph.spec
    if criterion == "screens":
        return len(spec.screens)
    if criterion == "transitions":
        return len(spec.all_transitions())
    if criterion == "guard-outcomes":
        return 2 * sum(len(t.guards) for t in spec.all_transitions())
    return len(coverable)  # transition pairs: those that occur in the product graph


def generate_suite(graph: ProductGraph, criterion: str, cutoff: int = 10,
                   progress: Callable[[str], None] | None = None) -> Suite:
    """The test paths for ``criterion`` (one of CRITERIA); ValueError for an unknown one."""
    if criterion not in CRITERIA:
        raise ValueError(f"unknown criterion {criterion!r}; expected one of {', '.join(CRITERIA)}")
    if criterion == "simple":
        return _simple_suite(graph, cutoff)
    with paused_gc():
        return _generate_covering(graph, criterion)


def _generate_covering(graph: ProductGraph, criterion: str) -> Suite:
    raw, covered, coverable = _covering_suite(graph, criterion)
    if criterion == "guard-outcomes":
        names = graph.outcome_names
        covered = {names[i] for i in covered}
        coverable = {names[i] for i in coverable}
    paths = _drop_prefixes([path_from_moves(graph, start, moves) for start, moves in raw])
    suite = Suite(criterion, paths, covered, coverable, _all_items(graph, criterion, coverable))
    if criterion == "transitions":
        suite.lower_bound = transitions_lower_bound(graph, coverable)
        suite.lower_bound_method = lower_bound_method(graph)
        suite.naive_total = naive_transitions_total(graph)
    return suite


def _simple_suite(graph: ProductGraph, cutoff: int) -> Suite:
    """Every simple path of user events from the home screen, up to ``cutoff`` steps, each in a world it fits."""
    spec = graph.spec
    user = {i for i, name in enumerate(graph.events) if spec.events[name].kind == "user"}
    home = spec.home_screen
    starts = {n: n for n in graph.initial if graph.nodes[n].screen == home}
    results: list[tuple[int, list[int]]] = []

    def extend(mapping: dict[int, tuple[int, list[int]]], visited: set[str], length: int) -> None:
        branches: dict[tuple[int, str], dict[int, tuple[int, list[int]]]] = {}
        if length < cutoff:
            for root, (node, edges) in mapping.items():
                for edge in graph.out[node]:
                    event = graph.event[edge]
                    screen = graph.nodes[graph.dst[edge]].screen
                    if event in user and screen not in visited:
                        branches.setdefault((event, screen), {})[root] = (graph.dst[edge], edges + [edge])
        if not branches:
            if length:
                root = min(mapping)
                results.append((root, mapping[root][1]))
            return
        for (event, screen), submap in sorted(branches.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            extend(submap, visited | {screen}, length + 1)

    extend({n: (n, []) for n in sorted(starts)}, {home}, 0)
    paths = _drop_prefixes([path_from_moves(graph, root, [("edge", e) for e in edges]) for root, edges in results])
    # Each path is its own item: the screens it walks through.
    covered = {(p.start_screen,) + tuple(step.screen for step in p.steps) for p in paths}
    return Suite("simple", paths, covered, covered, len(covered))
