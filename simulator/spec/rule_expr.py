"""Guards and effects written in the spec: ``credit >= price``, ``credit -= price; cups += 1``.

A team can say its rules in the spec file itself instead of a Python rule book.
The text is parsed with Python's own parser and then held to an allow-list:

- names of world variables and parameters (a world variable is an int with bounds
  or one of a fixed set of values; a parameter is an int);
- whole numbers and values of enum variables, quoted or not (``battery == low``, as in
  the walk's ``where:`` comparisons);
- ``+ - * //``, a leading minus, comparisons (chains too: ``1 <= minutes_left <= 3``),
  ``in`` / ``not in`` a literal list, ``and``, ``or``, ``not``, ``min(...)``, ``max(...)``;
- in an effect, statements ``VAR = EXPR`` and ``VAR += EXPR`` (``-=``, ``*=``, ``//=``),
  separated by ``;`` or new lines, that assign world variables only.

Anything else (an attribute, a call of anything but min and max, a lambda, a
subscript, ``__import__('os')``) is refused with the place and a code, and so is an
expression that mixes types (a string compared with a number), assigns a
parameter, or writes a value a variable can never hold. Nothing is ever run while
checking.

An accepted expression is compiled into a plain Python function of the world,
``lambda w: w.credit >= w.price`` in effect: the checked syntax tree has each
name rewritten to the world's attribute and is compiled as a function; the code
object becomes a function with no builtins but ``min`` and ``max``. No text is
evaluated, and the function runs as fast as one written by hand.
"""
from __future__ import annotations

import ast
import copy
import types
from dataclasses import dataclass
from typing import Callable

from ..errors import Loc, Problem
from .expr import MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH, parse_expression
from .reader import did_you_mean

__all__ = ["ExpressionError", "check_guard", "check_effect", "compile_guard", "compile_effect", "is_plain_name",
           "expression_problem", "GUARD_KEY", "EFFECT_KEY"]

#: The key of a guard's expression in the spec's ``guards:`` section, and of an effect's assignments.
GUARD_KEY = "when"
EFFECT_KEY = "do"

_COMPARE = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_ORDER = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv)
_FUNCTIONS = {"min": min, "max": max}


def is_plain_name(text: str) -> bool:
    """A guard or effect named in a transition (``pin_taken``), not written out (``minutes_left <= 3``)."""
    return text.isidentifier()


@dataclass
class ExpressionError(Exception):
    """What is wrong with an expression, with a problem code (``kmsflow check`` adds the place)."""

    message: str
    code: str = "bad-expression"


@dataclass(frozen=True)
class _Type:
    kind: str  # "int", "enum", "bool"
    values: tuple[str, ...] = ()  # an enum variable's values (empty for a string literal)

    def describe(self) -> str:
        return {"int": "a number", "enum": "a value", "bool": "a truth value"}[self.kind]


_INT, _BOOL, _STRING = _Type("int"), _Type("bool"), _Type("enum")


class _Bare(ast.NodeTransformer):
    """A name that is neither a variable nor a parameter is read as a value (``low`` in ``battery == low``);
    it stays marked, so one compared with a number is reported as the unknown name it then is."""

    def __init__(self, spec):
        self.known = set(spec.variables) | set(spec.parameters)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.known:
            return node
        value = ast.copy_location(ast.Constant(node.id), node)
        value.bare = True
        return value

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node.args = [self.visit(arg) for arg in node.args]
        node.keywords = [self.visit(k) for k in node.keywords]
        return node  # the function's own name is checked as a function


class _Checker:
    """Types every node of an allowed tree, or raises ExpressionError at the first one that is not."""

    def __init__(self, spec, text: str):
        self.spec, self.text = spec, text

    def name_type(self, name: str) -> _Type:
        variable = self.spec.variables.get(name)
        if variable is not None:
            return _INT if variable.type == "int" else _Type("enum", tuple(variable.values))
        if name in self.spec.parameters:
            return _INT
        known = [*self.spec.variables, *self.spec.parameters]
        raise ExpressionError(f"unknown name {name!r}{did_you_mean(name, known)}; an expression reads the world's "
                              f"variables and the parameters: {', '.join(known)}", "unknown-name")

    def type_of(self, node: ast.AST) -> _Type:
        if isinstance(node, ast.Name):
            return self.name_type(node.id)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or node.value is None:
                raise ExpressionError(f"{node.value!r} is not a value here: compare variables with numbers or "
                                      "with their values in quotes")
            if isinstance(node.value, int):
                return _INT
            if isinstance(node.value, str):
                return _STRING
            raise ExpressionError(f"{node.value!r}: only whole numbers and quoted values are allowed")
        if isinstance(node, ast.BinOp) and isinstance(node.op, _ARITHMETIC):
            self.expect(node.left, _INT, "arithmetic")
            self.expect(node.right, _INT, "arithmetic")
            return _INT
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                self.expect(node.operand, _INT, "a minus sign")
                return _INT
            if isinstance(node.op, ast.Not):
                self.expect(node.operand, _BOOL, "'not'")
                return _BOOL
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                self.expect(value, _BOOL, f"'{'and' if isinstance(node.op, ast.And) else 'or'}'")
            return _BOOL
        if isinstance(node, ast.Compare):
            left = node.left
            for op, right in zip(node.ops, node.comparators):
                self.compare(left, op, right)
                left = right
            return _BOOL
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name not in _FUNCTIONS:
                called = name or ast.unparse(node.func)
                raise ExpressionError(f"a call of {called!r} is not allowed; only min(...) and max(...) are")
            if node.keywords or len(node.args) < 2 or any(isinstance(a, ast.Starred) for a in node.args):
                raise ExpressionError(f"{name}(...) takes two or more numbers, nothing else")
            for arg in node.args:
                self.expect(arg, _INT, f"{name}(...)")
            return _INT
        raise ExpressionError(f"{_what(node)} is not allowed in an expression; allowed are names of variables and "
                              "parameters, numbers, quoted values, + - * //, comparisons, in [...], and, or, not, "
                              "min, max")

    def unknown_if_bare(self, node: ast.AST) -> None:
        if getattr(node, "bare", False):
            self.name_type(node.value)  # raises: unknown name, with the names it could be

    def expect(self, node: ast.AST, wanted: _Type, where: str) -> None:
        if wanted.kind != "enum":
            self.unknown_if_bare(node)
        found = self.type_of(node)
        if found.kind != wanted.kind:
            raise ExpressionError(f"{ast.unparse(node)!r} is {found.describe()}, but {where} needs "
                                  f"{wanted.describe()}", "type-mismatch")

    def compare(self, left: ast.AST, op: ast.cmpop, right: ast.AST) -> None:
        if isinstance(op, (ast.In, ast.NotIn)):
            if not isinstance(right, (ast.List, ast.Tuple)) or not right.elts:
                raise ExpressionError(f"'in' needs a written list of values, such as [1, 2] or [\"a\", \"b\"], "
                                      f"not {ast.unparse(right)!r}")
            for element in right.elts:
                if not isinstance(element, ast.Constant):
                    raise ExpressionError(f"the list after 'in' holds values only, not {ast.unparse(element)!r}")
                self.compare(left, ast.Eq(), element)
            return
        if not isinstance(op, _COMPARE):
            raise ExpressionError(f"{type(op).__name__}: only == != < <= > >= in and not in compare values")
        a, b = self.type_of(left), self.type_of(right)
        if "int" in (a.kind, b.kind) or (not a.values and not b.values):
            self.unknown_if_bare(left)  # a bare word beside a number, or two words: a misspelt name
            self.unknown_if_bare(right)
        if a.kind != b.kind or a.kind == "bool":
            raise ExpressionError(f"{ast.unparse(left)!r} ({a.describe()}) cannot be compared with "
                                  f"{ast.unparse(right)!r} ({b.describe()})", "type-mismatch")
        if a.kind == "enum" and isinstance(op, _ORDER):
            raise ExpressionError(f"values such as {ast.unparse(left)!r} have no order: use == or != or in",
                                  "type-mismatch")
        for typed, other in ((a, right), (b, left)):
            if typed.values and isinstance(other, ast.Constant) and other.value not in typed.values:
                raise ExpressionError(f"{other.value!r} is not one of the values {', '.join(typed.values)}",
                                      "out-of-range")


def _what(node: ast.AST) -> str:
    names = {ast.Attribute: "an attribute (x.y)", ast.Subscript: "a subscript (x[y])", ast.Lambda: "a lambda",
             ast.IfExp: "'... if ... else ...'", ast.ListComp: "a comprehension", ast.GeneratorExp: "a generator",
             ast.Dict: "a dict", ast.Set: "a set", ast.JoinedStr: "an f-string", ast.NamedExpr: "':='",
             ast.Await: "'await'", ast.Starred: "'*'", ast.List: "a list (outside 'in')",
             ast.Tuple: "a tuple (outside 'in')"}
    if isinstance(node, ast.BinOp):
        return f"the operator {type(node.op).__name__}"
    return names.get(type(node), f"{type(node).__name__}")


def check_guard(text: str, spec) -> ast.expr:
    """The checked tree of a guard's expression; ExpressionError when it is not allowed or not a truth value."""
    try:
        tree = _Bare(spec).visit(parse_expression(text))
    except ValueError as error:
        raise ExpressionError(str(error), "expression-syntax") from None
    checker = _Checker(spec, text)
    checker.unknown_if_bare(tree)
    found = checker.type_of(tree)
    if found.kind != "bool":
        raise ExpressionError(f"{text.strip()!r} is {found.describe()}, not a condition; write a comparison such as "
                              f"{text.strip()} > 0", "type-mismatch")
    return tree


def _parse_statements(text: str) -> list[ast.stmt]:
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"{text[:30]!r}... is {len(text)} characters long; an effect may have at most "
                              f"{MAX_EXPRESSION_LENGTH}", "expression-syntax")
    try:
        body = ast.parse(text.strip(), mode="exec").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise ExpressionError(f"cannot read {text!r}: write assignments such as credit -= price; cups += 1",
                              "expression-syntax") from None
    depth, stack = 0, [(statement, 1) for statement in body]
    while stack:
        node, level = stack.pop()
        depth = max(depth, level)
        if depth > MAX_EXPRESSION_DEPTH:
            raise ExpressionError(f"{text[:30]!r} nests deeper than {MAX_EXPRESSION_DEPTH} levels; split it up",
                                  "expression-syntax")
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    if not body:
        raise ExpressionError("an effect needs at least one assignment", "expression-syntax")
    return body


def check_effect(text: str, spec) -> list[tuple[str, ast.AST | None, ast.expr]]:
    """An effect's assignments as (variable, operator or None, checked value); ExpressionError otherwise."""
    checker = _Checker(spec, text)
    out = []
    for statement in _parse_statements(text):
        if isinstance(statement, (ast.Assign, ast.AugAssign)):
            statement.value = _Bare(spec).visit(statement.value)
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, op = statement.targets[0], None
        elif isinstance(statement, ast.AugAssign) and isinstance(statement.op, _ARITHMETIC):
            target, op = statement.target, statement.op
        else:
            raise ExpressionError(f"{ast.unparse(statement)!r} is not an assignment of one variable; an effect is "
                                  "statements such as credit -= price or minutes_left = max(0, minutes_left - 1)")
        if not isinstance(target, ast.Name):
            raise ExpressionError(f"{ast.unparse(target)!r} cannot be assigned: name a world variable")
        name = target.id
        if name in spec.parameters and name not in spec.variables:
            raise ExpressionError(f"{name!r} is a parameter: an effect changes world variables only, and a "
                                  "parameter is fixed for a run", "assign-to-parameter")
        wanted = checker.name_type(name)
        if op is not None and wanted.kind != "int":
            raise ExpressionError(f"{name!r} holds values, not a number: assign it with =", "type-mismatch")
        checker.expect(statement.value, _INT if wanted.kind == "int" else _STRING, f"{name!r}")
        value = statement.value
        variable = spec.variables[name]
        written = _written_value(value)
        if written is not None and op is None:  # a value written as it is: checked against the variable now
            if variable.type == "enum" and written not in variable.values:
                raise ExpressionError(f"{written!r} is not one of {name}'s values: {', '.join(variable.values)}",
                                      "out-of-range")
            if variable.type == "int" and ((variable.min is not None and written < variable.min)
                                           or (variable.max is not None and written > variable.max)):
                raise ExpressionError(f"{name} = {written} is outside its range "
                                      f"{variable.min if variable.min is not None else ''}.."
                                      f"{variable.max if variable.max is not None else ''}", "out-of-range")
        out.append((name, op, value))
    return out


def _written_value(node: ast.AST) -> int | str | None:
    """The value of ``3``, ``-3`` or ``up``; None for anything computed."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return -node.operand.value
    return None


class _ToWorld(ast.NodeTransformer):
    """Every name becomes the world's attribute of that name (the tree was checked: names are variables)."""

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.copy_location(ast.Attribute(ast.Name("w", ast.Load()), node.id, ast.Load()), node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node.args = [self.visit(arg) for arg in node.args]
        return node  # the function's own name (min, max) stays


def _function(body: list[ast.stmt], name: str) -> Callable:
    """A function ``name(w)`` with ``body``, built from the tree: compiled, never evaluated as text."""
    definition = ast.FunctionDef(name=name, args=ast.arguments(posonlyargs=[], args=[ast.arg("w")], kwonlyargs=[],
                                                                kw_defaults=[], defaults=[]),
                                 body=body, decorator_list=[], returns=None)
    if "type_params" in ast.FunctionDef._fields:  # Python 3.12 and later
        definition.type_params = []
    module = ast.fix_missing_locations(ast.Module(body=[definition], type_ignores=[]))
    code = compile(module, f"<kmsflow {name}>", "exec")
    function_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    return types.FunctionType(function_code, {"__builtins__": {}, **_FUNCTIONS}, name)


def compile_guard(tree: ast.expr, name: str) -> Callable[[object], bool]:
    """The checked guard as a function of the world."""
    expression = _ToWorld().visit(copy.deepcopy(tree))  # the checked tree stays as it is
    return _function([ast.Return(expression)], _identifier(name))


def compile_effect(assignments: list[tuple[str, ast.AST | None, ast.expr]], name: str) -> Callable[[object], None]:
    """The checked effect as a function that changes the world."""
    body: list[ast.stmt] = []
    for variable, op, value in assignments:
        target = ast.Attribute(ast.Name("w", ast.Load()), variable, ast.Store())
        value = _ToWorld().visit(copy.deepcopy(value))
        body.append(ast.Assign([target], value) if op is None else ast.AugAssign(target, op, value))
    return _function(body, _identifier(name))


def _identifier(name: str) -> str:
    return name if name.isidentifier() else "expression"


def expression_problem(error: ExpressionError, loc: Loc, what: str) -> Problem:
    return Problem(loc, "error", f"{what}: {error.message}", error.code)
