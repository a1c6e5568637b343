"""Legibility measured from a layout's own coordinates: what a reader of a drawn diagram cannot read.

A :class:`Layout` is what a renderer placed: boxes of text (each owned by a node, an
arrow's label, a cluster's title or the diagram's title), node boxes and arrows as
polylines. It comes from Graphviz (:func:`graphviz_layout`, reading ``dot -Tjson``) or
from Mermaid as Chromium drew it (:mod:`simulator.draw.layout_mermaid`). :func:`check_layout`
then counts, the same way for both:

- ``overlaps``: two texts of different owners on top of each other, a text over a node
  that does not own it (a cluster title included, since it is a text), two nodes on top
  of each other;
- ``hidden``: an arrow's label more than half covered by other text or nodes, or an arrow
  with no label drawn at all (Mermaid drops a label it has no room for);
- ``crossed``: an arrow's label that another arrow runs through, or a box's title any arrow runs through;
- ``far``: an arrow's label farther than :data:`FAR` from its own arrow;
- ``crossings``: two arrows crossing each other;
- ``min_text_px``: the smallest text's height when the whole diagram is shown
  :data:`DOCS_WIDTH` pixels wide.

Overlaps and hidden labels make a diagram unpublishable (the tests require 0); crossings,
crossed and far labels are reported, to be kept low.
"""
from __future__ import annotations

import json
import math
import subprocess
from dataclasses import dataclass, field

from ..errors import Loc, Problem, UsageError

__all__ = ["Box", "TextBox", "Arrow", "Layout", "LayoutReport", "check_layout", "graphviz_layout", "FAR",
           "DOCS_WIDTH", "format_reports"]

#: An arrow's label farther than this (layout units: points for Graphviz, CSS pixels for Mermaid) from its arrow.
FAR = 12.0
#: The width a documentation page shows a diagram at.
DOCS_WIDTH = 1280
#: Boxes touching by less than this (in layout units, both ways) do not count as overlapping: antialiasing.
_SLACK = 1.0


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def area(self) -> float:
        return max(0.0, self.x1 - self.x0) * max(0.0, self.y1 - self.y0)

    def overlap(self, other: "Box") -> float:
        """The area both boxes cover, ignoring a touch thinner than _SLACK."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > _SLACK and h > _SLACK else 0.0

    def inner(self, by: float) -> "Box":
        return Box(self.x0 + by, self.y0 + by, self.x1 - by, self.y1 - by)

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1


@dataclass(frozen=True)
class TextBox:
    """A piece of text and who it belongs to: ``node:<id>``, ``edge:<id>``, ``cluster:<id>`` or ``title``."""

    owner: str
    text: str
    box: Box
    height: float  # the font's size, in layout units


@dataclass(frozen=True)
class Arrow:
    id: str
    points: tuple[tuple[float, float], ...]  # the drawn line, sampled
    label: Box | None  # the union of its label's text boxes
    label_text: str = ""


@dataclass
class Layout:
    """What one drawing placed where, y growing downwards."""

    name: str
    fmt: str  # "graphviz" | "mermaid"
    width: float
    height: float
    texts: list[TextBox] = field(default_factory=list)
    nodes: dict[str, Box] = field(default_factory=dict)  # owner -> box (owner as in TextBox)
    arrows: list[Arrow] = field(default_factory=list)
    missing_labels: list[str] = field(default_factory=list)  # arrows whose label was not drawn


@dataclass
class LayoutReport:
    name: str
    fmt: str
    overlaps: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    crossed: list[str] = field(default_factory=list)
    far: list[str] = field(default_factory=list)
    crossings: int = 0
    min_text_px: float = 0.0
    width: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.overlaps and not self.hidden

    def line(self) -> str:
        return (f"{self.name} ({self.fmt}): {len(self.overlaps)} overlaps, {len(self.hidden)} hidden labels, "
                f"{len(self.crossed)} labels crossed by an arrow, {len(self.far)} labels far from their arrow, "
                f"{self.crossings} crossings, smallest text {self.min_text_px:.1f} px at {DOCS_WIDTH} px wide")


def format_reports(reports: list[LayoutReport], details: bool = True) -> str:
    lines = []
    for report in reports:
        lines.append(report.line())
        if details:
            lines += [f"  overlap: {what}" for what in report.overlaps]
            lines += [f"  hidden: {what}" for what in report.hidden]
    return "\n".join(lines)


# -- the check -------------------------------------------------------------------------

def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def check_layout(layout: Layout) -> LayoutReport:
    """Count what a reader cannot read in ``layout`` (see the module's docstring)."""
    report = LayoutReport(layout.name, layout.fmt, width=layout.width)
    texts = layout.texts
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if a.owner != b.owner and a.box.overlap(b.box):
                report.overlaps.append(f"text {_short(a.text)!r} ({a.owner}) over {_short(b.text)!r} ({b.owner})")
    for text in texts:
        for owner, box in layout.nodes.items():
            if owner != text.owner and text.box.overlap(box):
                report.overlaps.append(f"text {_short(text.text)!r} ({text.owner}) over {owner}")
    owners = list(layout.nodes.items())
    for i, (a, box_a) in enumerate(owners):
        for b, box_b in owners[i + 1:]:
            if box_a.overlap(box_b):
                report.overlaps.append(f"{a} over {b}")
    covering = [(t.owner, t.box) for t in texts] + list(layout.nodes.items())
    for arrow in layout.arrows:
        if arrow.label is None or arrow.label.area <= 0:
            continue
        covered = sum(box.overlap(arrow.label) for owner, box in covering if owner != f"edge:{arrow.id}")
        if covered > 0.5 * arrow.label.area:
            report.hidden.append(f"label {_short(arrow.label_text)!r} of {arrow.id} covered")
        others = [a for a in layout.arrows if a.id != arrow.id]
        if any(_runs_through(other.points, arrow.label.inner(2)) for other in others):
            report.crossed.append(f"label {_short(arrow.label_text)!r} of {arrow.id}")
        if arrow.points and _distance(arrow.points, arrow.label) > FAR:
            report.far.append(f"label {_short(arrow.label_text)!r} of {arrow.id}")
    for text in texts:  # a box's title run through by an arrow reads as struck out
        if text.owner.startswith("cluster:") and any(_runs_through(a.points, text.box.inner(2))
                                                     for a in layout.arrows):
            report.crossed.append(f"title {_short(text.text)!r} of {text.owner}")
    report.hidden += [f"label of {what} not drawn" for what in layout.missing_labels]
    report.crossings = _crossings(layout.arrows)
    scale = DOCS_WIDTH / layout.width if layout.width else 1.0
    heights = [t.height for t in texts if t.text.strip()]
    report.min_text_px = round(min(heights) * scale, 2) if heights else 0.0
    return report


def _segments(points):
    return list(zip(points, points[1:]))


def _runs_through(points, box: Box) -> bool:
    if box.x1 <= box.x0 or box.y1 <= box.y0:
        return False
    for (x0, y0), (x1, y1) in _segments(points):
        if box.contains(x0, y0) or box.contains(x1, y1):
            return True
        corners = [(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)]
        for c, d in zip(corners, corners[1:] + corners[:1]):
            if _cross((x0, y0), (x1, y1), c, d):
                return True
    return False


def _orient(a, b, c) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _cross(p1, p2, q1, q2) -> bool:
    """Proper crossing of two segments (touching ends do not count)."""
    d1, d2 = _orient(q1, q2, p1), _orient(q1, q2, p2)
    d3, d4 = _orient(p1, p2, q1), _orient(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


def _crossings(arrows: list[Arrow]) -> int:
    """Pairs of arrows that cross, counted once per crossing point; arrows sharing an end may cross."""
    count = 0
    boxes = [_bounds(a.points) for a in arrows]
    for i, a in enumerate(arrows):
        for j in range(i + 1, len(arrows)):
            b = arrows[j]
            if boxes[i] is None or boxes[j] is None or not _bounds_meet(boxes[i], boxes[j]):
                continue
            for s in _segments(a.points):
                for t in _segments(b.points):
                    if _cross(s[0], s[1], t[0], t[1]):
                        count += 1
    return count


def _bounds(points):
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _bounds_meet(a, b) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _distance(points, box: Box) -> float:
    """The shortest distance between the polyline and the box (0 when they touch)."""
    best = math.inf
    for (x0, y0), (x1, y1) in _segments(points) or [(points[0], points[0])]:
        for k in range(9):
            x, y = x0 + (x1 - x0) * k / 8, y0 + (y1 - y0) * k / 8
            dx = max(box.x0 - x, 0.0, x - box.x1)
            dy = max(box.y0 - y, 0.0, y - box.y1)
            best = min(best, math.hypot(dx, dy))
    return best


# -- Graphviz --------------------------------------------------------------------------

def _bezier(points, steps: int = 6):
    """Sample a cubic B-spline given as Graphviz's bezier control points (1 + 3n points)."""
    out = [tuple(points[0])]
    for i in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[i:i + 4]
        for k in range(1, steps + 1):
            t = k / steps
            u = 1 - t
            out.append((u ** 3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t ** 3 * p3[0],
                        u ** 3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t ** 3 * p3[1]))
    return out


def _texts(ops, flip) -> list[tuple[str, Box, float]]:
    """The text boxes an xdot drawing list places: (text, box, font size)."""
    size, out = 14.0, []
    for op in ops or []:
        if op["op"] == "F":
            size = float(op["size"])
        elif op["op"] == "T" and op["text"].strip():
            x, y = op["pt"]
            width = float(op["width"])
            left = {"l": x, "c": x - width / 2, "r": x - width}[op.get("align", "c")]
            # Graphviz places the baseline; the glyphs reach about 0.8 of the size above it and 0.2 below.
            top, bottom = flip(y + 0.8 * size), flip(y - 0.2 * size)
            out.append((op["text"], Box(left, top, left + width, bottom), size))
    return out


def graphviz_layout(dot_source: str, name: str = "") -> Layout:
    """Lay ``dot_source`` out with Graphviz and read back where everything went (``dot -Tjson``)."""
    try:
        done = subprocess.run(["dot", "-Tjson"], input=dot_source.encode("utf-8"), capture_output=True, timeout=120)
    except FileNotFoundError:
        raise UsageError(Problem(Loc("--check-layout"), "error", "the layout check needs Graphviz's dot: run "
                                 "`apt-get install graphviz`", "graphviz-missing")) from None
    if done.returncode != 0:
        raise UsageError(Problem(Loc("--check-layout"), "error", "Graphviz could not lay out "
                                 f"{name or 'the diagram'}: {done.stderr.decode('utf-8', 'replace')[:300]}",
                                 "graphviz-failed"))
    return graphviz_layout_from_json(json.loads(done.stdout), name)


def graphviz_layout_from_json(data: dict, name: str = "") -> Layout:
    x0, y0, x1, y1 = (float(v) for v in data["bb"].split(","))

    def flip(y: float) -> float:
        return y1 - y

    layout = Layout(name or data.get("name", ""), "graphviz", x1 - x0, y1 - y0)
    for text, box, size in _texts(data.get("_ldraw_"), flip):
        layout.texts.append(TextBox("title", text, box, size))
    objects = data.get("objects", [])
    by_gvid = {}
    for obj in objects:
        by_gvid[obj["_gvid"]] = obj
        ident = obj.get("id") or obj["name"]
        if "nodes" in obj or obj["name"].startswith("cluster"):  # a cluster: only its title is text
            for text, box, size in _texts(obj.get("_ldraw_"), flip):
                layout.texts.append(TextBox(f"cluster:{ident}", text, box, size))
            continue
        owner = f"node:{ident}"
        cx, cy = (float(v) for v in obj["pos"].split(","))
        w, h = float(obj["width"]) * 72, float(obj["height"]) * 72
        layout.nodes[owner] = Box(cx - w / 2, flip(cy + h / 2), cx + w / 2, flip(cy - h / 2))
        for text, box, size in _texts(obj.get("_ldraw_"), flip):
            layout.texts.append(TextBox(owner, text, box, size))
    for edge in data.get("edges", []):
        ident = edge.get("id") or f"{by_gvid[edge['tail']]['name']}->{by_gvid[edge['head']]['name']}"
        points: list[tuple[float, float]] = []
        for op in edge.get("_draw_", []):
            if op["op"] in ("b", "B"):
                points += [(x, flip(y)) for x, y in _bezier(op["points"])]
            elif op["op"] in ("L",):
                points += [(x, flip(y)) for x, y in op["points"]]
        texts = _texts(edge.get("_ldraw_"), flip) + _texts(edge.get("_tldraw_"), flip) + \
            _texts(edge.get("_hldraw_"), flip)
        label = None
        if texts:
            label = Box(min(b.x0 for _, b, _ in texts), min(b.y0 for _, b, _ in texts),
                        max(b.x1 for _, b, _ in texts), max(b.y1 for _, b, _ in texts))
        for text, box, size in texts:
            layout.texts.append(TextBox(f"edge:{ident}", text, box, size))
        layout.arrows.append(Arrow(ident, tuple(points), label, " ".join(t for t, _, _ in texts)))
    return layout
