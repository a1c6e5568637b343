"""The structural diff: which elements of a spec were added, removed or changed.

Every element is matched by what it is, never by where it stands in the file:
screens, events, guards, effects, parameters, world variables and the rest by
their names or ids; a transition by its region, sources, trigger, destination
and guards (``conditions`` and ``unless``, in any order). Reordering a section,
or writing the same value another way (flow or block style, quotes, comments,
``source: a`` or ``source: [a]``), is no change at all.

What is compared is the loaded spec, so every difference knows where it
stands: each :class:`Change` carries the place of the changed key in the new
file, or of the removed element in the old one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import Loc
from ..spec.model import CheckDecl, NameChoice, NameRef, Spec, Transition, ValueExpr
from ..spec.yamlsafe import plain_data

__all__ = ["Change", "structural_changes", "transition_key", "transition_name", "CHANGE_KINDS"]

#: The three kinds of change, in the order a report lists them.
CHANGE_KINDS = ("removed", "added", "changed")


@dataclass(frozen=True)
class Change:
    """One difference: an element added or removed, or one part (``part``) of an element changed."""

    change: str  # one of CHANGE_KINDS
    element: str  # "screen", "transition", "account transition", "event", ...
    name: str  # how readers name the element: "note_served", "confirm --press_no--> menu"
    loc: Loc  # in the new file; in the old one for a removed element
    part: str = ""  # for a change: which part ("text", "softkeys", "default", ...)
    old: Any = None  # plain data (JSON-ready); None for an added element
    new: Any = None  # plain data; None for a removed element

    def text(self, longest: int | None = None) -> str:
        """One line: ``changed screen note_cancelled text: "old" -> "new"``, each value cut at ``longest``."""
        what = f"{self.change} {self.element} {self.name}"
        if self.change == "changed":
            return f"{what} {self.part}: {_show(self.old, longest)} -> {_show(self.new, longest)}"
        return what

    def to_json(self) -> dict[str, Any]:
        return {"change": self.change, "element": self.element, "name": self.name, "part": self.part or None,
                "old": self.old, "new": self.new, "where": str(self.loc)}


def _show(value: Any, longest: int | None = None) -> str:
    if value is None:
        text = "(none)"
    elif isinstance(value, str):
        text = '""' if not value else repr(value) if '"' in value else f'"{value}"'
    elif isinstance(value, list):
        text = "[" + ", ".join(_show(item) if not isinstance(item, str) else item for item in value) + "]"
    else:
        text = str(value).replace("'", "")
    return text if longest is None or len(text) <= longest else text[:longest - 1] + "…"


def _plain(value: Any) -> Any:
    """A value as plain JSON-ready data: tuples become lists, names and expressions their text."""
    if isinstance(value, (NameRef, ValueExpr)):
        return value.name if isinstance(value, NameRef) else value.text
    if isinstance(value, NameChoice):
        return "all" if value.every else [ref.name for ref in value.names]
    if isinstance(value, CheckDecl):
        return {"kind": value.kind, **_plain(dict(value.params))}
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], Loc):
        return _plain(value[0])  # a comparison or name kept with its place: the text is what counts
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value if not isinstance(item, Loc)]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return plain_data(value)


@dataclass(frozen=True)
class _Element:
    """What the diff compares of one element: its readable name, its parts and where each stands."""

    element: str
    name: str
    loc: Loc
    parts: dict[str, Any]
    part_locs: dict[str, Loc]


def transition_key(t: Transition) -> tuple:
    """What a transition is: region, sources, trigger, destination and guards (order of the guards ignored)."""
    return (t.region, tuple(sorted(t.sources)), t.trigger, t.dest, tuple(sorted(set(t.conditions))),
            tuple(sorted(set(t.unless))))


def transition_name(t: Transition) -> str:
    """``confirm --press_yes [credit_covers_price]--> note_served`` (an internal one: ``(stays)``)."""
    guards = [*t.conditions, *(f"not {g}" for g in t.unless)]
    label = t.trigger + (f" [{', '.join(guards)}]" if guards else "")
    sources = t.sources[0] if len(t.sources) == 1 else "[" + ", ".join(t.sources) + "]"
    return f"{sources} --{label}--> {t.dest if t.dest is not None else '(stays)'}"


def _element(element: str, name: str, loc: Loc, parts: dict[str, Any], locs: dict[str, Loc] | None = None) -> _Element:
    return _Element(element, name, loc, {key: _plain(value) for key, value in parts.items()}, locs or {})


def _transitions(spec: Spec, element: str, transitions: list[Transition]) -> dict[tuple, _Element]:
    out: dict[tuple, _Element] = {}
    for t in transitions:
        key = (element, transition_key(t))
        n = 1
        while key + (n,) in out:  # the same transition twice: matched in order of appearance
            n += 1
        parts = {"before": t.before, "after": t.after, "send": t.send, "kb": t.kb, "assumptions": t.assumptions,
                 "doc": t.doc}
        locs = {part: t.loc_of("assumption" if part == "assumptions" else part) for part in parts}
        out[key + (n,)] = _element(element, transition_name(t), t.loc, parts, locs)
    return out


def _elements(spec: Spec) -> dict[tuple, _Element]:
    """Every element of ``spec`` that a diff compares, keyed by what it is."""
    out: dict[tuple, _Element] = {}

    def add(element: str, key: Any, name: str, loc: Loc, parts: dict[str, Any], locs: dict[str, Loc] | None = None):
        out[(element, key)] = _element(element, name, loc, parts, locs)

    top = {"name": spec.name, "title": spec.title, "rules": spec.rules, "home": spec.home_screen,
           "initial screen": spec.initial_screen, "description": spec.description, "source": spec.source}
    top_keys = {"name": "spec", "home": "home", "initial screen": "screens"}
    add("spec", "", spec.name, spec.loc_of("spec"), top, {part: spec.loc_of(top_keys.get(part, part)) for part in top})
    for p in spec.parameters.values():
        add("parameter", p.name, p.name, p.loc, {"default": p.default, "doc": p.doc})
    for v in spec.variables.values():
        add("world variable", v.name, v.name, v.loc,
            {"type": v.type, "values": v.values, "min": v.min, "max": v.max, "initial": v.initial, "doc": v.doc})
    for name in spec.constraints:
        add("constraint", name, name, spec.loc_of("constraints"), {})
    for step in spec.kb_steps.values():
        add("article step", step.id, step.id, step.loc, {"section": step.section, "text": step.text})
    for a in spec.assumptions.values():
        add("assumption", a.id, a.id, a.loc,
            {"title": a.title, "decision": a.decision, "alternative": a.alternative, "why": a.why})
    for kind, named in (("guard", spec.guards), ("effect", spec.effects)):
        for item in named.values():  # the rule itself too, where the spec writes it as an expression
            add(kind, item.name, item.name, item.loc, {"sentence": item.doc, "expression": item.code},
                {"expression": item.code_loc or item.loc})
    for e in spec.events.values():
        add("event", e.name, e.name, e.loc,
            {"kind": e.kind, "label": e.label, "doc": e.doc, "softkey": e.softkey, "item": e.item})
    for s in spec.screens.values():
        parts = {"kind": s.kind, "title": s.title, "text": s.text, "status": s.status, "caption": s.caption,
                 "items": s.items, "softkeys": s.softkeys, "note": s.note, "parent": s.parent, "doc": s.doc,
                 "initial": s.initial, "assumptions": s.assumptions}
        locs = {part: s.loc_of("assumption" if part == "assumptions" else part) for part in parts}
        add("screen", s.name, s.name, s.loc, parts, locs)
    out.update(_transitions(spec, "transition", spec.transitions))
    if spec.account is not None:
        region = spec.account
        add("account", "", region.variable, region.loc, {"variable": region.variable})
        for state, sentence in region.states.items():
            add("account state", state, state, region.state_locs.get(state, region.loc), {"sentence": sentence})
        out.update(_transitions(spec, "account transition", region.transitions))
    _walk_sections(spec, add)
    return out


def _walk_sections(spec: Spec, add) -> None:
    """The sections the diagrams, the walk and the notes build on."""
    if spec.views is not None:
        for label in spec.views.guard_labels:
            add("guard label", label.guard, label.guard, label.loc, {"when": label.when, "unless": label.unless})
        for view in spec.views.diagrams:
            add("view", view.name, view.name, view.loc,
                {"title": view.title, "doc": view.doc, "screens": view.screens, "account": view.account,
                 "events": view.events, "start": view.start, "end": view.end})
    if spec.domain is not None:
        domain = spec.domain
        parts: dict[str, Any] = {f"initial {entry.variable}": entry.values for entry in domain.initial}
        parts.update({f"bound {bound.variable}": bound.value for bound in domain.bounds})
        parts["counters"] = domain.counters
        locs = {f"initial {entry.variable}": entry.loc for entry in domain.initial}
        locs.update({f"bound {bound.variable}": bound.loc for bound in domain.bounds})
        add("domain", "", "domain", domain.loc, parts, locs)
    if spec.properties is not None:
        props = spec.properties
        add("properties", "", "properties", props.loc,
            {"watched": props.watched, "watched called": props.watched_called, "counter": props.counter})
        for flow in props.history:
            add("remembered flow", flow.name, flow.name, flow.loc,
                {"screens": flow.screens,
                 "steps": {step.flag: {"screens": step.screens, "events": step.events} for step in flow.steps}})
        for prop in props.must_hold:
            add("property", prop.name, prop.name, prop.loc, {"text": prop.text, "checks": prop.checks})
    if spec.notes is not None:
        for kind in spec.notes.kinds.values():
            add("note kind", kind.name, kind.name, kind.loc, {"doc": kind.doc, "says": kind.says})


def structural_changes(old: Spec, new: Spec) -> list[Change]:
    """Every element removed from ``old``, added in ``new`` or changed between them.

    Removed elements come first (in the old file's order), then added and
    changed ones in the new file's order, so the list reads down each file.
    """
    before, after = _elements(old), _elements(new)
    changes: list[Change] = []
    for key, element in before.items():
        if key not in after:
            changes.append(Change("removed", element.element, element.name, element.loc))
    for key, element in after.items():
        if key not in before:
            changes.append(Change("added", element.element, element.name, element.loc))
            continue
        was = before[key]
        for part, value in element.parts.items():
            if was.parts.get(part) != value:
                changes.append(Change("changed", element.element, element.name,
                                      element.part_locs.get(part, element.loc), part, was.parts.get(part), value))
        for part in was.parts:
            if part not in element.parts:  # a domain entry or bound no longer written
                changes.append(Change("changed", element.element, element.name, element.loc, part,
                                      was.parts[part], None))
    return sorted(changes, key=lambda c: (c.change != "removed", c.loc.line if c.change != "removed" else 0,
                                          c.loc.line, c.loc.col))
