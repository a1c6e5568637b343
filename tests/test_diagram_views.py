"""The spec's views: what each diagram shows, and the problems a bad ``views:`` section gets."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import KMS_SPEC
from simulator import check_spec, load_spec
from simulator.errors import SpecError
from simulator.draw.views import OVERVIEW, guard_phrase, load_views, view_edges


def _spec_with_views(tmp_path: Path, views_yaml: str | None) -> Path:
    """The KMS spec with its views section replaced (None: removed)."""
    text = KMS_SPEC.read_text(encoding="utf-8")
    head = text[:text.index("\nviews:\n")]
    path = tmp_path / "spec.yaml"
    path.write_text(head + ("\n" + views_yaml if views_yaml else "\n"), encoding="utf-8")
    return path


def test_views_kms_spec_declares_overview_and_three_flows(kms_spec):
    views = load_views(kms_spec)
    assert views.names == ["overview", "cancel", "one_click_buy", "auto_renewal"]
    overview = views.get(OVERVIEW)
    assert overview.screens == tuple(kms_spec.screens)
    assert overview.account_states == ("active", "cancelled", "none")


def test_view_edges_cancel_view_is_the_article_cancel_flow(kms_spec):
    cancel = load_views(kms_spec).get("cancel")
    assert {e.key for e in view_edges(kms_spec, cancel)} == {
        "main_menu.select_additional@main_menu", "additional_menu.select_license@additional_menu",
        "license_menu.select_unsubscribe@license_menu", "confirm_unsubscribe.press_yes@confirm_unsubscribe",
        "confirm_unsubscribe.press_yes.2@confirm_unsubscribe",  # the subscription ended meanwhile
        "confirm_unsubscribe.press_no@confirm_unsubscribe", "note_cancelled.press_ok@note_cancelled",
        "account.active.cancel@active"}


def test_view_edges_overview_has_every_transition_from_every_source(kms_spec):
    overview = load_views(kms_spec).get(OVERVIEW)
    expected = {f"{t.id}@{s}" for t in kms_spec.all_transitions() for s in t.sources}
    assert {e.key for e in view_edges(kms_spec, overview)} == expected


def test_guard_phrase_uses_the_spec_labels_and_their_negation(kms_spec):
    labels = load_views(kms_spec).guard_labels
    t = kms_spec.transition("checking_license.check_license.2")
    assert guard_phrase(kms_spec, labels, t) == "online and license expired"
    assert guard_phrase(kms_spec, {}, t) == "network up and not license valid"


def test_views_spec_without_views_gets_the_overview(tmp_path):
    spec = load_spec(str(_spec_with_views(tmp_path, None)))
    views = load_views(spec)
    assert views.names == [OVERVIEW]
    assert len(view_edges(spec, views.views[0])) == sum(len(t.sources) for t in spec.all_transitions())


def test_views_list_without_overview_still_draws_the_overview(tmp_path):
    spec = load_spec(str(_spec_with_views(tmp_path, "views:\n  - {name: menus, title: Menus, screens: [main_menu, "
                                                    "additional_menu]}\n")))
    views = load_views(spec)
    assert views.names == [OVERVIEW, "menus"]
    assert {e.key for e in view_edges(spec, views.get("menus"))} == {
        "main_menu.select_additional@main_menu", "additional_menu.press_back@additional_menu"}


@pytest.mark.parametrize("views_yaml, line, code, words", [
    ("views:\n  diagrams:\n    - {name: x, title: X, screens: [main_menu, licence_menu]}\n", 3, "unknown-screen",
     "did you mean 'license_menu'"),
    ("views:\n  diagrams:\n    - {name: x, title: X, account: [actve]}\n", 3, "unknown-state", "actve"),
    ("views:\n  diagrams:\n    - {name: x, title: X, screens: [terms], events: [press_yess]}\n", 3,
     "unknown-event", "press_yes"),
    ("views:\n  diagrams:\n    - {name: x, title: X}\n", 3, "empty-view", "shows nothing"),
    ("views:\n  diagrams:\n    - {name: x, title: X, screens: [terms]}\n    - {name: x, title: Y, "
     "screens: [terms]}\n", 4, "duplicate-name", "duplicate view name"),
    ("views:\n  diagrams:\n    - {name: X Y, title: X, screens: [terms]}\n", 3, "bad-value", "lower-case"),
    ("views:\n  diagrams:\n    - {name: overview, title: X, screens: [terms]}\n", 3, "bad-value",
     "whole spec"),
    ("views:\n  diagrams:\n    - {name: x, title: X, screens: [terms], start: main_menu}\n", 3, "bad-value",
     "start"),
    ("views:\n  diagrams:\n    - {name: x, title: X, screens: [main_menu], start: main_menu,\n"
     "       path: [select_additionl]}\n", 4, "unknown-event", "did you mean 'select_additional'"),
    ("views:\n  diagrams:\n    - {name: x, title: X, screens: [main_menu], path: scenarios/nope.yaml}\n", 3,
     "bad-value", "no scenario file"),
    ("views:\n  guard_labels: {network_upp: online}\n", 2, "unknown-guard", "network_up"),
    ("views:\n  diagram: []\n", 2, "unknown-key", "did you mean 'diagrams'"),
])
def test_views_bad_section_reports_line_and_code(tmp_path, views_yaml, line, code, words):
    spec_path = _spec_with_views(tmp_path, views_yaml)
    first_line = spec_path.read_text(encoding="utf-8").count("\n") - views_yaml.count("\n") + 1
    spec = load_spec(str(spec_path))
    problems = [p for p in check_spec(spec) if p.level == "error"]
    assert problems, "the bad view must be reported by check"
    problem = problems[0]
    assert (problem.code, problem.loc.line) == (code, first_line + line - 1), str(problem)
    assert re.search(re.escape(words), problem.message), problem.message
    with pytest.raises(SpecError):
        load_views(spec)
