"""The typed sections (views, domain, properties) checked against the rest of the spec.

:mod:`simulator.spec.sections` read their shape; here every name they use is looked
up (a screen, an account state, an event, a guard, a world variable, a flow step)
and domain values are evaluated over the parameters. Each function returns what
it resolved *and* every problem of the section, the loader's included, so the
checker and the stages that build on a section (diagrams, the walk) say the same
thing about it.
"""
from __future__ import annotations

import os

from dataclasses import dataclass
from typing import Any

from ..errors import Problem
from .expr import Condition, evaluate_value
from .model import CheckDecl, FlowDecl, NameChoice, Spec, ViewDecl
from .reader import Reader, did_you_mean

__all__ = ["ResolvedView", "resolve_views", "DeclaredDomain", "resolve_domain", "value_problem", "start_values",
           "bound_problem",
           "properties_problems", "default_parameters", "ACCOUNT_CHANGED", "conditions_of"]

#: The flag a flow's history gets when the properties section names watched variables: a user step in
#: the flow changed one of them. Named once here; the walk (walk/history.py) sets it.
ACCOUNT_CHANGED = "account_changed"


def default_parameters(spec: Spec) -> dict[str, int]:
    return {name: p.default for name, p in spec.parameters.items()}


# -- views ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ResolvedView:
    """A view whose names all exist: what it shows, in spec order (the drawing must not depend on list order)."""

    decl: ViewDecl
    screens: tuple[str, ...]
    account_states: tuple[str, ...]
    events: tuple[str, ...] | None  # None: every event
    start: str | None
    ends: tuple[str, ...]
    path: tuple[str, ...] | str | None = None  # events from start, or a scenario file's path (beside the spec)
    article: str | None = None


def resolve_views(spec: Spec) -> tuple[list[ResolvedView], dict[str, tuple[str, str]], list[Problem]]:
    """The usable views (spec order), the guard labels, and every problem of the ``views:`` section."""
    decl = spec.views
    if decl is None:
        return [], {}, []
    r = Reader(spec.path)
    labels: dict[str, tuple[str, str]] = {}
    for label in decl.guard_labels:
        if label.guard not in spec.guards:
            r.error(label.loc, f"views: guard_labels: unknown guard {label.guard!r}"
                    f"{did_you_mean(label.guard, spec.guards)}", "unknown-guard")
        else:
            labels[label.guard] = (label.when, label.unless)
    views: list[ResolvedView] = []
    first_at: dict[str, Any] = {}
    for view in decl.diagrams:
        resolved = _resolve_view(spec, view, r)
        if resolved is None:
            continue
        if view.name in first_at:
            r.error(view.loc, f"views: duplicate view name {view.name!r} (first at line {first_at[view.name].line})",
                    "duplicate-name")
            continue
        first_at[view.name] = view.loc
        views.append(resolved)
    return views, labels, [*decl.problems, *r.problems]


def _resolve_view(spec: Spec, view: ViewDecl, r: Reader) -> ResolvedView | None:
    states = list(spec.account.states) if spec.account else []
    if view.is_overview:
        return ResolvedView(view, tuple(spec.screens), tuple(states), None, spec.initial_screen, ())
    what = f"view {view.name!r}"
    screens = _pick(r, view.screens, f"{what}: screens", list(spec.screens), "screen")
    account = _pick(r, view.account, f"{what}: account", states, "account state")
    events = None
    if view.events is not None:
        events = _pick(r, view.events, f"{what}: events", list(spec.events), "event")
        if events is None:
            return None
    if screens is None or account is None:
        return None
    if not screens and not account:
        r.error(view.loc, f"{what}: shows nothing; list screens and/or account states", "empty-view")
        return None
    shown = set(screens) | set(account)
    if view.start is not None and view.start.name not in shown:
        r.error(view.start.loc, f"{what}: start {view.start.name!r} is not one of the view's screens or account "
                f"states{did_you_mean(view.start.name, shown)}", "bad-value")
        return None
    if any(end.name not in shown for end in view.end):
        r.error(view.end_loc or view.loc, f"{what}: end must name screens or account states of the view", "bad-value")
        return None
    path: tuple[str, ...] | str | None = None
    if isinstance(view.path, str):
        path = os.path.join(os.path.dirname(spec.path), view.path)
        if not os.path.isfile(path):
            r.error(view.path_loc or view.loc, f"{what}: path: no scenario file {view.path!r} beside the spec",
                    "bad-value")
            return None
    elif view.path is not None:
        for ref in view.path:
            if ref.name not in spec.events:
                r.error(ref.loc, f"{what}: path: unknown event {ref.name!r}{did_you_mean(ref.name, spec.events)}",
                        "unknown-event")
                return None
        if view.start is None or view.start.name not in spec.screens:
            r.error(view.path_loc or view.loc, f"{what}: a path of events starts at the view's start, which must "
                    "be a screen", "bad-value")
            return None
        path = tuple(ref.name for ref in view.path)
    return ResolvedView(view, screens, account, events, view.start.name if view.start else None,
                        tuple(dict.fromkeys(end.name for end in view.end)), path,
                        view.article.name if view.article else None)


def _pick(r: Reader, choice: NameChoice, what: str, known: list[str], kind: str) -> tuple[str, ...] | None:
    """The chosen names in spec order; None when one is unknown (reported)."""
    if choice.every:
        return tuple(known)
    chosen: set[str] = set()
    ok = True
    for ref in choice.names:
        if ref.name not in known:
            r.error(ref.loc, f"{what}: unknown {kind} {ref.name!r}{did_you_mean(ref.name, known)}",
                    "unknown-screen" if kind == "screen" else f"unknown-{kind.split()[-1]}")
            ok = False
        elif ref.name in chosen:
            r.error(ref.loc, f"{what}: {kind} {ref.name!r} is listed twice", "duplicate-name")
        else:
            chosen.add(ref.name)
    return tuple(name for name in known if name in chosen) if ok else None


# -- domain --------------------------------------------------------------------------

@dataclass(frozen=True)
class DeclaredDomain:
    """What the ``domain:`` section sets, evaluated: only the variables it names."""

    initial: dict[str, tuple]
    bounds: dict[str, int]
    counters: tuple[str, ...]


def value_problem(spec: Spec, name: str, value: Any) -> str | None:
    """Why ``value`` cannot be a value of world variable (or parameter) ``name``, or None."""
    if name not in spec.variables:
        if type(value) is not int or value < 0:
            return f"parameter {name} must be a whole number >= 0, found {value!r}"
        return None
    variable = spec.variables[name]
    if variable.type == "enum":
        if value not in variable.values:
            return f"{name} must be one of {', '.join(variable.values)}, found {value!r}"
    elif not isinstance(value, int):
        return f"{name} must be a whole number, found {value!r}"
    elif (variable.min is not None and value < variable.min) or (variable.max is not None and value > variable.max):
        return f"{name} = {value} is outside the variable's range {variable.min}..{variable.max}"
    return None


def start_values(spec: Spec, name: str, initial: dict[str, tuple]) -> tuple:
    """The values the walk starts ``name`` (a whole-number variable) from: the domain's, else the default ones.

    The default is what the walk uses for a variable the ``domain:`` section does
    not list: every value of a variable with a min and a max, else its min and
    its initial value.
    """
    if name in initial:
        return initial[name]
    variable = spec.variables[name]
    if variable.min is not None and variable.max is not None:
        return (variable.min, variable.max)  # the ends of min..max are enough to compare a bound with
    return tuple(v for v in (variable.min, variable.initial) if v is not None)


def bound_problem(spec: Spec, name: str, bound: int, starts: tuple) -> str | None:
    """Why ``bound`` cannot be the walk's bound of whole-number variable ``name``, or None.

    A bound keeps the walk finite: a step that takes the variable above it is
    counted, not explored. One below the variable's own min leaves no value to
    walk; one below a value the walk starts from would cut every step out of
    those worlds, so the walk would end at once and every property would
    "hold" on nothing. Both are refused rather than walked.
    """
    variable = spec.variables[name]
    if variable.min is not None and bound < variable.min:
        return (f"{name}: {bound} is below the variable's min {variable.min}, so no value of {name} is within "
                "the bound")
    ints = [value for value in (starts[-1:] if isinstance(starts, range) else starts) if isinstance(value, int)]
    if ints and max(ints) > bound:
        return (f"{name}: {bound} is below the start value {max(ints)} the walk uses, so no step could be "
                f"taken from those worlds; the bound must be at least {max(ints)}")
    return None


def resolve_domain(spec: Spec, parameters: dict[str, int] | None = None) -> tuple[DeclaredDomain, list[Problem]]:
    """The ``domain:`` section evaluated with ``parameters`` (the defaults when None), and its problems."""
    parameters = default_parameters(spec) if parameters is None else parameters
    decl = spec.domain
    if decl is None:
        return DeclaredDomain({}, {}, ()), []
    r = Reader(spec.path, "domain: ", "bad-domain")
    initial: dict[str, tuple] = {}
    for entry in decl.initial:
        name = entry.variable
        # A parameter may be listed too: the walk then runs with each of its values (so a rule that
        # hard-codes the default is caught), and the other values are evaluated for each.
        if name not in spec.variables and name not in spec.parameters:
            r.error(entry.loc, f"unknown world variable or parameter {name!r}"
                    f"{did_you_mean(name, [*spec.variables, *spec.parameters])}", "")
            continue
        evaluated = []
        for expr in entry.values:
            try:
                value = evaluate_value(expr.text, parameters)
            except ValueError as exc:
                r.error(expr.loc, f"{name}: {exc}", "")
                continue
            message = value_problem(spec, name, value)
            if message:
                r.error(expr.loc, message, "")
            evaluated.append(value)
        initial[name] = tuple(dict.fromkeys(evaluated))
    ints = [n for n, v in spec.variables.items() if v.type == "int"]
    bounds: dict[str, int] = {}
    for bound in decl.bounds:
        name = bound.variable
        if name not in ints:
            r.error(bound.loc, f"bounds: {name!r} is not a whole-number world variable{did_you_mean(name, ints)}", "")
            continue
        try:
            value = evaluate_value(bound.value.text, parameters)
        except ValueError as exc:
            r.error(bound.loc, f"bounds: {name}: {exc}", "")
            continue
        if not isinstance(value, int):
            r.error(bound.loc, f"bounds: {name}: expected a number, found {value!r}", "")
            continue
        message = bound_problem(spec, name, value, start_values(spec, name, initial))
        if message:
            r.error(bound.loc, f"bounds: {message}", "")
            continue
        bounds[name] = value
    for ref in decl.counters:
        if ref.name not in ints:
            r.error(ref.loc, f"counters: {ref.name!r} is not a whole-number world variable"
                    f"{did_you_mean(ref.name, spec.variables)}", "")
    counters = tuple(ref.name for ref in decl.counters)
    return DeclaredDomain(initial, bounds, counters), [*decl.problems, *r.problems]


# -- properties ----------------------------------------------------------------------

def properties_problems(spec: Spec) -> list[Problem]:
    """Every problem of the ``properties:`` section: the loader's, then each name it uses that is unknown."""
    decl = spec.properties
    if decl is None:
        return []
    r = Reader(spec.path, "properties: ", "bad-property")
    for ref in decl.watched:
        if ref.name not in spec.variables:
            r.error(ref.loc, f"watched: unknown world variable {ref.name!r}{did_you_mean(ref.name, spec.variables)}",
                    "")
    counter = decl.counter
    if counter is not None and (counter.name not in spec.variables or spec.variables[counter.name].type != "int"):
        r.error(counter.loc, f"counter: {counter.name!r} is not a whole-number world variable"
                f"{did_you_mean(counter.name, spec.variables)}", "")
    for flow in decl.history:
        _check_flow(spec, flow, r)
    # A flow remembers one flag per step, and one more when the section names watched variables
    # (the walk sets it when a user step changes one of them).
    extra = (ACCOUNT_CHANGED,) if decl.watched else ()
    flags = {flow.name: flow.flags + extra for flow in decl.history}
    for prop in decl.must_hold:
        for check in prop.checks:
            _check_check(spec, check, flags, counter is not None, bool(decl.watched), r)
    return [*decl.problems, *r.problems]


def _check_flow(spec: Spec, flow: FlowDecl, r: Reader) -> None:
    for ref in flow.screens:
        if ref.name not in spec.screens:
            r.error(ref.loc, f"history: {flow.name}: unknown screen {ref.name!r}{did_you_mean(ref.name, spec.screens)}",
                    "")
    for step in flow.steps:
        for screen in step.screens:
            if screen not in spec.screens:
                r.error(step.screen_loc, f"history: {flow.name}: unknown screen {screen!r}"
                        f"{did_you_mean(screen, spec.screens)}", "")
            # Said once per screen of the step, as the step's pairs are made.
            for event in step.events:
                if event not in spec.events:
                    r.error(step.event_loc, f"history: {flow.name}: unknown event {event!r}"
                            f"{did_you_mean(event, spec.events)}", "")


def _check_check(spec: Spec, check: CheckDecl, flows: dict[str, tuple[str, ...]], has_counter: bool,
                 has_watched: bool, r: Reader) -> None:
    kind, params = check.kind, check.params
    what = f"check {kind}"
    # Without them these kinds would check nothing and "hold".
    if kind.startswith("counter_") and not has_counter:
        r.error(check.loc, f"{what}: needs the section's counter (the whole-number variable whose rise it checks)",
                "")
    if kind.endswith("_keep_watched") and not has_watched:
        r.error(check.loc, f"{what}: needs the section's watched variables (watched: [...])", "")
    flags = flows.get(params["flow"]) if "flow" in params else None
    if "flow" in params and flags is None:
        r.error(check.loc_of("flow"), f"{what}: unknown flow {params['flow']!r}; declared under history: "
                f"{', '.join(flows) or 'none'}", "")
    for step in params.get("steps", ()):
        if flags is not None and step not in flags:
            r.error(check.loc_of("steps"), f"{what}: flow {params['flow']} has no step {step!r}"
                    f"{did_you_mean(step, flags)}", "")
    for key, known, kind_name in (("events", spec.events, "event"), ("guards", spec.guards, "guard")):
        for name in params.get(key, ()):
            if name not in known:
                r.error(check.loc_of(key), f"{what}: unknown {kind_name} {name!r}{did_you_mean(name, known)}", "")
    if any(name not in spec.variables for name in params.get("within", {})):
        r.error(check.loc_of("within"), f"{what}: within names an unknown world variable", "")
    for note in (*params.get("notes", ()), *((params["note"],) if "note" in params else ())):
        if note not in spec.note_kinds:
            r.error(check.loc, f"{what}: unknown note kind {note!r}{did_you_mean(note, spec.note_kinds)}", "")
    # A counted variable (domain.counters) is forgotten by a configuration: only what a step adds to it is
    # known, so a check of its value would be skipped or compare against nothing.
    counted = {ref.name for ref in spec.domain.counters} if spec.domain else set()
    for key in ("keeps", "sets", "values", "within"):
        for name in params.get(key, ()):
            if name in counted:
                r.error(check.loc_of(key), f"{what}: {key}: {name!r} is counted (domain.counters), not kept: "
                        "a configuration does not know its value", "")
    variables = [*params.get("keeps", ()), *params.get("sets", {}), *params.get("values", {})]
    for name in variables:
        if name not in spec.variables:
            r.error(check.loc, f"{what}: unknown world variable {name!r}{did_you_mean(name, spec.variables)}", "")
    for key in ("adds_to", "takes_from"):
        if key in params and params[key] not in spec.variables:
            r.error(check.loc_of(key), f"{what}: {key}: unknown world variable {params[key]!r}"
                    f"{did_you_mean(params[key], spec.variables)}", "")
        elif key in params and spec.variables[params[key]].type != "int":
            r.error(check.loc_of(key), f"{what}: {key}: {params[key]!r} is not a whole-number world variable", "")
    for key in ("adds", "takes", *(("parameters",) if "parameters" in params else ())):
        for name in (params[key],) if isinstance(params.get(key), str) else params.get(key, ()):
            if name not in spec.parameters:
                r.error(check.loc_of(key), f"{what}: unknown parameter {name!r}{did_you_mean(name, spec.parameters)}",
                        "")
    if "screen" in params and params["screen"] not in spec.screens:
        r.error(check.loc_of("screen"), f"{what}: unknown screen {params['screen']!r}"
                f"{did_you_mean(params['screen'], spec.screens)}", "")
    if "event" in params and params["event"] not in spec.events:
        r.error(check.loc_of("event"), f"{what}: unknown event {params['event']!r}"
                f"{did_you_mean(params['event'], spec.events)}", "")
    kinds = ("closed", "menu", "query", "list", "note", "system")
    for name in params.get("on", ()):
        if name not in kinds:
            r.error(check.loc_of("on"), f"{what}: on: unknown screen kind {name!r}; one of {', '.join(kinds)}", "")
    for key in ("from", "to"):
        place = params.get(key)
        if place is None:
            continue
        if place["screen"] is not None and place["screen"] not in spec.screens:
            r.error(check.loc_of(key), f"{what}: {key}: unknown screen {place['screen']!r}"
                    f"{did_you_mean(place['screen'], spec.screens)}", "")
        if place["note"] is not None and place["note"] not in spec.note_kinds:
            r.error(check.loc_of(key), f"{what}: {key}: unknown note kind {place['note']!r}"
                    f"{did_you_mean(place['note'], spec.note_kinds)}", "")
        _check_conditions(spec, f"{what}: {key}: where", place["where"], r)
    _check_conditions(spec, f"{what}: where", params.get("where", ()), r)



def conditions_of(spec: Spec, written: tuple) -> tuple[Condition, ...]:
    """The comparisons a check parameter holds, ready to evaluate (the checker has reported bad ones)."""
    names = (*spec.variables, *spec.parameters)
    return tuple(Condition(text, names) for text, _loc in written)


def _check_conditions(spec: Spec, what: str, written: tuple, r: Reader) -> None:
    names = (*spec.variables, *spec.parameters)
    values = {value for variable in spec.variables.values() for value in variable.values}
    for text, loc in written:
        try:
            condition = Condition(text, names)
        except ValueError as exc:
            r.error(loc, f"{what}: {exc}", "")
            continue
        for name in sorted(condition.literals - values):
            r.error(loc, f"{what}: {name!r} in {text!r} is neither a world variable, a parameter nor a value of one"
                    f"{did_you_mean(name, [*names, *sorted(values)])}", "")
