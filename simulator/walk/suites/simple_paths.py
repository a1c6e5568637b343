"""The ``simple`` criterion: every simple path of user events from the home screen, up to a cutoff.

Covering suites share steps between goals and so hide the flows a person
would walk. Simple paths (no screen twice) list those flows one by one: each
is a journey a tester can read. Paths that differ only in the world they
need are walked once, in the first initial world that allows them.

Their number grows exponentially with the cutoff on a graph with choices, so
the search is bounded: it stops with a :class:`~simulator.errors.LimitError`
once it has found more than ``max_paths`` of them (``--max-paths``). The
search is a depth-first loop over an explicit stack, not recursion, so a long
cutoff on a big spec never runs out of Python's stack; its memory is the
paths found plus one frame per step of the current path.
"""
from __future__ import annotations

from ...errors import LimitError, Loc, Problem
from ..explore import ProductGraph
from .testpath import Suite, drop_prefixes, path_from_moves

from ...choices import MAX_PATHS

__all__ = ["simple_suite", "MAX_PATHS"]



def simple_suite(graph: ProductGraph, cutoff: int, max_paths: int | None = None) -> Suite:
    """Every simple path of user events from the home screen, up to ``cutoff`` steps, each in a world it fits.

    Raises LimitError when there are more than ``max_paths`` (default
    :data:`MAX_PATHS`).
    """
    budget = MAX_PATHS if max_paths is None else max_paths
    spec = graph.spec
    user = {i for i, name in enumerate(graph.events) if spec.events[name].kind == "user"}
    home = spec.home_screen
    starts = sorted(n for n in graph.initial if graph.nodes[n].screen == home)
    results: list[tuple[int, list[int]]] = []
    out, dst, event_of, nodes = graph.out, graph.dst, graph.event, graph.nodes

    def branches(mapping: dict[int, tuple[int, int | None]]) -> list[tuple[str, dict]]:
        """The next steps of one screen path, grouped by (event, screen) so each group is one longer path."""
        grouped: dict[tuple[int, str], dict[int, tuple[int, int]]] = {}
        for root, (node, _edge) in mapping.items():
            for edge in out[node]:
                event = event_of[edge]
                screen = nodes[dst[edge]].screen
                if event in user and screen not in visited:
                    grouped.setdefault((event, screen), {})[root] = (dst[edge], edge)
        return [(screen, submap) for (_event, screen), submap in sorted(grouped.items(), reverse=True)]

    # ``mapping`` follows one screen path in every initial world at once (root -> node reached, edge that got
    # there), so a path is listed once however many worlds can walk it. The stack holds, per step of the current
    # path, that step's mapping and the sibling groups still to try (last = next); ``visited`` holds the screens of
    # the current path and is undone on the way back.
    visited = {home}
    frames: list[dict[int, tuple[int, int | None]]] = [{n: (n, None) for n in starts}]
    pending: list[list[tuple[str, dict]]] = [branches(frames[0]) if cutoff > 0 else []]
    screens: list[str] = [home]
    while pending:
        if not pending[-1]:  # every longer path through here is listed: step back
            pending.pop()
            frames.pop()
            if len(screens) > 1:
                visited.discard(screens.pop())
            continue
        screen, submap = pending[-1].pop()
        frames.append(submap)
        screens.append(screen)
        visited.add(screen)
        following = branches(submap) if len(frames) - 1 < cutoff else []
        if not following:  # a path ends here: record it in its first world
            root = min(submap)
            results.append((root, [frame[root][1] for frame in frames[1:]]))
            if len(results) > budget:
                raise _too_many(budget, cutoff)
        pending.append(following)
    paths = drop_prefixes([path_from_moves(graph, root, [("edge", e) for e in edges]) for root, edges in results])
    # Each path is its own item: the screens it walks through.
    covered = {(p.start_screen,) + tuple(step.screen for step in p.steps) for p in paths}
    return Suite("simple", paths, covered, covered, len(covered))


def _too_many(budget: int, cutoff: int) -> LimitError:
    return LimitError(Problem(Loc("--max-paths"), "error", f"the simple paths are more than their budget of "
                              f"{budget:,} (found {budget + 1:,} with --cutoff {cutoff}, and the search is not over): "
                              "their number grows exponentially with the cutoff; lower --cutoff, or raise the budget "
                              "with --max-paths N", "too-many-paths"))
