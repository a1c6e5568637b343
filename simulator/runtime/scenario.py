"""Scenario files: load and validate them against a spec, run them, report what differed.

Format (tests and acceptance checks depend on it)::

    name: subscribe with an expired license and enough money
    given: {days_left: 0, subscription: cancelled, balance: 5, network: up}
    steps:
      - select_additional
      - {event: day_passes, repeat: 3}
      - {event: select_unsubscribe, refused: true}
      - {event: press_yes, expect: {note: activated}}
    expect: {screen: license_menu, subscription: active, note: activated}

``given`` sets world variables, parameters and ``screen`` (default: the spec's
home screen); ``expect`` checks world variables, ``screen`` and ``note``. An
optional ``spec:`` names the spec file (relative to the scenario) when it is
not the default one.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from ..errors import FlowRuntimeError, KmsflowError, Loc, Problem, ScenarioError
from ..spec.load import did_you_mean
from ..spec.model import Spec
from ..rules import load_rules
from .simulate import Simulator, TraceStep
from .world import make_world
from ..spec.yamlsafe import LDict, LList, load_yaml_file

__all__ = ["Step", "Scenario", "ScenarioResult", "load_scenario", "run_scenario", "scenario_spec_path",
           "validate_world_values"]


@dataclass
class Step:
    event: str
    loc: Loc
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


def validate_world_values(spec: Spec, values: LDict | dict, what: str, allow: set[str],
                          locs: Any = None) -> list[Problem]:
    """Problems with ``values`` (names in ``allow`` plus world variables); used for given and expect."""
    problems: list[Problem] = []
    loc_of = (lambda k: values.loc_of(k)) if isinstance(values, LDict) else (lambda k: locs or Loc("<given>"))
    known = set(spec.variables) | allow
    for name, value in values.items():
        loc = loc_of(name)
        if name not in known:
            problems.append(Problem(loc, "error", f"{what}: unknown name {name!r}{did_you_mean(name, known)}; "
                                    f"expected one of: {', '.join(sorted(known))}", "unknown-variable"))
            continue
        if isinstance(value, (list, dict)):
            problems.append(Problem(loc, "error", f"{what}: {name} must be a single value, found a "
                                    f"{'list' if isinstance(value, list) else 'mapping'}", "bad-value"))
            continue
        if name == "screen":
            if not isinstance(value, str) or value not in spec.screens:
                problems.append(Problem(loc, "error", f"{what}: unknown screen {value!r}"
                                        f"{did_you_mean(str(value), spec.screens)}", "unknown-screen"))
            elif spec.screens[value].is_system and what == "given":
                problems.append(Problem(loc, "error", f"{what}: {value!r} is a system screen; the app never rests "
                                        "there", "bad-value"))
            continue
        if name == "note":
            if value is not None and value not in spec.note_kinds:
                problems.append(Problem(loc, "error", f"{what}: note must be one of {', '.join(spec.note_kinds)} "
                                        f"or null, found {value!r}{did_you_mean(str(value), spec.note_kinds)}", "bad-value"))
            continue
        if name in spec.parameters:
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(Problem(loc, "error", f"{what}: parameter {name!r} must be a whole number of at "
                                        f"least 1, found {value!r}", "bad-value"))
            continue
        variable = spec.variables[name]
        if variable.type == "enum":
            if value not in variable.values:
                problems.append(Problem(loc, "error", f"{what}: {name} must be one of {', '.join(variable.values)}, "
                                        f"found {value!r}{did_you_mean(str(value), variable.values)}", "bad-value"))
        elif not isinstance(value, int) or isinstance(value, bool):
            problems.append(Problem(loc, "error", f"{what}: {name} must be a whole number, found {value!r}",
                                    "bad-value"))
        elif (variable.min is not None and value < variable.min) or (variable.max is not None and value > variable.max):
            bounds = f"{variable.min if variable.min is not None else '-inf'}..{variable.max if variable.max is not None else 'inf'}"
            problems.append(Problem(loc, "error", f"{what}: {name} must be in {bounds}, found {value}", "bad-value"))
    return problems


def _check_constraints(spec: Spec, given: dict[str, Any], loc: Loc) -> list[Problem]:
    world_values = {k: v for k, v in given.items() if k != "screen"}
    world = make_world(spec, world_values)
    guards = load_rules(spec.rules).guards
    return [Problem(loc, "error", f"given: this world cannot occur: {spec.guards[name].doc} ({name})", "bad-value")
            for name in spec.constraints if not guards[name](world)]


_STEP_KEYS = ("event", "repeat", "refused", "expect")


def load_scenario(path: str, spec: Spec) -> Scenario:
    """Read and validate a scenario for ``spec``; raise ScenarioError with every problem found."""
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
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, LList) or not raw_steps:
        error(data.loc_of("steps"), "steps: expected a non-empty list of events", "missing-key" if raw_steps is None
              else "type")
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
            error(loc, f"step {index + 1}: repeat must be a whole number from 1 to 10000, found {repeat!r}", "bad-value")
            continue
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
        problems += _check_constraints(spec, dict(given), data.loc_of("given"))
    if problems:
        raise ScenarioError(sorted(problems))
    spec_path = data.get("spec")
    return Scenario(name.strip(), path, dict(given), steps, dict(expect), data.loc,
                    os.path.normpath(os.path.join(os.path.dirname(path), spec_path)) if spec_path else None)


def _differences(expect: dict[str, Any], screen: str, world: dict[str, Any]) -> list[str]:
    actual = {"screen": screen, **world}
    return [f"expected {k} {v!r}, found {actual[k]!r}" for k, v in expect.items() if actual[k] != v]


def run_scenario(scenario: Scenario, spec: Spec) -> ScenarioResult:
    """Play a scenario; the first failing step ends it (later steps would only repeat the error)."""
    sim = Simulator(spec, scenario.given)
    given = dict(sim.given)
    failures: list[str] = []
    try:
        for index, step in enumerate(scenario.steps, start=1):
            label = f"step {index} ({step.event}{f' x{step.repeat}' if step.repeat > 1 else ''})"
            for _ in range(step.repeat):
                if step.refused:
                    if sim.is_allowed(step.event):
                        failures.append(f"{label}: expected to be refused on {sim.screen!r}, but it is allowed there")
                        break
                    sim.trace.append(TraceStep(step.event, sim.screen, sim.screen, False, number=len(sim.trace) + 1))
                    continue
                result = sim.fire(step.event)
                if not result.accepted:
                    allowed = ", ".join(sim.allowed_events()) or "nothing"
                    failures.append(f"{label}: not allowed on screen {sim.screen!r}; allowed there: {allowed}")
                    break
            if failures:
                break
            failures += [f"{label}: {d}" for d in _differences(step.expect, sim.screen, sim.world)]
            if failures:
                break
        if not failures:
            failures += [f"at the end: {d}" for d in _differences(scenario.expect, sim.screen, sim.world)]
    except FlowRuntimeError as exc:
        failures.append(f"the spec failed while running: {exc}")
    return ScenarioResult(scenario, not failures, sim.trace, failures, given, sim.screen, sim.world)
