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

from ..errors import KmsflowError, Loc, Problem, loc_at
from .memory import paused_gc

__all__ = ["LDict", "LList", "load_yaml_text", "load_yaml_file", "plain_data", "read_input_text", "read_input_bytes",
           "decode_input_text", "whole_number",
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

    __slots__ = ("loc", "key_locs", "plain_strings")
    loc: Loc
    key_locs: dict

    def loc_of(self, key: str) -> Loc:
        """Position of ``key`` (of the mapping itself when the key is absent)."""
        return self.key_locs.get(key, self.loc)


class LList(list):
    """A sequence that knows where it and each of its items stand in the file."""

    __slots__ = ("loc", "item_locs")
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

    :func:`read_input_bytes` then :func:`decode_input_text`.
    """
    return decode_input_text(read_input_bytes(path, expected), path)


def read_input_bytes(path: str, expected: str = "a YAML file") -> bytes:
    """The bytes of the input file ``path``, read within kmsflow's limits; raises KmsflowError naming the file.

    Refused before reading: anything but a regular file (a directory, FIFO,
    socket or device) and files under ``/proc``, ``/sys`` and ``/dev``. Refused
    while reading, as soon as they show: a file larger than the size limit or a
    line longer than the line limit (see :func:`input_limits`). ``expected``
    says what the file should have been.
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
    return data


def decode_input_text(data: bytes, path: str) -> str:
    """``data`` read from ``path`` as UTF-8 text; text that is not UTF-8 is a problem at its line and column."""
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


# libyaml's parser is about ten times faster than PyYAML's pure-Python one; both give the same events and marks.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: The deepest nesting of collections read: a spec nests a few levels; the code that reads the data
#: recurses, so a deeper file would stop it with a RecursionError instead of a located problem.
MAX_NESTING = 200

_ScalarEvent, _AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
_MapStart, _SeqStart = yaml.MappingStartEvent, yaml.SequenceStartEvent
_MapEnd, _SeqEnd = yaml.MappingEndEvent, yaml.SequenceEndEvent
_NO_KEY, _SKIP = object(), object()  # a mapping waiting for its next key; a value to read and drop
_NO_DOCUMENT = object()  # a stream with no document (an empty file, or only comments)
_RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")  # control characters but the line break


def _loc(path: str, mark: Any) -> Loc:
    return loc_at(path, mark.line + 1, mark.column + 1)


def _copy(value: Any) -> Any:
    """A fresh copy of converted data (what an alias stands for), positions included."""
    if type(value) is LDict:
        out = LDict((key, _copy(item)) for key, item in value.items())
        out.loc, out.key_locs = value.loc, dict(value.key_locs)
        return out
    if type(value) is LList:
        out = LList(_copy(item) for item in value)
        out.loc, out.item_locs = value.loc, list(value.item_locs)
        return out
    return value


class _EventReader:
    """Builds LDict/LList/scalars straight from the parser's events, in one pass.

    Composing PyYAML's node tree first and converting it afterwards cost five
    times the parse itself (a Python object per node and a resolver call per
    scalar); reading the events keeps the same positions (the start mark of
    each value) and refuses the same things: tags, duplicate keys, recursive
    aliases and alias bombs, undefined or repeated anchors, a second document.
    An alias stands for a copy of its anchor's value, placed where the anchor is.
    """

    def __init__(self, path: str, text: str):
        self.path = path
        self.problems: list[Problem] = []
        # No string read can hold a control character: the text has none (a tab included), and no string is
        # written with escapes (double quotes in a text with a backslash), as a block (| or >) or folded from
        # several lines into one with a line break. Set after reading; simulator.spec.check then skips its walk.
        self.plain_strings = _RAW_CONTROL.search(text) is None
        # The scalar styles that can make one (blocks keep line breaks, double quotes read escapes), of those
        # the text can hold at all: a block needs its | or >, an escape its backslash. Likewise a tag needs a
        # "!" and an anchor a "&": where the text has none, no event is asked for them (the loop below runs
        # for every event, two million in a big spec).
        self.escaping = frozenset(style for style, mark in (('"', "\\"), ("|", "|"), (">", ">")) if mark in text)
        self.may_tag = "!" in text
        self.may_anchor = "&" in text

    def _syntax(self, message: str, mark: Any) -> KmsflowError:
        return KmsflowError(Problem(_loc(self.path, mark), "error", f"YAML syntax: {message}", "yaml-syntax"))

    def read(self, loader: Any) -> Any:
        """The document's data, or _NO_DOCUMENT for a stream without one; problems are left in ``self.problems``."""
        get = loader.get_event
        path, problems = self.path, self.problems
        get()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            return _NO_DOCUMENT
        get()  # document start
        anchors: dict[str, tuple] = {}  # name -> (value, loc, values in it or None while it is open)
        # The collection being filled is kept in locals (this loop runs for every event: two million for a
        # 50,000-screen spec); each open one around it is a tuple on the stack, with what it was waiting for.
        stack: list[tuple] = []
        into: Any = None  # the open collection (None: the value read is the document's root)
        is_map = False
        locs: Any = None  # its key_locs (a mapping) or item_locs (a list)
        key: Any = _NO_KEY  # a mapping's key waiting for its value (_NO_KEY: the next value is a key)
        key_loc: Any = None
        skip_from = 0  # where the problems about a refused key's value start (they are dropped)
        count = 0  # values made so far (aliases count what they repeat)
        alias_values = 0  # values made by aliases
        root = None
        plain, escaping, may_tag, may_anchor = self.plain_strings, self.escaping, self.may_tag, self.may_anchor
        strings: dict[str, str] = {}
        while True:
            event = get()
            kind = type(event)
            if kind is _ScalarEvent:
                loc = None  # made below only where it is kept: a mapping's value keeps no position of its own
                tag = event.tag if may_tag else None
                text = event.value
                if tag is None or tag == "!":  # untagged: the YAML 1.2 core schema decides (written inline: hot)
                    convert = str
                    if (not text or text[0] in _MAY_RESOLVE) and event.implicit[0]:
                        match = _CORE.fullmatch(text)
                        if match:
                            tag = _CORE_TAGS[match.lastgroup]
                            convert = _SCALARS[tag]
                else:
                    convert = _SCALARS.get(tag)
                if convert is str:
                    # One object per distinct string: names come back thousands of times in a big spec.
                    value = strings.setdefault(text, text)
                    # Folding a scalar written over several lines can make a line break, and only that.
                    if plain and ("\n" in text or (escaping and event.style in escaping)):
                        plain = False
                elif convert is None:
                    problems.append(Problem(_loc(path, event.start_mark), "error", f"YAML tag {tag!r} is not "
                                            "allowed; write plain strings, numbers, lists and mappings", "yaml-tag"))
                    value = None
                else:
                    try:
                        value = convert(text)
                    except ValueError as exc:
                        problems.append(Problem(_loc(path, event.start_mark), "error", str(exc), "yaml-value"))
                        value = None
                count += 1
                if may_anchor and event.anchor is not None:
                    loc = _loc(path, event.start_mark)
                    self._anchor(anchors, event, (value, loc, 0))
            elif kind is _MapStart or kind is _SeqStart:
                mapping = kind is _MapStart
                mark = event.start_mark
                loc = loc_at(path, mark.line + 1, mark.column + 1)
                tag = event.tag if may_tag else None
                if tag is not None and tag != "!" and tag != (_MAP if mapping else _SEQ):
                    problems.append(Problem(loc, "error", f"YAML tag {tag!r} is not allowed", "yaml-tag"))
                count += 1
                if len(stack) >= MAX_NESTING:
                    raise KmsflowError(Problem(loc, "error", f"YAML nesting is too deep (more than {MAX_NESTING} "
                                               "levels)", "yaml-size"))
                # What the enclosing collection waits for, and what closing this one needs.
                stack.append((into, is_map, locs, key, key_loc, skip_from, event.anchor if may_anchor else None,
                              count - 1))
                if mapping:
                    into = LDict()
                    locs = into.key_locs = {}
                else:
                    into = LList()
                    locs = into.item_locs = []
                into.loc = loc
                is_map, key = mapping, _NO_KEY
                if may_anchor and event.anchor is not None:
                    self._anchor(anchors, event, (into, loc, None))
                continue
            elif kind is _MapEnd or kind is _SeqEnd:
                value = into
                loc = value.loc
                into, is_map, locs, key, key_loc, skip_from, anchor, before = stack.pop()
                if anchor is not None:
                    anchors[anchor] = (value, loc, count - before)
            elif kind is _AliasEvent:
                anchored = anchors.get(event.anchor)
                if anchored is None:
                    raise self._syntax(f"found undefined alias {event.anchor!r}", event.start_mark)
                value, loc, size = anchored
                if size is None:
                    raise KmsflowError(Problem(loc, "error", "an alias refers to the collection it stands in "
                                               "(recursive data)", "yaml-recursive"))
                if size:  # a collection: its values are made again
                    alias_values += size
                    if alias_values > MAX_ALIAS_VALUES:
                        raise KmsflowError(Problem(loc, "error", f"aliases repeat more than {MAX_ALIAS_VALUES} "
                                                   "values, the last of them this collection; write the values "
                                                   "out instead", "yaml-size"))
                    value = _copy(value)
                count += size or 1
            else:  # document end
                break
            # A value is complete: it goes where it stands.
            if into is None:
                root = value
                continue
            if not is_map:
                into.append(value)
                if loc is None:
                    mark = event.start_mark
                    loc = loc_at(path, mark.line + 1, mark.column + 1)
                locs.append(loc)
                continue
            if key is _NO_KEY:  # the value is a key
                if loc is None:
                    mark = event.start_mark
                    loc = loc_at(path, mark.line + 1, mark.column + 1)
                if type(value) is not str:
                    if not isinstance(value, int) or isinstance(value, bool):
                        problems.append(Problem(loc, "error", "a mapping key must be a plain name", "type"))
                        key, skip_from = _SKIP, len(problems)
                        continue
                    value = str(value)
                if value in into:
                    problems.append(Problem(loc, "error", f"duplicate key {value!r} (first at line "
                                            f"{locs[value].line})", "duplicate-key"))
                    key, skip_from = _SKIP, len(problems)
                    continue
                key, key_loc = value, loc
                continue
            if key is _SKIP:  # the value of a refused key: read, not kept, nothing said about it
                del problems[skip_from:]
            else:
                locs[key] = key_loc
                into[key] = value
            key = _NO_KEY
        self.plain_strings = plain
        if not loader.check_event(yaml.StreamEndEvent):
            raise self._syntax("expected a single document in the stream but found another document",
                               loader.peek_event().start_mark)
        return root

    def _anchor(self, anchors: dict, event: Any, entry: tuple) -> None:
        if event.anchor in anchors:
            raise self._syntax(f"found duplicate anchor {event.anchor!r} (first at line "
                               f"{anchors[event.anchor][1].line})", event.start_mark)
        anchors[event.anchor] = entry


def load_yaml_text(text: str, path: str) -> Any:
    """Parse one YAML document from ``text``; raise KmsflowError with every problem found."""
    loader = _BaseLoader(text)
    reader = _EventReader(path, text)
    try:
        with paused_gc():
            data = reader.read(loader)
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
    if data is _NO_DOCUMENT:
        raise KmsflowError(Problem(Loc(path, 1, 1), "error", "the file is empty", "empty"))
    if reader.problems:
        raise KmsflowError(reader.problems)
    if type(data) is LDict:
        data.plain_strings = reader.plain_strings
    return data


def load_yaml_file(path: str, data: bytes | None = None) -> Any:
    """Read (see :func:`read_input_text`) and parse a YAML file; an unreadable file is a problem, never a traceback.

    ``data``: the file's bytes, when the caller has read them already (see :func:`read_input_bytes`)."""
    text = read_input_text(path) if data is None else decode_input_text(data, path)
    return load_yaml_text(text, path)


def plain_data(value: Any) -> Any:
    """``value`` with every LDict and LList turned into a plain dict and list (what a JSON tool expects)."""
    if isinstance(value, dict):
        return {key: plain_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_data(item) for item in value]
    return value
