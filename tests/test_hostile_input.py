"""Hostile input (issue 10): every bad input ends in exit 2 with one located message, never a traceback.

By class, at least three cases each: special files and size limits on everything kmsflow reads, YAML
scalars with explicit tags, YAML 1.2 numbers, numbers beyond 18 digits, expressions too long or too
deep, world names that would hide the world's own attributes, control characters in names and texts,
Graphviz refusing a diagram, Ctrl-C (SIGINT through real processes), standard streams full or closed,
and the pytest plugin's coverage file written to a place that cannot take it.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import graphviz
import pytest

from simulator.cli import main
from simulator.errors import KmsflowError
from simulator.runtime.world import World, make_world
from simulator.spec import yamlsafe
from simulator.spec.check import RESERVED_NAMES, WORLD_ATTRIBUTES
from simulator.spec.expr import Condition, evaluate_value
from simulator.spec.synthetic import write_synthetic_spec
from simulator.spec.yamlsafe import load_yaml_text

from .conftest import KMS_SPEC, ROOT, SPEC_DIR

pytest_plugins = ["pytester"]

KMS_TEXT = KMS_SPEC.read_text(encoding="utf-8")
HUGE = "9" * 5000  # beyond Python's 4,300-digit limit on reading and printing an int
CANCEL = SPEC_DIR / "scenarios" / "cancel.yaml"


def _kms_variant(tmp_path: Path, old: str, new: str, name: str = "variant.yaml") -> Path:
    assert old in KMS_TEXT, old
    path = tmp_path / name
    path.write_text(KMS_TEXT.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def _refused(capsys, argv: list[str], *, code: str | None = None, where: str | None = None) -> list[str]:
    """Run ``kmsflow argv`` in this process: exit 2, error lines only, no traceback; return the error lines."""
    status = main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert status == 2, err
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert errors and "Traceback" not in err, err
    if code:
        assert any(line.endswith(f"[{code}]") for line in errors), err
    if where:
        assert any(line.startswith(where) for line in errors), err
    return errors


def _kmsflow(*args, timeout: float = 60, input: str | None = None, **popen) -> subprocess.CompletedProcess:
    """``python -m simulator args`` in a real process, which must end within ``timeout`` (no hanging).

    Its output is decoded as it is, so a progress line's carriage returns stay what they are.
    """
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **popen}
    done = subprocess.run([sys.executable, "-m", "simulator", *map(str, args)], cwd=ROOT, timeout=timeout,
                          input=None if input is None else input.encode(), **streams)
    for name in ("stdout", "stderr"):
        setattr(done, name, (getattr(done, name) or b"").decode("utf-8", "replace"))
    return done


def _last_line(stderr: str) -> str:
    """What a terminal shows last: progress lines are rewritten in place ("\r...\x1b[K") and then erased."""
    return stderr.rsplit("\r", 1)[-1].replace("\x1b[K", "")


# -- special files: refused before they are opened for reading --------------------------------------------------

def test_a_fifo_as_the_spec_is_refused_at_once(tmp_path):
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    done = _kmsflow("check", fifo, timeout=30)  # would block for ever if the FIFO were opened
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{fifo}: error: is a FIFO (named pipe)" in done.stderr


def test_a_fifo_inside_a_scenario_folder_is_refused_and_nothing_runs(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "a_cancel.yaml").write_text(CANCEL.read_text())
    os.mkfifo(folder / "b_pipe.yaml")
    done = _kmsflow("simulate", folder, timeout=30)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (f"{folder / 'b_pipe.yaml'}: error: is a FIFO (named pipe), expected a YAML "
                                   "file; kmsflow reads only regular files [file]")
    assert "passed" not in done.stdout  # every file is checked before any runs


def test_a_fifo_as_a_coverage_file_or_a_starting_scenario_is_refused(tmp_path):
    fifo = tmp_path / "coverage.json"
    os.mkfifo(fifo)
    done = _kmsflow("diagram", "-o", tmp_path / "out", "--format", "dot", "--coverage", fifo, timeout=30)
    assert done.returncode == 2 and f"{fifo}: error: is a FIFO" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
    fifo_scenario = tmp_path / "start.yaml"
    os.mkfifo(fifo_scenario)
    done = _kmsflow("play", "--from", fifo_scenario, timeout=30, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and f"{fifo_scenario}: error: is a FIFO" in done.stderr


@pytest.mark.parametrize("path, kind", [("/dev/zero", "is a character device"), ("/proc/self/status", "is under /proc"),
                                        ("/sys/kernel", "is a directory"), (".", "is a directory")])
def test_devices_proc_files_and_folders_are_refused_as_specs(capsys, path, kind):
    (error,) = _refused(capsys, ["check", path], code="file")
    assert error.startswith(f"{path}: error: {kind}")


# -- size and line limits, checked while reading ----------------------------------------------------------------

def test_a_file_over_the_size_limit_is_refused_with_how_to_raise_it(tmp_path, capsys, monkeypatch):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# padding\n" * 220_000)  # 2.1 MiB of short lines
    monkeypatch.setenv("KMSFLOW_MAX_FILE_MB", "2")
    (error,) = _refused(capsys, ["check", big], code="input-limit")
    assert "larger than 2 MiB" in error and "KMSFLOW_MAX_FILE_MB" in error
    monkeypatch.setenv("KMSFLOW_MAX_FILE_MB", "3")  # raised: read, and then found to be empty
    (error,) = _refused(capsys, ["check", big], code="empty")


def test_a_line_over_the_limit_is_refused_at_its_line(tmp_path, capsys, monkeypatch):
    long_line = _kms_variant(tmp_path, 'title: "', 'title: "' + "x" * 70_000 + " ")
    line = _line_of(long_line, "x" * 100)
    (error,) = _refused(capsys, ["check", long_line], code="input-limit", where=f"{long_line}:{line}:1:")
    assert "KMSFLOW_MAX_LINE_BYTES" in error
    monkeypatch.setenv("KMSFLOW_MAX_LINE_BYTES", "100000")
    assert main(["check", str(long_line)]) == 0
    monkeypatch.setenv("KMSFLOW_MAX_LINE_BYTES", "lots")
    (error,) = _refused(capsys, ["check", long_line], code="bad-environment")


def test_an_endless_run_of_zeros_stops_at_the_line_limit(tmp_path, capsys):
    zeros = tmp_path / "zeros.yaml"
    zeros.write_bytes(bytes(3_000_000))  # NUL bytes, no line break: like /dev/zero copied to a file
    started = time.monotonic()
    _refused(capsys, ["check", zeros], code="input-limit", where=f"{zeros}:1:1:")
    assert time.monotonic() - started < 5


def test_the_alias_limit_counts_values_made_by_aliases_only(monkeypatch):
    monkeypatch.setattr(yamlsafe, "MAX_ALIAS_VALUES", 100)
    plain = "items:\n" + "".join(f"  - {{n: {i}, name: item{i}}}\n" for i in range(1000))  # 3,000 values
    assert len(load_yaml_text(plain, "plain.yaml")["items"]) == 1000
    few = "a: &a [1, 2, 3]\nb: [*a, *a]\n"  # 8 values repeated: within the limit
    assert load_yaml_text(few, "few.yaml")["b"] == [[1, 2, 3], [1, 2, 3]]
    bomb = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b]\n"
    with pytest.raises(KmsflowError) as caught:
        load_yaml_text(bomb, "bomb.yaml")
    (problem,) = caught.value.problems
    assert problem.code == "yaml-size" and "aliases repeat more than 100" in problem.message
    assert problem.loc.line == 2  # an alias is its anchor's node: the place named is the collection repeated


def test_a_big_spec_without_aliases_is_not_taken_for_an_alias_bomb(tmp_path, monkeypatch):
    # Before, every value counted: a 100,000-screen spec was "more than 2000000 values after expanding aliases".
    monkeypatch.setattr(yamlsafe, "MAX_ALIAS_VALUES", 10)
    spec = write_synthetic_spec(str(tmp_path / "big.yaml"), 3000)
    assert len(yamlsafe.load_yaml_file(spec)["screens"]) == 3000


# -- YAML: explicit tags and YAML 1.2 numbers --------------------------------------------------------------------

@pytest.mark.parametrize("scalar, message", [
    ('!!int "abc"', "'abc' is not a whole number"), ('!!float "abc"', "'abc' is not a number"),
    ("!!bool maybe", "'maybe' is not a boolean"), ("!!null x", "'x' is not null"), ("!!int 1.5", "not a whole")])
def test_tagged_scalars_that_are_not_what_their_tag_says_are_located(scalar, message):
    with pytest.raises(KmsflowError) as caught:
        load_yaml_text(f"a: 1\nb: {scalar}\n", "f.yaml")
    (problem,) = caught.value.problems
    assert (problem.loc.line, problem.loc.col, problem.code) == (2, 4, "yaml-value") and message in problem.message


def test_a_tagged_scalar_in_a_spec_is_reported_by_check(tmp_path, capsys):
    spec = _kms_variant(tmp_path, "price: {default: 3,", 'price: {default: !!int "three",')
    _refused(capsys, ["check", spec], code="yaml-value", where=f"{spec}:{_line_of(spec, 'three')}:")


@pytest.mark.parametrize("text, value", [
    ("1:30", "1:30"), ("010", 10), ("0o10", 8), ("0x1F", 31), ("+12", 12), ("-0", 0), ("1_000", "1_000"),
    ("0b101", "0b101"), ("2012-07-31", "2012-07-31"), ("1e3", 1000.0), ("1.", 1.0), (".5", 0.5),
    ("-.inf", float("-inf")), ("True", True), ("yes", "yes"), ("~", None), ("Null", None)])
def test_plain_scalars_are_read_by_the_yaml_1_2_core_schema(text, value):
    assert load_yaml_text(f"a: {text}\n", "f.yaml") == {"a": value}


def test_yaml_1_2_numbers_reach_scenarios_and_specs(tmp_path, kms_spec):
    from simulator.runtime.scenario import load_scenario
    scenario = tmp_path / "octal.yaml"
    scenario.write_text("name: ten not eight\ngiven: {days_left: 010, balance: 0x0A}\nsteps: [select_additional]\n"
                        "expect: {days_left: 10, balance: 10}\n")
    assert load_scenario(str(scenario), kms_spec).given == {"days_left": 10, "balance": 10}
    assert evaluate_value("010", {}) == 10  # a domain value written as text reads the same way


# -- numbers beyond 18 digits --------------------------------------------------------------------------------

def test_a_huge_number_in_a_spec_or_a_scenario_is_out_of_range_at_its_line(tmp_path, capsys):
    spec = _kms_variant(tmp_path, "price: {default: 3,", f"price: {{default: {HUGE},")
    (error,) = _refused(capsys, ["check", spec], code="yaml-value", where=f"{spec}:{_line_of(spec, HUGE)}:")
    assert "out of range: whole numbers have at most 18 digits" in error and len(error) < 300
    scenario = tmp_path / "huge.yaml"
    scenario.write_text("name: huge\ngiven: {balance: 1234567890123456789}\nsteps: []\nexpect: {}\n")
    _refused(capsys, ["simulate", scenario], code="yaml-value", where=f"{scenario}:2:")


def test_huge_numbers_on_the_command_line_are_refused(capsys):
    (error,) = _refused(capsys, ["explore", "--bound", f"balance={HUGE}"], code="bad-usage")
    assert "at most 18 digits" in error
    _refused(capsys, ["explore", "--domain", f"balance=1,{HUGE}"], code="bad-usage")
    (error,) = _refused(capsys, ["play", "--given", f"balance={HUGE}"], code="bad-value")
    assert "at most 18 digits" in error


def test_huge_numbers_typed_in_play_are_refused_inputs(tmp_path):
    done = _kmsflow("play", input=f"day {HUGE}\n{HUGE}\nday \u00b2\n")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert done.stdout.count("Refused:") == 3


def test_a_huge_count_in_a_coverage_file_is_refused(tmp_path, capsys):
    record = tmp_path / "coverage.json"
    record.write_text('{"format": "kmsflow-coverage/1", "spec": "kms9_subscription", "traces": ' + HUGE + "}")
    _refused(capsys, ["diagram", "-o", tmp_path / "out", "--format", "dot", "--coverage", record],
             code="bad-coverage", where=str(record))


# -- expressions: too long, too deep, out of range --------------------------------------------------------------

@pytest.mark.parametrize("value", [" + ".join(["price"] * 100_000), "(" * 1000 + "price" + ")" * 1000,
                                   " * ".join(["price"] * 60), "999999999999999999 * price"])
def test_hostile_domain_expressions_are_located_errors(tmp_path, capsys, value):
    spec = _kms_variant(tmp_path, "balance: [0, price - 1, price, 2 * price]", f'balance: [0, "{value}"]')
    started = time.monotonic()
    _refused(capsys, ["explore", spec], where=f"{spec}:{_line_of(spec, 'balance: [0, ')}:")
    assert time.monotonic() - started < 20


def test_expression_limits_in_values_and_conditions():
    with pytest.raises(ValueError, match="characters long"):
        evaluate_value("price + " * 200 + "1", {"price": 3})
    with pytest.raises(ValueError, match="nests deeper"):
        Condition("balance < " + " + ".join(["price"] * 60), {"balance", "price"})
    with pytest.raises(ValueError, match="cannot read"):
        Condition("balance <\x00 price", {"balance", "price"})
    assert Condition("balance < price + price", {"balance", "price"}).holds({"balance": 5, "price": 3})


# -- world names that would hide the world's own attributes ---------------------------------------------------

def test_every_attribute_of_the_world_is_a_refused_name(kms_spec):
    world = make_world(kms_spec)
    attributes = set(dir(World)) | set(vars(world))
    from simulator.walk.explore import _walk_world_class  # the walk's own world, and the guards' views of both
    from simulator.runtime.compiled import guard_view
    attributes |= set(dir(_walk_world_class())) | set(dir(guard_view(("balance",))))
    own = set(kms_spec.variables) | set(kms_spec.parameters)
    uncovered = {name for name in attributes - own if not name.startswith("_")} - WORLD_ATTRIBUTES - RESERVED_NAMES
    assert not uncovered, f"add {sorted(uncovered)} to simulator.spec.check.WORLD_ATTRIBUTES"


@pytest.mark.parametrize("name", ["variables", "record", "snapshot", "parameters", "variable_names", "restore",
                                  "show_note", "__class__", "__dict__", "_variable_names", "note", "history"])
def test_world_names_that_collide_with_the_world_are_refused_by_check(tmp_path, capsys, name):
    spec = _kms_variant(tmp_path, "world:\n", f"world:\n  {name}: {{type: int, min: 0, initial: 0}}\n")
    _refused(capsys, ["check", spec], code="reserved-name", where=f"{spec}:{_line_of(spec, name + ': {type')}:3:")


@pytest.mark.parametrize("command", [["explore"], ["play", "--given", "balance=1"]])
def test_a_colliding_name_stops_explore_and_play_before_they_run(tmp_path, capsys, command):
    spec = _kms_variant(tmp_path, "  price: {default: 3,", "  snapshot: {default: 1}\n  price: {default: 3,")
    _refused(capsys, [command[0], spec, *command[1:]], code="reserved-name")


# -- control characters in names and texts ---------------------------------------------------------------------

@pytest.mark.parametrize("old, new", [
    ('title: "Kaspersky', 'title: "Kas\\0persky'),          # NUL in the spec's title
    ("- name: main_menu", '- name: "main\\x01menu"'),        # a control character in a screen name
    ("select_additional: {kind: user", 'select_additional: {kind: user, doc: "A\\x7f"'),  # DEL in a text
    ("  days_left:\n", '  "days\\x1bleft":\n')])              # an escape character in a variable name
def test_control_characters_in_names_and_texts_are_refused_by_check(tmp_path, capsys, old, new):
    spec = _kms_variant(tmp_path, old, new)
    errors = [e for e in _refused(capsys, ["check", spec]) if e.endswith("[control-character]")]
    assert len(errors) == 1 and errors[0].startswith(f"{spec}:{_line_of(spec, new.strip().split(chr(10))[0])}:")


def test_line_breaks_and_tabs_in_texts_are_fine(tmp_path, capsys):
    spec = _kms_variant(tmp_path, 'title: "Kaspersky', 'title: "Line one\\n\\tKaspersky')
    assert main(["check", str(spec)]) == 0, capsys.readouterr().err


# -- Graphviz refusing the DOT ---------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [["--format", "svg"], ["--format", "png", "--view", "cancel"],
                                  ["--format", "dot,svg", "--highlight", str(CANCEL)]])
def test_graphviz_refusing_a_diagram_is_one_located_message(tmp_path, capsys, monkeypatch, argv):
    def refuse(*args, **kwargs):
        raise graphviz.CalledProcessError(1, ["dot"], output=b"", stderr=b"Warning: something\n"
                                          b"Error: <stdin>: syntax error in line 3 scanning a quoted string\n")
    monkeypatch.setattr(graphviz, "pipe", refuse)
    (error,) = _refused(capsys, ["diagram", "-o", tmp_path / "out", *argv])
    assert "Graphviz" in error
    assert not (tmp_path / "out").exists()


# -- Ctrl-C: every command ends with 130, one line, its outputs as they were -----------------------------------

@pytest.fixture(scope="module")
def big_specs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("big")
    return {n: Path(write_synthetic_spec(str(folder / f"synthetic_{n}.yaml"), n)) for n in (2000, 10000, 30000)}


@pytest.mark.parametrize("command, size, writes", [
    (["explore", "{spec}", "--counterexamples", "{out}"], 2000, True),
    (["paths", "{spec}", "--criterion", "transitions", "--format", "csv", "-o", "{out}"], 2000, True),
    (["diagram", "{spec}", "-o", "{out}", "--format", "dot,svg"], 2000, True),
    (["review", "{spec}", "-o", "{out}/review.md"], 10000, True),  # 2,000 screens are reviewed in about 2 s
    # check reads 10,000 screens in about 1.5 s now, 30,000 in about 5 s: still at work after 2 s.
    (["check", "{spec}"], 30000, False),
])
def test_sigint_ends_every_command_with_130_and_one_line(tmp_path, big_specs, command, size, writes):
    out = tmp_path / "out"
    argv = [part.format(spec=big_specs[size], out=out) for part in command]
    # SIGINT as a terminal delivers it: a test run started in the background (`cmd &`) ignores SIGINT, and its
    # children would inherit that and never see Ctrl-C.
    process = subprocess.Popen([sys.executable, "-m", "simulator", *argv], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(2.0)  # loading a spec of this size alone takes longer, so the command is at work
    assert process.poll() is None, "the command ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    stderr = process.communicate(timeout=60)[1].decode()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and stderr.count("\n") == 1 and _last_line(stderr) == "kmsflow: interrupted\n"
    if writes:
        assert not out.exists() or not any(out.iterdir())


# -- standard streams full or closed ---------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["check", "--trace"], ["simulate", SPEC_DIR / "scenarios"], ["--help"]])
def test_a_full_standard_output_is_one_message(args):
    with open("/dev/full", "w") as full:
        done = _kmsflow(*args, stdout=full)
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert _last_line(done.stderr) == "<standard output>: error: cannot write: No space left on device [output]\n"


def test_a_closed_standard_output_is_refused_before_anything_runs(tmp_path):
    for args in (["check"], ["diagram", "-o", tmp_path / "out", "--format", "dot"], ["simulate", CANCEL]):
        done = _kmsflow(*args, stdout=None, pass_fds=(), preexec_fn=lambda: os.close(1))
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert done.stderr.startswith("<standard output>: error: it is closed") and done.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_a_closed_standard_error_leaves_the_exit_status_as_the_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("spec: [\n")
    script = (f"import os, subprocess, sys; os.close(2); "
              f"sys.exit(subprocess.call([sys.executable, '-m', 'simulator', 'check', {str(bad)!r}]))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "could not be read as a spec" in done.stdout
    good = subprocess.run([sys.executable, "-c", script.replace(repr(str(bad)), repr(str(KMS_SPEC)))], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert good.returncode == 0 and "0 errors" in good.stdout


def test_a_closed_standard_input_is_refused_by_play_and_ignored_by_the_others():
    done = _kmsflow("play", stdin=None, preexec_fn=lambda: os.close(0))
    assert done.returncode == 2 and done.stderr.startswith("<standard input>: error: it is closed")
    done = _kmsflow("simulate", CANCEL, preexec_fn=lambda: os.close(0))
    assert done.returncode == 0 and "1 passed" in done.stdout


def test_a_reader_that_goes_away_ends_the_output_quietly():
    done = subprocess.run(f"{sys.executable} -m simulator check --trace | head -c 10", shell=True, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.stderr == "" and len(done.stdout) == 10


# -- the pytest plugin's coverage file -------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["{tmp}", "{tmp}/file.txt/coverage.json", "/proc/self/coverage.json"])
def test_an_unwritable_coverage_path_is_a_pytest_usage_error(pytester, where):
    (pytester.path / "file.txt").write_text("a file, not a folder")
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    target = where.format(tmp=pytester.path)
    result = pytester.runpytest(f"--kmsflow-coverage={target}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: --kmsflow-coverage={target}: *"])
    assert "Traceback" not in result.stderr.str() + result.stdout.str()
