"""The walk's domain: which worlds it starts from and the bounds that keep it finite.

A spec may declare it in a top-level ``domain:`` section::

    domain:
      initial:                 # every combination that meets the spec's constraints
        days_left: [0, 1, 2, 3, 4, 10, 30]
        balance: [0, price - 1, price, 2 * price]
      bounds:                  # steps that would go beyond are counted, not explored
        days_left: 2 * period_days
      counters: [charges]      # only counts what happened: not kept in a configuration

Values may be small expressions over the spec's parameters (``price - 1``,
``2 * price``), so overriding a parameter moves the domain with it. A spec
without the section gets a default: every value of an enum, ``min..max`` of a
bounded int, ``min`` and ``initial`` of an unbounded one (bounded at twice the
largest start value plus 10). The CLI overrides both (``--domain balance=0,3``,
``--bound days_left=40``).
"""
from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass, field
from typing import Any

from ..errors import Loc, Problem, SpecError, UsageError
from ..spec.load import did_you_mean
from ..spec.model import Spec
from ..rules import load_rules
from ..runtime.world import make_world
from ..spec.yamlsafe import LDict, LList

__all__ = ["Domain", "domain_of", "parse_domain", "apply_overrides", "initial_worlds",
           "evaluate_value"]


@dataclass
class Domain:
    """Initial value sets per world variable, upper bounds, and the counters a configuration does not keep."""

    initial: dict[str, tuple]
    bounds: dict[str, int]
    counters: tuple[str, ...] = ()
    declared: bool = False  # False: derived from the variables (the spec has no domain section)
    parameters: dict[str, int] = field(default_factory=dict)

    def kept_variables(self, spec: Spec) -> tuple[str, ...]:
        """The world variables a configuration keeps, in spec order."""
        return tuple(name for name in spec.variables if name not in self.counters)


def evaluate_value(text: Any, parameters: dict[str, int]) -> Any:
    """An int, a string (enum value), or a small arithmetic expression over parameters.

    Raises ValueError naming what is wrong.
    """
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a value")
    if isinstance(text, int):
        return text
    if not isinstance(text, str):
        raise ValueError(f"expected a number, a name or an expression, found {text!r}")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise ValueError(f"cannot read {text!r}") from None
    if isinstance(tree, ast.Name) and tree.id not in parameters:
        return tree.id  # an enum value such as `active`
    return _evaluate(tree, parameters, text)


def _evaluate(node: ast.AST, parameters: dict[str, int], text: str) -> int:
    # Only what a domain needs: whole numbers, parameter names, + - * and unary minus.
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
        return left + right if isinstance(node.op, ast.Add) else left - right if isinstance(node.op, ast.Sub) \
            else left * right
    raise ValueError(f"cannot read {text!r}: only whole numbers, parameter names, +, - and * are allowed")


def _check_value(spec: Spec, name: str, value: Any) -> str | None:
    variable = spec.variables[name]
    if variable.type == "enum":
        if value not in variable.values:
            return f"{name} must be one of {', '.join(variable.values)}, found {value!r}"
    elif not isinstance(value, int):
        return f"{name} must be a whole number, found {value!r}"
    elif (variable.min is not None and value < variable.min) or (variable.max is not None and value > variable.max):
        return f"{name} = {value} is outside the variable's range {variable.min}..{variable.max}"
    return None


def _default_domain(spec: Spec, parameters: dict[str, int]) -> Domain:
    initial: dict[str, tuple] = {}
    bounds: dict[str, int] = {}
    for name, variable in spec.variables.items():
        if variable.type == "enum":
            initial[name] = tuple(variable.values)
        elif variable.min is not None and variable.max is not None:
            initial[name] = tuple(range(variable.min, variable.max + 1))
        else:
            start = variable.min if variable.min is not None else variable.initial
            initial[name] = tuple(dict.fromkeys([start, variable.initial]))
    for name, variable in spec.variables.items():
        if variable.type == "int" and variable.max is None:
            bounds[name] = 2 * max(initial[name]) + 10
    return Domain(initial, bounds, (), False, parameters)



def parse_domain(spec: Spec, parameters: dict[str, int] | None = None) -> Domain:
    """The spec's declared domain (or the default one); SpecError with every problem of the section."""
    parameters = {**{n: p.default for n, p in spec.parameters.items()}, **(parameters or {})}
    raw = spec.extra.get("domain")
    default = _default_domain(spec, parameters)
    if raw is None:
        return default
    problems: list[Problem] = []
    where = getattr(raw, "loc", Loc(spec.path))

    def error(loc: Loc, message: str) -> None:
        problems.append(Problem(loc, "error", f"domain: {message}", "bad-domain"))

    if not isinstance(raw, LDict):
        raise SpecError(Problem(where, "error", "domain: expected a mapping with initial, bounds, counters",
                                "bad-domain"))
    for key in raw:
        if key not in ("initial", "bounds", "counters"):
            error(raw.loc_of(key), f"unknown key {key!r}{did_you_mean(key, ['initial', 'bounds', 'counters'])}")
    initial = dict(default.initial)
    raw_initial = raw.get("initial", LDict())
    if not isinstance(raw_initial, LDict):
        error(raw.loc_of("initial"), "initial: expected a mapping of variable -> list of values")
        raw_initial = LDict()
    for name, values in raw_initial.items():
        loc = raw_initial.loc_of(name)
        if name not in spec.variables:
            error(loc, f"unknown world variable {name!r}{did_you_mean(name, spec.variables)}")
            continue
        if not isinstance(values, LList) or not values:
            error(loc, f"{name}: expected a non-empty list of values")
            continue
        evaluated = []
        for index, text in enumerate(values):
            try:
                value = evaluate_value(text, parameters)
            except ValueError as exc:
                error(values.loc_of(index), f"{name}: {exc}")
                continue
            message = _check_value(spec, name, value)
            if message:
                error(values.loc_of(index), message)
            evaluated.append(value)
        initial[name] = tuple(dict.fromkeys(evaluated))
    bounds = dict(default.bounds)
    raw_bounds = raw.get("bounds", LDict())
    if not isinstance(raw_bounds, LDict):
        error(raw.loc_of("bounds"), "bounds: expected a mapping of variable -> largest value")
        raw_bounds = LDict()
    for name, text in raw_bounds.items():
        loc = raw_bounds.loc_of(name)
        if name not in spec.variables or spec.variables[name].type != "int":
            ints = [n for n, v in spec.variables.items() if v.type == "int"]
            error(loc, f"bounds: {name!r} is not a whole-number world variable{did_you_mean(name, ints)}")
            continue
        try:
            value = evaluate_value(text, parameters)
        except ValueError as exc:
            error(loc, f"bounds: {name}: {exc}")
            continue
        if not isinstance(value, int):
            error(loc, f"bounds: {name}: expected a number, found {value!r}")
            continue
        bounds[name] = value
    counters = raw.get("counters", LList())
    if not isinstance(counters, LList) or not all(isinstance(c, str) for c in counters):
        error(raw.loc_of("counters"), "counters: expected a list of world variable names")
        counters = LList()
    for index, name in enumerate(counters):
        if name not in spec.variables or spec.variables[name].type != "int":
            error(counters.loc_of(index), f"counters: {name!r} is not a whole-number world variable"
                  f"{did_you_mean(name, spec.variables)}")
    if problems:
        raise SpecError(problems)
    # A counter is not kept, so a bound on it means nothing.
    for name in counters:
        bounds.pop(name, None)
    return Domain(initial, bounds, tuple(counters), True, parameters)


def apply_overrides(spec: Spec, domain: Domain, values: list[str] = (), bounds: list[str] = ()) -> Domain:
    """A copy of ``domain`` with CLI overrides ``name=v1,v2`` (values) and ``name=N`` (bounds).

    Raises UsageError naming the bad override.
    """
    initial, new_bounds = dict(domain.initial), dict(domain.bounds)
    where = Loc("<command line>")
    for item in values:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or name not in spec.variables:
            raise UsageError(Problem(where, "error", f"--domain {item!r}: expected VARIABLE=V1,V2,... with one of "
                                     f"{', '.join(spec.variables)}{did_you_mean(name, spec.variables)}", "bad-usage"))
        parsed = []
        for part in text.split(","):
            part = part.strip()
            try:
                value = evaluate_value(int(part) if part.lstrip("-").isdigit() else part, domain.parameters)
            except ValueError as exc:
                raise UsageError(Problem(where, "error", f"--domain {item!r}: {exc}", "bad-usage")) from None
            message = _check_value(spec, name, value)
            if message:
                raise UsageError(Problem(where, "error", f"--domain {item!r}: {message}", "bad-usage"))
            parsed.append(value)
        initial[name] = tuple(dict.fromkeys(parsed))
    for item in bounds:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or name not in domain.bounds:
            raise UsageError(Problem(where, "error", f"--bound {item!r}: expected VARIABLE=N with one of "
                                     f"{', '.join(domain.bounds) or '(no bounded variable)'}"
                                     f"{did_you_mean(name, domain.bounds)}", "bad-usage"))
        try:
            value = evaluate_value(int(text) if text.strip().lstrip("-").isdigit() else text, domain.parameters)
        except ValueError as exc:
            raise UsageError(Problem(where, "error", f"--bound {item!r}: {exc}", "bad-usage")) from None
        if not isinstance(value, int) or value < 0:
            raise UsageError(Problem(where, "error", f"--bound {item!r}: expected a whole number >= 0", "bad-usage"))
        new_bounds[name] = value
    return Domain(initial, new_bounds, domain.counters, domain.declared, domain.parameters)


def initial_worlds(spec: Spec, domain: Domain) -> list[dict[str, Any]]:
    """Every combination of the domain's initial values that meets the spec's constraints, in a fixed order."""
    names = list(spec.variables)
    guards = load_rules(spec.rules).guards
    worlds = []
    for combination in itertools.product(*(domain.initial[name] for name in names)):
        values = dict(zip(names, combination))
        world = make_world(spec, {**values, **domain.parameters})
        if all(guards[name](world) for name in spec.constraints):
            worlds.append(values)
    return worlds


def domain_of(spec: Spec, values: list[str] = (), bounds: list[str] = ()) -> Domain:
    """The domain to walk: the spec's section (or the default) with CLI overrides applied."""
    return apply_overrides(spec, parse_domain(spec), values, bounds)
