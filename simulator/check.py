"""``kmsflow check``: every problem of a loaded spec, from each layer that can see it.

The structural checks need only the spec (:mod:`simulator.spec.check`); the
rule-book checks need the rules layer (:mod:`simulator.rules.check`). This
module puts them together, so it sits above both.
"""
from __future__ import annotations

from .errors import Problem, SpecError
from .rules.check import RULE_CHECKS, rule_book_of
from .spec.check import (RESERVED_NAMES, SPEC_CHECKS, WALK_SECTION_CHECKS, assumption_screens, assumption_trace,
                         kb_trace, screen_graph)
from .spec.load import load_spec
from .spec.memory import paused_gc
from .spec.model import Spec

__all__ = ["check_spec", "load_checked_spec", "kb_trace", "assumption_trace", "assumption_screens", "screen_graph",
           "RESERVED_NAMES"]


def check_spec(spec: Spec) -> list[Problem]:
    """Every structural problem of ``spec``, sorted by position (errors and warnings)."""
    checks = [*RULE_CHECKS, *SPEC_CHECKS]
    # The walk's sections are reported once the rule book exists: without it the
    # walk cannot run, and the missing book is the one thing to fix first.
    if rule_book_of(spec) is not None:
        checks += WALK_SECTION_CHECKS
    with paused_gc():  # a big spec's checks build many small objects and no cycles (see simulator.spec.memory)
        return sorted({p for check in checks for p in check(spec)})


def load_checked_spec(path: str | None = None) -> Spec:
    """Load and check a spec; raise SpecError if it has any error (warnings pass)."""
    spec = load_spec(path)
    errors = [p for p in check_spec(spec) if p.level == "error"]
    if errors:
        raise SpecError(errors)
    return spec
