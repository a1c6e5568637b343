"""The KMS spec with every guard and effect written as an expression (issue 12), made from the shipped file.

Used by tests/test_rule_expr.py (the two walks must agree) and bench/bench_expressions.py (the compiled
expressions must run as fast as the rule book). Only `record_failed_renewal` writes to the history, which no
expression can; it stays in a one-function rule book, registered under `kms9_history`.
"""
from __future__ import annotations

import re
from pathlib import Path

from simulator.rules import RuleBook, register_rule_book

ROOT = Path(__file__).resolve().parent.parent
KMS_SPEC = ROOT / "spec" / "kms9_subscription.yaml"

GUARDS = {
    "subscription_active": "subscription == active",
    "license_valid": "days_left > 0",
    "network_up": "network == up",
    "balance_covers_price": "balance >= price",
    "payment_possible": "network == up and balance >= price",
    "renewal_due": "1 <= days_left <= 3",
    "active_license_has_days": "subscription != active or days_left > 0",
}
EFFECTS = {
    "charge_price": "balance -= price; charges += 1",
    "extend_by_period": "days_left += period_days",
    "take_a_day": "days_left = max(0, days_left - 1)",
    "lose_network": "network = down",
    "restore_network": "network = up",
    "add_price_to_balance": "balance += price",
}

history_book = RuleBook("kms9_history")


@history_book.effect
def record_failed_renewal(w) -> None:
    w.record("renewal_failed", w.days_left)


def kms_with_expressions(folder: Path) -> Path:
    """Write the variant into ``folder``, with the shipped scenarios beside it (views draw some); return its path."""
    register_rule_book(history_book)
    text = KMS_SPEC.read_text(encoding="utf-8")
    text, count = re.subn(r"^rules: kms9\b.*$", "rules: kms9_history", text, flags=re.M)
    assert count == 1
    for key, table in (("when", GUARDS), ("do", EFFECTS)):
        for name, code in table.items():
            text, count = re.subn(rf'^  {name}: (".*")$', rf'  {name}: {{doc: \1, {key}: "{code}"}}', text,
                                  flags=re.M)
            assert count == 1, name
    path = folder / "kms9_expressions.yaml"
    path.write_text(text, encoding="utf-8")
    if not (folder / "scenarios").exists():
        (folder / "scenarios").symlink_to(KMS_SPEC.parent / "scenarios", target_is_directory=True)
    return path
