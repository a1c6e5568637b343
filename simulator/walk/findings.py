"""Structural findings of a walk: what the spec's graph alone could not tell.

- transitions never enabled in any reachable configuration;
- dead ends: configurations from which the home screen cannot be reached;
- nondeterminism: two transitions of one event from one state whose guards hold
  together in some reachable configuration (``transitions`` would silently
  take the first);
- events a screen handles but refuses for some worlds (information only: a
  menu item shown only sometimes is by design);
- steps that take a variable outside its declared range (``min``/``max``): the
  walk counts them at the bound and does not go on from there; they are listed
  whether or not a property looks at that variable, so none passes unseen.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .explore import ProductGraph, paused_gc
from .properties import dead_end_nodes

__all__ = ["Findings", "find_structural"]


@dataclass
class Findings:
    never_enabled: list[str] = field(default_factory=list)
    dead_ends: list[dict[str, Any]] = field(default_factory=list)  # per screen: count and a shortest-reached example
    nondeterminism: list[dict[str, Any]] = field(default_factory=list)
    unhandled: list[dict[str, Any]] = field(default_factory=list)
    out_of_range: list[dict[str, Any]] = field(default_factory=list)  # per variable: count and a shortest example

    def to_json(self) -> dict[str, list]:
        out = {"never_enabled": self.never_enabled, "dead_ends": self.dead_ends,
               "nondeterminism": self.nondeterminism}
        if self.out_of_range:  # only when there are any: a spec without them keeps its JSON as it was
            out["out_of_range"] = self.out_of_range
        return out


def _example(graph: ProductGraph, node: int) -> dict[str, Any]:
    return {"screen": graph.nodes[node].screen, **graph.world_of(node)}


def find_structural(graph: ProductGraph) -> Findings:
    """The structural findings of a walk, in a deterministic order."""
    with paused_gc():
        return _find(graph)


def _find(graph: ProductGraph) -> Findings:
    spec = graph.spec
    findings = Findings()
    findings.never_enabled = [t.id for t in spec.all_transitions() if t.id not in graph.enabled]
    by_screen: dict[str, list[int]] = {}
    for node in dead_end_nodes(graph):
        by_screen.setdefault(graph.nodes[node].screen, []).append(node)
    for screen in sorted(by_screen):
        nodes = by_screen[screen]
        first = min(nodes, key=lambda n: (graph.depth[n], n))
        findings.dead_ends.append({"screen": screen, "configurations": len(nodes), "example": _example(graph, first)})
    for (region, state, event, ids), places in sorted(graph.nondeterminism.items()):
        node, fired = min(places, key=lambda p: (graph.depth[p[0]], p[0]))
        findings.nondeterminism.append({"region": region, "state": state, "event": event, "transitions": list(ids),
                                        "configurations": len({n for n, _ in places}),
                                        "example": {**_example(graph, node), "after": fired}})
    refusing = [key for key, (_, refused) in graph.handled.items() if refused and spec.events[key[1]].kind == "user"]
    for screen, event in sorted(refusing):
        accepted, refused = graph.handled[(screen, event)]
        findings.unhandled.append({"screen": screen, "event": event, "refused_in": refused, "accepted_in": accepted})
    findings.out_of_range = _out_of_range(graph)
    return findings


def _out_of_range(graph: ProductGraph) -> list[dict[str, Any]]:
    """Steps cut because a variable left its declared min/max (not merely the domain's bound), per variable."""
    spec = graph.spec
    limits = [(position, name, spec.variables[name].min, spec.variables[name].max)
              for position, name in enumerate(graph.variables)
              if name in spec.variables and spec.variables[name].type == "int"]
    by_variable: dict[str, list[tuple]] = {}
    for node, event, target, step in graph.cut:
        for position, name, low, high in limits:
            value = target.world[position]
            if (low is not None and value < low) or (high is not None and value > high):
                by_variable.setdefault(name, []).append((graph.depth[node], node, event, value, step))
    out = []
    for name in sorted(by_variable):
        depth, node, event, value, step = min(by_variable[name])
        variable = spec.variables[name]
        out.append({"variable": name, "steps": len(by_variable[name]), "value": value,
                    "range": [variable.min, variable.max], "example": {**_example(graph, node),
                                                                        "after": graph.events[event],
                                                                        "taken": list(graph.steps[step].taken)}})
    return out
