"""Values written as small expressions over the spec's parameters: ``price - 1``, ``2 * period_days``.

The walk's domain is written this way so that overriding a parameter moves the
domain with it. Only what a domain needs is understood: whole numbers, parameter
names, ``+``, ``-``, ``*`` and a leading minus; a lone unknown name is an enum
value (``active``). Python's parser reads the text, but nothing is ever run.
"""
from __future__ import annotations

import ast
from typing import Any

from .reader import did_you_mean
from .sections import literal_problem

__all__ = ["evaluate_value"]


def evaluate_value(text: Any, parameters: dict[str, int]) -> Any:
    """An int, a string (enum value), or a small arithmetic expression over parameters.

    Raises ValueError naming what is wrong.
    """
    problem = literal_problem(text)
    if problem:
        raise ValueError(problem)
    if isinstance(text, int):
        return text
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise ValueError(f"cannot read {text!r}") from None
    if isinstance(tree, ast.Name) and tree.id not in parameters:
        return tree.id  # an enum value such as `active`
    return _evaluate(tree, parameters, text)


def _evaluate(node: ast.AST, parameters: dict[str, int], text: str) -> int:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in parameters:
            raise ValueError(f"unknown parameter {node.id!r} in {text!r}{did_you_mean(node.id, parameters)}")
        return parameters[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand, parameters, text)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
        left, right = _evaluate(node.left, parameters, text), _evaluate(node.right, parameters, text)
        if isinstance(node.op, ast.Add):
            return left + right
        return left - right if isinstance(node.op, ast.Sub) else left * right
    raise ValueError(f"cannot read {text!r}: only whole numbers, parameter names, +, - and * are allowed")
