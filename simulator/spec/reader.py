"""The one reader every part of a spec file goes through: key tables, types, names.

A mapping is described by a :class:`Table` (its keys, the type each takes, which
are required, how an unknown key is reported); :meth:`Reader.read` checks a mapping
against it and hands back the values that passed. The top-level keys, the world,
the screens and transitions (:mod:`simulator.spec.load`) and the ``views``,
``domain`` and ``properties`` sections (:mod:`simulator.spec.sections`) are all
read this way, so a wrong type or a misspelt key reads the same everywhere.

Sections whose problems carry a fixed prefix and code (``domain: ...
[bad-domain]``) get a reader made with that prefix and code; every problem it
records follows them.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import Loc, Problem
from .yamlsafe import LDict, LList

__all__ = ["Reader", "Table", "Field", "did_you_mean", "type_name", "key_locs"]

STR = (str,)
INT = (int,)


def did_you_mean(name: str, known: list[str] | set[str] | dict | tuple) -> str:
    """`` (did you mean 'x'?)`` for the closest known name, or an empty string."""
    close = difflib.get_close_matches(str(name), sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def type_name(value: Any) -> str:
    """How a problem names the type of a value the file holds."""
    if value is None:
        return "nothing"
    return {bool: "a boolean", int: "a whole number", float: "a number", str: "text",
            LDict: "a mapping", LList: "a list"}.get(type(value), type(value).__name__)


def key_locs(data: LDict) -> dict[str, Loc]:
    """Where each key stands, and for list values where each item stands (as ``key#i``).

    A single value stands where its key does: readers look up ``key#i`` falling back on ``key``. The
    mapping's own table is handed on when no value is a list (most screens and transitions): the
    reader reads each mapping once, so nothing else changes it.
    """
    locs = data.key_locs
    for key, value in data.items():
        if type(value) is LList:
            if locs is data.key_locs:
                locs = dict(locs)
            locs.update({f"{key}#{i}": value.loc_of(i) for i in range(len(value))})
    return locs


@dataclass(frozen=True)
class Field:
    """One key of a mapping: the types its value may have (empty: any) and the message when it has another.

    ``wrong`` is said after the reader's prefix; empty means the generic
    ``<what>: '<key>': expected <types>, found <type>``.
    """

    types: tuple = ()
    wrong: str = ""
    required: bool = False


#: Tables made by Reader.fields, by their keys and types.
_TABLES: dict[tuple, "Table"] = {}
_TABLES_BY_ID: dict[tuple[int, int], tuple[dict, dict, "Table"]] = {}

#: The unknown-key message of the top-level sections; tables may say it otherwise.
UNKNOWN_KEY = "{what}: unknown key {key!r}{suggestion}; expected one of: {known}"


@dataclass(frozen=True)
class Table:
    """The keys a mapping may have. ``unknown`` may use {what}, {key}, {suggestion}, {known}, {known_and}."""

    fields: dict[str, Field] = field(default_factory=dict)
    unknown: str = UNKNOWN_KEY
    suggest: bool = True  # say "did you mean" for a near miss
    required: tuple[str, ...] = field(init=False, default=())  # the keys that must be there, from ``fields``

    def __post_init__(self) -> None:
        object.__setattr__(self, "required", tuple(key for key, spec in self.fields.items() if spec.required))

    @classmethod
    def of(cls, required: dict[str, tuple], optional: dict[str, tuple], **kwargs: Any) -> "Table":
        return cls({**{k: Field(t, required=True) for k, t in required.items()},
                    **{k: Field(t) for k, t in optional.items()}}, **kwargs)


class Reader:
    """Collects the problems found while reading one file (or one section of it)."""

    def __init__(self, path: str, prefix: str = "", code: str | None = None):
        self.path = path
        self.prefix = prefix  # said before every message, e.g. "domain: "
        self.code = code  # when set, every problem has this code
        self.problems: list[Problem] = []

    def error(self, loc: Loc, message: str, code: str) -> None:
        self.problems.append(Problem(loc, "error", self.prefix + message, self.code or code))

    # -- typed access -----------------------------------------------------
    def is_type(self, value: Any, types: tuple, loc: Loc, what: str, wrong: str = "") -> bool:
        # bool is a subclass of int in Python, but `true` is not a number in a spec.
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        if not ok:
            if wrong:
                self.error(loc, wrong, "type")
            else:
                wanted = " or ".join(type_name(t()) for t in types)  # an empty instance names its type
                self.error(loc, f"{what}: expected {wanted}, found {type_name(value)}", "type")
        return ok

    def mapping(self, value: Any, loc: Loc, what: str) -> LDict | None:
        """``value`` if it is a mapping, else None (reported). Test the result with ``is None``: ``{}`` is false."""
        return value if self.is_type(value, (LDict,), loc, what) else None

    def read(self, data: LDict, what: str, table: Table) -> dict[str, Any]:
        """Check the keys and value types of ``data`` against ``table``; return the values that passed."""
        out: dict[str, Any] = {}
        known = table.fields
        if known.keys() >= data.keys():  # every key known: the usual case, read fast
            # This runs for every screen and transition: only the keys written are looked at, and the test
            # of is_type is inline.
            for key, value in data.items():
                spec = known[key]
                types = spec.types
                if not types or (isinstance(value, types) and (type(value) is not bool or bool in types)):
                    out[key] = value
                else:
                    self.is_type(value, types, data.loc_of(key), f"{what}: {key!r}", spec.wrong)
            for key in table.required:
                if key not in data:
                    self.error(data.loc, f"{what}: missing key {key!r}", "missing-key")
            return out
        for key in data:
            if key not in known:
                suggestion = did_you_mean(key, known) if table.suggest else ""
                self.error(data.loc_of(key), table.unknown.format(
                    what=what, key=key, suggestion=suggestion, known=", ".join(known),
                    known_and=" and ".join(known)), "unknown-key")
        for key, spec in known.items():
            if key not in data:
                if spec.required:
                    self.error(data.loc, f"{what}: missing key {key!r}", "missing-key")
                continue
            if spec.types and not self.is_type(data[key], spec.types, data.loc_of(key), f"{what}: {key!r}",
                                               spec.wrong):
                continue
            out[key] = data[key]
        return out

    def fields(self, data: LDict, what: str, required: dict[str, tuple], optional: dict[str, tuple]) -> dict:
        """:meth:`read` with a table of required and optional keys and their types."""
        # The same few tables come back for every screen and transition (50,000 of them in a big spec):
        # found by the two dicts themselves when the caller keeps them (module constants), else by content.
        same = _TABLES_BY_ID.get((id(required), id(optional)))
        if same is not None and same[0] is required and same[1] is optional:
            return self.read(data, what, same[2])
        key = (tuple(required.items()), tuple(optional.items()))
        table = _TABLES.get(key)
        if table is None:
            table = _TABLES[key] = Table.of(required, optional)
        if len(_TABLES_BY_ID) < 256:  # the dicts are kept with it, so their ids cannot be taken by others
            _TABLES_BY_ID[(id(required), id(optional))] = (required, optional, table)
        return self.read(data, what, table)

    def names(self, value: Any, loc: Loc, what: str) -> tuple[str, ...]:
        """A name or a list of names, as ``transitions`` accepts for conditions, source, ..."""
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if isinstance(value, LList):
            out = []
            for index, item in enumerate(value):
                if self.is_type(item, STR, value.loc_of(index), what):
                    out.append(item)
            return tuple(out)
        self.error(loc, f"{what}: expected a name or a list of names, found {type_name(value)}", "type")
        return ()

    def named_list(self, data: Any, loc: Loc, what: str, build: Callable[[LDict, Loc], Any],
                   key: str = "id") -> dict:
        """A list of mappings each with a unique ``key``; duplicates reported at the second one."""
        out: dict[str, Any] = {}
        if data is None or not self.is_type(data, (LList,), loc, what):
            return out
        for index, item in enumerate(data):
            item_loc = data.loc_of(index)
            if self.mapping(item, item_loc, f"{what} entry") is None:
                continue
            name = item.get(key)
            if not isinstance(name, str) or not name:
                if key in item:
                    self.error(item.loc_of(key), f"{what} entry: {key!r} must be a non-empty name", "type")
                else:
                    self.error(item.loc, f"{what} entry: missing key {key!r}", "missing-key")
                continue
            if name in out:
                self.error(item.loc_of(key), f"{what}: duplicate name {name!r} "
                           f"(first at line {_first_line(out[name])})", "duplicate-name")
                continue
            built = build(item, item.loc_of(key))
            if built is not None:
                out[name] = built
        return out

    def named_map(self, data: Any, loc: Loc, what: str, build: Callable[[str, Any, Loc], Any]) -> dict:
        """A mapping of name -> definition (duplicate keys are caught by the YAML layer)."""
        out: dict[str, Any] = {}
        if data is None or self.mapping(data, loc, what) is None:
            return out
        for name, value in data.items():
            built = build(name, value, data.loc_of(name))
            if built is not None:
                out[name] = built
        return out


def _first_line(obj: Any) -> int:
    return obj.loc.line if hasattr(obj, "loc") else 0
