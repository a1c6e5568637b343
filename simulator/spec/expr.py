"""Values written as small expressions over the spec's parameters: ``price - 1``, ``2 * period_days``.

The walk's domain is written this way so that overriding a parameter moves the
domain with it. Only what a domain needs is understood: whole numbers, parameter
names, ``+``, ``-``, ``*`` and a leading minus; a lone unknown name is an enum
value (``active``). Python's parser reads the text, but nothing is ever run.

Python's parser needs memory and stack in proportion to what it reads, so a
text is held to :data:`MAX_EXPRESSION_LENGTH` characters before it is parsed
and to :data:`MAX_EXPRESSION_DEPTH` levels after: ``price + price + ...`` a
hundred thousand times is refused with a message, never a MemoryError or a
RecursionError. Whole numbers have at most 18 digits, written or computed.
"""
from __future__ import annotations

import ast
import operator
import re
from typing import Any

from .reader import did_you_mean
from .sections import literal_problem
from .yamlsafe import MAX_INT, whole_number

__all__ = ["evaluate_value", "Condition", "parse_expression", "MAX_EXPRESSION_LENGTH", "MAX_EXPRESSION_DEPTH"]

#: The longest expression or comparison read, in characters (the flagship spec's longest is 33).
MAX_EXPRESSION_LENGTH = 1000
#: The deepest an expression nests: each operator of a chain (``a + b + c``) and each bracket is a level.
MAX_EXPRESSION_DEPTH = 50

_WHOLE = re.compile(r"\s*[-+]?[0-9]+\s*")


def parse_expression(text: str) -> ast.AST:
    """The body of ``text`` parsed as one Python expression, within the limits above.

    Raises ValueError naming what is wrong: too long, too deep, or not an expression.
    """
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ValueError(f"{text[:30]!r}... is {len(text)} characters long; an expression may have at most "
                         f"{MAX_EXPRESSION_LENGTH}")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):  # ValueError: a NUL character
        raise ValueError(f"cannot read {text!r}") from None
    depth, stack = 0, [(tree, 1)]
    while stack:  # no recursion here: the depth is what is being measured
        node, level = stack.pop()
        depth = max(depth, level)
        if depth > MAX_EXPRESSION_DEPTH:
            raise ValueError(f"{text[:30]!r}{'...' if len(text) > 30 else ''} nests deeper than "
                             f"{MAX_EXPRESSION_DEPTH} levels; split it up")
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    return tree


def _in_range(value: int, text: str) -> int:
    if not -MAX_INT <= value <= MAX_INT:
        raise ValueError(f"{text!r} is out of range: whole numbers have at most 18 digits")
    return value


def evaluate_value(text: Any, parameters: dict[str, int]) -> Any:
    """An int, a string (enum value), or a small arithmetic expression over parameters.

    Raises ValueError naming what is wrong.
    """
    problem = literal_problem(text)
    if problem:
        raise ValueError(problem)
    if isinstance(text, int):
        return _in_range(text, str(text) if abs(text) < 10 ** 100 else "a number of over 100 digits")
    if _WHOLE.fullmatch(text):  # 010 is ten, as in YAML 1.2 (Python's parser refuses it)
        return whole_number(text.strip())
    tree = parse_expression(text)
    if isinstance(tree, ast.Name) and tree.id not in parameters:
        return tree.id  # an enum value such as `active`
    return _in_range(_evaluate(tree, parameters, text), text)


def _evaluate(node: ast.AST, parameters: dict[str, int], text: str) -> int:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return _in_range(node.value, text)
    if isinstance(node, ast.Name):
        if node.id not in parameters:
            raise ValueError(f"unknown parameter {node.id!r} in {text!r}{did_you_mean(node.id, parameters)}")
        return parameters[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand, parameters, text)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
        left, right = _evaluate(node.left, parameters, text), _evaluate(node.right, parameters, text)
        if isinstance(node.op, ast.Add):
            return _in_range(left + right, text)
        return _in_range(left - right if isinstance(node.op, ast.Sub) else left * right, text)
    raise ValueError(f"cannot read {text!r}: only whole numbers, parameter names, +, - and * are allowed")


# -- conditions ------------------------------------------------------------------------

_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
            ast.Gt: operator.gt, ast.GtE: operator.ge}


class Condition:
    """A comparison over world values, written in a property: ``credit < price``, ``1 <= minutes_left <= 3``,
    ``battery == low``, ``keypad in [ready, locked_out]``.

    Properties state what must hold in their own words, not through the guards
    they check, so a wrong guard cannot make its own property hold. A name that
    is a variable or parameter is read from the world; any other bare name is an
    enum value. Only whole numbers, ``+ - *``, comparisons (chained too) and
    ``in [..]`` are understood; nothing is ever run.
    """

    def __init__(self, text: str, names: Any):
        self.text = text
        problem = literal_problem(text)
        if problem:
            raise ValueError(problem)
        if not isinstance(text, str):
            raise ValueError(f"expected a comparison such as 'credit < price', found {text!r}")
        tree = parse_expression(text)
        if not isinstance(tree, ast.Compare):
            raise ValueError(f"{text!r} is not a comparison (==, !=, <, <=, >, >=, in)")
        self.names = frozenset(names)
        self.used: set[str] = set()
        self.literals: set[str] = set()  # bare names read as enum values: the checker looks them up
        self._terms = [self._term(tree.left)]
        self._ops = []
        for op, right in zip(tree.ops, tree.comparators):
            if isinstance(op, ast.In):
                if not isinstance(right, (ast.List, ast.Tuple)):
                    raise ValueError(f"in {text!r}: 'in' takes a list, [a, b]")
                self._ops.append(operator.contains)
                self._terms.append(tuple(self._term(item) for item in right.elts))
            elif type(op) in _COMPARE:
                self._ops.append(_COMPARE[type(op)])
                self._terms.append(self._term(right))
            else:
                raise ValueError(f"in {text!r}: only ==, !=, <, <=, >, >= and in are understood")

    def _term(self, node: ast.AST):
        if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
            return ("value", _in_range(node.value, self.text))
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return ("value", node.value)
        if isinstance(node, ast.Name):
            if node.id in self.names:
                self.used.add(node.id)
                return ("name", node.id)
            self.literals.add(node.id)
            return ("value", node.id)  # an enum value such as `down`
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return ("neg", self._term(node.operand))
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
            return (type(node.op).__name__, self._term(node.left), self._term(node.right))
        raise ValueError(f"cannot read {self.text!r}: only names, whole numbers, +, - and * make a value")

    def _value(self, term, values: dict[str, Any]):
        kind = term[0]
        if kind == "value":
            return term[1]
        if kind == "name":
            return values[term[1]]
        if kind == "neg":
            return -self._value(term[1], values)
        left, right = self._value(term[1], values), self._value(term[2], values)
        return left + right if kind == "Add" else left - right if kind == "Sub" else left * right

    def holds(self, values: dict[str, Any]) -> bool:
        """Whether the comparison holds for ``values`` (every name it reads must be there)."""
        left = self._value(self._terms[0], values)
        for op, term in zip(self._ops, self._terms[1:]):
            if op is operator.contains:
                right = tuple(self._value(item, values) for item in term)
                if left not in right:
                    return False
                left = right
                continue
            right = self._value(term, values)
            if not op(left, right):
                return False
            left = right
        return True

    def __repr__(self) -> str:
        return f"Condition({self.text!r})"
