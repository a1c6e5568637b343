"""Writing test paths out: scenario files, a pytest module, Gherkin features, CSV for manual runs.

Every file is written atomically and its content depends only on the suite,
so the same spec gives byte-identical files. Scenario files use the format of
:mod:`simulator.runtime.scenario` and name their spec relative to their own folder, so
``kmsflow simulate DIR/*.yaml`` replays them from anywhere.
"""
from __future__ import annotations

import csv
import glob
import io
import json
import os
import re
from typing import Any

from ..spec.model import Spec
from ..output import write_atomic
from .suites import Suite, TestPath

__all__ = ["FORMATS", "scenario_text", "write_scenario", "export_suite", "gherkin_text", "csv_text"]

FORMATS = ("scenarios", "pytest", "gherkin", "csv")

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
#: Words a YAML reader might take for something other than a string.
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text)


def _flow_map(values: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in values.items()) + "}"


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


def scenario_text(spec: Spec, path: TestPath, name: str, spec_ref: str | None, comment: str = "") -> str:
    """A scenario file for ``path``: ``given`` = its initial world; each step expects the screen and world after it."""
    outside: list[str] = []
    body = [f"given: {_flow_map(_given(spec, path))}", "steps:"]
    for step in path.steps:
        refused = ", refused: true" if step.refused else ""
        body.append(f"  - {{event: {step.event}{refused}, expect: {_flow_map(_expect(spec, step, outside))}}}")
    final = _expect(spec, path.steps[-1], outside) if path.steps else {"screen": path.start_screen, **path.given}
    body.append(f"expect: {_flow_map(final)}")
    lines = [f"# {line}" for line in comment.splitlines()] if comment else []
    if outside:
        lines.append(f"# Not expected below, because the scenario format only takes values in range: "
                     f"{', '.join(outside)} (the violation).")
    lines.append(f"name: {_scalar(name)}")
    if spec_ref:
        lines.append(f"spec: {_scalar(spec_ref)}")
    return "\n".join(lines + body) + "\n"


def _spec_ref(spec: Spec, folder: str) -> str:
    return os.path.relpath(os.path.abspath(spec.path), os.path.abspath(folder)).replace(os.sep, "/")


def write_scenario(spec: Spec, path: TestPath, file: str, name: str, comment: str = "") -> str:
    """Write one scenario file (atomically) and return its path."""
    write_atomic(file, scenario_text(spec, path, name, _spec_ref(spec, os.path.dirname(file) or "."), comment))
    return file


def _slug(criterion: str) -> str:
    return criterion.replace("-", "_")


def _path_title(spec: Spec, suite: Suite, index: int, path: TestPath) -> str:
    last = path.steps[-1].screen if path.steps else path.start_screen
    return f"{suite.criterion} path {index} of {len(suite.paths)}: {len(path.steps)} steps, ends on {last}"


def _event_phrase(spec: Spec, event: str) -> str:
    item = spec.events[event]
    label = item.label or event
    if item.kind != "user":
        return label
    first, _, rest = label.partition(" ")
    if first and first[0].islower():  # a verb: "select Additional" -> "the user selects Additional"
        verb = first + ("es" if first.endswith(("s", "sh", "ch", "x")) else "s")
        return f"the user {verb}{' ' + rest if rest else ''}"
    return f"the user presses {label}"


def _screen_phrase(spec: Spec, screen: str) -> str:
    title = spec.screens[screen].title
    return f'"{title}" ({screen})' if title else screen


def _world_phrase(values: dict[str, Any]) -> str:
    parts = [f"the note shown is {v}" if k == "note" else f"{k} is {v}" for k, v in values.items()
             if not (k == "note" and v is None)]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def gherkin_text(spec: Spec, suite: Suite) -> str:
    """One Gherkin feature with a scenario per path, in plain words from the spec's labels and titles."""
    lines = [f"Feature: {spec.title or spec.name}: {suite.criterion} paths",
             f"  Generated by kmsflow from {os.path.basename(spec.path)}: {len(suite.paths)} paths, "
             f"{suite.total_steps} steps.", ""]
    for index, path in enumerate(suite.paths, start=1):
        lines.append(f"  Scenario: {_path_title(spec, suite, index, path)}")
        lines.append(f"    Given the phone shows {_screen_phrase(spec, path.start_screen)}")
        lines.append(f"    And {_world_phrase(path.given)}")
        world = {**path.given, "note": None}
        for step in path.steps:
            lines.append(f"    When {_event_phrase(spec, step.event)}")
            if step.refused:
                lines.append(f"    Then nothing happens: the phone still shows {_screen_phrase(spec, step.screen)}")
                continue
            lines.append(f"    Then the phone shows {_screen_phrase(spec, step.screen)}")
            changed = {k: v for k, v in step.world.items() if world.get(k) != v and v is not None}
            if changed:
                lines.append(f"    And {_world_phrase(changed)}")
            world = step.world
        lines.append("")
    return "\n".join(lines)


def csv_text(spec: Spec, suite: Suite) -> str:
    """One row per step (row 0: the initial world) for manual test runs."""
    names = list(spec.variables) + ["note"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["path", "step", "action", "event", "refused", "expected screen", "screen title", *names])
    for index, path in enumerate(suite.paths, start=1):
        writer.writerow([index, 0, "start", "", "", path.start_screen, spec.screens[path.start_screen].title,
                         *[path.given.get(n, "") for n in names]])
        for number, step in enumerate(path.steps, start=1):
            writer.writerow([index, number, spec.events[step.event].label, step.event, "yes" if step.refused else "",
                             step.screen, spec.screens[step.screen].title,
                             *["" if step.world.get(n) is None else step.world.get(n) for n in names]])
    return out.getvalue()


_PYTEST_MODULE = '''"""Generated by kmsflow paths --criterion {criterion}: replays each path through the simulator."""
from pathlib import Path

import pytest

from simulator import load_checked_spec, load_scenario, run_scenario
from simulator.runtime.scenario import scenario_spec_path

HERE = Path(__file__).resolve().parent
SCENARIOS = sorted(HERE.glob("{slug}_*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_generated_path_passes(path):
    spec = load_checked_spec(scenario_spec_path(str(path)))
    result = run_scenario(load_scenario(str(path), spec), spec)
    assert result.passed, "\\n".join(result.failures)
'''


def export_suite(spec: Spec, suite: Suite, folder: str, fmt: str) -> list[str]:
    """Write ``suite`` into ``folder`` in format ``fmt`` (one of FORMATS); return the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    slug = _slug(suite.criterion)
    written = []
    if fmt in ("scenarios", "pytest"):
        width = max(3, len(str(len(suite.paths))))
        for index, path in enumerate(suite.paths, start=1):
            file = os.path.join(folder, f"{slug}_{index:0{width}d}.yaml")
            written.append(write_scenario(spec, path, file, _path_title(spec, suite, index, path),
                                          f"Generated by kmsflow paths --criterion {suite.criterion}."))
        # A path file of an earlier, longer suite of the same criterion would be replayed as if it
        # belonged to this one: remove what this run did not write.
        for stale in sorted(set(glob.glob(os.path.join(glob.escape(folder), f"{slug}_*.yaml"))) - set(written)):
            os.unlink(stale)
        if fmt == "pytest":
            file = os.path.join(folder, f"test_{slug}_paths.py")
            write_atomic(file, _PYTEST_MODULE.format(criterion=suite.criterion, slug=slug))
            written.append(file)
    elif fmt == "gherkin":
        file = os.path.join(folder, f"{slug}.feature")
        write_atomic(file, gherkin_text(spec, suite))
        written.append(file)
    else:
        file = os.path.join(folder, f"{slug}.csv")
        write_atomic(file, csv_text(spec, suite))
        written.append(file)
    return written
