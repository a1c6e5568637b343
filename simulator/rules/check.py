"""The checks that need the rule book: does the spec's book exist, does it implement every name.

They sit here, above the spec layer, because they import rule books; the
structural checks that need only the spec are in :mod:`simulator.spec.check`.
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Iterator

from ..errors import Problem, SpecError
from ..spec.model import Spec
from ..spec.reader import did_you_mean
from . import RuleBook, available_rule_books, load_rules

__all__ = ["RULE_CHECKS", "rule_book_of", "check_rules", "check_implemented", "check_initial_world"]


def rule_book_of(spec: Spec) -> RuleBook | None:
    """The spec's rule book, or None when it names none that exists (check_rules says so)."""
    try:
        return load_rules(spec.rules)
    except SpecError:
        return None


def check_rules(spec: Spec) -> Iterator[Problem]:
    if rule_book_of(spec) is None:
        books = available_rule_books()
        yield Problem(spec.loc_of("rules"), "error", f"unknown rule book {spec.rules!r}"
                      f"{did_you_mean(spec.rules, books)}; available: {', '.join(books)}", "unknown-rules")


def check_implemented(spec: Spec) -> Iterator[Problem]:
    """Every guard and effect the spec declares has a Python function in its rule book."""
    book = rule_book_of(spec)
    if book is None:
        return
    for kind, declared, implemented in (("guard", spec.guards, book.guards), ("effect", spec.effects, book.effects)):
        for name, item in declared.items():
            if name not in implemented:
                yield Problem(item.loc, "error", f"{kind} {name!r} has no Python implementation in rule book "
                              f"{spec.rules!r}{did_you_mean(name, implemented)}", f"unimplemented-{kind}")


def check_initial_world(spec: Spec) -> Iterator[Problem]:
    """The initial world (every variable's ``initial``, the parameters' defaults) meets the spec's constraints.

    A run with no ``given`` starts there (``kmsflow play``, a scenario without
    given): a world the spec itself says cannot occur would otherwise be found
    only by playing it. Each broken constraint is reported at its place in
    ``constraints:``. Guards only read, so they are asked on a plain copy of
    the values; one that reads anything else is left to the checks that
    report it (the walk names the guard and what it read).
    """
    book = rule_book_of(spec)
    if book is None:
        return
    values = {**{name: p.default for name, p in spec.parameters.items()},
              **{name: v.initial for name, v in spec.variables.items()}}
    world = SimpleNamespace(**{"note": None, "history": (), **values})  # a variable's own name wins
    shown = ", ".join(f"{name}={v.initial}" for name, v in spec.variables.items())
    if spec.parameters:
        shown += "; " + ", ".join(f"{name}={p.default}" for name, p in spec.parameters.items())
    for index, name in enumerate(spec.constraints):
        guard = book.guards.get(name)
        if guard is None:
            continue  # check_implemented says so
        try:
            met = bool(guard(world))
        except AttributeError:
            continue
        if not met:
            doc = (spec.guards[name].doc if name in spec.guards else "").strip().rstrip(".") or name
            yield Problem(spec.key_locs.get(f"constraints#{index}", spec.loc_of("constraints")), "error",
                          f"the initial world ({shown}) breaks constraint {name!r}: "
                          f"{doc}. Change an initial value under world: or the constraint", "initial-world-invalid")


RULE_CHECKS = (check_rules, check_implemented, check_initial_world)
