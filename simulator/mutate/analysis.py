"""Mutation analysis of a test suite against a spec: which mutants the suite kills, which it cannot, why.

Each mutant (:mod:`.operators`) is classified, cheapest test first:

1. *killed by check*: ``kmsflow check`` refuses the mutant (a softkey that
   does not match its event, a note whose text says another kind...);
2. *killed by the suite*: a scenario file fails on it, or gets the spec
   stuck, or a Gherkin scenario fails (the first one that does is named);
3. otherwise the mutant is walked and read in lockstep with the spec
   (:mod:`simulator.diff.behaviour`): *equivalent* when no event sequence
   tells the two apart and no screen a tester reaches shows other words or
   softkeys; else it *survived*, and the killer is the shortest scenario
   that tells them apart: the diff's distinguishing sequence as a scenario
   file, or, when only what a screen shows differs, a Gherkin scenario that
   walks to that screen and checks it. The properties the mutant breaks are
   named too (the walk is done anyway).

The score is killed / (mutants - equivalent). Mutants run in parallel
processes (``fork``): the spec, the suite and the mutants are made once and
shared; each process walks the original spec at most once per domain.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..check import check_spec
from ..diff.behaviour import compare_behaviour, lockstep_domains
from ..errors import FlowRuntimeError, KmsflowError, Loc, Problem, UsageError
from ..output import write_atomic
from ..rules import load_rules, register_rule_book
from ..runtime.scenario import Scenario, load_scenario, run_scenario, spec_reference
from ..runtime.simulate import Simulator
from ..spec.model import Spec
from ..walk.explore import explore_spec
from ..walk.export import scenario_of_path
from ..walk.feature_run import FeatureScenario, feature_files, read_features, run_features
from ..walk.gherkin import feature_files_text
from ..walk.phrases import Phrases, shown_on
from ..walk.properties import check_properties, parse_properties
from ..walk.suites import Suite, path_from_moves
from ..walk.suites import testpath as _testpath
from ..walk.testcases import CaseStep, suite_cases
from .operators import Mutant, mutants_of

__all__ = ["MutantResult", "MutationReport", "TestSuite", "load_test_suite", "analyse_mutants", "write_killers"]


@dataclass
class TestSuite:
    """What is scored: scenario files and Gherkin scenarios, loaded against the spec."""

    __test__ = False
    scenarios: list[Scenario]
    features: list[FeatureScenario]
    files: list[str]

    @property
    def size(self) -> int:
        return len(self.scenarios) + len(self.features)


@dataclass
class MutantResult:
    number: int
    operator: str
    where: str  # file:line
    description: str
    status: str  # killed | equivalent | survived
    killer: str = ""  # "check: ...", "scenario FILE", "feature FILE:LINE NAME"
    properties: list[str] = field(default_factory=list)  # the properties the mutant breaks (walked mutants)
    killer_kind: str = ""  # for a survivor: "scenario" (YAML text) or "feature" (Gherkin text)
    killer_text: str = ""


@dataclass
class MutationReport:
    spec: Spec
    suite_size: int
    results: list[MutantResult]

    def count(self, status: str, operator: str | None = None) -> int:
        return sum(r.status == status and (operator is None or r.operator == operator) for r in self.results)

    @property
    def score(self) -> float:
        """Killed / non-equivalent mutants, as a percentage (100 when every mutant is equivalent)."""
        relevant = len(self.results) - self.count("equivalent")
        return 100.0 * self.count("killed") / relevant if relevant else 100.0

    @property
    def survivors(self) -> list[MutantResult]:
        return [r for r in self.results if r.status == "survived"]


def load_test_suite(spec: Spec, paths: list[str]) -> TestSuite:
    """Scenario files (``*.yaml``) and features (``*.feature``) named by ``paths`` (files, or folders: their own
    files, not sub-folders); each must pass on ``spec``, else UsageError naming it (a suite that fails on the
    spec scores nothing)."""
    scenario_files: list[str] = []
    for path in paths:
        if not os.path.exists(path):
            raise UsageError(Problem(Loc(path), "error", "--suite: no such file or folder", "file"))
        if os.path.isdir(path):
            scenario_files += sorted(os.path.join(path, f) for f in os.listdir(path)
                                     if f.endswith((".yaml", ".yml")) and not f.startswith("."))
        elif path.endswith((".yaml", ".yml")):
            scenario_files.append(path)
        elif not path.endswith(".feature"):
            raise UsageError(Problem(Loc(path), "error", "--suite: expected scenario files (.yaml), feature files "
                                     "(.feature) or folders of them", "bad-usage"))
    scenarios = [load_scenario(file, spec) for file in scenario_files]
    features = read_features(feature_files([p for p in paths if os.path.isdir(p) or p.endswith(".feature")]))
    problems = [Problem(s.loc, "error", f"the scenario fails on the spec it tests: {r.failures[0]}", "suite-fails")
                for s in scenarios for r in [run_scenario(s, spec)] if not r.passed]
    problems += [Problem(Loc(r.scenario.file, r.scenario.line), "error", f"the scenario fails on the spec it tests: "
                         f"{r.failure}", "suite-fails") for r in run_features(spec, features) if not r.passed]
    if problems:
        raise UsageError(problems)
    return TestSuite(scenarios, features, scenario_files)


# -- one mutant --------------------------------------------------------------------------------

# Set before the processes fork; read by _classify in each of them.
_SHARED: dict[str, Any] = {}
#: Operators that change only what a screen shows (its words, its softkeys).
_SHOWN_ONLY = ("change-text", "swap-softkeys")


def _killed_by_suite(mutant: Spec, suite: TestSuite, phrases: Phrases | None) -> str:
    # The scenario that killed the last mutant is tried first: mutants of one operator tend to fall to the
    # same scenario, and a killed mutant then costs one run instead of many (the order is per process).
    order: list[Scenario] = _SHARED.setdefault("order", list(suite.scenarios))
    for index, scenario in enumerate(order):
        try:
            killed = not run_scenario(scenario, mutant).passed
            why = ""
        except (FlowRuntimeError, KmsflowError):
            killed, why = True, " (the spec gets stuck)"
        if killed:
            order.insert(0, order.pop(index))
            return f"scenario {scenario.path}{why}"
    if suite.features and phrases is not None:
        for result in run_features(mutant, suite.features, phrases, stop_at_first_failure=True):
            if not result.passed:
                return f"feature {result.scenario.file}:{result.scenario.line} {result.scenario.name}"
    return ""


def _walk(spec: Spec, domain, properties: bool) -> tuple:
    """(product graph, property results) of ``spec`` walked from ``domain``; no results unless ``properties``."""
    declared = parse_properties(spec)
    graph = explore_spec(spec, domain, declared.flows)
    return graph, check_properties(graph, declared) if properties else []


def _domains(spec: Spec, mutant: Spec) -> tuple:
    """The domains the spec and a mutant are walked from (``--domain``/``--bound`` applied), as kmsflow diff's."""
    return lockstep_domains(spec, mutant, _SHARED.get("values", []), _SHARED.get("bounds", []))


def _walked_original(spec: Spec, domain) -> tuple:
    cache = _SHARED.setdefault("walks", {})
    key = pickle.dumps(domain)
    if key not in cache:
        cache[key] = _walk(spec, domain, _SHARED.get("properties", False))
    return cache[key]


def _changed_screens(spec: Spec, mutant: Spec) -> list[str]:
    """Screens whose title, status, text or softkeys read differently in the mutant."""
    return [name for name, screen in spec.screens.items() if name in mutant.screens
            and (screen.title, screen.status, screen.text, screen.softkeys) !=
            (mutant.screens[name].title, mutant.screens[name].status, mutant.screens[name].text,
             mutant.screens[name].softkeys)]


def _presentation_differs(spec: Spec, mutant: Spec, graph) -> list[str]:
    """Screens a tester reaches (at rest, in the walk) that read differently in the mutant."""
    reached = {node.screen for node in graph.nodes}
    return [name for name in _changed_screens(spec, mutant) if name in reached]


def _feature_killer(spec: Spec, graph, screen: str, number: int) -> str:
    """A Gherkin scenario that walks the shortest way to ``screen`` and checks what it shows."""
    node = min((n for n, config in enumerate(graph.nodes) if config.screen == screen), key=lambda n: graph.depth[n])
    path = path_from_moves(graph, graph.root_of(node), [("edge", e) for e in graph.path_to(node)])
    suite = Suite(f"mutant-{number}", [path])
    cases = suite_cases(spec, suite, "automation")
    if not path.steps:  # the screen is where the app starts: check it before any step
        config = graph.nodes[node]
        phrases = Phrases(spec)
        sim = Simulator(spec, {"screen": config.screen, **path.given})
        shown = shown_on(spec, sim.screen, sim.allowed_events(), {**sim.parameters, **sim.world})
        cases[0].steps.append(CaseStep("", False, None, phrases.screen_checks(None, shown)))
    files = feature_files_text(spec, cases, suite.criterion, "automation")
    return next(iter(files.values()))


def _first_pass(mutant: Mutant) -> MutantResult | None:
    """Killed by check or by the suite (a result), or None: the mutant must be walked."""
    suite: TestSuite = _SHARED["suite"]
    result = MutantResult(mutant.number, mutant.operator, f"{mutant.loc.file}:{mutant.loc.line}", mutant.description,
                          "killed")
    errors = [p for p in check_spec(mutant.spec) if p.level == "error"]
    if errors:
        result.killer = f"check: {errors[0].message}"
        return result
    try:
        phrases = Phrases(mutant.spec) if suite.features else None
    except KmsflowError as exc:
        result.killer = f"check: {exc.problems[0].message}"
        return result
    killer = _killed_by_suite(mutant.spec, suite, phrases)
    if killer:
        result.killer = killer
        return result
    spec: Spec = _SHARED["spec"]
    if mutant.operator in _SHOWN_ONLY and not _SHARED.get("properties") and \
            all(spec.screens[name].is_system for name in _changed_screens(spec, mutant.spec)):
        result.status = "equivalent"  # a system screen runs to its end inside a step: nobody sees it at rest
        return result
    return None


def _second_pass(mutant: Mutant) -> MutantResult:
    """A mutant the suite does not kill: equivalent, or survived with its killer (the original is walked)."""
    spec: Spec = _SHARED["spec"]
    _testpath._NOTES_CACHE.clear()  # keyed by id(spec): a freed mutant's id may be reused by the next one
    result = MutantResult(mutant.number, mutant.operator, f"{mutant.loc.file}:{mutant.loc.line}", mutant.description,
                          "killed")
    if mutant.operator in _SHOWN_ONLY and not _SHARED.get("properties"):
        # Guards read the world, never a screen's words: only what the phone shows can differ, so the
        # original's walk says whether a tester reaches the screen; no walk of the mutant is needed.
        graph = _walked_original(spec, _domains(spec, spec)[0])[0]
        shown = _presentation_differs(spec, mutant.spec, graph)
        if not shown:
            result.status = "equivalent"
            return result
        result.status, result.killer_kind = "survived", "feature"
        result.killer_text = _feature_killer(spec, graph, shown[0], mutant.number)
        return result
    try:
        domains = _domains(spec, mutant.spec)
        original = _walked_original(spec, domains[0])
        mutated = _walk(mutant.spec, domains[1], _SHARED.get("properties", False))
        diff = compare_behaviour(spec, mutant.spec, walked=(original, mutated))
    except (FlowRuntimeError, KmsflowError) as exc:  # the mutant cannot be walked: the walk catches it
        result.killer = f"walk: {exc}"
        return result
    before = {r.name for r in original[1] if not r.holds}
    result.properties = [r.name for r in mutated[1] if not r.holds and r.name not in before]
    shown = _presentation_differs(spec, mutant.spec, original[0])
    if diff.equivalent and not shown:
        result.status = "equivalent"
        return result
    result.status = "survived"
    found = diff.distinguishing
    if found is not None and found.old_path is not None and found.old_path.steps:
        result.killer_kind = "scenario"
        result.killer_text = scenario_of_path(spec, found.old_path, f"kills mutant {mutant.number}: "
                                              f"{mutant.description}", None,
                                              f"Written by kmsflow mutate: passes on {spec.path}, fails on mutant "
                                              f"{mutant.number} ({mutant.description}).\n{found.summary()}.")
    elif shown:
        result.killer_kind = "feature"
        result.killer_text = _feature_killer(spec, original[0], shown[0], mutant.number)
    return result


# -- all of them ---------------------------------------------------------------------------------

def analyse_mutants(spec: Spec, suite: TestSuite, operators: list[str] | None = None, jobs: int = 2,
                    progress: Callable[[str], None] | None = None, properties: bool = False,
                    values: list[str] = (), bounds: list[str] = ()) -> MutationReport:
    """Classify every mutant of ``spec`` against ``suite``, in ``jobs`` processes; results in mutant order.

    ``properties``: also check the spec's properties on every walked mutant (slower), naming those it breaks.
    ``values``, ``bounds``: the walk's ``--domain``/``--bound`` overrides (UsageError for a bad one).
    """
    mutants = mutants_of(spec, operators)
    _SHARED.clear()
    _SHARED.update(spec=spec, suite=suite, properties=properties, values=list(values), bounds=list(bounds))
    _domains(spec, spec)  # a bad override is refused before any mutant runs
    if spec.rules:
        # Each run of a scenario builds a flow, and finding a rule book by name reads the installed packages'
        # entry points (about 20 ms); registered, the same book is found at once: 4x faster on the flagship spec.
        register_rule_book(load_rules(spec.rules))
    results: list[MutantResult] = []
    walk: list[Mutant] = []
    by_number = {m.number: m for m in mutants}

    def tell(number: int, result: MutantResult | None) -> None:
        if result is None:
            walk.append(by_number[number])
            return
        results.append(result)
        if progress and (len(results) % 10 == 0 or len(results) == len(mutants)):
            counts = {s: sum(r.status == s for r in results) for s in ("killed", "equivalent", "survived")}
            progress(f"mutants: {len(results)}/{len(mutants)} ({counts['killed']} killed, "
                     f"{counts['equivalent']} equivalent, {counts['survived']} survived)")

    _in_processes(_numbered_first_pass, mutants, jobs, tell)
    if walk:
        if progress:
            progress(f"walking {spec.name} once, for the {len(walk)} mutants the suite does not kill")
        _walked_original(spec, _domains(spec, spec)[0])  # before the fork: every process shares it
        walk.sort(key=lambda m: m.number)
        _in_processes(_numbered_second_pass, walk, jobs, tell)
    _SHARED.clear()
    results.sort(key=lambda r: r.number)
    return MutationReport(spec, suite.size, results)


def _numbered_first_pass(mutant: Mutant) -> tuple[int, MutantResult | None]:
    return mutant.number, _first_pass(mutant)


def _numbered_second_pass(mutant: Mutant) -> tuple[int, MutantResult]:
    return mutant.number, _second_pass(mutant)


def _in_processes(work: Callable, mutants: list[Mutant], jobs: int, tell: Callable) -> None:
    """``tell(*work(mutant))`` for each mutant, in ``jobs`` forked processes when there is more than one."""
    if jobs > 1 and len(mutants) > 1 and "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for answer in pool.imap_unordered(work, mutants, chunksize=4):
                tell(*answer)
    else:
        for mutant in mutants:
            tell(*work(mutant))


def write_killers(report: MutationReport, folder: str) -> list[str]:
    """Write each survivor's killer into ``folder`` (``mutant_NNN.yaml`` or ``.feature``); return the files.

    The scenario files name their spec (``spec:``) so ``kmsflow simulate`` replays them; the features
    get the folder's manifest and pytest files when the folder has none.
    """
    written = []
    os.makedirs(folder, exist_ok=True)
    for result in report.survivors:
        if not result.killer_kind:
            continue
        extension = "yaml" if result.killer_kind == "scenario" else "feature"
        file = os.path.join(folder, f"mutant_{result.number:03d}.{extension}")
        text = result.killer_text
        if extension == "yaml":
            text = text.replace("\nname: ", f"\nspec: {spec_reference(report.spec.path, file)}\nname: ", 1) \
                if "\nname: " in text else text
        write_atomic(file, text)
        written.append(file)
    return written
