"""The one scenario writer: what it writes, load_scenario reads back unchanged; exports and saved sessions use it."""
from __future__ import annotations

import pytest

from simulator import PlaySession, load_checked_spec, load_scenario, run_scenario, scenario_spec_path
from simulator.runtime.scenario import Step, scenario_text, spec_reference
from simulator.spec.project import project_spec_path

from .conftest import SPEC_DIR

ALL_SCENARIOS = sorted((SPEC_DIR / "scenarios").rglob("*.yaml"))


def _parts(scenario):
    return (scenario.name, scenario.given, [(s.event, s.repeat, s.refused, s.expect) for s in scenario.steps],
            scenario.expect, scenario.spec_path)


@pytest.mark.parametrize("path", ALL_SCENARIOS, ids=lambda p: p.stem)
def test_scenario_writer_round_trips_every_shipped_scenario(path, tmp_path):
    spec_path = scenario_spec_path(str(path)) or project_spec_path(str(path.parent))  # the repository's default
    spec = load_checked_spec(spec_path)
    original = load_scenario(str(path), spec)
    copy = tmp_path / "copy" / path.name
    copy.parent.mkdir()
    copy.write_text(scenario_text(original.name, original.given, original.steps, original.expect,
                                  spec_reference(spec_path, str(copy)) if original.spec_path else None,
                                  comment="A copy.\nWritten by the test."))
    again = load_scenario(str(copy), spec)
    assert _parts(again)[:4] == _parts(original)[:4]
    assert (again.spec_path is None) == (original.spec_path is None)
    if again.spec_path:
        assert scenario_spec_path(str(copy)) == spec_path
    assert run_scenario(again, spec).passed


def test_scenario_writer_quotes_what_yaml_would_misread(kms_spec, tmp_path):
    text = scenario_text("yes: a name with a colon", {"network": "up"},
                         [Step("select_additional"), Step("day_passes", repeat=2),
                          Step("press_yes", refused=True, expect={"screen": "additional_menu", "note": None})],
                         {"screen": "additional_menu"})
    assert text.splitlines() == [
        'name: "yes: a name with a colon"',
        "given: {network: up}",
        "steps:",
        "  - select_additional",
        "  - {event: day_passes, repeat: 2}",
        "  - {event: press_yes, refused: true, expect: {screen: additional_menu, note: null}}",
        "expect: {screen: additional_menu}",
    ]
    path = tmp_path / "s.yaml"
    path.write_text(text)
    assert load_scenario(str(path), kms_spec).name == "yes: a name with a colon"


def test_scenario_writer_is_what_a_saved_session_uses(kms_spec, tmp_path):
    session = PlaySession(kms_spec, {"balance": 0})
    for line in ("select_additional", "day 3", "net down"):
        session.handle(line)
    file = tmp_path / "s.yaml"
    session.save(str(file))
    scenario = load_scenario(str(file), kms_spec)
    assert [(s.event, s.repeat) for s in scenario.steps] == [("select_additional", 1), ("day_passes", 3),
                                                              ("network_down", 1)]
    # Saved outside any project that names the spec as its default: the file names it, so it replays anywhere.
    assert file.read_text() == scenario_text(session.name, scenario.given, scenario.steps, scenario.expect,
                                             spec_reference(kms_spec.path, str(file)),
                                             comment="Saved by kmsflow play. Replay it with: kmsflow simulate s.yaml")
