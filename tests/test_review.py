"""The product owners' review: the Markdown document and the HTML page, from one content, fresh, in plain words."""
import html
import json
import re

import pytest

from simulator import load_spec
from simulator.cli import main
from simulator.report.content import move_text
from simulator.report.gather import gather_review
from simulator.report.review import render_markdown, render_review
from simulator.report.review_files import review_files
from simulator.draw.views import load_views
from simulator.spec.texts import reader_names

from .conftest import KMS_SPEC, SPEC_DIR

REVIEW_MD = SPEC_DIR / "kms9_subscription.review.md"
REVIEW_HTML = SPEC_DIR / "kms9_subscription.review.html"


@pytest.fixture(scope="module")
def fresh_files():
    """Both review files as `make review` makes them (one walk, one content for both)."""
    return review_files(load_spec(str(KMS_SPEC)), [str(REVIEW_MD), str(REVIEW_HTML)],
                        diagrams=str(SPEC_DIR.parent / "diagrams"))


@pytest.fixture(scope="module")
def content(kms_spec):
    return gather_review(kms_spec, walk=False)


_SVG = re.compile(r"<svg .*?</svg>", re.S)
_DRAWN = re.compile(r'id="((?:screen|edge|account|start|end):[^"]*)"')


def _drawings(page: str) -> list[list[str]]:
    return [sorted(_DRAWN.findall(svg)) for svg in _SVG.findall(page)]


@pytest.mark.slow  # the exhaustive walk twice (the guarantees, the page's graph) and four diagrams through Graphviz
def test_review_committed_files_match_the_spec(fresh_files):
    # Regenerate with `make review` when this fails.
    assert REVIEW_MD.read_text(encoding="utf-8") == fresh_files[str(REVIEW_MD)]
    committed, fresh = REVIEW_HTML.read_text(encoding="utf-8"), fresh_files[str(REVIEW_HTML)]
    # Everything but Graphviz's layout byte for byte; the drawings element for element (as tests/test_diagram_cli.py
    # compares .dot, not .svg: another Graphviz version places the same drawing a little differently).
    assert _SVG.sub("<svg/>", committed) == _SVG.sub("<svg/>", fresh)
    assert _drawings(committed) == _drawings(fresh)


# The tests below read the committed files, which the test above keeps fresh: the walk and the drawing run once.
def test_review_page_is_self_contained_and_under_3_mb():
    page = REVIEW_HTML.read_text(encoding="utf-8")
    assert len(page.encode("utf-8")) < 3_000_000
    # Nothing fetched: no external script, style, image or font; every diagram inline.
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["'](?!#|data:)""", page)
    assert "@import" not in page and "url(http" not in page
    assert page.count("<svg ") == 5  # three parts, the overview, and the overview again beside the phone


def test_review_markdown_and_page_say_the_same_steps_and_decisions(kms_spec):
    markdown, page = REVIEW_MD.read_text(encoding="utf-8"), REVIEW_HTML.read_text(encoding="utf-8")
    for step in kms_spec.kb_steps.values():
        assert step.text in markdown and html.escape(step.text, quote=False) in page
    for a in kms_spec.assumptions.values():
        for text in (a.decision, a.alternative, a.why):
            assert text in markdown
        assert f"### {a.id}: {a.title}" in markdown and f"{a.id}: " in page


def test_review_says_every_transition_once_in_the_body(content, kms_spec):
    markdown = render_markdown(content)
    body = markdown[:markdown.index("<details>")]
    for move in content.moves.values():
        said = [m for m in _said_moves(content) if m.transition == move.transition]
        assert len(said) == 1, move.transition
    assert not any(t.id in body for t in kms_spec.all_transitions())
    headings = [line for line in body.splitlines() if line.startswith("#")]
    assert len(headings) == len(set(headings))  # no "### Resume" twice


def _said_moves(content):
    for section in content.sections:
        for step in section.steps:
            for phone in step.phones:
                yield from phone.moves
            yield from step.moves
    for phone in content.elsewhere:
        yield from phone.moves
    yield from content.account


def test_review_says_guards_with_the_diagrams_words(kms_spec):
    names = reader_names(kms_spec)
    labels = load_views(kms_spec).guard_labels
    sentence = move_text(kms_spec, labels, names, kms_spec.transition("charging.charge.2"))
    assert sentence.startswith("The app by itself: **server charges the price** (online and balance < price)")
    assert f"→ **{names['note_no_money']}**" in sentence
    assert "not (" not in sentence


def test_review_cli_writes_both_files_and_nothing_on_failure(tmp_path, capsys):
    md, page = tmp_path / "r.md", tmp_path / "r.html"
    md.write_text("before")
    assert main(["review", str(SPEC_DIR / "no-such.yaml"), "-o", str(md), "-o", str(page)]) == 2
    assert md.read_text() == "before" and not page.exists()


def test_review_shows_what_the_walk_proved():
    text = REVIEW_MD.read_text(encoding="utf-8")
    assert "15 of 15 guarantees hold" in text
    assert text.count("- holds: ") == 15 and "VIOLATED" not in text
    for name in ("overview", "cancel", "one_click_buy", "auto_renewal"):
        assert f"(../diagrams/{name}.svg)" in text and (SPEC_DIR.parent / "diagrams" / f"{name}.svg").exists()


def test_review_reports_a_violated_property(tmp_path):
    text = KMS_SPEC.read_text().replace("    conditions: [network_up, balance_covers_price]\n    send: activate",
                                        "    conditions: [network_up]\n    send: activate")
    mutant = tmp_path / "mutant.yaml"
    mutant.write_text(text)
    (tmp_path / "scenarios").symlink_to(SPEC_DIR / "scenarios", target_is_directory=True)  # its views draw some
    review = render_review(load_spec(str(mutant)))
    assert "- **VIOLATED** (" in review and "The balance never goes negative" in review


def test_review_lists_a7_with_its_alternative_and_the_screen_it_shapes(content):
    text = render_markdown(content)
    section = text[text.index("### A7: "):]
    section = section[:section.index("- **Sign-off:**")]
    assert "- **Alternative:** A note on the next launch" in section
    assert "- **What it shapes on screen:** License" in section
    assert "the account (2 steps)" in section  # the region, as the spec calls it (called: account)


def test_review_page_data_cannot_end_its_script_element():
    from simulator.report.page import script_json

    data = {"text": "</script><script>alert(1)</script><!-- x", "n": [1, "a<b"]}
    text = script_json(data)
    assert "<" not in text and json.loads(text) == data
