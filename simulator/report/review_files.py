"""``kmsflow review``'s outputs: the Markdown document and the HTML page from one content, and the sign-off gate.

An output named ``*.html`` is the page; any other is Markdown. Both are made
from one :class:`~simulator.report.content.ReviewContent`, so `make review`
writes two views of the same document.
"""
from __future__ import annotations

import os

from ..spec.model import Spec
from .gather import gather_review
from .page import render_page
from .page_graph import page_graph
from .review import render_markdown, state_words
from .signoff import decision_states, load_signoffs, unsettled

__all__ = ["review_files", "is_page", "signoff_gate"]


def is_page(path: str) -> bool:
    return path.lower().endswith((".html", ".htm"))


def review_files(spec: Spec, outputs: list[str], diagrams: str | None = None, walk: bool = True,
                 max_configurations: int | None = None) -> dict[str, str]:
    """The text of each output (Markdown when ``outputs`` is empty, under the key ``""``).

    ``diagrams``: the folder of the generated diagrams, linked from each Markdown file relative to where it
    is written (the page inlines its own). Raises what :func:`gather_review` and the walk raise.
    """
    pages = [path for path in outputs if is_page(path)]
    content = gather_review(spec, walk=walk, svgs=bool(pages), max_configurations=max_configurations)
    files: dict[str, str] = {}
    page = render_page(content, page_graph(spec, max_configurations)) if pages else ""
    for path in outputs or [""]:
        if is_page(path):
            files[path] = page
            continue
        link = None
        if diagrams:
            base = os.path.dirname(os.path.abspath(path)) if path else os.getcwd()
            link = os.path.relpath(os.path.abspath(diagrams), base).replace(os.sep, "/")
        files[path] = render_markdown(content, link)
    return files


def signoff_gate(spec: Spec) -> list[str]:
    """One line per decision a release still waits for (unsigned, questioned, changed since signed)."""
    lines = []
    for state in unsettled(decision_states(spec, load_signoffs(spec))):
        a = spec.assumptions[state.decision]
        lines.append(f"{a.id} {a.title}: {state_words(state)}")
    return lines
