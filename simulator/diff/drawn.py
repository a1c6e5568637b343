"""The drawn diff: each view of both versions merged into one drawing, the changes coloured.

Both versions are drawn with the same drawing model as ``kmsflow diagram``
(:func:`~simulator.draw.diagram_model.build_diagram`), and the two drawings
are merged element by element: boxes by their id (``screen:<name>``,
``account:<state>``, the start and end markers), arrows by what their
transition is (:func:`~simulator.diff.structure.transition_key`, from the
source the arrow leaves), never by position. In the merged drawing an
element only the new version has is marked ``added`` (green), one only the
old version has ``removed`` (dashed red, drawn where it was: in its old
group), and one whose box or arrow reads differently ``changed`` (amber, the
old label struck through). The same renderers as ``kmsflow diagram`` write
it, so every format (DOT, SVG, PNG, Mermaid) says the same, deterministically.

Views are drawn in the new version's order, then those only the old one has.
Files: ``<view>.diff.<ext>``.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from ..draw.diagram_model import Cluster, Diagram, Edge, Node, build_diagram, with_diff
from ..draw.render_dot import IMAGE_FORMATS, render_dot, render_image
from ..draw.render_mermaid import render_mermaid
from ..draw.views import ViewSet, load_views
from ..errors import Loc, Problem, UsageError
from ..spec.load import did_you_mean
from ..spec.model import Spec
from .structure import transition_key

__all__ = ["diff_diagrams", "diff_files", "edge_identity"]


def edge_identity(spec: Spec, edge: Edge) -> tuple:
    """What an arrow is: its transition's key and the source it leaves (a marker arrow: its id)."""
    if edge.transition_id is None:
        return ("marker", edge.id)
    source = edge.id.rsplit("@", 1)[1]
    return ("arrow", transition_key(spec.transition(edge.transition_id)), source)


def _label(edge: Edge) -> str:
    text = edge.event + (f" [{edge.guard}]" if edge.guard else "") + (f" / {edge.effect}" if edge.effect else "")
    return text + (f" ({edge.refs})" if edge.refs else "")


def _identities(spec: Spec, edges: tuple[Edge, ...]) -> dict[tuple, Edge]:
    out: dict[tuple, Edge] = {}
    for edge in edges:
        key = edge_identity(spec, edge)
        n = 1
        while key + (n,) in out:  # the same arrow twice: matched in order
            n += 1
        out[key + (n,)] = edge
    return out


def _merge(old: Spec, new: Spec, before: Diagram | None, after: Diagram | None) -> Diagram:
    old_nodes = {n.id: n for n in before.nodes} if before else {}
    new_nodes = {n.id: n for n in after.nodes} if after else {}
    nodes: list[Node] = []
    for node in new_nodes.values():
        was = old_nodes.get(node.id)
        if was is None:
            nodes.append(replace(node, mark="added"))
        elif (was.title, was.lines, was.shape, was.tooltip) != (node.title, node.lines, node.shape, node.tooltip):
            struck = ((was.title,) if was.title != node.title else ()) + \
                tuple(line for line in was.lines if line not in node.lines)
            nodes.append(replace(node, mark="changed", was=struck))
        else:
            nodes.append(node)
    clusters: list[Cluster] = list(after.clusters) if after else []
    known = {c.id for c in clusters}
    old_clusters = {c.id: c for c in before.clusters} if before else {}

    def keep_cluster(cluster_id: str | None) -> str | None:
        """The old group a removed box was in, added to the drawing (with its parents) when missing."""
        if cluster_id is None or cluster_id in known:
            return cluster_id
        cluster = old_clusters[cluster_id]
        known.add(cluster_id)
        clusters.append(replace(cluster, parent=keep_cluster(cluster.parent)))
        return cluster_id

    for node in old_nodes.values():
        if node.id not in new_nodes:
            nodes.append(replace(node, mark="removed", cluster=keep_cluster(node.cluster)))
    old_edges = _identities(old, before.edges) if before else {}
    new_edges = _identities(new, after.edges) if after else {}
    edges: list[Edge] = []
    for key, edge in new_edges.items():
        was = old_edges.get(key)
        if was is None:
            edges.append(replace(edge, mark="added"))
        elif _label(was) != _label(edge):
            edges.append(replace(edge, mark="changed", was=_label(was)))
        elif (was.tooltip.rsplit("\n", 1)[0], was.dashed) != (edge.tooltip.rsplit("\n", 1)[0], edge.dashed):
            edges.append(replace(edge, mark="changed"))  # what it says in words changed, not its label
        else:
            edges.append(edge)
    for key, edge in old_edges.items():
        if key not in new_edges:
            # Its own id: the old transition's id may now name another transition.
            edges.append(replace(edge, id=f"removed:{edge.id}", mark="removed"))
    counts = {mark: sum(item.mark == mark for item in (*nodes, *edges) if not item.id.startswith(("start:", "end:")))
              for mark in ("added", "removed", "changed")}
    caption = "Changes: " + ", ".join(f"{n} {mark}" for mark, n in counts.items()) + f" ({old.path} -> {new.path})"
    return with_diff(after or before, nodes, edges, clusters, caption)


def diff_diagrams(old: Spec, new: Spec, views: list[str] | None = None) -> list[tuple[str, Diagram]]:
    """(view name, merged drawing) for every view of either version (or those named), new order first."""
    old_views, new_views = load_views(old), load_views(new)
    names = new_views.names + [name for name in old_views.names if name not in new_views.names]
    for name in views or ():
        if name not in names:
            raise UsageError(Problem(Loc("--view"), "error", f"unknown view {name!r}{did_you_mean(name, names)}; "
                                     f"the two versions have: {', '.join(names)}", "bad-argument"))
    drawings = []
    for name in names:
        if views and name not in views:
            continue
        drawings.append((name, _merge(old, new, _drawing(old, old_views, name), _drawing(new, new_views, name))))
    return drawings


def _drawing(spec: Spec, views: ViewSet, name: str) -> Diagram | None:
    return build_diagram(spec, views, views.get(name)) if name in views.names else None


def diff_files(drawings: list[tuple[str, Diagram]], formats: tuple[str, ...],
               progress: Callable[[str], None] | None = None) -> dict[str, str | bytes]:
    """Every file of the drawn diff by name (``<view>.diff.<ext>``), rendered in memory, nothing written."""
    files: dict[str, str | bytes] = {}
    for name, drawing in drawings:
        dot = render_dot(drawing)
        for fmt in formats:
            if fmt in IMAGE_FORMATS:
                files[f"{name}.diff.{fmt}"] = render_image(dot, fmt)
            else:
                files[f"{name}.diff.{fmt}"] = dot if fmt == "dot" else render_mermaid(drawing)
        if progress:
            progress(f"{name}.diff: {', '.join(formats)}")
    return files
