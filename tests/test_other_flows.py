"""Flows from other domains get what the KMS flow gets (issue 12, item 5): committed diagrams and review, fresh.

`make diagrams` draws each spec of the Makefile's FLOWS into diagrams/NAME/ and `make review` writes
spec/NAME.review.html and .md beside it; these tests fail when a spec changed and they were not regenerated,
and check that what is committed is what its readers get: Graphviz draws it without a warning, the page
needs nothing from the network, and the flow's own words are there, not the KMS flow's.
"""
from __future__ import annotations

import re
import subprocess

import pytest

from simulator import load_spec
from simulator.cli import main
from simulator.report.review_files import review_files

from .conftest import ROOT, SPEC_DIR

FLOWS = ["door_keypad"]
_SVG = re.compile(r"<svg .*?</svg>", re.S)
_DRAWN = re.compile(r'id="((?:screen|edge|account|start|end):[^"]*)"')


def _drawings(page: str) -> list[list[str]]:
    return [sorted(_DRAWN.findall(svg)) for svg in _SVG.findall(page)]


def test_every_flow_of_the_makefile_is_tested_here():
    declared = re.search(r"^FLOWS\s*\?=\s*(.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M).group(1)
    assert sorted(p.rsplit("/", 1)[-1].removesuffix(".yaml") for p in declared.split()) == sorted(FLOWS)


@pytest.mark.parametrize("name", FLOWS)
def test_flow_committed_dot_and_mmd_match_the_spec(name, tmp_path, capsys):
    assert main(["diagram", str(SPEC_DIR / f"{name}.yaml"), "-o", str(tmp_path), "--format", "dot,mmd"]) == 0
    fresh = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    folder = ROOT / "diagrams" / name
    committed = {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix in (".dot", ".mmd")}
    stale = sorted(n for n in fresh.keys() | committed.keys() if fresh.get(n) != committed.get(n))
    assert not stale, f"diagrams/{name}/ is out of date for {stale}: run `make diagrams` and commit"
    # Every view in every format, and Graphviz draws each without a warning.
    views = {p.stem for p in folder.glob("*.dot")}
    assert views and {f"{v}.{ext}" for v in views for ext in ("dot", "svg", "png", "mmd")} <= {
        p.name for p in folder.iterdir()}
    for dot in sorted(folder.glob("*.dot")):
        run = subprocess.run(["dot", "-Tsvg", str(dot)], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0 and run.stderr == "", f"{dot.name}: {run.stderr}"


@pytest.mark.slow  # the flow walked twice (its guarantees, the page's graph) and its views through Graphviz
@pytest.mark.parametrize("name", FLOWS)
def test_flow_committed_review_matches_the_spec(name):
    md, page = SPEC_DIR / f"{name}.review.md", SPEC_DIR / f"{name}.review.html"
    fresh = review_files(load_spec(str(SPEC_DIR / f"{name}.yaml")), [str(md), str(page)],
                         diagrams=str(ROOT / "diagrams" / name))
    assert md.read_text(encoding="utf-8") == fresh[str(md)], "run `make review` and commit"
    committed = page.read_text(encoding="utf-8")
    assert _SVG.sub("<svg/>", committed) == _SVG.sub("<svg/>", fresh[str(page)]), "run `make review` and commit"
    assert _drawings(committed) == _drawings(fresh[str(page)])


@pytest.mark.parametrize("name", FLOWS)
def test_flow_review_is_self_contained_and_speaks_of_its_own_flow(name):
    spec = load_spec(str(SPEC_DIR / f"{name}.yaml"))
    page = (SPEC_DIR / f"{name}.review.html").read_text(encoding="utf-8")
    markdown = (SPEC_DIR / f"{name}.review.md").read_text(encoding="utf-8")
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["'](?!#|data:)""", page)
    assert spec.title in markdown and spec.title in page
    for screen in spec.screens.values():  # every screen is shown to the reader by its title
        assert screen.title in markdown, screen.name
    # Links from the Markdown to the diagrams resolve from where the file lies.
    for target in re.findall(r"\]\(([^)#]+\.(?:svg|png))\)", markdown):
        assert (md_dir := (SPEC_DIR / target).resolve()).is_file(), md_dir
    lowered = (markdown + page).lower()
    for word in ("subscription", "kaspersky", "one-click", "days_left"):
        assert word not in lowered, word
