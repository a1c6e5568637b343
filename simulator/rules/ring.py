"""Guards and effects of the ring workload that ``make bench`` runs beside @xstate/graph
(see :func:`simulator.spec.synthetic.ring_spec_text`): one switch, ``flag`` (off/on)."""
from . import RuleBook

rules = RuleBook("ring")


@rules.guard
def flag_on(w) -> bool:
    return w.flag == "on"


@rules.effect
def flip_flag(w) -> None:
    w.flag = "off" if w.flag == "on" else "on"
