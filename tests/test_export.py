"""Exports of a suite: scenarios, a pytest module, Gherkin, CSV; deterministic and atomic."""
from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from simulator import UsageError
from simulator.walk.explore import explore_spec
from simulator.walk.export import export_suite
from simulator.walk.suites import generate_suite


@pytest.fixture(scope="module")
def suite(kms_suites):
    return kms_suites["transitions"]


def test_export_is_byte_identical_for_the_same_spec(tmp_path, kms_spec, suite):
    again = generate_suite(explore_spec(kms_spec), "transitions")  # a walk and a suite of their own
    for fmt in ("scenarios", "gherkin", "csv"):
        first = export_suite(kms_spec, suite, str(tmp_path / "a" / fmt), fmt)
        second = export_suite(kms_spec, again, str(tmp_path / "b" / fmt), fmt)
        assert [open(f, "rb").read() for f in first] == [open(f, "rb").read() for f in second]


def test_export_gherkin_reads_as_plain_language(tmp_path, kms_spec, suite):
    files = export_suite(kms_spec, suite, str(tmp_path), "gherkin")
    text = "".join(open(f).read() for f in files if f.endswith(".feature"))
    assert text.startswith("@transitions\nFeature: ")
    assert 'When I select "One-Click Buy"' in text and 'When I press "Yes"' in text
    assert 'Then the phone shows "License"' in text


def test_export_csv_steps_has_a_row_per_step(tmp_path, kms_spec, suite):
    [file] = export_suite(kms_spec, suite, str(tmp_path), "csv-steps")
    rows = list(csv.DictReader(io.StringIO(open(file).read())))
    assert len(rows) == suite.total_steps + len(suite.paths)
    assert rows[1]["event"] == suite.paths[0].steps[0].event
    assert rows[1]["expected screen"] == suite.paths[0].steps[0].screen


def test_export_pytest_module_replays_the_paths(tmp_path, kms_spec, suite):
    files = export_suite(kms_spec, suite, str(tmp_path), "pytest")
    module = [f for f in files if f.endswith(".py")]
    assert len(module) == 1 and len(files) == len(suite.paths) + 2  # the paths, the module, the manifest
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", module[0]],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(suite.paths)} passed" in run.stdout


def test_export_unknown_format_is_refused(tmp_path, kms_spec, suite):
    with pytest.raises(UsageError, match="unknown format 'docx'"):
        export_suite(kms_spec, suite, str(tmp_path), "docx")
    assert list(tmp_path.iterdir()) == []


def test_export_names_screens_that_share_a_title_apart(tmp_path, kms_spec, suite):
    # Two "Connecting..." screens and three "Subscription" notes: a tester reading the CSV must know
    # which one is meant, so each phrase names one screen only. (The Gherkin checks the text on the
    # screen besides its title: tests/test_gherkin.py.)
    [table] = export_suite(kms_spec, suite, str(tmp_path / "c"), "csv-steps")
    pairs = {(row["screen title (caption)"], row["expected screen"])
             for row in csv.DictReader(io.StringIO(open(table).read())) if row["expected screen"]}
    names = {}
    for title, screen in pairs:
        names.setdefault(title, set()).add(screen)
    assert all(len(screens) == 1 for screens in names.values()), names


def test_export_scenarios_moved_still_replay_with_kmsflow_simulate(tmp_path, kms_spec, suite):
    # The scenario files name their spec by a relative path; moved, the folder's manifest finds it again.
    from simulator.cli import main
    export_suite(kms_spec, suite, str(tmp_path / "out"), "scenarios")
    moved = tmp_path / "a" / "b" / "c"
    moved.parent.mkdir(parents=True)
    (tmp_path / "out").rename(moved)
    assert main(["simulate", "-q", str(moved)]) == 0
