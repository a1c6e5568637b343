"""Coverage counts: the shared kmsflow-coverage/1 file and the explore figures."""
from __future__ import annotations

import json

import pytest

from simulator import Simulator, UsageError
from simulator.walk.coverage import (CoverageCounts, coverage_figures, empty_coverage, merge_coverage,
                                     read_coverage_file, suite_counts)


def test_coverage_counts_list_every_element_sorted(kms_spec):
    counts = CoverageCounts(kms_spec)
    sim = Simulator(kms_spec)
    counts.start_trace(sim.screen)
    for event in ("select_additional", "select_license", "press_back"):
        counts.add_taken(sim.fire(event).taken)
    data = json.loads(counts.text())
    assert data["format"] == "kmsflow-coverage/1" and data["spec"] == "kms9_subscription" and data["traces"] == 1
    assert list(data["screens"]) == sorted(kms_spec.screens)
    assert len(data["transitions"]) == len(kms_spec.all_transitions())
    assert data["screens"]["additional_menu"] == 2 and data["screens"]["terms"] == 0
    assert data["transitions"]["additional_menu.select_license"] == 1


def test_coverage_of_the_transitions_suite_reaches_every_transition(kms_spec, kms_suites):
    suites = {c: kms_suites[c] for c in ("screens", "transitions", "transition-pairs", "guard-outcomes")}
    counts = suite_counts(kms_spec, suites["transitions"])
    assert all(counts.transitions.values()) and counts.traces == len(suites["transitions"].paths)
    figures = coverage_figures(kms_spec, suites)
    assert figures == {"screens": 1.0, "transitions": 1.0, "transition_pairs": 1.0, "guard_outcomes": 1.0,
                       "kb_steps": 1.0, "assumptions": 1.0}


def test_coverage_merge_sums_records_of_one_spec_and_refuses_others(kms_spec, tmp_path):
    counts = CoverageCounts(kms_spec)
    counts.start_trace("main_menu")
    file = tmp_path / "c.json"
    file.write_text(counts.text())
    once = read_coverage_file(str(file), kms_spec)
    assert merge_coverage(kms_spec, []) == empty_coverage(kms_spec)
    twice = merge_coverage(kms_spec, [once, once])
    assert twice["traces"] == 2 and twice["screens"]["main_menu"] == 2
    other = dict(once, spec="trial_to_purchase")
    with pytest.raises(UsageError, match="cannot be added"):
        merge_coverage(kms_spec, [other])
