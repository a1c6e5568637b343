"""What the command line offers before it loads the library: formats, criteria, choices and default limits.

``kmsflow --help`` and a mistyped argument should answer at once, so the
parser must not import the state machine, YAML, networkx or Graphviz just to
list a choice. Each value lives here once; the module that implements it
imports it from here (``draw.diagrams.FORMATS`` is :data:`DIAGRAM_FORMATS`),
so the two cannot drift apart. This module imports nothing.
"""
from __future__ import annotations

#: Diagram formats, in the order files are produced.
DIAGRAM_FORMATS = ("dot", "svg", "png", "mmd")

#: What ``diagram --tags`` may ask for: no tags, the article's step tags only, or those and the assumptions' ids.
TAG_CHOICES = ("none", "steps", "all")

#: Coverage criteria of a generated suite.
CRITERIA = ("screens", "transitions", "transition-pairs", "guard-outcomes", "simple")

#: File formats a suite is written in.
SUITE_FORMATS = ("scenarios", "pytest", "gherkin", "csv", "csv-steps")

#: Mutation operators, in the order their mutants are numbered.
MUTATION_OPERATORS = ("drop-guard", "invert-guard", "replace-guard", "retarget", "drop-effect", "double-effect",
                      "number", "parameter", "swap-notes", "swap-softkeys", "change-text", "remove-transition")

#: The default budget of configurations for one walk.
MAX_CONFIGURATIONS = 1_000_000

#: The default budget of simple paths: far more than a person reads, and a few hundred MB at most with
#: long paths (each step of a path kept costs about 200 bytes).
MAX_PATHS = 10_000

#: The most events one scenario sends, repeats counted (``kmsflow simulate --max-steps`` raises it): a run
#: keeps its trace for the report, about 1 KB and 0.1 ms a step, so a scenario at the limit takes about
#: 100 MB and 12 s.
MAX_SCENARIO_STEPS = 100_000
