"""The spec's ``views:`` section: which diagrams to draw and what each one shows.

A view names screens and account states; it shows every transition whose
ends are both in the view (optionally only those of the events it lists), so a
new spec gets its diagrams without new code. Format::

    views:
      guard_labels:                 # how a guard reads on an edge: [as a condition, as an 'unless']
        pin_taken: [keypad ready, keypad locked out]
      diagrams:
        - name: overview            # always drawn; shows everything; the spec may set its title
          title: "Everything at a glance"
        - name: lockout
          title: "How wrong PINs lock the keypad"
          screens: [keypad, note_wrong_pin, note_locked_out]
          account: [ready, locked_out]          # or: all
          events: [enter_wrong_pin, press_ok, lock_out]   # optional filter
          start: keypad                         # where the flow starts (a screen or account state)
          end: [keypad]                         # where it is over
          path: [enter_wrong_pin, press_ok, enter_wrong_pin]
                                                # drawn numbered (or: path: scenarios/lockout.yaml)
          article: lockout                      # its steps numbered as the source's lockout.1 ... lockout.3

A ``views:`` that is only a list is the ``diagrams`` list. A spec without
``views:`` gets the overview alone.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Loc, Problem, SpecError, UsageError
from ..spec.model import Spec, Transition
from ..spec.resolve import resolve_views
from ..spec.sections import OVERVIEW

__all__ = ["View", "ViewSet", "ViewEdge", "OVERVIEW", "ANY_STATE", "read_views", "load_views", "view_edges", "edge_key",
           "guard_phrase"]

#: The drawn source of a transition that applies in every state (``source: "*"``).
ANY_STATE = "*"


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
    path: tuple[str, ...] | str | None = None  # the how-to path: events from start, or a scenario file
    article: str | None = None  # the path's steps carry this article's step numbers

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
        raise UsageError(Problem(Loc("--view"), "error", f"unknown view {name!r}; the spec has "
                                 f"{', '.join(v.name for v in self.views)}", "unknown-view"))

    @property
    def names(self) -> list[str]:
        return [view.name for view in self.views]


def edge_key(transition_id: str, source: str) -> str:
    """The id of a drawn arrow: the transition and the source it leaves (a transition may have several)."""
    return f"{transition_id}@{source}"


@dataclass(frozen=True)
class ViewEdge:
    """One drawn arrow: a transition from one of its sources (``*`` = every state) to where it leads."""

    transition: Transition
    source: str
    dest: str

    @property
    def key(self) -> str:
        """Stable element id: the transition id and the source it leaves (a transition may have several)."""
        return edge_key(self.transition.id, self.source)


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
    """The views ``spec`` declares and every problem of its ``views:`` section (errors only).

    A view with a problem is left out; the overview is always there.
    """
    resolved, guard_labels, problems = resolve_views(spec)
    views: list[View] = []
    overview: View | None = None
    for item in resolved:
        decl = item.decl
        if decl.is_overview:
            overview = _default_overview(spec, decl.title, decl.doc, decl.loc)
        else:
            views.append(View(decl.name, decl.title, decl.doc, item.screens, item.account_states, item.events,
                              item.start, item.ends, decl.loc, item.path, item.article))
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
