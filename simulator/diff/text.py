"""``kmsflow diff`` as text: the structural changes, located, then the behaviour, then the verdict."""
from __future__ import annotations

from typing import Any

from .spec_diff import SpecDiff

__all__ = ["format_diff"]

_LONGEST = 100  # characters of one value shown in a line (--json has them whole)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return str(value).replace("'", "")


def _given(given: dict[str, Any], defaults: tuple[str, ...]) -> str:
    text = ", ".join(f"{name}={_value(value)}" for name, value in given.items())
    if defaults:
        text += f" ({', '.join(defaults)}: each spec's own default)"
    return text


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'s' * (count != 1)}"


def format_diff(result: SpecDiff) -> str:
    """The report ``kmsflow diff`` prints: every change with its place, the behaviour, the verdict."""
    lines = [f"kmsflow diff: {result.old.path} -> {result.new.path}", ""]
    changes = result.changes
    if not changes:
        lines.append("structure: the same (reordering and reformatting are no change)")
    else:
        counts = ", ".join(f"{sum(c.change == kind for c in changes)} {kind}" for kind in ("removed", "added",
                                                                                           "changed"))
        lines.append(f"structure: {_n(len(changes), 'change')} ({counts})")
        lines += [f"  {change.loc}: {change.text(_LONGEST)}" for change in changes]
    lines.append("")
    behaviour = result.behaviour
    if behaviour is None:
        lines.append("behaviour: not compared")
    elif behaviour.initial_pairs == 0:
        lines.append("behaviour: not compared: no initial world is valid in both specs (their world variables "
                     "or constraints have nothing in common)")
    elif behaviour.equivalent:
        lines.append(f"behaviour: behaviourally equivalent over {_n(behaviour.configurations, 'configuration')} "
                     f"(walked in lockstep from {_n(behaviour.initial_pairs, 'initial world')} valid in both)")
    else:
        lines.append(f"behaviour: DIFFERENT: {_n(behaviour.differing_configurations, 'configuration')} and "
                     f"{_n(behaviour.differing_transitions, 'transition')} differ, of "
                     f"{behaviour.configurations:,} configurations walked in lockstep from "
                     f"{_n(behaviour.initial_pairs, 'initial world')} valid in both")
        found = behaviour.distinguishing
        lines.append(f"  shortest distinguishing sequence ({_n(found.length, 'step')}), from "
                     f"{_given(found.given, found.defaults)}:")
        width = max([len(event) for event in found.events] + [8])
        for number, (event, screen) in enumerate(zip(found.events, found.screens), start=1):
            lines.append(f"    {number:>2}  {event:<{width}}  on {screen}")
        lines.append(f"  {found.summary()}")
    if behaviour is not None:
        changed = behaviour.changed_verdicts
        if changed:
            lines.append("  properties whose verdict changed:")
            lines += [f"    {v.name}: {v.old} -> {v.new}" for v in changed]
        elif behaviour.verdicts:
            lines.append(f"  every property keeps its verdict ({len(behaviour.verdicts)} compared)")
    lines.append("")
    if result.equal:
        lines.append("result: the same in structure and behaviour")
    else:
        differ = [part for part, same in (("structure", result.structurally_equal),
                                          ("behaviour", behaviour is None or behaviour.equivalent),
                                          ("property verdicts", behaviour is None or not behaviour.changed_verdicts))
                  if not same]
        lines.append(f"result: different ({', '.join(differ)})")
    return "\n".join(lines)
