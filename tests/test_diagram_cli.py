"""`kmsflow diagram`: committed files in step with the spec, determinism, overlays, bad inputs."""
from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from .conftest import KMS_SPEC, ROOT, SPEC_DIR
from .dotparse import parse_dot
from simulator import load_scenario, run_scenario
from simulator.cli import main
from simulator.walk.coverage import COVERAGE_FORMAT, coverage_of_results

SCENARIO_DIR = SPEC_DIR / "scenarios"
VIEWS = ["overview", "cancel", "one_click_buy", "auto_renewal"]


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def test_diagram_committed_dot_and_mmd_match_the_spec(capsys, tmp_path):
    code, _, err = _run(capsys, "diagram", str(KMS_SPEC), "-o", str(tmp_path), "--format", "dot,mmd")
    assert code == 0, err
    fresh = _files(tmp_path)
    committed = {p.name: p.read_bytes() for p in (ROOT / "diagrams").iterdir() if p.suffix in (".dot", ".mmd")}
    stale = sorted(name for name in fresh.keys() | committed.keys() if fresh.get(name) != committed.get(name))
    assert not stale, f"diagrams/ is out of date for {stale}: run `make diagrams` and commit"


def test_diagram_committed_folder_has_every_view_in_every_format():
    names = {p.name for p in (ROOT / "diagrams").iterdir()}
    assert {f"{v}.{ext}" for v in VIEWS for ext in ("dot", "svg", "png", "mmd")} <= names


def test_diagram_two_runs_give_identical_dot_and_mmd(capsys, tmp_path):
    for folder in ("a", "b"):
        assert _run(capsys, "diagram", "-o", str(tmp_path / folder), "--format", "dot,mmd")[0] == 0
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert len(first) == 8 and first == second
    assert str(tmp_path) not in "".join(v.decode() for v in first.values())  # no absolute paths


def test_diagram_writes_only_the_formats_asked(capsys, tmp_path):
    assert _run(capsys, "diagram", "-o", str(tmp_path), "--format", "svg", "--view", "cancel")[0] == 0
    assert sorted(_files(tmp_path)) == ["cancel.svg"]
    assert _files(tmp_path)["cancel.svg"].lstrip().startswith(b"<?xml")


def _expected_path(result, kms_spec):
    """(step number, transition id) of the user's and the app's steps in the order the run took them (a signal
    to the account, an account transition after a step's first, is drawn but not counted), the screens passed."""
    counted = [t for step in result.trace for i, t in enumerate(step.taken)
               if i == 0 or kms_spec.transition(t).region == "screens"]
    screens = {result.given["screen"]} | {step.screen_after for step in result.trace if step.accepted}
    return list(enumerate(counted, start=1)), screens


@pytest.mark.parametrize("scenario", ["cancel", "no_money", "expiry_after_failed_renewals", "cancel_then_resume"])
def test_diagram_highlight_marks_exactly_the_steps_taken(capsys, tmp_path, kms_spec, scenario):
    path = SCENARIO_DIR / f"{scenario}.yaml"
    result = run_scenario(load_scenario(str(path), kms_spec), kms_spec)
    assert result.passed
    code, _, err = _run(capsys, "diagram", "-o", str(tmp_path), "--format", "dot", "--highlight", str(path))
    assert code == 0, err
    dot = parse_dot((tmp_path / f"overview.path-{scenario}.dot").read_text())
    steps, screens = _expected_path(result, kms_spec)
    drawn = []
    for edge_id, attrs in dot.edges.items():
        classes = attrs.get("class", "").split()
        if edge_id.startswith(("loops:", "arrows:")):  # arrows drawn as one, a row each: each row says its steps
            for row_id, cell in re.findall(r'<TD ID="([^"]+)"[^>]*>(.*?)</TD>', attrs["label"]):
                numbers = re.match(r"(?:<FONT[^>]*>)?<B>\(([\d, ]+)\)</B>", cell)
                if numbers:
                    drawn += [(int(n), html.unescape(row_id)[5:].rsplit("@", 1)[0])
                              for n in numbers.group(1).split(", ")]
                else:  # off the path (grey), or a signal to the account on it (not counted)
                    assert "#909090" in cell or row_id.startswith("edge:account."), cell
            continue
        if "path" in classes:
            numbers = [int(c[5:]) for c in classes if c.startswith("step-")]
            assert not numbers or f"({', '.join(map(str, numbers))})" in attrs["label"]
            if not numbers:  # on the path, not counted: only a signal to the account
                assert edge_id.startswith("edge:account."), edge_id
            drawn += [(n, edge_id[5:].rsplit("@", 1)[0]) for n in numbers]
            assert attrs["penwidth"] == "2.5"
        elif attrs.get("label"):
            assert classes == ["off-path"], edge_id
    assert sorted(drawn) == steps
    marked = {n[7:] for n, a in dot.nodes.items() if n.startswith("screen:") and a.get("class") in ("visited", "final")}
    assert screens <= marked  # system screens passed inside a step are marked too
    finals = [n for n, a in dot.nodes.items() if a.get("class") == "final"]
    final = f"screen:{result.final_screen}"
    assert final in finals and dot.nodes[final]["peripheries"] == "2"
    assert f"account:{result.final_world['subscription']}" in finals


def test_diagram_highlight_draws_only_the_views_it_passes(capsys, tmp_path):
    assert _run(capsys, "diagram", "-o", str(tmp_path), "--format", "dot,mmd", "--highlight",
                str(SCENARIO_DIR / "cancel.yaml"))[0] == 0
    assert sorted(_files(tmp_path)) == ["cancel.path-cancel.dot", "cancel.path-cancel.mmd",
                                        "overview.path-cancel.dot", "overview.path-cancel.mmd"]
    mmd = (tmp_path / "cancel.path-cancel.mmd").read_text()
    assert "confirm_unsubscribe --> note_cancelled : (4) Yes" in mmd
    assert "class license_menu final" in mmd


def test_diagram_coverage_colours_exactly_the_passed_elements(capsys, tmp_path, kms_spec):
    names = ["cancel", "cancel_press_no", "no_money"]
    paths = [str(SCENARIO_DIR / f"{n}.yaml") for n in names]
    results = [run_scenario(load_scenario(p, kms_spec), kms_spec) for p in paths]
    counts = Counter(t for r in results for step in r.trace for t in step.taken)
    code, _, err = _run(capsys, "diagram", "-o", str(tmp_path), "--format", "dot", "--coverage", *paths)
    assert code == 0, err
    dot = parse_dot((tmp_path / "overview.coverage.dot").read_text())
    for edge_id, attrs in dot.edges.items():
        if not attrs.get("label"):
            continue
        transition_id = edge_id[5:].rsplit("@", 1)[0]
        expected = counts.get(transition_id, 0)
        classes = attrs["class"].split()
        assert classes == ["covered" if expected else "uncovered", f"count-{expected}"], edge_id
        assert (f"{expected}×" if expected else "never") in attrs["label"]
        if not expected:
            assert attrs["color"] == "#c62828"
    assert counts["confirm_unsubscribe.press_yes"] == 1 and counts["confirm_unsubscribe.press_no"] == 1
    record = json.loads((tmp_path / "coverage.json").read_text())
    assert record == coverage_of_results(kms_spec, results)
    entered = Counter(r.given["screen"] for r in results)
    for transition_id, count in counts.items():
        t = kms_spec.transition(transition_id)
        if t.region == "screens":
            entered[t.dest] += count
    assert entered["charging"] == 1  # a system screen passed inside one key press counts too
    for name in kms_spec.screens:
        node = dot.nodes[f"screen:{name}"]
        expected = entered.get(name, 0)
        assert node["class"] == f"{'covered' if expected else 'uncovered'} count-{expected}", name


def test_coverage_of_results_has_every_element_sorted(kms_spec):
    result = run_scenario(load_scenario(str(SCENARIO_DIR / "cancel.yaml"), kms_spec), kms_spec)
    record = coverage_of_results(kms_spec, [result, result])
    assert record["format"] == COVERAGE_FORMAT and record["traces"] == 2 and record["spec"] == kms_spec.name
    assert list(record["screens"]) == sorted(kms_spec.screens)
    assert list(record["transitions"]) == sorted(t.id for t in kms_spec.all_transitions())
    assert record["transitions"]["confirm_unsubscribe.press_yes"] == 2
    assert record["screens"]["main_menu"] == 2 and record["screens"]["note_cancelled"] == 2
    assert record["screens"]["terms"] == 0


def test_diagram_coverage_reads_coverage_json(capsys, tmp_path, kms_spec):
    record = {"format": COVERAGE_FORMAT, "spec": kms_spec.name, "traces": 7,
              "screens": {"terms": 7}, "transitions": {"terms.press_no": 5}}
    (tmp_path / "walk.json").write_text(json.dumps(record))
    out = tmp_path / "out"
    assert _run(capsys, "diagram", "-o", str(out), "--format", "dot", "--view", "one_click_buy",
                "--coverage", str(tmp_path / "walk.json"))[0] == 0
    dot = parse_dot((out / "one_click_buy.coverage.dot").read_text())
    covered = {e for e, a in dot.edges.items() if "covered" in a.get("class", "").split()}
    assert covered == {"edge:terms.press_no@terms"}
    assert dot.edges["edge:terms.press_no@terms"]["class"] == "covered count-5"
    assert dot.nodes["screen:terms"]["class"] == "covered count-7"


@pytest.mark.parametrize("argv, words", [
    (["--format", "dot,jpeg"], "unknown format 'jpeg'"),
    (["--view", "cancell"], "did you mean 'cancel'"),
    (["--highlight", "no/such/scenario.yaml"], "no such file"),
    (["--coverage", "spec/scenarios/cancel.yaml", "nope.json"], "no such file"),
])
def test_diagram_bad_argument_exits_2_and_writes_nothing(capsys, tmp_path, argv, words):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.dot").write_text("old")
    code, stdout, err = _run(capsys, "diagram", "-o", str(out), *argv)
    assert code == 2 and words in err and "Traceback" not in err
    assert _files(out) == {"keep.dot": b"old"}


def test_diagram_bad_view_in_spec_exits_2_with_line(capsys, tmp_path):
    text = KMS_SPEC.read_text(encoding="utf-8").replace("start: main_menu\n", "start: main_men\n")
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    line = text[:text.index("start: main_men\n")].count("\n") + 1
    code, _, err = _run(capsys, "diagram", str(spec), "-o", str(tmp_path / "out"))
    assert code == 2 and f"spec.yaml:{line}:" in err and "did you mean 'main_menu'" in err
    assert not (tmp_path / "out").exists()


def test_diagram_bad_coverage_json_exits_2(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": COVERAGE_FORMAT, "spec": "kms9_subscription", "traces": 1,
                               "screens": {"nowhere": 1}, "transitions": {}}))
    code, _, err = _run(capsys, "diagram", "-o", str(tmp_path / "out"), "--coverage", str(bad))
    assert code == 2 and "unknown screen 'nowhere'" in err
    assert not (tmp_path / "out").exists()


def test_diagram_highlight_and_coverage_together_is_refused(capsys, tmp_path):
    code, _, err = _run(capsys, "diagram", "-o", str(tmp_path / "out"), "--highlight", "a.yaml", "--coverage", "b.yaml")
    assert code == 2 and "not allowed with" in err
    assert not (tmp_path / "out").exists()


def test_diagram_highlight_of_a_failing_scenario_draws_it_and_exits_1(capsys, tmp_path):
    scenario = tmp_path / "wrong.yaml"
    scenario.write_text("name: wrong expectation\nsteps: [select_additional]\nexpect: {screen: license_menu}\n")
    code, _, err = _run(capsys, "diagram", "-o", str(tmp_path / "out"), "--format", "dot", "--highlight",
                        str(scenario))
    assert code == 1 and "failed" in err
    dot = parse_dot((tmp_path / "out" / "overview.path-wrong.dot").read_text())
    assert dot.edges["edge:main_menu.select_additional@main_menu"]["class"] == "path step-1"
    assert "FAILED" in dot.graph["label"]
