"""Test paths generated from the product graph, one suite per coverage criterion.

A test path is an initial world, a list of events, and the screen and world
expected after each step (a ``refused: true`` step expects the event to be
refused and nothing to change). Criteria:

- ``screens``: every screen entered (system screens included);
- ``transitions``: every spec transition taken;
- ``transition-pairs``: every two transitions taken one right after the other
  that occur in the product graph;
- ``guard-outcomes``: each guard of each transition seen true and seen false
  where the transition's event is dispatched (a refused event covers outcomes
  with a refused step);
- ``simple``: every simple path (no screen twice) of user events from the home
  screen, up to a cutoff.

The package keeps one job per module:

- :mod:`.testpath`: the value types (steps, paths, suites) and turning moves
  on the graph into a path;
- :mod:`.greedy_cover`: the greedy search behind the covering criteria, and
  :mod:`.pair_cover` its version for transition pairs;
- :mod:`.lower_bound`: the Chinese-postman lower bound and the naive total
  that a transitions suite is measured against;
- :mod:`.simple_paths`: the ``simple`` criterion;
- :mod:`.generate`: :func:`generate_suite`, which picks one of these, and
  :func:`reach_of`, what a covering suite covers without building it.
"""
from __future__ import annotations

from .generate import CRITERIA, Reach, generate_suite, reach_of
from .lower_bound import lower_bound_method, naive_transitions_total, transitions_lower_bound
from .testpath import PathStep, Suite, TestPath, path_from_moves

__all__ = ["CRITERIA", "PathStep", "Reach", "Suite", "TestPath", "generate_suite", "lower_bound_method",
           "naive_transitions_total", "path_from_moves", "reach_of", "transitions_lower_bound"]
