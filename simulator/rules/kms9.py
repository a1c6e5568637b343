"""Guards and effects of the KMS 9.0 subscription spec (spec/kms9_subscription.yaml).

Each function is the code behind one sentence of the spec's ``guards`` or
``effects`` section; keep the two in step. ``w`` is the :class:`~simulator.runtime.world.World`.
"""
from . import RuleBook

rules = RuleBook("kms9")


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
def record_failed_renewal(w) -> None:
    w.record("renewal_failed", w.days_left)


@rules.effect
def lose_network(w) -> None:
    w.network = "down"


@rules.effect
def restore_network(w) -> None:
    w.network = "up"


@rules.effect
def add_price_to_balance(w) -> None:
    w.balance += w.price
