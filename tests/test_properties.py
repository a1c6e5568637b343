"""Declared properties: they hold on the KMS spec, and mutated copies of it break the expected one."""
from __future__ import annotations

import pytest

from simulator import SpecError, load_scenario, load_spec, run_scenario
from simulator.walk.analysis import counterexample_path
from simulator.walk.explore import explore_spec
from simulator.walk.export import write_scenario
from simulator.walk.findings import find_structural
from simulator.walk.properties import check_properties, parse_properties

from .conftest import KMS_SPEC


def test_properties_kms_declares_the_ten_and_all_hold(kms_spec):
    props = parse_properties(kms_spec)
    # DESIGN.md's ten, in its order, then the spec's own promise that its constraints stay true.
    assert [p.name for p in props.properties] == [
        "no_charge_without_consent", "automatic_charge_window", "balance_covers_charges",
        "failed_activation_changes_nothing", "no_cancel_back_changes_nothing", "cancelling_keeps_days",
        "one_charge_per_period", "no_dead_ends", "no_network_before_consent", "deterministic",
        "world_stays_consistent"]
    results = check_properties(explore_spec(kms_spec))
    assert [r.name for r in results if not r.holds] == []
    findings = find_structural(explore_spec(kms_spec))
    assert findings.never_enabled == [] and findings.dead_ends == [] and findings.nondeterminism == []


def _mutant(tmp_path, old: str, new: str):
    text = KMS_SPEC.read_text()
    assert text.count(old) == 1, old
    path = tmp_path / "kms9_mutant.yaml"
    path.write_text(text.replace(old, new))
    return load_spec(str(path))  # not load_checked_spec: some mutants are what the walk must catch


MUTATIONS = {
    "charge without its balance guard": (
        "    conditions: [network_up, balance_covers_price]\n    send: activate",
        "    conditions: [network_up]\n    send: activate",
        "balance_covers_charges"),
    "unsubscribe that does not cancel": (
        "    send: cancel                        # the account region: active -> cancelled\n", "",
        "cancelling_keeps_days"),
    "automatic payment while cancelled": (
        "      source: active\n      dest: active\n      conditions: [renewal_due, payment_possible]",
        "      source: [active, cancelled]\n      conditions: [renewal_due, payment_possible]",
        "automatic_charge_window"),
    "license menu without Back": (
        "  - {trigger: press_back, source: license_menu, dest: additional_menu, assumption: A1}\n", "",
        "no_dead_ends"),
    "resume offer that outlives the license": (
        "    conditions: license_valid           # still valid when Yes is pressed\n", "",
        "world_stays_consistent"),
    "Yes on the terms goes straight to the charge": (
        "  - {trigger: press_yes, source: terms, dest: access_point, kb: resume.4}",
        "  - {trigger: press_yes, source: terms, dest: charging, kb: resume.4}",
        "no_charge_without_consent"),
    "not enough money still tops up": (
        "    unless: balance_covers_price\n    kb: fail.money",
        "    unless: balance_covers_price\n    after: add_price_to_balance\n    kb: fail.money",
        "failed_activation_changes_nothing"),
    "Back from the License menu changes the balance": (
        "  - {trigger: press_back, source: license_menu, dest: additional_menu, assumption: A1}",
        "  - {trigger: press_back, source: license_menu, dest: additional_menu, after: add_price_to_balance, "
        "assumption: A1}",
        "no_cancel_back_changes_nothing"),
    "Cancel on the access point contacts the server": (
        "  - {trigger: press_cancel, source: access_point, dest: license_menu, assumption: A3}",
        "  - {trigger: press_cancel, source: access_point, dest: checking_license, assumption: A3}",
        "no_network_before_consent"),
    "overlapping guards on check_license": (
        "    unless: license_valid\n    kb: [resume.6, resume.6a]", "    kb: [resume.6, resume.6a]",
        "deterministic"),
}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=list(MUTATIONS))
def test_properties_mutant_is_caught_and_its_counterexample_replays(tmp_path, mutation):
    old, new, expected = MUTATIONS[mutation]
    spec = _mutant(tmp_path, old, new)
    graph = explore_spec(spec)
    results = {r.name: r for r in check_properties(graph)}
    assert not results[expected].holds
    violation = results[expected].first
    path = counterexample_path(graph, violation)
    # Shortest: no violation of this property is reached in fewer steps.
    assert len(path.steps) == graph.depth[violation.node] + violation.length
    file = tmp_path / "counterexample.yaml"
    write_scenario(spec, path, str(file), f"counterexample: {expected}")
    result = run_scenario(load_scenario(str(file), spec), spec)
    assert result.passed, result.failures
    kept = {name: result.final_world[name] for name in graph.variables}
    if violation.target is not None or violation.event is None:
        end = violation.target if violation.target is not None else graph.nodes[violation.node]
        assert (result.final_screen, kept) == (end.screen, dict(zip(graph.variables, end.world)))
    else:  # nondeterminism: the path reaches the configuration, then fires the event whose guards overlap
        config = graph.nodes[violation.node]
        before = path.steps[-2] if len(path.steps) > 1 else None
        assert before is None or before.screen == config.screen
        assert path.steps[-1].event == graph.events[violation.event]


def test_properties_mutants_show_in_the_structural_findings(tmp_path):
    old, new, _ = MUTATIONS["license menu without Back"]
    findings = find_structural(explore_spec(_mutant(tmp_path, old, new)))
    assert "license_menu" in {d["screen"] for d in findings.dead_ends}
    old, new, _ = MUTATIONS["overlapping guards on check_license"]
    findings = find_structural(explore_spec(_mutant(tmp_path, old, new)))
    assert [(n["event"], n["state"]) for n in findings.nondeterminism] == [("check_license", "checking_license")]
    assert findings.nondeterminism[0]["transitions"] == ["checking_license.check_license",
                                                         "checking_license.check_license.2"]


def test_properties_charge_without_guard_goes_negative(tmp_path):
    old, new, _ = MUTATIONS["charge without its balance guard"]
    spec = _mutant(tmp_path, old, new)
    graph = explore_spec(spec)
    result = {r.name: r for r in check_properties(graph)}["balance_covers_charges"]
    path = counterexample_path(graph, result.first)
    assert path.steps[-1].world["balance"] < 0 or path.steps[-1].world["charges"] > 0
    assert "balance_covers_price" in result.first.message or "below" in result.first.message


def test_properties_unknown_check_parameters_are_spec_errors(tmp_path):
    spec = _mutant(tmp_path, "check: {kind: steps_before_charge, flow: one_click_buy, steps: [terms_accepted, "
                   "price_accepted]}", "check: {kind: steps_before_charge, flow: one_click, steps: [terms_acepted]}")
    with pytest.raises(SpecError) as caught:
        parse_properties(spec)
    messages = " ".join(p.message for p in caught.value.problems)
    assert "unknown flow 'one_click'" in messages
    assert all(p.code == "bad-property" and p.loc.line > 0 for p in caught.value.problems)


def test_properties_renewal_window_is_checked_against_literal_days(kms_spec, monkeypatch):
    # A rule book whose renewal_due is too wide: the spec's own guard would agree with it, the
    # property's literal window (1..3 days) does not.
    from simulator.rules import load_rules
    monkeypatch.setitem(load_rules("kms9").guards, "renewal_due", lambda w: 1 <= w.days_left <= 5)
    results = {r.name: r for r in check_properties(explore_spec(kms_spec))}
    assert not results["automatic_charge_window"].holds
    assert "days_left in 1..3" in results["automatic_charge_window"].first.message
