"""Which spec a command uses when none is named: the project's, never the engine's.

kmsflow has no flow of its own to fall back on. A project names its default spec
in the nearest ``pyproject.toml`` above the working folder::

    [tool.kmsflow]
    spec = "spec/door_keypad.yaml"     # relative to that pyproject.toml

With no such file, or no such key in it, a command that needs a spec asks for one
by name, with one message that says both ways out (exit 2).

>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> _ = open(os.path.join(folder, "pyproject.toml"), "w").write('[tool.kmsflow]\\nspec = "flows/door.yaml"\\n')
>>> os.makedirs(os.path.join(folder, "flows", "deeper"))
>>> open(os.path.join(folder, "flows", "door.yaml"), "w").close()
>>> project_spec_path(os.path.join(folder, "flows", "deeper")) == os.path.join(folder, "flows", "door.yaml")
True
"""
from __future__ import annotations

import os
import re

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, as a package (see pyproject.toml)
    import tomli as tomllib  # type: ignore[no-redef]

from ..errors import Loc, Problem, UsageError

__all__ = ["PROJECT_FILE", "find_project_file", "project_spec_path"]

#: The file a project names its default spec in, under ``[tool.kmsflow]``.
PROJECT_FILE = "pyproject.toml"

_HOW = 'name the spec (e.g. kmsflow check path/to/flow.yaml), or set the project\'s default in its ' \
       'pyproject.toml: [tool.kmsflow] spec = "path/to/flow.yaml"'


def find_project_file(start: str | None = None) -> str | None:
    """The nearest ``pyproject.toml`` in ``start`` (default: the working folder) or a folder above it, or None."""
    folder = os.path.abspath(start or os.getcwd())
    while True:
        candidate = os.path.join(folder, PROJECT_FILE)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def project_spec_path(start: str | None = None) -> str:
    """The spec the nearest project names (``[tool.kmsflow] spec``), as a path from the working folder.

    A path inside the working folder is given relative to it (``spec/flow.yaml``, so messages stay short),
    any other absolute. Raises UsageError, one located problem, when no project names a spec, when its
    ``pyproject.toml`` is not TOML, or when the spec it names is not a file.
    """
    project = find_project_file(start)
    if project is None:
        raise UsageError(Problem(Loc("<command line>"), "error", f"no SPEC given, and no {PROJECT_FILE} in this "
                                 f"folder or above names a default: {_HOW}", "no-spec"))
    try:
        with open(project, "rb") as stream:
            data = tomllib.load(stream)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(Problem(Loc(project), "error", f"cannot read it: {exc}", "file")) from None
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"line (\d+), column (\d+)", str(exc))
        loc = Loc(project, int(at.group(1)), int(at.group(2))) if at else Loc(project)
        said = str(exc).split(" (at ")[0].replace("\n", " ")  # one line, whatever the parser says
        raise UsageError(Problem(loc, "error", f"not valid TOML ({said}), so it names no default spec",
                                 "bad-value")) from None
    tool = data.get("tool", {}).get("kmsflow", {}) if isinstance(data.get("tool"), dict) else {}
    named = tool.get("spec") if isinstance(tool, dict) else None
    loc = Loc(project, _line_of_spec_key(project) or 1, 1)
    if named is None:
        raise UsageError(Problem(Loc(project), "error", f"no SPEC given, and this project names no default "
                                 f"spec: {_HOW}", "no-spec"))
    if not isinstance(named, str) or not named.strip():
        raise UsageError(Problem(loc, "error", f"[tool.kmsflow] spec must be a path to a spec file, found "
                                 f"{named!r}", "bad-value"))
    path = os.path.normpath(os.path.join(os.path.dirname(project), named))
    if not os.path.isfile(path):
        raise UsageError(Problem(loc, "error", f"[tool.kmsflow] spec names {named!r}, which is not a file "
                                 f"({path})", "file"))
    relative = os.path.relpath(path)
    return path if relative.startswith(os.pardir) else relative


def _line_of_spec_key(project: str) -> int | None:
    """The line of ``spec =`` under ``[tool.kmsflow]`` (tomllib keeps no positions; this is only for the message)."""
    section = False
    try:
        with open(project, encoding="utf-8", errors="replace") as stream:
            for number, line in enumerate(stream, 1):
                stripped = line.strip()
                if stripped.startswith("["):
                    section = stripped.split("#")[0].strip() == "[tool.kmsflow]"
                elif section and re.match(r"spec\s*=", stripped):
                    return number
    except OSError:
        return None
    return None
