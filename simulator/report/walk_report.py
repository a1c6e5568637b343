"""Plain-text reports of ``kmsflow explore`` and ``kmsflow paths`` (the CLI prints what these return)."""
from __future__ import annotations

from ..walk.analysis import Analysis, bounds_summary
from ..walk.explore import ProductGraph
from ..walk.suites import Suite, TestPath
from ..runtime.simulate import Simulator
from ..spec.texts import source_noun

__all__ = ["format_analysis", "format_counterexample", "format_bounds", "format_suite_summary", "format_paths"]


def format_bounds(graph: ProductGraph) -> list[str]:
    bounds = bounds_summary(graph)
    largest = ", ".join(f"{k} <= {v}" for k, v in bounds["largest"].items()) or "none needed"
    lines = [f"bounds: {largest}; {bounds['steps_beyond_bounds']} steps would go beyond them (counted, not explored)"]
    for name, flow in bounds["history"].items():
        lines.append(f"history kept: flow {name}: {', '.join(flow['flags'])} (cleared when its screens are left)")
    lines.append(f"not kept in a configuration: {', '.join(bounds['not_kept'])} (no guard reads them; test paths "
                 "recompute them)")
    return lines


def _bound(value) -> str:
    return "" if value is None else str(value)


def _world_text(values: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in values.items() if not (k == "note" and v is None))


def format_counterexample(analysis: Analysis, path: TestPath, indent: str = "      ") -> list[str]:
    """A numbered trace of a counterexample, replayed through the real machine."""
    spec = analysis.spec
    given = dict(path.given)
    if path.start_screen != spec.home_screen:
        given["screen"] = path.start_screen
    sim = Simulator(spec, given)
    lines = [f"{indent}given: {_world_text(dict(path.given))} on {path.start_screen}"]
    for number, step in enumerate(path.steps, start=1):
        fired = sim.fire(step.event)
        move = (f"{fired.screen_before} -> {fired.screen_after}" if fired.screen_before != fired.screen_after
                else f"stays on {fired.screen_after}")
        changes = ", ".join(f"{k}: {a}->{b}" for k, (a, b) in fired.changes.items())
        lines.append(f"{indent}{number:>3}  {step.event:<22} {move}{'   [' + changes + ']' if changes else ''}")
    return lines


def format_suite_summary(suite: Suite) -> str:
    text = (f"{suite.criterion}: {len(suite.paths)} paths, {suite.total_steps} steps, covers "
            f"{len(suite.covered)}/{suite.total_items} ({100 * suite.coverage:.1f}%)")
    if suite.lower_bound is not None:
        ratio = suite.total_steps / suite.lower_bound if suite.lower_bound else float("inf")
        text += (f"\n  lower bound for any covering suite: {suite.lower_bound} steps ({suite.lower_bound_method})"
                 f"\n  ratio to the lower bound: {ratio:.2f}"
                 f"\n  naive suite (one shortest path per transition): {suite.naive_total} steps")
    return text


def format_paths(suite: Suite) -> str:
    lines = []
    for index, path in enumerate(suite.paths, start=1):
        lines.append(f"path {index}: given {_world_text(path.given)} on {path.start_screen}")
        for number, step in enumerate(path.steps, start=1):
            state = "refused" if step.refused else f"-> {step.screen}"
            lines.append(f"  {number:>3}  {step.event:<22} {state}  [{_world_text(step.world)}]")
    return "\n".join(lines)


def format_analysis(analysis: Analysis) -> str:
    graph = analysis.graph
    spec = analysis.spec
    lines = [f"{spec.path}: {len(graph.initial)} initial worlds, {len(graph.nodes)} configurations, "
             f"{graph.edge_count} edges (walk {graph.seconds:.2f} s)"]
    lines += format_bounds(graph)
    lines.append("")
    lines.append("Properties:")
    if not analysis.properties:
        lines.append("  (the spec declares none)")
    for result in analysis.properties:
        if result.holds:
            lines.append(f"  holds     {result.name}: {result.text}")
            continue
        lines.append(f"  VIOLATED  {result.name}: {result.text}")
        lines.append(f"      {result.violations} violation{'s' * (result.violations != 1)}; "
                     f"a shortest counterexample ({result.first.message}):")
        lines += format_counterexample(analysis, analysis.counterexamples[result.name])
    lines.append("")
    lines.append("Coverage (screens, transitions, pairs, guard outcomes: each by its own generated suite; "
                 f"{source_noun(spec)} steps and assumptions: by the transitions suite):")
    for key, value in analysis.coverage.items():
        lines.append(f"  {key:<17} {100 * value:5.1f}%")
    lines.append("")
    for suite in analysis.suites.values():
        lines.append(format_suite_summary(suite))
    lines.append("")
    findings = analysis.findings
    lines.append("Findings:")
    lines.append(f"  never enabled: {', '.join(findings.never_enabled) or 'none'}")
    if findings.dead_ends:
        lines.append("  dead ends (the home screen cannot be reached):")
        lines += [f"    {d['screen']}: {d['configurations']} configurations, e.g. {_world_text(d['example'])}"
                  for d in findings.dead_ends]
    else:
        lines.append("  dead ends: none")
    if findings.nondeterminism:
        lines.append("  nondeterminism (guards that hold together; the first transition silently wins):")
        lines += [f"    {n['event']} on {n['state']}: {' and '.join(n['transitions'])} in {n['configurations']} "
                  f"configurations, e.g. {_world_text(n['example'])}" for n in findings.nondeterminism]
    else:
        lines.append("  nondeterminism: none")
    if findings.out_of_range:
        lines.append("  steps that leave a declared range (counted, not explored):")
        lines += [f"    {o['variable']} = {o['value']} (range {_bound(o['range'][0])}..{_bound(o['range'][1])}) in "
                  f"{o['steps']} steps, e.g. {_world_text(o['example'])}" for o in findings.out_of_range]
    if findings.unhandled:
        lines.append("  information: events a screen handles but refuses in some worlds:")
        lines += [f"    {u['screen']}: {u['event']} refused in {u['refused_in']}, accepted in {u['accepted_in']} "
                  "configurations" for u in findings.unhandled]
    lines.append("")
    failed = [r.name for r in analysis.properties if not r.holds]
    lines.append(f"{len(analysis.properties) - len(failed)} of {len(analysis.properties)} properties hold"
                 + (f"; violated: {', '.join(failed)}" if failed else ""))
    return "\n".join(lines)
