"""Writing output so that nothing is ever half-written, and YAML text that reads back as written.

Files: every file kmsflow writes goes to a temporary file in the same folder
first and is renamed over the target only when complete (:func:`write_atomic`):
an interrupted run or a bad input leaves the old file as it was.

Folders: a set of files that belong together (an exported suite, a diagram set,
counterexamples) is written whole (:func:`write_folder`): into a new folder
beside the target, which then takes the target's place in one step, so an
interruption at any moment (SIGTERM, SIGKILL, a full disk) leaves either the old
set or the new one, never a mix. What the folder held that this run does not
own is carried over unchanged.

YAML: :func:`yaml_scalar` writes a value so that a YAML reader, 1.1 or 1.2, reads
it back as the same value; :func:`yaml_quoted` always quotes.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import hashlib
import os
import re
import shutil
import stat
import tempfile
from typing import Callable, Iterator

import yaml

from .errors import Loc, Problem, UsageError

try:
    import fcntl
except ImportError:  # pragma: no cover - not a POSIX system: folders are still swapped, only not locked
    fcntl = None  # type: ignore[assignment]

__all__ = ["write_atomic", "write_folder", "is_temporary", "yaml_scalar", "yaml_quoted", "yaml_comment", "TEMP_PREFIX"]

#: The name of every temporary file :func:`write_atomic` makes starts with this (a dot: hidden).
TEMP_PREFIX = ".tmp-"
#: Marks the temporary folders :func:`write_folder` makes beside its target.
_FOLDER_MARK = ".kmsflow-"


def is_temporary(name: str) -> bool:
    """Whether a file or folder name is one of kmsflow's temporaries (left behind only by a killed run)."""
    return name.startswith(TEMP_PREFIX) or (name.startswith(".") and _FOLDER_MARK in name)


def _cannot_write(given: str, exc: OSError) -> UsageError:
    return UsageError(Problem(Loc(given), "error", f"cannot write here: {exc.strerror or exc}", "output"))


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
        folder = os.path.dirname(target) or "."
        os.makedirs(folder, exist_ok=True)  # an output folder that does not exist yet is created
        _write(target, _bytes(content))
    except OSError as exc:
        raise _cannot_write(given, exc) from None


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _mode_of(path: str) -> int:
    """The permissions an existing regular file has (kept when it is replaced), else rw-r--r--."""
    try:
        info = os.stat(path)
    except OSError:
        return 0o644
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else 0o644


def _write(path: str, data: bytes) -> None:
    folder = os.path.dirname(path) or "."
    mode = _mode_of(path)
    # The temporary never ends in the target's extension: `simulate DIR` looks for *.yaml and
    # must not find a half-written one.
    handle, temp = tempfile.mkstemp(dir=folder, prefix=f"{TEMP_PREFIX}{os.path.basename(path)[:100]}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


# -- folders written whole ------------------------------------------------------------

class _CannotSwap(Exception):
    """The folder cannot be replaced as a whole (it holds a special file, it is the current folder...)."""


#: The most files and folders a swap carries over from the old folder; a folder holding more (a home
#: folder given by mistake, say) is written in place instead of being rebuilt link by link.
MAX_CARRIED = 10_000


def write_folder(folder: str | os.PathLike, files: dict[str, str | bytes],
                 owns: Callable[[str], bool] | None = None) -> list[str]:
    """Write ``files`` (file name -> content) into ``folder`` as one set; return their paths, sorted.

    The new set is built in a temporary folder beside ``folder`` and then takes its place in one
    step (an atomic exchange of the two folders, or two renames where the system has no exchange),
    so a reader, an interruption or a full disk sees the old set or the new one, never a mix. In the
    new folder: ``files``; whatever the old folder held that ``owns(name)`` does not claim (files
    and subfolders the user put there), carried over as it was (hard links, else copies); kmsflow's
    own leftover temporaries are dropped. ``owns`` names this kind of output's files, so an earlier,
    longer set leaves no stale file behind.

    Runs on the same folder take turns (a lock on the parent folder), so concurrent runs end with
    one complete set. The temporaries of a run killed half-way are removed by the next run, and a
    swap cut between its two renames is completed. Where the folder cannot be replaced as a whole
    (it is, or holds, the current folder; it is the home folder or a mount point; it holds a special
    file such as a FIFO, or more than MAX_CARRIED entries; its parent is not writable), each file is
    still written atomically, in place.

    Raises UsageError when the place cannot be written (not a folder, no permission, disk full);
    the old set is then left as it was.
    """
    given = os.fspath(folder)
    for name in files:
        if not name or name in (".", "..") or "/" in name or os.sep in name or is_temporary(name):
            raise ValueError(f"write_folder: {name!r} is not a plain file name")
    owned = owns or (lambda name: False)
    target = os.path.realpath(given)  # through a symbolic link to the folder it names
    if os.path.lexists(target) and not os.path.isdir(target):
        raise UsageError(Problem(Loc(given), "error", "cannot write here: not a folder", "output"))
    data = {name: _bytes(content) for name, content in files.items()}
    try:
        parent = os.path.dirname(target)
        os.makedirs(parent, exist_ok=True)
        with _locked(parent):
            _tidy(target)
            try:
                _swap_in(target, data, owned)
            except _CannotSwap:
                _write_in_place(target, data, owned)
    except OSError as exc:
        raise _cannot_write(given, exc) from None
    return [os.path.join(given, name) for name in sorted(files)]


@contextlib.contextmanager
def _locked(folder: str) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (released by the system if the process dies)."""
    handle = None
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
    try:
        if handle is not None and fcntl is not None:
            with contextlib.suppress(OSError):  # a file system without locks: go on unlocked
                fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        if handle is not None:
            os.close(handle)


def _temp_stem(target: str) -> str:
    """``.<name>.<hash>.kmsflow-``: the start of every temporary name beside ``target``.

    The hash of the whole name keeps two folders whose names start alike apart.
    """
    base = os.path.basename(target)
    digest = hashlib.sha1(os.fsencode(base)).hexdigest()[:8]
    return f".{base[:40]}.{digest}{_FOLDER_MARK}"


def _tidy(target: str) -> None:
    """Finish or clean up what a killed run left beside ``target`` (the caller holds the lock)."""
    parent, stem = os.path.dirname(target), _temp_stem(target)
    leftovers = sorted(os.path.join(parent, n) for n in os.listdir(parent) if n.startswith(stem))
    olds = [p for p in leftovers if os.path.basename(p).startswith(stem + "old-")]
    if olds and not os.path.lexists(target):
        # Killed between the two renames of a swap: the old set goes back in place.
        newest = max(olds, key=lambda p: os.stat(p).st_mtime)
        os.rename(newest, target)
        leftovers.remove(newest)
    for path in leftovers:
        _remove(path)


def _remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _holds_current_folder(target: str) -> bool:
    """Whether ``target`` is, or holds, the current folder, or is the home folder."""
    try:
        here = os.path.realpath(os.getcwd())
    except OSError:
        here = ""
    home = os.path.realpath(os.path.expanduser("~"))
    return here == target or here.startswith(target.rstrip(os.sep) + os.sep) or target == home


def _swap_in(target: str, data: dict[str, bytes], owned: Callable[[str], bool]) -> None:
    exists = os.path.isdir(target)
    if exists and (os.path.ismount(target) or _holds_current_folder(target)):
        raise _CannotSwap(target)
    parent = os.path.dirname(target)
    try:
        temp = tempfile.mkdtemp(dir=parent, prefix=_temp_stem(target) + "new-")
    except PermissionError:
        raise _CannotSwap(target) from None
    holds_old = temp
    try:
        if exists:
            info = os.stat(target)
            os.chmod(temp, stat.S_IMODE(info.st_mode))
            with contextlib.suppress(OSError):  # keeps its owner where we may (as root); a no-op otherwise
                os.chown(temp, info.st_uid, info.st_gid)
            budget = [MAX_CARRIED]
            for name in sorted(os.listdir(target)):
                if name not in data and not owned(name) and not is_temporary(name):
                    _carry(os.path.join(target, name), os.path.join(temp, name), budget)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o777 & ~umask)
        for name, content in data.items():
            path = os.path.join(temp, name)
            with open(path, "wb") as out:
                out.write(content)
            os.chmod(path, _mode_of(os.path.join(target, name)))
        holds_old = _exchange(temp, target) if exists else _rename_new(temp, target)
    finally:
        if holds_old is not None:
            _remove(holds_old)


def _carry(source: str, dest: str, budget: list[int]) -> None:
    """Recreate ``source`` at ``dest`` (same file system): links for files, folders rebuilt."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _CannotSwap(source)
    info = os.lstat(source)
    if stat.S_ISLNK(info.st_mode):
        os.symlink(os.readlink(source), dest)
    elif stat.S_ISDIR(info.st_mode):
        os.mkdir(dest)
        for name in sorted(os.listdir(source)):
            _carry(os.path.join(source, name), os.path.join(dest, name), budget)
        shutil.copystat(source, dest, follow_symlinks=False)
    elif stat.S_ISREG(info.st_mode):
        try:
            os.link(source, dest)
        except OSError:  # no hard links here (or not allowed to link this file): a copy
            shutil.copy2(source, dest)
    else:  # a FIFO, a socket, a device: nothing kmsflow may copy or move
        raise _CannotSwap(source)


def _rename_new(temp: str, target: str) -> None:
    os.rename(temp, target)
    return None


@functools.lru_cache(maxsize=1)
def _renameat2() -> Callable[..., int] | None:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _exchange(new: str, target: str) -> str:
    """Put folder ``new`` in the place of folder ``target``; return where the old one now is.

    One atomic exchange where Linux offers it (renameat2 RENAME_EXCHANGE); otherwise two renames,
    and a run killed between them is completed by the next run (:func:`_tidy`).
    """
    function = _renameat2()
    if function is not None:
        if function(_AT_FDCWD, os.fsencode(new), _AT_FDCWD, os.fsencode(target), _RENAME_EXCHANGE) == 0:
            return new
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise OSError(code, os.strerror(code), target)
    old = tempfile.mkdtemp(dir=os.path.dirname(target), prefix=_temp_stem(target) + "old-")
    os.rmdir(old)  # only the unique name is needed
    os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        os.rename(old, target)  # the old set back in its place
        raise
    return old


def _write_in_place(target: str, data: dict[str, bytes], owned: Callable[[str], bool]) -> None:
    """Each file atomically, in the folder itself; then the owned files this run did not write go."""
    os.makedirs(target, exist_ok=True)
    for name, content in data.items():
        _write(os.path.join(target, name), content)
    for name in sorted(os.listdir(target)):
        if name not in data and owned(name) and os.path.isfile(os.path.join(target, name)):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(target, name))


# -- YAML text that reads back as written ----------------------------------------------

#: Plain (unquoted) only for names of this shape that no YAML reader takes for anything but text.
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_RESOLVER = yaml.resolver.Resolver()  # YAML 1.1's implicit types: also yes/no/on/off, 010, 1:30
_STR_TAG = "tag:yaml.org,2002:str"

#: Characters a double-quoted YAML scalar must escape: the quote and backslash, every character
#: outside YAML's printable set (C0 and C1 controls, DEL, lone surrogates, U+FFFE/U+FFFF), the
#: characters YAML 1.1 reads as line breaks (U+0085, U+2028, U+2029) and the byte order mark.
_ESCAPE = re.compile("[\"\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
_SHORT = {'"': '\\"', "\\": "\\\\", "\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v",
          "\f": "\\f", "\r": "\\r", "\x1b": "\\e", "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


def _escape(match: re.Match) -> str:
    char = match.group(0)
    code = ord(char)
    return _SHORT.get(char) or (f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}")


def yaml_quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar on one line; other characters (emoji too) as themselves.

    >>> print(yaml_quoted('a: "b"\\n'))
    "a: \\"b\\"\\n"
    """
    return '"' + _ESCAPE.sub(_escape, text) + '"'


@functools.lru_cache(maxsize=4096)
def _plain_is_text(text: str) -> bool:
    return bool(_PLAIN.fullmatch(text)) and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG


def yaml_scalar(value: str | int | bool | None) -> str:
    """A YAML scalar that reads back as ``value``, in a block or a flow collection.

    Names are plain when they cannot be misread (``press_yes``), else double-quoted
    (``"yes"``, ``"010"``, ``"a: b"``, ``"- x"``, ``" x"``).

    >>> [yaml_scalar(v) for v in ("press_yes", "yes", "1:30", None, True, 3)]
    ['press_yes', '"yes"', '"1:30"', 'null', 'true', '3']
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return text if _plain_is_text(text) else yaml_quoted(text)


#: Characters a YAML comment cannot hold (outside YAML's printable set; line breaks split the lines).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")


def yaml_comment(text: str) -> list[str]:
    """``text`` as ``#`` comment lines, one per line of it; a character YAML cannot hold as its escape.

    >>> yaml_comment("Property p\\nViolated: x")
    ['# Property p', '# Violated: x']
    """
    return [f"# {_UNPRINTABLE.sub(_escape, line)}".rstrip() for line in text.splitlines()]
