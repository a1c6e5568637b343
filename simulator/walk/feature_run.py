"""Running Gherkin features against a spec: one step at a time (the step definitions), or whole files.

:class:`PhoneRun` is what a scenario's steps act on: givens collect the
starting world, the first action or check starts a :class:`Simulator` from it,
actions fire events, checks compare what the device shows with what the step
says. The pytest-bdd step definitions (:mod:`simulator.bdd`) are three lines
over it; :func:`run_features` runs feature files without pytest (``kmsflow
mutate`` runs a suite against hundreds of mutants this way).

Features are read with the official Gherkin parser (``gherkin-official``), the
one pytest-bdd uses, so a file this module runs is a file pytest-bdd runs.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from ..errors import FlowRuntimeError, InputError, Loc, Problem, UsageError
from ..rules import load_rules, register_rule_book
from ..runtime.simulate import Simulator
from ..spec.model import Spec
from ..spec.yamlsafe import read_input_text
from .phrases import Phrases, Shown, UnknownSentence, shown_on

__all__ = ["PhoneRun", "StepFailed", "FeatureScenario", "FeatureResult", "read_features", "run_features",
           "feature_files"]


class StepFailed(AssertionError):
    """A check that does not hold, or an action the device does not take: the scenario fails here."""


class PhoneRun:
    """One scenario being run: the given world so far, then the running simulator."""

    def __init__(self, spec: Spec, phrases: Phrases | None = None):
        self.spec = spec
        self.phrases = phrases or Phrases(spec)
        self.given_values: dict[str, Any] = {}
        self.sim: Simulator | None = None

    # -- the three kinds of step ------------------------------------------------------
    def given(self, sentence: str) -> None:
        """Set up the screen, a world variable or a parameter; UnknownSentence for words no given uses."""
        if self.sim is not None:
            raise StepFailed(f"{sentence!r}: a set-up step after the run has started (put givens first)")
        screen = self.phrases.read_screen_given(sentence)
        if screen is not None:
            self.given_values["screen"] = screen
            return
        found = self.phrases.read_value(sentence)
        if found is None:
            raise UnknownSentence(f"no set-up step reads {sentence!r}")
        name, value = found
        self.given_values[name] = value

    def when(self, sentence: str) -> None:
        """Do what a person does; StepFailed when the device does not take it here."""
        sim = self._started()
        event = self._event_of(sentence)
        if not sim.is_allowed(event):
            raise StepFailed(f"{sentence!r}: the {self.spec.device} does not take this on {self._where()}")
        sim.fire(event)

    def then(self, sentence: str) -> None:
        """Check what the device shows (or a value a tester reads back); StepFailed when it is not so."""
        sim = self._started()
        form = self.phrases.check_form(sentence)
        if form is None:
            raise UnknownSentence(f"no check reads {sentence!r}")
        shown = self.shown()
        if form == "value":
            name, _ = self.phrases.read_value(sentence)
            values = {**sim.parameters, **sim.world}
            expected = self.phrases.value(name, values[name])
            if expected != sentence:
                raise StepFailed(f"expected {sentence!r}, but {expected!r} (on {self._where()})")
            return
        if form == "refusal":
            self._check_refusal(sentence, shown)
            return
        render = {"title": self.phrases.title_check, "status": self.phrases.status_check,
                  "text": self.phrases.text_check, "items": self.phrases.items_check,
                  "softkeys": self.phrases.softkeys_check}[form]
        actual = render(shown)
        if actual != sentence:
            raise StepFailed(f"expected {sentence!r}, but {actual!r} (on {self._where()})")

    def step(self, kind: str, sentence: str) -> None:
        """Run a step of kind ``given``, ``when`` or ``then``."""
        {"given": self.given, "when": self.when, "then": self.then}[kind](sentence)

    # -- inside ------------------------------------------------------------------------
    def _started(self) -> Simulator:
        if self.sim is None:
            try:
                self.sim = Simulator(self.spec, self.given_values)
            except UsageError as exc:
                raise StepFailed("the set-up cannot be: " + "; ".join(p.message for p in exc.problems)) from None
        return self.sim

    def shown(self) -> Shown:
        sim = self._started()
        return shown_on(self.spec, sim.screen, sim.allowed_events(), {**sim.parameters, **sim.world})

    def _where(self) -> str:
        shown = self.shown()
        return f'"{shown.title}"' + (f' saying "{shown.text}"' if shown.text else "")

    def _event_of(self, sentence: str) -> str:
        sim = self._started()
        matches = [name for name in self.spec.events_of_kind("user", "environment")
                   if self.phrases.action(name, sim.parameters) == sentence]
        if not matches:
            other = self.phrases.read_action_elsewhere(sentence)
            if other is not None:  # "insert 3 coins" where the spec's price makes it read "insert 4 coins"
                raise StepFailed(f"{sentence!r}: here it reads {self.phrases.action(other, sim.parameters)!r}")
            raise UnknownSentence(f"no action reads {sentence!r}")
        allowed = [name for name in matches if sim.is_allowed(name)]
        return (allowed or matches)[0]

    def _check_refusal(self, sentence: str, shown: Shown) -> None:
        sim = self._started()
        candidates = [name for name in self.spec.events_of_kind("user", "environment")
                      if self.phrases.refusal(name, shown, sim.parameters) == sentence]
        if not candidates:
            raise StepFailed(f"expected {sentence!r}, but the {self.spec.device} shows {self._where()}")
        offered = [name for name in candidates if sim.is_allowed(name)]
        if offered:
            raise StepFailed(f"expected {sentence!r}, but it is taken on {self._where()}")
        event = self.spec.events[candidates[0]]
        if event.item and event.item in shown.items:
            raise StepFailed(f"expected {sentence!r}, but the screen lists {event.item!r}")
        sim.fire(candidates[0])  # refused: recorded, nothing changes


# -- whole feature files --------------------------------------------------------------

@dataclass
class FeatureScenario:
    """One scenario of a feature file, its background steps first: (kind, text, line) per step."""

    file: str
    line: int
    name: str
    tags: tuple[str, ...]
    steps: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class FeatureResult:
    scenario: FeatureScenario
    passed: bool
    failure: str = ""  # "file:line: what failed"
    undefined: bool = False  # the failure is a step no form reads


_KINDS = {"Context": "given", "Action": "when", "Outcome": "then"}


def feature_files(paths: list[str]) -> list[str]:
    """The ``.feature`` files among ``paths`` (folders searched, hidden files skipped), sorted."""
    found = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [os.path.join(root, f) for f in sorted(files) if f.endswith(".feature")
                          and not f.startswith(".")]
        elif path.endswith(".feature"):
            found.append(path)
    return sorted(found)


def read_features(files: list[str]) -> list[FeatureScenario]:
    """Every scenario of ``files``, parsed with the official Gherkin parser; InputError at file:line otherwise."""
    from gherkin.errors import CompositeParserException, ParserException
    from gherkin.parser import Parser
    from gherkin.pickles.compiler import Compiler

    scenarios: list[FeatureScenario] = []
    for file in files:
        text = read_input_text(file, "a Gherkin feature file")
        try:
            document = Parser().parse(text)
        except (CompositeParserException, ParserException) as exc:
            errors = getattr(exc, "errors", [exc])
            raise InputError([Problem(Loc(file, getattr(e, "location", {}).get("line") or 1), "error",
                                      f"not a Gherkin feature: {e}", "gherkin") for e in errors]) from None
        lines = _step_lines(document)
        document["uri"] = file
        for pickle in Compiler().compile(document):
            scenario = FeatureScenario(file, pickle["location"]["line"], pickle["name"],
                                       tuple(tag["name"] for tag in pickle["tags"]))
            for step in pickle["steps"]:
                kind = _KINDS.get(step["type"], "given")
                line = lines.get(step["astNodeIds"][0], pickle["location"]["line"])
                scenario.steps.append((kind, step["text"], line))
            scenarios.append(scenario)
    return scenarios


def _step_lines(document: dict) -> dict[str, int]:
    """AST node id -> line, for every step of the document."""
    lines: dict[str, int] = {}

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if "keyword" in node and "text" in node and "id" in node and "location" in node:
                lines[node["id"]] = node["location"]["line"]
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(document)
    return lines


def run_features(spec: Spec, scenarios: list[FeatureScenario], phrases: Phrases | None = None,
                 stop_at_first_failure: bool = False) -> list[FeatureResult]:
    """Run each scenario on ``spec``; a scenario stops at its first failing step."""
    phrases = phrases or Phrases(spec)
    if spec.rules:
        # Every scenario starts a simulator, and finding a rule book by name reads the installed packages'
        # entry points (about 20 ms); registered, the same book is found at once.
        register_rule_book(load_rules(spec.rules))
    results = []
    for scenario in scenarios:
        run = PhoneRun(spec, phrases)
        result = FeatureResult(scenario, True)
        for kind, text, line in scenario.steps:
            try:
                run.step(kind, text)
            except (StepFailed, UnknownSentence, FlowRuntimeError) as exc:
                result = FeatureResult(scenario, False, f"{scenario.file}:{line}: {exc}",
                                       isinstance(exc, UnknownSentence))
                break
        results.append(result)
        if stop_at_first_failure and not result.passed:
            break
    return results
