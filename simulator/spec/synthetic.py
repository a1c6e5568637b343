"""Seeded synthetic specs of any size, for benchmarks and scale tests.

``synthetic_spec_text(n, seed)`` writes the YAML of a spec with ``n`` screens
and about three transitions per screen: a step forward, a guarded jump to a
random screen (with an effect), and a way back home. The same ``n`` and
``seed`` always give the same text, so benchmark runs are comparable.

``ring_spec_text(n, seed)`` writes the workload ``make bench`` runs side by
side with @xstate/graph (issue 11): a ring of screens, two chords per screen,
some guarded by a flag that an environment event flips anywhere.
"""
from __future__ import annotations

import random

from .load import load_spec
from .model import Spec
from ..errors import Loc, Problem, UsageError
from ..output import write_atomic

__all__ = ["synthetic_spec_text", "write_synthetic_spec", "synthetic_spec", "ring_spec_text"]

_GUARDS = (("conditions", "mode_a"), ("conditions", "level_low"), ("conditions", "level_high"), ("unless", "mode_a"))
_EFFECTS = ("raise_level", "reset_level", "flip_mode")


def synthetic_spec_text(n_screens: int, seed: int = 1) -> str:
    """YAML text of a valid spec with ``n_screens`` screens (``n_screens`` >= 2)."""
    if n_screens < 2:
        raise UsageError(Problem(Loc("synthetic spec"), "error", f"a synthetic spec needs at least 2 screens, "
                                 f"not {n_screens}", "bad-value"))
    rng = random.Random(seed)
    lines = [
        f"spec: synthetic_{n_screens}_{seed}",
        f'title: "Synthetic flow: {n_screens} screens (seed {seed})"',
        "rules: synthetic",
        "home: s0",
        "world:",
        "  level: {type: int, min: 0, max: 3, initial: 0}",
        "  mode: {type: enum, values: [a, b], initial: a}",
        "assumptions:",
        "  - {id: S1, title: synthetic, decision: generated, alternative: none, why: benchmarks}",
        "events:",
        "  next: {kind: user, label: Next}",
        "  jump: {kind: user, label: Jump}",
        "  home: {kind: user, label: Home}",
        "guards:",
        '  mode_a: "The mode is a."',
        '  level_low: "The level is below 2."',
        '  level_high: "The level is 2 or more."',
        "effects:",
        '  raise_level: "Raise the level by one (at most 3)."',
        '  reset_level: "Set the level to 0."',
        '  flip_mode: "Switch between mode a and b."',
        "screens:",
    ]
    for i in range(n_screens):
        parent = f", parent: s{(i - 1) // 10 * 10}" if i >= 10 and i % 10 else ""
        initial = ", initial: true" if i == 0 else ""
        lines.append(f"  - {{name: s{i}, kind: menu{parent}{initial}}}")
    lines.append("transitions:")
    for i in range(n_screens):
        lines.append(f"  - {{trigger: next, source: s{i}, dest: s{(i + 1) % n_screens}, assumption: S1}}")
        key, guard = _GUARDS[rng.randrange(len(_GUARDS))]
        target = rng.randrange(n_screens)
        effect = _EFFECTS[rng.randrange(len(_EFFECTS))]
        lines.append(f"  - {{trigger: jump, source: s{i}, dest: s{target}, {key}: {guard}, after: {effect}, "
                     "assumption: S1}")
        if i:
            lines.append(f"  - {{trigger: home, source: s{i}, dest: s0, assumption: S1}}")
    return "\n".join(lines) + "\n"


def write_synthetic_spec(path: str, n_screens: int, seed: int = 1) -> str:
    write_atomic(path, synthetic_spec_text(n_screens, seed))
    return path


def synthetic_spec(path: str, n_screens: int, seed: int = 1) -> Spec:
    """Write the synthetic spec to ``path`` and load it (loading keeps file positions, so it needs a file)."""
    return load_spec(write_synthetic_spec(path, n_screens, seed))


_CHORD_EVENTS = ("a", "b", "c", "d")


def ring_chords(n_screens: int, seed: int = 1) -> list[list[tuple[str, int, str]]]:
    """Per screen, its two chords as (event, target screen, guard): guard "" (60 %), "flag" or "not flag" (20 % each).

    The bench's Node side builds its xstate machine from this same list (written as JSON), so both
    sides walk the same machine.
    """
    rng = random.Random(seed)
    chords = []
    for i in range(n_screens):
        events = rng.sample(_CHORD_EVENTS, 2)
        mine = []
        for event in events:
            target = rng.randrange(n_screens - 1)
            target += target >= i  # any other screen
            roll = rng.random()
            mine.append((event, target, "" if roll < 0.6 else "flag" if roll < 0.8 else "not flag"))
        chords.append(mine)
    return chords


def ring_spec_text(n_screens: int, seed: int = 1) -> str:
    """YAML of the ring workload: screens ``s0..s{n-1}`` (``s0`` initial and home), ``next`` to the following
    screen round the ring, two chords per screen (:func:`ring_chords`), and the environment event ``toggle``
    flipping the world's ``flag`` on every screen. The walk starts from ``flag: off``: 2n configurations and
    3n + 1 transitions."""
    if n_screens < 2:
        raise UsageError(Problem(Loc("ring spec"), "error", f"a ring spec needs at least 2 screens, not {n_screens}",
                                 "bad-value"))
    lines = [
        f"spec: ring_{n_screens}_{seed}",
        f'title: "Ring: {n_screens} screens (seed {seed})"',
        "rules: ring",
        "home: s0",
        "world:",
        "  flag: {type: enum, values: [off, on], initial: off}",
        "  link: {type: enum, values: [up], initial: up}",
        "assumptions:",
        "  - {id: R1, title: ring, decision: generated, alternative: none, why: benchmarks}",
        "events:",
        "  next: {kind: user, label: Next}",
        *(f"  {event}: {{kind: user, label: {event.upper()}}}" for event in _CHORD_EVENTS),
        "  toggle: {kind: environment, label: Toggle}",
        "guards:",
        '  flag_on: "The flag is on."',
        "effects:",
        '  flip_flag: "Switch the flag."',
        "domain:",
        "  initial: {flag: [off], link: [up]}",
        "account:",
        "  variable: link",
        '  states: {up: "Always."}',
        "  transitions:",
        "    - {trigger: toggle, source: up, after: flip_flag, assumption: R1}",
        "screens:",
    ]
    lines += [f"  - {{name: s{i}, kind: menu{', initial: true' if i == 0 else ''}}}" for i in range(n_screens)]
    lines.append("transitions:")
    for i, chords in enumerate(ring_chords(n_screens, seed)):
        lines.append(f"  - {{trigger: next, source: s{i}, dest: s{(i + 1) % n_screens}, assumption: R1}}")
        for event, target, guard in chords:
            when = {"": "", "flag": ", conditions: flag_on", "not flag": ", unless: flag_on"}[guard]
            lines.append(f"  - {{trigger: {event}, source: s{i}, dest: s{target}{when}, assumption: R1}}")
    return "\n".join(lines) + "\n"
