"""Every Mermaid file kmsflow writes is checked by Mermaid's own parser and renderer.

tools/mermaid runs mermaid 11 in Node with jsdom (`make mermaid` installs it; `make test`
depends on it). `--strict` also refuses text that parses but means something else
than written; `--render` runs the renderer, which crashes on some texts that parse;
`--json` returns the states and arrows Mermaid understood, compared here with the
drawing model the .mmd was written from.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter

import pytest

from simulator.cli import main
from simulator.draw.diagram_model import build_diagram
from simulator.draw.views import load_views

from .conftest import ROOT, SPEC_DIR

CHECKER = ROOT / "tools" / "mermaid" / "mermaid_check.mjs"
COMMITTED = sorted((ROOT / "diagrams").glob("*.mmd"))


def _mermaid(*args: str) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    assert node, "Node.js is needed for the Mermaid check: run `make mermaid`"
    assert (CHECKER.parent / "node_modules" / "mermaid").is_dir(), "run `make mermaid` to install Mermaid"
    return subprocess.run([node, str(CHECKER), *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def committed_parsed() -> dict[str, dict]:
    """Mermaid's reading of every committed .mmd (one Node process for all of them)."""
    done = _mermaid("--json", "--strict", "--render", *map(str, COMMITTED))
    results = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return {result["path"]: result for result in results}


def test_mermaid_parser_accepts_every_committed_diagram(committed_parsed):
    assert len(COMMITTED) >= 4
    assert sorted(committed_parsed) == sorted(map(str, COMMITTED))
    failed = {path: r.get("error") for path, r in committed_parsed.items() if not r["ok"]}
    assert not failed, failed


def test_mermaid_parser_accepts_path_and_coverage_overlays(tmp_path):
    scenarios = [str(SPEC_DIR / "scenarios" / n) for n in ("cancel.yaml", "no_money.yaml", "cancel_then_resume.yaml")]
    for scenario in scenarios:
        assert main(["diagram", "-o", str(tmp_path), "--format", "mmd", "--highlight", scenario]) == 0
    assert main(["diagram", "-o", str(tmp_path), "--format", "mmd", "--coverage", *scenarios]) == 0
    files = sorted(map(str, tmp_path.glob("*.mmd")))
    assert len(files) >= 5
    done = _mermaid("--strict", "--render", *files)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mermaid_parser_rejects_broken_text(tmp_path):
    # The check can fail: a diagram with an unclosed composite state is refused.
    broken = tmp_path / "broken.mmd"
    broken.write_text("stateDiagram-v2\n    state Outer {\n        a --> b\n")
    done = _mermaid("--strict", str(broken))
    assert done.returncode == 1 and "ERROR" in done.stdout


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.stem)
def test_mermaid_understands_the_same_arrows_as_the_drawing_model(kms_spec, committed_parsed, path):
    parsed = committed_parsed[str(path)]
    assert parsed["ok"], parsed.get("error")
    views = load_views(kms_spec)
    diagram = build_diagram(kms_spec, views, views.get(path.stem))
    # Every state box the model draws is a state Mermaid knows, under the same title.
    labels = Counter(node["label"] for node in parsed["nodes"])
    for node in diagram.nodes:
        if node.kind in ("screen", "account"):
            assert labels[node.title] >= 1, node.title
    # Every transition once, with its event first: a line of an arrow's label (transitions between the same two
    # states share an arrow), or a line in its source's box: ↻ it stays in its state, ↩ the way back along an
    # arrow drawn without words.
    lines = [line for e in parsed["edges"] if e["label"] for line in re.split(r"<br\s*/?>", e["label"])]
    inside = [" ".join(n.get("descriptions", [])) for n in parsed["nodes"] if not n["id"].startswith("kmsflow_legend")]
    lines += [part for text in inside for part in re.split("[↻↩] ", text)[1:]]
    transitions = [e for e in diagram.edges if e.is_transition]
    assert len(lines) == len(transitions)
    lines = [re.sub(r"^\(\d+(, \d+)*\) ", "", line.strip()) for line in lines]  # a how-to path's step numbers
    assert Counter(line.split(" [")[0].split(" /")[0].split(" (")[0].strip() for line in lines) == \
        Counter(e.event for e in transitions)
    pairs = [(e["start"], e["end"]) for e in parsed["edges"] if e["label"]]
    assert len(pairs) == len(set(pairs)), "two arrows between the same two states: Mermaid draws one over the other"
