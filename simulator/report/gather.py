"""Everything the review needs besides the spec: the walk's verdicts, the diagrams, the sign-offs, what changed.

:func:`gather_review` runs each of them once and hands the result to
:func:`~simulator.report.content.review_content`, so the HTML page and the
Markdown document, made from one :class:`ReviewContent`, cannot disagree.
"""
from __future__ import annotations

import os
import subprocess
from typing import Any

from ..diff.source import load_spec_source
from ..diff.spec_diff import diff_specs
from ..diff.structure import transition_name
from ..draw.diagram_model import build_diagram
from ..draw.render_dot import render_dot, render_image
from ..draw.views import load_views
from ..errors import KmsflowError
from ..spec.model import Spec
from ..spec.texts import reader_names
from .content import Changes, ReviewContent, review_content
from .signoff import SignOffs, decision_states, load_signoffs, transition_words

__all__ = ["gather_review", "walk_verdicts", "diagram_svgs", "changes_since_signed"]


def walk_verdicts(spec: Spec, max_configurations: int | None = None) -> tuple[Any, list] | None:
    """The exhaustive walk over the spec's domain and its properties' results; None when it declares none."""
    from ..walk.explore import explore_spec
    from ..walk.properties import check_properties, parse_properties

    props = parse_properties(spec)
    if not props.properties:
        return None
    graph = explore_spec(spec, flows=props.flows, max_configurations=max_configurations)
    return graph, check_properties(graph, props)


def diagram_svgs(spec: Spec) -> dict[str, str]:
    """Each view drawn as SVG (through simulator.draw), without the XML prologue, ready to inline."""
    views = load_views(spec)
    out = {}
    for view in views.views:
        svg = render_image(render_dot(build_diagram(spec, views, view)), "svg").decode("utf-8")
        out[view.name] = svg[svg.index("<svg"):]
    return out


def _label(spec: Spec, event: str) -> str:
    return spec.events[event].label if event in spec.events and spec.events[event].label else event.replace("_", " ")


def _scenario_words(old: Spec, spec: Spec, found: Any) -> list[str]:
    """The distinguishing sequence in words: where it starts, each step, then what differs."""
    names, old_names = reader_names(spec), reader_names(old)
    world = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in found.given.items() if k != "screen")
    out = [f"Start with {world}" if world else "Start as the spec starts"]
    out += [f"{_label(spec, event)} (on {names.get(screen, old_names.get(screen, screen))})"
            for event, screen in zip(found.events[:-1], found.screens[:-1])]

    def outcome(side: dict[str, Any], readers: dict[str, str]) -> str:
        if side.get("refused"):
            return "it is refused"
        world = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in side.get("world", {}).items())
        return f"{readers.get(side.get('screen'), side.get('screen'))} ({world})"

    if found.events:
        out.append(f"{_label(spec, found.events[-1])}: as signed → {outcome(found.old, old_names)}; "
                   f"now → {outcome(found.new, names)}")
    return out


def _change_words(old: Spec, spec: Spec, change: Any) -> tuple[str, str]:
    """A structural change in words (and its ids, for the tooltip)."""
    names = {**reader_names(old), **reader_names(spec)}
    labels = load_views(spec).guard_labels  # today's words for guards, for both versions
    # The diff names a transition by what it is (source, event, guards, destination): found in either version.
    by_name = {transition_name(t): (s, t) for s in (old, spec) for t in s.all_transitions()}
    if change.element.endswith("transition") and change.name in by_name:
        version, t = by_name[change.name]
        what = f"the step “{transition_words(version, labels, t)}”"
    elif change.element == "screen":
        what = f"the screen “{names.get(change.name, change.name)}”"
    elif change.element == "assumption":
        what = f"decision {change.name}"
    else:
        what = f"the {change.element.replace('_', ' ')} “{change.name.replace('_', ' ')}”"
    text = f"{change.change.capitalize()}: {what}"
    if change.change == "changed":
        part = (change.part or "").replace("_", " ")
        text += f", its {part}" if part else ""
        if isinstance(change.old, str) or isinstance(change.new, str):
            text += f": “{change.old or ''}” → “{change.new or ''}”"
    return text, change.text(100)


def changes_since_signed(spec: Spec, signoffs: SignOffs) -> Changes:
    """What changed in the spec since the latest signed revision (``kmsflow diff`` against it)."""
    revisions = sorted({(e.date, e.revision) for e in signoffs.entries.values() if e.revision})
    if not signoffs.entries:
        return Changes("", [], [], "Nothing has been signed yet. Once a decision is signed, this part lists what "
                                   "changed in the flow since.")
    if not revisions:
        return Changes("", [], [], "The sign-offs name no revision of the spec to compare with (signed outside "
                                   "git, or with the spec not committed).")
    revision = revisions[-1][1]
    folder = os.path.dirname(os.path.abspath(spec.path))
    try:
        found = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, text=True,
                               timeout=20)
        top = found.stdout.strip() if found.returncode == 0 else ""
        relative = os.path.relpath(os.path.abspath(spec.path), top).replace(os.sep, "/") if top else ""
        old = load_spec_source(f"{revision}:{relative}", cwd=top) if relative else None
    except (KmsflowError, OSError, subprocess.SubprocessError):
        old = None
    if old is None:
        return Changes(revision, [], [], f"The signed revision {revision[:10]} cannot be read here.")
    # Compared at the default parameters, as the page plays the flow: a reader's difference, found in a few seconds.
    result = diff_specs(old, spec, domain=[f"{name}={p.default}" for name, p in spec.parameters.items()
                                           if name in old.parameters])
    lines = [_change_words(old, spec, change) for change in result.changes]
    scenario: list[str] = []
    behaviour = result.behaviour
    if behaviour is not None and not behaviour.equivalent and behaviour.distinguishing is not None:
        scenario = _scenario_words(old, spec, behaviour.distinguishing)
    note = "" if lines or scenario else "Nothing: the flow is the one that was signed."
    return Changes(revision, lines, scenario, note)


def gather_review(spec: Spec, *, walk: bool = True, svgs: bool = False, signoffs: bool = True,
                  values: dict[str, Any] | None = None, max_configurations: int | None = None) -> ReviewContent:
    """The review's content with the walk's verdicts (``walk``), inline diagrams (``svgs``) and sign-offs."""
    analysis = walk_verdicts(spec, max_configurations) if walk else None
    found = load_signoffs(spec) if signoffs else SignOffs(spec.name, {})
    states = decision_states(spec, found)
    changes = changes_since_signed(spec, found) if signoffs else None
    return review_content(spec, analysis=analysis, signoff_states=states, changes=changes,
                          svgs=diagram_svgs(spec) if svgs else None, values=values)
