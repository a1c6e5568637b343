"""Rule books: the Python predicates (guards) and actions (effects) a spec names.

A spec says ``rules: kms9``; this package's module ``kms9`` defines ``rules``, a
:class:`RuleBook` whose functions carry the names the spec uses. Each function
takes the world and nothing else, so it can be read, tested and reused alone.
Only modules inside this package, and books a program registers itself
(:func:`register_rule_book`, e.g. a test suite's own), can be named: a spec
file never makes kmsflow import arbitrary code.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Callable

from ..errors import Loc, Problem, SpecError

__all__ = ["RuleBook", "load_rules", "available_rule_books", "register_rule_book", "is_rule_book_name"]

Guard = Callable[[object], bool]
Effect = Callable[[object], None]


class RuleBook:
    """Named guards and effects for one spec."""

    def __init__(self, name: str):
        self.name = name
        self.guards: dict[str, Guard] = {}
        self.effects: dict[str, Effect] = {}

    def guard(self, fn: Guard) -> Guard:
        """Register ``fn`` as a guard under its own name."""
        self.guards[fn.__name__] = fn
        return fn

    def effect(self, fn: Effect) -> Effect:
        """Register ``fn`` as an effect under its own name."""
        self.effects[fn.__name__] = fn
        return fn


#: Books registered by the program that embeds kmsflow, by name; they win over the package's modules.
_REGISTERED: dict[str, RuleBook] = {}


def register_rule_book(book: RuleBook) -> None:
    """Make ``book`` loadable by its name (``rules: NAME`` in a spec) in this process."""
    _REGISTERED[book.name] = book


#: Modules of this package that are tools, not rule books (a spec cannot name them).
_NOT_BOOKS = frozenset({"check"})


def is_rule_book_name(name: str) -> bool:
    """Whether a module of this package can be a rule book: not private, not one of the package's tools."""
    return not name.startswith("_") and name not in _NOT_BOOKS


def available_rule_books() -> list[str]:
    return sorted({m.name for m in pkgutil.iter_modules(__path__) if is_rule_book_name(m.name)} | set(_REGISTERED))


def load_rules(name: str) -> RuleBook:
    """The rule book called ``name``; SpecError when there is none (``kmsflow check`` says where)."""
    if name in _REGISTERED:
        return _REGISTERED[name]
    book = None
    if re.fullmatch(r"[a-z_][a-z0-9_]*", name) and name in available_rule_books():
        book = getattr(importlib.import_module(f"{__name__}.{name}"), "rules", None)
    if not isinstance(book, RuleBook):
        raise SpecError(Problem(Loc("rules"), "error", f"unknown rule book {name!r}; available: "
                                f"{', '.join(available_rule_books())}", "unknown-rules"))
    return book
