"""Test cases for people: a suite's paths cut into short scenarios, named, tagged and grouped by part of the flow.

A covering path is long (it is built to cover, not to read): a person running
it by hand loses everything after the first failure. :func:`suite_cases` cuts
each path where it comes back to a menu (or after at most :data:`MAX_STEPS`
steps), starts each piece from the screen and world it starts on, and says
every step in the tester's words (:mod:`.phrases`) by replaying it in the
simulator: what each action is, and what the device shows after it.

Each case is tagged with the article steps and decisions its transitions
implement (``@cancel.3 @A2``) and belongs to the *part* of the flow most of
its steps serve: the decision (assumption) named most often, else the
article's section, so a feature file holds the scenarios of one part.
With ``style="automation"`` the paths are kept whole, one case each.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..runtime.simulate import Simulator
from ..spec.model import Spec, Transition
from .phrases import Phrases, one_line, shown_on
from .suites import Suite, TestPath

__all__ = ["CaseStep", "TestCase", "MAX_STEPS", "STYLES", "suite_cases"]

#: The most steps a scenario for people has (a longer piece of a path is cut, even away from a menu).
MAX_STEPS = 12
#: Shorter pieces are joined to the one before, while the two fit in MAX_STEPS.
_MIN_STEPS = 3
STYLES = ("people", "automation")


@dataclass
class CaseStep:
    """One action and what to check after it; a refused action has no ``action``: its first check says so."""

    event: str
    refused: bool
    action: str | None
    checks: list[str]
    tags: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    environment: bool = False


@dataclass
class TestCase:
    """A scenario: its name, the part of the flow, tags, the set-up sentences, and its steps."""

    __test__ = False  # not a pytest test class, despite its name
    name: str
    part: str
    part_title: str
    tags: tuple[str, ...]
    given: list[str]
    steps: list[CaseStep] = field(default_factory=list)
    covers_article: bool = False  # it takes a transition that implements a step of the article


@dataclass
class _Replayed:
    """A path step replayed: the state before it (to start a piece there) and the step in words."""

    screen: str
    world: dict[str, Any]
    step: CaseStep
    lands_on_menu: bool
    end_name: str


def _transitions_of(spec: Spec, by_id: dict[str, Transition], event: str, screen: str, refused: bool,
                    taken: tuple[str, ...]) -> list[Transition]:
    if not refused:
        return [by_id[t] for t in taken if t in by_id]
    return [t for t in spec.transitions if t.trigger == event and (screen in t.sources or "*" in t.sources)]


def _replay(spec: Spec, phrases: Phrases, path: TestPath) -> list[_Replayed]:
    by_id = {t.id: t for t in spec.all_transitions()}
    kb_order = {k: i for i, k in enumerate(spec.kb_steps)}
    a_order = {a: i for i, a in enumerate(spec.assumptions)}
    sim = Simulator(spec, {"screen": path.start_screen, **path.given})
    out = []
    for step in path.steps:
        values = {**sim.parameters, **sim.world}
        before = shown_on(spec, sim.screen, sim.allowed_events(), values)
        screen, world = sim.screen, sim.world
        if step.refused:
            action, checks = None, [phrases.refusal(step.event, before, sim.parameters)]
            sim.fire(step.event)
        else:
            action = phrases.action(step.event, sim.parameters)
            sim.fire(step.event)
            after_values = {**sim.parameters, **sim.world}
            after = shown_on(spec, sim.screen, sim.allowed_events(), after_values)
            checks = phrases.screen_checks(before, after)
            checks += [phrases.value(name, value) for name, value in sim.world.items()
                       if name in spec.variables and world.get(name) != value and _in_range(spec, name, value)]
            if not checks:
                checks = [phrases.title_check(after)]
        transitions = _transitions_of(spec, by_id, step.event, screen, step.refused, step.taken)
        kb = sorted({k for t in transitions for k in t.kb if k in kb_order}, key=kb_order.get)
        assumptions = sorted({a for t in transitions for a in t.assumptions if a in a_order}, key=a_order.get)
        sections = tuple(dict.fromkeys(spec.kb_steps[k].section for k in kb))
        tags = tuple(dict.fromkeys(kb + assumptions))
        environment = spec.events[step.event].kind == "environment"
        case_step = CaseStep(step.event, step.refused, action, checks, tags, tuple(assumptions), sections, environment)
        out.append(_Replayed(screen, world, case_step, spec.screens[sim.screen].kind == "menu",
                             phrases.reader_names[sim.screen]))
    return out


def _in_range(spec: Spec, name: str, value: Any) -> bool:
    variable = spec.variables[name]
    if variable.type != "int" or not isinstance(value, int):
        return True
    return (variable.min is None or value >= variable.min) and (variable.max is None or value <= variable.max)


def _pieces(replayed: list[_Replayed], style: str) -> list[tuple[int, int]]:
    """(start, end) index ranges: cut after a step that lands on a menu, or at MAX_STEPS; short pieces joined."""
    if style == "automation" or not replayed:
        return [(0, len(replayed))]
    cuts: list[tuple[int, int]] = []
    start = 0
    for index, item in enumerate(replayed):
        length = index + 1 - start
        if length >= MAX_STEPS or (item.lands_on_menu and length >= _MIN_STEPS):
            cuts.append((start, index + 1))
            start = index + 1
    if start < len(replayed):
        if cuts and len(replayed) - start < _MIN_STEPS and len(replayed) - cuts[-1][0] <= MAX_STEPS:
            cuts[-1] = (cuts[-1][0], len(replayed))
        else:
            cuts.append((start, len(replayed)))
    return cuts


def _short(spec: Spec, phrases: Phrases, step: CaseStep, parameters: dict[str, Any]) -> str:
    event = spec.events[step.event]
    if step.refused:
        return f"no {event.item}" if event.item else f"{event.label} does nothing"
    if event.item:
        return event.item
    if event.softkey or event.kind == "user":
        return event.label
    return phrases.action(step.event, parameters).removeprefix("I ")


def _part(spec: Spec, steps: list[CaseStep]) -> tuple[str, str]:
    """The part of the flow a case serves: the decision its steps name most (latest in the spec on a tie)."""
    a_order = {a: i for i, a in enumerate(spec.assumptions)}
    chosen = [s for s in steps if not s.environment]
    counts = Counter(a for s in chosen for a in s.assumptions)
    if not counts:  # menu steps name no decision: what happened around the device is the point
        chosen = steps
        counts = Counter(a for s in chosen for a in s.assumptions)
    if counts:
        best = max(counts, key=lambda a: (counts[a], a_order[a]))
        return best, spec.assumptions[best].title
    sections = Counter(section for s in chosen for section in s.sections)
    if sections:
        best = max(sections, key=lambda sec: (sections[sec], sec))
        return best, best[:1].upper() + best[1:]
    return "other", "Other steps"


def suite_cases(spec: Spec, suite: Suite, style: str = "people", phrases: Phrases | None = None) -> list[TestCase]:
    """The suite's paths as test cases (see the module's docstring); byte-for-byte the same for the same suite."""
    phrases = phrases or Phrases(spec)
    parameters_default = {name: p.default for name, p in spec.parameters.items()}
    cases: list[TestCase] = []
    for number, path in enumerate(suite.paths, start=1):
        replayed = _replay(spec, phrases, path)
        parameters = {**parameters_default, **{k: v for k, v in path.given.items() if k in spec.parameters}}
        world = {k: v for k, v in path.given.items() if k in spec.variables}
        for start, end in _pieces(replayed, style):
            piece = replayed[start:end]
            screen = piece[0].screen if piece else path.start_screen
            at = piece[0].world if piece else world
            given = phrases.givens(screen, {k: v for k, v in at.items() if k in spec.variables}, parameters)
            steps = [item.step for item in piece]
            part, part_title = _part(spec, steps) if style == "people" else (suite.criterion, suite.criterion)
            shorts = [_short(spec, phrases, s, parameters) for s in steps]
            if len(shorts) > 8:
                shorts = shorts[:4] + ["…"] + shorts[-3:]
            start_name = phrases.reader_names[screen]
            end_name = piece[-1].end_name if piece else start_name
            if style == "automation":
                name = f"{suite.criterion} path {number} of {len(suite.paths)}, from {start_name}: " \
                       f"{len(steps)} steps, ends on {end_name}"
            else:
                name = f"From {start_name}: {', '.join(shorts)} → {end_name}"
            kb_tags = set(spec.kb_steps)
            order = {t: i for i, t in enumerate(list(spec.kb_steps) + list(spec.assumptions))}
            tags = tuple(sorted({t for s in steps for t in s.tags}, key=lambda t: (order.get(t, len(order)), t)))
            cases.append(TestCase(one_line(name), part, one_line(part_title), tags, given, steps,
                                  any(t in kb_tags for t in tags)))
    _unique_names(cases)
    return cases


def _unique_names(cases: list[TestCase]) -> None:
    seen: Counter = Counter()
    for case in cases:
        key = (case.part, case.name)
        seen[key] += 1
        if seen[key] > 1:
            case.name = f"{case.name} ({seen[key]})"
