"""The diagram files of a spec: which views, which overlay, which formats, under which names.

Everything is produced in memory first (:func:`diagram_files`), so a bad input
found half-way writes nothing; :func:`write_files` then writes the set into its
folder as a whole. File names::

    <view>.<ext>                     the view itself
    <view>.path-<scenario>.<ext>     --highlight: a scenario's path on each view it passes through
    <view>.coverage.<ext>            --coverage: coverage counts on every view
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Callable

from .diagram_model import Diagram, build_diagram, path_views, with_coverage, with_options, with_path
from .layout_check import LayoutReport, check_layout, graphviz_layout
from .layout_mermaid import mermaid_layouts
from ..choices import DIAGRAM_FORMATS
from ..errors import Loc, Problem, UsageError
from ..spec.load import did_you_mean
from ..spec.model import Spec
from ..spec.texts import source_noun
from ..output import write_folder
from .run_path import Path, numbered_by_article, path_of_trace, path_of_view
from .render_dot import IMAGE_FORMATS, render_dot, render_image
from .render_mermaid import render_mermaid
from .views import View, ViewSet

__all__ = ["FORMATS", "parse_formats", "select_views", "diagram_files", "write_files", "DiagramRequest",
           "layout_reports"]

FORMATS = DIAGRAM_FORMATS


@dataclass(frozen=True)
class DiagramRequest:
    """What to draw: the views, the formats, and at most one overlay."""

    views: tuple[View, ...]
    formats: tuple[str, ...] = FORMATS
    path: Path | None = None
    path_name: str = ""  # the scenario file's stem, used in file names
    coverage: dict[str, Any] | None = None
    coverage_sources: str = ""
    tags: str = "all"  # article step tags and assumption ids on the arrows: "none" | "steps" | "all"
    only_article: bool = False  # leave out the arrows that assumptions alone add


def parse_formats(text: str) -> tuple[str, ...]:
    """``"dot,svg"`` -> ("dot", "svg") in :data:`FORMATS` order; raises UsageError on an unknown format."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise UsageError(Problem(Loc("--format"), "error", f"unknown format {unknown[0]!r}; choose from "
                                 f"{', '.join(FORMATS)} (comma-separated)" if unknown else
                                 f"no format given; choose from {', '.join(FORMATS)}", "bad-argument"))
    return tuple(fmt for fmt in FORMATS if fmt in names)


def select_views(views: ViewSet, names: list[str] | None) -> tuple[View, ...]:
    """The views named (all when ``names`` is empty); raises UsageError on an unknown view name."""
    if not names:
        return views.views
    known = views.names
    for name in names:
        if name not in known:
            raise UsageError(Problem(Loc("--view"), "error", f"unknown view {name!r}{did_you_mean(name, known)}; "
                                     f"the spec has: {', '.join(known)}", "bad-argument"))
    return tuple(v for v in views.views if v.name in names)


def _safe_stem(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "scenario"


def _drawings(spec: Spec, views: ViewSet, request: DiagramRequest) -> list[tuple[str, Diagram]]:
    return [(stem, with_options(diagram, request.tags, request.only_article))
            for stem, diagram in _overlaid(spec, views, request)]


def _overlaid(spec: Spec, views: ViewSet, request: DiagramRequest) -> list[tuple[str, Diagram]]:
    if request.path is not None:
        passing = {v.name for v in path_views(views, spec, request.path)}
        stem = _safe_stem(request.path_name)
        return [(f"{v.name}.path-{stem}", with_path(build_diagram(spec, views, v), request.path))
                for v in request.views if v.name in passing]
    if request.coverage is not None:
        return [(f"{v.name}.coverage", with_coverage(build_diagram(spec, views, v), request.coverage,
                                                     request.coverage_sources))
                for v in request.views]
    return [(v.name, _with_view_path(spec, v, build_diagram(spec, views, v))) for v in request.views]


def _with_view_path(spec: Spec, view: View, diagram: Diagram) -> Diagram:
    """A view that declares a how-to path is drawn with it, numbered (by its source's numbers if it says so)."""
    if view.path is None:
        return diagram
    path = path_of_view(spec, view.path, view.start, view.name)
    if view.article:
        path = numbered_by_article(spec, path, view.article)
    # "the article's steps (cancel)" for a spec that retells an article, "the source's steps (pin)" for one
    # that names no source document.
    return with_path(diagram, replace(path, name=f"the {source_noun(spec)}'s steps ({view.article})"
                                      if view.article else "the how-to path"))


def diagram_files(spec: Spec, views: ViewSet, request: DiagramRequest,
                  progress: Callable[[str], None] | None = None) -> dict[str, str | bytes]:
    """Every file the request produces, by file name, rendered in memory (nothing is written).

    Raises graphviz.ExecutableNotFound when SVG/PNG are asked for and Graphviz is missing.
    """
    files: dict[str, str | bytes] = {}
    for stem, diagram in _drawings(spec, views, request):
        dot = render_dot(diagram)
        if "dot" in request.formats:
            files[f"{stem}.dot"] = dot
        for fmt in IMAGE_FORMATS:
            if fmt in request.formats:
                files[f"{stem}.{fmt}"] = render_image(dot, fmt)
        if "mmd" in request.formats:
            files[f"{stem}.mmd"] = render_mermaid(diagram)
        if progress:
            progress(f"{stem}: {', '.join(request.formats)}")
    return files


def layout_reports(spec: Spec, views: ViewSet, request: DiagramRequest) -> list[LayoutReport]:
    """How legible each drawing of the request is, laid out by Graphviz (for dot, svg, png) and by
    Mermaid in Chromium (for mmd): see :mod:`simulator.draw.layout_check`. Nothing is written.
    """
    drawings = _drawings(spec, views, request)
    reports = []
    if set(request.formats) & {"dot", *IMAGE_FORMATS}:
        reports += [check_layout(graphviz_layout(render_dot(d), stem)) for stem, d in drawings]
    if "mmd" in request.formats:
        reports += [check_layout(layout) for layout in mermaid_layouts([(stem, render_mermaid(d))
                                                                        for stem, d in drawings])]
    return reports


def live_path_svg(spec: Spec, views: ViewSet, name: str, given: dict, trace: list) -> bytes:
    """The overview as SVG with a run's path so far drawn on it, its current screen marked final.

    Used by ``kmsflow play --diagram`` after every step, so the room can watch the diagram.
    """
    path = path_of_trace(spec, name, given, trace)
    return render_image(render_dot(with_path(build_diagram(spec, views, views.views[0]), path)), "svg")


def write_files(folder: str, files: dict[str, str | bytes]) -> list[str]:
    """Write the files into ``folder`` (created if missing) as one set; return the paths, sorted.

    The folder is replaced whole (:func:`simulator.output.write_folder`): an interrupted run leaves
    the old diagrams or the new ones, never a mix. Files of other views, other overlays or the
    user's own stay as they were.
    """
    return write_folder(folder, files)
