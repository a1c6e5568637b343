"""Writing output files so that nothing is ever half-written.

Every file kmsflow writes goes to a temporary file in the same folder first and
is renamed over the target only when complete: an interrupted run or a bad
input leaves the old file as it was.
"""
from __future__ import annotations

import os
import tempfile

from .errors import Loc, Problem, UsageError

__all__ = ["write_atomic"]


def write_atomic(path: str | os.PathLike, content: str | bytes) -> None:
    """Write ``content`` to ``path`` (text as UTF-8 with ``\\n`` line ends), replacing it atomically.

    Missing folders are created; a symbolic link is written through; an existing file keeps
    its permissions. Raises UsageError when the place cannot be written (not a regular file,
    no permission, disk full): a path given on the command line is input like any other.
    """
    given = os.fspath(path)
    # Write through a symbolic link to the file it names, so the link stays a link.
    target = os.path.realpath(given)
    if os.path.lexists(target) and not os.path.isfile(target):
        raise UsageError(Problem(Loc(given), "error", "cannot write here: not a regular file", "output"))
    try:
        _write(target, content.encode("utf-8") if isinstance(content, str) else content)
    except OSError as exc:
        raise UsageError(Problem(Loc(given), "error", f"cannot write here: {exc.strerror or exc}", "output")) from None


def _write(path: str, data: bytes) -> None:
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)  # an output folder that does not exist yet is created
    mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o644
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
