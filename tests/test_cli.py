"""The command line: help, module entry point, folder arguments, clean errors."""
import subprocess
import sys

from simulator.cli import main

from .conftest import ROOT, SPEC_DIR


def test_cli_help_lists_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "check" in out and "simulate" in out and "[tool.kmsflow] spec" in out


def test_cli_python_dash_m_works_like_kmsflow():
    done = subprocess.run([sys.executable, "-m", "simulator", "check"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and "0 errors" in done.stdout


def test_cli_default_spec_is_the_projects_from_any_folder_inside_it():
    # pyproject.toml's [tool.kmsflow] spec, found from a folder below it (tests/test_default_spec.py: elsewhere).
    done = subprocess.run([sys.executable, "-m", "simulator", "check"], cwd=ROOT / "spec" / "scenarios",
                          capture_output=True, text=True)
    assert done.returncode == 0 and "kms9_subscription.yaml: 0 errors" in done.stdout


def test_cli_simulate_takes_a_folder_recursively(capsys):
    assert main(["simulate", "-q", str(SPEC_DIR / "scenarios")]) == 0
    out = capsys.readouterr().out
    total = len(list((SPEC_DIR / "scenarios").rglob("*.yaml")))
    assert f"{total} passed, 0 failed" in out and "trial_runs_out" in out


def test_cli_unknown_command_and_missing_file_exit_2(capsys):
    assert main(["frobnicate"]) == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err
    assert main(["check", "no/such/spec.yaml"]) == 2
    output = capsys.readouterr()  # problems on standard error, as every command's; the summary on standard output
    assert "no/such/spec.yaml: error: no such file [file]" in output.err and "Traceback" not in output.err
    assert "no/such/spec.yaml: 1 error (the file could not be read as a spec)" in output.out


def test_cli_second_spec_runs_through_the_same_engine(capsys):
    assert main(["check", str(SPEC_DIR / "trial_to_purchase.yaml")]) == 0
    assert main(["simulate", str(SPEC_DIR / "scenarios" / "trial")]) == 0
    assert "2 passed, 0 failed" in capsys.readouterr().out


def test_cli_a_spec_given_as_a_scenario_gets_one_clear_message(capsys):
    assert main(["simulate", str(SPEC_DIR / "kms9_subscription.yaml")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "this is a spec file, not a scenario" in err[0] and "[not-a-scenario]" in err[0]


def test_cli_unwritable_output_is_a_clean_error(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["review", "-o", str(blocker / "review.md")]) == 2
    assert main(["diagram", "--format", "dot", "--view", "cancel", "-o", str(blocker / "out")]) == 2
    err = capsys.readouterr().err
    assert "cannot write here" in err and "[output]" in err and "Traceback" not in err
    assert blocker.read_text() == "not a folder"


def test_cli_output_through_a_symlink_keeps_the_link(tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert main(["review", "-o", str(link)]) == 0
    assert link.is_symlink() and real.read_text().startswith("# Review:")
    assert real.stat().st_mode & 0o777 == 0o600  # an existing file keeps its permissions


def test_cli_svg_without_graphviz_is_a_clean_error(tmp_path):
    import os
    env = {**os.environ, "PATH": os.path.dirname(sys.executable)}  # no `dot` on this PATH
    done = subprocess.run([sys.executable, "-m", "simulator", "diagram", "--view", "cancel", "-o", str(tmp_path / "d")],
                          cwd=ROOT, capture_output=True, text=True, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "needs Graphviz's dot, which is not installed" in done.stderr and "[graphviz-missing]" in done.stderr
    assert not (tmp_path / "d").exists()


def test_cli_deeply_nested_coverage_json_is_a_clean_error(tmp_path, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text("[\n" * 100_000 + "]\n" * 100_000)  # short lines: within the line limit
    assert main(["diagram", "--format", "dot", "-o", str(tmp_path / "d"), "--coverage", str(deep)]) == 2
    assert "nested too deeply" in capsys.readouterr().err


def test_cli_paths_export_leaves_no_file_of_an_earlier_longer_suite(tmp_path):
    out = tmp_path / "suite"
    assert main(["paths", "--criterion", "screens", "--format", "scenarios", "-o", str(out)]) == 0
    before = sorted(p.name for p in out.glob("screens_*.yaml"))
    assert main(["paths", "--criterion", "screens", "--format", "scenarios", "-o", str(out),
                 "--domain", "days_left=7", "--domain", "subscription=active"]) == 0  # within both periods' bounds
    after = sorted(p.name for p in out.glob("screens_*.yaml"))
    assert len(after) < len(before) and after == before[:len(after)]
