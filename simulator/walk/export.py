"""Writing test paths out: scenario files, a pytest module, Gherkin features, CSV for manual runs.

Gherkin (``gherkin``) and the test managers' CSV (``csv``) are for people: the
paths cut into short test cases in the tester's words (:mod:`.testcases`,
:mod:`.gherkin`); ``--style automation`` keeps each path whole. ``csv-steps``
is the technical table, one row per step with the spec's own names. Every
folder format but CSV records its spec in a manifest (:mod:`.manifest`), so
the suite runs when moved.

A suite, like a set of counterexamples, is written into its folder as a whole
(the old set or the new one, never a mix), and its content depends only on the
suite, so the same spec gives byte-identical files. Scenario files use the format of
:mod:`simulator.runtime.scenario` and name their spec relative to their own folder, so
``kmsflow simulate DIR/*.yaml`` replays them from anywhere.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from typing import Any

from ..errors import Loc, Problem, UsageError
from ..output import write_atomic, write_folder
from ..runtime.scenario import Step, scenario_text, spec_reference
from ..spec.load import did_you_mean
from ..spec.model import Spec
from ..choices import SUITE_FORMATS
from ..spec.texts import reader_name
from .gherkin import CONFTEST, TEST_MODULE, feature_files_text, testrail_csv_text
from .manifest import MANIFEST, manifest_text
from .suites import Suite, TestPath
from .testcases import STYLES, suite_cases

__all__ = ["FORMATS", "scenario_of_path", "write_scenario", "suite_files", "export_suite", "write_counterexamples",
           "counterexample_file", "csv_text"]

FORMATS = SUITE_FORMATS


def _given(spec: Spec, path: TestPath) -> dict[str, Any]:
    given = dict(path.given)
    if path.start_screen != spec.home_screen:
        given = {"screen": path.start_screen, **given}
    return given


def _in_range(spec: Spec, name: str, value: Any) -> bool:
    variable = spec.variables.get(name)
    if variable is None or variable.type != "int" or not isinstance(value, int):
        return True
    return (variable.min is None or value >= variable.min) and (variable.max is None or value <= variable.max)


def _expect(spec: Spec, step, outside: list[str]) -> dict[str, Any]:
    """The screen and world after ``step``; values outside a variable's range (a violation) are left out."""
    expect = {"screen": step.screen}
    for name, value in step.world.items():
        if _in_range(spec, name, value):
            expect[name] = value
        elif f"{name} = {value}" not in outside:
            outside.append(f"{name} = {value}")
    return expect


def scenario_of_path(spec: Spec, path: TestPath, name: str, spec_ref: str | None, comment: str = "") -> str:
    """A scenario file for ``path``: ``given`` = its initial world; each step expects the screen and world after it."""
    outside: list[str] = []
    steps = [Step(step.event, refused=step.refused, expect=_expect(spec, step, outside)) for step in path.steps]
    final = _expect(spec, path.steps[-1], outside) if path.steps else {"screen": path.start_screen, **path.given}
    if outside:
        comment += ("\n" if comment else "") + ("Not expected below, because the scenario format only takes values "
                                                 f"in range: {', '.join(outside)} (the violation).")
    return scenario_text(name, _given(spec, path), steps, final, spec_ref, comment)


def write_scenario(spec: Spec, path: TestPath, file: str, name: str, comment: str = "") -> str:
    """Write one scenario file (atomically) and return its path."""
    write_atomic(file, scenario_of_path(spec, path, name, spec_reference(spec.path, file), comment))
    return file


def _slug(criterion: str) -> str:
    return criterion.replace("-", "_")


def _path_title(spec: Spec, suite: Suite, index: int, path: TestPath) -> str:
    last = path.steps[-1].screen if path.steps else path.start_screen
    return f"{suite.criterion} path {index} of {len(suite.paths)}: {len(path.steps)} steps, ends on {last}"


def csv_text(spec: Spec, suite: Suite) -> str:
    """One row per step (row 0: the initial world), with the spec's own names (``--format csv-steps``)."""
    names = list(spec.variables) + ["note"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["path", "step", "action", "event", "refused", "expected screen", "screen title (caption)", *names])
    for index, path in enumerate(suite.paths, start=1):
        writer.writerow([index, 0, "start", "", "", path.start_screen, reader_name(spec, path.start_screen),
                         *[path.given.get(n, "") for n in names]])
        for number, step in enumerate(path.steps, start=1):
            writer.writerow([index, number, spec.events[step.event].label, step.event, "yes" if step.refused else "",
                             step.screen, reader_name(spec, step.screen),
                             *["" if step.world.get(n) is None else step.world.get(n) for n in names]])
    return out.getvalue()


# The generated module imports only from the public `simulator` package: an exported suite is kept
# in another project, and must survive a new layout of kmsflow's subpackages.
_PYTEST_MODULE = '''"""Generated by kmsflow paths --criterion {criterion}: replays each path through the simulator."""
from pathlib import Path

import pytest

from simulator import load_checked_spec, load_scenario, run_scenario, suite_spec_path

HERE = Path(__file__).resolve().parent
SCENARIOS = sorted(HERE.glob("{slug}_*.yaml"))


@pytest.fixture(scope="module")
def spec(request):
    # The spec is found through kmsflow-suite.json, so the folder may move; --kmsflow-spec runs another on purpose.
    override = request.config.getoption("--kmsflow-spec", default=None)
    return load_checked_spec(suite_spec_path(str(HERE), override))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_generated_path_passes(path, spec):
    result = run_scenario(load_scenario(str(path), spec), spec)
    assert result.passed, "\\n".join(result.failures)
'''


def suite_files(spec: Spec, suite: Suite, folder: str, fmt: str, style: str = "people") -> dict[str, str]:
    """The files ``suite`` becomes in format ``fmt`` (file name -> text), for a suite written into ``folder``.

    ``style`` (gherkin and csv): ``people`` (short cases) or ``automation`` (whole paths).
    Raises UsageError for an unknown format or style.
    """
    if fmt not in FORMATS:
        raise UsageError(Problem(Loc("export_suite"), "error", f"unknown format {fmt!r}; expected one of "
                                 f"{', '.join(FORMATS)}{did_you_mean(fmt, FORMATS)}", "bad-usage"))
    if style not in STYLES:
        raise UsageError(Problem(Loc("--style"), "error", f"unknown style {style!r}; expected one of "
                                 f"{', '.join(STYLES)}{did_you_mean(style, STYLES)}", "bad-usage"))
    slug = _slug(suite.criterion)
    if fmt == "gherkin":
        files = feature_files_text(spec, suite_cases(spec, suite, style), suite.criterion, style)
        return {**files, "conftest.py": CONFTEST, "test_kmsflow_features.py": TEST_MODULE,
                MANIFEST: manifest_text(spec, folder)}
    if fmt == "csv":
        return {f"{slug}.csv": testrail_csv_text(spec, suite_cases(spec, suite, style))}
    if fmt == "csv-steps":
        return {f"{slug}.csv": csv_text(spec, suite)}
    files = {MANIFEST: manifest_text(spec, folder)}
    width = max(3, len(str(len(suite.paths))))
    for index, path in enumerate(suite.paths, start=1):
        name = f"{slug}_{index:0{width}d}.yaml"
        files[name] = scenario_of_path(spec, path, _path_title(spec, suite, index, path),
                                       spec_reference(spec.path, os.path.join(folder, name)),
                                       f"Generated by kmsflow paths --criterion {suite.criterion}.")
    if fmt == "pytest":
        files[f"test_{slug}_paths.py"] = _PYTEST_MODULE.format(criterion=suite.criterion, slug=slug)
    return files


def export_suite(spec: Spec, suite: Suite, folder: str, fmt: str, style: str = "people") -> list[str]:
    """Write ``suite`` into ``folder`` in format ``fmt`` (one of FORMATS), as a whole; return the files written.

    The folder is replaced as one set (:func:`simulator.output.write_folder`): the path files of an
    earlier, longer suite of the same criterion would be replayed as if they belonged to this one,
    so they go; every other file in the folder stays. Raises UsageError for an unknown format or a
    folder that cannot be written.
    """
    files = suite_files(spec, suite, folder, fmt, style)
    slug = re.escape(_slug(suite.criterion))
    own = re.compile(rf"{slug}_\d+\.yaml" if fmt in ("scenarios", "pytest") else
                     rf"{slug}(-[a-z0-9-]+)?\.feature" if fmt == "gherkin" else "(?!)")
    return write_folder(folder, files, lambda name: bool(own.fullmatch(name)))


def _file_stem(name: str) -> str:
    """A file name for ``name``: itself when it is a tame one, else a readable slug and a short hash."""
    if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}", name) and not name.endswith("."):
        return name
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")[:60] or "property"
    return f"{slug}-{hashlib.sha1(name.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def counterexample_file(folder: str, property_name: str) -> str:
    """Where the counterexample of ``property_name`` goes in ``folder``."""
    return os.path.join(folder, f"{_file_stem(property_name)}.yaml")


def write_counterexamples(spec: Spec, folder: str, violated: list[tuple[str, str, TestPath]],
                          properties: list[str]) -> list[str]:
    """Write one scenario per violated property into ``folder``, as a whole; return the files written.

    ``violated``: (property name, comment, counterexample path); ``properties``: every property
    name of the spec, whose files belong to this output: the counterexample of a property that
    holds now is removed, any other file in the folder stays.
    """
    files = {}
    for name, comment, path in violated:
        file = counterexample_file(folder, name)
        files[os.path.basename(file)] = scenario_of_path(spec, path, f"counterexample: {name}",
                                                         spec_reference(spec.path, file), comment)
    owned = {os.path.basename(counterexample_file(folder, name)) for name in properties}
    return write_folder(folder, files, owned.__contains__)
