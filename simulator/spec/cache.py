"""A cache of big loaded specs and their findings, so a big spec is read once per change, not once per command.

Reading a 50,000-screen spec with a position for every element takes seconds
(libyaml's events alone take two); ``check``, ``explore``, ``paths`` and
``diagram`` each read it again. So, for a spec file of at least
:data:`MIN_BYTES`, what reading it gave (the :class:`~.model.Spec`) and what
the checks that read nothing but the spec found are kept in one file of the
cache folder, and the next command on the same bytes takes them from there.

Sound by construction, not by care:

- **The key is everything the result depends on**: the file's bytes (SHA-256),
  the path as given (every position names it), the Python version, the
  versions of PyYAML (and whether it runs on libyaml) and networkx, and the
  content of every file of kmsflow itself. Anything else changes nothing a
  load or those checks can see: the checks whose findings depend on other
  files (``spec.check.READS_OTHER_FILES``) and the rule book's run every time,
  and every kept check gives one answer whatever the process (no set or hash
  order reaches a message). A change to any of them is a miss, and the spec is
  read again.
- **Nothing kmsflow cannot store exactly is stored**: the model is written with
  :mod:`marshal`, which refuses every type it does not know (a subclass of
  ``str``, ``list`` or ``dict`` included); the few types kmsflow's model uses
  besides plain values (its dataclasses, positions, the YAML reader's mappings
  and lists) are written field by field and made again the same way. If
  anything refuses, nothing is written.
- **A damaged entry is a miss**: each file carries the SHA-256 of its body,
  checked before the body is read; any failure to read it (a record cut
  short, places that do not match their keys, something that is not a
  regular file) means "read the spec". ``marshal`` builds only plain values
  (it never runs code); unlike ``pickle``, it cannot call anything.

Where: ``$KMSFLOW_CACHE`` if set (``off`` turns the cache off), else
``$XDG_CACHE_HOME/kmsflow``, else ``~/.cache/kmsflow``. One entry per spec
path (a changed file replaces its entry), at most :data:`MAX_ENTRIES`, the
least recently used removed first; an entry is written to a temporary file
and renamed, and temporary files a killed command left are removed an hour
later. A folder that cannot be written means no cache, never an error: the
cache only saves time.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import marshal
import os
import stat
import struct
import sys
import time
from collections.abc import Iterator, Mapping
from operator import attrgetter
from typing import Any, Callable

import yaml

from ..errors import Loc, Problem, loc_at
from . import model
from .memory import paused_gc
from .model import Screen, Spec, Transition
from .yamlsafe import LDict, LList

__all__ = ["CACHE_VARIABLE", "MIN_BYTES", "MAX_ENTRIES", "cache_folder", "lookup", "store"]

#: The environment variable naming the cache folder; ``off`` (or ``0``, ``no``, ``false``) turns the cache off.
CACHE_VARIABLE = "KMSFLOW_CACHE"
_OFF_WORDS = frozenset({"off", "0", "no", "false"})
#: Smaller specs load in well under a tenth of a second: a cache would save nothing and cost a file each.
MIN_BYTES = 256 * 1024
#: Entries kept, one per spec path; a 50,000-screen spec's entry is about 30 MB.
MAX_ENTRIES = 16
#: The first bytes of every entry; the number changes whenever the layout below does.
_MAGIC = b"kmsflow-spec-cache 1\n"
_SUFFIX = ".speccache"


def cache_folder() -> str | None:
    """Where entries are kept, or None when the cache is off."""
    chosen = os.environ.get(CACHE_VARIABLE, "").strip()
    if chosen.lower() in _OFF_WORDS:
        return None
    if chosen:
        return chosen
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kmsflow")


_code_key: str | None = None
#: The libraries whose version can change what a load or a kept check finds: the YAML parser, and networkx
#: (the cycles a check reports).
_LIBRARIES = ("PyYAML", "networkx")


def _kmsflow_code_key() -> str:
    """A fingerprint of the running kmsflow, Python and the libraries a load and its checks use.

    kmsflow's files are hashed whole, not by size and time: a copy that keeps times (``cp -a``, ``tar``)
    or an install that gives every file the same time would otherwise pass for the original.
    """
    global _code_key
    if _code_key is None:
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        digest = hashlib.sha256(f"{sys.version}\0{marshal.version}\0{_MAGIC!r}".encode())
        import importlib.metadata  # here: only a big spec needs it, and it costs every command start-up time
        for library in _LIBRARIES:
            try:
                version = importlib.metadata.version(library)
            except importlib.metadata.PackageNotFoundError:
                version = "absent"
            digest.update(f"{library}\0{version}\n".encode())
        digest.update(f"libyaml\0{getattr(yaml, '__with_libyaml__', False)}\n".encode())
        for folder, folders, files in os.walk(package):
            folders[:] = sorted(f for f in folders if f != "__pycache__")
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(folder, name)
                with open(path, "rb") as handle:
                    content = hashlib.sha256(handle.read()).hexdigest()
                digest.update(f"{os.path.relpath(path, package)}\0{content}\n".encode("utf-8", "surrogateescape"))
        _code_key = digest.hexdigest()
    return _code_key


def _entry_path(folder: str, path: str) -> str:
    """One entry per spec file: the name comes from where the file is and how it was named."""
    name = hashlib.sha256(f"{os.path.abspath(path)}\0{path}".encode("utf-8", "surrogateescape")).hexdigest()[:40]
    return os.path.join(folder, name + _SUFFIX)


def _header(path: str, data: bytes) -> tuple[str, str, str]:
    """What an entry must have been made from: this kmsflow, this path as given, these bytes."""
    return (_kmsflow_code_key(), path, hashlib.sha256(data).hexdigest())


def lookup(path: str, data: bytes) -> tuple[Spec, dict[str, tuple[Problem, ...]]] | None:
    """The spec read from ``data`` (the bytes of ``path``) and the findings stored with it, or None (a miss).

    A miss is also what a small spec, a cache turned off, and an entry that
    cannot be read or was made for other bytes, another path or another
    kmsflow give."""
    folder = cache_folder()
    if folder is None or len(data) < MIN_BYTES:
        return None
    entry = _entry_path(folder, path)
    try:
        raw = _read_entry(entry)
        expected = _header(path, data)
    except OSError:
        return None
    if raw is None:
        return None
    start = len(_MAGIC) + _DIGEST_SIZE
    if raw[:len(_MAGIC)] != _MAGIC or hashlib.sha256(raw[start:]).digest() != raw[len(_MAGIC):start]:
        return None
    try:
        with paused_gc():  # a million small objects and no cycles (see simulator.spec.memory)
            found = _read(_Records(memoryview(raw)[start:]), path, expected)
    except (ValueError, TypeError, EOFError, KeyError, IndexError, AttributeError, struct.error):
        return None  # not an entry this kmsflow wrote: read the spec instead
    if found is not None:
        try:
            os.utime(entry)  # recently used: kept the longest
        except OSError:
            pass
    return found


def _read_entry(entry: str) -> bytes | None:
    """The bytes of ``entry``, or None when it is not a regular file (a FIFO put there would block a plain open)."""
    descriptor = os.open(entry, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None
        return handle.read()


def store(path: str, data: bytes, spec: Spec, findings: dict[str, tuple[Problem, ...]]) -> None:
    """Keep ``spec`` (read from ``data``, the bytes of ``path``) and ``findings`` for the next command.

    Does nothing for a small spec, with the cache off, or when anything cannot
    be written or stored exactly."""
    folder = cache_folder()
    if folder is None or len(data) < MIN_BYTES:
        return
    temporary = None
    try:
        import tempfile  # here: most commands read no big spec, and it costs every command start-up time
        header = _header(path, data)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "wb") as out, paused_gc():
            out.write(_MAGIC + bytes(_DIGEST_SIZE))
            digest = hashlib.sha256()
            for part in _parts(path, header, spec, findings):
                for piece in (_LENGTH.pack(len(part)), part):
                    digest.update(piece)
                    out.write(piece)
            out.seek(len(_MAGIC))
            out.write(digest.digest())
        os.replace(temporary, _entry_path(folder, path))
        temporary = None
        _evict(folder)
    except (ValueError, TypeError, OSError):  # a value marshal refuses, or a folder that cannot be written:
        pass  # then no entry, rather than an inexact one or an error
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass


# An entry's body is a run of marshal records, each after its length, so that neither writing nor
# reading a big spec holds a second copy of all of it: the header, the findings, the spec without its
# screens and screen transitions, then the screens and the transitions, each as a count and lists of at
# most _CHUNK.
_CHUNK = 4096
_DIGEST_SIZE = 32
_LENGTH = struct.Struct("<Q")


class _Records:
    """The records of an entry's body, read in order."""

    def __init__(self, body: memoryview):
        self.body, self.at = body, 0

    def load(self) -> Any:
        (size,) = _LENGTH.unpack_from(self.body, self.at)
        start = self.at + _LENGTH.size
        if start + size > len(self.body):
            raise EOFError("a record runs past the end of the entry")
        self.at = start + size
        return marshal.loads(self.body[start:self.at])

    def at_end(self) -> bool:
        return self.at == len(self.body)


def _parts(path: str, header: tuple, spec: Spec, findings: dict[str, tuple[Problem, ...]]) -> Iterator[bytes]:
    encoder = _Encoder(path)
    yield marshal.dumps(header)
    yield marshal.dumps({group: encoder.value(found) for group, found in findings.items()})
    yield marshal.dumps(encoder.value(dataclasses.replace(spec, screens={}, transitions=[])))
    for items in (list(spec.screens.items()), spec.transitions):
        yield marshal.dumps(len(items))
        for start in range(0, len(items), _CHUNK):
            yield marshal.dumps(list(map(encoder.value, items[start:start + _CHUNK])))


def _read(stream: _Records, path: str, expected: tuple) -> tuple[Spec, dict[str, tuple[Problem, ...]]] | None:
    if tuple(stream.load()) != expected:
        return None
    decoder = _Decoder(path)
    findings = {group: tuple(decoder.value(found)) for group, found in stream.load().items()}
    spec = decoder.value(stream.load())
    screens = dict(_items(stream, decoder))
    transitions = _items(stream, decoder)
    if not stream.at_end() or type(spec) is not Spec:
        return None
    spec.screens, spec.transitions = screens, transitions
    return spec, findings


def _items(stream: _Records, decoder: _Decoder) -> list:
    """A count, then that many items in lists of at most _CHUNK."""
    return [item for _ in range(0, stream.load(), _CHUNK) for item in map(decoder.value, stream.load())]


#: A temporary file older than this was left by a write that was killed (the cleanup of an interrupted
#: write does not run on SIGKILL); younger ones may be another command's write in progress.
_ABANDONED_AFTER_S = 3600


def _evict(folder: str) -> None:
    """Keep the :data:`MAX_ENTRIES` most recently used entries; remove abandoned temporary files."""
    entries, stale = [], []
    abandoned = time.time() - _ABANDONED_AFTER_S
    for item in os.scandir(folder):
        try:
            modified = item.stat(follow_symlinks=False).st_mtime_ns
        except OSError:
            continue
        if item.name.endswith(_SUFFIX):
            entries.append((modified, item.path))
        elif item.name.startswith(".") and item.name.endswith(".tmp") and modified < abandoned * 1e9:
            stale.append(item.path)
    stale += [path for _, path in sorted(entries, reverse=True)[MAX_ENTRIES:]]
    for path in stale:
        try:
            os.unlink(path)
        except OSError:
            pass


# -- the model as marshal's plain values ------------------------------------------------
#
# Plain values (None, bool, int, float, str, and tuples, lists, dicts and frozensets of them)
# are written as they are. Every other value is a tuple starting with Ellipsis, which no spec
# can hold, then the number of its kind in _KINDS, then its fields. Transitions and screens, the
# bulk of a big spec, have a flat layout of their own; everything else is written field by field.

_DATACLASSES = tuple(getattr(model, name) for name in model.__all__
                     if dataclasses.is_dataclass(getattr(model, name)))
_KINDS: tuple[type, ...] = (Loc, Problem, LDict, LList, *_DATACLASSES)
_KIND_OF = {kind: number for number, kind in enumerate(_KINDS)}
_FIELDS = {kind: tuple(f.name for f in dataclasses.fields(kind)) for kind in _KINDS if dataclasses.is_dataclass(kind)}
_LOC = _KIND_OF[Loc]
# Transitions and screens are written flat: their texts in field order, then the numbers of their places.
_FLAT = (Transition, Screen)
_TEXTS = {kind: tuple(name for name in _FIELDS[kind] if name not in ("loc", "key_locs")) for kind in _FLAT}
_LOC_AT = {kind: _FIELDS[kind].index("loc") for kind in _FLAT}
assert all(_FIELDS[kind][-1] == "key_locs" for kind in _FLAT), "the flat layout puts the key places last"
_TEXTS_OF = {kind: attrgetter(*_TEXTS[kind]) for kind in _FLAT}
_FILE = attrgetter("file")
# A place's line and column as two unsigned 32-bit numbers in the machine's order (an entry is read on the
# machine that wrote it: the code key holds the Python build).
_PAIR = struct.Struct("=II")


@functools.lru_cache(maxsize=None)
def _pairs(count: int) -> struct.Struct:
    """The layout of ``count`` places."""
    return struct.Struct(f"={2 * count}I")


class _Places(Mapping):
    """A transition's or screen's ``key_locs`` as the cache keeps them: a position made only when asked for.

    A big spec has a million such places and a report needs a handful, so
    making them all would take most of the time a cached load takes. Read-only,
    like every ``key_locs`` once the spec is loaded.
    """

    __slots__ = ("_path", "_keys", "_numbers")

    def __init__(self, path: str, keys: tuple[str, ...], numbers: bytes):
        self._path, self._keys, self._numbers = path, keys, numbers

    def __getitem__(self, key: str) -> Loc:
        try:
            index = self._keys.index(key)
        except ValueError:
            raise KeyError(key) from None
        return loc_at(self._path, *_PAIR.unpack_from(self._numbers, index * _PAIR.size))

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return repr(dict(self))


class _Encoder:
    """Turns a loaded spec into plain values marshal can write; one per entry (it shares equal key tuples)."""

    def __init__(self, path: str):
        self.path = path
        self.keys: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.only_path = frozenset({path})
        self.by_kind: dict[type, Callable[[Any], Any]] = {
            tuple: self._tuple, list: self._list, dict: self._dict, Loc: self._loc, LDict: self._ldict,
            LList: self._llist, Transition: self._flat, Screen: self._flat,
            **{kind: self._fields for kind in _FIELDS if kind not in (Loc, Transition, Screen)}}

    def value(self, value: Any) -> Any:
        encode = self.by_kind.get(type(value))
        return value if encode is None else encode(value)  # a plain value as it is: marshal refuses any other

    def _tuple(self, value: tuple) -> tuple:
        return tuple(map(self.value, value))

    def _list(self, value: list) -> list:
        return list(map(self.value, value))

    def _dict(self, value: dict) -> dict:
        encode = self.value
        return {encode(key): encode(item) for key, item in value.items()}

    @staticmethod
    def _loc(value: Loc) -> tuple:
        return (..., _LOC, value.file, value.line, value.col)

    def _ldict(self, value: LDict) -> tuple:
        return (..., _KIND_OF[LDict], self._dict(value), self.value(value.loc), self.value(value.key_locs),
                getattr(value, "plain_strings", None))

    def _llist(self, value: LList) -> tuple:
        return (..., _KIND_OF[LList], self._list(value), self.value(value.loc), self.value(value.item_locs))

    def _fields(self, value: Any) -> tuple:
        kind = type(value)
        return (..., _KIND_OF[kind], *(self.value(getattr(value, name)) for name in _FIELDS[kind]))

    def _flat(self, item: Transition | Screen) -> Any:
        """A transition or screen whose places are all in the spec file: its texts as they are, places as numbers."""
        kind = type(item)
        places = item.key_locs.values()
        if not self.only_path.issuperset(map(_FILE, places)) or item.loc.file != self.path:
            return self._fields(item)
        keys = tuple(item.key_locs)
        keys = self.keys.setdefault(keys, keys)  # one tuple for all the items with the same keys: stored once
        numbers = _pairs(len(keys)).pack(*[n for place in places for n in (place.line, place.col)])
        return (..., -_KIND_OF[kind], _TEXTS_OF[kind](item), item.loc.line, item.loc.col, keys, numbers)


class _Decoder:
    def __init__(self, path: str):
        self.path = path

    def value(self, value: Any) -> Any:
        kind = type(value)
        if kind is tuple:
            if value and value[0] is ...:
                return self._tagged(value)
            return tuple(self.value(item) for item in value)
        if kind is list:
            return [self.value(item) for item in value]
        if kind is dict:
            value_of = self.value
            return {key if type(key) is str else value_of(key): value_of(item) for key, item in value.items()}
        return value

    def _tagged(self, value: tuple) -> Any:
        number = value[1]
        if number == _LOC:
            return loc_at(value[2], value[3], value[4])
        if number < 0:
            return self._flat(_KINDS[-number], *value[2:])
        kind = _KINDS[number]
        if kind is LDict:
            out = LDict(self.value(value[2]))
            out.loc, out.key_locs = self.value(value[3]), self.value(value[4])
            if value[5] is not None:
                out.plain_strings = value[5]
            return out
        if kind is LList:
            out = LList(self.value(value[2]))
            out.loc, out.item_locs = self.value(value[3]), self.value(value[4])
            return out
        made = object.__new__(kind)
        for name, item in zip(_FIELDS[kind], value[2:], strict=True):
            object.__setattr__(made, name, self.value(item))
        return made

    def _flat(self, kind: type, texts: tuple, line: int, col: int, keys: tuple, numbers: bytes
              ) -> Transition | Screen:
        if type(numbers) is not bytes or len(numbers) != _PAIR.size * len(keys):
            raise ValueError("the places do not match the keys")
        split = _LOC_AT[kind]
        return kind(*texts[:split], loc_at(self.path, line, col), *texts[split:], _Places(self.path, keys, numbers))
