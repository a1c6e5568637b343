"""Gherkin for people (issue 16): exported features parse, read as a tester speaks, run and catch mutants.

One walk of the KMS spec and one suite per criterion are shared by the module; the features of all
five criteria are written into one folder, as `kmsflow paths --format gherkin -o DIR` would.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from gherkin.parser import Parser

from simulator import load_checked_spec
from simulator.walk.domain import domain_of
from simulator.walk.explore import explore_spec
from simulator.walk.export import export_suite
from simulator.walk.feature_run import PhoneRun, StepFailed, feature_files, read_features, run_features
from simulator.walk.manifest import suite_spec_path
from simulator.walk.phrases import UnknownSentence
from simulator.walk.suites import CRITERIA, generate_suite
from simulator.errors import UsageError

HERE = os.path.dirname(os.path.abspath(__file__))
KMS = os.path.join(HERE, "..", "spec", "kms9_subscription.yaml")
TRIAL = os.path.join(HERE, "..", "spec", "trial_to_purchase.yaml")

# Three mutants that change what a tester sees or what the account does (each a one-point edit).
MUTANTS = {
    "a period costs 4 by default": ("price: {default: 3,", "price: {default: 4,"),
    "cancel note says something else": ('"Your subscription has been cancelled."',
                                        '"Your subscription is cancelled now."'),
    "Yes on the question cancels nothing": ("    send: cancel                        # the account region: active -> "
                                            "cancelled\n", ""),
}


@pytest.fixture(scope="module")
def suites(kms_spec):
    # One price and one period (7 days, not the default: the givens then set it) keep the walk small.
    graph = explore_spec(kms_spec, domain_of(kms_spec, ["price=3", "period_days=7"], []))
    return {criterion: generate_suite(graph, criterion) for criterion in CRITERIA}


@pytest.fixture(scope="module")
def folder(kms_spec, suites, tmp_path_factory):
    out = tmp_path_factory.mktemp("features")
    for suite in suites.values():
        export_suite(kms_spec, suite, str(out), "gherkin")
    return out


@pytest.fixture(scope="module")
def scenarios(folder):
    return read_features(feature_files([str(folder)]))


def _mutant(tmp_path, name: str) -> str:
    old, new = MUTANTS[name]
    text = open(KMS, encoding="utf-8").read()
    assert text.count(old) == 1, name
    path = tmp_path / f"mutant_{re.sub(r'[^a-z]+', '_', name)}.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return str(path)


def test_gherkin_every_criterion_parses_with_the_official_parser(folder, suites):
    files = feature_files([str(folder)])
    for criterion in CRITERIA:
        mine = [f for f in files if os.path.basename(f).startswith(criterion.replace("-", "_") + "-")]
        assert len(mine) >= 2, (criterion, files)  # one feature per part of the flow
        for file in mine:
            document = Parser().parse(open(file, encoding="utf-8").read())
            assert document["feature"]["children"], file


def test_gherkin_every_scenario_passes_on_its_spec_with_every_step_understood(kms_spec, scenarios):
    results = run_features(kms_spec, scenarios)
    assert len(results) > 50
    assert [r.failure for r in results if not r.passed] == []
    assert not any(r.undefined for r in results)


@pytest.mark.slow
def test_gherkin_runs_with_plain_pytest_and_fails_on_mutants(kms_spec, suites, tmp_path):
    # Slow (about 10 s: four pytest processes): this is the real consumer, pytest-bdd. Two criteria here;
    # every criterion runs through the same step code (PhoneRun) in-process above.
    folder = tmp_path / "features"
    for criterion in ("transitions", "guard-outcomes"):
        export_suite(kms_spec, suites[criterion], str(folder), "gherkin")
    count = len(read_features(feature_files([str(folder)])))
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert f"{count} passed" in run.stdout
    assert "warning" not in run.stdout.lower()  # the tags are registered markers
    for name in MUTANTS:
        mutant = _mutant(tmp_path, name)
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--maxfail=1",
                              "--kmsflow-spec", mutant, str(folder)], capture_output=True, text=True, cwd=tmp_path)
        assert run.returncode == 1 and "1 failed" in run.stdout, (name, run.stdout[-3000:] + run.stderr[-2000:])


def test_gherkin_features_of_every_criterion_fail_on_the_mutants(scenarios, tmp_path):
    for name in MUTANTS:
        mutant = load_checked_spec(_mutant(tmp_path, name))
        for criterion in ("transitions", "transition-pairs", "guard-outcomes"):
            slug = criterion.replace("-", "_") + "-"
            mine = [s for s in scenarios if os.path.basename(s.file).startswith(slug)]
            failed = [r for r in run_features(mutant, mine, stop_at_first_failure=True) if not r.passed]
            assert failed and not failed[0].undefined, (name, criterion)


def test_gherkin_steps_name_no_internal_names(kms_spec, scenarios):
    # The world's internal names are identifiers (days_left) or words the spec also uses in English
    # ("the subscription is active" is the spec's own tester words); what must not appear is the
    # identifier form, the "name is value" form of the old export, or a transition id.
    steps = [text for s in scenarios for _, text, _ in s.steps]
    ids = [t.id for t in kms_spec.all_transitions()]
    identifiers = [n for n in [*kms_spec.variables, *kms_spec.events, *kms_spec.screens, *kms_spec.parameters]
                   if "_" in n]
    for text in steps:
        assert not any(i in text for i in ids), text
        assert not any(re.search(rf"\b{re.escape(n)}\b", text) for n in identifiers), text
        for name, variable in kms_spec.variables.items():
            values = [str(v) for v in variable.values] or [r"\d+"]
            assert not re.search(rf"(?<!the )\b{name} (is|=) ({'|'.join(values)})\b", text), text
        assert "the note shown is" not in text


def test_gherkin_refusals_say_what_they_are(scenarios):
    steps = [text for s in scenarios for kind, text, _ in s.steps if kind == "then"]
    assert 'the "License" menu does not offer "One-Click Buy"' in steps
    assert 'the "License" menu does not offer "Unsubscribe"' in steps
    refusals = [text for text in steps if text.endswith(" does nothing") or " does not offer " in text]
    assert all(re.fullmatch(r'the ".+" menu does not offer ".+"|pressing ".+" does nothing|trying to .+ does nothing',
                            text) for text in refusals), refusals
    assert not any("nothing happens" in text for text in steps)


def test_gherkin_scenarios_are_short_named_tagged_and_share_a_background(folder, scenarios):
    for scenario in scenarios:
        actions = [t for kind, t, _ in scenario.steps if kind == "when" or t.endswith("does nothing")
                   or " does not offer " in t]
        assert 1 <= len(actions) <= 12, scenario.name
        assert scenario.tags, scenario.name
        assert scenario.name.startswith("From ") and "→" in scenario.name
    tags = {t for s in scenarios for t in s.tags}
    assert {"@cancel.3", "@A2", "@resume.4", "@A5"} <= tags
    texts = [open(f, encoding="utf-8").read() for f in feature_files([str(folder)])]
    assert any("  Background:\n" in text for text in texts)
    given = [t for s in scenarios for kind, t, _ in s.steps if kind == "given"]
    assert "the phone account holds 10" in given or "the phone account holds 0" in given
    whens = {t for s in scenarios for kind, t, _ in s.steps if kind == "when"}
    assert {"I set the phone's date one day ahead", "I turn off mobile data", "I top up the phone account by 3",
            'I press "Yes"', 'I select "Unsubscribe"'} <= whens


def test_gherkin_export_is_byte_identical_and_automation_keeps_paths_whole(kms_spec, suites, folder, tmp_path):
    again = export_suite(kms_spec, suites["transitions"], str(tmp_path / "again"), "gherkin")
    for file in (f for f in again if f.endswith(".feature")):
        assert open(file, "rb").read() == (folder / os.path.basename(file)).read_bytes(), file
    whole = export_suite(kms_spec, suites["transitions"], str(tmp_path / "auto"), "gherkin", "automation")
    found = read_features([f for f in whole if f.endswith(".feature")])
    assert len(found) == len(suites["transitions"].paths)
    assert all(r.passed for r in run_features(kms_spec, found))


def test_gherkin_generic_over_specs(tmp_path):
    spec = load_checked_spec(TRIAL)
    suite = generate_suite(explore_spec(spec), "transitions")
    files = export_suite(spec, suite, str(tmp_path), "gherkin")
    found = read_features([f for f in files if f.endswith(".feature")])
    assert found and all(r.passed for r in run_features(spec, found))
    text = "".join(open(f, encoding="utf-8").read() for f in files if f.endswith(".feature"))
    assert "I move the date one day ahead" in text and "the wallet holds" in text
    # A keypad whose one item stands for two events (the right PIN, a wrong one): each action says which.
    door = load_checked_spec(os.path.join(HERE, "..", "spec", "door_keypad.yaml"))
    files = export_suite(door, generate_suite(explore_spec(door), "transitions"), str(tmp_path / "door"), "gherkin")
    found = read_features([f for f in files if f.endswith(".feature")])
    assert found and [r.failure for r in run_features(door, found) if not r.passed] == []
    text = "".join(open(f, encoding="utf-8").read() for f in files if f.endswith(".feature"))
    assert 'I select "Enter PIN" to enter a wrong PIN' in text and 'I select "Enter PIN" to enter the right PIN' in text


def test_gherkin_a_failing_check_names_what_the_phone_shows(kms_spec):
    run = PhoneRun(kms_spec)
    run.given('the app is on the "License" screen')
    run.given("the subscription is cancelled")
    with pytest.raises(StepFailed, match="but it is taken on \"License\""):
        run.then('the "License" menu does not offer "One-Click Buy"')
    with pytest.raises(UnknownSentence):
        run.then("the moon is full")
    with pytest.raises(StepFailed, match="does not take"):
        run.when('I select "Unsubscribe"')


def test_gherkin_suite_moved_still_runs_and_a_changed_spec_is_refused(kms_spec, suites, tmp_path):
    spec_copy = tmp_path / "spec" / "kms.yaml"
    spec_copy.parent.mkdir()
    shutil.copy(KMS, spec_copy)
    spec = load_checked_spec(str(spec_copy))
    export_suite(spec, suites["screens"], str(tmp_path / "out"), "gherkin")
    moved = tmp_path / "elsewhere" / "deeper"
    moved.parent.mkdir()
    shutil.move(str(tmp_path / "out"), str(moved))
    assert suite_spec_path(str(moved)) == str(spec_copy)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(moved)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0 and " passed" in run.stdout, run.stdout[-3000:] + run.stderr[-2000:]
    spec_copy.write_text(spec_copy.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    with pytest.raises(UsageError, match="not the one this suite was exported from"):
        suite_spec_path(str(moved))
    assert suite_spec_path(str(moved), str(spec_copy)) == str(spec_copy)  # --kmsflow-spec: on purpose
    os.remove(spec_copy)
    with pytest.raises(UsageError, match="is not where it was"):
        suite_spec_path(str(moved))


def test_gherkin_hostile_names_parse_and_run(tmp_path):
    # Quotes, colons, '#', braces, '-->' and emoji in titles, labels and names: the features still
    # parse (official parser) and every scenario runs through the step code and passes.
    from .test_round_trip import FIXED, _checked, hostile_spec_text
    path, spec = _checked(tmp_path / "spec", hostile_spec_text(**FIXED))
    suite = generate_suite(explore_spec(spec), "transitions")
    files = export_suite(spec, suite, str(tmp_path / "out"), "gherkin")
    features = [f for f in files if f.endswith(".feature")]
    for file in features:
        Parser().parse(open(file, encoding="utf-8").read())
    found = read_features(features)
    assert found and [r.failure for r in run_features(spec, found) if not r.passed] == []


def test_gherkin_cli_style_automation_and_the_csv_formats(tmp_path, capsys):
    from simulator.cli import main
    assert main(["paths", TRIAL, "--format", "gherkin", "--style", "automation", "-o", str(tmp_path / "g")]) == 0
    assert sorted(p.name for p in (tmp_path / "g").glob("*.feature")) == ["transitions.feature"]
    assert main(["paths", TRIAL, "--format", "csv", "-o", str(tmp_path / "c")]) == 0
    assert (tmp_path / "c" / "transitions.csv").read_text(encoding="utf-8").startswith("Title,Section,Preconditions")
    assert main(["paths", TRIAL, "--format", "csv-steps", "-o", str(tmp_path / "s")]) == 0
    assert (tmp_path / "s" / "transitions.csv").read_text(encoding="utf-8").startswith("path,step,action,event")
    assert main(["paths", TRIAL, "--style", "other"]) == 2
    capsys.readouterr()
