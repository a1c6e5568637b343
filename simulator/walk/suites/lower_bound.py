"""How short a transitions suite can be, and how long the naive one is: the yardsticks of the greedy search.

The greedy covering search gives no guarantee by itself. Printing its total
beside a lower bound that no covering suite can beat (a Chinese-postman
bound on the screen graph) and beside the naive total (one shortest path per
transition) tells a reader how much room is left, and lets the tests hold
the search to a ratio.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Hashable

from ..explore import ProductGraph

__all__ = ["EXACT_FLOW_LIMIT", "lower_bound_method", "naive_transitions_total", "transitions_lower_bound"]

#: Up to this many screen-graph nodes the feeding flow is solved exactly (networkx network simplex);
#: above, by Lagrangian relaxation of the spare entries' capacities (a bound no higher than the exact one,
#: in a few shortest-path passes: network simplex took 2.2 s at 5,000 screens and grows faster than the size).
EXACT_FLOW_LIMIT = 2000
#: The most shortest-path passes of the Lagrangian bound (each about linear in the screen graph).
LAGRANGIAN_ROUNDS = 6  # at 50,000 screens: 6 rounds reach 99 % of what 12 do, in 0.8 s instead of 1.4 s


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
    surplus: dict[Hashable, int] = {}

    def allow(u, v, cost):
        if costs.get((u, v), 1 << 30) > cost:
            costs[(u, v)] = cost

    def require(u, v, cost):
        nonlocal required_cost
        required_cost += cost
        surplus[u] = surplus.get(u, 0) + 1
        surplus[v] = surplus.get(v, 0) - 1
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
    demand = {v: d for v, d in surplus.items() if d > 0 and v not in starts}
    if not demand:
        return env_required + required_cost
    feed = _min_cost_feed if len(spec.screens) <= EXACT_FLOW_LIMIT else _lagrangian_feed
    return env_required + required_cost + feed(costs, surplus, starts, demand)


def lower_bound_method(graph: ProductGraph) -> str:
    """How :func:`transitions_lower_bound` computes its figure for this graph, in words."""
    exact = len(graph.spec.screens) <= EXACT_FLOW_LIMIT
    return ("one step per environment transition + a Chinese-postman bound on the screen graph: each user "
            "transition once, plus the cheapest feeding of every screen with more exits to cover than entries ("
            + ("exact minimum-cost flow" if exact else "spare entries priced by Lagrangian relaxation, a bound "
               "between the nearest-supply one and the exact flow") + ")")


def naive_transitions_total(graph: ProductGraph) -> int:
    """Total steps of the naive suite: one shortest path per coverable transition (no sharing)."""
    best: dict[str, int] = {}
    for edge, step in enumerate(graph.step):
        length = graph.depth[graph.src[edge]] + 1
        for tid in graph.steps[step].taken:
            if length < best.get(tid, 1 << 60):
                best[tid] = length
    return sum(best.values())


def _min_cost_feed(costs: dict[tuple, int], surplus: dict, starts: set, demand: dict) -> int:
    """The exact minimum cost of feeding every screen its missing entries (see transitions_lower_bound).

    A super-source supplies the initial screens without limit and every screen
    with spare entries up to its surplus; each screen in ``demand`` must
    receive its deficit.
    """
    import networkx as nx  # loaded only for an exact bound: a walk that reports none needs no graph library
    network = nx.DiGraph()
    network.add_weighted_edges_from((u, v, cost) for (u, v), cost in sorted(costs.items(), key=str))
    source = ("source",)
    for vertex, delta in surplus.items():
        if vertex in demand:
            network.nodes[vertex]["demand"] = delta
        elif delta < 0 and vertex not in starts:
            network.add_edge(source, vertex, weight=0, capacity=-delta)
    for start in starts:
        network.add_edge(source, start, weight=0)
    network.nodes[source]["demand"] = -sum(demand.values())
    return nx.min_cost_flow_cost(network)


def _relaxed_feed(costs: dict[tuple, int], surplus: dict, starts: set, demand: dict) -> int:
    """A lower bound on :func:`_min_cost_feed` in linear time, for screen graphs too big for network simplex.

    Each missing entry into a screen is a walk from somewhere a walk can come
    from: an initial screen or a screen with spare entries. Charging every
    such entry the distance from the nearest of those relaxes the flow's
    capacities, so it stays a lower bound. Costs are 0 or 1, so a deque
    breadth-first search finds the distances.
    """
    supplies = set(starts) | {v for v, d in surplus.items() if d < 0}
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
    return sum(d * dist[v] for v, d in demand.items() if v in dist)


def _lagrangian_feed(costs: dict[tuple, int], surplus: dict, starts: set, demand: dict) -> int:
    """A lower bound on :func:`_min_cost_feed`, at least :func:`_relaxed_feed`'s, for big screen graphs.

    The feeding flow sends each missing entry from a supply: an initial
    screen (without limit) or a screen with spare entries (at most its
    surplus). Pricing each capped supply ``s`` at ``price[s]`` >= 0 and
    dropping its cap (Lagrangian relaxation) leaves a problem solved exactly
    by one shortest-path pass: every missing entry comes from the supply with
    the least distance + price, and the bound is that total minus every
    supply's price times its surplus. Any prices give a lower bound (all 0:
    the relaxed one); a few rounds raise the price of the supplies asked for
    more than they have (a subgradient step of 1), and the best bound seen
    is kept, until two rounds bring nothing.
    """
    vertices = sorted({v for edge in costs for v in edge} | set(surplus) | set(starts), key=str)
    number = {v: i for i, v in enumerate(vertices)}
    adjacency: list[list[tuple[int, int]]] = [[] for _ in vertices]
    for (u, v), cost in costs.items():
        adjacency[number[u]].append((number[v], cost))
    capped = {number[v]: -d for v, d in surplus.items() if d < 0 and v not in starts}
    sources = sorted({number[v] for v in starts} | set(capped))
    wanted = [(number[v], d) for v, d in demand.items()]
    price = dict.fromkeys(capped, 0)
    best, stale = 0, 0
    for _ in range(LAGRANGIAN_ROUNDS):
        dist, root = _nearest_priced(adjacency, sources, price)
        asked = dict.fromkeys(capped, 0)
        bound = -sum(capped[s] * p for s, p in price.items())
        for v, d in wanted:
            if dist[v] is not None:  # a screen no supply reaches adds nothing (the walk cannot be there)
                bound += d * dist[v]
                if root[v] in asked:
                    asked[root[v]] += d
        if bound > best:
            best, stale = bound, 0
        else:
            stale += 1
            if stale == 2:  # the steps go round without raising the bound (the prices have met ties)
                break
        # Only raised: lowering the price of a supply asked for less than it has made the prices go round
        # (at 5,000 screens the bound closed 44 % of the gap to the exact flow that way, 68 % raising only).
        over = [s for s, cap in capped.items() if asked[s] > cap]
        if not over:
            break
        for s in over:
            price[s] += 1
    return best


def _nearest_priced(adjacency: list[list[tuple[int, int]]], sources: list[int],
                    price: dict[int, int]) -> tuple[list, list]:
    """Distance + price from the cheapest source, and that source, for every vertex (None: unreached).

    Costs are 0 or 1 and prices small whole numbers, so a queue per distance
    (Dial's algorithm) does Dijkstra's work without a heap.
    """
    dist: list = [None] * len(adjacency)
    root: list = [None] * len(adjacency)
    buckets: list[list[tuple[int, int]]] = []
    for s in sources:
        d = price.get(s, 0)
        while len(buckets) <= d:
            buckets.append([])
        buckets[d].append((s, s))
    d = 0
    while d < len(buckets):
        bucket = buckets[d]
        while bucket:  # a 0-cost edge adds to the bucket being read
            u, origin = bucket.pop()
            if dist[u] is not None:
                continue
            dist[u], root[u] = d, origin
            for v, cost in adjacency[u]:
                if dist[v] is None:
                    if cost and len(buckets) == d + 1:
                        buckets.append([])
                    buckets[d + cost].append((v, origin))
        d += 1
    return dist, root
