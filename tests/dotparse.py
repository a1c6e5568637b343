"""A small reader for the DOT text kmsflow writes (one statement per line), for tests.

Returns nodes and edges keyed by their ``id`` attribute, with every attribute
as a string; HTML labels (``<...>``) are kept with their angle brackets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_NODE = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|\w+)\s*\[(.*)\]\s*$')
_EDGE = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|\w+)\s*->\s*("(?:[^"\\]|\\.)*"|\w+)\s*\[(.*)\]\s*$')


@dataclass
class Dot:
    nodes: dict[str, dict[str, str]]
    edges: dict[str, dict[str, str]]
    graph: dict[str, str]


def parse_attrs(text: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " ,\t":
            i += 1
        if i >= n:
            break
        key_end = text.index("=", i)
        key = text[i:key_end].strip()
        i = key_end + 1
        if text[i] == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            attrs[key] = text[i + 1:j].replace('\\"', '"')
            i = j + 1
        elif text[i] == "<":
            depth, j = 0, i
            while True:
                depth += {"<": 1, ">": -1}.get(text[j], 0)
                j += 1
                if depth == 0:
                    break
            attrs[key] = text[i:j]
            i = j
        else:
            j = i
            while j < n and text[j] not in " \t":
                j += 1
            attrs[key] = text[i:j]
            i = j
    return attrs


def parse_dot(source: str) -> Dot:
    nodes, edges, graph = {}, {}, {}
    for line in source.split("\n"):  # only \n ends a line of DOT (a name may hold U+2028)
        stripped = line.strip()
        if stripped.startswith(("graph [", "node [", "edge [")):
            if stripped.startswith("graph [") and not graph:
                graph = parse_attrs(stripped[len("graph ["):-1])
            continue
        match = _EDGE.match(line)
        if match:
            attrs = parse_attrs(match.group(3))
            attrs["_tail"], attrs["_head"] = match.group(1).strip('"'), match.group(2).strip('"')
            edges[attrs["id"]] = attrs
            continue
        match = _NODE.match(line)
        if match:
            attrs = parse_attrs(match.group(2))
            nodes[attrs.get("id", match.group(1).strip('"'))] = attrs
    return Dot(nodes, edges, graph)
