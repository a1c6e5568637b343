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
from . import RuleBook, available_rule_books, load_rules, rules_of, written_rules_problems

__all__ = ["RULE_CHECKS", "rule_book_of", "check_rules", "check_implemented", "check_written", "check_initial_world"]


def _named_book(spec: Spec) -> RuleBook | None:
    """The Python rule book the spec names (an empty one when it names none), or None when it does not exist."""
    if not spec.rules:
        return RuleBook("")
    try:
        return load_rules(spec.rules)
    except SpecError:
        return None


def rule_book_of(spec: Spec) -> RuleBook | None:
    """Everything that implements the spec's guards and effects (its rule book and its own expressions),
    or None when the book does not exist or an expression is refused (the checks below say so)."""
    try:
        return rules_of(spec)
    except SpecError:
        return None


def check_rules(spec: Spec) -> Iterator[Problem]:
    if _named_book(spec) is None:
        books = available_rule_books()
        yield Problem(spec.loc_of("rules"), "error", f"unknown rule book {spec.rules!r}"
                      f"{did_you_mean(spec.rules, books)}; available: {', '.join(books)}", "unknown-rules")


def check_implemented(spec: Spec) -> Iterator[Problem]:
    """Every guard and effect the spec declares is written out as an expression or has a Python function
    in its rule book; never both (which one would run?)."""
    book = _named_book(spec)
    if book is None:
        return
    for kind, declared, implemented in (("guard", spec.guards, book.guards), ("effect", spec.effects, book.effects)):
        key = "when" if kind == "guard" else "do"
        for name, item in declared.items():
            if item.code is not None:
                if name in implemented:
                    yield Problem(item.code_loc or item.loc, "error", f"{kind} {name!r} is written here and also "
                                  f"implemented in rule book {spec.rules!r}: keep one", f"twice-defined-{kind}")
            elif not spec.rules:
                yield Problem(item.loc, "error", f"{kind} {name!r} has no expression ({key}:) and the spec names no "
                              "rule book (rules:) to implement it", f"unimplemented-{kind}")
            elif name not in implemented:
                yield Problem(item.loc, "error", f"{kind} {name!r} has no Python implementation in rule book "
                              f"{spec.rules!r}{did_you_mean(name, implemented)}", f"unimplemented-{kind}")


def check_written(spec: Spec) -> Iterator[Problem]:
    """Every guard and effect written as an expression is allowed and well typed (simulator.spec.rule_expr)."""
    yield from written_rules_problems(spec)


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


RULE_CHECKS = (check_rules, check_implemented, check_written, check_initial_world)
