"""Benchmark of ``kmsflow mutate``: every mutant of the KMS spec against spec/scenarios, on 2 processes.

Prints one row: mutants, how they were classified, the score, and the wall time (goal: under 60 s on 2
cores; the CPU time, halved, is what two free cores would take on a machine others share). Run in a
fresh subprocess so that nothing of an earlier row is cached.

    python bench/bench_mutate.py            # or: make bench
"""
from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOAL_SECONDS = 60


def main() -> int:
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "simulator", "mutate", "--suite", "spec/scenarios", "--jobs", "2"],
                         cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and its worker processes
    cpu = usage.ru_utime + usage.ru_stime
    if run.returncode not in (0, 1):
        print(run.stderr, file=sys.stderr)
        return run.returncode
    total = re.search(r"^total\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", run.stdout, re.M)
    score = re.search(r"\(([0-9.]+) %\)", run.stdout)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{'mutate (KMS, spec/scenarios, 2 processes)':44s} {seconds:7.1f} s ({cpu:.0f} s CPU)  "
          f"mutants {total.group(1)}: killed {total.group(2)}, equivalent {total.group(3)}, "
          f"survived {total.group(4)}; score {score.group(1)} %  (goal < {GOAL_SECONDS} s; load {load:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
