"""Typed spec sections (views, domain, properties) and the checks split by layer."""
from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from simulator import SpecError, check_spec, load_spec
from simulator import check as top_check
from simulator.draw.views import load_views
from simulator.rules import available_rule_books
from simulator.rules.check import RULE_CHECKS
from simulator.spec import check as spec_check
from simulator.spec.model import (CheckDecl, DomainDecl, FlowDecl, PropertiesDecl, PropertyDecl, Spec, ViewDecl,
                                  ViewsDecl)
from simulator.walk.domain import evaluate_value as walk_evaluate_value
from simulator.walk.domain import parse_domain
from simulator.walk.properties import parse_properties
from simulator.spec.expr import evaluate_value

from .conftest import KMS_SPEC, ROOT

SPEC_PACKAGE = ROOT / "simulator" / "spec"


def _line(text: str, needle: str) -> int:
    """The first line that is ``needle`` (stripped), else the first that contains it."""
    lines = list(enumerate(text.splitlines(), 1))
    exact = next((n for n, line in lines if line.strip() == needle), None)
    return exact or next(n for n, line in lines if needle in line)


def test_sections_are_typed_declarations_with_their_lines(kms_spec):
    text = KMS_SPEC.read_text(encoding="utf-8")
    assert not any(f.name == "extra" for f in dataclasses.fields(Spec))
    assert isinstance(kms_spec.views, ViewsDecl) and all(isinstance(v, ViewDecl) for v in kms_spec.views.diagrams)
    cancel = next(v for v in kms_spec.views.diagrams if v.name == "cancel")
    assert cancel.loc.line == _line(text, "- name: cancel")
    assert [ref.name for ref in cancel.screens.names][:2] == ["main_menu", "additional_menu"]
    assert cancel.start.name == "main_menu" and cancel.start.loc.line == _line(text, "start: main_menu")
    assert isinstance(kms_spec.domain, DomainDecl)
    bound = next(b for b in kms_spec.domain.bounds if b.variable == "days_left")
    assert bound.value.text == "2 * period_days" and bound.loc.line == _line(text, "days_left: 2 * period_days")
    assert isinstance(kms_spec.properties, PropertiesDecl)
    flow = kms_spec.properties.history[0]
    assert isinstance(flow, FlowDecl) and flow.flags == ("terms_accepted", "access_point_chosen", "price_accepted")
    prop = kms_spec.properties.must_hold[0]
    assert isinstance(prop, PropertyDecl) and isinstance(prop.checks[0], CheckDecl)
    assert prop.checks[0].params == {"flow": "one_click_buy", "steps": ("terms_accepted", "price_accepted")}
    assert prop.loc.line == _line(text, "- name: no_charge_without_consent")
    assert all(not s.problems for s in (kms_spec.views, kms_spec.domain, kms_spec.properties))


def test_sections_absent_are_none_and_stages_use_their_defaults(tmp_path):
    spec = load_spec(str(ROOT / "spec" / "trial_to_purchase.yaml"))
    assert (spec.views, spec.domain, spec.properties) == (None, None, None)
    assert load_views(spec).names == ["overview"]
    assert not parse_domain(spec).declared
    assert parse_properties(spec).properties == []


# (replace, with, the line to report at, code, words) - one mistake per section, of shape and of meaning.
MISTAKES = {
    "view unknown screen": ("      screens: [main_menu, additional_menu, license_menu,",
                            "      screens: [main_menu, additional_menu, licence_menu,", "licence_menu",
                            "unknown-screen", "did you mean 'license_menu'", load_views),
    "view bad name": ("    - name: cancel\n", "    - name: Cancel\n", "name: Cancel", "bad-value", "lower-case",
                      load_views),
    "views unknown key": ("views:\n  # How", "views:\n  diagram: []\n  # How", "diagram: []", "unknown-key",
                          "did you mean 'diagrams'", load_views),
    "domain unknown parameter": ("balance: [0, price - 1, price, 2 * price]", "balance: [0, prise - 1]",
                                 "prise - 1", "bad-domain", "did you mean 'price'", parse_domain),
    "domain values not a list": ("    network: [up, down]", "    network: up", "network: up", "bad-domain",
                                 "non-empty list", parse_domain),
    "properties unknown flow": ("flow: one_click_buy, steps: [terms_accepted, price_accepted]}",
                                "flow: one_click, steps: [terms_accepted, price_accepted]}", "flow: one_click,",
                                "bad-property", "unknown flow 'one_click'", parse_properties),
    "properties unknown check kind": ("check: {kind: home_reachable}", "check: {kind: home_reachble}",
                                      "home_reachble", "bad-property", "did you mean 'home_reachable'",
                                      parse_properties),
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES), ids=str)
def test_sections_problems_load_then_check_and_the_stage_report_them_alike(tmp_path, mistake):
    old, new, marker, code, words, stage = MISTAKES[mistake]
    text = KMS_SPEC.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    spec = load_spec(str(path))  # a bad section does not stop the load
    reported = [p for p in check_spec(spec) if p.code == code and words in p.message]
    assert [p.loc.line for p in reported] == [_line(text, marker)], check_spec(spec)
    with pytest.raises(SpecError) as caught:
        stage(spec)
    assert reported[0] in caught.value.problems


def test_sections_stage_errors_are_in_file_order(tmp_path):
    text = KMS_SPEC.read_text(encoding="utf-8").replace(
        "balance: [0, price - 1, price, 2 * price]", "balance: [0, prise - 1]").replace(
        "counters: [charges]  ", "counters: [chargez]  ")
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        parse_domain(load_spec(str(path)))
    assert caught.value.problems == sorted(caught.value.problems) and len(caught.value.problems) == 2


def test_sections_domain_expressions_live_in_the_spec_layer():
    assert walk_evaluate_value is evaluate_value
    assert evaluate_value("3 * period_days - 1", {"period_days": 30}) == 89


def test_check_is_split_by_layer_and_composed_on_top(kms_spec):
    assert top_check.check_spec is check_spec
    names = {check.__name__ for check in (*spec_check.SPEC_CHECKS, *spec_check.WALK_SECTION_CHECKS, *RULE_CHECKS)}
    assert {"check_rules", "check_implemented", "check_views", "check_domain", "check_properties"} <= names
    assert top_check.kb_trace is spec_check.kb_trace and top_check.assumption_trace is spec_check.assumption_trace


def test_check_unknown_rule_book_is_reported_by_the_rules_layer_alone(tmp_path):
    fixture = Path(__file__).parent / "fixtures" / "bad_specs" / "unknown_rules.yaml"
    spec = load_spec(str(fixture))
    from_rules = [p for check in RULE_CHECKS for p in check(spec)]
    assert [p.code for p in from_rules] == ["unknown-rules"]
    # The module holding these checks lives in the rules package, yet is no rule book a spec can name.
    assert "check" not in available_rule_books() and {"synthetic", "trial"} <= set(available_rule_books())
    assert from_rules[0].message.startswith("unknown rule book 'trail' (did you mean 'trial'?); available: ")
    assert not [p for check in spec_check.SPEC_CHECKS for p in check(spec) if p.code == "unknown-rules"]


def _imports(path: Path) -> list[tuple[str, int]]:
    """(module, level) of every import in a file, function-level ones included."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            out.append((node.module or "", node.level))
        elif isinstance(node, ast.Import):
            out += [(alias.name, 0) for alias in node.names]
    return out


@pytest.mark.parametrize("path", sorted(SPEC_PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_spec_layer_imports_nothing_above_it(path):
    higher = ("rules", "runtime", "walk", "draw", "play", "report", "check", "cli")
    for module, level in _imports(path):
        if level == 2:  # from ..x import: a sibling of the spec package
            assert module.split(".")[0] in ("errors", "output"), f"{path.name} imports ..{module}"
        assert not module.startswith(tuple(f"simulator.{h}" for h in higher)), f"{path.name} imports {module}"


def test_rules_check_imports_only_the_spec_layer_and_rules():
    for module, level in _imports(SPEC_PACKAGE.parent / "rules" / "check.py"):
        if level == 2:
            assert module.split(".")[0] in ("errors", "spec"), module
