"""The rule book of the semantics corpus: small guards and effects whose order and reads are visible."""
from simulator.rules import RuleBook, register_rule_book

rules = RuleBook("semantics")


@rules.guard
def can_pay(w) -> bool:
    return w.balance >= 1


@rules.guard
def loyal(w) -> bool:
    return w.charges >= 1


@rules.guard
def saw_thanks(w) -> bool:
    return w.note == "thanks"


@rules.guard
def low(w) -> bool:
    return w.level <= 1


@rules.guard
def even(w) -> bool:
    return w.level % 2 == 0


@rules.guard
def high(w) -> bool:
    return w.level >= 3


@rules.guard
def mode_b(w) -> bool:
    return w.mode == "b"


@rules.guard
def always(w) -> bool:
    return True


@rules.guard
def writes_level(w) -> bool:
    # A broken guard: guards only look. Refused by the simulator and the walk alike.
    w.level = 0
    return True


@rules.effect
def pay(w) -> None:
    w.balance -= 1
    w.charges += 1


@rules.effect
def drain(w) -> None:
    w.balance -= 10


@rules.effect
def double(w) -> None:
    # Not commutative with add_one: (l * 2) + 1 != (l + 1) * 2, so the order of before/after shows.
    w.level = w.level * 2


@rules.effect
def add_one(w) -> None:
    w.level += 1


@rules.effect
def sub_one(w) -> None:
    w.level = max(0, w.level - 1)


@rules.effect
def count(w) -> None:
    w.charges += 1


@rules.effect
def flip_mode(w) -> None:
    w.mode = "b" if w.mode == "a" else "a"


@rules.effect
def reset_level(w) -> None:
    w.level = 0


@rules.effect
def copy_count(w) -> None:
    # Uses a counter as a value: refused when charges is declared a counter.
    w.level = w.charges


register_rule_book(rules)
