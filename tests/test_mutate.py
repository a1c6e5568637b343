"""kmsflow mutate (issue 16, item 5): mutants classified killed / equivalent / survived, killers, the score gate."""
from __future__ import annotations

import os
import shutil

import pytest

from simulator import load_checked_spec
from simulator.cli import main
from simulator.mutate import OPERATORS, analyse_mutants, load_test_suite, mutants_of, write_killers
from simulator.walk.feature_run import read_features, run_features

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
KMS = os.path.join(ROOT, "spec", "kms9_subscription.yaml")
TRIAL = os.path.join(ROOT, "spec", "trial_to_purchase.yaml")
TRIAL_SUITE = os.path.join(ROOT, "spec", "scenarios", "trial")
KMS_SUITE = os.path.join(ROOT, "spec", "scenarios")


@pytest.fixture(scope="module")
def trial():
    return load_checked_spec(TRIAL)


@pytest.fixture(scope="module")
def trial_report(trial):
    return analyse_mutants(trial, load_test_suite(trial, [TRIAL_SUITE]), jobs=2)


def test_mutate_operators_are_generic_located_and_numbered_the_same(trial, kms_spec):
    for spec, without in ((trial, set()), (kms_spec, set())):  # both write their guards and effects as expressions
        mutants = mutants_of(spec)
        assert [m.number for m in mutants] == list(range(1, len(mutants) + 1))
        assert {m.operator for m in mutants} == set(OPERATORS) - without
        assert [m.description for m in mutants] == [m.description for m in mutants_of(spec)]
        assert all(m.loc.file == spec.path and m.loc.line for m in mutants)
        assert all(m.spec is not spec and m.spec != spec for m in mutants)
    assert len(mutants_of(kms_spec)) > 150
    door = load_checked_spec(os.path.join(ROOT, "spec", "door_keypad.yaml"))  # guards written as expressions
    numbers = [m for m in mutants_of(door) if m.operator == "number"]
    assert numbers and all("becomes" in m.description and m.spec.guards != door.guards or
                           m.spec.effects != door.effects for m in numbers)


def test_mutate_classifies_every_mutant_and_writes_killers_that_close_the_gap(trial, trial_report, tmp_path):
    statuses = {r.status for r in trial_report.results}
    assert statuses == {"killed", "equivalent", "survived"}
    assert all(r.killer for r in trial_report.results if r.status == "killed")
    assert {r.killer_kind for r in trial_report.survivors} == {"scenario", "feature"}  # behaviour and words
    assert trial_report.score < 100
    files = write_killers(trial_report, str(tmp_path / "killers"))
    assert len(files) == len(trial_report.survivors)
    # Each killer passes on the spec (load_test_suite refuses a failing one) and kills its own mutant.
    stronger = load_test_suite(trial, [TRIAL_SUITE, str(tmp_path / "killers")])
    mutants = {m.number: m for m in mutants_of(trial)}
    for result, file in zip(trial_report.survivors, files):
        killer = load_test_suite(trial, [file])
        mutant = mutants[result.number].spec
        if file.endswith(".feature"):
            assert not all(r.passed for r in run_features(mutant, read_features([file])))
        else:
            from simulator import run_scenario
            assert not run_scenario(killer.scenarios[0], mutant).passed
    again = analyse_mutants(trial, stronger, jobs=1)
    assert again.score == 100.0 and not again.survivors
    assert again.count("equivalent") == trial_report.count("equivalent")


@pytest.mark.slow
def test_mutate_cli_on_the_kms_spec_prints_per_operator_and_gates(tmp_path, capsys):
    # Slow (about 6 s CPU): one walk of the KMS spec for the mutants its scenario files cannot see. A subset
    # of the operators keeps it at that (no mutant walked): words, softkeys, notes, parameters.
    args = ["mutate", KMS, "--suite", KMS_SUITE, "--operator", "change-text,swap-softkeys,swap-notes,parameter",
            "--jobs", "1", "--domain", "price=3", "--domain", "period_days=7"]  # a smaller walk
    assert main(args + ["--write-killers", str(tmp_path / "k"), "--min-score", "95"]) == 1
    out, err = capsys.readouterr()
    for operator in ("change-text", "swap-softkeys", "swap-notes", "parameter", "total"):  # a row each
        assert any(line.startswith(operator) for line in out.splitlines()), out
    assert "mutants  killed  equivalent  survived" in out and "score:" in out
    assert "mutants: " in err and "below --min-score" in err
    assert "Your subscription has been cancelled" not in out
    assert main(args[:3] + [KMS_SUITE, str(tmp_path / "k")] + args[4:] + ["--min-score", "100"]) == 0
    out, _ = capsys.readouterr()
    assert "(100.0 %)" in out


def test_mutate_refuses_a_suite_that_fails_on_its_spec(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    shutil.copy(os.path.join(TRIAL_SUITE, "trial_runs_out.yaml"), bad)
    text = bad.read_text(encoding="utf-8").splitlines()
    text[-1] = "expect: {screen: offer}"
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    assert main(["mutate", TRIAL, "--suite", str(bad)]) == 2
    assert "bad.yaml" in capsys.readouterr().err
    assert main(["mutate", TRIAL, "--suite", TRIAL_SUITE, "--operator", "nope"]) == 2


def test_mutate_properties_name_what_a_walked_mutant_breaks():
    from simulator.mutate.text import format_mutation_report
    door = load_checked_spec(os.path.join(ROOT, "spec", "door_keypad.yaml"))
    suite = load_test_suite(door, [os.path.join(ROOT, "spec", "scenarios", "door")])
    report = analyse_mutants(door, suite, ["drop-guard"], jobs=1, properties=True)
    broken = [r for r in report.results if r.properties]
    assert broken and all(r.status in ("equivalent", "survived") for r in broken)
    assert "deterministic" in {name for r in broken for name in r.properties}  # two transitions' guards overlap
    text = format_mutation_report(report)
    assert "yet breaks deterministic" in text or "; breaks deterministic" in text


def test_the_command_line_lists_every_operator_in_order():
    # The parser lists the operators from simulator.choices without loading the mutation code.
    from simulator.choices import MUTATION_OPERATORS

    assert tuple(OPERATORS) == MUTATION_OPERATORS
