"""Being told of every new :class:`~simulator.runtime.simulate.Simulator`: for tools that watch runs from outside.

A simulator's observers are its own (``Simulator(spec, observers=[...])``).
A tool that must see runs it does not create — the pytest plugin counts the
spec coverage of every scenario a test session replays, deep inside code it
does not control — registers a hook here instead: ``hook(simulator)`` is
called for every simulator created while the hook is registered, before its
run starts, and may add observers to it (:meth:`Simulator.add_observer`).

A hook is registered for as long as the tool needs it and removed after, so
nothing is left behind (the plugin adds its hook in ``pytest_configure`` and
removes it in ``pytest_unconfigure``). With no hook registered, creating a
simulator costs one empty loop.

This module imports nothing of kmsflow: registering a hook loads neither the
state machine, nor YAML, nor networkx.
"""
from __future__ import annotations

from typing import Any, Callable

__all__ = ["add_simulator_hook", "remove_simulator_hook", "simulator_hooks"]

SimulatorHook = Callable[[Any], None]

_hooks: list[SimulatorHook] = []


def add_simulator_hook(hook: SimulatorHook) -> None:
    """Call ``hook(simulator)`` for every simulator created from now on, until :func:`remove_simulator_hook`."""
    _hooks.append(hook)


def remove_simulator_hook(hook: SimulatorHook) -> None:
    """Stop calling ``hook``; a hook that is not registered is left alone (removing twice is harmless)."""
    if hook in _hooks:
        _hooks.remove(hook)


def simulator_hooks() -> tuple[SimulatorHook, ...]:
    """The hooks registered now, in the order they were added."""
    return tuple(_hooks)
