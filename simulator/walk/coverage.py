"""Spec coverage: how much of a spec a set of traces or a generated suite reaches.

Two shapes:

- the figures ``kmsflow explore`` prints: fractions 0..1 per criterion (each
  suite over what exists; article steps and assumptions through the
  ``transitions`` suite);
- the counts file shared with the diagrams (``kmsflow-coverage/1``): how often
  traces passed through each screen and transition, every one listed, keys
  sorted::

    {"format": "kmsflow-coverage/1", "spec": "kms9_subscription", "traces": 22,
     "screens": {"access_point": 5, ...}, "transitions": {"access_point.press_ok": 5, ...}}
"""
from __future__ import annotations

import json
from typing import Any, Iterable

from ..spec.model import Spec
from .suites import Suite

__all__ = ["CoverageCounts", "coverage_figures", "coverage_json", "suite_counts", "format_coverage_summary"]

FORMAT = "kmsflow-coverage/1"


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
        return {"format": FORMAT, "spec": self.spec.name, "traces": self.traces,
                "screens": dict(sorted(self.screens.items())),
                "transitions": dict(sorted(self.transitions.items()))}

    def text(self) -> str:
        return json.dumps(self.to_json(), indent=2) + "\n"


def coverage_json(counts: CoverageCounts) -> str:
    """The shared coverage file's text (deterministic: sorted keys, every element present)."""
    return counts.text()


def suite_counts(spec: Spec, suite: Suite) -> CoverageCounts:
    """How often a generated suite's paths pass through each screen and transition."""
    counts = CoverageCounts(spec)
    for path in suite.paths:
        counts.start_trace(path.start_screen)
        for step in path.steps:
            counts.add_taken(step.taken)
    return counts


def coverage_figures(spec: Spec, suites: dict[str, Suite]) -> dict[str, float]:
    """The six coverage fractions of ``kmsflow explore`` from the suites of each criterion."""
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
