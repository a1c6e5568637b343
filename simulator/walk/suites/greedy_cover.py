"""The greedy covering search: few, short test paths that together cover every item of a criterion.

An optimal covering suite is a hard problem (a generalised Chinese postman on
the product graph), and the graphs reach hundreds of thousands of edges, so
the suite is built greedily. From where the current path stands, a
breadth-first search finds the nearest move that covers something new; when
an initial configuration is strictly nearer to something new, a new path
starts there instead. Each search stops at that distance, so the work stays
close to the graph's size times the log of the number of items.

Screens, transitions and guard outcomes search the product graph's nodes
(:class:`_NodeSpace`, on the walk's integer arrays, which is where the time
goes on big graphs). Transition pairs, whose items depend on the step before,
have their own search over (node, last transition) states: :mod:`.pair_cover`.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterable

from ..explore import ProductGraph
from .pair_cover import pair_coverable_items, pair_covering_suite

__all__ = ["SEARCH_CAP", "covering_suite", "coverable_items"]

#: A search from the current position that visits this many states without finding anything new gives up,
#: and a new path starts from an initial configuration instead (a safety net for huge graphs).
SEARCH_CAP = 100

_EMPTY: frozenset = frozenset()


def covering_suite(graph: ProductGraph, criterion: str) -> tuple[list[tuple[int, list[tuple]]], set, set]:
    """(start node, moves) per path, the items covered and the items coverable, for a covering criterion.

    Items are screen names, transition ids, guard-outcome ids (indices into
    ``graph.outcome_names``) or pairs of transition ids. Moves are those of
    :func:`~.testpath.path_from_moves`.
    """
    if criterion == "transition-pairs":
        return pair_covering_suite(graph)
    space = _NodeSpace(graph, criterion)
    parent, item_dist = space.tree()
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
            found = _nearest_new(space, current[0], uncovered, best_restart)
        if found is not None:
            for _state, move, target, items in found:
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
            items, nxt = space.apply(current[0], m)
            current[1].append(m)
            cover(items)
            cover(space.state_items(nxt))
            current[0] = nxt
    covered = coverable - uncovered
    return paths, covered, coverable


def coverable_items(graph: ProductGraph, criterion: str) -> set:
    """The items of a covering criterion that the product graph offers: what :func:`covering_suite` covers."""
    if criterion == "transition-pairs":
        return pair_coverable_items(graph)
    # Every node is reachable, so every edge is on some run: the items are those of the steps on edges
    # (and of refusals), as the search tree would find them, in one pass with no distances.
    steps = [graph.steps[step] for step in set(graph.step)]
    if criterion == "screens":
        return {node.screen for node in graph.nodes} | {screen for s in steps for screen in s.entered}
    if criterion == "transitions":
        return {tid for s in steps for tid in s.taken}
    return ({item for s in steps for item in s.outcomes}
            | {item for refused in graph.refusals.values() for _, outcomes in refused for item in outcomes})


def _nearest_new(space: _NodeSpace, start, uncovered: set, limit: int):
    """The shortest move sequence from ``start`` whose last move covers something new, if within ``limit``.

    Returns [(state, move, next state, items)] or None. Among the moves at the
    nearest distance, the first that covers most wins (see :meth:`_NodeSpace.scan`).

    ``clean[n]`` (the space's clean radii) is a distance around state ``n``
    known to hold nothing new. The uncovered set
    only shrinks, so it stays true; a scan does not enter a state whose clean
    radius covers the rest of its budget, and each search that scanned a
    level without a find widens the radii of the states it saw. Late
    searches, when little is left, stay small.
    """
    if limit <= 0:
        return None
    clean = space.clean
    parent: dict = {start: None}
    levels: list[list] = []
    frontier = [start]
    depth = 0
    found = None
    while frontier and depth < limit and len(parent) < SEARCH_CAP:
        levels.append(frontier)
        next_frontier: list = []
        found = space.scan(frontier, limit - depth, uncovered, parent, next_frontier)
        if found is not None:
            break
        frontier = next_frontier
        depth += 1
    # Levels 0..k-1 scanned without a find: a state at depth d has nothing new within k - d moves.
    scanned = len(levels) - (1 if found is not None or (frontier and len(parent) >= SEARCH_CAP) else 0)
    for d, level in enumerate(levels[:scanned]):
        radius = scanned - d
        for u in level:
            if clean[u] < radius:  # (not max(): this runs for every state of every search)
                clean[u] = radius
    if found is None:
        return None
    chain = [found]
    state = found[0]
    while parent[state] is not None:
        step = space.parent_step(state, parent[state])
        chain.append(step)
        state = step[0]
    chain.reverse()
    return chain


class _NodeSpace:
    """Screens, transitions, guard outcomes: a state is a product-graph node, items come from steps alone."""

    def __init__(self, graph: ProductGraph, criterion: str):
        self.graph, self.criterion = graph, criterion
        self.screens = criterion == "screens"
        steps = graph.steps
        if criterion == "screens":
            self.step_items = [frozenset(s.entered) for s in steps]
        elif criterion == "transitions":
            self.step_items = [frozenset(s.taken) for s in steps]
        else:  # guard-outcomes: refused events cover outcomes too
            self.step_items = [s.outcomes for s in steps]
        self.refusals = graph.refusals if criterion == "guard-outcomes" else {}
        self.clean = [0] * len(graph.nodes)
        # Read once per scan; a search scans a few levels and there are tens of thousands of searches.
        self._arrays = (graph.out, graph.dst, graph.step, graph.nodes, self.step_items, self.clean, self.screens,
                        self.refusals)

    def node(self, state: int) -> int:
        return state

    def state_items(self, state: int) -> frozenset:
        return frozenset((self.graph.nodes[state].screen,)) if self.screens else _EMPTY

    def scan(self, frontier: list[int], budget: int, uncovered: set, parent: dict, next_frontier: list):
        """One level of :func:`_nearest_new`: the best move out of ``frontier`` that covers something new, or None.

        Records the parent (node, edge) of each node seen for the first time
        and queues it on ``next_frontier``. Works on the walk's arrays, never
        building a tuple per move: this loop is the largest part of a big suite's time.
        """
        out, dst, step_of, nodes, step_items, clean, screens, refusals = self._arrays
        found = None
        best_gain = 0
        for u in frontier:
            radius = clean[u]
            if radius >= budget:
                continue  # nothing new within the rest of the budget from here
            if not radius:
                for event, outcomes in refusals.get(u, ()):
                    if not outcomes.isdisjoint(uncovered):
                        gain = len(outcomes & uncovered)
                        if gain > best_gain:
                            found, best_gain = (u, ("refuse", u, event), u, outcomes), gain
            for e in out[u]:
                v = dst[e]
                if not radius:  # within a clean radius a move covers nothing new: only pass through
                    items = step_items[step_of[e]]
                    # A screens move also counts the screen it ends on, even when it is among the entered ones
                    # (the suites have always been chosen with this count).
                    if not items.isdisjoint(uncovered) or (screens and nodes[v].screen in uncovered):
                        gain = len(items & uncovered) + (screens and nodes[v].screen in uncovered)
                        if gain > best_gain:
                            found, best_gain = (u, ("edge", e), v, items), gain
                if v not in parent:
                    parent[v] = (u, e)
                    next_frontier.append(v)
        return found

    def parent_step(self, state: int, entry: tuple[int, int]) -> tuple:
        """The (state, move, next state, items) step that :meth:`scan` recorded as ``entry`` for ``state``."""
        u, e = entry
        return u, ("edge", e), state, self.step_items[self.graph.step[e]]

    def apply(self, state: int, move: tuple) -> tuple[frozenset, int]:
        """(items covered, next state) of ``move`` from ``state``."""
        graph = self.graph
        if move[0] == "refuse":
            return graph.refusals_of(move[1], move[2]), state
        edge = move[1]
        return self.step_items[graph.step[edge]], graph.dst[edge]

    def tree(self) -> tuple[dict, dict]:
        """Parent (state, move) per state and (distance, state, move) per item, read off the walk's own tree.

        The walk already searched breadth first from the initial nodes, so the
        distances and parents are there; only the items need a pass.
        """
        graph = self.graph
        item_dist: dict = {}
        for node in graph.initial:
            for item in self.state_items(node):
                item_dist.setdefault(item, (0, node, None))
        # Node ids are given in breadth-first order, so depth never decreases along them.
        out, dst, step_of, depth = graph.out, graph.dst, graph.step, graph.depth
        step_items, screens, refusals = self.step_items, self.screens, self.refusals
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
        return _TreeParents(graph), item_dist


class _TreeParents(dict):
    """node -> (parent node, move) on the walk's breadth-first tree, looked up on demand.

    Only the few nodes a new path starts towards are ever asked for.
    """

    def __init__(self, graph: ProductGraph):
        super().__init__()
        self.graph = graph

    def __missing__(self, node: int):
        edge = self.graph.parent[node]
        return None if edge is None else (self.graph.src[edge], ("edge", edge))


def _moves_to(parent: dict, state) -> list[tuple]:
    """[(state, move)] from an initial state to ``state`` along the search tree."""
    moves = []
    while parent[state] is not None:
        state, move = parent[state]
        moves.append((state, move))
    moves.reverse()
    return moves


def _sort_key(item) -> tuple:
    # Items at the same distance are taken in the order of their text, whatever order the search met them in.
    return tuple(str(part) for part in item) if isinstance(item, tuple) else (str(item),)
