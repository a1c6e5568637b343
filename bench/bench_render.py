"""Benchmark of diagram rendering (run by `make bench`; prints tables, asserts nothing).

1. Every view of the KMS spec in every format: time to build the drawing and
   produce the file (SVG/PNG include Graphviz's layout).
2. Synthetic specs of 100 and 1,000 screens (simulator.spec.synthetic, seed 1):
   time kmsflow takes to produce the overview's DOT, the layout engine it
   picks for that size, and that engine's layout time (`dot -Tsvg` on the
   file, which honours the file's `layout=` attribute), with a time cap.

Usage: python bench/bench_render.py [--repeat N] [--cap SECONDS] [--compare-dot]
  --compare-dot  also time Graphviz's `dot` engine on the synthetic specs (capped), to show why it is not used.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from simulator import load_checked_spec  # noqa: E402
from simulator.draw.diagram_model import build_diagram  # noqa: E402
from simulator.draw.diagrams import FORMATS  # noqa: E402
from simulator.draw.render_dot import DOT_NODE_LIMIT, choose_engine, render_dot, render_image  # noqa: E402
from simulator.draw.render_mermaid import render_mermaid  # noqa: E402
from simulator.spec.synthetic import synthetic_spec  # noqa: E402
from simulator.draw.views import load_views  # noqa: E402


def _median_ms(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _render(spec, views, view, fmt):
    diagram = build_diagram(spec, views, view)
    if fmt == "mmd":
        return render_mermaid(diagram)
    dot = render_dot(diagram)
    return dot if fmt == "dot" else render_image(dot, fmt)


def _layout_seconds(dot_text: str, cap: float, engine: str | None = None) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".dot", delete=False, encoding="utf-8") as handle:
        handle.write(dot_text)
    command = ["dot", "-Tsvg", "-o", os.devnull, handle.name] + ([f"-K{engine}"] if engine else [])
    start = time.perf_counter()
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=cap)
        elapsed = time.perf_counter() - start
        note = "" if not run.stderr else f" (stderr: {run.stderr.strip().splitlines()[0][:60]})"
        return f"{elapsed:8.2f} s{note}" if run.returncode == 0 else f"failed: {run.stderr.strip()[:60]}"
    except subprocess.TimeoutExpired:
        return f"  > {cap:.0f} s (stopped)"
    finally:
        os.unlink(handle.name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per KMS measurement (median shown)")
    parser.add_argument("--cap", type=float, default=120, help="time cap for one Graphviz layout, seconds")
    parser.add_argument("--compare-dot", action="store_true", help="also time the dot engine on synthetic specs")
    args = parser.parse_args()

    spec = load_checked_spec()
    views = load_views(spec)
    print("Rendering the KMS spec's views (median of", args.repeat, "runs, milliseconds)")
    print(f"{'view':<16}" + "".join(f"{fmt:>10}" for fmt in FORMATS))
    for view in views.views:
        cells = [_median_ms(lambda view=view, fmt=fmt: _render(spec, views, view, fmt), args.repeat) for fmt in FORMATS]
        print(f"{view.name:<16}" + "".join(f"{ms:10.1f}" for ms in cells))
    print()
    print(f"Synthetic specs (seed 1): engine rule: dot up to {DOT_NODE_LIMIT} nodes, sfdp above "
          "(dot took 28 s on a tangled 100-state graph and did not finish at 500).")
    print(f"{'screens':>8} {'nodes':>6} {'edges':>6} {'DOT by kmsflow':>15} {'engine':>7} {'layout':>12}")
    with tempfile.TemporaryDirectory() as folder:
        for n in (100, 1000):
            print(f"  generating {n} screens...", file=sys.stderr)
            big = synthetic_spec(os.path.join(folder, f"synthetic_{n}.yaml"), n)
            big_views = load_views(big)
            start = time.perf_counter()
            diagram = build_diagram(big, big_views, big_views.views[0])
            dot_text = render_dot(diagram)
            produce = time.perf_counter() - start
            engine = choose_engine(diagram)
            print(f"  laying out {n} screens with {engine}...", file=sys.stderr)
            layout = _layout_seconds(dot_text, args.cap)
            print(f"{n:>8} {len(diagram.nodes):>6} {len(diagram.edges):>6} {produce:13.2f} s {engine:>7} {layout}")
            if args.compare_dot and engine != "dot":
                print(f"{'':>8} {'':>6} {'':>6} {'':>15} {'dot':>7} {_layout_seconds(dot_text, args.cap, 'dot')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
