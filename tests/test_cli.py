"""The command line: help, module entry point, folder arguments, clean errors."""
import subprocess
import sys

from simulator.cli import main

from .conftest import ROOT, SPEC_DIR


def test_cli_help_lists_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "check" in out and "simulate" in out and "KMS spec" in out


def test_cli_python_dash_m_works_like_kmsflow():
    done = subprocess.run([sys.executable, "-m", "simulator", "check"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and "0 errors" in done.stdout


def test_cli_default_spec_is_used_from_any_folder(tmp_path):
    done = subprocess.run([sys.executable, "-m", "simulator", "check"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0 and "kms9_subscription.yaml" in done.stdout


def test_cli_simulate_takes_a_folder_recursively(capsys):
    assert main(["simulate", "-q", str(SPEC_DIR / "scenarios")]) == 0
    out = capsys.readouterr().out
    total = len(list((SPEC_DIR / "scenarios").rglob("*.yaml")))
    assert f"{total} passed, 0 failed" in out and "trial_runs_out" in out


def test_cli_unknown_command_and_missing_file_exit_2(capsys):
    assert main(["frobnicate"]) == 2
    assert main(["check", "no/such/spec.yaml"]) == 2
    err = capsys.readouterr().err
    assert "no/such/spec.yaml: error: no such file [file]" in err and "Traceback" not in err


def test_cli_second_spec_runs_through_the_same_engine(capsys):
    assert main(["check", str(SPEC_DIR / "trial_to_purchase.yaml")]) == 0
    assert main(["simulate", str(SPEC_DIR / "scenarios" / "trial")]) == 0
    assert "2 passed, 0 failed" in capsys.readouterr().out


def test_cli_unwritable_output_is_a_clean_error(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["review", "-o", str(blocker / "review.md")]) == 2
    assert main(["diagram", "--format", "dot", "--view", "cancel", "-o", str(blocker / "out")]) == 2
    err = capsys.readouterr().err
    assert "cannot write here" in err and "[output]" in err and "Traceback" not in err
    assert blocker.read_text() == "not a folder"
