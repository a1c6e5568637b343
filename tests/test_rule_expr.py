"""Guards and effects written in the spec as expressions, and Python rule books from outside the package.

What must hold: an expression is read, never run, until it has been checked against an allow-list and the
spec's world; a refused one is one located error with a code; an accepted one behaves exactly as the rule
book's function it replaces (the KMS walk is the same either way); a rule book named with --rules or
installed as a package serves a spec in a folder of its own.
"""
from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import simulator.rules as rules_module
from simulator import load_checked_spec, load_spec
from simulator.cli import main
from simulator.errors import SpecError
from simulator.spec.rule_expr import ExpressionError, check_effect, check_guard, compile_effect, compile_guard
from simulator.walk.explore import explore_spec
from simulator.walk.properties import check_properties

from .conftest import SPEC_DIR
from .kms_rule_book import kms_with_rule_book

DOOR = SPEC_DIR / "door_keypad.yaml"
DOOR_TEXT = DOOR.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def door():
    return load_checked_spec(str(DOOR))


# -- what an expression may say, and what it means ---------------------------------------

@pytest.mark.parametrize("text, world, expected", [
    ("wrong_tries + 1 >= max_tries", {"wrong_tries": 2, "max_tries": 3}, True),
    ("wrong_tries + 1 >= max_tries", {"wrong_tries": 1, "max_tries": 3}, False),
    ("1 <= minutes_left <= 3", {"minutes_left": 3}, True),
    ("1 <= minutes_left <= 3", {"minutes_left": 4}, False),
    ('battery == "ok" and keypad == ready', {"battery": "ok", "keypad": "ready"}, True),
    ("keypad in [locked_out] or not (battery != low)", {"keypad": "ready", "battery": "low"}, True),
    ("max(0, minutes_left - 2) * 2 // 3 == min(1, wrong_tries)", {"minutes_left": 5, "wrong_tries": 4}, False),
])
def test_a_guard_means_what_python_would_compute(door, text, world, expected):
    guard = compile_guard(check_guard(text, door), "g")
    assert guard(SimpleNamespace(**world)) is expected


def test_an_effect_assigns_in_order(door):
    effect = compile_effect(check_effect("wrong_tries += 1; minutes_left = max(0, wrong_tries * 2 - 1)\n"
                                         "battery = low", door), "e")
    world = SimpleNamespace(wrong_tries=1, minutes_left=0, battery="ok")
    assert effect(world) is None
    assert vars(world) == {"wrong_tries": 2, "minutes_left": 3, "battery": "low"}


def test_a_compiled_expression_can_reach_nothing_but_min_and_max(door):
    guard = compile_guard(check_guard("max(wrong_tries, 1) > 0", door), "g")
    assert guard.__globals__["__builtins"+"__"] == {}
    assert set(guard.__globals__) == {"__builtins__", "min", "max"}


# -- refused, located, and never run ------------------------------------------------------

BROKEN = {
    # name: (text put in place of the guard pin_taken's expression, code, words in the message)
    "unknown name": ("keypadd == ready", "unknown-name", "did you mean 'keypad'"),
    "import": ("__import__('os').system('touch PWNED') == 0", "bad-expression", "a call of \"__import__"),
    "open a file": ("open('PWNED', 'w') == 1", "bad-expression", "a call of 'open'"),
    "attribute": ("keypad.__class__ == ready", "bad-expression", "an attribute"),
    "lambda": ("(lambda: 1)() == 1", "bad-expression", "lambda"),
    "subscript": ("[1][0] == wrong_tries", "bad-expression", "a subscript"),
    "string vs number": ("wrong_tries == 'three'", "type-mismatch", "cannot be compared"),
    "a word beside a number": ("wrong_tries > three", "unknown-name", "unknown name 'three'"),
    "value not of the enum": ("battery == empty", "out-of-range", "not one of the values ok, low"),
    "order of values": ("battery < ok", "type-mismatch", "no order"),
    "not a condition": ("wrong_tries + 1", "type-mismatch", "not a condition"),
    "syntax": ("wrong_tries >=", "expression-syntax", "cannot read"),
    "walrus": ("(x := 1) == 1", "bad-expression", "':='"),
}


def _door_variant(tmp_path: Path, old: str, new: str) -> Path:
    assert DOOR_TEXT.count(old) == 1, old
    path = tmp_path / "door.yaml"
    path.write_text(DOOR_TEXT.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_guard_is_one_located_check_error_and_nothing_runs(case, tmp_path, capsys, monkeypatch):
    text, code, words = BROKEN[case]
    quoted = text.replace('"', '\\"')
    path = _door_variant(tmp_path, 'when: "keypad == ready"}', f'when: "{quoted}"}}')
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if row.startswith("  pin_taken:"))
    monkeypatch.chdir(tmp_path)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    located = [row for row in err.splitlines() if f"[{code}]" in row]
    assert len(located) == 1, err
    assert re.match(rf"{re.escape(str(path))}:{line}:\d+: error: guard 'pin_taken': ", located[0]), located[0]
    assert words in located[0]
    assert not (tmp_path / "PWNED").exists()


EFFECTS = {
    "assigns a parameter": ('after: "wrong_tries += 1"', 'after: "max_tries -= 1"', "assign-to-parameter"),
    "a value outside the range": ('after: "minutes_left = 0", kb: lock.3', 'after: "minutes_left = -1", kb: lock.3',
                                  "out-of-range"),
    "a value not of the enum": ('after: "battery = low"', 'after: "battery = flat"', "out-of-range"),
    "a number into a value": ('after: "battery = ok"', 'after: "battery = 1"', "type-mismatch"),
    "not an assignment": ('after: "wrong_tries += 1"', 'after: "import os"', "bad-expression"),
    "two targets": ('after: "wrong_tries += 1"', 'after: "wrong_tries, minutes_left = 1, 2"', "bad-expression"),
}


@pytest.mark.parametrize("case", EFFECTS, ids=list(EFFECTS))
def test_a_broken_effect_written_in_a_transition_is_located_at_its_text(case, tmp_path):
    old, new, code = EFFECTS[case]
    path = _door_variant(tmp_path, old, new)
    with pytest.raises(SpecError) as caught:
        load_checked_spec(str(path))
    problems = [p for p in caught.value.problems if p.code == code]
    assert len(problems) == 1, caught.value.problems
    row = path.read_text().splitlines()[problems[0].loc.line - 1]
    assert new.split('"')[1] in row[problems[0].loc.col - 1:]


def test_a_guard_both_written_and_in_the_rule_book_is_refused(tmp_path):
    # The trial spec writes its guards and effects; the package's trial rule book implements the same names.
    text = (SPEC_DIR / "trial_to_purchase.yaml").read_text(encoding="utf-8")
    assert "\nrules:" not in text
    path = tmp_path / "trial.yaml"
    path.write_text(text.replace("home: home\n", "home: home\nrules: trial\n"), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_checked_spec(str(path))
    assert sorted(p.code for p in caught.value.problems) == ["twice-defined-effect"] * 3 + ["twice-defined-guard"] * 3


def test_a_named_guard_with_neither_an_expression_nor_a_rule_book_is_refused(tmp_path):
    path = _door_variant(tmp_path, 'open_door: {doc: "The lock opens the door once.", do: "openings += 1"}',
                         'open_door: "The lock opens the door once."')
    with pytest.raises(SpecError) as caught:
        load_checked_spec(str(path))
    assert [p.code for p in caught.value.problems] == ["unimplemented-effect"]
    assert "names no rule book" in caught.value.problems[0].message


# -- the same behaviour as the rule book ------------------------------------------------

def test_the_kms_walk_is_the_same_with_expressions_as_with_the_rule_book(tmp_path, kms_spec, kms_graph):
    # The shipped spec writes its rules as expressions; the hand-written Python twin is tests/kms_rule_book.py.
    assert not kms_spec.rules and all(item.code for item in (*kms_spec.guards.values(), *kms_spec.effects.values()))
    spec = load_checked_spec(str(kms_with_rule_book(tmp_path)))
    assert spec.rules == "kms9_python" and not any(item.code for item in spec.guards.values())
    graph = explore_spec(spec)
    assert graph.variables == kms_graph.variables and graph.events == kms_graph.events
    assert {(c.screen, c.world, c.history) for c in graph.nodes} == \
        {(c.screen, c.world, c.history) for c in kms_graph.nodes}
    edges = {(graph.nodes[s], graph.events[e], graph.nodes[d]) for s, e, d in zip(graph.src, graph.event, graph.dst)}
    book_edges = {(kms_graph.nodes[s], kms_graph.events[e], kms_graph.nodes[d])
                  for s, e, d in zip(kms_graph.src, kms_graph.event, kms_graph.dst)}
    assert edges == book_edges and len(graph.cut) == len(kms_graph.cut)
    verdicts = [(r.name, r.holds, r.violations) for r in check_properties(graph)]
    assert verdicts == [(r.name, r.holds, r.violations) for r in check_properties(kms_graph)]


# -- the third flow: a door keypad, expressions only ---------------------------------------

def test_the_door_keypad_is_complete_on_its_own(door):
    assert door.rules == ""
    assert all(item.code for item in (*door.guards.values(), *door.effects.values()))
    # Conditions written in place of a name are guards of their own, named by their text.
    assert "wrong_tries + 1 >= max_tries" in door.guards and "minutes_left -= 1" in door.effects


def test_the_door_keypad_runs_through_every_command(tmp_path, capsys):
    assert main(["simulate", "-q", str(SPEC_DIR / "scenarios" / "door")]) == 0
    assert "4 passed, 0 failed" in capsys.readouterr().out
    assert main(["explore", str(DOOR)]) == 0
    assert "7 of 7 properties hold" in capsys.readouterr().out
    assert main(["diagram", str(DOOR), "-o", str(tmp_path / "d"), "--format", "dot"]) == 0
    dot = (tmp_path / "d" / "overview.dot").read_text()
    assert "wrong_tries + 1 &gt;= max_tries" in dot or "wrong_tries + 1 >= max_tries" in dot
    # Its own words: the legend names the keypad's variable, not the KMS spec's.
    assert "keypad state (in the background)" in dot and "subscription" not in dot


def test_a_mutated_expression_is_caught_by_the_door_properties(tmp_path):
    # The lockout that never ends: minutes are not taken off.
    path = _door_variant(tmp_path, 'after: "minutes_left -= 1"', 'after: "minutes_left -= 0"')
    results = {r.name: r for r in check_properties(explore_spec(load_checked_spec(str(path))))}
    assert not results["lockouts_end"].holds


# -- rule books from outside the package ---------------------------------------------------

LAMP = """\
spec: lamp
title: "A lamp"
rules: lamp
home: dark
world:
  bulb: {type: enum, values: [ok, broken], initial: ok, doc: "The bulb."}
  lit: {type: int, min: 0, initial: 0, doc: "Times lit."}
kb_steps:
  - {id: use.1, section: use, text: "Switch the lamp on and off."}
  - {id: bulb.1, section: bulb, text: "Bulbs break and are replaced."}
screens:
  - {name: dark, kind: menu, initial: true, title: "Dark", items: [Switch on], softkeys: [Select, ""]}
  - {name: bright, kind: menu, title: "Bright", items: [Switch off], softkeys: [Select, ""]}
transitions:
  - {trigger: switch_on, source: dark, dest: bright, conditions: bulb_ok, after: "lit += 1", kb: use.1}
  - {trigger: switch_off, source: bright, dest: dark, kb: use.1}
account:
  variable: bulb
  states: {ok: "Works.", broken: "Broken."}
  transitions:
    - {trigger: bulb_breaks, source: ok, dest: broken, kb: bulb.1}
    - {trigger: bulb_replaced, source: broken, dest: ok, kb: bulb.1}
events:
  switch_on: {kind: user, label: "switch on", item: "Switch on"}
  switch_off: {kind: user, label: "switch off", item: "Switch off"}
  bulb_breaks: {kind: environment, label: "the bulb breaks"}
  bulb_replaced: {kind: environment, label: "a new bulb"}
guards:
  bulb_ok: "The bulb works."
domain:
  initial: {lit: [0]}
  counters: [lit]
"""

LAMP_RULES = """\
from simulator.rules import RuleBook

from lamp_helpers import works

rules = RuleBook("lamp")


@rules.guard
def bulb_ok(w):
    return works(w.bulb)
"""

LAMP_SCENARIO = """\
name: the lamp lights
spec: lamp.yaml
steps:
  - {event: switch_on, expect: {screen: bright, lit: 1}}
  - switch_off
  - bulb_breaks
  - {event: switch_on, refused: true}
expect: {screen: dark, bulb: broken}
"""


def _lamp_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "lamp_team"
    folder.mkdir()
    (folder / "lamp.yaml").write_text(LAMP)
    (folder / "lamp_rules.py").write_text(LAMP_RULES)
    (folder / "lamp_helpers.py").write_text("def works(bulb):\n    return bulb == 'ok'\n")
    (folder / "lights.yaml").write_text(LAMP_SCENARIO)
    return folder


def _kmsflow(folder: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    # A real process in the team's folder: PYTHONPATH is the team's, as when it runs its own tool.
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(folder)}
    return subprocess.run([sys.executable, "-m", "simulator", *args], cwd=folder, capture_output=True, text=True,
                          input=stdin, timeout=120, env=env)


def test_a_team_runs_every_command_on_its_own_flow_with_its_own_rule_book(tmp_path):
    folder = _lamp_folder(tmp_path)
    assert _kmsflow(folder, "check", "lamp.yaml").returncode == 2  # the book is not found without --rules
    rules = ["--rules", "lamp_rules.py"]
    for args in (["check", "lamp.yaml"], ["simulate", "lights.yaml", "--spec", "lamp.yaml"], ["explore", "lamp.yaml"],
                 ["paths", "lamp.yaml", "-o", "suite"], ["diagram", "lamp.yaml", "-o", "d", "--format", "dot"],
                 ["review", "lamp.yaml", "-o", "lamp.review.md"]):
        done = _kmsflow(folder, *args, *rules)
        assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
    played = _kmsflow(folder, "play", "lamp.yaml", *rules, stdin="switch_on\nsave s.yaml\nquit\n")
    assert played.returncode == 0, played.stderr
    assert _kmsflow(folder, "simulate", "s.yaml", *rules).returncode == 0
    assert _kmsflow(folder, "simulate", "suite", *rules).returncode == 0


@pytest.mark.parametrize("content, words", [
    ("raise ValueError('no such lamp')\n", ":1:1: error: the rule book could not be loaded: ValueError: no such lamp"),
    ("def broken(:\n", ":1:1: error: the rule book could not be loaded: SyntaxError"),
    ("x = 1\n", ": error: defines no rules = RuleBook(NAME)"),
])
def test_a_bad_rule_book_file_is_one_located_error(tmp_path, content, words):
    folder = _lamp_folder(tmp_path)
    (folder / "lamp_rules.py").write_text(content)
    done = _kmsflow(folder, "check", "lamp.yaml", "--rules", "lamp_rules.py")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"lamp_rules.py{words}" in done.stderr, done.stderr
    missing = _kmsflow(folder, "check", "lamp.yaml", "--rules", "nowhere.py")
    assert missing.returncode == 2 and "nowhere.py: error: --rules: expected a Python file" in missing.stderr


def test_a_rule_book_of_an_installed_package_is_found_by_its_entry_point(tmp_path, monkeypatch):
    folder = _lamp_folder(tmp_path)
    monkeypatch.syspath_prepend(str(folder))
    point = importlib.metadata.EntryPoint("lamp", "lamp_rules:rules", rules_module.ENTRY_POINT_GROUP)
    monkeypatch.setattr(rules_module, "entry_points",
                        lambda group: [point] if group == rules_module.ENTRY_POINT_GROUP else [])
    assert "lamp" in rules_module.available_rule_books()
    spec = load_checked_spec(str(folder / "lamp.yaml"))
    assert rules_module.rules_of(spec).guards["bulb_ok"](SimpleNamespace(bulb="ok")) is True


def test_a_spec_file_alone_never_imports_code(tmp_path):
    # A spec that names a module path as its rule book: refused, and the module is not imported.
    folder = _lamp_folder(tmp_path)
    (folder / "evil.py").write_text("open('PWNED', 'w').close()\n")
    (folder / "lamp.yaml").write_text(LAMP.replace("rules: lamp", "rules: evil"))
    done = _kmsflow(folder, "check", "lamp.yaml")
    assert done.returncode == 2 and "unknown rule book 'evil'" in done.stderr
    assert not (folder / "PWNED").exists()
    with pytest.raises(ExpressionError):
        check_guard("__import__('os')", load_spec(str(DOOR)))


def test_the_door_keypad_speaks_of_its_own_device(tmp_path, capsys):
    # `device: keypad`: the exported Gherkin says what the keypad shows, and runs; nothing says "phone".
    assert main(["paths", str(DOOR), "--format", "gherkin", "-o", str(tmp_path / "g")]) == 0
    features = "".join(p.read_text() for p in sorted((tmp_path / "g").rglob("*.feature")))
    assert 'the keypad shows "Keypad"' in features and "phone" not in features
    assert main(["review", str(DOOR), "-o", str(tmp_path / "door.html")]) == 0
    page = (tmp_path / "door.html").read_text()
    assert "play it on the keypad below" in page and "Press the keypad's keys" in page
