"""Start-up: `kmsflow --help` and `kmsflow check` load only what they use (issue 11, item 5).

Timing belongs in `make bench` (bench/bench_xstate.py prints both start-ups); what can be held in a test
is the cause of a slow start: which heavy libraries a command imports. `--help` needs argparse alone;
`check` reads YAML but needs neither the state machine, networkx nor Graphviz for a spec without cycles
(a spec with a signal or system loop still gets networkx's list of cycles: tests/test_check.py,
tests/test_semantics.py).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KMS = ROOT / "spec" / "kms9_subscription.yaml"
HEAVY = ("networkx", "yaml", "graphviz", "transitions", "simulator.walk.explore", "simulator.runtime.machine")

_PROBE = """
import json, sys
from simulator.cli import main
status = main(sys.argv[1:])
print("\\nPROBE " + json.dumps({"status": status, "loaded": [m for m in %r if m in sys.modules]}), file=sys.stderr)
""" % (HEAVY,)


def _loaded_by(*argv: str) -> tuple[int, list[str]]:
    done = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, cwd=ROOT,
                          timeout=60)
    report = json.loads(done.stderr.rsplit("PROBE ", 1)[1])  # after the command's own messages
    return report["status"], report["loaded"]


def test_help_loads_no_library():
    status, loaded = _loaded_by("--help")
    assert status == 0
    assert loaded == []


def test_bad_usage_loads_no_library():
    status, loaded = _loaded_by("explore", "--no-such-option")
    assert status == 2
    assert loaded == []


def test_check_loads_yaml_but_not_the_machine_the_walk_networkx_or_graphviz():
    status, loaded = _loaded_by("check", str(KMS))
    assert status == 0
    assert loaded == ["yaml"]



def test_explore_json_needs_no_graph_library():
    # Its figures are read off the walk's own arrays; networkx is loaded for an exact lower bound (the text
    # report) or when the product graph is asked for as a networkx graph.
    status, loaded = _loaded_by("explore", "--json", str(KMS))
    assert status == 0
    assert "networkx" not in loaded and "graphviz" not in loaded
    # The walk fires the compiled table itself: the transitions library and the simulator built on it are
    # for scenarios and the text report's retold paths.
    assert "transitions" not in loaded and "simulator.runtime.machine" not in loaded
