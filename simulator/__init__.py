"""kmsflow: a product flow as a formal, executable specification.

The library API the CLI is a thin layer over::

    spec = load_checked_spec("spec/door_keypad.yaml")         # load + check, SpecError on errors
    sim = Simulator(spec, {"wrong_tries": 2})                  # fire events, read screen and world
    result = run_scenario(load_scenario(path, spec), spec)     # scripted scenarios
    session = PlaySession(spec, {"battery": "low"})           # the interactive session's core
    session.handle("enter_right_pin"); session.handle("minute 3"); session.save("s.yaml")
    views = load_views(spec)                                   # the diagrams the spec declares
    files = diagram_files(spec, views, DiagramRequest(views.views))  # name -> .dot/.svg/.png/.mmd content
    analysis = analyse(spec)                                   # the exhaustive walk: properties, coverage
    suite = generate_suite(analysis.graph, "transitions")      # test paths by criterion

Every error kmsflow raises on purpose is a :class:`KmsflowError` (see :mod:`simulator.errors`).

Each name is imported from its module on first use (PEP 562): the pytest plugin
lives in this package and pytest loads it in every run where kmsflow is
installed, so importing the package must not load the state machine, YAML or
networkx until something is actually used.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

#: Public name -> the module (below this package) that defines it.
_EXPORTS = {
    "assumption_trace": "check", "check_spec": "check", "kb_trace": "check", "load_checked_spec": "check",
    "FlowRuntimeError": "errors", "InputError": "errors", "KmsflowError": "errors", "Loc": "errors",
    "Problem": "errors", "ScenarioError": "errors", "SpecError": "errors", "UsageError": "errors",
    "load_spec": "spec.load", "Spec": "spec.model", "project_spec_path": "spec.project",
    "Flow": "runtime.machine", "build_flow": "runtime.machine",
    "Simulator": "runtime.simulate", "TraceStep": "runtime.simulate",
    "Scenario": "runtime.scenario", "ScenarioResult": "runtime.scenario", "load_scenario": "runtime.scenario",
    "run_scenario": "runtime.scenario", "scenario_spec_path": "runtime.scenario",
    "World": "runtime.world", "make_world": "runtime.world",
    "PhoneView": "play.phone", "phone_view": "play.phone", "PlaySession": "play.session",
    "DiagramRequest": "draw.diagrams", "diagram_files": "draw.diagrams", "load_views": "draw.views",
    "path_of_result": "draw.run_path", "coverage_of_results": "walk.coverage",
    "Analysis": "walk.analysis", "analyse": "walk.analysis",
    "Configuration": "walk.explore", "ProductGraph": "walk.explore", "explore_spec": "walk.explore",
    "Suite": "walk.suites", "TestPath": "walk.suites", "generate_suite": "walk.suites",
    "suite_spec_path": "walk.manifest",
}

__all__ = list(_EXPORTS)


def lazy_exports(namespace: dict[str, Any], exports: dict[str, str]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for the package whose globals are ``namespace``.

    ``exports`` maps each public name to the module below the package that
    defines it; a name found once is kept in the package's globals. Not in
    ``__all__``: it serves this package and its subpackages, not users.
    """
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value  # found directly from now on
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(exports))

    return __getattr__, __dir__


# Subpackages the command line registers without loading their code (simulator.diff, simulator.mutate) export
# their names the same way.
__getattr__, __dir__ = lazy_exports(globals(), _EXPORTS)
