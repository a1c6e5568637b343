"""Reading the ``views``, ``domain``, ``properties`` and ``notes`` sections into typed declarations.

Each section is described by tables (:class:`~simulator.spec.reader.Table`) and
read by the same :class:`~simulator.spec.reader.Reader` as the rest of the file.
What is checked here is the *shape*: keys, types, required parts. Whether a name
exists (a screen, an event, a world variable) is decided later against the whole
spec by :mod:`simulator.spec.resolve`.

A section's problems are kept in its declaration rather than raised: a spec with
a broken diagram or walk setting still loads, simulates and is reported whole by
``kmsflow check``; the stage that needs the section refuses it then.
"""
from __future__ import annotations

import re
from typing import Any

from ..errors import Loc, Problem
from .model import (CheckDecl, DomainBound, DomainDecl, DomainValues, FlowDecl, GuardLabel, HistoryStep,
                    NameChoice, NameRef, NoteKind, NotesDecl, PropertiesDecl, PropertyDecl, ValueExpr, ViewDecl,
                    ViewsDecl, WATCHED_CALLED)
from .reader import Field, Reader, Table, did_you_mean, type_name
from .renamed import RENAMED_KEYS, RENAMED_KINDS
from .yamlsafe import LDict, LList

__all__ = ["read_views", "read_domain", "read_properties", "read_notes", "OVERVIEW", "VIEW_NAME", "CHECK_PARAMS",
           "PARAM_KINDS", "BY_VALUES", "literal_problem"]

#: The name of the view that shows the whole spec.
OVERVIEW = "overview"
#: A view's name names its files: lower case, digits, '_' and '-'.
VIEW_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def literal_problem(value: Any) -> str | None:
    """Why ``value`` cannot stand for a walk value (a number, an enum value, an expression), or None."""
    if isinstance(value, bool):
        return f"{value!r} is not a value"
    if not isinstance(value, (int, str)):
        return f"expected a number, a name or an expression, found {value!r}"
    return None


def _names(r: Reader, value: Any, loc: Loc, bad: str) -> tuple[NameRef, ...] | None:
    """A name or a list of names, each with where it stands; None (and ``bad`` said) for anything else."""
    if isinstance(value, str):
        return (NameRef(value, loc),)
    if isinstance(value, LList) and all(isinstance(item, str) for item in value):
        return tuple(NameRef(item, value.loc_of(i)) for i, item in enumerate(value))
    r.error(loc, bad, "type")
    return None


# -- views ---------------------------------------------------------------------------

_NULL = type(None)
_VIEWS = Table({
    "guard_labels": Field((LDict, _NULL), "views: guard_labels: expected a mapping guard -> "
                                          "[as a condition, as an 'unless']"),
    "diagrams": Field((LList, _NULL), "views: diagrams: expected a list of views"),
}, unknown="views: unknown key {key!r}{suggestion}; expected {known_and}")
_VIEW = Table({key: Field() for key in ("name", "title", "doc", "screens", "account", "events", "start", "end",
                                        "path", "article")},
              unknown="view: unknown key {key!r}{suggestion}; expected one of: {known}")
_STATE_CODES = {"screen": "unknown-screen", "account state": "unknown-state", "event": "unknown-event"}


def read_views(path: str, data: Any, loc: Loc) -> ViewsDecl:
    """The ``views:`` section: a mapping (guard_labels, diagrams) or just the list of diagrams."""
    r = Reader(path)
    where = getattr(data, "loc", loc)
    labels: list[GuardLabel] = []
    diagrams: Any = None
    if isinstance(data, LDict):
        f = r.read(data, "views", _VIEWS)
        if f.get("guard_labels") is not None:
            labels = _read_guard_labels(r, f["guard_labels"])
        diagrams = f.get("diagrams")
    elif isinstance(data, LList):
        diagrams = data
    else:
        r.error(where, "views: expected a mapping (guard_labels, diagrams) or a list of views", "type")
    views = [_read_view(r, item, diagrams.loc_of(index)) for index, item in enumerate(diagrams or ())]
    return ViewsDecl(tuple(labels), tuple(v for v in views if v is not None), where, tuple(r.problems))


def _read_guard_labels(r: Reader, data: LDict) -> list[GuardLabel]:
    out = []
    for name, value in data.items():
        where = data.loc_of(name)
        if isinstance(value, str) and value.strip():
            out.append(GuardLabel(name, value, "", where))
        elif (isinstance(value, LList) and len(value) == 2
              and all(isinstance(v, str) and v.strip() for v in value)):
            out.append(GuardLabel(name, value[0], value[1], where))
        else:
            r.error(where, f"views: guard_labels: {name!r}: expected a short phrase, or a list of two phrases "
                    "[as a condition, as an 'unless']", "type")
    return out


def _read_view(r: Reader, item: Any, loc: Loc) -> ViewDecl | None:
    """One view, or None when it is unusable (the reason is recorded)."""
    if not isinstance(item, LDict):
        r.error(loc, "views: each view is a mapping with name, title, screens, ...", "type")
        return None
    r.read(item, "view", _VIEW)
    name = item.get("name")
    if not isinstance(name, str) or not VIEW_NAME.match(name):
        r.error(item.loc_of("name") if "name" in item else item.loc,
                "view: 'name' must be a lower-case name of letters, digits, '_' or '-' (it names the files)",
                "missing-key" if name is None else "bad-value")
        return None
    what = f"view {name!r}"
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        if not (name == OVERVIEW and title is None):  # the overview has a default title
            r.error(item.loc_of("title") if "title" in item else item.loc, f"{what}: 'title' must be text",
                    "missing-key" if title is None else "type")
            return None
    doc = item.get("doc", "")
    if not isinstance(doc, str):
        r.error(item.loc_of("doc"), f"{what}: 'doc' must be text", "type")
        return None
    nothing = NameChoice((), item.loc)
    if name == OVERVIEW:
        extra = [k for k in item if k not in ("name", "title", "doc")]
        if extra:
            r.error(item.loc_of(extra[0]), f"view 'overview' always shows the whole spec: it takes only title and "
                    f"doc, not {extra[0]!r}", "bad-value")
            return None
        return ViewDecl(name, title or "", doc, item.loc, nothing, nothing, None)
    screens = _read_choice(r, item, "screens", what, "screen")
    account = _read_choice(r, item, "account", what, "account state")
    events = _read_choice(r, item, "events", what, "event") if "events" in item else None
    if screens is None or account is None or ("events" in item and events is None):
        return None
    start = item.get("start")
    if start is not None and not isinstance(start, str):
        r.error(item.loc_of("start"), f"{what}: start {start!r} is not one of the view's screens or account states",
                "bad-value")
        return None
    end: tuple[NameRef, ...] = ()
    if item.get("end") is not None:
        end_refs = _names(r, item["end"], item.loc_of("end"), f"{what}: end must name screens or account states "
                          "of the view")
        if end_refs is None:
            return None
        end = end_refs
    path: tuple[NameRef, ...] | str | None = None
    if isinstance(item.get("path"), str) and item["path"].endswith((".yaml", ".yml")):
        path = item["path"]  # a scenario file, beside the spec
    elif item.get("path") is not None:
        path = _names(r, item["path"], item.loc_of("path"), f"{what}: path must list events from the view's start, "
                      "or name a scenario file (.yaml)")
        if path is None:
            return None
    article = item.get("article")
    if article is not None and (not isinstance(article, str) or path is None):
        r.error(item.loc_of("article"), f"{what}: article must name the article whose step numbers the path's "
                "steps carry (e.g. cancel for cancel.1 ...), and needs a path", "bad-value")
        return None
    return ViewDecl(name, title, doc, item.loc, screens, account, events,
                    NameRef(start, item.loc_of("start")) if start is not None else None, end, item.loc_of("end"),
                    path, item.loc_of("path") if "path" in item else None,
                    NameRef(article, item.loc_of("article")) if article is not None else None)


def _read_choice(r: Reader, item: LDict, key: str, what: str, kind: str) -> NameChoice | None:
    """``all``, one name, or a list of names; None (recorded) for anything else."""
    if key not in item:
        return NameChoice((), item.loc)
    value, loc = item[key], item.loc_of(key)
    if value == "all":
        return NameChoice((), loc, every=True)
    if isinstance(value, str):
        return NameChoice((NameRef(value, loc),), loc)
    if not isinstance(value, LList):
        r.error(loc, f"{what}: {key}: expected 'all' or a list of {kind} names", "type")
        return None
    refs, ok = [], True
    for index, name in enumerate(value):
        if isinstance(name, str):
            refs.append(NameRef(name, value.loc_of(index)))
        else:  # said as the resolver says an unknown name, so one mistake reads one way
            r.error(value.loc_of(index), f"{what}: {key}: unknown {kind} {name!r}", _STATE_CODES[kind])
            ok = False
    return NameChoice(tuple(refs), loc) if ok else None


# -- domain --------------------------------------------------------------------------

_DOMAIN = Table({
    "initial": Field((LDict,), "initial: expected a mapping of variable -> list of values"),
    "bounds": Field((LDict,), "bounds: expected a mapping of variable -> largest value"),
    "counters": Field((LList,), "counters: expected a list of world variable names"),
}, unknown="unknown key {key!r}{suggestion}")


def read_domain(path: str, data: Any, loc: Loc) -> DomainDecl:
    """The ``domain:`` section: start values and bounds (expressions kept as written) and counters."""
    r = Reader(path, "domain: ", "bad-domain")
    where = getattr(data, "loc", loc)
    if not isinstance(data, LDict):
        r.error(where, "expected a mapping with initial, bounds, counters", "type")
        return DomainDecl((), (), (), where, tuple(r.problems))
    f = r.read(data, "domain", _DOMAIN)
    initial = []
    for name, values in f.get("initial", {}).items():
        if not isinstance(values, LList) or not values:
            r.error(f["initial"].loc_of(name), f"{name}: expected a non-empty list of values", "type")
            continue
        exprs = []
        for index, text in enumerate(values):
            problem = literal_problem(text)
            if problem:
                r.error(values.loc_of(index), f"{name}: {problem}", "type")
            else:
                exprs.append(ValueExpr(text, values.loc_of(index)))
        initial.append(DomainValues(name, tuple(exprs), f["initial"].loc_of(name)))
    bounds = []
    for name, text in f.get("bounds", {}).items():
        where_bound = f["bounds"].loc_of(name)
        problem = literal_problem(text)
        if problem:
            r.error(where_bound, f"bounds: {name}: {problem}", "type")
        else:
            bounds.append(DomainBound(name, ValueExpr(text, where_bound), where_bound))
    counters = f.get("counters", LList())
    if not all(isinstance(c, str) for c in counters):
        r.error(data.loc_of("counters"), "counters: expected a list of world variable names", "type")
        counters = LList()
    return DomainDecl(tuple(initial), tuple(bounds),
                      tuple(NameRef(c, counters.loc_of(i)) for i, c in enumerate(counters)), where, tuple(r.problems))


# -- properties ----------------------------------------------------------------------

#: What each kind of check takes: (required parameters, optional parameters). The
#: kinds themselves, what they check, live with the walk (simulator.walk.properties).
CHECK_PARAMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "counter_rises_after_steps": (("flow", "steps"), ()),
    "steps_before_events": (("flow", "steps", "events"), ()),
    "counter_rises_only_when": ((), ("by", "guards", "within")),
    "never_below": (("values",), ()),
    "notes_keep_watched": (("flow", "notes"), ()),
    "events_keep_watched": (("events",), ()),
    "note_sets": (("note",), ("keeps", "sets")),
    "counter_rise_trades": ((), ("adds", "adds_to", "slack", "takes", "takes_from")),
    "home_reachable": ((), ()),
    "deterministic": ((), ()),
    "constraints_hold": (("guards",), ()),
    "within_ranges": ((), ()),
    "can_reach": (("from", "to"), ("by",)),
    "note_requires": (("note", "where"), ()),
    "returns_to_parent": (("events",), ("on",)),
    "parameters_vary": (("parameters",), ()),
    "offered_when": (("screen", "event", "where"), ()),
}

#: Parameters a kind takes only together (a side of counter_rise_trades: an amount and the variable it
#: goes to or comes from); a kind listed here needs at least one of its pairs.
PAIRED_PARAMS: dict[str, tuple[tuple[str, str], ...]] = {
    "counter_rise_trades": (("adds", "adds_to"), ("takes", "takes_from")),
}

#: How each check parameter is written, and what it names (said when it is missing).
#: name: one name; names: a name or a list; ranges: variable -> [lowest, highest];
#: minimums: variable -> whole number; values: variable -> value; choice: one of BY_VALUES.
PARAM_KINDS: dict[str, tuple[str, str]] = {
    "flow": ("name", "a flow"),
    "steps": ("names", "flow steps"),
    "events": ("names", "events"),
    "guards": ("names", "guards"),
    "notes": ("names", "note kinds"),
    "note": ("name", "a note kind"),
    "keeps": ("names", "variables"),
    "sets": ("values", "variable values"),
    "values": ("minimums", "variable minimums"),
    "within": ("ranges", "variable ranges"),
    "by": ("choice", "whose steps: user, environment or any"),
    "adds": ("name", "a parameter"),
    "adds_to": ("name", "a variable"),
    "slack": ("int", "a number"),
    "takes": ("name", "a parameter"),
    "takes_from": ("name", "a variable"),
    "from": ("place", "where it starts: a screen or note kind, and comparisons"),
    "to": ("place", "where it must get: a screen or note kind, and comparisons"),
    "where": ("conditions", "comparisons such as 'credit < price'"),
    "parameters": ("names", "parameters"),
    "on": ("names", "screen kinds"),
    "screen": ("name", "a screen"),
    "event": ("name", "an event"),
}
BY_VALUES = ("user", "environment", "any")

_PROPERTIES = Table({
    "watched": Field((LList,), "watched: expected a list of world variables"),
    "watched_called": Field((str,), "watched_called: expected the words that name the watched variables, "
                                    "such as 'the account'"),
    "counter": Field(),
    # Read, so they are not also unknown keys: read_properties says what they are called now.
    **{old: Field() for old in RENAMED_KEYS},
    "history": Field((LDict,), "history: expected a mapping of flow name -> screens and steps"),
    "must_hold": Field((LList,), "must_hold: expected a list of properties (name, text, check)"),
}, unknown="unknown key {key!r}{suggestion}")
_FLOW = Table({"screens": Field(), "steps": Field()}, unknown="{what}: unknown key {key!r}{suggestion}")
_STEP = Table({"screen": Field(), "event": Field()}, unknown="{what}: unknown key {key!r}{suggestion}")
_PROPERTY = Table({"name": Field(), "text": Field(), "check": Field()},
                  unknown="{what}: unknown key {key!r}{suggestion}")


def read_properties(path: str, data: Any, loc: Loc) -> PropertiesDecl:
    """The ``properties:`` section: the watched variables, the counter, remembered flows and the properties."""
    r = Reader(path, "properties: ", "bad-property")
    where = getattr(data, "loc", loc)
    if not isinstance(data, LDict):
        r.error(where, "expected a mapping with watched, watched_called, counter, history, must_hold", "type")
        return PropertiesDecl((), None, (), (), where, tuple(r.problems))
    f = r.read(data, "properties", _PROPERTIES)
    given = {key: (data[key], data.loc_of(key)) for key in ("watched", "counter") if key in data}
    for old, new in RENAMED_KEYS.items():
        if old in data:
            _renamed(r, data.loc_of(old), f"{old!r} was renamed {new!r}: write {new}: {_yaml_text(data[old])}"
                     + (" (and watched_called: the account, or your own words, to name them so in messages)"
                        if new == "watched" else ""), "renamed-key")
            # Read under its new name too, so a check that needs it does not say a second time that it is
            # missing: the renamed key is the one message.
            if isinstance(data[old], LList if new == "watched" else str):
                given.setdefault(new, (data[old], data.loc_of(old)))
    watched = []
    names = given["watched"][0] if isinstance(given.get("watched", (None,))[0], LList) else ()
    for index, name in enumerate(names):
        if isinstance(name, str):
            watched.append(NameRef(name, names.loc_of(index)))
        else:
            r.error(names.loc_of(index), f"watched: unknown world variable {name!r}", "type")
    counter = None
    value, at = given.get("counter", (None, where))
    if value is not None:
        if isinstance(value, str):
            counter = NameRef(value, at)
        else:
            r.error(at, f"counter: {value!r} is not a whole-number world variable", "type")
    called = f.get("watched_called", WATCHED_CALLED)
    if not called.strip():
        r.error(data.loc_of("watched_called"), "watched_called: is blank; give the words that name the watched "
                "variables in messages, such as 'the account', or leave it out", "type")
    flows = [_read_flow(r, name, body, f["history"].loc_of(name)) for name, body in f.get("history", {}).items()]
    must_hold: list[PropertyDecl] = []
    for index, item in enumerate(f.get("must_hold", ())):
        decl = _read_property(r, item, f["must_hold"].loc_of(index), must_hold)
        if decl is not None:
            must_hold.append(decl)
    return PropertiesDecl(tuple(watched), counter, tuple(flow for flow in flows if flow is not None),
                          tuple(must_hold), where, tuple(r.problems), called)


def _renamed(r: Reader, loc: Loc, message: str, code: str) -> None:
    # The section's reader gives every problem its own code; a renamed name keeps a code of its own, so
    # a team with an older spec (and a test) can tell "renamed" from "misspelt".
    r.problems.append(Problem(loc, "error", r.prefix + message, code))


def _yaml_text(value: Any) -> str:
    """A value as the spec would write it (a name, or a flow list of names), for a message."""
    if isinstance(value, LList):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return str(value)


def _read_flow(r: Reader, name: str, body: Any, loc: Loc) -> FlowDecl | None:
    if not isinstance(body, LDict) or not isinstance(body.get("screens"), LList) \
            or not isinstance(body.get("steps"), LDict):
        r.error(loc, f"history: {name}: expected screens (a list) and steps (flag -> screen and event)", "type")
        return None
    r.read(body, f"history: {name}", _FLOW)
    screens = []
    for index, screen in enumerate(body["screens"]):
        if isinstance(screen, str):
            screens.append(NameRef(screen, body["screens"].loc_of(index)))
        else:
            r.error(body["screens"].loc_of(index), f"history: {name}: unknown screen {screen!r}", "type")
    steps = []
    for flag, step in body["steps"].items():
        step_loc = body["steps"].loc_of(flag)
        if not isinstance(step, LDict) or "screen" not in step or "event" not in step:
            r.error(step_loc, f"history: {name}: step {flag!r}: expected {{screen: ..., event: ...}}", "type")
            continue
        r.read(step, f"history: {name}: step {flag!r}", _STEP)
        on = _names(r, step["screen"], step.loc_of("screen"),
                    f"history: {name}: step {flag!r}: screen: expected a screen name or a list of them")
        by = _names(r, step["event"], step.loc_of("event"),
                    f"history: {name}: step {flag!r}: event: expected an event name or a list of them")
        if on is not None and by is not None:
            steps.append(HistoryStep(flag, tuple(s.name for s in on), tuple(e.name for e in by), step_loc,
                                     step.loc_of("screen"), step.loc_of("event")))
    return FlowDecl(name, tuple(screens), tuple(steps), loc)


def _read_property(r: Reader, item: Any, loc: Loc, before: list[PropertyDecl]) -> PropertyDecl | None:
    if not isinstance(item, LDict) or not isinstance(item.get("name"), str) \
            or not isinstance(item.get("text"), str) or "check" not in item:
        r.error(loc, "must_hold: each property needs a name, its sentence (text) and a check", "type")
        return None
    name = item["name"]
    r.read(item, f"must_hold: {name}", _PROPERTY)
    if any(decl.name == name for decl in before):
        # Reported, yet kept: its checks are still read, so one run shows their problems too.
        r.error(loc, f"must_hold: property {name!r} is declared twice", "duplicate-name")
    raw_checks = item["check"] if isinstance(item["check"], LList) else [item["check"]]
    if not raw_checks:  # a property with nothing to check would "hold" without checking anything
        r.error(item.loc_of("check"), f"must_hold: {name}: check: is empty; give the property at least one "
                "check (a kind and its parameters)", "type")
    checks = [_read_check(r, check, item.loc_of("check")) for check in raw_checks]
    return PropertyDecl(name, item["text"], tuple(c for c in checks if c is not None), loc)


def _read_check(r: Reader, check: Any, loc: Loc) -> CheckDecl | None:
    kind = check.get("kind") if isinstance(check, LDict) else None
    if isinstance(kind, str) and kind in RENAMED_KINDS:
        new, params = RENAMED_KINDS[kind]
        moved = [f"{old}: -> {name}:" for old, name in params.items() if old in check]
        _renamed(r, check.loc_of("kind"), f"check: kind {kind!r} was renamed: write kind: {new}"
                 + (f", and rename its parameters {', '.join(moved)}" if moved else ""), "renamed-kind")
        return None
    if not isinstance(kind, str) or kind not in CHECK_PARAMS:
        r.error(getattr(check, "loc", loc), f"check: kind must be one of {', '.join(CHECK_PARAMS)}, found {kind!r}"
                f"{did_you_mean(str(kind), CHECK_PARAMS) if kind else ''}", "bad-value")
        return None
    required, optional = CHECK_PARAMS[kind]
    takes = ", ".join(required + optional) or "none"
    table = Table({"kind": Field(), **{p: Field() for p in required + optional}},
                  unknown=f"check {kind}: unknown parameter {{key!r}}; it takes {takes}", suggest=False)
    r.read(check, f"check {kind}", table)
    if any(p not in check for p in required):
        r.error(check.loc, f"check {kind}: needs " + _and(f"{p} ({PARAM_KINDS[p][1]})" for p in required),
                "missing-key")
    params = {}
    for key in required + optional:
        if key in check:
            value = _read_param(r, kind, key, check[key], check.loc_of(key))
            if value is not None:
                params[key] = value
    pairs = PAIRED_PARAMS.get(kind, ())
    for pair in pairs:
        if (pair[0] in check) != (pair[1] in check):
            r.error(check.loc, f"check {kind}: {pair[0]} and {pair[1]} go together: give both or neither",
                    "missing-key")
    if pairs and not any(a in check for pair in pairs for a in pair):
        r.error(check.loc, f"check {kind}: needs " + " or ".join(f"{a} and {b}" for a, b in pairs), "missing-key")
    # Kept even when a parameter is wrong (the section's problems say so), so the
    # names in its other parameters are still looked up and reported in the same run.
    return CheckDecl(kind, params, check.loc, dict(check.key_locs))


def _and(parts: Any) -> str:
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _read_param(r: Reader, kind: str, key: str, value: Any, loc: Loc) -> Any:
    """A check parameter as plain data (names as tuples), or None when its shape is wrong (recorded)."""
    how = PARAM_KINDS[key][0]
    what = f"check {kind}"
    if how == "name" and isinstance(value, str):
        return value
    if how == "names":
        names = _names(r, value, loc, f"{what}: {key}: expected a name or a list of names, found "
                       f"{type_name(value)}")
        return None if names is None else tuple(n.name for n in names)
    if how == "choice":
        if value in BY_VALUES:
            return value
        r.error(loc, f"{what}: by must be user, environment or any", "bad-value")
        return None
    if how == "ranges":
        if isinstance(value, LDict) and all(isinstance(v, LList) and len(v) == 2 and all(map(_whole, v))
                                            for v in value.values()):
            return {name: (low, high) for name, (low, high) in value.items()}
        r.error(loc, f"{what}: within maps variables to [lowest, highest] whole numbers", "type")
        return None
    if how == "minimums":
        if isinstance(value, LDict) and all(map(_whole, value.values())):
            return dict(value)
        r.error(loc, f"{what}: {key} maps variables to whole numbers", "type")
        return None
    if how == "values":
        if isinstance(value, LDict) and all(isinstance(v, (int, str)) and not isinstance(v, bool)
                                            for v in value.values()):
            return dict(value)
        r.error(loc, f"{what}: {key} maps variables to values", "type")
        return None
    if how == "int" and _whole(value):
        return value
    if how == "conditions":
        return _read_conditions(r, what, key, value, loc)
    if how == "place":
        if isinstance(value, LDict) and ("screen" in value or "note" in value) \
                and set(value) <= {"screen", "note", "where"} \
                and all(isinstance(value.get(k, ""), str) for k in ("screen", "note")):
            where = _read_conditions(r, what, f"{key}: where", value["where"], value.loc_of("where")) \
                if "where" in value else ()
            return {"screen": value.get("screen"), "note": value.get("note"), "where": where or ()}
        r.error(loc, f"{what}: {key}: expected {{screen: NAME or note: KIND, where: [comparisons]}}", "type")
        return None
    r.error(loc, f"{what}: {key}: expected {PARAM_KINDS[key][1]}, found {type_name(value)}", "type")
    return None


def _read_conditions(r: Reader, what: str, key: str, value: Any, loc: Loc) -> tuple | None:
    """Comparisons (a string or a list of them) with where each is written; read and looked up by
    simulator.spec.resolve, which knows the names."""
    items = value if isinstance(value, LList) else [value]
    out = []
    for index, text in enumerate(items):
        at = value.loc_of(index) if isinstance(value, LList) else loc
        if not isinstance(text, str):
            r.error(at, f"{what}: {key}: expected a comparison such as 'credit < price', found {type_name(text)}",
                    "type")
            continue
        out.append((text, at))
    return tuple(out)


# -- notes ---------------------------------------------------------------------------

_NOTE_KIND = Table({"doc": Field((str,), required=True), "says": Field()})


def read_notes(path: str, data: Any, loc: Loc) -> NotesDecl:
    """The ``notes:`` section: note kind -> the sentence of what it reports (doc) and its words (says).

    A kind is kept even when part of it is wrong (the section's problems say so),
    so the note screens are still checked against it in the same run.
    """
    r = Reader(path, "notes: ")
    where = getattr(data, "loc", loc)
    if not isinstance(data, LDict):
        r.error(where, "expected a mapping of note kind -> doc and says", "type")
        return NotesDecl({}, where, tuple(r.problems))
    kinds = {}
    for name, body in data.items():
        at = data.loc_of(name)
        if not isinstance(body, LDict):
            r.error(at, f"{name}: expected a mapping with doc (what the note reports) and says (the words its text "
                    f"uses), found {type_name(body)}", "type")
            continue
        f = r.read(body, name, _NOTE_KIND)
        kinds[name] = NoteKind(name, f.get("doc", ""), _read_says(r, name, body), at)
    return NotesDecl(kinds, where, tuple(r.problems))


def _read_says(r: Reader, name: str, body: LDict) -> tuple[str, ...]:
    """The words of a note kind: a non-empty list of words or phrases; () when absent or wrong (recorded)."""
    if "says" not in body:
        return ()
    value, at = body["says"], body.loc_of("says")
    if not isinstance(value, LList):
        r.error(at, f"{name}: says: expected a list of words or phrases (any one of which the note's text uses), "
                f"found {type_name(value)}", "type")
        return ()
    if not value:
        r.error(at, f"{name}: says: the list is empty; give at least one word or phrase", "bad-value")
    words = []
    for index, word in enumerate(value):
        if isinstance(word, str) and word.strip():
            words.append(word.strip())
        else:
            r.error(value.loc_of(index), f"{name}: says: expected a word or phrase, found "
                    f"{type_name(word) if not isinstance(word, str) else 'blank text'}", "type")
    return tuple(words)
