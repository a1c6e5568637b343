"""Safe YAML reading that keeps the position of every key and value.

PyYAML's ``safe_load`` throws positions away and silently accepts things that
bite in a spec: duplicate keys (the last one wins), YAML 1.1 booleans (``no``,
``on`` and ``yes`` become True/False, so an id like ``no`` vanishes) and tags.
Here the document is *composed* with a safe loader and converted by hand:

- only the plain JSON-like tags are accepted (str, int, float, bool, null, map,
  seq); any other tag, ``!!python/object`` included, is a problem;
- only ``true``/``false`` are booleans (YAML 1.2 core schema);
- mappings come back as :class:`LDict` and sequences as :class:`LList`, which
  remember the :class:`~simulator.errors.Loc` of each key and item.
"""
from __future__ import annotations

import re
from typing import Any

import yaml

from ..errors import KmsflowError, Loc, Problem

__all__ = ["LDict", "LList", "load_yaml_text", "load_yaml_file", "plain_data"]

#: Upper bound on converted nodes, so alias bombs ("billion laughs") stop early.
MAX_NODES = 2_000_000


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


# libyaml's parser is about ten times faster than PyYAML's pure-Python one (a
# 10,000-screen spec); both give the same nodes and marks.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader whose implicit booleans are only true/false."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str": "construct_yaml_str",
    "tag:yaml.org,2002:int": "construct_yaml_int",
    "tag:yaml.org,2002:float": "construct_yaml_float",
    "tag:yaml.org,2002:bool": "construct_yaml_bool",
    "tag:yaml.org,2002:null": "construct_yaml_null",
    # A date such as 2012-07-31 is kept as the text it is written as.
    "tag:yaml.org,2002:timestamp": None,
}


def _loc(path: str, mark: Any) -> Loc:
    return Loc(path, mark.line + 1, mark.column + 1)


class _Converter:
    def __init__(self, loader: _Loader, path: str):
        self.loader = loader
        self.path = path
        self.problems: list[Problem] = []
        self.count = 0

    def convert(self, node: yaml.Node, active: frozenset = frozenset()) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise KmsflowError(Problem(_loc(self.path, node.start_mark), "error",
                                       f"document is too large (more than {MAX_NODES} values after expanding aliases)",
                                       "yaml-size"))
        if id(node) in active:
            raise KmsflowError(Problem(_loc(self.path, node.start_mark), "error",
                                       "an alias refers to the collection it stands in (recursive data)",
                                       "yaml-recursive"))
        loc = _loc(self.path, node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                self.problems.append(Problem(loc, "error", f"YAML tag {node.tag!r} is not allowed; "
                                             "write plain strings, numbers, lists and mappings", "yaml-tag"))
                return None
            method = _SCALAR_TAGS[node.tag]
            return node.value if method is None else getattr(self.loader, method)(node)
        inner = active | {id(node)}
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self.problems.append(Problem(loc, "error", f"YAML tag {node.tag!r} is not allowed", "yaml-tag"))
            out = LList()
            out.loc, out.item_locs = loc, []
            for item in node.value:
                out.item_locs.append(_loc(self.path, item.start_mark))
                out.append(self.convert(item, inner))
            return out
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                self.problems.append(Problem(loc, "error", f"YAML tag {node.tag!r} is not allowed", "yaml-tag"))
            out = LDict()
            out.loc, out.key_locs = loc, {}
            for key_node, value_node in node.value:
                key_loc = _loc(self.path, key_node.start_mark)
                key = self.convert(key_node, inner)
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
                out[key] = self.convert(value_node, inner)
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
    converter = _Converter(loader, path)
    try:
        data = converter.convert(node)
    except RecursionError:
        raise KmsflowError(Problem(Loc(path), "error", "YAML nesting is too deep", "yaml-size")) from None
    if converter.problems:
        raise KmsflowError(converter.problems)
    return data


def load_yaml_file(path: str) -> Any:
    """Read and parse a YAML file; an unreadable file is a problem too, never a traceback."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise KmsflowError(Problem(Loc(path), "error", "no such file", "file")) from None
    except IsADirectoryError:
        raise KmsflowError(Problem(Loc(path), "error", "is a directory, expected a YAML file", "file")) from None
    except UnicodeDecodeError as exc:
        raise KmsflowError(Problem(Loc(path), "error", f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                                   "file")) from None
    except OSError as exc:
        raise KmsflowError(Problem(Loc(path), "error", f"cannot read: {exc.strerror}", "file")) from None
    return load_yaml_text(text, path)


def plain_data(value: Any) -> Any:
    """``value`` with every LDict and LList turned into a plain dict and list (what a JSON tool expects)."""
    if isinstance(value, dict):
        return {key: plain_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_data(item) for item in value]
    return value
