"""Generated suites: coverage per criterion, the transitions suite's size against its bounds, replay."""
from __future__ import annotations

import pytest

from simulator import load_scenario, run_scenario
from simulator.walk.explore import explore_spec
from simulator.walk.export import write_scenario
from simulator.walk.suites import CRITERIA, PathStep, TestPath, generate_suite
from simulator.walk.suites.testpath import drop_prefixes
from simulator.spec.synthetic import synthetic_spec


@pytest.fixture(scope="module")
def kms_graph(kms_spec):
    return explore_spec(kms_spec)


@pytest.fixture(scope="module")
def kms_suites(kms_graph):
    return {criterion: generate_suite(kms_graph, criterion) for criterion in CRITERIA}


@pytest.mark.parametrize("criterion", ["screens", "transitions", "guard-outcomes", "transition-pairs"])
def test_paths_kms_suite_covers_everything_by_its_criterion(kms_suites, criterion):
    suite = kms_suites[criterion]
    assert suite.coverage == 1.0 and suite.covered == suite.coverable
    assert suite.paths and all(p.steps for p in suite.paths)


def test_paths_guard_outcomes_use_refused_steps(kms_suites):
    suite = kms_suites["guard-outcomes"]
    refused = [s for p in suite.paths for s in p.steps if s.refused]
    assert refused and ("license_menu.select_unsubscribe", "subscription_active", False) in suite.covered


def test_paths_transitions_suite_is_within_its_bounds(kms_suites, kms_spec):
    suite = kms_suites["transitions"]
    assert suite.lower_bound > len(kms_spec.all_transitions()) // 2
    assert suite.total_steps <= 1.5 * suite.lower_bound
    assert suite.total_steps <= suite.naive_total / 2
    covered = {tid for p in suite.paths for s in p.steps for tid in s.taken}
    assert covered == {t.id for t in kms_spec.all_transitions()}
    kb = {k for t in kms_spec.all_transitions() if t.id in covered for k in t.kb}
    assert kb == set(kms_spec.kb_steps)


def test_paths_lower_bound_is_below_the_optimum_on_a_tiny_spec(tmp_path):
    # A spec small enough to check every suite: the bound never exceeds a real covering suite.
    spec = synthetic_spec(str(tmp_path / "t.yaml"), 4, 3)
    graph = explore_spec(spec)
    suite = generate_suite(graph, "transitions")
    assert suite.coverage == 1.0
    assert suite.lower_bound <= suite.total_steps <= suite.naive_total


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


def test_paths_are_deterministic(kms_spec):
    first = generate_suite(explore_spec(kms_spec), "transitions")
    second = generate_suite(explore_spec(kms_spec), "transitions")
    assert [p.to_json() for p in first.paths] == [p.to_json() for p in second.paths]


def test_paths_unknown_criterion_is_refused(kms_graph):
    with pytest.raises(ValueError, match="unknown criterion"):
        generate_suite(kms_graph, "everything")
