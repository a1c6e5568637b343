"""Scenario files: load and validate them against a spec, run them, report what differed, write them.

Format (tests and acceptance checks depend on it)::

    name: a lockout ends when its minutes have passed
    given: {keypad: locked_out, minutes_left: 2, battery: ok}
    steps:
      - {event: minute_passes, repeat: 2}
      - {event: enter_admin_code, expect: {note: unlocked}}
      - {event: enter_right_pin, refused: true}
      - press_ok
    expect: {screen: keypad, keypad: ready, note: unlocked}

``given`` sets world variables, parameters and ``screen`` (default: the spec's
home screen); ``expect`` checks world variables, ``screen`` and ``note``. An
optional ``spec:`` names the spec file (relative to the scenario) when it is
not the default one.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..choices import MAX_SCENARIO_STEPS
from ..errors import FlowRuntimeError, KmsflowError, Loc, Problem, ScenarioError
from ..output import yaml_comment, yaml_scalar
from ..spec.load import did_you_mean
from ..spec.model import Spec
from ..spec.yamlsafe import LDict, LList, load_yaml_file
from .given import constraint_problems, validate_world_values
from .simulate import Simulator, TraceStep

__all__ = ["Step", "Scenario", "ScenarioResult", "MAX_SCENARIO_STEPS", "load_scenario", "run_scenario",
           "scenario_spec_path", "scenario_text", "spec_reference"]


@dataclass
class Step:
    event: str
    loc: Loc = Loc("<unsaved>")  # where a loaded step stands; a step about to be written has no place yet
    repeat: int = 1
    refused: bool = False
    expect: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scenario:
    name: str
    path: str
    given: dict[str, Any]
    steps: list[Step]
    expect: dict[str, Any]
    loc: Loc
    spec_path: str | None = None


@dataclass
class ScenarioResult:
    scenario: Scenario
    passed: bool
    trace: list[TraceStep]
    failures: list[str]
    given: dict[str, Any]
    final_screen: str
    final_world: dict[str, Any]


def _refuse_a_spec_file(data: LDict) -> None:
    """A spec given where a scenario belongs gets one clear message, not a list of unknown keys."""
    if "screens" in data and "transitions" in data:
        raise ScenarioError(Problem(data.loc, "error", "this is a spec file, not a scenario (with `kmsflow diagram "
                                    "--coverage FILE...`, put SPEC before the option)", "not-a-scenario"))


def scenario_spec_path(path: str) -> str | None:
    """The ``spec:`` a scenario file names, resolved against the file's folder; None if it names none."""
    try:
        data = load_yaml_file(path)
    except KmsflowError as exc:
        raise ScenarioError(exc.problems) from None
    if not isinstance(data, LDict):
        return None
    _refuse_a_spec_file(data)
    if "spec" not in data:
        return None
    named = data["spec"]
    if not isinstance(named, str):
        raise ScenarioError(Problem(data.loc_of("spec"), "error", "spec: expected the path of a spec file", "type"))
    resolved = os.path.normpath(os.path.join(os.path.dirname(path), named))
    if not os.path.isfile(resolved):
        raise ScenarioError(Problem(data.loc_of("spec"), "error", f"spec: no spec file {named!r} "
                                    f"(looked for {resolved}, relative to the scenario)", "file"))
    return resolved


_STEP_KEYS = ("event", "repeat", "refused", "expect")



def load_scenario(path: str, spec: Spec, max_steps: int = MAX_SCENARIO_STEPS) -> Scenario:
    """Read and validate a scenario for ``spec``; raise ScenarioError with every problem found.

    A scenario whose steps, repeats counted, send more than ``max_steps``
    events is refused at the step that goes over.
    """
    try:
        data = load_yaml_file(path)
    except KmsflowError as exc:
        raise ScenarioError(exc.problems) from None
    problems: list[Problem] = []

    def error(loc: Loc, message: str, code: str) -> None:
        problems.append(Problem(loc, "error", message, code))

    if not isinstance(data, LDict):
        raise ScenarioError(Problem(getattr(data, "loc", Loc(path, 1, 1)), "error",
                                    "a scenario is a mapping with name, steps and expect", "type"))
    _refuse_a_spec_file(data)
    for key in data:
        if key not in ("name", "given", "steps", "expect", "spec", "doc"):
            error(data.loc_of(key), f"unknown key {key!r}{did_you_mean(key, ['name', 'given', 'steps', 'expect'])}; "
                  "expected name, given, steps, expect (and optionally spec, doc)", "unknown-key")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        error(data.loc_of("name"), "name: expected text naming the scenario", "missing-key" if name is None else "type")
    given = data.get("given") or LDict()
    if not isinstance(given, LDict):
        error(data.loc_of("given"), "given: expected a mapping of world values", "type")
        given = LDict()
    else:
        problems += validate_world_values(spec, given, "given", {"screen", "note"} | set(spec.parameters))
    user_events = spec.events_of_kind("user", "environment")
    steps: list[Step] = []
    total_steps = 0
    raw_steps = data.get("steps")
    # An empty list, written out as `steps: []`, is a scenario that checks the starting world alone
    # (a property violated in a starting world); a missing or blank `steps:` is still a mistake.
    if not isinstance(raw_steps, LList):
        error(data.loc_of("steps"), "steps: expected a list of events (`steps: []` for a scenario that only "
              "checks the starting world)", "missing-key" if raw_steps is None else "type")
        raw_steps = LList()
    for index, item in enumerate(raw_steps):
        loc = raw_steps.loc_of(index)
        if isinstance(item, str):
            item_map: dict = {"event": item}
        elif isinstance(item, LDict):
            item_map = item
            for key in item:
                if key not in _STEP_KEYS:
                    error(item.loc_of(key), f"step {index + 1}: unknown key {key!r}{did_you_mean(key, _STEP_KEYS)}",
                          "unknown-key")
        else:
            error(loc, f"step {index + 1}: expected an event name or a mapping with 'event'", "type")
            continue
        event = item_map.get("event")
        if not isinstance(event, str):
            error(loc, f"step {index + 1}: missing event name", "missing-key")
            continue
        if event not in user_events:
            kind = spec.events[event].kind if event in spec.events else None
            why = (f"{event!r} is a {kind} event: the app runs it by itself, a scenario never sends it" if kind
                   else f"unknown event {event!r}{did_you_mean(event, user_events)}")
            error(loc, f"step {index + 1}: {why}", "unknown-event")
            continue
        repeat = item_map.get("repeat", 1)
        if not isinstance(repeat, int) or isinstance(repeat, bool) or not 1 <= repeat <= 10_000:
            error(loc, f"step {index + 1}: repeat must be a whole number from 1 to 10000, found {repeat!r}",
                  "bad-value")
            continue
        if total_steps <= max_steps < total_steps + repeat:  # said once, at the step that goes over
            error(loc, f"step {index + 1}: the scenario sends more than {max_steps:,} events in all (repeats "
                  f"counted; {total_steps + repeat:,} up to this step): split it into shorter scenarios, or raise "
                  "the limit with kmsflow simulate --max-steps N", "too-many-steps")
        total_steps += repeat
        refused = item_map.get("refused", False)
        if not isinstance(refused, bool):
            error(loc, f"step {index + 1}: refused must be true or false, found {refused!r}", "type")
            continue
        expect = item_map.get("expect") or {}
        if not isinstance(expect, dict):
            error(loc, f"step {index + 1}: expect must be a mapping", "type")
            continue
        problems += validate_world_values(spec, expect, f"step {index + 1} expect", {"screen", "note"}, loc)
        steps.append(Step(event, loc, repeat, refused, dict(expect)))
    expect = data.get("expect")
    if expect is None:
        error(data.loc, "expect: the final screen and world to check are missing", "missing-key")
        expect = LDict()
    elif not isinstance(expect, LDict):
        error(data.loc_of("expect"), "expect: expected a mapping", "type")
        expect = LDict()
    else:
        problems += validate_world_values(spec, expect, "expect", {"screen", "note"})
    if not problems:
        problems += constraint_problems(spec, dict(given), data.loc_of("given"))
    if problems:
        raise ScenarioError(sorted(problems))
    spec_path = data.get("spec")
    return Scenario(name.strip(), path, dict(given), steps, dict(expect), data.loc,
                    os.path.normpath(os.path.join(os.path.dirname(path), spec_path)) if spec_path else None)


def _differences(expect: dict[str, Any], screen: str, world: dict[str, Any]) -> list[str]:
    actual = {"screen": screen, **world}
    return [f"expected {k} {v!r}, found {actual[k]!r}" for k, v in expect.items() if actual[k] != v]


def run_scenario(scenario: Scenario, spec: Spec) -> ScenarioResult:
    """Play a scenario; the first failing step ends it (later steps would only repeat the error).

    A failed expectation or a step that is (or is not) refused is a failure of
    the scenario, in the result. The spec getting stuck is not: no scenario can
    fix that, so it raises FlowRuntimeError, placed at the spec file and naming
    the scenario step that got there.
    """
    sim = Simulator(spec, scenario.given)
    given = dict(sim.given)
    failures: list[str] = []
    for index, step in enumerate(scenario.steps, start=1):
        label = f"step {index} ({step.event}{f' x{step.repeat}' if step.repeat > 1 else ''})"
        try:
            failures += _run_step(sim, step, label)
        except FlowRuntimeError as exc:
            raise FlowRuntimeError(f"{exc} (in {scenario.path}, {label})", Loc(spec.path)) from exc
        if failures:
            break
    if not failures:
        failures += [f"at the end: {d}" for d in _differences(scenario.expect, sim.screen, sim.world)]
    return ScenarioResult(scenario, not failures, sim.trace, failures, given, sim.screen, sim.world)


def _run_step(sim: Simulator, step: Step, label: str) -> list[str]:
    """Fire one step (``repeat`` times); what went other than the step says."""
    for _ in range(step.repeat):
        if step.refused:
            if sim.is_allowed(step.event):
                return [f"{label}: expected to be refused on {sim.screen!r}, but it is allowed there"]
            sim.fire(step.event)  # refused: it goes into the trace and changes nothing
            continue
        if not sim.fire(step.event).accepted:
            allowed = ", ".join(sim.allowed_events()) or "nothing"
            return [f"{label}: not allowed on screen {sim.screen!r}; allowed there: {allowed}"]
    return [f"{label}: {d}" for d in _differences(step.expect, sim.screen, sim.world)]


# -- writing ----------------------------------------------------------------------------
# The one writer of scenario files (exported test paths, counterexamples, saved play
# sessions): one line per value, flow style, so a diff of two files is a diff of steps.
# Every name and value goes through yaml_scalar, so any name a spec allows reads back as itself.


def _flow_map(values: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{yaml_scalar(k)}: {yaml_scalar(v)}" for k, v in values.items()) + "}"


def _step_text(step: Step) -> str:
    """A bare event name when the step is just that, else ``{event: E, repeat: N, refused: true, expect: {...}}``."""
    event = yaml_scalar(step.event)
    parts = [f"event: {event}"]
    if step.repeat != 1:
        parts.append(f"repeat: {step.repeat}")
    if step.refused:
        parts.append("refused: true")
    if step.expect:
        parts.append(f"expect: {_flow_map(step.expect)}")
    return event if len(parts) == 1 else "{" + ", ".join(parts) + "}"


def scenario_text(name: str, given: dict[str, Any], steps: Iterable[Step], expect: dict[str, Any],
                  spec_ref: str | None = None, comment: str = "") -> str:
    """A scenario file that :func:`load_scenario` reads back into the same name, given, steps and expect.

    ``spec_ref`` is the ``spec:`` line (see :func:`spec_reference`); ``comment``
    becomes ``#`` lines at the top. No steps are written as ``steps: []``: a
    scenario that checks the starting world alone (a property violated there).
    """
    lines = yaml_comment(comment)
    lines.append(f"name: {yaml_scalar(name)}")
    if spec_ref:
        lines.append(f"spec: {yaml_scalar(spec_ref)}")
    lines.append(f"given: {_flow_map(given)}")
    step_lines = [f"  - {_step_text(step)}" for step in steps]
    lines += ["steps:", *step_lines] if step_lines else ["steps: []"]
    lines.append(f"expect: {_flow_map(expect)}")
    return "\n".join(lines) + "\n"


def spec_reference(spec_path: str, scenario_file: str) -> str:
    """The ``spec:`` a scenario written to ``scenario_file`` gives to name ``spec_path`` (relative, with ``/``).

    The inverse of :func:`scenario_spec_path`, so the file replays from anywhere.
    """
    folder = os.path.dirname(os.path.abspath(scenario_file))
    return os.path.relpath(os.path.abspath(spec_path), folder).replace(os.sep, "/")
