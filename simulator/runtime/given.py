"""A given world: the values a run may start from (or be set to), checked against a spec.

Scenarios (``given:``, ``expect:``), ``kmsflow play --given``,
:meth:`Simulator.set_world <simulator.runtime.simulate.Simulator.set_world>` and
the exhaustive walk's initial worlds all ask the same two questions, so they are
answered here once:

- :func:`validate_world_values`: is every name known and every value of the
  right type and range?
- :func:`unmet_constraints`: does the world meet the spec's ``constraints``
  (guards every world must satisfy, e.g. "a lockout has minutes left")?
  :func:`constraint_problems` says the same as problems to report.

>>> from simulator import load_checked_spec, make_world
>>> spec = load_checked_spec("spec/door_keypad.yaml")
>>> unmet_constraints(spec, make_world(spec, {"keypad": "locked_out", "minutes_left": 0}))
['lockout_has_time']
"""
from __future__ import annotations

from typing import Any

from ..errors import Loc, Problem
from ..rules import rules_of
from ..spec.load import did_you_mean
from ..spec.model import Spec
from ..spec.yamlsafe import LDict
from .world import World, make_world

__all__ = ["validate_world_values", "unmet_constraints", "constraint_problems"]


def validate_world_values(spec: Spec, values: LDict | dict, what: str, allow: set[str],
                          locs: Any = None) -> list[Problem]:
    """Problems with ``values`` (names in ``allow`` plus world variables); used for given and expect.

    ``what`` starts each message (``given``, ``step 2 expect``); ``locs`` is the
    place to report when ``values`` is a plain dict (an LDict knows its own).
    """
    problems: list[Problem] = []
    loc_of = (lambda k: values.loc_of(k)) if isinstance(values, LDict) else (lambda k: locs or Loc("<given>"))
    known = set(spec.variables) | allow
    for name, value in values.items():
        loc = loc_of(name)
        if name not in known:
            problems.append(Problem(loc, "error", f"{what}: unknown name {name!r}{did_you_mean(name, known)}; "
                                    f"expected one of: {', '.join(sorted(known))}", "unknown-variable"))
            continue
        if isinstance(value, (list, dict)):
            problems.append(Problem(loc, "error", f"{what}: {name} must be a single value, found a "
                                    f"{'list' if isinstance(value, list) else 'mapping'}", "bad-value"))
            continue
        if name == "screen":
            if not isinstance(value, str) or value not in spec.screens:
                problems.append(Problem(loc, "error", f"{what}: unknown screen {value!r}"
                                        f"{did_you_mean(str(value), spec.screens)}", "unknown-screen"))
            elif spec.screens[value].is_system and what == "given":
                problems.append(Problem(loc, "error", f"{what}: {value!r} is a system screen; the app never rests "
                                        "there", "bad-value"))
            continue
        if name == "note":
            if value is not None and value not in spec.note_kinds:
                problems.append(Problem(loc, "error", f"{what}: note must be one of {', '.join(spec.note_kinds)} "
                                        f"or null, found {value!r}{did_you_mean(str(value), spec.note_kinds)}",
                                        "bad-value"))
            continue
        if name in spec.parameters:
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(Problem(loc, "error", f"{what}: parameter {name!r} must be a whole number of at "
                                        f"least 1, found {value!r}", "bad-value"))
            continue
        variable = spec.variables[name]
        if variable.type == "enum":
            if value not in variable.values:
                problems.append(Problem(loc, "error", f"{what}: {name} must be one of {', '.join(variable.values)}, "
                                        f"found {value!r}{did_you_mean(str(value), variable.values)}", "bad-value"))
        elif not isinstance(value, int) or isinstance(value, bool):
            problems.append(Problem(loc, "error", f"{what}: {name} must be a whole number, found {value!r}",
                                    "bad-value"))
        elif (variable.min is not None and value < variable.min) or (variable.max is not None and value > variable.max):
            low = variable.min if variable.min is not None else "-inf"
            high = variable.max if variable.max is not None else "inf"
            bounds = f"{low}..{high}"
            problems.append(Problem(loc, "error", f"{what}: {name} must be in {bounds}, found {value}", "bad-value"))
    return problems


def unmet_constraints(spec: Spec, world: World) -> list[str]:
    """The names of the spec's constraints that ``world`` does not meet, in the spec's order."""
    guards = rules_of(spec).guards
    return [name for name in spec.constraints if not guards[name](world)]


def constraint_problems(spec: Spec, values: dict[str, Any], loc: Loc, what: str = "given") -> list[Problem]:
    """One problem per constraint the world ``values`` describe does not meet (``screen`` is ignored).

    ``values`` must already be valid (see :func:`validate_world_values`).
    """
    world = make_world(spec, {k: v for k, v in values.items() if k != "screen"})
    return [Problem(loc, "error", f"{what}: this world cannot occur: {spec.guards[name].doc} ({name})", "bad-value")
            for name in unmet_constraints(spec, world)]
