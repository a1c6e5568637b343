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

import networkx as nx

from ..explore import ProductGraph

__all__ = ["EXACT_FLOW_LIMIT", "lower_bound_method", "naive_transitions_total", "transitions_lower_bound"]

#: Up to this many screen-graph nodes the feeding flow is solved exactly (networkx network simplex);
#: above, its capacities are relaxed (a weaker bound, computed in linear time).
EXACT_FLOW_LIMIT = 2000


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
    demand = {v: d for v, d in balance.items() if d > 0 and v not in starts}
    if not demand:
        return env_required + required_cost
    feed = _min_cost_feed if len(spec.screens) <= EXACT_FLOW_LIMIT else _relaxed_feed
    return env_required + required_cost + feed(costs, balance, starts, demand)


def lower_bound_method(graph: ProductGraph) -> str:
    """How :func:`transitions_lower_bound` computes its figure for this graph, in words."""
    exact = len(graph.spec.screens) <= EXACT_FLOW_LIMIT
    return ("one step per environment transition + a Chinese-postman bound on the screen graph: each user "
            "transition once, plus the cheapest feeding of every screen with more exits to cover than entries ("
            + ("exact minimum-cost flow" if exact else "capacities relaxed: nearest start or spare entry") + ")")


def naive_transitions_total(graph: ProductGraph) -> int:
    """Total steps of the naive suite: one shortest path per coverable transition (no sharing)."""
    best: dict[str, int] = {}
    for edge, step in enumerate(graph.step):
        length = graph.depth[graph.src[edge]] + 1
        for tid in graph.steps[step].taken:
            if length < best.get(tid, 1 << 60):
                best[tid] = length
    return sum(best.values())


def _min_cost_feed(costs: dict[tuple, int], balance: dict, starts: set, demand: dict) -> int:
    """The exact minimum cost of feeding every screen its missing entries (see transitions_lower_bound).

    A super-source supplies the initial screens without limit and every screen
    with spare entries up to its surplus; each screen in ``demand`` must
    receive its deficit.
    """
    network = nx.DiGraph()
    network.add_weighted_edges_from((u, v, cost) for (u, v), cost in sorted(costs.items(), key=str))
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


def _relaxed_feed(costs: dict[tuple, int], balance: dict, starts: set, demand: dict) -> int:
    """A lower bound on :func:`_min_cost_feed` in linear time, for screen graphs too big for network simplex.

    Each missing entry into a screen is a walk from somewhere a walk can come
    from: an initial screen or a screen with spare entries. Charging every
    such entry the distance from the nearest of those relaxes the flow's
    capacities, so it stays a lower bound. Costs are 0 or 1, so a deque
    breadth-first search finds the distances.
    """
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
    return sum(d * dist[v] for v, d in demand.items() if v in dist)
