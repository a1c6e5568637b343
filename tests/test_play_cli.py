"""`kmsflow play` with piped input: plain-text screens, exit 0, saves that `kmsflow simulate` replays."""
from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest

from simulator.cli import build_parser, main

from .conftest import KMS_SPEC, ROOT, SPEC_DIR


def _play(monkeypatch, capsys, text: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    status = main(["play", *args])
    out, err = capsys.readouterr()
    return status, out, err


def _final_world(play_output: str) -> str:
    return re.findall(r"^World: (.*)$", play_output, re.M)[-1]


def test_play_piped_save_then_simulate_passes_with_the_same_end(tmp_path):
    lines = "select_additional\nselect_license\nselect_unsubscribe\npress_yes\nday 3\nsave s.yaml\nquit\n"
    played = subprocess.run([sys.executable, "-m", "simulator", "play", str(KMS_SPEC)], input=lines,
                            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert played.returncode == 0, played.stderr
    assert played.stderr == ""
    assert "saved 7 steps to s.yaml" in played.stdout
    replayed = subprocess.run([sys.executable, "-m", "simulator", "simulate", "s.yaml"], capture_output=True,
                              text=True, cwd=tmp_path, timeout=60)
    assert replayed.returncode == 0, replayed.stdout
    assert "1 passed, 0 failed" in replayed.stdout
    # The same final screen and world: play's last screen, simulate's PASS line.
    world = _final_world(played.stdout)
    assert world == "days_left=27 subscription=cancelled balance=10 network=up charges=0 note=cancelled"
    assert f"PASS  ends on note_cancelled: {world}" in replayed.stdout
    assert played.stdout.rstrip().endswith("> quit")


def test_play_piped_refused_input_explains_and_exits_0(monkeypatch, capsys):
    status, out, err = _play(monkeypatch, capsys, "press_yes\nday\n")
    assert status == 0 and err == ""
    assert "Refused: press_yes is not allowed on Kaspersky Mobile Security (main_menu). Nothing changed." in out
    assert "days_left=29" in _final_world(out)


def test_play_given_starts_there(monkeypatch, capsys):
    status, out, _ = _play(monkeypatch, capsys, "", "--given", "screen=license_menu", "subscription=none",
                           "days_left=0", "balance=2")
    assert status == 0
    assert "| License" in out and "One-Click Buy" in out and "Unsubscribe" not in out
    assert _final_world(out) == "days_left=0 subscription=none balance=2 network=up charges=0 note=-"


@pytest.mark.parametrize("args, message", [
    (["--given", "balance=lots"], "--given balance=lots: error: given: balance must be a whole number"),
    (["--given", "screen=nowhere"], "unknown screen 'nowhere'"),
    (["--from", "missing.yaml"], "missing.yaml"),
])
def test_play_bad_arguments_exit_2_with_one_clear_message(monkeypatch, capsys, args, message):
    status, out, err = _play(monkeypatch, capsys, "1\n", *args)
    assert status == 2
    assert message in err and "Traceback" not in err
    assert out == ""


def test_play_given_and_from_together_are_refused(monkeypatch, capsys):
    status, _, err = _play(monkeypatch, capsys, "", "--given", "balance=1", "--from",
                           str(SPEC_DIR / "scenarios" / "cancel.yaml"))
    assert status == 2 and "not allowed with argument" in err


def test_play_from_scenario_then_save_replays(monkeypatch, capsys, tmp_path):
    saved = tmp_path / "more.yaml"
    status, out, _ = _play(monkeypatch, capsys, f"1\nyes\nok\nyes\nsave {saved}\n", "--from",
                           str(SPEC_DIR / "scenarios" / "cancel.yaml"))
    assert status == 0
    assert "Steps: 5" in out.split("\n> 1\n")[0]  # the scenario's five steps are the starting point
    assert "press_yes: Resume subscription -> Subscription (resumed)" in out  # the note told apart by caption
    status, out, _ = _play(monkeypatch, capsys, "", str(KMS_SPEC))  # SPEC given explicitly works too
    assert status == 0
    assert main(["simulate", "-q", str(saved)]) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out


def test_play_help_names_the_keys_and_commands(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["play", "--help"])
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    for word in ("--given", "--from", "arrow keys", "[ and ]", "save FILE", "not a terminal"):
        assert word in out, word



def test_play_diagram_keeps_the_overview_svg_up_to_date(tmp_path):
    svg = tmp_path / "live.svg"
    lines = "select_additional\nselect_license\nselect_unsubscribe\nyes\nundo\nquit\n"
    done = subprocess.run([sys.executable, "-m", "simulator", "play", "--diagram", str(svg)], input=lines,
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    text = svg.read_text()
    # After the undo, three steps remain: each numbered once, nothing further.
    steps = re.findall(r'class="edge path step&#45;(\d+)"', text)
    assert sorted(map(int, steps)) == [1, 2, 3]
    # The current screen (Unsubscribe query) and the account state are marked where the run is now.
    final = re.findall(r'<g id="[^"]*" class="node final">\s*<title>([^<]*)</title>', text)
    assert sorted(final) == ["account.active", "screen.confirm_unsubscribe"]


def test_play_diagram_refuses_a_file_that_is_not_svg(tmp_path, capsys):
    assert main(["play", "--diagram", str(tmp_path / "live.png")]) == 2
    assert "expected a file name ending in .svg" in capsys.readouterr().err
    assert not (tmp_path / "live.png").exists()
