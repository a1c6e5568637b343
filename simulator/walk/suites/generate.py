"""One suite per coverage criterion: the entry point that picks the builder and fills in the figures.

The builders return moves and items; this module turns them into a
:class:`~.testpath.Suite` a report can print: test paths without prefixes,
the coverage figure against everything the spec declares (not only what the
walk could reach), and for transitions the lower bound and naive total.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...errors import Loc, Problem, UsageError
from ..explore import ProductGraph, paused_gc
from .greedy_cover import coverable_items, covering_suite
from .lower_bound import lower_bound_method, naive_transitions_total, transitions_lower_bound
from .simple_paths import simple_suite
from .testpath import Suite, drop_prefixes, path_from_moves

from ...choices import CRITERIA

__all__ = ["CRITERIA", "generate_suite", "Reach", "reach_of"]


def generate_suite(graph: ProductGraph, criterion: str, cutoff: int = 10,
                   progress: Callable[[str], None] | None = None, max_paths: int | None = None) -> Suite:
    """The test paths for ``criterion`` (one of CRITERIA); UsageError for an unknown one.

    ``cutoff`` and ``max_paths`` are the ``simple`` criterion's: the longest
    path, and the most paths before the search stops with LimitError.
    """
    if criterion not in CRITERIA:
        raise UsageError(Problem(Loc("--criterion"), "error",
                                 f"unknown criterion {criterion!r}; expected one of {', '.join(CRITERIA)}",
                                 "bad-value"))
    if criterion == "simple":
        return simple_suite(graph, cutoff, max_paths)
    with paused_gc():  # the search allocates millions of small tuples that never form cycles
        return _covering(graph, criterion)


def _covering(graph: ProductGraph, criterion: str) -> Suite:
    raw, covered, coverable = covering_suite(graph, criterion)
    if criterion == "guard-outcomes":
        names = graph.outcome_names
        covered = {names[i] for i in covered}
        coverable = {names[i] for i in coverable}
    paths = drop_prefixes([path_from_moves(graph, start, moves) for start, moves in raw])
    suite = Suite(criterion, paths, covered, coverable, _all_items(graph, criterion, coverable))
    if criterion == "transitions":
        suite.lower_bound = transitions_lower_bound(graph, coverable)
        suite.lower_bound_method = lower_bound_method(graph)
        suite.naive_total = naive_transitions_total(graph)
    return suite


@dataclass(frozen=True)
class Reach:
    """What a suite of ``criterion`` covers, known without building it.

    A covering suite takes every item the product graph offers: its search
    runs until none is left uncovered (:func:`.greedy_cover.covering_suite`,
    :func:`.pair_cover.pair_covering_suite`), so the items it covers are the
    coverable ones, read in one pass over the graph. ``kmsflow explore --json``
    reports only the coverage figures, and reads them here.
    """

    criterion: str
    covered: frozenset
    total_items: int

    @property
    def coverage(self) -> float:
        return len(self.covered) / self.total_items if self.total_items else 1.0


def reach_of(graph: ProductGraph, criterion: str) -> Reach:
    """The items a ``criterion`` suite covers and the figure's denominator, for a covering criterion."""
    coverable = coverable_items(graph, criterion)
    if criterion == "guard-outcomes":
        coverable = {graph.outcome_names[i] for i in coverable}
    return Reach(criterion, frozenset(coverable), _all_items(graph, criterion, coverable))


def _all_items(graph: ProductGraph, criterion: str, coverable: set) -> int:
    """The denominator of the coverage figure: what the spec declares, so unreachable items count as missed."""
    spec = graph.spec
    if criterion == "screens":
        return len(spec.screens)
    if criterion == "transitions":
        return len(spec.all_transitions())
    if criterion == "guard-outcomes":
        return 2 * sum(len(t.guards) for t in spec.all_transitions())
    return len(coverable)  # transition pairs: those that occur in the product graph
