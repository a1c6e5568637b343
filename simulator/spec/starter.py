"""The starter flow `kmsflow init` writes: a small, commented spec, one scenario, two views, two properties.

The files live in simulator/spec/starter/ as they are written, so what a team starts from is a real spec
that every command accepts (tests/test_init.py runs them all on a fresh copy).
"""
from __future__ import annotations

import os
from importlib import resources

from ..errors import Loc, Problem, UsageError

__all__ = ["STARTER_SPEC", "starter_files", "starter_spec_path", "write_starter"]

#: The spec's file name inside the folder `kmsflow init` writes.
STARTER_SPEC = "coffee_machine.yaml"
_FILES = (STARTER_SPEC, "scenarios/buy_a_coffee.yaml")


def starter_files() -> dict[str, str]:
    """Each starter file's path inside the new folder, and its text."""
    folder = resources.files(__package__).joinpath("starter")
    return {name: folder.joinpath(name).read_text(encoding="utf-8") for name in _FILES}


def starter_spec_path() -> str:
    """The packaged starter spec's own path: a small flow of any team's, for examples and docstrings."""
    return str(resources.files(__package__).joinpath("starter", STARTER_SPEC))


def write_starter(folder: str) -> list[str]:
    """Write the starter files into ``folder`` (created; it must not exist or be empty); return their paths.

    UsageError, and nothing written, when ``folder`` holds anything already: init never overwrites.
    """
    if os.path.exists(folder) and (not os.path.isdir(folder) or os.listdir(folder)):
        raise UsageError(Problem(Loc(folder), "error", "kmsflow init writes into a new or empty folder; this one "
                                 "already holds files (nothing was written)", "bad-usage"))
    written = []
    for name, text in starter_files().items():
        path = os.path.join(folder, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "x", encoding="utf-8") as out:
            out.write(text)
        written.append(path)
    return written
