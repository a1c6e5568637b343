"""The checks that need the rule book: does the spec's book exist, does it implement every name.

They sit here, above the spec layer, because they import rule books; the
structural checks that need only the spec are in :mod:`simulator.spec.check`.
"""
from __future__ import annotations

from typing import Iterator

from ..errors import Problem, SpecError
from ..spec.model import Spec
from ..spec.reader import did_you_mean
from . import RuleBook, available_rule_books, load_rules

__all__ = ["RULE_CHECKS", "rule_book_of", "check_rules", "check_implemented"]


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


RULE_CHECKS = (check_rules, check_implemented)
