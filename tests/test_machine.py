"""The flow built with transitions: regions, system steps, refusals, environment events."""
import pytest

from simulator import FlowRuntimeError, Simulator, load_spec, make_world
from simulator.runtime.machine import Flow

from .conftest import KMS_SPEC

ENVIRONMENT = ("day_passes", "network_down", "network_up", "top_up")


def test_machine_has_no_auto_transitions(kms_spec):
    flow = Flow(kms_spec, make_world(kms_spec))
    assert not any(name.startswith("to_") for name in flow._screens.events)
    assert set(flow._screens.events) == {t.trigger for t in kms_spec.transitions}


@pytest.mark.parametrize("screen", ["closed", "main_menu", "additional_menu", "license_menu", "confirm_unsubscribe",
                                    "terms", "access_point", "price_resume", "note_no_money"])
@pytest.mark.parametrize("subscription", ["active", "cancelled", "none"])
def test_machine_accepts_environment_events_on_every_resting_screen(kms_spec, screen, subscription):
    sim = Simulator(kms_spec, {"screen": screen, "subscription": subscription, "days_left": 2})
    for event in ENVIRONMENT:
        step = sim.fire(event)
        assert step.accepted and step.screen_after == screen


def test_machine_runs_system_steps_inside_the_user_event(kms_spec):
    sim = Simulator(kms_spec, {"screen": "access_point", "days_left": 0, "subscription": "none", "balance": 5})
    step = sim.fire("press_ok")
    assert step.screen_after == "price_subscribe"
    assert step.taken == ["access_point.press_ok", "checking_license.check_license.2"]
    step = sim.fire("press_yes")
    assert step.taken == ["price_subscribe.press_yes", "charging.charge", "account.cancelled|none.activate"]
    assert not kms_spec.screens[sim.screen].is_system


def test_machine_refused_event_changes_nothing(kms_spec):
    sim = Simulator(kms_spec, {"screen": "license_menu"})
    before = (sim.screen, sim.world)
    step = sim.fire("select_one_click_buy")  # hidden while the subscription is active (A1)
    assert not step.accepted
    assert (sim.screen, sim.world) == before
    assert "select_one_click_buy" not in sim.allowed_events()


def test_machine_system_events_are_never_offered_to_the_user(kms_spec):
    sim = Simulator(kms_spec, {"screen": "access_point"})
    assert "check_license" not in sim.allowed_events() and not sim.is_allowed("charge")


def test_machine_stuck_system_screen_is_a_flow_runtime_error(tmp_path):
    text = KMS_SPEC.read_text().replace("    unless: network_up\n    kb: fail.connection\n",
                                        "    conditions: renewal_due\n"
                                        "    kb: fail.connection\n", 1)
    path = tmp_path / "stuck.yaml"
    path.write_text(text)
    spec = load_spec(str(path))
    sim = Simulator(spec, {"screen": "access_point", "network": "down", "subscription": "none"})
    with pytest.raises(FlowRuntimeError, match="stuck on system screen 'checking_license'"):
        sim.fire("press_ok")


def test_simulator_undo_restores_screen_and_world_after_a_charge(kms_spec):
    sim = Simulator(kms_spec, {"screen": "price_subscribe", "days_left": 0, "subscription": "none", "balance": 5})
    before = (sim.screen, sim.world)
    sim.fire("press_yes")
    assert sim.world["balance"] == 2
    sim.undo()
    assert (sim.screen, sim.world) == before and sim.trace == []


def test_simulator_undo_covers_world_changes(kms_spec):
    sim = Simulator(kms_spec)
    sim.set_world(balance=0)
    sim.fire("network_down")
    sim.undo()
    assert sim.world["network"] == "up" and sim.world["balance"] == 0
    sim.undo()
    assert sim.world["balance"] == 10 and not sim.can_undo()
