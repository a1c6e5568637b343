"""The world: the values a flow's guards read and its effects change.

One object holds the spec's world variables, its parameters (read-only by
convention), the kind of the latest result note and the history of what a rule
book records. Rules read and write it as plain attributes (``w.credit -= w.price``).
"""
from __future__ import annotations

from typing import Any

from ..errors import Loc, Problem, UsageError
from ..spec.model import Spec

__all__ = ["World", "make_world"]


class World:
    """Variables, parameters, the latest note, and what happened so far."""

    def __init__(self, variables: dict[str, Any], parameters: dict[str, int]):
        self._variable_names = tuple(variables)
        self._parameter_names = tuple(parameters)
        for name, value in {**parameters, **variables}.items():
            setattr(self, name, value)
        self.note: str | None = None
        self.history: list[tuple] = []

    def record(self, kind: str, *detail: Any) -> None:
        """Append to the history (what a rule book records: payments, notes, failed attempts, ...)."""
        self.history.append((kind, *detail))

    def show_note(self, kind: str) -> None:
        self.note = kind
        self.record("note", kind)

    @property
    def variable_names(self) -> tuple[str, ...]:
        return self._variable_names

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return self._parameter_names

    def variables(self) -> dict[str, Any]:
        """The world variables and the latest note: what a scenario can expect."""
        out = {name: getattr(self, name) for name in self._variable_names}
        out["note"] = self.note
        return out

    def parameters(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self._parameter_names}

    def snapshot(self) -> tuple:
        """Everything needed to restore this world exactly (see :meth:`restore`).

        The history only grows, so a snapshot keeps its length, not a copy: taking
        one costs the same however long the run has been.
        """
        return (tuple(getattr(self, n) for n in self._variable_names + self._parameter_names),
                self.note, len(self.history))

    def restore(self, snapshot: tuple) -> None:
        """Go back to ``snapshot``; snapshots are restored newest first (an undo stack), as the history grows."""
        values, self.note, length = snapshot
        for name, value in zip(self._variable_names + self._parameter_names, values):
            setattr(self, name, value)
        del self.history[length:]

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.variables().items())
        return f"World({inner})"


def make_world(spec: Spec, overrides: dict[str, Any] | None = None) -> World:
    """A world at the spec's initial values and parameter defaults, with ``overrides`` applied.

    ``overrides`` may name world variables, parameters and ``note``; the caller
    (scenario loading, the CLI) has already checked types. Raises UsageError
    for a name the spec does not have.
    """
    overrides = dict(overrides or {})
    note = overrides.pop("note", None)
    variables = {name: overrides.pop(name, var.initial) for name, var in spec.variables.items()}
    parameters = {name: overrides.pop(name, p.default) for name, p in spec.parameters.items()}
    if overrides:
        known = ", ".join(sorted({*spec.variables, *spec.parameters, "note"}))
        raise UsageError(Problem(Loc(spec.path), "error", f"unknown world names {', '.join(sorted(overrides))}; "
                                 f"known: {known}", "unknown-name"))
    world = World(variables, parameters)
    world.note = note
    return world
