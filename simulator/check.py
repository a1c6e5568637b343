"""``kmsflow check``: every problem of a loaded spec, from each layer that can see it.

The structural checks need only the spec (:mod:`simulator.spec.check`); the
rule-book checks need the rules layer (:mod:`simulator.rules.check`). This
module puts them together, so it sits above both.
"""
from __future__ import annotations

from .errors import KmsflowError, Problem, SpecError
from .rules.check import RULE_CHECKS, rule_book_of
from .spec import cache as spec_cache
from .spec.check import (READS_OTHER_FILES, RESERVED_NAMES, SPEC_CHECKS, WALK_SECTION_CHECKS, assumption_screens,
                         assumption_trace, kb_trace, screen_graph)
from .spec.load import load_spec
from .spec.memory import paused_gc
from .spec.model import Spec
from .spec.yamlsafe import read_input_bytes

__all__ = ["check_spec", "load_and_check", "load_checked_spec", "kb_trace", "assumption_trace", "assumption_screens",
           "screen_graph", "RESERVED_NAMES"]

# The checks whose findings the spec cache may keep, by group: they read the spec and nothing else. The walk's
# sections are reported once the rule book exists: without it the walk cannot run, and the missing book is the
# one thing to fix first. The rule book's own checks always run: a book is code that can change on its own.
_SPEC_ONLY = {"spec": tuple(check for check in SPEC_CHECKS if check not in READS_OTHER_FILES),
              "walk sections": WALK_SECTION_CHECKS}
_ALWAYS_RUN = (*RULE_CHECKS, *READS_OTHER_FILES)


def check_spec(spec: Spec) -> list[Problem]:
    """Every structural problem of ``spec``, sorted by position (errors and warnings)."""
    return _findings(spec, {})[0]


def _findings(spec: Spec, kept: dict[str, tuple[Problem, ...]]
              ) -> tuple[list[Problem], dict[str, tuple[Problem, ...]]]:
    """Every problem of ``spec``, and the findings of the spec-only groups found now (not in ``kept``)."""
    groups = ["spec"] + (["walk sections"] if rule_book_of(spec) is not None else [])
    with paused_gc():  # a big spec's checks build many small objects and no cycles (see simulator.spec.memory)
        fresh = {group: tuple({p for check in _SPEC_ONLY[group] for p in check(spec)})
                 for group in groups if group not in kept}
        found = {p for check in _ALWAYS_RUN for p in check(spec)}
    for group in groups:
        found.update(fresh[group] if group in fresh else kept[group])
    return sorted(found), fresh


def load_and_check(path: str | None = None) -> tuple[Spec, list[Problem]]:
    """Load a spec and find every problem of it (errors and warnings); SpecError when it cannot be read as one.

    A big spec that has not changed since a command last read it comes from the
    spec cache (:mod:`simulator.spec.cache`) with what its spec-only checks found.
    """
    if not path:
        from .spec.project import project_spec_path
        path = project_spec_path()
    try:
        data = read_input_bytes(path)
    except KmsflowError as exc:
        raise SpecError(exc.problems) from None
    cached = spec_cache.lookup(path, data)
    spec, kept = cached if cached is not None else (load_spec(path, data), {})
    problems, fresh = _findings(spec, kept)
    if fresh:
        spec_cache.store(path, data, spec, {**kept, **fresh})
    return spec, problems


def load_checked_spec(path: str | None = None) -> Spec:
    """Load and check a spec; raise SpecError if it has any error (warnings pass)."""
    spec, problems = load_and_check(path)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise SpecError(errors)
    return spec
