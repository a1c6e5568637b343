"""The exhaustive walk: the compiled walker against the real machine and against brute force."""
from __future__ import annotations

import io
import itertools

from simulator.walk.domain import domain_of
from simulator.walk.explore import Configuration, Progress, explore_spec
from simulator.runtime.machine import Flow
from simulator.walk.properties import parse_properties
from simulator.spec.synthetic import synthetic_spec
from simulator.runtime.world import make_world

from .reference_walk import reference_walk, walker_sets as _fast_sets


def test_explore_matches_the_real_machine_on_the_kms_spec(kms_spec):
    # A reduced domain keeps the slow reference walk short; the history flags are compared too.
    domain = domain_of(kms_spec, ["days_left=0,1,3,4", "balance=0,3"], ["days_left=35", "balance=6"])
    flows = parse_properties(kms_spec).flows
    graph = explore_spec(kms_spec, domain, flows)
    nodes, edges = reference_walk(kms_spec, domain, flows)
    assert len(graph.nodes) > 1000
    assert _fast_sets(graph) == (nodes, edges)


def test_explore_matches_the_real_machine_on_synthetic_specs(tmp_path):
    for size, seed in ((5, 1), (30, 2), (60, 7)):
        spec = synthetic_spec(str(tmp_path / f"s{size}.yaml"), size, seed)
        graph = explore_spec(spec)
        assert _fast_sets(graph) == reference_walk(spec, domain_of(spec))


def _brute_force(spec):
    """Every configuration of the whole state space, successors by the real machine, then a fixpoint."""
    values = [range(0, 4), ("a", "b")]
    everything = [Configuration(screen, (level, mode), ()) for screen in spec.screens
                  for level, mode in itertools.product(*values)]
    successors = {}
    for config in everything:
        for event in spec.events_of_kind("user"):
            world = make_world(spec, {"level": config.world[0], "mode": config.world[1]})
            flow = Flow(spec, world, config.screen)
            result = flow.fire(event)
            if result.accepted:
                successors.setdefault(config, set()).add(
                    (event, Configuration(flow.screen, (world.level, world.mode), ()), tuple(result.taken)))
    reached = {Configuration(spec.home_screen, (level, mode), ()) for level, mode in itertools.product(*values)}
    while True:
        grown = reached | {target for c in reached for _, target, _ in successors.get(c, ())}
        if grown == reached:
            break
        reached = grown
    edges = {(c, e, t, taken) for c in reached for e, t, taken in successors.get(c, ())}
    return reached, edges


def test_explore_counts_agree_with_brute_force_enumeration(tmp_path):
    for size, seed in ((4, 3), (12, 5)):
        spec = synthetic_spec(str(tmp_path / f"b{size}.yaml"), size, seed)
        graph = explore_spec(spec)
        nodes, edges = _brute_force(spec)
        assert len(graph.nodes) == len(nodes) and graph.edge_count == len(edges)
        assert _fast_sets(graph) == (nodes, edges)


def test_explore_kms_counts_and_first_paths_are_shortest(kms_spec, kms_graph):
    graph = kms_graph
    # 7 days x 3 subscriptions x 4 balances x 2 networks, less the 8 active ones at 0 days, for each of
    # the 2 prices x 2 periods the domain ranges over.
    assert len(graph.initial) == (7 * 3 * 4 * 2 - 8) * 4
    assert graph.edge_count == graph.graph.number_of_edges()
    assert graph.graph.number_of_nodes() == len(graph.nodes)
    # Breadth first: a node's parent edge comes from one level up.
    assert all(graph.depth[graph.src[graph.parent[n]]] + 1 == graph.depth[n]
               for n in range(len(graph.nodes)) if graph.parent[n] is not None)
    # Every spec transition is taken somewhere, and nothing is ever nondeterministic.
    assert graph.enabled == {t.id for t in kms_spec.all_transitions()}
    assert graph.nondeterminism == {}


def test_explore_edges_beyond_the_bounds_are_counted_not_explored(kms_spec):
    # One price and period, so no initial balance (up to 2 * price) starts beyond the tight bound.
    tight = explore_spec(kms_spec, domain_of(kms_spec, ["price=3", "period_days=30"], ["balance=6"]))
    loose = explore_spec(kms_spec, domain_of(kms_spec, ["price=3", "period_days=30"], ["balance=12"]))
    balance = tight.variables.index("balance")
    assert max(c.world[balance] for c in tight.nodes) == 6
    assert max(c.world[balance] for c in loose.nodes) == 12
    assert tight.cut and all(target.world[balance] > 6 for _, _, target, _ in tight.cut)
    assert len(tight.nodes) < len(loose.nodes)


def test_explore_history_flags_follow_the_one_click_buy_flow(kms_graph):
    graph = kms_graph
    flow = graph.flows[0]
    on_price = [c for c in graph.nodes if c.screen == "price_subscribe"]
    assert on_price and all(c.history[0] & flow.bit("terms_accepted") and c.history[0] & flow.bit("access_point_chosen")
                            for c in on_price)
    assert all(c.history == (0,) for c in graph.nodes if c.screen not in flow.screens)


def test_explore_progress_is_quiet_for_short_walks_and_shows_after_the_delay():
    out = io.StringIO()
    quiet = Progress(out, delay=60)
    quiet("working")
    assert out.getvalue() == ""
    loud = Progress(out, delay=0, interval=0)
    loud("exploring: 5 configurations")
    loud.done()
    assert "exploring: 5 configurations" in out.getvalue()


def test_explore_gives_the_garbage_collector_back_as_it_was(kms_spec):
    import gc
    import weakref

    class Node:
        pass

    # A cycle of the caller's, unreachable once made: the collector must still find it after a walk.
    a, b = Node(), Node()
    a.other, b.other = b, a
    probe = weakref.ref(a)
    del a, b
    assert gc.isenabled()
    explore_spec(kms_spec)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.collect()
    assert probe() is None
