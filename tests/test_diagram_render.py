"""The drawn diagrams: every element the spec assigns to a view, readable labels, Graphviz without warnings."""
from __future__ import annotations

import html
import re
import subprocess

import pytest

from .conftest import ROOT
from .dotparse import parse_dot
from simulator.draw.diagram_model import build_diagram
from simulator.draw.render_dot import choose_engine, render_dot
from simulator.draw.render_mermaid import render_mermaid
from simulator.spec.synthetic import synthetic_spec
from simulator.draw.views import load_views

VIEW_NAMES = ["overview", "cancel", "one_click_buy", "auto_renewal"]


def _dot(spec, name):
    views = load_views(spec)
    return parse_dot(render_dot(build_diagram(spec, views, views.get(name))))


def _expected_elements(spec, view):
    """Screens, account states and arrows of a view, worked out here from the spec's own data."""
    screens, states = set(view.screens), set(view.account_states)
    edges = set()
    for t in spec.all_transitions():
        if view.events is not None and t.trigger not in view.events:
            continue
        shown = screens if t.region == "screens" else states
        for source in t.sources:
            dest = t.dest or source
            if (source == "*" or source in shown) and (dest == "*" or dest in shown):
                edges.add(f"edge:{t.id}@{source}")
    nodes = {f"screen:{s}" for s in screens} | {f"account:{s}" for s in states}
    return nodes, edges


def _drawn_transitions(dot) -> dict[str, dict[str, str]]:
    """Each drawn transition's arrow by the transition's id; a state's loops are one arrow whose label has a
    row per transition (its id on the row), so they map to that one arrow."""
    drawn = {}
    for key, edge in dot.edges.items():
        if key.startswith(("loops:", "arrows:")):  # a state's loops; in the overview, one arrow per pair of states
            rows = re.findall(r'<TD ID="([^"]+)"', edge["label"])
            assert rows, edge["label"]
            drawn.update({html.unescape(row): edge for row in rows})
        elif edge.get("label"):
            drawn[key] = edge
    return drawn


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_render_dot_view_contains_exactly_its_screens_and_transitions(kms_spec, name):
    view = load_views(kms_spec).get(name)
    dot = _dot(kms_spec, name)
    nodes, edges = _expected_elements(kms_spec, view)
    drawn_states = {n for n in dot.nodes if n.startswith(("screen:", "account:")) and n != "account:*"}
    assert drawn_states == nodes
    drawn = _drawn_transitions(dot)
    assert set(drawn) == edges
    for edge_id in edges:  # each arrow joins the right two boxes (one leading back may be written from its head)
        tail, head = drawn[edge_id]["_tail"], drawn[edge_id]["_head"]
        if drawn[edge_id].get("dir") == "back":
            tail, head = head, tail
        transition = kms_spec.transition(edge_id[5:].rsplit("@", 1)[0])
        assert head.split(".", 1)[1] in (transition.dest or edge_id.rsplit("@", 1)[1], "*")
        assert tail.split(".", 1)[1] == edge_id.rsplit("@", 1)[1]


def test_render_dot_overview_contains_every_screen_state_and_transition(kms_spec):
    dot = _dot(kms_spec, "overview")
    assert {f"screen:{s}" for s in kms_spec.screens} <= set(dot.nodes)
    assert {f"account:{s}" for s in kms_spec.account.states} <= set(dot.nodes)
    drawn = {e.rsplit("@", 1)[0][5:] for e in _drawn_transitions(dot)}
    assert drawn == {t.id for t in kms_spec.all_transitions()}


def test_render_dot_overview_nests_the_menus_and_groups_the_flows(kms_spec):
    source = render_dot(build_diagram(kms_spec, load_views(kms_spec), load_views(kms_spec).get("overview")))
    main = source.index("subgraph cluster_menu_main_menu")
    additional = source.index("subgraph cluster_menu_additional_menu")
    license_ = source.index("subgraph cluster_menu_license_menu")
    assert main < additional < license_
    assert "subgraph cluster_flow_cancel_in_menu_license_menu" in source
    assert "subgraph cluster_flow_one_click_buy_in_menu_license_menu" in source
    assert "subgraph cluster_account" in source


def test_render_dot_labels_read_like_the_phone(kms_spec):
    edges = _dot(kms_spec, "overview").edges
    yes = edges["edge:confirm_unsubscribe.press_yes@confirm_unsubscribe"]
    assert yes["label"].startswith("<Yes<BR/>[subscription active]<BR/>/ account: cancel")
    assert "cancel.4" in yes["label"] and "article cancel.4" in yes["tooltip"]
    assert "[online and license expired]" in edges["edge:checking_license.check_license.2@checking_license"]["label"]
    assert "[online and balance ≥ price]" in edges["edge:charging.charge@charging"]["label"]
    assert "select License" in edges["edge:additional_menu.select_license@additional_menu"]["label"]


def test_render_dot_assumption_edges_dashed_with_their_id(kms_spec):
    edges = _drawn_transitions(_dot(kms_spec, "overview"))
    for t in kms_spec.all_transitions():
        for source in t.sources:
            edge = edges[f"edge:{t.id}@{source}"]
            dashed = "dashed" in edge.get("style", "")
            loop = edge["_tail"] == edge["_head"]  # one loop for several: dashed only if all are assumptions'
            assert dashed == (not t.kb) or (loop and t.kb is not None), t.id
            refs = t.kb if t.kb else t.assumptions
            assert all(ref in edge["label"] for ref in refs), t.id


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_render_dot_every_diagram_has_title_and_legend(kms_spec, name):
    dot = _dot(kms_spec, name)
    view = load_views(kms_spec).get(name)
    assert view.title in dot.graph["label"]
    assert "Legend" in dot.nodes["legend"]["label"]


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_render_mermaid_has_title_every_state_and_arrow(kms_spec, name):
    views = load_views(kms_spec)
    view = views.get(name)
    text = render_mermaid(build_diagram(kms_spec, views, view))
    lines = text.splitlines()
    assert lines[3] == "stateDiagram-v2" and lines[1].startswith("title: ")
    nodes, edges = _expected_elements(kms_spec, view)
    # Transitions between the same two states share an arrow, a line each; one that stays in its state is a
    # line marked ↻ inside the state's box; a way back along an arrow without words is a line marked ↩.
    arrows = [line for line in lines if " --> " in line and "[*]" not in line]
    pairs = {(line.split()[0], line.split()[2]) for line in arrows}
    assert len(pairs) == len(arrows)
    inside = [line for line in lines if (": ↻ " in line or ": ↩ " in line) and "kmsflow_legend" not in line]
    lines_drawn = sum(line.count("<br/>") + 1 for line in arrows if " : " in line) + len(inside)
    assert lines_drawn == len(edges)
    declared = [line for line in lines if line.strip().startswith("state \"")]
    assert len(declared) >= len(nodes)
    assert 'state "Legend" as kmsflow_legend {' in text


def test_graphviz_renders_every_committed_dot_without_warnings():
    dots = sorted((ROOT / "diagrams").glob("*.dot"))
    assert len(dots) >= 4
    for path in dots:
        run = subprocess.run(["dot", "-Tsvg", str(path)], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0 and run.stderr == "", f"{path.name}: {run.stderr}"


def test_choose_engine_switches_large_specs_to_sfdp(kms_spec, tmp_path):
    views = load_views(kms_spec)
    assert {choose_engine(build_diagram(kms_spec, views, v)) for v in views.views} == {"dot"}
    big = synthetic_spec(str(tmp_path / "big.yaml"), 100)
    big_views = load_views(big)
    diagram = build_diagram(big, big_views, big_views.views[0])
    assert choose_engine(diagram) == "sfdp"
    assert "layout=sfdp" in render_dot(diagram)


def test_graphviz_renders_a_large_sfdp_diagram_without_warnings(tmp_path):
    big = synthetic_spec(str(tmp_path / "big.yaml"), 100)
    views = load_views(big)
    source = render_dot(build_diagram(big, views, views.views[0]))
    run = subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stderr == ""


def test_writer_options_tags_and_only_article(kms_spec, capsys, tmp_path):
    from simulator.cli import main
    from simulator.draw.diagram_model import with_options

    views = load_views(kms_spec)
    diagram = build_diagram(kms_spec, views, views.get("cancel"))
    arrows = {e.id: e for e in diagram.edges if e.is_transition}
    assert arrows["edge:confirm_unsubscribe.press_no@confirm_unsubscribe"].refs == "A2"
    steps_only = {e.id: e for e in with_options(diagram, "steps").edges if e.is_transition}
    assert steps_only["edge:confirm_unsubscribe.press_no@confirm_unsubscribe"].refs == ""  # an assumption's id
    assert steps_only["edge:confirm_unsubscribe.press_yes@confirm_unsubscribe"].refs == "cancel.4"
    assert all(not e.refs for e in with_options(diagram, "none").edges)
    article = with_options(diagram, "all", only_article=True)
    assert {e.id for e in article.edges if e.is_transition} == {i for i, e in arrows.items() if not e.dashed}
    assert "edge-dashed" not in {entry.sample for entry in article.legend}
    # Through the CLI, read back from the DOT: no tag under any arrow, no dashed arrow.
    assert main(["diagram", "-o", str(tmp_path), "--format", "dot", "--view", "cancel", "--tags", "none",
                 "--only", "article"]) == 0
    capsys.readouterr()
    dot = parse_dot((tmp_path / "cancel.dot").read_text(encoding="utf-8"))
    labelled = [e for e in dot.edges.values() if e.get("label")]
    assert labelled and not any('COLOR="#666666"' in e["label"] for e in labelled)
    assert not any("dashed" in e.get("style", "") for e in labelled)


def test_screens_that_share_a_title_are_told_apart_on_every_view(kms_spec):
    views = load_views(kms_spec)
    for view in views.views:
        titles = [n.title for n in build_diagram(kms_spec, views, view).nodes if n.kind == "screen"]
        assert len(set(titles)) == len(titles), (view.name, titles)
    overview = build_diagram(kms_spec, views, views.get("overview"))
    connecting = sorted(n.title for n in overview.nodes if n.title.startswith("Connecting"))
    assert connecting == ["Connecting... (checking the license)", "Connecting... (taking the payment)"]
