"""Legibility of the KMS spec's diagrams, measured (run by `make bench`; prints a table, asserts nothing).

Every view laid out by Graphviz (`dot -Tjson`) and by Mermaid in headless Chromium, checked by
simulator.draw.layout_check: overlaps, hidden labels, labels crossed by an arrow or far from it,
crossings, and the smallest text when the diagram is shown 1,280 px wide. The overview's figures
before issue 14 (commit a49bb61, measured by the same check) are printed beside today's.

Usage: python bench/bench_layout.py [--no-mermaid]
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from simulator import load_checked_spec  # noqa: E402
from simulator.draw.diagrams import DiagramRequest, layout_reports  # noqa: E402
from simulator.draw.layout_check import DOCS_WIDTH  # noqa: E402
from simulator.draw.views import load_views  # noqa: E402
from simulator.errors import KmsflowError  # noqa: E402

SPEC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "spec", "kms9_subscription.yaml")

#: The committed overview before issue 14 (a49bb61), measured by `kmsflow diagram --check-layout`.
BEFORE = {
    ("overview", "graphviz"): {"overlaps": 6, "hidden": 2, "crossings": 91, "min_text_px": 3.6},
    ("overview", "mermaid"): {"overlaps": 7, "hidden": 1, "crossings": 7, "min_text_px": 6.9},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-mermaid", action="store_true", help="Graphviz only (no Chromium needed)")
    args = parser.parse_args()
    spec = load_checked_spec(SPEC)
    views = load_views(spec)
    formats = ("dot",) if args.no_mermaid else ("dot", "mmd")
    start = time.perf_counter()
    try:
        reports = layout_reports(spec, views, DiagramRequest(views.views, formats))
    except KmsflowError as exc:  # Chromium or Mermaid missing: say so, measure Graphviz alone
        print(f"Mermaid not measured: {exc}")
        reports = layout_reports(spec, views, DiagramRequest(views.views, ("dot",)))
    took = time.perf_counter() - start
    print(f"\nLayout check, KMS spec ({took:.1f} s for {len(reports)} drawings; text height at {DOCS_WIDTH} px wide)")
    header = f"{'view':<14} {'layout':<9} {'overlaps':>8} {'hidden':>6} {'crossed':>7} {'far':>4} {'crossings':>9} " \
             f"{'min text px':>11}"
    print(header)
    print("-" * len(header))
    for r in reports:
        print(f"{r.name:<14} {r.fmt:<9} {len(r.overlaps):>8} {len(r.hidden):>6} {len(r.crossed):>7} {len(r.far):>4} "
              f"{r.crossings:>9} {r.min_text_px:>11.1f}")
    print("\nOverview before issue 14 (a49bb61) -> now")
    for r in reports:
        before = BEFORE.get((r.name, r.fmt))
        if before:
            print(f"  {r.fmt:<9} crossings {before['crossings']} -> {r.crossings}; smallest text "
                  f"{before['min_text_px']} -> {r.min_text_px:.1f} px; overlaps {before['overlaps']} -> "
                  f"{len(r.overlaps)}; hidden labels {before['hidden']} -> {len(r.hidden)}")


if __name__ == "__main__":
    main()
