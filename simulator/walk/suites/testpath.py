"""What a generated suite is made of: test paths, their steps, and the suite with its figures.

Every suite builder (the greedy covering search, the simple paths) ends the
same way: it finds moves on the product graph, and :func:`path_from_moves`
turns them into a :class:`TestPath` that a person or an exporter can read
(the given world, each event, the screen and world expected after it).
:func:`drop_prefixes` then removes the paths another one already replays.
Keeping these here means the builders share one notion of a path and the
exporters depend on these types only, not on how a suite was searched.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ..explore import ProductGraph

__all__ = ["PathStep", "Suite", "TestPath", "drop_prefixes", "path_from_moves"]


class PathStep:
    """One step of a test path: the event, whether it is refused, and the screen and world expected after it.

    ``world`` (every world variable and the latest note) is built on first use:
    a big suite is generated much faster than it is printed.
    """

    __slots__ = ("_names", "_world", "event", "refused", "screen", "taken")

    def __init__(self, event: str, screen: str, world: dict[str, Any] | None = None, refused: bool = False,
                 taken: tuple[str, ...] = (), names: tuple = (), values: tuple = (), order: tuple = ()):
        self.event, self.screen, self.refused, self.taken = event, screen, refused, taken
        self._world = world
        self._names = (names, values, order)

    @property
    def world(self) -> dict[str, Any]:
        if self._world is None:
            names, values, order = self._names
            world = dict(zip(names, values))
            self._world = {name: world[name] for name in order}
        return self._world

    def __repr__(self) -> str:
        return f"PathStep({self.event!r}, {self.screen!r}, refused={self.refused})"


@dataclass
class TestPath:
    """An initial world, events, and the expected screen and world after each step."""

    __test__ = False  # not a pytest test class, despite its name
    given: dict[str, Any]
    start_screen: str
    steps: list[PathStep]

    @property
    def events(self) -> list[tuple[str, bool]]:
        return [(step.event, step.refused) for step in self.steps]

    def to_json(self) -> dict[str, Any]:
        return {"given": dict(self.given),
                "steps": [{"event": s.event, **({"refused": True} if s.refused else {}), "screen": s.screen,
                           "world": dict(s.world)} for s in self.steps]}


@dataclass
class Suite:
    """The test paths of one criterion, what they cover, and (for transitions) how far from optimal they can be."""

    criterion: str
    paths: list[TestPath]
    covered: set = field(default_factory=set)
    coverable: set = field(default_factory=set)  # what the product graph offers
    total_items: int = 0  # what exists (the denominator of the coverage figure)
    lower_bound: int | None = None
    lower_bound_method: str = ""
    naive_total: int | None = None

    @property
    def total_steps(self) -> int:
        return sum(len(p.steps) for p in self.paths)

    @property
    def coverage(self) -> float:
        return len(self.covered) / self.total_items if self.total_items else 1.0


def path_from_moves(graph: ProductGraph, start: int, moves: Iterable[tuple]) -> TestPath:
    """A test path from initial node ``start`` through ``moves``.

    A move is ("edge", e), ("refuse", node, event index) or ("cut", index into
    ``graph.cut``) for a last step that goes beyond the bounds.
    """
    given = dict(graph.initial_world[start])
    counters = graph.domain.counters
    totals = [given[name] for name in counters]
    names = graph.variables + counters + ("note",)
    order = tuple(graph.spec.variables) + ("note",)
    note = None
    notes = _note_screens(graph)
    steps = []
    node = start
    nodes = graph.nodes

    for move in moves:
        if move[0] == "refuse":
            steps.append(PathStep(graph.events[move[2]], nodes[node].screen, None, True, (), names,
                                  nodes[node].world + tuple(totals) + (note,), order))
            continue
        if move[0] == "cut":  # a step whose target lies beyond the bounds (not a node)
            _, event, target, step_id = graph.cut[move[1]]
        else:
            edge = move[1]
            event, step_id = graph.event[edge], graph.step[edge]
            node = graph.dst[edge]
            target = nodes[node]
        step = graph.steps[step_id]
        # Configurations forget counters and the note, so the path adds them up itself along the way.
        for index, added in enumerate(step.counters):
            totals[index] += added
        for entered in step.entered:
            if entered in notes:
                note = notes[entered]
        steps.append(PathStep(graph.events[event], target.screen, None, False, step.taken, names,
                              target.world + tuple(totals) + (note,), order))
    return TestPath(given, nodes[start].screen, steps)


def drop_prefixes(paths: list[TestPath]) -> list[TestPath]:
    """Drop paths that are a prefix of another (same start) or repeat an earlier one; order kept.

    Sorted by (start, events), a path that is a prefix of any other is a
    prefix of the very next one, so one pass over the sorted keys finds them.
    """
    keys = [(tuple(sorted(p.given.items(), key=str)), p.start_screen, tuple(p.events)) for p in paths]
    order = sorted(range(len(paths)), key=lambda i: (repr(keys[i][:2]), keys[i][2]))
    dropped = set()
    for a, b in pairwise(order):
        ka, kb = keys[a], keys[b]
        if ka[:2] == kb[:2] and kb[2][:len(ka[2])] == ka[2]:
            dropped.add(a if len(ka[2]) < len(kb[2]) or a > b else b)
    return [p for i, p in enumerate(paths) if i not in dropped]


# One entry: path_from_moves runs once per path, thousands of times on the same spec.
_NOTES_CACHE: dict[int, dict[str, str]] = {}


def _note_screens(graph: ProductGraph) -> dict[str, str]:
    key = id(graph.spec)
    if key not in _NOTES_CACHE:
        _NOTES_CACHE.clear()
        _NOTES_CACHE[key] = {name: s.note for name, s in graph.spec.screens.items() if s.note}
    return _NOTES_CACHE[key]
