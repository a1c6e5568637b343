"""``kmsflow mutate``: how good a test suite is, measured by the mutants of the spec it kills.

The names below are imported on first use (PEP 562): the command line registers
``mutate`` from :mod:`.command` without loading the walk for every other command.
"""
from __future__ import annotations

from .. import lazy_exports

_EXPORTS = {
    "MutantResult": "analysis", "MutationReport": "analysis", "TestSuite": "analysis", "analyse_mutants": "analysis",
    "load_test_suite": "analysis", "write_killers": "analysis",
    "OPERATORS": "operators", "Mutant": "operators", "mutants_of": "operators",
}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(globals(), _EXPORTS)
