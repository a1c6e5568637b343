"""kmsflow side by side with @xstate/graph on the ring workload of issue 11 (``make bench``).

For each size (500, 5,000 and 50,000 screens by default) it writes the ring
spec (simulator.spec.synthetic.ring_spec_text) and the same chords as JSON for
the Node side (bench/xstate/ring.mjs, xstate and @xstate/graph pinned in
bench/xstate/package-lock.json, installed by ``make bench`` with ``npm ci``).

1. Agreement first: ``kmsflow explore --json`` and the xstate machine's
   adjacency map must count the same configurations and edges, or nothing is timed.
2. Whole processes, alternating (kmsflow, Node, kmsflow, ...) so a busy moment
   of this shared machine falls on both: ``kmsflow check``, ``kmsflow explore
   --json`` and ``kmsflow paths --criterion transitions`` against one Node
   process that builds the machine and runs ``getShortestPaths``. Medians of
   the wall times, the ratio of medians (peer / kmsflow: above 1, kmsflow is
   faster), peak resident memory. Each kmsflow command runs three ways: with the
   spec cache off, as the first run after a change (an empty cache: it writes the
   entry), and cached (simulator.spec.cache). Up to 5,000 screens the Node side's test
   model paths (createTestModel(...).getShortestPaths()) are timed too, apart.
3. Where kmsflow's time goes, in one process: load, check, walk, properties,
   each suite, the transitions suite's lower bound.
4. Start-up: ``kmsflow --help`` and ``kmsflow check`` on the KMS spec.

kmsflow's modules are byte-compiled first, as a regular ``pip install`` does: the
editable install compiles none, and with PYTHONDONTWRITEBYTECODE set every run would
compile them again.

    python bench/bench_xstate.py                      # or: make bench
    python bench/bench_xstate.py --sizes 500 5000 --repeat 3
"""
from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE_DIR = os.path.join(ROOT, "bench", "xstate")
# The command as users run it: the entry point installed beside this Python (the virtualenv's), else the module.
_ENTRY = os.path.join(os.path.dirname(sys.executable), "kmsflow")
#: Sizes up to which the Node side's test-model paths are timed too (printed, not part of the ratio).
TEST_MODEL_UP_TO = 5000
KMSFLOW = [_ENTRY] if os.path.exists(_ENTRY) else [sys.executable, "-m", "simulator"]
if os.environ.get("KMSFLOW_BENCH_COMMAND"):  # another kmsflow to time, e.g. "python -m simulator" in an older checkout
    KMSFLOW = os.environ["KMSFLOW_BENCH_COMMAND"].split()


def timed(command: list[str], cwd: str | None = None, env: dict | None = None) -> tuple[float, str]:
    """(wall seconds, standard output) of one whole process; a failure stops the bench."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, text=True,
                               env=env)
    out, err = process.communicate()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{err[-2000:]}")
    return time.perf_counter() - started, out


def measured(command: list[str], cwd: str | None = None, env: dict | None = None) -> tuple[float, float, float]:
    """(wall seconds, peak resident MB, CPU seconds) of one process, measured by a helper whose only child it is
    (RUSAGE_CHILDREN's peak is then that process's own)."""
    helper = [sys.executable, __file__, "--rusage", json.dumps(command)]
    _, out = timed(helper, cwd, env)
    result = json.loads(out.splitlines()[-1])
    return result["wall"], result["peak_mb"], result["cpu"]


def _rusage_child(command: list[str]) -> int:
    import resource

    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = process.communicate()
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    sys.stdout.write(out if out.endswith("\n") or not out else out + "\n")
    if process.returncode:
        sys.stderr.write(err[-2000:])
        return process.returncode
    print(json.dumps({"wall": wall, "peak_mb": peak, "cpu": cpu}))
    return 0


#: kmsflow's side: each command as users run it (and the ratio's denominator), the spec named last.
COMMANDS = {"check": ["check"], "explore --json": ["explore", "--json"],
            "paths --criterion transitions": ["paths", "--criterion", "transitions"]}
FIRST, CACHED = ", 1st run", ", cached"


def phases(path: str) -> dict:
    """Run in a child: kmsflow's phases on one spec, each timed once (load, check, walk, ..., lower bound)."""
    sys.path.insert(0, ROOT)
    seconds: dict[str, float] = {}

    def clock(name, fn, *args):
        started = time.perf_counter()
        value = fn(*args)
        seconds[name] = time.perf_counter() - started
        return value

    from simulator.check import check_spec, load_and_check
    from simulator.spec.load import load_spec
    from simulator.walk.explore import explore_spec
    from simulator.walk.findings import find_structural
    from simulator.walk.properties import check_properties, parse_properties
    from simulator.walk.suites import generate_suite, reach_of
    from simulator.walk.suites.lower_bound import transitions_lower_bound

    spec = clock("load", load_spec, path)
    clock("check", check_spec, spec)
    # The spec cache (simulator.spec.cache), in a folder of its own: the first load writes the entry, the next
    # reads it. Each includes the checks, as `kmsflow check` runs them.
    with tempfile.TemporaryDirectory(prefix="kmsflow-bench-cache-") as cache_folder:
        os.environ["KMSFLOW_CACHE"] = cache_folder
        clock("load+check 1st", load_and_check, path)
        clock("load+check again", load_and_check, path)
    os.environ["KMSFLOW_CACHE"] = "off"
    props = parse_properties(spec)
    graph = clock("walk", explore_spec, spec, None, props.flows)
    clock("properties", lambda: (check_properties(graph, props), find_structural(graph)))
    # What `explore --json` does instead of building the suites: the coverage figures read off the graph.
    clock("figures", lambda: [reach_of(graph, c) for c in ("screens", "transitions", "transition-pairs",
                                                            "guard-outcomes")])
    suites = {}
    for criterion in ("screens", "transitions", "transition-pairs", "guard-outcomes"):
        suites[criterion] = clock(criterion, generate_suite, graph, criterion)
    transitions = suites["transitions"]
    clock("lower bound", transitions_lower_bound, graph, transitions.coverable)
    return {"seconds": seconds, "steps": transitions.total_steps, "lower_bound": transitions.lower_bound,
            "method": transitions.lower_bound_method}


def _median(values: list[float]) -> float:
    return statistics.median(values)


def bench_size(size: int, repeat: int, folder: str) -> dict:
    sys.path.insert(0, ROOT)
    from simulator.spec.synthetic import ring_chords, ring_spec_text

    spec = os.path.join(folder, f"ring_{size}.yaml")
    chords = os.path.join(folder, f"ring_{size}.json")
    with open(spec, "w", encoding="utf-8") as handle:
        handle.write(ring_spec_text(size, seed=1))
    with open(chords, "w", encoding="utf-8") as handle:
        json.dump(ring_chords(size, seed=1), handle)
    ours = json.loads(timed(KMSFLOW + ["explore", "--json", spec], env={**os.environ, "KMSFLOW_CACHE": "off"})[1])
    theirs = json.loads(timed(["node", "ring.mjs", chords, "count"], NODE_DIR)[1])
    if (ours["configurations"], ours["edges"]) != (theirs["configurations"], theirs["edges"]):
        raise SystemExit(f"{size} screens: the two sides walk different machines: kmsflow {ours['configurations']} "
                         f"configurations, {ours['edges']} edges; xstate {theirs['configurations']}, "
                         f"{theirs['edges']}")
    # Each command three ways (see COMMANDS): the spec read from its file with the cache off; the first run
    # after a change, which reads the file and writes the cache entry (an empty cache folder); and every
    # later run on the same bytes, which reads the entry.
    cache_folder = os.path.join(folder, "cache")
    settings = {"": "off", FIRST: cache_folder, CACHED: cache_folder}
    commands = {f"{name}{how}": (KMSFLOW + [*words, spec], how) for name, words in COMMANDS.items()
                for how in settings if how != FIRST or name == "check"}
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in [*commands, "xstate"]}
    for index in range(repeat):
        # Alternate who goes first, so neither side always meets the machine just after the other.
        order = [*commands, "xstate"] if index % 2 == 0 else ["xstate", *commands]
        for name in order:
            if name == "xstate":
                wall, peak, cpu = measured(["node", "ring.mjs", chords, "shortest"], NODE_DIR)
            else:
                command, how = commands[name]
                if how == FIRST:
                    shutil.rmtree(cache_folder, ignore_errors=True)
                elif how == CACHED and not os.path.isdir(cache_folder):
                    timed(command, env={**os.environ, "KMSFLOW_CACHE": cache_folder})  # the entry, written
                wall, peak, cpu = measured(command, env={**os.environ, "KMSFLOW_CACHE": settings[how]})
            runs[name].append((wall, peak, cpu))
    result = {"size": size, "configurations": ours["configurations"], "edges": ours["edges"],
              "commands": list(commands)}
    for name, values in runs.items():
        result[name] = {"median_s": _median([w for w, _, _ in values]), "peak_mb": max(p for _, p, _ in values),
                        "cpu_s": _median([c for _, _, c in values])}
    child = subprocess.run([sys.executable, __file__, "--phases", spec], capture_output=True, text=True, check=True)
    result["phases"] = json.loads(child.stdout)
    if size <= TEST_MODEL_UP_TO:  # the test model's paths on top: 15 s at 5,000 screens, far longer above
        result["xstate_phases"] = json.loads(timed(["node", "ring.mjs", chords, "paths"], NODE_DIR)[1])
    return result


def startup(repeat: int = 5) -> dict:
    kms = os.path.join(ROOT, "spec", "kms9_subscription.yaml")
    out = {}
    for name, command in (("kmsflow --help", KMSFLOW + ["--help"]), ("kmsflow check (KMS spec)",
                                                                      KMSFLOW + ["check", kms])):
        out[name] = _median([timed(command)[0] for _ in range(repeat)])
    return out


def print_table(results: list[dict], start: dict) -> None:
    header = (f"{'screens':>8} {'configs':>8} {'edges':>8}  {'command':<38} {'kmsflow s':>9} {'xstate s':>8} "
              f"{'ratio':>6} {'CPU s':>6} {'CPU s':>6} {'ratio':>6} {'kmsflow MB':>10} {'xstate MB':>9}")
    print(header)
    print("-" * len(header))
    for row in results:
        peer = row["xstate"]
        for name in row["commands"]:
            mine = row[name]
            print(f"{row['size']:>8} {row['configurations']:>8} {row['edges']:>8}  {name:<38} {mine['median_s']:>9.2f} "
                  f"{peer['median_s']:>8.2f} {peer['median_s'] / mine['median_s']:>5.2f}x {mine['cpu_s']:>6.2f} "
                  f"{peer['cpu_s']:>6.2f} {peer['cpu_s'] / mine['cpu_s']:>5.2f}x {mine['peak_mb']:>10.0f} "
                  f"{peer['peak_mb']:>9.0f}")
    print("ratio: the xstate process's median over kmsflow's, wall and CPU (user + system) time (above 1: kmsflow is "
          "faster); xstate: one Node process building the machine and running getShortestPaths")
    print(f"kmsflow: the spec read from its file (KMSFLOW_CACHE=off); '{FIRST[2:]}': read, and the spec cache "
          f"written (the first run after a change); '{CACHED[2:]}': the spec and its findings read from the cache")
    for row in results:
        if "xstate_phases" in row:
            ph = row["xstate_phases"]
            print(f"  {row['size']} screens, inside Node: getShortestPaths {ph['shortest_s']:.2f} s "
                  f"({ph['paths']} paths), the test model's shortest paths {ph['test_model_s']:.2f} s "
                  f"({ph['test_paths']} paths)")
    print("\nwhere kmsflow's time goes (one process, seconds):")
    names = list(results[0]["phases"]["seconds"]) if results else []
    print(f"{'screens':>8} " + " ".join(f"{n:>16}" for n in names) + "  transitions suite / lower bound")
    for row in results:
        ph = row["phases"]
        ratio = ph["steps"] / ph["lower_bound"] if ph["lower_bound"] else float("nan")
        print(f"{row['size']:>8} " + " ".join(f"{ph['seconds'][n]:>16.2f}" for n in names)
              + f"  {ph['steps']} / {ph['lower_bound']} = {ratio:.2f}")
    print("\nstart-up (median of 5 runs): " + "; ".join(f"{k} {v:.2f} s" for k, v in start.items())
          + f" (target < 0.3 s; {os.cpu_count()} processors, load average {os.getloadavg()[0]:.1f})")


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--rusage":
        return _rusage_child(json.loads(sys.argv[2]))
    if len(sys.argv) == 3 and sys.argv[1] == "--phases":
        print(json.dumps(phases(sys.argv[2])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000, 50000])
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs per command (default 3)")
    args = parser.parse_args()
    if not os.path.isdir(os.path.join(NODE_DIR, "node_modules")):
        raise SystemExit("bench/xstate/node_modules is missing: run `make bench` (it runs npm ci there)")
    # kmsflow as an installed package runs: from bytecode compiled once. `pip install -e` compiles none,
    # and where PYTHONDONTWRITEBYTECODE is set (this machine sets it) every process would compile some
    # sixty modules again, about 0.5 s each time; pip's normal install compiles them when it installs.
    compileall.compile_dir(os.path.join(ROOT, "simulator"), quiet=1)
    folder = tempfile.mkdtemp(prefix="kmsflow-bench-")
    try:
        results = []
        for size in args.sizes:
            results.append(bench_size(size, args.repeat, folder))
            print(f"{size} screens done", file=sys.stderr, flush=True)
        print_table(results, startup())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
