"""Spec coverage: how much of a spec a set of traces or a generated suite reaches.

Two shapes:

- the figures ``kmsflow explore`` prints: fractions 0..1 per criterion (each
  suite over what exists; article steps and assumptions through the
  ``transitions`` suite);
- the coverage record (``kmsflow-coverage/1``): how often traces passed
  through each screen and transition, every one of the spec listed (0 when
  never passed). The pytest plugin writes it, ``kmsflow diagram --coverage``
  reads, merges and writes it; this module is the one place that writes and
  reads the file, with every key sorted::

    {"format": "kmsflow-coverage/1", "screens": {"confirm": 5, ...}, "spec": "coffee_machine",
     "traces": 22, "transitions": {"confirm.press_yes": 5, ...}}

Transitions are keyed by their spec id (``Transition.id``), the same id a
trace's ``taken`` lists.
"""
from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Iterable

from ..errors import KmsflowError, Loc, Problem, ScenarioError, UsageError
from ..spec.load import did_you_mean
from ..spec.model import Spec
from ..spec.yamlsafe import read_input_text, whole_number
from .suites import Reach, Suite

if TYPE_CHECKING:  # only named in annotations: the walk does not load the scenario runner and its simulator
    from ..runtime.scenario import ScenarioResult

__all__ = ["COVERAGE_FORMAT", "CoverageCounts", "coverage_figures", "coverage_json", "coverage_of_results",
           "empty_coverage", "merge_coverage", "read_coverage_file", "suite_counts", "format_coverage_summary"]

COVERAGE_FORMAT = "kmsflow-coverage/1"


class CoverageCounts:
    """Counts of traces, screen entries and transitions taken, for one spec."""

    def __init__(self, spec: Spec):
        self.spec = spec
        self.traces = 0
        self.screens: dict[str, int] = {name: 0 for name in spec.screens}
        self.transitions: dict[str, int] = {t.id: 0 for t in spec.all_transitions()}
        self._dest = {t.id: t.dest for t in spec.transitions}

    def start_trace(self, screen: str) -> None:
        self.traces += 1
        if screen in self.screens:
            self.screens[screen] += 1

    def add_taken(self, taken: Iterable[str]) -> None:
        """Count the transitions of one step, and the screens they enter (system screens included)."""
        for tid in taken:
            if tid in self.transitions:
                self.transitions[tid] += 1
            dest = self._dest.get(tid)
            if dest is not None:
                self.screens[dest] += 1

    def to_json(self) -> dict[str, Any]:
        """The coverage record (a fresh dict: changing it leaves these counts as they are)."""
        return {"format": COVERAGE_FORMAT, "spec": self.spec.name, "traces": self.traces,
                "screens": dict(sorted(self.screens.items())),
                "transitions": dict(sorted(self.transitions.items()))}

    def text(self) -> str:
        """The coverage file's text (see :func:`coverage_json`)."""
        return coverage_json(self.to_json())


def coverage_json(record: dict[str, Any]) -> str:
    """A coverage record as the file's text: deterministic JSON (every key sorted, one trailing newline).

    Names are written as themselves (UTF-8); only a lone surrogate, which UTF-8 cannot hold, is
    written as its ``\\uXXXX`` escape, which :func:`read_coverage_file` reads back as it was.
    """
    text = json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group(0)):04x}", text)


def empty_coverage(spec: Spec) -> dict[str, Any]:
    """A coverage record of ``spec`` with no traces: every screen and transition at 0."""
    return CoverageCounts(spec).to_json()


def coverage_of_results(spec: Spec, results: Iterable[ScenarioResult]) -> dict[str, Any]:
    """The coverage record of scenario runs (each run's start screen counts once)."""
    counts = CoverageCounts(spec)
    for result in results:
        counts.start_trace(result.given["screen"])
        for step in result.trace:
            counts.add_taken(step.taken)
    return counts.to_json()


def merge_coverage(spec: Spec, records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The sum of coverage records of ``spec`` (none: a record with no traces).

    Raises UsageError for a record of another spec or one naming a screen or
    transition ``spec`` does not have (records read by :func:`read_coverage_file`
    or made by :func:`coverage_of_results` never do).
    """
    merged = empty_coverage(spec)
    for record in records:
        unknown = [key for section in ("screens", "transitions") for key in record[section]
                   if key not in merged[section]]
        if record.get("spec") != spec.name or unknown:
            raise UsageError(Problem(Loc("merge_coverage"), "error", f"a coverage record of spec "
                                     f"{record.get('spec')!r} cannot be added to one of {spec.name!r}"
                                     + (f" (unknown: {', '.join(unknown[:3])})" if unknown else ""), "bad-coverage"))
        merged["traces"] += record["traces"]
        for section in ("screens", "transitions"):
            for key, count in record[section].items():
                merged[section][key] += count
    return merged


def read_coverage_file(path: str, spec: Spec) -> dict[str, Any]:
    """Read a coverage file of ``spec`` into a record; raises ScenarioError naming what is wrong.

    Missing screens or transitions count 0; unknown ones, a wrong format or
    spec name, and counts that are not whole numbers >= 0 are errors.
    """
    def fail(message: str, code: str = "bad-coverage") -> ScenarioError:
        return ScenarioError(Problem(Loc(path), "error", message, code))

    try:
        data = json.loads(read_input_text(path, "a coverage file (JSON)"), parse_int=whole_number)
    except KmsflowError as exc:
        raise ScenarioError(exc.problems) from None
    except json.JSONDecodeError as exc:
        raise ScenarioError(Problem(Loc(path, exc.lineno, exc.colno), "error", f"not JSON: {exc.msg}",
                                    "bad-coverage")) from None
    except RecursionError:
        raise fail("JSON nested too deeply to be a coverage record") from None
    except ValueError as exc:  # a count out of range
        raise fail(f"not a coverage record: {exc}") from None
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


def suite_counts(spec: Spec, suite: Suite) -> CoverageCounts:
    """How often a generated suite's paths pass through each screen and transition."""
    counts = CoverageCounts(spec)
    for path in suite.paths:
        counts.start_trace(path.start_screen)
        for step in path.steps:
            counts.add_taken(step.taken)
    return counts


def coverage_figures(spec: Spec, suites: dict[str, Suite | Reach]) -> dict[str, float]:
    """The six coverage fractions of ``kmsflow explore`` from the suites of each criterion (or their reach)."""
    transitions = suites["transitions"]
    covered_transitions = set(transitions.covered)
    kb_reached = {step for t in spec.all_transitions() if t.id in covered_transitions for step in t.kb}
    assumptions_reached = {a for t in spec.all_transitions() if t.id in covered_transitions for a in t.assumptions}
    return {
        "screens": suites["screens"].coverage,
        "transitions": transitions.coverage,
        "transition_pairs": suites["transition-pairs"].coverage,
        "guard_outcomes": suites["guard-outcomes"].coverage,
        "kb_steps": len(kb_reached & set(spec.kb_steps)) / len(spec.kb_steps) if spec.kb_steps else 1.0,
        "assumptions": (len(assumptions_reached & set(spec.assumptions)) / len(spec.assumptions)
                        if spec.assumptions else 1.0),
    }


def format_coverage_summary(counts: CoverageCounts, width: int = 72) -> str:
    """A few lines like pytest-cov's: screens and transitions reached, and what was missed."""
    def line(label: str, table: dict[str, int]) -> list[str]:
        hit = sum(1 for v in table.values() if v)
        missed = sorted(k for k, v in table.items() if not v)
        out = [f"  {label:<12} {hit:>4}/{len(table):<4} {100 * hit / len(table) if table else 100:5.1f}%"]
        if missed:
            text = "missed: " + ", ".join(missed)
            while text:
                out.append("      " + text[:width])
                text = text[width:]
        return out

    lines = [f"spec {counts.spec.name}: {counts.traces} trace{'s' * (counts.traces != 1)}"]
    lines += line("screens", counts.screens)
    lines += line("transitions", counts.transitions)
    return "\n".join(lines)
