"""The spec a command uses when none is named comes from the project (pyproject.toml), never from the engine."""
from __future__ import annotations

import shutil

import pytest

from simulator import PlaySession, load_checked_spec
from simulator.cli import main
from simulator.spec.project import project_spec_path

from .conftest import SPEC_DIR

DOOR = SPEC_DIR / "door_keypad.yaml"


def _project(folder, text: str):
    (folder / "pyproject.toml").write_text(text, encoding="utf-8")
    return folder / "pyproject.toml"


def test_default_spec_is_the_one_the_nearest_pyproject_names(tmp_path, monkeypatch, capsys):
    shutil.copy(DOOR, tmp_path / "door.yaml")
    _project(tmp_path, '[project]\nname = "doors"\n\n[tool.kmsflow]\nspec = "door.yaml"   # ours\n')
    (tmp_path / "deep" / "er").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "deep" / "er")
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "door.yaml: 0 errors" in out and "kms9" not in out
    assert project_spec_path() == str(tmp_path / "door.yaml")  # outside the working folder: absolute
    monkeypatch.chdir(tmp_path)
    assert project_spec_path() == "door.yaml"  # inside it: relative, as messages show it


@pytest.mark.parametrize("argv", [["check"], ["explore"], ["play"], ["diagram", "-o", "out"],
                                  ["mutate", "--suite", "x"], ["simulate", "scenario.yaml"]])
def test_no_default_spec_is_one_message_saying_what_to_do(tmp_path, monkeypatch, capsys, argv):
    (tmp_path / "scenario.yaml").write_text("name: s\nsteps: []\n")  # names no spec: the default is asked for
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    assert err[0].startswith("<command line>: error: no SPEC given") and err[0].endswith("[no-spec]")
    assert '[tool.kmsflow] spec = "path/to/flow.yaml"' in err[0] and "kms" not in err[0].replace("kmsflow", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario.yaml"]  # nothing written


@pytest.mark.parametrize("text, line, col, says", [
    ('[project]\nname = "x"\n', 0, 0, "this project names no default spec"),
    ('[tool.kmsflow]\n# the flow\nspec = "nowhere.yaml"\n', 3, 1, "names 'nowhere.yaml', which is not a file"),
    ('[tool.kmsflow]\nspec = 3\n', 2, 1, "must be a path to a spec file, found 3"),
    ('[tool.kmsflow]\nspec = "a.yaml\n', 2, 15, "not valid TOML (Illegal character '\\n')"),
])
def test_a_project_that_names_no_usable_spec_is_a_located_error(tmp_path, monkeypatch, capsys, text, line, col, says):
    project = _project(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    where = f"{project}:{line}:{col}:" if line else f"{project}:"
    assert len(err) == 1 and err[0].startswith(where + " error:") and says in err[0], err


def test_play_saves_without_a_spec_line_inside_the_project_and_with_one_outside(tmp_path, tmp_path_factory):
    shutil.copy(DOOR, tmp_path / "door.yaml")
    _project(tmp_path, '[tool.kmsflow]\nspec = "door.yaml"\n')
    (tmp_path / "scenarios").mkdir()
    session = PlaySession(load_checked_spec(str(tmp_path / "door.yaml")), {})
    session.handle("enter_wrong_pin")
    assert not session.save(str(tmp_path / "scenarios" / "s.yaml")).refused
    assert "\nspec:" not in (tmp_path / "scenarios" / "s.yaml").read_text()  # replays there like its neighbours
    outside = tmp_path_factory.mktemp("elsewhere") / "s.yaml"
    assert not session.save(str(outside)).refused
    assert "\nspec: " in outside.read_text()  # no project names the spec there: the file does
