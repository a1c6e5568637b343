"""The session core (simulator.play.session): commands, refusals, undo, reset, save and replay, --given, --from."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from simulator import UsageError, load_checked_spec, load_scenario, run_scenario
from simulator.play.session import (PlaySession, format_allowed, format_recent_steps, format_session, parse_given,
                                    run_lines, scenario_yaml, session_from_scenario)
from simulator.spec.synthetic import synthetic_spec
from simulator.spec.texts import reader_names

from .conftest import SPEC_DIR


def _play(session: PlaySession, *lines: str):
    return [session.handle(line) for line in lines]


def _state(session: PlaySession):
    return session.screen, session.world, list(session.steps), len(session.sim.trace)


def test_session_refused_event_changes_nothing_and_says_what_is_allowed(kms_spec):
    session = PlaySession(kms_spec)
    _play(session, "select_additional")
    before = _state(session)
    for line in ("press_yes", "select_unsubscribe", "9", "]x", "check_license", "frobnicate"):
        reply = session.handle(line)
        assert reply.refused and not reply.changed, line
        assert "Nothing changed" in reply.message and "1 select License (select_license)" in reply.message
        assert _state(session) == before
    assert "system event" in session.handle("check_license").message
    assert "did you mean 'press_yes'" in session.handle("press_yse").message


def test_session_chooses_by_number_label_name_and_softkey(kms_spec):
    session = PlaySession(kms_spec)
    assert session.handle("1").changed and session.screen == "additional_menu"
    assert session.handle("[").changed and session.screen == "license_menu"  # Select: the first item
    assert session.handle("Select Unsubscribe").changed and session.screen == "confirm_unsubscribe"
    assert session.handle("yes").changed and session.screen == "note_cancelled"
    assert session.handle("right").refused  # a note has no right softkey
    assert session.handle("left").changed and session.screen == "license_menu"
    assert session.steps == ["select_additional", "select_license", "select_unsubscribe", "press_yes", "press_ok"]
    assert session.world["subscription"] == "cancelled"


def test_session_softkey_select_uses_the_highlighted_item(kms_spec):
    session = PlaySession(kms_spec, {"screen": "main_menu"})
    assert session.handle("[", highlighted="select_additional").changed
    assert session.screen == "additional_menu"


def test_session_world_commands_fire_environment_events(kms_spec):
    session = PlaySession(kms_spec)
    _play(session, "net down")
    assert session.world["network"] == "down"
    _play(session, "net up", "top up")
    assert session.world["network"] == "up" and session.world["balance"] == 10 + 3
    assert session.steps == ["network_down", "network_up", "top_up"]
    assert [step.event for step in session.path] == session.steps


def test_session_days_until_the_automatic_payment(kms_spec):
    # A5: the day that leaves 3 days pays at once (4 -> 3 -> 33).
    session = PlaySession(kms_spec, {"days_left": 6, "balance": 10})
    reply = session.handle("day 2")
    assert session.world["days_left"] == 4 and session.world["charges"] == 0
    assert reply.message.startswith("2 days passed")
    session.handle("day")
    assert (session.world["days_left"], session.world["balance"], session.world["charges"]) == (33, 7, 1)
    assert session.handle("day 0").refused and session.handle("day x").refused
    assert session.handle("day 10001").refused


def test_session_undo_after_a_charge_restores_the_balance(kms_spec):
    session = PlaySession(kms_spec, {"days_left": 0, "subscription": "none", "balance": 5, "screen": "license_menu"})
    _play(session, "select_one_click_buy", "press_yes", "press_ok", "press_yes")
    assert session.screen == "note_activated" and session.world["balance"] == 2
    session.handle("undo")
    assert session.screen == "price_subscribe"
    assert (session.world["balance"], session.world["charges"], session.world["subscription"]) == (5, 0, "none")


def test_session_undo_takes_back_a_whole_day_n_and_stops_at_the_start(kms_spec):
    session = PlaySession(kms_spec)
    _play(session, "select_additional", "day 4")
    session.handle("undo")
    assert session.world["days_left"] == 30 and session.steps == ["select_additional"]
    session.handle("u")
    assert session.steps == [] and session.screen == "main_menu"
    assert session.handle("undo").refused


def test_session_reset_goes_to_the_start_and_undo_brings_it_back(kms_spec):
    session = PlaySession(kms_spec)
    _play(session, "select_additional", "select_license", "day 3", "net down")
    before = _state(session)
    session.handle("reset")
    assert session.screen == "main_menu" and session.steps == [] and session.world["days_left"] == 30
    session.handle("undo")
    assert _state(session)[:3] == before[:3]
    session.handle("undo")  # the reset's own history came back too: this undoes net down
    assert session.world["network"] == "up" and session.steps[-1] == "day_passes"


def test_session_listener_is_called_after_every_change(kms_spec):
    session = PlaySession(kms_spec)
    seen: list[tuple[str, int]] = []
    session.add_listener(lambda s: seen.append((s.screen, len(s.path))))
    _play(session, "select_additional", "press_yes", "day 2", "undo", "reset")
    assert seen == [("main_menu", 0), ("additional_menu", 1), ("additional_menu", 3), ("additional_menu", 1),
                    ("main_menu", 0)]


def test_session_path_shows_the_system_screens_passed(kms_spec):
    session = PlaySession(kms_spec, {"screen": "license_menu", "subscription": "cancelled"})
    replies = _play(session, "1", "yes", "ok")
    assert session.screen == "price_resume"
    names = reader_names(kms_spec)  # screens are named as readers see them, "Connecting..." told apart
    line = f"press_ok: {names['access_point']} -> {names['checking_license']} -> {names['price_resume']}"
    assert line.startswith("press_ok: Access point -> Connecting... (")
    assert replies[-1].message == line
    assert format_recent_steps(session, 1) == [f"   3  {line}"]
    assert "Steps: 3 (3 unsaved)" in format_session(session)


SCRIPTS = {
    "cancel": ("active", ["select_additional", "select_license", "select_unsubscribe", "press_yes", "press_ok"]),
    "renewal": ("active", ["day 27", "day", "net down", "day 2", "net up", "top up"]),
    "subscribe": ("cancelled", ["day 40", "1", "1", "1", "yes", "ok", "yes", "ok"]),
}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_session_save_is_a_scenario_that_replays_to_the_same_end(kms_spec, tmp_path, script):
    subscription, lines = SCRIPTS[script]
    session = PlaySession(kms_spec, {"balance": 4, "price": 2, "subscription": subscription})
    replies = _play(session, *lines)
    assert not any(r.refused for r in replies), [r.message for r in replies]
    path = tmp_path / "played.yaml"
    assert not session.handle(f"save {path}").refused
    assert session.unsaved_steps == 0
    scenario = load_scenario(str(path), kms_spec)
    assert scenario.given["price"] == 2  # a changed parameter is part of the given world
    result = run_scenario(scenario, kms_spec)
    assert result.passed, result.failures
    assert (result.final_screen, result.final_world) == (session.screen, session.world)


def test_session_save_refuses_without_steps_or_on_a_bad_path(kms_spec, tmp_path):
    session = PlaySession(kms_spec)
    assert session.handle(f"save {tmp_path / 'x.yaml'}").refused
    session.handle("1")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    reply = session.handle(f"save {blocker / 'x.yaml'}")
    assert reply.refused and "could not save" in reply.message
    assert session.handle("save").refused
    assert os.listdir(tmp_path) == ["file"]
    assert session.unsaved_steps == 1


def test_session_save_names_a_spec_that_is_not_the_default(tmp_path):
    spec = synthetic_spec(str(tmp_path / "specs" / "syn.yaml"), 6, seed=3)
    session = PlaySession(spec)
    _play(session, "next", "next", "home")
    text = scenario_yaml(session, str(tmp_path / "out" / "s.yaml"))
    assert 'spec: "../specs/syn.yaml"' in text
    session.save(str(tmp_path / "out" / "s.yaml"))
    scenario = load_scenario(str(tmp_path / "out" / "s.yaml"), spec)
    assert scenario.spec_path == str(tmp_path / "specs" / "syn.yaml")
    assert run_scenario(scenario, spec).passed


def test_session_from_scenario_starts_at_its_end_and_keeps_its_steps(kms_spec, tmp_path):
    scenario = load_scenario(str(SPEC_DIR / "scenarios" / "no_money.yaml"), kms_spec)
    end = run_scenario(scenario, kms_spec)
    session = session_from_scenario(scenario, kms_spec)
    assert (session.screen, session.world) == (end.final_screen, end.final_world)
    assert session.unsaved_steps == 0
    _play(session, "top up", "select_one_click_buy", "yes", "ok", "yes")
    assert session.screen == "note_activated" and session.unsaved_steps == 5
    session.save(str(tmp_path / "more.yaml"))
    again = run_scenario(load_scenario(str(tmp_path / "more.yaml"), kms_spec), kms_spec)
    assert again.passed and (again.final_screen, again.final_world) == (session.screen, session.world)
    session.handle("reset")
    assert (session.screen, session.world) == (end.final_screen, end.final_world)


def test_session_from_a_failing_scenario_is_a_usage_error(kms_spec, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: wrong end\nsteps: [select_additional]\nexpect: {screen: license_menu}\n")
    with pytest.raises(UsageError) as caught:
        session_from_scenario(load_scenario(str(path), kms_spec), kms_spec)
    assert "the scenario fails" in str(caught.value) and "license_menu" in str(caught.value)


def test_parse_given_accepts_scenario_values(kms_spec):
    given = parse_given(kms_spec, ["balance=2", "days_left=0", "subscription=none", "screen=license_menu",
                                   "price=5", "note=null"])
    assert given == {"balance": 2, "days_left": 0, "subscription": "none", "screen": "license_menu", "price": 5,
                     "note": None}


@pytest.mark.parametrize("pair, message", [
    ("balance=x", "balance must be a whole number"),
    ("balanse=2", "did you mean 'balance'"),
    ("subscription=paused", "subscription must be one of active, cancelled, none"),
    ("screen=charging", "system screen"),
    ("balance", "expected KEY=VALUE"),
    ("days_left=0", "this world cannot occur"),
    ("price=0", "at least 1"),
])
def test_parse_given_refuses_bad_values_clearly(kms_spec, pair, message):
    with pytest.raises(UsageError) as caught:
        parse_given(kms_spec, [pair])
    assert message in str(caught.value)


def test_run_lines_prints_each_screen_and_ends_at_end_of_input(kms_spec):
    session = PlaySession(kms_spec)
    out = io.StringIO()
    status = run_lines(session, io.StringIO("# a comment\n1\n\npress_yes\n2\n"), out)
    text = out.getvalue()
    assert status == 0
    assert text.count("|   Additional") == 2  # the main menu's item: at the start, then after "2" (Back)
    assert text.count("| Additional  ") == 1  # the Additional menu's title, after "1"
    assert "\n> press_yes\nRefused: press_yes is not allowed" in text
    assert "press_back: Additional -> Kaspersky Mobile Security" in text and session.screen == "main_menu"


def test_session_plays_any_spec(tmp_path):
    spec = synthetic_spec(str(tmp_path / "syn.yaml"), 12, seed=5)
    session = PlaySession(spec)
    for _ in range(15):
        reply = session.handle("1")
        assert reply.changed
    assert session.handle("day").refused  # this spec has no clock
    assert len(session.path) == 15


def test_run_lines_offers_to_save_when_a_person_leaves(kms_spec, tmp_path):
    def typed():
        yield "1\n"
        yield "day\n"
        raise KeyboardInterrupt  # Ctrl-C while typing
    answers = iter([""])  # first: Enter, leave without saving
    (tmp_path / "f").write_text("a file, not a folder")
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    session = PlaySession(kms_spec)
    out = io.StringIO()
    assert run_lines(session, typed(), out, ask=ask) == 0
    assert prompts == ["2 unsaved steps. Save to file (Enter: leave without saving): "]
    assert "Left without saving 2 steps." in out.getvalue()
    # A bad path, then a good one; each time the scenario's name is asked too (Enter keeps it).
    answers = iter([str(tmp_path / "f" / "x.yaml"), "", str(tmp_path / "kept.yaml"), ""])
    assert run_lines(session, iter(["quit\n"]), out, ask=ask) == 0
    assert "could not save" in out.getvalue()
    assert run_scenario(load_scenario(str(tmp_path / "kept.yaml"), kms_spec), kms_spec).passed


@pytest.mark.parametrize("width", [20, 40, 80])
def test_format_allowed_wraps_between_events_only(kms_spec, width):
    session = PlaySession(kms_spec, {"screen": "access_point", "subscription": "none", "days_left": 0})
    text = format_allowed(session.view, width)
    for line in text.splitlines():
        assert line.count("(") == line.count(")"), line
    assert "2 Cancel (press_cancel, key ])" in text
    assert " ".join(text.split()).startswith("Allowed: 1 OK (press_ok, key [); 2 Cancel")


def test_session_a_stuck_spec_is_refused_and_changes_nothing():
    spec = load_checked_spec(str(Path(__file__).parent / "fixtures" / "stuck_payment.yaml"))
    session = PlaySession(spec)
    reply = session.handle("open_offer")
    assert reply.refused and "the spec got stuck" in reply.message
    assert "stuck on system screen 'paying'" in reply.message
    assert session.screen == "home" and session.steps == [] and session.sim.trace == []
    assert session.handle("undo").refused  # nothing happened, so nothing to undo
