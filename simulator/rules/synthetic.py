"""Guards and effects of the seeded synthetic specs (see :mod:`simulator.spec.synthetic`).

A tiny world: a counter ``level`` (0..3) and a switch ``mode`` (a/b).
"""
from . import RuleBook

rules = RuleBook("synthetic")


@rules.guard
def mode_a(w) -> bool:
    return w.mode == "a"


@rules.guard
def level_low(w) -> bool:
    return w.level < 2


@rules.guard
def level_high(w) -> bool:
    return w.level >= 2


@rules.effect
def raise_level(w) -> None:
    w.level = min(3, w.level + 1)


@rules.effect
def reset_level(w) -> None:
    w.level = 0


@rules.effect
def flip_mode(w) -> None:
    w.mode = "b" if w.mode == "a" else "a"
