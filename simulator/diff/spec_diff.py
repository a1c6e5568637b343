"""``diff_specs(old, new) -> SpecDiff``: what changed between two versions of a spec, as a library call.

>>> from simulator import load_checked_spec
>>> from simulator.diff import diff_specs
>>> from simulator.spec.starter import starter_spec_path
>>> spec = load_checked_spec(starter_spec_path())
>>> result = diff_specs(spec, spec, behaviour=False)
>>> result.changes, result.equal
([], True)

A :class:`SpecDiff` holds the structural changes (:mod:`.structure`) and,
unless ``behaviour=False``, the behavioural diff (:mod:`.behaviour`): the
lockstep walk's counts, the shortest distinguishing event sequence and the
properties whose verdict changed. :meth:`SpecDiff.to_json` is the shape
``kmsflow diff --json`` prints (``simulator/diff/schema.json`` describes it).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable

from ..output import write_atomic
from ..runtime.scenario import scenario_text, spec_reference
from ..spec.model import Spec
from ..walk.export import scenario_of_path
from .behaviour import BehaviourDiff, compare_behaviour
from .structure import Change, structural_changes

__all__ = ["SpecDiff", "diff_specs", "write_scenarios", "JSON_FORMAT", "SCENARIO_FILES"]

#: The ``format`` field of ``kmsflow diff --json``.
JSON_FORMAT = "kmsflow-diff/1"
#: The scenario files ``--scenarios DIR`` writes: (file, passes on, fails on).
SCENARIO_FILES = (("old_not_new.yaml", "OLD", "NEW"), ("new_not_old.yaml", "NEW", "OLD"))


@dataclass
class SpecDiff:
    """The differences between two specs: structure always, behaviour when it was compared."""

    old: Spec
    new: Spec
    changes: list[Change]
    behaviour: BehaviourDiff | None = None

    @property
    def structurally_equal(self) -> bool:
        return not self.changes

    @property
    def behaviourally_equivalent(self) -> bool | None:
        """True/False when the behaviour was compared, None when it was not."""
        return None if self.behaviour is None else self.behaviour.equivalent

    @property
    def equal(self) -> bool:
        """No structural change, and (when compared) the same behaviour and the same property verdicts."""
        if self.behaviour is None:
            return self.structurally_equal
        return self.structurally_equal and self.behaviour.equivalent and not self.behaviour.changed_verdicts

    def to_json(self) -> dict[str, Any]:
        """Exactly the shape ``kmsflow diff --json`` promises (see ``simulator/diff/schema.json``)."""
        counts = {kind: sum(c.change == kind for c in self.changes) for kind in ("added", "removed", "changed")}
        return {
            "format": JSON_FORMAT,
            "old": {"source": self.old.path, "spec": self.old.name},
            "new": {"source": self.new.path, "spec": self.new.name},
            "equal": self.equal,
            "structure": {"equal": self.structurally_equal, **counts,
                          "changes": [change.to_json() for change in self.changes]},
            "behaviour": self.behaviour.to_json() if self.behaviour is not None else None,
        }


def diff_specs(old: Spec, new: Spec, *, behaviour: bool = True, domain: list[str] = (), bounds: list[str] = (),
               progress: Callable[[str], None] | None = None) -> SpecDiff:
    """Compare two loaded specs: structurally, and (``behaviour=True``) by walking both in lockstep.

    ``domain`` and ``bounds`` are overrides as ``kmsflow explore`` takes them
    (``"credit=0,3"``, ``"credit=40"``). Raises SpecError for a spec the
    walk refuses (bad domain or properties section, a guard that reads what
    a configuration does not keep), FlowRuntimeError when a spec gets stuck
    when run, UsageError for a bad override.
    """
    changes = structural_changes(old, new)
    compared = compare_behaviour(old, new, list(domain), list(bounds), progress) if behaviour else None
    return SpecDiff(old, new, changes, compared)


def write_scenarios(result: SpecDiff, folder: str) -> list[tuple[str, str, str]]:
    """Write the distinguishing sequence as a scenario passing on OLD and failing on NEW, and its mirror.

    Returns (file, passes on, fails on) per file written; nothing when the
    specs behave the same. A scenario names its spec (``spec:``) when that
    spec is a file, so ``kmsflow simulate FILE`` replays it there and
    ``kmsflow simulate --spec OTHER FILE`` on the other one.
    """
    found = result.behaviour.distinguishing if result.behaviour else None
    if found is None:
        return []
    written = []
    for (name, passes, fails), spec, other, path in zip(SCENARIO_FILES, (result.old, result.new),
                                                       (result.new, result.old), (found.old_path, found.new_path)):
        if path is None:  # the last event is not this spec's: no scenario of it can name it
            continue
        file = os.path.join(folder, name)
        # A version read from git (REV:PATH) is no file a scenario can name: say how to get one.
        reference = spec_reference(spec.path, file) if os.path.isfile(spec.path) else None
        on_it = f"kmsflow simulate {file}" if reference else \
            f"kmsflow simulate --spec FILE {file} (FILE: git show {spec.path} > FILE)"
        on_other = f"kmsflow simulate --spec {other.path} {file}" if os.path.isfile(other.path) else \
            f"kmsflow simulate --spec FILE {file} (FILE: git show {other.path} > FILE)"
        comment = (f"Distinguishing scenario written by kmsflow diff: passes on {passes} ({spec.path}) and fails "
                   f"on {fails} ({other.path}).\n{found.summary()}.\n"
                   f"Passes: {on_it}\nFails: {on_other}")
        title = f"{'old' if passes == 'OLD' else 'new'} behaviour: {found.summary()}"
        if path.steps:
            text = scenario_of_path(spec, path, title, reference, comment)
        else:  # they differ before any step (another home screen): expect where this spec starts
            expect = {"screen": path.start_screen, **{k: v for k, v in path.given.items() if k in spec.variables}}
            text = scenario_text(title, path.given, [], expect, reference, comment)
        write_atomic(file, text)
        written.append((file, passes, fails))
    return written
