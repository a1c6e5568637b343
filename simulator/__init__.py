"""kmsflow: a product flow as a formal, executable specification.

The library API the CLI is a thin layer over::

    spec = load_checked_spec("spec/kms9_subscription.yaml")   # load + check, SpecError on errors
    sim = Simulator(spec, {"balance": 0})                      # fire events, read screen and world
    result = run_scenario(load_scenario(path, spec), spec)     # scripted scenarios
    analysis = analyse(spec)                                   # the exhaustive walk: properties, coverage
    suite = generate_suite(analysis.graph, "transitions")      # test paths by criterion
"""
from .analysis import Analysis, analyse
from .check import assumption_trace, check_spec, kb_trace, load_checked_spec
from .errors import FlowRuntimeError, KmsflowError, Loc, Problem, ScenarioError, SpecError, UsageError
from .explore import Configuration, ProductGraph, explore_spec
from .load import default_spec_path, load_spec
from .machine import Flow, build_flow
from .model import Spec
from .paths import Suite, TestPath, generate_suite
from .scenario import Scenario, ScenarioResult, load_scenario, run_scenario
from .simulate import Simulator, TraceStep
from .world import World, make_world

__all__ = [
    "assumption_trace", "check_spec", "kb_trace", "load_checked_spec", "FlowRuntimeError", "KmsflowError", "Loc",
    "Problem", "ScenarioError", "SpecError", "UsageError", "default_spec_path", "load_spec", "Flow", "build_flow",
    "Spec", "Scenario", "ScenarioResult", "load_scenario", "run_scenario", "Simulator", "TraceStep", "World",
    "make_world", "Analysis", "analyse", "Configuration", "ProductGraph", "explore_spec", "Suite", "TestPath",
    "generate_suite",
]
