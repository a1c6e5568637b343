"""kmsflow: a product flow as a formal, executable specification.

The library API the CLI is a thin layer over::

    spec = load_checked_spec("spec/kms9_subscription.yaml")   # load + check, SpecError on errors
    sim = Simulator(spec, {"balance": 0})                      # fire events, read screen and world
    result = run_scenario(load_scenario(path, spec), spec)     # scripted scenarios
    session = PlaySession(spec, {"balance": 2})                # the interactive session's core
    session.handle("select_additional"); session.handle("day 3"); session.save("s.yaml")
    views = load_views(spec)                                   # the diagrams the spec declares
    files = diagram_files(spec, views, DiagramRequest(views.views))  # name -> .dot/.svg/.png/.mmd content
    analysis = analyse(spec)                                   # the exhaustive walk: properties, coverage
    suite = generate_suite(analysis.graph, "transitions")      # test paths by criterion
"""
from .walk.analysis import Analysis, analyse
from .check import assumption_trace, check_spec, kb_trace, load_checked_spec
from .errors import FlowRuntimeError, KmsflowError, Loc, Problem, ScenarioError, SpecError, UsageError
from .walk.explore import Configuration, ProductGraph, explore_spec
from .spec.load import default_spec_path, load_spec
from .runtime.machine import Flow, build_flow
from .spec.model import Spec
from .draw.diagrams import DiagramRequest, diagram_files
from .draw.overlay import coverage_of_results, path_of_result
from .walk.suites import Suite, TestPath, generate_suite
from .play.phone import PhoneView, phone_view
from .play.session import PlaySession
from .runtime.scenario import Scenario, ScenarioResult, load_scenario, run_scenario
from .runtime.simulate import Simulator, TraceStep
from .draw.views import load_views
from .runtime.world import World, make_world

__all__ = [
    "assumption_trace", "check_spec", "kb_trace", "load_checked_spec", "FlowRuntimeError", "KmsflowError", "Loc",
    "Problem", "ScenarioError", "SpecError", "UsageError", "default_spec_path", "load_spec", "Flow", "build_flow",
    "Spec", "Scenario", "ScenarioResult", "load_scenario", "run_scenario", "Simulator", "TraceStep", "World",
    "make_world", "PhoneView", "phone_view", "PlaySession", "DiagramRequest", "diagram_files", "coverage_of_results",
    "path_of_result", "load_views", "Analysis", "analyse", "Configuration", "ProductGraph", "explore_spec", "Suite",
    "TestPath", "generate_suite",
]
