"""`kmsflow init`: a team's first spec passes every command as written, and init never overwrites."""
from __future__ import annotations

import io
import sys

from simulator.cli import main
from simulator.spec.starter import STARTER_SPEC, starter_files


def test_the_starter_passes_every_command_as_written(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "our_flow"
    assert main(["init", str(folder)]) == 0
    out = capsys.readouterr().out
    spec = folder / STARTER_SPEC
    assert f"kmsflow check {spec}" in out and spec.read_text() == starter_files()[STARTER_SPEC]
    assert main(["check", str(spec)]) == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().out
    assert main(["simulate", str(folder / "scenarios")]) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out
    assert main(["explore", str(spec)]) == 0
    assert "2 of 2 properties hold" in capsys.readouterr().out
    assert main(["paths", str(spec), "-o", str(tmp_path / "suite")]) == 0
    assert main(["simulate", str(tmp_path / "suite")]) == 0
    assert main(["diagram", str(spec), "-o", str(tmp_path / "d"), "--format", "dot,mmd"]) == 0
    assert {p.name for p in (tmp_path / "d").iterdir()} == {"overview.dot", "overview.mmd", "buying.dot", "buying.mmd"}
    assert main(["review", str(spec), "-o", str(tmp_path / "review.md")]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("insert_coin\ninsert_coin\nselect_coffee\npress_yes\nquit\n"))
    assert main(["play", str(spec)]) == 0
    assert "Your coffee is served." in capsys.readouterr().out
    # The starter needs no Python: its guards and effects are written in the file.
    assert "rules:" not in spec.read_text()


def test_init_refuses_a_folder_that_holds_files_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("ours")
    assert main(["init", str(tmp_path)]) == 2
    assert "already holds files (nothing was written)" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
