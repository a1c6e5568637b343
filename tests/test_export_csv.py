"""The CSV for test managers (issue 16, item 3): the shape TestRail's and Xray's CSV import read."""
from __future__ import annotations

import csv
import io
import re

import pytest

from simulator.walk.domain import domain_of
from simulator.walk.explore import explore_spec
from simulator.walk.export import export_suite
from simulator.walk.suites import generate_suite
from simulator.walk.testcases import suite_cases

# TestRail's CSV import (Test Cases > Import > CSV, template "Test Case (Steps)") maps columns by header;
# it needs a Title per row; the rest are mapped onto fields of the same names. Xray's Test Case
# Importer takes the same shape (one test per row, steps and results as numbered text).
TESTRAIL_REQUIRED = ("Title",)
TESTRAIL_MAPPED = ("Section", "Preconditions", "Steps", "Expected Result", "References", "Priority")
TESTRAIL_PRIORITIES = {"Low", "Medium", "High", "Critical"}


def _import_like_testrail(text: str) -> list[dict[str, str]]:
    """A model of the import: header row, one case per row, each numbered step has its numbered result."""
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    header = list(rows[0])
    assert all(column in header for column in TESTRAIL_REQUIRED + TESTRAIL_MAPPED), header
    for row in rows:
        assert row["Title"].strip(), row
        steps = row["Steps"].split("\n")
        results = row["Expected Result"].split("\n")
        assert [re.match(r"(\d+)\. \S", s).group(1) for s in steps] == [str(i) for i in range(1, len(steps) + 1)]
        assert [re.match(r"(\d+)\. \S", s).group(1) for s in results] == [str(i) for i in range(1, len(steps) + 1)]
        assert row["Priority"] in TESTRAIL_PRIORITIES
        assert row["Preconditions"].strip() and row["Section"].strip()
    return rows


@pytest.fixture(scope="module")
def suite(kms_spec):
    return generate_suite(explore_spec(kms_spec, domain_of(kms_spec, ["price=3", "period_days=7"], [])),
                          "guard-outcomes")


def test_export_csv_imports_as_one_case_per_row(tmp_path, kms_spec, suite):
    [file] = export_suite(kms_spec, suite, str(tmp_path), "csv")
    rows = _import_like_testrail(open(file, encoding="utf-8", newline="").read())
    cases = suite_cases(kms_spec, suite)
    assert [row["Title"] for row in rows] == [case.name for case in cases]
    assert len({(row["Section"], row["Title"]) for row in rows}) == len(rows)  # titles unique in a section
    assert any("@" not in row["References"] and "cancel.3" in row["References"] for row in rows)
    steps = "\n".join(row["Steps"] for row in rows)
    assert 'I select "One-Click Buy"' in steps and "Check: the \"License\" menu does not offer" in steps
    assert "days_left" not in steps + "\n".join(row["Expected Result"] + row["Preconditions"] for row in rows)


def test_export_csv_is_byte_identical_and_csv_steps_keeps_the_technical_table(tmp_path, kms_spec, suite):
    [first] = export_suite(kms_spec, suite, str(tmp_path / "a"), "csv")
    [second] = export_suite(kms_spec, suite, str(tmp_path / "b"), "csv")
    assert open(first, "rb").read() == open(second, "rb").read()
    [steps] = export_suite(kms_spec, suite, str(tmp_path / "c"), "csv-steps")
    header = open(steps, encoding="utf-8").readline().strip().split(",")
    assert header[:4] == ["path", "step", "action", "event"]
