"""Declared properties: they hold on the KMS spec, and mutated copies of it break the expected one."""
from __future__ import annotations

import re

import pytest

from simulator import SpecError, check_spec, load_checked_spec, load_scenario, load_spec, run_scenario
from simulator.cli import main
from simulator.spec.renamed import RENAMED_KEYS, RENAMED_KINDS
from simulator.walk.analysis import counterexample_path
from simulator.walk.domain import domain_of
from simulator.walk.explore import explore_spec
from simulator.walk.export import write_scenario
from simulator.walk.findings import find_structural
from simulator.walk.properties import check_properties, parse_properties

from .conftest import KMS_SPEC


def test_properties_kms_declares_the_fifteen_and_all_hold(kms_spec, kms_graph):
    props = parse_properties(kms_spec)
    # DESIGN.md's fifteen, in its order.
    assert [p.name for p in props.properties] == [
        "no_charge_without_consent", "automatic_charge_window", "balance_covers_charges",
        "failed_activation_changes_nothing", "no_cancel_back_changes_nothing", "cancelling_keeps_days",
        "one_charge_per_period", "no_dead_ends", "no_network_before_consent", "deterministic",
        "world_stays_consistent", "payment_possible", "notes_match_their_cause", "walk_varies_parameters",
        "ways_back_lead_to_the_parent"]
    results = check_properties(kms_graph)
    assert [r.name for r in results if not r.holds] == []
    findings = find_structural(kms_graph)
    assert findings.never_enabled == [] and findings.dead_ends == [] and findings.nondeterminism == []


def _mutant(tmp_path, old: str, new: str):
    text = KMS_SPEC.read_text()
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    path = tmp_path / "kms9_mutant.yaml"
    path.write_text(text)
    return load_spec(str(path))  # not load_checked_spec: some mutants are what the walk must catch


def _quarter(spec):
    # One price and one period (not the defaults), a quarter of the full domain: a property that catches
    # a mutant on part of the domain catches it on all of it, and the walk takes a quarter of the time.
    return domain_of(spec, ["price=5", "period_days=7"])


MUTATIONS = {
    "charge without its balance guard": (
        "    conditions: [network_up, balance_covers_price]\n    send: activate",
        "    conditions: [network_up]\n    send: activate",
        "balance_covers_charges"),
    "unsubscribe that does not cancel": (
        "    send: cancel                        # the account region: active -> cancelled\n", "",
        "cancelling_keeps_days"),
    "automatic payment while cancelled": (
        "    - trigger: day_passes\n      source: [cancelled, none]\n",
        "    - trigger: day_passes\n      source: cancelled\n      conditions: [renewal_due, payment_possible]\n"
        "      after: [take_a_day, charge_price, extend_by_period]\n"
        "    - trigger: day_passes\n      source: [cancelled, none]\n",
        "automatic_charge_window"),
    "license menu without Back": (
        "  - {trigger: press_back, source: license_menu, dest: additional_menu, assumption: A1}\n", "",
        "no_dead_ends"),
    "resume offer that outlives the license": (
        "    conditions: [license_valid, network_up]   # still valid, and the server can be reached\n",
        "    conditions: network_up\n",
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
    # Issue 9's mutants that only scenarios caught before (the rule-book ones are below).
    "the license check ignores the network": (
        "    conditions: [network_up, license_valid]\n", "    conditions: license_valid\n", "deterministic"),
    "OK on a failure note goes to the main menu": (
        "source: [note_no_money, note_no_connection], dest: license_menu",
        "source: [note_no_money, note_no_connection], dest: main_menu", "ways_back_lead_to_the_parent"),
    "the no-money note shown when offline": (
        "    source: charging\n    dest: note_no_connection\n", "    source: charging\n    dest: note_no_money\n",
        "notes_match_their_cause"),
    "Yes on the resume offer needs no connection": (
        "    conditions: [license_valid, network_up]   # still valid, and the server can be reached\n",
        "    conditions: license_valid\n", "deterministic"),
    "Unsubscribe listed while the subscription is not active": (
        "    conditions: subscription_active     # the item is listed only then (A1)\n", "",
        "ways_back_lead_to_the_parent"),
    "the subscription can never be resumed": (
        "    source: price_resume\n    dest: note_resumed\n", "    source: price_resume\n    dest: license_menu\n",
        "payment_possible"),
}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=list(MUTATIONS))
def test_properties_mutant_is_caught_and_its_counterexample_replays(tmp_path, mutation):
    old, new, expected = MUTATIONS[mutation]
    spec = _mutant(tmp_path, old, new)
    graph = explore_spec(spec, _quarter(spec))
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
    # The replay ends where the counterexample does (parameters the domain varies are in its `given`).
    names = [name for name in graph.variables if name in spec.variables]
    kept = {name: result.final_world[name] for name in names}
    if violation.target is not None or violation.event is None:
        end = violation.target if violation.target is not None else graph.nodes[violation.node]
        end_world = dict(zip(graph.variables, end.world))
        assert (result.final_screen, kept) == (end.screen, {name: end_world[name] for name in names})
        assert {k: v for k, v in path.given.items() if k in spec.parameters} == \
            {k: v for k, v in end_world.items() if k in spec.parameters}
    else:  # nondeterminism: the path reaches the configuration, then fires the event whose guards overlap
        config = graph.nodes[violation.node]
        before = path.steps[-2] if len(path.steps) > 1 else None
        assert before is None or before.screen == config.screen
        assert path.steps[-1].event == graph.events[violation.event]


def test_properties_mutants_show_in_the_structural_findings(tmp_path):
    old, new, _ = MUTATIONS["license menu without Back"]
    spec = _mutant(tmp_path, old, new)
    findings = find_structural(explore_spec(spec, _quarter(spec)))
    assert "license_menu" in {d["screen"] for d in findings.dead_ends}
    old, new, _ = MUTATIONS["overlapping guards on check_license"]
    spec = _mutant(tmp_path, old, new)
    findings = find_structural(explore_spec(spec, _quarter(spec)))
    assert [(n["event"], n["state"]) for n in findings.nondeterminism] == [("check_license", "checking_license")]
    assert findings.nondeterminism[0]["transitions"] == ["checking_license.check_license",
                                                         "checking_license.check_license.2"]


def test_properties_charge_without_guard_goes_negative(tmp_path):
    old, new, _ = MUTATIONS["charge without its balance guard"]
    spec = _mutant(tmp_path, old, new)
    graph = explore_spec(spec, _quarter(spec))
    result = {r.name: r for r in check_properties(graph)}["balance_covers_charges"]
    path = counterexample_path(graph, result.first)
    assert path.steps[-1].world["balance"] < 0 or path.steps[-1].world["charges"] > 0
    assert "balance_covers_price" in result.first.message or "below" in result.first.message


def test_properties_unknown_check_parameters_are_spec_errors(tmp_path):
    spec = _mutant(tmp_path, "check: {kind: counter_rises_after_steps, flow: one_click_buy, steps: [terms_accepted, "
                   "price_accepted]}",
                   "check: {kind: counter_rises_after_steps, flow: one_click, steps: [terms_acepted]}")
    with pytest.raises(SpecError) as caught:
        parse_properties(spec)
    messages = " ".join(p.message for p in caught.value.problems)
    assert "unknown flow 'one_click'" in messages
    assert all(p.code == "bad-property" and p.loc.line > 0 for p in caught.value.problems)


def _rule_mutant(tmp_path, name: str, code: str):
    """The KMS spec with one guard's or effect's expression replaced (a rule that is wrong, not a flow)."""
    text = KMS_SPEC.read_text()
    text, count = re.subn(rf'^(  {name}:\n    doc: .*\n    (?:when|do): )".*"$', rf'\1"{code}"', text, flags=re.M)
    assert count == 1, name
    path = tmp_path / "kms9_rule_mutant.yaml"
    path.write_text(text)
    return load_checked_spec(str(path))  # a wrong rule is a good expression: check cannot see it


def test_properties_renewal_window_is_checked_against_literal_days(tmp_path):
    # A renewal window too wide: the spec's own guard says 1..5, the property's literal window (1..3 days) does not.
    spec = _rule_mutant(tmp_path, "renewal_due", "1 <= days_left <= 5")
    results = {r.name: r for r in check_properties(explore_spec(spec, _quarter(spec)))}
    assert not results["automatic_charge_window"].holds
    assert "days_left in 1..3" in results["automatic_charge_window"].first.message


RULE_MUTATIONS = {
    "the balance guard compared with >": (
        "balance_covers_price", "balance > price", {"payment_possible", "notes_match_their_cause"}),
    "the balance guard reads the period instead of the price": (
        "balance_covers_price", "balance >= period_days", {"payment_possible"}),
    "the period hard-coded to 30 in an effect": ("extend_by_period", "days_left += 30", {"one_charge_per_period"}),
    "days_left allowed below 0": ("take_a_day", "days_left -= 1", {"world_stays_consistent"}),
}


@pytest.mark.parametrize("mutation", RULE_MUTATIONS, ids=list(RULE_MUTATIONS))
def test_properties_rule_mutant_fails_a_property_with_a_replayable_shortest_counterexample(tmp_path, mutation):
    name, code, expected = RULE_MUTATIONS[mutation]
    spec = _rule_mutant(tmp_path, name, code)
    graph = explore_spec(spec, _quarter(spec))
    results = {r.name: r for r in check_properties(graph)}
    failed = {r.name for r in results.values() if not r.holds}
    assert expected <= failed, failed
    for prop in sorted(expected):
        violation = results[prop].first
        path = counterexample_path(graph, violation)
        assert len(path.steps) == graph.depth[violation.node] + violation.length
        # The counterexample replays in the simulator, on the same mutated rule.
        file = tmp_path / f"{prop}.yaml"
        write_scenario(spec, path, str(file), f"counterexample: {prop}")
        result = run_scenario(load_scenario(str(file), spec), spec)
        assert result.passed, result.failures


def test_properties_payment_possible_names_where_payment_gets_stuck(tmp_path):
    spec = _rule_mutant(tmp_path, "balance_covers_price", "balance > price")
    graph = explore_spec(spec, _quarter(spec))
    first = {r.name: r for r in check_properties(graph)}["payment_possible"].first
    config = graph.world_of(first.node)
    # Exactly the price on the account: the mutant refuses it, the literal promise says it must work.
    assert graph.nodes[first.node].screen == "license_menu" and config["balance"] == config["price"]
    assert config["days_left"] == 0 and config["network"] == "up"
    assert "activated note" in first.message


def test_properties_hard_coded_period_is_caught_only_because_the_walk_varies_it(tmp_path):
    spec = _rule_mutant(tmp_path, "extend_by_period", "days_left += 30")
    only_default = explore_spec(spec, domain_of(spec, ["period_days=30"]))
    results = {r.name: r for r in check_properties(only_default)}
    # With the default period alone the mutant passes the period property; the walk says it did not vary.
    assert results["one_charge_per_period"].holds
    assert not results["walk_varies_parameters"].holds
    assert "period_days = 30 only" in results["walk_varies_parameters"].first.message


def test_properties_charge_window_is_read_once_the_day_has_passed(kms_graph):
    # 4 days left, active, money and network: one day_passes charges, and the window property holds
    # because the charge is checked on the world the payment attempt saw (3 days), not the step's start (4).
    graph = kms_graph
    variables = graph.variables
    day = graph.events.index("day_passes")
    charged_from_four = [
        e for e in range(graph.edge_count) if graph.event[e] == day
        and dict(zip(variables, graph.nodes[graph.src[e]].world))["days_left"] == 4
        and graph.steps[graph.step[e]].counters[0] == 1]
    assert charged_from_four
    for edge in charged_from_four:
        before = dict(zip(variables, graph.nodes[graph.src[edge]].world))
        after = dict(zip(variables, graph.nodes[graph.dst[edge]].world))
        assert after["days_left"] == 3 + before["period_days"]
    assert {r.name: r for r in check_properties(graph)}["automatic_charge_window"].holds


# -- kinds named for what they check: a counter, the watched variables -------------------------

def _old_name(text: str, kind: str) -> tuple[str, str]:
    """The KMS spec as a spec of an earlier version writes one renamed kind or key, and that name's line."""
    new = RENAMED_KINDS[kind][0] if kind in RENAMED_KINDS else RENAMED_KEYS[kind]
    if kind in RENAMED_KINDS:
        old_line = next(line for line in text.splitlines() if f"kind: {new}" in line)
        line = old_line.replace(f"kind: {new}", f"kind: {kind}")
        for old_param, new_param in RENAMED_KINDS[kind][1].items():
            line = line.replace(f" {new_param}:", f" {old_param}:")
    else:
        old_line = next(line for line in text.splitlines() if line.startswith(f"  {new}:"))
        line = old_line.replace(f"  {new}:", f"  {kind}:", 1)
    return text.replace(old_line, line, 1), line


@pytest.mark.parametrize("old", [*RENAMED_KINDS, *RENAMED_KEYS])
def test_properties_an_old_kind_or_key_is_refused_with_its_new_name(tmp_path, capsys, old):
    text, line = _old_name(KMS_SPEC.read_text(encoding="utf-8"), old)
    path = tmp_path / "older.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    # One located message, for the old name alone: nothing else of the section is said to be missing.
    assert len(err) == 1, err
    number = text.splitlines().index(line) + 1
    new = RENAMED_KINDS[old][0] if old in RENAMED_KINDS else RENAMED_KEYS[old]
    code = "renamed-kind" if old in RENAMED_KINDS else "renamed-key"
    assert re.match(rf"{re.escape(str(path))}:{number}:\d+: error: .*'{old}' was renamed.* {new}\b.*\[{code}\]$",
                    err[0]), err[0]
    for old_param, new_param in RENAMED_KINDS.get(old, ("", {}))[1].items():
        assert f"{old_param}: -> {new_param}:" in err[0]


def test_properties_no_kind_or_key_is_named_after_payments():
    from simulator.spec.sections import CHECK_PARAMS, PARAM_KINDS, _PROPERTIES

    names = [*CHECK_PARAMS, *PARAM_KINDS, *_PROPERTIES.fields]
    current = [n for n in names if n not in RENAMED_KEYS]
    assert not [n for n in current if re.search("charge|account|balance|price|period|days", n)], current
    assert set(RENAMED_KINDS).isdisjoint(CHECK_PARAMS)
    assert {new for new, _ in RENAMED_KINDS.values()} <= set(CHECK_PARAMS)


DOOR = KMS_SPEC.parent / "door_keypad.yaml"


def _door(tmp_path, *changes: tuple[str, str]):
    text = DOOR.read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "door.yaml"
    path.write_text(text, encoding="utf-8")
    return load_checked_spec(str(path))


OPENS_ON_LOW_BATTERY = ("conditions: [pin_taken, battery == low],\n     kb: battery.1",
                        "conditions: [pin_taken, battery == low], after: open_door,\n     kb: battery.1")
OK_FORGETS_TRIES = ('dest: keypad, kb: pin.2}', 'dest: keypad, after: "wrong_tries = 0", kb: pin.2}')
WATCHED_CALLED = "  watched_called: the keypad's state              # how the messages name them\n"


def test_properties_counter_kinds_check_another_domain(tmp_path):
    # The door opens (openings rises) on a low battery: the note shown is the low-battery one, so only the
    # counter check can see it.
    spec = _door(tmp_path, OPENS_ON_LOW_BATTERY)
    result = {r.name: r for r in check_properties(explore_spec(spec))}["opens_only_with_battery_and_no_lockout"]
    assert not result.holds
    assert result.first.message.startswith("openings rose on enter_right_pin")
    assert "battery == ok" in result.first.message


@pytest.mark.parametrize("called", ["the keypad's state", None], ids=["its own words", "the neutral default"])
def test_properties_watched_variables_are_named_in_the_spec_s_words(tmp_path, called):
    changes = [OK_FORGETS_TRIES] + ([] if called else [(WATCHED_CALLED, "")])
    spec = _door(tmp_path, *changes)
    result = {r.name: r for r in check_properties(explore_spec(spec))}["ok_returns_to_the_keypad"]
    assert not result.holds
    assert result.first.message == f"press_ok changed {called or 'the watched variables'}"


COFFEE = KMS_SPEC.parent.parent / "simulator" / "spec" / "starter" / "coffee_machine.yaml"
COFFEE_TRADES = """\
  counter: cups
  must_hold:
    - name: a_cup_costs_the_price
      text: "Each cup served takes the price from the credit, once."
      check: {kind: counter_rise_trades, takes: price, takes_from: credit}
"""


def _coffee(tmp_path, serve: str):
    text = COFFEE.read_text(encoding="utf-8").replace("  must_hold:\n", COFFEE_TRADES, 1)
    text = text.replace('do: "credit -= price; cups += 1"', f'do: "{serve}"')
    path = tmp_path / "coffee.yaml"
    path.write_text(text, encoding="utf-8")
    spec = load_checked_spec(str(path))
    return {r.name: r for r in check_properties(explore_spec(spec))}["a_cup_costs_the_price"]


def test_properties_counter_rise_trades_reads_a_counted_variable(tmp_path):
    # The counter is credit here (a coin raises it); the mutant's coin also adds a cup. cups is only counted
    # (a configuration forgets it), so the trade must read it from what the step recorded, not skip it.
    text = COFFEE.read_text(encoding="utf-8").replace("  must_hold:\n", """\
  counter: credit
  must_hold:
    - name: a_coin_adds_the_price_in_cups
      text: "A coin adds the price in cups (a wrong promise: each coin adds one cup)."
      check: {kind: counter_rise_trades, adds: price, adds_to: cups}
""", 1).replace('after: "credit += 1", kb: coins.1}', 'after: "credit += 1; cups += 1", kb: coins.1}')
    path = tmp_path / "coffee.yaml"
    path.write_text(text, encoding="utf-8")
    results = {r.name: r for r in check_properties(explore_spec(load_checked_spec(str(path))))}
    first = results["a_coin_adds_the_price_in_cups"].first
    assert first is not None and first.message.startswith("credit rose by 1 but cups gained 1, not 1 time(s) price")


def test_properties_counter_rise_trades_catches_a_hard_coded_price(tmp_path):
    # The starter's domain walks prices 2 and 3: a rule that takes 2 coins holds at 2, not at 3.
    assert _coffee(tmp_path, "credit -= price; cups += 1").holds
    wrong = _coffee(tmp_path, "credit -= 2; cups += 1")
    assert not wrong.holds and wrong.first.message == "cups rose by 1 but credit lost 2, not 1 time(s) price (3)"


@pytest.mark.parametrize("section, check, words", [
    ("", "{kind: events_keep_watched, events: [press_no]}", "needs the section's watched"),
    ("  watched: [credit]\n", "{kind: counter_rises_only_when, by: user, guards: [credit_covers_price]}",
     "needs the section's counter"),
    ("  watched: [credit]\n  counter: credit\n", "{kind: counter_rise_trades, adds: price, adds_to: cups, slack: 1}",
     ""),
    ("  watched: [credit]\n  counter: machine\n", "{kind: counter_rises_only_when}", "'machine' is not a whole-number"),
    ("  watched: [credit]\n  counter: cups\n", "{kind: counter_rise_trades, adds: credit, adds_to: cup}",
     "adds_to: unknown world variable 'cup' (did you mean 'cups'?)"),
    ("  watched: [credit]\n  counter: cups\n", "{kind: counter_rise_trades, takes: price, takes_from: machine}",
     "takes_from: 'machine' is not a whole-number"),
    ("  watched: [credit]\n", "{kind: never_below, values: {cups: 0}}", "values: 'cups' is counted"),
    ("  watched: [credit]\n", "{kind: note_sets, note: served, sets: {cups: 1}}", "sets: 'cups' is counted"),
    ("  watched: [credit]\n  watched_called: ' '\n", "{kind: home_reachable}", "watched_called: is blank"),
], ids=["keep_watched without watched", "counter kind without counter", "well formed", "counter of an enum",
        "trades with an unknown variable", "trades with an enum", "minimum of a counted variable",
        "value of a counted variable", "blank words for the watched variables"])
def test_properties_counter_and_watched_checks_need_what_they_read(tmp_path, section, check, words):
    text = COFFEE.read_text(encoding="utf-8")
    text = text.replace("  watched: [credit]\n", section, 1)  # the starter's section, as each case writes it
    text = text.replace("      check: {kind: home_reachable}", f"      check: {check}", 1)
    path = tmp_path / "coffee.yaml"
    path.write_text(text, encoding="utf-8")
    problems = check_spec(load_spec(str(path)))
    if not words:
        assert problems == []
        return
    assert [p for p in problems if words in p.message and p.loc.line > 0 and p.code == "bad-property"], problems
