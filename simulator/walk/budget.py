"""The walk's budget: how many configurations it may build, and the one message for a walk too big for it.

Every configuration the walk keeps costs memory for as long as the walk's
result lives: measured on a 2-core, 24 GB machine, ``kmsflow explore`` (walk,
properties, findings and four suites) takes about 2.1 KB per configuration on
the flagship spec and up to 4.5 KB on the synthetic specs, whose transition-pairs
search is the largest part. :data:`MAX_CONFIGURATIONS` keeps that under about
4.5 GB and a walk under a few minutes; ``--max-configurations`` (the
``max_configurations`` argument of :func:`~simulator.walk.explore.explore_spec`)
sets another budget.

A walk is refused as soon as it can be told that it will not fit:

- before it starts, when its domain has more combinations of start values
  than the budget (each start world is a configuration);
- once it has built :data:`ESTIMATE_AT` configurations, when an estimate of
  its size is over the budget (see :func:`estimate`);
- at the latest when it would build one configuration more than the budget.

Each way ends in one :class:`~simulator.errors.LimitError` saying what limit
was hit, how far the walk got, which variable and bound made it big (at the
bound's place: the spec's ``domain:`` line or the command line) and how to
raise the limit. Never MemoryError: a walk too big is a property of the input.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from ..choices import MAX_CONFIGURATIONS
from ..errors import KmsflowError, LimitError, Loc, Problem

__all__ = ["MAX_CONFIGURATIONS", "ESTIMATE_AT", "estimate", "limit_error", "widest_variable"]

#: A walk that reaches this many configurations is estimated once (a smaller one is over before it would pay).
ESTIMATE_AT = 50_000

#: How many steps of one event a chain follows before it counts as a steady march (see :func:`estimate`).
_CHAIN_STEPS = 8
#: How many of its last steps must move the same variable by the same amount.
_STEADY = 4
#: At most this many start configurations are followed (evenly spread over all of them).
_STARTS = 2000

RAISE = "raise the budget with --max-configurations N"


def estimate(fire: Callable, starts: Sequence, events_of: Callable[[Any], Sequence[str]],
             limits_of: Callable[[tuple], dict[int, tuple[float, float]]], budget: int
             ) -> tuple[int, tuple[int, int, str] | None]:
    """A lower estimate of how many configurations the walk will build, and what drives it.

    From each start configuration, each event it handles is fired again and
    again (a minute passing, a coin inserted). A chain that keeps the screen, the
    history and every value but one, and moves that one by the same amount
    each time, marches towards the variable's bound: the walk will meet every
    value on the way, in that context. Before counting on that, the march is
    tried half-way and one step before the bound (a rule that caps the value
    stops it there). The marches are merged per context (value ranges that
    overlap count once) and summed. Returns (estimate, (position, amount,
    event) of the biggest march) or (0, None) when no chain marches.

    ``fire(config, event)`` is the walker's; ``limits_of(world)`` gives each
    whole-number position's (low, high) limits for that world. The sum stops
    growing once it is over ``budget``: the answer is already known.
    """
    stride = max(1, len(starts) // _STARTS)
    ranges: dict[tuple, list[tuple[int, int]]] = {}
    biggest: dict[tuple[int, int, str], int] = {}
    total = 0
    for config in starts[::stride]:
        for event in events_of(config):
            march = _march(fire, config, event, limits_of)
            if march is None:
                continue
            key, low, high, position, amount = march
            ranges.setdefault(key, []).append((low, high))
            steps = (high - low) // abs(amount) + 1
            cause = (position, amount, event)
            biggest[cause] = biggest.get(cause, 0) + steps
            total += steps
            if total > 4 * budget:  # plenty: merging overlaps cannot bring it under the budget
                break
        if total > 4 * budget:
            break
    if not ranges:
        return 0, None
    counted = 0
    for key, spans in ranges.items():
        amount = abs(key[-2])
        spans.sort()
        low, high = spans[0]
        for next_low, next_high in spans[1:]:
            if next_low > high + amount:
                counted += (high - low) // amount + 1
                low, high = next_low, next_high
            else:
                high = max(high, next_high)
        counted += (high - low) // amount + 1
    return counted, max(biggest, key=biggest.__getitem__)


def _march(fire: Callable, config, event: str, limits_of: Callable) -> tuple | None:
    """(context key, lowest, highest value, position, amount) of a steady march of ``event`` from ``config``."""
    chain = [config]
    try:
        for _ in range(_CHAIN_STEPS):
            accepted, target, _step, _nondeterminism, outcomes = fire(chain[-1], event)
            if not accepted or outcomes is None or target in chain:  # refused, beyond the bounds, or a loop
                return None
            chain.append(target)
    except (KmsflowError, ArithmeticError):  # the walk itself reports a spec that fails; here it only ends a chain
        return None
    moves = [_move(a, b) for a, b in zip(chain[-_STEADY - 1:], chain[-_STEADY:])]
    if None in moves or len(set(moves)) != 1:
        return None
    position, amount = moves[0]
    last = chain[-1]
    low_limit, high_limit = limits_of(last.world).get(position, (None, None))
    if low_limit is None:
        return None
    value = last.world[position]
    room = (high_limit - value) // amount if amount > 0 else (value - low_limit) // -amount
    if room == float("inf") or room != room:  # no limit that way: the walk's own bound check ends it
        return None
    room = int(room)
    # The march must still be a march far from where it was seen: half-way, and one step before the end.
    for steps in {room // 2, max(room - 1, 0)}:
        probe = _with(last, position, value + steps * amount)
        try:
            accepted, target, *_ = fire(probe, event)
        except (KmsflowError, ArithmeticError):
            return None
        if not accepted or _move(probe, target) != (position, amount):
            return None
    first = chain[-_STEADY - 1].world[position]
    end = value + room * amount
    low, high = min(first, end), max(first, end)
    key = (last.screen, last.history, last.world[:position] + (None,) + last.world[position + 1:], position, amount)
    return key + (low % abs(amount),), low, high, position, amount


def _move(a, b) -> tuple[int, int] | None:
    """(position, amount) when ``b`` is ``a`` with one whole-number value moved, on the same screen and history."""
    if a.screen != b.screen or a.history != b.history:
        return None
    moved = [i for i, (x, y) in enumerate(zip(a.world, b.world)) if x != y]
    if len(moved) != 1:
        return None
    x, y = a.world[moved[0]], b.world[moved[0]]
    if type(x) is not int or type(y) is not int:
        return None
    return moved[0], y - x


def _with(config, position: int, value: int):
    world = config.world
    return config._replace(world=world[:position] + (value,) + world[position + 1:])


def widest_variable(nodes: Sequence, variables: Sequence[str], ints: set[str]) -> tuple[str, int] | None:
    """The whole-number variable with the most distinct values among ``nodes`` (name, count), if any."""
    best = None
    for position, name in enumerate(variables):
        if name not in ints:
            continue
        count = len({node.world[position] for node in nodes})
        if best is None or count > best[1]:
            best = (name, count)
    return best


def limit_error(what: str, variable: str | None, why: str, domain: Any, spec_loc: Loc,
                advice: str = "lower the bound or narrow the domain (--bound, --domain)") -> LimitError:
    """The one message for a walk over its budget.

    ``what``: the limit and how far the walk got (or what told it early);
    ``variable``: the one that made it big (the message points at the place of
    its bound); ``why``: what made it big.
    """
    loc, origin = domain.origins.get(variable, (spec_loc, "")) if variable else (spec_loc, "")
    bound = domain.bounds.get(variable) if variable else None
    if variable and bound is not None:
        why += f", up to its bound {bound:,}" + (f" ({origin})" if origin else "")
    message = f"the walk {what}; {why}: {advice}, or {RAISE}"
    return LimitError(Problem(loc, "error", message, "too-many-configurations"))
