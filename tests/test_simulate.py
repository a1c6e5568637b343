"""The Simulator's own contract: undo and the trace agree, world changes are checked, observers are its own."""
from __future__ import annotations

from pathlib import Path

import pytest

from simulator import FlowRuntimeError, KmsflowError, Simulator, UsageError, load_checked_spec
from simulator.runtime.hooks import add_simulator_hook, remove_simulator_hook, simulator_hooks

STUCK_SPEC = Path(__file__).parent / "fixtures" / "stuck_payment.yaml"


class Recorder:
    def __init__(self):
        self.seen: list[tuple] = []

    def trace_started(self, sim):
        self.seen.append(("started", sim.screen))

    def step_fired(self, sim, step):
        self.seen.append((step.event, step.accepted))


def test_simulator_set_world_then_undo_undoes_exactly_the_world_change(kms_spec):
    sim = Simulator(kms_spec)
    sim.fire("select_additional")
    sim.set_world(balance=0)
    sim.undo()
    assert sim.screen == "additional_menu" and sim.world["balance"] == 10
    assert [step.event for step in sim.trace] == ["select_additional"]  # the event before it stays
    sim.undo()
    assert sim.screen == "main_menu" and sim.trace == [] and not sim.can_undo()


def test_simulator_undo_drops_the_refused_steps_after_what_it_undoes(kms_spec):
    sim = Simulator(kms_spec)
    sim.fire("select_additional")
    sim.set_world(balance=1)
    sim.fire("press_yes")  # refused on a menu: in the trace, nothing to undo
    assert [(s.event, s.accepted) for s in sim.trace] == [("select_additional", True), ("press_yes", False)]
    sim.undo()
    assert [s.event for s in sim.trace] == ["select_additional"] and sim.world["balance"] == 10


@pytest.mark.parametrize("values, message", [
    ({"balanse": 0}, "unknown name 'balanse' (did you mean 'balance'?); expected one of: balance, charges,"),
    ({"screen": "license_menu"}, "unknown name 'screen'"),
    ({"balance": -1}, "balance must be in 0..inf, found -1"),
    ({"subscription": "paused"}, "subscription must be one of active, cancelled, none"),
    ({"days_left": 0, "subscription": "active"}, "this world cannot occur"),
])
def test_simulator_set_world_refuses_what_the_spec_does_not_allow(kms_spec, values, message):
    sim = Simulator(kms_spec)
    before = sim.world
    with pytest.raises(UsageError) as caught:
        sim.set_world(**values)
    assert message in str(caught.value) and "set_world" in str(caught.value)
    assert sim.world == before and not sim.can_undo()


def test_simulator_unknown_given_name_is_a_usage_error_not_a_key_error(kms_spec):
    with pytest.raises(UsageError, match="unknown name 'balanse'"):
        Simulator(kms_spec, {"balanse": 3})


def test_simulator_undo_with_nothing_to_undo_is_a_usage_error(kms_spec):
    with pytest.raises(UsageError, match="nothing to undo"):
        Simulator(kms_spec).undo()


def test_simulator_observers_belong_to_one_simulator(kms_spec):
    mine = Recorder()
    watched = Simulator(kms_spec, observers=[mine])
    other = Simulator(kms_spec)
    other.fire("select_additional")
    watched.fire("select_additional")
    watched.fire("press_yes")
    assert mine.seen == [("started", "main_menu"), ("select_additional", True), ("press_yes", False)]


def test_simulator_hooks_are_told_of_new_simulators_until_removed(kms_spec):
    before = simulator_hooks()
    recorder = Recorder()

    def hook(sim):
        sim.add_observer(recorder)

    add_simulator_hook(hook)
    try:
        Simulator(kms_spec).fire("select_additional")
    finally:
        remove_simulator_hook(hook)
    Simulator(kms_spec).fire("select_additional")  # after removal: not seen
    assert recorder.seen == [("started", "main_menu"), ("select_additional", True)]
    assert simulator_hooks() == before


def test_simulator_a_stuck_spec_raises_and_changes_nothing():
    spec = load_checked_spec(str(STUCK_SPEC))
    sim = Simulator(spec)
    before = (sim.screen, sim.world, sim.history)
    with pytest.raises(FlowRuntimeError, match="stuck on system screen 'paying'") as caught:
        sim.fire("open_offer")
    assert isinstance(caught.value, KmsflowError)  # one root: `except KmsflowError` catches it
    assert (sim.screen, sim.world, sim.history) == before and sim.trace == [] and not sim.can_undo()


def test_one_constraints_check_for_scenarios_play_and_set_world(kms_spec, tmp_path):
    from simulator import ScenarioError, load_scenario, make_world
    from simulator.play.session import parse_given
    from simulator.runtime.given import unmet_constraints

    impossible = {"days_left": 0, "subscription": "active"}
    assert unmet_constraints(kms_spec, make_world(kms_spec, impossible)) == ["active_license_has_days"]
    why = f"this world cannot occur: {kms_spec.guards['active_license_has_days'].doc} (active_license_has_days)"
    path = tmp_path / "s.yaml"
    path.write_text("name: impossible\ngiven: {days_left: 0, subscription: active}\nsteps: [launch]\n"
                    "expect: {screen: main_menu}\n")
    with pytest.raises(ScenarioError, match=r"given: this world cannot occur") as from_file:
        load_scenario(str(path), kms_spec)
    with pytest.raises(UsageError) as from_play:
        parse_given(kms_spec, ["days_left=0", "subscription=active"])
    with pytest.raises(UsageError) as from_set_world:
        Simulator(kms_spec).set_world(**impossible)
    for caught in (from_file, from_play, from_set_world):
        assert why in str(caught.value)
