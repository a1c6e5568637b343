"""What a diagram overlay draws: a scenario's path, or coverage counts of a set of traces.

A path is the transitions a run took, in order, each with the state it left
(a transition may have several sources); it is read from the trace's
``taken`` ids (user and environment events, the app's system steps and the
account signals). Coverage is the shared ``kmsflow-coverage/1`` JSON format::

    {"format": "kmsflow-coverage/1", "spec": "<spec name>", "traces": <int>,
     "screens": {"<screen>": <count>, ...}, "transitions": {"<transition id>": <count>, ...}}

with sorted keys and every screen and transition of the spec present (0 when
never passed). The exhaustive walk writes the same format.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable

from ..errors import Loc, Problem, ScenarioError
from ..spec.load import did_you_mean
from ..spec.model import Spec
from ..runtime.scenario import ScenarioResult
from ..runtime.simulate import TraceStep
from .views import ANY_STATE

__all__ = ["PathStep", "Path", "COVERAGE_FORMAT", "path_of_result", "path_of_trace", "coverage_of_results", "merge_coverage",
           "empty_coverage", "read_coverage_file", "coverage_json"]

COVERAGE_FORMAT = "kmsflow-coverage/1"


@dataclass(frozen=True)
class PathStep:
    """The n-th transition a run took (1-based), from which drawn state to which."""

    number: int
    transition_id: str
    region: str
    source: str  # the state it left, or "*" for a transition that applies in every state
    dest: str

    @property
    def key(self) -> str:
        """The id of the drawn arrow (see :class:`simulator.draw.views.ViewEdge`)."""
        return f"{self.transition_id}@{self.source}"


@dataclass(frozen=True)
class Path:
    """A run to draw: its steps, where it started and where it ended (screen and account state)."""

    name: str
    steps: tuple[PathStep, ...]
    start_screen: str
    final_screen: str
    start_account: str | None
    final_account: str | None
    visited: frozenset[str]  # screen names and account states passed through (start included)
    passed: bool


def path_of_result(spec: Spec, result: ScenarioResult) -> Path:
    """The path a scenario run took, rebuilt from its trace's ``taken`` transition ids."""
    return path_of_trace(spec, result.scenario.name, result.given, result.trace, result.passed)


def path_of_trace(spec: Spec, name: str, given: dict[str, Any], trace: Iterable[TraceStep],
                  passed: bool = True) -> Path:
    """The path of any run (a scenario, an interactive session) from its given world and its trace."""
    screen = given["screen"]
    variable = spec.account.variable if spec.account else None
    account = str(given[variable]) if variable and variable in given else None
    start_screen, start_account = screen, account
    visited = {screen} | ({account} if account else set())
    steps: list[PathStep] = []
    for trace_step in trace:
        for transition_id in trace_step.taken:
            t = spec.transition(transition_id)
            current = screen if t.region == "screens" else account
            source = ANY_STATE if t.sources == (ANY_STATE,) else current
            dest = current if t.dest is None else t.dest
            steps.append(PathStep(len(steps) + 1, t.id, t.region, source, ANY_STATE if source == ANY_STATE and
                                  t.dest is None else dest))
            if t.region == "screens":
                screen = dest
            else:
                account = dest
            visited.add(dest)
    return Path(name, tuple(steps), start_screen, screen, start_account, account, frozenset(visited), passed)


def empty_coverage(spec: Spec) -> dict[str, Any]:
    """A coverage record of ``spec`` with no traces: every screen and transition at 0."""
    return {"format": COVERAGE_FORMAT, "spec": spec.name, "traces": 0,
            "screens": {name: 0 for name in sorted(spec.screens)},
            "transitions": {t.id: 0 for t in sorted(spec.all_transitions(), key=lambda t: t.id)}}


def coverage_of_results(spec: Spec, results: Iterable[ScenarioResult]) -> dict[str, Any]:
    """How often the runs passed through each screen and transition (the start screen counts once)."""
    coverage = empty_coverage(spec)
    for result in results:
        coverage["traces"] += 1
        coverage["screens"][result.given["screen"]] += 1
        for trace_step in result.trace:
            for transition_id in trace_step.taken:
                t = spec.transition(transition_id)
                coverage["transitions"][t.id] += 1
                if t.region == "screens" and t.dest is not None:
                    coverage["screens"][t.dest] += 1
    return coverage


def merge_coverage(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The sum of coverage records of one spec (same keys)."""
    records = list(records)
    merged = {**records[0], "screens": dict(records[0]["screens"]), "transitions": dict(records[0]["transitions"])}
    for record in records[1:]:
        merged["traces"] += record["traces"]
        for section in ("screens", "transitions"):
            for key, count in record[section].items():
                merged[section][key] += count
    return merged


def coverage_json(coverage: dict[str, Any]) -> str:
    """The coverage record as deterministic JSON text (sorted keys, one trailing newline)."""
    return json.dumps(coverage, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def read_coverage_file(path: str, spec: Spec) -> dict[str, Any]:
    """Read a coverage JSON file for ``spec``; raises ScenarioError naming what is wrong.

    Missing screens or transitions count 0; unknown ones, a wrong format or
    spec name, and counts that are not whole numbers >= 0 are errors.
    """
    def fail(message: str, code: str = "bad-coverage") -> ScenarioError:
        return ScenarioError(Problem(Loc(path), "error", message, code))

    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise fail("no such file", "file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read: {exc}", "file") from None
    except json.JSONDecodeError as exc:
        raise ScenarioError(Problem(Loc(path, exc.lineno, exc.colno), "error", f"not JSON: {exc.msg}",
                                    "bad-coverage")) from None
    except RecursionError:
        raise fail("JSON nested too deeply to be a coverage record") from None
    if not isinstance(data, dict) or data.get("format") != COVERAGE_FORMAT:
        raise fail(f"expected a JSON object with \"format\": \"{COVERAGE_FORMAT}\"")
    if data.get("spec") != spec.name:
        raise fail(f"coverage of spec {data.get('spec')!r}, but the diagrams are of spec {spec.name!r}")
    traces = data.get("traces")
    if not isinstance(traces, int) or isinstance(traces, bool) or traces < 0:
        raise fail("\"traces\" must be a whole number >= 0")
    coverage = empty_coverage(spec)
    coverage["traces"] = traces
    for section in ("screens", "transitions"):
        counts = data.get(section)
        if not isinstance(counts, dict):
            raise fail(f"\"{section}\" must be an object of name -> count")
        known = coverage[section]
        for key, count in counts.items():
            if key not in known:
                what = "screen" if section == "screens" else "transition"
                raise fail(f"unknown {what} {key!r}{did_you_mean(key, known)}")
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise fail(f"{section}: count of {key!r} must be a whole number >= 0, found {count!r}")
            known[key] = count
    return coverage
