"""Safe YAML reading that keeps the position of every key and value.

PyYAML's ``safe_load`` throws positions away and silently accepts things that
bite in a spec: duplicate keys (the last one wins), YAML 1.1 scalars (``no``,
``on`` and ``yes`` become True/False, so an id like ``no`` vanishes; ``1:30``
becomes 90 and ``010`` becomes 8) and tags. Here the document is *composed*
with a safe loader and converted by hand:

- only the plain JSON-like tags are accepted (str, int, float, bool, null, map,
  seq); any other tag, ``!!python/object`` included, is a problem, and so is a
  tagged scalar that is not what its tag says (``!!int abc``);
- plain scalars are resolved by the YAML 1.2 core schema: only ``true``/``false``
  are booleans; ``010`` is ten, ``0o10`` eight, ``0x1F`` thirty-one; ``1:30``,
  ``1_000`` and ``2012-07-31`` are text;
- whole numbers have at most 18 digits (:data:`MAX_INT`), so a number never
  grows past what Python will print;
- mappings come back as :class:`LDict` and sequences as :class:`LList`, which
  remember the :class:`~simulator.errors.Loc` of each key and item.

Files are read by :func:`read_input_text`, which every input of kmsflow goes
through (specs, scenarios, coverage files): it refuses anything that is not a
regular file before opening it for reading (a FIFO would block, a device or a
``/proc`` file never end) and stops at a size and a line length limit while
reading, so no input can hold kmsflow for long or fill its memory.
"""
from __future__ import annotations

import os
import re
import stat
from typing import Any

import yaml

from ..errors import KmsflowError, Loc, Problem

__all__ = ["LDict", "LList", "load_yaml_text", "load_yaml_file", "plain_data", "read_input_text", "whole_number",
           "input_limits", "MAX_INT", "MAX_ALIAS_VALUES"]

#: Upper bound on the values aliases create (each alias repeats its anchor's values), so alias
#: bombs ("billion laughs") stop early; values written out are bounded by the file size instead.
MAX_ALIAS_VALUES = 1_000_000

#: The largest whole number kmsflow reads: 18 digits (about a quintillion), far beyond any count,
#: price or day of a flow, and far below Python's 4,300-digit limit on printing a number.
MAX_INT = 10 ** 18 - 1

#: Default limits on one input file, each overridden by the environment variable beside it.
#: A 50,000-screen synthetic spec is 13.3 MiB with lines of 110 characters.
DEFAULT_MAX_FILE_MB = 32
DEFAULT_MAX_LINE_BYTES = 65_536
FILE_MB_VARIABLE = "KMSFLOW_MAX_FILE_MB"
LINE_BYTES_VARIABLE = "KMSFLOW_MAX_LINE_BYTES"

#: Where the kernel shows files that are not data at rest (endless, or changing while read).
_PSEUDO_FILE_SYSTEMS = ("/proc", "/sys", "/dev")


class LDict(dict):
    """A mapping that knows where it and each of its keys stand in the file."""

    loc: Loc
    key_locs: dict

    def loc_of(self, key: str) -> Loc:
        """Position of ``key`` (of the mapping itself when the key is absent)."""
        return self.key_locs.get(key, self.loc)


class LList(list):
    """A sequence that knows where it and each of its items stand in the file."""

    loc: Loc
    item_locs: list

    def loc_of(self, index: int) -> Loc:
        return self.item_locs[index] if 0 <= index < len(self.item_locs) else self.loc


# -- reading files ---------------------------------------------------------------------

def _file_problem(path: str, message: str, code: str = "file") -> KmsflowError:
    return KmsflowError(Problem(Loc(path), "error", message, code))


def _limit_from_environment(variable: str, default: int) -> int:
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", text) or int(text) < 1:
        raise KmsflowError(Problem(Loc(variable), "error", f"the environment variable {variable} must be a "
                                   f"whole number >= 1, found {text[:40]!r}", "bad-environment"))
    return int(text)


def input_limits() -> tuple[int, int]:
    """``(largest file in bytes, longest line in bytes)`` as set now (defaults or the environment)."""
    return (_limit_from_environment(FILE_MB_VARIABLE, DEFAULT_MAX_FILE_MB) * 1024 * 1024,
            _limit_from_environment(LINE_BYTES_VARIABLE, DEFAULT_MAX_LINE_BYTES))


_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _kind_of(mode: int) -> str | None:
    """What a file of ``mode`` is when it is not a regular file (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def _refuse_special(path: str, mode: int, expected: str) -> None:
    kind = _kind_of(mode)
    if kind:
        raise _file_problem(path, f"is {kind}, expected {expected}; kmsflow reads only regular files")
    real = os.path.realpath(path)
    for top in _PSEUDO_FILE_SYSTEMS:
        if real == top or real.startswith(top + os.sep):
            raise _file_problem(path, f"is under {top}, expected {expected}; kmsflow reads only files at rest "
                                f"(copy it to a regular file first)")


def read_input_text(path: str, expected: str = "a YAML file") -> str:
    """The text of the input file ``path``, read within kmsflow's limits; raises KmsflowError naming the file.

    Refused before reading: anything but a regular file (a directory, FIFO,
    socket or device) and files under ``/proc``, ``/sys`` and ``/dev``. Refused
    while reading, as soon as they show: a file larger than the size limit or a
    line longer than the line limit (see :func:`input_limits`), and text that
    is not UTF-8. ``expected`` says what the file should have been.
    """
    max_bytes, max_line = input_limits()
    try:
        _refuse_special(path, os.stat(path).st_mode, expected)
        # O_NONBLOCK: should the file be swapped for a FIFO after the check, opening it does not block.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise _file_problem(path, "no such file") from None
    except OSError as exc:
        raise _file_problem(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        with os.fdopen(descriptor, "rb") as handle:
            _refuse_special(path, os.fstat(handle.fileno()).st_mode, expected)
            data = _read_within_limits(path, handle, max_bytes, max_line)
    except OSError as exc:
        raise _file_problem(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise KmsflowError(Problem(Loc(path, line, column), "error",
                                   f"not UTF-8 text ({exc.reason} at byte {exc.start})", "file")) from None


def _read_within_limits(path: str, handle: Any, max_bytes: int, max_line: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    line_number, line_length = 1, 0  # the line being read and its bytes so far
    while True:
        chunk = handle.read(1 << 20)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise _file_problem(path, f"is larger than {max_bytes // (1024 * 1024)} MiB, the most kmsflow reads "
                                f"(set {FILE_MB_VARIABLE} to a number of MiB to raise it)", "input-limit")
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            length = line_length + ((len(chunk) if end < 0 else end) - start)
            if length > max_line:
                raise KmsflowError(Problem(Loc(path, line_number, 1), "error",
                                           f"line {line_number} is longer than {max_line} bytes, the most kmsflow "
                                           f"reads (set {LINE_BYTES_VARIABLE} to raise it)", "input-limit"))
            if end < 0:
                line_length = length
                break
            line_number, line_length, start = line_number + 1, 0, end + 1
        chunks.append(chunk)


# -- YAML 1.2 scalars ------------------------------------------------------------------

_STR, _INT, _FLOAT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_BOOL, _NULL = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
# A date such as 2012-07-31 written with its tag is kept as the text it is written as.
_TIMESTAMP = "tag:yaml.org,2002:timestamp"

# The YAML 1.2 core schema's plain scalars (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
_CORE = re.compile(r"(?P<null>null|Null|NULL|~|)"
                   r"|(?P<bool>true|True|TRUE|false|False|FALSE)"
                   r"|(?P<int>[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)"
                   r"|(?P<float>[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                   r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))")
_CORE_TAGS = {"null": _NULL, "bool": _BOOL, "int": _INT, "float": _FLOAT}
_MAY_RESOLVE = frozenset("0123456789+-.~nNtTfF")  # the first characters of a plain scalar that is not text


def whole_number(text: str) -> int:
    """A YAML 1.2 integer (``12``, ``-3``, ``+4``, ``010`` (ten), ``0o17``, ``0x1F``) as an int.

    Raises ValueError saying why for anything else, and for a number beyond
    :data:`MAX_INT` (more than 18 digits), which is read without ever building
    a huge int.

    >>> whole_number("010"), whole_number("0o10"), whole_number("0x1F"), whole_number("-7")
    (10, 8, 31, -7)
    """
    match = _CORE.fullmatch(text)
    if not match or not match.group("int"):
        raise ValueError(f"{text[:40]!r} is not a whole number")
    digits = text.lstrip("+-")
    base = {"0o": 8, "0x": 16}.get(digits[:2], 10)
    digits = (digits[2:] if base != 10 else digits).lstrip("0") or "0"
    value = int(digits, base) if len(digits) <= 20 else MAX_INT + 1  # 20 digits of any base exceed MAX_INT
    if value > MAX_INT:
        raise ValueError(f"{text[:24]}{'...' if len(text) > 24 else ''} is out of range: whole numbers have at "
                         f"most 18 digits")
    return -value if text.startswith("-") else value


def _float(text: str) -> float:
    match = _CORE.fullmatch(text)
    if not match or not (match.group("float") or match.group("int")):
        raise ValueError(f"{text[:40]!r} is not a number")
    if match.group("int"):
        return float(whole_number(text))
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    return float("nan") if lowered == ".nan" else float(text)


def _bool(text: str) -> bool:
    if text not in ("true", "True", "TRUE", "false", "False", "FALSE"):
        raise ValueError(f"{text[:40]!r} is not a boolean (true or false)")
    return text[0] in "tT"


def _null(text: str) -> None:
    if text not in ("null", "Null", "NULL", "~", ""):
        raise ValueError(f"{text[:40]!r} is not null")
    return None


_SCALARS = {_STR: str, _INT: whole_number, _FLOAT: _float, _BOOL: _bool, _NULL: _null, _TIMESTAMP: str}


# libyaml's parser is about ten times faster than PyYAML's pure-Python one (a
# 10,000-screen spec); both give the same nodes and marks.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that resolves plain scalars by the YAML 1.2 core schema (and faster than PyYAML does)."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0] and (not value or value[0] in _MAY_RESOLVE):
                match = _CORE.fullmatch(value)
                if match:
                    return _CORE_TAGS[match.lastgroup]
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


def _loc(path: str, mark: Any) -> Loc:
    return Loc(path, mark.line + 1, mark.column + 1)


class _Converter:
    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []
        self.count = 0  # values converted so far
        self.alias_values = 0  # of which repeated by aliases
        self.sizes: dict[int, int] = {}  # id of a collection node converted once -> values in it
        self.active: set[int] = set()  # the collections being converted (an alias to one is recursive)
        self.copying = False  # inside the copy an alias makes (whose values are counted already)

    def _error(self, node: yaml.Node, message: str, code: str) -> None:
        self.problems.append(Problem(_loc(self.path, node.start_mark), "error", message, code))

    def scalar(self, node: yaml.ScalarNode) -> Any:
        convert = _SCALARS.get(node.tag)
        if convert is None:
            self._error(node, f"YAML tag {node.tag!r} is not allowed; write plain strings, numbers, lists and "
                        "mappings", "yaml-tag")
            return None
        if convert is str:
            return node.value
        try:
            return convert(node.value)
        except ValueError as exc:
            self._error(node, str(exc), "yaml-value")
            return None

    def convert(self, node: yaml.Node) -> Any:
        self.count += 1
        if type(node) is yaml.ScalarNode:
            return self.scalar(node)
        key = id(node)
        if key in self.active:
            raise KmsflowError(Problem(_loc(self.path, node.start_mark), "error",
                                       "an alias refers to the collection it stands in (recursive data)",
                                       "yaml-recursive"))
        copy = key in self.sizes and not self.copying  # an alias (outside another): its values are made again
        if copy:
            self.alias_values += self.sizes[key]
            if self.alias_values > MAX_ALIAS_VALUES:
                raise KmsflowError(Problem(_loc(self.path, node.start_mark), "error",
                                           f"aliases repeat more than {MAX_ALIAS_VALUES} values, the last of "
                                           "them this collection; write the values out instead", "yaml-size"))
        before = self.count
        self.active.add(key)
        self.copying |= copy
        try:
            out = self._collection(node)
        finally:
            self.active.discard(key)
            self.copying ^= copy
        self.sizes.setdefault(key, self.count - before + 1)
        return out

    def _collection(self, node: yaml.Node) -> Any:
        loc = _loc(self.path, node.start_mark)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._error(node, f"YAML tag {node.tag!r} is not allowed", "yaml-tag")
            out = LList()
            out.loc, out.item_locs = loc, []
            for item in node.value:
                out.item_locs.append(_loc(self.path, item.start_mark))
                out.append(self.convert(item))
            return out
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                self._error(node, f"YAML tag {node.tag!r} is not allowed", "yaml-tag")
            out = LDict()
            out.loc, out.key_locs = loc, {}
            for key_node, value_node in node.value:
                key_loc = _loc(self.path, key_node.start_mark)
                key = self.convert(key_node)
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    self.problems.append(Problem(key_loc, "error", "a mapping key must be a plain name", "type"))
                    continue
                key = str(key)
                if key in out:
                    first = out.key_locs[key]
                    message = f"duplicate key {key!r} (first at line {first.line})"
                    self.problems.append(Problem(key_loc, "error", message, "duplicate-key"))
                    continue
                out.key_locs[key] = key_loc
                out[key] = self.convert(value_node)
            return out
        raise AssertionError(f"unknown YAML node {node!r}")  # PyYAML has only these three kinds


def load_yaml_text(text: str, path: str) -> Any:
    """Parse one YAML document from ``text``; raise KmsflowError with every problem found."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _loc(path, mark) if mark else Loc(path)
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "malformed YAML"
        raise KmsflowError(Problem(where, "error", f"YAML syntax: {message}", "yaml-syntax")) from None
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        first_line = str(exc).splitlines()[0] if str(exc) else "unreadable YAML"
        raise KmsflowError(Problem(Loc(path), "error", f"YAML syntax: {first_line}", "yaml-syntax")) from None
    finally:
        loader.dispose()
    if node is None:
        raise KmsflowError(Problem(Loc(path, 1, 1), "error", "the file is empty", "empty"))
    converter = _Converter(path)
    try:
        data = converter.convert(node)
    except RecursionError:
        raise KmsflowError(Problem(Loc(path), "error", "YAML nesting is too deep", "yaml-size")) from None
    if converter.problems:
        raise KmsflowError(converter.problems)
    return data


def load_yaml_file(path: str) -> Any:
    """Read (see :func:`read_input_text`) and parse a YAML file; an unreadable file is a problem, never a traceback."""
    return load_yaml_text(read_input_text(path), path)


def plain_data(value: Any) -> Any:
    """``value`` with every LDict and LList turned into a plain dict and list (what a JSON tool expects)."""
    if isinstance(value, dict):
        return {key: plain_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_data(item) for item in value]
    return value
