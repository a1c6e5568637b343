"""Where a version of a spec comes from: a file, or ``REV:PATH`` read from git.

``kmsflow diff HEAD~3:spec/door_keypad.yaml spec/door_keypad.yaml``
compares the spec as it was three commits ago with the file as it is now.
A ``REV:PATH`` is read with ``git show`` in the current folder's repository
(PATH from the top of the repository, or ``REV:./PATH`` from the current
folder, as git reads it) and loaded like a file; every place in it is then
named ``REV:PATH:LINE:COL``, so messages and differences point into that
revision. An argument that names an existing file is always that file.

A rule book a spec names (``rules: NAME``) is the one this process has, for
both versions: git gives the YAML, not the Python (guards and effects written
in the spec as expressions come with it).
"""
from __future__ import annotations

import dataclasses
import os
import subprocess
import tempfile
from collections.abc import Mapping
from typing import Any

from ..errors import KmsflowError, Loc, Problem, SpecError, UsageError
from ..spec.load import load_spec
from ..spec.model import Spec

__all__ = ["load_spec_source", "is_git_source", "git_text"]


def is_git_source(text: str) -> bool:
    """Whether ``text`` is ``REV:PATH`` rather than a file name (an existing file always wins)."""
    rev, sep, path = text.partition(":")
    return bool(sep and rev and path) and not os.path.exists(text)


def git_text(source: str, cwd: str | None = None) -> bytes:
    """The content of ``REV:PATH`` at that revision; UsageError naming ``source`` when git cannot give it."""
    where = Loc(source)
    try:
        done = subprocess.run(["git", "show", source], cwd=cwd, capture_output=True, timeout=60)
    except FileNotFoundError:
        raise UsageError(Problem(where, "error", "reading REV:PATH needs git, which is not installed", "git")) from None
    except subprocess.TimeoutExpired:
        raise UsageError(Problem(where, "error", "git show took more than 60 s", "git")) from None
    if done.returncode != 0:
        said = [line.strip() for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        reason = said[0].removeprefix("fatal: ") if said else f"git show exited with status {done.returncode}"
        raise UsageError(Problem(where, "error", f"cannot read {source!r} from git: {reason}", "git-revision"))
    return done.stdout


def load_spec_source(source: str, cwd: str | None = None) -> Spec:
    """Load a spec from a file or from ``REV:PATH``; SpecError/UsageError (located) when it cannot be read."""
    if not is_git_source(source):
        return load_spec(source)
    content = git_text(source, cwd)
    path = source.partition(":")[2]
    with tempfile.TemporaryDirectory(prefix="kmsflow-diff-") as folder:
        file = os.path.join(folder, os.path.basename(path.rstrip("/")) or "spec.yaml")
        with open(file, "wb") as handle:
            handle.write(content)
        try:
            spec = load_spec(file)
        except KmsflowError as exc:
            raise SpecError([_moved(problem, file, source) for problem in exc.problems]) from None
    return relocate(spec, file, source)


def _moved(problem: Problem, file: str, label: str) -> Problem:
    return dataclasses.replace(problem, loc=_moved_loc(problem.loc, file, label))


def _moved_loc(loc: Loc, file: str, label: str) -> Loc:
    return Loc(label, loc.line, loc.col) if loc.file == file else loc


def relocate(spec: Spec, file: str, label: str) -> Spec:
    """``spec`` with every place in ``file`` renamed to ``label`` (changed in place, and returned)."""
    seen: set[int] = set()

    def visit(value: Any) -> Any:
        if isinstance(value, Loc):
            return _moved_loc(value, file, label)
        if isinstance(value, Problem):
            return _moved(value, file, label)
        if isinstance(value, (str, int, float, bool, type(None))) or id(value) in seen:
            return value
        seen.add(id(value))
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            for item in dataclasses.fields(value):
                old = getattr(value, item.name)
                new = visit(old)
                if new is not old:
                    object.__setattr__(value, item.name, new)  # frozen declarations too: they are ours
            return value
        if isinstance(value, dict):
            for key in list(value):
                value[key] = visit(value[key])
        elif isinstance(value, Mapping):  # read-only places (a spec from the cache): a dict of the moved ones
            return {key: visit(item) for key, item in value.items()}
        elif isinstance(value, list):
            value[:] = [visit(item) for item in value]
        elif isinstance(value, (tuple, frozenset)):
            items = [visit(item) for item in value]
            if any(new is not old for new, old in zip(items, value)):
                return type(value)(items) if not hasattr(value, "_fields") else type(value)(*items)
            return value
        for name, item in list(getattr(value, "__dict__", {}).items()):  # LDict / LList keep their places here
            setattr(value, name, visit(item))
        return value

    visit(spec)
    spec.path = label
    return spec
