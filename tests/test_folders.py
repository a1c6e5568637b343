"""Folders written whole: an export or a diagram set is the old set or the new one, never a mix.

`paths -o DIR`, `diagram -o DIR` and `explore --counterexamples DIR` build the new set in a
temporary folder beside DIR and swap it in at the end (simulator.output.write_folder). Checked
here with real processes: killed (SIGKILL, SIGTERM) while writing, run five at a time on one
folder, stopped by a full disk (a file-size limit); then what the folder holds, what the next
run cleans up, and what the user put in the folder, which stays. And in play, a live diagram
that cannot be written is said and the session goes on.
"""
from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator import PlaySession
from simulator.draw.views import load_views
from simulator.output import _temp_stem, write_folder
from simulator.play.live_diagram import LiveDiagram

from .conftest import KMS_SPEC, SPEC_DIR

TRIAL = str(SPEC_DIR / "trial_to_purchase.yaml")
KMSFLOW = [sys.executable, "-m", "simulator"]


def _kmsflow(*args: str, cwd=None, **options) -> subprocess.CompletedProcess:
    return subprocess.run([*KMSFLOW, *args], capture_output=True, text=True, timeout=300, cwd=cwd, **options)


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (relative name -> bytes); folders as '/' entries."""
    out = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        out[name + ("/" if path.is_dir() and not path.is_symlink() else "")] = (
            b"" if path.is_dir() else os.readlink(path).encode() if path.is_symlink() else path.read_bytes())
    return out


def _leftovers(folder: Path) -> list[str]:
    """kmsflow's temporaries beside ``folder`` and inside it."""
    beside = [p.name for p in folder.parent.iterdir() if p.name.startswith(_temp_stem(str(folder.resolve())))]
    inside = [p.name for p in folder.rglob(".tmp-*")] if folder.is_dir() else []
    return beside + inside


# -- what a run keeps, replaces and removes ----------------------------------------------

def test_paths_replaces_its_suite_removes_stale_paths_and_keeps_the_users_files(tmp_path):
    out = tmp_path / "suite"
    assert _kmsflow("paths", "--criterion", "transitions", "-o", str(out)).returncode == 0
    written = sorted(p.name for p in out.glob("transitions_*.yaml"))
    # An earlier, longer suite of the same criterion, the user's own files, a half-written leftover.
    (out / "transitions_099.yaml").write_text("stale: a path of an earlier suite\n")
    (out / "README.txt").write_text("my notes\n")
    (out / "mine").mkdir()
    (out / "mine" / "hand_written.yaml").write_text((SPEC_DIR / "scenarios" / "cancel.yaml").read_text())
    (out / "mine" / "link").symlink_to("../README.txt")
    (out / ".tmp-transitions_001.yaml.x1y2").write_text("name: [half written\n")
    os.chmod(out / "README.txt", 0o600)
    done = _kmsflow("paths", "--criterion", "transitions", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.glob("transitions_*.yaml")) == written
    assert (out / "README.txt").read_text() == "my notes\n" and (out / "README.txt").stat().st_mode & 0o777 == 0o600
    assert (out / "mine" / "hand_written.yaml").is_file() and os.readlink(out / "mine" / "link") == "../README.txt"
    assert _leftovers(out) == []
    assert _kmsflow("simulate", "-q", str(out)).returncode == 0


def test_diagram_keeps_other_views_and_overlays_in_the_folder(tmp_path):
    out = tmp_path / "d"
    assert _kmsflow("diagram", "-o", str(out), "--format", "dot", "--view", "cancel").returncode == 0
    scenario = str(SPEC_DIR / "scenarios" / "cancel.yaml")
    assert _kmsflow("diagram", "-o", str(out), "--format", "mmd", "--highlight", scenario).returncode == 0
    assert _kmsflow("diagram", "-o", str(out), "--format", "dot", "--view", "overview").returncode == 0
    names = sorted(p.name for p in out.iterdir())
    assert "cancel.dot" in names and "overview.dot" in names and "cancel.path-cancel.mmd" in names


def test_counterexamples_of_properties_that_hold_now_are_removed(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("""spec: small
title: "Small"
rules: synthetic
home: a
world:
  level: {type: int, min: 0, max: 3, initial: 1, doc: "A number."}
  mode: {type: enum, values: [a, b], initial: a, doc: "A switch."}
assumptions:
  - {id: S1, title: t, decision: d, alternative: a, why: w}
screens:
  - {name: a, kind: menu, initial: true, title: "A"}
  - {name: b, kind: menu, title: "B"}
transitions:
  - {trigger: go, source: a, dest: b, after: reset_level, assumption: S1}
  - {trigger: back, source: b, dest: a, assumption: S1}
events:
  go: {kind: user, label: "Go"}
  back: {kind: user, label: "Back"}
effects:
  reset_level: "Back to 0."
domain: {initial: {level: [1], mode: [a]}}
properties:
  must_hold:
    - {name: positive, text: "Level at least 1.", check: {kind: never_below, values: {level: 1}}}
    - {name: held, text: "Level at least 0.", check: {kind: never_below, values: {level: 0}}}
""")
    out = tmp_path / "cx"
    out.mkdir()
    (out / "held.yaml").write_text("a counterexample of an earlier run, when 'held' failed\n")
    (out / "notes.md").write_text("mine\n")
    done = _kmsflow("explore", str(spec), "--counterexamples", str(out))
    assert done.returncode == 1, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.md", "positive.yaml"]
    assert _kmsflow("simulate", str(out / "positive.yaml")).returncode == 0


def test_simulate_dir_skips_hidden_leftovers(tmp_path):
    out = tmp_path / "s"
    out.mkdir()
    (out / "cancel.yaml").write_text((SPEC_DIR / "scenarios" / "cancel.yaml").read_text())
    (out / ".tmp-cancel.yaml.abcd").write_text("name: [half")
    (out / ".tmp-x.yaml").write_text("steps: {")
    (out / ".hidden").mkdir()
    (out / ".hidden" / "broken.yaml").write_text(": :")
    done = _kmsflow("simulate", "-q", str(out))
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr


def test_a_folder_that_is_a_symbolic_link_stays_one(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "keep.txt").write_text("kept")
    link = tmp_path / "link"
    link.symlink_to(real)
    assert write_folder(str(link), {"a.txt": "A"}) == [str(link / "a.txt")]
    assert link.is_symlink() and (real / "a.txt").read_text() == "A" and (real / "keep.txt").read_text() == "kept"


def test_a_file_where_the_folder_should_be_is_bad_input(tmp_path):
    target = tmp_path / "out"
    target.write_text("a file")
    done = _kmsflow("diagram", "-o", str(target), "--format", "dot")
    assert done.returncode == 2 and "not a folder" in done.stderr and "Traceback" not in done.stderr
    assert target.read_text() == "a file"


# -- folders that cannot be swapped: written in place, file by file -----------------------

def test_the_current_folder_is_written_in_place(tmp_path):
    (tmp_path / "mine.txt").write_text("mine")
    before = tmp_path.stat().st_ino
    done = _kmsflow("diagram", str(KMS_SPEC), "-o", ".", "--format", "dot", "--view", "cancel", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert tmp_path.stat().st_ino == before  # not swapped: a shell in it would be left in a deleted folder
    assert (tmp_path / "cancel.dot").is_file() and (tmp_path / "mine.txt").read_text() == "mine"


def test_a_folder_holding_a_fifo_is_written_in_place_and_the_fifo_kept(tmp_path):
    out = tmp_path / "d"
    out.mkdir()
    os.mkfifo(out / "pipe")
    (out / "transitions_050.yaml").write_text("stale")
    files = write_folder(str(out), {"transitions_001.yaml": "x: 1\n"}, lambda n: n.startswith("transitions_"))
    assert files == [str(out / "transitions_001.yaml")]
    assert sorted(p.name for p in out.iterdir()) == ["pipe", "transitions_001.yaml"]


def test_a_folder_with_more_entries_than_a_swap_carries_is_written_in_place(tmp_path, monkeypatch):
    import simulator.output as output

    monkeypatch.setattr(output, "MAX_CARRIED", 3)
    out = tmp_path / "d"
    out.mkdir()
    for index in range(5):
        (out / f"user{index}.txt").write_text(str(index))
    before = out.stat().st_ino
    write_folder(str(out), {"a.txt": "A"})
    assert out.stat().st_ino == before and len(list(out.iterdir())) == 6 and _leftovers(out) == []


# -- interrupted runs -------------------------------------------------------------------

def test_a_killed_run_leaves_temporaries_that_the_next_run_removes(tmp_path):
    out = tmp_path / "d"
    write_folder(str(out), {"a.txt": "old"})
    stem = _temp_stem(str(out.resolve()))
    (tmp_path / f"{stem}new-abc123").mkdir()
    (tmp_path / f"{stem}new-abc123" / "a.txt").write_text("half")
    (out / ".tmp-a.txt.q1w2").write_text("half")
    write_folder(str(out), {"a.txt": "new"})
    assert (out / "a.txt").read_text() == "new"
    assert _leftovers(out) == []


def test_a_swap_cut_between_its_two_renames_is_completed_by_the_next_run(tmp_path, monkeypatch):
    import simulator.output as output

    out = tmp_path / "d"
    write_folder(str(out), {"a.txt": "old", "b.txt": "old"})
    # Where the system has no atomic exchange, the swap is two renames; a kill between them leaves
    # no folder, the old set under a temporary name and the new one under another.
    stem = _temp_stem(str(out.resolve()))
    os.rename(out, tmp_path / f"{stem}old-zz")
    (tmp_path / f"{stem}new-yy").mkdir()
    (tmp_path / f"{stem}new-yy" / "a.txt").write_text("new")
    monkeypatch.setattr(output, "_renameat2", lambda: None)
    write_folder(str(out), {"a.txt": "newer"})
    assert _snapshot(out) == {"a.txt": b"newer", "b.txt": b"old"}
    assert _leftovers(out) == []


def test_the_two_rename_swap_writes_the_same_set(tmp_path, monkeypatch):
    import simulator.output as output

    monkeypatch.setattr(output, "_renameat2", lambda: None)
    out = tmp_path / "d"
    write_folder(str(out), {"a.txt": "1", "b.txt": "1"}, lambda n: n.endswith(".txt"))
    write_folder(str(out), {"a.txt": "2"}, lambda n: n.endswith(".txt"))
    assert _snapshot(out) == {"a.txt": b"2"} and _leftovers(out) == []


def _kill_while_writing(args: list[str], out: Path, sig: int, cwd: Path) -> bool:
    """Start ``kmsflow ARGS``, send ``sig`` the moment its temporary folder appears; True if it was there."""
    stem = _temp_stem(str(out.resolve()))
    earlier = set(os.listdir(out.parent))  # what an earlier killed run left does not count
    child = subprocess.Popen([*KMSFLOW, *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = False
    deadline = time.monotonic() + 120
    while child.poll() is None and time.monotonic() < deadline:
        if any(name.startswith(stem) and name not in earlier for name in os.listdir(out.parent)):
            child.send_signal(sig)
            seen = True
            break
    child.wait(timeout=60)
    err = child.stderr.read().decode("utf-8", "replace")
    child.stderr.close()
    assert "Traceback" not in err, err
    return seen


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_diagram_killed_while_writing_leaves_the_old_set_or_the_new_one(tmp_path, sig):
    reference, out = tmp_path / "reference", tmp_path / "d"
    args = ["diagram", str(KMS_SPEC), "--format", "dot,svg,mmd"]
    assert _kmsflow(*args, "-o", str(reference)).returncode == 0
    new = _snapshot(reference)
    assert _kmsflow(*args, "--view", "cancel", "-o", str(out)).returncode == 0
    # The user's own files, carried over into each new set: enough of them that the set takes a while
    # to build, so a kill can land in it.
    (out / "mine").mkdir()
    for index in range(2000):
        (out / "mine" / f"{index}.txt").write_text(str(index))
    old = _snapshot(out)
    new.update({name: data for name, data in old.items() if name.startswith("mine")})
    caught = 0
    for _ in range(8):  # the writing takes milliseconds: try until a kill lands in it
        caught += _kill_while_writing([*args, "-o", str(out)], out, sig, tmp_path)
        assert _snapshot(out) in (old, new)
        if caught:
            break
    assert caught, "the kill never came while the set was being written"
    # The next run removes what the killed ones left and writes the whole set.
    assert _kmsflow(*args, "-o", str(out)).returncode == 0
    assert _snapshot(out) == new and _leftovers(out) == []


@pytest.fixture(scope="module")
def kms_path_sets(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """A folder holding the KMS screens suite, and what the transitions suite writes (both signals' tests start
    from them: each is a walk of the KMS spec)."""
    folder = tmp_path_factory.mktemp("kms_path_sets")
    reference, screens = folder / "reference", folder / "screens"
    assert _kmsflow("paths", "--criterion", "transitions", "-o", str(reference)).returncode == 0
    assert _kmsflow("paths", "--criterion", "screens", "-o", str(screens)).returncode == 0
    return screens, _snapshot(reference)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_paths_killed_at_any_moment_leaves_a_suite_simulate_replays(tmp_path, sig, kms_path_sets):
    screens, new = kms_path_sets
    out = tmp_path / "suite"
    shutil.copytree(screens, out)
    old = _snapshot(out)
    args = ["paths", "--criterion", "transitions", "-o", str(out)]
    for delay in (None, 0.8):  # the moment the set is written, and somewhere in the walk
        if delay is None:
            _kill_while_writing(args, out, sig, tmp_path)
        else:
            child = subprocess.Popen([*KMSFLOW, *args], cwd=tmp_path, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            time.sleep(delay)
            child.send_signal(sig)
            child.wait(timeout=60)
        assert _snapshot(out) in (old, {**old, **new})  # the screens suite alone, or with the whole new one
        done = _kmsflow("simulate", "-q", str(out))
        assert done.returncode == 0, done.stdout + done.stderr
    assert _kmsflow(*args).returncode == 0
    assert _leftovers(out) == [] and _snapshot(out) == {**old, **new}


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def test_a_full_disk_leaves_the_old_set_and_no_temporaries(tmp_path):
    out = tmp_path / "d"
    assert _kmsflow("diagram", "--format", "dot", "--view", "cancel", "-o", str(out)).returncode == 0
    old = _snapshot(out)
    for args in (["diagram", "--format", "dot,svg", "-o", str(out)],
                 ["paths", "--criterion", "transition-pairs", "--format", "csv", "-o", str(out)]):
        done = _kmsflow(*args, preexec_fn=_limit_file_size)
        assert done.returncode == 2, done.stderr
        assert "cannot write here" in done.stderr and "Traceback" not in done.stderr
        assert _snapshot(out) == old and _leftovers(out) == []


# -- runs at the same time --------------------------------------------------------------

def test_concurrent_runs_on_one_folder_end_with_complete_sets(tmp_path):
    out = tmp_path / "shared"
    reference = tmp_path / "reference"
    jobs = [["paths", TRIAL, "--criterion", "transitions"], ["paths", TRIAL, "--criterion", "screens"],
            ["diagram", TRIAL, "--format", "dot,mmd"]]
    for job in jobs:
        assert _kmsflow(*job, "-o", str(reference)).returncode == 0
    expected = _snapshot(reference)
    (tmp_path / "shared").mkdir()
    (out / "mine.txt").write_text("mine")
    expected["mine.txt"] = b"mine"
    children = [subprocess.Popen([*KMSFLOW, *job, "-o", str(out)], cwd=tmp_path, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for job in jobs * 3]
    for child in children:
        _, err = child.communicate(timeout=300)
        assert child.returncode == 0 and "Traceback" not in err, err
    assert _snapshot(out) == expected and _leftovers(out) == []


# -- play's live diagram ------------------------------------------------------------------

def test_live_diagram_failure_is_said_once_and_the_session_goes_on(tmp_path, kms_spec):
    target = tmp_path / "live.svg"
    target.mkdir()  # a folder where the diagram should go: every write fails
    session = PlaySession(kms_spec)
    live = LiveDiagram(str(target), load_views(kms_spec))
    session.add_listener(live, call_now=False)
    first = session.handle("select_additional")
    assert first.changed and "could not be updated" in first.message and str(target) in first.message
    second = session.handle("select_license")
    assert second.changed and "live diagram" not in second.message  # said once, not on every step
    target.rmdir()
    third = session.handle("press_back")
    assert "up to date again" in third.message and target.read_bytes().startswith(b"<?xml")
    saved = session.save(str(tmp_path / "s.yaml"))
    assert not saved.refused and (tmp_path / "s.yaml").is_file()


def test_play_piped_goes_on_and_saves_when_the_live_diagram_cannot_be_written(tmp_path):
    (tmp_path / "live.svg").mkdir()
    done = _kmsflow("play", str(KMS_SPEC), "--diagram", "live.svg", cwd=tmp_path,
                    input="select_additional\nselect_license\nsave s.yaml\nquit\n")
    assert done.returncode == 0, done.stderr
    assert "live diagram live.svg could not be updated" in done.stderr and "Traceback" not in done.stderr
    assert "saved 2 steps to s.yaml" in done.stdout
    assert _kmsflow("simulate", str(tmp_path / "s.yaml")).returncode == 0


def test_play_on_a_terminal_goes_on_and_saves_when_the_live_diagram_cannot_be_written(tmp_path):
    pytest.importorskip("pexpect")
    pytest.importorskip("pyte")
    from .test_play_terminal import ENTER, PtySession

    (tmp_path / "live.svg").mkdir()
    s = PtySession(tmp_path, "--diagram", "live.svg", rows=40, cols=100)
    try:
        s.wait_for("could not be updated")
        s.send(ENTER, expect_steps=1)
        s.send("save s.yaml" + ENTER)
        s.wait_for("name: ")  # save asks the scenario's name; the one offered is kept
        s.send(ENTER)
        s.wait_for("saved 1 steps to s.yaml")
        assert "Traceback" not in s.text()
        s.send("\x04")
        assert s.close() == 0
    finally:
        if s.child.isalive():
            s.child.terminate(force=True)
    assert (tmp_path / "s.yaml").is_file()
