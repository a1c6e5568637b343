"""The spec cache (simulator.spec.cache): a big spec read once per change, and never a result that differs.

What must hold: a spec and its findings taken from the cache are the ones
reading the file gives, field by field and in the same order; any change to
what they depend on (the bytes, the path, kmsflow itself) reads the file
again; a damaged entry, a folder that cannot be written or a value that
cannot be stored exactly costs only the time saved; the cache can be turned
off; and the checks it keeps read nothing but the spec.
"""
from __future__ import annotations

import builtins
import dataclasses
import io
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

from simulator.check import _SPEC_ONLY, check_spec, load_and_check
from simulator.errors import Loc, SpecError
from simulator.spec import cache
from simulator.spec.load import load_spec
from simulator.spec.synthetic import ring_spec_text
from simulator.spec.yamlsafe import LDict, LList, read_input_bytes

from .conftest import KMS_SPEC, ROOT, SPEC_DIR

DOOR_SPEC = SPEC_DIR / "door_keypad.yaml"


@pytest.fixture
def cache_on(tmp_path, monkeypatch):
    """The cache in a folder of its own, for specs of any size."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(folder))
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    return folder


def _same(fresh, cached, where: str = "spec") -> None:
    """``cached`` is ``fresh``: the same types, every field (those equality skips too), keys in the same order."""
    if isinstance(fresh, dict) and type(cached) is not type(fresh) and isinstance(cached, Mapping):
        # A transition's or screen's key places, made when asked for: the same places under the same keys.
        assert list(cached.keys()) == list(fresh.keys()), where
        for key in fresh:
            _same(fresh[key], cached[key], f"{where}[{key!r}]")
        assert cached.get("no such key") is None and "no such key" not in cached
        return
    assert type(cached) is type(fresh), f"{where}: {type(cached).__name__} is not {type(fresh).__name__}"
    if dataclasses.is_dataclass(fresh):
        for field in dataclasses.fields(fresh):
            _same(getattr(fresh, field.name), getattr(cached, field.name), f"{where}.{field.name}")
    elif isinstance(fresh, dict):
        assert list(cached) == list(fresh), where
        for key in fresh:
            _same(fresh[key], cached[key], f"{where}[{key!r}]")
        if isinstance(fresh, LDict):
            _same(fresh.loc, cached.loc, f"{where}.loc")
            _same(fresh.key_locs, cached.key_locs, f"{where}.key_locs")
            assert getattr(fresh, "plain_strings", None) == getattr(cached, "plain_strings", None), where
    elif isinstance(fresh, (list, tuple)):
        assert len(cached) == len(fresh), where
        for index, (a, b) in enumerate(zip(fresh, cached)):
            _same(a, b, f"{where}[{index}]")
        if isinstance(fresh, LList):
            _same(fresh.loc, cached.loc, f"{where}.loc")
            _same(fresh.item_locs, cached.item_locs, f"{where}.item_locs")
    else:
        assert cached == fresh, where


def _ring(tmp_path: Path, screens: int = 120, name: str = "ring.yaml") -> str:
    path = tmp_path / name
    path.write_text(ring_spec_text(screens, seed=2), encoding="utf-8")
    return str(path)


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.speccache")) if folder.is_dir() else []


@pytest.mark.parametrize("spec_path", [KMS_SPEC, DOOR_SPEC, "ring"], ids=["kms", "door-keypad", "ring"])
def test_a_cached_spec_and_its_findings_are_what_reading_the_file_gives(cache_on, tmp_path, spec_path):
    path = _ring(tmp_path) if spec_path == "ring" else str(spec_path)
    data = read_input_bytes(path)
    assert cache.lookup(path, data) is None  # nothing kept yet
    fresh, fresh_problems = load_and_check(path)
    assert len(_entries(cache_on)) == 1
    hit = cache.lookup(path, data)
    assert hit is not None
    cached, cached_problems = load_and_check(path)
    _same(fresh, cached)
    _same(load_spec(path), cached)  # and what a plain load gives
    assert cached_problems == fresh_problems == check_spec(load_spec(path))


def test_findings_come_back_with_their_places_and_levels(cache_on, tmp_path):
    # A ring with a screen nothing reaches: a warning and an error, the same from the cache as from the file.
    path = tmp_path / "broken.yaml"
    text = ring_spec_text(30, seed=2).replace("screens:\n", "screens:\n  - {name: island, kind: menu}\n", 1)
    path.write_text(text, encoding="utf-8")
    first = load_and_check(str(path))[1]
    again = load_and_check(str(path))[1]
    assert first and again == first
    assert any(p.loc.line for p in first) and {type(p.loc) for p in again} == {Loc}


def test_an_edited_spec_is_read_again(cache_on, tmp_path):
    path = _ring(tmp_path)
    load_and_check(path)
    text = Path(path).read_text(encoding="utf-8").replace('label: Next', 'label: Onwards')
    Path(path).write_text(text, encoding="utf-8")
    assert cache.lookup(path, read_input_bytes(path)) is None
    spec, _ = load_and_check(path)
    assert spec.events["next"].label == "Onwards"
    assert len(_entries(cache_on)) == 1  # the entry of that path was replaced, not added to
    assert cache.lookup(path, read_input_bytes(path)) is not None


def test_the_same_bytes_under_another_name_are_read_again(cache_on, tmp_path):
    # Every place names the file as it was given, so another name is another entry.
    path = _ring(tmp_path)
    load_and_check(path)
    relative = os.path.relpath(path)
    assert cache.lookup(relative, read_input_bytes(relative)) is None
    spec, _ = load_and_check(relative)
    assert spec.path == relative and spec.transitions[0].loc.file == relative
    assert spec.transitions[0].loc_of("dest").file == relative


def test_another_kmsflow_reads_the_spec_again(cache_on, tmp_path, monkeypatch):
    path = _ring(tmp_path)
    load_and_check(path)
    assert cache.lookup(path, read_input_bytes(path)) is not None
    monkeypatch.setattr(cache, "_code_key", "an edited kmsflow")
    assert cache.lookup(path, read_input_bytes(path)) is None


def test_the_code_key_follows_the_content_of_kmsflow_not_its_file_times(monkeypatch, tmp_path):
    # A copy that keeps times (cp -a, tar), or an install giving every file one time, must not pass for the
    # original: one byte changed at the same size and time changes the key; a byte-equal copy elsewhere does not.
    package = Path(cache.__file__).resolve().parent.parent
    copy = tmp_path / "simulator"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"), copy_function=shutil.copy2)

    def key_of(root: Path) -> str:
        monkeypatch.setattr(cache, "_code_key", None)
        monkeypatch.setattr(cache, "__file__", str(root / "spec" / "cache.py"))
        return cache._kmsflow_code_key()

    original = key_of(package)
    assert key_of(copy) == original
    edited = copy / "spec" / "check.py"
    status = edited.stat()
    text = edited.read_bytes()
    assert b"cannot be reached" in text
    edited.write_bytes(text.replace(b"cannot be reached", b"CANNOT be reached", 1))
    os.utime(edited, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert edited.stat().st_size == status.st_size
    assert key_of(copy) != original


def test_the_code_key_follows_the_yaml_and_graph_libraries(monkeypatch):
    import importlib.metadata

    monkeypatch.setattr(cache, "_code_key", None)
    before = cache._kmsflow_code_key()
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: "0.0-another" if name == "networkx" else real(name))
    monkeypatch.setattr(cache, "_code_key", None)
    assert cache._kmsflow_code_key() != before


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "foreign", "short-record"])
def test_a_damaged_entry_is_a_miss_and_is_written_again(cache_on, tmp_path, damage):
    path = _ring(tmp_path)
    fresh, problems = load_and_check(path)
    (entry,) = _entries(cache_on)
    raw = bytearray(entry.read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 0xFF
    elif damage == "truncate":
        raw = raw[:len(raw) // 2]
    elif damage == "empty":
        raw = bytearray()
    else:  # records that are not an entry, under a correct checksum
        import hashlib
        import marshal
        body = cache._LENGTH.pack(5) + marshal.dumps(12345)[:5] if damage == "foreign" else b"abc"
        raw = bytearray(cache._MAGIC + hashlib.sha256(body).digest() + body)
    entry.write_bytes(bytes(raw))
    assert cache.lookup(path, read_input_bytes(path)) is None
    again, again_problems = load_and_check(path)
    _same(fresh, again)
    assert again_problems == problems
    assert cache.lookup(path, read_input_bytes(path)) is not None  # written again


def test_the_cache_can_be_turned_off(cache_on, tmp_path, monkeypatch):
    for word in ("off", "OFF", "0", "no", "false"):
        monkeypatch.setenv(cache.CACHE_VARIABLE, word)
        assert cache.cache_folder() is None
        load_and_check(_ring(tmp_path))
    assert not cache_on.exists()


def test_the_default_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv(cache.CACHE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_folder() == str(tmp_path / "xdg" / "kmsflow")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_folder() == str(tmp_path / "home" / ".cache" / "kmsflow")


def test_small_specs_are_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path / "cache"))
    assert KMS_SPEC.stat().st_size < cache.MIN_BYTES
    load_and_check(str(KMS_SPEC))
    assert not (tmp_path / "cache").exists()


def test_a_folder_that_cannot_be_written_means_no_cache_not_an_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(blocker / "cache"))
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    path = _ring(tmp_path)
    fresh, problems = load_and_check(path)
    again, again_problems = load_and_check(path)
    _same(fresh, again)
    assert again_problems == problems and blocker.read_text(encoding="utf-8") == "not a folder"


def test_a_value_that_cannot_be_stored_exactly_leaves_no_entry(cache_on, tmp_path):
    path = _ring(tmp_path)
    spec = load_spec(path)

    class Text(str):  # marshal refuses a subclass of str: stored, it would come back as a plain str
        pass

    first = next(iter(spec.screens.values()))
    first.doc = Text("a screen")
    cache.store(path, read_input_bytes(path), spec, {"spec": ()})
    assert cache_on.is_dir() and not any(cache_on.iterdir())  # the write began, and left no entry nor temporary


def test_the_least_recently_used_entries_go_first(cache_on, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    paths = [_ring(tmp_path, 40, f"ring{i}.yaml") for i in range(3)]
    for index, path in enumerate(paths):
        load_and_check(path)
        for entry in _entries(cache_on):  # older files look older, whatever the clock's resolution
            os.utime(entry, ns=(1, entry.stat().st_mtime_ns - 10**9 * (3 - index)))
    assert len(_entries(cache_on)) == 2
    assert cache.lookup(paths[0], read_input_bytes(paths[0])) is None
    assert all(cache.lookup(path, read_input_bytes(path)) is not None for path in paths[1:])


@pytest.mark.parametrize("spec_path", [KMS_SPEC, DOOR_SPEC], ids=["kms", "door-keypad"])
def test_the_checks_whose_findings_are_kept_read_nothing_but_the_spec(spec_path, monkeypatch):
    # A check that looked at a file beside the spec could find otherwise tomorrow with the same spec: such a
    # check belongs in READS_OTHER_FILES, which always runs. Here every file access fails the test.
    spec = load_spec(str(spec_path))

    def no_files(*args, **kwargs):
        raise AssertionError(f"a kept check read the file system: {args[:1]}")

    for module, name in ((builtins, "open"), (io, "open"), (os, "stat"), (os, "lstat"), (os, "listdir"),
                         (os, "scandir"), (os.path, "isfile"), (os.path, "exists"), (os.path, "isdir")):
        monkeypatch.setattr(module, name, no_files)
    for checks in _SPEC_ONLY.values():
        for check in checks:
            list(check(spec))
    with pytest.raises(AssertionError, match="read the file system"):  # the guard itself works
        os.path.isfile(str(spec_path))


def test_a_view_whose_scenario_goes_missing_is_reported_with_the_spec_unchanged(cache_on, tmp_path):
    # The one check that reads another file runs every time, cache or not.
    folder = tmp_path / "flow"
    folder.mkdir()
    spec_text = DOOR_SPEC.read_text(encoding="utf-8")
    spec = folder / "door.yaml"
    scenario = folder / "walkthrough.yaml"
    scenario.write_text("anything\n", encoding="utf-8")
    assert "  diagrams:\n" in spec_text
    spec_text = spec_text.replace("  diagrams:\n", "  diagrams:\n    - {name: walkthrough, title: Walkthrough, "
                                  "screens: [keypad], start: keypad, path: walkthrough.yaml}\n", 1)
    spec.write_text(spec_text, encoding="utf-8")
    before = {p.code for p in load_and_check(str(spec))[1] if "walkthrough" in p.message}
    scenario.unlink()
    after = [p for p in load_and_check(str(spec))[1] if "no scenario file" in p.message]
    assert cache.lookup(str(spec), read_input_bytes(str(spec))) is not None  # the spec did come from the cache
    assert after and not any("no scenario file" in code for code in before)


def test_check_from_the_command_line_says_the_same_with_and_without_the_cache(tmp_path):
    # A spec above the cache's size threshold, in a process of its own: the second run reads the entry.
    path = tmp_path / "big.yaml"
    text = ring_spec_text(1300, seed=2).replace("screens:\n", "screens:\n  - {name: island, kind: menu}\n", 1)
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size >= cache.MIN_BYTES
    folder = tmp_path / "cache"

    def check(setting: str) -> subprocess.CompletedProcess:
        env = {**os.environ, cache.CACHE_VARIABLE: setting}
        return subprocess.run([sys.executable, "-m", "simulator", "check", str(path)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    runs = [check("off"), check(str(folder)), check(str(folder))]
    assert len(_entries(folder)) == 1 and _readable(folder, path)
    assert runs[0].returncode == 2 and "unreachable" in runs[0].stderr
    assert {(r.returncode, r.stdout, r.stderr) for r in runs} == {(runs[0].returncode, runs[0].stdout,
                                                                    runs[0].stderr)}


def test_explore_and_paths_say_the_same_from_the_cache_as_from_the_file(tmp_path):
    # The outputs testers and writers use, byte for byte: the walk's JSON and the transitions suite.
    path = tmp_path / "big.yaml"
    path.write_text(ring_spec_text(1300, seed=4), encoding="utf-8")
    folder = tmp_path / "cache"

    def run(words: list[str], setting: str) -> str:
        env = {**os.environ, cache.CACHE_VARIABLE: setting}
        done = subprocess.run([sys.executable, "-m", "simulator", *words, str(path)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    for words in (["explore", "--json"], ["paths", "--criterion", "transitions"]):
        from_file = run(words, "off")
        shutil.rmtree(folder, ignore_errors=True)
        first, cached = run(words, str(folder)), run(words, str(folder))
        assert len(_entries(folder)) == 1
        assert from_file == first == cached and from_file.strip()
        assert _readable(folder, path)  # so the last run read the entry


def _readable(folder: Path, path: Path) -> bool:
    """The entry for ``path`` in ``folder`` is one this kmsflow reads back (the runs after the first hit it)."""
    previous = os.environ.get(cache.CACHE_VARIABLE)
    os.environ[cache.CACHE_VARIABLE] = str(folder)
    try:
        return cache.lookup(str(path), read_input_bytes(str(path))) is not None
    finally:
        os.environ[cache.CACHE_VARIABLE] = previous if previous is not None else "off"


@pytest.mark.parametrize("hostile", ["duplicate-key", "tag", "alias-bomb"])
def test_a_spec_the_reader_refuses_is_refused_every_time_and_never_kept(cache_on, tmp_path, hostile):
    # Only a spec that loaded is kept, so every safety refusal keeps its place on every run.
    text = ring_spec_text(120, seed=2)
    text += {"duplicate-key": "title: again\n",
             "tag": "description: !!python/object:os.system echo\n",
             "alias-bomb": "bomb: &a [x, x, x, x, x, x, x, x, x, x]\n"
                           + "".join(f"b{i}: &a{i} [{', '.join(['*a' if i == 0 else f'*a{i - 1}'] * 10)}]\n"
                                     for i in range(7))}[hostile]
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    messages = []
    for _ in range(2):
        with pytest.raises(SpecError) as refused:
            load_and_check(str(path))
        messages.append([str(p) for p in refused.value.problems])
    code = {"duplicate-key": "[duplicate-key]", "tag": "[yaml-tag]", "alias-bomb": "[yaml-size]"}[hostile]
    assert messages[0] == messages[1] and any(m.startswith(f"{path}:5") and m.endswith(code) for m in messages[0])
    assert not _entries(cache_on)


def test_a_file_name_that_is_not_utf8_is_cached_like_any_other(cache_on, tmp_path):
    # Linux file names are bytes; Python hands the undecodable ones on as surrogates.
    path = os.path.join(str(tmp_path), os.fsdecode(b"ring-\xff.yaml"))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(ring_spec_text(60, seed=2))
    fresh, problems = load_and_check(path)
    cached, cached_problems = load_and_check(path)
    _same(fresh, cached)
    assert cached_problems == problems and cache.lookup(path, read_input_bytes(path)) is not None


def test_places_that_do_not_match_their_keys_are_a_miss(cache_on, tmp_path, monkeypatch):
    # Under a correct checksum, so only the reading of the records can tell.
    path = _ring(tmp_path)
    fresh, problems = load_and_check(path)
    flat = cache._Encoder._flat

    def short(self, item):
        record = flat(self, item)
        return (*record[:-1], record[-1][:-4]) if record[1] < 0 else record

    monkeypatch.setattr(cache._Encoder, "_flat", short)
    for entry in _entries(cache_on):
        entry.unlink()
    cache.store(path, read_input_bytes(path), fresh, {"spec": tuple(problems)})
    assert _entries(cache_on) and cache.lookup(path, read_input_bytes(path)) is None


def test_something_other_than_a_file_in_place_of_an_entry_is_a_miss_not_a_wait(cache_on, tmp_path):
    import signal

    path = _ring(tmp_path)
    cache_on.mkdir()
    os.mkfifo(cache._entry_path(str(cache_on), path))
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("the lookup waited on a FIFO"))
    signal.alarm(10)
    try:
        assert cache.lookup(path, read_input_bytes(path)) is None
        fresh, _ = load_and_check(path)
    finally:
        signal.alarm(0)
    assert fresh.screens


def test_temporary_files_a_killed_command_left_are_removed_later(cache_on, tmp_path):
    cache_on.mkdir()
    abandoned, in_progress = cache_on / ".abandoned.tmp", cache_on / ".in-progress.tmp"
    for file in (abandoned, in_progress):
        file.write_bytes(b"half an entry")
    two_hours_ago = time.time() - 7200
    os.utime(abandoned, (two_hours_ago, two_hours_ago))
    load_and_check(_ring(tmp_path))
    assert not abandoned.exists() and in_progress.exists() and len(_entries(cache_on)) == 1


def test_a_spec_from_the_cache_moves_to_another_name_whole(cache_on, tmp_path):
    # kmsflow diff renames the places of a spec read from git (REV:PATH); a cached transition's places too.
    from simulator.diff.source import relocate

    path = _ring(tmp_path)
    load_and_check(path)
    spec, _ = load_and_check(path)
    assert not isinstance(spec.transitions[0].key_locs, dict)  # it did come from the cache
    relocate(spec, path, "HEAD:ring.yaml")
    transition, screen = spec.transitions[0], next(iter(spec.screens.values()))
    assert transition.loc.file == screen.loc.file == "HEAD:ring.yaml"
    assert {place.file for item in (transition, screen) for place in item.key_locs.values()} == {"HEAD:ring.yaml"}
