"""``kmsflow diff``: what changed between two versions of a spec, in its text, its behaviour and its drawing.

The names below are imported on first use (PEP 562): the command line registers
``diff`` from :mod:`.command` without loading the walk for every other command.
"""
from __future__ import annotations

from .. import lazy_exports

_EXPORTS = {"SpecDiff": "spec_diff", "diff_specs": "spec_diff", "write_scenarios": "spec_diff"}

__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(globals(), _EXPORTS)
