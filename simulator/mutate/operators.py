"""Mutation operators over a loaded spec: each mutant is the spec with one small, located change.

Mutants are made on the :class:`~simulator.spec.model.Spec` (never on its
text), with :func:`dataclasses.replace` on the one screen or transition that
changes, so the rest of the mutant is the original's own objects. Every
operator is generic: it reads the spec's guards, effects, screens and
parameters, never a name of one spec. The order is the spec's, so the same
spec gives the same mutants, numbered the same.

Operators (the names ``kmsflow mutate --operator`` takes):

- ``drop-guard``: a condition or ``unless`` guard of a transition removed;
- ``invert-guard``: a condition becomes an ``unless`` guard, or the reverse;
- ``replace-guard``: a guard replaced by the next guard the spec declares;
- ``retarget``: a transition's destination replaced by the next state of its region;
- ``drop-effect``: an effect (``before``/``after``) or a signal (``send``) removed;
- ``double-effect``: an ``after`` effect run twice;
- ``number``: a whole number in a guard's or an effect's expression changed by +1 and by -1;
- ``parameter``: a parameter's default changed by +1 and by -1;
- ``swap-notes``: the note kinds of two note screens swapped;
- ``swap-softkeys``: a screen's left and right softkeys swapped;
- ``change-text``: a screen's text (or, without one, its title) changed;
- ``remove-transition``: a transition removed.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Callable, Iterator

from ..errors import Loc
from ..spec.model import Spec, Transition

__all__ = ["Mutant", "OPERATORS", "mutants_of"]


@dataclass
class Mutant:
    """One mutant: its number, operator, where the change is, what it is in words, and the mutated spec."""

    number: int
    operator: str
    loc: Loc
    description: str
    spec: Spec


def _name(t: Transition) -> str:
    sources = ", ".join(t.sources)
    return f"{t.trigger} on {sources}" + (f" -> {t.dest}" if t.dest else "")


def _with_transition(spec: Spec, old: Transition, new: Transition | None) -> Spec:
    """``spec`` with ``old`` replaced by ``new`` (None: removed), in whichever region it is."""
    if old in spec.transitions:
        transitions = [new if t is old else t for t in spec.transitions if not (t is old and new is None)]
        return dataclasses.replace(spec, transitions=transitions)
    account = spec.account
    transitions = [new if t is old else t for t in account.transitions if not (t is old and new is None)]
    return dataclasses.replace(spec, account=dataclasses.replace(account, transitions=transitions))


def _with_screens(spec: Spec, changed: dict) -> Spec:
    return dataclasses.replace(spec, screens={name: changed.get(name, s) for name, s in spec.screens.items()})


Made = tuple[Loc, str, Spec]


def _guards(spec: Spec) -> Iterator[Made]:
    for t in spec.all_transitions():
        for key in ("conditions", "unless"):
            for guard in getattr(t, key):
                rest = tuple(g for g in getattr(t, key) if g != guard)
                yield (t.key_locs.get(key, t.loc), f"drop {key} guard {guard} of {_name(t)}",
                       _with_transition(spec, t, dataclasses.replace(t, **{key: rest})))


def _invert(spec: Spec) -> Iterator[Made]:
    for t in spec.all_transitions():
        for key, other in (("conditions", "unless"), ("unless", "conditions")):
            for guard in getattr(t, key):
                rest = tuple(g for g in getattr(t, key) if g != guard)
                yield (t.key_locs.get(key, t.loc), f"invert guard {guard} of {_name(t)} ({key} -> {other})",
                       _with_transition(spec, t, dataclasses.replace(t, **{key: rest, other: getattr(t, other) +
                                                                            (guard,)})))


def _replace(spec: Spec) -> Iterator[Made]:
    names = list(spec.guards)
    for t in spec.all_transitions():
        for key in ("conditions", "unless"):
            for guard in getattr(t, key):
                if guard not in names:
                    continue
                used = set(t.conditions) | set(t.unless)
                candidates = names[names.index(guard) + 1:] + names[:names.index(guard)]
                other = next((g for g in candidates if g not in used), None)
                if other is None:
                    continue
                new = tuple(other if g == guard else g for g in getattr(t, key))
                yield (t.key_locs.get(key, t.loc), f"replace guard {guard} of {_name(t)} by {other}",
                       _with_transition(spec, t, dataclasses.replace(t, **{key: new})))


def _retarget(spec: Spec) -> Iterator[Made]:
    for t in spec.all_transitions():
        if not t.dest:
            continue
        states = list(spec.screens) if t.region == "screens" else list(spec.account.states)
        if t.dest not in states or len(states) < 2:
            continue
        at = states.index(t.dest)
        other = next(s for s in states[at + 1:] + states[:at] if s != t.dest)
        yield (t.key_locs.get("dest", t.loc), f"retarget {_name(t)} to {other}",
               _with_transition(spec, t, dataclasses.replace(t, dest=other)))


def _drop_effect(spec: Spec) -> Iterator[Made]:
    for t in spec.all_transitions():
        for key in ("before", "after", "send"):
            for index, name in enumerate(getattr(t, key)):
                rest = getattr(t, key)[:index] + getattr(t, key)[index + 1:]
                what = "signal" if key == "send" else "effect"
                yield (t.key_locs.get(key, t.loc), f"drop {what} {name} of {_name(t)}",
                       _with_transition(spec, t, dataclasses.replace(t, **{key: rest})))


def _double_effect(spec: Spec) -> Iterator[Made]:
    for t in spec.all_transitions():
        for index, name in enumerate(t.after):
            doubled = t.after[:index + 1] + (name,) + t.after[index + 1:]
            yield (t.key_locs.get("after", t.loc), f"run effect {name} of {_name(t)} twice",
                   _with_transition(spec, t, dataclasses.replace(t, after=doubled)))


def _numbers(spec: Spec) -> Iterator[Made]:
    """Each whole number written in a guard's or an effect's expression, by +1 and by -1."""
    for kind, declared in (("guards", spec.guards), ("effects", spec.effects)):
        for name, item in declared.items():
            if not item.code:
                continue
            for found in re.finditer(r"(?<![\w.])\d+(?![\w.])", item.code):
                for delta in (1, -1):
                    value = int(found.group()) + delta
                    if value < 0:
                        continue
                    code = item.code[:found.start()] + str(value) + item.code[found.end():]
                    changed = dataclasses.replace(item, code=code)
                    yield (item.code_loc or item.loc, f"{kind[:-1]} {name}: {found.group()} becomes {value} in "
                           f"{item.code!r}", dataclasses.replace(spec, **{kind: {**declared, name: changed}}))


def _parameter(spec: Spec) -> Iterator[Made]:
    for name, p in spec.parameters.items():
        for delta in (1, -1):
            changed = dataclasses.replace(p, default=p.default + delta)
            yield (p.loc, f"parameter {name} defaults to {p.default + delta} (not {p.default})",
                   dataclasses.replace(spec, parameters={**spec.parameters, name: changed}))


def _swap_notes(spec: Spec) -> Iterator[Made]:
    notes = [s for s in spec.screens.values() if s.note]
    for a, b in zip(notes, notes[1:]):
        if a.note != b.note:
            yield (b.key_locs.get("note", b.loc), f"swap the note kinds of {a.name} and {b.name}",
                   _with_screens(spec, {a.name: dataclasses.replace(a, note=b.note),
                                        b.name: dataclasses.replace(b, note=a.note)}))


def _swap_softkeys(spec: Spec) -> Iterator[Made]:
    for s in spec.screens.values():
        left, right = s.softkeys
        if left and right and left != right:
            yield (s.key_locs.get("softkeys", s.loc), f"swap the softkeys of {s.name} ({left}, {right})",
                   _with_screens(spec, {s.name: dataclasses.replace(s, softkeys=(right, left))}))


def _change_text(spec: Spec) -> Iterator[Made]:
    for s in spec.screens.values():
        key = "text" if s.text else "title"
        old = getattr(s, key) or s.name
        yield (s.key_locs.get(key, s.loc), f"change the {key} of {s.name}",
               _with_screens(spec, {s.name: dataclasses.replace(s, **{key: old + " (changed)"})}))


def _remove(spec: Spec) -> Iterator[Made]:
    for t in spec.all_transitions():
        yield t.loc, f"remove {_name(t)}", _with_transition(spec, t, None)


#: Operator name -> the function that makes its mutants, in the order they are numbered: the command line's
#: list, :data:`~simulator.choices.MUTATION_OPERATORS` (tests/test_mutate.py holds the two equal).
OPERATORS: dict[str, Callable[[Spec], Iterator[Made]]] = {
    "drop-guard": _guards, "invert-guard": _invert, "replace-guard": _replace, "retarget": _retarget,
    "drop-effect": _drop_effect, "double-effect": _double_effect, "number": _numbers, "parameter": _parameter,
    "swap-notes": _swap_notes, "swap-softkeys": _swap_softkeys, "change-text": _change_text,
    "remove-transition": _remove,
}


def mutants_of(spec: Spec, operators: list[str] | None = None) -> list[Mutant]:
    """Every mutant of ``spec`` by the named operators (all when None), numbered from 1 in a fixed order."""
    mutants: list[Mutant] = []
    for operator, make in OPERATORS.items():
        if operators is not None and operator not in operators:
            continue
        for loc, description, mutated in make(spec):
            mutants.append(Mutant(len(mutants) + 1, operator, loc, description, mutated))
    return mutants
