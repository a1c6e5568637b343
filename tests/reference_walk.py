"""The reference walk: every configuration reached by firing the real ``transitions`` machine, nothing else.

It shares no code with the walker (``simulator.walk.explore``): it builds a
:class:`~simulator.runtime.machine.Flow`, puts it on each configuration,
fires each event through the machine, and keeps its own bounds and its own
reading of the history flags, written here plainly from their definition. The
walker must find exactly the same configurations and edges.
"""
from __future__ import annotations

from collections import deque

from simulator.runtime.machine import Flow
from simulator.runtime.world import make_world
from simulator.spec.resolve import ACCOUNT_CHANGED
from simulator.walk.domain import initial_worlds
from simulator.walk.explore import Configuration


def _in_bounds(spec, bounds, name, value) -> bool:
    variable = spec.variables.get(name)
    if variable is None or variable.type != "int":
        return True  # a parameter the domain varies: kept, never changed
    low = variable.min if variable.min is not None else float("-inf")
    high = bounds.get(name, variable.max if variable.max is not None else float("inf"))
    return low <= value <= high


def _next_flags(flow, old_screen, old_world, event, is_user, new_screen, new_world, grown, bits) -> int:
    """A flow's flags after one event, from the definition of FlowHistory (see its docstring)."""
    if new_screen not in flow.screens:
        return 0  # leaving the flow's screens forgets it
    step_flags = [flag for flag, pairs in flow.steps if (old_screen, event) in pairs]
    if old_screen in flow.screens or step_flags:
        for flag in step_flags:
            bits |= flow.bit(flag)
    else:
        bits = 0
    if flow.account and is_user:
        changed = any(old_world[n] != new_world[n] for n in flow.account if n in new_world)
        if changed or any(grown.get(n) for n in flow.account):
            bits |= flow.bit(ACCOUNT_CHANGED)
    return bits


def reference_walk(spec, domain, flows=()) -> tuple[set, set]:
    """(configurations, edges) with edges as (source, event, target, taken transition ids)."""
    # A parameter the domain varies is kept like a variable, and its combination has its own bounds.
    kept = tuple(name for name in spec.variables if name not in domain.counters) + tuple(domain.varied)
    bounds_of = {tuple(parameters[n] for n in domain.varied): bounds
                 for parameters, _, bounds in domain.parameter_sets()}
    world = make_world(spec, dict(domain.parameters))
    flow = Flow(spec, world)
    kinds = {name: event.kind for name, event in spec.events.items()}
    events = [e for e, k in kinds.items() if k == "user"] + [e for e, k in kinds.items() if k == "environment"]
    seen, edges, queue = set(), set(), deque()
    for start in initial_worlds(spec, domain):
        config = Configuration(spec.home_screen, tuple(start[n] for n in kept), (0,) * len(flows))
        if config not in seen:
            seen.add(config)
            queue.append(config)
    while queue:
        config = queue.popleft()
        old_world = dict(zip(kept, config.world))
        for event in events:
            for name, value in old_world.items():
                setattr(world, name, value)
            for name in domain.counters:
                setattr(world, name, 0)
            world.note = None
            flow.set_screen(config.screen)
            result = flow.fire(event, check_ranges=False)
            if not result.accepted:
                continue
            new_world = {name: getattr(world, name) for name in kept}
            bounds = bounds_of[tuple(new_world[n] for n in domain.varied)]
            if not all(_in_bounds(spec, bounds, n, v) for n, v in new_world.items()):
                continue  # beyond the bounds: the walker counts these, it does not explore them
            grown = {name: getattr(world, name) for name in domain.counters}
            history = tuple(
                _next_flags(f, config.screen, old_world, event, kinds[event] == "user", flow.screen, new_world,
                            grown, bits) for f, bits in zip(flows, config.history))
            target = Configuration(flow.screen, tuple(new_world[n] for n in kept), history)
            edges.add((config, event, target, tuple(result.taken)))
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen, edges


def walker_sets(graph) -> tuple[set, set]:
    """The walker's product graph in the reference's terms."""
    nodes = set(graph.nodes)
    edges = {(graph.nodes[u], graph.events[e], graph.nodes[v], graph.steps[s].taken)
             for u, v, e, s in zip(graph.src, graph.dst, graph.event, graph.step)}
    return nodes, edges
