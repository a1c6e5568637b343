"""Issue 10: resources are bounded with clear limits, and no answer is silently wrong.

Each limit ends the command with exit 2 and one located message that names the
limit, how far the work got and the option that raises it, with no traceback
and nothing written. Small budgets keep the tests fast; the issue's own examples
run with the defaults and must stop within seconds. Inputs that used to give an
answer about nothing (a bound below the start values, an empty check, an initial
world that breaks the constraints) are `kmsflow check` errors at their line.
"""
from __future__ import annotations

import inspect
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.errors import InputError, LimitError, SpecError, UsageError
from simulator.play.session import PlaySession, format_recent_steps, format_session
from simulator.runtime.scenario import load_scenario, run_scenario
from simulator.runtime.simulate import Simulator
from simulator.spec.load import load_spec
from simulator.spec.synthetic import synthetic_spec, write_synthetic_spec
from simulator.walk.domain import domain_of
from simulator.walk.explore import MAX_CONFIGURATIONS, explore_spec
from simulator.walk.suites.simple_paths import MAX_PATHS, simple_suite

from .conftest import KMS_SPEC

# The KMS spec's lines that messages point at, found by their text (the spec grows above them).
_KMS_LINE = {key: next(number for number, line in enumerate(Path(KMS_SPEC).read_text(encoding="utf-8").splitlines(), 1)
                       if line.strip().startswith(key)) for key in ("days_left: [0", "days_left: 2 *")}

#: "Within seconds" for the issue's examples, measured loosely: they take about 3 s on the project's
#: machines and took minutes (or ran out of memory) before; the slack is for a loaded machine.
SECONDS = 40


def _messages(err: str) -> list[str]:
    """The lines of standard error a person reads: progress redrawn with carriage returns is left out."""
    lines = [line.rsplit("\r", 1)[-1].replace("\x1b[K", "") for line in err.split("\n")]
    return [line for line in lines if line.strip()]


def _refused(capsys, argv: list[str], code: str, where: str | None = None) -> str:
    """Run kmsflow in this process: exit 2, exactly one message with ``code`` (at ``where``), no traceback."""
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert status == 2, out + err
    assert "Traceback" not in out + err
    messages = _messages(err)
    assert len(messages) == 1, messages
    assert messages[0].endswith(f"[{code}]") and ": error: " in messages[0], messages[0]
    if where is not None:
        assert messages[0].startswith(where), messages[0]
    return messages[0]


def _kms_variant(tmp_path: Path, old: str, new: str, name: str = "kms.yaml") -> tuple[Path, int]:
    """A copy of the KMS spec with one text replaced, and the line the replacement is on."""
    text = KMS_SPEC.read_text()
    assert text.count(old) == 1, old
    changed = text.replace(old, new)
    path = tmp_path / name
    path.write_text(changed)
    return path, changed[:changed.index(new)].count("\n") + 1


# -- the walk's configuration budget ------------------------------------------------------

def test_default_budget_is_a_million_configurations():
    assert MAX_CONFIGURATIONS == 1_000_000


def test_budget_smaller_than_the_start_worlds_is_refused_before_walking(capsys):
    started = time.perf_counter()
    message = _refused(capsys, ["explore", "--max-configurations", "500"], "too-many-configurations")
    assert time.perf_counter() - started < 5
    assert f"kms9_subscription.yaml:{_KMS_LINE['days_left: [0']}:" in message  # days_left's start values, the widest
    assert "672 combinations of start values" in message and "budget of 500" in message
    assert "--max-configurations N" in message


@pytest.mark.parametrize("command", [["explore"], ["paths", "--criterion", "screens"], ["review"]])
def test_budget_reached_while_walking_ends_every_walking_command(command, capsys, tmp_path):
    out = tmp_path / "out"
    writes = {"explore": ["--counterexamples", out], "paths": ["--format", "scenarios", "-o", out],
              "review": ["-o", out]}[command[0]]
    message = _refused(capsys, [*command, "--max-configurations", "5000", *writes], "too-many-configurations")
    assert "reached its budget of 5,000 configurations" in message
    # What made it big, where it is set, and how to raise the budget.
    assert "days_left took" in message and "up to its bound 60" in message and "2 * period_days" in message
    assert f"kms9_subscription.yaml:{_KMS_LINE['days_left: 2 *']}:" in message.split(": error: ")[0]  # the bound's line
    assert "--max-configurations N" in message
    assert not out.exists()


def test_budget_option_must_be_positive(capsys):
    _refused(capsys, ["explore", "--max-configurations", "0"], "bad-usage")
    _refused(capsys, ["paths", "--max-paths", "-3"], "bad-usage")
    _refused(capsys, ["simulate", "--max-steps", "0", "spec/scenarios"], "bad-usage")


def test_the_library_walk_raises_limit_error_not_memory_error(kms_spec):
    with pytest.raises(LimitError) as caught:
        explore_spec(kms_spec, max_configurations=2000)
    assert isinstance(caught.value, InputError)  # the input is too big, not the machine too small
    assert caught.value.problems[0].code == "too-many-configurations"
    with pytest.raises(UsageError):
        explore_spec(kms_spec, max_configurations=0)
    assert len(explore_spec(kms_spec, max_configurations=32004).nodes) == 32004  # exactly the budget fits


@pytest.mark.parametrize("case", ["period_days: 100000", "--bound balance=1000000",
                                  "--domain days_left=100000 --bound days_left=200000"])
def test_the_issues_examples_stop_within_seconds_with_the_default_budget(case, capsys, tmp_path):
    if case.startswith("period_days"):
        spec, line = _kms_variant(tmp_path, "    period_days: [30, 7]", "    period_days: [100000, 7]")
        argv, where = ["explore", spec], f"{spec}:"
    else:
        argv, where = ["explore", *case.split()], "<command line>:"
    started = time.perf_counter()
    message = _refused(capsys, argv, "too-many-configurations", where)
    assert time.perf_counter() - started < SECONDS
    assert "over its budget of 1,000,000" in message and "--max-configurations N" in message
    variable = "balance" if "balance" in case else "days_left"
    assert f"moves {variable} by" in message, message
    if case.startswith("period_days"):  # the bound's own line in the spec, which made it big
        assert message.startswith(f"{spec}:{_KMS_LINE['days_left: 2 *']}:") and "2 * period_days" in message
    else:
        assert f"(--bound {case.split('--bound ')[1]})" in message


def test_review_stops_as_early_on_the_issues_example(capsys, tmp_path):
    spec, _ = _kms_variant(tmp_path, "    period_days: [30, 7]", "    period_days: [100000, 7]")
    started = time.perf_counter()
    _refused(capsys, ["review", spec, "-o", tmp_path / "review.md"], "too-many-configurations",
             f"{spec}:{_KMS_LINE['days_left: 2 *']}:")
    assert time.perf_counter() - started < SECONDS
    assert not (tmp_path / "review.md").exists()


# -- simple paths: a budget, and no recursion ---------------------------------------------

def test_simple_paths_over_their_budget_end_with_one_message(capsys, tmp_path):
    message = _refused(capsys, ["paths", "--criterion", "simple", "--max-paths", "3", "-o", tmp_path / "s"],
                       "too-many-paths", "--max-paths:")
    assert "budget of 3" in message and "--cutoff 10" in message and "--max-paths N" in message
    assert not (tmp_path / "s").exists()
    assert main(["paths", "--criterion", "simple", "--max-paths", "6"]) == 0  # the KMS spec has exactly 6
    assert MAX_PATHS == 10_000


@pytest.mark.parametrize("screens, cutoff", [(2000, 30), (5000, 1000)])
def test_simple_paths_on_big_specs_stop_within_seconds(screens, cutoff, capsys, tmp_path):
    spec = write_synthetic_spec(str(tmp_path / f"synthetic_{screens}.yaml"), screens, 1)
    started = time.perf_counter()
    message = _refused(capsys, ["paths", spec, "--criterion", "simple", "--cutoff", cutoff], "too-many-paths")
    assert time.perf_counter() - started < SECONDS  # was MemoryError after 53 s, and RecursionError
    assert f"--cutoff {cutoff}" in message and "budget of 10,000" in message


def test_simple_paths_need_no_recursion(tmp_path):
    graph = explore_spec(synthetic_spec(str(tmp_path / "s.yaml"), 50, 1))
    expected = simple_suite(graph, 1000)
    assert max(len(p.steps) for p in expected.paths) == 49
    # Far less stack than one frame per step: a recursive search would fail here.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 30)
    try:
        again = simple_suite(graph, 1000)
    finally:
        sys.setrecursionlimit(limit)
    assert [(p.given, p.events) for p in again.paths] == [(p.given, p.events) for p in expected.paths]


# -- scenarios: total steps, and memory that does not grow faster than the run -------------

def _scenario(path: Path, steps: list[str]) -> Path:
    path.write_text("name: long\ngiven: {balance: 1000000}\nsteps:\n" + "".join(f"  - {s}\n" for s in steps)
                    + "expect: {screen: main_menu}\n")
    return path


def test_a_scenario_over_the_step_limit_is_refused_at_the_step(capsys, tmp_path):
    file = _scenario(tmp_path / "long.yaml", ["{event: day_passes, repeat: 10000}"] * 11)
    message = _refused(capsys, ["simulate", file], "too-many-steps", f"{file}:14:")  # step 11, line 14
    assert "more than 100,000 events" in message and "110,000" in message and "--max-steps N" in message


def test_the_step_limit_can_be_lowered_and_raised(capsys, tmp_path):
    file = _scenario(tmp_path / "days.yaml", ["day_passes", "{event: day_passes, repeat: 30}", "day_passes"])
    message = _refused(capsys, ["simulate", file, "--max-steps", "31"], "too-many-steps", f"{file}:6:")
    assert message.split(": error: ")[1].startswith("step 3: ") and "32 up to this step" in message
    assert main(["simulate", "-q", str(file), "--max-steps", "32"]) == 0


def test_repeat_of_one_step_is_limited(capsys, tmp_path):
    file = _scenario(tmp_path / "repeat.yaml", ["{event: day_passes, repeat: 10001}"])
    message = _refused(capsys, ["simulate", file], "bad-value", f"{file}:4:")
    assert "from 1 to 10000" in message


def _notes_cycle(times: int) -> list[str]:
    """Cancel and resume, again and again: each round adds notes to the world's history."""
    cycle = ["select_unsubscribe", "press_yes", "press_ok", "select_one_click_buy", "press_yes", "press_ok",
             "press_yes", "press_ok"]
    return ["select_additional", "select_license"] + cycle * times


def test_a_long_run_keeps_memory_proportional_to_its_length(kms_spec, tmp_path):
    """Undo used to copy the whole history at every step: memory grew with the square of a run."""
    per_step = []
    for rounds in (100, 400):
        file = _scenario(tmp_path / f"r{rounds}.yaml", _notes_cycle(rounds))
        scenario = load_scenario(str(file), kms_spec)
        tracemalloc.start()
        result = run_scenario(scenario, kms_spec)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert len(result.trace) == 2 + 8 * rounds
        per_step.append(peak / len(result.trace))
    assert per_step[1] < 1.5 * per_step[0], per_step


def test_undo_still_restores_the_history_exactly(kms_spec):
    sim = Simulator(kms_spec, {"balance": 100})
    for event in _notes_cycle(3):
        sim.fire(event)
    before = sim.history
    for event in _notes_cycle(1)[2:]:
        sim.fire(event)
    for _ in range(8):
        sim.undo()
    assert sim.history == before and sim.world["subscription"] == "active"


# -- play --lines: a step costs the same however long the session ---------------------------

def _play_lines(count: int) -> list[str]:
    """Steps with notes, a save early on, and resets undone now and then: what used to grow per step."""
    cycle = ["select_unsubscribe", "press_yes", "press_ok", "select_one_click_buy", "press_yes", "press_ok",
             "press_yes", "press_ok", "day", "top up"]
    lines = ["select_additional", "select_license", "save {}"]
    rounds = 0
    while len(lines) < count:
        lines += cycle
        rounds += 1
        if rounds % 10 == 0:
            lines += ["reset", "undo"]
    return lines[:count]


def _play(spec, lines: list[str], tmp_path: Path) -> tuple[PlaySession, float, int]:
    """Play ``lines`` as `play --lines` does; (session, CPU seconds, simulator steps fired)."""
    session = PlaySession(spec)
    fired = 0
    original = Simulator.fire

    def counting(self, event):
        nonlocal fired
        fired += 1
        return original(self, event)

    Simulator.fire = counting
    try:
        started = time.process_time()
        for line in lines:
            reply = session.handle(line.format(tmp_path / "saved.yaml"))
            if reply.changed:
                format_session(session)
                format_recent_steps(session)
        seconds = time.process_time() - started
    finally:
        Simulator.fire = original
    return session, seconds, fired


def test_play_steps_cost_the_same_late_in_a_long_session(kms_spec, tmp_path):
    short, long = _play_lines(500), _play_lines(4000)
    _, short_seconds, short_fired = _play(kms_spec, short, tmp_path)
    session, long_seconds, long_fired = _play(kms_spec, long, tmp_path)
    assert session.unsaved_steps > 3500
    # Work counted exactly: resets and their undoing no longer replay the session.
    assert long_fired / len(long) < 1.2 * short_fired / len(short)
    # Time measured loosely: it used to be over 3 times as much per line at 4,000 lines.
    assert long_seconds / len(long) < 2 * short_seconds / len(short), (short_seconds, long_seconds)


def test_unsaved_steps_follow_saves_undos_and_resets(kms_spec, tmp_path):
    session = PlaySession(kms_spec)
    script = ["select_additional", "save {}", "select_license", "undo", "undo", "select_additional",
              "select_license", "reset", "undo", "save {}", "reset", "select_additional", "undo", "undo", "undo",
              "select_license", "press_back"]
    for line in script:
        session.handle(line.format(tmp_path / "s.yaml"))
        common = 0
        for mine, saved in zip(session.steps, session.saved_steps):
            if mine != saved:
                break
            common += 1
        assert session.unsaved_steps == len(session.steps) - common, line
    assert format_recent_steps(session, 2)[-1].lstrip().startswith(f"{len(session.steps)}  ")


# -- answers that used to be silently wrong -------------------------------------------------

@pytest.mark.parametrize("bound, why", [("-5", "below the variable's min 0"), ("5", "below the start value 30")])
def test_an_impossible_bound_in_the_spec_is_a_check_error_and_the_walk_refuses_it(bound, why, capsys, tmp_path):
    spec, line = _kms_variant(tmp_path, "    days_left: 2 * period_days     #", f"    days_left: {bound}     #")
    for argv in (["check", spec], ["explore", spec, "--counterexamples", tmp_path / "cx"],
                 ["paths", spec, "-o", tmp_path / "suite"]):
        status = main([str(a) for a in argv])
        err = capsys.readouterr().err
        assert status == 2 and "Traceback" not in err
        errors = [m for m in _messages(err) if ": error: " in m]
        assert len(errors) == 1 and errors[0].startswith(f"{spec}:{line}:") and errors[0].endswith("[bad-domain]")
        assert why in errors[0]
    assert not (tmp_path / "cx").exists() and not (tmp_path / "suite").exists()


@pytest.mark.parametrize("argv, why", [
    (["--bound", "days_left=2"], "below the start value 30"),
    (["--domain", "days_left=100"], "the bound must be at least 100"),
    (["--domain", "days_left=0,30"], "with period_days=7"),  # 2 * 7 = 14 in the 7-day combination
])
def test_an_impossible_bound_on_the_command_line_is_refused(argv, why, capsys):
    message = _refused(capsys, ["explore", *argv], "bad-usage", "<command line>:")
    assert why in message and argv[1] in message


def test_a_domain_where_no_world_meets_the_constraints_is_refused(capsys):
    message = _refused(capsys, ["explore", "--domain", "days_left=0", "--domain", "subscription=active"],
                       "empty-domain")
    assert "active_license_has_days" in message


def test_domain_start_values_outside_a_variables_range_are_check_errors(capsys, tmp_path):
    spec, line = _kms_variant(tmp_path, "    balance: [0, price - 1, price, 2 * price]",
                              "    balance: [0, price - 4, price, 2 * price]")
    assert main(["check", str(spec)]) == 2
    errors = [m for m in _messages(capsys.readouterr().err) if ": error: " in m]
    assert errors and all(m.startswith(f"{spec}:{line}:") and m.endswith("[bad-domain]") for m in errors)
    assert "outside the variable's range" in errors[0]


def test_a_property_with_an_empty_check_is_a_check_error(capsys, tmp_path):
    spec, line = _kms_variant(tmp_path, "      check: {kind: deterministic}", "      check: []")
    for command in ("check", "explore"):
        status = main([command, str(spec)])
        errors = [m for m in _messages(capsys.readouterr().err) if ": error: " in m]
        assert status == 2 and len(errors) == 1
        assert errors[0].startswith(f"{spec}:{line}:") and errors[0].endswith("[bad-property]")
        assert "check: is empty" in errors[0]


def test_an_initial_world_that_breaks_the_constraints_is_a_check_error(capsys, tmp_path):
    spec, _ = _kms_variant(tmp_path, "    min: 0\n    initial: 30\n", "    min: 0\n    initial: 0\n")
    line = next(n for n, text in enumerate(spec.read_text().splitlines(), 1) if text.startswith("constraints:"))
    for argv in (["check", spec], ["explore", spec], ["play", spec, "--lines"]):
        status = main([str(a) for a in argv])
        errors = [m for m in _messages(capsys.readouterr().err) if ": error: " in m]
        assert status == 2 and len(errors) == 1, errors
        assert errors[0].startswith(f"{spec}:{line}:") and errors[0].endswith("[initial-world-invalid]")
        assert "days_left=0, subscription=active" in errors[0] and "active_license_has_days" in errors[0]
    with pytest.raises(SpecError):  # the library walk refuses it the same way
        explore_spec(load_spec(str(spec)))


def test_the_shipped_domain_still_walks(kms_spec, kms_graph):
    # The shared walk used the spec's own domain; it is the one domain_of builds, and it fits the budget.
    assert kms_graph.domain == domain_of(kms_spec)
    assert len(kms_graph.nodes) == 32004
