"""Names of the ``properties:`` section that earlier versions used, and what they are called now.

The first property kinds were named after the flow they were written for (a
subscription's payments); they are named for what they check now. A spec of an
earlier version is not silently misread: ``kmsflow check`` refuses each old name
with one located message that gives the new one (:mod:`simulator.spec.sections`).
This module is the one place the engine spells those old words, on purpose.
"""
from __future__ import annotations

__all__ = ["RENAMED_KINDS", "RENAMED_KEYS"]

#: Old kind -> (the kind that checks the same, its parameters' old names -> new names).
RENAMED_KINDS: dict[str, tuple[str, dict[str, str]]] = {
    "steps_before_charge": ("counter_rises_after_steps", {}),
    "charge_requires": ("counter_rises_only_when", {}),
    "charge_buys_period": ("counter_rise_trades",
                           {"days": "adds_to", "period": "adds", "price": "takes", "balance": "takes_from"}),
    "notes_keep_account": ("notes_keep_watched", {}),
    "events_keep_account": ("events_keep_watched", {}),
}
#: Old key of the properties section -> its new name.
RENAMED_KEYS: dict[str, str] = {"account": "watched", "charge_counter": "counter"}
