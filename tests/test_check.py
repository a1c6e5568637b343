"""`kmsflow check`: the shipped specs are clean, every broken fixture is caught at its line."""
from pathlib import Path

import pytest

from simulator import assumption_trace, check_spec, kb_trace, load_spec
from simulator.cli import main

from .conftest import KMS_SPEC, SPEC_DIR

BAD_SPECS = sorted((Path(__file__).parent / "fixtures" / "bad_specs").glob("*.yaml"))
MARK = "# <- expected here"


def _expectation(path: Path) -> tuple[int, str]:
    """The fixture's own statement: the code in its first line, the line carrying the marker."""
    lines = path.read_text().splitlines()
    code = lines[0].split("[", 1)[1].split("]", 1)[0]
    marked = [n for n, line in enumerate(lines, start=1) if n > 1 and line.rstrip().endswith(MARK)]
    assert len(marked) == 1, f"{path.name} must mark exactly one line"
    return marked[0], code


@pytest.mark.parametrize("spec_path", [KMS_SPEC, SPEC_DIR / "trial_to_purchase.yaml", SPEC_DIR / "door_keypad.yaml"],
                         ids=lambda p: p.name)
def test_check_shipped_specs_have_no_problems(spec_path, capsys):
    assert check_spec(load_spec(str(spec_path))) == []
    assert main(["check", str(spec_path)]) == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().out


def test_check_has_at_least_twelve_broken_fixtures():
    assert len(BAD_SPECS) >= 12
    assert len({_expectation(p)[1] for p in BAD_SPECS}) >= 12  # twelve different kinds of mistake


@pytest.mark.parametrize("fixture", BAD_SPECS, ids=lambda p: p.stem)
def test_check_reports_the_expected_line_and_code(fixture, capsys):
    line, code = _expectation(fixture)
    status = main(["check", str(fixture)])
    output = capsys.readouterr()
    assert status == 2
    assert "Traceback" not in output.out + output.err
    reported = output.out + output.err
    assert f"{fixture}:{line}:" in reported and f"[{code}]" in reported, reported
    assert any(row.startswith(f"{fixture}:{line}:") and row.endswith(f"[{code}]") for row in reported.splitlines())


def test_check_suggests_the_closest_name():
    fixture = Path(__file__).parent / "fixtures" / "bad_specs" / "unknown_guard.yaml"
    problems = check_spec(load_spec(str(fixture)))
    assert any("did you mean 'can_pay'" in p.message for p in problems)


def test_check_trace_lists_every_article_step_with_its_transitions(capsys):
    spec = load_spec(str(KMS_SPEC))
    assert main(["check", "--trace", str(KMS_SPEC)]) == 0
    out = capsys.readouterr().out
    for step, ids in kb_trace(spec):
        assert ids, f"article step {step} has no transition"
        assert step in out and all(i in out for i in ids)
    assert "(none!)" not in out


def test_check_every_assumption_is_used_by_a_transition():
    spec = load_spec(str(KMS_SPEC))
    trace = dict(assumption_trace(spec))
    assert set(trace) == {"A1", "A2", "A3", "A4", "A5", "A6", "A7"}
    assert all(trace.values())


def test_check_every_transition_names_its_source():
    spec = load_spec(str(KMS_SPEC))
    assert all(t.kb or t.assumptions for t in spec.all_transitions())


def test_check_kms_spec_covers_the_article_outcomes(kms_spec):
    # Each outcome of the article is a note screen of its own kind.
    assert kms_spec.note_kinds == ["activated", "cancelled", "no_connection", "no_money", "resumed"]
    events = {name: e.kind for name, e in kms_spec.events.items()}
    for user_event in ("select_additional", "select_license", "select_unsubscribe", "select_one_click_buy",
                       "press_yes", "press_no", "press_ok", "press_cancel", "press_back", "press_exit", "launch"):
        assert events[user_event] == "user"
    for env_event in ("day_passes", "network_down", "network_up", "top_up"):
        assert events[env_event] == "environment"
    assert {s for s in ("closed", "main_menu", "additional_menu", "license_menu")} <= set(kms_spec.screens)
    assert kms_spec.parameters["period_days"].default == 30 and kms_spec.parameters["price"].default == 3


def test_check_warns_about_a_loop_among_system_screens(capsys):
    fixture = Path(__file__).parent / "fixtures" / "system_loop.yaml"
    line = [n for n, text in enumerate(fixture.read_text().splitlines(), 1) if text.endswith(MARK)][0]
    assert main(["check", str(fixture)]) == 0  # a guard may stop the loop: a warning, not an error
    out = capsys.readouterr().err  # problems, warnings included, go to standard error
    assert f"{fixture}:{line}:6: warning: system screen 'paying' can step into itself" in out
    assert "[system-loop]" in out


def test_an_account_missing_a_key_beside_its_doc_is_one_located_problem(tmp_path, capsys):
    # With doc: given, a missing transitions: once reached a KeyError (the keys were counted, not named).
    text = (SPEC_DIR / "door_keypad.yaml").read_text(encoding="utf-8")
    start, end = text.index("  transitions:\n    - {trigger: lock_out"), text.index("events:\n")
    path = tmp_path / "account.yaml"
    path.write_text(text[:start] + '  doc: "The lock."\n\n' + text[end:], encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "account: missing key 'transitions' [missing-key]" in err
