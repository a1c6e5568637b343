"""A pytest plugin: a test run that replays kmsflow scenarios ends with a spec-coverage summary.

Registered through the ``pytest11`` entry point, so it is active wherever
kmsflow is installed. It listens to every :class:`~simulator.runtime.simulate.Simulator`
run (scenario replays included) and, at the end of the session, prints how
many screens and transitions of each spec the runs passed through, the way
pytest-cov reports code coverage. ``--kmsflow-coverage=PATH`` also writes the
shared coverage file (``kmsflow-coverage/1``; with several specs, ``{spec}`` in
PATH is replaced by each spec's name). ``--no-kmsflow-summary`` turns the
summary off. A run that never simulates prints nothing and pays one empty
list check per simulator step.
"""
from __future__ import annotations

import os

from .runtime import simulate
from .walk.coverage import CoverageCounts, format_coverage_summary
from .output import write_atomic

__all__ = ["SpecCoverageRecorder"]


class SpecCoverageRecorder:
    """Counts, per spec, traces started and the screens and transitions their steps passed through."""

    def __init__(self):
        self.by_spec: dict[str, CoverageCounts] = {}

    def _counts(self, sim) -> CoverageCounts:
        key = sim.spec.path
        if key not in self.by_spec:
            self.by_spec[key] = CoverageCounts(sim.spec)
        return self.by_spec[key]

    def trace_started(self, sim) -> None:
        self._counts(sim).start_trace(sim.screen)

    def step_fired(self, sim, step) -> None:
        if step.accepted:
            self._counts(sim).add_taken(step.taken)


def pytest_addoption(parser):
    group = parser.getgroup("kmsflow", "kmsflow spec coverage")
    group.addoption("--kmsflow-coverage", metavar="PATH", default=None,
                    help="write the spec coverage of replayed scenarios as JSON (kmsflow-coverage/1)")
    group.addoption("--no-kmsflow-summary", action="store_true", default=False,
                    help="do not print the kmsflow spec-coverage summary")


def pytest_configure(config):
    recorder = SpecCoverageRecorder()
    config._kmsflow_recorder = recorder
    simulate.OBSERVERS.append(recorder)


def pytest_unconfigure(config):
    recorder = getattr(config, "_kmsflow_recorder", None)
    if recorder in simulate.OBSERVERS:
        simulate.OBSERVERS.remove(recorder)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    recorder: SpecCoverageRecorder | None = getattr(config, "_kmsflow_recorder", None)
    if recorder is None or not recorder.by_spec:
        return
    if not config.getoption("no_kmsflow_summary"):
        terminalreporter.write_sep("-", "kmsflow spec coverage")
        for key in sorted(recorder.by_spec):
            terminalreporter.write_line(format_coverage_summary(recorder.by_spec[key]))
    path = config.getoption("kmsflow_coverage")
    if path:
        several = len(recorder.by_spec) > 1
        for key in sorted(recorder.by_spec):
            counts = recorder.by_spec[key]
            target = path.replace("{spec}", counts.spec.name) if "{spec}" in path else (
                f"{os.path.splitext(path)[0]}.{counts.spec.name}{os.path.splitext(path)[1]}" if several else path)
            write_atomic(target, counts.text())
            terminalreporter.write_line(f"kmsflow spec coverage written to {target}")
