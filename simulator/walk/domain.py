"""The walk's domain: which worlds it starts from and the bounds that keep it finite.

A spec may declare it in a top-level ``domain:`` section::

    domain:
      initial:                 # every combination that meets the spec's constraints
        minutes_left: [0, 1, 5]
        credit: [0, price - 1, price, 2 * price]
      bounds:                  # steps that would go beyond are counted, not explored
        credit: 2 * price
      counters: [cups]         # only counts what happened: not kept in a configuration

Values may be small expressions over the spec's parameters (``price - 1``,
``2 * price``), so overriding a parameter moves the domain with it. A spec
without the section gets a default: every value of an enum, ``min..max`` of a
bounded int, ``min`` and ``initial`` of an unbounded one (bounded at twice the
largest start value plus 10). The CLI overrides both (``--domain credit=0,3``,
``--bound credit=40``).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from ..errors import Loc, Problem, SpecError, UsageError
from ..spec.expr import evaluate_value
from ..spec.load import did_you_mean
from ..spec.model import Spec
from ..spec.resolve import bound_problem, default_parameters, resolve_domain, value_problem
from ..runtime.given import unmet_constraints
from ..runtime.world import make_world

__all__ = ["Domain", "domain_of", "parse_domain", "apply_overrides", "initial_worlds", "start_combinations",
           "evaluate_value"]


@dataclass
class Domain:
    """Initial value sets per world variable, upper bounds, and the counters a configuration does not keep.

    A domain may range over parameters too (``varied``): the walk then starts
    from the worlds of every combination of their values (``sets``, each with
    the initial values evaluated for it) and keeps the varied parameters in
    each configuration, as it keeps the variables. ``initial`` and
    ``parameters`` are those of the first combination (the defaults when they
    are among the values); ``bounds`` are the largest over all combinations,
    and each combination keeps its own (``2 * period_days`` differs).
    """

    initial: dict[str, tuple]
    bounds: dict[str, int]
    counters: tuple[str, ...] = ()
    declared: bool = False  # False: derived from the variables (the spec has no domain section)
    parameters: dict[str, int] = field(default_factory=dict)
    varied: tuple[str, ...] = ()
    # (parameters, initial, bounds) per combination of the varied parameters' values
    sets: tuple[tuple[dict[str, int], dict[str, tuple], dict[str, int]], ...] = ()
    # Where each bound comes from, for messages that say what to change: name -> (place, what sets it)
    origins: dict[str, tuple[Loc, str]] = field(default_factory=dict)
    derived: tuple[str, ...] = ()  # the variables whose bound is the default one, derived from their start values

    def kept_variables(self, spec: Spec) -> tuple[str, ...]:
        """What a configuration keeps: the variables but the counters (spec order), then the varied parameters."""
        return tuple(name for name in spec.variables if name not in self.counters) + self.varied

    def parameter_sets(self) -> tuple[tuple[dict[str, int], dict[str, tuple], dict[str, int]], ...]:
        return self.sets or ((self.parameters, self.initial, self.bounds),)


def _default_domain(spec: Spec, parameters: dict[str, int]) -> Domain:
    initial: dict[str, tuple] = {}
    bounds: dict[str, int] = {}
    for name, variable in spec.variables.items():
        if variable.type == "enum":
            initial[name] = tuple(variable.values)
        elif variable.min is not None and variable.max is not None:
            # Left a range when it is big: min..max may be huge, and the walk's budget refuses it before a
            # single start world is made.
            values = range(variable.min, variable.max + 1)
            initial[name] = tuple(values) if len(values) <= 10_000 else values
        else:
            start = variable.min if variable.min is not None else variable.initial
            initial[name] = tuple(dict.fromkeys([start, variable.initial]))
    origins: dict[str, tuple[Loc, str]] = {}
    for name, variable in spec.variables.items():
        if variable.type == "int" and variable.max is None:
            bounds[name] = _default_bound(initial[name])
            origins[name] = (variable.loc, f"the default bound of {name} (twice its largest start value + 10)")
    return Domain(initial, bounds, (), False, parameters, origins=origins, derived=tuple(origins))


def _default_bound(starts: tuple) -> int:
    return 2 * max(starts) + 10


def parse_domain(spec: Spec, parameters: dict[str, int] | None = None,
                 parameter_values: dict[str, tuple] | None = None) -> Domain:
    """The spec's declared domain (or the default one); SpecError with every problem of the section.

    ``parameters`` overrides parameter defaults; ``parameter_values`` the
    values the walk ranges over for some parameters (``--domain price=3,5``).
    """
    given = parameters
    parameters = {**default_parameters(spec), **(parameters or {})}
    default = _default_domain(spec, parameters)
    if spec.domain is None and not parameter_values:
        return default
    declared, problems = resolve_domain(spec, parameters)
    if problems:
        raise SpecError(sorted(problems))
    # A parameter given explicitly is fixed, whatever values the section lists for it.
    ranges = {name: values for name, values in declared.initial.items()
              if name in spec.parameters and name not in (given or {})}
    ranges.update(parameter_values or {})
    varied = tuple(name for name in spec.parameters if name in ranges)
    sets = []
    bounds: dict[str, int] = {}
    for combination in itertools.product(*(ranges[name] for name in varied)):
        these = {**parameters, **dict(zip(varied, combination))}
        evaluated, problems = resolve_domain(spec, these) if combination else (declared, [])
        if problems:  # said for the combination that has them: the defaults passed
            raise SpecError(sorted(Problem(p.loc, p.level, f"{p.message} (with {_combination(varied, these)})", p.code)
                                   for p in problems))
        initial = {**_default_domain(spec, these).initial,
                   **{name: values for name, values in evaluated.initial.items() if name in spec.variables}}
        # The section replaces the default bounds for the variables it names.
        these_bounds = {name: value for name, value in {**default.bounds, **evaluated.bounds}.items()
                        if name not in declared.counters}  # a counter is not kept: a bound on it means nothing
        sets.append((these, initial, these_bounds))
        for name, value in these_bounds.items():
            bounds[name] = max(bounds.get(name, value), value)
    first_parameters, first_initial, _ = sets[0]
    origins = dict(default.origins)
    for bound in spec.domain.bounds if spec.domain is not None else ():
        origins[bound.variable] = (bound.loc, f"domain: bounds: {bound.variable}: {bound.value.text}")
    derived = tuple(name for name in default.derived if name not in declared.bounds)
    return Domain(first_initial, bounds, declared.counters, spec.domain is not None, first_parameters, varied,
                  tuple(sets) if varied else (), origins, derived)


def _combination(names: tuple[str, ...], parameters: dict[str, int]) -> str:
    return ", ".join(f"{name}={parameters[name]}" for name in names)


def _parse_values(spec: Spec, item: str, name: str, text: str, parameters: dict[str, int]) -> tuple:
    where = Loc("<command line>")
    parsed = []
    for part in text.split(","):
        part = part.strip()
        try:
            value = evaluate_value(part, parameters)
        except ValueError as exc:
            raise UsageError(Problem(where, "error", f"--domain {item!r}: {exc}", "bad-usage")) from None
        message = value_problem(spec, name, value)
        if message:
            raise UsageError(Problem(where, "error", f"--domain {item!r}: {message}", "bad-usage"))
        parsed.append(value)
    return tuple(dict.fromkeys(parsed))


def _split(item: str) -> tuple[str, bool, str]:
    name, sep, text = item.partition("=")
    return name.strip(), bool(sep), text


def apply_overrides(spec: Spec, domain: Domain, values: list[str] = (), bounds: list[str] = ()) -> Domain:
    """A copy of ``domain`` with CLI overrides ``name=v1,v2`` (values) and ``name=N`` (bounds).

    An override of a world variable applies to every parameter combination;
    one of a parameter is :func:`domain_of`'s to apply (it changes the
    combinations). Raises UsageError naming the bad override.
    """
    where = Loc("<command line>")
    overrides: dict[str, tuple] = {}
    for item in values:
        name, sep, text = _split(item)
        if name in spec.parameters and sep:
            continue  # applied by domain_of, before the domain is evaluated
        if not sep or name not in spec.variables:
            known = [*spec.variables, *spec.parameters]
            raise UsageError(Problem(where, "error", f"--domain {item!r}: expected NAME=V1,V2,... with NAME one of "
                                     f"{', '.join(known)}{did_you_mean(name, known)}", "bad-usage"))
        overrides[name] = _parse_values(spec, item, name, text, domain.parameters)
    new_bounds = dict(domain.bounds)
    bound_overrides: dict[str, int] = {}
    for item in bounds:
        name, sep, text = _split(item)
        if not sep or name not in domain.bounds:
            raise UsageError(Problem(where, "error", f"--bound {item!r}: expected VARIABLE=N with one of "
                                     f"{', '.join(domain.bounds) or '(no bounded variable)'}"
                                     f"{did_you_mean(name, domain.bounds)}", "bad-usage"))
        try:
            value = evaluate_value(text, domain.parameters)
        except ValueError as exc:
            raise UsageError(Problem(where, "error", f"--bound {item!r}: {exc}", "bad-usage")) from None
        if not isinstance(value, int) or value < 0:
            raise UsageError(Problem(where, "error", f"--bound {item!r}: expected a whole number >= 0", "bad-usage"))
        new_bounds[name] = bound_overrides[name] = value
    origins = dict(domain.origins)
    for item in bounds:
        origins[_split(item)[0]] = (where, f"--bound {item}")
    # A default bound follows the start values it was derived from, so --domain alone never leaves one behind.
    defaults = {name: _default_bound for name in overrides if name in domain.derived and name not in bound_overrides}
    sets = []
    for parameters, initial, these_bounds in domain.parameter_sets():
        initial = {**initial, **overrides}
        these_bounds = {**these_bounds, **{name: make(initial[name]) for name, make in defaults.items()},
                        **bound_overrides}
        sets.append((parameters, initial, these_bounds))
        for name in set(overrides) | set(bound_overrides):
            if name not in these_bounds:
                continue
            message = bound_problem(spec, name, these_bounds[name], initial[name])
            if message and domain.varied:
                message += f", with {_combination(domain.varied, parameters)}"
            if message:
                given = [f"--{kind} {item}" for kind, items in (("domain", values), ("bound", bounds))
                         for item in items if _split(item)[0] == name]
                source = origins.get(name, (where, "the domain"))[1]
                origin = "" if name in bound_overrides else \
                    f" (the bound comes from {source}; raise it with --bound {name}=N)"
                raise UsageError(Problem(where, "error", f"{' '.join(given)}: {message}{origin}", "bad-usage"))
    for name in defaults:
        new_bounds[name] = max(these[name] for _, _, these in sets)
    first = sets[0]
    derived = tuple(name for name in domain.derived if name not in bound_overrides)
    return Domain(first[1], new_bounds, domain.counters, domain.declared, domain.parameters,
                  domain.varied, tuple(sets) if domain.sets else (), origins, derived)


def initial_worlds(spec: Spec, domain: Domain) -> list[dict[str, Any]]:
    """Every combination of the domain's initial values that meets the spec's constraints, in a fixed order.

    Each world names the variables and, when the domain ranges over
    parameters, the varied parameters' values too.
    """
    names = list(spec.variables)
    worlds = []
    for parameters, initial, _bounds in domain.parameter_sets():
        varied = {name: parameters[name] for name in domain.varied}
        for combination in itertools.product(*(initial[name] for name in names)):
            values = dict(zip(names, combination))
            if not unmet_constraints(spec, make_world(spec, {**values, **parameters})):
                worlds.append({**values, **varied})
    return worlds


def start_combinations(spec: Spec, domain: Domain) -> int:
    """How many combinations of start values :func:`initial_worlds` looks at (before the constraints drop some)."""
    total = 0
    for _parameters, initial, _bounds in domain.parameter_sets():
        count = 1
        for name in spec.variables:
            count *= len(initial[name])
        total += count
    return total


def domain_of(spec: Spec, values: list[str] = (), bounds: list[str] = ()) -> Domain:
    """The domain to walk: the spec's section (or the default) with CLI overrides applied."""
    parameter_values = {}
    for item in values:
        name, sep, text = _split(item)
        if sep and name in spec.parameters:
            parameter_values[name] = _parse_values(spec, item, name, text, default_parameters(spec))
    return apply_overrides(spec, parse_domain(spec, parameter_values=parameter_values), values, bounds)
