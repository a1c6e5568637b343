"""Mermaid ``stateDiagram-v2`` text from a :class:`~simulator.draw.diagram_model.Diagram`, for Markdown docs.

Mermaid's limits shape the output (each rule was checked with Mermaid's own parser):

- Screens are flat states, not nested composites: Mermaid cannot route a
  transition from outside a composite state into one of its children (and
  a menu three levels deep has such arrows everywhere). Menus are shown by
  the screen descriptions instead. The account region is a composite: all of
  its arrows stay inside it.
- State ids are letters, digits and ``_`` only, never a JavaScript
  ``Object.prototype`` name, never ending in ``_start``/``_end`` (Mermaid's own
  pseudo-state ids); other names get a safe id and keep their text as label.
- Label text is escaped with Mermaid's entity codes (``#35;`` for ``#``,
  ``#59;`` for ``;``, ``#58;`` for ``:``, ``#quot;``, ``#lt;``/``#gt;``, ``#38;``
  for ``&``, ...), so no label can end a statement early, start a comment or a
  style (``:::``), decode as an entity, or read as ``direction LR``; a note line
  never reads as ``end note``.
- The title goes into the front matter; the view's description is a note; the legend is a group of
  sample boxes, each in the colours it explains.
- Mermaid draws one arrow per pair of states (a second arrow from A to B, or a second loop on A, is
  laid on top of the first and its label lost), so the transitions between the same two states are
  one arrow with one label line per transition (joined by ``<br/>``, the only markup written: every
  ``<`` of the text itself is an entity code). A transition that stays in its state is written inside
  the state's box, UML's internal transition, marked ``↻``: Mermaid gives a loop's label no room, so
  it lands on the neighbouring boxes. Of two arrows between the same states in opposite directions,
  the way back is drawn without words and written in its source's box, marked ``↩`` (Mermaid puts
  both labels at the same spot).
"""
from __future__ import annotations

import re
import textwrap

from ..output import yaml_quoted
from .diagram_model import Diagram, Edge, Node, coverage_band

__all__ = ["render_mermaid"]

_SAFE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_RESERVED = {"constructor", "__proto__", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toString",
             "valueOf", "toLocaleString", "__defineGetter__", "__defineSetter__", "__lookupGetter__",
             "__lookupSetter__", "state", "note", "class", "classDef", "direction", "as", "end", "root", "style",
             "click", "default"}
_CLASSES = {
    "menu": "fill:#e8f0fb,stroke:#5b7db1",
    "query": "fill:#fff4d6,stroke:#9a7b20",
    "list": "fill:#efe9fa,stroke:#6b58a0",
    "note": "fill:#e9f5e4,stroke:#4f8a3c",
    "system": "fill:#ffffff,stroke:#777777,stroke-dasharray:4 3",
    "closed": "fill:#e0e0e0,stroke:#777777",
    "account": "fill:#fbe7df,stroke:#d08770",
    "any": "fill:#ffffff,stroke:#999999,stroke-dasharray:2 2",
    "visited": "fill:#cfe0fa,stroke:#1f5fbf,stroke-width:2px",
    "final": "fill:#8fb5ef,stroke:#1f5fbf,stroke-width:4px",
    "cov-none": "fill:#fde0dc,stroke:#c62828,stroke-width:3px",
    "cov-once": "fill:#e4f4df,stroke:#333333",
    "cov-low": "fill:#cdebc5,stroke:#333333",
    "cov-mid": "fill:#a9dc9c,stroke:#333333",
    "cov-high": "fill:#7cc46b,stroke:#333333",
    "diff-added": "fill:#e3f4e0,stroke:#2e7d32,stroke-width:3px",
    "diff-removed": "fill:#fdecea,stroke:#c62828,stroke-width:3px,stroke-dasharray:6 4",
    "diff-changed": "fill:#fff1d6,stroke:#d98200,stroke-width:3px",
}
#: How an arrow's label says it changed (state diagrams cannot colour one arrow).
_DIFF_PREFIX = {"added": "[+ added] ", "removed": "[- removed] ", "changed": "[~ changed] "}
_LEGEND_TEXT = {
    "screen-menu": "menu screen", "screen-query": "question (Yes / No)", "screen-list": "list to pick from",
    "screen-note": "message closed with OK", "screen-system": "the app works by itself",
    "screen-closed": "app closed",
    "edge-solid": "arrow: event [guard] / effect ({source} step)",
    "edge-dashed": "arrow marked 'assumption' + id: added by that assumption",
    "start": "[*] start / end of the flow", "end": "",
    "path-edge": "(n) step of the path, in order", "path-visited": "blue: passed through",
    "path-final": "dark blue, thick border: where the run ended",
    "cov-none": "red: never passed", "cov-once": "pale green: passed once", "cov-low": "green: 2-3 times",
    "cov-mid": "darker green: 4-9 times", "cov-high": "darkest green: 10 times or more",
    "diff-added": "green box, [+ added] arrow: in the new version only",
    "diff-removed": "red dashed box, [- removed] arrow: in the old version only, drawn where it was",
    "diff-changed": "amber box, [~ changed] arrow: changed, the old label struck through",
}


# '&' would start an HTML entity; 'ﬂ' and '¶' are the markers Mermaid itself turns entity codes
# into, so text holding them would be decoded too.
_ENTITIES = {"#": "#35;", ";": "#59;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "%": "#37;", "{": "#123;",
             "}": "#125;", ":": "#58;", "&": "#38;", "\ufb02": "#64258;", "\u00b6": "#182;"}
# A ':' is written as is only before a space ("keypad: unlock"): '::' ends a description, ':::'
# starts a style, a final ':' is refused, and ':' before '#' trips Mermaid's own style clean-up.
_SPECIAL = re.compile(":(?!\\s)|" + "|".join(re.escape(c) for c in _ENTITIES if c != ":"))
_SPECIAL_IN_NOTE = re.compile(":(?!\\s|$)|" + "|".join(re.escape(c) for c in _ENTITIES if c != ":"))
#: Line breaks: a label is one line in the file (Mermaid shows a break in a label as a space anyway).
_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value: str, special: re.Pattern = _SPECIAL) -> str:
    """Label text Mermaid shows as written (entity codes for the characters its grammar reacts to)."""
    value = _SURROGATE.sub("\ufffd", _BREAKS.sub(" ", value))  # a lone surrogate has no UTF-8: U+FFFD
    # '[[fork]]', '[[join]]', '[[choice]]' in a state's title would make it a pseudo-state.
    return _defuse(special.sub(lambda m: _ENTITIES[m.group(0)], value).replace("[[", "#91;["))


def _label(value: str) -> str:
    """A state's title, a description line or an arrow's label: blank ones as a space Mermaid keeps.

    Mermaid drops a blank description and shows a state's id for a blank title; ``#32;`` stays a space.
    """
    return _text(value) if value.strip() else "#32;"


def _defuse(out: str) -> str:
    """Hide the two line-level hazards Mermaid finds even in quoted text: ``%%{`` and ``direction LR``."""
    out = out.replace("%%{", "#37;#37;{")
    # "direction TB" anywhere in a line (even inside "redirection TB") makes Mermaid read the whole
    # line as a direction statement.
    return re.sub(r"(?i)(d)(irection\s+(?:TB|BT|LR|RL))", lambda m: f"#{ord(m.group(1))};{m.group(2)}", out)


def _note_line(value: str) -> str:
    """A line of a note (a final ':' is harmless there).

    A line reading ``end note`` would close the note, and one starting with ':' would be read as the
    one-line form of the note (``note left of X : text``).
    """
    text = _text(value, _SPECIAL_IN_NOTE)
    text = re.sub(r"^(\s*):", r"\1#58;", text)
    return re.sub(r"(?i)^(\s*)(e)(nd\s+note)", lambda m: f"{m.group(1)}#{ord(m.group(2))};{m.group(3)}", text)


class _Ids:
    """Mermaid ids for node ids: readable where safe, unique always."""

    def __init__(self) -> None:
        self.by_node: dict[str, str] = {}
        self.used: set[str] = set()

    def add(self, node: Node) -> str:
        base = node.name if node.kind == "screen" else f"acct_{node.name}"
        if node.kind == "any":
            base = "acct_any_state"
        if not _SAFE_ID.match(base) or base in _RESERVED or base.endswith(("_start", "_end")):
            base = "state_" + re.sub(r"[^A-Za-z0-9_]", "_", base).strip("_")
            if base.endswith(("_start", "_end")):
                base += "_"
        candidate, n = base, 1
        while candidate in self.used:
            n += 1
            candidate = f"{base}_{n}"
        self.used.add(candidate)
        self.by_node[node.id] = candidate
        return candidate


def _struck(text: str) -> str:
    """``text`` struck through with a combining long stroke after each character (Mermaid has no markup for it)."""
    return "".join(ch + "\u0336" for ch in text)


def _edge_label(edge: Edge) -> str:
    return _label(_edge_text(edge))


def _edge_text(edge: Edge) -> str:
    text = _DIFF_PREFIX.get(edge.mark, "") + edge.event
    if edge.steps:
        text = f"({', '.join(str(n) for n in edge.steps)}) {text}"
    if edge.guard:
        text += f" [{edge.guard}]"
    if edge.effect:
        text += f" / {edge.effect}"
    if edge.refs:
        text += f" ({'assumption ' if edge.dashed else ''}{edge.refs})"
    if edge.count is not None:
        text += " - never" if edge.count == 0 else f" - {edge.count}x"
    if edge.was:
        text += f" (was: {_struck(edge.was)})"
    return text


def _node_class(node: Node) -> str:
    if node.mark in ("visited", "final"):
        return node.mark
    if node.mark in ("covered", "uncovered"):
        return coverage_band(node.count or 0)
    if f"diff-{node.mark}" in _CLASSES:
        return f"diff-{node.mark}"
    return node.shape if node.shape in _CLASSES else ""


def _returns(diagram: Diagram) -> dict[str, list[Edge]]:
    """The arrows drawn without a label, by source: of two arrows joining the same two states in opposite
    directions, the one leading back (else the later one). Mermaid puts both labels at the middle of nearly the
    same path, one over the other; the way back is then written inside its source's box instead, marked ↩."""
    pairs: dict[tuple[str, str], list[Edge]] = {}
    for edge in diagram.edges:
        if edge.is_transition and edge.source != edge.dest:
            pairs.setdefault((edge.source, edge.dest), []).append(edge)
    returns: dict[str, list[Edge]] = {}
    for (source, dest), group in pairs.items():
        other = pairs.get((dest, source))
        if not other:
            continue
        back = all(e.backward for e in group) and not all(e.backward for e in other)
        later = diagram.edges.index(group[0]) > diagram.edges.index(other[0])
        if back or (later and not (all(e.backward for e in other) and not all(e.backward for e in group))):
            returns.setdefault(source, []).extend(group)
    return returns


def _bundles(edges: list[Edge]) -> list[list[Edge]]:
    """The arrows grouped by the two states they join (loops included), in the order each pair first appears."""
    groups: dict[tuple[str, str], list[Edge]] = {}
    for edge in edges:
        key = (edge.source, edge.dest) if edge.is_transition else (edge.id, "")
        groups.setdefault(key, []).append(edge)
    return list(groups.values())


#: Width of a line of a transition written inside its state's box (Mermaid does not wrap description lines).
_LOOP_WRAP = 44

#: The legend's sample boxes: (legend entry, Mermaid class the sample is drawn in).
_LEGEND_CLASS = {"screen-menu": "menu", "screen-query": "query", "screen-list": "list", "screen-note": "note",
                 "screen-system": "system", "screen-closed": "closed", "account": "account",
                 "path-visited": "visited", "path-final": "final", "cov-none": "cov-none", "cov-once": "cov-once",
                 "cov-low": "cov-low", "cov-mid": "cov-mid", "cov-high": "cov-high", "diff-added": "diff-added",
                 "diff-removed": "diff-removed", "diff-changed": "diff-changed"}


def _legend_group(diagram: Diagram, ids: "_Ids") -> list[str]:
    """The legend: a group of sample boxes drawn in the colours they explain, then what the arrows say."""
    group = "kmsflow_legend" if "kmsflow_legend" not in ids.used else "kmsflow_legend_2"
    # Left to right, the unconnected samples stack in one column: a row of them made the diagram wider.
    lines = [f'    state "Legend" as {group} {{', "        direction LR"]
    classes = []
    words = []
    for n, entry in enumerate(diagram.legend, 1):
        # The region's states are named by the spec's variable (the model's meaning); the rest is Mermaid's own words.
        text = entry.meaning if entry.sample == "account" else _LEGEND_TEXT.get(entry.sample, "").replace(
            "{source}", diagram.source)
        if not text:
            continue
        cls = _LEGEND_CLASS.get(entry.sample)
        if cls is None:
            words.append(text)
            continue
        sample = f"{group}_{n}"
        lines.append(f'        state "{_label(text)}" as {sample}')
        classes.append(f"    class {sample} {cls.replace('-', '_')}")
    if any(e.is_transition and e.source == e.dest for e in diagram.edges):
        words.append("↻ in a box: a transition that stays in that state")
    if _returns(diagram):
        words.append("↩ in a box: what its arrow without words does")
    if words:
        lines.append(f'        state "Arrows" as {group}_arrows')
        lines += [f"        {group}_arrows : {_label(line)}" for line in words]
    if len(lines) == 2:
        return []  # nothing to explain (Mermaid refuses an empty group)
    lines.append("    }")
    return lines + classes


def render_mermaid(diagram: Diagram) -> str:
    """The Mermaid ``stateDiagram-v2`` text of ``diagram`` (deterministic, ends with a newline)."""
    ids = _Ids()
    states = [n for n in diagram.nodes if n.kind in ("screen", "account", "any")]
    for node in states:
        ids.add(node)
    title = diagram.title + (f" - {diagram.caption}" if diagram.caption else "")
    # The front matter is YAML: one double-quoted scalar reads back as the title, whatever it holds.
    lines = ["---", f"title: {yaml_quoted(_defuse(_BREAKS.sub(' ', title)))}", "---", "stateDiagram-v2",
             "    %% generated by kmsflow from the spec: regenerate with `make diagrams`, do not edit"]
    used_classes = sorted(({_node_class(n) for n in states} - {""})
                          | {_LEGEND_CLASS[e.sample] for e in diagram.legend if e.sample in _LEGEND_CLASS})
    for name in used_classes:
        lines.append(f"    classDef {name.replace('-', '_')} {_CLASSES[name]}")

    loops: dict[str, list[Edge]] = {}
    for edge in diagram.edges:
        if edge.is_transition and edge.source == edge.dest:
            loops.setdefault(edge.source, []).append(edge)
    titles = {n.id: n.title for n in diagram.nodes}
    returns = _returns(diagram)
    unlabelled = {edge.id for group in returns.values() for edge in group}

    def declare(node: Node, indent: str) -> list[str]:
        mid = ids.by_node[node.id]
        title_text = node.title
        if node.count is not None:
            title_text += " - never passed" if node.count == 0 else f" - passed {node.count}x"
        out = [f'{indent}state "{_label(title_text)}" as {mid}']
        out += [f"{indent}{mid} : was: {_text(_struck(line))}" for line in node.was]
        out += [f"{indent}{mid} : {_label(line)}" for line in node.lines]
        inside = [("↻ ", _edge_text(edge)) for edge in loops.get(node.id, [])]  # transitions that stay here
        inside += [("↩ ", f"{_edge_text(edge)} → {titles[edge.dest]}") for edge in returns.get(node.id, [])]
        for mark, text in inside:
            wrapped = textwrap.wrap(text, _LOOP_WRAP, break_long_words=False,
                                    break_on_hyphens=False) or [""]  # lines joined by a space give the text back
            out += [f"{indent}{mid} : {_label((mark if i == 0 else '') + line)}" for i, line in enumerate(wrapped)]
        return out

    inside = {n.id for n in diagram.nodes if n.cluster == "account"}
    top_nodes = [n for n in states if n.id not in inside]
    account_nodes = [n for n in states if n.id in inside]
    for node in top_nodes:
        lines += declare(node, "    ")
    account_cluster = next((c for c in diagram.clusters if c.kind == "account"), None)

    def arrow(group: list[Edge], indent: str) -> str:
        edge = group[0]
        if edge.source.startswith("start:"):
            return f"{indent}[*] --> {ids.by_node[edge.dest]}"
        if edge.dest.startswith("end:"):
            return f"{indent}{ids.by_node[edge.source]} --> [*]"
        if edge.id in unlabelled:  # said inside the source's box, marked ↩
            return f"{indent}{ids.by_node[edge.source]} --> {ids.by_node[edge.dest]}"
        label = "<br/>".join(_edge_label(e) for e in group)
        return f"{indent}{ids.by_node[edge.source]} --> {ids.by_node[edge.dest]} : {label}"

    def in_account(edge: Edge) -> bool:
        if edge.is_transition and edge.source == edge.dest:
            return False  # drawn inside its box (see declare), no arrow
        ends = {edge.source, edge.dest}
        return any(e in inside for e in ends) and all(e in inside or e.startswith(("start:", "end:")) for e in ends)

    about = textwrap.wrap(diagram.subtitle, 48) if diagram.subtitle else []

    def note(anchor: Node, indent: str) -> list[str]:
        if not about:
            return []
        return ([f"{indent}note left of {ids.by_node[anchor.id]}"]
                + [f"{indent}    {_note_line(line)}" for line in about] + [f"{indent}end note"])

    if account_nodes and account_cluster is not None:
        region_id = "account_region" if "account_region" not in ids.used else "account_region_2"
        lines.append(f'    state "{_text(account_cluster.label)}" as {region_id} {{')
        for node in account_nodes:
            lines += declare(node, "        ")
        lines += [arrow(group, "        ") for group in _bundles([e for e in diagram.edges if in_account(e)])]
        if not top_nodes:  # a note must be attached to a state: here the only ones are inside the region
            lines += note(account_nodes[0], "        ")
        lines.append("    }")
    lines += [arrow(group, "    ") for group in _bundles([e for e in diagram.edges if not in_account(e)
                                                           and not (e.is_transition and e.source == e.dest)])]
    lines += _legend_group(diagram, ids)
    if top_nodes:
        lines += note(top_nodes[0], "    ")
    for node in states:
        cls = _node_class(node)
        if cls:
            lines.append(f"    class {ids.by_node[node.id]} {cls.replace('-', '_')}")
    return "\n".join(lines) + "\n"
