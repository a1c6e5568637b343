"""The rule book ``trial``: the guards and effects the small fixtures name (``rules: trial``), in Python.

The trial-to-purchase spec once needed it; it writes its rules as expressions now, so the book lives with the
tests whose fixtures still name it. tests/conftest.py registers it in the test process; a test that runs
kmsflow in another process names this file with ``--rules``.
"""
from simulator.rules import RuleBook

rules = RuleBook("trial")


@rules.guard
def is_full(w) -> bool:
    return w.license == "full"


@rules.guard
def can_pay(w) -> bool:
    return w.balance >= w.price


@rules.guard
def last_trial_day(w) -> bool:
    return w.days_left == 1


@rules.effect
def pay_price(w) -> None:
    w.balance -= w.price
    w.record("charge", w.price)


@rules.effect
def take_a_day(w) -> None:
    w.days_left = max(0, w.days_left - 1)


@rules.effect
def add_price(w) -> None:
    w.balance += w.price
