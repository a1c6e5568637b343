"""The transition-pairs suite: paths that take every pair of transitions that can follow one another.

A pair (t1, t2) is covered by a path that takes t2 right after t1, so what a
move covers depends on the move before: the search runs over *pair states*
(node, last transition taken). The suite is built greedily, like the other
criteria (:mod:`.greedy_cover`), but on integer arrays made once, because the
pair states are several times the nodes and the searches number in the
hundreds of thousands on big graphs:

- every transition is a number, every pair ``t1 * T + t2``, every pair state a
  number with its node and its last transition in two lists;
- ``pending[s]`` counts the uncovered pairs that the moves out of state ``s``
  would take (a pair that occurs at several states counts at each). Covering
  a pair lowers the count of every state where it occurs, so "is there
  anything new from here?" is one lookup, not a look at every move;
- from where the path stands: the best move out of the current state when it
  has something new; else a breadth-first search for the nearest state that
  has, at most :data:`SEARCH_CAP` states and never farther than a new path
  from the start would have to go; else a new path, along the walk's
  shortest way to the nearest uncovered pair.

Every pair that occurs in the product graph is covered (the loop runs until
none is left), and the paths are real runs: each is replayed from its start.
"""
from __future__ import annotations

from collections import deque
from itertools import pairwise

from ..explore import ProductGraph

__all__ = ["SEARCH_CAP", "pair_covering_suite", "pair_coverable_items"]

#: A search for the nearest state with something new gives up after this many states; a new path starts.
SEARCH_CAP = 100


class _Pairs:
    """The pair states reachable from the initial nodes, their moves and where each pair occurs."""

    def __init__(self, graph: ProductGraph):
        self.graph = graph
        names: dict[str, int] = {}
        for step in graph.steps:
            for tid in step.taken:
                names.setdefault(tid, len(names))
        self.names = list(names)
        width = self.width = len(names)
        # Per step: the pairs inside it (a step may take several transitions), its first and last transition.
        self.inside = [[names[a] * width + names[b] for a, b in pairwise(s.taken)] for s in graph.steps]
        self.first = [names[s.taken[0]] for s in graph.steps]
        self.last = [names[s.taken[-1]] for s in graph.steps]
        self.state_node: list[int] = []
        self.state_last: list[int] = []  # -1: no transition yet (an initial node)
        self.parent: list[tuple[int, int] | None] = []  # (state before, edge) on the breadth-first tree
        self.moves: list[list[tuple[int, int]]] = []  # per state: (edge, state it leads to), in edge order
        self.item_first: dict[int, tuple[int, int, int]] = {}  # pair -> (distance, state, edge) first found
        self.occurs: dict[int, list[int]] = {}  # pair -> the states whose moves take it
        self.pending: list[int] = []
        self._explore()

    def move_items(self, state: int, edge: int) -> list[int]:
        """The pairs a move along ``edge`` takes from ``state``."""
        step = self.graph.step[edge]
        last = self.state_last[state]
        inside = self.inside[step]
        return inside if last < 0 else [last * self.width + self.first[step], *inside]

    def _explore(self) -> None:
        graph = self.graph
        out, dst, step_of = graph.out, graph.dst, graph.step
        inside, first, last_of, width = self.inside, self.first, self.last, self.width
        state_node, state_last, parent, item_first, occurs = (self.state_node, self.state_last, self.parent,
                                                              self.item_first, self.occurs)
        index: dict[tuple[int, int], int] = {}
        distance: list[int] = []
        queue: deque[int] = deque()
        for node in graph.initial:
            if (node, -1) not in index:
                index[(node, -1)] = len(state_node)
                state_node.append(node)
                state_last.append(-1)
                parent.append(None)
                distance.append(0)
                queue.append(index[(node, -1)])
        while queue:
            state = queue.popleft()
            node, last, d = state_node[state], state_last[state], distance[state] + 1
            taken_here: list[int] = []
            moves: list[tuple[int, int]] = []
            for edge in out[node]:
                step = step_of[edge]
                items = inside[step] if last < 0 else [last * width + first[step], *inside[step]]
                for item in items:
                    taken_here.append(item)
                    if item not in item_first:
                        item_first[item] = (d, state, edge)
                key = (dst[edge], last_of[step])
                if key not in index:
                    index[key] = len(state_node)
                    state_node.append(key[0])
                    state_last.append(key[1])
                    parent.append((state, edge))
                    distance.append(d)
                    queue.append(index[key])
                moves.append((edge, index[key]))
            self.moves.append(moves)
            for item in taken_here:
                occurs.setdefault(item, []).append(state)
            self.pending.append(len(taken_here))


def pair_covering_suite(graph: ProductGraph) -> tuple[list[tuple[int, list[tuple]]], set, set]:
    """(start node, moves) per path, the pairs covered and the pairs coverable (pairs of transition ids)."""
    pairs = _Pairs(graph)
    names, width = pairs.names, pairs.width
    uncovered = set(pairs.item_first)
    pending, occurs, state_moves, state_last = pairs.pending, pairs.occurs, pairs.moves, pairs.state_last
    step_of, first, inside = graph.step, pairs.first, pairs.inside
    # New paths go to the nearest uncovered pair first; ties in the order of the pairs' names.
    order = sorted((d, names[item // width], names[item % width], item) for item, (d, _, _) in pairs.item_first.items())
    next_in_order = 0
    paths: list[tuple[int, list[tuple]]] = []
    moves: list[tuple] = []
    current = -1

    def take(state: int, edge: int, target: int) -> int:
        """Append the move, cover its pairs, return the state it leads to."""
        moves.append(("edge", edge))
        for item in pairs.move_items(state, edge):
            if item in uncovered:
                uncovered.discard(item)
                for where in occurs[item]:
                    pending[where] -= 1
        return target

    while uncovered:
        while order[next_in_order][3] not in uncovered:
            next_in_order += 1
        restart_distance, _, _, nearest = order[next_in_order]
        if current >= 0 and pending[current]:
            # Something new from here: the move that takes most (the first of them, in edge order).
            best, best_gain = None, 0
            across = state_last[current] * width if state_last[current] >= 0 else -1
            for edge, target in state_moves[current]:
                step = step_of[edge]
                # The gain as move_items would count it, without building the list (this runs for every step).
                gain = across >= 0 and across + first[step] in uncovered
                if inside[step]:
                    gain += sum(1 for item in inside[step] if item in uncovered)
                if gain > best_gain:
                    best, best_gain = (edge, target), gain
            current = take(current, *best)
            continue
        way = _way_to_pending(pairs, current, restart_distance) if current >= 0 else None
        if way is not None:
            for state, edge, target in way:
                current = take(state, edge, target)
            continue
        # A new path: along the walk's tree to the state where the nearest uncovered pair is taken.
        _, state, edge = pairs.item_first[nearest]
        chain = [(state, edge, dict(state_moves[state])[edge])]
        while pairs.parent[state] is not None:
            before, back = pairs.parent[state]
            chain.append((before, back, state))
            state = before
        moves = []
        paths.append((pairs.state_node[state], moves))
        for before, edge, target in reversed(chain):
            current = take(before, edge, target)
    coverable = {(names[item // width], names[item % width]) for item in pairs.item_first}
    return paths, coverable, coverable


def pair_coverable_items(graph: ProductGraph) -> frozenset:
    """The pairs that occur in the product graph: what :func:`pair_covering_suite` covers, without the search.

    Every node of the graph is reachable, so every edge is taken on some run:
    the pairs are those inside each step, and at each node every last
    transition of a step into it followed by every first transition of a step out.
    The pairs are gathered as numbers (``t1 * T + t2``) and named once at the end:
    a big graph meets each pair at many nodes.
    """
    steps, edge_steps = graph.steps, graph.step
    number: dict[str, int] = {}
    for step in steps:
        for transition in step.taken:
            if transition not in number:
                number[transition] = len(number)
    width = len(number)
    firsts = [number[s.taken[0]] for s in steps]
    lasts = [number[s.taken[-1]] * width for s in steps]
    pairs: set[int] = set()
    for step in set(edge_steps):  # steps on edges only
        taken = steps[step].taken
        if len(taken) > 1:
            pairs.update([number[a] * width + number[b] for a, b in pairwise(taken)])
    into: dict[int, set] = {}
    for destination, step in zip(graph.dst, edge_steps):
        arriving = into.get(destination)
        if arriving is None:
            into[destination] = {lasts[step]}
        else:
            arriving.add(lasts[step])
    out = graph.out
    for node, arriving in into.items():
        leaving = {firsts[edge_steps[edge]] for edge in out[node]}
        pairs.update([a + b for a in arriving for b in leaving])
    # Named within the walk's peak memory: what the numbering needed goes before the names are made.
    names = list(number)
    del into, number, firsts, lasts
    numbers = list(pairs)
    del pairs
    return frozenset([(names[pair // width], names[pair % width]) for pair in numbers])


def _way_to_pending(pairs: _Pairs, start: int, limit: int) -> list[tuple[int, int, int]] | None:
    """(state, edge, next state) moves from ``start`` to the nearest state with something new, if nearer than
    ``limit`` moves.

    ``limit`` is the distance a new path would go from its start: a way no
    shorter than that is no better than starting again.
    """
    pending, state_moves = pairs.pending, pairs.moves
    came: dict[int, tuple[int, int] | None] = {start: None}
    frontier = [start]
    depth = 0
    while frontier and depth + 1 < limit and len(came) < SEARCH_CAP:
        depth += 1
        following = []
        for state in frontier:
            for edge, target in state_moves[state]:
                if target in came:
                    continue
                came[target] = (state, edge)
                if pending[target]:
                    way = []
                    while came[target] is not None:
                        before, edge = came[target]
                        way.append((before, edge, target))
                        target = before
                    return way[::-1]
                following.append(target)
        frontier = following
    return None
