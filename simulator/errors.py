"""The one exception root of kmsflow and the problem value object its errors carry.

Every error kmsflow raises on purpose is a :class:`KmsflowError` holding one or
more :class:`Problem` s; anything else that escapes is a bug and keeps its
traceback. Two families sit under the root, because they have different causes
and different fixes:

- :class:`InputError`: a file or argument is wrong where it stands (a spec, a
  scenario, a command-line argument); its problems name the file and line;
- :class:`FlowRuntimeError`: the spec is well formed but running it reaches a
  situation it cannot handle (a spec bug found by running it); it names the
  path that got there.

The CLI prints either kind the same way, ``FILE:LINE:COL: level: message
[code]`` on standard error, and exits with status 2: in both cases the input is
at fault, not the program.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Loc", "loc_at", "Problem", "KmsflowError", "InputError", "SpecError", "ScenarioError", "UsageError",
           "LimitError", "FlowRuntimeError"]


@dataclass(frozen=True, order=True, slots=True)  # slots: a big spec holds a million of them
class Loc:
    """A place in an input file; line and column are 1-based (PyYAML's are 0-based)."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file


_new_object = object.__new__
_set_file, _set_line, _set_col = Loc.file.__set__, Loc.line.__set__, Loc.col.__set__  # type: ignore[attr-defined]


def loc_at(file: str, line: int, col: int) -> Loc:
    """``Loc(file, line, col)``, made in half the time: a frozen dataclass's ``__init__`` sets each field
    through a checked ``object.__setattr__``, and the YAML reader makes a million places for a big spec."""
    loc = _new_object(Loc)
    _set_file(loc, file)
    _set_line(loc, line)
    _set_col(loc, col)
    return loc


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
    """Root of every error kmsflow raises on purpose; carries the problems found (at least one)."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InputError(KmsflowError):
    """An input (file or argument) is wrong where it stands; each problem names the place."""


class SpecError(InputError):
    """The spec file is not a valid flow spec."""


class ScenarioError(InputError):
    """A scenario file is not a valid scenario for its spec."""


class UsageError(InputError):
    """An argument is wrong: on the command line, or given to a library call (e.g. an unknown world variable)."""


class LimitError(InputError):
    """An input is well formed but too big for one of kmsflow's limits (configurations, paths, steps).

    The input is at fault, not the machine: each problem names the limit, how
    far the work got, what made it big, and the option that raises the limit.
    """


class FlowRuntimeError(KmsflowError):
    """The spec let the machine reach a situation it cannot handle (a spec bug found by running it).

    Examples: a system screen where no system step is enabled, or an account
    signal the account region refuses. Not a mistake at one place in the file,
    so the message names the path that reached it; ``loc`` is the spec file
    when the raiser knows it (see :meth:`at`). ``str()`` is the bare message,
    so callers can put it into sentences of their own.
    """

    def __init__(self, message: str, loc: Loc | None = None):
        Exception.__init__(self, message)
        self.message = message
        self.loc = loc

    @property
    def problems(self) -> list[Problem]:  # type: ignore[override]  # derived, so `at` cannot leave it stale
        return [Problem(self.loc or Loc("<spec>"), "error", f"the spec fails when run: {self.message}", "flow-error")]

    def at(self, loc: Loc | str) -> "FlowRuntimeError":
        """Place this error at ``loc`` (the spec file) unless it already names a place; returns it.

        The machine and the walk raise without knowing which file the spec came
        from; whoever does (the CLI, a scenario run) places it before reporting.
        """
        if self.loc is None:
            self.loc = Loc(loc) if isinstance(loc, str) else loc
        return self
