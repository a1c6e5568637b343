"""Scenario files: every shipped one passes; wrong ones fail (exit 1) or are refused (exit 2)."""
import textwrap
from pathlib import Path

import pytest

from simulator import load_checked_spec, load_scenario, run_scenario
from simulator.cli import main

from .conftest import KMS_SPEC, SPEC_DIR

ALL_SCENARIOS = sorted((SPEC_DIR / "scenarios").rglob("*.yaml"))


@pytest.mark.parametrize("path", ALL_SCENARIOS, ids=lambda p: str(p.relative_to(SPEC_DIR / "scenarios")))
def test_scenario_shipped_passes(path, capsys):
    assert main(["simulate", str(path)]) == 0, capsys.readouterr().out


def test_scenario_set_covers_every_note_and_assumption():
    notes, assumptions = set(), set()
    spec = load_checked_spec(str(KMS_SPEC))
    for path in sorted((SPEC_DIR / "scenarios").glob("*.yaml")):
        result = run_scenario(load_scenario(str(path), spec), spec)
        notes |= {entry[1] for step in result.trace for entry in [("", result.final_world["note"])]}
        for step in result.trace:
            for transition_id in step.taken:
                assumptions |= set(spec.transition(transition_id).assumptions)
        notes.add(result.final_world["note"])
    assert {"cancelled", "resumed", "activated", "no_money", "no_connection"} <= notes
    assert assumptions == {"A1", "A2", "A3", "A4", "A5", "A6", "A7"}


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def test_scenario_wrong_expectation_fails_with_exit_1_and_says_what_differed(tmp_path, capsys):
    path = _write(tmp_path, """\
        name: wrong balance
        given: {days_left: 0, subscription: cancelled, balance: 5}
        steps: [select_additional, select_license, select_one_click_buy, press_yes, press_ok, press_yes, press_ok]
        expect: {screen: license_menu, balance: 5}
        """)
    assert main(["simulate", path]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "expected balance 5, found 2" in out and "0 passed, 1 failed" in out


def test_scenario_step_expectation_names_the_step(tmp_path, capsys):
    path = _write(tmp_path, """\
        name: wrong note
        steps: [select_additional, {event: select_license, expect: {screen: main_menu}}]
        expect: {screen: license_menu}
        """)
    assert main(["simulate", path]) == 1
    assert "step 2 (select_license): expected screen 'main_menu', found 'license_menu'" in capsys.readouterr().out


def test_scenario_unexpected_refusal_names_step_screen_and_allowed_events(tmp_path, capsys):
    path = _write(tmp_path, """\
        name: press Yes on a menu
        steps: [select_additional, press_yes]
        expect: {screen: license_menu}
        """)
    assert main(["simulate", path]) == 1
    out = capsys.readouterr().out
    assert ("step 2 (press_yes): not allowed on screen 'additional_menu'; allowed there: select_license, press_back"
            in out)


def test_scenario_refused_step_that_is_allowed_fails(tmp_path, capsys):
    path = _write(tmp_path, """\
        name: wrongly expects a refusal
        steps: [{event: select_additional, refused: true}]
        expect: {screen: main_menu}
        """)
    assert main(["simulate", path]) == 1
    assert "expected to be refused on 'main_menu', but it is allowed there" in capsys.readouterr().out


@pytest.mark.parametrize("body, line, code", [
    ("name: x\nsteps: [select_additonal]\nexpect: {screen: main_menu}\n", 2, "unknown-event"),
    ("name: x\nsteps: [check_license]\nexpect: {screen: main_menu}\n", 2, "unknown-event"),
    ("name: x\ngiven: {balanse: 3}\nsteps: [launch]\nexpect: {}\n", 2, "unknown-variable"),
    ("name: x\ngiven: {subscription: paused}\nsteps: [launch]\nexpect: {}\n", 2, "bad-value"),
    ("name: x\ngiven: {balance: -1}\nsteps: [launch]\nexpect: {}\n", 2, "bad-value"),
    ("name: x\ngiven: {balance: three}\nsteps: [launch]\nexpect: {}\n", 2, "bad-value"),
    ("name: x\ngiven: {screen: charging}\nsteps: [launch]\nexpect: {}\n", 2, "bad-value"),
    ("name: x\nsteps: [launch]\nexpect: {screen: nowhere}\n", 3, "unknown-screen"),
    ("name: x\nsteps: [launch]\nexpect: {note: done}\n", 3, "bad-value"),
    ("name: x\nsteps:\n  - {event: day_passes, repeat: 0}\nexpect: {}\n", 3, "bad-value"),
    ("name: x\nsteps:\n  - {event: day_passes, repat: 2}\nexpect: {}\n", 3, "unknown-key"),
    ("name: x\nsteps: [launch\nexpect: {}\n", 3, "yaml-syntax"),
    ("name: x\ngiven: {subscription: active, days_left: 0}\nsteps: [launch]\nexpect: {}\n", 2, "bad-value"),
    ("name: x\nsteps:\nexpect: {}\n", 2, "missing-key"),
    ("name: !!python/object/apply:os.system [ls]\nsteps: [launch]\nexpect: {}\n", 1, "yaml-tag"),
], ids=["typo-event", "system-event", "unknown-variable", "enum-value", "negative", "wrong-type", "system-screen",
        "unknown-screen", "unknown-note", "repeat-zero", "unknown-step-key", "malformed-yaml", "impossible-world",
        "blank-steps", "python-tag"])
def test_scenario_invalid_file_exits_2_with_line_and_code(tmp_path, capsys, body, line, code):
    path = _write(tmp_path, body)
    assert main(["simulate", path]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{line}:" in err and f"[{code}]" in err, err
    assert "Traceback" not in err


def test_scenario_invalid_file_runs_nothing(tmp_path, capsys):
    good = str(SPEC_DIR / "scenarios" / "cancel.yaml")
    bad = _write(tmp_path, "name: x\nsteps: [nope]\nexpect: {}\n")
    assert main(["simulate", good, bad]) == 2
    assert "PASS" not in capsys.readouterr().out


def test_scenario_given_parameters_override_defaults(kms_spec):
    path = SPEC_DIR / "scenarios" / "parameters_override.yaml"
    result = run_scenario(load_scenario(str(path), kms_spec), kms_spec)
    assert result.passed and result.given["price"] == 5 and result.given["period_days"] == 10
