"""The semantics corpus: one small spec per feature of a step, walked two ways and replayed.

Each spec in tests/semantics/ is walked by the walker (``explore_spec``) and by
the reference walk (tests/reference_walk.py: only the ``transitions`` machine,
no walker code); both must find the same configurations and edges. Every edge
is then replayed through :class:`Simulator`, and every counterexample the walk
reports is replayed to its violating configuration. A walker with a broken
callback order or candidate order must fail these checks.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from simulator import Simulator, check_spec, load_checked_spec
from simulator.errors import FlowRuntimeError, SpecError
from simulator.runtime.machine import Flow
from simulator.spec.load import load_spec
from simulator.walk.analysis import analyse, counterexample_path
from simulator.walk.domain import domain_of
from simulator.walk.explore import _Walker, explore_spec

from .reference_walk import reference_walk, walker_sets
from .semantics import rules as _corpus_rules  # noqa: F401  registers the corpus's rule book

CORPUS_DIR = Path(__file__).resolve().parent / "semantics"
REFUSED = {"counter_example.yaml"}
CORPUS = sorted(p for p in CORPUS_DIR.glob("*.yaml") if p.name not in REFUSED)


def _load(path: Path):
    return load_checked_spec(str(path))


def test_corpus_has_one_spec_per_feature():
    names = {p.stem for p in CORPUS}
    assert len(names) >= 12
    assert {"before_after", "conditions_unless", "multi_source", "star_source", "internal", "signals",
            "system_chain", "notes", "counters", "bounds", "guard_reads_kept_counter", "account_signal"} <= names


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_semantics_walker_equals_reference(path):
    spec = _load(path)
    domain = domain_of(spec)
    graph = explore_spec(spec, domain, ())
    nodes, edges = reference_walk(spec, domain)
    assert len(nodes) > 1 and edges
    assert walker_sets(graph) == (nodes, edges)


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_semantics_every_edge_replays_through_the_simulator(path):
    spec = _load(path)
    domain = domain_of(spec)
    graph = explore_spec(spec, domain, ())
    for u, v, e, s in zip(graph.src, graph.dst, graph.event, graph.step):
        source, target = graph.nodes[u], graph.nodes[v]
        given = {**graph.world_of(u), **{name: 0 for name in domain.counters}, "screen": source.screen}
        sim = Simulator(spec, given)
        step = sim.fire(graph.events[e])
        assert step.accepted
        assert tuple(step.taken) == graph.steps[s].taken
        assert sim.screen == target.screen
        assert tuple(sim.world[name] for name in graph.variables) == target.world
        # The counters grew by what the edge records.
        assert tuple(sim.world[name] for name in domain.counters) == graph.steps[s].counters


@pytest.mark.parametrize("path", [p for p in CORPUS if "properties:" in p.read_text()],
                         ids=lambda p: p.stem)
def test_semantics_counterexamples_replay_to_the_violation(path):
    spec = _load(path)
    analysis = analyse(spec, criteria=())
    graph = analysis.graph
    violated = [r for r in analysis.properties if not r.holds]
    assert violated, "each corpus spec with properties is built to break one"
    for result in violated:
        path_ = counterexample_path(graph, result.first)
        sim = Simulator(spec, {**path_.given, "screen": path_.start_screen})
        for step in path_.steps:
            sim.fire(step.event)
        last = path_.steps[-1]
        assert sim.screen == last.screen
        expected = {k: v for k, v in last.world.items() if k in sim.world}
        assert {k: sim.world[k] for k in expected} == expected
        assert expected["balance"] < 0  # the violation itself is what the replay reaches


# -- a broken walker must be caught ------------------------------------------------------------

def _corpus_mismatches() -> list[str]:
    bad = []
    for path in CORPUS:
        spec = _load(path)
        domain = domain_of(spec)
        if walker_sets(explore_spec(spec, domain, ())) != reference_walk(spec, domain):
            bad.append(path.stem)
    return bad


def _break_walker(monkeypatch, change):
    """Make the walker (only it: the reference fires the machines) see each candidate list through ``change``."""
    real = _Walker._table

    def broken(self, region):
        return {state: {event: change(entries) for event, entries in row.items()}
                for state, row in real(self, region).items()}

    monkeypatch.setattr(_Walker, "_table", broken)


def test_semantics_a_walker_with_before_and_after_swapped_fails(monkeypatch):
    _break_walker(monkeypatch, lambda entries: [e._replace(before=e.after, after=e.before) for e in entries])
    assert "before_after" in _corpus_mismatches()


def test_semantics_a_walker_with_reversed_candidates_fails(monkeypatch):
    _break_walker(monkeypatch, lambda entries: list(reversed(entries)))
    # Where two candidates can both hold, the other one now wins.
    assert "first_enabled_wins" in _corpus_mismatches()


@pytest.mark.parametrize("path", CORPUS + [CORPUS_DIR.parent.parent / "spec" / "kms9_subscription.yaml",
                                          CORPUS_DIR.parent.parent / "spec" / "trial_to_purchase.yaml"],
                         ids=lambda p: p.stem)
def test_semantics_the_machines_candidate_lists_are_the_compiled_table(path):
    spec = _load(path)
    flow = Flow(spec, Simulator(spec)._world)
    table = flow.compiled.table
    regions = ["screens"] + (["account"] if spec.account else [])
    events = list(spec.events)
    for region in regions:
        for state in table[region]:
            for event in events:
                # What transitions itself will try, in its order, is what the walk dispatches on.
                assert flow.candidates(region, state, event) == flow.compiled.candidates(region, state, event)


def test_semantics_a_star_source_comes_before_a_later_specific_one():
    spec = _load(CORPUS_DIR / "star_source.yaml")
    flow = Flow(spec, Simulator(spec)._world)
    assert [t.id for t in flow.candidates("screens", "b", "reset")] == ["any.reset", "b.reset"]
    assert [t.id for t in flow.candidates("screens", "home", "reset")] == ["any.reset"]


# -- what a configuration does not keep is refused, never walked wrongly ----------------------------

def test_semantics_issue_example_guard_reading_a_counter_is_refused_with_its_line():
    path = CORPUS_DIR / "counter_example.yaml"
    spec = _load(path)
    with pytest.raises(SpecError) as caught:
        explore_spec(spec)
    problem = caught.value.problems[0]
    assert problem.code == "guard-reads-unkept"
    assert "'loyal'" in problem.message and "'charges'" in problem.message and "counter" in problem.message
    loyal_line = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line.startswith("  loyal:"))
    assert (problem.loc.file, problem.loc.line) == (str(path), loyal_line)


def test_semantics_issue_example_guard_reading_the_note_is_refused_by_walk_and_simulator(tmp_path):
    text = (CORPUS_DIR / "counter_example.yaml").read_text()
    # Without the counter-reading guard, the next problem is saw_thanks reading the note.
    text = "\n".join(line for line in text.splitlines() if "trigger: bonus" not in line and "loyal" not in line
                     and "drain" not in line)
    path = tmp_path / "note_example.yaml"
    path.write_text(text)
    spec = _load(path)
    with pytest.raises(SpecError) as caught:
        explore_spec(spec)
    assert caught.value.problems[0].code == "guard-reads-unkept"
    assert "'saw_thanks'" in str(caught.value) and "'note'" in str(caught.value)
    sim = Simulator(spec)
    sim.fire("buy")
    sim.fire("press_ok")
    with pytest.raises(FlowRuntimeError, match="saw_thanks.*'note'"):
        sim.fire("again")


def test_semantics_an_effect_using_a_counter_as_a_value_is_refused(tmp_path):
    text = (CORPUS_DIR / "counters.yaml").read_text()
    text = text.replace("after: [count, add_one]", "after: [count, copy_count]").replace(
        "effects:\n", "effects:\n  copy_count: \"Level becomes the count.\"\n")
    path = tmp_path / "counter_leak.yaml"
    path.write_text(text)
    with pytest.raises(SpecError) as caught:
        explore_spec(_load(path))
    assert caught.value.problems[0].code == "counter-misused"
    assert "'charges'" in str(caught.value) and "copy_count" in str(caught.value)


def test_semantics_a_guard_may_read_a_count_the_walk_keeps():
    spec = _load(CORPUS_DIR / "guard_reads_kept_counter.yaml")
    graph = explore_spec(spec, None, ())
    assert "home.bonus" in graph.enabled  # loyal holds once something was bought: walked, not refused


def test_semantics_an_enum_set_outside_its_values_is_refused(tmp_path):
    text = (CORPUS_DIR / "environment.yaml").read_text().replace(
        "mode: {type: enum, values: [a, b]", "mode: {type: enum, values: [a, c]")
    path = tmp_path / "enum_leak.yaml"
    path.write_text(text)
    spec = load_spec(str(path))
    with pytest.raises(SpecError) as caught:
        explore_spec(spec, None, ())
    assert caught.value.problems[0].code == "value-out-of-range"
    assert "flip_mode" in str(caught.value) and "'b'" in str(caught.value)


def test_semantics_the_simulator_says_when_a_step_leaves_a_declared_range():
    spec = _load(CORPUS_DIR / "bounds.yaml")
    sim = Simulator(spec, {"level": 3, "balance": 2})
    step = sim.fire("drain_it")
    assert sim.world["balance"] == -8
    assert step.out_of_range and "balance = -8 is below its min 0" in step.out_of_range[0]
    assert "drain" in step.out_of_range[0]


def test_semantics_a_scenario_that_leaves_a_range_is_reported_with_a_warning(tmp_path):
    from simulator.report.text import format_scenario_result
    from simulator.runtime.scenario import load_scenario, run_scenario

    spec = _load(CORPUS_DIR / "bounds.yaml")
    scenario = tmp_path / "drain.yaml"
    scenario.write_text("name: drain below zero\ngiven: {level: 3, balance: 2}\nsteps: [drain_it]\n"
                        "expect: {screen: home, level: 3}\n")
    result = run_scenario(load_scenario(str(scenario), spec), spec)
    # The run goes on (a counterexample must replay to its violation), and says so.
    assert result.passed and result.final_world["balance"] == -8
    text = format_scenario_result(result, verbose=False)
    assert "WARNING  step 1: balance = -8 is below its min 0 after drain_it" in text and "drain" in text


def test_semantics_the_walk_lists_steps_that_leave_a_declared_range_even_without_a_property(tmp_path):
    from simulator.report.walk_report import format_analysis

    # Without its properties section the spec says nothing about the balance; the walk still does.
    text = (CORPUS_DIR / "bounds.yaml").read_text().split("properties:")[0]
    path = tmp_path / "bounds_without_properties.yaml"
    path.write_text(text)
    analysis = analyse(_load(path), criteria=())
    found = {o["variable"]: o for o in analysis.findings.out_of_range}
    assert set(found) == {"balance"}  # level only meets the domain's bound, which is no range of its own
    assert found["balance"]["value"] < 0 and found["balance"]["example"]["after"] == "drain_it"
    assert "balance = -8 (range 0..) in " in format_analysis(analysis)
    assert analysis.to_json()["findings"]["out_of_range"][0]["variable"] == "balance"


@pytest.mark.parametrize("command", [["explore"], ["explore", "--json"], ["paths"], ["review"]],
                         ids=lambda c: " ".join(c))
def test_semantics_cli_refuses_the_issue_example_with_its_line_and_writes_nothing(command, capsys, tmp_path):
    from simulator.cli import main

    path = CORPUS_DIR / "counter_example.yaml"
    out = tmp_path / "out.md"
    args = [*command, str(path)] + (["-o", str(out)] if command[0] == "review" else [])
    code = main(args)
    captured = capsys.readouterr()
    assert code == 2
    assert f"{path}:28:3: error: guard 'loyal' reads 'charges'" in captured.err
    assert "Traceback" not in captured.err and not out.exists()


def test_semantics_a_guard_that_writes_is_refused_by_walk_and_simulator(tmp_path):
    text = (CORPUS_DIR / "star_source.yaml").read_text().replace("conditions: low", "conditions: writes_level")
    text = text.replace('  low: "The level is at most 1."', '  writes_level: "Looks, and (wrongly) changes the level."')
    path = tmp_path / "writing_guard.yaml"
    path.write_text(text)
    spec = _load(path)
    with pytest.raises(SpecError) as caught:
        explore_spec(spec, None, ())
    assert "guard 'writes_level' changes 'level'" in str(caught.value)
    with pytest.raises(FlowRuntimeError, match="guard 'writes_level'.*changes 'level'"):
        Simulator(spec).fire("reset")


def test_semantics_a_signal_that_leads_back_to_itself_is_a_located_check_error(tmp_path):
    text = (CORPUS_DIR / "account_signal.yaml").read_text().replace(
        "    - {trigger: settle, source: free, dest: paid, conditions: high, assumption: S1}",
        "    - {trigger: settle, source: free, dest: paid, conditions: high, send: [settle], assumption: S1}")
    path = tmp_path / "loop.yaml"
    path.write_text(text)
    problems = [p for p in check_spec(load_spec(str(path))) if p.code == "signal-loop"]
    line = text.splitlines().index(
        "    - {trigger: settle, source: free, dest: paid, conditions: high, send: [settle], assumption: S1}") + 1
    assert [(p.loc.line, p.level) for p in problems] == [(line, "error")]
    assert "settle -> settle" in problems[0].message


def test_semantics_a_signal_loop_is_named_the_same_way_in_every_run(tmp_path):
    # networkx starts a cycle where Python's per-process string hashing leads it: the check names each loop
    # from its smallest signal, so the message and its line are the same whatever PYTHONHASHSEED is.
    import os
    import subprocess
    import sys

    from simulator.spec.synthetic import ring_spec_text

    text = ring_spec_text(30, seed=2).replace("  toggle: {kind: environment, label: Toggle}\n",
                                              "  toggle: {kind: environment, label: Toggle}\n"
                                              "  sb: {kind: signal, label: SB}\n  sa: {kind: signal, label: SA}\n")
    text = text.replace("    - {trigger: toggle, source: up, after: flip_flag, assumption: R1}\n",
                        "    - {trigger: toggle, source: up, after: flip_flag, assumption: R1}\n"
                        "    - {trigger: sb, source: up, send: sa, assumption: R1}\n"
                        "    - {trigger: sa, source: up, send: sb, assumption: R1}\n")
    path = tmp_path / "loop.yaml"
    path.write_text(text, encoding="utf-8")
    said = set()
    for seed in range(6):
        done = subprocess.run([sys.executable, "-m", "simulator", "check", str(path)], capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": str(seed)}, timeout=60)
        said.add(tuple(line for line in done.stderr.splitlines() if "[signal-loop]" in line))
    line = text.splitlines().index("    - {trigger: sb, source: up, send: sa, assumption: R1}") + 1
    assert len(said) == 1
    (messages,) = said
    assert len(messages) == 1 and messages[0].startswith(f"{path}:{line}:") and "sa -> sb -> sa" in messages[0]
