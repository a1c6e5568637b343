"""A pytest plugin: a test run that replays kmsflow scenarios ends with a spec-coverage summary.

Registered through the ``pytest11`` entry point, so it is active wherever
kmsflow is installed. While pytest is configured it is told of every
:class:`~simulator.runtime.simulate.Simulator` created (scenario replays
included, see :mod:`simulator.runtime.hooks`) and observes it; at the end of
the session it prints how many screens and transitions of each spec the runs
passed through, the way pytest-cov reports code coverage.
``--kmsflow-coverage=PATH`` also writes the coverage file
(``kmsflow-coverage/1``; with several specs, ``{spec}`` in PATH is replaced by
each spec's name; a PATH that cannot be written is a usage error as pytest
starts, before any test runs). ``--no-kmsflow-summary`` turns the summary off.

Because pytest loads this module in every run, including runs that never touch
kmsflow, it imports nothing of kmsflow at the top: the hook registry (which
imports nothing itself) is loaded when pytest is configured, the coverage code
(and with it YAML, ``transitions`` and networkx) only when a simulator is
created or a summary is due. A run that never simulates pays for one hook.
"""
from __future__ import annotations

import os

import pytest

__all__ = ["SpecCoverageRecorder"]

_RECORDER = pytest.StashKey["SpecCoverageRecorder"]()


class SpecCoverageRecorder:
    """Counts, per spec, traces started and the screens and transitions their steps passed through.

    It is a :class:`~simulator.runtime.simulate.Observer`; :meth:`simulator_created` is its hook.
    """

    def __init__(self):
        self.by_spec: dict = {}  # spec path -> CoverageCounts

    def simulator_created(self, sim) -> None:
        sim.add_observer(self)

    def _counts(self, sim):
        key = sim.spec.path
        if key not in self.by_spec:
            from .walk.coverage import CoverageCounts  # loaded by the first simulator, not by every pytest run
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
    # Here, not in an exported folder's conftest: two exported folders in one run would add it twice.
    group.addoption("--kmsflow-spec", metavar="SPEC", default=None,
                    help="run exported suites (kmsflow paths -o DIR) on this spec instead of the one they record")


def _unwritable(path: str) -> str | None:
    """Why the coverage file ``path`` could not be written, found by trying; None when it can be.

    Tried when pytest starts, so a wrong path is a usage error before any test runs, not a
    failure after all of them. Missing folders count as writable when their parent is (they are
    created at the end).
    """
    import tempfile

    target = os.path.abspath(path.replace("{spec}", "spec"))
    if os.path.isdir(target):
        return "it is a folder"
    if os.path.lexists(target) and not os.path.isfile(target):
        return "it is not a regular file"
    folder = os.path.dirname(target)
    while not os.path.lexists(folder):
        folder = os.path.dirname(folder)
    if not os.path.isdir(folder):
        return f"{folder} is not a folder"
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".tmp-kmsflow-"):
            pass
    except OSError as exc:
        return f"cannot write in {folder}: {exc.strerror or exc}"
    return None


def pytest_configure(config):
    from .runtime.hooks import add_simulator_hook  # imports nothing of kmsflow itself

    path = config.getoption("kmsflow_coverage", None)
    why = _unwritable(path) if path else None
    if why:
        raise pytest.UsageError(f"--kmsflow-coverage={path}: {why}")
    recorder = SpecCoverageRecorder()
    config.stash[_RECORDER] = recorder
    add_simulator_hook(recorder.simulator_created)


def pytest_unconfigure(config):
    recorder = config.stash.get(_RECORDER, None)
    if recorder is not None:
        from .runtime.hooks import remove_simulator_hook

        remove_simulator_hook(recorder.simulator_created)
        del config.stash[_RECORDER]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    recorder = config.stash.get(_RECORDER, None)
    if recorder is None or not recorder.by_spec:
        return
    from .errors import KmsflowError
    from .output import write_atomic
    from .walk.coverage import format_coverage_summary

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
            try:
                write_atomic(target, counts.text())
            except KmsflowError as exc:  # the place was writable when the run started, and is no longer
                for problem in exc.problems:
                    terminalreporter.write_line(f"kmsflow spec coverage not written: {problem}", red=True)
                continue
            terminalreporter.write_line(f"kmsflow spec coverage written to {target}")
