"""kmsflow diff: structure, behaviour (shortest distinguishing scenario), the drawn diff, git sources, bad input.

The shortest distinguishing sequence is checked against a brute-force search
written here, apart from simulator.diff: breadth first over pairs of
configurations of the two product graphs, from every pair of initial worlds a
scenario's ``given`` cannot tell apart, comparing what a scenario sees (the
screen, the world variables, the counters, the notes) after every event.
"""
from __future__ import annotations

import contextlib
import io
import itertools
import json
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

from simulator import load_checked_spec, load_scenario, load_spec, run_scenario
from simulator.cli import main
from simulator.diff import diff_specs, write_scenarios
from simulator.diff.drawn import diff_diagrams, diff_files
from simulator.spec.synthetic import synthetic_spec_text
from simulator.spec.yamlsafe import load_yaml_text, plain_data

from .conftest import KMS_SPEC, ROOT
from .dotparse import parse_dot

KMS_TEXT = KMS_SPEC.read_text(encoding="utf-8")
GREEN, RED = "#2e7d32", "#c62828"

# Single-point changes of the KMS spec: name -> the replacements that make it (each must match once).
MUTANTS = {
    "retarget_back": [("  - {trigger: press_back, source: license_menu, dest: additional_menu, assumption: A1}",
                       "  - {trigger: press_back, source: license_menu, dest: main_menu, assumption: A1}")],
    "drop_guard_unsubscribe": [("    dest: confirm_unsubscribe\n    conditions: subscription_active     # the item is "
                                "listed only then (A1)\n", "    dest: confirm_unsubscribe\n")],
    "invert_guard_resume_expired": [("    dest: license_menu\n    unless: license_valid               # it expired",
                                     "    dest: license_menu\n    conditions: license_valid           # it expired")],
    "drop_effect_charge": [("      after: [charge_price, extend_by_period]   # the license was expired",
                            "      after: [extend_by_period]   # the license was expired")],
    "price_default": [("price: {default: 3,", "price: {default: 4,")],
    "remove_back_additional": [
        ("  - {trigger: press_back, source: additional_menu, dest: main_menu, assumption: A1}\n", ""),
        ("    items: [License]\n    softkeys: [Select, Back]", '    items: [License]\n    softkeys: [Select, ""]')],
    "drop_send_cancel": [("    send: cancel                        # the account region: active -> cancelled\n", "")],
    "retarget_ok_cancelled": [
        ("  - {trigger: press_ok, source: note_cancelled, dest: license_menu, kb: cancel.5}",
         "  - {trigger: press_ok, source: note_cancelled, dest: additional_menu, kb: cancel.5}")],
    "drop_guard_charge_money": [("    dest: note_activated\n    conditions: [network_up, balance_covers_price]",
                                 "    dest: note_activated\n    conditions: network_up")],
    "drop_effect_top_up": [("after: add_price_to_balance, assumption: A6}", "assumption: A6}")],
    "renewal_window": [('    when: "1 <= days_left <= 3"', '    when: "1 <= days_left <= 2"')],  # 1-2 days, not 1-3
}


def _mutant(tmp_path: Path, name: str) -> Path:
    text = KMS_TEXT
    for old, new in MUTANTS[name]:
        assert text.count(old) == 1, (name, old)
        text = text.replace(old, new)
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def schema() -> jsonschema.Draft202012Validator:
    text = resources.files("simulator.diff").joinpath("schema.json").read_text(encoding="utf-8")
    jsonschema.Draft202012Validator.check_schema(json.loads(text))
    return jsonschema.Draft202012Validator(json.loads(text))


# -- the brute force (independent of simulator.diff) --------------------------------------

def _seen(graph, config, step) -> tuple:
    """What a scenario sees after a step: screen, world variables, counters grown, notes shown."""
    spec = graph.spec
    world = sorted((name, value) for name, value in zip(graph.variables, config.world) if name in spec.variables)
    notes = [spec.screens[s].note for s in step.entered if spec.screens[s].note]
    return config.screen, world, sorted(zip(graph.domain.counters, step.counters)), notes


class _Outcomes:
    """node -> {event name: (what is seen, target node or None beyond the bounds)}, accepted events only."""

    def __init__(self, graph):
        self.graph, self.table = graph, {}
        self.cut: dict[int, list] = {}
        for node, event, config, step in graph.cut:
            self.cut.setdefault(node, []).append((graph.events[event], config, step))

    def __getitem__(self, node: int) -> dict:
        if node not in self.table:
            graph = self.graph
            found = {graph.events[graph.event[e]]: (_seen(graph, graph.nodes[graph.dst[e]], graph.steps[graph.step[e]]),
                                                    graph.dst[e]) for e in graph.out[node]}
            for event, config, step in self.cut.get(node, ()):
                found[event] = (_seen(graph, config, graph.steps[step]), None)
            self.table[node] = found
        return self.table[node]


def _givens(graph, spec, node) -> set:
    """The scenario ``given`` s that start at ``node``: each varied parameter written, or left to the default."""
    world = graph.initial_world[node]
    varied = list(graph.domain.varied)
    out = set()
    for left_out in itertools.product([False, True], repeat=len(varied)):
        if any(skip and world[p] != spec.parameters[p].default for p, skip in zip(varied, left_out)):
            continue
        dropped = {p for p, skip in zip(varied, left_out) if skip}
        out.add(frozenset((k, v) for k, v in world.items() if k not in dropped))
    return out


def brute_force_length(old_graph, new_graph) -> int | None:
    """The length of a shortest event sequence after which the two graphs differ (None: none does)."""
    old_out, new_out = _Outcomes(old_graph), _Outcomes(new_graph)
    old_givens = {a: _givens(old_graph, old_graph.spec, a) for a in old_graph.initial}
    layer = {(a, b) for a in old_graph.initial for b in new_graph.initial
             if old_givens[a] & _givens(new_graph, new_graph.spec, b)}
    if any(old_graph.nodes[a].screen != new_graph.nodes[b].screen for a, b in layer):
        return 0
    events = set(old_graph.events) | set(new_graph.events)
    visited = set(layer)
    for length in itertools.count(1):
        if not layer:
            return None
        following = set()
        for a, b in layer:
            for event in events:
                here, there = old_out[a].get(event), new_out[b].get(event)
                if here is None and there is None:
                    continue
                if here is None or there is None or here[0] != there[0]:
                    return length
                pair = (here[1], there[1])
                if None not in pair and pair not in visited:
                    visited.add(pair)
                    following.add(pair)
        layer = following
    return None  # not reached: itertools.count never ends


# -- structure ------------------------------------------------------------------------------

def _reordered_copy(path: Path) -> None:
    """The KMS spec with every list reversed, every mapping's keys sorted, block style, other comments."""
    data = plain_data(load_yaml_text(KMS_TEXT, "kms"))  # kmsflow's reading: `on:` is a key, not True
    for key in ("kb_steps", "assumptions", "screens", "transitions"):
        data[key].reverse()
    data["account"]["transitions"].reverse()
    data["properties"]["must_hold"].reverse()
    data["views"]["diagrams"].reverse()
    plain = next(t for t in data["transitions"] if isinstance(t["source"], str))
    plain["source"] = [plain["source"]]  # `source: a` written as `source: [a]`
    text = yaml.safe_dump(data, sort_keys=True, default_flow_style=False, allow_unicode=True, width=200)
    path.write_text("# The KMS spec, reordered and reformatted (its comments are gone).\n" + text, encoding="utf-8")


def test_diff_reordered_and_reformatted_copy_is_no_difference(tmp_path):
    copy = tmp_path / "copy.yaml"
    _reordered_copy(copy)
    assert copy.read_text() != KMS_TEXT
    # A quarter of the domain: the full one is walked by the JSON test below.
    code, out, err = _run(["diff", str(KMS_SPEC), str(copy), "--domain", "price=3", "--domain", "period_days=30"])
    assert code == 0, out + err
    assert "structure: the same" in out
    assert "behaviour: behaviourally equivalent over" in out
    assert "result: the same in structure and behaviour" in out


def test_diff_reworded_screen_text_is_a_located_structural_change_and_behaviourally_equivalent(tmp_path, schema):
    old_text = "text: \"Your subscription has been cancelled.\""
    new_text = "text: \"The subscription is now cancelled.\""
    reworded = tmp_path / "reworded.yaml"
    reworded.write_text(KMS_TEXT.replace(old_text, new_text), encoding="utf-8")
    line = next(n for n, text in enumerate(KMS_TEXT.splitlines(), start=1) if old_text in text)
    code, out, _ = _run(["diff", str(KMS_SPEC), str(reworded), "--domain", "period_days=30", "--domain", "price=3"])
    assert code == 1
    assert (f"{reworded}:{line}:5: changed screen note_cancelled text: \"Your subscription has been cancelled.\" "
            "-> \"The subscription is now cancelled.\"") in out
    assert "structure: 1 change (0 removed, 0 added, 1 changed)" in out
    n = load_checked_spec(str(KMS_SPEC))
    assert "behaviour: behaviourally equivalent over" in out and "result: different (structure)" in out
    code, out, _ = _run(["diff", "--json", str(KMS_SPEC), str(reworded)])
    data = json.loads(out)
    schema.validate(data)
    assert code == 1 and data["equal"] is False and data["structure"]["changed"] == 1
    assert data["structure"]["changes"] == [{"change": "changed", "element": "screen", "name": "note_cancelled",
                                             "part": "text", "old": "Your subscription has been cancelled.",
                                             "new": "The subscription is now cancelled.",
                                             "where": f"{reworded}:{line}:5"}]
    behaviour = data["behaviour"]
    assert behaviour["equivalent"] and behaviour["distinguishing"] is None
    assert behaviour["configurations"] == behaviour["old_configurations"] > 30000
    assert behaviour["initial_worlds"] == 640 and not any(p["changed"] for p in behaviour["properties"])
    assert len(behaviour["properties"]) == len(n.properties.must_hold)


def test_diff_library_same_spec_is_equal(kms_spec):
    result = diff_specs(kms_spec, kms_spec, behaviour=False)
    assert result.equal and result.changes == [] and result.behaviour is None


def test_diff_structure_lists_every_kind_of_element_change(tmp_path):
    text = (KMS_TEXT.replace("period_days: {default: 30,", "period_days: {default: 31,")
            .replace('    softkeys: [Options, Exit]', '    softkeys: [Menu, Exit]')
            .replace('    doc: "The phone can reach the Kaspersky server."',
                     '    doc: "The phone reaches the Kaspersky server."')
            .replace('    when: "1 <= days_left <= 3"', '    when: "1 <= days_left <= 2"')
            .replace("  - {trigger: press_ok, source: note_cancelled, dest: license_menu, kb: cancel.5}",
                     "  - {trigger: press_ok, source: note_cancelled, dest: license_menu, kb: [cancel.5, cancel.4]}"))
    changed = tmp_path / "changed.yaml"
    changed.write_text(text, encoding="utf-8")
    result = diff_specs(load_spec(str(KMS_SPEC)), load_spec(str(changed)), behaviour=False)
    said = {change.text() for change in result.changes}
    assert said == {"changed parameter period_days default: 30 -> 31",
                    "changed screen main_menu softkeys: [Options, Exit] -> [Menu, Exit]",
                    'changed guard network_up sentence: "The phone can reach the Kaspersky server." -> '
                    '"The phone reaches the Kaspersky server."',
                    'changed guard renewal_due expression: "1 <= days_left <= 3" -> "1 <= days_left <= 2"',
                    "changed transition note_cancelled --press_ok--> license_menu kb: [cancel.5] -> "
                    "[cancel.5, cancel.4]"}
    assert all(change.loc.file == str(changed) and change.loc.line > 0 for change in result.changes)


# -- behaviour: single-point changes -----------------------------------------------------------

@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_diff_mutant_has_a_shortest_distinguishing_scenario_that_tells_the_two_apart(name, tmp_path):
    mutant = _mutant(tmp_path, name)
    old, new = load_spec(str(KMS_SPEC)), load_spec(str(mutant))
    # One period and one price keep the test quick (a quarter of the domain); the changed default keeps
    # the prices, since a scenario that gives none is what tells it apart.
    result = diff_specs(old, new, domain=["period_days=30"] + (["price=3"] if name != "price_default" else []))
    behaviour = result.behaviour
    found = behaviour.distinguishing
    assert found is not None and not result.equal
    assert behaviour.differing_configurations >= 1 and behaviour.differing_transitions >= 1
    assert found.length == brute_force_length(behaviour.old_graph, behaviour.new_graph), found.summary()
    if name == "price_default":  # told apart by a scenario that gives no price: each spec runs at its default
        assert found.defaults == ("price",) and "price" not in found.old_path.given
        assert [c.text() for c in result.changes] == ["changed parameter price default: 3 -> 4"]
    folder = tmp_path / "scenarios"
    written = write_scenarios(result, str(folder))
    assert [(Path(f).name, passes, fails) for f, passes, fails in written] == [
        ("old_not_new.yaml", "OLD", "NEW"), ("new_not_old.yaml", "NEW", "OLD")]
    old_not_new, new_not_old = str(folder / "old_not_new.yaml"), str(folder / "new_not_old.yaml")
    assert _run(["simulate", old_not_new])[0] == 0  # its spec: line names OLD
    assert _run(["simulate", "--spec", str(KMS_SPEC), new_not_old])[0] == 1
    if name == "remove_back_additional":
        # Without Back the menus are dead ends, which `kmsflow check` refuses, so `kmsflow simulate` will not
        # run NEW at all (exit 2); the scenarios are run on NEW's simulator directly instead.
        assert _run(["simulate", "--spec", str(mutant), old_not_new])[0] == 2
        assert not run_scenario(load_scenario(old_not_new, new), new).passed
        assert run_scenario(load_scenario(new_not_old, new), new).passed
    else:
        assert _run(["simulate", "--spec", str(mutant), old_not_new])[0] == 1
        assert _run(["simulate", new_not_old])[0] == 0  # its spec: line names NEW


def test_diff_cli_writes_both_scenarios_and_reports_the_property_that_changed(tmp_path, schema):
    mutant = _mutant(tmp_path, "retarget_back")
    folder = tmp_path / "out"
    code, out, err = _run(["diff", str(KMS_SPEC), str(mutant), "--scenarios", str(folder), "--json",
                           "--domain", "period_days=30"])
    assert code == 1, err
    data = json.loads(out)
    schema.validate(data)
    found = data["behaviour"]["distinguishing"]
    assert found["events"] == ["select_additional", "select_license", "press_back"]
    assert found["old"]["screen"] == "additional_menu" and found["new"]["screen"] == "main_menu"
    assert [p["name"] for p in data["behaviour"]["properties"] if p["changed"]] == ["ways_back_lead_to_the_parent"]
    assert sorted(Path(f).name for f in data["files"]) == ["new_not_old.yaml", "old_not_new.yaml"]
    assert "passes on OLD, fails on NEW" in err
    code, out, _ = _run(["diff", str(KMS_SPEC), str(mutant), "--domain", "price=3", "--domain", "period_days=30"])
    assert "shortest distinguishing sequence (3 steps)" in out
    assert "ways_back_lead_to_the_parent: holds -> violated" in out


# -- the drawn diff -----------------------------------------------------------------------------

def test_diff_drawn_retarget_is_one_green_and_one_dashed_red_arrow(tmp_path):
    mutant = _mutant(tmp_path, "retarget_back")
    drawings = diff_diagrams(load_spec(str(KMS_SPEC)), load_spec(str(mutant)))
    assert [name for name, _ in drawings] == ["overview", "cancel", "one_click_buy", "auto_renewal"]
    files = diff_files(drawings, ("dot", "mmd"))
    assert files == diff_files(diff_diagrams(load_spec(str(KMS_SPEC)), load_spec(str(mutant))), ("dot", "mmd"))
    dot = parse_dot(files["overview.diff.dot"])
    marked = {key: edge for key, edge in dot.edges.items() if "diff-" in edge.get("class", "")}
    green = [e for e in marked.values() if e["class"] == "diff-added" and e["color"] == GREEN]
    red = [e for e in marked.values() if e["class"] == "diff-removed" and e["color"] == RED
           and "dashed" in e.get("style", "")]
    assert len(marked) == 2 and len(green) == 1 and len(red) == 1
    assert (green[0]["_tail"], green[0]["_head"]) == ("screen.license_menu", "screen.main_menu")
    assert (red[0]["_tail"], red[0]["_head"]) == ("screen.license_menu", "screen.additional_menu")
    assert not any("diff-" in node.get("class", "") for node in dot.nodes.values())
    assert "added in the new version" in dot.nodes["legend"]["label"]
    for name in ("cancel", "one_click_buy", "auto_renewal"):  # Back is in none of them
        assert "diff-" not in files[f"{name}.diff.dot"]
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    mmd = sorted(str(tmp_path / name) for name in files if name.endswith(".mmd"))
    assert "[+ added] Back" in files["overview.diff.mmd"] and "[- removed] Back" in files["overview.diff.mmd"]
    node = shutil.which("node")
    checker = ROOT / "tools" / "mermaid" / "mermaid_check.mjs"
    assert node and (checker.parent / "node_modules" / "mermaid").is_dir(), "run `make mermaid`"
    done = subprocess.run([node, str(checker), "--strict", "--render", *mmd], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_diff_drawn_changed_text_is_amber_with_the_old_text_struck_through(tmp_path):
    reworded = tmp_path / "reworded.yaml"
    reworded.write_text(KMS_TEXT.replace("Cancel the subscription?", "Stop paying for the subscription?"),
                        encoding="utf-8")
    drawings = diff_diagrams(load_spec(str(KMS_SPEC)), load_spec(str(reworded)), ["cancel"])
    files = diff_files(drawings, ("dot", "mmd"))
    assert list(files) == ["cancel.diff.dot", "cancel.diff.mmd"]
    node = parse_dot(files["cancel.diff.dot"]).nodes["screen:confirm_unsubscribe"]
    assert node["class"] == "diff-changed" and "<S>Cancel the subscription?</S>" in node["label"]
    assert "Stop paying for the" in node["label"]
    assert "was: " + "".join(c + "\u0336" for c in "Cancel the subscription?") in files["cancel.diff.mmd"]


def test_diff_cli_diagrams_are_written_in_every_format(tmp_path):
    mutant = _mutant(tmp_path, "retarget_ok_cancelled")
    folder = tmp_path / "drawn"
    code, _, err = _run(["diff", str(KMS_SPEC), str(mutant), "--diagrams", str(folder), "--view", "cancel",
                         "--domain", "price=3", "--domain", "period_days=30"])
    assert code == 1, err
    assert sorted(p.name for p in folder.iterdir()) == ["cancel.diff.dot", "cancel.diff.mmd", "cancel.diff.png",
                                                        "cancel.diff.svg"]
    svg = (folder / "cancel.diff.svg").read_text(encoding="utf-8")
    assert 'class="edge diff&#45;added"' in svg and 'class="edge diff&#45;removed"' in svg


# -- git revisions --------------------------------------------------------------------------------

def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=kmsflow", "-c", "user.email=kmsflow@example.org", *args], cwd=repo,
                   check=True, capture_output=True)


def test_diff_two_git_revisions_of_the_spec(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "spec").mkdir(parents=True)
    _git(repo, "init", "-q")
    spec = repo / "spec" / "kms9_subscription.yaml"
    spec.write_text(KMS_TEXT, encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "the spec")
    spec.write_text(_mutant(tmp_path, "retarget_back").read_text(encoding="utf-8"), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "Back from the License menu goes to the main menu")
    monkeypatch.chdir(repo)
    code, out, err = _run(["diff", "HEAD~1:spec/kms9_subscription.yaml", "HEAD:spec/kms9_subscription.yaml",
                           "--domain", "period_days=30", "--domain", "price=3"])
    assert code == 1, err
    line = next(n for n, row in enumerate(KMS_TEXT.splitlines(), 1)
                if "trigger: press_back, source: license_menu" in row)
    assert (f"HEAD~1:spec/kms9_subscription.yaml:{line}:5: removed transition license_menu --press_back--> "
            "additional_menu") in out
    assert f"HEAD:spec/kms9_subscription.yaml:{line}:5: added transition license_menu --press_back--> main_menu" in out
    assert "shortest distinguishing sequence (3 steps)" in out
    # A revision against the working file: the same content, so nothing differs.
    code, out, _ = _run(["diff", "HEAD:spec/kms9_subscription.yaml", "spec/kms9_subscription.yaml", "--domain",
                         "period_days=30", "--domain", "price=3"])
    assert code == 0 and "behaviourally equivalent" in out


# -- bad input -----------------------------------------------------------------------------------

def test_diff_unknown_git_revision_is_bad_input(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    monkeypatch.chdir(repo)
    code, out, err = _run(["diff", "nosuchrev:spec/kms9_subscription.yaml", str(KMS_SPEC)])
    assert code == 2 and out == ""
    assert err.startswith("nosuchrev:spec/kms9_subscription.yaml: error: cannot read") and "[git-revision]" in err
    assert "Traceback" not in err


def test_diff_a_file_that_is_not_a_spec_is_bad_input(tmp_path):
    scenario = ROOT / "spec" / "scenarios" / "cancel.yaml"
    code, out, err = _run(["diff", str(KMS_SPEC), str(scenario)])
    assert code == 2 and out == "" and f"{scenario}:" in err and "Traceback" not in err
    garbage = tmp_path / "garbage.yaml"
    garbage.write_text("screens: [\n", encoding="utf-8")
    code, _, err = _run(["diff", str(garbage), str(KMS_SPEC)])
    assert code == 2 and f"{garbage}:" in err and "[yaml-syntax]" in err


def test_diff_bad_input_in_a_real_process_has_no_traceback(tmp_path):
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "kmsflow"), "diff", str(tmp_path / "missing.yaml"),
                           str(KMS_SPEC)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "missing.yaml" in done.stderr


def test_diff_unknown_view_is_bad_input(tmp_path):
    folder = tmp_path / "drawn"
    code, _, err = _run(["diff", str(KMS_SPEC), str(KMS_SPEC), "--diagrams", str(folder), "--view", "cancle"])
    assert code == 2 and "unknown view 'cancle'" in err and not folder.exists()


# -- other specs -------------------------------------------------------------------------------------

def test_diff_synthetic_spec_one_point_change(tmp_path):
    text = synthetic_spec_text(30, seed=3)
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(text, encoding="utf-8")
    new.write_text(text.replace("{trigger: next, source: s5, dest: s6,", "{trigger: next, source: s5, dest: s7,"),
                   encoding="utf-8")
    result = diff_specs(load_spec(str(old)), load_spec(str(new)))
    found = result.behaviour.distinguishing
    assert found is not None and found.events[-1] == "next" and found.screens[-1] == "s5"
    assert found.length == brute_force_length(result.behaviour.old_graph, result.behaviour.new_graph)


def test_diff_another_home_screen_differs_before_any_step(tmp_path):
    text = synthetic_spec_text(12, seed=2)
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(text, encoding="utf-8")
    new.write_text(text.replace("home: s0\n", "home: s1\n"), encoding="utf-8")
    result = diff_specs(load_spec(str(old)), load_spec(str(new)))
    found = result.behaviour.distinguishing
    assert found.kind == "start" and found.events == [] and brute_force_length(
        result.behaviour.old_graph, result.behaviour.new_graph) == 0
    folder = tmp_path / "scenarios"
    write_scenarios(result, str(folder))
    assert _run(["simulate", str(folder / "old_not_new.yaml")])[0] == 0
    assert _run(["simulate", "--spec", str(new), str(folder / "old_not_new.yaml")])[0] == 1
    assert _run(["simulate", str(folder / "new_not_old.yaml")])[0] == 0
    assert _run(["simulate", "--spec", str(old), str(folder / "new_not_old.yaml")])[0] == 1
