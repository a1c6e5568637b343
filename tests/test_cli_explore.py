"""The explore and paths commands, called in-process."""
from __future__ import annotations

import json

import pytest

from simulator.cli import main

from .conftest import KMS_SPEC

JSON_KEYS = ["configurations", "edges", "initial_worlds", "bounds", "properties", "coverage", "findings"]


@pytest.fixture(scope="module")
def kms_json():
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["explore", "--json"])
    return code, json.loads(out.getvalue())


def test_cli_explore_json_has_exactly_the_promised_shape(kms_json):
    code, data = kms_json
    assert code == 0
    assert list(data) == JSON_KEYS
    assert data["configurations"] > 1000 and data["edges"] > data["configurations"]
    assert data["initial_worlds"] == 160 * 4  # 2 prices x 2 periods
    assert list(data["coverage"]) == ["screens", "transitions", "transition_pairs", "guard_outcomes", "kb_steps",
                                      "assumptions"]
    assert all(value == 1.0 for value in data["coverage"].values())
    assert list(data["findings"]) == ["never_enabled", "dead_ends", "nondeterminism"]
    assert all(p["holds"] and p["counterexample"] is None for p in data["properties"])
    assert len(data["properties"]) == 15  # DESIGN.md's fifteen


def test_cli_explore_text_lists_properties_and_bounds(capsys):
    assert main(["explore"]) == 0
    out = capsys.readouterr().out
    assert "holds     no_charge_without_consent" in out and "bounds: balance <= 15, days_left <= 60" in out
    assert "lower bound for any covering suite" in out


def test_cli_explore_violation_exits_1_and_writes_a_replayable_counterexample(tmp_path, capsys):
    text = KMS_SPEC.read_text().replace(
        "    send: cancel                        # the account region: active -> cancelled\n", "")
    spec = tmp_path / "mutant.yaml"
    spec.write_text(text)
    folder = tmp_path / "cex"
    assert main(["explore", str(spec), "--counterexamples", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "VIOLATED  cancelling_keeps_days" in out and "  1  select_additional" in out
    assert main(["simulate", "--spec", str(spec), str(folder / "cancelling_keeps_days.yaml")]) == 0


def test_cli_explore_bad_domain_override_exits_2(capsys):
    assert main(["explore", "--domain", "balance=plenty"]) == 2
    assert "--domain" in capsys.readouterr().err


def test_cli_explore_domain_override_changes_the_walk(capsys):
    # 7, not 30: with the 7-day period the bound is 14, and a start above the bound is refused (test_limits).
    assert main(["explore", "--json", "--domain", "network=up", "--domain", "days_left=0,7"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["initial_worlds"] == (2 * 3 * 4 - 4) * 4  # for each of 2 prices x 2 periods


def test_cli_paths_prints_the_transitions_summary(capsys):
    assert main(["paths", "--criterion", "transitions"]) == 0
    out = capsys.readouterr().out
    assert "lower bound for any covering suite" in out and "naive suite" in out and "ratio" in out


def test_cli_paths_writes_scenarios_that_simulate_passes(tmp_path, capsys):
    assert main(["paths", "--criterion", "screens", "--format", "scenarios", "-o", str(tmp_path)]) == 0
    files = sorted(str(p) for p in tmp_path.glob("*.yaml"))
    assert files
    capsys.readouterr()
    assert main(["simulate", "-q", *files]) == 0
    assert f"{len(files)} passed, 0 failed" in capsys.readouterr().out


def test_cli_paths_format_without_output_is_a_usage_error(capsys):
    assert main(["paths", "--format", "csv"]) == 2
    assert "-o DIR" in capsys.readouterr().err
