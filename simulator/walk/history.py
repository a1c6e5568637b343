"""The bounded history a configuration keeps: which steps of a flow were taken since it opened.

Properties such as "nothing is paid without consent" ask what happened earlier in a
flow (a purchase: were the terms accepted?). A configuration keeps, per flow
the spec's ``properties.history`` declares, a few flags that are cleared when
the flow's screens are left, so the history stays finite and the walk ends.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import SpecError
from ..spec.model import Spec
from ..spec.resolve import ACCOUNT_CHANGED, properties_problems

__all__ = ["FlowHistory", "declared_flows"]


@dataclass(frozen=True)
class FlowHistory:
    """A flow whose steps a configuration remembers while it stays on the flow's screens.

    ``steps`` maps a flag name to the (screen, event) pairs that set it;
    ``account`` names the variables whose change by a user step sets the
    ``account_changed`` flag (empty: not tracked).
    """

    name: str
    screens: frozenset
    steps: tuple  # ((flag, frozenset((screen, event), ...)), ...)
    account: tuple = ()

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(flag for flag, _ in self.steps) + ((ACCOUNT_CHANGED,) if self.account else ())

    def bit(self, flag: str) -> int:
        return 1 << self.flags.index(flag)


def declared_flows(spec: Spec) -> tuple[FlowHistory, ...]:
    """The flows the spec's ``properties`` section declares (none without it); SpecError if the section is wrong."""
    decl = spec.properties
    if decl is None:
        return ()
    problems = properties_problems(spec)
    if problems:
        raise SpecError(sorted(problems))
    account = tuple(ref.name for ref in decl.watched)
    return tuple(
        FlowHistory(flow.name, frozenset(ref.name for ref in flow.screens),
                    tuple((step.flag, frozenset((s, e) for s in step.screens for e in step.events))
                          for step in flow.steps), account)
        for flow in decl.history)
