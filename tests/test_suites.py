"""Generated suites: coverage per criterion, the transitions suite's size against its bounds, replay.

Coverage is recomputed here from the paths and the product graph, not read
from what the generator reports about itself; the lower bound is checked
against the true optimum, found by brute force on specs small enough.
"""
from __future__ import annotations

import json
from collections import deque
from itertools import pairwise

import pytest

from simulator import load_scenario, run_scenario
from simulator.errors import UsageError
from simulator.spec.load import load_spec
from simulator.spec.synthetic import synthetic_spec
from simulator.walk.explore import explore_spec
from simulator.walk.export import write_scenario
from simulator.walk.suites import CRITERIA, PathStep, TestPath, generate_suite
from simulator.walk.suites import pair_cover
from simulator.walk.suites.greedy_cover import _nearest_new, _NodeSpace
from simulator.walk.suites.testpath import drop_prefixes

from .conftest import SPEC_DIR




@pytest.fixture(scope="module")
def small_graph(tmp_path_factory):
    # 5 screens, 14 transitions, 40 configurations: small enough for brute force, and the greedy suite
    # (24 steps) is one step above the bound (23), so the optimum has to be computed to tell.
    return explore_spec(synthetic_spec(str(tmp_path_factory.mktemp("s") / "s.yaml"), 5, 1))


def _graph_pairs(graph) -> set:
    """Every two transitions taken one right after the other in the product graph, from its edges alone."""
    pairs, lasts_into, firsts_out = set(), {}, {}
    for edge, step in enumerate(graph.step):
        taken = graph.steps[step].taken
        pairs.update(pairwise(taken))
        lasts_into.setdefault(graph.dst[edge], set()).add(taken[-1])
        firsts_out.setdefault(graph.src[edge], set()).add(taken[0])
    for node, lasts in lasts_into.items():
        pairs.update((a, b) for a in lasts for b in firsts_out.get(node, ()))
    return pairs


def test_paths_kms_suites_cover_what_their_paths_show(kms_suites, kms_spec, kms_graph):
    by_id = {t.id: t for t in kms_spec.all_transitions()}
    for criterion in ("screens", "transitions", "guard-outcomes", "transition-pairs"):
        suite = kms_suites[criterion]
        assert suite.coverage == 1.0 and suite.covered == suite.coverable, criterion
        assert suite.paths and all(p.steps for p in suite.paths), criterion
    taken = {c: [[tid for s in p.steps for tid in s.taken] for p in kms_suites[c].paths] for c in CRITERIA}
    # Screens: where each path starts, and every screen a taken transition enters (system screens too).
    seen = {p.start_screen for p in kms_suites["screens"].paths}
    seen |= {by_id[tid].dest for path in taken["screens"] for tid in path
             if by_id[tid].region == "screens" and by_id[tid].dest}
    assert seen == set(kms_spec.screens)
    assert {tid for path in taken["transitions"] for tid in path} == set(by_id)
    # Pairs: those the paths walk are exactly those the product graph holds.
    walked = {pair for path in taken["transition-pairs"] for pair in pairwise(path)}
    assert walked == kms_suites["transition-pairs"].coverable == _graph_pairs(kms_graph)


def test_paths_guard_outcomes_use_refused_steps(kms_suites):
    suite = kms_suites["guard-outcomes"]
    refused = [s for p in suite.paths for s in p.steps if s.refused]
    assert refused and all(not s.taken for s in refused)
    assert ("license_menu.select_unsubscribe", "subscription_active", False) in suite.covered


@pytest.mark.parametrize("criterion", CRITERIA)
def test_paths_no_path_is_a_prefix_of_another(kms_suites, criterion):
    # A path that another one replays from its start tests nothing more: the suite must not hold it.
    keys = [(repr(sorted(p.given.items(), key=str)), p.start_screen, tuple(p.events))
            for p in kms_suites[criterion].paths]
    assert len(set(keys)) == len(keys)
    prefixes = {(given, start, events[:k]) for given, start, events in keys for k in range(len(events))}
    assert not prefixes & set(keys)


def test_paths_transitions_suite_is_within_its_bounds(kms_suites, kms_spec):
    suite = kms_suites["transitions"]
    assert suite.lower_bound > len(kms_spec.all_transitions()) // 2
    assert suite.lower_bound <= suite.total_steps <= 1.5 * suite.lower_bound
    assert suite.total_steps <= suite.naive_total / 2
    covered = {tid for p in suite.paths for s in p.steps for tid in s.taken}
    assert covered == {t.id for t in kms_spec.all_transitions()}
    kb = {k for t in kms_spec.all_transitions() if t.id in covered for k in t.kb}
    assert kb == set(kms_spec.kb_steps)


@pytest.mark.parametrize("size", [100, 300])
def test_paths_synthetic_transitions_suite_stays_close_to_the_bound(tmp_path, size):
    # The greedy search has no guarantee of its own; this ratio is what keeps it honest on bigger graphs.
    suite = generate_suite(explore_spec(synthetic_spec(str(tmp_path / "s.yaml"), size, 1)), "transitions")
    assert suite.coverage == 1.0
    assert suite.lower_bound <= suite.total_steps <= 1.5 * suite.lower_bound
    assert suite.total_steps <= suite.naive_total / 1.5


def _optimal_transitions_total(graph) -> int:
    """The fewest total steps of any set of paths from initial nodes that takes every transition of the graph.

    A 0-1 breadth-first search over (node, transitions taken so far): a step
    costs 1, ending a path and starting the next at any initial node costs 0.
    """
    ids = sorted({tid for step in graph.step for tid in graph.steps[step].taken})
    bit = {tid: 1 << i for i, tid in enumerate(ids)}
    masks = [sum(bit[tid] for tid in set(graph.steps[step].taken)) for step in graph.step]
    full = (1 << len(ids)) - 1
    restart = -1  # between two paths
    dist = {(restart, 0): 0}
    queue = deque([(restart, 0)])
    while queue:
        state = queue.popleft()
        node, mask = state
        d = dist[state]
        if mask == full:
            return d
        if node == restart:
            moves = [((start, mask), 0) for start in graph.initial]
        else:
            moves = [((restart, mask), 0)] + [((graph.dst[e], mask | masks[e]), 1) for e in graph.out[node]]
        for target, cost in moves:
            if d + cost < dist.get(target, 1 << 30):
                dist[target] = d + cost
                (queue.append if cost else queue.appendleft)(target)
    raise AssertionError("some transition cannot be covered")


@pytest.mark.parametrize("which", ["synthetic", "trial"])
def test_paths_lower_bound_is_below_the_optimum(small_graph, which):
    # The bound is a claim about every covering suite, so it is checked against the best one, not the greedy one.
    graph = small_graph if which == "synthetic" else explore_spec(load_spec(str(SPEC_DIR / "trial_to_purchase.yaml")))
    suite = generate_suite(graph, "transitions")
    optimum = _optimal_transitions_total(graph)
    assert suite.coverage == 1.0
    assert suite.lower_bound <= optimum <= suite.total_steps <= suite.naive_total


def _nearest_by_brute_force(space, start, uncovered, limit) -> int | None:
    """Moves to the nearest new item from ``start``, by a plain breadth-first search over the space's own moves."""
    def moves(n):
        graph = space.graph
        return ([((), n, outcomes) for _, outcomes in space.refusals.get(n, ())]
                + [((), graph.dst[e], space.step_items[graph.step[e]] | space.state_items(graph.dst[e]))
                   for e in graph.out[n]])

    seen, frontier = {start}, [start]
    for depth in range(1, limit + 1):
        following = []
        for state in frontier:
            for _, target, items in moves(state):
                if items & uncovered:
                    return depth
                if target not in seen:
                    seen.add(target)
                    following.append(target)
        frontier = following
    return None


@pytest.mark.parametrize("criterion", ["screens", "transitions", "guard-outcomes"])
def test_paths_search_finds_the_nearest_new_item(small_graph, criterion):
    # The one search behind these covering criteria: a walk that exists, ends on something new, and is shortest.
    graph = small_graph
    for keep in (1, 3, 7):
        space = _NodeSpace(graph, criterion)
        _, item_dist = space.tree()
        uncovered = {item for i, item in enumerate(sorted(item_dist, key=str)) if i % keep == 0}
        for start in graph.initial:
            for limit in (1, 2, 4, 8):
                chain = _nearest_new(space, start, uncovered, limit)
                expected = _nearest_by_brute_force(space, start, uncovered, limit)
                if chain is None:
                    assert expected is None, (start, limit)
                    continue
                assert len(chain) == expected
                assert chain[0][0] == start and all(a[2] == b[0] for a, b in pairwise(chain))
                last = chain[-1]
                assert last[3] & uncovered or space.state_items(last[2]) & uncovered


def test_paths_pairs_search_finds_the_nearest_state_with_a_new_pair(small_graph, monkeypatch):
    # The transition-pairs search runs over (node, last transition) states and stops at the nearest state one of
    # whose moves takes an uncovered pair: the way exists move by move, ends there, and no shorter way does.
    monkeypatch.setattr(pair_cover, "SEARCH_CAP", 10 ** 9)  # the brute force below has no cap either
    pairs = pair_cover._Pairs(small_graph)
    every = sorted(pairs.item_first)
    for keep in (1, 3, 7):
        uncovered = set(every[::keep])
        pairs.pending = [sum(item in uncovered for edge, _ in pairs.moves[s] for item in pairs.move_items(s, edge))
                         for s in range(len(pairs.moves))]
        for start in range(0, len(pairs.moves), 7):
            distance, seen, frontier = None, {start}, [start]  # brute force: levels of states
            for depth in range(1, 9):
                frontier = [t for s in frontier for _, t in pairs.moves[s] if t not in seen and not seen.add(t)]
                if any(pairs.pending[t] for t in frontier):
                    distance = depth
                    break
            for limit in (2, 4, 9):
                way = pair_cover._way_to_pending(pairs, start, limit)
                if way is None:
                    assert distance is None or distance + 1 >= limit, (start, limit)
                    continue
                assert len(way) == distance
                assert way[0][0] == start and all(a[2] == b[0] for a, b in pairwise(way))
                assert all((edge, target) in pairs.moves[state] for state, edge, target in way)
                assert pairs.pending[way[-1][2]]


@pytest.mark.parametrize("criterion", CRITERIA)
def test_paths_every_generated_path_replays_as_a_scenario(tmp_path, kms_spec, kms_suites, criterion):
    suite = kms_suites[criterion]
    for index, path in enumerate(suite.paths):
        file = tmp_path / f"{index}.yaml"
        write_scenario(kms_spec, path, str(file), f"{criterion} {index}")
        result = run_scenario(load_scenario(str(file), kms_spec), kms_spec)
        assert result.passed, (criterion, index, result.failures)


def test_paths_simple_paths_start_home_and_never_repeat_a_screen(kms_suites, kms_spec):
    suite = kms_suites["simple"]
    assert suite.paths
    for path in suite.paths:
        screens = [path.start_screen] + [s.screen for s in path.steps]
        assert path.start_screen == kms_spec.home_screen
        assert len(screens) == len(set(screens))
    assert {p.steps[-1].screen for p in suite.paths} >= {"note_cancelled", "note_resumed", "note_activated",
                                                         "note_no_money", "note_no_connection", "closed"}


def test_paths_simple_cutoff_shortens_paths(kms_graph):
    short = generate_suite(kms_graph, "simple", cutoff=3)
    assert short.paths and max(len(p.steps) for p in short.paths) <= 3


def test_paths_prefixes_and_repeats_are_dropped():
    def path(events):
        return TestPath({"x": 1}, "home", [PathStep(e, "s", {"x": 1}) for e in events])
    kept = drop_prefixes([path(["a"]), path(["a", "b"]), path(["c"]), path(["a", "b"]), path(["a", "c"])])
    assert [[s.event for s in p.steps] for p in kept] == [["a", "b"], ["c"], ["a", "c"]]


def test_paths_are_deterministic(kms_spec, kms_graph):
    first = generate_suite(kms_graph, "transitions")
    second = generate_suite(explore_spec(kms_spec), "transitions")
    assert [p.to_json() for p in first.paths] == [p.to_json() for p in second.paths]


def test_paths_unknown_criterion_is_refused(kms_graph):
    with pytest.raises(UsageError, match="unknown criterion"):
        generate_suite(kms_graph, "everything")


def test_reach_is_exactly_what_each_covering_suite_covers(kms_spec, kms_graph, kms_suites, small_graph):
    # `explore --json` reads its coverage figures off the graph instead of building the suites (issue 11):
    # the figures must be the ones the suites give, item for item, on the KMS walk and on a synthetic one.
    from simulator.walk.analysis import COVERING_CRITERIA
    from simulator.walk.coverage import coverage_figures
    from simulator.walk.suites import reach_of

    for graph, suites in ((kms_graph, kms_suites), (small_graph, None)):
        suites = suites or {c: generate_suite(small_graph, c) for c in COVERING_CRITERIA}
        reaches = {c: reach_of(graph, c) for c in COVERING_CRITERIA}
        for criterion in COVERING_CRITERIA:
            assert reaches[criterion].covered == frozenset(suites[criterion].covered), criterion
            assert reaches[criterion].total_items == suites[criterion].total_items, criterion
        assert coverage_figures(graph.spec, reaches) == coverage_figures(graph.spec, suites)


def test_cli_explore_json_figures_are_those_of_the_built_suites(kms_spec, kms_graph, kms_suites, capsys):
    from simulator.cli import main
    from simulator.walk.coverage import coverage_figures

    assert main(["explore", "--json", str(SPEC_DIR / "kms9_subscription.yaml")]) == 0
    reported = json.loads(capsys.readouterr().out)["coverage"]
    assert reported == coverage_figures(kms_spec, kms_suites)
