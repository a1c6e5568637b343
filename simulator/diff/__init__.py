"""``kmsflow diff``: what changed between two versions of a spec, in its text, its behaviour and its drawing.

The names below are imported on first use (PEP 562): the command line registers
``diff`` from :mod:`.command` without loading the walk for every other command.
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {"SpecDiff": "spec_diff", "diff_specs": "spec_diff", "write_scenarios": "spec_diff"}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
