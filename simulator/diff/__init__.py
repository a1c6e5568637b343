"""``kmsflow diff``: what changed between two versions of a spec, in its text, its behaviour and its drawing."""
from .spec_diff import SpecDiff, diff_specs, write_scenarios

__all__ = ["SpecDiff", "diff_specs", "write_scenarios"]
