"""``kmsflow explore`` as a library call: walk, properties, findings, suites, coverage, in one result.

>>> from simulator import load_checked_spec
>>> from simulator.spec.starter import starter_spec_path
>>> from simulator.walk.analysis import analyse
>>> result = analyse(load_checked_spec(starter_spec_path()))
>>> all(p.holds for p in result.properties)
True
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .coverage import coverage_figures
from .domain import Domain, domain_of
from .explore import ProductGraph, explore_spec
from .findings import Findings, find_structural
from ..spec.model import Spec
from .suites import Suite, TestPath, generate_suite, path_from_moves, reach_of
from .properties import PropertyResult, Violation, check_properties, parse_properties

__all__ = ["Analysis", "analyse", "counterexample_path", "bounds_summary", "COVERING_CRITERIA"]

COVERING_CRITERIA = ("screens", "transitions", "transition-pairs", "guard-outcomes")


@dataclass
class Analysis:
    spec: Spec
    graph: ProductGraph
    properties: list[PropertyResult]
    counterexamples: dict[str, TestPath]
    findings: Findings
    suites: dict[str, Suite]
    coverage: dict[str, float]

    @property
    def holds(self) -> bool:
        return all(p.holds for p in self.properties)

    def to_json(self) -> dict[str, Any]:
        """Exactly the shape ``kmsflow explore --json`` promises."""
        return {
            "configurations": len(self.graph.nodes),
            "edges": self.graph.edge_count,
            "initial_worlds": len(self.graph.initial),
            "bounds": bounds_summary(self.graph),
            "properties": [{"name": p.name, "holds": p.holds,
                            "counterexample": self.counterexamples[p.name].to_json()
                            if p.name in self.counterexamples else None} for p in self.properties],
            "coverage": self.coverage,
            "findings": self.findings.to_json(),
        }


def bounds_summary(graph: ProductGraph) -> dict[str, Any]:
    """The bounds that kept the walk finite, and what a configuration keeps of the past."""
    history = {flow.name: {"flags": list(flow.flags), "screens": sorted(flow.screens)} for flow in graph.flows}
    return {
        "largest": dict(sorted(graph.domain.bounds.items())),
        "steps_beyond_bounds": len(graph.cut),
        "history": history,
        "not_kept": list(graph.domain.counters) + ["note"],
    }


def counterexample_path(graph: ProductGraph, violation: Violation) -> TestPath:
    """A shortest path from an initial configuration that ends in the violation."""
    moves: list[tuple] = [("edge", e) for e in graph.path_to(violation.node)]
    if violation.event is not None:
        edge = next((e for e in graph.out[violation.node] if graph.event[e] == violation.event), None)
        if edge is not None:
            moves.append(("edge", edge))
        else:
            cut = next(i for i, (node, event, _, _) in enumerate(graph.cut)
                       if node == violation.node and event == violation.event)
            moves.append(("cut", cut))
    return path_from_moves(graph, graph.root_of(violation.node), moves)


def analyse(spec: Spec, domain: Domain | None = None, progress: Callable[[str], None] | None = None,
            criteria: tuple[str, ...] = COVERING_CRITERIA, max_configurations: int | None = None,
            build_suites: bool = True) -> Analysis:
    """Walk ``spec``, check its properties, find structural problems and build a suite per criterion.

    With ``build_suites`` false, no suite is built (``suites`` is empty) but the
    coverage figures are the same: each comes from what the suite would cover
    (:func:`~.suites.reach_of`), which is all the product graph offers.

    Raises SpecError (bad domain or properties section), LimitError (the walk
    does not fit ``max_configurations``, see :func:`explore_spec`) and
    FlowRuntimeError (the spec leaves the app stuck; the message names the path).
    """
    props = parse_properties(spec)
    graph = explore_spec(spec, domain or domain_of(spec), props.flows, progress, max_configurations)
    if progress:
        progress("checking properties")
    results = check_properties(graph, props)
    counterexamples = {r.name: counterexample_path(graph, r.first) for r in results if r.first is not None}
    findings = find_structural(graph)
    suites = {}
    if build_suites:
        for criterion in criteria:
            if progress:
                progress(f"generating the {criterion} suite")
            suites[criterion] = generate_suite(graph, criterion)
        covering = suites
    else:  # the figures alone: what each suite would cover, read off the graph (the suites cover all of it)
        if progress:
            progress("reading what each suite covers")
        covering = {criterion: reach_of(graph, criterion) for criterion in criteria if criterion in COVERING_CRITERIA}
    coverage = coverage_figures(spec, covering) if set(COVERING_CRITERIA) <= set(covering) else {}
    return Analysis(spec, graph, results, counterexamples, findings, suites, coverage)
