"""The product graph the review page plays: the exhaustive walk's configurations and edges, packed for JavaScript.

The page has no engine of its own. Pressing a key on the page's phone follows
the edge the walk found for that event from the current configuration, so the
page does what the spec does by construction (the equivalence test replays
random runs through the page and through :class:`~simulator.runtime.simulate.Simulator`
to prove the packing and the following are right).

The walk here is the spec's own domain at the default parameters (a reviewer
plays one value of each parameter), plus the spec's initial world, so the page
starts where ``kmsflow play`` starts. A bound is raised to keep, above the
initial world, the room the spec leaves above its own start values. A step
beyond the bounds is a *cut* edge: the page offers it disabled and says why.

Arrays are packed little-endian into base64 at the narrowest width that holds
their values; :data:`PACKED_KEYS` are those the page decodes.
"""
from __future__ import annotations

import base64
from typing import Any

from ..errors import LimitError
from ..spec.model import Spec
from ..spec.resolve import default_parameters
from ..walk.domain import Domain, apply_overrides, parse_domain
from ..walk.explore import ProductGraph, explore_spec

__all__ = ["page_domain", "page_graph", "pack_graph", "PACKED_KEYS", "PAGE_MAX_CONFIGURATIONS"]

#: The most configurations a page carries (about 40 bytes each once packed, edges included: some 4 MB); a bigger
#: flow's page reads and signs off but sends the reader to ``kmsflow play``.
PAGE_MAX_CONFIGURATIONS = 100_000

PACKED_KEYS = ("nodes", "edge_start", "edge_event", "edge_target", "edge_step", "cut")


def page_domain(spec: Spec) -> Domain:
    """The spec's domain at the default parameters, with the initial world among the start worlds."""
    domain = parse_domain(spec, parameters=default_parameters(spec))
    values, bounds = [], []
    for name, variable in spec.variables.items():
        if name in domain.counters:
            continue
        declared = domain.initial[name]
        starts = declared if variable.initial in declared else declared + (variable.initial,)
        if starts != declared:
            values.append(f"{name}={','.join(str(v) for v in starts)}")
        if name in domain.bounds and variable.type == "int" and max(starts) > max(declared):
            # The room the spec leaves above its own start values (what environment events add, up to the bound),
            # kept above the initial world too, so a reader starting there can still add it.
            room = max(domain.bounds[name] - max(declared), 0)
            bounds.append(f"{name}={max(domain.bounds[name], max(starts) + room)}")
    return apply_overrides(spec, domain, values, bounds) if values or bounds else domain


def page_graph(spec: Spec, max_configurations: int | None = None) -> ProductGraph | None:
    """The walk the page follows (see :func:`page_domain`), or None when it has more than
    :data:`PAGE_MAX_CONFIGURATIONS` (or ``max_configurations``). Raises what :func:`explore_spec` raises else."""
    budget = min(PAGE_MAX_CONFIGURATIONS, max_configurations or PAGE_MAX_CONFIGURATIONS)
    try:
        return explore_spec(spec, domain=page_domain(spec), max_configurations=budget)
    except LimitError:
        return None


def _pack(numbers: list[int]) -> dict[str, Any]:
    width = next(w for w in (1, 2, 4) if not numbers or max(numbers) < 256 ** w)
    data = b"".join(n.to_bytes(width, "little") for n in numbers)
    return {"width": width, "count": len(numbers), "data": base64.b64encode(data).decode("ascii")}


def pack_graph(spec: Spec, graph: ProductGraph) -> dict[str, Any]:
    """The graph as the page reads it: names, value tables, packed arrays, steps, start worlds.

    A node is ``1 + len(variables) + len(flows)`` numbers: its screen, each kept variable (an index into
    ``values[name]``), each flow's history bits. Node ``n``'s edges are ``edge_start[n]`` to
    ``edge_start[n + 1]``; ``cut`` lists (node, event) pairs whose step goes beyond the bounds.
    """
    screens = list(spec.screens)
    screen_index = {name: i for i, name in enumerate(screens)}
    variables = list(graph.variables)
    values: dict[str, list] = {}
    for position, name in enumerate(variables):
        seen = sorted({config.world[position] for config in graph.nodes},
                      key=lambda v: (not isinstance(v, int), v if isinstance(v, int) else str(v)))
        if name in spec.variables and spec.variables[name].type == "enum":
            seen = [v for v in spec.variables[name].values if v in seen]
        values[name] = seen
    value_index = [{value: i for i, value in enumerate(values[name])} for name in variables]
    nodes: list[int] = []
    for config in graph.nodes:
        nodes.append(screen_index[config.screen])
        nodes += [value_index[i][v] for i, v in enumerate(config.world)]
        nodes += list(config.history)
    edge_start, edge_event, edge_target, edge_step = [0], [], [], []
    for node in range(len(graph.nodes)):
        for edge in graph.out[node]:
            edge_event.append(graph.event[edge])
            edge_target.append(graph.dst[edge])
            edge_step.append(graph.step[edge])
        edge_start.append(len(edge_event))
    cut = sorted({(node, event) for node, event, _target, _step in graph.cut})
    transitions = [t.id for t in spec.all_transitions()]
    transition_index = {tid: i for i, tid in enumerate(transitions)}
    steps = [{"taken": [transition_index[tid] for tid in step.taken], "counters": list(step.counters),
              "entered": [screen_index[name] for name in step.entered]} for step in graph.steps]
    starts = [{"node": node, "world": {k: v for k, v in graph.initial_world[node].items()}}
              for node in graph.initial]
    return {
        "screens": screens, "variables": variables, "values": values, "counters": list(graph.domain.counters),
        "flows": len(graph.flows), "events": list(graph.events), "transitions": transitions, "steps": steps,
        "starts": starts, "bounds": dict(graph.domain.bounds), "parameters": dict(graph.domain.parameters),
        "nodes": _pack(nodes), "edge_start": _pack(edge_start), "edge_event": _pack(edge_event),
        "edge_target": _pack(edge_target), "edge_step": _pack(edge_step),
        "cut": _pack([number for pair in cut for number in pair]),
    }
