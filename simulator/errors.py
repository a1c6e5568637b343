"""The one exception root of kmsflow and the problem value object it carries.

Every error caused by input (a spec, a scenario, a command-line argument) is a
:class:`KmsflowError` holding one or more :class:`Problem` s; the CLI prints them
as ``FILE:LINE:COL: level: message [code]`` and exits with status 2. Anything
else that escapes is a bug and keeps its traceback.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Loc", "Problem", "KmsflowError", "SpecError", "ScenarioError", "UsageError", "FlowRuntimeError"]


@dataclass(frozen=True, order=True)
class Loc:
    """A place in an input file; line and column are 1-based (PyYAML's are 0-based)."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about an input: where, how bad, what, and a stable code tests can match."""

    loc: Loc
    level: str  # "error" or "warning"
    message: str
    code: str

    def __str__(self) -> str:
        return f"{self.loc}: {self.level}: {self.message} [{self.code}]"


class KmsflowError(Exception):
    """Root of every input error; carries the problems found (at least one)."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SpecError(KmsflowError):
    """The spec file is not a valid flow spec."""


class ScenarioError(KmsflowError):
    """A scenario file is not a valid scenario for its spec."""


class UsageError(KmsflowError):
    """A command-line argument is wrong."""


class FlowRuntimeError(Exception):
    """The spec let the machine reach a situation it cannot handle (a spec bug found by running it).

    Examples: a system screen where no system step is enabled, or an account
    signal the account region refuses. Not an input error in the file's syntax,
    so it is reported with the path that reached it rather than a file position.
    """
