"""The ``simple`` criterion: every simple path of user events from the home screen, up to a cutoff.

Covering suites share steps between goals and so hide the flows a person
would walk. Simple paths (no screen twice) list those flows one by one: each
is a journey a tester can read. Paths that differ only in the world they
need are walked once, in the first initial world that allows them.
"""
from __future__ import annotations

from ..explore import ProductGraph
from .testpath import Suite, drop_prefixes, path_from_moves

__all__ = ["simple_suite"]


def simple_suite(graph: ProductGraph, cutoff: int) -> Suite:
    """Every simple path of user events from the home screen, up to ``cutoff`` steps, each in a world it fits."""
    spec = graph.spec
    user = {i for i, name in enumerate(graph.events) if spec.events[name].kind == "user"}
    home = spec.home_screen
    starts = {n: n for n in graph.initial if graph.nodes[n].screen == home}
    results: list[tuple[int, list[int]]] = []

    # ``mapping`` follows one screen path in every initial world at once (root -> node reached, edges taken),
    # so a path is listed once however many worlds can walk it.
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
        for (_event, screen), submap in sorted(branches.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            extend(submap, visited | {screen}, length + 1)

    extend({n: (n, []) for n in sorted(starts)}, {home}, 0)
    paths = drop_prefixes([path_from_moves(graph, root, [("edge", e) for e in edges]) for root, edges in results])
    # Each path is its own item: the screens it walks through.
    covered = {(p.start_screen,) + tuple(step.screen for step in p.steps) for p in paths}
    return Suite("simple", paths, covered, covered, len(covered))
