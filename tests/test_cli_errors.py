"""Errors everywhere the same: a spec that gets stuck when run is reported like bad input by every command.

One message on standard error naming the spec file (``[flow-error]``), exit status 2, no traceback, and
nothing written. The fixture passes `kmsflow check` (a guard could let the app on) but gets stuck as soon as
it runs: its system screen ``paying`` has one system step, and the balance never covers the price.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from simulator import FlowRuntimeError, InputError, KmsflowError, ScenarioError, SpecError, UsageError
from simulator import load_checked_spec, load_scenario, run_scenario
from simulator.cli import main

from .conftest import ROOT, TRIAL_RULES

STUCK = Path(__file__).parent / "fixtures" / "stuck_payment.yaml"


@pytest.fixture
def stuck_scenario(tmp_path) -> Path:
    path = tmp_path / "buy.yaml"
    path.write_text(f"name: buy without money\nspec: {STUCK}\nsteps: [open_offer]\nexpect: {{screen: home}}\n")
    return path


def _one_flow_error(err: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{STUCK}: error: the spec fails when run: ") and lines[0].endswith("[flow-error]")
    assert "stuck on system screen 'paying'" in lines[0] and "Traceback" not in err


def test_errors_have_one_root():
    for error in (InputError, SpecError, ScenarioError, UsageError, FlowRuntimeError):
        assert issubclass(error, KmsflowError)
    assert not issubclass(FlowRuntimeError, InputError)  # not a mistake at one place of a file
    error = FlowRuntimeError("stuck")
    assert str(error) == "stuck" and error.at("x.yaml").problems[0].loc.file == "x.yaml"


def test_check_accepts_the_stuck_fixture(capsys):
    assert main(["check", str(STUCK)]) == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().out


@pytest.mark.parametrize("command", [
    ["explore"], ["explore", "--json"], ["paths"], ["paths", "--criterion", "screens"], ["review"],
], ids=" ".join)
def test_cli_walking_commands_report_a_flow_error_like_bad_input(command, capsys):
    assert main([command[0], str(STUCK), *command[1:]]) == 2
    output = capsys.readouterr()
    _one_flow_error(output.err)
    assert output.out == ""


@pytest.mark.parametrize("command", [
    ["paths", "--format", "pytest", "-o", "{out}"], ["explore", "--counterexamples", "{out}"],
    ["review", "-o", "{out}/review.md"],
], ids=lambda c: " ".join(c[:2]))
def test_cli_a_flow_error_writes_nothing(command, tmp_path, capsys):
    out = tmp_path / "out"
    assert main([command[0], str(STUCK), *[a.format(out=out) for a in command[1:]]]) == 2
    _one_flow_error(capsys.readouterr().err)
    assert not out.exists()


def test_cli_simulate_reports_a_stuck_scenario_like_bad_input(stuck_scenario, capsys):
    assert main(["simulate", str(stuck_scenario)]) == 2
    err = capsys.readouterr().err
    _one_flow_error(err)
    assert f"(in {stuck_scenario}, step 1 (open_offer))" in err


def test_cli_diagram_of_a_stuck_scenario_writes_nothing(stuck_scenario, tmp_path, capsys):
    out = tmp_path / "d"
    assert main(["diagram", str(STUCK), "--format", "dot", "-o", str(out), "--highlight", str(stuck_scenario)]) == 2
    _one_flow_error(capsys.readouterr().err)
    assert not out.exists()


def test_cli_play_from_a_stuck_scenario_is_refused(stuck_scenario, capsys):
    assert main(["play", "--from", str(stuck_scenario), "--lines"]) == 2
    _one_flow_error(capsys.readouterr().err)


def test_run_scenario_raises_a_flow_error_placed_at_the_spec(stuck_scenario):
    spec = load_checked_spec(str(STUCK))
    with pytest.raises(FlowRuntimeError) as caught:
        run_scenario(load_scenario(str(stuck_scenario), spec), spec)
    assert caught.value.problems[0].loc.file == str(STUCK)


def test_cli_flow_error_in_a_real_process_has_no_traceback():
    done = subprocess.run([sys.executable, "-m", "simulator", "review", str(STUCK), "--rules", str(TRIAL_RULES)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == ""
    _one_flow_error(done.stderr)


def test_library_lookups_raise_kmsflow_errors_not_key_errors(kms_spec):
    from simulator.draw.views import load_views
    from simulator.errors import KmsflowError
    from simulator.rules import load_rules
    from simulator.spec.synthetic import synthetic_spec_text

    calls = [lambda: kms_spec.transition("no.such.transition"), lambda: load_rules("no_such_book"),
             lambda: load_views(kms_spec).get("no_such_view"), lambda: synthetic_spec_text(1)]
    for call in calls:
        with pytest.raises(KmsflowError) as caught:
            call()
        assert caught.value.problems and caught.value.problems[0].message
