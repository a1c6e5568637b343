"""``kmsflow mutate``: how good a test suite is, measured by the mutants of the spec it kills."""
from .analysis import MutantResult, MutationReport, TestSuite, analyse_mutants, load_test_suite, write_killers
from .operators import OPERATORS, Mutant, mutants_of

__all__ = ["OPERATORS", "Mutant", "MutantResult", "MutationReport", "TestSuite", "analyse_mutants",
           "load_test_suite", "mutants_of", "write_killers"]
