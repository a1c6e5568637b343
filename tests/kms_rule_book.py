"""The KMS spec's guards and effects written by hand in Python, as its rule book once held them.

The spec writes each as an expression now (spec/kms9_subscription.yaml, sections 6). This book is the
hand-written twin the expressions are measured against: tests/test_rule_expr.py walks the spec both ways
and finds the same graph, and bench/bench_expressions.py times the two. ``w`` is the
:class:`~simulator.runtime.world.World`. :func:`kms_with_rule_book` writes the spec with its expressions
taken out and this book named instead.
"""
import re
from pathlib import Path

from simulator.rules import RuleBook, register_rule_book

ROOT = Path(__file__).resolve().parent.parent
KMS_SPEC = ROOT / "spec" / "kms9_subscription.yaml"

rules = RuleBook("kms9_python")


# -- guards: read the world, change nothing ------------------------------------------
@rules.guard
def subscription_active(w) -> bool:
    return w.subscription == "active"


@rules.guard
def license_valid(w) -> bool:
    return w.days_left > 0


@rules.guard
def network_up(w) -> bool:
    return w.network == "up"


@rules.guard
def balance_covers_price(w) -> bool:
    return w.balance >= w.price


@rules.guard
def payment_possible(w) -> bool:
    # One guard for "both hold": `unless` can only negate each name separately,
    # and a failed renewal is "not (network and money)".
    return network_up(w) and balance_covers_price(w)


@rules.guard
def renewal_due(w) -> bool:
    # Read after the day is taken off (the day's attempt is a signal sent by day_passes): 4 -> 3 -> pay.
    return 1 <= w.days_left <= 3


@rules.guard
def active_license_has_days(w) -> bool:
    return w.subscription != "active" or w.days_left > 0


# -- effects: change the world ---------------------------------------------------------
@rules.effect
def charge_price(w) -> None:
    w.balance -= w.price
    w.charges += 1
    w.record("charge", w.price)


@rules.effect
def extend_by_period(w) -> None:
    w.days_left += w.period_days


@rules.effect
def take_a_day(w) -> None:
    w.days_left = max(0, w.days_left - 1)



@rules.effect
def lose_network(w) -> None:
    w.network = "down"


@rules.effect
def restore_network(w) -> None:
    w.network = "up"


@rules.effect
def add_price_to_balance(w) -> None:
    w.balance += w.price


def kms_with_rule_book(folder: Path) -> Path:
    """Write the KMS spec with every ``when:``/``do:`` dropped and this book named (``rules: kms9_python``)."""
    register_rule_book(rules)
    text = KMS_SPEC.read_text(encoding="utf-8")
    text, count = re.subn(r'^  (\w+):\n    doc: (".*")\n    (?:when|do): ".*"$', r"  \1: \2", text, flags=re.M)
    assert count == len(rules.guards) + len(rules.effects), count
    text, count = re.subn(r"^home: ", "rules: kms9_python\nhome: ", text, count=1, flags=re.M)
    assert count == 1
    path = folder / "kms9_rule_book.yaml"
    path.write_text(text, encoding="utf-8")
    return path
