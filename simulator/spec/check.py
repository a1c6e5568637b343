"""Structural checks of a loaded spec that need nothing but the spec: names, references, graph shape.

Each check is a small named function that yields problems; :data:`SPEC_CHECKS`
lists them. What needs the rule book (does it exist, does it implement every
guard and effect) is checked one layer up, in :mod:`simulator.rules.check`, and
:func:`simulator.check.check_spec` runs both. Guards are not evaluated here (that
needs worlds: see the exhaustive walk); the screen graph is taken with every
guard assumed passable.
"""
from __future__ import annotations

import re
from collections import defaultdict, deque
from graphlib import CycleError, TopologicalSorter
from typing import TYPE_CHECKING, Callable, Iterator

from ..errors import Loc, Problem
from .model import SOFTKEYS, Screen, Spec, Transition
from .reader import did_you_mean
from .resolve import properties_problems, resolve_domain, resolve_views
from .texts import TEXT_KEYS, TemplateError, reader_names, template_names, text_names

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["SPEC_CHECKS", "WALK_SECTION_CHECKS", "READS_OTHER_FILES", "kb_trace", "assumption_trace",
           "assumption_screens", "screen_graph",
           "check_softkeys", "check_notes", "says",
           "RESERVED_NAMES", "check_names", "check_account", "check_transitions", "check_duplicates",
           "check_graph", "check_traceability", "check_unused", "check_views", "check_domain",
           "check_properties", "check_texts", "check_reader_names", "check_characters", "WORLD_ATTRIBUTES"]

#: Names a world variable or parameter cannot take: scenarios use them for other things.
RESERVED_NAMES = {"screen", "note", "history"}
#: The world's own attributes (simulator.runtime.world.World's methods and fields, and those of the views
#: guards read it through): a variable or parameter of the same name would hide them. Names beginning
#: with "_" are refused as well (Python's own attributes, the world's private fields). A test holds this
#: list to the World class.
WORLD_ATTRIBUTES = frozenset({"note", "history", "record", "show_note", "variables", "parameters",
                              "variable_names", "parameter_names", "snapshot", "restore"})


def _error(loc: Loc, message: str, code: str) -> Problem:
    return Problem(loc, "error", message, code)


def _warning(loc: Loc, message: str, code: str) -> Problem:
    return Problem(loc, "warning", message, code)


def _unknown_names(t: Transition, key: str, values: tuple[str, ...], known) -> Iterator[tuple[str, Loc]]:
    """The names in ``t``'s ``key`` list that ``known`` lacks, each with its position.

    A position is made only for a name reported: a big spec has millions of
    names and, once correct, none to report.
    """
    for index, value in enumerate(values):
        if value not in known:
            yield value, t.key_locs.get(f"{key}#{index}", t.loc_of(key))


def _all_known(values: tuple[str, ...], known) -> bool:
    """Whether ``known`` has every name of ``values``: the usual answer, found without a generator."""
    for value in values:
        if value not in known:
            return False
    return True


def check_names(spec: Spec) -> Iterator[Problem]:
    """Names must not clash with what scenarios or ``transitions`` use; parents and constraints must exist."""
    for name, variable in {**spec.variables, **spec.parameters}.items():
        if name in RESERVED_NAMES:
            yield _error(variable.loc, f"{name!r} is reserved (scenarios use it); choose another name",
                         "reserved-name")
        elif name in WORLD_ATTRIBUTES or name.startswith("_"):
            what = "a name beginning with '_'" if name.startswith("_") else "the name of one of the world's own " \
                "attributes"
            yield _error(variable.loc, f"{name!r} is {what} (rules read the world as w.{name}); choose another "
                         "name", "reserved-name")
    for name, event in spec.events.items():
        if name in ("trigger", "state", "may_trigger") or name.startswith(("may_", "is_", "to_")):
            yield _error(event.loc, f"event name {name!r} clashes with the names transitions gives models",
                         "reserved-name")
    # A state may not be named "*" (a transition's source "*" means every state) or "=" (the transitions
    # library reads a destination "=" as "the same state": a screen of that name would never be entered).
    states = [(name, screen.loc, "screen") for name, screen in spec.screens.items()]
    if spec.account:
        states += [(name, spec.account.state_locs.get(name, spec.account.loc), "state")
                   for name in spec.account.states]
    for name, loc, what in states:
        if name in ("*", "="):
            yield _error(loc, f"{what} name {name!r} is reserved ('*' as a source means every state, '=' as a "
                         "destination means the same state); choose another name", "reserved-name")
    for name, screen in spec.screens.items():
        if screen.parent is not None and screen.parent not in spec.screens:
            yield _error(screen.loc_of("parent"), f"screen {name!r}: unknown parent screen {screen.parent!r}"
                         f"{did_you_mean(screen.parent, spec.screens)}", "unknown-screen")
        for assumption in screen.assumptions:
            if assumption not in spec.assumptions:
                yield _error(screen.loc_of("assumption"), f"screen {name!r}: unknown assumption {assumption!r}"
                             f"{did_you_mean(assumption, spec.assumptions)}", "unknown-assumption")
    for name, screen in spec.screens.items():
        seen, parent = [name], screen.parent
        while parent in spec.screens and parent not in seen:
            seen.append(parent)
            parent = spec.screens[parent].parent
        if parent == name:
            yield _error(screen.loc_of("parent"), f"screen {name!r}: its parents lead back to it "
                         f"({' > '.join(seen + [name])}); menus must nest like a tree", "parent-cycle")
    for index, name in enumerate(spec.constraints):
        if name not in spec.guards:
            yield _error(spec.key_locs.get(f"constraints#{index}", spec.loc_of("constraints")),
                         f"constraints: unknown guard {name!r}{did_you_mean(name, spec.guards)}", "unknown-guard")


def check_account(spec: Spec) -> Iterator[Problem]:
    region = spec.account
    if region is None:
        for name in spec.events_of_kind("environment", "signal"):
            yield _error(spec.events[name].loc, f"event {name!r} needs an account region to handle it",
                         "unhandled-event")
        return
    variable = spec.variables.get(region.variable)
    if variable is None:
        yield _error(region.loc, f"account: unknown world variable {region.variable!r}"
                     f"{did_you_mean(region.variable, spec.variables)}", "unknown-variable")
    elif variable.type != "enum" or set(variable.values) != set(region.states):
        yield _error(region.loc, f"account: states {sorted(region.states)} must be exactly the values of "
                     f"world variable {region.variable!r} {sorted(variable.values)}", "account-mismatch")
    handled = {t.trigger for t in region.transitions}
    for name in spec.events_of_kind("environment", "signal"):
        if name not in handled:
            yield _error(spec.events[name].loc, f"{spec.events[name].kind} event {name!r} has no account "
                         "transition", "unhandled-event")


def check_transitions(spec: Spec) -> Iterator[Problem]:
    """Every name a transition uses is declared, of the right kind, in the right place."""
    account_states = spec.account.states if spec.account else {}
    signals = spec.events_of_kind("signal")
    for t in spec.all_transitions():
        states = spec.screens if t.region == "screens" else account_states
        what = "screen" if t.region == "screens" else "account state"
        for name, loc in (() if _all_known(t.sources, states) else _unknown_names(t, "source", t.sources, states)):
            if name != "*":
                yield _error(loc, f"unknown {what} {name!r}{did_you_mean(name, states)}",
                             "unknown-screen" if t.region == "screens" else "unknown-state")
        if t.dest is not None and t.dest not in states:
            yield _error(t.loc_of("dest"), f"unknown {what} {t.dest!r}{did_you_mean(t.dest, states)}",
                         "unknown-screen" if t.region == "screens" else "unknown-state")
        event = spec.events.get(t.trigger)
        if event is None:
            yield _error(t.loc_of("trigger"), f"unknown event {t.trigger!r}{did_you_mean(t.trigger, spec.events)}",
                         "unknown-event")
        else:
            allowed = ("user", "system") if t.region == "screens" else ("environment", "signal")
            if event.kind not in allowed:
                yield _error(t.loc_of("trigger"), f"{event.kind} event {t.trigger!r} cannot drive the {t.region} "
                             f"region (it takes {' and '.join(allowed)} events)", "wrong-region")
            elif t.region == "screens":
                for name in t.sources:
                    screen = spec.screens.get(name)
                    if screen is not None and screen.is_system != (event.kind == "system"):
                        yield _error(t.loc_of("trigger"), f"{event.kind} event {t.trigger!r} on "
                                     f"{'system' if screen.is_system else 'resting'} screen {name!r}: "
                                     "system screens take only system events, and only they do", "system-mismatch")
        # Names are looked up first; the lists are walked again, with places, only when one is unknown.
        for key, values in (("conditions", t.conditions), ("unless", t.unless)):
            if values and not _all_known(values, spec.guards):
                for name, loc in _unknown_names(t, key, values, spec.guards):
                    yield _error(loc, f"unknown guard {name!r}{did_you_mean(name, spec.guards)}", "unknown-guard")
        for key, values in (("before", t.before), ("after", t.after)):
            if values and not _all_known(values, spec.effects):
                for name, loc in _unknown_names(t, key, values, spec.effects):
                    yield _error(loc, f"unknown effect {name!r}{did_you_mean(name, spec.effects)}",
                                 "unknown-effect")
        if t.send and not _all_known(t.send, signals):
            for name, loc in _unknown_names(t, "send", t.send, signals):
                yield _error(loc, f"unknown signal {name!r}{did_you_mean(name, signals)}", "unknown-signal")
        if t.kb and not _all_known(t.kb, spec.kb_steps):
            for name, loc in _unknown_names(t, "kb", t.kb, spec.kb_steps):
                yield _error(loc, f"unknown article step {name!r}{did_you_mean(name, spec.kb_steps)}",
                             "unknown-kb-step")
        if t.assumptions and not _all_known(t.assumptions, spec.assumptions):
            for name, loc in _unknown_names(t, "assumption", t.assumptions, spec.assumptions):
                yield _error(loc, f"unknown assumption {name!r}{did_you_mean(name, spec.assumptions)}",
                             "unknown-assumption")
        if not t.kb and not t.assumptions:
            yield _error(t.loc, f"transition {t.id}: say which article step it implements (kb) or which "
                         "assumption adds it (assumption)", "no-source-ref")


def check_signal_loops(spec: Spec) -> Iterator[Problem]:
    """A signal may lead to another (a passing day sends the day's attempt), but never back to itself:
    the chain would never end, and a step must."""
    first: dict[tuple[str, str], Transition] = {}
    for t in spec.all_transitions():
        for signal in t.send:
            first.setdefault((t.trigger, signal), t)
    for cycle in sorted(_cycles(first), key=lambda c: (len(c), c))[:1]:
        closing = first[(cycle[-1], cycle[0])]
        chain = " -> ".join(cycle + [cycle[0]])
        yield _error(closing.loc_of("send"), f"signals loop: {chain}; a signal must not lead back to an event "
                     "that sent it, or the step never ends", "signal-loop")


def check_duplicates(spec: Spec) -> Iterator[Problem]:
    """Two transitions of one event from one state with the very same guards: the second never fires."""
    seen: dict[tuple, Transition] = {}
    for t in spec.all_transitions():
        for source in t.sources:
            key = (t.region, source, t.trigger, frozenset(t.conditions), frozenset(t.unless))
            if key in seen and seen[key] is not t:
                yield _error(t.loc, f"transition {t.id} repeats {seen[key].id} (line {seen[key].loc.line}): same "
                             f"state {source!r}, event {t.trigger!r} and guards", "duplicate-transition")
            seen.setdefault(key, t)


def _screen_edges(spec: Spec) -> Iterator[tuple[str, str, str]]:
    """(source, destination, transition id) of every screen transition, every guard taken as passable."""
    for t in spec.transitions:
        sources = list(spec.screens) if t.sources == ("*",) else t.sources
        for source in sources:
            dest = source if t.dest is None else t.dest
            if source in spec.screens and dest in spec.screens:
                yield source, dest, t.id


def screen_graph(spec: Spec) -> nx.MultiDiGraph:
    """Screens and screen transitions, every guard taken as passable; edge key = transition id."""
    import networkx as nx  # for callers that analyse the graph further; check itself needs no graph library
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(spec.screens)
    for source, dest, key in _screen_edges(spec):
        graph.add_edge(source, dest, key=key)
    return graph


def _reached(start: str, neighbours: dict[str, set[str]]) -> set[str]:
    """``start`` and every screen reached from it along ``neighbours`` (breadth first)."""
    seen, queue = {start}, deque([start])
    while queue:
        for other in neighbours[queue.popleft()]:
            if other not in seen:
                seen.add(other)
                queue.append(other)
    return seen


def _cycles(edges) -> list[list[str]]:
    """Every elementary cycle of the directed graph of ``edges`` ((a, b) pairs), each starting at its
    smallest name, sorted.

    Most specs have none, and graphlib (standard library) says so without loading networkx, which costs
    more start-up time than the whole check of a spec. Where networkx starts a cycle, and the order it
    finds them in, follow Python's per-process string hashing: a check that reported them as found would
    name another loop, at another line, from one run to the next.
    """
    predecessors: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        predecessors[b].add(a)
        predecessors.setdefault(a, set())
    try:
        TopologicalSorter(predecessors).prepare()
        return []
    except CycleError:
        import networkx as nx
        cycles = []
        for cycle in nx.simple_cycles(nx.DiGraph(list(edges))):
            start = cycle.index(min(cycle))
            cycles.append(cycle[start:] + cycle[:start])
        return sorted(cycles)


def check_graph(spec: Spec) -> Iterator[Problem]:
    successors: dict[str, set[str]] = {name: set() for name in spec.screens}
    predecessors: dict[str, set[str]] = {name: set() for name in spec.screens}
    for source, dest, _ in _screen_edges(spec):
        successors[source].add(dest)
        predecessors[dest].add(source)
    reachable = _reached(spec.initial_screen, successors) if spec.initial_screen in spec.screens else set()
    for name, screen in spec.screens.items():
        if name not in reachable:
            yield _error(screen.loc, f"screen {name!r} cannot be reached from the initial screen "
                         f"{spec.initial_screen!r}", "unreachable-screen")
        if not successors[name]:
            yield _error(screen.loc, f"screen {name!r} has no way out (no transition leaves it)", "no-way-out")
    if spec.home_screen not in spec.screens:
        yield _error(spec.loc_of("home"), f"home: unknown screen {spec.home_screen!r}"
                     f"{did_you_mean(spec.home_screen, spec.screens)}", "unknown-screen")
        return
    if spec.screens[spec.home_screen].is_system:
        yield _error(spec.loc_of("home"), f"home: {spec.home_screen!r} is a system screen; the app never rests "
                     "there", "bad-value")
    # System steps run to completion inside one event: a loop among system screens never ends.
    system = {n for n, screen in spec.screens.items() if screen.is_system}
    for cycle in sorted(sorted(c) for c in _cycles([(a, b) for a in sorted(system) for b in sorted(successors[a])
                                                    if b in system])):
        screen = spec.screens[cycle[0]]
        what = (f"system screen {cycle[0]!r} can step into itself" if len(cycle) == 1
                else f"system screens {', '.join(map(repr, cycle))} can step into each other")
        yield _warning(screen.loc, f"{what}: unless a guard stops it, the app never returns to the user "
                       "(the simulator stops such a loop after 100 steps)", "system-loop")
    can_go_home = _reached(spec.home_screen, predecessors)
    for name, screen in spec.screens.items():
        if name in reachable and successors[name] and name not in can_go_home:
            yield _error(screen.loc, f"screen {name!r}: {spec.home_screen!r} cannot be reached from it", "dead-end")


def _trace(spec: Spec, names: dict, refs_of: Callable[[Transition], tuple[str, ...]]) -> list[tuple[str, list[str]]]:
    using = defaultdict(list)
    for t in spec.all_transitions():
        for ref in refs_of(t):
            using[ref].append(t.id)
    return [(name, using[name]) for name in names]


def assumption_screens(spec: Spec) -> dict[str, list[str]]:
    """Each assumption with the screens it shapes (a screen's ``assumption`` key), in spec order."""
    using: dict[str, list[str]] = defaultdict(list)
    for screen in spec.screens.values():
        for ref in screen.assumptions:
            using[ref].append(screen.name)
    return {name: using[name] for name in spec.assumptions}


def kb_trace(spec: Spec) -> list[tuple[str, list[str]]]:
    """Each article step (in article order) with the ids of the transitions that implement it."""
    return _trace(spec, spec.kb_steps, lambda t: t.kb)


def assumption_trace(spec: Spec) -> list[tuple[str, list[str]]]:
    """Each assumption with the ids of the transitions it adds or shapes."""
    return _trace(spec, spec.assumptions, lambda t: t.assumptions)


def check_traceability(spec: Spec) -> Iterator[Problem]:
    for step, ids in kb_trace(spec):
        if not ids:
            yield _error(spec.kb_steps[step].loc, f"article step {step!r} is implemented by no transition",
                         "kb-step-unimplemented")
    shaped = assumption_screens(spec)
    for assumption, ids in assumption_trace(spec):
        if not ids and not shaped[assumption]:
            yield _error(spec.assumptions[assumption].loc, f"assumption {assumption!r} is used by no transition "
                         "and no screen",
                         "unused-assumption")


def check_unused(spec: Spec) -> Iterator[Problem]:
    used_guards = {g for t in spec.all_transitions() for g in t.guards} | set(spec.constraints)
    used_effects = {e for t in spec.all_transitions() for e in t.effects}
    used_events = {t.trigger for t in spec.all_transitions()} | {s for t in spec.all_transitions() for s in t.send}
    for name, item in spec.guards.items():
        if name not in used_guards:
            yield _warning(item.loc, f"guard {name!r} is declared but never used", "unused-guard")
    for name, item in spec.effects.items():
        if name not in used_effects:
            yield _warning(item.loc, f"effect {name!r} is declared but never used", "unused-effect")
    for name, event in spec.events.items():
        if name not in used_events:
            yield _warning(event.loc, f"event {name!r} is declared but never used", "unused-event")


def check_texts(spec: Spec) -> Iterator[Problem]:
    """A screen's title, status and text are templates naming only parameters and world variables."""
    known = text_names(spec)
    for name, screen in spec.screens.items():
        for key in TEXT_KEYS:
            if key not in screen.key_locs:
                continue  # not written (a default title is no template)
            try:
                used = template_names(getattr(screen, key))
            except TemplateError as exc:
                yield _error(screen.loc_of(key), f"screen {name!r}: {key}: {exc}", "bad-text-template")
                continue
            for word in used:
                if word not in known:
                    yield _error(screen.loc_of(key), f"screen {name!r}: {key} names {{{word}}}, which is neither a "
                                 f"parameter nor a world variable{did_you_mean(word, known)}", "unknown-text-name")


#: Characters no name or text may hold: control characters (a line break and a tab only in texts), and
#: lone surrogates, which are no character at all. Graphviz, Mermaid and YAML files cannot carry them.
_BAD_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_NOT_WRITTEN = ("loc", "key_locs", "end_loc", "screen_loc", "event_loc", "state_locs", "path", "problems")
#: The fields (and sections) that hold sentences; every other string is a name.
_TEXT_FIELDS = frozenset({"title", "text", "status", "caption", "doc", "label", "decision", "alternative", "why",
                          "section", "says", "description", "states", "source"})


def check_characters(spec: Spec) -> Iterator[Problem]:
    """No name or text of the spec holds a control character (but line breaks and tabs in texts).

    Every string of the loaded spec is looked at, so a new section is covered
    without a change here. A bad string is reported once, where it is defined
    (a ``name`` field) if it is a name, else where it is first used.
    """
    if spec.plain_strings:  # the loader saw that no string of the file can hold one (see yamlsafe)
        return
    found: dict[str, tuple[bool, Loc, str]] = {}  # bad string -> (not its definition, where, which key)
    pending: list[tuple[object, Loc, str]] = [(spec, spec.loc_of("spec"), "")]
    while pending:
        value, loc, key = pending.pop()
        if isinstance(value, str):
            if (_BAD_IN_TEXT if key in _TEXT_FIELDS else _BAD_IN_NAME).search(value):
                found[value] = min(found.get(value, (True, loc, key)), (key != "name", loc, key))
        elif isinstance(value, dict):
            pending += [(item, loc, "") for item in value] + [(item, loc, key) for item in value.values()]
        elif isinstance(value, (tuple, list, frozenset, set)):
            pending += [(item, loc, key) for item in value]
        elif hasattr(value, "__dataclass_fields__") and not isinstance(value, Loc):
            own = getattr(value, "loc", None)
            locs = getattr(value, "key_locs", None) or {}
            for field_name in value.__dataclass_fields__:
                if field_name not in _NOT_WRITTEN:
                    where = locs.get(field_name, own if isinstance(own, Loc) else loc)
                    pending.append((getattr(value, field_name), where, field_name))
    for value, (_, loc, key) in sorted(found.items(), key=lambda item: item[1][1]):
        bad = (_BAD_IN_TEXT if key in _TEXT_FIELDS else _BAD_IN_NAME).search(value)
        assert bad is not None
        yield _error(loc, f"{key or 'name'} {value[:40]!r} holds the control character U+{ord(bad.group()):04X}: "
                     "names hold none, texts only line breaks and tabs", "control-character")


def check_reader_names(spec: Spec) -> Iterator[Problem]:
    """Screens that share a title must still be told apart wherever they are named to a reader."""
    seen: dict[str, str] = {}
    for name, label in reader_names(spec, {}).items():
        if label in seen:
            screen = spec.screens[name]
            yield _error(screen.loc_of("caption"), f"screen {name!r} is named {label!r} to readers, like screen "
                         f"{seen[label]!r}; give one of them another caption (or title)", "ambiguous-screen-name")
        else:
            seen[label] = name


def _user_events_taken(spec: Spec) -> dict[str, dict[str, Transition]]:
    """Per screen, the user events some transition takes there (its own or a "*" one), each with the first such.

    One pass over the transitions, so a spec of thousands of screens is checked in linear time.
    """
    taken: dict[str, dict[str, Transition]] = {name: {} for name in spec.screens}
    for t in spec.transitions:
        event = spec.events.get(t.trigger)
        if event is None or event.kind != "user":
            continue
        for screen in spec.screens if "*" in t.sources else t.sources:
            if screen in taken:
                taken[screen].setdefault(t.trigger, t)
    return taken


def _softkey_loc(screen: Screen, index: int) -> Loc:
    return screen.key_locs.get(f"softkeys#{index}", screen.loc_of("softkeys"))


def _reads(label: str) -> str:
    return repr(label) if label else "nothing"


def check_softkeys(spec: Spec) -> Iterator[Problem]:
    """A screen shows the keys its transitions take: an event's label on its softkey, its item in the list.

    Only events that say which softkey they are (``softkey: left|right``) or which
    item they select (``item: ...``) are checked. A softkey label that is some
    event's, on that event's side, while no transition here takes that event is a
    key that does nothing: a warning.
    """
    taken_by_screen = _user_events_taken(spec)
    for name, screen in spec.screens.items():
        if screen.is_system:  # the app leaves it by itself: no key is ever pressed there
            continue
        taken = taken_by_screen[name]
        for trigger, t in taken.items():
            event = spec.events[trigger]
            if event.softkey in SOFTKEYS:
                index = SOFTKEYS.index(event.softkey)
                shown = screen.softkeys[index]
                if shown != event.label:
                    yield _error(_softkey_loc(screen, index), f"screen {name!r}: the {event.softkey} softkey reads "
                                 f"{_reads(shown)}, should read {event.label!r}: the transition at line {t.loc.line} "
                                 f"takes {trigger} here, and {trigger} is the {event.softkey} softkey",
                                 "softkey-mismatch")
            if event.item is not None and event.item not in screen.items:
                yield _error(screen.loc_of("items"), f"screen {name!r}: the items do not list {event.item!r}: the "
                             f"transition at line {t.loc.line} takes {trigger} here, which selects that item"
                             f"{did_you_mean(event.item, screen.items)}", "item-missing")
        for index, side in enumerate(SOFTKEYS):
            label = screen.softkeys[index]
            owners = [e.name for e in spec.events.values()
                      if label and e.kind == "user" and e.softkey == side and e.label == label]
            if owners and not any(owner in taken for owner in owners):
                yield _warning(_softkey_loc(screen, index), f"screen {name!r}: the {side} softkey reads {label!r}, "
                               f"the label of {' and '.join(owners)}, yet no transition takes "
                               f"{'it' if len(owners) == 1 else 'them'} here: the key does nothing", "softkey-unused")


def says(text: str, word: str) -> bool:
    """Whether ``text`` uses ``word`` (a word or a phrase) whole, ignoring case.

    >>> says("Admin code accepted: the keypad is unlocked.", "Unlocked"), says("Unlocked", "locked")
    (True, False)
    """
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def check_notes(spec: Spec) -> Iterator[Problem]:
    """With a ``notes:`` section, each note screen has a declared kind, and its text says that kind, not another."""
    decl = spec.notes
    if decl is None:
        return
    yield from decl.problems
    kinds, shown = decl.kinds, set()
    for name, screen in spec.screens.items():
        if screen.note is None:
            continue
        shown.add(screen.note)
        kind = kinds.get(screen.note)
        if kind is None:
            yield _error(screen.loc_of("note"), f"screen {name!r}: note kind {screen.note!r} is not declared in "
                         f"notes: ({', '.join(kinds) or 'none declared'}){did_you_mean(screen.note, kinds)}",
                         "unknown-note-kind")
            continue
        where = screen.loc_of("text")
        if kind.says and not any(says(screen.text, word) for word in kind.says):
            yield _error(where, f"screen {name!r}: its text {_reads(screen.text)} says none of the words of a "
                         f"{kind.name!r} note ({', '.join(map(repr, kind.says))})", "note-text-contradicts-kind")
        for other in kinds.values():
            said = [word for word in other.says if other is not kind and says(screen.text, word)]
            if said:
                yield _error(where, f"screen {name!r}: a {kind.name!r} note, yet its text says {said[0]!r}, a "
                             f"word of {other.name!r} notes", "note-text-contradicts-kind")
    for kind in kinds.values():
        if kind.name not in shown:
            yield _warning(kind.loc, f"note kind {kind.name!r} is declared but no screen shows it", "unused-note-kind")


def check_views(spec: Spec) -> Iterator[Problem]:
    """The ``views:`` section names only known screens, account states, events and guards."""
    yield from resolve_views(spec)[2]


def check_domain(spec: Spec) -> Iterator[Problem]:
    """The ``domain:`` section the exhaustive walk starts from, evaluated with the default parameters."""
    yield from resolve_domain(spec)[1]


def check_properties(spec: Spec) -> Iterator[Problem]:
    """The ``properties:`` section the exhaustive walk checks."""
    yield from properties_problems(spec)


SPEC_CHECKS = (check_names, check_account, check_transitions, check_signal_loops, check_duplicates, check_graph,
               check_traceability,
               check_softkeys, check_notes,
               check_unused, check_views, check_texts, check_reader_names, check_characters)
#: The sections only the exhaustive walk reads; see simulator.check for when they are reported.
WALK_SECTION_CHECKS = (check_domain, check_properties)
#: The checks whose findings depend on more than the spec: a view's path may name a scenario file beside
#: it. The spec cache (simulator.spec.cache) keeps the findings of every other check, never of these.
READS_OTHER_FILES = (check_views,)
