"""``kmsflow mutate``: how good a test suite is, measured by the mutants of the spec it kills.

The names below are imported on first use (PEP 562): the command line registers
``mutate`` from :mod:`.command` without loading the walk for every other command.
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "MutantResult": "analysis", "MutationReport": "analysis", "TestSuite": "analysis", "analyse_mutants": "analysis",
    "load_test_suite": "analysis", "write_killers": "analysis",
    "OPERATORS": "operators", "Mutant": "operators", "mutants_of": "operators",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
