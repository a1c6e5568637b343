"""The pytest plugin: a run that replays scenarios ends with a spec-coverage summary."""
from __future__ import annotations

import json

from .conftest import KMS_SPEC, SCENARIOS

pytest_plugins = ["pytester"]


def _test_module(scenarios) -> str:
    return f'''
from simulator import load_checked_spec, load_scenario, run_scenario

def test_replay():
    spec = load_checked_spec({str(KMS_SPEC)!r})
    for path in {[str(s) for s in scenarios]!r}:
        assert run_scenario(load_scenario(path, spec), spec).passed
'''


def test_pytest_plugin_prints_a_summary_and_writes_the_coverage_file(pytester):
    pytester.makepyfile(test_replay=_test_module(SCENARIOS[:3]))
    target = pytester.path / "coverage.json"
    result = pytester.runpytest(f"--kmsflow-coverage={target}")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*kmsflow spec coverage*", "spec kms9_subscription: 3 traces",
                                 "*screens*", "*transitions*"])
    data = json.loads(target.read_text())
    assert data["format"] == "kmsflow-coverage/1" and data["traces"] == 3
    assert list(data["screens"]) == sorted(data["screens"]) and data["screens"]["main_menu"] >= 3
    assert sum(data["transitions"].values()) > 0


def test_pytest_plugin_is_silent_when_nothing_is_simulated(pytester):
    pytester.makepyfile(test_plain="def test_nothing():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert "kmsflow spec coverage" not in result.stdout.str()
