"""A small drawing model between the spec and the renderers: nodes, edges, clusters, legend.

:func:`build_diagram` turns a spec and one of its views into a
:class:`Diagram`; :func:`with_path` and :func:`with_coverage` return a copy
carrying an overlay. The renderers (:mod:`simulator.draw.render_dot`,
:mod:`simulator.draw.render_mermaid`) only read this model, so both formats say
the same thing, and nothing here runs the machine: a diagram is drawn from the
spec, never from a live state machine.

Element ids are stable and readable, and tests match them against the spec:
``screen:<name>``, ``account:<state>``, ``account:*`` (every account state),
``edge:<transition id>@<source>``, ``start:<name>``, ``end:<name>``.
Everything comes out in spec order, so the same spec gives the same text.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field, replace
from typing import Any

from ..choices import TAG_CHOICES
from ..spec.model import Screen, Spec, Transition
from ..spec.texts import initial_values, reader_names, region_noun, screen_texts, source_noun
from .run_path import Path
from .views import ANY_STATE, View, ViewSet, guard_phrase, view_edges

__all__ = ["Node", "Edge", "Cluster", "LegendEntry", "Diagram", "build_diagram", "with_path", "with_coverage",
           "with_diff", "path_views", "ACCOUNT_CLUSTER", "coverage_band", "with_options", "TAG_CHOICES"]

ACCOUNT_CLUSTER = "account"
_WRAP = 30


@dataclass(frozen=True)
class Node:
    """A state drawn as a box: a screen, an account state, or a start/end marker."""

    id: str
    kind: str  # "screen" | "account" | "any" | "start" | "end"
    name: str
    title: str
    lines: tuple[str, ...] = ()
    shape: str = ""  # the screen kind (menu, query, ...) or the node kind
    cluster: str | None = None
    tooltip: str = ""
    mark: str = ""  # overlay: "visited" | "final" | "covered" | "uncovered" | "added" | "removed" | "changed"
    count: int | None = None
    was: tuple[str, ...] = ()  # diff overlay: the old title and lines of a changed box, drawn struck through


@dataclass(frozen=True)
class Edge:
    """An arrow: one transition from one source, or a start/end marker's arrow (``transition_id`` None)."""

    id: str
    source: str  # node id
    dest: str  # node id
    event: str = ""
    guard: str = ""
    effect: str = ""
    refs: str = ""  # the small label: article steps, or the assumption ids of an assumption-only edge
    tooltip: str = ""
    dashed: bool = False  # added by an assumption, not by the article
    transition_id: str | None = None
    mark: str = ""  # overlay: "path" | "off-path" | "covered" | "uncovered" | "added" | "removed" | "changed"
    steps: tuple[int, ...] = ()
    count: int | None = None
    was: str = ""  # diff overlay: the old label of a changed arrow, drawn struck through
    backward: bool = False  # leads back towards the start: layout should not rank by it
    loop_index: int = 0  # the n-th arrow from a node to itself (0 for other arrows)

    @property
    def is_transition(self) -> bool:
        return self.transition_id is not None


@dataclass(frozen=True)
class Cluster:
    """A group of nodes: a menu and what opens from it, one flow, or the account region."""

    id: str
    label: str
    parent: str | None
    kind: str  # "menu" | "flow" | "account"
    meaning: str = ""  # what the legend says its nodes are (the account region's)


@dataclass(frozen=True)
class LegendEntry:
    sample: str  # a key the renderers know how to draw (e.g. "edge-dashed", "screen-query")
    meaning: str


@dataclass(frozen=True)
class Diagram:
    name: str
    title: str
    subtitle: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    clusters: tuple[Cluster, ...]
    legend: tuple[LegendEntry, ...]
    overlay: str = ""  # "" | "path" | "coverage" | "diff"
    caption: str = ""  # what the overlay shows
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    source: str = "source"  # what the spec's steps retell, in its own word ("article"): the legend names it

    def node(self, node_id: str) -> Node:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)


# -- ids -------------------------------------------------------------------------------

def screen_id(name: str) -> str:
    return f"screen:{name}"


def account_id(name: str) -> str:
    return f"account:{name}"


def _state_id(spec: Spec, name: str) -> str:
    return screen_id(name) if name in spec.screens else account_id(name)


# -- building --------------------------------------------------------------------------

def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, _WRAP) if text else []


def _screen_node(screen: Screen, cluster: str | None, name: str, values: dict[str, Any]) -> Node:
    """A screen's box: its name for readers on top, then what it shows, filled from ``values``."""
    title, status, text = screen_texts(screen, values)
    lines: list[str] = []
    lines += _wrap(status)
    lines += _wrap(text)
    lines += [f"• {item}" for item in screen.items]
    if screen.kind == "system":
        lines += _wrap(screen.doc) or ["(the app works by itself)"]
    keys = [key for key in screen.softkeys if key]
    if keys:
        lines.append(f"[{' | '.join(keys)}]")
    tooltip = " ".join(part for part in (title, status, text, screen.doc) if part)
    return Node(screen_id(screen.name), "screen", screen.name, name, tuple(lines), screen.kind, cluster,
                f"{tooltip} (screen {screen.name})")


def _effect_phrase(spec: Spec, t: Transition) -> str:
    parts = [name.replace("_", " ") for name in t.effects]
    noun = region_noun(spec)  # a signal goes to the second region, named as the spec names it
    parts += [f"{noun}: {spec.events[s].label if s in spec.events else s}" for s in t.send]
    return ", ".join(parts)


def _edge(spec: Spec, views: ViewSet, t: Transition, source: str, dest: str) -> Edge:
    event = spec.events[t.trigger].label if t.trigger in spec.events else t.trigger
    guard = guard_phrase(spec, views.guard_labels, t)
    effect = _effect_phrase(spec, t)
    refs = ", ".join(t.kb) if t.kb else ", ".join(t.assumptions)
    tip = [event + (f" [{guard}]" if guard else "") + (f" / {effect}" if effect else "")]
    tip += [f"when: {spec.guards[g].doc}" for g in t.conditions if g in spec.guards]
    tip += [f"unless: {spec.guards[g].doc}" for g in t.unless if g in spec.guards]
    tip += [f"{source_noun(spec)} {k}: {spec.kb_steps[k].text}" for k in t.kb if k in spec.kb_steps]
    tip += [f"assumption {a}: {spec.assumptions[a].title}" for a in t.assumptions if a in spec.assumptions]
    if t.doc:
        tip.append(t.doc)
    tip.append(f"(transition {t.id})")
    source_id = account_id(ANY_STATE) if source == ANY_STATE else _region_id(t, source)
    dest_id = account_id(ANY_STATE) if dest == ANY_STATE else _region_id(t, dest)
    return Edge(f"edge:{t.id}@{source}", source_id, dest_id, event, guard, effect, refs, "\n".join(tip),
                dashed=not t.kb and bool(t.assumptions), transition_id=t.id)


def _region_id(t: Transition, name: str) -> str:
    return screen_id(name) if t.region == "screens" else account_id(name)


def _menu_clusters(spec: Spec, view: View, names: dict[str, str]) -> tuple[dict[str, str | None], list[Cluster]]:
    """Each shown screen's cluster: a screen with shown children opens a cluster of its own."""
    shown = set(view.screens)

    def shown_parent(name: str) -> str | None:
        seen = set()
        parent = spec.screens[name].parent
        while parent is not None and parent not in shown and parent not in seen and parent in spec.screens:
            seen.add(parent)
            parent = spec.screens[parent].parent
        return parent if parent in shown else None

    parents = {name: shown_parent(name) for name in view.screens}
    has_children = {p for p in parents.values() if p is not None}
    clusters = [Cluster(f"menu_{name}", names[name],
                        f"menu_{parents[name]}" if parents[name] else None, "menu")
                for name in view.screens if name in has_children]
    membership: dict[str, str | None] = {}
    for name in view.screens:
        if name in has_children:
            membership[name] = f"menu_{name}"
        else:
            membership[name] = f"menu_{parents[name]}" if parents[name] else None
    return membership, clusters


def _flow_clusters(spec: Spec, views: ViewSet, view: View, membership: dict[str, str | None],
                   clusters: list[Cluster]) -> None:
    """In the overview, the leaf screens that belong to exactly one flow view are grouped under its title."""
    flows = [v for v in views.views if not v.is_overview]
    menu_ids = {c.id for c in clusters}
    for name in view.screens:
        if f"menu_{name}" in menu_ids:
            continue
        owners = [v for v in flows if name in v.screens]
        if len(owners) != 1:
            continue
        parent = membership[name]
        cluster_id = f"flow_{owners[0].name}" + (f"_in_{parent}" if parent else "")
        if cluster_id not in {c.id for c in clusters}:
            clusters.append(Cluster(cluster_id, owners[0].title, parent, "flow"))
        membership[name] = cluster_id


def build_diagram(spec: Spec, views: ViewSet, view: View, values: dict[str, Any] | None = None) -> Diagram:
    """The drawing of ``view``: its screens and account states, their transitions, title and legend.

    Screens are named for readers (screens sharing a title told apart) and their
    texts are filled from ``values`` (default: the spec's initial world and default
    parameters, so the same spec always draws the same text).
    """
    values = initial_values(spec) if values is None else values
    names = reader_names(spec, values)
    membership, clusters = _menu_clusters(spec, view, names)
    if view.is_overview:
        _flow_clusters(spec, views, view, membership, clusters)
    nodes = [_screen_node(spec.screens[name], membership[name], names[name], values) for name in view.screens]
    edges = [_edge(spec, views, e.transition, e.source, e.dest) for e in view_edges(spec, view)]
    region = spec.account
    if view.account_states and region is not None:
        # Titled as the spec calls the region ("Account: VARIABLE"), else by its variable alone.
        variable = region.variable.replace("_", " ")
        title = f"{region.called[0].upper()}{region.called[1:]}: {region.variable}" if region.called else \
            f"In the background: {region.variable}"
        meaning = f"{region.called} state (value of the {variable})" if region.called else \
            f"{variable} state (in the background)"
        clusters.append(Cluster(ACCOUNT_CLUSTER, title, None, "account", meaning))
        for state in view.account_states:
            nodes.append(Node(account_id(state), "account", state, state, tuple(_wrap(region.states[state])),
                              "account", ACCOUNT_CLUSTER, f"{region.variable} = {state}: {region.states[state]}"))
        if any(e.source == account_id(ANY_STATE) for e in edges):
            nodes.append(Node(account_id(ANY_STATE), "any", ANY_STATE, "in any state", (), "any", ACCOUNT_CLUSTER,
                              f"Transitions drawn here apply whatever the {region_noun(spec)} is."))
    cluster_of = {n.id: n.cluster for n in nodes}
    starts: list[str] = [view.start] if view.start else []
    if view.is_overview and region is not None and region.variable in spec.variables and view.account_states:
        starts.append(str(spec.variables[region.variable].initial))
    for name in starts:
        target = _state_id(spec, name)
        start_id = f"start:{name}"
        nodes.append(Node(start_id, "start", name, "start", (), "start", cluster_of.get(target),
                          f"The flow starts at {name}."))
        edges.append(Edge(f"edge:start@{name}", start_id, target, tooltip=f"starts at {name}"))
    for name in view.ends:
        source = _state_id(spec, name)
        end_id = f"end:{name}"
        nodes.append(Node(end_id, "end", name, "end", (), "end", cluster_of.get(source),
                          f"The flow is over at {name}."))
        edges.append(Edge(f"edge:{name}@end", source, end_id, tooltip=f"the flow is over at {name}"))
    edges = _layout_hints(nodes, edges)
    subtitle = view.doc or (f"{spec.title}" if not view.is_overview else "")
    diagram = Diagram(view.name, view.title, subtitle, tuple(nodes), tuple(edges), tuple(clusters), (),
                      source=source_noun(spec))
    return replace(diagram, legend=_legend(diagram))


def _layout_hints(nodes: list[Node], edges: list[Edge]) -> list[Edge]:
    """Mark arrows that lead back to a state nearer the start, and number self-loops per node.

    Distance is counted from the start markers (then from the first node of
    each part not reached), following arrows in spec order, so the hint is
    deterministic. A flow then reads top-down: a menu, the menu it opens, the question there, ...
    """
    successors: dict[str, list[str]] = {}
    for edge in edges:
        successors.setdefault(edge.source, []).append(edge.dest)
    depth: dict[str, int] = {}
    # Start markers first; then states no arrow enters (where a part without a start marker begins),
    # then the rest in spec order.
    entered = {edge.dest for edge in edges if edge.source != edge.dest}
    roots = ([n.id for n in nodes if n.kind == "start"] + [n.id for n in nodes if n.id not in entered]
             + [n.id for n in nodes])
    for root in roots:
        if root in depth:
            continue
        depth[root] = 0
        frontier = [root]
        while frontier:
            following = []
            for node_id in frontier:
                for nxt in successors.get(node_id, []):
                    if nxt not in depth:
                        depth[nxt] = depth[node_id] + 1
                        following.append(nxt)
            frontier = following
    loops: dict[str, int] = {}
    hinted = []
    for edge in edges:
        if edge.source == edge.dest:
            loops[edge.source] = loops.get(edge.source, 0) + 1
            edge = replace(edge, loop_index=loops[edge.source])
        elif depth.get(edge.dest, 0) <= depth.get(edge.source, 0) and edge.is_transition:
            edge = replace(edge, backward=True)
        hinted.append(edge)
    return hinted


# -- overlays --------------------------------------------------------------------------

def path_views(views: ViewSet, spec: Spec, path: Path) -> list[View]:
    """The views a path passes through (one of their arrows is a step); the overview when none is."""
    keys = {step.key for step in path.steps}
    chosen = [v for v in views.views if keys & {e.key for e in view_edges(spec, v)}]
    return chosen or [views.views[0]]


def with_path(diagram: Diagram, path: Path) -> Diagram:
    """A copy of ``diagram`` with ``path`` drawn on it: numbered steps, visited states, the final ones."""
    numbers: dict[str, list[int]] = {}
    for step in path.steps:  # a step numbered 0 (a signal, or not one of the article's) is drawn without a number
        numbers.setdefault(f"edge:{step.key}", []).extend([step.number] if step.number else [])
    finals = {screen_id(path.final_screen)} | ({account_id(path.final_account)} if path.final_account else set())
    visited = {screen_id(n) for n in path.visited} | {account_id(n) for n in path.visited}
    nodes = []
    for node in diagram.nodes:
        if node.kind in ("screen", "account"):
            mark = "final" if node.id in finals else "visited" if node.id in visited else ""
            node = replace(node, mark=mark)
        nodes.append(node)
    edges = []
    for edge in diagram.edges:
        if edge.is_transition:
            steps = tuple(numbers.get(edge.id, ()))
            edge = replace(edge, steps=steps, mark="path" if edge.id in numbers else "off-path")
        edges.append(edge)
    counted = sum(1 for step in path.steps if step.number)
    caption = f"Path: {path.name} ({counted} steps{'' if path.passed else '; the scenario FAILED'})"
    drawn = replace(diagram, nodes=tuple(nodes), edges=tuple(edges), overlay="path", caption=caption)
    return replace(drawn, legend=_legend(drawn))


#: Coverage colour bands: (lowest count, name); the renderers map names to colours.
_BANDS = ((10, "cov-high"), (4, "cov-mid"), (2, "cov-low"), (1, "cov-once"), (0, "cov-none"))


def coverage_band(count: int) -> str:
    """The colour band of a coverage count: cov-none (never passed), cov-once, cov-low, cov-mid, cov-high."""
    return next(name for low, name in _BANDS if count >= low)


def with_coverage(diagram: Diagram, coverage: dict[str, Any], sources: str) -> Diagram:
    """A copy of ``diagram`` coloured by ``coverage`` (the kmsflow-coverage/1 record); counts on edges."""
    nodes = []
    for node in diagram.nodes:
        if node.kind == "screen":
            count = coverage["screens"].get(node.name, 0)
            node = replace(node, count=count, mark="covered" if count else "uncovered")
        nodes.append(node)
    edges = []
    for edge in diagram.edges:
        if edge.is_transition:
            count = coverage["transitions"].get(edge.transition_id, 0)
            edge = replace(edge, count=count, mark="covered" if count else "uncovered")
        edges.append(edge)
    caption = f"Coverage of {coverage['traces']} trace(s) from {sources}"
    drawn = replace(diagram, nodes=tuple(nodes), edges=tuple(edges), overlay="coverage", caption=caption)
    return replace(drawn, legend=_legend(drawn))


def with_diff(base: Diagram, nodes: list[Node], edges: list[Edge], clusters: list[Cluster], caption: str) -> Diagram:
    """A drawing of what changed between two versions of a view (see :mod:`simulator.diff.drawn`).

    ``nodes`` and ``edges`` are both versions' elements merged, each marked
    ``added``, ``removed`` (drawn where it was) or ``changed`` (its old label
    in ``was``), unmarked when the same; ``base`` gives the title. Self-loops and
    arrows leading back are worked out again for the merged drawing.
    """
    drawn = replace(base, nodes=tuple(nodes), edges=tuple(_layout_hints(nodes, [replace(e, loop_index=0, backward=False)
                                                                                for e in edges])),
                    clusters=tuple(clusters), overlay="diff", caption=caption)
    return replace(drawn, legend=_legend(drawn))



def with_options(diagram: Diagram, tags: str = "all", only_article: bool = False) -> Diagram:
    """A copy of ``diagram`` as a writer asks for it: ``tags`` (see :data:`TAG_CHOICES`) on the arrows, and with
    ``only_article`` only what the article describes (the arrows that assumptions alone add are left out)."""
    edges = []
    for edge in diagram.edges:
        if only_article and edge.is_transition and edge.dashed:
            continue
        if tags == "none" or (tags == "steps" and edge.dashed):
            edge = replace(edge, refs="")
        edges.append(edge)
    drawn = replace(diagram, edges=tuple(edges))
    return replace(drawn, legend=_legend(drawn))


# -- legend ----------------------------------------------------------------------------

_SCREEN_MEANINGS = {
    "menu": "menu screen (items, softkeys)",
    "query": "question (Yes / No)",
    "list": "list to pick from",
    "note": "message the user closes with OK",
    "system": "the app works by itself (no key pressed)",
    "closed": "app closed",
}


def _legend(diagram: Diagram) -> tuple[LegendEntry, ...]:
    """Only what this diagram uses, in a fixed order."""
    shapes = {n.shape for n in diagram.nodes}
    entries = [LegendEntry(f"screen-{kind}", meaning) for kind, meaning in _SCREEN_MEANINGS.items() if kind in shapes]
    if "account" in shapes:  # the spec's own words name the states: the engine has no word for them
        meaning = next((c.meaning for c in diagram.clusters if c.id == ACCOUNT_CLUSTER and c.meaning),
                       "state in the background")
        entries.append(LegendEntry("account", meaning))
    transitions = [e for e in diagram.edges if e.is_transition]
    tagged = any(e.refs for e in transitions)
    if any(not e.dashed for e in transitions):
        entries.append(LegendEntry("edge-solid", "event [guard] / effect" + (f"; small: {diagram.source} step"
                                                                             if tagged else "")))
    if any(e.dashed for e in transitions):
        entries.append(LegendEntry("edge-dashed", "added by an assumption" + (" (its id)" if any(
            e.refs for e in transitions if e.dashed) else "") + f", not by the {diagram.source}"))
    if "start" in shapes:
        entries.append(LegendEntry("start", "where the flow starts"))
    if "end" in shapes:
        entries.append(LegendEntry("end", "where the flow is over"))
    if diagram.overlay == "path":
        entries += [LegendEntry("path-edge", "step taken, numbered in order"),
                    LegendEntry("path-visited", "screen or state passed through"),
                    LegendEntry("path-final", "where the run ended")]
    elif diagram.overlay == "diff":
        entries += [LegendEntry("diff-added", "added in the new version"),
                    LegendEntry("diff-removed", "removed: only in the old version, drawn where it was"),
                    LegendEntry("diff-changed", "changed: the old label struck through")]
    elif diagram.overlay == "coverage":
        entries += [LegendEntry("cov-none", "never passed (uncovered)"),
                    LegendEntry("cov-once", "passed once"),
                    LegendEntry("cov-low", "passed 2–3 times"),
                    LegendEntry("cov-mid", "passed 4–9 times"),
                    LegendEntry("cov-high", "passed 10 times or more")]
    return tuple(entries)
