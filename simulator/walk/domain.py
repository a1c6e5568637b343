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

import itertools
from dataclasses import dataclass, field
from typing import Any

from ..errors import Loc, Problem, SpecError, UsageError
from ..spec.expr import evaluate_value
from ..spec.load import did_you_mean
from ..spec.model import Spec
from ..spec.resolve import default_parameters, resolve_domain, value_problem
from ..runtime.given import unmet_constraints
from ..runtime.world import make_world

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
    parameters = {**default_parameters(spec), **(parameters or {})}
    default = _default_domain(spec, parameters)
    if spec.domain is None:
        return default
    declared, problems = resolve_domain(spec, parameters)
    if problems:
        raise SpecError(sorted(problems))
    # The section replaces the default for the variables it names; the others keep theirs.
    bounds = {**default.bounds, **declared.bounds}
    for name in declared.counters:
        bounds.pop(name, None)  # a counter is not kept, so a bound on it means nothing
    return Domain({**default.initial, **declared.initial}, bounds, declared.counters, True, parameters)


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
            message = value_problem(spec, name, value)
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
    worlds = []
    for combination in itertools.product(*(domain.initial[name] for name in names)):
        values = dict(zip(names, combination))
        if not unmet_constraints(spec, make_world(spec, {**values, **domain.parameters})):
            worlds.append(values)
    return worlds


def domain_of(spec: Spec, values: list[str] = (), bounds: list[str] = ()) -> Domain:
    """The domain to walk: the spec's section (or the default) with CLI overrides applied."""
    return apply_overrides(spec, parse_domain(spec), values, bounds)
