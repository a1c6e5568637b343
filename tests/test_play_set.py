"""play (issue 16, item 6): set VAR=VALUE, the name asked on save, background changes on lines of their own."""
from __future__ import annotations

import io

from simulator import load_scenario, run_scenario
from simulator.play.session import PlaySession, format_recent_steps, run_lines


def _replays(spec, path) -> None:
    result = run_scenario(load_scenario(str(path), spec), spec)
    assert result.passed, result.failures


def test_play_set_before_steps_changes_the_start_and_saves_it(kms_spec, tmp_path):
    session = PlaySession(kms_spec)
    reply = session.handle("set balance=0 network=down")
    assert not reply.refused and session.world["balance"] == 0 and session.world["network"] == "down"
    session.handle("select_additional")
    assert not session.handle(f"save {tmp_path / 's.yaml'}").refused
    saved = (tmp_path / "s.yaml").read_text(encoding="utf-8")
    assert "balance: 0" in saved.split("steps:")[0] and "network: down" in saved.split("steps:")[0]
    _replays(kms_spec, tmp_path / "s.yaml")


def test_play_set_after_steps_starts_the_saved_scenario_there_and_undo_brings_the_steps_back(kms_spec, tmp_path):
    session = PlaySession(kms_spec)
    for line in ("select_additional", "select_license"):
        session.handle(line)
    reply = session.handle("set subscription=cancelled")
    assert "a saved scenario starts here" in reply.message
    assert session.screen == "license_menu" and session.steps == []
    session.handle("select_one_click_buy")  # offered now that the subscription is cancelled
    session.handle(f"save {tmp_path / 's.yaml'}")
    text = (tmp_path / "s.yaml").read_text(encoding="utf-8")
    assert "screen: license_menu" in text and "subscription: cancelled" in text
    _replays(kms_spec, tmp_path / "s.yaml")
    session.handle("undo")
    assert session.handle("undo").message == "undid the set"
    assert session.steps == ["select_additional", "select_license"] and session.world["subscription"] == "active"


def test_play_set_is_checked_like_given_and_changes_nothing_when_refused(kms_spec):
    session = PlaySession(kms_spec)
    before = session.world
    for line, said in (("set balance=-1", "balance"), ("set colour=red", "unknown name 'colour'"),
                       ("set days_left=0", "active_license_has_days"), ("set balance", "KEY=VALUE"),
                       ("set", "set needs VAR=VALUE")):
        reply = session.handle(line)
        assert reply.refused and said in reply.message, (line, reply.message)
        assert "--given" not in reply.message.split(":")[0]
    assert session.world == before and session.steps == []


def test_play_save_asks_the_scenarios_name(kms_spec, tmp_path):
    asked = []
    out = io.StringIO()
    answers = iter(["renewal seen from the main menu"])

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    run_lines(PlaySession(kms_spec), ["day", f"save {tmp_path / 's.yaml'}"], out, ask=ask)
    assert asked and asked[0].startswith("Name of the scenario")
    assert 'name: "renewal seen from the main menu"' in (tmp_path / "s.yaml").read_text(encoding="utf-8")


def test_play_background_changes_are_lines_of_their_own(kms_spec):
    session = PlaySession(kms_spec, {"days_left": 4, "balance": 3})
    reply = session.handle("day_passes")
    first, *rest = reply.message.splitlines()
    assert first.startswith("day_passes: stays on") and len(rest) == 1
    assert "in the background" in rest[0] and "payment goes through" in rest[0]
    assert format_recent_steps(session)[-1] == rest[0]
    session = PlaySession(kms_spec, {"days_left": 3, "balance": 0})
    lines = session.handle("day 3").message.splitlines()
    assert [line.split(",")[0].strip() for line in lines[1:]] == ["day 1", "day 2", "day 3"]
    assert "payment fails" in lines[1] and "subscription ends" in lines[3]
    quiet = PlaySession(kms_spec).handle("day_passes").message  # 30 days left: nothing happens in the background
    assert "\n" not in quiet
