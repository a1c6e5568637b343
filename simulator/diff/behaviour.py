"""The behavioural diff: both specs walked in lockstep from the same initial worlds.

Each spec is walked by the one walker (:func:`~simulator.walk.explore.explore_spec`),
from a shared domain: for every parameter combination, the union of the two
domains' start values, each kept only where it is a value of the spec walked
(:func:`lockstep_domains`). The two product graphs are then read side by side
from pairs of initial configurations that a scenario could not tell apart (the
same ``given``): the same values of every world variable both specs declare,
and for each parameter either the same value given explicitly, or no value
given at all, each spec then running at its own default. A changed default
price is thus a change a scenario sees, as it is on the device.

From each pair of configurations, every event is fired in both (that is: the
edges the walks recorded are read). The pair *differs* on an event when one
spec accepts it and the other refuses it, or when both accept it but end on
different screens, with different values of a shared world variable, with a
shared counter grown differently, or with different notes shown. Where the two
agree, the lockstep goes on from the pair of targets; where they differ, it
stops on that path. The walk is breadth first, so the first difference found
ends the shortest event sequence that tells the specs apart.
"""
from __future__ import annotations

import dataclasses
import multiprocessing
import operator
import os
import pickle
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import FlowRuntimeError
from ..spec.model import Spec
from ..spec.resolve import value_problem
from ..walk.domain import Domain, apply_overrides, domain_of, parse_domain
from ..walk.explore import ProductGraph, explore_spec, paused_gc
from ..walk.properties import check_properties, parse_properties
from ..walk.suites import TestPath, path_from_moves

__all__ = ["BehaviourDiff", "Distinguishing", "Verdict", "lockstep_domains", "compare_behaviour", "walk_both"]

#: What a key holds for a parameter that a scenario leaves out (each spec then runs at its own default).
_DEFAULT = ("<default>",)


@dataclass
class Verdict:
    """A property's verdict in each version: ``holds``, ``violated``, or ``absent`` (not declared there)."""

    name: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "old": self.old, "new": self.new, "changed": self.changed}


@dataclass
class Distinguishing:
    """The shortest event sequence after which the two specs differ, and what differs.

    ``events`` ends with the event that tells them apart (empty when the
    initial configurations already differ, e.g. another home screen).
    ``old_path`` and ``new_path`` are the same sequence as each spec runs it,
    ready to be written as scenarios (``None`` when a spec does not declare
    the last event, so no scenario of it can name it).
    """

    given: dict[str, Any]
    defaults: tuple[str, ...]  # parameters left out of ``given``: each spec at its own default
    events: list[str]
    kind: str  # "refused-in-new", "refused-in-old", "screen", "world", "counter", "note", "start"
    old: dict[str, Any]  # what OLD did at the last step: {"refused": True} or {"screen", "world", ...}
    new: dict[str, Any]
    old_path: TestPath | None
    new_path: TestPath | None
    screens: list[str]  # the screen before each step (the same in both until the last)

    @property
    def length(self) -> int:
        return len(self.events)

    def summary(self) -> str:
        """What differs at the last step, in words."""
        event = self.events[-1] if self.events else "(no step)"
        if self.kind == "refused-in-new":
            return f"{event} is allowed by OLD and refused by NEW"
        if self.kind == "refused-in-old":
            return f"{event} is refused by OLD and allowed by NEW"
        if self.kind == "start":
            return f"they start on different screens: OLD {self.old['screen']}, NEW {self.new['screen']}"
        parts = []
        if self.old["screen"] != self.new["screen"]:
            parts.append(f"screen {self.old['screen']} in OLD, {self.new['screen']} in NEW")
        for name, value in self.old["world"].items():
            if self.new["world"].get(name, value) != value:
                parts.append(f"{name} {value} in OLD, {self.new['world'][name]} in NEW")
        for name, value in self.old["counted"].items():
            if self.new["counted"].get(name, value) != value:
                parts.append(f"{name} grows by {value} in OLD, by {self.new['counted'][name]} in NEW")
        if self.old["notes"] != self.new["notes"]:
            parts.append(f"notes shown: {', '.join(self.old['notes']) or 'none'} in OLD, "
                         f"{', '.join(self.new['notes']) or 'none'} in NEW")
        return f"after {event}: " + "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"given": dict(self.given), "defaults": list(self.defaults), "events": list(self.events),
                "length": self.length, "kind": self.kind, "old": self.old, "new": self.new,
                "summary": self.summary()}


@dataclass
class BehaviourDiff:
    """How the two specs behave over the shared domain, and which property verdicts changed."""

    old_graph: ProductGraph
    new_graph: ProductGraph
    initial_pairs: int  # pairs of initial configurations a scenario cannot tell apart
    configurations: int  # pairs of configurations walked in lockstep
    differing_configurations: int  # pairs on which at least one event differs
    differing_transitions: int  # (pair, event) on which the two differ
    distinguishing: Distinguishing | None
    verdicts: list[Verdict] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def equivalent(self) -> bool:
        return self.distinguishing is None and self.initial_pairs > 0

    @property
    def changed_verdicts(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.changed]

    def to_json(self) -> dict[str, Any]:
        return {"equivalent": self.equivalent, "initial_worlds": self.initial_pairs,
                "configurations": self.configurations,
                "old_configurations": len(self.old_graph.nodes), "new_configurations": len(self.new_graph.nodes),
                "differing_configurations": self.differing_configurations,
                "differing_transitions": self.differing_transitions,
                "distinguishing": self.distinguishing.to_json() if self.distinguishing else None,
                "properties": [v.to_json() for v in self.verdicts]}


# -- the shared domain ----------------------------------------------------------------

def _name(item: str) -> str:
    return item.partition("=")[0].strip()


def _for(spec: Spec, other: Spec, items: list[str]) -> list[str]:
    """The command-line overrides (``NAME=...``) for ``spec``: those naming what it declares, and those
    naming what neither spec declares (so that the walk of ``spec`` says what is wrong with them)."""
    known, theirs = set(spec.variables) | set(spec.parameters), set(other.variables) | set(other.parameters)
    return [item for item in items if _name(item) in known or _name(item) not in theirs]


def _parameter_values(domain: Domain, name: str) -> tuple:
    if name in domain.varied:
        return tuple(dict.fromkeys(parameters[name] for parameters, _, _ in domain.sets))
    return (domain.parameters[name],)


def _widened(spec: Spec, own: Domain, other: Domain, common: tuple[str, ...]) -> Domain:
    """``own`` with, per parameter combination, the other domain's start values and larger bounds added."""
    theirs = {tuple(parameters[p] for p in common): (initial, bounds)
              for parameters, initial, bounds in other.parameter_sets()}
    sets = []
    for parameters, initial, bounds in own.parameter_sets():
        match = theirs.get(tuple(parameters[p] for p in common))
        if match is not None:
            other_initial, other_bounds = match
            initial = {name: values + tuple(v for v in other_initial.get(name, ()) if v not in values
                                            and value_problem(spec, name, v) is None)
                       for name, values in initial.items()}
            bounds = {name: max(value, other_bounds.get(name, value)) for name, value in bounds.items()}
        sets.append((parameters, initial, bounds))
    largest: dict[str, int] = {}
    for _, _, bounds in sets:
        for name, value in bounds.items():
            largest[name] = max(largest.get(name, value), value)
    return dataclasses.replace(own, initial=sets[0][1], bounds=largest, parameters=sets[0][0],
                               sets=tuple(sets) if own.varied else ())


def lockstep_domains(old: Spec, new: Spec, values: list[str] = (), bounds: list[str] = ()) -> tuple[Domain, Domain]:
    """The domains both specs are walked from: their own (with the overrides), widened to their union.

    A parameter either spec varies is varied in both over the union of the
    values; when the two defaults differ, each spec also runs at its own
    default (unless ``--domain`` names the parameter), so that a scenario
    that gives no price sees the change. ``values`` and ``bounds`` are the
    ``--domain``/``--bound`` overrides; each applies to the specs that declare
    its name (UsageError when neither does).
    """
    own_old = domain_of(old, _for(old, new, values), _for(old, new, bounds))
    own_new = domain_of(new, _for(new, old, values), _for(new, old, bounds))
    given_on_command_line = {_name(item) for item in values}
    walk: tuple[dict[str, tuple], dict[str, tuple]] = ({}, {})
    for name in old.parameters:
        if name not in new.parameters or (name not in own_old.varied and name not in own_new.varied):
            continue
        union = tuple(dict.fromkeys(_parameter_values(own_old, name) + _parameter_values(own_new, name)))
        defaults_differ = old.parameters[name].default != new.parameters[name].default
        for spec, chosen in ((old, walk[0]), (new, walk[1])):
            default = spec.parameters[name].default
            extra = (default,) if defaults_differ and default not in union and name not in given_on_command_line \
                else ()
            chosen[name] = union + extra
    domains = []
    for spec, own, chosen in ((old, own_old, walk[0]), (new, own_new, walk[1])):
        current = {name: _parameter_values(own, name) for name in own.varied}
        if chosen and {**current, **chosen} != current:
            other = new if spec is old else old
            own = apply_overrides(spec, parse_domain(spec, parameter_values={**current, **chosen}),
                                  [item for item in _for(spec, other, values) if _name(item) not in spec.parameters],
                                  _for(spec, other, bounds))
        domains.append(own)
    common = tuple(name for name in domains[0].varied if name in domains[1].varied)
    return _widened(old, domains[0], domains[1], common), _widened(new, domains[1], domains[0], common)


# -- walking both --------------------------------------------------------------------

Walked = tuple[ProductGraph, list]  # a product graph and its property results


def _walk_one(label: str, spec: Spec, domain: Domain, progress: Callable[[str], None] | None) -> Walked:
    """``spec`` walked from ``domain`` and its properties checked; a stuck spec's error placed at its file."""
    props = parse_properties(spec)
    try:
        graph = explore_spec(spec, domain, props.flows,
                             (lambda message: progress(f"{label}: {message}")) if progress else None)
    except FlowRuntimeError as exc:
        raise exc.at(spec.path) from None
    if progress:
        progress(f"{label}: checking properties")
    return graph, check_properties(graph, props)


def _walk_in_child(connection, spec: Spec, domain: Domain) -> None:
    """In a forked process: walk NEW and send back the pickled result (None if it failed: the parent then
    walks it again itself, and raises what the walk raises, with its own message and traceback)."""
    try:
        data = pickle.dumps(_walk_one("NEW", spec, domain, None), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - reported by the parent's own walk
        data = pickle.dumps(None)
    connection.send_bytes(data)
    connection.close()


def _free_processors() -> float:
    """Processors this process may use, less the ones busy already (the last minute's load average)."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        busy = os.getloadavg()[0]
    except OSError:  # no load average on this system: trust the count
        busy = 0.0
    return usable - max(busy, 1.0)  # this process is one of the busy ones


def walk_both(old: Spec, new: Spec, domains: tuple[Domain, Domain],
              progress: Callable[[str], None] | None = None, parallel: bool | None = None) -> tuple[Walked, Walked]:
    """Each spec walked from its domain, with its properties checked: ((graph, results), (graph, results)).

    The two walks are independent, so when a second processor is free (and with ``fork``, as on Linux)
    NEW is walked in a child process while this one walks OLD; ``parallel`` True or False decides
    instead. A FlowRuntimeError (a spec stuck when run) is placed at the spec that raised it.
    """
    if parallel is None:
        parallel = "fork" in multiprocessing.get_all_start_methods() and _free_processors() >= 1
    if not parallel:
        return _walk_one("OLD", old, domains[0], progress), _walk_one("NEW", new, domains[1], progress)
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_walk_in_child, args=(sending, new, domains[1]), daemon=True)
    child.start()
    sending.close()
    try:
        first = _walk_one("OLD", old, domains[0], progress)
        if progress:
            progress("NEW: walked in a second process, waiting for it")
        try:
            second = pickle.loads(receiving.recv_bytes())
        except EOFError:  # the child died without a word (killed, out of memory)
            second = None
    finally:
        receiving.close()
        child.join(timeout=5)
        if child.is_alive():
            child.terminate()
    if second is None:
        second = _walk_one("NEW", new, domains[1], progress)
    return first, second


# -- the lockstep ----------------------------------------------------------------------

class _Side:
    """One spec's product graph as the lockstep reads it: per edge, its lockstep event and a signature.

    What a scenario sees of a step (the screen it ends on, the shared world
    variables, how much each shared counter grew, the notes shown) is
    interned into one number shared by both sides (``sign``), so comparing
    two steps is comparing two numbers. A *move* is an edge number, or ``~i``
    for the i-th step beyond the bounds (``graph.cut``).
    """

    def __init__(self, graph: ProductGraph, shared: list[str], counters: list[str], events: list[str],
                 interned: dict[tuple, int]):
        self.graph = graph
        position = {name: i for i, name in enumerate(graph.variables)}
        self.shared = tuple(position[name] for name in shared)
        counter_position = {name: i for i, name in enumerate(graph.domain.counters)}
        self.counters = tuple(counter_position[name] for name in counters)
        lockstep = {name: k for k, name in enumerate(events)}
        to_lockstep = [lockstep[name] for name in graph.events]
        index = {name: i for i, name in enumerate(graph.events)}
        self.events = [index.get(name) for name in events]  # lockstep event -> this graph's event index
        self.note_of = {name: screen.note for name, screen in graph.spec.screens.items() if screen.note}
        self.interned = interned
        # Worked out for every edge at once: a few list comprehensions cost less than a lookup per visit.
        shared_values = operator.itemgetter(*self.shared) if len(self.shared) > 1 else \
            (lambda world: tuple(world[i] for i in self.shared))  # itemgetter of one gives no tuple
        intern = interned.setdefault  # the next number, unless the key has one
        node_sign = [intern((config.screen, shared_values(config.world)), len(interned)) << 32
                     for config in graph.nodes]
        step_sign = [self._intern(("step",) + self.step_seen(i)) for i in range(len(graph.steps))]
        self.key = [to_lockstep[e] for e in graph.event]
        self.sign = [node_sign[t] | step_sign[s] for t, s in zip(graph.dst, graph.step)]
        self.cut_from: dict[int, list[tuple[int, int, int]]] = {}  # node -> (lockstep event, move, signature)
        for i, (node, event, config, step) in enumerate(graph.cut):
            self.cut_from.setdefault(node, []).append(
                (to_lockstep[event], ~i, (self._intern(self.seen(config)) << 32) | step_sign[step]))

    def step_seen(self, step_id: int) -> tuple:
        """What a scenario sees of a step besides where it ends: how much shared counters grew, notes shown."""
        step = self.graph.steps[step_id]
        return (tuple(step.counters[i] for i in self.counters),
                tuple(self.note_of[s] for s in step.entered if s in self.note_of))

    def seen(self, config) -> tuple:
        """What a scenario sees of a configuration: the screen and the shared world variables."""
        return (config.screen, tuple(config.world[i] for i in self.shared))

    def _intern(self, seen: tuple) -> int:
        found = self.interned.get(seen)
        if found is None:
            found = self.interned[seen] = len(self.interned)
        return found

    def moves(self, node: int) -> dict[int, int]:
        """Lockstep event -> the move it makes from ``node`` (accepted events only)."""
        key = self.key
        out = {key[edge]: edge for edge in self.graph.out[node]}
        for event, move, _ in self.cut_from.get(node, ()):
            out[event] = move
        return out

    def sign_of(self, move: int) -> int:
        if move >= 0:
            return self.sign[move]
        _, _, config, step = self.graph.cut[~move]
        return (self._intern(self.seen(config)) << 32) | self._intern(("step",) + self.step_seen(step))

    def path_move(self, move: int) -> tuple:
        """A move as :func:`~simulator.walk.suites.path_from_moves` takes it."""
        return ("edge", move) if move >= 0 else ("cut", ~move)

    def shown(self, move: int, shared: list[str], counters: list[str]) -> dict[str, Any]:
        """What a scenario sees of ``move``, by name (for the report)."""
        graph = self.graph
        if move >= 0:
            config, step_id = graph.nodes[graph.dst[move]], graph.step[move]
        else:
            _, _, config, step_id = graph.cut[~move]
        screen, values = self.seen(config)
        grown, notes = self.step_seen(step_id)
        return {"screen": screen, "world": dict(zip(shared, values)), "counted": dict(zip(counters, grown)),
                "notes": list(notes)}


def _keys(graph: ProductGraph, spec: Spec, variables: list[str], parameters: list[str]) -> dict[tuple, list]:
    """Initial nodes by the ``given`` a scenario would write: each parameter explicit or left to the default."""
    keys: dict[tuple, list] = {}
    for node in graph.initial:
        world = graph.initial_world[node]
        base = tuple(world[name] for name in variables)
        choices = [((name, world[name]),) + (((name, _DEFAULT),) if world[name] == spec.parameters[name].default
                                             else ()) for name in parameters]
        for mask in _product(choices):
            keys.setdefault(base + mask, []).append(node)
    return keys


def _product(choices: list[tuple]) -> list[tuple]:
    """Every way to pick one item of each choice, the first items first (explicit parameters before defaults)."""
    out: list[tuple] = [()]
    for options in choices:
        out = [picked + (option,) for picked in out for option in options]
    return out


def _kind(old: dict[str, Any], new: dict[str, Any]) -> str:
    if old["screen"] != new["screen"]:
        return "screen"
    if old["world"] != new["world"]:
        return "world"
    return "counter" if old["counted"] != new["counted"] else "note"


def compare_behaviour(old: Spec, new: Spec, values: list[str] = (), bounds: list[str] = (),
                      progress: Callable[[str], None] | None = None,
                      walked: tuple | None = None) -> BehaviourDiff:
    """Walk both specs from the shared domain and read them in lockstep (see the module's docstring).

    ``walked``: the result of :func:`walk_both` when the caller walked already.
    """
    started = time.perf_counter()
    if walked is None:
        walked = walk_both(old, new, lockstep_domains(old, new, values, bounds), progress)
    (old_graph, old_results), (new_graph, new_results) = walked
    walking = time.perf_counter() - started
    with paused_gc():
        result = _lockstep(old, new, old_graph, new_graph, progress)
    result.verdicts = _verdicts(old, new, old_results, new_results)
    result.seconds = {"walks": walking, "lockstep": time.perf_counter() - started - walking}
    return result


def _verdicts(old: Spec, new: Spec, old_results: list, new_results: list) -> list[Verdict]:
    before = {r.name: "holds" if r.holds else "violated" for r in old_results}
    after = {r.name: "holds" if r.holds else "violated" for r in new_results}
    names = list(before) + [name for name in after if name not in before]
    return [Verdict(name, before.get(name, "absent"), after.get(name, "absent")) for name in names]


def _lockstep(old: Spec, new: Spec, old_graph: ProductGraph, new_graph: ProductGraph,
              progress: Callable[[str], None] | None) -> BehaviourDiff:
    shared = [name for name in old.variables if name in new.variables
              and name in old_graph.variables and name in new_graph.variables]
    counters = [name for name in old_graph.domain.counters if name in new_graph.domain.counters]
    events = list(old_graph.events) + [name for name in new_graph.events if name not in old_graph.events]
    interned: dict[tuple, int] = {}
    a_side = _Side(old_graph, shared, counters, events, interned)
    b_side = _Side(new_graph, shared, counters, events, interned)
    variables = [name for name in old.variables if name in new.variables]
    parameters = [name for name in old_graph.domain.varied if name in new_graph.domain.varied]
    a_keys, b_keys = _keys(old_graph, old, variables, parameters), _keys(new_graph, new, variables, parameters)
    pairs: dict[tuple[int, int], int] = {}
    pair_list: list[tuple[int, int]] = []
    given_by: list[tuple] = []  # per initial pair: the parameters left to each spec's default
    parent: list[tuple | None] = []  # per pair: (parent pair, lockstep event, old move, new move)
    for key, old_nodes in a_keys.items():
        for a in old_nodes:
            for b in b_keys.get(key, ()):
                if (a, b) not in pairs:
                    pairs[(a, b)] = len(pair_list)
                    pair_list.append((a, b))
                    given_by.append(tuple(p for p, value in zip(parameters, key[len(variables):])
                                          if value[1] == _DEFAULT))
                    parent.append(None)
    initial_pairs = len(pair_list)
    differing_configs = differing_transitions = 0
    first: tuple | None = None  # (pair, lockstep event or None, old move or None, new move or None)
    queue = deque()
    for pid, (a, b) in enumerate(pair_list):
        if old_graph.nodes[a].screen != new_graph.nodes[b].screen:  # other home screens: differ before any step
            differing_configs += 1
            first = first or (pid, None, None, None)
        else:
            queue.append(pid)
    a_out, a_key, a_sign, a_dst = old_graph.out, a_side.key, a_side.sign, old_graph.dst
    b_moves, b_sign, b_dst = b_side.moves, b_side.sign, new_graph.dst
    processed = 0
    while queue:
        pid = queue.popleft()
        processed += 1
        if progress is not None and processed & 4095 == 0:
            progress(f"lockstep: {len(pair_list)} pairs of configurations, {len(queue)} to go")
        a, b = pair_list[pid]
        there = b_moves(b)
        differs = 0
        for move in a_out[a]:  # the common case, kept tight: an edge on both sides
            k = a_key[move]
            other = there.pop(k, None)
            if other is not None and other >= 0 and a_sign[move] == b_sign[other]:
                pair = (a_dst[move], b_dst[other])
                if pair not in pairs:
                    pairs[pair] = len(pair_list)
                    pair_list.append(pair)
                    parent.append((pid, k, move, other))
                    queue.append(pairs[pair])
                continue
            if other is not None and other < 0 and a_sign[move] == b_side.sign_of(other):
                continue  # the same step, beyond NEW's bounds: nothing to follow
            differs += 1
            if first is None:
                first = (pid, k, move, other)
        for k, move, sign in a_side.cut_from.get(a, ()):
            other = there.pop(k, None)
            if other is not None and sign == b_side.sign_of(other):
                continue  # the same step, beyond the bounds: nothing to follow
            differs += 1
            if first is None:
                first = (pid, k, move, other)
        for k, other in there.items():  # accepted by NEW only
            differs += 1
            if first is None:
                first = (pid, k, None, other)
        differing_transitions += differs
        differing_configs += differs > 0
    distinguishing = None
    if first is not None:
        distinguishing = _distinguishing(first, pair_list, parent, given_by, events, a_side, b_side, shared,
                                         counters)
    return BehaviourDiff(old_graph, new_graph, initial_pairs, len(pair_list), differing_configs,
                         differing_transitions, distinguishing)


def _distinguishing(first: tuple, pair_list: list, parent: list, given_by: list, events: list[str],
                    a_side: _Side, b_side: _Side, shared: list[str], counters: list[str]) -> Distinguishing:
    pid, k, a_move, b_move = first
    chain = []
    node = pid
    while parent[node] is not None:
        chain.append(parent[node])
        node = parent[node][0]
    chain.reverse()
    root = node
    a_start, b_start = pair_list[root]
    defaults = given_by[root]
    a_path_moves = [a_side.path_move(move) for _, _, move, _ in chain]
    b_path_moves = [b_side.path_move(move) for _, _, _, move in chain]
    steps = [events[step_k] for _, step_k, _, _ in chain]
    screens = [a_side.graph.nodes[pair_list[p][0]].screen for p, _, _, _ in chain]
    a_node, b_node = pair_list[pid]
    if k is None:
        kind = "start"
        old = {"screen": a_side.graph.nodes[a_node].screen}
        new = {"screen": b_side.graph.nodes[b_node].screen}
    else:
        steps.append(events[k])
        screens.append(a_side.graph.nodes[a_node].screen)
        old = a_side.shown(a_move, shared, counters) if a_move is not None else {"refused": True}
        new = b_side.shown(b_move, shared, counters) if b_move is not None else {"refused": True}
        kind = "refused-in-new" if b_move is None else "refused-in-old" if a_move is None else _kind(old, new)
        a_path_moves.append(a_side.path_move(a_move) if a_move is not None else ("refuse", a_node, a_side.events[k]))
        b_path_moves.append(b_side.path_move(b_move) if b_move is not None else ("refuse", b_node, b_side.events[k]))
    old_path = _path(a_side, a_start, a_path_moves, defaults)
    new_path = _path(b_side, b_start, b_path_moves, defaults)
    given = {name: value for name, value in old_path.given.items()
             if name in new_path.given and new_path.given[name] == value} if old_path and new_path else {}
    return Distinguishing(given, defaults, steps, kind, old, new, old_path, new_path, screens)


def _path(side: _Side, start: int, moves: list[tuple], defaults: tuple[str, ...]) -> TestPath | None:
    """The sequence as one spec runs it, as a test path (None when a move names an event the spec lacks)."""
    if any(move[0] == "refuse" and move[2] is None for move in moves):
        return None
    path = path_from_moves(side.graph, start, moves)
    for name in defaults:  # left out, so the scenario runs at the spec's own default
        path.given.pop(name, None)
    return path
