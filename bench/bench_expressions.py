"""Benchmark: guards and effects written as expressions in the spec against the rule book's Python functions.

The KMS spec is walked twice: as shipped (every guard and effect written as an expression, compiled) and
with the same rules hand-written in Python (tests/kms_rule_book.py builds that copy; the two walks are the
same graph, tests/test_rule_expr.py shows it). Goal: the expressions within 1.2x of the
functions. Each walk is timed five times, alternating, and the fastest of each is shown, so a busy machine
slows both alike.

    python bench/bench_expressions.py      # or: make bench
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPEAT = 5


def main() -> int:
    sys.path.insert(0, ROOT)
    from simulator import load_checked_spec
    from simulator.walk.explore import explore_spec
    from tests.kms_rule_book import KMS_SPEC, kms_with_rule_book

    with tempfile.TemporaryDirectory() as folder:
        specs = {"rule book (Python)": load_checked_spec(str(kms_with_rule_book(Path(folder)))),
                 "expressions in the spec": load_checked_spec(str(KMS_SPEC))}
        best = {name: float("inf") for name in specs}
        sizes = {}
        for _ in range(REPEAT):
            for name, spec in specs.items():
                started = time.perf_counter()
                graph = explore_spec(spec)
                best[name] = min(best[name], time.perf_counter() - started)
                sizes[name] = (len(graph.nodes), graph.edge_count)
    assert len(set(sizes.values())) == 1, sizes  # the same walk, or the comparison means nothing
    base = best["rule book (Python)"]
    print(f"\nGuards and effects: KMS walk ({sizes[name][0]:,} configurations, {sizes[name][1]:,} edges), "
          f"fastest of {REPEAT}")
    print(f"{'implementation':<26}{'walk':>9}{'ratio':>8}")
    for name, seconds in best.items():
        print(f"{name:<26}{seconds:>8.2f}s{seconds / base:>7.2f}x")
    ratio = best["expressions in the spec"] / base
    print(f"goal: expressions within 1.2x of the rule book: {'met' if ratio <= 1.2 else 'NOT met'} ({ratio:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
