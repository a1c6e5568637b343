"""Plain-text formatting of results for the terminal (the CLI prints what these return)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from ..check import assumption_screens, assumption_trace, kb_trace
from ..errors import Problem
from ..spec.model import Spec
from ..spec.texts import source_noun

if TYPE_CHECKING:  # `kmsflow check` prints with this module and must not load the state machine to do it
    from ..runtime.scenario import ScenarioResult

__all__ = ["format_problems", "format_spec_summary", "format_trace_table", "format_scenario_result", "format_world"]


def format_problems(problems: Iterable[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


def format_spec_summary(spec: Spec, problems: list[Problem]) -> str:
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    size = (f"{len(spec.screens)} screens, {len(spec.all_transitions())} transitions, {len(spec.events)} events, "
            f"{len(spec.kb_steps)} {source_noun(spec)} steps, {len(spec.assumptions)} assumptions")
    verdict = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    return f"{spec.path}: {verdict} ({size})"


def format_trace_table(spec: Spec) -> str:
    """The source's steps (the article's, for a spec citing an article) and assumptions, each with the transitions
    that implement it."""
    lines = [f"{source_noun(spec).capitalize()} steps and the transitions that implement them:"]
    for step_id, ids in kb_trace(spec):
        step = spec.kb_steps[step_id]
        lines.append(f"  {step_id:<15} {step.text}")
        lines += [f"  {'':<15}   - {i}" for i in ids] or [f"  {'':<15}   - (none!)"]
    lines.append("")
    lines.append("Assumptions and the transitions (and screens) they add or shape:")
    screens = assumption_screens(spec)
    for assumption_id, ids in assumption_trace(spec):
        shaped = screens[assumption_id]
        count = f"{len(ids)} transitions" + (f", {len(shaped)} screens" if shaped else "")
        lines.append(f"  {assumption_id:<4} {spec.assumptions[assumption_id].title}  ({count})")
        lines += [f"         - {i}" for i in ids] + [f"         - screen {name}" for name in shaped] \
            or ["         - (none!)"]
    return "\n".join(lines)


def format_world(values: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in values.items() if not (k == "note" and v is None))


def _format_changes(changes: dict[str, tuple[Any, Any]]) -> str:
    shown = lambda value: "-" if value is None else value  # noqa: E731 - no note yet reads as "-"
    return ", ".join(f"{k}: {shown(old)}->{shown(new)}" for k, (old, new) in changes.items())


def format_scenario_result(result: ScenarioResult, verbose: bool = True) -> str:
    scenario = result.scenario
    lines = [f"== {scenario.path}: {scenario.name}"]
    if verbose:
        lines.append(f"   given: {format_world(result.given)}")
        for step in result.trace:
            if not step.accepted:
                lines.append(f"   {step.number:>3}  {step.event:<22} refused on {step.screen_before}")
                continue
            move = (f"{step.screen_before} -> {step.screen_after}" if step.screen_before != step.screen_after
                    else f"stays on {step.screen_after}")
            extra = _format_changes(step.changes)
            lines.append(f"   {step.number:>3}  {step.event:<22} {move}{'   [' + extra + ']' if extra else ''}")
    # A step that left a declared range is shown even in the short form: the run goes on (a counterexample
    # must be replayable), but nobody should read such a world as a normal one.
    lines += [f"   WARNING  step {step.number}: {problem}" for step in result.trace
              for problem in step.out_of_range]
    if result.passed:
        lines.append(f"   PASS  ends on {result.final_screen}: {format_world(result.final_world)}")
    else:
        lines += [f"   FAIL  {failure}" for failure in result.failures]
    return "\n".join(lines)
