"""The pytest plugin: a run that replays scenarios ends with a spec-coverage summary."""
from __future__ import annotations

import json
import subprocess
import sys

from simulator.cli import main
from simulator.runtime.hooks import simulator_hooks

from .conftest import KMS_SPEC, ROOT, SCENARIOS

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


def test_pytest_plugin_imports_nothing_heavy():
    # pytest loads the plugin in every run where kmsflow is installed: importing it must stay cheap.
    code = ("import sys, simulator.pytest_plugin; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('networkx', 'transitions', 'yaml') "
            "or (m.startswith('simulator.') and m != 'simulator.pytest_plugin')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_pytest_plugin_leaves_no_hook_behind(pytester):
    before = simulator_hooks()
    pytester.makepyfile(test_replay=_test_module(SCENARIOS[:1]))
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=1)
    assert simulator_hooks() == before


def test_pytest_plugin_and_diagram_write_the_same_coverage_file(pytester, tmp_path):
    # One writer of kmsflow-coverage/1: the same runs give the same bytes, whoever writes them.
    pytester.makepyfile(test_replay=_test_module(SCENARIOS[:3]))
    from_plugin = pytester.path / "coverage.json"
    pytester.runpytest(f"--kmsflow-coverage={from_plugin}").assert_outcomes(passed=1)
    assert main(["diagram", str(KMS_SPEC), "--format", "dot", "--view", "cancel", "-o", str(tmp_path / "d"),
                 "--coverage", *map(str, SCENARIOS[:3])]) == 0
    assert from_plugin.read_bytes() == (tmp_path / "d" / "coverage.json").read_bytes()
