"""Legibility, measured: every committed diagram laid out by Graphviz and by Mermaid in Chromium, read back.

Graphviz's layout is read from ``dot -Tjson``; Mermaid's from the SVG Chromium draws (one page renders
every .mmd, so the browser is opened once). Fixtures that a reader could not read make the check fail.
"""
from __future__ import annotations

import pytest

from simulator.cli import main
from simulator.draw.layout_check import DOCS_WIDTH, check_layout, graphviz_layout
from simulator.draw.layout_mermaid import RESULT_ID, find_mermaid_js, measure_page, read_measures
from tests.browser import offline_page

from .conftest import KMS_SPEC, ROOT

COMMITTED = ROOT / "diagrams"
FIXTURES = ROOT / "tests" / "fixtures" / "layout"
VIEWS = ["overview", "cancel", "one_click_buy", "auto_renewal"]


#: Mermaid lays out only in a browser: one Chromium page renders the six diagrams once for the module (~10 s
#: on this machine, Chromium's start included); the tests that read it are marked slow for that.
in_chromium = pytest.mark.slow


@pytest.fixture(scope="module")
def mermaid_reports(chromium, tmp_path_factory):
    """Every committed .mmd and the two failing fixtures, drawn in one Chromium page and checked."""
    sources = [(path.stem, path.read_text(encoding="utf-8")) for path in sorted(COMMITTED.glob("*.mmd"))]
    sources += [(f"fixture:{path.stem}", path.read_text(encoding="utf-8")) for path in sorted(FIXTURES.glob("*.mmd"))]
    page_file = tmp_path_factory.mktemp("layout") / "measure.html"
    page_file.write_text(measure_page(sources, find_mermaid_js(ROOT)), encoding="utf-8")
    tab = offline_page(chromium)
    tab.page.goto(page_file.as_uri())
    tab.page.wait_for_selector(f"#{RESULT_ID}[data-done]", state="attached", timeout=60_000)
    result = tab.page.eval_on_selector(f"#{RESULT_ID}", "el => el.textContent")
    assert tab.console_errors == [] and tab.blocked_requests == []
    tab.page.context.close()
    layouts = read_measures(result, sources)
    return {layout.name: (layout, check_layout(layout)) for layout in layouts}


@pytest.mark.parametrize("view", VIEWS)
def test_layout_committed_graphviz_view_has_no_overlap_and_no_hidden_label(view):
    report = check_layout(graphviz_layout((COMMITTED / f"{view}.dot").read_text(encoding="utf-8"), view))
    print(report.line())
    assert report.overlaps == [] and report.hidden == []
    assert report.min_text_px > 0


@in_chromium
@pytest.mark.parametrize("view", VIEWS)
def test_layout_committed_mermaid_view_in_chromium_has_no_overlap_and_no_hidden_label(mermaid_reports, view):
    layout, report = mermaid_reports[view]
    print(report.line())
    assert report.overlaps == [] and report.hidden == []
    # Every arrow that carries a label in the .mmd was drawn with one.
    assert layout.missing_labels == []


@in_chromium
def test_layout_mermaid_auto_renewal_shows_the_automatic_and_the_failed_payment(mermaid_reports):
    layout, _ = mermaid_reports["auto_renewal"]
    shown = "".join(text.text for text in layout.texts).replace(" ", "")  # lines of a box join without a space
    for words in ("1–3 days left and online and balance ≥ price] / charge price, extend by period",
                  "1–3 days left and (offline or balance < price)] (payment.info)",
                  "connection lost", "connection back", "top up the account"):
        assert words.replace(" ", "") in shown, words


@in_chromium
def test_layout_two_self_loops_on_one_state_fail_in_both_formats(mermaid_reports):
    dot = check_layout(graphviz_layout((FIXTURES / "two_loops.dot").read_text(encoding="utf-8"), "two_loops"))
    assert not dot.ok and dot.hidden
    layout, mermaid = mermaid_reports["fixture:two_loops"]
    assert not mermaid.ok
    assert layout.missing_labels == ["1 of 3 labelled arrows"]  # Mermaid drew one loop over the other


@in_chromium
def test_layout_two_colliding_labels_fail_in_both_formats(mermaid_reports):
    dot = check_layout(graphviz_layout((FIXTURES / "colliding_labels.dot").read_text(encoding="utf-8"), "c"))
    assert any("'License'" in o and "'Unsubscribe'" in o for o in dot.overlaps)
    _, mermaid = mermaid_reports["fixture:colliding_labels"]
    assert any("select Unsubscribe" in o and "Yes [subscription not active]" in o for o in mermaid.overlaps)


#: The Graphviz overview as committed before issue 14 (a49bb61), measured by this check: 91 crossings, its
#: smallest text 3.6 px tall at 1,280 px wide (bench/bench_layout.py prints both beside today's).
OVERVIEW_BEFORE = {"crossings": 91, "min_text_px": 3.6}


@in_chromium
def test_layout_overview_reads_at_docs_width_with_half_the_crossings(mermaid_reports):
    dot = check_layout(graphviz_layout((COMMITTED / "overview.dot").read_text(encoding="utf-8"), "overview"))
    print(dot.line())
    assert dot.min_text_px >= 8, f"text under 8 px at {DOCS_WIDTH} px wide"
    assert dot.crossings <= OVERVIEW_BEFORE["crossings"] // 2
    _, mermaid = mermaid_reports["overview"]
    print(mermaid.line())
    assert f"at {DOCS_WIDTH} px wide" in mermaid.line()


def test_diagram_check_layout_cli_reports_both_formats_and_writes_nothing(capsys, tmp_path):
    # The CLI measures Mermaid with `chromium --headless --dump-dom` (no driver): one browser start.
    code = main(["diagram", str(KMS_SPEC), "--check-layout", "--view", "cancel", "-o", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "cancel (graphviz): 0 overlaps, 0 hidden labels" in out
    assert "cancel (mermaid): 0 overlaps, 0 hidden labels" in out
    assert not (tmp_path / "out").exists()


def test_diagram_check_layout_without_chromium_is_one_message_and_exit_2(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("KMSFLOW_CHROMIUM", str(tmp_path / "no-such-chromium"))
    code = main(["diagram", str(KMS_SPEC), "--check-layout", "--view", "cancel", "--format", "mmd"])
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot start Chromium" in err and "[chromium-missing]" in err and "Traceback" not in err
