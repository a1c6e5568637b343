"""The spec's ``views:`` section: which diagrams to draw and what each one shows.

A view names screens and account states; it shows every transition whose
ends are both in the view (optionally only those of the events it lists), so a
new spec gets its diagrams without new code. Format::

    views:
      guard_labels:                 # how a guard reads on an edge: [as a condition, as an 'unless']
        license_valid: [license valid, license expired]
      diagrams:
        - name: overview            # always drawn; shows everything; the spec may set its title
          title: "Everything at a glance"
        - name: cancel
          title: "How to cancel the subscription"
          screens: [main_menu, additional_menu, license_menu, confirm_unsubscribe, note_cancelled]
          account: [active, cancelled]          # or: all
          events: [select_additional, press_yes, cancel]   # optional filter
          start: main_menu                      # where the flow starts (a screen or account state)
          end: [license_menu]                   # where it is over

A ``views:`` that is only a list is the ``diagrams`` list. A spec without
``views:`` gets the overview alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import Loc, Problem, SpecError
from ..spec.load import did_you_mean
from ..spec.model import Spec, Transition
from ..spec.yamlsafe import LDict, LList

__all__ = ["View", "ViewSet", "ViewEdge", "OVERVIEW", "ANY_STATE", "read_views", "load_views", "view_edges",
           "guard_phrase"]

#: The name of the view that shows the whole spec; it always exists.
OVERVIEW = "overview"
#: The drawn source of a transition that applies in every state (``source: "*"``).
ANY_STATE = "*"

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_VIEW_KEYS = ("name", "title", "doc", "screens", "account", "events", "start", "end")
_SECTION_KEYS = ("guard_labels", "diagrams")


@dataclass(frozen=True)
class View:
    """One diagram: its name (also the file name), title and the states it shows."""

    name: str
    title: str
    doc: str
    screens: tuple[str, ...]  # in spec order
    account_states: tuple[str, ...]  # in spec order
    events: tuple[str, ...] | None  # None: every event
    start: str | None
    ends: tuple[str, ...]
    loc: Loc

    @property
    def is_overview(self) -> bool:
        return self.name == OVERVIEW


@dataclass(frozen=True)
class ViewSet:
    """The views of a spec (overview first, then in spec order) and how guards read on edges."""

    views: tuple[View, ...]
    guard_labels: dict[str, tuple[str, str]]

    def get(self, name: str) -> View:
        for view in self.views:
            if view.name == name:
                return view
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [view.name for view in self.views]


@dataclass(frozen=True)
class ViewEdge:
    """One drawn arrow: a transition from one of its sources (``*`` = every state) to where it leads."""

    transition: Transition
    source: str
    dest: str

    @property
    def key(self) -> str:
        """Stable element id: the transition id and the source it leaves (a transition may have several)."""
        return f"{self.transition.id}@{self.source}"


def guard_phrase(spec: Spec, labels: dict[str, tuple[str, str]], transition: Transition) -> str:
    """The guards of ``transition`` as a reader says them: ``online and license expired``; '' if none."""
    parts = [labels.get(name, (_humanise(name), ""))[0] for name in transition.conditions]
    for name in transition.unless:
        when, unless = labels.get(name, (_humanise(name), ""))
        parts.append(unless or f"not {when}")
    return " and ".join(parts)


def _humanise(name: str) -> str:
    return name.replace("_", " ")


def _default_overview(spec: Spec, title: str = "", doc: str = "", loc: Loc | None = None) -> View:
    account = tuple(spec.account.states) if spec.account else ()
    return View(OVERVIEW, title or f"Overview: {spec.title}", doc, tuple(spec.screens), account, None,
                spec.initial_screen, (), loc or Loc(spec.path))


def read_views(spec: Spec) -> tuple[ViewSet, list[Problem]]:
    """Parse ``spec.extra['views']``; return the views and every problem found (errors only)."""
    problems: list[Problem] = []

    def error(loc: Loc, message: str, code: str) -> None:
        problems.append(Problem(loc, "error", message, code))

    raw = spec.extra.get("views")
    diagrams: Any = None
    guard_labels: dict[str, tuple[str, str]] = {}
    if isinstance(raw, LDict):
        for key in raw:
            if key not in _SECTION_KEYS:
                error(raw.loc_of(key), f"views: unknown key {key!r}{did_you_mean(key, _SECTION_KEYS)}; expected "
                      f"{' and '.join(_SECTION_KEYS)}", "unknown-key")
        diagrams = raw.get("diagrams")
        labels = raw.get("guard_labels")
        if labels is not None:
            guard_labels = _read_guard_labels(spec, labels, raw.loc_of("guard_labels"), error)
        if diagrams is not None and not isinstance(diagrams, LList):
            error(raw.loc_of("diagrams"), "views: diagrams: expected a list of views", "type")
            diagrams = None
    elif isinstance(raw, LList):
        diagrams = raw
    elif raw is not None:
        error(_section_loc(spec), "views: expected a mapping (guard_labels, diagrams) or a list of views", "type")

    views: list[View] = []
    overview: View | None = None
    seen: dict[str, Loc] = {}
    for index, item in enumerate(diagrams or []):
        loc = diagrams.loc_of(index)
        view = _read_view(spec, item, loc, error)
        if view is None:
            continue
        if view.name in seen:
            error(view.loc, f"views: duplicate view name {view.name!r} (first at line {seen[view.name].line})",
                  "duplicate-name")
            continue
        seen[view.name] = view.loc
        if view.is_overview:
            overview = view
        else:
            views.append(view)
    overview = overview or _default_overview(spec)
    return ViewSet((overview, *views), guard_labels), problems


def load_views(spec: Spec) -> ViewSet:
    """The views of ``spec``; raises SpecError when the ``views:`` section has a problem."""
    views, problems = read_views(spec)
    if problems:
        raise SpecError(sorted(problems))
    return views


def view_edges(spec: Spec, view: View) -> list[ViewEdge]:
    """The arrows ``view`` shows: transitions whose both ends are in it (and whose event it lists), spec order."""
    screens, states = set(view.screens), set(view.account_states)
    edges: list[ViewEdge] = []
    for t in spec.all_transitions():
        if view.events is not None and t.trigger not in view.events:
            continue
        shown = screens if t.region == "screens" else states
        if not shown:
            continue
        for source in t.sources:
            if source != ANY_STATE and source not in shown:
                continue
            dest = source if t.dest is None else t.dest
            if dest == ANY_STATE or dest in shown:
                edges.append(ViewEdge(t, source, dest))
    return edges


# -- reading one view ---------------------------------------------------------------

def _section_loc(spec: Spec) -> Loc:
    raw = spec.extra.get("views")
    return getattr(raw, "loc", Loc(spec.path))


def _read_guard_labels(spec: Spec, data: Any, loc: Loc, error) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    if not isinstance(data, LDict):
        error(loc, "views: guard_labels: expected a mapping guard -> [as a condition, as an 'unless']", "type")
        return out
    for name, value in data.items():
        where = data.loc_of(name)
        if name not in spec.guards:
            error(where, f"views: guard_labels: unknown guard {name!r}{did_you_mean(name, spec.guards)}",
                  "unknown-guard")
            continue
        if isinstance(value, str) and value.strip():
            out[name] = (value, "")
        elif (isinstance(value, LList) and len(value) == 2
              and all(isinstance(v, str) and v.strip() for v in value)):
            out[name] = (value[0], value[1])
        else:
            error(where, f"views: guard_labels: {name!r}: expected a short phrase, or a list of two phrases "
                  "[as a condition, as an 'unless']", "type")
    return out


def _names(value: Any, loc: Loc, what: str, known: dict | list, kind: str, error) -> tuple[str, ...] | None:
    """A list of known names, or ``all``; None when the value is unusable (reported)."""
    if value == "all":
        return tuple(known)
    if isinstance(value, str):
        value_list = [value]
        locs = [loc]
    elif isinstance(value, LList):
        value_list = list(value)
        locs = [value.loc_of(i) for i in range(len(value))]
    else:
        error(loc, f"{what}: expected 'all' or a list of {kind} names", "type")
        return None
    chosen: set[str] = set()
    ok = True
    for name, where in zip(value_list, locs):
        if not isinstance(name, str) or name not in known:
            error(where, f"{what}: unknown {kind} {name!r}{did_you_mean(str(name), known)}",
                  "unknown-screen" if kind == "screen" else f"unknown-{kind.split()[-1]}")
            ok = False
        elif name in chosen:
            error(where, f"{what}: {kind} {name!r} is listed twice", "duplicate-name")
        else:
            chosen.add(name)
    # Spec order, not list order: the drawing must not change when a view lists names differently.
    return tuple(name for name in known if name in chosen) if ok else None


def _read_view(spec: Spec, item: Any, loc: Loc, error) -> View | None:
    if not isinstance(item, LDict):
        error(loc, "views: each view is a mapping with name, title, screens, ...", "type")
        return None
    for key in item:
        if key not in _VIEW_KEYS:
            error(item.loc_of(key), f"view: unknown key {key!r}{did_you_mean(key, _VIEW_KEYS)}; expected one of: "
                  f"{', '.join(_VIEW_KEYS)}", "unknown-key")
    name = item.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        error(item.loc_of("name") if "name" in item else item.loc,
              "view: 'name' must be a lower-case name of letters, digits, '_' or '-' (it names the files)",
              "missing-key" if name is None else "bad-value")
        return None
    what = f"view {name!r}"
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        if not (name == OVERVIEW and title is None):
            error(item.loc_of("title") if "title" in item else item.loc, f"{what}: 'title' must be text",
                  "missing-key" if title is None else "type")
            return None
    doc = item.get("doc", "")
    if not isinstance(doc, str):
        error(item.loc_of("doc"), f"{what}: 'doc' must be text", "type")
        return None
    if name == OVERVIEW:
        extra = [k for k in item if k not in ("name", "title", "doc")]
        if extra:
            error(item.loc_of(extra[0]), f"view 'overview' always shows the whole spec: it takes only title and "
                  f"doc, not {extra[0]!r}", "bad-value")
            return None
        return _default_overview(spec, title or "", doc, item.loc)
    account_states = list(spec.account.states) if spec.account else []
    screens = _names(item.get("screens", LList()), item.loc_of("screens"), f"{what}: screens", list(spec.screens),
                     "screen", error)
    states = _names(item.get("account", LList()), item.loc_of("account"), f"{what}: account", account_states,
                    "account state", error)
    events = None
    if "events" in item:
        events = _names(item["events"], item.loc_of("events"), f"{what}: events", list(spec.events), "event", error)
        if events is None:
            return None
    if screens is None or states is None:
        return None
    if not screens and not states:
        error(item.loc, f"{what}: shows nothing; list screens and/or account states", "empty-view")
        return None
    shown = set(screens) | set(states)
    start = item.get("start")
    if start is not None and (not isinstance(start, str) or start not in shown):
        error(item.loc_of("start"), f"{what}: start {start!r} is not one of the view's screens or account states"
              f"{did_you_mean(str(start), shown)}", "bad-value")
        return None
    ends_raw = item.get("end")
    ends: tuple[str, ...] = ()
    if ends_raw is not None:
        end_list = [ends_raw] if isinstance(ends_raw, str) else list(ends_raw) if isinstance(ends_raw, LList) else None
        if end_list is None or any(not isinstance(e, str) or e not in shown for e in end_list):
            error(item.loc_of("end"), f"{what}: end must name screens or account states of the view", "bad-value")
            return None
        ends = tuple(dict.fromkeys(end_list))
    return View(name, title, doc, screens, states, events, start, ends, item.loc)
