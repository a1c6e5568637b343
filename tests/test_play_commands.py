"""World controls in play come from the spec: each environment event's `command`, and its `clock`."""
from __future__ import annotations

import pytest

from simulator import PlaySession, load_checked_spec
from simulator.errors import SpecError

from .conftest import SPEC_DIR

DOOR = SPEC_DIR / "door_keypad.yaml"


def test_the_door_keypad_plays_with_its_own_world_controls():
    session = PlaySession(load_checked_spec(str(DOOR)), {"keypad": "locked_out", "minutes_left": 5})
    help_text = session.handle("help").message
    assert "minute [N]" in help_text and "a minute passes: once, or N minutes at once" in help_text
    assert "battery low" in help_text and "day" not in help_text and "net down" not in help_text
    reply = session.handle("minute 4")
    assert reply.message.startswith("4 minutes passed: minutes_left: 5 -> 1")
    assert session.handle("minute").message.startswith("1 minute passed: keypad: locked_out -> ready")
    assert session.handle("battery low").changed and session.values["battery"] == "low"
    assert session.handle("batterylow").changed  # the words run together are the same command
    refused = session.handle("day 3")
    assert refused.refused and "unknown input 'day 3'" in refused.message


@pytest.mark.parametrize("event, words, message", [
    ('  enter_admin_code: {kind: user, label: "enter the admin code", item: "Admin code"}',
     '  enter_admin_code: {kind: user, label: "enter the admin code", item: "Admin code", command: admin}',
     "only an environment event (a change of the world) has a command"),
    ('  minute_passes: {kind: environment, label: "a minute passes", command: minute, clock: minutes}',
     '  minute_passes: {kind: environment, label: "a minute passes", command: a minute, clock: minutes}',
     "a clock needs a one-word command"),
    ('  battery_runs_low: {kind: environment, label: "the battery runs low", command: battery low}',
     '  battery_runs_low: {kind: environment, label: "the battery runs low", command: undo battery}',
     "begins with a word kmsflow play already uses"),
    ('  battery_runs_low: {kind: environment, label: "the battery runs low", command: battery low}',
     '  battery_runs_low: {kind: environment, label: "the battery runs low", command: battery ok}',
     "command 'battery ok' is already event 'battery_runs_low''s"),  # said at the second, battery_replaced
    ('  battery_runs_low: {kind: environment, label: "the battery runs low", command: battery low}',
     '  battery_runs_low: {kind: environment, label: "the battery runs low", command: low, clock: lows}',
     "only one event can be the clock"),
])
def test_a_bad_command_or_clock_is_a_located_error(tmp_path, event, words, message):
    text = DOOR.read_text(encoding="utf-8")
    assert text.count(event) == 1
    path = tmp_path / "door.yaml"
    path.write_text(text.replace(event, words), encoding="utf-8")
    rows = path.read_text().splitlines()
    second = "battery_replaced" if "already event" in message else None  # a repeated command: at its second use
    line = next(n for n, row in enumerate(rows, 1) if (row.startswith(f"  {second}:") if second else row == words))
    with pytest.raises(SpecError) as caught:
        load_checked_spec(str(path))
    said = [p for p in caught.value.problems if message in p.message]
    assert len(said) == 1 and said[0].loc.line == line, caught.value.problems
