"""Stage two of loading: the position-aware YAML data becomes a :class:`Spec`.

Each section is read with a small declarative field table, so an unknown key,
a missing key or a value of the wrong type is reported at its own line, with a
did-you-mean for near misses. Every problem in the file is collected before
anything is raised, so one run of ``kmsflow check`` shows them all.
Cross-references (unknown screen, guard, ...) are :mod:`simulator.spec.check`'s job.
The ``views``, ``domain``, ``properties`` and ``notes`` sections are read by
:mod:`simulator.spec.sections`, whose problems stay with the section.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from ..errors import KmsflowError, Loc, SpecError
from .model import (EVENT_KINDS, PLAY_WORDS, SOFTKEYS, Assumption, Event, KbStep, Named, Parameter, Region, Screen,
                    Spec, Transition, Variable)
from .memory import paused_gc
from .reader import Reader, did_you_mean, key_locs
from .rule_expr import EFFECT_KEY, GUARD_KEY, is_plain_name
from .sections import read_domain, read_notes, read_properties, read_views
from .yamlsafe import LDict, LList, load_yaml_file

__all__ = ["load_spec", "did_you_mean", "SCREEN_KINDS"]

SCREEN_KINDS = ("closed", "menu", "query", "list", "note", "system")

_STR = (str,)
_INT = (int,)


# -- sections ---------------------------------------------------------------------

_TOP_REQUIRED = {"spec": _STR, "title": _STR, "world": (LDict,), "events": (LDict,),
                 "screens": (LList,), "transitions": (LList,)}
_TOP_OPTIONAL = {"rules": _STR, "source": (LDict,), "parameters": (LDict,), "constraints": (), "kb_steps": (LList,),
                 "assumptions": (LList,), "guards": (LDict,), "effects": (LDict,), "account": (LDict,),
                 "home": _STR, "views": (), "properties": (), "domain": (), "notes": (), "description": _STR,
                 "device": _STR}
# The sections the later stages build on (and notes) take any value here: their own
# tables (simulator.spec.sections) say what is wrong inside them, without stopping the load.


def _read_parameter(r: Reader, name: str, value: Any, loc: Loc) -> Parameter | None:
    if r.mapping(value, loc, f"parameter {name!r}") is None:
        return None
    f = r.fields(value, f"parameter {name!r}", {"default": _INT}, {"doc": _STR, "tester": _STR})
    if "default" not in f:
        return None
    return Parameter(name, f["default"], f.get("doc", ""), loc, f.get("tester", ""))


def _read_variable(r: Reader, name: str, value: Any, loc: Loc) -> Variable | None:
    what = f"world variable {name!r}"
    if r.mapping(value, loc, what) is None:
        return None
    f = r.fields(value, what, {"type": _STR, "initial": (int, str)},
                 {"values": (LList,), "min": _INT, "max": _INT, "doc": _STR, "tester": (str, LDict)})
    if "type" not in f or "initial" not in f:
        return None
    kind, initial = f["type"], f["initial"]
    if kind == "enum":
        values = r.names(f.get("values"), value.loc_of("values"), f"{what}: values")
        if not values:
            r.error(value.loc_of("values"), f"{what}: an enum needs a non-empty list 'values'", "missing-key")
            return None
        if len(set(values)) != len(values):
            r.error(value.loc_of("values"), f"{what}: values repeat a name", "duplicate-name")
        if initial not in values:
            r.error(value.loc_of("initial"), f"{what}: initial {initial!r} is not one of {list(values)}"
                    f"{did_you_mean(initial, values)}", "bad-value")
        return Variable(name, kind, initial, f.get("doc", ""), loc, values=values, tester=_tester(f))
    if kind == "int":
        low, high = f.get("min"), f.get("max")
        if not isinstance(initial, int) or (low is not None and initial < low) or (high is not None and initial > high):
            r.error(value.loc_of("initial"), f"{what}: initial must be a whole number within its bounds", "bad-value")
        return Variable(name, kind, initial, f.get("doc", ""), loc, min=low, max=high, tester=_tester(f))
    r.error(value.loc_of("type"), f"{what}: type must be 'int' or 'enum', found {kind!r}", "bad-value")
    return None


def _tester(f: dict) -> str | dict[str, str]:
    """A variable's tester words: a template, or a mapping value -> phrase (checked by simulator.walk.phrases)."""
    tester = f.get("tester", "")
    return {str(k): str(v) for k, v in tester.items()} if isinstance(tester, LDict) else tester


def _read_named(r: Reader, what: str) -> Callable[[str, Any, Loc], Named | None]:
    # A sentence alone (a rule book implements it), or {doc: sentence, when|do: its expression}.
    code_key = GUARD_KEY if what == "guard" else EFFECT_KEY

    def build(name: str, value: Any, loc: Loc) -> Named | None:
        if isinstance(value, LDict):
            f = r.fields(value, f"{what} {name!r}", {"doc": _STR}, {code_key: _STR})
            if "doc" not in f:
                return None
            code = f.get(code_key)
            return Named(name, f["doc"], loc, code, value.loc_of(code_key) if code is not None else None)
        if r.is_type(value, _STR, loc, f"{what} {name!r}: the sentence that defines it, or a mapping with doc: "
                     f"and {code_key}:"):
            return Named(name, value, loc)
        return None
    return build


def _written_out(r: Reader, value: Any, loc: Loc, texts: tuple[str, ...]) -> list[tuple[str, Loc]]:
    """The guards or effects of a list (``conditions: [...]``) written as expressions, with their places."""
    out = []
    for index, text in enumerate(texts):
        if not is_plain_name(text):
            out.append((text, value.loc_of(index) if isinstance(value, LList) else loc))
    return out


def _read_event(r: Reader, name: str, value: Any, loc: Loc) -> Event | None:
    what = f"event {name!r}"
    if r.mapping(value, loc, what) is None:
        return None
    f = r.fields(value, what, {"kind": _STR},
                 {"label": _STR, "doc": _STR, "softkey": _STR, "item": _STR, "tester": _STR, "command": _STR,
                  "clock": _STR})
    if "kind" not in f:
        return None
    if f["kind"] not in EVENT_KINDS:
        r.error(value.loc_of("kind"), f"{what}: kind must be one of {', '.join(EVENT_KINDS)}, found {f['kind']!r}"
                f"{did_you_mean(f['kind'], EVENT_KINDS)}", "bad-value")
        return None
    if "softkey" in f and f["softkey"] not in SOFTKEYS:
        r.error(value.loc_of("softkey"), f"{what}: softkey must be left or right, found {f['softkey']!r}",
                "bad-value")
    if "item" in f and not f["item"].strip():
        r.error(value.loc_of("item"), f"{what}: item must be the label of a menu item", "bad-value")
    for key in ("softkey", "item"):
        if key in f and f["kind"] != "user":
            r.error(value.loc_of(key), f"{what}: only a user event is pressed or selected; a {f['kind']} event "
                    f"has no {key}", "bad-value")
    for key in ("command", "clock"):  # words a person types in play, and the unit time passes in
        if key not in f:
            continue
        if f["kind"] != "environment":
            r.error(value.loc_of(key), f"{what}: only an environment event (a change of the world) has a {key}",
                    "bad-value")
        elif not re.fullmatch(r"[a-z]+( [a-z]+)*" if key == "command" else r"[a-z]+", f[key]):
            r.error(value.loc_of(key), f"{what}: {key} must be lower-case words{' (one word)' * (key == 'clock')}, "
                    f"found {f[key]!r}", "bad-value")
        elif key == "command" and f[key].split()[0] in PLAY_WORDS:
            r.error(value.loc_of(key), f"{what}: {f[key]!r} begins with a word kmsflow play already uses "
                    f"({', '.join(sorted(PLAY_WORDS))})", "bad-value")
    if "clock" in f and not f.get("command", "").isalpha():
        r.error(value.loc_of("clock"), f"{what}: a clock needs a one-word command (the unit in the singular, such "
                "as command: day), for play's 'day N'", "missing-key")
    return Event(name, f["kind"], f.get("label", name.replace("_", " ")), f.get("doc", ""), loc,
                 softkey=f.get("softkey"), item=f.get("item"), tester=f.get("tester", ""),
                 command=f.get("command", ""), clock=f.get("clock", ""))


def _check_commands(r: Reader, events: dict[str, Event]) -> None:
    """Each play command names one event, and one event at most is the clock."""
    seen: dict[str, str] = {}
    for event in events.values():
        if event.command and event.command in seen:
            r.error(event.loc, f"event {event.name!r}: command {event.command!r} is already event "
                    f"{seen[event.command]!r}'s", "duplicate-name")
        seen.setdefault(event.command, event.name)
    clocks = [event for event in events.values() if event.clock]
    for event in clocks[1:]:
        r.error(event.loc, f"event {event.name!r}: only one event can be the clock; {clocks[0].name!r} already is",
                "duplicate-name")


_SCREEN_REQUIRED = {"name": _STR, "kind": _STR}
_SCREEN_OPTIONAL = {"title": _STR, "parent": _STR, "text": _STR, "status": _STR, "caption": _STR, "items": (LList,),
                    "softkeys": (LList,), "note": _STR, "doc": _STR, "initial": (bool,), "assumption": (str, LList)}


def _read_screen(r: Reader, data: LDict, loc: Loc) -> Screen | None:
    name = data["name"]
    what = f"screen {name!r}"
    f = r.fields(data, what, _SCREEN_REQUIRED, _SCREEN_OPTIONAL)
    if "kind" not in f:
        return None
    if f["kind"] not in SCREEN_KINDS:
        r.error(data.loc_of("kind"), f"{what}: kind must be one of {', '.join(SCREEN_KINDS)}, found {f['kind']!r}"
                f"{did_you_mean(f['kind'], SCREEN_KINDS)}", "bad-value")
        return None
    softkeys = r.names(f["softkeys"], data.loc_of("softkeys"), f"{what}: softkeys") if "softkeys" in f else ()
    if "softkeys" in f and len(softkeys) != 2:
        r.error(data.loc_of("softkeys"), f"{what}: softkeys must be [left, right] (use \"\" for none)", "bad-value")
        softkeys = ("", "")
    screen = Screen(name, f["kind"], f.get("title", name.replace("_", " ").capitalize()), loc,
                    parent=f.get("parent"), text=f.get("text", ""), status=f.get("status", ""),
                    caption=f.get("caption", ""),
                    items=r.names(f["items"], data.loc_of("items"), f"{what}: items") if "items" in f else (),
                    softkeys=tuple(softkeys) if softkeys else ("", ""), note=f.get("note"), doc=f.get("doc", ""),
                    initial=bool(f.get("initial")),
                    assumptions=(r.names(f["assumption"], data.loc_of("assumption"), f"{what}: assumption")
                                 if "assumption" in f else ()),
                    key_locs=key_locs(data))
    return screen


_TRANSITION_KEYS = {"trigger": _STR, "source": (str, LList), "dest": (str, type(None)),
                    "conditions": (str, LList), "unless": (str, LList), "before": (str, LList),
                    "after": (str, LList), "send": (str, LList), "kb": (str, LList),
                    "assumption": (str, LList), "doc": _STR, "id": _STR}
_TRANSITION_REQUIRED = {k: v for k, v in _TRANSITION_KEYS.items() if k in ("trigger", "source")}
_TRANSITION_OPTIONAL = {k: v for k, v in _TRANSITION_KEYS.items() if k not in ("trigger", "source")}
# The keys of a transition that hold a name or a list of names, and those whose names may be written out
# as expressions (guards and effects).
_NAME_LIST_KEYS = ("conditions", "unless", "before", "after", "send", "kb", "assumption")
_WRITTEN_KINDS = (("conditions", "guard"), ("unless", "guard"), ("before", "effect"), ("after", "effect"))


def _read_transitions(r: Reader, data: Any, loc: Loc, region: str, what: str,
                      written: list[tuple[str, str, Loc]] | None = None) -> list[Transition]:
    """The transitions; conditions and effects written out as expressions are added to ``written``
    as (guard|effect, text, place)."""
    out: list[Transition] = []
    if not r.is_type(data, (LList,), loc, what):
        return out
    seen_ids: dict[str, Transition] = {}
    counts: dict[tuple[str, str], int] = {}
    prefix = "account." if region == "account" else ""
    # This loop runs for every transition (150,000 in a 50,000-screen spec): a place is looked up only
    # where a problem is reported, and a single name is read without the general list reader.
    for index, (item, item_loc) in enumerate(zip(data, data.item_locs)):
        if type(item) is not LDict and r.mapping(item, item_loc, f"{what} entry") is None:
            continue
        f = r.fields(item, f"transition at line {item_loc.line}", _TRANSITION_REQUIRED, _TRANSITION_OPTIONAL)
        if "trigger" not in f or "source" not in f:
            continue
        source = f["source"]
        sources = (source,) if type(source) is str else r.names(source, item.loc_of("source"), "source")
        if not sources:
            r.error(item.loc_of("source"), "source: expected at least one state name", "missing-key")
            continue
        key = (sources[0], f["trigger"])
        count = counts[key] = counts.get(key, 0) + 1
        default_id = f"{prefix}{'any' if sources == ('*',) else '|'.join(sources)}.{f['trigger']}"
        if count > 1:
            default_id += f".{count}"
        transition_id = f.get("id", default_id)
        if transition_id in seen_ids:
            r.error(item.loc_of("id") if "id" in item else item_loc,
                    f"transition id {transition_id!r} is used twice (first at line {seen_ids[transition_id].loc.line})",
                    "duplicate-name")
            continue
        names = {}
        for k in _NAME_LIST_KEYS:
            value = f.get(k)
            names[k] = () if value is None else (value,) if type(value) is str else r.names(value, item.loc_of(k), k)
        if written is not None:
            for k, kind in _WRITTEN_KINDS:
                if names[k]:
                    written += [(kind, text, at) for text, at in _written_out(r, f[k], item.loc_of(k), names[k])]
        transition = Transition(
            id=transition_id, region=region, trigger=f["trigger"], sources=sources, dest=f.get("dest"),
            loc=item_loc, conditions=names["conditions"], unless=names["unless"], before=names["before"],
            after=names["after"], send=names["send"], kb=names["kb"], assumptions=names["assumption"],
            doc=f.get("doc", ""), key_locs=key_locs(item))
        seen_ids[transition_id] = transition
        out.append(transition)
        # The entry is read: let it go now rather than with the whole file (a big spec's peak memory held
        # both, 150,000 entries at 50,000 screens); nothing reads the transitions' raw data again.
        data[index] = None
    return out


def _read_account(r: Reader, data: LDict, written: list[tuple[str, str, Loc]]) -> Region | None:
    f = r.fields(data, "account", {"variable": _STR, "states": (LDict,), "transitions": (LList,)},
                 {"doc": _STR, "called": _STR})
    if len(f.get("called", "x").split()) == 0:
        r.error(data.loc_of("called"), "account: called: expected the words readers call this part, such as "
                "account, found nothing", "bad-value")
    if not {"variable", "states", "transitions"} <= f.keys():  # a missing one is already a problem
        return None
    states, state_locs = {}, {}
    for name, sentence in f["states"].items():
        if r.is_type(sentence, _STR, f["states"].loc_of(name), f"account state {name!r}: its sentence"):
            states[name] = sentence
            state_locs[name] = f["states"].loc_of(name)
    transitions = _read_transitions(r, f["transitions"], data.loc_of("transitions"), "account", "account transitions",
                                    written)
    return Region(f["variable"], states, state_locs, transitions, data.loc, f.get("called", "").strip())


def load_spec(path: str | None = None, data: bytes | None = None) -> Spec:
    """Read a spec file into a :class:`Spec`.

    Raises SpecError with every syntax and shape problem found. Cross-reference
    and graph problems are reported by :func:`simulator.check.check_spec`.
    Without ``path``, the project's spec (:func:`~.project.project_spec_path`).
    ``data``: the file's bytes when the caller has read them already
    (:func:`~.yamlsafe.read_input_bytes`), so that what it read is what is loaded.
    """
    if not path:
        from .project import project_spec_path
        path = project_spec_path()
    with paused_gc():  # a big spec is a million small objects and no cycles (see simulator.spec.memory)
        return _load(path, data)


def _load(path: str, raw: bytes | None) -> Spec:
    try:
        data = load_yaml_file(path, raw)
    except KmsflowError as exc:
        raise SpecError(exc.problems) from None
    r = Reader(path)
    if r.mapping(data, getattr(data, "loc", Loc(path, 1, 1)), "spec file") is None:
        raise SpecError(r.problems)
    top = r.fields(data, "spec", _TOP_REQUIRED, _TOP_OPTIONAL)
    loc = data.loc_of
    parameters = r.named_map(top.get("parameters"), loc("parameters"), "parameters",
                             lambda n, v, at: _read_parameter(r, n, v, at))
    variables = r.named_map(top.get("world"), loc("world"), "world", lambda n, v, at: _read_variable(r, n, v, at))
    for name in variables:
        if name in parameters:
            r.error(variables[name].loc, f"world variable {name!r} has the name of a parameter", "duplicate-name")
    kb_steps = r.named_list(top.get("kb_steps"), loc("kb_steps"), "kb_steps", lambda d, at: _read_kb_step(r, d, at))
    assumptions = r.named_list(top.get("assumptions"), loc("assumptions"), "assumptions",
                               lambda d, at: _read_assumption(r, d, at))
    guards = r.named_map(top.get("guards"), loc("guards"), "guards", _read_named(r, "guard"))
    effects = r.named_map(top.get("effects"), loc("effects"), "effects", _read_named(r, "effect"))
    events = r.named_map(top.get("events"), loc("events"), "events", lambda n, v, at: _read_event(r, n, v, at))
    _check_commands(r, events)
    screens = r.named_list(top.get("screens"), loc("screens"), "screens", lambda d, at: _read_screen(r, d, at),
                           key="name")
    initial = [s.name for s in screens.values() if s.initial]
    if len(initial) != 1 and "screens" in top:
        r.error(loc("screens"), f"screens: exactly one screen must say 'initial: true' (found {len(initial)})",
                "initial")
    written: list[tuple[str, str, Loc]] = []  # guards and effects written in place of a name
    transitions = (_read_transitions(r, top["transitions"], loc("transitions"), "screens", "transitions", written)
                   if "transitions" in top else [])
    account = _read_account(r, top["account"], written) if "account" in top else None
    constraints = r.names(top.get("constraints"), loc("constraints"), "constraints")
    written += [("guard", text, at) for text, at in _written_out(r, top.get("constraints"), loc("constraints"),
                                                                  constraints)]
    for kind, text, at in written:
        declared = guards if kind == "guard" else effects
        if text not in declared:  # the same text twice is one guard
            declared[text] = Named(text, text, at, text, at)
    # Where the flow comes from, shown as "key: value" lines: plain text or numbers, nothing nested.
    source = r.named_map(top.get("source"), loc("source"), "source",
                         lambda n, v, at: str(v) if r.is_type(v, (str, int, float), at, f"source {n!r}") else None)
    if r.problems:
        raise SpecError(sorted(r.problems))
    home = top.get("home", initial[0])
    return Spec(
        name=top["spec"], title=top["title"], path=path, rules=top.get("rules", ""),
        source=source,
        parameters=parameters, variables=variables, constraints=constraints, kb_steps=kb_steps,
        assumptions=assumptions, guards=guards, effects=effects, events=events, screens=screens,
        initial_screen=initial[0], home_screen=home, transitions=transitions, account=account,
        views=read_views(path, data.get("views"), loc("views")) if data.get("views") is not None else None,
        domain=read_domain(path, data.get("domain"), loc("domain")) if data.get("domain") is not None else None,
        properties=(read_properties(path, data.get("properties"), loc("properties"))
                    if data.get("properties") is not None else None),
        notes=read_notes(path, data.get("notes"), loc("notes")) if data.get("notes") is not None else None,
        description=top.get("description", ""), device=top.get("device", "device"),
        key_locs=key_locs(data), plain_strings=getattr(data, "plain_strings", False),
    )


def _read_kb_step(r: Reader, data: LDict, loc: Loc) -> KbStep:
    f = r.fields(data, f"kb step {data['id']!r}", {"id": _STR, "section": _STR, "text": _STR}, {})
    return KbStep(data["id"], f.get("section", ""), f.get("text", ""), loc)


def _read_assumption(r: Reader, data: LDict, loc: Loc) -> Assumption:
    f = r.fields(data, f"assumption {data['id']!r}",
                 {"id": _STR, "title": _STR, "decision": _STR, "alternative": _STR, "why": _STR}, {})
    return Assumption(data["id"], f.get("title", ""), f.get("decision", ""), f.get("alternative", ""),
                      f.get("why", ""), loc)
