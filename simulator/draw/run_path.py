"""The path a run took, as a diagram draws it (the ``--highlight`` overlay, the live diagram of ``play``).

A path is the transitions a run took, in order, each with the state it left
(a transition may have several sources); it is read from the trace's
``taken`` ids (user and environment events, the app's system steps and the
account signals). The other overlay, coverage counts, is a
``kmsflow-coverage/1`` record (:mod:`simulator.walk.coverage`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable

from ..errors import Loc, Problem, ScenarioError
from ..runtime.scenario import ScenarioResult, load_scenario, run_scenario
from ..runtime.simulate import Simulator, TraceStep
from ..spec.model import Spec
from .views import ANY_STATE, edge_key

__all__ = ["PathStep", "Path", "path_of_result", "path_of_trace", "path_of_view", "numbered_by_article"]


@dataclass(frozen=True)
class PathStep:
    """The n-th transition a run took (1-based), from which drawn state to which."""

    number: int  # 0: drawn on the path but not counted (a signal to the account region)
    transition_id: str
    region: str
    source: str  # the state it left, or "*" for a transition that applies in every state
    dest: str

    @property
    def key(self) -> str:
        """The id of the drawn arrow (see :class:`simulator.draw.views.ViewEdge`)."""
        return edge_key(self.transition_id, self.source)


@dataclass(frozen=True)
class Path:
    """A run to draw: its steps, where it started and where it ended (screen and account state)."""

    name: str
    steps: tuple[PathStep, ...]
    start_screen: str
    final_screen: str
    start_account: str | None
    final_account: str | None
    visited: frozenset[str]  # screen names and account states passed through (start included)
    passed: bool


def path_of_result(spec: Spec, result: ScenarioResult) -> Path:
    """The path a scenario run took, rebuilt from its trace's ``taken`` transition ids."""
    return path_of_trace(spec, result.scenario.name, result.given, result.trace, result.passed)


def path_of_trace(spec: Spec, name: str, given: dict[str, Any], trace: Iterable[TraceStep],
                  passed: bool = True) -> Path:
    """The path of any run (a scenario, an interactive session) from its given world and its trace."""
    screen = given["screen"]
    variable = spec.account.variable if spec.account else None
    account = str(given[variable]) if variable and variable in given else None
    start_screen, start_account = screen, account
    visited = {screen} | ({account} if account else set())
    steps: list[PathStep] = []
    counted = 0
    for trace_step in trace:
        for index, transition_id in enumerate(trace_step.taken):
            t = spec.transition(transition_id)
            current = screen if t.region == "screens" else account
            source = ANY_STATE if t.sources == (ANY_STATE,) else current
            dest = current if t.dest is None else t.dest
            # The event's own transition and the app's system steps are steps a reader takes or watches; an
            # account transition after the first is a signal another transition sent: drawn, not counted.
            counts = index == 0 or t.region == "screens"
            counted += counts
            steps.append(PathStep(counted if counts else 0, t.id, t.region, source,
                                  ANY_STATE if source == ANY_STATE and t.dest is None else dest))
            if t.region == "screens":
                screen = dest
            else:
                account = dest
            visited.add(dest)
    return Path(name, tuple(steps), start_screen, screen, start_account, account, frozenset(visited), passed)


def path_of_view(spec: Spec, path: tuple[str, ...] | str, start: str | None, name: str = "") -> Path:
    """The how-to path a view declares: its events fired from ``start`` in the spec's initial world, or a
    scenario file run as written. A step the flow refuses raises ScenarioError, located at the view."""
    if isinstance(path, str):
        result = run_scenario(load_scenario(path, spec), spec)
        if not result.passed:
            raise ScenarioError([Problem(Loc(path), "error", f"the path of view {name!r} fails: "
                                         f"{'; '.join(result.failures)}", "path-fails")])
        return path_of_result(spec, result)
    sim = Simulator(spec, {"screen": start} if start else None)
    for event in path:
        step = sim.fire(event)
        if not step.accepted:
            raise ScenarioError([Problem(Loc(spec.path), "error", f"view {name!r}: path: {event!r} is refused on "
                                         f"{step.screen_before}", "path-fails")])
    return path_of_trace(spec, name, sim.given, sim.trace)


def numbered_by_article(spec: Spec, path: Path, article: str) -> Path:
    """``path`` with each counted step numbered as the article numbers it (``<article>.<n>`` among the
    transition's article steps); a counted step the article does not number keeps no number."""
    steps = []
    for step in path.steps:
        if step.number:
            refs = [k[len(article) + 1:] for k in spec.transition(step.transition_id).kb
                    if k.startswith(f"{article}.") and k[len(article) + 1:].isdigit()]
            step = replace(step, number=int(refs[0]) if refs else 0)
        steps.append(step)
    return replace(path, steps=tuple(steps))
