"""Rule books: the Python predicates (guards) and actions (effects) a spec names.

Most guards and effects can be written in the spec itself as expressions
(:mod:`simulator.spec.rule_expr`); a rule book is for what an expression cannot say.
A spec says ``rules: NAME``; the book called NAME defines ``rules``, a
:class:`RuleBook` whose functions carry the names the spec uses. Each function
takes the world and nothing else, so it can be read, tested and reused alone.

Where a book comes from, first found wins: one the running program registered
(:func:`register_rule_book`; ``--rules FILE.py`` on the command line does this
through :func:`load_rule_book_file`), a module of this package, or one an
installed package offers in the entry-point group ``kmsflow.rules``. A spec file
alone never makes kmsflow import code: the user names the file, or installs the
package, that holds it.
"""
from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import pkgutil
import re
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

from ..errors import Loc, Problem, SpecError
from ..spec.rule_expr import (ExpressionError, check_effect, check_guard, compile_effect, compile_guard,
                              expression_problem)

__all__ = ["RuleBook", "load_rules", "rules_of", "written_rules_problems", "available_rule_books",
           "register_rule_book", "is_rule_book_name", "load_rule_book_file", "ENTRY_POINT_GROUP"]

#: The entry-point group an installed package names its rule books in (``name = "package.module:rules"``).
ENTRY_POINT_GROUP = "kmsflow.rules"

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


def entry_points(group: str):
    """The installed packages' entry points of ``group`` (importlib.metadata is imported only when asked:
    it costs start-up time, and a spec whose book is in this package never needs it)."""
    from importlib.metadata import entry_points as read
    return read(group=group)


def _installed() -> dict[str, object]:
    # Reading the installed packages' metadata takes milliseconds, and every new simulator asks for its
    # book: read once per process (per lookup function, so a test that replaces it is heard).
    return _installed_by(entry_points)


@functools.lru_cache(maxsize=4)
def _installed_by(lookup: Callable) -> dict[str, object]:
    return {point.name: point for point in lookup(group=ENTRY_POINT_GROUP)}


@functools.lru_cache(maxsize=1)
def _package_books() -> frozenset[str]:
    return frozenset(m.name for m in pkgutil.iter_modules(__path__) if is_rule_book_name(m.name))


def available_rule_books() -> list[str]:
    return sorted(_package_books() | set(_REGISTERED) | set(_installed()))


def _book_in(thing: object) -> RuleBook | None:
    """A RuleBook, or a module's ``rules`` when that is one."""
    return thing if isinstance(thing, RuleBook) else getattr(thing, "rules", None)


def load_rule_book_file(path: str) -> RuleBook:
    """Import the rule book in the Python file ``path`` (its ``rules``) and register it under its name.

    SpecError, located at the file, when it is not there, does not import or defines no ``rules``.
    The file is the user's own code: importing it runs it, as ``python path`` would.
    """
    file = Path(path)
    where = Loc(str(path))
    if file.suffix != ".py" or not file.is_file():
        raise SpecError(Problem(where, "error", "--rules: expected a Python file (.py) that defines "
                                "rules = RuleBook(NAME)", "bad-rules-file"))
    module_name = "kmsflow_rule_book_" + hashlib.sha1(str(file.resolve()).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(module_name, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # so the book's own dataclasses and pickling find it
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # the user's code: whatever it raises is said, located, never a traceback
        del sys.modules[module_name]
        line = getattr(error, "lineno", None) or _line_in(error, file)
        raise SpecError(Problem(Loc(str(path), line or 0, 1 if line else 0), "error", "the rule book could not be "
                                f"loaded: {type(error).__name__}: {error}", "bad-rules-file")) from None
    book = _book_in(module)
    if not isinstance(book, RuleBook):
        raise SpecError(Problem(where, "error", "defines no rules = RuleBook(NAME): nothing to load",
                                "bad-rules-file"))
    register_rule_book(book)
    return book


def _line_in(error: BaseException, file: Path) -> int | None:
    """The line of ``file`` where ``error`` was raised, from its traceback."""
    tb, line, resolved = error.__traceback__, None, file.resolve()
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).resolve() == resolved:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def load_rules(name: str) -> RuleBook:
    """The rule book called ``name``; SpecError when there is none (``kmsflow check`` says where)."""
    if name in _REGISTERED:
        return _REGISTERED[name]
    book = None
    if re.fullmatch(r"[a-z_][a-z0-9_]*", name) and name in _package_books():
        book = getattr(importlib.import_module(f"{__name__}.{name}"), "rules", None)
    elif (installed := _installed().get(name)) is not None:
        try:
            book = _book_in(installed.load())
        except Exception as error:  # an installed package's code: said, not a traceback
            raise SpecError(Problem(Loc("rules"), "error", f"rule book {name!r} of an installed package could not "
                                    f"be loaded: {type(error).__name__}: {error}", "unknown-rules")) from None
    if not isinstance(book, RuleBook):
        raise SpecError(Problem(Loc("rules"), "error", f"unknown rule book {name!r}; available: "
                                f"{', '.join(available_rule_books())}", "unknown-rules"))
    return book


def _compiled(spec) -> tuple[dict[str, Guard], dict[str, Effect], list[Problem]]:
    """The guards and effects the spec writes out, compiled; the problems of those that cannot be.

    Compiled once per distinct set of expressions and world: a walk asks for the spec's rules once per
    start world, and compiling is what costs (the functions themselves are shared, being immutable).
    """
    written = tuple((kind, name, item.code, item.code_loc or item.loc)
                    for kind, declared in (("guard", spec.guards), ("effect", spec.effects))
                    for name, item in declared.items() if item.code is not None)
    if not written:
        return {}, {}, []
    world = (tuple((v.name, v.type, tuple(v.values), v.min, v.max) for v in spec.variables.values()),
             tuple(spec.parameters))
    guards, effects, problems = _compile_written(written, world)
    return dict(guards), dict(effects), list(problems)


@functools.lru_cache(maxsize=64)
def _compile_written(written: tuple, world: tuple) -> tuple:
    # Type-checking reads only the variables' types and ranges and the parameters' names: rebuilt from the key.
    variables, parameters = world
    spec = SimpleNamespace(variables={name: SimpleNamespace(name=name, type=kind, values=values, min=low, max=high)
                                      for name, kind, values, low, high in variables},
                           parameters=dict.fromkeys(parameters))
    guards: dict[str, Guard] = {}
    effects: dict[str, Effect] = {}
    problems: list[Problem] = []
    for kind, name, code, loc in written:
        check, compile_, out = ((check_guard, compile_guard, guards) if kind == "guard"
                                else (check_effect, compile_effect, effects))
        what = f"{kind} {name!r}" if name != code else kind
        try:
            out[name] = compile_(check(code, spec), name)
        except ExpressionError as error:
            problems.append(expression_problem(error, loc, what))
    return tuple(guards.items()), tuple(effects.items()), tuple(problems)


def written_rules_problems(spec) -> list[Problem]:
    """Located problems of every guard and effect the spec writes as an expression (``kmsflow check``)."""
    return _compiled(spec)[2]


def rules_of(spec) -> RuleBook:
    """What implements the spec's guards and effects: its rule book (``rules:``, when it names one) with the
    expressions the spec writes itself compiled in. SpecError when the book is unknown or an expression
    is refused (``kmsflow check`` says where)."""
    base = load_rules(spec.rules) if spec.rules else RuleBook("")
    guards, effects, problems = _compiled(spec)
    if problems:
        raise SpecError(sorted(problems))
    if not guards and not effects:
        return base  # the book itself, so a program (or a test) that changes it is heard
    book = RuleBook(base.name)
    book.guards = {**base.guards, **guards}
    book.effects = {**base.effects, **effects}
    return book
